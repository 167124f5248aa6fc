"""Classic decays of Paddle's ``paddle.optimizer.lr``: natural_exp, inverse_time, noam,
polynomial_decay.

Each is written with the arithmetic of Paddle's ``get_lr`` (same order of operations,
same float/integer divisions), as a factor of the scheduler's ``learning_rate``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from lrcore import _families
from lrcore._config import Bool, Int, Real
from lrcore._interpolate import Polynomial
from lrcore._pieces import Piece, family
from lrcore._schedule import Schedule


@family
def reciprocal(t: Any, xp: Any, rate: float) -> Any:
    """``1 / (1 + rate * t)``."""
    return 1.0 / (1 + rate * t)


@family
def noam_ramp(t: Any, xp: Any, model_scale: float, rate: float) -> Any:
    """``model_scale * (rate * t)``: Noam's linear warmup."""
    return model_scale * (rate * t)


@family
def noam_decay(t: Any, xp: Any, model_scale: float, offset: int) -> Any:
    """``model_scale * (t + offset) ** -0.5``: Noam's inverse square root."""
    return model_scale * (t + offset) ** -0.5


@family
def polynomial_cycle(t: Any, xp: Any, start: float, end: float, steps: int, power: float) -> Any:
    """``end + (start - end) * (1 - t / (steps * max(1, ceil(t / steps)))) ** power``."""
    # ceil(t / steps) in integers, written as -((-t) // steps) so that no 32-bit step
    # overflows; 0 at t = 0 is lifted to 1, as Paddle does.
    cycles = xp.maximum(-((-t) // steps), 1)
    progress = t / ((steps * 1.0) * cycles)
    # Exactly >= 0 in float64; the clamp only keeps float32 rounding from making nan.
    return end + (start - end) * xp.maximum(1.0 - progress, 0.0) ** power


class NaturalExp(Schedule, name="natural_exp"):
    r"""Natural exponential decay: Paddle ``NaturalExpDecay``.

    .. math:: f(t) = e^{-\gamma t}

    ``f(0) = 1``; it decays forever (``gamma = 0`` is the constant 1).  Computed as
    ``exp(-gamma * t)``, Paddle's own expression, so the values agree to the last bit
    (``exponential`` with ``gamma = exp(-gamma)`` would round ``log(exp(-gamma))``).
    """

    gamma: float = Real(minimum=0.0, doc="the decay rate per step")

    def build(self) -> Sequence[Piece]:
        return [Piece(0, _families.exponential, (1.0, -self.gamma))]


class InverseTime(Schedule, name="inverse_time"):
    r"""Inverse time decay: Paddle ``InverseTimeDecay``.

    .. math:: f(t) = \frac{1}{1 + \gamma t}

    ``f(0) = 1``; it decays forever like ``1 / (gamma t)`` (``gamma = 0`` is the
    constant 1).
    """

    gamma: float = Real(minimum=0.0, doc="the decay rate per step")

    def build(self) -> Sequence[Piece]:
        return [Piece(0, reciprocal, (self.gamma,))]


def _noam_switch(model_rate: float) -> int | None:
    """The first step ``t >= 1`` where Paddle's ``min(t ** -0.5, W ** -1.5 * t)`` picks the
    decay, found with Paddle's own float expressions (``None``: never below 2**62)."""

    def decays(t: int) -> bool:
        return not (model_rate * t < t**-0.5)

    low, high = 1, 2**62
    if not decays(high):
        return None
    while low < high:  # both sides are monotone in t, so the switch happens once
        middle = (low + high) // 2
        if decays(middle):
            high = middle
        else:
            low = middle + 1
    return low


class Noam(Schedule, name="noam"):
    r"""The Transformer's Noam schedule: Paddle ``NoamDecay`` (as a factor of its
    ``learning_rate``).

    .. math:: f(t) = d^{-1/2} \min\left(t^{-1/2},\; W^{-3/2}\, t\right)

    with ``d = d_model`` and ``W = warmup_steps``.  ``f(0) = 0`` (Paddle substitutes
    ``1`` for ``0 ** -0.5`` at step 0, and ``min(1, 0) = 0``); it rises linearly to its
    peak ``(d W)^{-1/2}`` at ``t = W`` and decays like ``(d t)^{-1/2}`` forever.  The step
    where the ``min`` switches is found at build time with Paddle's float expressions.
    """

    d_model: float = Real(above=0.0, doc="the model width d (scales by d ** -0.5)")
    warmup_steps: float = Real(above=0.0, doc="the peak step W")

    def validate(self) -> None:
        # A tiny W overflows ``W ** -1.5`` (Paddle raises OverflowError computing it):
        # refuse it by name, with the slope of the ramp it would make.
        try:
            slope = self.d_model**-0.5 * self.warmup_steps**-1.5
        except OverflowError:
            slope = math.inf
        if not math.isfinite(slope):
            raise ValueError(
                f"noam: warmup_steps ** -1.5 * d_model ** -0.5 overflows, got "
                f"warmup_steps={self.warmup_steps!r}, d_model={self.d_model!r}"
            )

    def build(self) -> Sequence[Piece]:
        model_scale = self.d_model**-0.5
        rate = self.warmup_steps**-1.5
        ramp = Piece(0, noam_ramp, (model_scale, rate))
        switch = _noam_switch(rate)
        if switch is None:
            return [ramp]
        return [ramp, Piece(switch, noam_decay, (model_scale, switch))]


class PolynomialDecay(Schedule, name="polynomial_decay"):
    r"""Polynomial decay, optionally cycling: Paddle ``PolynomialDecay`` (and TF's
    ``polynomial_decay``).

    With ``s = start``, ``e = end``, ``T = decay_steps`` and ``p = power``:

    .. math::
        f(t) = e + (s - e)\left(1 - \frac{\min(t, T)}{T}\right)^{p}
        \qquad\text{or, with cycle,}\qquad
        f(t) = e + (s - e)\left(1 - \frac{t}{T \max(1, \lceil t / T \rceil)}\right)^{p}

    ``f(0) = s``.  Without ``cycle`` it holds ``e`` from ``T`` on (it is ``polynomial``).
    With ``cycle`` it reaches ``e`` at every multiple ``kT`` and jumps up right after,
    restarting each cycle ``k`` along the same curve stretched to ``kT``: at
    ``t = kT + 1`` it is ``e + (s - e)(1 - (kT + 1)/((k + 1) T))^p``, lower each cycle.
    """

    decay_steps: int = Int(minimum=1, doc="steps per decay (per cycle)")
    end: float = Real(minimum=0.0, default=0.0, doc="the factor reached at decay_steps")
    power: float = Real(minimum=0.0, default=1.0, doc="the exponent")
    cycle: bool = Bool(default=False, doc="restart past decay_steps (Paddle's cycle=True)")
    start: float = Real(minimum=0.0, default=1.0, doc="the factor at step 0")

    def build(self) -> Sequence[Piece] | Schedule:
        if not self.cycle:
            return Polynomial(
                start=self.start, end=self.end, steps=self.decay_steps, power=self.power
            )
        params = (self.start, self.end, self.decay_steps, self.power)
        return [Piece(0, polynomial_cycle, params)]
