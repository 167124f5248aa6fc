"""Independent oracles for the seed recipes, written as their sources write them.

Shared by the core, torch and Paddle tests: each compares lrcore against these
plain re-implementations (seed_recipes.md sections 1 and 2), not against lrcore.
"""

from __future__ import annotations

from collections.abc import Callable


def transformers_linear(warmup_steps: int, total_steps: int) -> Callable[[int], float]:
    """``WarmupLinearSchedule`` / transformers' ``get_linear_schedule_with_warmup`` lambda."""

    def lr_lambda(current_step: int) -> float:
        if current_step < warmup_steps:
            return float(current_step) / float(max(1, warmup_steps))
        return max(
            0.0,
            float(total_steps - current_step) / float(max(1, total_steps - warmup_steps)),
        )

    return lr_lambda


def torchvision_warmup(warmup_iters: int, warmup_factor: float) -> Callable[[int], float]:
    """torchvision detection's ``warmup_lr_scheduler`` lambda."""

    def f(x: int) -> float:
        if x >= warmup_iters:
            return 1
        alpha = float(x) / warmup_iters
        return warmup_factor * (1 - alpha) + alpha

    return f
