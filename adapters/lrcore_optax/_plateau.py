"""``reduce_on_plateau``: torch's ReduceLROnPlateau decisions as an optax transformation."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax

from lrcore import Schedule, ScheduleLike, from_config
from lrcore._plateau import NAME, Plateau, PlateauState, plateau_init, plateau_update

__all__ = ["ReduceOnPlateauState", "reduce_on_plateau"]


class ReduceOnPlateauState(NamedTuple):
    """The transformation's state: a pytree of arrays (it jits, and pickles as is)."""

    plateau: PlateauState
    """The reducer's state; ``plateau.lrs`` holds the one level, an absolute lr, and
    ``plateau.last_epoch`` counts the updates (the schedule's step)."""
    scale: jax.Array
    """The current plateau multiplier, ``level / learning_rate`` (1 until the first cut),
    like ``optax.contrib.reduce_on_plateau``'s ``scale``."""


def reduce_on_plateau(
    mode: str = "min",
    factor: float = 0.1,
    patience: int = 10,
    threshold: float = 1e-4,
    threshold_mode: str = "rel",
    cooldown: int = 0,
    min_lr: float | Sequence[float] = 0.0,
    eps: float = 1e-8,
    learning_rate: float = 1.0,
    schedule: ScheduleLike | None = None,
) -> optax.GradientTransformationExtraArgs:
    r"""Scale updates by torch's ``ReduceLROnPlateau`` multiplier (times a schedule).

    ``update(updates, state, params, value=metric)``: each update is one evaluation of
    the metric (``value``, e.g. the loss) and one step of the schedule.  The state is
    updated with ``lrcore._plateau.plateau_update`` -- torch's ``step(metrics)``, the
    same cuts at the same evaluations (mode ``"max"`` included; optax's own
    ``contrib.reduce_on_plateau`` cuts one evaluation earlier for the same
    ``patience``) -- and update ``k`` (0-based) is multiplied by

    .. math:: \mathrm{scale}_{k+1} \cdot \mathrm{schedule}(k)

    where ``scale_{k+1}`` is the plateau multiplier after the ``k+1`` evaluations so
    far (the value passed to this update counts, as in optax's own) and the schedule
    is evaluated at the number of previous updates, as ``optax.scale_by_schedule``
    does.  ``state.scale`` is the multiplier before the schedule.

    ``learning_rate``: the lr the transformation's output is multiplied by afterwards
    (e.g. ``optax.chain(optax.adam(learning_rate), reduce_on_plateau(...,
    learning_rate=learning_rate))``), needed because ``min_lr`` and ``eps`` are
    absolute learning rates as in torch: the plateau level starts at
    ``learning_rate`` and ``scale = level / learning_rate``.  With the default 1.0 they
    are relative to the scale.  ``min_lr`` and ``eps`` compare levels, not the
    scheduled lr (a warmup underneath neither triggers nor blocks a cut).

    Jittable; computed in JAX's default float (float32 unless ``jax_enable_x64``;
    metric comparisons in that dtype too).  Bad settings raise ``ValueError`` /
    ``TypeError`` naming ``reduce_on_plateau``, the field and the value.
    """
    cfg = Plateau(
        mode=mode,
        factor=factor,
        patience=patience,
        threshold=threshold,
        threshold_mode=threshold_mode,
        cooldown=cooldown,
        min_lr=min_lr,  # type: ignore[arg-type]
        eps=eps,
    )
    cfg.min_lrs(1)
    base = _learning_rate(learning_rate)
    underneath: Schedule | None = None if schedule is None else from_config(schedule)

    def init_fn(params: Any) -> ReduceOnPlateauState:
        del params
        levels = jnp.asarray([base], dtype=jnp.result_type(float))
        return ReduceOnPlateauState(plateau_init(cfg, levels), jnp.ones((), levels.dtype))

    def update_fn(
        updates: Any,
        state: ReduceOnPlateauState,
        params: Any = None,
        *,
        value: Any,
        **extra_args: Any,
    ) -> tuple[Any, ReduceOnPlateauState]:
        del params, extra_args
        step = state.plateau.last_epoch
        plateau = plateau_update(state.plateau, value, cfg)
        scale = plateau.lrs[0] / base
        multiplier = scale if underneath is None else scale * underneath(step)
        updates = jax.tree.map(lambda g: jnp.asarray(multiplier, g.dtype) * g, updates)
        return updates, ReduceOnPlateauState(plateau, scale)

    return optax.GradientTransformationExtraArgs(init_fn, update_fn)  # type: ignore[arg-type]


def _learning_rate(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{NAME}: learning_rate must be a real number, got {value!r} ({type(value).__name__})"
        )
    number = float(value)
    if not math.isfinite(number) or number <= 0:
        raise ValueError(f"{NAME}: learning_rate must be finite and > 0, got {value!r}")
    return number
