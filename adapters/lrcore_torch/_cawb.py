"""``CosineAnnealingWarmbootingLR`` (CAWB) for torch: the source's API, lrcore's values."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import torch

from lrcore._cawb import CawbCounters, Curve

_NAME = "CosineAnnealingWarmbootingLR"


class CosineAnnealingWarmbootingLR(CawbCounters):
    """A drop-in for the source's CAWB class, so a torch script keeps working unchanged.

    Same constructor, ``step(external_iter=None)`` after every epoch,
    ``step_batch()`` before every batch, and ``last_epoch`` as the number of epochs
    already done when resuming (``scheduler.last_epoch = epochs_done``).  The values
    come from :class:`lrcore.CawbPlan`, shared with ``lrcore.Cawb`` and the Paddle port.

    Not reproduced, because they are bugs: ``steps`` is copied, not sorted in place
    (nor is a mutable default shared); ``warmup_epoch >= epochs`` is a ``ValueError``
    (a repeated restart epoch runs, as in the source); past ``epochs`` the lr holds its
    value of the run's last epoch.  ``state_dict()`` / ``load_state_dict()`` are added
    for exact resumes: they hold the counters and base lrs only (never ``lf``), so they
    save with ``torch.save`` and load with ``torch.load(weights_only=True)``.
    """

    def __init__(
        self,
        optimizer: torch.optim.Optimizer,
        epochs: int = 0,
        eta_min: float = 0.05,
        steps: Iterable[int] = (),
        step_scale: float = 0.8,
        lf: Curve | None = None,
        batchs: int = 0,
        warmup_epoch: int = 0,
        epoch_scale: float = 1.0,
    ) -> None:
        self._init_counters(
            _NAME,
            batchs,
            epochs=epochs,
            steps=steps,
            step_scale=step_scale,
            eta_min=eta_min,
            epoch_scale=epoch_scale,
            warmup_epoch=warmup_epoch,
            lf=lf,
        )
        self.optimizer = optimizer
        self.last_epoch = 0
        self.base_lr = [group["lr"] for group in optimizer.param_groups]
        for group in optimizer.param_groups:
            group.setdefault("initial_lr", group["lr"])

    def _set(self, factor: float) -> float:
        for group, base_lr in zip(self.optimizer.param_groups, self.base_lr, strict=True):
            group["lr"] = base_lr * factor
        return float(self.optimizer.param_groups[0]["lr"])

    def step(self, external_iter: int | None = None) -> float:
        """After every epoch: set the lr of the next epoch; returns group 0's lr."""
        return self._set(self._next_epoch_factor(external_iter, self.last_epoch))

    def step_batch(self) -> float | None:
        """Before every batch: the linear warmup; ``None`` once it is over."""
        factor = self._next_batch_factor()
        return None if factor is None else self._set(factor)

    def get_last_lr(self) -> list[float]:
        return [float(group["lr"]) for group in self.optimizer.param_groups]

    def state_dict(self) -> dict[str, Any]:
        return {
            "iters": self.iters,
            "iters_batch": self.iters_batch,
            "last_epoch": self.last_epoch,
            "base_lr": list(self.base_lr),
        }

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        self.iters = int(state_dict["iters"])
        self.iters_batch = int(state_dict["iters_batch"])
        self.last_epoch = int(state_dict["last_epoch"])
        self.base_lr = list(state_dict["base_lr"])
