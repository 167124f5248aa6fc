r"""Reduce-on-plateau as pure functions over a small, serialisable state.

The one common scheduler that is not a function of the step: its decisions depend on
the history of a monitored metric.  The reducer is written once, as three pure
functions, and runs unchanged on Python floats (the torch and Paddle adapters) and
under ``jax.jit`` on traced arrays (the optax adapter)::

    cfg = Plateau(patience=2, factor=0.5)
    state = plateau_init(cfg, [0.1, 0.01])          # one plateau level per group
    for metric in validation_losses:
        state = plateau_update(state, metric, cfg)
    state.lrs                                        # the current levels

Semantics: exactly torch's ``ReduceLROnPlateau.step(metrics)`` (torch 2.x).  For each
evaluation ``x``:

* ``x`` is *better* than ``best`` if ``x < best * (1 - threshold)`` (mode ``"min"``,
  threshold_mode ``"rel"``), ``x < best - threshold`` (min, abs),
  ``x > best * (threshold + 1)`` (max, rel) or ``x > best + threshold`` (max, abs) --
  torch's arithmetic, operand for operand.  ``best`` starts at ``+inf`` (min) or
  ``-inf`` (max); a NaN metric is never better.
* better: ``best = x`` and the bad-evaluation count resets, else it grows by one.
  ``best`` is tracked during the cooldown too (Paddle's native does not).
* in cooldown (``cooldown_counter > 0``): the counter decreases by one and the bad
  count is forced to 0.
* cut when the bad count exceeds ``patience`` (``patience + 1`` bad evaluations in a
  row; optax's native cuts one evaluation earlier): every level becomes
  ``new = max(old * factor, min_lr[g])``, applied only if ``old - new > eps``; the
  cooldown counter is set to ``cooldown`` and the bad count resets.

With a step-based schedule underneath (the adapters' ``schedule=`` argument) the
effective learning rate of group ``g`` is ``lrs[g] * schedule(k)``, ``k`` counting the
scheduler's steps (``state.last_epoch``: each ``step(metric)``, each optax update is
one step).  The cuts act on the plateau *level* alone: ``min_lr`` and ``eps`` compare
levels, so a warmup or a cosine underneath never triggers or blocks a cut, and the
schedule keeps its own step across cuts and checkpoints.

No Python branch depends on the metric or on the state's values: every decision is a
``where`` from the namespace of the state (``lrcore._scalar_math`` when the levels are
a tuple of Python floats, the levels' ``__array_namespace__()`` -- NumPy, JAX -- when
they are an array), so the same code is jittable.  No framework is imported.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from lrcore import _config, _scalar_math

__all__ = [
    "Plateau",
    "PlateauState",
    "plateau_init",
    "plateau_lrs",
    "plateau_scale",
    "plateau_update",
]

NAME = "reduce_on_plateau"

LARGEST_COUNT = 2**31 - 2
"""The largest ``patience`` / ``cooldown``: the counters are int32 under JAX (and the
bad count reaches ``patience + 1``)."""


def _min_lr(owner: str, field: str, value: Any) -> float | tuple[float, ...]:
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return _config.real(owner, field, value, minimum=0.0)
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Sequence):
        raise TypeError(
            f"{owner}: {field} must be a real number or a list of real numbers (one per "
            f"group), got {value!r} ({type(value).__name__})"
        )
    return _config.reals(owner, field, value, minimum=0.0, nonempty=True)


def _count(owner: str, field: str, value: Any) -> int:
    number = _config.integer(owner, field, value, minimum=0)
    if number > LARGEST_COUNT:
        raise ValueError(f"{owner}: {field} must be <= 2**31 - 2, got {value!r}")
    return number


@dataclasses.dataclass(frozen=True)
class Plateau:
    """The reducer's configuration (torch's ``ReduceLROnPlateau`` arguments).

    Validated at construction: ``mode`` ``"min"``/``"max"``; ``0 <= factor < 1``
    (torch refuses ``factor >= 1``; a negative factor would make every cut land on
    ``min_lr``); ``patience`` and ``cooldown`` integers ``>= 0``; ``threshold``,
    ``eps`` finite reals ``>= 0``; ``threshold_mode`` ``"rel"``/``"abs"``; ``min_lr``
    a real ``>= 0`` or a non-empty list of them, one per parameter group (kept as a
    tuple).  Errors are ``ValueError``/``TypeError`` naming ``reduce_on_plateau``, the
    field and the value.
    """

    mode: str = "min"
    factor: float = 0.1
    patience: int = 10
    threshold: float = 1e-4
    threshold_mode: str = "rel"
    cooldown: int = 0
    min_lr: float | tuple[float, ...] = 0.0
    eps: float = 1e-8

    def __post_init__(self) -> None:
        factor = _config.real(NAME, "factor", self.factor, minimum=0.0)
        if factor >= 1.0:
            raise ValueError(f"{NAME}: factor must be < 1, got {self.factor!r}")
        checked: dict[str, Any] = {
            "mode": _config.choice(NAME, "mode", self.mode, options=("min", "max")),
            "factor": factor,
            "patience": _count(NAME, "patience", self.patience),
            "threshold": _config.real(NAME, "threshold", self.threshold, minimum=0.0),
            "threshold_mode": _config.choice(
                NAME, "threshold_mode", self.threshold_mode, options=("rel", "abs")
            ),
            "cooldown": _count(NAME, "cooldown", self.cooldown),
            "min_lr": _min_lr(NAME, "min_lr", self.min_lr),
            "eps": _config.real(NAME, "eps", self.eps, minimum=0.0),
        }
        for name, value in checked.items():
            object.__setattr__(self, name, value)

    def to_config(self) -> dict[str, Any]:
        """``{"name": "reduce_on_plateau", **fields}``, JSON-safe (``min_lr`` a list
        when per group)."""
        config: dict[str, Any] = {"name": NAME}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            config[field.name] = list(value) if isinstance(value, tuple) else value
        return config

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Plateau:
        """Rebuild from :meth:`to_config`'s dict (``"name"`` optional; unknown keys are a
        ``TypeError``)."""
        if not isinstance(config, Mapping):
            raise TypeError(f"{NAME}: a config must be a dict, got {config!r}")
        params = dict(config)
        name = params.pop("name", NAME)
        if name != NAME:
            raise ValueError(f"{NAME}: config name must be {NAME!r}, got {name!r}")
        fields = [field.name for field in dataclasses.fields(cls)]
        unknown = [key for key in params if key not in fields]
        if unknown:
            raise TypeError(
                f"{NAME}: unknown parameter {unknown[0]!r} (= {params[unknown[0]]!r}); "
                f"parameters are {', '.join(fields)}"
            )
        return cls(**params)

    def min_lrs(self, groups: int) -> tuple[float, ...]:
        """``min_lr`` per group; a per-group list must have ``groups`` items."""
        if isinstance(self.min_lr, tuple):
            if len(self.min_lr) != groups:
                raise ValueError(
                    f"{NAME}: min_lr has {len(self.min_lr)} items, expected one per group "
                    f"({groups}), got {list(self.min_lr)!r}"
                )
            return self.min_lr
        return (self.min_lr,) * groups


class PlateauState(NamedTuple):
    """The reducer's state -- torch's ``ReduceLROnPlateau`` attributes of the same names.

    Python floats/ints (and ``lrs`` a tuple, one level per group) on the scalar path;
    arrays under NumPy/JAX (a ``NamedTuple`` is a JAX pytree: it jits, scans and
    pickles as is).
    """

    best: Any
    """The best metric so far (``inf`` for min / ``-inf`` for max before any)."""
    num_bad_epochs: Any
    """Consecutive evaluations that were not better (0 during cooldown)."""
    cooldown_counter: Any
    """Evaluations left in the cooldown after a cut."""
    last_epoch: Any
    """Evaluations so far: the step ``k`` of a schedule underneath."""
    lrs: Any
    """The plateau levels, absolute learning rates, one per group."""


def _worse(cfg: Plateau) -> float:
    return math.inf if cfg.mode == "min" else -math.inf


def plateau_init(cfg: Plateau, lrs: Any) -> PlateauState:
    """The state before any evaluation: levels ``lrs`` (absolute, one per group).

    ``lrs`` a sequence of reals gives the Python-float state; a 1-d NumPy/JAX float
    array gives an array state in its namespace and dtype (``best`` of that dtype,
    int32 counters).  A per-group ``min_lr`` must have one item per level.
    """
    if hasattr(lrs, "__array_namespace__") and not isinstance(lrs, numbers.Number):
        xp = lrs.__array_namespace__()
        if lrs.ndim != 1 or not xp.isdtype(lrs.dtype, "real floating"):
            raise TypeError(
                f"{NAME}: lrs must be a 1-d float array (one level per group), got "
                f"shape {lrs.shape} dtype {lrs.dtype}"
            )
        cfg.min_lrs(int(lrs.shape[0]))
        zero = xp.asarray(0, dtype=xp.int32)
        return PlateauState(xp.asarray(_worse(cfg), dtype=lrs.dtype), zero, zero, zero, lrs)
    levels = _config.reals(NAME, "lrs", lrs, minimum=0.0, nonempty=True)
    cfg.min_lrs(len(levels))
    return PlateauState(_worse(cfg), 0, 0, 0, levels)


def _namespace(state: PlateauState) -> Any:
    """The math namespace of the state: decided by the type of the levels, never a value."""
    if isinstance(state.lrs, tuple):
        return _scalar_math
    return state.lrs.__array_namespace__()


def _is_better(xp: Any, metric: Any, best: Any, cfg: Plateau) -> Any:
    # torch's _is_better, operand for operand (rel_epsilon computed first, as torch does).
    if cfg.mode == "min" and cfg.threshold_mode == "rel":
        return metric < best * (1.0 - cfg.threshold)
    if cfg.mode == "min":
        return metric < best - cfg.threshold
    if cfg.threshold_mode == "rel":
        return metric > best * (cfg.threshold + 1.0)
    return metric > best + cfg.threshold


def _cut_level(xp: Any, old: Any, min_lr: Any, cut: Any, cfg: Plateau) -> Any:
    """torch's ``_reduce_lr`` on one level (or elementwise on an array of levels)."""
    new = xp.maximum(old * cfg.factor, min_lr)
    return xp.where(cut & (old - new > cfg.eps), new, old)


def plateau_update(state: PlateauState, metric: Any, cfg: Plateau) -> PlateauState:
    """The state after one evaluation of ``metric`` -- torch's ``step(metrics)``.

    On the Python path ``metric`` is converted with ``float()`` like torch (a 0-d tensor,
    a NumPy scalar are fine); on the array path it is cast to the dtype of ``best``.
    Jittable: no Python branch on ``metric`` or on the state's values.
    """
    xp = _namespace(state)
    scalar = xp is _scalar_math
    metric = float(metric) if scalar else xp.asarray(metric, dtype=state.best.dtype)
    better = _is_better(xp, metric, state.best, cfg)
    best = xp.where(better, metric, state.best)
    bad = xp.where(better, 0, state.num_bad_epochs + 1)
    in_cooldown = state.cooldown_counter > 0
    cooldown_counter = xp.where(in_cooldown, state.cooldown_counter - 1, state.cooldown_counter)
    bad = xp.where(in_cooldown, 0, bad)  # bad evaluations in cooldown are ignored
    cut = bad > cfg.patience
    cooldown_counter = xp.where(cut, cfg.cooldown, cooldown_counter)
    bad = xp.where(cut, 0, bad)
    if scalar:
        lrs: Any = tuple(
            _cut_level(xp, old, low, cut, cfg)
            for old, low in zip(state.lrs, cfg.min_lrs(len(state.lrs)), strict=True)
        )
    else:
        low = xp.asarray(cfg.min_lrs(int(state.lrs.shape[0])), dtype=state.lrs.dtype)
        lrs = _cut_level(xp, state.lrs, low, cut, cfg)
        # Keep the counters' int32 dtype (where with a Python int may promote).
        bad = xp.astype(bad, state.num_bad_epochs.dtype)
        cooldown_counter = xp.astype(cooldown_counter, state.cooldown_counter.dtype)
    return PlateauState(best, bad, cooldown_counter, state.last_epoch + 1, lrs)


def plateau_scale(state: PlateauState, initial_lrs: Any) -> Any:
    """The current plateau factor per group: ``lrs[g] / initial_lrs[g]``."""
    if isinstance(state.lrs, tuple):
        return tuple(
            level / float(initial) for level, initial in zip(state.lrs, initial_lrs, strict=True)
        )
    return state.lrs / initial_lrs


def plateau_lrs(state: PlateauState, schedules: Any = None) -> Any:
    """The effective learning rates ``lrs[g] * schedule_g(k)``, ``k = state.last_epoch``.

    ``schedules``: ``None`` (the levels alone), one schedule (any callable
    ``step -> factor``, e.g. an :class:`lrcore.Schedule`) for every group, or a sequence
    of them, one per group.
    """
    if schedules is None:
        return state.lrs
    groups = len(state.lrs) if isinstance(state.lrs, tuple) else int(state.lrs.shape[0])
    if callable(schedules):
        schedules = (schedules,) * groups
    schedules = tuple(schedules)
    if len(schedules) != groups:
        raise ValueError(
            f"{NAME}: {len(schedules)} schedules for {groups} groups; give one schedule, "
            "or one per group"
        )
    step = state.last_epoch
    if isinstance(state.lrs, tuple):
        return tuple(
            level * schedule(step) for level, schedule in zip(state.lrs, schedules, strict=True)
        )
    xp = state.lrs.__array_namespace__()
    dtype = state.lrs.dtype
    factors = xp.stack([xp.asarray(schedule(step), dtype=dtype) for schedule in schedules])
    return state.lrs * factors
