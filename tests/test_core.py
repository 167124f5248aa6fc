"""Core tests for lrcore: values against hand-written oracles, evaluation paths, configs.

Every expected value here comes from an oracle written out in this file (the schedule's
formula, the transformers recipe, the torchvision warmup factor), never from lrcore.
"""

from __future__ import annotations

import bisect
import json
import math
import pickle
import subprocess
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lrcore
from lrcore import Family, Piece, Schedule
from tests.cases import CASE_IDS, CASES
from tests.recipe_oracles import torchvision_warmup, transformers_linear

Oracle = Callable[[int], float]

# --------------------------------------------------------------------------- oracles

DEFAULTS: dict[str, dict[str, Any]] = {
    "constant": {"factor": 1.0},
    "warmup_linear": {},
    "warmup_factor": {},
    "step": {"gamma": 0.1},
    "multistep": {"gamma": 0.1},
    "exponential": {},
    "cosine_annealing": {"min_factor": 0.0},
    "warmup": {"start_factor": 0.0},
}
"""The documented default of every optional parameter, per schedule name."""


def with_defaults(config: dict[str, Any]) -> dict[str, Any]:
    """``config`` with every omitted optional parameter filled in (recursively)."""
    filled = {**DEFAULTS[config["name"]], **config}
    if "schedule" in filled:
        filled["schedule"] = with_defaults(filled["schedule"])
    if "milestones" in filled:
        filled["milestones"] = list(filled["milestones"])
    return filled


def _constant(c: dict[str, Any]) -> Oracle:
    return lambda t: c["factor"]


def _warmup_linear(c: dict[str, Any]) -> Oracle:
    return transformers_linear(c["warmup_steps"], c["total_steps"])


def _warmup_factor(c: dict[str, Any]) -> Oracle:
    return torchvision_warmup(c["warmup_iters"], c["warmup_factor"])


def _step(c: dict[str, Any]) -> Oracle:
    return lambda t: c["gamma"] ** (t // c["step_size"])


def _multistep(c: dict[str, Any]) -> Oracle:
    return lambda t: c["gamma"] ** bisect.bisect_right(c["milestones"], t)


def _exponential(c: dict[str, Any]) -> Oracle:
    return lambda t: c["gamma"] ** t


def _cosine(c: dict[str, Any]) -> Oracle:
    m, period = c["min_factor"], c["T_max"]
    # No modulo: the closed form itself is 2*T_max periodic.
    return lambda t: m + (1 - m) * (1 + math.cos(math.pi * t / period)) / 2


def _warmup(c: dict[str, Any]) -> Oracle:
    s, w = c["start_factor"], c["warmup_steps"]
    inner = oracle(c["schedule"])
    return lambda t: s + (1 - s) * t / w if t < w else inner(t - w)


ORACLES: dict[str, Callable[[dict[str, Any]], Oracle]] = {
    "constant": _constant,
    "warmup_linear": _warmup_linear,
    "warmup_factor": _warmup_factor,
    "step": _step,
    "multistep": _multistep,
    "exponential": _exponential,
    "cosine_annealing": _cosine,
    "warmup": _warmup,
}


def oracle(config: dict[str, Any]) -> Oracle:
    """The hand-written reference function of a (possibly nested) config."""
    filled = with_defaults(config)
    return ORACLES[filled["name"]](filled)


def names_in(config: dict[str, Any]) -> set[str]:
    """Every schedule name used in a (possibly nested) config."""
    inner = config.get("schedule")
    return {config["name"]} | (names_in(inner) if inner is not None else set())


# Families whose array path is pure IEEE arithmetic (+ - * / and no pow/cos), hence
# bit-identical to the scalar path on every platform.
ARITHMETIC_ONLY = {"constant", "warmup_linear", "warmup_factor", "multistep"}


def assert_matches_oracle(values: Sequence[float], expected: Sequence[float]) -> None:
    """Elementwise: relative 1e-12, absolute 1e-15 (for exact zeros)."""
    for step, (got, want) in enumerate(zip(values, expected, strict=True)):
        assert got == pytest.approx(want, rel=1e-12, abs=1e-15), f"step {step}"


def assert_array_equals_scalar(schedule: Schedule, steps: np.ndarray, config: dict) -> None:
    """``schedule(steps)`` is float64, same shape, elementwise equal to the int path.

    Exact for arithmetic-only families; 1e-15 relative plus 1e-15 absolute otherwise
    (NumPy's vectorised ``cos``/``pow`` may differ from libm by one ulp).
    """
    got = schedule(steps)
    assert isinstance(got, np.ndarray)
    assert got.dtype == np.float64
    assert got.shape == steps.shape
    want = np.array([schedule(int(k)) for k in steps.ravel()]).reshape(steps.shape)
    if names_in(config) <= ARITHMETIC_ONLY:
        np.testing.assert_array_equal(got, want)
    else:
        np.testing.assert_allclose(got, want, rtol=1e-15, atol=1e-15)


# --------------------------------------------------------------------------- 1. values


@pytest.mark.parametrize(("case_id", "config", "horizon"), CASES, ids=CASE_IDS)
def test_values_match_oracle(case_id: str, config: dict[str, Any], horizon: int) -> None:
    """Every CASES schedule equals its hand-written formula at every step 0..horizon."""
    schedule = lrcore.from_config(config)
    reference = oracle(config)
    steps = range(horizon + 1)
    assert_matches_oracle([schedule(k) for k in steps], [reference(k) for k in steps])


RECIPE_CONFIGS = [
    config for _, config, _ in CASES if config["name"] in {"warmup_linear", "warmup_factor"}
] + [
    {"name": "warmup_linear", "warmup_steps": 3, "total_steps": 1000},
    {"name": "warmup_linear", "warmup_steps": 997, "total_steps": 1003},
    {"name": "warmup_linear", "warmup_steps": 0, "total_steps": 1},
    {"name": "warmup_factor", "warmup_iters": 7, "warmup_factor": 1 / 3},
    {"name": "warmup_factor", "warmup_iters": 1000, "warmup_factor": 0.001},
    {"name": "warmup_factor", "warmup_iters": 1, "warmup_factor": 0.0},
]


@pytest.mark.parametrize("config", RECIPE_CONFIGS, ids=lambda c: json.dumps(c, sort_keys=True))
def test_recipes_are_bit_exact(config: dict[str, Any]) -> None:
    """warmup_linear / warmup_factor equal the transformers / torchvision recipes exactly (==)."""
    schedule = lrcore.from_config(config)
    reference = oracle(config)
    horizon = config.get("total_steps", config.get("warmup_iters", 0)) + 20
    for step in range(horizon + 1):
        assert schedule(step) == reference(step), f"step {step}"


# --------------------------------------------------------------------------- 2. types


@pytest.mark.parametrize(("case_id", "config", "horizon"), CASES, ids=CASE_IDS)
def test_int_step_returns_python_float(case_id: str, config: dict[str, Any], horizon: int) -> None:
    """A Python int step gives exactly a Python float (not a subclass, not a NumPy scalar)."""
    schedule = lrcore.from_config(config)
    for step in range(horizon + 1):
        assert type(schedule(step)) is float


@pytest.mark.parametrize(("case_id", "config", "horizon"), CASES, ids=CASE_IDS)
@pytest.mark.parametrize("scalar_type", [np.int64, np.int32])
def test_numpy_integer_scalar(
    case_id: str, config: dict[str, Any], horizon: int, scalar_type: type
) -> None:
    """A NumPy integer scalar is an integer: it takes the int path and gives a Python float."""
    schedule = lrcore.from_config(config)
    for step in (0, 1, horizon // 2, horizon):
        got = schedule(scalar_type(step))
        assert type(got) is float
        assert got == schedule(step)


@pytest.mark.parametrize(("case_id", "config", "horizon"), CASES, ids=CASE_IDS)
@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_numpy_arrays_match_scalar_path(
    case_id: str, config: dict[str, Any], horizon: int, dtype: type
) -> None:
    """int32/int64 arrays (1-D, 2-D, 0-d) give float64 arrays equal to the int path."""
    schedule = lrcore.from_config(config)
    one_d = np.arange(horizon + 1, dtype=dtype)
    assert_array_equals_scalar(schedule, one_d, config)
    # 2-D, in a scrambled order, so that position does not follow the step.
    two_d = np.random.default_rng(0).permutation(one_d)[: (horizon + 1) // 2 * 2].reshape(2, -1)
    assert_array_equals_scalar(schedule, two_d, config)
    zero_d = np.array(horizon // 2, dtype=dtype)
    got = schedule(zero_d)
    assert np.ndim(got) == 0
    assert np.asarray(got).dtype == np.float64
    assert float(got) == pytest.approx(schedule(horizon // 2), rel=1e-15, abs=1e-15)


def test_unsigned_steps() -> None:
    """Unsigned integer steps are accepted integers too: uint16/32/64 arrays and NumPy scalars
    match the int path, with no RuntimeWarning from a step before a phase's start."""
    failures = []
    for case_id, config, horizon in CASES:
        schedule = lrcore.from_config(config)
        for dtype in (np.uint16, np.uint32, np.uint64):
            assert_array_equals_scalar(schedule, np.arange(horizon + 1, dtype=dtype), config)
            for step in (0, 1, horizon // 2, horizon):
                with warnings.catch_warnings():
                    warnings.simplefilter("error", RuntimeWarning)
                    try:
                        got = float(schedule(dtype(step)))
                    except RuntimeWarning as warning:
                        failures.append(f"{case_id} {dtype.__name__}({step}): {warning}")
                        continue
                assert got == pytest.approx(schedule(step), rel=1e-15, abs=1e-15)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    ("config", "step"),
    [
        ({"name": "exponential", "gamma": 2.0}, 2000),
        ({"name": "step", "step_size": 1, "gamma": 10.0}, 400),
        (
            {
                "name": "warmup",
                "warmup_steps": 5,
                "schedule": {"name": "exponential", "gamma": 1.5},
            },
            3000,
        ),
    ],
    ids=["exponential", "step", "warmup-exponential"],
)
def test_growth_past_float_range_is_inf(config: dict[str, Any], step: int) -> None:
    """A valid growth schedule (gamma > 1) saturates to inf on both paths instead of raising.

    torch's ExponentialLR/StepLR multiply ``lr * gamma`` and reach ``inf``; the NumPy path
    gives ``inf`` too; the int path must return a float, not raise ``OverflowError``.
    """
    schedule = lrcore.from_config(config)
    with np.errstate(over="ignore"):
        assert schedule(np.array([step]))[0] == math.inf
    assert schedule(step) == math.inf


# --------------------------------------------------------------------------- 3. vectorised


class Counting(Schedule):
    """Wraps another schedule's pieces with families that count their calls (not registered)."""

    inner: Schedule = lrcore.Nested()

    def build(self) -> Sequence[Piece]:
        families = list(dict.fromkeys(piece.family for piece in self.inner.pieces))
        calls = [0] * len(families)
        object.__setattr__(self, "calls", calls)

        def counted(number: int, fam: Family) -> Family:
            def wrapper(t: Any, xp: Any, *params: Any) -> Any:
                self.calls[number] += 1  # type: ignore[attr-defined]
                return fam.fn(t, xp, *params)

            return Family(wrapper, fam.name, fam.arity)

        wrapped = {fam: counted(number, fam) for number, fam in enumerate(families)}
        return [piece._replace(family=wrapped[piece.family]) for piece in self.inner.pieces]


@pytest.mark.parametrize(("case_id", "config", "horizon"), CASES, ids=CASE_IDS)
def test_array_path_calls_each_family_once(
    case_id: str, config: dict[str, Any], horizon: int
) -> None:
    """An array of 10**5 steps calls each formula family exactly once (whole-array math),
    however many pieces share it; an int step calls exactly one formula once. Values are
    unchanged by the wrapping."""
    inner = lrcore.from_config(config)
    counting = Counting(inner)
    families = len({piece.family for piece in inner.pieces})
    steps = np.arange(10**5)
    np.testing.assert_array_equal(counting(steps), inner(steps))
    assert counting.calls == [1] * families
    for step in (0, horizon // 3, horizon, 10**6):
        counting.calls[:] = [0] * families
        assert counting(step) == inner(step)
        assert sum(counting.calls) == 1


@pytest.mark.parametrize(("case_id", "config", "horizon"), CASES, ids=CASE_IDS)
def test_million_steps_at_once(case_id: str, config: dict[str, Any], horizon: int) -> None:
    """``np.arange(10**6)`` evaluates in one call to a float64 array matching the oracle."""
    schedule = lrcore.from_config(config)
    steps = np.arange(10**6)
    values = schedule(steps)
    assert isinstance(values, np.ndarray)
    assert values.shape == (10**6,)
    assert values.dtype == np.float64
    reference = oracle(config)
    spots = [0, 1, horizon - 1, horizon, horizon + 1, 4321, 10**6 - 1]
    for step in spots:
        # 1e-12 relative (the oracle's cos has no modulo) and 1e-11 absolute (its
        # angle pi*t/T_max carries ~1e-16*t rounding at t ~ 10**6).
        assert values[step] == pytest.approx(reference(step), rel=1e-12, abs=1e-11), step
        assert values[step] == pytest.approx(schedule(step), rel=1e-15, abs=1e-15), step


# --------------------------------------------------------------------------- 4. round trip


@pytest.mark.parametrize(("case_id", "config", "horizon"), CASES, ids=CASE_IDS)
def test_config_round_trip(case_id: str, config: dict[str, Any], horizon: int) -> None:
    """to_config() is the input config with defaults filled; JSON round trip is identical."""
    schedule = lrcore.from_config(config)
    assert schedule.to_config() == with_defaults(config)
    rebuilt = lrcore.from_config(json.loads(json.dumps(schedule.to_config())))
    assert rebuilt.to_config() == schedule.to_config()
    assert rebuilt == schedule
    assert hash(rebuilt) == hash(schedule)
    assert type(rebuilt) is type(schedule)
    for step in range(horizon + 1):
        assert rebuilt(step) == schedule(step)


@pytest.mark.parametrize(("case_id", "config", "horizon"), CASES, ids=CASE_IDS)
def test_pickle_round_trip(case_id: str, config: dict[str, Any], horizon: int) -> None:
    """pickle gives an equal schedule with identical values (formulas are rebuilt)."""
    schedule = lrcore.from_config(config)
    restored = pickle.loads(pickle.dumps(schedule))
    assert restored == schedule
    assert restored is not schedule
    assert [restored(k) for k in range(horizon + 1)] == [schedule(k) for k in range(horizon + 1)]


@pytest.mark.parametrize(("case_id", "config", "horizon"), CASES, ids=CASE_IDS)
def test_repr_is_informative(case_id: str, config: dict[str, Any], horizon: int) -> None:
    """repr names the class and every parameter, and evaluates back to an equal schedule."""
    schedule = lrcore.from_config(config)
    text = repr(schedule)
    assert text.startswith(type(schedule).__name__ + "(")
    for key in with_defaults(config):
        if key != "name":
            assert f"{key}=" in text
    namespace = {name: getattr(lrcore, name) for name in lrcore.__all__}
    assert eval(text, namespace) == schedule


def test_equality_and_hash_distinguish_configs() -> None:
    """Distinct configs give unequal schedules; equal configs (int vs float, defaults) are equal."""
    schedules = [lrcore.from_config(config) for _, config, _ in CASES]
    assert len(set(schedules)) == len(CASES)
    assert lrcore.Constant() == lrcore.Constant(1) == lrcore.Constant(factor=1.0)
    assert hash(lrcore.Constant()) == hash(lrcore.Constant(1))
    assert lrcore.Step(5, 0.5) != lrcore.Step(5, 0.25)
    assert lrcore.Step(5) != lrcore.MultiStep([5])
    assert lrcore.MultiStep((3, 9)) == lrcore.MultiStep([3, 9])
    assert lrcore.Constant() != 1.0
    assert lrcore.Warmup(5, lrcore.Step(3)) == lrcore.Warmup(5, {"name": "step", "step_size": 3})


FINITE_UNIT = st.floats(min_value=0.0, max_value=1.0)


@st.composite
def valid_configs(draw: st.DrawFn, nested: bool = True) -> dict[str, Any]:
    """Random valid configs of every family (warmup wraps a random non-warmup config)."""
    names = sorted(ORACLES) if nested else sorted(set(ORACLES) - {"warmup"})
    name = draw(st.sampled_from(names))
    if name == "constant":
        return {"name": name, "factor": draw(st.floats(0.0, 10.0))}
    if name == "warmup_linear":
        warmup = draw(st.integers(0, 300))
        total = max(1, warmup + draw(st.integers(0, 500)))
        return {"name": name, "warmup_steps": warmup, "total_steps": total}
    if name == "warmup_factor":
        return {
            "name": name,
            "warmup_iters": draw(st.integers(0, 300)),
            "warmup_factor": draw(FINITE_UNIT),
        }
    if name == "step":
        gamma = draw(st.floats(1e-3, 1.2))
        return {"name": name, "step_size": draw(st.integers(1, 100)), "gamma": gamma}
    if name == "multistep":
        milestones = sorted(draw(st.sets(st.integers(0, 500), max_size=6)))
        return {"name": name, "milestones": milestones, "gamma": draw(st.floats(1e-3, 2.0))}
    if name == "exponential":
        return {"name": name, "gamma": draw(st.floats(0.5, 1.01))}
    if name == "cosine_annealing":
        return {"name": name, "T_max": draw(st.integers(1, 1000)), "min_factor": draw(FINITE_UNIT)}
    return {
        "name": name,
        "warmup_steps": draw(st.integers(0, 200)),
        "start_factor": draw(FINITE_UNIT),
        "schedule": draw(valid_configs(nested=False)),
    }


STEPS = st.lists(st.integers(0, 2000), min_size=1, max_size=20)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(config=valid_configs(), steps=STEPS)
def test_random_configs_round_trip_through_json(config: dict[str, Any], steps: list[int]) -> None:
    """Random valid params: the JSON round trip rebuilds an equal schedule with identical values."""
    schedule = lrcore.from_config(config)
    rebuilt = lrcore.from_config(json.loads(json.dumps(schedule.to_config())))
    assert rebuilt == schedule
    assert schedule.to_config() == with_defaults(config)
    assert [rebuilt(k) for k in steps] == [schedule(k) for k in steps]
    np.testing.assert_array_equal(rebuilt(np.array(steps)), schedule(np.array(steps)))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(config=valid_configs(), steps=STEPS)
def test_random_configs_match_oracle(config: dict[str, Any], steps: list[int]) -> None:
    """Random valid params: values equal the hand-written oracle (rel 1e-12, abs 1e-12)."""
    schedule = lrcore.from_config(config)
    reference = oracle(config)
    for step in steps:
        assert schedule(step) == pytest.approx(reference(step), rel=1e-12, abs=1e-12), step


# --------------------------------------------------------------------------- 5. composition

INNER_CASES = [case for case in CASES if case[1]["name"] != "warmup"]
INNER_IDS = [case[0] for case in INNER_CASES]


@pytest.mark.parametrize(("case_id", "config", "horizon"), INNER_CASES, ids=INNER_IDS)
@pytest.mark.parametrize("warmup_steps", [1, 7])
def test_warmup_pieces_are_ramp_plus_shifted_inner(
    case_id: Any, config: dict[str, Any], horizon: int, warmup_steps: int
) -> None:
    """warmup(W, inner).pieces is a ramp at 0 followed by inner's own pieces shifted by W."""
    inner = lrcore.from_config(config)
    warmup = lrcore.Warmup(warmup_steps, inner, start_factor=0.2)
    assert len(warmup.pieces) == 1 + len(inner.pieces)
    assert warmup.pieces[0].start == 0
    assert [p.start for p in warmup.pieces[1:]] == [warmup_steps + p.start for p in inner.pieces]
    for ours, theirs in zip(warmup.pieces[1:], inner.pieces, strict=True):
        assert (ours.family, ours.params) == (theirs.family, theirs.params)
    for step in range(warmup_steps, warmup_steps + horizon + 1):
        assert warmup(step) == inner(step - warmup_steps)


@pytest.mark.parametrize(("case_id", "config", "horizon"), INNER_CASES, ids=INNER_IDS)
def test_warmup_zero_is_the_inner_schedule(
    case_id: Any, config: dict[str, Any], horizon: int
) -> None:
    """warmup(W=0, inner) has inner's pieces and equals inner at every step (any start_factor)."""
    inner = lrcore.from_config(config)
    warmup = lrcore.Warmup(0, inner, start_factor=0.5)
    assert warmup.pieces == inner.pieces
    steps = np.arange(horizon + 1)
    assert [warmup(k) for k in steps.tolist()] == [inner(k) for k in steps.tolist()]
    np.testing.assert_array_equal(warmup(steps), inner(steps))


NESTED = {
    "name": "warmup",
    "warmup_steps": 3,
    "start_factor": 0.1,
    "schedule": {
        "name": "warmup",
        "warmup_steps": 5,
        "start_factor": 0.5,
        "schedule": {"name": "cosine_annealing", "T_max": 20, "min_factor": 0.05},
    },
}


def test_nested_warmup() -> None:
    """warmup(warmup(cosine)) has pieces at 0, 3, 8, matches the oracle and round-trips."""
    schedule = lrcore.from_config(NESTED)
    assert [p.start for p in schedule.pieces] == [0, 3, 8]
    reference = oracle(NESTED)
    steps = range(100)
    assert_matches_oracle([schedule(k) for k in steps], [reference(k) for k in steps])
    assert schedule(0) == 0.1
    assert schedule(3) == 0.5
    assert schedule(8) == pytest.approx(1.0, abs=1e-15)
    assert schedule.to_config() == NESTED
    rebuilt = lrcore.from_config(json.loads(json.dumps(schedule.to_config())))
    assert rebuilt == schedule
    assert pickle.loads(pickle.dumps(schedule)) == schedule
    assert [rebuilt(k) for k in steps] == [schedule(k) for k in steps]
    assert_array_equals_scalar(schedule, np.arange(100), NESTED)


# --------------------------------------------------------------------------- 6. boundaries


@pytest.mark.parametrize(
    ("config", "first"),
    [
        ({"name": "constant", "factor": 0.3}, 0.3),
        ({"name": "cosine_annealing", "T_max": 10, "min_factor": 0.2}, 1.0),
        ({"name": "cosine_annealing", "T_max": 1}, 1.0),
        ({"name": "warmup_linear", "warmup_steps": 10, "total_steps": 100}, 0.0),
        ({"name": "warmup_linear", "warmup_steps": 0, "total_steps": 100}, 1.0),
        ({"name": "warmup_factor", "warmup_iters": 10, "warmup_factor": 0.001}, 0.001),
        ({"name": "warmup_factor", "warmup_iters": 0, "warmup_factor": 0.001}, 1.0),
        ({"name": "step", "step_size": 3, "gamma": 0.5}, 1.0),
        ({"name": "multistep", "milestones": [3], "gamma": 0.5}, 1.0),
        ({"name": "multistep", "milestones": [0, 3], "gamma": 0.5}, 0.5),
        ({"name": "exponential", "gamma": 0.5}, 1.0),
        (
            {"name": "warmup", "warmup_steps": 4, "start_factor": 0.25, "schedule": NESTED},
            0.25,
        ),
        ({"name": "warmup", "warmup_steps": 4, "schedule": {"name": "constant"}}, 0.0),
    ],
    ids=lambda value: json.dumps(value, sort_keys=True) if isinstance(value, dict) else "",
)
def test_first_step(config: dict[str, Any], first: float) -> None:
    """f(0) per family: cosine 1, warmup start_factor, warmup_linear 0, warmup_factor w."""
    schedule = lrcore.from_config(config)
    assert schedule(0) == pytest.approx(first, rel=1e-15, abs=1e-15)
    assert schedule(np.array([0]))[0] == pytest.approx(first, rel=1e-15, abs=1e-15)


def test_warmup_linear_boundaries() -> None:
    """W-1, W, W+1, T-1, T, T+1 and far past T for warmup_linear(W=10, T=100)."""
    schedule = lrcore.WarmupLinear(warmup_steps=10, total_steps=100)
    expected = {9: 9 / 10, 10: 1.0, 11: 89 / 90, 99: 1 / 90, 100: 0.0, 101: 0.0, 10**9: 0.0}
    for step, want in expected.items():
        assert schedule(step) == want, step
    np.testing.assert_array_equal(schedule(np.array(list(expected))), list(expected.values()))
    assert all(schedule(k) == 0.0 for k in range(100, 300))


def test_warmup_factor_boundaries() -> None:
    """N-1 is the last blended value, 1 from N on."""
    schedule = lrcore.WarmupFactor(warmup_iters=4, warmup_factor=0.2)
    assert schedule(3) == pytest.approx(0.2 * 0.25 + 0.75, rel=1e-15)
    assert schedule(4) == 1.0
    assert schedule(5) == 1.0
    assert schedule(10**9) == 1.0


def test_step_and_multistep_boundaries() -> None:
    """The decay applies exactly at the boundary step (s, 2s, each milestone), not one later."""
    step = lrcore.Step(step_size=5, gamma=0.5)
    assert [step(k) for k in (0, 4, 5, 9, 10, 11)] == [1.0, 1.0, 0.5, 0.5, 0.25, 0.25]
    multi = lrcore.MultiStep(milestones=[3, 8], gamma=0.5)
    assert [multi(k) for k in (0, 2, 3, 4, 7, 8, 9, 10**9)] == [
        1.0,
        1.0,
        0.5,
        0.5,
        0.5,
        0.25,
        0.25,
        0.25,
    ]
    assert multi(np.array([2, 3, 7, 8])).tolist() == [1.0, 0.5, 0.5, 0.25]


def test_warmup_boundaries() -> None:
    """warmup(W=4, s=0.2, cosine(T=8)): ramp at W-1, inner step 0 at W, inner step 1 at W+1."""
    schedule = lrcore.Warmup(4, lrcore.CosineAnnealing(T_max=8), start_factor=0.2)
    assert schedule(3) == pytest.approx(0.2 + 0.8 * 3 / 4, rel=1e-15)
    assert schedule(4) == pytest.approx(1.0, abs=1e-15)
    assert schedule(5) == pytest.approx((1 + math.cos(math.pi / 8)) / 2, rel=1e-15)
    assert schedule(12) == pytest.approx(0.0, abs=1e-15)


@pytest.mark.parametrize(("T_max", "min_factor"), [(1, 0.0), (10, 0.01), (37, 0.0), (90, 0.3)])
def test_cosine_past_t_max_oscillates(T_max: int, min_factor: float) -> None:  # noqa: N803
    """f(T_max) = min_factor; past it f rises back: f(T+k) == f(T-k), f(t) == f(t + 2*T_max)."""
    schedule = lrcore.CosineAnnealing(T_max=T_max, min_factor=min_factor)
    assert schedule(T_max) == pytest.approx(min_factor, abs=1e-15)
    assert schedule(2 * T_max) == pytest.approx(1.0, abs=1e-15)
    for step in range(6 * T_max + 3):
        later = schedule(step + 2 * T_max)
        assert later == pytest.approx(schedule(step), rel=1e-12, abs=1e-15), step
    for k in range(T_max + 1):
        assert schedule(T_max + k) == pytest.approx(schedule(T_max - k), rel=1e-12, abs=1e-15)


# --------------------------------------------------------------------------- 7. bad steps

SCHEDULES = [lrcore.from_config(config) for _, config, _ in CASES]


@pytest.mark.parametrize("schedule", SCHEDULES, ids=CASE_IDS)
@pytest.mark.parametrize(
    "step",
    [-1, -(10**9), np.int64(-1), np.array([0, 5, -1]), np.array([[0, 1], [2, -3]], np.int32)],
    ids=["int", "big-int", "np.int64", "array", "2d-int32-array"],
)
def test_negative_steps_raise_value_error(schedule: Schedule, step: Any) -> None:
    """A negative step (int, NumPy scalar, anywhere in a NumPy array) raises ValueError."""
    with pytest.raises(ValueError, match="step"):
        schedule(step)


@pytest.mark.parametrize("schedule", SCHEDULES, ids=CASE_IDS)
@pytest.mark.parametrize(
    "step",
    [
        3.0,
        True,
        False,
        "3",
        None,
        np.float64(3.0),
        np.array([0.0, 1.0]),
        np.array([True, False]),
        np.array(2.0),
    ],
    ids=["float", "True", "False", "str", "None", "np.float64", "float-array", "bool-array", "0d"],
)
def test_non_integer_steps_raise_type_error(schedule: Schedule, step: Any) -> None:
    """Floats, bools, strings, None, float arrays and bool arrays raise TypeError."""
    with pytest.raises(TypeError, match="step"):
        schedule(step)


# --------------------------------------------------------------------------- 8. isolation

_IMPORT_PROBE = """
import json, sys
before = set(sys.modules)
import lrcore
lrcore.from_config({"name": "warmup", "warmup_steps": 2, "schedule": {"name": "step",
                    "step_size": 3}})(5)
print(json.dumps(sorted(set(sys.modules) - before)))
print(json.dumps(sorted(sys.modules)))
"""


def test_import_pulls_in_only_the_standard_library() -> None:
    """``import lrcore`` (and evaluating a schedule) loads only lrcore.* and stdlib modules."""
    result = subprocess.run(
        [sys.executable, "-c", _IMPORT_PROBE], capture_output=True, text=True, check=True
    )
    new_line, all_line = result.stdout.strip().splitlines()
    new, everything = json.loads(new_line), json.loads(all_line)
    assert "lrcore" in new
    foreign = [
        name
        for name in new
        if name.split(".")[0] != "lrcore" and name.split(".")[0] not in sys.stdlib_module_names
    ]
    assert foreign == []
    for framework in ("numpy", "torch", "paddle", "jax", "jaxlib", "optax"):
        assert framework not in everything


def test_help_lrcore_lists_every_config_name() -> None:
    """``help(lrcore)`` opens with an example and the list of config names: the list is
    kept equal to ``lrcore.registered()``."""
    doc = lrcore.__doc__ or ""
    listed = doc[doc.index("Config names") :].split(":", 2)[-1]
    names = {name.strip() for name in listed.replace("\n", " ").split(",")}
    assert names == set(lrcore.registered())
    assert ">>> import lrcore" in doc
