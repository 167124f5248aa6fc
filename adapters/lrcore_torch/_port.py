"""``from_torch``: a live torch (or transformers, or timm) scheduler as lrcore schedules.

Porting reads a scheduler's *constructor* settings (and the groups' base lrs),
never its current lr, so a scheduler already stepped ports its whole curve from
step 0.  Each supported class has a *porter*, registered with :func:`porter`;
the porters live next to the schedules they produce (``_port_*.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lrcore import Schedule

Pairs = list[tuple[float, Schedule]]
"""One ``(base_lr, schedule)`` per parameter group."""

Porter = Callable[[Any], Pairs]

_PORTERS: list[tuple[Callable[[Any], bool], Porter]] = []


def porter(match: type | Callable[[Any], bool]) -> Callable[[Porter], Porter]:
    """Register ``fn(scheduler) -> pairs`` for schedulers of class ``match`` (exactly,
    not subclasses: a subclass may change the curve) or for which ``match(s)`` is true."""
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


def from_torch(scheduler: Any) -> Pairs:
    """The ``(base_lr, schedule)`` of every parameter group of a live torch scheduler.

    ``base_lr * schedule(k)`` is the lr the group has at update ``k`` (after ``k``
    calls of ``scheduler.step()``) under the native, from step 0, whatever the
    scheduler's current step.  Raises ``TypeError`` naming what cannot be ported
    (a ``LambdaLR`` over an arbitrary function, a custom class) and why.
    """
    _load_porters()
    for test, fn in _PORTERS:
        if test(scheduler):
            return fn(scheduler)
    raise TypeError(
        f"from_torch: cannot port {type(scheduler).__module__}.{type(scheduler).__qualname__}: "
        "no closed form is known for this class (supported: the schedulers of "
        "torch.optim.lr_scheduler, transformers' get_scheduler, timm's schedulers, and "
        "LambdaLR/MultiplicativeLR over lrcore schedules)"
    )


def _load_porters() -> None:
    # Imported on first use: each module registers its porters when imported.
    import importlib
    import pkgutil

    import lrcore_torch

    for module in pkgutil.iter_modules(lrcore_torch.__path__):
        if module.name.startswith("_port_"):
            importlib.import_module(f"lrcore_torch.{module.name}")
