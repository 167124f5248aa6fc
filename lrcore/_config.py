"""The config language: validation of schedule parameters.

Every schedule validates its parameters here, when it is built, so that a bad
setting fails at construction with a message naming the schedule, the field and
the value -- never as a silent wrong curve or a crash at step 10,000.
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Iterable
from typing import Any


def _describe(value: Any) -> str:
    return f"{value!r} ({type(value).__name__})"


LARGEST_INTEGER = 2**53
"""Integer parameters stay below this: every backend turns them into floats or int64."""


def integer(owner: str, field: str, value: Any, *, minimum: int) -> int:
    """Return ``value`` as an int, rejecting bools, floats and anything out of range."""
    # bool is an int subclass; True as a period is always a mistake.
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{owner}: {field} must be an integer, got {_describe(value)}")
    value = int(value)
    if value < minimum:
        raise ValueError(f"{owner}: {field} must be >= {minimum}, got {value!r}")
    if value > LARGEST_INTEGER:
        raise ValueError(f"{owner}: {field} must be <= 2**53, got {value!r}")
    return int(value)


def real(
    owner: str,
    field: str,
    value: Any,
    *,
    minimum: float | None = None,
    above: float | None = None,
) -> float:
    """Return ``value`` as a finite float, at least ``minimum`` / strictly above ``above``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{owner}: {field} must be a real number, got {_describe(value)}")
    try:
        number = float(value)
    except OverflowError:  # an int beyond float range
        raise ValueError(f"{owner}: {field} must be finite, got {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"{owner}: {field} must be finite, got {value!r}")
    if minimum is not None and number < minimum:
        raise ValueError(f"{owner}: {field} must be >= {minimum}, got {value!r}")
    if above is not None and number <= above:
        raise ValueError(f"{owner}: {field} must be > {above}, got {value!r}")
    return number


def increasing_integers(owner: str, field: str, value: Any, *, minimum: int) -> tuple[int, ...]:
    """Return a strictly increasing tuple of ints, each at least ``minimum``."""
    if isinstance(value, (str, bytes, dict)) or not isinstance(value, Iterable):
        raise TypeError(f"{owner}: {field} must be a list of integers, got {_describe(value)}")
    items = tuple(value)
    for item in items:
        integer(owner, f"{field} item", item, minimum=minimum)
    for before, after in itertools.pairwise(items):
        if after <= before:
            raise ValueError(f"{owner}: {field} must be strictly increasing, got {list(items)!r}")
    return tuple(int(item) for item in items)
