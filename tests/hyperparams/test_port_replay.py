"""A torch momentum cycle, ported once, replayed on torch, Paddle and optax.

The oracle is torch itself: ``OneCycleLR`` (cos/linear, two or three phases) and
``CyclicLR`` (triangular, triangular2, exp_range), both with ``cycle_momentum=True``, on
a real ``SGD(momentum)`` or ``Adam`` (``betas[0]``) with two parameter groups, stepped
once per real update.  At every update ``k`` the test records the lr and the
momentum/β1 each group holds when ``optimizer.step()`` runs: ``OneCycleLR`` up to
``k = total_steps`` (the extrapolated value torch computes at its last legal step; it
raises after), ``CyclicLR`` over several cycles.

The scheduler is ported *after* it ran (a port reads constructor state, so it starts
from step 0) with ``lrcore_torch.from_torch`` (lr) and ``from_torch_hyperparams``
(momentum/β1), and replayed, each through real training updates, on

* torch: ``to_torch`` + ``to_torch_hyperparams`` on a fresh optimizer whose groups hold
  the ports' bases; the group values at each ``optimizer.step()`` (rel 1e-12);
* Paddle: ``to_paddle_groups`` + ``to_paddle_hyperparams`` (torch's ``"betas[0]"`` key
  and ``(base, schedule)`` pairs as they come) on ``Momentum`` / ``Adam`` with the same
  two groups; the momentum/β1 the update kernel is called with (the optimizer's
  ``_momentum``/``_beta1`` right after Paddle's ``_update_param_group`` copies the
  group's value into it, per parameter) and the group lrs (rel 1e-12);
* optax: ``inject_hyperparams(optax.sgd / optax.adam)`` with ``to_optax`` for the lr and
  the momentum/``b1``, one per group under ``optax.multi_transform``, a jitted update
  per step; ``state.hyperparams`` after update ``k`` (float32 rule
  ``|got - want| <= 2e-6 |want| + 1e-6 base``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
import torch
from torch.optim import lr_scheduler as sch

from tests.conformance.replay import rng_for

Series = list[list[float]]  # [group][k]
Pairs = list[tuple[float, Any]]

LRS = (0.1, 0.003)  # the groups' lrs as the optimizer is built (the natives override them)
REL = 1e-12


# --------------------------------------------------------------------------- the native


@dataclass(frozen=True)
class Case:
    name: str
    optimizer: str  # "sgd" or "adam"
    make: Callable[[torch.optim.Optimizer], Any]  # the native scheduler
    steps: int

    @property
    def key(self) -> str:
        return "momentum" if self.optimizer == "sgd" else "betas[0]"


def _one_cycle(index: int, optimizer: str) -> Case:
    rng = rng_for("port-replay-one-cycle", index, optimizer)
    total = int(rng.integers(20, 60))
    strategy, three = [("cos", False), ("linear", True), ("linear", False), ("cos", True)][index]
    pct = float(rng.uniform(0.1, 0.45))
    kwargs: dict[str, Any] = {
        "max_lr": [float(rng.uniform(0.05, 0.5)), float(rng.uniform(1e-3, 1e-2))],
        "total_steps": total,
        "pct_start": pct,
        "anneal_strategy": strategy,
        "three_phase": three,
        "div_factor": float(rng.uniform(5, 30)),
        "final_div_factor": float(rng.choice([1e2, 1e3, 1e4])),
        "cycle_momentum": True,
        "base_momentum": [float(rng.uniform(0.7, 0.85)), float(rng.uniform(0.8, 0.88))],
        "max_momentum": [float(rng.uniform(0.9, 0.98)), 0.95],
    }
    name = f"OneCycleLR-{optimizer}-{strategy}{'-3phase' if three else ''}-T{total}"
    # OneCycleLR raises past total_steps: updates 0..total_steps.
    return Case(name, optimizer, lambda opt: sch.OneCycleLR(opt, **kwargs), total + 1)


def _cyclic(mode: str, optimizer: str) -> Case:
    rng = rng_for("port-replay-cyclic", mode, optimizer)
    up, down = int(rng.integers(3, 9)), int(rng.integers(3, 12))
    kwargs: dict[str, Any] = {
        "base_lr": [float(rng.uniform(1e-3, 1e-2)), float(rng.uniform(1e-4, 1e-3))],
        "max_lr": [float(rng.uniform(0.05, 0.2)), float(rng.uniform(2e-3, 5e-3))],
        "step_size_up": up,
        "step_size_down": down,
        "mode": mode,
        "gamma": float(rng.uniform(0.95, 0.995)) if mode == "exp_range" else 1.0,
        "cycle_momentum": True,
        "base_momentum": [float(rng.uniform(0.7, 0.85)), 0.8],
        "max_momentum": [float(rng.uniform(0.88, 0.97)), 0.9],
    }
    name = f"CyclicLR-{optimizer}-{mode}-{up}-{down}"
    return Case(name, optimizer, lambda opt: sch.CyclicLR(opt, **kwargs), 4 * (up + down) + 5)


CASES = [_one_cycle(i, opt) for i in range(4) for opt in ("sgd", "adam")] + [
    _cyclic(mode, opt)
    for mode in ("triangular", "triangular2", "exp_range")
    for opt in ("sgd", "adam")
]
CASE_BY_NAME = {case.name: case for case in CASES}
CASE_PARAMS = pytest.mark.parametrize("name", [c.name for c in CASES])

_X = np.linspace(-1.0, 1.0, 12).reshape(4, 3)
_Y = np.array([0.5, -0.25, 1.0, 0.75])


def _torch_model() -> torch.nn.ModuleList:
    torch.manual_seed(0)
    return torch.nn.ModuleList(torch.nn.Linear(3, 1) for _ in range(2))


def _torch_optimizer(
    kind: str, model: torch.nn.ModuleList, lrs: Sequence[float], momenta: Sequence[float]
) -> torch.optim.Optimizer:
    groups: list[dict[str, Any]] = []
    for layer, lr, momentum in zip(model, lrs, momenta, strict=True):
        group: dict[str, Any] = {"params": list(layer.parameters()), "lr": lr}
        if kind == "sgd":
            group["momentum"] = momentum
        else:
            group["betas"] = (momentum, 0.999)
        groups.append(group)
    if kind == "sgd":
        return torch.optim.SGD(groups, lr=lrs[0], momentum=momenta[0])
    return torch.optim.Adam(groups, lr=lrs[0], betas=(momenta[0], 0.999))


def _torch_update(model: torch.nn.ModuleList, optimizer: torch.optim.Optimizer) -> None:
    x, y = torch.as_tensor(_X, dtype=torch.float32), torch.as_tensor(_Y, dtype=torch.float32)
    optimizer.zero_grad()
    sum(((layer(x).squeeze(-1) - y) ** 2).mean() for layer in model).backward()
    optimizer.step()


def _momentum_of(group: dict[str, Any], key: str) -> float:
    return float(group["betas"][0] if key == "betas[0]" else group["momentum"])


def _drive_torch(
    model: torch.nn.ModuleList,
    optimizer: torch.optim.Optimizer,
    schedulers: Sequence[Any],
    key: str,
    steps: int,
) -> tuple[Series, Series]:
    """lrs and momenta of each group at every ``optimizer.step()``; steps after each."""
    lrs: Series = [[] for _ in optimizer.param_groups]
    momenta: Series = [[] for _ in optimizer.param_groups]
    for k in range(steps):
        for g, group in enumerate(optimizer.param_groups):
            lrs[g].append(float(group["lr"]))
            momenta[g].append(_momentum_of(group, key))
        _torch_update(model, optimizer)
        if k < steps - 1:  # OneCycleLR would raise on the step after total_steps
            for scheduler in schedulers:
                scheduler.step()
    return lrs, momenta


@dataclass(frozen=True)
class Native:
    lrs: Series
    momenta: Series
    lr_pairs: Pairs
    momentum_pairs: Pairs


@functools.cache
def native(name: str) -> Native:
    """Run the torch native for real, then port it (after the run: from step 0)."""
    import lrcore_torch

    case = CASE_BY_NAME[name]
    model = _torch_model()
    optimizer = _torch_optimizer(case.optimizer, model, LRS, (0.9, 0.9))
    scheduler = case.make(optimizer)
    lrs, momenta = _drive_torch(model, optimizer, [scheduler], case.key, case.steps)
    # At k = total_steps torch's linear OneCycleLR extrapolates the last phase below 0;
    # ``one_cycle`` floors that value at 0 (documented there): compare with the floor.
    lrs = [[max(0.0, lr) for lr in series] for series in lrs]
    ported = lrcore_torch.from_torch_hyperparams(scheduler)
    assert list(ported) == [case.key], (name, list(ported))
    # A port of a fresh scheduler is the same: constructor state, not the current values.
    fresh = case.make(_torch_optimizer(case.optimizer, _torch_model(), LRS, (0.9, 0.9)))
    assert lrcore_torch.from_torch_hyperparams(fresh) == ported
    return Native(lrs, momenta, lrcore_torch.from_torch(scheduler), ported[case.key])


def _assert_series(
    got: Series, want: Series, bases: Sequence[float], what: str, rel: float
) -> float:
    """``|got - want| <= rel |want| + rel base`` at every step; returns max |got - want| / base."""
    worst = 0.0
    for g, (got_g, want_g) in enumerate(zip(got, want, strict=True)):
        assert len(got_g) == len(want_g), (what, g, len(got_g), len(want_g))
        a, b = np.asarray(got_g, np.float64), np.asarray(want_g, np.float64)
        error = np.abs(a - b)
        bad = np.nonzero(error > rel * np.abs(b) + rel * bases[g])[0]
        assert bad.size == 0, (
            f"{what} group {g} k={bad[0]}: got {a[bad[0]]!r}, want {b[bad[0]]!r} "
            f"({bad.size} steps differ)"
        )
        worst = max(worst, float(np.max(error)) / bases[g])
    return worst


def _float32_rule(got: Series, want: Series, bases: Sequence[float], what: str) -> float:
    worst = 0.0
    for g, (got_g, want_g) in enumerate(zip(got, want, strict=True)):
        a, b = np.asarray(got_g, np.float64), np.asarray(want_g, np.float64)
        assert a.shape == b.shape, (what, g, a.shape, b.shape)
        error = np.abs(a - b)
        bad = np.nonzero(error > 2e-6 * np.abs(b) + 1e-6 * bases[g])[0]
        assert bad.size == 0, (
            f"{what} group {g} k={bad[0]}: got {a[bad[0]]!r}, want {b[bad[0]]!r} "
            f"({bad.size} steps differ)"
        )
        worst = max(worst, float(np.max(error)) / bases[g])
    return worst


# --------------------------------------------------------------------------- replays


def replay_torch(case: Case, result: Native) -> tuple[Series, Series]:
    import lrcore_torch

    model = _torch_model()
    optimizer = _torch_optimizer(
        case.optimizer,
        model,
        [base for base, _ in result.lr_pairs],
        [base for base, _ in result.momentum_pairs],
    )
    lr_scheduler = lrcore_torch.to_torch([s for _, s in result.lr_pairs], optimizer)
    hp_scheduler = lrcore_torch.to_torch_hyperparams(
        {case.key: [s for _, s in result.momentum_pairs]}, optimizer
    )
    return _drive_torch(model, optimizer, [lr_scheduler, hp_scheduler], case.key, case.steps)


def replay_paddle(case: Case, result: Native) -> tuple[Series, Series]:
    """Real Paddle updates; records what each group's update kernel is called with."""
    import paddle

    import lrcore_paddle

    paddle.seed(0)
    layers = [paddle.nn.Linear(3, 1) for _ in range(2)]
    scheduler, groups = lrcore_paddle.to_paddle_groups(
        result.lr_pairs, [list(layer.parameters()) for layer in layers]
    )
    field = "momentum" if case.optimizer == "sgd" else "beta1"
    for group, (base, _) in zip(groups, result.momentum_pairs, strict=True):
        group[field] = base
    if case.optimizer == "sgd":
        optimizer: Any = paddle.optimizer.Momentum(learning_rate=scheduler, parameters=groups)
        attribute = "_momentum"
    else:
        optimizer = paddle.optimizer.Adam(learning_rate=scheduler, parameters=groups)
        attribute = "_beta1"
    # The ports' (base, schedule) pairs and torch's key, as they come.
    hp = lrcore_paddle.to_paddle_hyperparams({case.key: result.momentum_pairs}, optimizer)

    # With parameter groups Paddle calls _update_param_group(group) inside each
    # parameter's _append_optimize_op: it copies the group's value into the attribute
    # the update kernel reads next.  Record that attribute right there.
    group_of = {id(p): g for g, layer in enumerate(layers) for p in layer.parameters()}
    seen: list[dict[int, float]] = []
    original = optimizer._update_param_group

    def spy(parameters: Any) -> Any:
        result = original(parameters)
        value = float(getattr(optimizer, attribute))
        previous = seen[-1].setdefault(group_of[id(result[0])], value)
        assert previous == value, "two parameters of one group saw different values"
        return result

    optimizer._update_param_group = spy
    x, y = paddle.to_tensor(_X, dtype="float32"), paddle.to_tensor(_Y, dtype="float32")
    lrs: Series = [[], []]
    for _ in range(case.steps):
        for g, lr in enumerate(scheduler.group_lrs()):
            lrs[g].append(lr)
        seen.append({})
        loss = sum(((layer(x).squeeze(-1) - y) ** 2).mean() for layer in layers)
        loss.backward()  # type: ignore[union-attr]
        optimizer.step()
        optimizer.clear_grad()
        scheduler.step()
        hp.step()
    assert all(sorted(step) == [0, 1] for step in seen), "a group's kernel was not called"
    return lrs, [[step[g] for step in seen] for g in range(2)]


def replay_optax(case: Case, result: Native) -> tuple[Series, Series]:
    """``inject_hyperparams`` per group under ``multi_transform``; one jitted update per step."""
    import jax
    import jax.numpy as jnp
    import optax

    from lrcore_optax import to_optax

    factory, field = (optax.sgd, "momentum") if case.optimizer == "sgd" else (optax.adam, "b1")
    transforms = {
        f"g{g}": optax.inject_hyperparams(factory)(
            learning_rate=to_optax(lr_schedule, lr_base),
            **{field: to_optax(m_schedule, m_base)},
        )
        for g, ((lr_base, lr_schedule), (m_base, m_schedule)) in enumerate(
            zip(result.lr_pairs, result.momentum_pairs, strict=True)
        )
    }
    params = {f"g{g}": {"w": jnp.full((3,), 0.1 * (g + 1)), "b": jnp.zeros(())} for g in range(2)}
    optimizer = optax.multi_transform(transforms, {name: name for name in params})
    x, y = jnp.asarray(_X, jnp.float32), jnp.asarray(_Y, jnp.float32)

    def loss(p: Any) -> Any:
        return sum(jnp.mean((x @ q["w"] + q["b"] - y) ** 2) for q in p.values())

    @jax.jit
    def step(p: Any, state: Any) -> tuple[Any, Any, Any]:
        updates, state = optimizer.update(jax.grad(loss)(p), state, p)
        inner = state.inner_states
        hyper = {n: inner[n].inner_state.hyperparams for n in p}
        return optax.apply_updates(p, updates), state, hyper

    state = optimizer.init(params)
    recorded = []
    for _ in range(case.steps):
        params, state, hyper = step(params, state)
        recorded.append(hyper)
    host = jax.device_get(recorded)
    lrs = [[float(h[f"g{g}"]["learning_rate"]) for h in host] for g in range(2)]
    momenta = [[float(h[f"g{g}"][field]) for h in host] for g in range(2)]
    return lrs, momenta


# --------------------------------------------------------------------------- tests


def test_cases_cover_the_natives() -> None:
    kinds = {
        (
            type(
                case.make(_torch_optimizer(case.optimizer, _torch_model(), LRS, (0.9, 0.9)))
            ).__name__,
            case.optimizer,
        )
        for case in CASES
    }
    assert kinds == {(n, o) for n in ("OneCycleLR", "CyclicLR") for o in ("sgd", "adam")}


@CASE_PARAMS
def test_native_momentum_moves(name: str) -> None:
    """The recorded native really cycles momentum (else the replays would prove nothing)."""
    result = native(name)
    for g, series in enumerate(result.momenta):
        assert max(series) - min(series) > 0.02, (name, g)
        base, _ = result.momentum_pairs[g]
        # (OneCycleLR's linear extrapolation at k = total_steps overshoots the peak.)
        assert max(series[:-1]) <= base * (1 + 1e-12), (name, g)


@CASE_PARAMS
def test_replay_on_torch(name: str) -> None:
    case, result = CASE_BY_NAME[name], native(name)
    lrs, momenta = replay_torch(case, result)
    _assert_series(
        momenta, result.momenta, [b for b, _ in result.momentum_pairs], "torch momentum", REL
    )
    _assert_series(lrs, result.lrs, [b for b, _ in result.lr_pairs], "torch lr", REL)


@CASE_PARAMS
def test_replay_on_paddle(name: str) -> None:
    case, result = CASE_BY_NAME[name], native(name)
    lrs, momenta = replay_paddle(case, result)
    _assert_series(
        momenta, result.momenta, [b for b, _ in result.momentum_pairs], "paddle momentum", REL
    )
    _assert_series(lrs, result.lrs, [b for b, _ in result.lr_pairs], "paddle lr", REL)


@CASE_PARAMS
def test_replay_on_optax(name: str) -> None:
    case, result = CASE_BY_NAME[name], native(name)
    lrs, momenta = replay_optax(case, result)
    _float32_rule(momenta, result.momenta, [b for b, _ in result.momentum_pairs], "optax momentum")
    _float32_rule(lrs, result.lrs, [b for b, _ in result.lr_pairs], "optax lr")


if __name__ == "__main__":  # the README's table: max |got - want| / base per backend
    worst: dict[str, float] = {}
    for case in CASES:
        result = native(case.name)
        m_bases = [b for b, _ in result.momentum_pairs]
        lr_bases = [b for b, _ in result.lr_pairs]
        for backend, replay, check in (
            ("torch", replay_torch, lambda g, w, b, n: _assert_series(g, w, b, n, REL)),
            ("paddle", replay_paddle, lambda g, w, b, n: _assert_series(g, w, b, n, REL)),
            ("optax f32", replay_optax, _float32_rule),
        ):
            lrs, momenta = replay(case, result)
            for what, got, want, bases in (
                ("momentum", momenta, result.momenta, m_bases),
                ("lr", lrs, result.lrs, lr_bases),
            ):
                error = check(got, want, bases, f"{backend} {what}")
                worst[f"{backend} {what}"] = max(worst.get(f"{backend} {what}", 0.0), error)
    for key, value in worst.items():
        print(f"{key}: {value:.2e}")
