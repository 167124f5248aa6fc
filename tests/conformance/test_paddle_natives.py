"""Paddle's own decays (``paddle.optimizer.lr``) ported with ``from_paddle``.

Oracle: the native scheduler on a real Paddle SGD with two parameter groups
(``natives.paddle_lrs``: float64 parameters, the lr measured from the applied update),
from step 0 to well past the end.  Each port replays on the core, torch, Paddle and
optax (``replay.assert_replays``); a scheduler stepped before porting ports the same
curve from step 0; ports are small closed-form configs.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from tests.conformance.natives import import_paddle, paddle_lrs, paddle_scheduler_lrs
from tests.conformance.replay import assert_config_round_trip, assert_replays, rng_for

paddle = import_paddle()

import lrcore  # noqa: E402
from lrcore_paddle import from_paddle  # noqa: E402

lr = paddle.optimizer.lr
BASE_LRS = (0.1, 0.003)
Make = Callable[[float], Any]


def _ints(rng: np.random.Generator, low: int, high: int, size: int) -> list[int]:
    return sorted({int(v) for v in rng.integers(low, high, size=size)})


# Each factory: (rng) -> (make_scheduler(base_lr), steps); several seeded settings each.
def step_decay(rng: np.random.Generator) -> tuple[Make, int]:
    size, gamma = int(rng.integers(1, 30)), float(rng.uniform(0.1, 0.95))
    return (lambda b: lr.StepDecay(b, step_size=size, gamma=gamma)), 6 * size + 20


def multistep_decay(rng: np.random.Generator) -> tuple[Make, int]:
    milestones, gamma = _ints(rng, 1, 150, int(rng.integers(1, 6))), float(rng.uniform(0.1, 0.9))
    return (lambda b: lr.MultiStepDecay(b, milestones=milestones, gamma=gamma)), 200


def exponential_decay(rng: np.random.Generator) -> tuple[Make, int]:
    gamma = float(rng.uniform(0.9, 0.999))
    return (lambda b: lr.ExponentialDecay(b, gamma=gamma)), 300


def natural_exp_decay(rng: np.random.Generator) -> tuple[Make, int]:
    gamma = float(rng.uniform(0.001, 0.05))
    return (lambda b: lr.NaturalExpDecay(b, gamma=gamma)), 300


def inverse_time_decay(rng: np.random.Generator) -> tuple[Make, int]:
    gamma = float(rng.uniform(0.01, 2.0))
    return (lambda b: lr.InverseTimeDecay(b, gamma=gamma)), 300


def polynomial_decay(rng: np.random.Generator) -> tuple[Make, int]:
    steps, power = int(rng.integers(1, 60)), float(rng.uniform(0.5, 3.0))
    end_lr, cycle = float(rng.uniform(0.0, 0.2)), bool(rng.integers(0, 2))  # end may exceed base
    make = lambda b: lr.PolynomialDecay(b, steps, end_lr=end_lr, power=power, cycle=cycle)  # noqa: E731
    return make, 5 * steps + 20


def piecewise_decay(rng: np.random.Generator) -> tuple[Make, int]:
    boundaries = _ints(rng, 1, 150, int(rng.integers(1, 6)))
    values = [float(v) for v in rng.uniform(0.0, 0.2, size=len(boundaries) + 1)]
    return (lambda b: lr.PiecewiseDecay(boundaries, values)), 200


def noam_decay(rng: np.random.Generator) -> tuple[Make, int]:
    d_model, warmup = int(rng.choice([64, 256, 512])), int(rng.integers(1, 80))
    return (lambda b: lr.NoamDecay(d_model, warmup, learning_rate=b * 10)), 3 * warmup + 40


def cosine_annealing_decay(rng: np.random.Generator) -> tuple[Make, int]:
    # Past T_max Paddle's recursion drifts from its closed form by ~T_max**2 * 1e-16
    # (relative, with eta_min near base_lr): T_max <= 150 stays within 1e-12.
    t_max, eta_min = int(rng.integers(1, 150)), float(rng.uniform(0.0, 0.09))
    return (lambda b: lr.CosineAnnealingDecay(b, t_max, eta_min=eta_min)), int(3.5 * t_max) + 10


INNER = [
    exponential_decay,
    step_decay,
    cosine_annealing_decay,
    polynomial_decay,
    noam_decay,
    piecewise_decay,
    multistep_decay,
]


def linear_warmup(rng: np.random.Generator) -> tuple[Make, int]:
    warmup = int(rng.integers(1, 30))
    start = float(rng.uniform(0.0, 0.05))
    end = start + float(rng.uniform(0.001, 0.1))
    kind = int(rng.integers(0, len(INNER) + 2))
    if kind == len(INNER):  # around a number
        number = float(rng.uniform(0.0, 0.2))
        return (lambda b: lr.LinearWarmup(number, warmup, start, end)), warmup + 60
    if kind == len(INNER) + 1:  # around another LinearWarmup
        inner_make, steps = linear_warmup(rng)
        return (lambda b: lr.LinearWarmup(inner_make(b), warmup, start, end)), warmup + steps
    inner_make, steps = INNER[kind](rng)
    return (lambda b: lr.LinearWarmup(inner_make(b), warmup, start, end)), warmup + steps


FACTORIES = [
    step_decay,
    multistep_decay,
    exponential_decay,
    natural_exp_decay,
    inverse_time_decay,
    polynomial_decay,
    piecewise_decay,
    noam_decay,
    cosine_annealing_decay,
    linear_warmup,
]
CASES = [
    pytest.param(factory, seed, id=f"{factory.__name__}-{seed}")
    for factory in FACTORIES
    for seed in range(5 if factory is linear_warmup else 2)
]


def _pairs(make: Make, base_lrs: tuple[float, ...] = BASE_LRS) -> list[tuple[float, Any]]:
    """The port of the scheduler for group 0, and group g's multiplier applied to it."""
    base, schedule = from_paddle(make(base_lrs[0]))
    return [(base * (b / base_lrs[0]), schedule) for b in base_lrs]


@pytest.mark.parametrize(("factory", "seed"), CASES)
def test_port_replays_the_native(factory: Callable[..., tuple[Make, int]], seed: int) -> None:
    make, steps = factory(rng_for(factory.__name__, seed))
    want = paddle_lrs(make, steps, BASE_LRS)
    pairs = _pairs(make)
    assert_replays(pairs, want, what=f"{factory.__name__}[{seed}]")
    assert_config_round_trip(pairs)

    # Stepped before porting: the port still starts at step 0.
    stepped = make(BASE_LRS[0])
    for _ in range(steps // 2 + 3):
        stepped.step()
    assert from_paddle(stepped) == pairs[0]


def test_already_stepped_and_resumed_schedulers_port_from_step_0() -> None:
    scheduler = lr.LinearWarmup(lr.CosineAnnealingDecay(0.1, 20, 0.01), 5, 0.0, 0.1)
    for _ in range(40):
        scheduler.step()
    base, schedule = from_paddle(scheduler)
    want = paddle_scheduler_lrs(
        lambda b: lr.LinearWarmup(lr.CosineAnnealingDecay(b, 20, 0.01), 5, 0.0, 0.1), 80
    )
    got = [base * schedule(k) for k in range(80)]
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-16)
    resumed = lr.StepDecay(0.1, 7, 0.5, last_epoch=30)
    assert from_paddle(resumed) == (0.1, lrcore.Step(step_size=7, gamma=0.5))


# ---------------------------------------------------------------- quirks, one by one


def _exact(make: Make, steps: int, what: str) -> list[tuple[float, Any]]:
    """Like the main test; optax is left out here only to save its jit compile per case
    (the randomised cases above run it)."""
    want = paddle_lrs(make, steps, BASE_LRS)
    pairs = _pairs(make)
    assert_replays(pairs, want, what=what, backends=("core", "torch", "paddle"))
    return pairs


def test_noam_is_zero_at_step_0_and_switches_where_paddle_does() -> None:
    make: Make = lambda b: lr.NoamDecay(512, 10, learning_rate=b)  # noqa: E731
    pairs = _exact(make, 60, "noam")
    assert pairs[0][1](0) == 0.0
    # A fractional warmup (Paddle takes any number): the min switches between steps.
    _exact(lambda b: lr.NoamDecay(64, 7.5, learning_rate=b), 50, "noam 7.5")
    _exact(lambda b: lr.NoamDecay(64, 0.3, learning_rate=b), 50, "noam 0.3")


def test_polynomial_cycle_restarts_lower_and_learning_rate_0_rises() -> None:
    pairs = _exact(
        lambda b: lr.PolynomialDecay(b, 10, end_lr=0.01, power=2.0, cycle=True), 75, "cycle"
    )
    factor = pairs[0][1]
    assert factor(10) == pytest.approx(0.1) and factor(11) > factor(10)
    assert factor(11) < factor(1)
    _exact(lambda b: lr.PolynomialDecay(b, 10, end_lr=0.01, power=0.5), 40, "no cycle")
    # learning_rate = 0: the curve rises to end_lr; the base is end_lr.
    scheduler = lr.PolynomialDecay(0.0, 10, end_lr=0.05, power=1.5)
    base, schedule = from_paddle(scheduler)
    want = paddle_scheduler_lrs(lambda b: lr.PolynomialDecay(0.0, 10, end_lr=0.05, power=1.5), 30)
    assert base == 0.05
    np.testing.assert_allclose(
        [base * schedule(k) for k in range(30)], want, rtol=1e-12, atol=1e-17
    )


def test_piecewise_decay_quirks() -> None:
    """Extra values (only the last is used past the end), boundaries that do not
    increase (the first i with t < boundaries[i] wins), float and non-positive
    boundaries, zero values, and a first value of 0 (the base is then the peak)."""
    for boundaries, values in [
        ([10, 20], [0.1, 0.05, 0.02, 0.7, 0.001]),
        ([30, 10, 20, 40], [0.1, 0.05, 0.02, 0.01, 0.005]),
        ([2.5, 7.0, 7.2], [0.3, 0.2, 0.1, 0.0]),
        ([-3, 0, 5], [0.3, 0.2, 0.1, 0.05]),
        ([4, 9], [0.0, 0.2, 0.1]),
        ([4], [0.0, 0.0]),
    ]:
        make: Make = lambda b, bs=boundaries, vs=values: lr.PiecewiseDecay(bs, vs)  # noqa: E731
        pairs = _exact(make, 60, f"piecewise {boundaries} {values}")
        assert_config_round_trip(pairs)


def test_step_and_multistep_with_gamma_0_and_float_milestones() -> None:
    _exact(lambda b: lr.StepDecay(b, 5, gamma=0.0), 30, "step gamma 0")
    _exact(lambda b: lr.MultiStepDecay(b, [3, 8], gamma=0.0), 30, "multistep gamma 0")
    _exact(lambda b: lr.MultiStepDecay(b, [2.5, 8.0, 8.5, 20], gamma=0.5), 40, "float milestones")
    _exact(lambda b: lr.MultiStepDecay(b, [-2, 0, 6], gamma=0.5), 20, "milestones <= 0")


def test_cosine_annealing_decay_past_t_max_and_the_closed_form() -> None:
    """The recursion reaches eta_min exactly at T_max and climbs back; eta_min above the
    base lr climbs first.  LinearWarmup drives its inner cosine with step(epoch), i.e.
    Paddle's closed form: same port."""
    _exact(lambda b: lr.CosineAnnealingDecay(b, 1, eta_min=0.01), 12, "T_max 1")
    _exact(lambda b: lr.CosineAnnealingDecay(b, 6, eta_min=0.3), 40, "eta_min > base")
    _exact(lambda b: lr.CosineAnnealingDecay(b, 40, eta_min=0.0), 200, "eta 0")
    # A long T_max within its first descent: exact for any length.
    _exact(lambda b: lr.CosineAnnealingDecay(b, 2000, eta_min=0.05), 300, "T_max 2000")
    assert from_paddle(lr.CosineAnnealingDecay(0.0, 5)) == (0.0, lrcore.CosineAnnealing(T_max=5))
    with pytest.raises(ValueError, match="CosineAnnealingDecay with learning_rate=0"):
        from_paddle(lr.CosineAnnealingDecay(0.0, 5, eta_min=0.1))


def test_linear_warmup_restarts_its_inner_scheduler_and_holds_a_number() -> None:
    """The inner scheduler starts over at its own step 0 at warmup_steps, even if it was
    stepped before being wrapped; end_lr need not be the inner's lr (a jump)."""
    inner = lr.ExponentialDecay(0.1, 0.9)
    for _ in range(7):
        inner.step()
    make: Make = lambda b: lr.LinearWarmup(inner, 5, 0.0, 0.5)  # noqa: E731
    want = paddle_lrs(make, 40, BASE_LRS)
    assert_replays(_pairs(make), want, what="warmup around a stepped inner")
    _exact(lambda b: lr.LinearWarmup(0.0, 4, 0.01, 0.2), 20, "warmup to a number 0")
    _exact(lambda b: lr.LinearWarmup(lr.StepDecay(0.0, 3), 4, 0.01, 0.2), 20, "inner base 0")
    _exact(
        lambda b: lr.LinearWarmup(
            lr.LinearWarmup(lr.NoamDecay(64, 5, b), 3, 0.0, 0.01), 4, 0.0, 0.02
        ),
        60,
        "nested warmups",
    )


TORCHLIKE: dict[str, tuple[Make, int]] = {
    "restarts T_mult=10": (
        lambda b: lr.LinearWarmup(
            lr.CosineAnnealingWarmRestarts(b, 1, T_mult=10, eta_min=0.001), 3, 0.0, 0.1
        ),
        130,
    ),
    "restarts T_mult=3": (
        lambda b: lr.LinearWarmup(lr.CosineAnnealingWarmRestarts(b, 2, T_mult=3), 2, 0.0, 0.1),
        260,
    ),
    "restarts T_mult=1": (
        lambda b: lr.LinearWarmup(lr.CosineAnnealingWarmRestarts(b, 7, eta_min=0.001), 3, 0.0, 0.1),
        60,
    ),
    "one cycle": (lambda b: lr.LinearWarmup(lr.OneCycleLR(b, total_steps=50), 4, 0.0, 0.05), 54),
    "cyclic": (lambda b: lr.LinearWarmup(lr.CyclicLR(b, 0.5, step_size_up=5), 4, 0.0, 0.05), 60),
    "linear": (lambda b: lr.LinearWarmup(lr.LinearLR(b, 10, start_factor=0.2), 4, 0.0, 0.05), 40),
}


@pytest.mark.parametrize("name", list(TORCHLIKE))
def test_linear_warmup_around_torchlike_schedulers(name: str) -> None:
    """Porting goes through from_paddle(inner), so the Paddle twins of torch's classes
    (ported in _port_torchlike) work inside a warmup.  With CosineAnnealingWarmRestarts
    and T_mult > 1, step(epoch) finds the cycle with a float log that rounds down at
    some restarts (epoch 111 for T_0=1, T_mult=10; 242 for T_0=2, T_mult=3): there
    Paddle gives eta_min instead of the restart's peak, and so does the port."""
    make, steps = TORCHLIKE[name]
    if name.startswith("restarts T_mult=") and not name.endswith("=1"):
        values = paddle_scheduler_lrs(make, steps)
        quirk = {"restarts T_mult=10": 3 + 111, "restarts T_mult=3": 2 + 242}[name]
        assert values[quirk] < values[quirk - 1] < values[quirk + 1]  # the quirk is real
    _exact(make, steps, name)


def test_unportable_settings_are_refused() -> None:
    with pytest.raises(ValueError, match=re.escape("PolynomialDecay.end_lr must be >= 0")):
        from_paddle(lr.PolynomialDecay(0.1, 3, end_lr=-0.1))
    with pytest.raises(ValueError, match=re.escape("InverseTimeDecay.gamma must be >= 0")):
        from_paddle(lr.InverseTimeDecay(0.1, gamma=-0.01))
    with pytest.raises(ValueError, match=re.escape("StepDecay.gamma must be >= 0")):
        from_paddle(lr.StepDecay(0.1, 3, gamma=-0.5))
    with pytest.raises(ValueError, match=re.escape("PiecewiseDecay.values")):
        from_paddle(lr.PiecewiseDecay([3], [0.1, -0.1]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(
            ValueError, match=re.escape("CosineAnnealingDecay.eta_min must be >= 0")
        ):
            from_paddle(lr.CosineAnnealingDecay(0.1, 5, eta_min=-0.01))
    with pytest.raises(TypeError, match="cannot port"):
        from_paddle(lr.ReduceOnPlateau(0.1))
    assert math.isfinite(from_paddle(lr.NoamDecay(8, 2))[1](10**9))
