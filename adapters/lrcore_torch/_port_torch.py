"""Porters for the schedulers of ``torch.optim.lr_scheduler`` (torch 2.13).

The reference is what a training loop sees calling ``scheduler.step()`` with no
argument after every update: the *recursive* ``get_lr`` of each class (which chains
``group["lr"] * ratio``), not ``_get_closed_form_lr``.  Each porter reads constructor
attributes and ``base_lrs`` (never the current lr), so a stepped scheduler ports from
step 0.  Quirks of the recursion that change the curve (``ConstantLR`` and ``LinearLR``
with ``total_iters <= 0`` keep their first factor; ``SequentialLR`` entering a child
through ``_update_lr(0)``; ``ChainedScheduler`` multiplying one-step ratios) are
reproduced; what no closed form can reproduce raises ``TypeError`` saying why.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Callable, Sequence
from typing import Any

from torch.optim import lr_scheduler as sch

import lrcore
from lrcore import Schedule
from lrcore._cyclic import Cyclic, OneCycle, running_product, scaled
from lrcore._porting import relative_floor, shortest_decimal
from lrcore._restarts import CosineRestarts
from lrcore_torch._port import Pairs, from_torch, porter

# --------------------------------------------------------------------------- helpers


def _name(scheduler: Any) -> str:
    return type(scheduler).__name__


def _cannot(scheduler: Any, why: str) -> TypeError:
    return TypeError(f"from_torch: cannot port {_name(scheduler)}: {why}")


Refusal = Callable[[Any, str], Exception]
"""``refusal(scheduler, why)``: the porter's error for ``why``."""


def _bases(scheduler: Any) -> list[float]:
    return [float(base) for base in scheduler.base_lrs]


def _same(scheduler: Any, schedule: Schedule) -> Pairs:
    return [(base, schedule) for base in _bases(scheduler)]


def _integer(scheduler: Any, field: str) -> int:
    value = getattr(scheduler, field)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _cannot(scheduler, f"{field} must be an int, got {value!r}")
    return value


def _real(scheduler: Any, field: str) -> float:
    value = getattr(scheduler, field)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _cannot(scheduler, f"{field} must be a real number, got {value!r}")
    return float(value)


def _decay(scheduler: Any, gamma: float, decays: Callable[[], Schedule], zero_at: int) -> Schedule:
    """A decay by ``gamma``; ``gamma = 0`` is 1 then 0 from ``zero_at`` (lrcore's needs > 0)."""
    if gamma < 0:
        raise _cannot(scheduler, f"gamma={gamma!r} < 0 makes negative learning rates")
    if gamma == 0:
        return lrcore.PiecewiseConstant(boundaries=[zero_at], values=[1.0, 0.0])
    return decays()


def _relative_floor(scheduler: Any, eta_min: float, base: float) -> float:
    """The absolute ``eta_min`` (shared by every group) over this group's base lr."""
    return relative_floor(eta_min, base, lambda why: _cannot(scheduler, why))


# --------------------------------------------------------------------------- simple classes


@porter(sch.StepLR)
def _step(scheduler: Any) -> Pairs:
    size, gamma = _integer(scheduler, "step_size"), _real(scheduler, "gamma")
    if size < 1:
        raise _cannot(scheduler, f"step_size={size!r} < 1 (torch divides by it)")
    schedule = _decay(scheduler, gamma, lambda: lrcore.Step(step_size=size, gamma=gamma), size)
    return _same(scheduler, schedule)


@porter(sch.MultiStepLR)
def _multistep(scheduler: Any) -> Pairs:
    gamma = _real(scheduler, "gamma")
    # A Counter: a repeated milestone decays by gamma ** count there.  Negative
    # milestones are never reached by last_epoch >= 0.
    milestones = sorted(m for m in scheduler.milestones.elements() if m >= 0)
    if not milestones:
        return _same(scheduler, lrcore.Constant())
    if gamma == 0:
        return _same(scheduler, _decay(scheduler, gamma, lrcore.Constant, milestones[0]))
    return _same(
        scheduler,
        _decay(
            scheduler,
            gamma,
            lambda: lrcore.MultiStep(milestones=milestones, gamma=gamma),
            milestones[0],
        ),
    )


@porter(sch.ConstantLR)
def _constant(scheduler: Any) -> Pairs:
    factor, total = _real(scheduler, "factor"), _integer(scheduler, "total_iters")
    if total <= 0:
        # torch multiplies by factor at step 0 and never reaches last_epoch == total_iters.
        return _same(scheduler, lrcore.Constant(factor=factor))
    if factor == 0.0:
        raise _cannot(
            scheduler,
            "factor=0: torch raises ZeroDivisionError at step total_iters (lr * (1 / 0))",
        )
    schedule = lrcore.PiecewiseConstant(boundaries=[total], values=[factor, 1.0])
    return _same(scheduler, schedule)


@porter(sch.LinearLR)
def _linear(scheduler: Any) -> Pairs:
    start, end = _real(scheduler, "start_factor"), _real(scheduler, "end_factor")
    total = _integer(scheduler, "total_iters")
    if total <= 0:
        return _same(scheduler, lrcore.Constant(factor=start))  # torch holds start_factor
    return _same(scheduler, lrcore.Linear(start=start, end=end, steps=total))


@porter(sch.ExponentialLR)
def _exponential(scheduler: Any) -> Pairs:
    gamma = _real(scheduler, "gamma")
    schedule = _decay(scheduler, gamma, lambda: lrcore.Exponential(gamma=gamma), 1)
    return _same(scheduler, schedule)


@porter(sch.PolynomialLR)
def _polynomial(scheduler: Any) -> Pairs:
    total, power = _integer(scheduler, "total_iters"), _real(scheduler, "power")
    if total <= 0:
        return _same(scheduler, lrcore.Constant())  # torch never decays
    if power < 0:
        raise _cannot(scheduler, f"power={power!r} < 0: torch divides by zero at total_iters")
    schedule = lrcore.Polynomial(start=1.0, end=0.0, steps=total, power=power)
    return _same(scheduler, schedule)


@porter(sch.CosineAnnealingLR)
def _cosine(scheduler: Any) -> Pairs:
    period, eta_min = _integer(scheduler, "T_max"), _real(scheduler, "eta_min")
    if period < 1:
        raise _cannot(scheduler, f"T_max={period!r} < 1 (torch divides by it)")
    return [
        (
            base,
            lrcore.CosineAnnealing(
                T_max=period, min_factor=_relative_floor(scheduler, eta_min, base)
            ),
        )
        for base in _bases(scheduler)
    ]


@porter(sch.CosineAnnealingWarmRestarts)
def _restarts(scheduler: Any) -> Pairs:
    first, mult = _integer(scheduler, "T_0"), _integer(scheduler, "T_mult")
    eta_min = _real(scheduler, "eta_min")
    return [
        (
            base,
            CosineRestarts(
                T_0=first, T_mult=mult, min_factor=_relative_floor(scheduler, eta_min, base)
            ),
        )
        for base in _bases(scheduler)
    ]


# --------------------------------------------------------------------------- cyclic


def cyclic_steps(scheduler: Any, total: float, ratio: float) -> tuple[int, int]:
    """The integer ``(step_size_up, step_size_down)`` behind a float ``total`` and ``ratio``."""
    up = round(ratio * total)
    down = round(total) - up
    if up < 1 or down < 0 or float(up) + float(down) != total or up / total != ratio:
        raise _cannot(
            scheduler,
            f"the cycle (total size {total!r}, up ratio {ratio!r}) is not made of integer "
            "step sizes",
        )
    return up, down


def cyclic_factors(base_lr: float, max_lr: float) -> tuple[float, float, float]:
    """``(reference, min_factor, max_factor)``: the reference is max_lr (base_lr if it is 0)."""
    reference = max_lr if max_lr > 0 else base_lr
    if reference <= 0:
        return 0.0, 0.0, 0.0
    return reference, base_lr / reference, max_lr / reference


@porter(sch.CyclicLR)
def _cyclic(scheduler: Any) -> Pairs:
    _check_cyclic_start(scheduler)
    return _cyclic_pairs(scheduler)


def _check_cyclic_start(scheduler: Any) -> None:
    """CyclicLR's own initial step runs before it sets ``self.base_lrs``: its lr at step 0
    is the groups' ``initial_lr`` then, which is its ``base_lr`` only on a fresh optimizer."""
    initial = [float(group["initial_lr"]) for group in scheduler.optimizer.param_groups]
    if initial != _bases(scheduler):
        raise _cannot(
            scheduler,
            f"its lr at step 0 is the groups' initial_lr {initial} (set before it by another "
            f"scheduler), not its base_lr {_bases(scheduler)}: torch's initial step runs "
            "before CyclicLR sets its base_lrs",
        )


def cyclic_shape(
    scheduler: Any, cannot: Refusal = _cannot, invalid: Refusal = _cannot
) -> dict[str, Any]:
    """The ``cyclic`` fields of a torch ``CyclicLR``'s cycle (all but its two levels), shared
    by its lr port and its momentum port.  ``cannot`` / ``invalid`` build the caller's
    errors for what has no closed form / a setting out of range."""
    if scheduler._scale_fn_custom is not None:
        raise cannot(
            scheduler,
            "a custom scale_fn is an arbitrary Python function: no closed form (use "
            "mode='triangular', 'triangular2' or 'exp_range')",
        )
    up, down = cyclic_steps(scheduler, float(scheduler.total_size), float(scheduler.step_ratio))
    mode, gamma = scheduler.mode, float(scheduler.gamma)
    if mode == "exp_range" and gamma <= 0:
        raise invalid(scheduler, f"exp_range with gamma={gamma!r} <= 0")
    default_mode = "iterations" if mode == "exp_range" else "cycle"
    return {
        "step_size_up": up,
        "step_size_down": None if down == up else down,
        "mode": mode,
        "gamma": gamma if gamma > 0 else 1.0,
        "scale_mode": None if scheduler.scale_mode == default_mode else scheduler.scale_mode,
    }


def _cyclic_pairs(scheduler: Any) -> Pairs:
    shape = cyclic_shape(scheduler)
    pairs: Pairs = []
    for base_lr, max_lr in zip(_bases(scheduler), scheduler.max_lrs, strict=True):
        if base_lr < 0 or float(max_lr) < 0:
            raise _cannot(scheduler, "negative base_lr / max_lr")
        reference, low, high = cyclic_factors(base_lr, float(max_lr))
        pairs.append((reference, Cyclic(min_factor=low, max_factor=high, **shape)))
    return pairs


def one_cycle_pct(total: int, ends: Sequence[float], three_phase: bool) -> float:
    """torch's ``pct_start`` from its phase ends ``float(pct * T) - 1`` (and ``2 pct T - 2``)."""

    def check(pct: float) -> bool:
        if not 0.0 <= pct <= 1.0 or float(pct * total) - 1 != ends[0]:
            return False
        return not three_phase or float(2 * pct * total) - 2 == ends[1]

    guess = (ends[0] + 1) / total
    found = shortest_decimal(guess, check)
    if not check(found):
        for candidate in (math.nextafter(guess, 0.0), math.nextafter(guess, 2.0)):
            if check(candidate):
                return candidate
    return found


def one_cycle_shape(scheduler: Any, cannot: Refusal = _cannot) -> dict[str, Any]:
    """The phase fields of a torch ``OneCycleLR`` (``total_steps``, ``pct_start``,
    ``anneal_strategy``, ``three_phase``), shared by its lr port and its momentum port."""
    total = _integer(scheduler, "total_steps")
    phases = scheduler._schedule_phases
    three = len(phases) == 3
    strategy = getattr(scheduler, "_anneal_func_type", "cos")
    if strategy not in ("cos", "linear"):
        raise cannot(scheduler, f"anneal strategy {strategy!r} (expected 'cos' or 'linear')")
    return {
        "total_steps": total,
        "pct_start": one_cycle_pct(total, [phase["end_step"] for phase in phases], three),
        "anneal_strategy": strategy,
        "three_phase": three,
    }


@porter(sch.OneCycleLR)
def _one_cycle(scheduler: Any) -> Pairs:
    shape = one_cycle_shape(scheduler)
    pairs: Pairs = []
    for group in scheduler.optimizer.param_groups:
        initial, peak, floor = (float(group[key]) for key in ("initial_lr", "max_lr", "min_lr"))
        if peak <= 0 or initial <= 0 or floor <= 0:
            if peak == initial == floor == 0.0:
                zero = OneCycle(total_steps=shape["total_steps"], pct_start=shape["pct_start"])
                pairs.append((0.0, zero))
                continue
            raise _cannot(scheduler, f"max_lr={peak!r}, initial {initial!r}, min {floor!r}")
        div = shortest_decimal(peak / initial, lambda d, p=peak, i=initial: p / d == i)
        final = shortest_decimal(initial / floor, lambda d, i=initial, f=floor: i / d == f)
        pairs.append((peak, OneCycle(div_factor=div, final_div_factor=final, **shape)))
    return pairs


# --------------------------------------------------------------------------- lambda


def _lambdas(scheduler: Any) -> list[Schedule]:
    functions = list(scheduler.lr_lambdas)
    for function in functions:
        if not isinstance(function, Schedule):
            raise _cannot(
                scheduler,
                f"its lr_lambda {function!r} is an arbitrary Python function with no closed "
                "form; pass an lrcore schedule as lr_lambda (or build the scheduler with "
                "lrcore_torch.to_torch)",
            )
    return functions


@porter(sch.LambdaLR)
def _lambda(scheduler: Any) -> Pairs:
    return list(zip(_bases(scheduler), _lambdas(scheduler), strict=True))


@porter(sch.MultiplicativeLR)
def _multiplicative(scheduler: Any) -> Pairs:
    owner = "from_torch: MultiplicativeLR"
    return [
        (base, running_product(function, owner))
        for base, function in zip(_bases(scheduler), _lambdas(scheduler), strict=True)
    ]


@porter(sch.ReduceLROnPlateau)
def _plateau(scheduler: Any) -> Pairs:
    raise _cannot(scheduler, "it is driven by a metric (step(metrics)), not by the step count")


# --------------------------------------------------------------------------- chaining

# Classes whose step() multiplies the group's lr by a ratio of consecutive factors
# (so that a chain of them is the product of their factors).
_MULTIPLICATIVE = (
    sch.StepLR,
    sch.MultiStepLR,
    sch.ConstantLR,
    sch.LinearLR,
    sch.ExponentialLR,
    sch.PolynomialLR,
    sch.MultiplicativeLR,
)
# Classes whose step() sets the lr from base_lrs, whatever the group's lr was.
_ABSOLUTE = (sch.LambdaLR, sch.CyclicLR, sch.OneCycleLR, sch.CosineAnnealingWarmRestarts)
# Classes whose get_lr() at last_epoch 0 outside the initial step (a nested
# SequentialLR or ChainedScheduler steps its first children that way) is their value at 0.
_SAME_FIRST_STEP = (
    sch.StepLR,
    sch.MultiStepLR,
    sch.ConstantLR,
    sch.LinearLR,
    sch.LambdaLR,
    sch.CyclicLR,
    sch.OneCycleLR,
    sch.CosineAnnealingWarmRestarts,
)


def _settles_at(child: Any) -> int | None:
    """The step from which ``child``'s factor is 1 for good, if it gets there."""
    kind = type(child)
    if kind is sch.ConstantLR:
        if child.factor == 1.0:
            return 0
        return child.total_iters if child.total_iters > 0 else None
    if kind is sch.LinearLR:
        if child.total_iters <= 0:
            return 0 if child.start_factor == 1.0 else None
        if child.end_factor != 1.0:
            return None
        return 0 if child.start_factor == 1.0 else child.total_iters
    if kind in (sch.StepLR, sch.ExponentialLR):
        return 0 if child.gamma == 1.0 else None
    if kind is sch.MultiStepLR:
        return 0 if child.gamma == 1.0 or not child.milestones else None
    if kind is sch.PolynomialLR:
        return 0 if child.power == 0 or child.total_iters <= 0 else None
    if kind is sch.MultiplicativeLR:
        ones = all(
            isinstance(f, Schedule)
            and all(p.params == (1.0,) for p in f.pieces)
            and all(p.family is lrcore.Constant().pieces[0].family for p in f.pieces)
            for f in child.lr_lambdas
        )
        return 0 if ones else None
    return None


def _flatten_chain(scheduler: Any) -> list[Any]:
    children: list[Any] = []
    for child in scheduler._schedulers:
        if type(child) is sch.ChainedScheduler:
            children += _flatten_chain(child)
        else:
            children.append(child)
    return children


def _group_count(scheduler: Any) -> int:
    return len(scheduler.optimizer.param_groups)


def _common_bases(owner: Any, children: Sequence[Any], ported: Sequence[Pairs]) -> list[float]:
    bases = [base for base, _ in ported[0]]
    for child, pairs in zip(children, ported, strict=True):
        if [base for base, _ in pairs] != bases:
            raise _cannot(
                owner,
                f"its children start from different base lrs ({_name(child)}: "
                f"{[b for b, _ in pairs]} vs {bases}): torch chains them on one running lr",
            )
    return bases


@porter(sch.ChainedScheduler)
def _chained(scheduler: Any) -> Pairs:
    children = _flatten_chain(scheduler)
    for child in children:
        if isinstance(child, sch.SequentialLR):
            raise _cannot(
                scheduler,
                "a SequentialLR inside a ChainedScheduler sets absolute lrs at its milestones "
                "over the running product: no closed form",
            )
    absolute = [
        i
        for i, c in enumerate(children)
        if not isinstance(c, (*_MULTIPLICATIVE, sch.CosineAnnealingLR))
    ]
    if absolute:
        last = absolute[-1]
        if last != len(children) - 1:
            raise _cannot(
                scheduler,
                f"{_name(children[last])} sets the lr from its base lrs and later children "
                "multiply it by their one-step ratios only, which is no product of schedules "
                "(put the absolute-setting scheduler last, or use lrcore's product)",
            )
        # The last child overwrites whatever the earlier ones did, at every step.
        if type(children[last]) is sch.CyclicLR:
            _check_cyclic_start(children[last])
        return from_torch(children[last])
    cosines = [c for c in children if type(c) is sch.CosineAnnealingLR]
    if len(cosines) > 1:
        raise _cannot(scheduler, "two CosineAnnealingLR in one chain: not a product past T_max")
    if cosines:
        cosine = cosines[0]
        others = [c for c in children if c is not cosine]
        settle = [_settles_at(c) for c in others]
        if cosine.eta_min != 0:
            if any(s != 0 for s in settle):
                raise _cannot(
                    scheduler,
                    "CosineAnnealingLR with eta_min != 0 steps lr -> eta_min + r (lr - eta_min),"
                    " which is no product with the other children's factors",
                )
        elif any(s is None or s > cosine.T_max for s in settle):
            raise _cannot(
                scheduler,
                "past T_max, CosineAnnealingLR restarts from lr 0 by adding "
                "base_lr (1 - cos(pi / T_max)) / 2, which drops the other children's factors: "
                "a product only when every other child's factor is 1 from T_max on",
            )
    ported = [from_torch(child) for child in children]
    bases = _common_bases(scheduler, children, ported)
    return [
        (base, lrcore.Product(schedules=[pairs[g][1] for pairs in ported]))
        for g, base in enumerate(bases)
    ]


# --------------------------------------------------------------------------- sequential


def _entered_at_milestone(owner: Any, child: Any) -> Pairs:
    """The child's curve when SequentialLR enters it with ``_update_lr(0)``.

    Children with ``_get_closed_form_lr`` start from their closed form at 0; the others
    run ``get_lr()`` at last_epoch 0 outside their initial step (MultiplicativeLR, which
    then continues from the previous child's lr, is built per group by the caller).
    """
    kind = type(child)
    if kind in (sch.SequentialLR, sch.ChainedScheduler):
        raise _cannot(
            owner,
            f"a nested {kind.__name__} after a milestone: torch calls its _update_lr(0), "
            "whose get_lr() raises NotImplementedError",
        )
    if kind in (sch.ConstantLR, sch.LinearLR, sch.PolynomialLR) and child.total_iters <= 0:
        if kind is sch.ConstantLR:
            # The closed form at 0 is base_lr * 1; last_epoch never equals total_iters.
            return _same(child, lrcore.Constant())
        raise _cannot(owner, f"{kind.__name__}(total_iters={child.total_iters}) at a milestone")
    if kind is sch.MultiplicativeLR:
        raise _cannot(owner, "MultiplicativeLR after a milestone (ported per group)")
    if kind is sch.CyclicLR:
        return _cyclic_pairs(child)
    return from_torch(child)


def _sequence_windows(scheduler: Any) -> list[tuple[int, Any]]:
    """``(first step, child)`` of every child that holds at some step, in order."""
    milestones = list(scheduler._milestones)
    if any(isinstance(m, bool) or not isinstance(m, int) for m in milestones) or any(
        b < a for a, b in itertools.pairwise(milestones)
    ):
        raise _cannot(scheduler, f"milestones must be non-decreasing ints, got {milestones!r}")
    children = list(scheduler._schedulers)
    first = bisect.bisect_right(milestones, 0)
    windows = [(0, children[first])]
    for index in range(first + 1, len(children)):
        start = milestones[index - 1]
        end = milestones[index] if index < len(milestones) else None
        if end is not None and end <= start:
            continue  # a later child takes over at the same milestone
        windows.append((start, children[index]))
    return windows


def _first_child(owner: Any, child: Any, nested: bool) -> Pairs:
    """The child SequentialLR runs from step 0 (after resetting the lrs to initial_lr)."""
    kind = type(child)
    if nested and kind not in _SAME_FIRST_STEP:
        raise _cannot(
            owner,
            f"{kind.__name__} first in a nested SequentialLR/ChainedScheduler: torch steps it "
            "with get_lr() outside its initial step, a different value at step 0",
        )
    if kind is sch.SequentialLR:
        return _sequential_pairs(child, nested=True)
    if kind is sch.ChainedScheduler:
        for grandchild in _flatten_chain(child):
            if type(grandchild) not in _SAME_FIRST_STEP or type(grandchild) in _ABSOLUTE:
                raise _cannot(
                    owner,
                    f"a ChainedScheduler first in a SequentialLR steps {_name(grandchild)} "
                    "outside its initial step",
                )
        pairs = _chained(child)
    elif kind is sch.CyclicLR:
        pairs = _cyclic_pairs(child)  # its base_lrs are set by now: a proper step 0
    else:
        pairs = from_torch(child)
    if isinstance(child, _MULTIPLICATIVE) or kind in (sch.CosineAnnealingLR, sch.ChainedScheduler):
        # Recursive classes continue from the reset lr, the groups' initial_lr, which a
        # scheduler built later (OneCycleLR) may have changed.
        initial = [float(group["initial_lr"]) for group in owner.optimizer.param_groups]
        if initial != [base for base, _ in pairs]:
            if kind is sch.CosineAnnealingLR or (
                kind is sch.ChainedScheduler
                and any(type(c) is sch.CosineAnnealingLR for c in _flatten_chain(child))
            ):
                raise _cannot(
                    owner,
                    f"CosineAnnealingLR has base_lrs {[b for b, _ in pairs]} but SequentialLR "
                    f"restarts it from the groups' initial_lr {initial}: its recursion mixes both",
                )
            pairs = [(lr, schedule) for lr, (_, schedule) in zip(initial, pairs, strict=True)]
    return pairs


def _sequential_pairs(scheduler: Any, nested: bool = False) -> Pairs:
    windows = _sequence_windows(scheduler)
    shift = 1 if nested else 0  # a nested sequence is stepped once at step 0: one ahead
    starts: list[int] = []
    entries: list[Any] = []
    for start, child in windows:
        start = max(0, start - shift)
        if starts and start <= starts[-1]:
            entries[-1] = child  # the earlier window is empty after the shift
            continue
        starts.append(start)
        entries.append(child)
    groups = _group_count(scheduler)
    result: Pairs = []
    per_child: list[Pairs] = []
    for index, child in enumerate(entries):
        if index == 0:
            if nested and windows[0][1] is not child:
                # torch's first step of a nested sequence lands on this child's milestone.
                per_child.append(_entered_at_milestone(scheduler, child))
            else:
                per_child.append(_first_child(scheduler, child, nested))
        elif type(child) is sch.MultiplicativeLR:
            per_child.append([])  # continues from the previous lr: built per group below
        else:
            per_child.append(_entered_at_milestone(scheduler, child))
    for g in range(groups):
        base = per_child[0][g][0]
        schedules: list[Schedule] = []
        for index, child in enumerate(entries):
            if per_child[index]:
                child_base, schedule = per_child[index][g]
                if base == 0.0:
                    if child_base != 0.0:
                        raise _cannot(scheduler, "a group's first base lr is 0, a later one not")
                    schedules.append(schedule)
                    continue
                schedules.append(scaled(schedule, child_base / base))
            else:
                # lr_{M+j} = lr_{M-1} * f(0) * prod_{e=1..j} f(e)
                joined = _join(schedules, starts[:index])
                previous = joined(starts[index] - 1) if starts[index] > 0 else 1.0
                function = _lambdas(child)[g]
                product = running_product(function, "from_torch: MultiplicativeLR")
                schedules.append(scaled(product, previous * float(function(0))))
        result.append((base, _join(schedules, starts)))
    return result


def _join(schedules: Sequence[Schedule], starts: Sequence[int]) -> Schedule:
    if len(schedules) == 1:
        return schedules[0]
    return lrcore.Join(schedules=list(schedules), boundaries=list(starts[1:]))


@porter(sch.SequentialLR)
def _sequential(scheduler: Any) -> Pairs:
    return _sequential_pairs(scheduler)
