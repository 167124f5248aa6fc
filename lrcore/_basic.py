"""Constant and decay families: constant, piecewise_constant, step, multistep, exponential."""

from __future__ import annotations

import math
from collections.abc import Sequence

from lrcore import _families
from lrcore._config import Int, Ints, Real, Reals
from lrcore._pieces import Piece
from lrcore._schedule import Schedule


def saturating_power(base: float, exponent: int) -> float:
    """``base ** exponent`` that saturates to ``inf`` instead of raising ``OverflowError``."""
    try:
        return base**exponent
    except OverflowError:
        return math.inf


class Constant(Schedule, name="constant"):
    r"""A constant factor.

    .. math:: f(t) = \text{factor}

    ``Constant()`` is the identity schedule (the base learning rate at every step).
    """

    factor: float = Real(minimum=0.0, default=1.0, doc="the factor at every step")

    def build(self) -> Sequence[Piece]:
        return [Piece(0, _families.constant, (self.factor,))]


class PiecewiseConstant(Schedule, name="piecewise_constant"):
    r"""``values[i]`` from ``boundaries[i - 1]`` on: a table of constants.

    .. math:: f(t) = v_{\#\{b \in \text{boundaries} : b \le t\}}

    ``f(0) = values[0]`` (``values[1]`` if a boundary is 0); past the last boundary
    ``values[-1]`` holds.  Paddle's ``PiecewiseDecay`` (with ``base_lr = 1``) and the
    primitive under ``multistep`` and optax's ``piecewise_constant_schedule``.
    Evaluated by one search, whatever the number of pieces.
    """

    boundaries: Sequence[int] = Ints(minimum=0, doc="strictly increasing steps")
    values: Sequence[float] = Reals(minimum=0.0, nonempty=True, doc="one more than boundaries")

    def validate(self) -> None:
        if len(self.values) != len(self.boundaries) + 1:
            raise ValueError(
                f"piecewise_constant: values must have len(boundaries) + 1 = "
                f"{len(self.boundaries) + 1} items, got {len(self.values)}"
            )

    def build(self) -> Sequence[Piece]:
        return [
            Piece(start, _families.constant, (value,))
            for start, value in zip((0, *self.boundaries), self.values, strict=True)
        ]


class Step(Schedule, name="step"):
    r"""Decay by ``gamma`` every ``step_size`` steps (torch ``StepLR``, Paddle ``StepDecay``).

    .. math:: f(t) = \gamma^{\lfloor t / \text{step\_size} \rfloor}

    ``f(0) = 1``; it keeps decaying forever.  The floor is integer division of the
    step, exact on every backend.  Computed as ``exp(log(gamma) * k)`` with the
    log taken in float64 once: float32 backends then lose no precision to
    ``gamma`` itself being rounded (``0.999 ** 300`` in float32 is off by 1e-5).

    >>> Step(step_size=5, gamma=0.5)(10)
    0.25
    """

    step_size: int = Int(minimum=1, doc="steps per decay")
    gamma: float = Real(above=0.0, default=0.1, doc="the decay per stair")

    def build(self) -> Sequence[Piece]:
        params = (math.log(self.gamma), self.step_size)
        return [Piece(0, _families.staircase_exponential, params)]


class MultiStep(Schedule, name="multistep"):
    r"""Decay by ``gamma`` at each milestone (torch ``MultiStepLR``, Paddle ``MultiStepDecay``).

    .. math:: f(t) = \gamma^{\#\{m \in \text{milestones} : m \le t\}}

    ``f(0) = 1`` unless a milestone is 0.  Milestones must not decrease; a
    milestone repeated ``n`` times decays by ``gamma ** n`` there, as torch's
    ``MultiStepLR`` does.  A constructor over :class:`PiecewiseConstant`.
    """

    milestones: Sequence[int] = Ints(minimum=0, increasing="weak", doc="decay steps")
    gamma: float = Real(above=0.0, default=0.1, doc="the decay per milestone")

    def build(self) -> Schedule:
        boundaries = sorted(set(self.milestones))
        counts = [sum(1 for m in self.milestones if m <= b) for b in boundaries]
        values = [1.0] + [saturating_power(self.gamma, count) for count in counts]
        return PiecewiseConstant(boundaries=boundaries, values=values)

    def validate(self) -> None:
        # Decay past float range would make a factor of 0 or inf: refuse it here.
        final = saturating_power(self.gamma, len(self.milestones))
        if not math.isfinite(final):
            raise ValueError(
                f"multistep: gamma ** len(milestones) overflows (gamma={self.gamma!r}, "
                f"{len(self.milestones)} milestones)"
            )


class Exponential(Schedule, name="exponential"):
    r"""Decay by ``gamma`` every step (torch ``ExponentialLR``, Paddle ``ExponentialDecay``).

    .. math:: f(t) = \gamma^{t}

    ``f(0) = 1``.  Evaluated as ``exp(t * log(gamma))`` (see :class:`Step`); a
    growth rate (``gamma > 1``) saturates to ``inf`` rather than raising.
    """

    gamma: float = Real(above=0.0, doc="the decay per step")

    def build(self) -> Sequence[Piece]:
        return [Piece(0, _families.exponential, (1.0, math.log(self.gamma)))]


class Stairs(Schedule, name="stairs"):
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

    step_size: int = Int(minimum=1, doc="steps per stair")
    increment: float = Real(minimum=0.0, doc="the climb per stair")
    start: float = Real(minimum=0.0, default=0.0, doc="the factor on the first stair")

    def build(self) -> Sequence[Piece]:
        params = (self.start, self.increment, self.step_size)
        return [Piece(0, _families.staircase_linear, params)]
