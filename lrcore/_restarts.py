"""Warm restarts: ``cosine_restarts`` (torch and Paddle ``CosineAnnealingWarmRestarts``).

The natives step an integer cycle counter (``T_cur += 1; if T_cur >= T_i: T_cur -= T_i;
T_i *= T_mult``), so cycle ``i`` starts at ``T_0 (T_mult^i - 1) / (T_mult - 1)`` and
lasts ``T_0 T_mult^i`` steps.  Each cycle is one piece of one shared family (the cycle
length is a per-piece parameter), generated up to step ``2**53``: a geometric sequence
gives few pieces (53 for ``T_mult = 2``), evaluated with one search whatever their
number.  With ``T_mult = 1`` the cycles are one periodic piece.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from lrcore._config import LARGEST_INTEGER, Int, Real
from lrcore._pieces import Piece, family
from lrcore._schedule import Schedule


@family
def restart_cosine(t: Any, xp: Any, low: float, span: float, length: int) -> Any:
    """``low + span * (1 + cos(pi * t / length)) / 2``: one cycle, as the natives write it."""
    return low + span * (1 + xp.cos(math.pi * t / length)) / 2


@family(period=lambda low, span, length: length)
def periodic_restart_cosine(t: Any, xp: Any, low: float, span: float, length: int) -> Any:
    """``restart_cosine`` of ``t mod length``: equal cycles forever (``T_mult = 1``)."""
    # The integer remainder is the natives' T_cur exactly, on every backend and dtype.
    return low + span * (1 + xp.cos(math.pi * (t % length) / length)) / 2


class CosineRestarts(Schedule, name="cosine_restarts"):
    r"""SGDR cosine annealing with warm restarts, cycles growing by ``T_mult``.

    With ``m = min_factor``, cycle ``i`` (``i = 0, 1, ...``) starting at
    :math:`S_i = T_0 (T_{mult}^i - 1) / (T_{mult} - 1)` (``i T_0`` when ``T_mult = 1``)
    and lasting :math:`T_i = T_0 T_{mult}^i` steps:

    .. math::
        f(t) = m + (1 - m)\,\frac{1 + \cos(\pi\,(t - S_i) / T_i)}{2},
        \qquad S_i \le t < S_i + T_i

    ``f(0) = 1``; the factor falls towards ``m`` (never reaching it) and jumps back to 1
    at every restart, forever (there is no end).  torch's and Paddle's
    ``CosineAnnealingWarmRestarts(T_0, T_mult, eta_min=m * base_lr)`` stepped with no
    argument: their integer cycle counter, not the float-log closed form that
    ``step(epoch)`` uses.  Cycles are generated up to step ``2**53``.

    >>> schedule = CosineRestarts(T_0=2, T_mult=2)
    >>> [round(schedule(k), 3) for k in range(8)]
    [1.0, 0.5, 1.0, 0.854, 0.5, 0.146, 1.0, 0.962]
    """

    T_0: int = Int(minimum=1, doc="the first cycle's length")
    T_mult: int = Int(minimum=1, default=1, doc="each cycle is T_mult times the previous")
    min_factor: float = Real(minimum=0.0, default=0.0, doc="the floor, relative to base_lr")

    def build(self) -> Sequence[Piece]:
        low, span = self.min_factor, 1.0 - self.min_factor
        if self.T_mult == 1:
            return [Piece(0, periodic_restart_cosine, (low, span, self.T_0))]
        pieces, start, length = [], 0, self.T_0
        while start <= LARGEST_INTEGER:
            pieces.append(Piece(start, restart_cosine, (low, span, length)))
            start, length = start + length, length * self.T_mult
        return pieces
