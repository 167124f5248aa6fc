"""Specs of Paddle's classic decays: natural_exp, inverse_time, noam, polynomial_decay.

The oracles are Paddle's ``get_lr`` bodies (``paddle/optimizer/lr.py``, Paddle 3.3)
written out in plain Python with ``base_lr = 1``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from tests.catalogue import Spec

Config = Mapping[str, Any]


def _natural_exp(c: Config, t: int) -> float:
    return math.exp(-1 * c["gamma"] * t)


def _inverse_time(c: Config, t: int) -> float:
    return 1 / (1 + c["gamma"] * t)


def _noam(c: Config, t: int) -> float:
    # NoamDecay.get_lr: a = 1 at step 0 (to dodge 0 ** -0.5), so min(a, b) = b = 0 there.
    a = 1 if t == 0 else t**-0.5
    b = c["warmup_steps"] ** -1.5 * t
    return c["d_model"] ** -0.5 * min(a, b)


def _polynomial_decay(c: Config, t: int) -> float:
    start, end = c.get("start", 1.0), c.get("end", 0.0)
    steps, power = c["decay_steps"], c.get("power", 1.0)
    epoch, decay_steps = t, steps
    if c.get("cycle", False):
        div_res = math.ceil(float(t) / float(steps))
        if t == 0:
            div_res = 1
        decay_steps = steps * div_res
    else:
        epoch = min(t, steps)
    return (start - end) * ((1 - float(epoch) / float(decay_steps)) ** power) + end


def _decay_horizon(c: Config) -> int:
    return 600


SPECS = [
    Spec(
        name="natural_exp",
        valid=[{"gamma": 0.01}, {"gamma": 0.3}, {"gamma": 0.0}],
        oracle=_natural_exp,
        horizon=_decay_horizon,
        bad=[
            ({"gamma": -0.1}, ValueError, "gamma"),
            ({"gamma": math.nan}, ValueError, "gamma"),
            ({"gamma": "0.1"}, TypeError, "gamma"),
        ],
        natives=["Paddle NaturalExpDecay"],
    ),
    Spec(
        name="inverse_time",
        valid=[{"gamma": 0.5}, {"gamma": 0.01}, {"gamma": 0.0}, {"gamma": 7.0}],
        oracle=_inverse_time,
        horizon=_decay_horizon,
        bad=[
            ({"gamma": -0.5}, ValueError, "gamma"),
            ({"gamma": math.inf}, ValueError, "gamma"),
            ({"gamma": True}, TypeError, "gamma"),
        ],
        natives=["Paddle InverseTimeDecay"],
    ),
    Spec(
        name="noam",
        valid=[
            {"d_model": 512, "warmup_steps": 100},
            {"d_model": 64, "warmup_steps": 7.5},
            {"d_model": 1.0, "warmup_steps": 0.4},
            {"d_model": 256, "warmup_steps": 1},
        ],
        oracle=_noam,
        horizon=lambda c: int(4 * c["warmup_steps"]) + 200,
        bad=[
            ({"d_model": 0}, ValueError, "d_model"),
            ({"warmup_steps": 0}, ValueError, "warmup_steps"),
            ({"warmup_steps": -4}, ValueError, "warmup_steps"),
            ({"d_model": "512"}, TypeError, "d_model"),
        ],
        natives=["Paddle NoamDecay (learning_rate = base)"],
    ),
    Spec(
        name="polynomial_decay",
        valid=[
            {"decay_steps": 50, "end": 0.01, "power": 2.0},
            {"decay_steps": 10, "end": 0.1, "power": 1.0, "cycle": True},
            {"decay_steps": 7, "end": 0.0, "power": 0.5, "cycle": True},
            {"decay_steps": 1, "end": 0.2, "cycle": True},
            {"decay_steps": 20, "end": 1.0, "start": 0.0, "power": 1.5, "cycle": True},
            {"decay_steps": 30},
        ],
        oracle=_polynomial_decay,
        horizon=lambda c: 8 * c["decay_steps"] + 50,
        bad=[
            ({"decay_steps": 0}, ValueError, "decay_steps"),
            ({"decay_steps": 2.5}, TypeError, "decay_steps"),
            ({"end": -0.1}, ValueError, "end"),
            ({"power": -1.0}, ValueError, "power"),
            ({"cycle": 1}, TypeError, "cycle"),
            ({"start": math.nan}, ValueError, "start"),
        ],
        natives=["Paddle PolynomialDecay (cycle True/False)", "TF polynomial_decay"],
    ),
]
