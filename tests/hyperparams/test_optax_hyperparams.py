"""optax: scheduling momentum, Adam's β1 and weight decay with ``inject_hyperparams``.

The path under test is the one-liner, with no lrcore helper::

    optax.inject_hyperparams(optax.adamw)(
        learning_rate=to_optax(lr_schedule, 0.1),
        b1=to_optax(momentum_schedule, 0.95),
        weight_decay=to_optax(wd_schedule, 0.05),
    )

(and ``optax.sgd`` with ``momentum=to_optax(...)``), driven for a few real training steps
of a small linear model under ``jax.jit``.  Oracles, all written here:

* the closed forms of torch's ``OneCycleLR`` lr/momentum cycles, torch's ``CyclicLR``
  and the DINO-style cosine weight decay (float64 Python);
* optax's own ``adamw``/``sgd`` built with *constant* hyperparameters, applied to the same
  inner state: the update the injected optimizer applies at update ``k`` is exactly the
  one of the constant optimizer with that update's values;
* a float64 NumPy re-implementation of AdamW / SGD-with-momentum over the whole run.

Count convention (optax 0.2.8): ``inject_hyperparams`` calls each schedule with its own
counter *before* incrementing it, so update ``k`` (counted from 0) runs with
``schedule(k)``, and ``state.hyperparams`` holds the values of the *last* update
(``schedule(0)`` right after ``init``).  That is lrcore's step convention; no helper is
needed.

Float rule: float32 ``|got - want| <= 2e-6 |want| + 1e-6 base``; under
``jax.enable_x64(True)`` (thread-local, restored on exit, as in tests/test_optax.py)
``1e-12 |want| + 1e-12 base``.
"""

from __future__ import annotations

import functools
import math
import pickle
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import lrcore
from lrcore_optax import to_optax
from tests.conformance.replay import rng_for

Params = dict[str, Any]
Closed = Callable[[int], float]

# Per-hyperparameter bases: torch OneCycleLR's defaults for the momentum cycle
# (max 0.95, base 0.85); DINO's weight decay 0.04 -> 0.4.
LR_BASE = 0.1
B1_BASE = 0.95
MOMENTUM_BASE = 0.9
WD_BASE = 0.04


@pytest.fixture(autouse=True)
def _x64_does_not_leak() -> Iterator[None]:
    """Every test starts and ends with JAX's default (32-bit) precision."""
    assert not jax.config.jax_enable_x64
    yield
    assert not jax.config.jax_enable_x64


# --------------------------------------------------------------------------- closed forms


def one_cycle_closed(
    k: int,
    total: int,
    pct_start: float,
    levels: tuple[float, ...],
    strategy: str,
    three_phase: bool,
) -> float:
    """torch ``OneCycleLR``'s phase arithmetic on relative ``levels``.

    Phase ends ``float(p T) - 1``, (``float(2 p T) - 2``), ``T - 1``; past ``T - 1`` the
    last phase is extrapolated to ``T`` (where torch stops), held, floored at 0.
    """
    if three_phase:
        ends = [float(pct_start * total) - 1, float(2 * pct_start * total) - 2, float(total - 1)]
    else:
        ends = [float(pct_start * total) - 1, float(total - 1)]
    step = min(k, total)
    start = 0.0
    for i, end in enumerate(ends):
        if step <= end or i == len(ends) - 1:
            pct = (step - start) / (end - start)
            a, c = levels[i], levels[i + 1]
            if strategy == "cos":
                value = c + (a - c) / 2.0 * (math.cos(math.pi * pct) + 1)
            else:
                value = (c - a) * pct + a
            return max(0.0, value)
        start = end
    raise AssertionError("unreachable")


def cyclic_closed(
    k: int, up: int, down: int, low: float, high: float, mode: str, gamma: float
) -> float:
    """torch ``CyclicLR``: ``low + (high - low) * triangle * scale`` (``high < low`` dips)."""
    total = float(up + down)
    ratio = up / total
    cycle = math.floor(1 + k / total)
    x = 1.0 + k / total - cycle
    triangle = x / ratio if x <= ratio else (x - 1) / (ratio - 1)
    if mode == "triangular":
        scale = 1.0
    elif mode == "triangular2":
        scale = 1 / (2.0 ** (cycle - 1))
    else:
        scale = gamma**k
    return low + (high - low) * triangle * scale


def cosine_closed(k: int, start: float, end: float, steps: int) -> float:
    """optax's ``cosine_decay_schedule`` shape from ``start`` to ``end`` over ``steps``, held."""
    return end + (start - end) * ((1 + math.cos(math.pi * min(k, steps) / steps)) / 2)


# --------------------------------------------------------------------------- cases


@dataclass(frozen=True)
class Case:
    """A scheduled optimizer: lrcore configs per hyperparameter and their closed forms."""

    name: str
    kind: str  # "adamw" or "sgd"
    steps: int
    configs: dict[str, dict[str, Any]]
    bases: dict[str, float]
    closed: dict[str, Closed]

    def want(self, key: str, k: int) -> float:
        return self.bases[key] * self.closed[key](k)


def adamw_case(index: int) -> Case:
    """fast.ai / torch one-cycle: lr and β1 cycled inversely, DINO cosine weight decay."""
    rng = rng_for("optax-adamw", index)
    total = int(rng.integers(24, 48))
    pct = float(rng.choice([0.25, 0.3, 0.4, float(rng.uniform(0.15, 0.45))]))
    div, fdiv = float(rng.uniform(5, 30)), float(rng.choice([1e2, 1e3, 1e4]))
    strategy = ("cos", "linear")[index % 2]
    three = index == 2
    low = 0.85 / B1_BASE
    lr_levels = (
        (1 / div, 1.0, 1 / div, 1 / (div * fdiv)) if three else (1 / div, 1.0, 1 / (div * fdiv))
    )
    m_levels = (1.0, low, 1.0, 1.0) if three else (1.0, low, 1.0)
    one = {
        "total_steps": total,
        "pct_start": pct,
        "anneal_strategy": strategy,
        "three_phase": three,
    }
    configs = {
        "learning_rate": {"name": "one_cycle", "div_factor": div, "final_div_factor": fdiv, **one},
        "b1": {"name": "one_cycle_momentum", "base_factor": low, **one},
        "weight_decay": {"name": "cosine", "start": 1.0, "end": 10.0, "steps": total},
    }
    closed: dict[str, Closed] = {
        "learning_rate": lambda k: one_cycle_closed(k, total, pct, lr_levels, strategy, three),
        "b1": lambda k: one_cycle_closed(k, total, pct, m_levels, strategy, three),
        "weight_decay": lambda k: cosine_closed(k, 1.0, 10.0, total),
    }
    bases = {"learning_rate": LR_BASE, "b1": B1_BASE, "weight_decay": WD_BASE}
    name = f"adamw-{index}-T{total}-{strategy}{'-3phase' if three else ''}"
    return Case(name, "adamw", total + 8, configs, bases, closed)


def sgd_case(index: int) -> Case:
    """torch CyclicLR on SGD: lr cycles up while momentum cycles down, several cycles."""
    rng = rng_for("optax-sgd", index)
    mode = ("triangular", "triangular2", "exp_range")[index % 3]
    up, down = int(rng.integers(2, 8)), int(rng.integers(2, 10))
    gamma = float(rng.uniform(0.95, 0.995)) if mode == "exp_range" else 1.0
    low_lr = float(rng.uniform(0.05, 0.5))
    low_m = 0.8 / MOMENTUM_BASE
    cyc = {"step_size_up": up, "step_size_down": down, "mode": mode, "gamma": gamma}
    configs = {
        "learning_rate": {"name": "cyclic", "min_factor": low_lr, "max_factor": 1.0, **cyc},
        "momentum": {"name": "cyclic", "min_factor": 1.0, "max_factor": low_m, **cyc},
    }
    closed: dict[str, Closed] = {
        "learning_rate": lambda k: cyclic_closed(k, up, down, low_lr, 1.0, mode, gamma),
        "momentum": lambda k: cyclic_closed(k, up, down, 1.0, low_m, mode, gamma),
    }
    bases = {"learning_rate": LR_BASE, "momentum": MOMENTUM_BASE}
    return Case(
        f"sgd-{index}-{mode}-{up}-{down}", "sgd", 4 * (up + down) + 3, configs, bases, closed
    )


CASES = [adamw_case(i) for i in range(3)] + [sgd_case(i) for i in range(3)]
CASE_BY_NAME = {case.name: case for case in CASES}
CASE_PARAMS = pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
X64_PARAMS = pytest.mark.parametrize("x64", [False, True], ids=["float32", "x64"])


def test_lrcore_configs_match_the_closed_forms() -> None:
    """The cases' lrcore configs are the schedules the closed forms describe (float64)."""
    for case in CASES:
        for key, config in case.configs.items():
            schedule = lrcore.from_config(config)
            for k in range(case.steps):
                want = case.closed[key](k)
                assert abs(schedule(k) - want) <= 1e-12 * abs(want) + 1e-15, (case.name, key, k)


# --------------------------------------------------------------------------- training


def make_optimizer(case: Case) -> optax.GradientTransformation:
    """The one-liner: every scheduled hyperparameter is ``to_optax(schedule, base)``."""
    scheduled = {
        key: to_optax(lrcore.from_config(config), case.bases[key])
        for key, config in case.configs.items()
    }
    factory = optax.adamw if case.kind == "adamw" else optax.sgd
    return optax.inject_hyperparams(factory)(**scheduled)


def problem(dtype: Any) -> tuple[Params, Any, Any]:
    """A small linear regression on fixed data: initial params, inputs, targets."""
    x = np.linspace(-1.0, 1.0, 24).reshape(8, 3)
    y = np.sin(np.arange(8.0)) + 0.5
    params = {"w": jnp.asarray([0.3, -0.2, 0.1], dtype), "b": jnp.asarray(0.05, dtype)}
    return params, jnp.asarray(x, dtype), jnp.asarray(y, dtype)


def loss_fn(params: Params, x: Any, y: Any) -> Any:
    return jnp.mean((x @ params["w"] + params["b"] - y) ** 2)


@dataclass
class Run:
    """Everything recorded at each update ``k`` of a jitted training run."""

    hyperparams: dict[str, list[float]]  # state.hyperparams after update k (= in force at k)
    others: list[dict[str, Any]]  # the unscheduled numeric hyperparameters (b2, eps, ...)
    initial: dict[str, float]  # state.hyperparams right after init
    params: list[Params]  # params before update k (and after the last, at index steps)
    grads: list[Params]
    updates: list[Params]
    inner: list[Any]  # the inner optimizer state before update k
    counts: list[int]  # state.count after update k
    traces: int  # how many times the step function was traced


def train(case: Case, x64: bool) -> Run:
    dtype = jnp.float64 if x64 else jnp.float32
    optimizer = make_optimizer(case)
    params, x, y = problem(dtype)
    traces = 0

    def step(params: Params, state: Any) -> tuple[Params, Any, Params, Params]:
        nonlocal traces
        traces += 1
        grads = jax.grad(loss_fn)(params, x, y)
        updates, state = optimizer.update(grads, state, params)
        return optax.apply_updates(params, updates), state, grads, updates

    jitted = jax.jit(step)
    state = optimizer.init(params)
    keys = list(case.configs)
    run = Run(
        {key: [] for key in keys},
        [],
        {key: float(state.hyperparams[key]) for key in keys},
        [params],
        [],
        [],
        [],
        [],
        0,
    )
    for _ in range(case.steps):
        run.inner.append(state.inner_state)
        params, state, grads, updates = jitted(params, state)
        assert state.hyperparams[keys[0]].dtype == dtype
        for key in keys:
            run.hyperparams[key].append(float(state.hyperparams[key]))
        run.others.append({n: v for n, v in state.hyperparams.items() if n not in keys})
        run.params.append(params)
        run.grads.append(grads)
        run.updates.append(updates)
        run.counts.append(int(state.count))
    run.traces = traces
    return run


@functools.cache
def recorded(name: str, x64: bool) -> Run:
    """One jitted run per case and precision, shared by the tests (compiling dominates)."""
    with jax.enable_x64(x64):
        return train(CASE_BY_NAME[name], x64)


def assert_float_rule(got: float, want: float, base: float, x64: bool, what: str) -> None:
    rel, abs_ = (1e-12, 1e-12 * base) if x64 else (2e-6, 1e-6 * base)
    assert abs(got - want) <= rel * abs(want) + abs_, f"{what}: got {got!r}, want {want!r}"


def max_error(run: Run, case: Case) -> dict[str, float]:
    """max |got - want| / base per hyperparameter (for the README's table)."""
    return {
        key: max(abs(v - case.want(key, k)) / case.bases[key] for k, v in enumerate(values))
        for key, values in run.hyperparams.items()
    }


# --------------------------------------------------------------------------- tests


@CASE_PARAMS
@X64_PARAMS
def test_hyperparams_in_force_follow_the_closed_form(case: Case, x64: bool) -> None:
    """``state.hyperparams`` at every update ``k`` is ``base * closed_form(k)``."""
    run = recorded(case.name, x64)
    assert run.traces == 1, "the step function retraced: a schedule is not jit-stable"
    assert run.counts == list(range(1, case.steps + 1))
    for key in case.configs:
        assert_float_rule(run.initial[key], case.want(key, 0), case.bases[key], x64, f"init {key}")
        for k, got in enumerate(run.hyperparams[key]):
            assert_float_rule(
                got, case.want(key, k), case.bases[key], x64, f"{case.name} {key} k={k}"
            )


@CASE_PARAMS
def test_applied_update_uses_the_scheduled_values(case: Case) -> None:
    """Each jitted update equals optax's own optimizer with constant hyperparameters.

    With the constants read from ``state.hyperparams`` after the update, to a few float32
    ulps (two compiled programs fuse differently: not bit for bit); with the closed-form
    constants, to float32 rounding amplified by Adam's ``1 - b1``; with the base values
    held instead, it differs wherever the schedules moved them away from their bases.
    The unscheduled ones (b2, eps) are passed as the float32 arrays ``inject_hyperparams``
    holds: as Python floats, ``1 - 0.999`` would be folded in float64 and differ from
    float32's by 1.3e-5.
    """
    run = recorded(case.name, False)
    factory = optax.adamw if case.kind == "adamw" else optax.sgd

    @jax.jit
    def constant_update(grads: Params, inner: Any, params: Params, values: dict[str, Any]) -> Any:
        return factory(**values).update(grads, inner, params)[0]

    def flat(tree: Params) -> np.ndarray:
        return np.concatenate([np.ravel(np.asarray(tree[n], np.float64)) for n in ("w", "b")])

    moved = 0
    for k in range(case.steps):
        args = (run.grads[k], run.inner[k], run.params[k])
        got = flat(run.updates[k])
        others = run.others[k]
        in_state = {key: jnp.float32(run.hyperparams[key][k]) for key in case.configs} | others
        np.testing.assert_allclose(flat(constant_update(*args, in_state)), got, rtol=1e-6)
        closed = {key: jnp.float32(case.want(key, k)) for key in case.configs} | others
        np.testing.assert_allclose(flat(constant_update(*args, closed)), got, rtol=2e-5, atol=1e-9)
        # Negative control: only the lr scheduled, the other hyperparameters at their bases.
        held = {key: jnp.float32(case.bases[key]) for key in case.configs} | others
        held["learning_rate"] = in_state["learning_rate"]
        far = all(
            abs(case.closed[key](k) - 1.0) > 1e-3 for key in case.configs if key != "learning_rate"
        )
        if far and k > 0 and case.closed["learning_rate"](k) > 1e-3:
            moved += 1
            assert not np.allclose(flat(constant_update(*args, held)), got, rtol=1e-4, atol=0)
    assert moved >= 3, f"{case.name}: the schedules hardly moved away from their bases"


def reference_trajectory(case: Case) -> list[np.ndarray]:
    """AdamW / SGD with momentum in float64 NumPy, with the closed-form hyperparameters."""
    x = np.linspace(-1.0, 1.0, 24).reshape(8, 3)
    y = np.sin(np.arange(8.0)) + 0.5
    p = np.array([0.3, -0.2, 0.1, 0.05])  # w..., b
    design = np.hstack([x, np.ones((8, 1))])
    mu, nu, trace = np.zeros(4), np.zeros(4), np.zeros(4)
    out = [p.copy()]
    for k in range(case.steps):
        g = 2.0 / 8 * design.T @ (design @ p - y)
        lr = case.want("learning_rate", k)
        if case.kind == "adamw":
            b1, b2, eps, wd = case.want("b1", k), 0.999, 1e-8, case.want("weight_decay", k)
            mu = (1 - b1) * g + b1 * mu
            nu = (1 - b2) * g**2 + b2 * nu
            mu_hat, nu_hat = mu / (1 - b1 ** (k + 1)), nu / (1 - b2 ** (k + 1))
            p = p - lr * (mu_hat / (np.sqrt(nu_hat) + eps) + wd * p)
        else:
            trace = g + case.want("momentum", k) * trace
            p = p - lr * trace
        out.append(p.copy())
    return out


@CASE_PARAMS
def test_x64_training_matches_a_numpy_reimplementation(case: Case) -> None:
    """Under x64 the whole parameter trajectory is AdamW / SGD run with the closed forms."""
    run = recorded(case.name, True)
    want = reference_trajectory(case)
    for k, params in enumerate(run.params):
        got = np.concatenate([np.asarray(params["w"]), np.asarray(params["b"]).reshape(1)])
        np.testing.assert_allclose(got, want[k], rtol=1e-10, atol=1e-12, err_msg=f"{case.name} {k}")
    # The run trained: the loss went down.
    x = np.hstack([np.linspace(-1.0, 1.0, 24).reshape(8, 3), np.ones((8, 1))])
    y = np.sin(np.arange(8.0)) + 0.5
    assert np.mean((x @ want[-1] - y) ** 2) < np.mean((x @ want[0] - y) ** 2)


@pytest.mark.parametrize(
    ("config", "closed"),
    [
        (
            {"name": "cosine", "start": 1.0, "end": 10.0, "steps": 29},
            lambda k: cosine_closed(k, 1.0, 10.0, 29),
        ),
        (
            {"name": "linear", "start": 1.0, "end": 0.1, "steps": 7},
            lambda k: 1.0 + (0.1 - 1.0) * min(k, 7) / 7,
        ),
    ],
    ids=["cosine", "linear"],
)
def test_x64_int32_counts_compute_in_float64(config: dict[str, Any], closed: Closed) -> None:
    """optax's counters are int32 even under x64 (``inject_hyperparams``, ``scale_by_schedule``).

    JAX divides int32 by a Python int in float32 even under x64, so a schedule that
    divides the step (``min(t, T) / T``) must widen int32 steps first, or every optax
    optimizer driven by it computes its hyperparameter to float32 precision only.
    """
    with jax.enable_x64(True):
        schedule = jax.jit(to_optax(lrcore.from_config(config), WD_BASE))
        for k in (0, 3, 11, 40):
            got = schedule(jnp.asarray(k, jnp.int32))
            assert got.dtype == jnp.float64, (config["name"], got.dtype)
            assert_float_rule(float(got), WD_BASE * closed(k), WD_BASE, True, f"k={k}")


def test_resume_from_a_pickled_state_is_exact() -> None:
    """The optimizer state (schedule counters included) is a pytree: save, load, go on."""
    case = CASES[0]
    optimizer = make_optimizer(case)
    params, x, y = problem(jnp.float32)

    @jax.jit
    def step(params: Params, state: Any) -> tuple[Params, Any]:
        updates, state = optimizer.update(jax.grad(loss_fn)(params, x, y), state, params)
        return optax.apply_updates(params, updates), state

    state = optimizer.init(params)
    half = case.steps // 2
    for _ in range(half):
        params, state = step(params, state)
    saved = pickle.dumps(jax.device_get((params, state)))
    straight = (params, state)
    for _ in range(case.steps - half):
        straight = step(*straight)
    resumed = jax.tree.map(jnp.asarray, pickle.loads(saved))
    fresh = make_optimizer(case)  # a new process would rebuild the optimizer from configs
    for _ in range(case.steps - half):
        updates, new_state = fresh.update(
            jax.grad(loss_fn)(resumed[0], x, y), resumed[1], resumed[0]
        )
        resumed = (optax.apply_updates(resumed[0], updates), new_state)
    for a, b in zip(jax.tree.leaves(straight), jax.tree.leaves(resumed), strict=True):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-6, atol=1e-7)
    for key in case.configs:
        assert_float_rule(
            float(resumed[1].hyperparams[key]),
            case.want(key, case.steps - 1),
            case.bases[key],
            False,
            f"resumed {key}",
        )


if __name__ == "__main__":  # the README's numbers
    for case in CASES:
        for x64 in (False, True):
            errors = max_error(recorded(case.name, x64), case)
            print(case.name, "x64" if x64 else "f32", {k: f"{v:.2e}" for k, v in errors.items()})
