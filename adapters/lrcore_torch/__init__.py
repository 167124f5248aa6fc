"""lrcore schedules as PyTorch learning-rate schedulers.

``to_torch(schedule, optimizer)`` gives a :class:`ScheduleLR`, a ``LambdaLR``
whose lambdas are lrcore schedules: after ``k`` calls of ``scheduler.step()``
each parameter group's lr is ``base_lr * schedule(k)``, computed in float64
Python from the closed form (never chained from the previous lr).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

try:
    import torch
except ModuleNotFoundError as error:
    if error.name != "torch":
        raise
    raise ModuleNotFoundError(
        "lrcore_torch needs PyTorch: pip install 'lrcore[torch]'. For the CPU-only build "
        "(no CUDA wheels), install torch first from PyTorch's CPU index: "
        "pip install torch --index-url https://download.pytorch.org/whl/cpu",
        name="torch",
    ) from None
from torch.optim.lr_scheduler import LambdaLR

from lrcore import Schedule, ScheduleLike, from_config
from lrcore._schedule import checkpoint_config
from lrcore_torch._cawb import CosineAnnealingWarmbootingLR
from lrcore_torch._hyperparams import (
    HyperparamScheduler,
    from_torch_hyperparams,
    to_torch_hyperparams,
)
from lrcore_torch._plateau import ReduceLROnPlateau
from lrcore_torch._port import from_torch

__all__ = [
    "CosineAnnealingWarmbootingLR",
    "HyperparamScheduler",
    "ReduceLROnPlateau",
    "ScheduleLR",
    "from_torch",
    "from_torch_hyperparams",
    "to_torch",
    "to_torch_hyperparams",
]

# LambdaLR keeps these as live objects, not state: the schedules are rebuilt
# from their configs, never from a checkpoint's attribute dicts.
_NOT_STATE = ("optimizer", "lr_lambdas", "schedules")


class ScheduleLR(LambdaLR):
    """A ``LambdaLR`` driven by lrcore schedules, one per parameter group.

    ``state_dict()`` holds the step counter and the base lrs, plus, for checking, each
    schedule's config (a schedule holding a callable, such as CAWB's ``lf``, is
    described with the callable named by ``module.qualname``): only primitives, so it
    loads with ``torch.load(weights_only=True)``.  ``load_state_dict()`` restores the
    counter, warns if the saved schedules differ from the live ones, and never alters
    the schedules -- torch's ``LambdaLR.load_state_dict`` would write the saved
    attribute dicts back into callable objects.  The scheduler pickles.
    """

    def __init__(
        self,
        optimizer: torch.optim.Optimizer,
        schedules: Sequence[Schedule],
        last_epoch: int = -1,
    ) -> None:
        self.schedules = tuple(schedules)
        super().__init__(optimizer, lr_lambda=list(self.schedules), last_epoch=last_epoch)

    def state_dict(self) -> dict[str, Any]:
        state = {key: value for key, value in self.__dict__.items() if key not in _NOT_STATE}
        state["schedules"] = [checkpoint_config(s) for s in self.schedules]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        state = {key: value for key, value in state_dict.items() if key not in _NOT_STATE}
        saved = state_dict.get("schedules")
        current = [checkpoint_config(s) for s in self.schedules]
        if saved is not None and saved != current:
            warnings.warn(
                f"the checkpoint was saved with schedules {saved}, this scheduler runs "
                f"{current}; keeping this scheduler's schedules",
                stacklevel=2,
            )
        self.__dict__.update(state)


def to_torch(
    schedule_or_list: ScheduleLike | Sequence[ScheduleLike],
    optimizer: torch.optim.Optimizer,
    last_epoch: int = -1,
) -> ScheduleLR:
    """Wrap lrcore schedule(s) as a torch ``LRScheduler`` for ``optimizer``.

    A single schedule (or config dict) drives every parameter group; a list gives
    one per group, as ``LambdaLR(optimizer, lr_lambda=[f1, f2])`` does.  The
    group's ``lr`` when the scheduler is built is its base lr (``initial_lr``
    when resuming with ``last_epoch >= 0``, as in torch).

    >>> scheduler = to_torch({"name": "exponential", "gamma": 0.9}, optimizer)  # doctest: +SKIP
    """
    if isinstance(schedule_or_list, (Schedule, Mapping)):
        schedules = [from_config(schedule_or_list)]
    elif isinstance(schedule_or_list, Sequence) and not isinstance(schedule_or_list, str):
        schedules = [from_config(item) for item in schedule_or_list]
        if len(schedules) != len(optimizer.param_groups):
            raise ValueError(
                f"to_torch: got {len(schedules)} schedules for "
                f"{len(optimizer.param_groups)} parameter groups"
            )
    else:
        raise TypeError(
            f"to_torch: expected a Schedule, a config dict or a list of them, "
            f"got {schedule_or_list!r}"
        )
    if len(schedules) == 1:
        schedules = schedules * len(optimizer.param_groups)
    return ScheduleLR(optimizer, schedules, last_epoch=last_epoch)
