"""``from_paddle``: a live Paddle scheduler as an lrcore schedule.

Porting reads a scheduler's constructor settings, never its current lr, so a
scheduler already stepped ports its whole curve from step 0.  Each supported
class has a *porter*, registered with :func:`porter` from a ``_port_*.py`` module.
"""

from __future__ import annotations

from typing import Any

from lrcore import Schedule
from lrcore._porting import Porters

Pair = tuple[float, Schedule]
"""``(base_lr, schedule)``."""

_PORTERS: Porters[Pair] = Porters("from_paddle", "lrcore_paddle")
porter = _PORTERS.register


def from_paddle(scheduler: Any) -> Pair:
    """``(base_lr, schedule)`` with ``base_lr * schedule(k)`` equal to the scheduler's lr
    after ``k`` calls of its ``step()``, from step 0.  Raises ``TypeError`` naming what
    cannot be ported (a ``LambdaDecay`` over an arbitrary function, a custom class)."""
    return _PORTERS.port(
        scheduler,
        "the schedulers of paddle.optimizer.lr, and LambdaDecay/MultiplicativeDecay over "
        "lrcore schedules",
    )
