"""lrcore schedules as optax schedules.

``to_optax(schedule, learning_rate)`` gives an ``optax.Schedule``: a function
``count -> learning_rate * schedule(count)`` that works in ``optax.adam(...)``,
``optax.inject_hyperparams``, ``jax.jit`` and ``jax.vmap``.  It computes in JAX's
default float (float32 unless ``jax_enable_x64``).
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import jax.numpy as jnp

from lrcore import Schedule, ScheduleLike, from_config
from lrcore_optax._port import from_optax

__all__ = ["OptaxSchedule", "from_optax", "to_optax"]


@dataclasses.dataclass(frozen=True)
class OptaxSchedule:
    """``count -> learning_rate * schedule(count)``; hashable, picklable, jit-safe."""

    schedule: Schedule
    learning_rate: float

    def __call__(self, count: Any) -> Any:
        return self.learning_rate * self.schedule(jnp.asarray(count))


def to_optax(schedule: ScheduleLike, learning_rate: float) -> OptaxSchedule:
    """Wrap an lrcore schedule (or config dict) as an optax schedule.

    >>> schedule = to_optax({"name": "exponential", "gamma": 0.9}, 1e-3)
    >>> optimizer = optax.adam(learning_rate=schedule)  # doctest: +SKIP
    """
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, (int, float)):
        raise TypeError(f"to_optax: learning_rate must be a number, got {learning_rate!r}")
    if not math.isfinite(learning_rate) or learning_rate < 0:
        raise ValueError(f"to_optax: learning_rate must be finite and >= 0, got {learning_rate!r}")
    return OptaxSchedule(from_config(schedule), float(learning_rate))
