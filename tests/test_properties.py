"""Property tests: random schedules of every registered name agree across every backend.

Driven by :mod:`lrcore.testing`'s strategies (random parameters, random nesting through
``join``/``product``/``warmup``/``per_iteration``) at random steps -- piece boundaries,
far past the end, near ``2**31 - 1`` and up to ``2**53``:

* the int path gives a float ``>= 0`` (``inf`` allowed for growth, never ``nan``);
* NumPy ``int64``, ``int32`` and ``uint32`` arrays equal the int path (rel 1e-12);
* ``jax.jit`` on ``int32`` steps (float32) is within ``2e-6 |want| + 1e-6``, with the
  measured growth allowance of :func:`float32_bound` for factors above 1;
* ``to_torch`` (a real SGD with two groups) and ``to_paddle`` give ``base * s(k)``
  (rel 1e-12) over the first 50 steps;
* ``from_config(to_config(s))`` after JSON is an equal, equally hashed schedule;
* every config of :func:`lrcore.testing.invalid_configs` raises only ``ValueError`` /
  ``TypeError`` naming the schedule, the field and the value.

Nothing else may escape: every check runs with RuntimeWarnings as errors, so an
``OverflowError``, ``ZeroDivisionError``, ``RecursionError`` or a NumPy warning fails it.
The checks are plain functions, shared with ``bench/fuzz.py`` (``make fuzz``), which
runs them on random seeds; here a fixed-seed budget runs in ``make test``.
"""

from __future__ import annotations

import collections
import json
import math
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lrcore
from lrcore import Schedule
from lrcore.testing import InvalidConfig, interesting_steps, invalid_configs, schedules

COUNTS: collections.Counter[tuple[str, str]] = collections.Counter()
"""``(property, schedule name) -> examples checked`` (reported by ``bench/fuzz.py``)."""

INT32_MAX = 2**31 - 1
FLOAT32_MAX = float(np.finfo(np.float32).max)


@contextmanager
def strict(known_nan: bool = False) -> Iterator[None]:
    """RuntimeWarnings (NumPy overflow, invalid value, division by zero) are errors.

    ``known_nan``: the int path gave the known product nan (see ``_known_product_nan``),
    whose ``0 * inf`` NumPy reports as an invalid value: that one warning is let through.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        if known_nan:
            warnings.filterwarnings("ignore", "invalid value encountered in multiply")
        yield


ATOL = 1e-15
"""The absolute floor of the 1e-12 comparisons (as tests/conformance/replay.py), times
the piece's scale (``_piece_scale``) for NumPy vs the int path: where
a formula cancels (timm's tanh: ``lr_min * (1 + tanh(x))`` with ``tanh(x) ~ -1``),
NumPy's and libm's ``tanh``, one ulp apart, differ by 1e-10 relative but 1e-16 absolute
(``TimmTanh(base_lr=0.1, t_initial=1, lr_min=0.1, cycle_mul=2.125, cycle_decay=0.0,
cycle_limit=9, ub=0.0)``: 8.399689974125657e-07 vs 8.399689975513436e-07)."""


def _piece_scale(schedule: Schedule, steps: Sequence[int]) -> np.ndarray:
    """``max(1, |s(start)|)`` of each step's piece: the size of the formula's terms.

    timm's cycles compute ``lr_min + (lr_max - lr_min) * (1 - tanh(x)) / 2`` with
    ``lr_max = cycle_decay ** i`` (their value at the cycle's start): where that
    cancels, NumPy's and libm's ``tanh`` (one ulp apart) differ by one ulp of
    ``lr_max``, not of the small result.
    """
    tops = []
    for k in steps:
        piece = [p for p in schedule.pieces if p.start <= k][-1]
        top = piece.start
        if piece.family.name.startswith("timm_") and piece.family.name.endswith("_repeat"):
            # timm's repeating cycles (one piece) peak at base * cycle_decay ** i at the
            # start of cycle i, where (offset, length, ...) are the family's parameters.
            offset, length = piece.params[0], piece.params[1]
            top = max(piece.start, k - (k - piece.start + offset) % length)
        tops.append(top)
    with np.errstate(invalid="ignore"):
        values = np.abs(np.asarray([schedule(k) for k in tops], dtype=np.float64))
    return np.where(np.isfinite(values), np.maximum(values, 1.0), 1.0)


def _close(
    got: Sequence[float],
    want: Sequence[float],
    rtol: float,
    what: str,
    scale: np.ndarray | float = 1.0,
) -> None:
    got_values = np.asarray(got, dtype=np.float64)
    want_values = np.asarray(want, dtype=np.float64)
    # Equal infinities; nan only where the int path gave it too (see _known_product_nan).
    same = (got_values == want_values) | (np.isnan(got_values) & np.isnan(want_values))
    with np.errstate(invalid="ignore"):
        bound = rtol * np.abs(want_values) + ATOL * scale
        ok = same | (np.abs(got_values - want_values) <= bound)
    bad = np.nonzero(~ok)[0]
    assert bad.size == 0, (
        f"{what}: {bad.size} values differ, first at index {bad[0]}: "
        f"got {got_values[bad[0]]!r}, want {want_values[bad[0]]!r}"
    )


def _known_product_nan(schedule: Schedule, value: float) -> bool:
    """Known bug (reported, lrcore/_compose.py): ``product`` multiplies a factor that
    saturated to ``inf`` (growth: ``exponential`` with ``gamma > 1``, an exp_range
    ``cyclic``) by a factor of 0 and gives ``nan``:
    ``Product([Constant(0.0), Exponential(2.0)])(2000)`` is nan (torch's
    ``ChainedScheduler`` gives nan too).  Counted as ``product_nan_known``; a nan
    anywhere else fails."""
    return math.isnan(value) and "Product(" in repr(schedule)


def int_path(schedule: Schedule, steps: Sequence[int]) -> list[float]:
    """The int path at ``steps``: each a float, ``>= 0``, finite or ``+inf``."""
    values = [schedule(k) for k in steps]
    for k, value in zip(steps, values, strict=True):
        assert type(value) is float, (k, value)
        if _known_product_nan(schedule, value):
            COUNTS[("product_nan_known", schedule.name)] += 1
            continue
        assert value >= 0.0, f"{schedule!r}: factor {value!r} at step {k}"  # also refuses nan
    return values


def check_numpy(schedule: Schedule, steps: Sequence[int]) -> None:
    """int64, int32 and uint32 arrays equal the int path (rel 1e-12)."""
    with strict():
        want = int_path(schedule, steps)
    # Known (reported, lrcore/_compose.py): NumPy evaluates a product's factors over
    # the whole array, off the piece too, where an overflowed growth meets a 0 factor:
    # "invalid value encountered in multiply" even when no selected value is nan.
    with strict(known_nan="Product(" in repr(schedule)):
        for dtype, largest in (
            (np.int64, 2**63 - 1),
            (np.int32, INT32_MAX),
            (np.uint32, 2**32 - 1),
        ):
            chosen = [(k, w) for k, w in zip(steps, want, strict=True) if k <= largest]
            if not chosen:
                continue
            array = np.asarray([k for k, _ in chosen], dtype=dtype)
            got = schedule(array)
            assert isinstance(got, np.ndarray) and got.dtype == np.float64, got
            assert got.shape == array.shape
            _close(
                got,
                [w for _, w in chosen],
                1e-12,
                f"{schedule!r} numpy {dtype.__name__}",
                _piece_scale(schedule, [k for k, _ in chosen]),
            )


def float32_bound(want: np.ndarray) -> np.ndarray:
    """The float32 error bound: ``2e-6 |want| + 1e-6``, widened for growth.

    A factor above 1 comes out of ``exp(x)`` with ``x = ln(want)`` rounded in float32
    (and products of such), whose relative error grows like ``2**-24 |x|`` per rounding:
    ``gamma = 1.001`` at step 60,000 is ``exp(60)``, 3.6e-6 off in float32.  The
    allowance ``1.2e-6 * ln(want)`` (measured: see /work/notes/readme_testing.md)
    covers it; factors <= 1 keep the stated tolerance.
    """
    magnitude = np.abs(want)
    with np.errstate(divide="ignore"):
        growth = np.where(magnitude > 1.0, 1.2e-6 * np.log(np.maximum(magnitude, 1.0)), 0.0)
    return (2e-6 + growth) * magnitude + 1e-6


KNOWN_FLOAT32_PHASE_STEP = 2**16
"""Known bug (reported, lrcore/_transformers.py): transformers' cosines (``hf_wave``:
``hf_cosine``, ``hf_cosine_warmup_with_min_lr``) keep oscillating past the end, and
under float32 the phase ``2 pi c (t - W) / (N - W)`` is not reduced when ``c`` is not a
short binary fraction (``num_cycles=0.3``; for ``59/64`` the reduced step still spans 59
waves): ``HfCosine(warmup_steps=0, training_steps=100, num_cycles=0.3)`` under
``jax.jit`` is 2.7e-4 off at step 2**20 and 0.41 off at 2**31 - 2;
``HfCosineWarmupWithMinLr(warmup_steps=0, training_steps=0, num_cycles=0.1)`` is 5.9e-6
off at step 316.  Such steps (past twice the run in an ``hf_wave`` piece; local step
>= 2**16 where it is nested) are left out of the float32 comparison and counted as
``jax_float32_known``; every other step of every schedule is checked."""


KNOWN_TIMM_K_DECAY = "t_curr ** k / t_i ** k"
"""Known bug (reported, lrcore/_timm.py): timm's ``k_decay`` cosine/poly divide
``t_curr ** k`` by ``length_k = t_i ** k``; with long cycles and ``k_decay > 1`` both
exceed float32's range (``length_k`` is a float64 parameter that JAX casts to inf) and
``jax.jit`` gives nan: ``TimmCosine(base_lr=0.1, t_initial=1, cycle_mul=5.0,
cycle_limit=10, k_decay=7.0)`` at step 2441405 (int path 3.17e-11).  Steps on a timm
piece with a parameter beyond float32's range are counted as ``jax_float32_known``."""


def _known_float32_issue(schedule: Schedule, step: int) -> bool:
    """See ``KNOWN_FLOAT32_PHASE_STEP`` and ``KNOWN_TIMM_K_DECAY``."""
    active = [piece for piece in schedule.pieces if piece.start <= step][-1]
    if "timm_" in active.family.name and any(
        isinstance(p, float) and FLOAT32_MAX < p < math.inf for p in active.params
    ):
        return True
    if active.family.name == "hf_wave":
        # Past twice the run (progress > 2) the unreduced phase outgrows float32.
        offset, denominator = active.params[0], active.params[1]
        return (step - active.start + offset) / denominator > 2.0
    return "hf_wave" in active.family.name and step - active.start >= KNOWN_FLOAT32_PHASE_STEP


def check_jax_float32(schedule: Schedule, steps: Sequence[int]) -> None:
    """``jax.jit`` on int32 steps within the float32 bound of the int path."""
    import jax
    import jax.numpy as jnp

    known = [k for k in steps if k <= INT32_MAX and _known_float32_issue(schedule, k)]
    if known:
        COUNTS[("jax_float32_known", schedule.name)] += 1
    chosen = [k for k in steps if k <= INT32_MAX and k not in known]
    if not chosen:
        return
    with strict():
        want = np.asarray(int_path(schedule, chosen))
        # A parameter beyond float32's range (a multistep level of 1e50) overflows when
        # JAX casts it to float32 -- a float32 fact, not lrcore's: the values decide.
        warnings.filterwarnings("ignore", "overflow encountered in cast", RuntimeWarning)
        got = np.asarray(jax.jit(schedule)(jnp.asarray(chosen, dtype=jnp.int32)), np.float64)
    # Beyond float32's range a factor is inf (float64 still holds it): that is float32.
    # float32 rounds the intermediate terms of a piece, whose size is its value at its
    # start (timm's cycle_decay > 1 peaks at decay ** i, far above the value late in the
    # cycle): the relative bound applies to the larger of the two.
    starts = [max(p.start for p in schedule.pieces if p.start <= k) for k in chosen]
    with strict():
        scale = np.maximum(np.abs(want), np.abs(int_path(schedule, starts)))
    overflow = want > FLOAT32_MAX * (1 - 1e-6)
    with np.errstate(invalid="ignore", over="ignore"):  # inf - inf: decided by got == want
        close = np.abs(got - want) <= float32_bound(scale)
    ok = (got == want) | close | (overflow & (got == np.inf))
    bad = np.nonzero(~ok)[0]
    assert bad.size == 0, (
        f"{schedule!r} jit float32: step {chosen[bad[0]]}: got {got[bad[0]]!r}, "
        f"want {want[bad[0]]!r} ({bad.size} differ)"
    )


BASES = (0.1, 0.003)
ADAPTER_STEPS = 50


def replay_torch(schedule: Schedule, steps: int) -> list[list[float]]:
    """The lrs a real SGD with two float64 groups sees under ``to_torch(schedule)``.

    float64 parameters: a growth schedule's lr of 1e42 is legal for the scheduler,
    but a float32 parameter's ``add_(grad, alpha=-lr)`` refuses it.
    """
    import torch

    import lrcore_torch

    model = torch.nn.ModuleList(torch.nn.Linear(2, 1, dtype=torch.float64) for _ in BASES)
    groups = [
        {"params": list(m.parameters()), "lr": base} for m, base in zip(model, BASES, strict=True)
    ]
    optimizer = torch.optim.SGD(groups, lr=BASES[0])
    scheduler = lrcore_torch.to_torch(schedule, optimizer)
    lrs: list[list[float]] = [[] for _ in BASES]
    x = torch.ones(1, 2, dtype=torch.float64)
    for _ in range(steps):
        for g, group in enumerate(optimizer.param_groups):
            lrs[g].append(float(group["lr"]))
        optimizer.zero_grad()
        sum(m(x).sum() for m in model).backward()
        optimizer.step()
        scheduler.step()
    return lrs


def check_torch(schedule: Schedule) -> None:
    """``to_torch`` on a real SGD with two groups: ``base * s(k)`` for 50 updates."""
    with strict():
        want = [[base * v for v in int_path(schedule, range(ADAPTER_STEPS))] for base in BASES]
        got = replay_torch(schedule, ADAPTER_STEPS)
    for g in range(len(BASES)):
        _close(got[g], want[g], 1e-12, f"{schedule!r} to_torch group {g}")


def check_paddle(schedule: Schedule) -> None:
    """``to_paddle``: ``base * s(k)`` for 50 steps."""
    from tests.conformance.replay import replay_paddle

    with strict():
        want = [[base * v for v in int_path(schedule, range(ADAPTER_STEPS))] for base in BASES]
        got = replay_paddle([(base, schedule) for base in BASES], ADAPTER_STEPS)
    for g in range(len(BASES)):
        _close(got[g], want[g], 1e-12, f"{schedule!r} to_paddle group {g}")


def check_round_trip(schedule: Schedule, steps: Sequence[int]) -> None:
    """``from_config(to_config(s))`` after JSON: equal, equally hashed, the same values."""
    with strict():
        text = json.dumps(schedule.to_config(), allow_nan=False)
        rebuilt = lrcore.from_config(json.loads(text))
        assert rebuilt == schedule and hash(rebuilt) == hash(schedule), (schedule, rebuilt)
        got, want = [rebuilt(k) for k in steps], [schedule(k) for k in steps]
        assert np.array_equal(got, want, equal_nan=True), (got, want)


def check_invalid(case: InvalidConfig) -> None:
    """A malformed config raises ValueError/TypeError naming schedule, field and value."""
    with strict(), pytest.raises((ValueError, TypeError)) as error:
        lrcore.from_config(case.config)
    message = str(error.value)
    for text in case.mentions:
        assert text in message, f"{text!r} not in {message!r} ({case})"


# ----------------------------------------------------------------------------- hypothesis


def _count(prop: str, schedule: Schedule) -> None:
    COUNTS[(prop, schedule.name)] += 1


def schedule_and_steps(max_step: int = 2**53) -> st.SearchStrategy[tuple[Schedule, list[int]]]:
    return schedules().flatmap(
        lambda s: st.tuples(st.just(s), interesting_steps(s, max_step=max_step))
    )


def _property(prop: str, check: Callable[..., None], strategy: Any, count: Any) -> Any:
    @given(strategy)
    def run(example: Any) -> None:
        count(prop, example)
        check(*example) if type(example) is tuple else check(example)

    run.__name__ = f"property_{prop}"
    return run


def _by_schedule(prop: str, example: Any) -> None:
    _count(prop, example[0] if isinstance(example, tuple) else example)


def _by_case(prop: str, case: InvalidConfig) -> None:
    COUNTS[(prop, case.config["name"])] += 1


PROPERTIES: dict[str, Callable[[], Any]] = {
    "numpy": lambda: _property("numpy", check_numpy, schedule_and_steps(), _by_schedule),
    "jax_float32": lambda: _property(
        "jax_float32", check_jax_float32, schedule_and_steps(INT32_MAX), _by_schedule
    ),
    "torch": lambda: _property("torch", check_torch, schedules(), _by_schedule),
    "paddle": lambda: _property("paddle", check_paddle, schedules(), _by_schedule),
    "round_trip": lambda: _property(
        "round_trip", check_round_trip, schedule_and_steps(), _by_schedule
    ),
    "invalid": lambda: _property("invalid", check_invalid, invalid_configs(), _by_case),
}
"""Each property as a hypothesis test, to be wrapped in ``settings`` by the caller."""

# The fixed-seed budget of ``make test`` (examples per property), chosen with a profile:
# the whole file runs in ~N s (see /work/notes/readme_testing.md).
BUDGET = {
    "numpy": 400,
    "jax_float32": 40,
    "torch": 40,
    "paddle": 60,
    "round_trip": 300,
    "invalid": 500,
}

SETTINGS = dict(derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("prop", sorted(PROPERTIES))
def test_property(prop: str) -> None:
    settings(max_examples=BUDGET[prop], **SETTINGS)(PROPERTIES[prop]())()  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- coverage


@pytest.mark.parametrize("name", sorted(lrcore.registered()))
def test_every_registered_name_is_generated(name: str) -> None:
    """The strategies draw every registered name, valid and broken, at a fixed seed.

    Per name rather than by counting over one mixed run: a mixed run's coverage depends on
    the order of the names, and so on which schedule modules were imported first.
    """
    seen: set[str] = set()
    broken: set[str] = set()

    @settings(max_examples=5, **SETTINGS)  # type: ignore[arg-type]
    @given(schedules([name], max_depth=1), invalid_configs([name]))
    def collect(schedule: Schedule, case: InvalidConfig) -> None:
        seen.add(schedule.name)
        broken.add(case.config["name"])  # derived from it (the broken part may be nested)

    collect()
    assert seen == {name}
    assert broken == {name}


def test_importing_lrcore_testing_imports_neither_hypothesis_nor_numpy() -> None:
    code = (
        "import sys, lrcore.testing; "
        "print(sorted(m for m in ('hypothesis', 'numpy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout


# ----------------------------------------------------------------------------- regressions


def test_noam_tiny_warmup_is_a_value_error_not_overflow() -> None:
    """Bug found by the property tests: ``noam`` with ``warmup_steps=1e-210`` raised
    ``OverflowError`` from ``warmup_steps ** -1.5`` at build.  Now a ValueError naming
    the schedule, the field and the value."""
    with pytest.raises(ValueError, match=r"noam: warmup_steps .* overflows.*1e-210"):
        lrcore.Noam(d_model=1.0, warmup_steps=1e-210)
    # A tiny but representable W still builds: Paddle's d ** -0.5 * min(t ** -0.5, W ** -1.5 t).
    schedule = lrcore.Noam(d_model=4.0, warmup_steps=1e-200)
    for t in (1, 7, 10**6):
        assert math.isclose(schedule(t), 4.0**-0.5 * min(t**-0.5, 1e-200**-1.5 * t), rel_tol=1e-12)


def test_growth_saturates_to_inf_without_numpy_warnings() -> None:
    """Bug found by the property tests: ``exponential`` (gamma=2), ``step``, optax-style
    ``exponential_decay``, ``cyclic`` exp_range and timm's ``decay_rate > 1`` overflowed
    in NumPy's ``exp``/``power`` with a RuntimeWarning (an error under pytest's
    ``error::RuntimeWarning:lrcore.*``).  Oracle: Python's float power, inf where it
    overflows."""

    def power(base: float, exponent: int) -> float:
        try:
            return base**exponent
        except OverflowError:
            return math.inf

    steps = np.asarray([0, 5, 1023, 1025, 2000, 2**31 - 2], dtype=np.int64)
    cases = [
        (lrcore.Exponential(2.0), lambda k: power(2.0, k)),
        (lrcore.Step(step_size=1, gamma=2.0), lambda k: power(2.0, k)),
        (lrcore.ExponentialDecay(transition_steps=1, decay_rate=2.0), lambda k: power(2.0, k)),
        (lrcore.TimmStep(base_lr=1.0, decay_t=1, decay_rate=2.0), lambda k: power(2.0, k)),
    ]
    for schedule, oracle in cases:
        with strict():
            for array in (steps, steps.astype(np.int32)):
                got = schedule(array)
                want = [oracle(int(k)) for k in array]
                np.testing.assert_allclose(got, want, rtol=1e-12)


def test_timm_step_fractional_decay_t_on_int32_steps() -> None:
    """Bug found by the property tests: ``timm_step`` with ``decay_t < 1`` counted stairs
    as ``t * b`` in the steps' integers, which wraps in int32 near 2**31:
    ``TimmStep(base_lr=0.1, decay_t=0.1, decay_rate=0.5)`` gave 1.0 at step 2**31 - 2 on
    an int32 array (0.0 on the int path).  Oracle: timm's ``rate ** (t // decay_t)``."""
    schedule = lrcore.TimmStep(base_lr=0.1, decay_t=0.1, decay_rate=0.5)
    steps = [0, 1, 3, 2**27, 2**31 - 2]
    want = [0.5 ** (k // 0.1) if k // 0.1 < 1100 else 0.0 for k in steps]
    for dtype in (np.int32, np.uint32, np.int64):
        got = schedule(np.asarray(steps, dtype=dtype))
        np.testing.assert_allclose(got, want, rtol=1e-12, err_msg=str(dtype))


def test_cyclic_int32_steps_follow_the_native_float64_arithmetic() -> None:
    """Bug found by the property tests: ``cyclic`` split NumPy int32 steps in integers
    (meant for float32 JAX) while the int path and int64 follow torch's float64
    ``1 + t / L - floor(1 + t / L)``: at 2**31 - 1, ``Cyclic(step_size_up=3)`` gave
    0.3333333333333333 on int32 and 0.3333333730697632 on int64.  Oracle: torch's
    ``CyclicLR`` formula in plain Python."""
    schedule = lrcore.Cyclic(step_size_up=3, step_size_down=5)
    steps = [0, 2, 3, 7, 2**31 - 1, 2**31 - 2, 2**32 - 1]

    def torch_cyclic(t: int) -> float:
        total = 8.0
        ratio = 3 / total
        cycle = math.floor(1 + t / total)
        x = 1.0 + t / total - cycle
        return x / ratio if x <= ratio else (x - 1) / (ratio - 1)

    for dtype in (np.int32, np.uint32, np.int64):
        chosen = [k for k in steps if k <= np.iinfo(dtype).max]
        got = schedule(np.asarray(chosen, dtype=dtype))
        np.testing.assert_allclose(got, [torch_cyclic(k) for k in chosen], rtol=1e-12)


def test_cyclic_exp_range_growth_is_never_nan() -> None:
    """Bug found by the property tests: ``Cyclic(step_size_up=1, mode="exp_range",
    gamma=2.0)`` gave ``nan`` (0 * inf) at the bottom of the triangle once the growth
    saturated (step 2**31 - 2; torch raises OverflowError there).  Oracle: the factor
    at the bottom of a cycle is ``min_factor``; elsewhere the growth is inf."""
    schedule = lrcore.Cyclic(step_size_up=1, min_factor=0.25, mode="exp_range", gamma=2.0)
    steps = [2, 2000, 2**31 - 2, 2**31 - 1]
    want = [0.25 + 0.75 * 0.0 * 4.0, 0.25, 0.25, math.inf]
    with strict():
        assert [schedule(k) for k in steps] == want
        for dtype in (np.int64, np.int32):
            assert schedule(np.asarray(steps, dtype=dtype)).tolist() == want


def test_cyclic_growth_below_min_factor_is_refused() -> None:
    """Bug found by the property tests: ``Cyclic(step_size_up=1, min_factor=2.0,
    max_factor=1.0, mode="exp_range", gamma=2.0)`` built, and its factor
    ``2 - triangle * 2 ** t`` went negative at step 3 and to ``-inf``.  Now a ValueError
    naming the schedule and the fields; a decaying or non-inverted one still builds."""
    with pytest.raises(ValueError, match=r"cyclic: gamma=2\.0 > 1 with max_factor=1\.0"):
        lrcore.Cyclic(step_size_up=1, min_factor=2.0, max_factor=1.0, mode="exp_range", gamma=2.0)
    inverted = lrcore.Cyclic(
        step_size_up=1, min_factor=2.0, max_factor=1.0, mode="exp_range", gamma=0.5
    )
    assert inverted(1) == 2.0 - 1.0 * 0.5**1  # torch: base + (max - base) * 1 * gamma ** t
