"""Interpolations that hold their end value: linear, polynomial, cosine."""

from __future__ import annotations

from collections.abc import Sequence

from lrcore import _families
from lrcore._config import Int, Real
from lrcore._pieces import Piece
from lrcore._schedule import Schedule


def _ends(end: float, steps: int) -> list[Piece] | None:
    """With ``steps == 0`` the schedule is ``end`` from step 0 (never divided by 0)."""
    if steps == 0:
        return [Piece(0, _families.constant, (end,))]
    return None


class Linear(Schedule, name="linear"):
    r"""From ``start`` to ``end`` linearly over ``steps`` steps, then ``end``.

    .. math:: f(t) = s + (e - s)\,\frac{\min(t, T)}{T}

    ``f(0) = start`` (``end`` when ``steps = 0``); ``end`` from ``steps`` on.  torch
    ``LinearLR(start_factor, end_factor, total_iters)``; optax ``linear_schedule``
    relative to its base.
    """

    start: float = Real(minimum=0.0, doc="the factor at step 0")
    end: float = Real(minimum=0.0, doc="the factor from `steps` on")
    steps: int = Int(minimum=0, doc="the length of the ramp")

    def build(self) -> Sequence[Piece]:
        params = (self.start, self.end, self.steps)
        held = _ends(self.end, self.steps)
        return held or [Piece(0, _families.interpolate_linear, params)]


class Polynomial(Schedule, name="polynomial"):
    r"""From ``start`` to ``end`` along ``(1 - t/T) ** power`` over ``steps`` steps, then ``end``.

    .. math:: f(t) = e + (s - e)\left(1 - \frac{\min(t, T)}{T}\right)^{p}

    ``f(0) = start`` (``end`` when ``steps = 0``); ``end`` from ``steps`` on.  torch
    ``PolynomialLR(total_iters, power)`` is ``polynomial(1, 0, total_iters, power)``.
    """

    start: float = Real(minimum=0.0, doc="the factor at step 0")
    end: float = Real(minimum=0.0, doc="the factor from `steps` on")
    steps: int = Int(minimum=0, doc="the length of the decay")
    power: float = Real(minimum=0.0, default=1.0, doc="the exponent")

    def build(self) -> Sequence[Piece]:
        params = (self.start, self.end, self.steps, self.power)
        held = _ends(self.end, self.steps)
        return held or [Piece(0, _families.interpolate_polynomial, params)]


class Cosine(Schedule, name="cosine"):
    r"""From ``start`` to ``end`` along a half cosine over ``steps`` steps, then ``end``.

    .. math::
        f(t) = e + (s - e)\left(\frac{1 + \cos(\pi \min(t, T) / T)}{2}\right)^{x}

    ``f(0) = start`` (``end`` when ``steps = 0``); it *holds* ``end`` from ``steps`` on,
    as optax's ``cosine_decay_schedule`` does (``exponent`` x is optax's), unlike
    ``cosine_annealing``, which oscillates past its end as torch's does.
    """

    start: float = Real(minimum=0.0, doc="the factor at step 0")
    end: float = Real(minimum=0.0, doc="the factor from `steps` on")
    steps: int = Int(minimum=0, doc="the length of the decay")
    exponent: float = Real(minimum=0.0, default=1.0, doc="optax's exponent")

    def build(self) -> Sequence[Piece]:
        params = (self.start, self.end, self.steps, self.exponent)
        held = _ends(self.end, self.steps)
        return held or [Piece(0, _families.interpolate_cosine, params)]
