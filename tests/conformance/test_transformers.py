"""transformers' ``get_scheduler``: every name ports through ``from_torch`` and replays exactly.

Oracle: ``natives.transformers_lrs`` (transformers' own ``LambdaLR`` on a real SGD, two
parameter groups with different lrs, ``optimizer.defaults["lr"]`` set apart from them so
that ``lr_end`` / ``min_lr`` show they are measured against it), from step 0 to three
times ``num_training_steps``.  The port is ``from_torch`` of the same scheduler,
replayed on the core, torch, Paddle and optax.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pytest
import torch
from torch.optim.lr_scheduler import LambdaLR

import lrcore
from lrcore_torch import from_torch
from tests.conformance import natives
from tests.conformance.replay import assert_config_round_trip, assert_replays, rng_for

NAMES = [
    "linear",
    "cosine",
    "cosine_with_restarts",
    "polynomial",
    "constant",
    "constant_with_warmup",
    "inverse_sqrt",
    "cosine_with_min_lr",
    "cosine_warmup_with_min_lr",
    "warmup_stable_decay",
]

EXPECTED = {
    "linear": ("warmup_linear", "join"),
    "cosine": ("hf_cosine",),
    "cosine_with_restarts": ("hf_cosine_with_restarts",),
    "polynomial": ("hf_polynomial",),
    "constant": ("constant",),
    "constant_with_warmup": ("linear",),
    "inverse_sqrt": ("inverse_sqrt",),
    "cosine_with_min_lr": ("hf_cosine",),
    "cosine_warmup_with_min_lr": ("hf_cosine_warmup_with_min_lr",),
    "warmup_stable_decay": ("warmup_stable_decay",),
}

# Case 2 (N <= W) only for the names where transformers does something particular there.
N_BELOW_W = ("linear", "cosine", "cosine_with_restarts", "polynomial")


def _settings(name: str, case: int) -> tuple[dict[str, Any], int, tuple[float, float], float]:
    """``(get_scheduler keywords, steps, base_lrs, optimizer.defaults["lr"])`` for a case."""
    rng = rng_for("transformers", name, case)
    warmup = int(rng.integers(0, 15))
    total = int(rng.integers(warmup + 2, 110))
    if case == 2 and name in N_BELOW_W:
        total = int(rng.integers(0, warmup + 1)) if warmup else 0  # N <= W
        if name == "polynomial" and total == warmup:
            total = warmup + 1
    base_lrs = (float(rng.uniform(0.01, 0.5)), float(rng.uniform(1e-4, 0.01)))
    default_lr = float(rng.uniform(0.02, 0.3))
    kwargs: dict[str, Any] = {"num_warmup_steps": warmup, "num_training_steps": total}
    choice = functools.partial(lambda options: options[int(rng.integers(len(options)))])
    if name == "cosine":
        kwargs["num_cycles"] = choice([0.5, 1.0, 1.5, 0.3])
    elif name == "cosine_with_restarts":
        kwargs["num_cycles"] = int(rng.integers(1, 7))
    elif name == "polynomial":
        kwargs["lr_end"] = default_lr * float(rng.uniform(0.0, 0.5))
        kwargs["power"] = choice([0.5, 1.0, 2.0, 3.0])
    elif name == "inverse_sqrt":
        kwargs["timescale"] = choice([None, int(rng.integers(1, 50))])
    elif name in ("cosine_with_min_lr", "cosine_warmup_with_min_lr"):
        if case % 2:
            kwargs["min_lr"] = default_lr * float(rng.uniform(0.0, 0.5))
        else:
            kwargs["min_lr_rate"] = float(rng.uniform(0.0, 0.5))
        kwargs["num_cycles"] = choice([0.5, 1.0, 0.75])
        if name == "cosine_warmup_with_min_lr":
            kwargs["warmup_lr_rate"] = choice([None, float(rng.uniform(0, 0.5))])
    elif name == "warmup_stable_decay":
        decay = int(rng.integers(0, 40))
        kwargs["num_decay_steps"] = decay
        if case == 1:
            kwargs["num_stable_steps"] = int(rng.integers(0, 40))
            del kwargs["num_training_steps"]
        kwargs["warmup_type"] = choice(["linear", "cosine", "1-sqrt"])
        kwargs["decay_type"] = choice(["linear", "cosine", "1-sqrt"])
        kwargs["min_lr_ratio"] = choice([0.0, float(rng.uniform(0, 0.3))])
        kwargs["num_cycles"] = choice([0.5, 1.0])
    horizon = warmup + total + sum(v for k, v in kwargs.items() if k.endswith("_steps"))
    return kwargs, 2 * horizon + 30, base_lrs, default_lr


def _scheduler(name: str, kwargs: dict[str, Any], base_lrs: Any, default_lr: float) -> Any:
    from transformers.optimization import get_scheduler

    _, optimizer = natives.torch_model_and_optimizer(base_lrs, default_lr=default_lr)
    specific = {
        k: v for k, v in kwargs.items() if k not in ("num_warmup_steps", "num_training_steps")
    }
    return get_scheduler(
        name,
        optimizer,
        num_warmup_steps=kwargs["num_warmup_steps"],
        num_training_steps=kwargs.get("num_training_steps"),
        scheduler_specific_kwargs=specific or None,
    )


CASES = [(name, case) for name in NAMES for case in range(3 if name in N_BELOW_W else 2)]


@pytest.mark.parametrize(("name", "case"), CASES)
def test_get_scheduler_ports_and_replays(name: str, case: int) -> None:
    kwargs, steps, base_lrs, default_lr = _settings(name, case)
    want = natives.transformers_lrs(
        name,
        steps,
        base_lrs,
        default_lr=default_lr,
        num_warmup_steps=kwargs["num_warmup_steps"],
        num_training_steps=kwargs.get("num_training_steps"),
        **{k: v for k, v in kwargs.items() if k not in ("num_warmup_steps", "num_training_steps")},
    )
    scheduler = _scheduler(name, kwargs, base_lrs, default_lr)
    pairs = from_torch(scheduler)
    assert [base for base, _ in pairs] == list(base_lrs)
    assert all(schedule.name in EXPECTED[name] for _, schedule in pairs), pairs
    what = f"{name} {kwargs}"
    assert_replays(pairs, want, what=what)
    # The factor is transformers' lambda on the core's int path: bit for bit within the
    # first cosine period; past it lrcore reduces the step modulo the period first (an
    # exact phase, the same on every backend), which may move the last bit.
    lr_lambda = scheduler.lr_lambdas[0]
    for _, schedule in pairs:
        got = [schedule(k) for k in range(steps)]
        want_factors = [float(lr_lambda(k)) for k in range(steps)]
        np.testing.assert_allclose(got, want_factors, rtol=1e-13, atol=1e-16)
    assert_config_round_trip(pairs)
    # Stepped part-way (as when resuming), it ports the same whole curve from step 0.
    for _ in range(steps // 3):
        scheduler.optimizer.step()
        scheduler.step()
    assert from_torch(scheduler) == pairs


def test_polynomial_and_min_lr_are_measured_against_defaults_lr() -> None:
    """lr_end is absolute for optimizer.defaults["lr"]; every group scales it by its base."""
    base_lrs, default_lr = (0.2, 0.004), 0.05
    kwargs = {"num_warmup_steps": 3, "num_training_steps": 20, "lr_end": 0.01, "power": 2.0}
    pairs = from_torch(_scheduler("polynomial", kwargs, base_lrs, default_lr))
    for base, schedule in pairs:
        assert schedule(25) == 0.01 / default_lr
        assert base * schedule(25) == pytest.approx(base * 0.2, rel=1e-15)
    kwargs = {"num_warmup_steps": 0, "num_training_steps": 10, "min_lr": 0.01}
    pairs = from_torch(_scheduler("cosine_with_min_lr", kwargs, base_lrs, default_lr))
    assert pairs[0][1] == lrcore.from_config(
        {"name": "hf_cosine", "warmup_steps": 0, "training_steps": 10, "min_lr_rate": 0.01 / 0.05}
    )


def _lambda(k: int, *, num_warmup_steps: int) -> float:
    return 1.0


def test_other_lambdas_are_left_to_the_torch_porter() -> None:
    """A LambdaLR over anything else than transformers' functions is not matched."""
    import transformers.optimization as hf

    _, optimizer = natives.torch_model_and_optimizer((0.1, 0.01))
    impostor = functools.partial(_lambda, num_warmup_steps=3)
    impostor.func.__name__ = "_get_constant_schedule_with_warmup_lr_lambda"  # type: ignore[attr-defined]
    real = functools.partial(hf._get_constant_schedule_with_warmup_lr_lambda, num_warmup_steps=3)
    for lr_lambda in (lambda k: 1.0, impostor, [real, lambda k: 0.5]):
        scheduler = LambdaLR(optimizer, lr_lambda)
        with pytest.raises(TypeError):
            from_torch(scheduler)
        for group in optimizer.param_groups:
            group["lr"] = group["initial_lr"]
    # The real one, per group, is matched.
    pairs = from_torch(LambdaLR(optimizer, [real, real]))
    assert [s for _, s in pairs] == [lrcore.Linear(start=0.0, end=1.0, steps=3)] * 2


def test_unknown_partial_keywords_are_refused() -> None:
    import transformers.optimization as hf

    _, optimizer = natives.torch_model_and_optimizer((0.1,))
    fn = functools.partial(
        hf._get_linear_schedule_with_warmup_lr_lambda,
        num_warmup_steps=2,
        num_training_steps=10,
        surprise=1,
    )
    with pytest.raises(TypeError, match="surprise"):
        from_torch(LambdaLR(optimizer, fn))


def test_polynomial_with_n_equal_w_is_refused_as_transformers_would_divide_by_zero() -> None:
    kwargs = {"num_warmup_steps": 5, "num_training_steps": 5}
    scheduler = _scheduler("polynomial", kwargs, (0.1,), 0.1)
    with pytest.raises(ZeroDivisionError):
        for _ in range(6):
            scheduler.optimizer.step()
            scheduler.step()
    with pytest.raises(ValueError, match="hf_polynomial: training_steps"):
        from_torch(_scheduler("polynomial", kwargs, (0.1,), 0.1))


def test_cosine_rises_past_the_end_and_restarts_hold_zero() -> None:
    cosine = from_torch(
        _scheduler("cosine", {"num_warmup_steps": 0, "num_training_steps": 10}, (0.1,), 0.1)
    )[0][1]
    assert cosine(10) == pytest.approx(0.0, abs=1e-16) and cosine(15) == pytest.approx(0.5)
    assert cosine(20) == 1.0
    restarts = from_torch(
        _scheduler(
            "cosine_with_restarts",
            {"num_warmup_steps": 2, "num_training_steps": 12, "num_cycles": 2},
            (0.1,),
            0.1,
        )
    )[0][1]
    assert restarts(7) == 1.0 and np.all(restarts(np.arange(12, 40)) == 0.0)
    assert len(restarts.pieces) == 4  # ramp, two restarts of one family, then 0


def test_a_scheduler_on_another_optimizer_is_not_confused() -> None:
    """Ports read base_lrs, not the current lr."""
    kwargs = {"num_warmup_steps": 4, "num_training_steps": 30}
    scheduler = _scheduler("linear", kwargs, (0.1, 0.02), 0.1)
    for group in scheduler.optimizer.param_groups:
        group["lr"] = 123.0
    assert [base for base, _ in from_torch(scheduler)] == [0.1, 0.02]
    assert isinstance(scheduler.optimizer, torch.optim.SGD)
