"""lrcore schedules as PaddlePaddle learning-rate schedulers.

``to_paddle(schedule, learning_rate)`` gives a :class:`ScheduleLR`, a
``paddle.optimizer.lr.LRScheduler`` usable as any Paddle optimizer's
``learning_rate``: after ``k`` calls of ``scheduler.step()`` its lr is
``learning_rate * schedule(k)``, computed in float64 Python from the closed form.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import re
import warnings
from typing import Any

from paddle.optimizer.lr import LRScheduler

from lrcore import Schedule, ScheduleLike, from_config
from lrcore_paddle._cawb import CosineAnnealingWarmbootingLR
from lrcore_paddle._groups import to_paddle_groups
from lrcore_paddle._port import from_paddle

__all__ = [
    "CosineAnnealingWarmbootingLR",
    "ScheduleLR",
    "from_paddle",
    "to_paddle",
    "to_paddle_groups",
]

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def _checkpoint_description(schedule: Schedule) -> Any:
    """What a checkpoint stores to recognise ``schedule`` on load: its config when it has one.

    A schedule holding a Python callable (CAWB's ``lf``) has no JSON config; its
    description is the same dict with each such value replaced by a string naming it
    (``"<callable module.qualname>"``), so that a checkpoint still saves and compares
    equal across processes (a ``repr`` would hold the callable's memory address).  It
    describes, it does not rebuild: ``from_config`` rejects the string where a
    callable belongs.  (The same rule as ``lrcore_torch``'s; the adapters share no code.)
    """
    try:
        return schedule.to_config()
    except TypeError:
        return _describe(schedule)


def _describe(value: Any) -> Any:
    if isinstance(value, Schedule):
        name = value.name or f"<unregistered {_qualified(type(value))}>"
        fields = {
            f.name: _describe(getattr(value, f.name))
            for f in dataclasses.fields(value)  # type: ignore[arg-type]
        }
        return {"name": name, **fields}
    if isinstance(value, (tuple, list)):
        return [_describe(item) for item in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "__qualname__"):
        return f"<callable {_qualified(value)}>"
    return f"<{_ADDRESS.sub('', repr(value))}>"


def _qualified(value: Any) -> str:
    return f"{getattr(value, '__module__', '?')}.{value.__qualname__}"


class ScheduleLR(LRScheduler):
    """A Paddle ``LRScheduler`` whose lr is ``base_lr * schedule(last_epoch)``.

    ``get_lr()`` is pure (it reads the step counter, never advances anything).
    ``state_dict()`` holds ``last_epoch`` and ``last_lr``, plus, for checking, the
    schedule's config (a schedule holding a callable, such as CAWB's ``lf``, is
    described with the callable named by ``module.qualname``); ``set_state_dict()``
    restores them, warns if the saved schedule differs from the live one, and never
    alters the schedule.
    """

    def __init__(
        self,
        schedule: ScheduleLike,
        learning_rate: float,
        last_epoch: int = -1,
        verbose: bool = False,
    ) -> None:
        self.schedule = from_config(schedule)
        super().__init__(learning_rate=learning_rate, last_epoch=last_epoch, verbose=verbose)

    def get_lr(self) -> float:
        return float(self.base_lr * self.schedule(self.last_epoch))

    def state_dict(self) -> dict[str, Any]:
        state: dict[str, Any] = super().state_dict()
        state["schedule"] = _checkpoint_description(self.schedule)
        return state

    def set_state_dict(self, state_dict: dict[str, Any]) -> None:
        saved = state_dict.get("schedule")
        current = _checkpoint_description(self.schedule)
        if saved is not None and saved != current:
            warnings.warn(
                f"the checkpoint was saved with schedule {saved}, this scheduler runs "
                f"{current}; keeping this scheduler's schedule",
                stacklevel=2,
            )
        # Paddle's loader warns about any key it does not know; "schedule" is ours.
        super().set_state_dict({key: v for key, v in state_dict.items() if key != "schedule"})

    set_dict = set_state_dict


def to_paddle(schedule: ScheduleLike, learning_rate: float, last_epoch: int = -1) -> ScheduleLR:
    """Wrap an lrcore schedule (or config dict) as a Paddle ``LRScheduler``.

    >>> scheduler = to_paddle({"name": "exponential", "gamma": 0.9}, 0.1)  # doctest: +SKIP
    >>> optimizer = paddle.optimizer.SGD(learning_rate=scheduler, parameters=...)  # doctest: +SKIP
    """
    # As schedule parameters: any real (NumPy scalars too), finite and >= 0.
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, numbers.Real):
        raise TypeError(
            f"to_paddle: learning_rate must be a real number, got {learning_rate!r} "
            f"({type(learning_rate).__name__})"
        )
    if not math.isfinite(learning_rate) or learning_rate < 0:
        raise ValueError(f"to_paddle: learning_rate must be finite and >= 0, got {learning_rate!r}")
    return ScheduleLR(schedule, float(learning_rate), last_epoch=last_epoch)
