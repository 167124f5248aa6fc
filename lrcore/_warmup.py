"""Warmup family: warmup_linear, warmup_factor, and warmup composed with any schedule."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from lrcore import _config
from lrcore._evaluate import Phase
from lrcore._schedule import Schedule, constant_formula, from_config, linear_formula, register


@register
class WarmupLinear(Schedule):
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

    name = "warmup_linear"

    def __init__(self, warmup_steps: int, total_steps: int) -> None:
        self.warmup_steps = _config.integer(self.name, "warmup_steps", warmup_steps, minimum=0)
        self.total_steps = _config.integer(self.name, "total_steps", total_steps, minimum=1)
        if self.total_steps < self.warmup_steps:
            raise ValueError(
                f"{self.name}: total_steps must be >= warmup_steps, got "
                f"total_steps={total_steps!r} < warmup_steps={warmup_steps!r}"
            )
        self._setup(warmup_steps=self.warmup_steps, total_steps=self.total_steps)

    def _phases(self) -> Sequence[Phase]:
        warmup, total = self.warmup_steps, self.total_steps
        warmup_length = max(1, warmup)
        decay_length = max(1, total - warmup)
        remaining = total - warmup

        # Written as the recipe writes it (an integer numerator over a float
        # denominator), so the values agree to the last bit.
        def ramp_up(t: Any, xp: Any) -> Any:
            return t / warmup_length

        def ramp_down(t: Any, xp: Any) -> Any:
            return (remaining - t) / decay_length

        return [Phase(0, ramp_up), Phase(warmup, ramp_down), Phase(total, constant_formula(0.0))]


@register
class WarmupFactor(Schedule):
    r"""torchvision detection's ``warmup_lr_scheduler``: ``warmup_factor`` up to 1.

    .. math::
        f(t) = \begin{cases}
            w (1 - t / N) + t / N & t < N \\
            1 & t \ge N
        \end{cases}

    with ``N = warmup_iters`` and ``w = warmup_factor``.  ``f(0) = w``; 1 from ``N`` on.
    """

    name = "warmup_factor"

    def __init__(self, warmup_iters: int, warmup_factor: float) -> None:
        self.warmup_iters = _config.integer(self.name, "warmup_iters", warmup_iters, minimum=0)
        self.warmup_factor = _config.real(self.name, "warmup_factor", warmup_factor, minimum=0.0)
        self._setup(warmup_iters=self.warmup_iters, warmup_factor=self.warmup_factor)

    def _phases(self) -> Sequence[Phase]:
        iters, factor = self.warmup_iters, self.warmup_factor

        def blend(t: Any, xp: Any) -> Any:
            alpha = t / iters
            return factor * (1 - alpha) + alpha

        # With warmup_iters == 0 the blend phase is empty and dropped, never divided by 0.
        return [Phase(0, blend), Phase(iters, constant_formula(1.0))]


@register
class Warmup(Schedule):
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
    """

    name = "warmup"

    def __init__(
        self,
        warmup_steps: int,
        schedule: Schedule | Mapping[str, Any],
        start_factor: float = 0.0,
    ) -> None:
        self.warmup_steps = _config.integer(self.name, "warmup_steps", warmup_steps, minimum=0)
        self.start_factor = _config.real(self.name, "start_factor", start_factor, minimum=0.0)
        if not isinstance(schedule, (Schedule, Mapping)):
            raise TypeError(
                f"{self.name}: schedule must be a Schedule or a config dict, got {schedule!r}"
            )
        self.schedule = from_config(schedule)
        self._setup(
            warmup_steps=self.warmup_steps, start_factor=self.start_factor, schedule=self.schedule
        )

    def _phases(self) -> Sequence[Phase]:
        start, warmup = self.start_factor, self.warmup_steps
        ramp = linear_formula(start, (1.0 - start) / max(1, warmup))
        return [Phase(0, ramp)] + [
            phase._replace(start=warmup + phase.start) for phase in self.schedule.phases
        ]
