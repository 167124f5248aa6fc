"""Cosine family."""

from __future__ import annotations

import math
from collections.abc import Sequence

from lrcore import _families
from lrcore._config import Int, Real
from lrcore._pieces import Piece
from lrcore._schedule import Schedule


class CosineAnnealing(Schedule, name="cosine_annealing"):
    r"""Cosine annealing from 1 to ``min_factor`` over ``T_max`` steps.

    .. math::
        f(t) = m + \frac{1 - m}{2}\left(1 + \cos\frac{\pi t}{T_{max}}\right),
        \qquad m = \text{min\_factor}

    torch ``CosineAnnealingLR(T_max, eta_min=min_factor * base_lr)`` and Paddle
    ``CosineAnnealingDecay``.  ``f(0) = 1``, ``f(T_max) = min_factor``; past
    ``T_max`` it keeps oscillating with period ``2 * T_max``, as torch does.  The
    array evaluator reduces the step modulo ``2 * T_max`` in integers, so the phase stays
    exact for giant 32-bit steps (JAX's default) even in float32.
    """

    T_max: int = Int(minimum=1, doc="steps from 1 down to min_factor")
    min_factor: float = Real(minimum=0.0, default=0.0, doc="the floor, relative to base_lr")

    def build(self) -> Sequence[Piece]:
        half_range = (1.0 - self.min_factor) / 2.0
        midpoint = self.min_factor + half_range
        params = (midpoint, half_range, math.pi / self.T_max, 2 * self.T_max)
        return [Piece(0, _families.cosine, params)]
