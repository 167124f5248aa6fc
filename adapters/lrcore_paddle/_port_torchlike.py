"""Porters for Paddle's twins of torch schedulers: ``OneCycleLR``, ``CyclicLR``,
``CosineAnnealingWarmRestarts``, ``LinearLR``, ``MultiplicativeDecay``, ``LambdaDecay``.

The reference is Paddle's ``scheduler()`` after ``k`` calls of ``step()`` with no
argument.  Porters read constructor attributes (never ``last_lr``), so a stepped
scheduler ports from step 0.  Where Paddle differs from torch the port says so:
``OneCycleLR``'s final lr is absolute (``paddle_one_cycle``); the rest share torch's
configs (``cyclic``, ``cosine_restarts``, ``linear``).
"""

from __future__ import annotations

from typing import Any

from paddle.optimizer import lr as plr

import lrcore
from lrcore import Schedule
from lrcore._cyclic import Cyclic, PaddleOneCycle, running_product
from lrcore._porting import relative_floor, shortest_decimal
from lrcore._restarts import CosineRestarts
from lrcore_paddle._port import Pair, porter


def _cannot(scheduler: Any, why: str) -> TypeError:
    return TypeError(f"from_paddle: cannot port {type(scheduler).__name__}: {why}")


def _relative_floor(scheduler: Any, eta_min: float, base: float) -> float:
    """The absolute ``eta_min`` (shared by every group) over this group's base lr."""
    return relative_floor(eta_min, base, lambda why: _cannot(scheduler, why))


@porter(plr.OneCycleLR)
def _one_cycle(scheduler: Any) -> Pair:
    total = int(scheduler.total_steps)
    levels = [float(level) for level in scheduler._lr_config]
    three = len(levels) == 4
    initial, peak, end = levels[0], levels[1], levels[-1]
    end1 = scheduler._step_config[1]
    end2 = scheduler._step_config[2] if three else None

    def check(pct: float) -> bool:
        if not 0.0 <= pct <= 1.0 or pct * total - 1 != end1:
            return False
        return end2 is None or 2 * pct * total - 2 == end2

    pct = shortest_decimal((end1 + 1) / total, check)
    strategy = "cos" if scheduler.anneal_func.__name__ == "_cos_annealing" else "linear"
    if peak <= 0 or initial <= 0:
        raise _cannot(scheduler, f"max_learning_rate={peak!r}: no factor of a zero peak")
    divide = shortest_decimal(peak / initial, lambda d: peak / float(d) == initial)
    schedule = PaddleOneCycle(
        total_steps=total,
        phase_pct=pct,
        divide_factor=divide,
        end_factor=end / peak,
        anneal_strategy=strategy,
        three_phase=three,
    )
    return peak, schedule


@porter(plr.CyclicLR)
def _cyclic(scheduler: Any) -> Pair:
    builtin = {
        "_triangular_scale_fn": "triangular",
        "_triangular2_scale_fn": "triangular2",
        "_exp_range_scale_fn": "exp_range",
    }
    function = scheduler.scale_fn
    if getattr(function, "__self__", None) is not scheduler or function.__name__ not in builtin:
        raise _cannot(scheduler, "a custom scale_fn is an arbitrary function: no closed form")
    mode = builtin[function.__name__]
    total, ratio = float(scheduler.cycle_size), float(scheduler.step_up_pct)
    up = round(ratio * total)
    down = round(total) - up
    if up < 1 or down < 1 or float(up) + float(down) != total or up / total != ratio:
        raise _cannot(scheduler, f"cycle size {total!r} is not made of integer step sizes")
    base_lr, max_lr = float(scheduler.base_lr), float(scheduler.max_lr)
    reference = max_lr if max_lr > 0 else base_lr
    low, high = (base_lr / reference, max_lr / reference) if reference > 0 else (0.0, 0.0)
    gamma = float(scheduler.gamma)
    if mode == "exp_range" and gamma <= 0:
        raise _cannot(scheduler, f"exp_range with exp_gamma={gamma!r} <= 0")
    default_mode = "iterations" if mode == "exp_range" else "cycle"
    schedule = Cyclic(
        step_size_up=up,
        step_size_down=None if down == up else down,
        min_factor=low,
        max_factor=high,
        mode=mode,
        gamma=gamma if gamma > 0 else 1.0,
        scale_mode=None if scheduler.scale_mode == default_mode else scheduler.scale_mode,
    )
    return max(reference, 0.0), schedule


@porter(plr.CosineAnnealingWarmRestarts)
def _restarts(scheduler: Any) -> Pair:
    base = float(scheduler.base_lr)
    floor = _relative_floor(scheduler, float(scheduler.eta_min), base)
    schedule = CosineRestarts(T_0=scheduler.T_0, T_mult=scheduler.T_mult, min_factor=floor)
    return base, schedule


@porter(plr.LinearLR)
def _linear(scheduler: Any) -> Pair:
    schedule = lrcore.Linear(
        start=float(scheduler.start_factor),
        end=float(scheduler.end_factor),
        steps=int(scheduler.total_steps),
    )
    return float(scheduler.base_lr), schedule


def _lambda(scheduler: Any) -> Schedule:
    function = scheduler.lr_lambda
    if not isinstance(function, Schedule):
        raise _cannot(
            scheduler,
            f"its lr_lambda {function!r} is an arbitrary Python function with no closed form; "
            "pass an lrcore schedule as lr_lambda (or use lrcore_paddle.to_paddle)",
        )
    return function


@porter(plr.LambdaDecay)
def _lambda_decay(scheduler: Any) -> Pair:
    return float(scheduler.base_lr), _lambda(scheduler)


@porter(plr.MultiplicativeDecay)
def _multiplicative(scheduler: Any) -> Pair:
    schedule = running_product(_lambda(scheduler), "from_paddle: MultiplicativeDecay")
    return float(scheduler.base_lr), schedule
