"""Specs of the transformers schedules: ``hf_*``, ``inverse_sqrt``, ``warmup_stable_decay``.

The oracle is transformers itself: the module-level lambda functions of
``transformers.optimization`` that ``get_scheduler`` wraps in ``functools.partial``
(imported on first use; about 3 s, no hub access).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from tests.catalogue import Spec

Config = Mapping[str, Any]


@functools.cache
def _optimization() -> Any:
    import transformers.optimization

    return transformers.optimization


def _cosine(c: Config, t: int) -> float:
    return float(
        _optimization()._get_cosine_schedule_with_warmup_lr_lambda(
            t,
            num_warmup_steps=c["warmup_steps"],
            num_training_steps=c["training_steps"],
            num_cycles=c.get("num_cycles", 0.5),
            min_lr_rate=c.get("min_lr_rate", 0.0),
        )
    )


def _restarts(c: Config, t: int) -> float:
    return float(
        _optimization()._get_cosine_with_hard_restarts_schedule_with_warmup_lr_lambda(
            t,
            num_warmup_steps=c["warmup_steps"],
            num_training_steps=c["training_steps"],
            num_cycles=c.get("num_cycles", 1),
        )
    )


def _polynomial(c: Config, t: int) -> float:
    return float(
        _optimization()._get_polynomial_decay_schedule_with_warmup_lr_lambda(
            t,
            num_warmup_steps=c["warmup_steps"],
            num_training_steps=c["training_steps"],
            lr_end=c.get("lr_end", 1e-7),
            power=c.get("power", 1.0),
            lr_init=c["lr_init"],
        )
    )


def _inverse_sqrt(c: Config, t: int) -> float:
    w = c["warmup_steps"]
    timescale = c.get("timescale") or w or 10_000  # get_inverse_sqrt_schedule's default
    return float(
        _optimization()._get_inverse_sqrt_schedule_lr_lambda(
            t, num_warmup_steps=w, timescale=timescale
        )
    )


def _cosine_lr_rate(c: Config, t: int) -> float:
    return float(
        _optimization()._get_cosine_with_min_lr_schedule_with_warmup_lr_rate_lambda(
            t,
            num_warmup_steps=c["warmup_steps"],
            num_training_steps=c["training_steps"],
            num_cycles=c.get("num_cycles", 0.5),
            min_lr_rate=c.get("min_lr_rate", 0.0),
            warmup_lr_rate=c.get("warmup_lr_rate"),
        )
    )


def _wsd(c: Config, t: int) -> float:
    w, d = c["warmup_steps"], c["decay_steps"]
    stable = c.get("stable_steps")
    if stable is None:
        stable = c["training_steps"] - w - d  # get_wsd_schedule's default
    return float(
        _optimization()._get_wsd_scheduler_lambda(
            t,
            num_warmup_steps=w,
            num_stable_steps=stable,
            num_decay_steps=d,
            warmup_type=c.get("warmup_type", "linear"),
            decay_type=c.get("decay_type", "cosine"),
            min_lr_ratio=c.get("min_lr_ratio", 0.0),
            num_cycles=c.get("num_cycles", 0.5),
        )
    )


def _horizon(c: Config) -> int:
    return 3 * max(c.get("training_steps") or 0, c["warmup_steps"]) + 40


def _wsd_horizon(c: Config) -> int:
    stable = c.get("stable_steps") or 0
    return 2 * (c["warmup_steps"] + abs(stable) + c["decay_steps"] + (c.get("training_steps") or 0))


NATIVE = "transformers get_scheduler"

SPECS = [
    Spec(
        name="hf_cosine",
        valid=[
            {"warmup_steps": 10, "training_steps": 100},
            {"warmup_steps": 0, "training_steps": 37, "num_cycles": 1.5, "min_lr_rate": 0.1},
            {"warmup_steps": 25, "training_steps": 10},  # W > N
            {"warmup_steps": 5, "training_steps": 90, "num_cycles": 0.3},
        ],
        oracle=_cosine,
        horizon=_horizon,
        bad=[
            ({"warmup_steps": -1}, ValueError, "warmup_steps"),
            ({"num_cycles": "half"}, TypeError, "num_cycles"),
            ({"min_lr_rate": -0.1}, ValueError, "min_lr_rate"),
            ({"training_steps": 10.5}, TypeError, "training_steps"),
        ],
        natives=[f"{NATIVE}('cosine')", f"{NATIVE}('cosine_with_min_lr')"],
    ),
    Spec(
        name="hf_cosine_with_restarts",
        valid=[
            {"warmup_steps": 10, "training_steps": 100, "num_cycles": 3},
            {"warmup_steps": 0, "training_steps": 97, "num_cycles": 7.3},
            {"warmup_steps": 8, "training_steps": 4, "num_cycles": 2},  # N < W
            {"warmup_steps": 3, "training_steps": 30, "num_cycles": 45},  # restarts < 1 step
        ],
        oracle=_restarts,
        horizon=_horizon,
        bad=[
            ({"num_cycles": -1}, ValueError, "num_cycles"),
            ({"training_steps": None}, TypeError, "training_steps"),
        ],
        natives=[f"{NATIVE}('cosine_with_restarts')"],
    ),
    Spec(
        name="hf_polynomial",
        valid=[
            {"warmup_steps": 10, "training_steps": 100, "lr_init": 0.1},
            {"warmup_steps": 0, "training_steps": 50, "lr_init": 0.003, "lr_end": 1e-4, "power": 2},
            {"warmup_steps": 20, "training_steps": 5, "lr_init": 1.0, "lr_end": 0.25},  # N < W
        ],
        oracle=_polynomial,
        horizon=_horizon,
        bad=[
            ({"lr_end": 0.5}, ValueError, "lr_end"),
            ({"training_steps": 10}, ValueError, "training_steps"),
            ({"power": -1.0}, ValueError, "power"),
            ({"lr_init": 0.0}, ValueError, "lr_init"),
        ],
        natives=[f"{NATIVE}('polynomial')"],
    ),
    Spec(
        name="inverse_sqrt",
        valid=[
            {"warmup_steps": 10},
            {"warmup_steps": 0},
            {"warmup_steps": 50, "timescale": 7},
        ],
        oracle=_inverse_sqrt,
        horizon=lambda c: 2000,
        bad=[
            ({"timescale": 0}, ValueError, "timescale"),
            ({"warmup_steps": True}, TypeError, "warmup_steps"),
        ],
        natives=[f"{NATIVE}('inverse_sqrt')"],
    ),
    Spec(
        name="hf_cosine_warmup_with_min_lr",
        valid=[
            {"warmup_steps": 10, "training_steps": 100, "min_lr_rate": 0.1},
            {"warmup_steps": 10, "training_steps": 100, "warmup_lr_rate": 0.2},
            {"warmup_steps": 1, "training_steps": 30, "warmup_lr_rate": 0.0, "num_cycles": 1},
            {"warmup_steps": 0, "training_steps": 45, "min_lr_rate": 0.3, "num_cycles": 0.75},
        ],
        oracle=_cosine_lr_rate,
        horizon=_horizon,
        bad=[
            ({"warmup_lr_rate": -0.5}, ValueError, "warmup_lr_rate"),
            ({"warmup_lr_rate": "low"}, TypeError, "warmup_lr_rate"),
        ],
        natives=[f"{NATIVE}('cosine_warmup_with_min_lr')"],
    ),
    Spec(
        name="warmup_stable_decay",
        valid=[
            {"warmup_steps": 10, "decay_steps": 20, "stable_steps": 30},
            {"warmup_steps": 10, "decay_steps": 20, "training_steps": 100, "min_lr_ratio": 0.1},
            {
                "warmup_steps": 6,
                "decay_steps": 17,
                "stable_steps": 5,
                "warmup_type": "cosine",
                "decay_type": "1-sqrt",
                "min_lr_ratio": 0.05,
            },
            {
                "warmup_steps": 9,
                "decay_steps": 13,
                "stable_steps": 0,
                "warmup_type": "1-sqrt",
                "decay_type": "linear",
            },
            {"warmup_steps": 8, "decay_steps": 30, "training_steps": 20, "num_cycles": 1.0},
        ],
        oracle=_wsd,
        horizon=_wsd_horizon,
        bad=[
            ({"training_steps": 100}, ValueError, "training_steps"),
            ({"stable_steps": None}, ValueError, "stable_steps"),
            ({"decay_type": "exp"}, ValueError, "decay_type"),
            ({"warmup_type": 1}, ValueError, "warmup_type"),
        ],
        natives=[f"{NATIVE}('warmup_stable_decay')"],
    ),
]

ORACLES: dict[str, Callable[[Config, int], float]] = {spec.name: spec.oracle for spec in SPECS}
