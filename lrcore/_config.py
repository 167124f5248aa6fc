"""The config language: validation of schedule parameters.

Every schedule validates its parameters here, when it is built, so that a bad
setting fails at construction with a message naming the schedule, the field and
the value -- never as a silent wrong curve or a crash at step 10,000.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math
import numbers
from collections.abc import Callable, Iterable, Mapping
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


def boolean(owner: str, field: str, value: Any) -> bool:
    """Return ``value`` if it is ``True`` or ``False`` (not 0/1, not a string)."""
    if not isinstance(value, bool):
        raise TypeError(f"{owner}: {field} must be True or False, got {_describe(value)}")
    return value


def choice(owner: str, field: str, value: Any, *, options: tuple[str, ...]) -> str:
    """Return ``value`` if it is one of the strings ``options``."""
    if not isinstance(value, str) or value not in options:
        allowed = ", ".join(repr(option) for option in options)
        raise ValueError(f"{owner}: {field} must be one of {allowed}, got {_describe(value)}")
    return value


def integers(
    owner: str, field: str, value: Any, *, minimum: int, increasing: str | None = None
) -> tuple[int, ...]:
    """A tuple of ints, each at least ``minimum``.

    ``increasing="strict"`` requires strictly increasing items, ``"weak"`` allows repeats
    (torch's ``MultiStepLR`` counts a repeated milestone twice).
    """
    items = _sequence(owner, field, value, "integers")
    for index, item in enumerate(items):
        integer(owner, f"{field}[{index}]", item, minimum=minimum)
    if increasing is not None:
        for before, after in itertools.pairwise(items):
            if after < before or (increasing == "strict" and after == before):
                adjective = "strictly increasing" if increasing == "strict" else "non-decreasing"
                raise ValueError(f"{owner}: {field} must be {adjective}, got {list(items)!r}")
    return tuple(int(item) for item in items)


def reals(
    owner: str, field: str, value: Any, *, minimum: float | None = None, nonempty: bool = False
) -> tuple[float, ...]:
    """A tuple of finite floats, each at least ``minimum``."""
    items = _sequence(owner, field, value, "real numbers")
    if nonempty and not items:
        raise ValueError(f"{owner}: {field} must not be empty")
    return tuple(
        real(owner, f"{field}[{index}]", item, minimum=minimum) for index, item in enumerate(items)
    )


def _sequence(owner: str, field: str, value: Any, what: str) -> tuple[Any, ...]:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise TypeError(f"{owner}: {field} must be a list of {what}, got {_describe(value)}")
    return tuple(value)


# Field specifiers: a schedule declares each parameter once, as a dataclass field
# carrying its validator (``step_size: int = Int(minimum=1)``).  The validator runs
# when the schedule is built and returns the normalised value the field keeps.

Check = Callable[[str, str, Any], Any]
"""``check(schedule name, field name, value) -> normalised value``; raises on bad input."""


def _field(check: Check, default: Any, doc: str) -> Any:
    metadata = {"check": check, "doc": doc}
    if default is dataclasses.MISSING:
        return dataclasses.field(metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def Int(*, minimum: int = 0, default: Any = dataclasses.MISSING, doc: str = "") -> Any:  # noqa: N802
    """An integer parameter ``>= minimum`` (and ``<= 2**53``)."""
    return _field(functools.partial(integer, minimum=minimum), default, doc)


def Real(  # noqa: N802
    *,
    minimum: float | None = None,
    above: float | None = None,
    default: Any = dataclasses.MISSING,
    doc: str = "",
) -> Any:
    """A finite real parameter, ``>= minimum`` or ``> above``."""
    return _field(functools.partial(real, minimum=minimum, above=above), default, doc)


def Bool(*, default: Any = dataclasses.MISSING, doc: str = "") -> Any:  # noqa: N802
    """``True`` or ``False``."""
    return _field(boolean, default, doc)


def Choice(*options: str, default: Any = dataclasses.MISSING, doc: str = "") -> Any:  # noqa: N802
    """One of the strings ``options``."""
    return _field(functools.partial(choice, options=options), default, doc)


def Ints(  # noqa: N802
    *,
    minimum: int = 0,
    increasing: str | None = "strict",
    default: Any = dataclasses.MISSING,
    doc: str = "",
) -> Any:
    """A list of integers (kept as a tuple), strictly increasing unless told otherwise."""
    check = functools.partial(integers, minimum=minimum, increasing=increasing)
    return _field(check, default, doc)


def Reals(  # noqa: N802
    *,
    minimum: float | None = None,
    nonempty: bool = False,
    default: Any = dataclasses.MISSING,
    doc: str = "",
) -> Any:
    """A list of finite reals (kept as a tuple)."""
    return _field(functools.partial(reals, minimum=minimum, nonempty=nonempty), default, doc)


def Custom(check: Check, *, default: Any = dataclasses.MISSING, doc: str = "") -> Any:  # noqa: N802
    """A parameter with its own validator ``check(owner, field, value) -> value``."""
    return _field(check, default, doc)
