"""``from_torch``: a live torch (or transformers, or timm) scheduler as lrcore schedules.

Porting reads a scheduler's *constructor* settings (and the groups' base lrs),
never its current lr, so a scheduler already stepped ports its whole curve from
step 0.  Each supported class has a *porter*, registered with :func:`porter`;
the porters live next to the schedules they produce (``_port_*.py``).
"""

from __future__ import annotations

from typing import Any

from lrcore import Schedule
from lrcore._porting import Porters

Pairs = list[tuple[float, Schedule]]
"""One ``(base_lr, schedule)`` per parameter group."""

_PORTERS: Porters[Pairs] = Porters("from_torch", "lrcore_torch")
porter = _PORTERS.register


def from_torch(scheduler: Any) -> Pairs:
    """The ``(base_lr, schedule)`` of every parameter group of a live torch scheduler.

    ``base_lr * schedule(k)`` is the lr the group has at update ``k`` (after ``k``
    calls of ``scheduler.step()``) under the native, from step 0, whatever the
    scheduler's current step.  Raises ``TypeError`` naming what cannot be ported
    (a ``LambdaLR`` over an arbitrary function, a custom class) and why.
    """
    return _PORTERS.port(
        scheduler,
        "the schedulers of torch.optim.lr_scheduler, transformers' get_scheduler, timm's "
        "schedulers, and LambdaLR/MultiplicativeLR over lrcore schedules",
    )
