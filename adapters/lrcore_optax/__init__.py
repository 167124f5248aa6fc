"""lrcore schedules as optax schedules.

``to_optax(schedule, learning_rate)`` gives an ``optax.Schedule``: a function
``count -> learning_rate * schedule(count)`` that works in ``optax.adam(...)``,
``optax.inject_hyperparams``, ``jax.jit`` and ``jax.vmap``.  It computes in JAX's
default float (float32 unless ``jax_enable_x64``).
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from typing import Any

try:
    import jax
    import jax.numpy as jnp
    import optax  # noqa: F401 -- missing, it fails here with the hint below
except ModuleNotFoundError as error:
    if error.name not in ("jax", "jaxlib", "optax"):
        raise
    raise ModuleNotFoundError(
        f"lrcore_optax needs JAX and optax ({error.name} is missing): pip install 'lrcore[jax]'",
        name=error.name,
    ) from None

from lrcore import Schedule, ScheduleLike, from_config
from lrcore_optax._plateau import ReduceOnPlateauState, reduce_on_plateau
from lrcore_optax._port import from_optax

__all__ = [
    "OptaxSchedule",
    "ReduceOnPlateauState",
    "from_optax",
    "reduce_on_plateau",
    "to_optax",
]


@dataclasses.dataclass(frozen=True)
class OptaxSchedule:
    """``count -> learning_rate * schedule(count)``; picklable, jit-safe.

    ``learning_rate`` is a float, or a JAX scalar -- a tracer too, so that a sweep
    over learning rates runs in one ``jax.vmap``.  With a float it is hashable.
    """

    schedule: Schedule
    learning_rate: Any

    def __call__(self, count: Any) -> Any:
        return self.learning_rate * self.schedule(jnp.asarray(count))


def to_optax(schedule: ScheduleLike, learning_rate: Any) -> OptaxSchedule:
    """Wrap an lrcore schedule (or config dict) as an optax schedule.

    ``learning_rate``: a finite real ``>= 0`` (Python or NumPy), or a JAX scalar
    (checked the same way unless it is traced, e.g. under ``jax.vmap`` over a sweep).

    >>> schedule = to_optax({"name": "exponential", "gamma": 0.9}, 1e-3)
    >>> optimizer = optax.adam(learning_rate=schedule)  # doctest: +SKIP
    """
    return OptaxSchedule(from_config(schedule), _learning_rate(learning_rate))


def _learning_rate(value: Any) -> Any:
    if isinstance(value, jax.Array):
        if value.ndim != 0 or not (
            jnp.issubdtype(value.dtype, jnp.floating) or jnp.issubdtype(value.dtype, jnp.integer)
        ):
            raise TypeError(
                f"to_optax: learning_rate must be a real scalar, got an array of shape "
                f"{value.shape} and dtype {value.dtype}"
            )
        if isinstance(value, jax.core.Tracer):
            return value  # its value is unknown here: nothing can be checked
        number = float(value)
    elif isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"to_optax: learning_rate must be a real number, got {value!r} ({type(value).__name__})"
        )
    else:
        number = float(value)
    if not math.isfinite(number) or number < 0:
        raise ValueError(f"to_optax: learning_rate must be finite and >= 0, got {value!r}")
    return value if isinstance(value, jax.Array) else number
