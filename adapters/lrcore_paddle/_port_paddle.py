"""Porters for Paddle's own decays: ``from_paddle`` of StepDecay, MultiStepDecay,
ExponentialDecay, NaturalExpDecay, InverseTimeDecay, PolynomialDecay, PiecewiseDecay,
NoamDecay, CosineAnnealingDecay and LinearWarmup.

Each porter reads the constructor's settings (``base_lr`` and the class's own
attributes), never ``last_lr``, so a scheduler already stepped ports its whole curve
from step 0.  The base is the scheduler's ``learning_rate`` (its ``base_lr``) where it
has one; absolute settings (``end_lr``, ``eta_min``, ``PiecewiseDecay``'s values,
``LinearWarmup``'s ``start_lr``/``end_lr``) become factors of that base.
"""

from __future__ import annotations

import math
from typing import Any

from paddle.optimizer import lr as paddle_lr

from lrcore import (
    Constant,
    CosineAnnealing,
    Exponential,
    Join,
    Linear,
    MultiStep,
    PiecewiseConstant,
    Product,
    Schedule,
    Step,
)
from lrcore._decay import InverseTime, NaturalExp, Noam, PolynomialDecay
from lrcore_paddle._port import Pair, from_paddle, porter


def _number(owner: str, field: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        try:  # NumPy scalars and 1-element tensors
            value = float(value)
        except (TypeError, ValueError):
            raise TypeError(
                f"from_paddle: {owner}.{field} must be a number, got {value!r}"
            ) from None
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"from_paddle: {owner}.{field} must be finite, got {value!r}")
    return number


def _nonnegative(owner: str, field: str, value: Any) -> float:
    number = _number(owner, field, value)
    if number < 0:
        raise ValueError(
            f"from_paddle: {owner}.{field} must be >= 0 for a learning-rate factor, got {value!r}"
        )
    return number


def _base(scheduler: Any) -> float:
    return _nonnegative(type(scheduler).__name__, "base_lr", scheduler.base_lr)


def _first_step_at_or_past(owner: str, field: str, boundary: Any) -> int:
    """The first integer step ``t >= 0`` with ``not (t < boundary)``: Paddle compares
    ``last_epoch < boundary``, so a float boundary 10.5 switches at step 11."""
    value = _number(owner, field, boundary)
    return max(0, math.ceil(value))


def _decay_by_count(gamma: float, count_steps: list[int], owner: str) -> Schedule:
    """``gamma ** #{steps <= t}``: ``multistep``, or a table when ``gamma = 0``."""
    if gamma > 0:
        return MultiStep(milestones=count_steps, gamma=gamma)
    if gamma == 0:
        first = count_steps[0] if count_steps else None
        if first is None:
            return Constant()
        if first == 0:
            return Constant(0.0)
        return PiecewiseConstant(boundaries=[first], values=[1.0, 0.0])
    raise ValueError(f"from_paddle: {owner}.gamma must be >= 0, got {gamma!r}")


@porter(paddle_lr.StepDecay)
def _step_decay(scheduler: Any) -> Pair:
    # lr = base_lr * gamma ** (last_epoch // step_size)
    gamma = _number("StepDecay", "gamma", scheduler.gamma)
    step_size = scheduler.step_size
    if gamma > 0:
        return _base(scheduler), Step(step_size=step_size, gamma=gamma)
    if gamma == 0:
        return _base(scheduler), PiecewiseConstant(boundaries=[step_size], values=[1.0, 0.0])
    raise ValueError(f"from_paddle: StepDecay.gamma must be >= 0, got {gamma!r}")


@porter(paddle_lr.MultiStepDecay)
def _multistep_decay(scheduler: Any) -> Pair:
    # lr = base_lr * gamma ** i, i = the first index with last_epoch < milestones[i]
    gamma = _number("MultiStepDecay", "gamma", scheduler.gamma)
    milestones = [
        _first_step_at_or_past("MultiStepDecay", f"milestones[{i}]", m)
        for i, m in enumerate(scheduler.milestones)
    ]
    if milestones != sorted(milestones):
        raise ValueError(
            f"from_paddle: MultiStepDecay.milestones must increase, got {scheduler.milestones!r}"
        )
    return _base(scheduler), _decay_by_count(gamma, milestones, "MultiStepDecay")


@porter(paddle_lr.ExponentialDecay)
def _exponential_decay(scheduler: Any) -> Pair:
    gamma = _number("ExponentialDecay", "gamma", scheduler.gamma)
    if gamma <= 0:
        raise ValueError(f"from_paddle: ExponentialDecay.gamma must be > 0, got {gamma!r}")
    return _base(scheduler), Exponential(gamma=gamma)


@porter(paddle_lr.NaturalExpDecay)
def _natural_exp_decay(scheduler: Any) -> Pair:
    gamma = _nonnegative("NaturalExpDecay", "gamma", scheduler.gamma)
    return _base(scheduler), NaturalExp(gamma=gamma)


@porter(paddle_lr.InverseTimeDecay)
def _inverse_time_decay(scheduler: Any) -> Pair:
    # A negative gamma would divide by zero at some step: not a schedule.
    gamma = _nonnegative("InverseTimeDecay", "gamma", scheduler.gamma)
    return _base(scheduler), InverseTime(gamma=gamma)


@porter(paddle_lr.PolynomialDecay)
def _polynomial_decay(scheduler: Any) -> Pair:
    start = _base(scheduler)
    end = _nonnegative("PolynomialDecay", "end_lr", scheduler.end_lr)
    power = _nonnegative("PolynomialDecay", "power", scheduler.power)
    # The base is the starting lr; with learning_rate = 0 (a rise to end_lr) it is end_lr.
    base = start if start > 0 else end if end > 0 else 1.0
    schedule = PolynomialDecay(
        decay_steps=scheduler.decay_steps,
        end=end / base,
        power=power,
        cycle=bool(scheduler.cycle),
        start=start / base,
    )
    return base, schedule


@porter(paddle_lr.PiecewiseDecay)
def _piecewise_decay(scheduler: Any) -> Pair:
    # lr = values[i] for the first i with last_epoch < boundaries[i], else values[-1]
    # (Paddle accepts more values than len(boundaries) + 1: the extra ones are never
    # used but the last is).  Boundaries need not increase: the index at step t is the
    # first i whose running maximum of boundaries[:i + 1] exceeds t.
    owner = "PiecewiseDecay"
    values = [_nonnegative(owner, f"values[{i}]", v) for i, v in enumerate(scheduler.values)]
    count = len(scheduler.boundaries)
    used = [*values[:count], values[-1]]
    switches: list[int] = []
    running = 0
    for i, boundary in enumerate(scheduler.boundaries):
        running = max(running, _first_step_at_or_past(owner, f"boundaries[{i}]", boundary))
        switches.append(running)
    # The value at step t is used[#{i : switches[i] <= t}].
    starts = sorted(set(switches) - {0})
    table = [used[sum(1 for s in switches if s <= t)] for t in [0, *starts]]
    base = table[0] if table[0] > 0 else max(table) if max(table) > 0 else 1.0
    return base, PiecewiseConstant(boundaries=starts, values=[v / base for v in table])


@porter(paddle_lr.NoamDecay)
def _noam_decay(scheduler: Any) -> Pair:
    d_model = _number("NoamDecay", "d_model", scheduler.d_model)
    warmup = _number("NoamDecay", "warmup_steps", scheduler.warmup_steps)
    return _base(scheduler), Noam(d_model=d_model, warmup_steps=warmup)


@porter(paddle_lr.CosineAnnealingDecay)
def _cosine_annealing_decay(scheduler: Any) -> Pair:
    # Paddle's step() runs a recursion (last_lr times a ratio of cosines) whose value is
    # the closed form eta_min + (base_lr - eta_min) * (1 + cos(pi t / T_max)) / 2 (its
    # own _get_closed_form_lr, what step(epoch) and LinearWarmup use) up to rounding.
    base = _base(scheduler)
    eta_min = _nonnegative("CosineAnnealingDecay", "eta_min", scheduler.eta_min)
    if base == 0:
        if eta_min != 0:
            raise ValueError(
                "from_paddle: CosineAnnealingDecay with learning_rate=0 and "
                f"eta_min={eta_min!r} is no cosine of a base lr (its recursion runs "
                "from 0 towards eta_min): not ported"
            )
        return 0.0, CosineAnnealing(T_max=scheduler.T_max)
    return base, CosineAnnealing(T_max=scheduler.T_max, min_factor=eta_min / base)


def _scaled(schedule: Schedule, ratio: float) -> Schedule:
    if ratio == 1.0:
        return schedule
    return Product(schedules=[schedule, Constant(ratio)])


def _restarts_seen_by_epoch(inner: Any, base: float, schedule: Schedule) -> Schedule:
    """What ``CosineAnnealingWarmRestarts.step(epoch)`` gives, where it differs from
    stepping it one by one (the port): with ``T_mult > 1`` it finds the cycle with
    ``int(math.log(epoch / T_0 * (T_mult - 1) + 1, T_mult))``, which rounds *down* at
    some exact restart epochs (``math.log(1000, 10) = 2.9999999999999996``); there the
    lr is ``eta_min`` (the end of the previous cycle) instead of the restart's peak."""
    t0, mult = inner.T_0, inner.T_mult
    if mult == 1 or base == 0:
        return schedule
    eta_min = float(inner.eta_min)
    boundaries: list[int] = []
    values: list[float] = [1.0]
    n = 1
    while True:
        epoch = t0 * (mult**n - 1) // (mult - 1)
        if epoch > 2**53:
            break
        found = int(math.log((epoch / t0 * (mult - 1) + 1), mult))
        if found < n:
            native = eta_min / base
            ported = schedule(epoch)
            boundaries += [epoch, epoch + 1]
            values += [native / ported if ported else 0.0, 1.0]
        n += 1
    if not boundaries:
        return schedule
    return Product(schedules=[schedule, PiecewiseConstant(boundaries=boundaries, values=values)])


@porter(paddle_lr.LinearWarmup)
def _linear_warmup(scheduler: Any) -> Pair:
    # For t < warmup_steps: (end_lr - start_lr) * t / warmup_steps + start_lr.
    # From warmup_steps on, the inner scheduler is driven by inner.step(t - warmup_steps):
    # it starts over at its own step 0 (whatever it did before being wrapped) and, having
    # an epoch, uses _get_closed_form_lr where it has one.  A number is held.
    owner = "LinearWarmup"
    warmup = scheduler.warmup_steps
    start = _nonnegative(owner, "start_lr", scheduler.start_lr)
    end = _nonnegative(owner, "end_lr", scheduler.end_lr)
    inner = scheduler.learning_rate
    if isinstance(inner, paddle_lr.LRScheduler):
        inner_base, inner_schedule = from_paddle(inner)
        if type(inner) is paddle_lr.CosineAnnealingWarmRestarts:
            inner_schedule = _restarts_seen_by_epoch(inner, inner_base, inner_schedule)
    else:
        inner_base, inner_schedule = _nonnegative(owner, "learning_rate", inner), Constant()
    base = inner_base if inner_base > 0 else end if end > 0 else 1.0
    ramp = Linear(start=start / base, end=end / base, steps=warmup)
    after = _scaled(inner_schedule, inner_base / base)
    return base, Join(schedules=[ramp, after], boundaries=[warmup])
