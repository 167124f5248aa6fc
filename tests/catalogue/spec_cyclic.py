"""Specs of the torch-native cyclic families: cosine_restarts, cyclic, one_cycle,
one_cycle_momentum, paddle_one_cycle.

The oracles re-implement the natives' own arithmetic in plain Python, relative to the
peak lr: torch's integer restart counter (``T_cur += 1; if T_cur >= T_i: ...``),
``CyclicLR.get_lr`` and ``OneCycleLR.get_lr`` (phase loop over float end steps), plus
lrcore's documented choice past ``total_steps`` (hold the value there, floored at 0).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from tests.catalogue import Spec

Config = Mapping[str, Any]


def _restarts(c: Config, step: int) -> float:
    first, mult, m = c["T_0"], c.get("T_mult", 1), c.get("min_factor", 0.0)
    if mult == 1:
        cur, length = step % first, first
    else:
        cur, length = step, first
        while cur >= length:  # the natives' counter, one cycle at a time
            cur -= length
            length *= mult
    return m + (1 - m) * (1 + math.cos(math.pi * cur / length)) / 2


def _cyclic(c: Config, step: int) -> float:
    up = float(c["step_size_up"])
    down = up if c.get("step_size_down") is None else float(c["step_size_down"])
    total = up + down
    ratio = up / total
    low, high = c.get("min_factor", 0.0), c.get("max_factor", 1.0)
    mode, gamma = c.get("mode", "triangular"), c.get("gamma", 1.0)
    scale_mode = c.get("scale_mode") or ("iterations" if mode == "exp_range" else "cycle")
    cycle = math.floor(1 + step / total)
    x = 1.0 + step / total - cycle
    scale = x / ratio if x <= ratio else (x - 1) / (ratio - 1)
    u = cycle if scale_mode == "cycle" else step
    if mode == "triangular":
        amplitude = 1.0
    elif mode == "triangular2":
        amplitude = 2.0 ** -(u - 1) if u - 1 < 1075 else 0.0
    else:
        amplitude = gamma**u if gamma <= 1 or u * math.log(gamma) < 709 else math.inf
    return low + (high - low) * scale * amplitude


def _one_cycle_native(
    total: int, ends: list[float], levels: list[float], cos: bool, k: int
) -> float:
    start_step = 0.0
    for i, end in enumerate(ends):
        if k <= end or i == len(ends) - 1:
            pct = (k - start_step) / (end - start_step)
            a, b = levels[i], levels[i + 1]
            if cos:
                return b + (a - b) / 2.0 * (math.cos(math.pi * pct) + 1)
            return (b - a) * pct + a
        start_step = end
    raise AssertionError


def _one_cycle_like(total: int, ends: list[float], levels: list[float], cos: bool, k: int) -> float:
    if k < total:
        return _one_cycle_native(total, ends, levels, cos, k)
    try:
        value = _one_cycle_native(total, ends, levels, cos, total)
    except ZeroDivisionError:
        value = _one_cycle_native(total, ends, levels, cos, total - 1)
    return max(0.0, value)


def _one_cycle(c: Config, k: int) -> float:
    total, pct = c["total_steps"], c.get("pct_start", 0.3)
    start = 1.0 / c.get("div_factor", 25.0)
    floor = start / c.get("final_div_factor", 1e4)
    if c.get("three_phase", False):
        ends = [float(pct * total) - 1, float(2 * pct * total) - 2, total - 1]
        levels = [start, 1.0, start, floor]
    else:
        ends, levels = [float(pct * total) - 1, total - 1], [start, 1.0, floor]
    return _one_cycle_like(total, ends, levels, c.get("anneal_strategy", "cos") == "cos", k)


def _one_cycle_momentum(c: Config, k: int) -> float:
    # torch's momentum phases: max -> base -> max (three_phase: max -> base -> max -> max).
    total, pct = c["total_steps"], c.get("pct_start", 0.3)
    low = c.get("base_factor", 0.85 / 0.95)
    if c.get("three_phase", False):
        ends = [float(pct * total) - 1, float(2 * pct * total) - 2, total - 1]
        levels = [1.0, low, 1.0, 1.0]
    else:
        ends, levels = [float(pct * total) - 1, total - 1], [1.0, low, 1.0]
    return _one_cycle_like(total, ends, levels, c.get("anneal_strategy", "cos") == "cos", k)


def _paddle_one_cycle(c: Config, k: int) -> float:
    total, pct = c["total_steps"], c.get("phase_pct", 0.3)
    start, end = 1.0 / c.get("divide_factor", 25.0), c.get("end_factor", 0.0)
    if c.get("three_phase", False):
        ends = [pct * total - 1, 2 * pct * total - 2, total - 1]
        levels = [start, 1.0, start, end]
    else:
        ends, levels = [pct * total - 1, total - 1], [start, 1.0, end]
    return _one_cycle_like(total, ends, levels, c.get("anneal_strategy", "cos") == "cos", k)


SPECS = [
    Spec(
        name="cosine_restarts",
        valid=[
            {"T_0": 10},
            {"T_0": 10, "T_mult": 2},
            {"T_0": 3, "T_mult": 3, "min_factor": 0.1},
            {"T_0": 1, "T_mult": 2},
            {"T_0": 7, "min_factor": 0.25},
        ],
        oracle=_restarts,
        horizon=lambda c: 3000,
        bad=[
            ({"T_0": 0}, ValueError, "T_0"),
            ({"T_mult": 0}, ValueError, "T_mult"),
            ({"T_mult": 1.5}, TypeError, "T_mult"),
            ({"min_factor": -0.1}, ValueError, "min_factor"),
        ],
        natives=["torch CosineAnnealingWarmRestarts", "Paddle CosineAnnealingWarmRestarts"],
    ),
    Spec(
        name="cyclic",
        valid=[
            {"step_size_up": 5},
            {"step_size_up": 4, "step_size_down": 7, "min_factor": 0.1, "mode": "triangular2"},
            {"step_size_up": 3, "step_size_down": 0, "min_factor": 0.2},
            {"step_size_up": 6, "mode": "exp_range", "gamma": 0.995, "min_factor": 0.05},
            {"step_size_up": 6, "mode": "exp_range", "gamma": 0.9, "scale_mode": "cycle"},
            {
                "step_size_up": 2,
                "step_size_down": 3,
                "mode": "triangular2",
                "scale_mode": "iterations",
            },
            {"step_size_up": 5, "min_factor": 1.0, "max_factor": 0.5},
        ],
        oracle=_cyclic,
        horizon=lambda c: 600,
        bad=[
            ({"step_size_up": 0}, ValueError, "step_size_up"),
            ({"step_size_down": -1}, ValueError, "step_size_down"),
            ({"mode": "sine"}, ValueError, "mode"),
            ({"scale_mode": "epoch"}, ValueError, "scale_mode"),
            ({"gamma": 0.0}, ValueError, "gamma"),
            ({"min_factor": -1.0}, ValueError, "min_factor"),
        ],
        natives=["torch CyclicLR", "Paddle CyclicLR"],
    ),
    Spec(
        name="one_cycle",
        valid=[
            {"total_steps": 100},
            {"total_steps": 37, "pct_start": 0.25, "three_phase": True},
            {"total_steps": 50, "anneal_strategy": "linear", "div_factor": 10.0},
            {"total_steps": 20, "pct_start": 0.0, "final_div_factor": 3.0},
            {"total_steps": 30, "pct_start": 1.0, "anneal_strategy": "linear"},
            {"total_steps": 40, "pct_start": 0.7, "three_phase": True},
        ],
        oracle=_one_cycle,
        horizon=lambda c: c["total_steps"] + 100,
        bad=[
            ({"total_steps": 0}, ValueError, "total_steps"),
            ({"pct_start": 1.5}, ValueError, "pct_start"),
            ({"div_factor": 0.0}, ValueError, "div_factor"),
            ({"anneal_strategy": "exp"}, ValueError, "anneal_strategy"),
            ({"three_phase": 1}, TypeError, "three_phase"),
        ],
        natives=["torch OneCycleLR"],
    ),
    Spec(
        name="one_cycle_momentum",
        valid=[
            {"total_steps": 100},
            {"total_steps": 37, "pct_start": 0.25, "three_phase": True, "base_factor": 0.8},
            {"total_steps": 50, "anneal_strategy": "linear", "base_factor": 0.5},
            {"total_steps": 20, "pct_start": 0.0, "base_factor": 0.0},
            {"total_steps": 30, "pct_start": 1.0, "anneal_strategy": "linear"},
            {"total_steps": 40, "pct_start": 0.7, "three_phase": True, "base_factor": 1.2},
        ],
        oracle=_one_cycle_momentum,
        horizon=lambda c: c["total_steps"] + 100,
        bad=[
            ({"total_steps": 0}, ValueError, "total_steps"),
            ({"pct_start": -0.1}, ValueError, "pct_start"),
            ({"base_factor": -0.5}, ValueError, "base_factor"),
            ({"base_factor": "0.5"}, TypeError, "base_factor"),
            ({"anneal_strategy": "exp"}, ValueError, "anneal_strategy"),
        ],
        natives=["torch OneCycleLR (cycle_momentum)"],
    ),
    Spec(
        name="paddle_one_cycle",
        valid=[
            {"total_steps": 100, "end_factor": 0.001},
            {"total_steps": 37, "phase_pct": 0.25, "three_phase": True, "end_factor": 0.01},
            {"total_steps": 50, "anneal_strategy": "linear", "divide_factor": 10.0},
        ],
        oracle=_paddle_one_cycle,
        horizon=lambda c: c["total_steps"] + 100,
        bad=[
            ({"phase_pct": 0.5, "three_phase": True}, ValueError, "phase_pct"),
            ({"end_factor": -0.1}, ValueError, "end_factor"),
            ({"divide_factor": 0}, ValueError, "divide_factor"),
        ],
        natives=["Paddle OneCycleLR"],
    ),
]
