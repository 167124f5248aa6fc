"""Constant and decay families: constant, step, multistep, exponential."""

from __future__ import annotations

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
    step, exact on every backend.

    >>> Step(step_size=5, gamma=0.5)(10)
    0.25
    """

    name = "step"

    def __init__(self, step_size: int, gamma: float = 0.1) -> None:
        self.step_size = _config.integer(self.name, "step_size", step_size, minimum=1)
        self.gamma = _config.real(self.name, "gamma", gamma, above=0.0)
        self._setup(step_size=self.step_size, gamma=self.gamma)

    def _phases(self) -> Sequence[Phase]:
        gamma, step_size = self.gamma, self.step_size

        def staircase(t: Any, xp: Any) -> Any:
            return gamma ** (t // step_size)

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
    """

    name = "exponential"

    def __init__(self, gamma: float) -> None:
        self.gamma = _config.real(self.name, "gamma", gamma, above=0.0)
        self._setup(gamma=self.gamma)

    def _phases(self) -> Sequence[Phase]:
        gamma = self.gamma

        def exponential(t: Any, xp: Any) -> Any:
            return gamma**t

        return [Phase(0, exponential)]
