"""Ports of the recipes lrcore was commissioned from, under their source names.

:func:`get_lr_scheduler` is the YOLOX-style ``get_lr_scheduler`` of the source
training scripts.  The source returns a function ``iters -> absolute lr``; here it
returns a :class:`~lrcore.Schedule` of factors, so that ``lr * schedule(i)`` is the
source's ``lr_fn(i)``: give the adapters ``lr`` as the base learning rate
(``to_torch(schedule, optimizer)`` with the optimizer built with ``lr=lr``,
``to_paddle(schedule, lr)``, ``to_optax(schedule, lr)``).

Units: in the source's scripts ``total_iters`` counts *epochs* -- the clamps of 1..3
warmup epochs and 1..15 no-augmentation epochs say so -- and the function is
evaluated once per epoch.  Step the scheduler once per epoch, or, stepping per
batch, evaluate it at ``iteration // steps_per_epoch``.
"""

from __future__ import annotations

from lrcore._schedule import Schedule
from lrcore._yolox import YoloxStep, YoloxWarmCos

__all__ = ["get_lr_scheduler"]


def get_lr_scheduler(
    lr_decay_type: str,
    lr: float,
    min_lr: float,
    total_iters: int,
    warmup_iters_ratio: float = 0.1,
    warmup_lr_ratio: float = 0.1,
    no_aug_iter_ratio: float = 0.3,
    step_num: int = 10,
) -> Schedule:
    """The YOLOX ``get_lr_scheduler``: ``"cos"`` -> warm cosine, ``"step"`` -> step decay.

    Returns :class:`~lrcore.YoloxWarmCos` (``lr``, ``min_lr``, ``total_iters`` and the
    three ratios; ``step_num`` is ignored) for ``"cos"``, and :class:`~lrcore.YoloxStep`
    (``lr``, ``min_lr``, ``total_iters``, ``step_num``; the ratios are ignored) for
    ``"step"``.  The factor is relative to ``lr``: ``lr * schedule(i)`` is the
    source's learning rate at epoch ``i``.

    The source treats *any* ``lr_decay_type`` other than ``"cos"`` as step decay
    (a typo such as ``"cosine"`` silently gives a staircase); here anything but
    ``"cos"`` or ``"step"`` raises ``ValueError``.

    >>> schedule = get_lr_scheduler("cos", lr=0.01, min_lr=0.0001, total_iters=100)
    >>> round(0.01 * schedule(0), 12)  # the warmup start: warmup_lr_ratio * lr
    0.001
    """
    if lr_decay_type == "cos":
        return YoloxWarmCos(
            lr=lr,
            min_lr=min_lr,
            total_iters=total_iters,
            warmup_iters_ratio=warmup_iters_ratio,
            warmup_lr_ratio=warmup_lr_ratio,
            no_aug_iter_ratio=no_aug_iter_ratio,
        )
    if lr_decay_type == "step":
        return YoloxStep(lr=lr, min_lr=min_lr, total_iters=total_iters, step_num=step_num)
    raise ValueError(
        f"get_lr_scheduler: lr_decay_type must be 'cos' or 'step', got {lr_decay_type!r} "
        "(the source would silently use step decay)"
    )
