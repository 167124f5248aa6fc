"""The optax adapter: ``lrcore_optax.to_optax(schedule, lr)`` as an ``optax.Schedule``.

Oracles: the core's scalar path (float64 Python on ints), checked itself against the
schedule formulas written out by hand below; optax's own native schedules; and
optax's optimizers, whose updates reveal the learning rate they applied.

Float rule: JAX computes in float32 by default, so the adapter must match
``lr * f(k)`` within ``2e-6 * |want| + 1e-6 * lr``; with x64 enabled (only ever
inside ``jax.enable_x64(True)``, a thread-local context manager that restores the
previous value on exit) within ``1e-12 * |want| + 1e-12 * lr``.
"""

from __future__ import annotations

import functools
import math
import pickle
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import lrcore
from lrcore import from_config
from lrcore_optax import OptaxSchedule, to_optax
from tests.cases import BASE_LRS, CASE_IDS, CASES

Config = Mapping[str, Any]
NativeSchedule = Callable[[Any], Any]

# Steps near the int32 limit (optax's step counters are int32).
GIANT_STEPS = [2**31 - 1, 2**31 - 2, 2**30 + 7, 10**9]
# Steps only an int64 counter can hold (x64 mode).  The core evaluates 64-bit steps
# in float64 without reducing cosine's phase (torch's closed form), which stays
# meaningful to about 2**40; past 2**53 it is noise, so the test stops at 2**40.
GIANT_STEPS_X64 = [2**31 - 1, 2**31, 2**35 + 3, 2**40 + 3]

LR_PARAMS = pytest.mark.parametrize("lr", BASE_LRS)
CASE_PARAMS = pytest.mark.parametrize(("case_id", "config", "horizon"), CASES, ids=CASE_IDS)
X64_PARAMS = pytest.mark.parametrize("x64", [False, True], ids=["float32", "x64"])


@pytest.fixture(autouse=True)
def _x64_does_not_leak() -> Iterator[None]:
    """Every test starts and ends with JAX's default (32-bit) precision."""
    assert not jax.config.jax_enable_x64
    yield
    assert not jax.config.jax_enable_x64
    assert jnp.asarray(1.0).dtype == jnp.float32


# --------------------------------------------------------------------------- helpers


def reference_factor(config: Config, k: int) -> float:
    """The schedule formulas written out by hand (float64), independent of lrcore."""
    name = config["name"]
    if name == "constant":
        return float(config.get("factor", 1.0))
    if name == "warmup_linear":
        w, t = config["warmup_steps"], config["total_steps"]
        if k < w:
            return k / max(1, w)
        return max(0.0, (t - k) / max(1, t - w))
    if name == "warmup_factor":
        n, w = config["warmup_iters"], config["warmup_factor"]
        if k >= n:
            return 1.0
        return w * (1 - k / n) + k / n
    if name == "step":
        return config.get("gamma", 0.1) ** (k // config["step_size"])
    if name == "multistep":
        passed = sum(1 for m in config["milestones"] if m <= k)
        return config.get("gamma", 0.1) ** passed
    if name == "exponential":
        return config["gamma"] ** k
    if name == "cosine_annealing":
        t_max, floor = config["T_max"], config.get("min_factor", 0.0)
        # cos has period 2*pi, i.e. 2*T_max steps: reducing k first is exact math
        # and keeps pi*k/T_max accurate for giant k.
        phase = k % (2 * t_max)
        return floor + (1 - floor) * (1 + math.cos(math.pi * phase / t_max)) / 2
    if name == "warmup":
        w, s = config["warmup_steps"], config.get("start_factor", 0.0)
        if k < w:
            return s + (1 - s) * k / w
        return reference_factor(config["schedule"], k - w)
    raise AssertionError(f"no reference for {name!r}")


def core_lrs(config: Config, lr: float, steps: list[int]) -> np.ndarray:
    """``lr * f(k)`` from the core's scalar path, checked against the hand formulas.

    The core evaluates cosine's ``pi * k / T_max`` in float64 without reducing
    ``k`` (torch's closed form), so its phase is only good to ~``k * 2e-16`` rad:
    the check allows that, which is nothing for ordinary steps.
    """
    core = from_config(config)
    factors = np.array([core(k) for k in steps], dtype=np.float64)
    reference = np.array([reference_factor(config, k) for k in steps], dtype=np.float64)
    phase_error = 2e-15 * np.array(steps, dtype=np.float64)
    assert np.all(np.abs(factors - reference) <= 1e-12 * np.abs(reference) + 1e-15 + phase_error), (
        config,
        steps,
        factors,
        reference,
    )
    return lr * factors


def assert_lr_close(
    got: Any, want: Any, lr: float, *, x64: bool, what: str = "", extra_rel: Any = 0.0
) -> None:
    """The float rule: float32 -> 2e-6 rel + 1e-6*lr abs; x64 -> 1e-12 rel + 1e-12*lr abs.

    ``extra_rel`` (per element) widens the relative tolerance by an oracle's own
    known error, when the oracle is less accurate than the rule.
    """
    got64 = np.asarray(got, dtype=np.float64)
    want = np.asarray(want, dtype=np.float64)
    assert got64.shape == want.shape, (got64.shape, want.shape)
    assert np.all(np.isfinite(got64)), f"{what}: non-finite values {got64}"
    rel, abs_ = (1e-12, 1e-12 * lr) if x64 else (2e-6, 1e-6 * lr)
    excess = np.abs(got64 - want) - ((rel + np.asarray(extra_rel)) * np.abs(want) + abs_)
    if np.any(excess > 0):
        i = int(np.argmax(excess))
        raise AssertionError(
            f"{what}: index {i}: got {got64.flat[i]!r}, want {want.flat[i]!r} "
            f"(|diff| {abs(got64.flat[i] - want.flat[i]):.3e}, "
            f"{int(np.sum(excess > 0))} of {excess.size} out of tolerance)"
        )


def optax_float32_gamma_error(config: Config, k: int) -> float:
    """The relative error optax's own decays carry at step k in float32.

    ``exponential_decay`` computes ``jnp.power(decay_rate, p)`` and
    ``piecewise_constant_schedule`` multiplies by each scale, with the Python float
    rounded to float32 first: ``n`` factors of ``gamma`` are off by about
    ``n * |float32(gamma) - gamma| / gamma`` (3.9e-6 for 0.999**300), more than
    the float rule allows.  lrcore's adapter does not round ``gamma``.
    """
    name = config["name"]
    if name == "warmup":
        w = config["warmup_steps"]
        return 0.0 if k < w else optax_float32_gamma_error(config["schedule"], k - w)
    if name == "exponential":
        n = k
    elif name == "step":
        n = k // config["step_size"]
    elif name == "multistep":
        n = sum(1 for m in config["milestones"] if m <= k)
    else:
        return 0.0
    gamma = config.get("gamma", 0.1)
    return n * abs(float(np.float32(gamma)) - gamma) / gamma


def native(config: Config, lr: float) -> tuple[NativeSchedule, int | None]:
    """The optax-native schedule equal to ``lr * f``, and the last step where it applies.

    ``None`` means "every step".  Semantics read from optax/schedules/_schedule.py:
    ``piecewise_constant_schedule`` already scales at the boundary step
    (``indicator = max(0, sign(threshold - count))`` is 0 when ``count ==
    threshold``), like ``MultiStepLR``; ``linear_schedule`` with
    ``transition_steps <= 0`` is the constant ``init_value`` forever, so the empty
    ramps (``warmup_iters=0``, ``total_steps == warmup_steps``) map to constants.
    """
    name = config["name"]
    if name == "constant":
        return optax.constant_schedule(lr * config.get("factor", 1.0)), None
    if name == "warmup_linear":
        w, t = config["warmup_steps"], config["total_steps"]
        decay = (
            optax.linear_schedule(lr, 0.0, transition_steps=t - w)
            if t > w
            else optax.constant_schedule(0.0)
        )
        return optax.join_schedules([optax.linear_schedule(0.0, lr, w), decay], [w]), None
    if name == "warmup_factor":
        n, w = config["warmup_iters"], config["warmup_factor"]
        if n == 0:
            return optax.constant_schedule(lr), None
        return optax.linear_schedule(w * lr, lr, transition_steps=n), None
    if name == "step":
        schedule = optax.exponential_decay(
            lr, transition_steps=config["step_size"], decay_rate=config["gamma"], staircase=True
        )
        return schedule, None
    if name == "multistep":
        scales = {m: config["gamma"] for m in config["milestones"]}
        return optax.piecewise_constant_schedule(lr, scales), None
    if name == "exponential":
        return optax.exponential_decay(lr, transition_steps=1, decay_rate=config["gamma"]), None
    if name == "cosine_annealing":
        t_max = config["T_max"]
        schedule = optax.cosine_decay_schedule(
            lr, decay_steps=t_max, alpha=config.get("min_factor", 0.0)
        )
        # optax holds alpha*lr after decay_steps; torch's closed form (and lrcore)
        # keeps oscillating with period 2*T_max.  They agree only on [0, T_max].
        return schedule, t_max
    if name == "warmup":
        w, s = config["warmup_steps"], config.get("start_factor", 0.0)
        inner, inner_last = native(config["schedule"], lr)
        ramp = optax.linear_schedule(s * lr, lr, transition_steps=w)
        last = None if inner_last is None else w + inner_last
        return optax.join_schedules([ramp, inner], [w]), last
    raise AssertionError(f"no native optax schedule for {name!r}")


def case_config(case_id: str) -> Config:
    """The config of the shared case ``case_id``."""
    return next(config for name, config, _ in CASES if name == case_id)


def case_horizon(case_id: str) -> int:
    """The horizon of the shared case ``case_id``."""
    return next(horizon for name, _, horizon in CASES if name == case_id)


def quadratic_grad(params: jax.Array) -> jax.Array:
    """Gradient of the tiny quadratic ``0.5 * sum(a * (p - c)**2)``."""
    a = jnp.array([1.0, 3.0, 0.5], dtype=params.dtype)
    c = jnp.array([0.5, -1.0, 2.0], dtype=params.dtype)
    return a * (params - c)


INITIAL_PARAMS = np.array([2.0, -3.0, 1.0], dtype=np.float32)


@functools.cache
def adapter_values(case_id: str, lr: float, x64: bool) -> np.ndarray:
    """``jit(vmap(to_optax(config, lr)))`` on steps ``0..horizon`` then the giant steps.

    One compile and one call per (case, lr, precision), shared by the tests below.
    """
    config, horizon = case_config(case_id), case_horizon(case_id)
    giant = GIANT_STEPS_X64 if x64 else GIANT_STEPS
    with jax.enable_x64(x64):
        steps = jnp.concatenate([jnp.arange(horizon + 1), jnp.array(giant)])
        assert steps.dtype == (jnp.int64 if x64 else jnp.int32)
        values = jax.jit(jax.vmap(to_optax(config, lr)))(steps)
    return np.asarray(values)


# ------------------------------------------------------------------ cross-backend


@CASE_PARAMS
@LR_PARAMS
def test_jit_vmap_matches_core(case_id: str, config: Config, horizon: int, lr: float) -> None:
    """jit(vmap(to_optax)) over steps 0..horizon is float32 and equals lr * f(k)."""
    values = adapter_values(case_id, lr, False)
    assert values.dtype == np.float32
    want = core_lrs(config, lr, list(range(horizon + 1)))
    assert_lr_close(values[: horizon + 1], want, lr, x64=False, what=case_id)


@CASE_PARAMS
def test_scalar_calls_match_core(case_id: str, config: Config, horizon: int) -> None:
    """jit(sched)(jnp.int32(k)) and the un-jitted sched(int) give lr * f(k) as 0-d arrays."""
    lr = BASE_LRS[0]
    sched = to_optax(config, lr)
    steps = sorted({0, 1, horizon // 2, horizon})
    want = core_lrs(config, lr, steps)
    jitted = jax.jit(sched)
    for k, expected in zip(steps, want, strict=True):
        for label, value in (("jit", jitted(jnp.int32(k))), ("eager", sched(k))):
            assert value.shape == (), (label, value.shape)
            assert value.dtype == jnp.float32, (label, value.dtype)
            assert_lr_close(value, expected, lr, x64=False, what=f"{case_id} {label} k={k}")


@CASE_PARAMS
@LR_PARAMS
def test_giant_int32_steps_under_jit(case_id: str, config: Config, horizon: int, lr: float) -> None:
    """Steps near int32 max: finite, within float32 tolerance of the core and of exact math."""
    values = adapter_values(case_id, lr, False)[horizon + 1 :]
    assert_lr_close(values, core_lrs(config, lr, GIANT_STEPS), lr, x64=False, what=case_id)
    exact = np.array([lr * reference_factor(config, k) for k in GIANT_STEPS])
    assert_lr_close(values, exact, lr, x64=False, what=f"{case_id} vs exact")


@CASE_PARAMS
@LR_PARAMS
def test_x64_matches_core(case_id: str, config: Config, horizon: int, lr: float) -> None:
    """With x64 on, jit(vmap(to_optax)) is float64 and equals lr * f(k) to 1e-12."""
    values = adapter_values(case_id, lr, True)
    assert values.dtype == np.float64
    want = core_lrs(config, lr, list(range(horizon + 1)))
    assert_lr_close(values[: horizon + 1], want, lr, x64=True, what=case_id)


@CASE_PARAMS
@LR_PARAMS
def test_x64_giant_int64_steps(case_id: str, config: Config, horizon: int, lr: float) -> None:
    """With x64, int64 steps past int32 (up to 2**40) follow the core's float64 values."""
    values = adapter_values(case_id, lr, True)[horizon + 1 :]
    assert_lr_close(values, core_lrs(config, lr, GIANT_STEPS_X64), lr, x64=True, what=case_id)


def test_x64_scalar_call() -> None:
    """Under x64 the jitted scalar call on an int64 count is float64 to 1e-12."""
    config = case_config("warmup-cosine")
    with jax.enable_x64(True):
        sched = to_optax(config, 0.1)
        got = [jax.jit(sched)(jnp.int64(k)) for k in (0, 5, 10, 55, 100, 150)]
        assert all(value.dtype == jnp.float64 and value.shape == () for value in got)
    want = core_lrs(config, 0.1, [0, 5, 10, 55, 100, 150])
    assert_lr_close(np.array(got), want, 0.1, x64=True)


def test_exponential_float32_precision_far_out() -> None:
    """exponential with gamma near 1 keeps float32 accuracy at large steps.

    ``gamma ** t`` with gamma rounded to float32 first has a relative error of
    about ``t * 6e-8``; ``exp(t * log(gamma))`` with the log taken in float64 does not.
    """
    cases = [(0.999, [300, 1000]), (0.9999, [10_000, 30_000]), (0.99999, [100_000, 300_000])]
    for gamma, steps in cases:
        config = {"name": "exponential", "gamma": gamma}
        got = jax.jit(jax.vmap(to_optax(config, 1.0)))(jnp.array(steps, dtype=jnp.int32))
        assert_lr_close(got, core_lrs(config, 1.0, steps), 1.0, x64=False, what=f"gamma={gamma}")


# -------------------------------------------------------------------- retracing


def test_traced_once_for_100_steps() -> None:
    """A jitted function of the count traces once, then reuses the trace for every step."""
    config = case_config("warmup-cosine")  # several phases
    sched = to_optax(config, 0.1)
    traces = {"array": 0, "int": 0}

    def on_array(count: jax.Array) -> jax.Array:
        traces["array"] += 1
        return sched(count)

    def on_int(count: int) -> jax.Array:
        traces["int"] += 1
        return sched(count)

    jit_array, jit_int = jax.jit(on_array), jax.jit(on_int)
    steps = list(range(0, 300, 3))
    assert len(steps) == 100
    got_array = [jit_array(jnp.int32(k)) for k in steps]
    got_int = [jit_int(k) for k in steps]
    assert traces == {"array": 1, "int": 1}
    want = core_lrs(config, 0.1, steps)
    assert_lr_close(np.array(got_array), want, 0.1, x64=False, what="jnp.int32 counts")
    assert_lr_close(np.array(got_int), want, 0.1, x64=False, what="int counts")


# ------------------------------------------------------------------ inside optax


OPTIMIZER_CASES = [
    "multistep-1-2-3",
    "warmup-step",
    "warmup0-multistep",
    "warmup_linear-7-7",
    "warmup_factor-3",
    "exponential-0.9",
    "cosine-10-0.01",
]


@pytest.mark.parametrize("case_id", OPTIMIZER_CASES)
def test_inject_hyperparams_lr_at_update_k(case_id: str) -> None:
    """inject_hyperparams(sgd): update k (count k, from 0) uses and records lr * f(k).

    optax/schedules/_inject.py: ``init`` stores ``schedule(count=0)``; ``update``
    evaluates the schedule at ``state.count``, applies it, stores it in
    ``hyperparams`` and then increments ``count``.  So after update k,
    ``hyperparams['learning_rate'] == lr * f(k)`` and ``count == k + 1``.
    """
    config, lr = case_config(case_id), BASE_LRS[0]
    n = min(case_horizon(case_id) + 1, 30)
    tx = optax.inject_hyperparams(optax.sgd)(learning_rate=to_optax(config, lr))
    traces = [0]

    @jax.jit
    def step(params: jax.Array, state: Any) -> tuple[jax.Array, Any, jax.Array, jax.Array]:
        traces[0] += 1
        grad = quadratic_grad(params)
        updates, state = tx.update(grad, state, params)
        return optax.apply_updates(params, updates), state, updates, grad

    params = jnp.asarray(INITIAL_PARAMS)
    state = tx.init(params)
    want = core_lrs(config, lr, list(range(n)))
    assert_lr_close(state.hyperparams["learning_rate"], want[0], lr, x64=False, what="init")
    recorded, updates_seen, grads_seen = [], [], []
    for k in range(n):
        params, state, updates, grad = step(params, state)
        assert int(state.count) == k + 1
        recorded.append(state.hyperparams["learning_rate"])
        updates_seen.append(updates)
        grads_seen.append(grad)
    assert traces[0] == 1
    assert_lr_close(np.array(recorded), want, lr, x64=False, what=f"{case_id} hyperparams")
    grads = np.array(grads_seen, dtype=np.float64)
    scale = np.maximum(np.abs(grads), 1.0)
    # update_k = -lr_k * grad_k; compare per unit of gradient.
    got_lr = -np.array(updates_seen, dtype=np.float64) / scale
    assert_lr_close(got_lr, want[:, None] * grads / scale, lr, x64=False, what=f"{case_id} sgd")


@pytest.mark.parametrize("case_id", ["multistep-1-2-3", "warmup-step", "cosine-10-0.01"])
def test_sgd_and_scale_by_schedule_updates(case_id: str) -> None:
    """optax.sgd(sched) applies -lr*f(k)*grad and scale_by_schedule(sched) f-scales at update k."""
    config = case_config(case_id)
    lr = BASE_LRS[1]
    sched = to_optax(config, lr)
    sgd, scaled = optax.sgd(learning_rate=sched), optax.scale_by_schedule(sched)
    n = 25
    grad_in = jnp.array([1.0, -2.0, 0.5])

    @jax.jit
    def step(params: jax.Array, states: Any) -> tuple[jax.Array, Any, jax.Array, jax.Array]:
        sgd_state, scaled_state = states
        grad = quadratic_grad(params)
        sgd_updates, sgd_state = sgd.update(grad, sgd_state, params)
        scaled_updates, scaled_state = scaled.update(grad_in, scaled_state)
        params = optax.apply_updates(params, sgd_updates)
        return params, (sgd_state, scaled_state), sgd_updates, scaled_updates

    params = jnp.asarray(INITIAL_PARAMS)
    states = (sgd.init(params), scaled.init(grad_in))
    want = core_lrs(config, lr, list(range(n)))
    for k in range(n):
        grad = np.asarray(quadratic_grad(params), dtype=np.float64)
        params, states, sgd_updates, scaled_updates = step(params, states)
        unit = np.maximum(np.abs(grad), 1.0)
        assert_lr_close(
            -np.asarray(sgd_updates, dtype=np.float64) / unit,
            want[k] * grad / unit,
            lr,
            x64=False,
            what=f"{case_id} sgd k={k}",
        )
        unit_in = np.maximum(np.abs(np.asarray(grad_in)), 1.0)
        assert_lr_close(
            np.asarray(scaled_updates, dtype=np.float64) / unit_in,
            want[k] * np.asarray(grad_in, dtype=np.float64) / unit_in,
            lr,
            x64=False,
            what=f"{case_id} scale_by_schedule k={k}",
        )


def test_adam_with_schedule() -> None:
    """optax.adam(sched) scales Adam's direction by -lr*f(k) at update k and descends."""
    config = case_config("warmup-cosine")
    lr = BASE_LRS[0]
    adam, direction = optax.adam(learning_rate=to_optax(config, lr)), optax.scale_by_adam()
    n = 60

    @jax.jit
    def step(params: jax.Array, states: Any) -> tuple[jax.Array, Any, jax.Array, jax.Array]:
        adam_state, direction_state = states
        grad = quadratic_grad(params)
        updates, adam_state = adam.update(grad, adam_state, params)
        unscaled, direction_state = direction.update(grad, direction_state, params)
        return (
            optax.apply_updates(params, updates),
            (adam_state, direction_state),
            updates,
            unscaled,
        )

    def loss(params: jax.Array) -> float:
        a, c = np.array([1.0, 3.0, 0.5]), np.array([0.5, -1.0, 2.0])
        return float(0.5 * np.sum(a * (np.asarray(params, dtype=np.float64) - c) ** 2))

    params = jnp.asarray(INITIAL_PARAMS)
    states = (adam.init(params), direction.init(params))
    want = core_lrs(config, lr, list(range(n)))
    start = loss(params)
    for k in range(n):
        params, states, updates, unscaled = step(params, states)
        unscaled64 = np.asarray(unscaled, dtype=np.float64)
        unit = np.maximum(np.abs(unscaled64), 1.0)
        assert_lr_close(
            -np.asarray(updates, dtype=np.float64) / unit,
            want[k] * unscaled64 / unit,
            lr,
            x64=False,
            what=f"adam k={k}",
        )
    assert np.all(np.isfinite(np.asarray(params)))
    assert loss(params) < 0.1 * start


# ------------------------------------------------------------------ optax natives


@CASE_PARAMS
@X64_PARAMS
def test_matches_optax_native(case_id: str, config: Config, horizon: int, x64: bool) -> None:
    """Each schedule equals its hand-built optax-native equivalent, in float32 and x64."""
    natives = [native(config, lr) for lr in BASE_LRS]
    last = natives[0][1]
    end = horizon if last is None else min(horizon, last)
    with jax.enable_x64(x64):
        steps = jnp.arange(end + 1)
        wants = jax.jit(lambda s: [jax.vmap(schedule)(s) for schedule, _ in natives])(steps)
        assert all(w.dtype == (jnp.float64 if x64 else jnp.float32) for w in wants)
    # In float32, optax's decays are the less accurate side: allow their own error.
    extra = 0.0 if x64 else [optax_float32_gamma_error(config, k) for k in range(end + 1)]
    for lr, want in zip(BASE_LRS, wants, strict=True):
        got = adapter_values(case_id, lr, x64)[: end + 1]
        assert_lr_close(
            got, np.asarray(want), lr, x64=x64, what=f"{case_id} lr={lr}", extra_rel=extra
        )


WARMUP_COSINE = [
    (10, 0.1, 90, 0.05),
    (5, 0.0, 20, 0.0),
    (3, 0.5, 7, 0.2),
    (1, 0.0, 1, 0.0),
]


@pytest.mark.parametrize(("warmup", "start", "t_max", "floor"), WARMUP_COSINE)
@X64_PARAMS
def test_matches_warmup_cosine_decay_schedule(
    warmup: int, start: float, t_max: int, floor: float, x64: bool
) -> None:
    """warmup(cosine_annealing) equals optax.warmup_cosine_decay_schedule on [0, W + T_max].

    optax's ``decay_steps`` counts the warmup too (cosine runs for
    ``decay_steps - warmup_steps``), ``init_value``/``end_value`` are absolute lrs
    and ``alpha = end_value / peak_value``; past ``decay_steps`` it holds
    ``end_value`` while torch's cosine oscillates, so compare up to the end only.
    """
    config = {
        "name": "warmup",
        "warmup_steps": warmup,
        "start_factor": start,
        "schedule": {"name": "cosine_annealing", "T_max": t_max, "min_factor": floor},
    }
    for lr in BASE_LRS:
        reference = optax.warmup_cosine_decay_schedule(
            init_value=start * lr,
            peak_value=lr,
            warmup_steps=warmup,
            decay_steps=warmup + t_max,
            end_value=floor * lr,
        )
        with jax.enable_x64(x64):
            steps = jnp.arange(warmup + t_max + 1)
            got = jax.jit(jax.vmap(to_optax(config, lr)))(steps)
            want = jax.jit(jax.vmap(reference))(steps)
        assert_lr_close(got, np.asarray(want), lr, x64=x64, what=f"lr={lr}")
        assert_lr_close(got, core_lrs(config, lr, list(range(warmup + t_max + 1))), lr, x64=x64)


def test_piecewise_constant_boundary_is_already_scaled() -> None:
    """optax's piecewise boundary step has the new value, as MultiStepLR's milestone does."""
    native_schedule = optax.piecewise_constant_schedule(1.0, {3: 0.5, 5: 0.5})
    ours = to_optax({"name": "multistep", "milestones": [3, 5], "gamma": 0.5}, 1.0)
    both = jax.jit(lambda s: (jax.vmap(native_schedule)(s), jax.vmap(ours)(s)))(jnp.arange(7))
    expected = np.array([1, 1, 1, 0.5, 0.5, 0.25, 0.25])
    np.testing.assert_array_equal(np.asarray(both[0]), expected)
    np.testing.assert_array_equal(np.asarray(both[1]), expected)


# ------------------------------------------------------------- pickle and hashing


@CASE_PARAMS
def test_pickle_roundtrip_and_hash(case_id: str, config: Config, horizon: int) -> None:
    """An OptaxSchedule pickles to an equal, equally-hashed object with the same values."""
    sched = to_optax(config, 0.1)
    clone = pickle.loads(pickle.dumps(sched))
    assert isinstance(clone, OptaxSchedule)
    assert clone is not sched
    assert clone == sched
    assert hash(clone) == hash(sched)
    assert clone.learning_rate == 0.1
    assert clone.schedule.to_config() == from_config(config).to_config()
    assert clone != to_optax(config, 0.2)
    assert clone != to_optax({"name": "constant", "factor": 0.5}, 0.1)
    steps = list(range(horizon + 1))
    assert [clone.schedule(k) for k in steps] == [sched.schedule(k) for k in steps]


def test_usable_as_static_jit_argument() -> None:
    """Equal schedules (e.g. an unpickled copy) share one jit trace as a static argument."""
    traces = [0]

    def apply(sched: OptaxSchedule, count: jax.Array) -> jax.Array:
        traces[0] += 1
        return sched(count)

    jitted = jax.jit(apply, static_argnums=0)
    config = {"name": "step", "step_size": 5, "gamma": 0.5}
    first = to_optax(config, 0.1)
    steps = jnp.arange(12)
    a = jitted(first, steps)
    b = jitted(pickle.loads(pickle.dumps(first)), steps)
    c = jitted(to_optax(dict(config), 0.1), steps)
    assert traces[0] == 1
    d = jitted(to_optax(config, 0.2), steps)
    e = jitted(to_optax({**config, "gamma": 0.25}, 0.1), steps)
    assert traces[0] == 3
    want = core_lrs(config, 0.1, list(range(12)))
    for got in (a, b, c):
        assert_lr_close(got, want, 0.1, x64=False)
    assert_lr_close(d, core_lrs(config, 0.2, list(range(12))), 0.2, x64=False)
    other = {**config, "gamma": 0.25}
    assert_lr_close(e, core_lrs(other, 0.1, list(range(12))), 0.1, x64=False)


# -------------------------------------------------------------------- bad input


@pytest.mark.parametrize("bad", ["0.1", True, False, None, [0.1], jnp.array([0.1, 0.2])])
def test_non_number_learning_rate_is_type_error(bad: Any) -> None:
    """A string, bool, None, list or non-scalar JAX array learning rate is a TypeError."""
    with pytest.raises(TypeError, match="learning_rate"):
        to_optax({"name": "constant"}, bad)


def test_learning_rate_sweep_in_one_vmap() -> None:
    """Issue 7 (inconsistencies): a JAX scalar -- a tracer under vmap -- is a learning rate,
    so a sweep runs in one vmap; NumPy and JAX scalars are accepted like floats."""
    schedule = lrcore.CosineAnnealing(T_max=20, min_factor=0.1)
    rates = jnp.array([0.1, 0.01, 0.003])
    steps = jnp.arange(30)
    got = jax.jit(jax.vmap(lambda lr: to_optax(schedule, lr)(steps)))(rates)
    for row, rate in zip(np.asarray(got), [0.1, 0.01, 0.003], strict=True):
        want = [rate * schedule(k) for k in range(30)]
        np.testing.assert_allclose(row, want, rtol=2e-6, atol=1e-6 * rate)
    for rate in (np.float32(0.1), np.float64(0.1), jnp.float32(0.1)):
        assert abs(float(to_optax(schedule, rate)(3)) - 0.1 * schedule(3)) < 1e-7
    with pytest.raises(ValueError, match="learning_rate"):
        to_optax(schedule, jnp.float32(jnp.nan))


def test_negative_python_int_count_raises() -> None:
    """Issue 7 (inconsistencies): ``to_optax(s, 1.0)(-1)`` raised nothing (step 0); now the
    core's ValueError, as for NumPy arrays."""
    with pytest.raises(ValueError, match="steps must be >= 0"):
        to_optax({"name": "constant"}, 1.0)(-1)


@pytest.mark.parametrize("bad", [math.nan, -0.1, -1, math.inf, -math.inf])
def test_bad_learning_rate_value_is_value_error(bad: float) -> None:
    """A nan, infinite or negative learning rate is a ValueError."""
    with pytest.raises(ValueError, match="learning_rate"):
        to_optax({"name": "constant"}, bad)


def test_bad_config_is_rejected() -> None:
    """A bad schedule config fails in to_optax, before any step is evaluated."""
    with pytest.raises(ValueError, match="unknown schedule name"):
        to_optax({"name": "nope"}, 0.1)
    with pytest.raises(TypeError, match="unknown parameter"):
        to_optax({"name": "step", "step_size": 3, "decay": 0.5}, 0.1)
    with pytest.raises(ValueError, match="step_size"):
        to_optax({"name": "step", "step_size": 0}, 0.1)


def test_int_and_zero_learning_rates_are_accepted() -> None:
    """An int lr is stored as float; lr = 0 gives zeros; a Schedule object works too."""
    sched = to_optax(from_config({"name": "exponential", "gamma": 0.5}), 1)
    assert sched.learning_rate == 1.0
    assert isinstance(sched.learning_rate, float)
    assert_lr_close(sched(3), 0.125, 1.0, x64=False)
    zero = to_optax({"name": "constant"}, 0.0)
    np.testing.assert_array_equal(np.asarray(jax.vmap(zero)(jnp.arange(5))), np.zeros(5))
