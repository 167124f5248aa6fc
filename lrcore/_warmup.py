"""Warmup family: warmup_linear, warmup_factor, and warmup composed with any schedule."""

from __future__ import annotations

from collections.abc import Sequence

from lrcore import _families
from lrcore._compose import join_pieces
from lrcore._config import Int, Real
from lrcore._pieces import Piece
from lrcore._schedule import Nested, Schedule


class WarmupLinear(Schedule, name="warmup_linear"):
    r"""Linear warmup from 0 to 1, then linear decay to 0 at ``total_steps``.

    .. math::
        f(t) = \begin{cases}
            t / \max(1, W) & t < W \\
            \max\left(0, \frac{T - t}{\max(1, T - W)}\right) & t \ge W
        \end{cases}

    with ``W = warmup_steps`` and ``T = total_steps``: the ``WarmupLinearSchedule``
    of pytorch-transformers and transformers' ``get_linear_schedule_with_warmup``.
    ``f(0) = 0`` (``1`` when ``W = 0``); ``f(t) = 0`` from ``T`` on.  ``T`` counts
    optimizer updates (with gradient accumulation: updates, not micro-batches).
    """

    warmup_steps: int = Int(minimum=0, doc="steps of the linear warmup")
    total_steps: int = Int(minimum=1, doc="the step where the factor reaches 0")

    def validate(self) -> None:
        if self.total_steps < self.warmup_steps:
            raise ValueError(
                f"warmup_linear: total_steps must be >= warmup_steps, got "
                f"total_steps={self.total_steps!r} < warmup_steps={self.warmup_steps!r}"
            )

    def build(self) -> Sequence[Piece]:
        warmup, total = self.warmup_steps, self.total_steps
        # Written as the recipe writes it (an integer numerator over a float
        # denominator), so the values agree to the last bit.
        return [
            Piece(0, _families.ratio, (0.0, 1.0, float(max(1, warmup)))),
            Piece(
                warmup,
                _families.ratio,
                (float(total - warmup), -1.0, float(max(1, total - warmup))),
            ),
            Piece(total, _families.constant, (0.0,)),
        ]


class WarmupFactor(Schedule, name="warmup_factor"):
    r"""torchvision detection's ``warmup_lr_scheduler``: ``warmup_factor`` up to 1.

    .. math::
        f(t) = \begin{cases}
            w (1 - t / N) + t / N & t < N \\
            1 & t \ge N
        \end{cases}

    with ``N = warmup_iters`` and ``w = warmup_factor``.  ``f(0) = w``; 1 from ``N`` on.
    """

    warmup_iters: int = Int(minimum=0, doc="steps of the warmup")
    warmup_factor: float = Real(minimum=0.0, doc="the factor at step 0")

    def build(self) -> Sequence[Piece]:
        # With warmup_iters == 0 the blend piece is empty and dropped, never divided by 0.
        return [
            Piece(0, _families.blend, (self.warmup_factor, self.warmup_iters)),
            Piece(self.warmup_iters, _families.constant, (1.0,)),
        ]


class Warmup(Schedule, name="warmup"):
    r"""Linear warmup from ``start_factor`` to 1, then ``schedule`` from its step 0.

    .. math::
        f(t) = \begin{cases}
            s + (1 - s)\, t / W & t < W \\
            g(t - W) & t \ge W
        \end{cases}

    with ``s = start_factor``, ``W = warmup_steps`` and ``g`` the inner schedule:
    torch ``SequentialLR([LinearLR(s, 1.0, W), inner], milestones=[W])``.
    ``f(0) = s`` (``g(0)`` when ``W = 0``).  ``start_factor = 0`` is allowed
    (torch's ``LinearLR`` refuses it).  ``schedule`` is a Schedule or its config.
    A join of a linear ramp and ``schedule``.
    """

    warmup_steps: int = Int(minimum=0, doc="steps of the linear warmup")
    schedule: Schedule = Nested(doc="the schedule after the warmup")
    start_factor: float = Real(minimum=0.0, default=0.0, doc="the factor at step 0")

    def build(self) -> Sequence[Piece]:
        start, warmup = self.start_factor, self.warmup_steps
        ramp = [Piece(0, _families.affine, (start, (1.0 - start) / max(1, warmup)))]
        if warmup == 0:
            return self.schedule.pieces
        return join_pieces([ramp, self.schedule.pieces], [warmup])
