"""``ReduceLROnPlateau``: torch's class, decided by lrcore's pure reducer, over any schedule."""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import torch
from torch.optim.lr_scheduler import ReduceLROnPlateau as _TorchReduceLROnPlateau

from lrcore import Schedule, ScheduleLike, from_config
from lrcore._plateau import Plateau, PlateauState, plateau_update
from lrcore._schedule import checkpoint_config

__all__ = ["ReduceLROnPlateau"]

_CONFIG_KEYS = ("mode", "factor", "patience", "threshold", "threshold_mode", "cooldown", "eps")
_STATE_KEYS = ("best", "num_bad_epochs", "cooldown_counter", "last_epoch")


class ReduceLROnPlateau(_TorchReduceLROnPlateau):
    r"""torch's ``ReduceLROnPlateau``, with an optional step-based lrcore schedule underneath.

    A drop-in: the same arguments, ``step(metrics)``, ``get_last_lr()``, the same
    attributes (``best``, ``num_bad_epochs``, ``cooldown_counter``, ``last_epoch``,
    ``min_lrs``, ...), and an instance of torch's class (so that Lightning, the
    Hugging Face Trainer and others pass it the metric).  The decisions are
    ``lrcore._plateau.plateau_update``'s, which reproduces torch's ``step(metrics)``
    exactly: the same cuts at the same evaluations, the same levels to the last bit.

    ``schedule``: ``None``, an lrcore schedule or config dict for every group, or a list
    of them, one per group.  After ``k`` calls of ``step(metric)`` the lr of group ``g``
    is

    .. math:: \mathrm{lr}_g(k) = \mathrm{level}_g(k) \cdot \mathrm{schedule}_g(k)

    where ``level_g`` starts at the group's lr when the scheduler is built and is cut
    by the plateau (``min_lr`` and ``eps`` compare levels, not the scheduled lr: a
    warmup or a cosine underneath neither triggers nor blocks a cut).  At construction
    the lr becomes ``level_g(0) * schedule_g(0)``.  Every lr is written from this closed
    form at every step, never chained from the optimizer's current lr: compose with
    ``schedule=`` rather than by stepping a second scheduler on the same optimizer.
    Without a schedule the lrs are exactly torch's.

    ``state_dict()`` holds torch's keys plus ``levels``, ``base_lrs`` and the schedules'
    configs (for checking), only primitives: it loads with
    ``torch.load(weights_only=True)``.  ``load_state_dict()`` restores the counters, the
    levels and the configuration (as torch's does), warns if the saved schedules differ
    from the live ones (keeping the live ones), and writes the resumed lrs into the
    optimizer.  A state dict of torch's own class loads too (its ``_last_lr`` are the
    levels) when there is no schedule.
    """

    def __init__(
        self,
        optimizer: torch.optim.Optimizer,
        mode: str = "min",
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 1e-4,
        threshold_mode: str = "rel",
        cooldown: int = 0,
        min_lr: float | Sequence[float] = 0,
        eps: float = 1e-8,
        schedule: ScheduleLike | Sequence[ScheduleLike] | None = None,
    ) -> None:
        if not isinstance(optimizer, torch.optim.Optimizer):
            raise TypeError(
                f"ReduceLROnPlateau: optimizer must be a torch.optim.Optimizer, got "
                f"{type(optimizer).__name__}"
            )
        self.optimizer = optimizer
        groups = len(optimizer.param_groups)
        per_group = isinstance(min_lr, (list, tuple))
        cfg = Plateau(
            mode=mode,
            factor=factor,
            patience=patience,
            threshold=threshold,
            threshold_mode=threshold_mode,
            cooldown=cooldown,
            min_lr=tuple(min_lr) if per_group else min_lr,  # type: ignore[arg-type]
            eps=eps,
        )
        self.schedules = _schedules(schedule, groups)
        self.base_lrs = [float(group["lr"]) for group in optimizer.param_groups]
        for name in _CONFIG_KEYS:
            setattr(self, name, getattr(cfg, name))
        self.default_min_lr: float | None = None if per_group else float(min_lr)  # type: ignore[arg-type]
        self.min_lrs = list(cfg.min_lrs(groups))
        self.mode_worse = math.inf if cfg.mode == "min" else -math.inf
        self.best: float = self.mode_worse
        self.num_bad_epochs = 0
        self.cooldown_counter = 0
        self.last_epoch = 0
        self.levels = list(self.base_lrs)
        self._write_lrs()

    def config(self) -> Plateau:
        """The reducer's configuration, from the (torch-named) attributes."""
        values = {name: getattr(self, name) for name in _CONFIG_KEYS}
        return Plateau(**values, min_lr=tuple(self.min_lrs))

    def state(self) -> PlateauState:
        """The reducer's state, from the (torch-named) attributes."""
        values = [getattr(self, name) for name in _STATE_KEYS]
        return PlateauState(*values, lrs=tuple(self.levels))

    def step(self, metrics: Any, epoch: int | None = None) -> None:  # type: ignore[override]
        """One evaluation: update the plateau with ``metrics`` (converted with ``float``)."""
        groups = len(self.optimizer.param_groups)
        if groups != len(self.levels):
            raise RuntimeError(
                f"ReduceLROnPlateau: the optimizer has {groups} parameter groups, the "
                f"scheduler was built for {len(self.levels)}"
            )
        state = self.state()
        if epoch is not None:
            warnings.warn(
                "ReduceLROnPlateau.step(metrics, epoch) is deprecated in torch; the epoch "
                "sets last_epoch (the schedule's step) as torch's does",
                UserWarning,
                stacklevel=2,
            )
            state = state._replace(last_epoch=epoch - 1)
        state = plateau_update(state, float(metrics), self.config())
        for name in _STATE_KEYS:
            setattr(self, name, getattr(state, name))
        self.levels = list(state.lrs)
        self._write_lrs()

    def _write_lrs(self) -> None:
        if self.schedules is None:
            lrs = list(self.levels)
        else:
            step = self.last_epoch
            lrs = [
                level * schedule(step)
                for level, schedule in zip(self.levels, self.schedules, strict=True)
            ]
        for group, lr in zip(self.optimizer.param_groups, lrs, strict=True):
            if isinstance(group["lr"], torch.Tensor):
                group["lr"].fill_(lr)
            else:
                group["lr"] = lr
        self._last_lr = lrs

    def state_dict(self) -> dict[str, Any]:
        state = {
            key: value
            for key, value in self.__dict__.items()
            if key not in ("optimizer", "schedules")
        }
        if self.schedules is not None:
            state["schedules"] = [checkpoint_config(s) for s in self.schedules]
        else:
            state["schedules"] = None
        state["levels"] = list(self.levels)
        state["base_lrs"] = list(self.base_lrs)
        state["_last_lr"] = list(self._last_lr)
        state["min_lrs"] = list(self.min_lrs)
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        state = dict(state_dict)
        saved = state.pop("schedules", None)
        current = None if self.schedules is None else [checkpoint_config(s) for s in self.schedules]
        if saved != current and "levels" in state_dict:
            warnings.warn(
                f"ReduceLROnPlateau: the checkpoint was saved with schedules {saved}, this "
                f"scheduler runs {current}; keeping this scheduler's schedules",
                stacklevel=2,
            )
        if "levels" not in state:
            # A checkpoint of torch's own class: its lrs are the levels.
            if self.schedules is not None:
                raise ValueError(
                    "ReduceLROnPlateau: this checkpoint has no 'levels' (torch's own "
                    "ReduceLROnPlateau?); it cannot resume a scheduler with a schedule"
                )
            state["levels"] = list(state["_last_lr"])
        state.pop("optimizer", None)
        self.__dict__.update(state)
        self.levels = [float(level) for level in self.levels]
        self.min_lrs = list(self.min_lrs)
        self.config()  # the restored configuration must be valid
        self._write_lrs()


def _schedules(
    schedule: ScheduleLike | Sequence[ScheduleLike] | None, groups: int
) -> tuple[Schedule, ...] | None:
    if schedule is None:
        return None
    if isinstance(schedule, (Schedule, Mapping)):
        return (from_config(schedule),) * groups
    if isinstance(schedule, Sequence) and not isinstance(schedule, (str, bytes)):
        schedules = tuple(from_config(item) for item in schedule)
        if len(schedules) != groups:
            raise ValueError(
                f"ReduceLROnPlateau: schedule has {len(schedules)} items for {groups} "
                "parameter groups; give one schedule, or one per group"
            )
        return schedules
    raise TypeError(
        "ReduceLROnPlateau: schedule must be None, a Schedule, a config dict or a list of "
        f"them (one per group), got {schedule!r} ({type(schedule).__name__})"
    )
