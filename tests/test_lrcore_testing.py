"""``lrcore.testing``: assert_curves_close's verdicts and messages, and its strategies.

Curves are compared against hand-written formulas; the strategies must reach every
registered name, build only valid schedules, and every malformed config must raise.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

import lrcore
from lrcore.testing import (
    InvalidConfig,
    assert_curves_close,
    interesting_steps,
    invalid_configs,
    schedules,
)

FAST = settings(
    max_examples=60, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def test_equal_curves_pass_for_every_kind_of_side() -> None:
    config = {"name": "step", "step_size": 3, "gamma": 0.5}
    formula = lambda k: 0.5 ** (k // 3)  # noqa: E731 - a user's lambda is the point
    schedule = lrcore.Step(step_size=3, gamma=0.5)
    for actual in (config, formula, schedule):
        for expected in (config, formula, schedule):
            assert_curves_close(actual, expected, steps=40)
    assert_curves_close(schedule, formula, steps=[0, 3, 2**40, np.int64(7)])


def test_a_native_read_out_is_a_curve() -> None:
    """A torch scheduler's lr, read after k steps, against the schedule it ports."""
    import torch

    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.5)
    native = torch.optim.lr_scheduler.StepLR(optimizer, step_size=4, gamma=0.1)
    lrs = []
    for _ in range(30):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        native.step()
    assert_curves_close(lambda k: lrs[k] / 0.5, {"name": "step", "step_size": 4}, steps=30)


def test_failure_message_names_first_and_largest_difference() -> None:
    expected = lambda k: 1.0  # noqa: E731
    actual = lambda k: 1.0 + {5: 1e-9, 7: 0.25, 9: 1e-3}.get(k, 0.0)  # noqa: E731
    with pytest.raises(AssertionError) as error:
        assert_curves_close(actual, expected, steps=12)
    message = str(error.value)
    assert "differ at 3 of 12 steps" in message, message
    assert "first at step 5: actual=1.000000001, expected=1.0" in message, message
    assert re.search(r"largest difference 0\.25 at step 7: actual=1\.25, expected=1\.0", message)


def test_tolerances_are_relative_and_absolute() -> None:
    base = lambda k: 1e6  # noqa: E731
    assert_curves_close(lambda k: 1e6 + 1e-7, base, steps=3)  # 1e-13 relative
    with pytest.raises(AssertionError, match="first at step 0"):
        assert_curves_close(lambda k: 1e-3, lambda k: 0.0, steps=3)
    assert_curves_close(lambda k: 1e-3, lambda k: 0.0, steps=3, atol=1e-3)
    assert_curves_close(lambda k: 1.1, lambda k: 1.0, steps=3, rtol=0.11)


def test_infinities_and_nan() -> None:
    assert_curves_close(lambda k: math.inf, lambda k: math.inf, steps=2)
    assert_curves_close(lambda k: math.nan, lambda k: math.nan, steps=2)
    for got, want in ((math.nan, 1.0), (1.0, math.nan), (math.inf, 1.0), (-math.inf, math.inf)):
        with pytest.raises(AssertionError, match="first at step 0"):
            assert_curves_close(lambda k, g=got: g, lambda k, w=want: w, steps=1)


def test_steps_are_python_ints() -> None:
    seen: list[type] = []
    assert_curves_close(
        lambda k: seen.append(type(k)) or 1.0, lambda k: 1.0, steps=[np.int32(3), 4]
    )
    assert seen == [int, int]


def test_bad_arguments() -> None:
    with pytest.raises(TypeError, match="actual must be a Schedule"):
        assert_curves_close(3.0, lambda k: 1.0, steps=3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="steps"):
        assert_curves_close(lambda k: 1.0, lambda k: 1.0, steps=[1.5])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="steps must be >= 0"):
        assert_curves_close(lambda k: 1.0, lambda k: 1.0, steps=-1)
    with pytest.raises(TypeError, match="not a number"):
        assert_curves_close(lambda k: "x", lambda k: 1.0, steps=1)
    with pytest.raises(TypeError, match="missing required parameter 'step_size'"):
        assert_curves_close({"name": "step"}, lambda k: 1.0, steps=1)


def test_strategies_generate_every_registered_name() -> None:
    """Each name alone: reachable, valid, and at every depth the composites nest."""
    names = sorted(lrcore.registered())
    for name in names:
        seen = _draw(name)
        assert seen and all(s.name == name for s in seen), name
        assert all(lrcore.from_config(s.to_config()) == s for s in seen), name


def _draw(name: str) -> list[lrcore.Schedule]:
    seen: list[lrcore.Schedule] = []

    @settings(max_examples=5, derandomize=True, deadline=None)
    @given(schedules([name], max_depth=1))
    def draw(schedule: lrcore.Schedule) -> None:
        seen.append(schedule)

    draw()
    return seen


def test_restricted_names_and_depth() -> None:
    @FAST
    @given(schedules(["cosine_annealing", "warmup"], max_depth=1, inner_names=["step"]))
    def check(schedule: lrcore.Schedule) -> None:
        assert schedule.name in ("cosine_annealing", "warmup")
        if isinstance(schedule, lrcore.Warmup):
            assert schedule.schedule.name == "step"

    check()
    with pytest.raises(ValueError, match="needs max_depth >= 1"):
        schedules(["join"], max_depth=0)
    with pytest.raises(ValueError, match="unknown schedule names"):
        schedules(["no_such_schedule"])


def test_parameters_stay_in_range() -> None:
    @FAST
    @given(schedules(["step", "linear"], max_depth=0, max_length=50, max_factor=2.0))
    def check(schedule: lrcore.Schedule) -> None:
        if isinstance(schedule, lrcore.Step):
            assert 1 <= schedule.step_size <= 51 and 0 < schedule.gamma <= 2.0
        else:
            assert isinstance(schedule, lrcore.Linear) and schedule.steps <= 50

    check()


def test_interesting_steps_hit_piece_starts() -> None:
    schedule = lrcore.MultiStep(milestones=[30, 80], gamma=0.5)
    found: set[int] = set()

    @FAST
    @given(interesting_steps(schedule, max_step=2**31 - 1))
    def check(steps: list[int]) -> None:
        assert all(0 <= k <= 2**31 - 1 for k in steps)
        found.update(steps)

    check()
    assert {29, 30, 80, 2**31 - 1} <= found


@settings(max_examples=300, derandomize=True, deadline=None)
@given(invalid_configs())
def test_invalid_configs_always_raise(case: InvalidConfig) -> None:
    with pytest.raises((ValueError, TypeError)) as error:
        lrcore.from_config(case.config)
    for text in case.mentions:
        assert text in str(error.value), (text, str(error.value), case)
    assert case.schedule in lrcore.registered() and case.field


def test_invalid_configs_cover_nesting_missing_and_unknown() -> None:
    kinds: set[str] = set()

    @settings(max_examples=300, derandomize=True, deadline=None)
    @given(invalid_configs(["warmup", "join"], max_depth=1))
    def collect(case: InvalidConfig) -> None:
        if case.path:
            kinds.add("nested")
        if case.value == "<missing>":
            kinds.add("missing")
        if case.field == "no_such_parameter":
            kinds.add("unknown")
        if isinstance(case.value, float) and math.isnan(case.value):
            kinds.add("nan")

    collect()
    assert kinds == {"nested", "missing", "unknown", "nan"}
