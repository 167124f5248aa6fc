"""torch.optim.lr_scheduler natives ported with ``from_torch``, replayed on every backend.

Oracle: the native scheduler driven by ``natives.torch_lrs`` (a real SGD, one
``scheduler.step()`` per update), two parameter groups with different lrs, steps well
past each schedule's end.  Each case also checks that the port is a small config that
round-trips, and that a scheduler already stepped ports the same schedules.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import pytest
from torch.optim import lr_scheduler as sch

import lrcore
from lrcore_torch import from_torch
from tests.conformance import natives
from tests.conformance.replay import assert_config_round_trip, assert_replays, rng_for

BASE = natives.DEFAULT_BASE_LRS
Make = Callable[[Any], Any]


def _port(make: Make, base_lrs: tuple[float, ...] = BASE, stepped: int = 7) -> Any:
    """The port of a fresh scheduler, checked equal to the port of one stepped ``stepped`` times."""
    _, optimizer = natives.torch_model_and_optimizer(base_lrs)
    scheduler = make(optimizer)
    pairs = from_torch(scheduler)
    for _ in range(stepped):
        optimizer.step()
        scheduler.step()
    assert from_torch(scheduler) == pairs
    return pairs


def _check(make: Make, steps: int, what: str, base_lrs: tuple[float, ...] = BASE) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        want = natives.torch_lrs(make, steps, base_lrs)
        pairs = _port(make, base_lrs)
    assert_replays(pairs, want, what=what)
    assert_config_round_trip(pairs)


def _cases(name: str, count: int, build: Callable[[Any], tuple[Make, int]]) -> list[Any]:
    out = []
    for index in range(count):
        make, steps = build(rng_for(name, index))
        out.append(pytest.param(make, steps, id=f"{name}-{index}"))
    return out


def _step(rng: Any) -> tuple[Make, int]:
    size, gamma = int(rng.integers(1, 20)), float(rng.uniform(0.3, 1.1))
    return (lambda o: sch.StepLR(o, size, gamma)), 150


def _multistep(rng: Any) -> tuple[Make, int]:
    milestones = [int(m) for m in rng.integers(0, 100, size=5)]
    milestones.append(milestones[0])  # repeated: gamma ** 2 there
    gamma = float(rng.uniform(0.2, 0.95))
    return (lambda o: sch.MultiStepLR(o, milestones, gamma)), 150


def _constant(rng: Any) -> tuple[Make, int]:
    factor, total = float(rng.uniform(0.05, 1.0)), int(rng.integers(-1, 40))
    return (lambda o: sch.ConstantLR(o, factor, total)), 100


def _linear(rng: Any) -> tuple[Make, int]:
    start, end = float(rng.uniform(0.05, 1.0)), float(rng.choice([0.0, rng.uniform(0, 1), 1.0]))
    total = int(rng.integers(0, 60))
    return (lambda o: sch.LinearLR(o, start, end, total)), 120


def _exponential(rng: Any) -> tuple[Make, int]:
    gamma = float(rng.uniform(0.9, 1.01))
    return (lambda o: sch.ExponentialLR(o, gamma)), 200


def _polynomial(rng: Any) -> tuple[Make, int]:
    total, power = int(rng.integers(1, 80)), float(rng.choice([0.0, 1.0, rng.uniform(0.3, 3)]))
    return (lambda o: sch.PolynomialLR(o, total, power)), 150


def _cosine(rng: Any) -> tuple[Make, int]:
    period = int(rng.integers(1, 30))
    eta_min = float(rng.choice([0.0, rng.uniform(0.0, 0.002)]))
    return (lambda o: sch.CosineAnnealingLR(o, period, eta_min)), 4 * period + 20


def _restarts(rng: Any) -> tuple[Make, int]:
    first, mult = int(rng.integers(1, 12)), int(rng.integers(1, 4))
    eta_min = float(rng.choice([0.0, rng.uniform(0.0, 0.002)]))
    return (lambda o: sch.CosineAnnealingWarmRestarts(o, first, mult, eta_min)), 200


def _cyclic(rng: Any) -> tuple[Make, int]:
    up = int(rng.integers(1, 15))
    down = None if rng.uniform() < 0.3 else int(rng.integers(0, 15))
    mode = str(rng.choice(["triangular", "triangular2", "exp_range"]))
    gamma = float(rng.uniform(0.97, 1.0))
    low = [float(rng.uniform(0, 0.01)), float(rng.uniform(0, 0.001))]
    high = [float(rng.uniform(0.02, 0.2)), float(rng.uniform(0.001, 0.01))]

    def make(o: Any) -> Any:
        return sch.CyclicLR(o, low, high, up, down, mode=mode, gamma=gamma, scale_mode="cycle")

    return make, 150


NATIVES = [
    *_cases("StepLR", 2, _step),
    *_cases("MultiStepLR", 2, _multistep),
    *_cases("ConstantLR", 2, _constant),
    *_cases("LinearLR", 3, _linear),
    *_cases("ExponentialLR", 1, _exponential),
    *_cases("PolynomialLR", 2, _polynomial),
    *_cases("CosineAnnealingLR", 3, _cosine),
    *_cases("CosineAnnealingWarmRestarts", 3, _restarts),
    *_cases("CyclicLR", 4, _cyclic),
]


@pytest.mark.parametrize(("make", "steps"), NATIVES)
def test_native_replays(make: Make, steps: int, request: Any) -> None:
    _check(make, steps, request.node.callspec.id)


# --------------------------------------------------------------------------- OneCycleLR


def _one_cycle_lrs(make: Make, total: int) -> list[list[float]]:
    """torch's lrs for updates 0..total: torch computes the one at ``total`` and raises after."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        want = natives.torch_lrs(make, total, BASE)
        _, optimizer = natives.torch_model_and_optimizer(BASE)
        scheduler = make(optimizer)
        for _ in range(total):
            optimizer.step()
            scheduler.step()
        with pytest.raises(ValueError, match="Tried to step"):
            scheduler.step()
    for g, group in enumerate(optimizer.param_groups):
        want[g].append(float(group["lr"]))
    return want


@pytest.mark.parametrize("index", range(4))
def test_one_cycle(index: int) -> None:
    rng = rng_for("OneCycleLR", index)
    total = int(rng.integers(5, 80))
    pct = float(rng.choice([0.0, 0.3, 0.25, 1.0, rng.uniform(0, 1)]))
    three = bool(index % 2)
    strategy = "cos" if index < 2 else "linear"
    div, final = float(rng.uniform(2, 30)), float(rng.choice([1e4, rng.uniform(2, 100)]))

    def make(o: Any) -> Any:
        return sch.OneCycleLR(
            o,
            [0.1, 0.004],
            total_steps=total,
            pct_start=pct,
            anneal_strategy=strategy,
            three_phase=three,
            div_factor=div,
            final_div_factor=final,
        )

    try:
        want = _one_cycle_lrs(make, total)
    except ZeroDivisionError:  # a zero-width last phase: torch divides by 0 at total_steps
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            want = natives.torch_lrs(make, total, BASE)
    pairs = _port(make)
    what = f"OneCycleLR(total={total}, pct={pct}, three={three}, {strategy})"
    if want[0][-1] < 0:  # linear undershoots below 0 at total_steps: lrcore floors it at 0
        assert all(schedule(total) == 0.0 for _, schedule in pairs)
        want = [row[:-1] for row in want]
    assert_replays(pairs, want, what=what)
    assert_config_round_trip(pairs)
    # Past total_steps (torch raises), lrcore holds the value at total_steps.
    for _, schedule in pairs:
        assert schedule(total + 1) == schedule(total + 1000) == schedule(total)
    assert pairs[0][1].to_config()["div_factor"] == pytest.approx(div)


def test_one_cycle_defaults_give_a_readable_config() -> None:
    pairs = _port(lambda o: sch.OneCycleLR(o, 0.1, total_steps=100))
    assert pairs[0] == (0.1, lrcore.from_config({"name": "one_cycle", "total_steps": 100}))


# --------------------------------------------------------------------------- lambda forms

PIECES = lrcore.PiecewiseConstant(boundaries=[1, 4, 30], values=[3.0, 0.95, 1.02, 0.9])


def test_lambda_lr_over_lrcore_schedules() -> None:
    schedules = [lrcore.CosineAnnealing(T_max=30, min_factor=0.1), lrcore.Step(step_size=7)]
    _check(lambda o: sch.LambdaLR(o, schedules), 100, "LambdaLR list")
    _check(lambda o: sch.LambdaLR(o, PIECES), 100, "LambdaLR one")


@pytest.mark.parametrize(
    "factor",
    [lrcore.Constant(factor=0.97), PIECES, lrcore.MultiStep(milestones=[10, 20], gamma=0.5)],
    ids=["constant", "piecewise", "multistep"],
)
def test_multiplicative_lr(factor: Any) -> None:
    _check(lambda o: sch.MultiplicativeLR(o, factor), 120, f"MultiplicativeLR {factor.name}")


def test_lambda_forms_over_other_functions_are_refused() -> None:
    _, optimizer = natives.torch_model_and_optimizer(BASE)
    with pytest.raises(TypeError, match="arbitrary Python function"):
        from_torch(sch.LambdaLR(optimizer, lambda k: 0.9**k))
    with pytest.raises(TypeError, match="running product"):
        from_torch(sch.MultiplicativeLR(optimizer, lrcore.Exponential(gamma=0.9)))


# --------------------------------------------------------------------------- SequentialLR


def _seq(children: Callable[[Any], list[Any]], milestones: list[int]) -> Make:
    return lambda o: sch.SequentialLR(o, children(o), milestones)


SEQUENTIAL = {
    "warmup-cosine": (
        _seq(lambda o: [sch.LinearLR(o, 0.1, 1.0, 10), sch.CosineAnnealingLR(o, 50, 0.001)], [10]),
        160,
    ),
    "constant-exp-step": (
        _seq(
            lambda o: [sch.ConstantLR(o, 0.1, 5), sch.ExponentialLR(o, 0.9), sch.StepLR(o, 4, 0.5)],
            [5, 20],
        ),
        80,
    ),
    "exp-multiplicative-cyclic": (
        _seq(
            lambda o: [
                sch.ExponentialLR(o, 0.9),
                sch.MultiplicativeLR(o, lrcore.Constant(factor=0.97)),
                sch.CyclicLR(o, 0.001, 0.1, 5),
            ],
            [5, 20],
        ),
        80,
    ),
    # OneCycleLR, built last, rewrites initial_lr: SequentialLR restarts LinearLR from it.
    "linear-restarts-onecycle": (
        _seq(
            lambda o: [
                sch.LinearLR(o, 0.2, 1.0, 5),
                sch.CosineAnnealingWarmRestarts(o, 5, 2),
                sch.OneCycleLR(o, [0.2, 0.05], total_steps=60),
            ],
            [5, 20],
        ),
        80,
    ),
    "milestone-0": (
        _seq(
            lambda o: [sch.LinearLR(o, 0.2, 1.0, 5), sch.ExponentialLR(o, 0.9), sch.StepLR(o, 3)],
            [0, 9],
        ),
        40,
    ),
    "repeated-milestone": (
        _seq(
            lambda o: [sch.LinearLR(o, 0.2, 1.0, 5), sch.ExponentialLR(o, 0.9), sch.StepLR(o, 3)],
            [6, 6],
        ),
        40,
    ),
    # ConstantLR(total_iters=0) entered at a milestone: its closed form at 0 is 1, forever.
    "constant0-lambda": (
        _seq(
            lambda o: [
                sch.LinearLR(o, 0.2, 1.0, 5),
                sch.ConstantLR(o, 0.5, 0),
                sch.LambdaLR(o, lrcore.Step(step_size=3, gamma=0.5)),
            ],
            [5, 9],
        ),
        40,
    ),
    # A nested SequentialLR first: torch steps it once at step 0 (one step ahead).
    "nested-sequential": (
        _seq(
            lambda o: [
                sch.SequentialLR(
                    o, [sch.LinearLR(o, 0.2, 1.0, 5), sch.CosineAnnealingLR(o, 10, 0.001)], [5]
                ),
                sch.ExponentialLR(o, 0.95),
            ],
            [30],
        ),
        60,
    ),
    "nested-chained": (
        _seq(
            lambda o: [
                sch.ChainedScheduler([sch.LinearLR(o, 0.2, 1.0, 5), sch.StepLR(o, 3, 0.7)]),
                sch.ExponentialLR(o, 0.95),
            ],
            [30],
        ),
        60,
    ),
}


@pytest.mark.parametrize(("make", "steps"), SEQUENTIAL.values(), ids=SEQUENTIAL.keys())
def test_sequential(make: Make, steps: int, request: Any) -> None:
    _check(make, steps, request.node.callspec.id)


def test_sequential_refusals() -> None:
    _, o = natives.torch_model_and_optimizer(BASE)
    inner = sch.ChainedScheduler([sch.LinearLR(o, 0.2, 1.0, 5)])
    late_chain = sch.SequentialLR(o, [sch.StepLR(o, 3), inner], [4])
    with pytest.raises(TypeError, match="NotImplementedError"):
        from_torch(late_chain)


# --------------------------------------------------------------------------- ChainedScheduler

CHAINED = {
    "linear-exp-multistep": lambda o: sch.ChainedScheduler(
        [sch.LinearLR(o, 0.1, 1.0, 10), sch.ExponentialLR(o, 0.98), sch.MultiStepLR(o, [30, 60])]
    ),
    # eta_min = 0 and the other factor is 1 from T_max on: torch's chain is the product.
    "linear-cosine": lambda o: sch.ChainedScheduler(
        [sch.LinearLR(o, 0.1, 1.0, 10), sch.CosineAnnealingLR(o, 40)]
    ),
    "cosine-constant": lambda o: sch.ChainedScheduler(
        [sch.CosineAnnealingLR(o, 40), sch.ConstantLR(o, 0.5, 12)]
    ),
    "nested": lambda o: sch.ChainedScheduler(
        [
            sch.ChainedScheduler([sch.LinearLR(o, 0.1, 1.0, 10), sch.StepLR(o, 5, 0.9)]),
            sch.ExponentialLR(o, 0.99),
        ]
    ),
    "multiplicative-polynomial": lambda o: sch.ChainedScheduler(
        [sch.MultiplicativeLR(o, lrcore.Constant(factor=0.99)), sch.PolynomialLR(o, 30, 2.0)]
    ),
    # An absolute-setting child last overrides the others at every step.
    "exp-then-lambda": lambda o: sch.ChainedScheduler(
        [sch.ExponentialLR(o, 0.9), sch.LambdaLR(o, lrcore.CosineAnnealing(T_max=20))]
    ),
}


@pytest.mark.parametrize("make", CHAINED.values(), ids=CHAINED.keys())
def test_chained(make: Make, request: Any) -> None:
    _check(make, 100, request.node.callspec.id)


REFUSED_CHAINS = {
    "exp-cosine": (
        lambda o: [sch.ExponentialLR(o, 0.9), sch.CosineAnnealingLR(o, 40)],
        "drops the other children",
    ),
    "linear-cosine-eta": (
        lambda o: [sch.LinearLR(o, 0.1, 1.0, 10), sch.CosineAnnealingLR(o, 40, 0.001)],
        "eta_min != 0",
    ),
    "cyclic-exp": (
        lambda o: [sch.CyclicLR(o, 0.01, 0.1, 5), sch.ExponentialLR(o, 0.9)],
        "one-step ratios",
    ),
    "exp-cyclic": (
        lambda o: [sch.ExponentialLR(o, 0.9), sch.CyclicLR(o, 0.01, 0.1, 5)],
        "initial_lr",
    ),
    "sequential-inside": (
        lambda o: [sch.SequentialLR(o, [sch.StepLR(o, 3), sch.StepLR(o, 4)], [5])],
        "SequentialLR inside",
    ),
}


@pytest.mark.parametrize(("children", "text"), REFUSED_CHAINS.values(), ids=REFUSED_CHAINS.keys())
def test_chains_that_are_no_product_are_refused(children: Any, text: str) -> None:
    """Each refusal is real: the native is checked to differ from the naive product."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        want = natives.torch_lrs(lambda o: sch.ChainedScheduler(children(o)), 120, BASE)
        _, optimizer = natives.torch_model_and_optimizer(BASE)
        chained = sch.ChainedScheduler(children(optimizer))
    with pytest.raises(TypeError, match=text):
        from_torch(chained)
    if "cosine" not in text and "eta_min" not in text and "drops" not in text:
        return
    _, optimizer = natives.torch_model_and_optimizer(BASE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        parts = [from_torch(child)[0] for child in children(optimizer)]
    naive = lrcore.Product(schedules=[schedule for _, schedule in parts])
    base = parts[0][0]
    assert any(abs(base * naive(k) - w) > 1e-9 * w for k, w in enumerate(want[0]))


# --------------------------------------------------------------------------- refusals


def test_bad_natives_are_refused_with_reasons() -> None:
    _, o = natives.torch_model_and_optimizer((0.1, 0.0))
    with pytest.raises(TypeError, match="base lr 0 and eta_min"):
        from_torch(sch.CosineAnnealingLR(o, 10, eta_min=0.01))
    _, o = natives.torch_model_and_optimizer(BASE)
    with pytest.raises(TypeError, match="ZeroDivisionError"):
        from_torch(sch.ConstantLR(o, 0.0, 4))
    _, o = natives.torch_model_and_optimizer(BASE)
    with pytest.raises(TypeError, match="custom scale_fn"):
        from_torch(sch.CyclicLR(o, 0.01, 0.1, 5, scale_fn=lambda x: 1.0))
    _, o = natives.torch_model_and_optimizer(BASE)
    with pytest.raises(TypeError, match="metric"):
        from_torch(sch.ReduceLROnPlateau(o))


def test_base_lr_zero_group_with_zero_eta_min() -> None:
    _check(lambda o: sch.CosineAnnealingLR(o, 10), 40, "zero group", base_lrs=(0.1, 0.0))
