"""Per-group schedules on Paddle: ``to_paddle_groups``.

Paddle has ONE ``LRScheduler`` per optimizer.  A parameter group's ``"learning_rate"``
is not an lr but a *multiplier*: ``Optimizer._add_param_group`` copies it into every
parameter's ``optimize_attr["learning_rate"]``, and at every ``optimizer.step()`` the
update of each parameter uses ``global_lr * optimize_attr["learning_rate"]``
(``Optimizer._create_param_lr``, called from ``_append_optimize_op`` of SGD, Momentum,
Adam and AdamW, and from their multi-tensor paths, on every step; it is never cached
in a tensor).  A torch-style ``{"params": ..., "lr": 0.1}`` group is therefore silently
ignored by Paddle (the ``"lr"`` key is unknown), which is how a converted script loses
its per-group learning rates.

``GroupsLR`` drives the global lr at exactly ``1.0`` and writes each group's whole lr
``base_g * schedule_g(k)`` into its parameters' multipliers, so the update of group
``g`` uses ``1.0 * base_g * schedule_g(k)``: exact in float64, whatever shapes the
groups' schedules have (a multiplier relative to group 0 would divide by group 0's
lr, which is 0 at the start of a warmup).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

from paddle.optimizer.lr import LRScheduler

from lrcore import Schedule, from_config
from lrcore._schedule import checkpoint_config


def _tensor_type() -> type:
    import paddle

    return paddle.Tensor


class GroupsLR(LRScheduler):
    """One Paddle ``LRScheduler`` carrying one lrcore schedule per parameter group.

    After ``k`` calls of ``step()``, the parameters of group ``g`` are updated with
    ``bases[g] * schedules[g](k)``.  The scheduler's own lr (``last_lr``, what
    ``optimizer.get_lr()`` reports) is always ``1.0``: it is the global lr Paddle
    multiplies each parameter's multiplier by.  ``group_lrs()`` gives the real lrs.

    The multipliers are written when the step changes (construction, ``step()``,
    ``set_state_dict()``) and again whenever the optimizer reads the lr (``__call__``,
    once per ``optimizer.step()``), so an optimizer built after the scheduler was
    stepped, or a group dict whose ``"learning_rate"`` went stale, still gets the
    right lr.  ``state_dict()`` holds ``last_epoch``, ``last_lr`` and the groups'
    bases and schedule configs (for checking); ``set_state_dict()`` restores the step
    and never alters the schedules.
    """

    def __init__(
        self,
        bases: Sequence[float],
        schedules: Sequence[Schedule],
        parameters: Sequence[Sequence[Any]],
        last_epoch: int = -1,
        verbose: bool = False,
    ) -> None:
        self.bases = [float(base) for base in bases]
        self.schedules = list(schedules)
        self.group_parameters = [list(group) for group in parameters]
        super().__init__(learning_rate=1.0, last_epoch=last_epoch, verbose=verbose)

    def group_lrs(self) -> list[float]:
        """The lr of each group for the coming update (``base_g * schedule_g(last_epoch)``)."""
        step = max(self.last_epoch, 0)
        return [
            base * schedule(step) for base, schedule in zip(self.bases, self.schedules, strict=True)
        ]

    def _apply(self) -> None:
        for lr, group in zip(self.group_lrs(), self.group_parameters, strict=True):
            for parameter in group:
                parameter.optimize_attr["learning_rate"] = lr

    def get_lr(self) -> float:
        return 1.0

    def step(self, epoch: int | None = None) -> None:
        super().step(epoch)
        self._apply()

    def __call__(self) -> float:
        # Paddle reads the scheduler once per optimizer.step(), just before it reads the
        # parameters' multipliers: refreshing them here makes them right whatever
        # happened to them since (an optimizer constructor copying a stale group dict).
        self._apply()
        return float(self.last_lr)

    def state_dict(self) -> dict[str, Any]:  # type: ignore[override]
        state: dict[str, Any] = dict(super().state_dict())
        state["bases"] = list(self.bases)
        # The config, or, for a schedule holding a callable (CAWB's lf), a
        # description naming it (to_config() would raise).
        state["schedules"] = [checkpoint_config(s) for s in self.schedules]
        return state

    def set_state_dict(self, state_dict: dict[str, Any]) -> None:  # type: ignore[override]
        saved = (state_dict.get("bases"), state_dict.get("schedules"))
        live = (self.bases, [checkpoint_config(s) for s in self.schedules])
        if saved[1] is not None and (list(saved[0] or []), list(saved[1])) != live:
            warnings.warn(
                f"the checkpoint was saved with groups (bases, schedules) {saved}, this "
                f"scheduler runs {live}; keeping this scheduler's groups",
                stacklevel=2,
            )
        # Paddle's loader warns about any key it does not know; these are ours.
        core = {k: v for k, v in state_dict.items() if k not in ("bases", "schedules")}
        super().set_state_dict(core)  # type: ignore[arg-type]
        self.last_lr = 1.0
        self._apply()

    set_dict = set_state_dict  # type: ignore[assignment]


def _check_pair(index: int, pair: Any) -> tuple[float, Schedule]:
    if not isinstance(pair, (tuple, list)) or len(pair) != 2:
        raise TypeError(
            f"to_paddle_groups: pairs[{index}] must be a (base_lr, schedule) pair, got {pair!r}"
        )
    base, schedule = pair
    if isinstance(base, bool) or not isinstance(base, (int, float)):
        raise TypeError(
            f"to_paddle_groups: pairs[{index}] base_lr must be a number, got {base!r} "
            f"({type(base).__name__})"
        )
    if not math.isfinite(base) or base < 0:
        raise ValueError(
            f"to_paddle_groups: pairs[{index}] base_lr must be finite and >= 0, got {base!r}"
        )
    try:
        built = from_config(schedule)
    except (TypeError, ValueError) as error:
        raise type(error)(f"to_paddle_groups: pairs[{index}] schedule: {error}") from error
    return float(base), built


def _check_group(index: int, group: Any, tensor: type) -> list[Any]:
    if isinstance(group, (tensor, dict, str, bytes)):
        raise TypeError(
            f"to_paddle_groups: parameters[{index}] must be a list of Paddle parameters "
            f"(one list per group), got {type(group).__name__}"
        )
    try:
        members = list(group)
    except TypeError:
        raise TypeError(
            f"to_paddle_groups: parameters[{index}] must be a list of Paddle parameters, "
            f"got {group!r}"
        ) from None
    if not members:
        raise ValueError(f"to_paddle_groups: parameters[{index}] is empty")
    for position, parameter in enumerate(members):
        if not isinstance(parameter, tensor) or getattr(parameter, "optimize_attr", None) is None:
            raise TypeError(
                f"to_paddle_groups: parameters[{index}][{position}] must be a Paddle "
                f"parameter (with optimize_attr), got {type(parameter).__name__}"
            )
    return members


def to_paddle_groups(
    pairs: Sequence[tuple[float, Any]],
    parameters: Sequence[Sequence[Any]],
    last_epoch: int = -1,
) -> tuple[GroupsLR, list[dict[str, Any]]]:
    """One schedule per Paddle parameter group, on Paddle's single-scheduler optimizers.

    ``pairs`` holds one ``(base_lr, schedule)`` per group, as ``lrcore_torch.from_torch``
    returns them (schedules may be configs); ``parameters`` one list of Paddle parameters
    per group.  Returns ``(scheduler, groups)``::

        scheduler, groups = to_paddle_groups(from_torch(torch_scheduler), [p0, p1])
        optimizer = paddle.optimizer.AdamW(learning_rate=scheduler, parameters=groups)

    After ``k`` calls of ``scheduler.step()`` the update of group ``g`` uses
    ``base_g * schedule_g(k)``.  The optimizer's own lr reads ``1.0`` (see
    :class:`GroupsLR`); ``scheduler.group_lrs()`` gives the groups' lrs.  Add other
    per-group options (``weight_decay``, ...) to the returned dicts; do not set their
    ``"learning_rate"``: the scheduler owns it.  ``last_epoch`` means what it means for
    Paddle's schedulers (and ``to_paddle``): the scheduler starts at step
    ``last_epoch + 1``.  Resuming through ``scheduler.state_dict()`` or
    ``optimizer.state_dict()`` / ``set_state_dict()`` restores the step exactly.
    """
    if isinstance(pairs, (str, bytes, dict)) or not isinstance(pairs, Sequence):
        raise TypeError(
            f"to_paddle_groups: pairs must be a list of (base_lr, schedule), got {pairs!r}"
        )
    if isinstance(parameters, (str, bytes, dict)) or not isinstance(parameters, Sequence):
        raise TypeError(
            "to_paddle_groups: parameters must be a list with one list of parameters per "
            f"group, got {type(parameters).__name__}"
        )
    if not pairs:
        raise ValueError(
            "to_paddle_groups: pairs is empty (need one (base_lr, schedule) per group)"
        )
    if len(pairs) != len(parameters):
        raise ValueError(
            f"to_paddle_groups: len(pairs) = {len(pairs)} but len(parameters) = "
            f"{len(parameters)}: give one list of parameters per (base_lr, schedule) pair"
        )
    if isinstance(last_epoch, bool) or not isinstance(last_epoch, int):
        raise TypeError(f"to_paddle_groups: last_epoch must be an int, got {last_epoch!r}")
    if last_epoch < -1:
        raise ValueError(f"to_paddle_groups: last_epoch must be >= -1, got {last_epoch!r}")
    checked = [_check_pair(index, pair) for index, pair in enumerate(pairs)]
    tensor = _tensor_type()
    groups = [_check_group(index, group, tensor) for index, group in enumerate(parameters)]
    seen: dict[int, int] = {}
    for index, group in enumerate(groups):
        for parameter in group:
            first = seen.setdefault(id(parameter), index)
            if first != index:
                raise ValueError(
                    f"to_paddle_groups: parameter {getattr(parameter, 'name', parameter)!r} "
                    f"appears in more than one group (groups {first} and {index})"
                )
        if len({id(parameter) for parameter in group}) != len(group):
            raise ValueError(f"to_paddle_groups: parameters[{index}] lists a parameter twice")
    scheduler = GroupsLR(
        [base for base, _ in checked],
        [schedule for _, schedule in checked],
        groups,
        last_epoch=last_epoch,
    )
    dicts = [
        {"params": group, "learning_rate": lr}
        for group, lr in zip(groups, scheduler.group_lrs(), strict=True)
    ]
    return scheduler, dicts
