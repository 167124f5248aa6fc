"""lrcore_optax.reduce_on_plateau under jax.jit against torch's ReduceLROnPlateau (run
through a real torch optimizer): the same decisions at every evaluation, ``scale *
learning_rate`` equal to torch's lr within the float32 rule (exactly under x64), a
warmup + cosine schedule underneath, resume from a pickled state; and optax's own
``contrib.reduce_on_plateau``: one evaluation earlier, reproduced with ``patience - 1``."""

from __future__ import annotations

import pickle
import random
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from lrcore_optax import reduce_on_plateau
from tests.plateau import oracle

BASE = 0.1
EVALUATIONS = 60


def _cases(seed: int, count: int) -> list[tuple[dict[str, Any], list[float]]]:
    rng = random.Random(seed)
    cases = []
    for _ in range(count):
        settings = oracle.random_settings(rng, groups=1)
        cases.append((settings, oracle.random_metrics(rng, EVALUATIONS, settings["mode"])))
    return cases


def _f32_close(got: float, want: float, base: float) -> bool:
    return abs(got - want) <= 2e-6 * abs(want) + 1e-6 * base


def _run(tx: optax.GradientTransformationExtraArgs, metrics: list[float]) -> list[Any]:
    """The state and the multiplier applied to a unit update, after each evaluation."""
    update = jax.jit(lambda state, value: tx.update({"w": jnp.ones(())}, state, value=value))
    state = tx.init({"w": jnp.ones(())})
    out = []
    for metric in metrics:
        updates, state = update(state, np.float32(metric))
        out.append((state, float(updates["w"])))
    return out


def _check_decisions(states: list[Any], run: oracle.NativeRun, what: str, *, exact: bool) -> None:
    for k, (state, multiplier) in enumerate(states, start=1):
        plateau = state.plateau
        assert float(plateau.best) == run.best[k], f"{what}: best after {k}"
        assert int(plateau.num_bad_epochs) == run.num_bad_epochs[k], f"{what}: bad after {k}"
        assert int(plateau.cooldown_counter) == run.cooldown_counter[k], f"{what}: cooldown {k}"
        assert int(plateau.last_epoch) == k
        want = run.lrs[k][0]
        got = float(state.scale) * BASE
        if exact:
            assert float(plateau.lrs[0]) == want, f"{what}: level after {k}"
            assert oracle.close(got, want), f"{what}: scale after {k}"
        else:
            assert _f32_close(got, want, BASE), f"{what}: scale after {k}: {got} != {want}"
        assert multiplier == float(state.scale)


@pytest.mark.parametrize("x64", [False, True], ids=["float32", "x64"])
def test_same_decisions_as_torch_under_jit(x64: bool) -> None:
    cases = _cases(31, 20 if not x64 else 8)
    for index, (settings, metrics) in enumerate(cases):
        run = oracle.torch_native(settings, metrics, base_lrs=(BASE,))
        assert oracle.float32_ties(settings, metrics, run) == []  # decisions are well-posed
        with jax.enable_x64(x64):
            tx = reduce_on_plateau(**settings, learning_rate=BASE)
            states = _run(tx, metrics)
            assert states[-1][0].scale.dtype == (jnp.float64 if x64 else jnp.float32)
        _check_decisions(states, run, f"case {index} {settings}", exact=x64)


def test_warmup_cosine_underneath() -> None:
    """Update k is multiplied by scale_{k+1} * schedule(k) (optax counts updates from 0)."""
    for index, (settings, metrics) in enumerate(_cases(32, 4)):
        warmup, start, steps, end = 3 + index, 0.1, 40, 0.05
        run = oracle.torch_native(settings, metrics, base_lrs=(BASE,))
        config = oracle.warmup_cosine_config(warmup, start, steps, end)
        states = _run(reduce_on_plateau(**settings, learning_rate=BASE, schedule=config), metrics)
        for k, (_, multiplier) in enumerate(states):
            want = run.lrs[k + 1][0] / BASE * oracle.warmup_cosine(k, warmup, start, steps, end)
            assert _f32_close(multiplier, want, 1.0), f"case {index} update {k}"


@pytest.mark.parametrize("with_schedule", [False, True], ids=["plain", "warmup_cosine"])
def test_pickled_state_resumes_identically(with_schedule: bool) -> None:
    schedule = oracle.warmup_cosine_config(5, 0.0, 30, 0.0) if with_schedule else None
    settings, metrics = _cases(33, 1)[0]
    tx = reduce_on_plateau(**settings, learning_rate=BASE, schedule=schedule)
    straight = _run(tx, metrics)
    update = jax.jit(lambda state, value: tx.update({"w": jnp.ones(())}, state, value=value))
    state = tx.init(None)
    for metric in metrics[:25]:
        _, state = update(state, np.float32(metric))
    state = pickle.loads(pickle.dumps(state))
    tx = reduce_on_plateau(**settings, learning_rate=BASE, schedule=schedule)  # a new process
    update = jax.jit(lambda state, value: tx.update({"w": jnp.ones(())}, state, value=value))
    for k, metric in enumerate(metrics[25:], start=25):
        updates, state = update(state, np.float32(metric))
        assert float(updates["w"]) == straight[k][1]
        assert jax.tree.all(jax.tree.map(lambda a, b: bool(a == b), state, straight[k][0]))


def test_in_an_optax_chain() -> None:
    """optax.chain(optax.sgd(lr), reduce_on_plateau(..., learning_rate=lr)) in a jitted step."""
    settings = {"patience": 1, "factor": 0.5, "cooldown": 1, "min_lr": 0.02}
    metrics = [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]
    run = oracle.torch_native(settings, metrics, base_lrs=(BASE,))
    tx = optax.chain(optax.sgd(BASE), reduce_on_plateau(**settings, learning_rate=BASE))
    params = {"w": jnp.zeros(3)}
    state = tx.init(params)

    @jax.jit
    def step(params: Any, state: Any, value: Any) -> tuple[Any, Any]:
        updates, state = tx.update({"w": jnp.ones(3)}, state, params, value=value)
        return optax.apply_updates(params, updates), state

    for k, metric in enumerate(metrics, start=1):
        before = params["w"][0]
        params, state = step(params, state, metric)
        assert _f32_close(float(before - params["w"][0]), run.lrs[k][0], BASE)
    assert run.lrs[-1][0] == 0.02  # cut twice, then floored at min_lr


# ------------------------------------------------------------ optax's own native


def _optax_native(
    patience: int, cooldown: int, factor: float, rtol: float, min_scale: float, metrics: list[float]
) -> list[float]:
    tx = optax.contrib.reduce_on_plateau(
        factor=factor,
        patience=patience,
        rtol=rtol,
        atol=0.0,
        cooldown=cooldown,
        min_scale=min_scale,
    )
    update = jax.jit(lambda state, value: tx.update({"w": jnp.ones(())}, state, value=value))
    state = tx.init({"w": jnp.ones(())})
    scales = []
    for metric in metrics:
        _, state = update(state, np.float32(metric))
        scales.append(float(state.scale))
    return scales


def test_optax_native_cuts_one_evaluation_earlier() -> None:
    metrics = [1.0, 1.0, 1.0, 1.0, 1.0]
    native = _optax_native(2, 0, 0.5, 1e-4, 0.0, metrics)
    ours = [float(s.scale) for s, _ in _run(reduce_on_plateau(patience=2, factor=0.5), metrics)]
    torch_run = oracle.torch_native({"patience": 2, "factor": 0.5}, metrics, base_lrs=(1.0,))
    assert [lrs[0] for lrs in torch_run.lrs[1:]] == ours == [1.0, 1.0, 1.0, 0.5, 0.5]
    # optax cuts after `patience` bad evaluations (2, then 2 more), torch after patience + 1.
    assert native == [1.0, 1.0, 0.5, 0.5, 0.25]


def test_optax_native_reproduced_with_patience_minus_one() -> None:
    rng = random.Random(34)
    for _ in range(6):
        patience, cooldown = rng.randint(1, 5), rng.randint(0, 3)
        factor, rtol = rng.choice(oracle.FACTORS), rng.choice([1e-4, 1e-3, 1 / 64])
        min_scale = rng.choice([0.0, 0.01, 0.2])
        metrics = oracle.random_metrics(rng, 40, "min")
        native = _optax_native(patience, cooldown, factor, rtol, min_scale, metrics)
        tx = reduce_on_plateau(
            patience=patience - 1,
            cooldown=cooldown,
            factor=factor,
            threshold=rtol,
            min_lr=min_scale,
            eps=0.0,
        )
        assert [float(s.scale) for s, _ in _run(tx, metrics)] == native


@pytest.mark.parametrize(
    ("kwargs", "error", "text"),
    [
        ({"factor": 1.5}, ValueError, "reduce_on_plateau: factor must be < 1"),
        ({"mode": "up"}, ValueError, "reduce_on_plateau: mode"),
        ({"cooldown": -1}, ValueError, "reduce_on_plateau: cooldown must be >= 0"),
        ({"min_lr": [0.0, 0.1]}, ValueError, "reduce_on_plateau: min_lr has 2 items"),
        ({"learning_rate": 0.0}, ValueError, "reduce_on_plateau: learning_rate must be"),
        ({"learning_rate": "1"}, TypeError, "reduce_on_plateau: learning_rate must be"),
        ({"schedule": {"name": "cosine"}}, TypeError, "cosine: missing required parameter"),
    ],
)
def test_bad_arguments(kwargs: dict[str, Any], error: type, text: str) -> None:
    with pytest.raises(error, match=text):
        reduce_on_plateau(**kwargs)
