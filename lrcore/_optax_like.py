"""optax's own schedule shapes: exponential_decay, piecewise_interpolate, warmup cosine, sgdr.

optax's linear, polynomial, cosine, piecewise-constant and joined schedules are the
core primitives (``polynomial``, ``cosine``, ``piecewise_constant``, ``join``) with
factors relative to a base lr; what has no primitive lives here:

* ``exponential_decay``: ``rate ** (t / T)`` (or its staircase) after a delay, clipped
  by an optional floor (decay) or ceiling (growth) -- optax's ``exponential_decay``;
* ``piecewise_interpolate``: linear or cosine ramps between values at boundaries, a
  constructor over ``join`` of ``linear`` / ``cosine`` ramps -- optax's
  ``piecewise_interpolate_schedule`` and its one-cycle schedules;
* ``optax_warmup_cosine``: optax's ``warmup_cosine_decay_schedule``, a constructor over
  ``join`` of ``polynomial`` (power 1, optax's linear) and ``cosine``;
* ``sgdr``: warm-cosine cycles one after another (optax's ``sgdr_schedule``).

The ramps of ``piecewise_interpolate`` are ``linear`` and ``cosine`` (exponent 1): the
very float operations of optax's ``_linear_interpolate`` / ``_cosine_interpolate``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from lrcore import _config, _families
from lrcore._basic import Constant
from lrcore._compose import Join
from lrcore._config import Bool, Choice, Custom, Int, Real, Reals
from lrcore._families import saturating_exp
from lrcore._interpolate import Cosine, Linear, Polynomial
from lrcore._pieces import Piece, family
from lrcore._schedule import NestedList, Schedule


@family
def _exponential_decay(
    t: Any,
    xp: Any,
    scale: float,
    log_rate: float,
    steps: int,
    floor: float,
    ceiling: float,
    limit: float,
) -> Any:
    """``clip(scale * rate ** (t / steps), floor, ceiling)``, the power as ``exp(log_rate * p)``.

    ``limit`` caps the exponent where the ceiling holds already, so that a growth
    evaluated at a giant step does not overflow on its way to the ceiling.
    """
    grown = scale * saturating_exp(xp.minimum(log_rate * (t / steps), limit), xp)
    return xp.minimum(xp.maximum(grown, floor), ceiling)


@family
def _exponential_decay_staircase(
    t: Any,
    xp: Any,
    scale: float,
    log_rate: float,
    steps: int,
    floor: float,
    ceiling: float,
    limit: float,
) -> Any:
    """``clip(scale * rate ** (t // steps), floor, ceiling)``."""
    grown = scale * saturating_exp(xp.minimum(log_rate * (t // steps), limit), xp)
    return xp.minimum(xp.maximum(grown, floor), ceiling)


def _optional_factor(owner: str, field: str, value: Any) -> float | None:
    if value is None:
        return None
    return _config.real(owner, field, value, minimum=0.0)


class ExponentialDecay(Schedule, name="exponential_decay"):
    r"""optax's ``exponential_decay``: ``init * rate ** ((t - B) / T)`` after ``B`` steps.

    With ``B = transition_begin``, ``T = transition_steps``, ``r = decay_rate`` and
    ``p = (t - B) / T`` (``floor((t - B) / T)`` when ``staircase``):

    .. math::
        f(t) = \operatorname{clip}\left(\begin{cases}
            \text{init} & t \le B \\
            \text{init} \cdot r^{p} & t > B
        \end{cases}\right)

    where ``clip`` is ``max(., end)`` when ``r < 1`` (a floor) and ``min(., end)`` when
    ``r >= 1`` (a ceiling -- so with ``r = 1`` the factor is ``min(init, end)``), and
    nothing when ``end`` is ``None``.  As in optax the clip applies at every step,
    before ``B`` too.  ``f(0) = clip(init)``; past the end it decays towards 0 (or
    ``end``), or grows towards ``inf`` (or ``end``).  ``r ** p`` is evaluated as
    ``exp(log(r) * p)`` with the log taken in float64, so float32 backends keep the
    rate's precision (float64 values agree with ``r ** p`` to ~1e-14).  optax's zero
    ``decay_rate`` / non-positive ``transition_steps`` (a constant ``init_value``) port
    to ``constant``; optax's ``nan`` where ``0 * inf`` would occur (``init = 0`` and a
    growth that overflows float64) is 0 here.

    >>> ExponentialDecay(transition_steps=10, decay_rate=0.5, staircase=True)(25)
    0.25
    """

    transition_steps: int = Int(minimum=1, doc="steps per factor of decay_rate")
    decay_rate: float = Real(above=0.0, doc="< 1 decays, > 1 grows")
    init: float = Real(minimum=0.0, default=1.0, doc="the factor up to transition_begin")
    transition_begin: int = Int(minimum=0, default=0, doc="steps held at init first")
    staircase: bool = Bool(default=False, doc="decay in whole transitions")
    end: float | None = Custom(
        _optional_factor, default=None, doc="a floor (rate < 1) or ceiling (rate >= 1), or None"
    )

    def build(self) -> Sequence[Piece]:
        rate, init = self.decay_rate, self.init
        floor, ceiling, limit = 0.0, math.inf, math.inf
        if self.end is not None:
            if rate < 1.0:
                floor = self.end
            else:
                ceiling = self.end
                # Past log(end / init) the ceiling holds; a margin of 1 keeps it exact.
                # (A ceiling of 0 holds from the start: any limit <= 0 will do.)
                limit = math.log(ceiling / init) + 1.0 if init > 0.0 and ceiling > 0.0 else 0.0
        # With init = 0 every factor is 0: never 0 * inf.
        log_rate = math.log(rate) if init > 0.0 else 0.0
        shape = _exponential_decay_staircase if self.staircase else _exponential_decay
        params = (init, log_rate, self.transition_steps, floor, ceiling, limit)
        pieces = []
        if self.transition_begin > 0:
            pieces.append(Piece(0, _families.constant, (min(max(init, floor), ceiling),)))
        pieces.append(Piece(self.transition_begin, shape, params))
        return pieces


def _boundaries(owner: str, field: str, value: Any) -> tuple[int, ...]:
    return _config.integers(owner, field, value, minimum=1, increasing="strict")


class PiecewiseInterpolate(Schedule, name="piecewise_interpolate"):
    r"""Linear or cosine ramps from ``values[i]`` to ``values[i + 1]`` between boundaries.

    With ``b_{-1} = 0``, boundaries ``b_0 < b_1 < ...``, ``v = values`` and, for
    ``b_{i-1} \le t < b_i``, ``u = (t - b_{i-1}) / (b_i - b_{i-1})``:

    .. math::
        f(t) = \begin{cases}
            (v_{i+1} - v_i)\,u + v_i & \text{linear} \\
            v_{i+1} + \frac{v_i - v_{i+1}}{2}\,(\cos(\pi u) + 1) & \text{cosine}
        \end{cases}

    and ``f(t) = v_{last}`` from the last boundary on.  ``f(0) = values[0]``; past the
    end ``values[-1]``.  optax's ``piecewise_interpolate_schedule`` (``values`` are its
    accumulated products ``init * s_0 * ... * s_i`` over the base) and so its
    ``linear_onecycle_schedule`` / ``cosine_onecycle_schedule``.  A constructor over
    ``join`` of ``linear`` / ``cosine`` ramps, whose float operations are optax's.

    >>> PiecewiseInterpolate("linear", boundaries=[4, 8], values=[1.0, 0.1, 0.01])(2)
    0.55
    """

    interpolate_type: str = Choice("linear", "cosine", doc="the ramp between values")
    boundaries: Sequence[int] = Custom(_boundaries, doc="strictly increasing steps >= 1")
    values: Sequence[float] = Reals(minimum=0.0, nonempty=True, doc="len(boundaries) + 1 factors")

    def validate(self) -> None:
        if len(self.values) != len(self.boundaries) + 1:
            raise ValueError(
                f"piecewise_interpolate: values must have len(boundaries) + 1 = "
                f"{len(self.boundaries) + 1} items, got {len(self.values)}"
            )

    def build(self) -> Schedule:
        values = self.values
        if not self.boundaries:
            return Constant(factor=values[0])
        ramps: list[Schedule] = []
        starts = (0, *self.boundaries)
        for index, (begin, end) in enumerate(zip(starts, self.boundaries, strict=False)):
            start, stop, steps = values[index], values[index + 1], end - begin
            if self.interpolate_type == "linear":
                ramps.append(Linear(start=start, end=stop, steps=steps))
            else:
                ramps.append(Cosine(start=start, end=stop, steps=steps, exponent=1.0))
        ramps.append(Constant(factor=values[-1]))
        return Join(schedules=ramps, boundaries=self.boundaries)


class OptaxWarmupCosine(Schedule, name="optax_warmup_cosine"):
    r"""optax's ``warmup_cosine_decay_schedule``: a linear warmup, then a cosine decay.

    With ``W = warmup_steps``, ``D = decay_steps`` (the whole length, warmup
    included), ``x = exponent`` and ``a = end / peak`` (0 when ``peak = 0``, as optax):

    .. math::
        f(t) = \begin{cases}
            (\text{init} - \text{peak})(1 - t / W) + \text{peak} & t < W \\
            \text{peak}\left(a + (1 - a)\left(\frac{1 + \cos(\pi (t - W) / (D - W))}{2}
                \right)^{x}\right) & W \le t < D \\
            \text{peak} \cdot a & t \ge D
        \end{cases}

    ``f(0) = init`` (``peak`` when ``W = 0``); ``end`` (to rounding; 0 when
    ``peak = 0``) from ``D`` on.  A constructor over ``join`` of ``polynomial`` (power 1:
    optax's ``linear_schedule`` is its ``polynomial_schedule`` with power 1) and
    ``cosine``.  One cycle of ``sgdr``.
    """

    init: float = Real(minimum=0.0, doc="the factor at step 0")
    peak: float = Real(minimum=0.0, doc="the factor at the end of the warmup")
    warmup_steps: int = Int(minimum=0, doc="steps of the linear warmup")
    decay_steps: int = Int(minimum=1, doc="the whole length, warmup included")
    end: float = Real(minimum=0.0, default=0.0, doc="the factor from decay_steps on")
    exponent: float = Real(minimum=0.0, default=1.0, doc="optax's cosine exponent")

    def validate(self) -> None:
        if self.decay_steps <= self.warmup_steps:
            raise ValueError(
                f"optax_warmup_cosine: decay_steps must be > warmup_steps (optax's cosine "
                f"needs positive decay steps), got decay_steps={self.decay_steps!r}, "
                f"warmup_steps={self.warmup_steps!r}"
            )

    def build(self) -> Schedule:
        peak = self.peak
        alpha = 0.0 if peak == 0.0 else self.end / peak
        decay = Cosine(
            start=peak,
            end=peak * alpha,
            steps=self.decay_steps - self.warmup_steps,
            exponent=self.exponent,
        )
        if self.warmup_steps == 0:
            return decay
        warmup = Polynomial(start=self.init, end=peak, steps=self.warmup_steps, power=1.0)
        return Join(schedules=[warmup, decay], boundaries=[self.warmup_steps])


class Sgdr(Schedule, name="sgdr"):
    r"""Warm-cosine cycles one after another: optax's ``sgdr_schedule``.

    Each cycle ``c_i`` is an ``optax_warmup_cosine`` lasting its ``decay_steps``
    ``D_i``; with ``S_i = D_0 + ... + D_{i-1}``:

    .. math:: f(t) = c_i(t - S_i) \quad\text{for } S_i \le t < S_{i+1}

    ``f(0) = c_0(0)``; past the last cycle its ``end`` holds.  A constructor over
    ``join``.
    """

    cycles: Sequence[Schedule] = NestedList(doc="optax_warmup_cosine schedules, in order")

    def validate(self) -> None:
        if not self.cycles:
            raise ValueError("sgdr: cycles must not be empty")
        for index, cycle in enumerate(self.cycles):
            if not isinstance(cycle, OptaxWarmupCosine):
                raise TypeError(
                    f"sgdr: cycles[{index}] must be an optax_warmup_cosine, got {cycle.name!r}"
                )

    def build(self) -> Schedule:
        cycles = [cycle for cycle in self.cycles if isinstance(cycle, OptaxWarmupCosine)]
        if len(cycles) == 1:
            return cycles[0]
        boundaries: list[int] = []
        step = 0
        for cycle in cycles[:-1]:
            step += cycle.decay_steps
            boundaries.append(step)
        return Join(schedules=cycles, boundaries=boundaries)
