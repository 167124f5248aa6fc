"""``from_paddle``: a live Paddle scheduler as an lrcore schedule.

Porting reads a scheduler's constructor settings, never its current lr, so a
scheduler already stepped ports its whole curve from step 0.  Each supported
class has a *porter*, registered with :func:`porter` from a ``_port_*.py`` module.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lrcore import Schedule

Pair = tuple[float, Schedule]
"""``(base_lr, schedule)``."""

Porter = Callable[[Any], Pair]

_PORTERS: list[tuple[Callable[[Any], bool], Porter]] = []


def porter(match: type | Callable[[Any], bool]) -> Callable[[Porter], Porter]:
    """Register ``fn(scheduler) -> (base_lr, schedule)`` for schedulers of class ``match``
    (exactly, not subclasses) or for which ``match(scheduler)`` is true."""
    test: Callable[[Any], bool]
    if isinstance(match, type):
        cls = match

        def test(scheduler: Any) -> bool:
            return type(scheduler) is cls

    else:
        test = match

    def register(fn: Porter) -> Porter:
        _PORTERS.append((test, fn))
        return fn

    return register


def from_paddle(scheduler: Any) -> Pair:
    """``(base_lr, schedule)`` with ``base_lr * schedule(k)`` equal to the scheduler's lr
    after ``k`` calls of its ``step()``, from step 0.  Raises ``TypeError`` naming what
    cannot be ported (a ``LambdaDecay`` over an arbitrary function, a custom class)."""
    _load_porters()
    for test, fn in _PORTERS:
        if test(scheduler):
            return fn(scheduler)
    raise TypeError(
        f"from_paddle: cannot port {type(scheduler).__module__}.{type(scheduler).__qualname__}: "
        "no closed form is known for this class (supported: the schedulers of "
        "paddle.optimizer.lr, and LambdaDecay/MultiplicativeDecay over lrcore schedules)"
    )


def _load_porters() -> None:
    import importlib
    import pkgutil

    import lrcore_paddle

    for module in pkgutil.iter_modules(lrcore_paddle.__path__):
        if module.name.startswith("_port_"):
            importlib.import_module(f"lrcore_paddle.{module.name}")
