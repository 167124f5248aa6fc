"""A faithful PaddlePaddle port of ``CosineAnnealingWarmbootingLR`` (CAWB)."""

from __future__ import annotations

from collections.abc import Iterable

from paddle.optimizer.lr import LRScheduler

from lrcore._cawb import CawbCounters, Curve
from lrcore._config import integer

_NAME = "CosineAnnealingWarmbootingLR"


class CosineAnnealingWarmbootingLR(CawbCounters, LRScheduler):
    """CAWB as a Paddle ``LRScheduler``: drive it as the source is driven.

    Call ``step_batch()`` before every batch and ``step()`` after every epoch; the
    optimizer then trains with the lr the source gives at every iteration.  The
    values come from :class:`lrcore.CawbPlan`, shared with ``lrcore.Cawb`` (the pure
    per-iteration schedule) and the torch port.

    ``step(external_iter=None)`` sets the epoch counter like the source's.
    ``last_epoch`` keeps Paddle's meaning (how many times ``step()`` ran, saved by
    ``state_dict()``); the source's ``last_epoch`` -- epochs already done when
    resuming -- is ``epochs_done`` here.  To resume, either load a
    ``state_dict()`` (exact: counters and lr), or build a new scheduler with
    ``epochs_done=E`` as the source's ``scheduler.last_epoch = E`` does (which, as
    in the source, restarts the batch counter of the warmup).

    Past ``epochs`` the lr holds its value of the run's last epoch (the source's
    depends on leftover state there); ``steps`` is copied, never sorted in place;
    ``warmup_epoch >= epochs`` is a ``ValueError`` (a repeated restart epoch runs, as in
    the source).  The state dict holds the counters and the lr only (never ``lf``), so a
    custom ``lf`` checkpoints like the cosine.
    """

    def __init__(
        self,
        learning_rate: float,
        epochs: int,
        eta_min: float = 0.05,
        steps: Iterable[int] = (),
        step_scale: float = 0.8,
        lf: Curve | None = None,
        batchs: int = 0,
        warmup_epoch: int = 0,
        epoch_scale: float = 1.0,
        epochs_done: int = 0,
        last_epoch: int = -1,
        verbose: bool = False,
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
        self.epochs_done = integer(_NAME, "epochs_done", epochs_done, minimum=0)
        # Paddle's constructor calls step(); that call only sets the base lr.
        self._constructed = False
        super().__init__(learning_rate=learning_rate, last_epoch=last_epoch, verbose=verbose)
        self._constructed = True

    def step(self, external_iter: int | None = None) -> float | None:  # type: ignore[override]
        """After every epoch: the source's ``step()``; returns the new lr."""
        self.last_epoch += 1
        if not self._constructed:
            self.last_lr = self.base_lr
            return None
        self.last_lr = self.base_lr * self._next_epoch_factor(external_iter, self.epochs_done)
        return self.last_lr

    def step_batch(self) -> float | None:
        """Before every batch: the linear warmup over ``batchs * warmup_epoch`` iterations."""
        factor = self._next_batch_factor()
        if factor is None:
            return None
        self.last_lr = self.base_lr * factor
        return self.last_lr

    def get_lr(self) -> float:
        # Pure: the lr is set by step() and step_batch(), never by reading it.
        return float(self.last_lr)

    def state_keys(self) -> None:
        self.keys = ["last_epoch", "last_lr", "iters", "iters_batch", "epochs_done"]
