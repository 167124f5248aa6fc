"""Independent oracles for the seed recipes, written as their sources write them.

Shared by the core, torch and Paddle tests: each compares lrcore against these
plain re-implementations (seed_recipes.md sections 1 and 2), not against lrcore.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from types import SimpleNamespace
from typing import Any

Curve = Callable[[Any, Any], Any]


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


class SourceCawb:
    """The source's ``CosineAnnealingWarmbootingLR``, re-implemented as quoted.

    Works on anything with ``param_groups`` (a real torch optimizer or a stand-in).
    Keeps every behaviour of the quoted code: in-place sort of ``steps``, ``gap``
    widened by ``epoch_scale`` except in the last segment, ``last_epoch`` as the
    resume offset, ``external_iter`` overriding the counter.
    """

    def __init__(
        self,
        optimizer: Any,
        epochs: int = 0,
        eta_min: float = 0.05,
        steps: list[int] | None = None,
        step_scale: float = 0.8,
        lf: Curve | None = None,
        batchs: int = 0,
        warmup_epoch: int = 0,
        epoch_scale: float = 1.0,
    ) -> None:
        self.optimizer = optimizer
        self.warmup_iters = batchs * warmup_epoch
        self.eta_min = eta_min
        self.iters = -1
        self.iters_batch = -1
        self.base_lr = [group["lr"] for group in optimizer.param_groups]
        self.step_scale = step_scale
        restarts = [] if steps is None else steps
        restarts.sort()
        inner = [s for s in restarts if warmup_epoch < s < epochs]
        self.steps = [warmup_epoch, *inner, epochs]
        self.gap: float = 0
        self.last_epoch = 0
        self.lf = lf
        self.epoch_scale = epoch_scale
        for group in optimizer.param_groups:
            group.setdefault("initial_lr", group["lr"])

    def _curve(self, x: int) -> float:
        if self.lf is not None:
            return float(self.lf(x, self.gap))
        cosine = (1 + math.cos(x * math.pi / self.gap)) / 2
        return cosine * (1.0 - self.eta_min) + self.eta_min

    def step(self, external_iter: int | None = None) -> float:
        self.iters += 1
        if external_iter is not None:
            self.iters = external_iter
        x = self.iters + self.last_epoch
        scale = 1.0
        segments = len(self.steps) - 1
        for i in range(segments):
            if x <= self.steps[i + 1]:
                self.gap = self.steps[i + 1] - self.steps[i]
                x = x - self.steps[i]
                if i != segments - 1:
                    self.gap += self.epoch_scale
                break
            scale *= self.step_scale
        curve = self._curve(x)
        for group, base in zip(self.optimizer.param_groups, self.base_lr, strict=True):
            group["lr"] = scale * base * curve
        return float(self.optimizer.param_groups[0]["lr"])

    def step_batch(self) -> float | None:
        self.iters_batch += 1
        if self.iters_batch < self.warmup_iters:
            rate = self.iters_batch / self.warmup_iters
            for group, base in zip(self.optimizer.param_groups, self.base_lr, strict=True):
                group["lr"] = base * rate
            return float(self.optimizer.param_groups[0]["lr"])
        return None


def stand_in(base_lrs: Sequence[float]) -> Any:
    """A minimal object with ``param_groups``, for the oracle alone."""
    return SimpleNamespace(param_groups=[{"lr": lr} for lr in base_lrs])
