"""Oracles for the plateau tests: torch's own ``ReduceLROnPlateau`` run through a real
optimizer, random settings and metric sequences, and an independent warmup + cosine
formula.  No lrcore code is imported here.

Metrics are multiples of 1/64 in [-8, 8] (exact in float32) and the thresholds are
chosen so that no comparison ``metric < best * (1 - threshold)`` (or its abs/max
variants) is within float32 rounding of a tie: float32 runs then take exactly torch's
decisions, and :func:`float32_ties` checks that claim on every run.
"""

from __future__ import annotations

import dataclasses
import math
import random
from collections.abc import Sequence
from typing import Any

import torch

BASE_LRS: tuple[float, ...] = (0.1, 0.003)

# Relative thresholds t with j * t never an integer for |j| <= 512 (no ties on the 1/64
# grid), or dyadic (exact in float32 and float64: ties are exact and agree).
REL_THRESHOLDS = (0.0, 1e-4, 1e-3, 1 / 64, 1 / 8)
ABS_THRESHOLDS = (0.0, 1e-3, 1 / 32, 0.25)
FACTORS = (0.1, 0.5, 0.25, 0.3, 0.7)
MIN_LRS = (0.0, 0.0, 1e-3, 0.02, 1e-4)
EPSES = (0.0, 1e-8, 1e-8, 1e-6, 1e-3)


def random_settings(rng: random.Random, groups: int = 2) -> dict[str, Any]:
    """torch ``ReduceLROnPlateau`` keyword arguments (``min_lr`` per group or scalar)."""
    threshold_mode = rng.choice(["rel", "abs"])
    thresholds = REL_THRESHOLDS if threshold_mode == "rel" else ABS_THRESHOLDS
    per_group = rng.random() < 0.5
    min_lr: Any = [rng.choice(MIN_LRS) for _ in range(groups)] if per_group else rng.choice(MIN_LRS)
    return {
        "mode": rng.choice(["min", "max"]),
        "factor": rng.choice(FACTORS),
        "patience": rng.randint(0, 5),
        "threshold": rng.choice(thresholds),
        "threshold_mode": threshold_mode,
        "cooldown": rng.randint(0, 3),
        "min_lr": min_lr,
        "eps": rng.choice(EPSES),
    }


def random_metrics(rng: random.Random, count: int, mode: str) -> list[float]:
    """A metric history: improving runs, plateaus (repeats and noise), regressions,
    occasional NaN, negative values; multiples of 1/64 in [-8, 8]."""
    sign = -1 if mode == "min" else 1  # direction of an improvement
    value = rng.randint(-256, 256)  # in units of 1/64
    metrics: list[float] = []
    while len(metrics) < count:
        kind = rng.choice(["improve", "plateau", "plateau", "noise", "worse"])
        for _ in range(rng.randint(1, 8)):
            if kind == "improve":
                value += sign * rng.randint(1, 24)
            elif kind == "noise":
                value += rng.randint(-3, 3)
            elif kind == "worse":
                value -= sign * rng.randint(1, 16)
            value = max(-512, min(512, value))
            metrics.append(math.nan if rng.random() < 0.04 else value / 64)
    return metrics[:count]


@dataclasses.dataclass
class NativeRun:
    """What torch's ``ReduceLROnPlateau`` did; index ``k`` = after ``k`` evaluations."""

    lrs: list[list[float]]
    """``lrs[k][g]``: the lr of group ``g`` after ``k`` calls of ``step(metric)``."""
    best: list[float]
    num_bad_epochs: list[int]
    cooldown_counter: list[int]
    cuts: list[list[tuple[float, float]]]
    """Per evaluation, for a cut: each group's ``(old, candidate new)`` (empty: no cut)."""


def torch_optimizer(base_lrs: Sequence[float] = BASE_LRS) -> torch.optim.Optimizer:
    """SGD over a tiny model, one parameter group per base lr."""
    torch.manual_seed(0)
    groups = [{"params": torch.nn.Linear(2, 1).parameters(), "lr": lr} for lr in base_lrs]
    return torch.optim.SGD(groups, lr=base_lrs[0], momentum=0.9)


def train_step(optimizer: torch.optim.Optimizer) -> None:
    """One real update (so the scheduler is stepped after ``optimizer.step()``)."""
    for group in optimizer.param_groups:
        for parameter in group["params"]:
            parameter.grad = torch.ones_like(parameter)
    optimizer.step()


def torch_native(
    settings: dict[str, Any], metrics: Sequence[float], base_lrs: Sequence[float] = BASE_LRS
) -> NativeRun:
    """Run ``torch.optim.lr_scheduler.ReduceLROnPlateau(**settings)`` on ``metrics``."""
    optimizer = torch_optimizer(base_lrs)
    native = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, **settings)
    run = NativeRun([[g["lr"] for g in optimizer.param_groups]], [native.best], [0], [0], [[]])
    for metric in metrics:
        train_step(optimizer)
        before = [float(g["lr"]) for g in optimizer.param_groups]
        cuts_before = native.cooldown_counter, native.num_bad_epochs
        native.step(metric)
        # torch's cut is visible as "num_bad_epochs > patience" before the reset; replay
        # its condition from the attributes it exposes.
        bad = 0 if native._is_better(metric, run.best[-1]) else cuts_before[1] + 1
        if cuts_before[0] > 0:
            bad = 0
        cut = bad > native.patience
        run.cuts.append(
            [
                (old, max(old * native.factor, low))
                for old, low in zip(before, native.min_lrs, strict=True)
            ]
            if cut
            else []
        )
        run.lrs.append([float(g["lr"]) for g in optimizer.param_groups])
        run.best.append(native.best)
        run.num_bad_epochs.append(native.num_bad_epochs)
        run.cooldown_counter.append(native.cooldown_counter)
    return run


def float32_ties(settings: dict[str, Any], metrics: Sequence[float], run: NativeRun) -> list[int]:
    """Evaluations whose decision float32 arithmetic could take differently: a metric
    within float32 rounding of the improvement threshold, or a cut whose ``old - new``
    is within float32 rounding of ``eps`` (and not itself below float32 resolution:
    a level 1e-19 above ``min_lr`` may or may not be cut, a difference no lr shows)."""
    ties = []
    threshold, mode, rel = settings["threshold"], settings["mode"], settings["threshold_mode"]
    for k, metric in enumerate(metrics):
        best = run.best[k]
        if not math.isnan(metric) and math.isfinite(best):
            if rel == "rel":
                limit = best * (1.0 - threshold) if mode == "min" else best * (threshold + 1.0)
            else:
                limit = best - threshold if mode == "min" else best + threshold
            if metric != limit and abs(metric - limit) <= 1e-6 * (abs(best) + threshold):
                ties.append(k)
        for old, new in run.cuts[k + 1]:
            material = old - new > 1e-6 * old
            if material and abs((old - new) - settings["eps"]) <= 1e-5 * old:
                ties.append(k)
    return ties


def warmup_cosine(k: int, warmup: int, start: float, steps: int, end: float) -> float:
    """Linear warmup ``start -> 1`` over ``warmup`` steps, then a half cosine ``1 -> end``
    over ``steps`` steps, holding ``end`` afterwards."""
    if k < warmup:
        return start + (1.0 - start) * k / warmup
    t = min(k - warmup, steps)
    return end + (1.0 - end) * (1.0 + math.cos(math.pi * t / steps)) / 2.0


def warmup_cosine_config(warmup: int, start: float, steps: int, end: float) -> dict[str, Any]:
    """The lrcore config of :func:`warmup_cosine` (the thing under test)."""
    return {
        "name": "warmup",
        "warmup_steps": warmup,
        "start_factor": start,
        "schedule": {"name": "cosine", "start": 1.0, "end": end, "steps": steps},
    }


def close(got: float, want: float, rel: float = 1e-12) -> bool:
    return abs(got - want) <= rel * abs(want) or (got == want)
