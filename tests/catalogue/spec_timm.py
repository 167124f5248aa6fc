"""Specs of the timm schedules: ``timm_cosine``, ``timm_poly``, ``timm_tanh``, ``timm_step``,
``timm_multistep``.

The oracle is timm itself: the scheduler class (loaded without timm's package
init, see ``tests/conformance/natives.timm_module``) built on a one-group optimizer
whose lr is the config's ``base_lr``; the factor is ``_get_lr(t)[0] / base_lr``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import Any

from tests.catalogue import Spec
from tests.conformance import natives

Config = Mapping[str, Any]

_CLASSES = {
    "timm_cosine": ("cosine_lr", "CosineLRScheduler"),
    "timm_poly": ("poly_lr", "PolyLRScheduler"),
    "timm_tanh": ("tanh_lr", "TanhLRScheduler"),
    "timm_step": ("step_lr", "StepLRScheduler"),
    "timm_multistep": ("multistep_lr", "MultiStepLRScheduler"),
}


@functools.cache
def _scheduler(key: str) -> Any:
    import torch

    config = json.loads(key)
    module, cls = _CLASSES[config.pop("name")]
    base = config.pop("base_lr")
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=base)
    return getattr(natives.timm_module(module), cls)(optimizer, **config)


def _oracle(c: Config, t: int) -> float:
    scheduler = _scheduler(json.dumps(dict(c), sort_keys=True))
    try:
        value = natives.timm_get_lr(scheduler, t)[0]
    except ValueError:
        # cycle_mul < 1: timm's math.log raises past T / (1 - cycle_mul); lrcore
        # documents that it holds lr_min there.
        assert c["cycle_mul"] < 1 and t >= c["t_initial"] / (1 - c["cycle_mul"])
        value = c.get("lr_min", 0.0)
    return float(value) / c["base_lr"]


def _cyclic_horizon(c: Config) -> int:
    t, mul, limit = c["t_initial"], c.get("cycle_mul", 1.0), c.get("cycle_limit", 1)
    cycles = sum(t * mul**i for i in range(min(limit, 12)))
    return int(min(cycles, 5000)) + 2 * c.get("warmup_t", 0) + 2 * t + 20


def _cyclic_bad(extra: Mapping[str, Any]) -> list[tuple[dict[str, Any], type[Exception], str]]:
    return [
        ({"t_initial": 0}, ValueError, "t_initial"),
        ({"lr_min": -1e-3}, ValueError, "lr_min"),
        ({"cycle_mul": 0.0}, ValueError, "cycle_mul"),
        ({"warmup_prefix": 1}, TypeError, "warmup_prefix"),
        ({"base_lr": 0.0}, ValueError, "base_lr"),
        ({"cycle_decay": 10.0, "cycle_limit": 400}, ValueError, "cycle_decay"),
        *[(dict(patch), error, text) for patch, error, text in extra.get("bad", [])],
    ]


_CYCLIC = [
    {"base_lr": 0.1, "t_initial": 30, "lr_min": 1e-4},
    {
        "base_lr": 0.01,
        "t_initial": 7,
        "lr_min": 2e-4,
        "cycle_mul": 2.0,
        "cycle_limit": 5,
        "warmup_t": 3,
        "warmup_lr_init": 1e-4,
        "warmup_prefix": True,
    },
    {"base_lr": 0.2, "t_initial": 40, "cycle_mul": 0.7, "cycle_limit": 100, "lr_min": 1e-3},
    {"base_lr": 0.1, "t_initial": 9, "cycle_limit": 1000, "cycle_decay": 0.8, "warmup_t": 4},
]

SPECS = [
    Spec(
        name="timm_cosine",
        valid=[
            *_CYCLIC,
            {"base_lr": 0.1, "t_initial": 20, "k_decay": 1.5, "cycle_mul": 2.0, "cycle_limit": 3},
            {"base_lr": 0.1, "t_initial": 25, "k_decay": 0.6, "lr_min": 0.01, "warmup_t": 2},
        ],
        oracle=_oracle,
        horizon=_cyclic_horizon,
        bad=[*_cyclic_bad({}), ({"k_decay": 0.0}, ValueError, "k_decay")],
        natives=["timm CosineLRScheduler"],
    ),
    Spec(
        name="timm_poly",
        valid=[
            *_CYCLIC,
            {"base_lr": 0.1, "t_initial": 20, "power": 2.0, "cycle_mul": 2.0, "cycle_limit": 3},
            {"base_lr": 0.1, "t_initial": 25, "k_decay": 1.3, "power": 1.0, "lr_min": 0.01},
        ],
        oracle=_oracle,
        horizon=_cyclic_horizon,
        bad=[*_cyclic_bad({}), ({"power": -0.5}, ValueError, "power")],
        natives=["timm PolyLRScheduler"],
    ),
    Spec(
        name="timm_tanh",
        valid=[
            *_CYCLIC,
            {"base_lr": 0.1, "t_initial": 20, "lb": -3.0, "ub": 5.0, "warmup_t": 6},
        ],
        oracle=_oracle,
        horizon=_cyclic_horizon,
        bad=[*_cyclic_bad({}), ({"lb": 4.0}, ValueError, "lb")],
        natives=["timm TanhLRScheduler"],
    ),
    Spec(
        name="timm_step",
        valid=[
            {"base_lr": 0.1, "decay_t": 30, "decay_rate": 0.1},
            {"base_lr": 0.016, "decay_t": 2.4, "decay_rate": 0.97, "warmup_t": 3},
            {
                "base_lr": 0.05,
                "decay_t": 2.5,
                "decay_rate": 0.5,
                "warmup_t": 4,
                "warmup_prefix": False,
                "warmup_lr_init": 1e-4,
            },
            {"base_lr": 0.05, "decay_t": 0.1, "decay_rate": 0.99},
        ],
        oracle=_oracle,
        horizon=lambda c: int(40 * c["decay_t"]) + 50,
        bad=[
            ({"decay_t": 0}, ValueError, "decay_t"),
            ({"decay_rate": -0.5}, ValueError, "decay_rate"),
            ({"decay_t": 1.2345678901234567}, ValueError, "decay_t"),
        ],
        natives=["timm StepLRScheduler"],
    ),
    Spec(
        name="timm_multistep",
        valid=[
            {"base_lr": 0.1, "decay_t": [30, 60, 90], "decay_rate": 0.1},
            {"base_lr": 0.1, "decay_t": [0, 1, 5, 5, 9], "decay_rate": 0.5, "warmup_t": 3},
            {
                "base_lr": 0.1,
                "decay_t": [4, 8],
                "decay_rate": 0.5,
                "warmup_t": 6,
                "warmup_prefix": False,
                "warmup_lr_init": 0.01,
            },
        ],
        oracle=_oracle,
        horizon=lambda c: 2 * max(c["decay_t"]) + 2 * c.get("warmup_t", 0) + 20,
        bad=[
            ({"decay_t": [5, 3]}, ValueError, "decay_t"),
            ({"decay_t": [1.5]}, TypeError, "decay_t"),
            ({"decay_rate": 1e10, "decay_t": list(range(40))}, ValueError, "decay_rate"),
        ],
        natives=["timm MultiStepLRScheduler"],
    ),
]
