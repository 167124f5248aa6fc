"""YOLOX-style schedules of ``get_lr_scheduler``: warm cosine and step decay.

The source (the ``get_lr_scheduler`` of the YOLOX-derived training scripts,
``yolox_warm_cos_lr`` and ``step_lr``) returns *absolute* learning rates
``lr_fn(iters)``; these schedules return the factor ``f`` with
``lr * f(i) == lr_fn(i)`` (to rounding), so ``base_lr = lr`` in every adapter.

The source branches on floats (a warmup of ``2.5`` iterations, a staircase of
width ``total_iters / step_num``).  The integer steps at which its branches
change are found when the schedule is built, with the very float comparisons
and float floor divisions the source makes, so the phases agree with it at
every integer step -- and run unchanged on ints, NumPy arrays and under
``jax.jit``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from lrcore import _families
from lrcore._config import Int, Real
from lrcore._pieces import Piece, family
from lrcore._schedule import Schedule


def _clamp(value: float, low: float, high: float) -> float:
    """The source's ``min(max(value, low), high)``, as a float."""
    return float(min(max(value, low), high))


@family
def _yolox_warm(t: Any, xp: Any, rise: float, warmup: float, start: float, lr: float) -> Any:
    return (rise * (t / warmup) ** 2 + start) / lr


@family
def _yolox_cosine(
    t: Any, xp: Any, min_lr: float, half: float, offset: float, length: float, lr: float
) -> Any:
    return (min_lr + half * (1.0 + xp.cos(math.pi * (t + offset) / length))) / lr


class YoloxWarmCos(Schedule, name="yolox_warm_cos"):
    r"""YOLOX warm cosine (``yolox_warm_cos_lr``) as a factor of ``lr``.

    With ``T = total_iters``, ``m = min_lr`` and the source's derived settings

    * ``W = min(max(warmup_iters_ratio * T, 1), 3)`` (a float: 2.5 is possible),
    * ``s = max(warmup_lr_ratio * lr, 1e-6)`` (the warmup start),
    * ``N = min(max(no_aug_iter_ratio * T, 1), 15)`` (the final flat stretch),

    the learning rate at step ``i`` is

    .. math::
        \text{lr}\,f(i) = \begin{cases}
            (\text{lr} - s)\,(i / W)^2 + s & i \le W \\
            m & i \ge T - N \\
            m + \tfrac12 (\text{lr} - m)\left(1 + \cos\frac{\pi (i - W)}{T - W - N}\right)
                & \text{otherwise}
        \end{cases}

    tested in this order, as the source's ``if``/``elif`` does (a step that is both
    ``<= W`` and ``>= T - N`` is warmup).  ``f(0) = s / lr`` (``0.1`` with the default
    ratio, unless ``lr < 1e-5`` where the ``1e-6`` floor bites).  Past ``T`` the same
    function holds: ``m`` (after any warmup still running, if
    ``warmup_iters_ratio * T > T``).  In the source's scripts ``T`` counts epochs.

    The phase boundaries are the first integer ``i > W`` and the first integer
    ``i >= T - N``, computed from the same floats as the source.  When no integer
    step reaches the cosine branch (small ``T``) its denominator ``T - W - N`` (maybe
    ``<= 0``) is never used; when one does, the denominator is positive, so no
    setting makes the source divide by zero at a step it evaluates.

    >>> schedule = YoloxWarmCos(lr=0.01, min_lr=0.0001, total_iters=25)
    >>> schedule.warmup_total_iters, schedule.cosine_start, schedule.flat_start
    (2.5, 3, 18)
    """

    lr: float = Real(above=0.0, doc="the peak learning rate (the base lr)")
    min_lr: float = Real(minimum=0.0, doc="the final learning rate")
    total_iters: int = Int(minimum=1, doc="T, the run's length")
    warmup_iters_ratio: float = Real(minimum=0.0, default=0.1, doc="W = clamp(ratio * T, 1, 3)")
    warmup_lr_ratio: float = Real(minimum=0.0, default=0.1, doc="the warmup start, over lr")
    no_aug_iter_ratio: float = Real(minimum=0.0, default=0.3, doc="N = clamp(ratio * T, 1, 15)")

    @property
    def warmup_total_iters(self) -> float:
        """The source's ``W``."""
        return _clamp(self.warmup_iters_ratio * self.total_iters, 1, 3)

    @property
    def warmup_lr_start(self) -> float:
        """The source's warmup start ``s``."""
        return max(self.warmup_lr_ratio * self.lr, 1e-6)

    @property
    def no_aug_iter(self) -> float:
        """The source's ``N``."""
        return _clamp(self.no_aug_iter_ratio * self.total_iters, 1, 15)

    @property
    def cosine_start(self) -> int:
        """The first integer step past warmup (``i > W``)."""
        return math.floor(self.warmup_total_iters) + 1

    @property
    def flat_start(self) -> int:
        """The first integer step in the flat tail (``i >= T - N``), not before the cosine."""
        return max(math.ceil(self.total_iters - self.no_aug_iter), self.cosine_start)

    @property
    def cosine_length(self) -> float:
        """The source's denominator ``T - W - N``, in its order.

        It is > 0 whenever an integer step reaches the cosine: such an i has W < i
        and i < fl(T - N), hence i < T - N exactly (rounding is monotone), so
        fl(T - W) >= T - i > N and the final subtraction of two distinct floats is
        positive.  No step can divide by 0.
        """
        return self.total_iters - self.warmup_total_iters - self.no_aug_iter

    def validate(self) -> None:
        owner = self.name
        if not math.isfinite(self.warmup_lr_start):
            raise ValueError(
                f"{owner}: warmup_lr_ratio * lr overflows "
                f"(warmup_lr_ratio={self.warmup_lr_ratio!r}, lr={self.lr!r})"
            )
        if not math.isfinite(max(self.min_lr, self.warmup_lr_start) / self.lr):
            raise ValueError(
                f"{owner}: min_lr / lr and max(warmup_lr_ratio * lr, 1e-6) / lr must be "
                f"finite, got min_lr={self.min_lr!r}, warmup_lr_ratio={self.warmup_lr_ratio!r}, "
                f"lr={self.lr!r}"
            )

    def build(self) -> Sequence[Piece]:
        lr, min_lr = self.lr, self.min_lr
        warmup, start = self.warmup_total_iters, self.warmup_lr_start
        # Each formula is the source's expression over lr: lr * f(i) is the source's
        # value to an ulp or two.
        pieces = [Piece(0, _yolox_warm, (lr - start, warmup, start, lr))]
        if self.cosine_start < self.flat_start:
            # Local step t = i - cosine_start, so i - W = t + offset exactly
            # (offset = cosine_start - W is exact: both lie in [1, 4]).
            offset = self.cosine_start - warmup
            params = (min_lr, 0.5 * (lr - min_lr), offset, self.cosine_length, lr)
            pieces.append(Piece(self.cosine_start, _yolox_cosine, params))
        pieces.append(Piece(self.flat_start, _families.constant, (min_lr / lr,)))
        return pieces


def _stair(step: int, step_size: float) -> float:
    """The source's staircase index ``iters // step_size`` (float floor division)."""
    return float(step) // step_size


class YoloxStep(Schedule, name="yolox_step"):
    r"""YOLOX step decay (``step_lr``) as a factor of ``lr``: ``step_num`` stairs.

    .. math::
        \text{lr}\,f(i) = \text{lr} \cdot d^{\,i \,/\!/\, S}, \qquad
        d = (\text{min\_lr} / \text{lr})^{1 / (\text{step\_num} - 1)}, \quad
        S = T / \text{step\_num}

    with ``T = total_iters`` and ``//`` Python's *float* floor division (the exact
    floor of ``i / S`` for the float ``S``, which differs from ``floor(i / S)``
    where ``i / S`` rounds up to an integer).  ``f(0) = 1``.  Note the source's own
    arithmetic: at ``i = T`` the index is usually ``step_num``, one stair *below*
    ``min_lr`` (``min_lr * d``); where ``S`` rounds up it is ``step_num - 1``.

    Past ``T`` the factor holds its value at ``T`` (the source keeps decaying).
    The source raises ``ValueError`` at every call when ``S < 1``; here the
    schedule refuses to be built.  ``min_lr = 0`` is allowed (``d = 0``: the
    factor is 1 on the first stair, then 0).

    The stair boundaries are found when the schedule is built by evaluating the
    source's ``float(i) // S``, so the phases (one per stair, values
    ``d ** n`` in float64) match it exactly on every backend.
    """

    lr: float = Real(above=0.0, doc="the initial learning rate (the base lr)")
    min_lr: float = Real(minimum=0.0, doc="the last stair's learning rate")
    total_iters: int = Int(minimum=1, doc="T, the run's length")
    step_num: int = Int(minimum=2, default=10, doc="the number of stairs")

    @property
    def step_size(self) -> float:
        """The source's stair width ``S = T / step_num`` (a float)."""
        return self.total_iters / self.step_num

    @property
    def decay_rate(self) -> float:
        """The source's ``d = (min_lr / lr) ** (1 / (step_num - 1))``."""
        return float((self.min_lr / self.lr) ** (1 / (self.step_num - 1)))

    def validate(self) -> None:
        owner = self.name
        if self.step_size < 1:
            raise ValueError(
                f"{owner}: step_size = total_iters / step_num must be >= 1, got "
                f"total_iters={self.total_iters!r} / step_num={self.step_num!r} = "
                f"{self.step_size!r}"
            )
        ratio = self.min_lr / self.lr
        try:
            last = self.decay_rate ** _stair(self.total_iters, self.step_size)
        except OverflowError:
            last = math.inf
        if not (math.isfinite(ratio) and math.isfinite(last)):
            raise ValueError(
                f"{owner}: min_lr is too large relative to lr for a finite factor "
                f"(min_lr={self.min_lr!r}, lr={self.lr!r}, step_num={self.step_num!r})"
            )

    def _boundaries(self) -> tuple[int, ...]:
        """The first step of every stair ``n = 1 .. (T // S)``, by the source's ``//``."""
        size = self.step_size
        boundaries = []
        for stair in range(1, int(_stair(self.total_iters, size)) + 1):
            step = math.ceil(stair * size)  # a candidate, maybe off by one: adjust
            while step > 0 and _stair(step - 1, size) >= stair:
                step -= 1
            while _stair(step, size) < stair:
                step += 1
            boundaries.append(step)
        return tuple(boundaries)

    @property
    def boundaries(self) -> tuple[int, ...]:
        """The first step of every stair ``n = 1 .. (T // S)``."""
        return self._boundaries()

    def build(self) -> Sequence[Piece]:
        size, rate = self.step_size, self.decay_rate
        # d ** (i // S) for the first step of each stair: the source's value there.
        starts = (0, *self._boundaries())
        return [Piece(step, _families.constant, (rate ** _stair(step, size),)) for step in starts]
