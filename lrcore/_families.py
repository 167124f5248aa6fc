"""The formula families shared by the schedules: each written once, as ``fn(t, xp, *params)``.

``t`` is the step local to the piece (an int, an integer array, or a float array
under a continuous ``per_iteration``), ``xp`` the math namespace
(:mod:`lrcore._scalar_math` for ints, the array's namespace otherwise).  Families
are written with the arithmetic of the natives they reproduce, in the same order,
so that values agree to the last bit where the natives compute in float64.
"""

from __future__ import annotations

import math
import sys
from typing import Any

from lrcore import _scalar_math
from lrcore._pieces import family, periodic


@family
def constant(t: Any, xp: Any, value: float) -> Any:
    """``value``."""
    return value


@family
def affine(t: Any, xp: Any, start: float, slope: float) -> Any:
    """``start + slope * t``."""
    return start + slope * t


@family
def ratio(t: Any, xp: Any, offset: float, sign: float, denominator: float) -> Any:
    """``(offset + sign * t) / denominator``: a ramp written as a recipe writes it."""
    return (offset + sign * t) / denominator


LOG_LARGEST = math.log(sys.float_info.max)
"""``exp`` of anything above this is beyond float64 (``exp(LOG_LARGEST)`` is finite)."""


def saturating_exp(x: Any, xp: Any) -> Any:
    """``exp(x)``, ``inf`` past float64's range -- without NumPy's overflow warning.

    Growth (``gamma > 1``) reaches ``inf`` at some late step; NumPy would warn there
    (an error under ``-W error``), so the overflowing exponents are selected with
    ``where`` instead of computed.  Python ints use the saturating ``math.exp``.
    """
    if xp is _scalar_math:
        return xp.exp(x)
    return xp.where(x > LOG_LARGEST, math.inf, xp.exp(xp.minimum(x, LOG_LARGEST)))


@family
def exponential(t: Any, xp: Any, scale: float, log_rate: float) -> Any:
    """``scale * exp(log_rate * t)``: ``scale * rate ** t`` with the log taken in float64.

    float32 backends then lose no precision to the rate itself being rounded
    (``0.999 ** 300`` in float32 is off by 1e-5).  Growth saturates to ``inf``.
    """
    return scale * saturating_exp(log_rate * t, xp)


@family
def staircase_exponential(t: Any, xp: Any, log_rate: float, step_size: int) -> Any:
    """``exp(log_rate * (t // step_size))``: ``rate ** floor(t / step_size)``."""
    return saturating_exp(log_rate * (t // step_size), xp)


@family
def staircase_linear(t: Any, xp: Any, start: float, increment: float, step_size: int) -> Any:
    """``start + increment * (t // step_size)``."""
    return start + increment * (t // step_size)


@family(period=lambda midpoint, half_range, angular, period: period)
def cosine(t: Any, xp: Any, midpoint: float, half_range: float, angular: float, period: int) -> Any:
    """``midpoint + half_range * cos(angular * t)``; repeats every ``period`` steps.

    ``angular = pi / length`` and ``period = 2 * length`` for a cosine over ``length``.
    """
    return midpoint + half_range * xp.cos(angular * periodic(t, period))


@cosine.scalar
def _cosine_scalar(
    t: int, xp: Any, midpoint: float, half_range: float, angular: float, period: int
) -> float:
    # The phase of the reduced step: exact past the end, as on every other path.
    return midpoint + half_range * xp.cos(angular * (t % period))  # type: ignore[no-any-return]


@family
def blend(t: Any, xp: Any, start: float, length: int) -> Any:
    """``start * (1 - t / length) + t / length``: torchvision's warmup factor."""
    alpha = t / length
    return start * (1 - alpha) + alpha


@family
def interpolate_linear(t: Any, xp: Any, start: float, end: float, steps: int) -> Any:
    """``start + (end - start) * min(t, steps) / steps``: a ramp that holds ``end``."""
    return start + (end - start) * (xp.minimum(t, steps) / steps)


@family
def interpolate_polynomial(
    t: Any, xp: Any, start: float, end: float, steps: int, power: float
) -> Any:
    """``end + (start - end) * (1 - min(t, steps) / steps) ** power``; holds ``end``.

    The remaining fraction is ``(steps - min(t, steps)) / steps``: the subtraction in
    integers makes it exactly 0 at the end (XLA turns ``t / steps`` into
    ``t * (1 / steps)``, whose float32 rounding would leave ``2e-8 ** power``).
    """
    return end + (start - end) * ((steps - xp.minimum(t, steps)) / steps) ** power


@family
def interpolate_cosine(
    t: Any, xp: Any, start: float, end: float, steps: int, exponent: float
) -> Any:
    """``end + (start - end) * ((1 + cos(pi * min(t, steps) / steps)) / 2) ** exponent``."""
    progress = xp.minimum(t, steps) / steps
    return end + (start - end) * ((1.0 + xp.cos(math.pi * progress)) / 2.0) ** exponent
