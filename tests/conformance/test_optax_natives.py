"""optax 0.2.8 schedules ported with ``from_optax`` and replayed on core, torch, Paddle, optax.

The oracle is optax itself, evaluated in float64 (``natives.optax_values`` under x64) on
the optax function called with the same arguments: ``base * schedule(k)`` must equal it
to rel 1e-12 on the core, ``to_torch`` and ``to_paddle`` at every count from 0 to well
past the schedule's end (and before ``transition_begin``), and within the float32
tolerance through ``to_optax`` under ``jax.jit``.  optax's own float32 values (its
default) must lie within the float32 tolerance of the port.  Each function gets several
seeded random settings plus the edge cases optax decides in its own way (zero or
negative transition steps, a zero decay rate, colliding one-cycle boundaries, ...).

optax's schedules are evaluated through ``jax.jit`` (one compilation, then cheap calls;
the eager op-by-op evaluation costs ~5 ms a count); ``test_jit_oracle_is_eager_optax``
checks on sampled counts that the jitted float64 values are optax's eager ones.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import lrcore
from lrcore_optax import from_optax, to_optax
from tests.conformance.natives import optax_values
from tests.conformance.replay import assert_config_round_trip, assert_replays, rng_for

Kwargs = dict[str, Any]
SETTINGS = 3  # random settings per function


def _lr(rng: np.random.Generator, zero: float = 0.15) -> float:
    """An lr-valued argument: sometimes exactly 0, else log-uniform in [1e-4, 1]."""
    return 0.0 if rng.random() < zero else float(10 ** rng.uniform(-4, 0))


def _int(rng: np.random.Generator, low: int, high: int) -> int:
    return int(rng.integers(low, high + 1))


def _table(rng: np.random.Generator, count: int, horizon: int, zero_key: bool) -> dict[int, float]:
    keys = sorted(rng.choice(np.arange(1, horizon), size=count, replace=False).tolist())
    if zero_key and rng.random() < 0.5:
        keys[0] = 0
    scales = [0.0 if rng.random() < 0.1 else float(rng.uniform(0.05, 2.5)) for _ in keys]
    return dict(zip(keys, scales, strict=True))


# --------------------------------------------------------------------------- settings
# Each maker returns (kwargs, counts): the optax arguments and how many counts to check
# (well past the end of the schedule).


def _constant(rng: np.random.Generator) -> tuple[Kwargs, int]:
    return {"value": _lr(rng)}, 30


def _linear(rng: np.random.Generator) -> tuple[Kwargs, int]:
    steps, begin = _int(rng, 1, 200), _int(rng, -5, 40)
    kwargs = {"init_value": _lr(rng), "end_value": _lr(rng), "transition_steps": steps}
    if rng.random() < 0.7:
        kwargs["transition_begin"] = begin
    return kwargs, max(begin, 0) + steps + 30


def _polynomial(rng: np.random.Generator) -> tuple[Kwargs, int]:
    kwargs, counts = _linear(rng)
    power = _int(rng, 1, 3) if rng.random() < 0.4 else float(rng.uniform(0.0, 4.0))
    return {**kwargs, "power": power}, counts


def _piecewise_constant(rng: np.random.Generator) -> tuple[Kwargs, int]:
    table = _table(rng, _int(rng, 1, 5), 200, zero_key=True)
    return {"init_value": _lr(rng, 0.05), "boundaries_and_scales": table}, max(table) + 30


def _piecewise_interpolate(rng: np.random.Generator) -> tuple[Kwargs, int]:
    table = _table(rng, _int(rng, 1, 5), 200, zero_key=True)
    kind = str(rng.choice(["linear", "cosine"]))
    kwargs = {"interpolate_type": kind, "init_value": _lr(rng, 0.05)}
    return {**kwargs, "boundaries_and_scales": table}, max(table) + 30


def _exponential_args(rng: np.random.Generator, peak: float) -> tuple[Kwargs, int]:
    steps, begin = _int(rng, 1, 40), _int(rng, -5, 50)
    growth = rng.random() < 0.3
    if growth:
        rate = float(rng.uniform(1.01, 1.4))
        end = peak * float(rng.uniform(1.5, 10.0))  # a ceiling, reached within the run
    else:
        rate = float(rng.uniform(0.3, 0.99))
        end = peak * float(rng.uniform(0.0, 0.5)) if rng.random() < 0.5 else None
    kwargs: Kwargs = {"transition_steps": steps, "decay_rate": rate, "transition_begin": begin}
    kwargs["staircase"] = bool(rng.random() < 0.4)
    if end is not None:
        kwargs["end_value"] = end
    # counts: ~25 transitions (float32 optax keeps rate ** p within its tolerance)
    return kwargs, max(begin, 0) + min(25 * steps, 250) + 20


def _exponential(rng: np.random.Generator) -> tuple[Kwargs, int]:
    init = _lr(rng, 0.05)
    kwargs, counts = _exponential_args(rng, init)
    return {"init_value": init, **kwargs}, counts


def _cosine_decay(rng: np.random.Generator) -> tuple[Kwargs, int]:
    steps = _int(rng, 1, 250)
    kwargs: Kwargs = {"init_value": _lr(rng, 0.05), "decay_steps": steps}
    if rng.random() < 0.7:
        kwargs["alpha"] = float(rng.choice([0.0, rng.uniform(0.0, 1.5)]))
    if rng.random() < 0.5:
        kwargs["exponent"] = float(rng.uniform(0.0, 3.0))
    return kwargs, steps + 30


def _onecycle_args(rng: np.random.Generator) -> Kwargs:
    kwargs: Kwargs = {"transition_steps": _int(rng, 1, 250), "peak_value": _lr(rng, 0.05)}
    kwargs["pct_start"] = float(rng.uniform(0.0, 1.0))
    kwargs["div_factor"] = float(rng.uniform(1.0, 50.0))
    kwargs["final_div_factor"] = float(10 ** rng.uniform(0, 4))
    return kwargs


def _cosine_onecycle(rng: np.random.Generator) -> tuple[Kwargs, int]:
    kwargs = _onecycle_args(rng)
    return kwargs, kwargs["transition_steps"] + 30


def _linear_onecycle(rng: np.random.Generator) -> tuple[Kwargs, int]:
    kwargs = _onecycle_args(rng)
    kwargs["pct_final"] = float(rng.uniform(kwargs["pct_start"], 1.0))
    return kwargs, kwargs["transition_steps"] + 30


def _warmup_constant(rng: np.random.Generator) -> tuple[Kwargs, int]:
    warmup = _int(rng, -3, 100)
    kwargs = {"init_value": _lr(rng), "peak_value": _lr(rng, 0.05), "warmup_steps": warmup}
    return kwargs, max(warmup, 0) + 40


def _warmup_cosine_args(rng: np.random.Generator, longest: int = 260) -> Kwargs:
    warmup = _int(rng, 0, longest // 3)
    peak = _lr(rng, 0.05)
    kwargs: Kwargs = {"init_value": _lr(rng), "peak_value": peak, "warmup_steps": warmup}
    kwargs["decay_steps"] = warmup + _int(rng, 1, longest - longest // 3)
    if rng.random() < 0.7:
        kwargs["end_value"] = peak * float(rng.uniform(0.0, 1.2))
    if rng.random() < 0.5:
        kwargs["exponent"] = float(rng.uniform(0.0, 3.0))
    return kwargs


def _warmup_cosine(rng: np.random.Generator) -> tuple[Kwargs, int]:
    kwargs = _warmup_cosine_args(rng)
    return kwargs, kwargs["decay_steps"] + 30


def _warmup_exponential(rng: np.random.Generator) -> tuple[Kwargs, int]:
    warmup, peak = _int(rng, 0, 60), _lr(rng, 0.05)
    kwargs, counts = _exponential_args(rng, peak)
    head = {"init_value": _lr(rng), "peak_value": peak, "warmup_steps": warmup}
    return {**head, **kwargs}, warmup + counts


def _sgdr(rng: np.random.Generator) -> tuple[Kwargs, int]:
    cycles = [_warmup_cosine_args(rng, 130) for _ in range(_int(rng, 1, 3))]
    return {"cosine_kwargs": cycles}, sum(c["decay_steps"] for c in cycles) + 40


MAKERS: dict[str, Callable[[np.random.Generator], tuple[Kwargs, int]]] = {
    "constant_schedule": _constant,
    "linear_schedule": _linear,
    "polynomial_schedule": _polynomial,
    "piecewise_constant_schedule": _piecewise_constant,
    "piecewise_interpolate_schedule": _piecewise_interpolate,
    "exponential_decay": _exponential,
    "cosine_decay_schedule": _cosine_decay,
    "cosine_onecycle_schedule": _cosine_onecycle,
    "linear_onecycle_schedule": _linear_onecycle,
    "warmup_constant_schedule": _warmup_constant,
    "warmup_cosine_decay_schedule": _warmup_cosine,
    "warmup_exponential_decay_schedule": _warmup_exponential,
    "sgdr_schedule": _sgdr,
}

# Settings optax decides in its own way, each checked like the random ones.
EDGES: list[tuple[str, Kwargs, int]] = [
    ("linear_schedule", {"init_value": 0.1, "end_value": 0.5, "transition_steps": 0}, 20),
    (
        "polynomial_schedule",
        {"init_value": 0.2, "end_value": 0.0, "power": 0, "transition_steps": 30},
        50,
    ),
    (
        "polynomial_schedule",
        {
            "init_value": 0.2,
            "end_value": 0.01,
            "power": 2,
            "transition_steps": 30,
            "transition_begin": -7,
        },
        50,
    ),
    (
        "piecewise_constant_schedule",
        {"init_value": 0.3, "boundaries_and_scales": {-5: 0.5, 0: 0.5, 7: 0.0, 9: 4.0}},
        20,
    ),
    ("piecewise_interpolate_schedule", {"interpolate_type": "cosine", "init_value": 0.3}, 10),
    (
        "piecewise_interpolate_schedule",
        {
            "interpolate_type": "linear",
            "init_value": 1.0,
            "boundaries_and_scales": {4: 0.1, 8: 0.01},
        },
        15,
    ),
    (
        "piecewise_interpolate_schedule",
        {
            "interpolate_type": "cosine",
            "init_value": 0.2,
            "boundaries_and_scales": {0: 3.0, 1: 0.5},
        },
        10,
    ),
    ("exponential_decay", {"init_value": 0.3, "transition_steps": 0, "decay_rate": 0.5}, 20),
    (
        "exponential_decay",
        {"init_value": 0.3, "transition_steps": 5, "decay_rate": 0.0, "end_value": 0.9},
        20,
    ),
    (
        "exponential_decay",
        {"init_value": 0.3, "transition_steps": 5, "decay_rate": 1.0, "end_value": 0.1},
        20,
    ),
    (
        "exponential_decay",
        {"init_value": 0.3, "transition_steps": 5, "decay_rate": 0.5, "end_value": 0.9},
        20,
    ),
    (
        "exponential_decay",
        {"init_value": 0.01, "transition_steps": 3, "decay_rate": 1.5, "transition_begin": 4},
        60,
    ),
    (
        "exponential_decay",
        {"init_value": 0.0, "transition_steps": 3, "decay_rate": 1.5, "end_value": 0.2},
        30,
    ),
    ("cosine_decay_schedule", {"init_value": 0.2, "decay_steps": 1, "alpha": 0.5}, 10),
    ("cosine_decay_schedule", {"init_value": 0.2, "decay_steps": 50, "exponent": 0.0}, 60),
    (
        "cosine_onecycle_schedule",
        {"transition_steps": 100, "peak_value": 0.4, "pct_start": 1.0},
        120,
    ),
    ("cosine_onecycle_schedule", {"transition_steps": 3, "peak_value": 0.4, "pct_start": 0.1}, 20),
    (
        "linear_onecycle_schedule",
        {"transition_steps": 100, "peak_value": 0.4, "pct_start": 0.5, "pct_final": 0.5},
        120,
    ),
    (
        "linear_onecycle_schedule",
        {"transition_steps": 10, "peak_value": 0.4, "pct_start": 0.29, "pct_final": 1.0},
        30,
    ),
    ("warmup_constant_schedule", {"init_value": 0.01, "peak_value": 0.3, "warmup_steps": 0}, 10),
    (
        "warmup_cosine_decay_schedule",
        {
            "init_value": 0.0,
            "peak_value": 0.0,
            "warmup_steps": 5,
            "decay_steps": 20,
            "end_value": 0.1,
        },
        40,
    ),
    (
        "warmup_cosine_decay_schedule",
        {"init_value": 0.5, "peak_value": 0.2, "warmup_steps": 0, "decay_steps": 20},
        40,
    ),
    (
        "warmup_exponential_decay_schedule",
        {
            "init_value": 0.0,
            "peak_value": 0.2,
            "warmup_steps": 10,
            "transition_steps": 0,
            "decay_rate": 0.5,
        },
        30,
    ),
]


def _bucket(counts: int) -> int:
    """``counts`` rounded up to one of a few lengths.

    The replay reads JAX arrays element by element, which compiles once per array
    length: a handful of lengths keeps that cost from recurring in every case.
    """
    return next(size for size in (40, 100, 200, 300, 450) if size >= counts)


def _cases() -> list[Any]:
    cases = []
    for name, maker in MAKERS.items():
        for index in range(SETTINGS):
            kwargs, counts = maker(rng_for("optax", name, index))
            cases.append(pytest.param(name, kwargs, _bucket(counts), id=f"{name}-{index}"))
    for index, (name, kwargs, counts) in enumerate(EDGES):
        cases.append(pytest.param(name, kwargs, _bucket(counts), id=f"{name}-edge{index}"))
    return cases


CASES = _cases()


def optax_float64(fn: Callable[[Any], Any], counts: int) -> list[float]:
    """optax's values at counts ``0 .. counts - 1`` in float64 (jitted once, see the top)."""
    return optax_values(jax.jit(fn), counts)


def optax_float32(fn: Callable[[Any], Any], counts: int) -> np.ndarray:
    """optax's own values in its default float32, on int32 counts, under ``jit``."""
    values = jax.jit(jax.vmap(fn))(jnp.arange(counts, dtype=jnp.int32))
    assert values.dtype == jnp.float32, values.dtype
    return np.asarray(values, dtype=np.float64)


def assert_port_matches(
    pair: tuple[float, lrcore.Schedule],
    fn: Callable[[Any], Any],
    counts: int,
    what: str,
    nan_from: int | None = None,
) -> None:
    """Replay on every backend (two groups: base and 0.03 base), against optax in float64."""
    base, schedule = pair
    want = np.asarray(optax_float64(fn, counts))
    assert np.all(np.isfinite(want)), f"{what}: optax gives non-finite values"
    assert_replays([(base, schedule), (base * 0.03, schedule)], [want, want * 0.03], what=what)
    assert_config_round_trip([pair])
    # optax's own float32 values (its default) agree with the port to float32 rounding.
    ported = np.asarray([base * schedule(k) for k in range(counts)])
    single = optax_float32(fn, counts)
    if nan_from is not None:
        # optax's float32 quirk under jit: see ``test_optax_float32_polynomial_nan``.
        nan = np.isnan(single)
        assert not nan[:nan_from].any(), f"{what}: optax float32 nan before {nan_from}"
        single[nan] = ported[nan]
    error = np.abs(single - ported)
    bad = np.nonzero(~(error <= 2e-6 * np.abs(ported) + 1e-6 * base))[0]
    assert bad.size == 0, (
        f"{what} optax float32: count {bad[0]}: {single[bad[0]]} vs {ported[bad[0]]}"
    )


@pytest.mark.parametrize(("name", "kwargs", "counts"), CASES)
def test_port_replays_optax(name: str, kwargs: Kwargs, counts: int) -> None:
    pair = from_optax(name, **kwargs)
    fn = getattr(optax, name)(**kwargs)
    nan_from = None
    power = kwargs.get("power", 1)
    if name == "polynomial_schedule" and kwargs["transition_steps"] > 0 and power != int(power):
        nan_from = max(kwargs.get("transition_begin", 0), 0) + kwargs["transition_steps"]
    assert_port_matches(pair, fn, counts, f"{name}({kwargs})", nan_from)


def test_optax_float32_polynomial_nan() -> None:
    """optax's quirk: a non-integer ``power`` gives ``nan`` under ``jit`` in float32.

    From the end of the transition on, XLA computes ``count / transition_steps`` as
    ``count * (1 / transition_steps)``, a hair above 1 for most step counts, so
    ``1 - count / transition_steps`` is ``-6e-8`` and its non-integer power ``nan``.
    Eager optax, optax in float64, and the port all give ``end_value`` there.
    """
    fn = optax.polynomial_schedule(init_value=1.0, end_value=0.1, power=1.5, transition_steps=51)
    base, schedule = from_optax(
        "polynomial_schedule", init_value=1.0, end_value=0.1, power=1.5, transition_steps=51
    )
    assert math.isnan(float(jax.jit(fn)(51))) and float(fn(51)) == pytest.approx(0.1)
    assert base * schedule(51) == pytest.approx(0.1, rel=1e-15)
    assert float(jax.jit(to_optax(schedule, base))(51)) == pytest.approx(0.1, rel=1e-6)


# --------------------------------------------------------------------------- join_schedules


def _join_case(index: int) -> tuple[list[Any], list[Any], list[int], int]:
    """``(port parts, native parts, boundaries, counts)`` for a random join."""
    rng = rng_for("optax", "join_schedules", index)
    names = ["warmup_cosine_decay_schedule", "exponential_decay", "linear_schedule"]
    port_parts: list[Any] = []
    native_parts: list[Any] = []
    for _ in range(_int(rng, 2, 4)):
        if rng.random() < 0.25:
            # an lrcore schedule (base 1): gamma ** t is optax's exponential_decay(1, 1, gamma)
            gamma = float(rng.uniform(0.95, 0.999))
            port_parts.append({"name": "exponential", "gamma": gamma})
            native_parts.append(optax.exponential_decay(1.0, 1, gamma))
            continue
        name = str(rng.choice(names))
        kwargs, _ = MAKERS[name](rng)
        port_parts.append(from_optax(name, **kwargs))
        native_parts.append(getattr(optax, name)(**kwargs))
    starts = sorted(rng.choice(np.arange(1, 200), size=len(port_parts) - 1, replace=False))
    boundaries = [int(b) for b in starts]
    return port_parts, native_parts, boundaries, 450


@pytest.mark.parametrize("index", range(4))
def test_join_schedules(index: int) -> None:
    port_parts, native_parts, boundaries, counts = _join_case(index)
    pair = from_optax("join_schedules", schedules=port_parts, boundaries=boundaries)
    native = optax.join_schedules(native_parts, boundaries)
    assert_port_matches(pair, native, counts, f"join_schedules #{index}")


def test_join_schedules_base_is_the_largest_part_base() -> None:
    low = from_optax("constant_schedule", value=0.02)
    high = from_optax("linear_schedule", init_value=0.5, end_value=0.1, transition_steps=10)
    base, schedule = from_optax("join_schedules", schedules=[low, high], boundaries=[5])
    assert base == 0.5
    assert schedule(0) == pytest.approx(0.04, rel=1e-15)
    assert schedule(5) == 1.0


def test_join_schedules_empty_intervals() -> None:
    """A boundary 0 or a repeated boundary: a schedule optax never reaches is dropped."""
    parts = [
        from_optax("constant_schedule", value=0.1),
        from_optax("constant_schedule", value=0.2),
        from_optax("cosine_decay_schedule", init_value=0.3, decay_steps=20),
        from_optax("constant_schedule", value=0.05),
    ]
    native = [
        optax.constant_schedule(0.1),
        optax.constant_schedule(0.2),
        optax.cosine_decay_schedule(0.3, 20),
        optax.constant_schedule(0.05),
    ]
    for boundaries in ([0, 10, 30], [10, 10, 30], [0, 0, 7]):
        pair = from_optax("join_schedules", schedules=parts, boundaries=boundaries)
        joined = optax.join_schedules(native, boundaries)
        assert_port_matches(pair, joined, 40, f"join_schedules {boundaries}")


# --------------------------------------------------------------------------- the oracle


def test_jit_oracle_is_eager_optax() -> None:
    """The jitted float64 oracle is optax's eager float64 evaluation (sampled counts)."""
    for name, maker in MAKERS.items():
        kwargs, counts = maker(rng_for("optax", name, 0))
        fn = getattr(optax, name)(**kwargs)
        jitted = optax_float64(fn, counts)
        for k in sorted({1, counts // 2, counts - 1}):
            eager = optax_values(lambda count, k=k: fn(k), 1)[0]  # noqa: B023
            assert math.isclose(jitted[k], eager, rel_tol=1e-14, abs_tol=1e-300), (name, k)


# --------------------------------------------------------------------------- signatures


def test_every_optax_schedule_function_has_a_porter() -> None:
    from lrcore_optax import _port

    _port._load_porters()
    functions = {
        name
        for name, value in vars(optax.schedules).items()
        if inspect.isfunction(value) and not name.startswith(("inject", "_"))
    }
    assert functions == set(MAKERS) | {"join_schedules"}, functions ^ set(MAKERS)
    assert functions <= set(_port._PORTERS), functions - set(_port._PORTERS)


BAD: list[tuple[str, Kwargs, type[Exception], str]] = [
    ("cosine_decay_schedule", {"init_value": 0.1}, TypeError, "decay_steps"),
    ("cosine_decay_schedule", {"init_value": 0.1, "decay_steps": 5, "beta": 1}, TypeError, "beta"),
    ("cosine_decay_schedule", {"init_value": 0.1, "decay_steps": 0}, ValueError, "decay_steps"),
    ("cosine_decay_schedule", {"init_value": -0.1, "decay_steps": 5}, ValueError, "init_value"),
    (
        "cosine_decay_schedule",
        {"init_value": 0.1, "decay_steps": 5, "alpha": -1},
        ValueError,
        "alpha",
    ),
    (
        "cosine_decay_schedule",
        {"init_value": 0.1, "decay_steps": 5, "exponent": -1.0},
        ValueError,
        "exponent",
    ),
    ("cosine_decay_schedule", {"init_value": 0.1, "decay_steps": 5.0}, TypeError, "decay_steps"),
    ("constant_schedule", {"value": "0.1"}, TypeError, "value"),
    ("constant_schedule", {"value": math.nan}, ValueError, "value"),
    (
        "linear_schedule",
        {"init_value": 0.1, "end_value": -0.1, "transition_steps": 5},
        ValueError,
        "end_value",
    ),
    (
        "polynomial_schedule",
        {"init_value": 0.1, "end_value": 0.0, "power": -1, "transition_steps": 5},
        ValueError,
        "power",
    ),
    (
        "piecewise_constant_schedule",
        {"init_value": 0.1, "boundaries_and_scales": {5: -0.5}},
        ValueError,
        "non-negative",
    ),
    (
        "piecewise_constant_schedule",
        {"init_value": 0.1, "boundaries_and_scales": {5.5: 0.5}},
        TypeError,
        "boundaries_and_scales",
    ),
    (
        "piecewise_interpolate_schedule",
        {"interpolate_type": "cubic", "init_value": 0.1},
        ValueError,
        "interpolate_type",
    ),
    (
        "piecewise_interpolate_schedule",
        {"interpolate_type": "linear", "init_value": 0.1, "boundaries_and_scales": {-3: 0.5}},
        ValueError,
        "boundaries",
    ),
    (
        "exponential_decay",
        {"init_value": 0.1, "transition_steps": 5, "decay_rate": -0.5},
        ValueError,
        "decay_rate",
    ),
    (
        "exponential_decay",
        {"init_value": 0.1, "transition_steps": 5, "decay_rate": 0.5, "staircase": 1},
        TypeError,
        "staircase",
    ),
    (
        "linear_onecycle_schedule",
        {"transition_steps": 0, "peak_value": 0.1},
        ValueError,
        "transition_steps",
    ),
    (
        "linear_onecycle_schedule",
        {"transition_steps": 10, "peak_value": 0.1, "pct_start": -0.5},
        ValueError,
        "boundaries",
    ),
    (
        "cosine_onecycle_schedule",
        {"transition_steps": 10, "peak_value": 0.1, "div_factor": 0.0},
        ValueError,
        "div_factor",
    ),
    (
        "warmup_cosine_decay_schedule",
        {"init_value": 0.0, "peak_value": 0.1, "warmup_steps": 10, "decay_steps": 10},
        ValueError,
        "decay_steps",
    ),
    (
        "warmup_cosine_decay_schedule",
        {"init_value": 0.0, "peak_value": 0.1, "warmup_steps": -2, "decay_steps": 10},
        ValueError,
        "warmup_steps",
    ),
    (
        "warmup_exponential_decay_schedule",
        {"init_value": 0.0, "peak_value": 0.1, "warmup_steps": 2},
        TypeError,
        "transition_steps",
    ),
    ("sgdr_schedule", {"cosine_kwargs": []}, ValueError, "cosine_kwargs"),
    (
        "sgdr_schedule",
        {"cosine_kwargs": [{"init_value": 0.0, "peak_value": 0.1}]},
        TypeError,
        "cosine_kwargs[0]",
    ),
    (
        "join_schedules",
        {"schedules": [optax.constant_schedule(0.1)], "boundaries": []},
        TypeError,
        "closures",
    ),
    (
        "join_schedules",
        {"schedules": [lrcore.Constant(), lrcore.Constant()], "boundaries": [5, 6]},
        ValueError,
        "boundaries",
    ),
    (
        "join_schedules",
        {"schedules": [lrcore.Constant()] * 3, "boundaries": [8, 4]},
        ValueError,
        "non-decreasing",
    ),
    (
        "join_schedules",
        {"schedules": [(-1.0, lrcore.Constant()), lrcore.Constant()], "boundaries": [3]},
        ValueError,
        "base",
    ),
    ("cosine_schedule", {}, ValueError, "unknown optax schedule"),
]


@pytest.mark.parametrize(("name", "kwargs", "error", "text"), BAD)
def test_bad_arguments(name: str, kwargs: Kwargs, error: type[Exception], text: str) -> None:
    with pytest.raises(error) as excinfo:
        from_optax(name, **kwargs)
    message = str(excinfo.value)
    assert text in message, message
    if name != "cosine_schedule":
        assert name in message, message


# --------------------------------------------------------------------------- inject_hyperparams


def test_inject_hyperparams_adam_under_jit() -> None:
    """A ported schedule drives ``inject_hyperparams(optax.adam)`` under ``jax.jit``.

    The lr the optimizer records for update ``k`` is ``base * schedule(k)``, and the
    parameters follow the same path as with optax's own schedule (float32 rounding).
    """
    kwargs = {
        "init_value": 0.0,
        "peak_value": 0.05,
        "warmup_steps": 10,
        "decay_steps": 60,
        "end_value": 0.001,
    }
    base, schedule = from_optax("warmup_cosine_decay_schedule", **kwargs)
    native = optax.warmup_cosine_decay_schedule(**kwargs)

    def run(learning_rate: Any) -> tuple[np.ndarray, np.ndarray]:
        optimizer = optax.inject_hyperparams(optax.adam)(learning_rate=learning_rate)
        params = {"w": jnp.array([1.0, -2.0, 3.0])}

        @jax.jit
        def update(params: Any, state: Any) -> tuple[Any, Any, Any]:
            grads = jax.grad(lambda p: jnp.sum(p["w"] ** 2))(params)
            updates, state = optimizer.update(grads, state, params)
            return optax.apply_updates(params, updates), state, state.hyperparams["learning_rate"]

        state = optimizer.init(params)
        lrs, path = [], []
        for _ in range(80):
            params, state, lr = update(params, state)
            lrs.append(float(lr))
            path.append(np.asarray(params["w"]))
        return np.asarray(lrs), np.asarray(path)

    lrs, path = run(to_optax(schedule, base))
    want = np.asarray([base * schedule(k) for k in range(80)])
    np.testing.assert_allclose(lrs, want, rtol=2e-6, atol=1e-6 * base)
    native_lrs, native_path = run(native)
    np.testing.assert_allclose(lrs, native_lrs, rtol=2e-6, atol=1e-6 * base)
    np.testing.assert_allclose(path, native_path, rtol=1e-5, atol=1e-6)
