"""Evaluators: one schedule definition, evaluated on ints, NumPy arrays and JAX arrays.

A schedule is a list of phases ``(start, formula)``; each formula is written once,
as ``formula(t, xp)`` with ``t`` the step counted from the phase's start and ``xp``
the namespace that supplies the few math operations it needs (``cos``, ``exp``,
``log``, ``floor``, ``where``, ``minimum``, ``maximum``: array API names).  Formulas
branch only on their configuration, never on ``t``, so the same code runs on

* a Python ``int`` (or a NumPy integer scalar): ``xp`` is :data:`SCALAR_MATH` (``math``
  plus ``where``/``minimum``/``maximum``), and only the active phase is evaluated;
* an integer array that has ``__array_namespace__`` (NumPy >= 2, JAX, including
  tracers inside ``jax.jit``/``jax.vmap``): ``xp`` is that namespace, every phase is
  evaluated and the active one is selected with ``xp.where``.

Nothing here imports a framework: the namespace comes from the step itself
(the array API standard's ``__array_namespace__``), as in einops' backends.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from lrcore import _scalar_math

Formula = Callable[[Any, Any], Any]
"""``formula(t, xp) -> factor``: ``t`` is the step local to its phase (>= 0)."""


class Phase(NamedTuple):
    """A piece of a schedule: ``formula(step - start, xp)`` holds from ``start`` on.

    ``period``, when set, says the formula repeats every ``period`` steps; the
    array evaluator then reduces 32-bit steps modulo the period in integers
    first, because float32 cannot hold the phase of a giant step.  64-bit steps
    and Python ints evaluate in float64 and skip the (costly) integer modulo.
    """

    start: int
    formula: Formula
    period: int | None = None


SCALAR_MATH: Any = _scalar_math
"""The namespace formulas see when the step is a Python int."""


def evaluate_array(phases: Sequence[Phase], steps: Any, xp: Any, *, clamp: bool) -> Any:
    """Evaluate every phase on ``steps`` and keep, per step, the active one.

    Later phases override earlier ones from their start on.  Local steps are
    clamped at 0 so that a formula never sees a step before its phase (where
    e.g. ``gamma ** t`` would overflow); the clamp does not change selected values.
    ``clamp`` also clamps negative global steps to 0, for callers that cannot
    reject them (traced JAX arrays).
    """
    if clamp:
        steps = xp.maximum(steps, 0)
    narrow = steps.dtype.itemsize < 8
    # A phase starting (or a period) beyond the dtype's range is never reached by
    # these steps; leaving it out also keeps the Python int out of int32 arithmetic.
    largest = xp.iinfo(steps.dtype).max

    def local_steps(phase: Phase) -> Any:
        local = steps if phase.start == 0 else xp.maximum(steps - phase.start, 0)
        if narrow and phase.period is not None and phase.period <= largest:
            local = local % phase.period
        return local

    factors = phases[0].formula(local_steps(phases[0]), xp)
    for phase in phases[1:]:
        if phase.start > largest:
            break
        factors = xp.where(steps >= phase.start, phase.formula(local_steps(phase), xp), factors)
    if not hasattr(factors, "shape"):
        # Every phase was a constant: broadcast it to the shape of the steps.
        factors = xp.full(steps.shape, factors)
    return factors


def as_step(step: Any) -> int:
    """Coerce an integer-like scalar (NumPy/torch integer scalars) to ``int``."""
    if isinstance(step, (bool, float)) or not hasattr(step, "__index__"):
        raise TypeError(
            f"step must be an integer or an integer array, got {step!r} ({type(step).__name__})"
        )
    return operator.index(step)


def array_namespace(steps: Any) -> Any:
    """The array namespace of an integer array of steps, checking its dtype."""
    xp = steps.__array_namespace__()
    if not xp.isdtype(steps.dtype, "integral"):
        raise TypeError(f"steps must be an integer array, got dtype {steps.dtype}")
    return xp


def signed_steps(steps: Any, xp: Any) -> Any:
    """Unsigned steps as int64: ``steps - start`` must not wrap around."""
    if xp.isdtype(steps.dtype, "unsigned integer"):
        return xp.astype(steps, xp.int64)
    return steps
