"""lrcore schedules as PaddlePaddle learning-rate schedulers.

``to_paddle(schedule, learning_rate)`` gives a :class:`ScheduleLR`, a
``paddle.optimizer.lr.LRScheduler`` usable as any Paddle optimizer's
``learning_rate``: after ``k`` calls of ``scheduler.step()`` its lr is
``learning_rate * schedule(k)``, computed in float64 Python from the closed form.
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Any

try:
    from paddle.optimizer.lr import LRScheduler
except ModuleNotFoundError as error:
    if error.name != "paddle":
        raise
    raise ModuleNotFoundError(
        "lrcore_paddle needs PaddlePaddle: pip install 'lrcore[paddle]' (the CPU build, "
        "package paddlepaddle; the GPU build is paddlepaddle-gpu, from Paddle's own index)",
        name="paddle",
    ) from None

from lrcore import ScheduleLike, from_config
from lrcore._schedule import checkpoint_config
from lrcore_paddle._cawb import CosineAnnealingWarmbootingLR
from lrcore_paddle._groups import to_paddle_groups
from lrcore_paddle._hyperparams import HyperparamScheduler, to_paddle_hyperparams
from lrcore_paddle._plateau import ReduceOnPlateau
from lrcore_paddle._port import from_paddle

__all__ = [
    "CosineAnnealingWarmbootingLR",
    "HyperparamScheduler",
    "ReduceOnPlateau",
    "ScheduleLR",
    "from_paddle",
    "to_paddle",
    "to_paddle_groups",
    "to_paddle_hyperparams",
]


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
        state["schedule"] = checkpoint_config(self.schedule)
        return state

    def set_state_dict(self, state_dict: dict[str, Any]) -> None:
        saved = state_dict.get("schedule")
        current = checkpoint_config(self.schedule)
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
