"""Schedules for Paddle optimizer hyperparameters other than the lr: ``to_paddle_hyperparams``.

What Paddle 3.3 reads at every ``optimizer.step()`` in dygraph mode (read from
``paddle/optimizer/{momentum,adam,adamw,optimizer}.py`` and measured):

- ``Momentum`` passes ``self._momentum`` (``mu``) and ``self._regularization_coeff``
  (the L2 weight decay, fused into the kernel: ``v = mu*v + g + coeff*p``) to
  ``_C_ops.momentum_`` (or ``merged_momentum_``) on every step.  Both are ``float``
  attributes of the op: the kernel uses ``float32(value)``.
- ``Adam`` / ``AdamW`` pass ``self._beta1``, ``self._beta2``, ``self._epsilon`` (as
  ``Scalar``: the kernel uses them in the parameter's dtype), ``AdamW`` also
  ``self._weight_decay`` (a ``float`` attribute: ``float32(value)``; decoupled:
  ``p -= lr*lr_ratio*coeff*p`` before the Adam step).
- With parameter groups (a list of dicts), every step first runs
  ``_update_param_group(group)``, which overwrites those attributes with the group's
  entry (``"momentum"``, ``"regularization_coeff"``, ``"beta1"``, ``"beta2"``,
  ``"epsilon"``, ``"weight_decay"``) or, if the group has none, with
  ``_default_dict[...]``.  So the value lives in the attribute without groups and in
  the group dict with groups; writing the other one has no effect.
- Adam's bias correction does NOT use ``beta1 ** t``: each parameter has a
  ``beta1_pow_acc`` accumulator, created at the first step filled with the beta1 then
  in force, and multiplied in the kernel by the beta1 of every step.  At update ``k``
  the kernel divides by ``1 - b1(0) * b1(0) * ... * b1(k - 1)`` where torch divides by
  ``1 - b1(k) ** (k + 1)``.  With a constant beta1 they agree; with a scheduled one
  they differ (``bias_correction="torch"`` rewrites the accumulators to torch's
  convention after every ``step()``).

What is refused: ``Adam``'s ``weight_decay`` (an ``L2Decay`` regularizer added to the
gradient outside the update kernel, one object per parameter, possibly shared: not a
coefficient the optimizer reads), ``Momentum``'s with ``use_multi_tensor=True``
(the coefficients are frozen into per-dtype lists at the first step) or with a
regularizer that is not L2 or set on a parameter (it overrides the group's), and every
other optimizer class.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import paddle
from paddle.optimizer import Adam, AdamW, Momentum, Optimizer

from lrcore import Schedule, from_config
from lrcore._schedule import checkpoint_config

__all__ = ["HyperparamScheduler", "to_paddle_hyperparams"]

_WHERE = "to_paddle_hyperparams"

# torch's param-group keys, so that a ``from_torch_hyperparams`` result feeds in as it is.
_ALIASES = {"betas[0]": "beta1", "betas[1]": "beta2", "eps": "epsilon"}


@dataclass(frozen=True)
class _Field:
    attribute: str  # what the kernel call reads (no parameter groups)
    group_key: str  # what ``_update_param_group`` copies into the attribute (groups)


_MOMENTUM = {
    "momentum": _Field("_momentum", "momentum"),
    "weight_decay": _Field("_regularization_coeff", "regularization_coeff"),
}
_ADAM = {
    "beta1": _Field("_beta1", "beta1"),
    "beta2": _Field("_beta2", "beta2"),
    "epsilon": _Field("_epsilon", "epsilon"),
}
_ADAMW = {**_ADAM, "weight_decay": _Field("_weight_decay", "weight_decay")}

# Most derived first: a subclass of Momentum/Adam/AdamW inherits their handling.
_SUPPORTED: list[tuple[type, dict[str, _Field]]] = [
    (AdamW, _ADAMW),
    (Adam, _ADAM),
    (Momentum, _MOMENTUM),
]

_REFUSED = {
    (Adam, "weight_decay"): (
        "Adam applies weight_decay as an L2Decay regularizer added to the gradient "
        "outside its update kernel (one regularizer object per parameter), not as a "
        "coefficient the optimizer reads at each step, so it cannot be scheduled; "
        "use AdamW (decoupled weight decay) to schedule it"
    ),
}


def _fields_of(optimizer: Optimizer) -> tuple[type | None, dict[str, _Field]]:
    for cls, fields in _SUPPORTED:
        if isinstance(optimizer, cls):
            return cls, fields
    return None, {}


def _supported_text() -> str:
    return "; ".join(f"{cls.__name__}: {', '.join(fields)}" for cls, fields in _SUPPORTED)


def _is_pair(item: Any) -> bool:
    return (
        isinstance(item, (tuple, list))
        and len(item) == 2
        and isinstance(item[0], numbers.Real)
        and not isinstance(item[0], bool)
    )


def _as_float(value: Any, what: str) -> float:
    if isinstance(value, paddle.Tensor):
        if value.size != 1:
            raise ValueError(f"{_WHERE}: {what} is a Tensor of shape {value.shape}, not a scalar")
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{_WHERE}: {what} is {value!r} ({type(value).__name__}), not a number")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{_WHERE}: {what} is {number!r}, not finite")
    return number


class HyperparamScheduler:
    """Drives Paddle optimizer hyperparameters (not the lr) along lrcore schedules.

    After ``k`` calls of ``step()``, the value of ``key`` that the optimizer uses for
    the parameters of group ``g`` is ``bases[key][g] * schedules[key][g](k)`` (float64
    Python, from the closed form; the kernel then reads it as the op attribute's dtype,
    see the module docstring).  ``bases`` are the optimizer's values when the scheduler
    is built, kept in the group dicts as ``initial_<key>`` (or on the optimizer without
    groups) so that a second scheduler built later starts from the same bases, like
    torch's ``initial_lr``.  Call ``step()`` once per ``optimizer.step()``, beside the lr
    scheduler: it never touches the lr.

    ``state_dict()`` holds ``last_epoch`` and, for checking, the bases and schedule
    configs; ``set_state_dict()`` (alias ``set_dict``) restores the step, warns if the
    checkpoint's schedules differ from the live ones, and never alters them.
    """

    def __init__(
        self,
        schedules: Mapping[str, Sequence[Schedule]],
        bases: Mapping[str, Sequence[float]],
        optimizer: Optimizer,
        last_epoch: int = -1,
        bias_correction: str = "paddle",
    ) -> None:
        self.optimizer = optimizer
        self.schedules = {key: list(value) for key, value in schedules.items()}
        self.bases = {key: [float(b) for b in value] for key, value in bases.items()}
        self.bias_correction = bias_correction
        _, self._fields = _fields_of(optimizer)
        self.last_epoch = last_epoch
        self.step()

    # -- what the optimizer uses ------------------------------------------------------------

    def values(self) -> dict[str, list[float]]:
        """The value of each key per group for the coming update: ``base * schedule(k)``."""
        step = max(self.last_epoch, 0)
        return {
            key: [
                base * schedule(step)
                for base, schedule in zip(self.bases[key], self.schedules[key], strict=True)
            ]
            for key in self.schedules
        }

    def _apply(self) -> None:
        groups = self.optimizer._param_groups
        grouped = bool(groups) and isinstance(groups[0], dict)
        values = self.values()
        for key, per_group in values.items():
            field = self._fields[key]
            for g, value in enumerate(per_group):
                if grouped:
                    groups[g][field.group_key] = value
                else:
                    setattr(self.optimizer, field.attribute, value)
        if self.bias_correction == "torch":
            self._torch_bias_correction(values)

    def _torch_bias_correction(self, values: dict[str, list[float]]) -> None:
        # Paddle's kernel divides by 1 - pow, pow being the accumulator; torch by
        # 1 - beta(k) ** (k + 1).  Before the first step the accumulators do not exist
        # yet: Paddle creates them filled with beta(0), which is torch's value at k = 0.
        step = max(self.last_epoch, 0)
        optimizer = self.optimizer
        for key, name in (("beta1", optimizer._beta1_pow_acc_str), ("beta2", "beta2_pow_acc")):
            if key in values:
                betas = values[key]
            else:
                betas = [float(b) for b in _current(optimizer, self._fields[key])]
            for parameters, beta in zip(_group_parameters(optimizer), betas, strict=True):
                for parameter in parameters:
                    try:
                        accumulator = optimizer._get_accumulator_master(name, parameter)
                    except Exception:  # not created yet (before the first update)
                        continue
                    with paddle.no_grad():
                        accumulator.set_value(
                            paddle.full(accumulator.shape, beta ** (step + 1), accumulator.dtype)
                        )

    # -- stepping and checkpoints -----------------------------------------------------------

    def step(self, epoch: int | None = None) -> None:
        """Advance one update (or jump to ``epoch``) and write the new values."""
        if epoch is None:
            self.last_epoch += 1
        else:
            if isinstance(epoch, bool) or not isinstance(epoch, numbers.Integral) or epoch < 0:
                raise ValueError(
                    f"HyperparamScheduler.step: epoch must be an int >= 0, got {epoch!r}"
                )
            self.last_epoch = int(epoch)
        self._apply()

    def _configs(self) -> dict[str, list[Any]]:
        return {
            key: [checkpoint_config(schedule) for schedule in schedules]
            for key, schedules in self.schedules.items()
        }

    def state_dict(self) -> dict[str, Any]:
        return {
            "last_epoch": self.last_epoch,
            "bases": {key: list(bases) for key, bases in self.bases.items()},
            "schedules": self._configs(),
            "bias_correction": self.bias_correction,
        }

    def set_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        saved = state_dict.get("schedules")
        current = self._configs()
        if saved is not None and saved != current:
            warnings.warn(
                f"the checkpoint was saved with hyperparameter schedules {saved}, this "
                f"scheduler runs {current}; keeping this scheduler's schedules",
                stacklevel=2,
            )
        saved_bases = state_dict.get("bases")
        if saved_bases is not None and saved_bases != self.bases:
            warnings.warn(
                f"the checkpoint was saved with bases {saved_bases}, this optimizer's are "
                f"{self.bases}; keeping this optimizer's",
                stacklevel=2,
            )
        self.last_epoch = int(state_dict["last_epoch"])
        self._apply()

    set_dict = set_state_dict

    def __repr__(self) -> str:
        return (
            f"HyperparamScheduler({type(self.optimizer).__name__}, keys={list(self.schedules)}, "
            f"last_epoch={self.last_epoch})"
        )


def _group_parameters(optimizer: Optimizer) -> list[list[Any]]:
    groups = optimizer._param_groups
    if groups and isinstance(groups[0], dict):
        return [list(group["params"]) for group in groups]
    return [list(groups or [])]


def _current(optimizer: Optimizer, field: _Field) -> list[Any]:
    groups = optimizer._param_groups
    if groups and isinstance(groups[0], dict):
        default = optimizer._default_dict.get(field.group_key)
        return [group.get(field.group_key, default) for group in groups]
    return [getattr(optimizer, field.attribute)]


def _check_momentum_weight_decay(optimizer: Optimizer) -> None:
    name = type(optimizer).__name__
    if optimizer._use_multi_tensor:
        raise ValueError(
            f"{_WHERE}: 'weight_decay' of {name} with use_multi_tensor=True cannot be "
            "scheduled: Paddle freezes the coefficients into per-dtype lists at the first step"
        )
    groups = optimizer._param_groups
    grouped = bool(groups) and isinstance(groups[0], dict)
    # Without a weight decay the base is 0.0 and stays 0.0: nothing to refuse.  Without
    # groups a non-L2 regularizer stays in optimizer.regularization; with groups it
    # becomes each parameter's regularizer (caught below).
    if not grouped and optimizer.regularization is not None:
        raise ValueError(
            f"{_WHERE}: 'weight_decay' of {name} is a {type(optimizer.regularization).__name__} "
            "regularizer applied outside the update kernel; only a float or L2Decay "
            "coefficient (fused into the Momentum kernel) can be scheduled"
        )
    for g, parameters in enumerate(_group_parameters(optimizer)):
        for parameter in parameters:
            regularizer = getattr(parameter, "regularizer", None)
            if regularizer is not None:
                raise ValueError(
                    f"{_WHERE}: 'weight_decay' of {name}: parameter {parameter.name} (group "
                    f"{g}) has its own {type(regularizer).__name__} regularizer, which "
                    "overrides the optimizer's coefficient; it cannot be scheduled"
                )


def to_paddle_hyperparams(
    schedules: Mapping[str, Any],
    optimizer: Optimizer,
    last_epoch: int = -1,
    *,
    bias_correction: str = "paddle",
) -> HyperparamScheduler:
    """Schedule Paddle optimizer hyperparameters: ``value = base * schedule(k)``.

    ``schedules`` maps a key to a schedule (or config dict), or to a list with one per
    parameter group; a list item may also be a ``(base, schedule)`` pair as returned by
    ``lrcore_torch.from_torch_hyperparams``, whose base must then be the optimizer's.
    Keys (Paddle's names; torch's ``"betas[0]"``, ``"betas[1]"``, ``"eps"`` are aliases):

    - ``Momentum``: ``"momentum"``, ``"weight_decay"`` (the fused L2 coefficient)
    - ``Adam``: ``"beta1"``, ``"beta2"``, ``"epsilon"``
    - ``AdamW``: ``"beta1"``, ``"beta2"``, ``"epsilon"``, ``"weight_decay"``

    ``base`` is the optimizer's value (per group) when the scheduler is built.  After
    ``k`` calls of the returned scheduler's ``step()`` the optimizer uses
    ``base * schedule(k)``.  ``bias_correction="torch"`` (Adam/AdamW) also rewrites the
    ``beta1_pow``/``beta2_pow`` accumulators after every ``step()`` to
    ``beta(k) ** (k + 1)``, torch's bias correction; Paddle's own (``"paddle"``,
    default) is the running product of the betas in force.

    >>> hp = to_paddle_hyperparams({"momentum": momentum_cycle}, optimizer)  # doctest: +SKIP
    >>> for batch in data:  # doctest: +SKIP
    ...     loss.backward(); optimizer.step(); optimizer.clear_grad()
    ...     lr_scheduler.step(); hp.step()
    """
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"{_WHERE}: optimizer must be a paddle.optimizer.Optimizer, got "
            f"{type(optimizer).__name__}"
        )
    if not isinstance(schedules, Mapping):
        raise TypeError(
            f"{_WHERE}: schedules must be a mapping of key -> schedule, got "
            f"{type(schedules).__name__}"
        )
    if isinstance(last_epoch, bool) or not isinstance(last_epoch, numbers.Integral):
        raise TypeError(f"{_WHERE}: last_epoch must be an int, got {last_epoch!r}")
    if last_epoch < -1:
        raise ValueError(f"{_WHERE}: last_epoch must be >= -1, got {last_epoch!r}")
    if bias_correction not in ("paddle", "torch"):
        raise ValueError(
            f"{_WHERE}: bias_correction must be 'paddle' or 'torch', got {bias_correction!r}"
        )
    name = type(optimizer).__name__
    cls, fields = _fields_of(optimizer)
    if bias_correction == "torch" and cls not in (Adam, AdamW):
        raise ValueError(f"{_WHERE}: bias_correction='torch' is for Adam and AdamW, not {name}")

    groups = optimizer._param_groups
    n_groups = len(groups) if groups and isinstance(groups[0], dict) else 1
    resolved: dict[str, list[Schedule]] = {}
    bases: dict[str, list[float]] = {}
    for given_key, spec in schedules.items():
        if not isinstance(given_key, str):
            raise TypeError(f"{_WHERE}: keys must be strings, got {given_key!r}")
        key = _ALIASES.get(given_key, given_key)
        if key in resolved:
            raise ValueError(f"{_WHERE}: {key!r} is given twice (as {given_key!r} and its alias)")
        if cls is not None and (cls, key) in _REFUSED:
            raise ValueError(f"{_WHERE}: {key!r} of {name}: {_REFUSED[(cls, key)]}")
        if key not in fields:
            have = f"its schedulable keys are {sorted(fields)}" if fields else "it is not supported"
            raise ValueError(
                f"{_WHERE}: {name} has no schedulable hyperparameter {given_key!r} ({have}; "
                f"supported: {_supported_text()})"
            )
        if key == "weight_decay" and cls is Momentum:
            _check_momentum_weight_decay(optimizer)
        items = list(spec) if isinstance(spec, (list, tuple)) and not _is_pair(spec) else None
        if items is None:
            items = [spec] * n_groups
        elif len(items) != n_groups:
            raise ValueError(
                f"{_WHERE}: {given_key!r} has {len(items)} schedules for the {n_groups} "
                f"parameter group(s) of the {name} optimizer"
            )
        current = _current(optimizer, fields[key])
        stored = _stored_initial(optimizer, key, n_groups)
        group_bases: list[float] = []
        group_schedules: list[Schedule] = []
        for g, item in enumerate(items):
            what = f"{given_key!r} of group {g}"
            base = stored[g] if stored[g] is not None else _as_float(current[g], f"{name}'s {what}")
            if _is_pair(item):
                port_base = _as_float(item[0], f"the base of {what}")
                if not math.isclose(port_base, base, rel_tol=1e-12, abs_tol=0.0):
                    raise ValueError(
                        f"{_WHERE}: {what}: the schedule's base is {port_base!r} but the "
                        f"{name} optimizer holds {base!r}; build the optimizer with "
                        f"{key}={port_base!r}"
                    )
                item = item[1]
            if not isinstance(item, (Schedule, Mapping)):
                raise TypeError(
                    f"{_WHERE}: {what} must be a schedule or a config dict, got "
                    f"{type(item).__name__}"
                )
            group_schedules.append(from_config(item, where=f"{_WHERE}: {what}"))
            group_bases.append(base)
        _store_initial(optimizer, key, group_bases)
        resolved[key] = group_schedules
        bases[key] = group_bases
    return HyperparamScheduler(
        resolved, bases, optimizer, last_epoch=last_epoch, bias_correction=bias_correction
    )


_INITIAL_ATTRIBUTE = "_lrcore_initial_hyperparams"


def _stored_initial(optimizer: Optimizer, key: str, n_groups: int) -> list[float | None]:
    groups = optimizer._param_groups
    if groups and isinstance(groups[0], dict):
        return [group.get(f"initial_{key}") for group in groups]
    stored: dict[str, float] = getattr(optimizer, _INITIAL_ATTRIBUTE, {})
    return [stored.get(key)] * n_groups


def _store_initial(optimizer: Optimizer, key: str, bases: list[float]) -> None:
    # Paddle passes unknown group keys to _update_param_group, which ignores them.
    groups = optimizer._param_groups
    if groups and isinstance(groups[0], dict):
        for group, base in zip(groups, bases, strict=True):
            group.setdefault(f"initial_{key}", base)
    else:
        stored = getattr(optimizer, _INITIAL_ATTRIBUTE, None)
        if stored is None:
            stored = {}
            setattr(optimizer, _INITIAL_ATTRIBUTE, stored)
        stored.setdefault(key, bases[0])
