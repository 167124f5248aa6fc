"""Cosine family."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from lrcore import _config
from lrcore._evaluate import Phase
from lrcore._schedule import Schedule, register


@register
class CosineAnnealing(Schedule):
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

    name = "cosine_annealing"

    def __init__(self, T_max: int, min_factor: float = 0.0) -> None:  # noqa: N803 (torch's name)
        self.T_max = _config.integer(self.name, "T_max", T_max, minimum=1)
        self.min_factor = _config.real(self.name, "min_factor", min_factor, minimum=0.0)
        self._setup(T_max=self.T_max, min_factor=self.min_factor)

    def _phases(self) -> Sequence[Phase]:
        half_range = (1.0 - self.min_factor) / 2.0
        midpoint = self.min_factor + half_range
        angular = math.pi / self.T_max
        period = 2 * self.T_max

        def cosine(t: Any, xp: Any) -> Any:
            return midpoint + half_range * xp.cos(angular * t)

        return [Phase(0, cosine, period=period)]
