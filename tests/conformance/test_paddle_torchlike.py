"""Paddle's twins of torch schedulers ported with ``from_paddle``, replayed on every backend.

Oracle: the native Paddle scheduler on a real Paddle SGD (``natives.paddle_lrs``: one
scheduler, two parameter groups whose ``learning_rate`` multipliers give them different
lrs), steps well past the end.  The port ``(base, schedule)`` replays group ``g`` as
``(base * base_lrs[g] / base_lrs[0], schedule)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import lrcore
from lrcore_paddle import from_paddle
from tests.conformance import natives
from tests.conformance.replay import assert_config_round_trip, assert_replays, rng_for

BASE = natives.DEFAULT_BASE_LRS
Make = Callable[[float], Any]


def _lr() -> Any:
    return natives.import_paddle().optimizer.lr


def _pairs(make: Make, stepped: int = 5) -> list[tuple[float, Any]]:
    scheduler = make(BASE[0])
    base, schedule = from_paddle(scheduler)
    for _ in range(stepped):
        scheduler.step()
    assert from_paddle(scheduler) == (base, schedule)
    return [(base * lr / BASE[0], schedule) for lr in BASE]


def _check(make: Make, steps: int, what: str) -> None:
    want = natives.paddle_lrs(make, steps, BASE)
    pairs = _pairs(make)
    assert_replays(pairs, want, what=what)
    assert_config_round_trip(pairs)


@pytest.mark.parametrize("index", range(4))
def test_one_cycle(index: int) -> None:
    lr = _lr()
    rng = rng_for("paddle OneCycleLR", index)
    total = int(rng.integers(5, 80))
    three = bool(index % 2)
    pct = float(rng.uniform(0.0, 0.49 if three else 1.0))
    strategy = "cos" if index < 2 else "linear"
    divide, end = float(rng.uniform(2, 30)), float(rng.uniform(0, 0.001))

    def make(base: float) -> Any:
        return lr.OneCycleLR(
            base,
            total,
            divide_factor=divide,
            end_learning_rate=end,
            phase_pct=pct,
            anneal_strategy=strategy,
            three_phase=three,
        )

    # Paddle computes the lr at total_steps too, then raises: record it on the scheduler.
    scheduler = make(BASE[0])
    for _ in range(total):
        scheduler.step()
    at_total = float(scheduler())
    with pytest.raises(ValueError, match="Tried to step"):
        scheduler.step()
    want = natives.paddle_lrs(make, total, BASE)
    pairs = _pairs(make)
    if at_total >= 0:
        want = [[*row, at_total * lr_g / BASE[0]] for row, lr_g in zip(want, BASE, strict=True)]
    else:  # the linear extrapolation at total_steps is negative: lrcore floors it at 0
        assert pairs[0][1](total) == 0.0
    assert_replays(pairs, want, what=f"paddle OneCycleLR {total} {pct} {three} {strategy}")
    assert_config_round_trip(pairs)
    assert pairs[0][1](total + 5) == pairs[0][1](total)
    assert pairs[0][1].to_config()["divide_factor"] == pytest.approx(divide)


@pytest.mark.parametrize("index", range(4))
def test_cyclic(index: int) -> None:
    lr = _lr()
    rng = rng_for("paddle CyclicLR", index)
    up = int(rng.integers(1, 12))
    down = None if index == 0 else int(rng.integers(1, 12))
    mode = ["triangular", "triangular2", "exp_range", "exp_range"][index]
    gamma = float(rng.uniform(0.97, 1.0))
    low, high = float(rng.uniform(0, 0.02)), float(rng.uniform(0.03, 0.2))

    def make(base: float) -> Any:
        return lr.CyclicLR(low, high, up, down, mode=mode, exp_gamma=gamma)

    _check(make, 150, f"paddle CyclicLR {mode}")


@pytest.mark.parametrize("index", range(3))
def test_cosine_warm_restarts(index: int) -> None:
    lr = _lr()
    rng = rng_for("paddle CosineAnnealingWarmRestarts", index)
    first, mult = int(rng.integers(1, 10)), int(rng.integers(1, 4))
    eta_min = float(rng.choice([0.0, rng.uniform(0, 0.01)]))

    def make(base: float) -> Any:
        return lr.CosineAnnealingWarmRestarts(base, first, mult, eta_min)

    _check(make, 150, f"paddle CosineAnnealingWarmRestarts {first} {mult} {eta_min}")


@pytest.mark.parametrize("index", range(2))
def test_linear(index: int) -> None:
    lr = _lr()
    rng = rng_for("paddle LinearLR", index)
    total, start = int(rng.integers(1, 50)), float(rng.uniform(0.05, 1.0))
    end = float(rng.choice([0.0, 1.0, rng.uniform(0, 1)]))

    def make(base: float) -> Any:
        return lr.LinearLR(base, total, start, end)

    _check(make, 100, f"paddle LinearLR {total} {start} {end}")


PIECES = lrcore.PiecewiseConstant(boundaries=[1, 4, 30], values=[3.0, 0.95, 1.02, 0.9])


def test_lambda_and_multiplicative_decay_over_lrcore_schedules() -> None:
    lr = _lr()
    cosine = lrcore.CosineAnnealing(T_max=30, min_factor=0.1)
    _check(lambda base: lr.LambdaDecay(base, cosine), 80, "LambdaDecay")
    for factor in (lrcore.Constant(factor=0.97), PIECES):
        _check(lambda base, f=factor: lr.MultiplicativeDecay(base, f), 80, "MultiplicativeDecay")


def test_refusals() -> None:
    lr = _lr()
    with pytest.raises(TypeError, match="arbitrary Python function"):
        from_paddle(lr.LambdaDecay(0.1, lambda k: 0.9**k))
    with pytest.raises(TypeError, match="running product"):
        from_paddle(lr.MultiplicativeDecay(0.1, lrcore.Step(step_size=3)))
    with pytest.raises(TypeError, match="custom scale_fn"):
        from_paddle(lr.CyclicLR(0.01, 0.1, 5, scale_fn=lambda x: 1.0))
    with pytest.raises(ValueError, match="paddle_one_cycle: phase_pct"):
        lrcore.from_config(
            {"name": "paddle_one_cycle", "total_steps": 10, "phase_pct": 0.5, "three_phase": True}
        )
