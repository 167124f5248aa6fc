"""Specs of the core's own schedules: primitives, composition, and the recipes (CAWB, YOLOX).

The oracles are the formulas of the docstrings written out in plain Python (and, for
CAWB and YOLOX, the re-implemented source recipes of ``tests/test_cawb.py`` and
``tests/test_yolox.py``); composites evaluate their inner configs with the same table.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Mapping
from types import SimpleNamespace
from typing import Any

from tests.catalogue import Spec

Config = Mapping[str, Any]


def oracle(config: Config, t: float) -> float:
    """The factor of ``config`` at step ``t`` (a float for continuous per_iteration)."""
    return ORACLES[config["name"]](config, t)


def _constant(c: Config, t: float) -> float:
    return float(c.get("factor", 1.0))


def _piecewise_constant(c: Config, t: float) -> float:
    return float(c["values"][bisect.bisect_right(c["boundaries"], t)])


def _step(c: Config, t: float) -> float:
    return float(c.get("gamma", 0.1) ** (t // c["step_size"]))


def _multistep(c: Config, t: float) -> float:
    return float(c.get("gamma", 0.1) ** sum(1 for m in c["milestones"] if m <= t))


def _exponential(c: Config, t: float) -> float:
    return float(c["gamma"] ** t)


def _stairs(c: Config, t: float) -> float:
    return float(c.get("start", 0.0) + c["increment"] * (t // c["step_size"]))


def _cosine_annealing(c: Config, t: float) -> float:
    m = c.get("min_factor", 0.0)
    return m + (1 - m) * (1 + math.cos(math.pi * t / c["T_max"])) / 2


def _progress(c: Config, t: float) -> float:
    return 1.0 if c["steps"] == 0 else min(t, c["steps"]) / c["steps"]


def _linear(c: Config, t: float) -> float:
    return c["start"] + (c["end"] - c["start"]) * _progress(c, t)


def _polynomial(c: Config, t: float) -> float:
    return c["end"] + (c["start"] - c["end"]) * (1 - _progress(c, t)) ** c.get("power", 1.0)


def _cosine(c: Config, t: float) -> float:
    wave = (1 + math.cos(math.pi * _progress(c, t))) / 2
    return c["end"] + (c["start"] - c["end"]) * wave ** c.get("exponent", 1.0)


def _warmup(c: Config, t: float) -> float:
    w, s = c["warmup_steps"], c.get("start_factor", 0.0)
    return s + (1 - s) * t / w if t < w else oracle(c["schedule"], t - w)


def _warmup_linear(c: Config, t: float) -> float:
    w, total = c["warmup_steps"], c["total_steps"]
    if t < w:
        return t / max(1, w)
    return max(0.0, (total - t) / max(1, total - w))


def _warmup_factor(c: Config, t: float) -> float:
    n, w = c["warmup_iters"], c["warmup_factor"]
    if t >= n:
        return 1.0
    return w * (1 - t / n) + t / n


def _per_iteration(c: Config, t: float) -> float:
    b = c["steps_per_epoch"]
    return oracle(c["schedule"], t // b if c.get("staircase", True) else t / b)


def _join(c: Config, t: float) -> float:
    index = bisect.bisect_right(c["boundaries"], t)
    start = 0 if index == 0 else c["boundaries"][index - 1]
    return oracle(c["schedules"][index], t - start)


def _product(c: Config, t: float) -> float:
    return math.prod(oracle(inner, t) for inner in c["schedules"])


def _cawb(c: Config, t: float) -> float:
    from tests.test_cawb import SourceCawb

    # The source loop: step_batch() before every batch, step() after every epoch; the
    # factor of iteration t is the lr in force during it.  Past the run: held (lrcore's
    # documented policy, the source's being leftover state).
    per_epoch, epochs = c["steps_per_epoch"], c["epochs"]
    t = min(int(t), epochs * per_epoch - 1)
    optimizer = SimpleNamespace(param_groups=[{"lr": 1.0}])
    kwargs = {key: c[key] for key in ("eta_min", "step_scale", "epoch_scale") if key in c}
    source = SourceCawb(
        optimizer,
        epochs=epochs,
        steps=list(c.get("steps", [])),
        batchs=per_epoch,
        warmup_epoch=c.get("warmup_epoch", 0),
        **kwargs,
    )
    for _ in range(t // per_epoch):
        for _ in range(per_epoch):
            source.step_batch()
        source.step()
    for _ in range(t % per_epoch + 1):
        source.step_batch()
    return float(optimizer.param_groups[0]["lr"])


def _yolox(c: Config, t: float) -> float:
    from tests.test_yolox import oracle as yolox_oracle

    lr_fn = yolox_oracle(dict(c))
    total = c["total_iters"]
    if c["name"] == "yolox_step":
        t = min(t, total)  # documented: holds its value at T (the source keeps decaying)
    return float(lr_fn(int(t)) / c["lr"])


ORACLES: dict[str, Callable[[Config, float], float]] = {
    "constant": _constant,
    "piecewise_constant": _piecewise_constant,
    "step": _step,
    "multistep": _multistep,
    "exponential": _exponential,
    "stairs": _stairs,
    "cosine_annealing": _cosine_annealing,
    "linear": _linear,
    "polynomial": _polynomial,
    "cosine": _cosine,
    "warmup": _warmup,
    "warmup_linear": _warmup_linear,
    "warmup_factor": _warmup_factor,
    "per_iteration": _per_iteration,
    "join": _join,
    "product": _product,
    "cawb": _cawb,
    "yolox_warm_cos": _yolox,
    "yolox_step": _yolox,
}

COSINE = {"name": "cosine_annealing", "T_max": 30, "min_factor": 0.05}
STEP = {"name": "step", "step_size": 7, "gamma": 0.5}


def _fixed(horizon: int) -> Callable[[Config], int]:
    return lambda config: horizon


def spec(name: str, valid: list[dict[str, Any]], horizon: Any, bad: list[Any], **kw: Any) -> Spec:
    if isinstance(horizon, int):
        horizon = _fixed(horizon)
    return Spec(name, valid, oracle, horizon, bad, **kw)


SPECS = [
    spec(
        "constant",
        [{}, {"factor": 0.3}, {"factor": 0.0}],
        50,
        [({"factor": -1.0}, ValueError, "factor"), ({"factor": "1"}, TypeError, "factor")],
    ),
    spec(
        "piecewise_constant",
        [
            {"boundaries": [], "values": [0.5]},
            {"boundaries": [0, 10, 25], "values": [1.0, 0.5, 0.2, 0.01]},
            {"boundaries": list(range(1, 1001)), "values": [0.999**k for k in range(1001)]},
        ],
        lambda c: 2 * max(c["boundaries"], default=10) + 5,
        [
            ({"values": [1.0, 2.0]}, ValueError, "values"),
            ({"boundaries": [3, 3], "values": [1.0] * 3}, ValueError, "boundaries"),
            ({"values": [float("nan")]}, ValueError, "values[0]"),
        ],
        natives=["Paddle PiecewiseDecay", "optax piecewise_constant_schedule"],
    ),
    spec(
        "step",
        [{"step_size": 5, "gamma": 0.8}, {"step_size": 1, "gamma": 0.5}, {"step_size": 30}],
        300,
        [({"step_size": 0}, ValueError, "step_size"), ({"gamma": 0.0}, ValueError, "gamma")],
        natives=["torch StepLR", "Paddle StepDecay"],
    ),
    spec(
        "multistep",
        [
            {"milestones": [30, 80], "gamma": 0.1},
            {"milestones": [3, 3, 9], "gamma": 0.5},
            {"milestones": [], "gamma": 0.5},
            {"milestones": list(range(2, 2001, 2)), "gamma": 0.999},
        ],
        lambda c: 2 * max(c["milestones"], default=10) + 5,
        [
            ({"milestones": [5, 3]}, ValueError, "milestones"),
            ({"milestones": [1.5]}, TypeError, "milestones[0]"),
            ({"gamma": 1e200, "milestones": [1, 2, 3]}, ValueError, "gamma"),
        ],
        natives=["torch MultiStepLR", "Paddle MultiStepDecay"],
    ),
    spec(
        "exponential",
        [{"gamma": 0.9}, {"gamma": 0.999}],
        1000,
        [({"gamma": -0.5}, ValueError, "gamma"), ({"gamma": None}, TypeError, "gamma")],
        natives=["torch ExponentialLR", "Paddle ExponentialDecay"],
    ),
    spec(
        "stairs",
        [{"step_size": 30, "increment": 1.0}, {"step_size": 4, "increment": 0.25, "start": 0.5}],
        200,
        [({"step_size": 0}, ValueError, "step_size"), ({"increment": -1}, ValueError, "increment")],
    ),
    spec(
        "cosine_annealing",
        [{"T_max": 10, "min_factor": 0.01}, {"T_max": 1}, {"T_max": 37}],
        lambda c: 5 * c["T_max"] + 3,
        [({"T_max": 0}, ValueError, "T_max"), ({"min_factor": float("inf")}, ValueError, "min")],
        natives=["torch CosineAnnealingLR", "Paddle CosineAnnealingDecay"],
    ),
    spec(
        "linear",
        [
            {"start": 0.1, "end": 1.0, "steps": 10},
            {"start": 1.0, "end": 0.0, "steps": 37},
            {"start": 0.3, "end": 0.7, "steps": 0},
        ],
        lambda c: 2 * c["steps"] + 10,
        [({"steps": -1}, ValueError, "steps"), ({"start": -0.1}, ValueError, "start")],
        natives=["torch LinearLR", "optax linear_schedule"],
    ),
    spec(
        "polynomial",
        [
            {"start": 1.0, "end": 0.0, "steps": 20, "power": 2.0},
            {"start": 1.0, "end": 0.1, "steps": 50, "power": 0.5},
            {"start": 0.5, "end": 0.2, "steps": 0},
        ],
        lambda c: 2 * c["steps"] + 10,
        [({"power": -1.0}, ValueError, "power"), ({"end": "0"}, TypeError, "end")],
        natives=["torch PolynomialLR", "optax polynomial_schedule"],
    ),
    spec(
        "cosine",
        [
            {"start": 1.0, "end": 0.1, "steps": 40},
            {"start": 1.0, "end": 0.0, "steps": 25, "exponent": 2.0},
            {"start": 0.2, "end": 0.1, "steps": 0},
        ],
        lambda c: 3 * c["steps"] + 10,
        [({"exponent": -2.0}, ValueError, "exponent"), ({"steps": 1.5}, TypeError, "steps")],
        natives=["optax cosine_decay_schedule"],
    ),
    spec(
        "warmup",
        [
            {"warmup_steps": 10, "start_factor": 0.1, "schedule": COSINE},
            {"warmup_steps": 5, "start_factor": 0.25, "schedule": STEP},
            {"warmup_steps": 0, "start_factor": 0.5, "schedule": STEP},
            {
                "warmup_steps": 3,
                "schedule": {"name": "warmup", "warmup_steps": 5, "schedule": COSINE},
            },
        ],
        200,
        [
            ({"warmup_steps": -1}, ValueError, "warmup_steps"),
            ({"schedule": {"step_size": 3}}, TypeError, "warmup.schedule"),
            ({"schedule": 3}, TypeError, "schedule"),
        ],
        natives=["torch SequentialLR([LinearLR, inner])"],
    ),
    spec(
        "warmup_linear",
        [
            {"warmup_steps": 10, "total_steps": 100},
            {"warmup_steps": 0, "total_steps": 50},
            {"warmup_steps": 7, "total_steps": 7},
        ],
        150,
        [({"total_steps": 5, "warmup_steps": 6}, ValueError, "total_steps")],
        natives=["transformers get_linear_schedule_with_warmup"],
    ),
    spec(
        "warmup_factor",
        [{"warmup_iters": 50, "warmup_factor": 0.001}, {"warmup_iters": 0, "warmup_factor": 0.1}],
        80,
        [({"warmup_iters": -5}, ValueError, "warmup_iters")],
        natives=["torchvision detection warmup_lr_scheduler"],
    ),
    spec(
        "per_iteration",
        [
            {"schedule": COSINE, "steps_per_epoch": 7},
            {"schedule": COSINE, "steps_per_epoch": 5, "staircase": False},
            {
                "schedule": {"name": "warmup", "warmup_steps": 2, "schedule": STEP},
                "steps_per_epoch": 3,
            },
        ],
        600,
        [
            ({"steps_per_epoch": 0}, ValueError, "steps_per_epoch"),
            ({"staircase": 1}, TypeError, "staircase"),
        ],
    ),
    spec(
        "join",
        [
            {
                "schedules": [{"name": "linear", "start": 0.0, "end": 1.0, "steps": 5}, COSINE],
                "boundaries": [5],
            },
            {
                "schedules": [STEP, {"name": "constant", "factor": 0.2}, COSINE],
                "boundaries": [20, 50],
            },
            {"schedules": [COSINE], "boundaries": []},
        ],
        300,
        [
            ({"boundaries": [5, 6]}, ValueError, "boundaries"),
            ({"schedules": []}, ValueError, "schedules"),
            ({"schedules": [COSINE, {"name": "nope"}]}, ValueError, "join.schedules[1]"),
        ],
        natives=["optax join_schedules", "torch SequentialLR"],
    ),
    spec(
        "product",
        [
            {"schedules": [STEP, COSINE]},
            {
                "schedules": [
                    {"name": "exponential", "gamma": 0.99},
                    {"name": "constant", "factor": 0.5},
                    {"name": "multistep", "milestones": [10, 40]},
                ]
            },
        ],
        300,
        [
            ({"schedules": []}, ValueError, "schedules"),
            ({"schedules": "x"}, TypeError, "schedules"),
        ],
        natives=["torch ChainedScheduler"],
    ),
    spec(
        "cawb",
        [
            {"epochs": 12, "steps_per_epoch": 3, "steps": [5, 9], "warmup_epoch": 2},
            {"epochs": 8, "steps_per_epoch": 2, "steps": [], "eta_min": 0.1, "epoch_scale": 0.0},
        ],
        lambda c: c["epochs"] * c["steps_per_epoch"] + 20,
        [
            ({"epochs": 0}, ValueError, "epochs"),
            ({"steps": [3, "4"]}, TypeError, "steps"),
            ({"step_scale": 0.0}, ValueError, "step_scale"),
        ],
        natives=["CAWB CosineAnnealingWarmbootingLR (the source recipe)"],
    ),
    spec(
        "yolox_warm_cos",
        [
            {"lr": 0.01, "min_lr": 0.0001, "total_iters": 25},
            {"lr": 0.1, "min_lr": 0.0, "total_iters": 300, "warmup_iters_ratio": 0.05},
        ],
        lambda c: c["total_iters"] + 30,
        [({"lr": 0.0}, ValueError, "lr"), ({"total_iters": 0}, ValueError, "total_iters")],
        natives=["YOLOX get_lr_scheduler('cos')"],
    ),
    spec(
        "yolox_step",
        [
            {"lr": 0.01, "min_lr": 0.0001, "total_iters": 100},
            {"lr": 0.1, "min_lr": 0.001, "total_iters": 37, "step_num": 3},
        ],
        lambda c: c["total_iters"] + 30,
        [({"step_num": 1}, ValueError, "step_num"), ({"total_iters": 3}, ValueError, "step_size")],
        natives=["YOLOX get_lr_scheduler('step')"],
    ),
]
