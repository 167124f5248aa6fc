"""Shared schedule configs for the conformance tests: several per schedule name.

Each case is ``(id, config, horizon)``: the tests evaluate steps ``0 .. horizon``,
which runs well past each schedule's end (total steps, last milestone, T_max).
"""

from __future__ import annotations

from typing import Any

CASES: list[tuple[str, dict[str, Any], int]] = [
    ("constant-1", {"name": "constant"}, 20),
    ("constant-0.3", {"name": "constant", "factor": 0.3}, 20),
    (
        "warmup_linear-10-100",
        {"name": "warmup_linear", "warmup_steps": 10, "total_steps": 100},
        130,
    ),
    ("warmup_linear-0-50", {"name": "warmup_linear", "warmup_steps": 0, "total_steps": 50}, 70),
    ("warmup_linear-7-7", {"name": "warmup_linear", "warmup_steps": 7, "total_steps": 7}, 20),
    ("warmup_factor-50", {"name": "warmup_factor", "warmup_iters": 50, "warmup_factor": 0.001}, 80),
    ("warmup_factor-0", {"name": "warmup_factor", "warmup_iters": 0, "warmup_factor": 0.1}, 10),
    ("warmup_factor-3", {"name": "warmup_factor", "warmup_iters": 3, "warmup_factor": 0.5}, 10),
    ("step-5-0.8", {"name": "step", "step_size": 5, "gamma": 0.8}, 100),
    ("step-1-0.5", {"name": "step", "step_size": 1, "gamma": 0.5}, 30),
    ("step-30-0.1", {"name": "step", "step_size": 30, "gamma": 0.1}, 100),
    ("multistep-30-80", {"name": "multistep", "milestones": [30, 80], "gamma": 0.1}, 100),
    ("multistep-1-2-3", {"name": "multistep", "milestones": [1, 2, 3], "gamma": 0.5}, 10),
    ("multistep-empty", {"name": "multistep", "milestones": [], "gamma": 0.5}, 10),
    ("exponential-0.9", {"name": "exponential", "gamma": 0.9}, 100),
    ("exponential-0.999", {"name": "exponential", "gamma": 0.999}, 300),
    ("cosine-10-0.01", {"name": "cosine_annealing", "T_max": 10, "min_factor": 0.01}, 100),
    ("cosine-1", {"name": "cosine_annealing", "T_max": 1}, 10),
    ("cosine-37-0", {"name": "cosine_annealing", "T_max": 37, "min_factor": 0.0}, 200),
    (
        "warmup-cosine",
        {
            "name": "warmup",
            "warmup_steps": 10,
            "start_factor": 0.1,
            "schedule": {"name": "cosine_annealing", "T_max": 90, "min_factor": 0.05},
        },
        150,
    ),
    (
        "warmup-step",
        {
            "name": "warmup",
            "warmup_steps": 5,
            "start_factor": 0.25,
            "schedule": {"name": "step", "step_size": 7, "gamma": 0.5},
        },
        60,
    ),
    (
        "warmup0-multistep",
        {
            "name": "warmup",
            "warmup_steps": 0,
            "start_factor": 0.5,
            "schedule": {"name": "multistep", "milestones": [3, 9], "gamma": 0.3},
        },
        20,
    ),
    (
        "warmup-from-0-exponential",
        {
            "name": "warmup",
            "warmup_steps": 4,
            "start_factor": 0.0,
            "schedule": {"name": "exponential", "gamma": 0.95},
        },
        40,
    ),
]

CASE_IDS = [case[0] for case in CASES]

# Two parameter groups with different base learning rates, for the adapters.
BASE_LRS = (0.1, 0.003)
