"""Constant and decay families: constant, step, multistep, exponential."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from lrcore import _config
from lrcore._evaluate import Phase
from lrcore._schedule import Schedule, constant_formula, register


@register
class Constant(Schedule):
    r"""A constant factor.

    .. math:: f(t) = \text{factor}

    ``Constant()`` is the identity schedule (the base learning rate at every step).
    """

    name = "constant"

    def __init__(self, factor: float = 1.0) -> None:
        self.factor = _config.real(self.name, "factor", factor, minimum=0.0)
        self._setup(factor=self.factor)

    def _phases(self) -> Sequence[Phase]:
        return [Phase(0, constant_formula(self.factor))]


@register
class Step(Schedule):
    r"""Decay by ``gamma`` every ``step_size`` steps (torch ``StepLR``, Paddle ``StepDecay``).

    .. math:: f(t) = \gamma^{\lfloor t / \text{step\_size} \rfloor}

    ``f(0) = 1``; it keeps decaying forever.  The floor is integer division of the
    step, exact on every backend.  Computed as ``exp(log(gamma) * k)`` with the
    log taken in float64 once: float32 backends then lose no precision to
    ``gamma`` itself being rounded (``0.999 ** 300`` in float32 is off by 1e-5).

    >>> Step(step_size=5, gamma=0.5)(10)
    0.25
    """

    name = "step"

    def __init__(self, step_size: int, gamma: float = 0.1) -> None:
        self.step_size = _config.integer(self.name, "step_size", step_size, minimum=1)
        self.gamma = _config.real(self.name, "gamma", gamma, above=0.0)
        self._setup(step_size=self.step_size, gamma=self.gamma)

    def _phases(self) -> Sequence[Phase]:
        log_gamma, step_size = math.log(self.gamma), self.step_size

        def staircase(t: Any, xp: Any) -> Any:
            return xp.exp(log_gamma * (t // step_size))

        return [Phase(0, staircase)]


@register
class MultiStep(Schedule):
    r"""Decay by ``gamma`` at each milestone (torch ``MultiStepLR``, Paddle ``MultiStepDecay``).

    .. math:: f(t) = \gamma^{\#\{m \in \text{milestones} : m \le t\}}

    ``f(0) = 1`` unless a milestone is 0.  Milestones must strictly increase.
    A piecewise-constant schedule: one phase per milestone.
    """

    name = "multistep"

    def __init__(self, milestones: Iterable[int], gamma: float = 0.1) -> None:
        self.milestones = _config.increasing_integers(
            self.name, "milestones", milestones, minimum=0
        )
        self.gamma = _config.real(self.name, "gamma", gamma, above=0.0)
        self._setup(milestones=self.milestones, gamma=self.gamma)

    def _phases(self) -> Sequence[Phase]:
        return [Phase(0, constant_formula(1.0))] + [
            Phase(milestone, constant_formula(self.gamma ** (count + 1)))
            for count, milestone in enumerate(self.milestones)
        ]


@register
class Exponential(Schedule):
    r"""Decay by ``gamma`` every step (torch ``ExponentialLR``, Paddle ``ExponentialDecay``).

    .. math:: f(t) = \gamma^{t}

    ``f(0) = 1``.  Evaluated as ``exp(t * log(gamma))`` (see :class:`Step`); a
    growth rate (``gamma > 1``) saturates to ``inf`` rather than raising.
    """

    name = "exponential"

    def __init__(self, gamma: float) -> None:
        self.gamma = _config.real(self.name, "gamma", gamma, above=0.0)
        self._setup(gamma=self.gamma)

    def _phases(self) -> Sequence[Phase]:
        log_gamma = math.log(self.gamma)

        def exponential(t: Any, xp: Any) -> Any:
            return xp.exp(log_gamma * t)

        return [Phase(0, exponential)]


@register
class Stairs(Schedule):
    r"""Climb by ``increment`` every ``step_size`` steps, from ``start``.

    .. math:: f(t) = \text{start} + \text{increment} \cdot \lfloor t / \text{step\_size} \rfloor

    The additive counterpart of :class:`Step`: torch's classic
    ``LambdaLR(optimizer, lambda epoch: epoch // 30)`` is
    ``Stairs(step_size=30, increment=1.0)`` (``f(t) = 0`` for the first 30 steps).
    ``start`` and ``increment`` must be ``>= 0``, so the factor is never negative.
    The floor is integer division of the step, exact on every backend.

    >>> Stairs(step_size=30, increment=1.0)(65)
    2.0
    """

    name = "stairs"

    def __init__(self, step_size: int, increment: float, start: float = 0.0) -> None:
        self.step_size = _config.integer(self.name, "step_size", step_size, minimum=1)
        self.increment = _config.real(self.name, "increment", increment, minimum=0.0)
        self.start = _config.real(self.name, "start", start, minimum=0.0)
        self._setup(step_size=self.step_size, increment=self.increment, start=self.start)

    def _phases(self) -> Sequence[Phase]:
        start, increment, step_size = self.start, self.increment, self.step_size

        def stairs(t: Any, xp: Any) -> Any:
            return start + increment * (t // step_size)

        return [Phase(0, stairs)]
