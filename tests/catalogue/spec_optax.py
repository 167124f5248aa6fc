"""Specs of the optax-shaped schedules: exponential_decay, piecewise_interpolate,
optax_warmup_cosine and sgdr.

The oracles are optax's formulas (``optax/schedules/_schedule.py``, optax 0.2.8) written
out in plain Python on factors: the branches as optax writes them, ``rate ** p`` as a
power (lrcore evaluates ``exp(log(rate) * p)``), the interpolations in optax's order.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping
from typing import Any

from tests.catalogue import Spec

Config = Mapping[str, Any]


def _exponential_decay(c: Config, t: float) -> float:
    init, steps, rate = c.get("init", 1.0), c["transition_steps"], c["decay_rate"]
    delay = t - c.get("transition_begin", 0)
    power = math.floor(delay / steps) if c.get("staircase", False) else delay / steps
    value = init if delay <= 0 else init * rate**power
    end = c.get("end")
    if end is not None:
        value = max(value, end) if rate < 1.0 else min(value, end)
    return float(value)


def _piecewise_interpolate(c: Config, t: float) -> float:
    bounds, values = [0, *c["boundaries"]], c["values"]
    if t >= bounds[-1]:
        return float(values[-1])
    i = bisect.bisect_right(bounds, t) - 1
    start, end = values[i], values[i + 1]
    pct = (t - bounds[i]) / max(bounds[i + 1] - bounds[i], 1)
    if c["interpolate_type"] == "linear":
        return (end - start) * pct + start
    return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)


def _optax_warmup_cosine(c: Config, t: float) -> float:
    init, peak, warmup = c["init"], c["peak"], c["warmup_steps"]
    if t < warmup:
        return (init - peak) * (1 - t / warmup) + peak
    alpha = 0.0 if peak == 0.0 else c.get("end", 0.0) / peak
    length = c["decay_steps"] - warmup
    count = min(t - warmup, length)
    wave = 0.5 * (1 + math.cos(math.pi * count / length))
    return peak * ((1 - alpha) * wave ** c.get("exponent", 1.0) + alpha)


def _sgdr(c: Config, t: float) -> float:
    start = 0
    for index, cycle in enumerate(c["cycles"]):
        last = index == len(c["cycles"]) - 1
        if last or t < start + cycle["decay_steps"]:
            return _optax_warmup_cosine(cycle, t - start)
        start += cycle["decay_steps"]
    raise AssertionError("unreachable")


def _oracle(c: Config, t: int) -> float:
    return ORACLES[c["name"]](c, t)


ORACLES = {
    "exponential_decay": _exponential_decay,
    "piecewise_interpolate": _piecewise_interpolate,
    "optax_warmup_cosine": _optax_warmup_cosine,
    "sgdr": _sgdr,
}


def _cycle(**kwargs: Any) -> dict[str, Any]:
    return {"name": "optax_warmup_cosine", **kwargs}


SPECS = [
    Spec(
        "exponential_decay",
        [
            {"transition_steps": 10, "decay_rate": 0.5},
            {"transition_steps": 7, "decay_rate": 0.9, "transition_begin": 20, "staircase": True},
            {"transition_steps": 3, "decay_rate": 0.8, "init": 0.5, "end": 0.1},
            {"transition_steps": 5, "decay_rate": 1.3, "init": 0.1, "end": 0.7},
            {"transition_steps": 4, "decay_rate": 1.2, "init": 0.2, "end": 1.0, "staircase": True},
            {"transition_steps": 5, "decay_rate": 1.0, "init": 0.8, "end": 0.3},
            {"transition_steps": 5, "decay_rate": 0.7, "init": 0.3, "end": 0.6},
            {"transition_steps": 5, "decay_rate": 1.5, "init": 0.0, "end": 0.4},
        ],
        _oracle,
        lambda c: c.get("transition_begin", 0) + 40 * c["transition_steps"],
        [
            ({"transition_steps": 0}, ValueError, "transition_steps"),
            ({"decay_rate": 0.0}, ValueError, "decay_rate"),
            ({"decay_rate": -0.5}, ValueError, "decay_rate"),
            ({"end": -0.1}, ValueError, "end"),
            ({"end": "0.1"}, TypeError, "end"),
            ({"staircase": 1}, TypeError, "staircase"),
            ({"transition_begin": -3}, ValueError, "transition_begin"),
        ],
        natives=["optax exponential_decay"],
    ),
    Spec(
        "piecewise_interpolate",
        [
            {"interpolate_type": "linear", "boundaries": [4, 8], "values": [1.0, 0.1, 0.01]},
            {"interpolate_type": "cosine", "boundaries": [30, 100], "values": [0.04, 1.0, 4e-6]},
            {"interpolate_type": "cosine", "boundaries": [], "values": [0.3]},
            {"interpolate_type": "linear", "boundaries": [1, 2, 50], "values": [0, 0.5, 1, 0.2]},
        ],
        _oracle,
        lambda c: 2 * max(c["boundaries"], default=10) + 5,
        [
            ({"interpolate_type": "cubic"}, ValueError, "interpolate_type"),
            ({"boundaries": [0, 8]}, ValueError, "boundaries[0]"),
            ({"boundaries": [8, 4]}, ValueError, "boundaries"),
            ({"values": [1.0, 0.1]}, ValueError, "values"),
            ({"values": [1.0, -0.1, 0.0]}, ValueError, "values[1]"),
        ],
        natives=[
            "optax piecewise_interpolate_schedule",
            "optax linear_onecycle_schedule",
            "optax cosine_onecycle_schedule",
        ],
    ),
    Spec(
        "optax_warmup_cosine",
        [
            {"init": 0.0, "peak": 1.0, "warmup_steps": 10, "decay_steps": 100},
            {"init": 0.1, "peak": 0.8, "warmup_steps": 0, "decay_steps": 50, "end": 0.05},
            {"init": 1.0, "peak": 0.5, "warmup_steps": 7, "decay_steps": 60, "exponent": 2.5},
            {"init": 0.0, "peak": 0.0, "warmup_steps": 5, "decay_steps": 20, "end": 0.3},
            {"init": 0.2, "peak": 0.4, "warmup_steps": 3, "decay_steps": 30, "end": 1.0},
        ],
        _oracle,
        lambda c: c["decay_steps"] + 50,
        [
            ({"decay_steps": 10}, ValueError, "decay_steps"),
            ({"warmup_steps": -1}, ValueError, "warmup_steps"),
            ({"exponent": -1.0}, ValueError, "exponent"),
            ({"peak": -0.5}, ValueError, "peak"),
            ({"warmup_steps": 2.5}, TypeError, "warmup_steps"),
        ],
        natives=["optax warmup_cosine_decay_schedule"],
    ),
    Spec(
        "sgdr",
        [
            {
                "cycles": [
                    _cycle(init=0.0, peak=1.0, warmup_steps=5, decay_steps=40),
                    _cycle(init=0.1, peak=0.5, warmup_steps=0, decay_steps=30, end=0.05),
                    _cycle(init=0.0, peak=0.25, warmup_steps=10, decay_steps=60, exponent=2.0),
                ]
            },
            {"cycles": [_cycle(init=0.5, peak=1.0, warmup_steps=3, decay_steps=20, end=0.1)]},
        ],
        _oracle,
        lambda c: sum(cycle["decay_steps"] for cycle in c["cycles"]) + 40,
        [
            ({"cycles": []}, ValueError, "cycles"),
            ({"cycles": [{"name": "constant"}]}, TypeError, "cycles[0]"),
            ({"cycles": [_cycle(init=0.0, peak=1.0, warmup_steps=5)]}, TypeError, "decay_steps"),
            ({"cycles": "cosine"}, TypeError, "cycles"),
        ],
        natives=["optax sgdr_schedule"],
    ),
]
