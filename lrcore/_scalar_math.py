"""The array-API-style namespace formulas see when the step is a Python int.

``math`` plus the few array functions formulas use (``where``, ``minimum``,
``maximum``).  A module rather than an object: attribute lookups on a module are
the fastest Python has, and the scalar path is the hot one.
"""

from __future__ import annotations

import math
from math import cos, floor, log
from typing import Any

__all__ = ["cos", "exp", "floor", "log", "maximum", "minimum", "where"]

minimum = min
maximum = max


def exp(x: float) -> float:
    """``math.exp`` that saturates to ``inf``, as NumPy and JAX do.

    Growth schedules (``gamma > 1``) would otherwise raise ``OverflowError`` at
    some late step.
    """
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def where(condition: Any, if_true: Any, if_false: Any) -> Any:
    return if_true if condition else if_false
