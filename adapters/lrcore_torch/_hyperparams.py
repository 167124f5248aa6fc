"""Schedules for optimizer hyperparameters other than the lr: momentum, Adam's betas,
weight decay, eps, dampening.

``to_torch_hyperparams(schedules, optimizer)`` gives a :class:`HyperparamScheduler`:
after ``k`` calls of its ``step()`` each parameter group's value of every scheduled key
is ``base * schedule(k)``, in float64 Python from the closed form (never chained from
the previous value), where ``base`` is the group's value when the scheduler is built,
kept in the group as ``initial_<key>`` (``group["initial_momentum"]``,
``group["initial_betas[0]"]``), as torch keeps ``initial_lr``.  It never reads or writes
a group's ``lr``, so it runs beside any lr scheduler.

``from_torch_hyperparams(scheduler)`` ports the momentum (or beta1) cycle of torch's
``OneCycleLR`` and ``CyclicLR`` (``cycle_momentum=True``) to lrcore schedules, one
``(base, schedule)`` per group, as ``from_torch`` ports their lr.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import torch
from torch.optim import lr_scheduler as sch

from lrcore import Schedule, ScheduleLike, from_config
from lrcore._cyclic import Cyclic, OneCycleMomentum
from lrcore._schedule import checkpoint_config
from lrcore_torch._port import Pairs
from lrcore_torch._port_torch import cyclic_shape, one_cycle_shape

__all__ = [
    "HYPERPARAM_KEYS",
    "HyperparamScheduler",
    "from_torch_hyperparams",
    "to_torch_hyperparams",
]

HYPERPARAM_KEYS: tuple[str, ...] = (
    "momentum",
    "betas[0]",
    "betas[1]",
    "weight_decay",
    "eps",
    "dampening",
)
"""The param-group keys ``to_torch_hyperparams`` drives (``betas[i]``: item ``i`` of
the group's ``betas`` tuple)."""

_TUPLE_ITEM = {"betas[0]": ("betas", 0), "betas[1]": ("betas", 1)}


# --------------------------------------------------------------------------- reading/writing


def _describe(optimizer: torch.optim.Optimizer, index: int) -> str:
    return f"{type(optimizer).__name__} param_groups[{index}]"


def _read(
    owner: str, optimizer: torch.optim.Optimizer, index: int, group: Mapping[str, Any], key: str
) -> float:
    """The group's current value of ``key``: a real number, never a tensor."""
    field, item = _TUPLE_ITEM.get(key, (key, None))
    if field not in group:
        present = sorted(k for k in group if k != "params")
        raise ValueError(
            f"{owner}: {_describe(optimizer, index)} has no {field!r} (key {key!r}); "
            f"its keys are {present}"
        )
    value = group[field]
    if item is not None:
        if not isinstance(value, (tuple, list)) or len(value) <= item:
            raise TypeError(
                f"{owner}: {_describe(optimizer, index)} has {field}={value!r}, not a tuple "
                f"with an item {item} (key {key!r})"
            )
        value = value[item]
    return _real(owner, optimizer, index, key, value)


def _real(owner: str, optimizer: torch.optim.Optimizer, index: int, key: str, value: Any) -> float:
    if isinstance(value, torch.Tensor):
        raise TypeError(
            f"{owner}: {_describe(optimizer, index)} holds {key} as a tensor ({value!r}); "
            "only Python numbers are scheduled (build the optimizer with float "
            "hyperparameters)"
        )
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{owner}: {_describe(optimizer, index)} has {key}={value!r} "
            f"({type(value).__name__}), not a real number"
        )
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{owner}: {_describe(optimizer, index)} has {key}={value!r}")
    return number


def _write(group: dict[str, Any], key: str, value: float) -> None:
    field, item = _TUPLE_ITEM.get(key, (key, None))
    if item is None:
        group[field] = value
    else:
        # A new tuple, as torch's OneCycleLR writes betas: (value, *betas[1:]).
        old = tuple(group[field])
        group[field] = (*old[:item], value, *old[item + 1 :])


def _initial_key(key: str) -> str:
    return f"initial_{key}"


# --------------------------------------------------------------------------- scheduler


class HyperparamScheduler:
    """Drives param-group hyperparameters (not the lr) with lrcore schedules.

    ``schedules`` maps a key of :data:`HYPERPARAM_KEYS` to one schedule per parameter
    group.  After ``k`` calls of :meth:`step` (``last_epoch == k``) group ``g``'s value of
    ``key`` is ``base_values[key][g] * schedules[key][g](k)``.  Building it takes the
    initial step, as torch's schedulers do: with ``last_epoch=-1`` the bases are the
    groups' current values, stored as ``group["initial_<key>"]``, and the values of step
    0 are set; with ``last_epoch=n >= 0`` the bases are read from ``initial_<key>`` and
    the values of step ``n + 1`` are set (torch's ``LRScheduler(last_epoch=n)`` lands on
    ``n + 1`` too, so this stays in step with ``to_torch(..., last_epoch=n)``).

    It is not an ``LRScheduler``: it never touches ``group["lr"]`` and does not wrap
    ``optimizer.step``.  ``state_dict()`` holds only primitives (loads with
    ``torch.load(weights_only=True)``).
    """

    def __init__(
        self,
        optimizer: torch.optim.Optimizer,
        schedules: Mapping[str, Sequence[Schedule]],
        last_epoch: int = -1,
    ) -> None:
        owner = "to_torch_hyperparams"
        if not isinstance(optimizer, torch.optim.Optimizer):
            raise TypeError(f"{owner}: expected a torch.optim.Optimizer, got {optimizer!r}")
        if isinstance(last_epoch, bool) or not isinstance(last_epoch, int) or last_epoch < -1:
            raise ValueError(f"{owner}: last_epoch must be an int >= -1, got {last_epoch!r}")
        self.optimizer = optimizer
        self.schedules: dict[str, tuple[Schedule, ...]] = {}
        groups = optimizer.param_groups
        for key, per_group in schedules.items():
            _check_key(owner, key)
            if len(per_group) != len(groups):
                raise ValueError(
                    f"{owner}: key {key!r} has {len(per_group)} schedules for the "
                    f"{len(groups)} parameter groups of {type(optimizer).__name__}"
                )
            self.schedules[key] = tuple(per_group)
        self.base_values: dict[str, list[float]] = {}
        for key in self.schedules:
            bases = []
            for index, group in enumerate(groups):
                current = _read(owner, optimizer, index, group, key)
                if last_epoch == -1:
                    bases.append(current)
                    continue
                name = _initial_key(key)
                if name not in group:
                    raise ValueError(
                        f"{owner}: {_describe(optimizer, index)} has no {name!r}, needed to "
                        f"resume {key!r} with last_epoch={last_epoch} (build the scheduler "
                        "with last_epoch=-1 first, or load the optimizer's state dict)"
                    )
                bases.append(_real(owner, optimizer, index, name, group[name]))
            self.base_values[key] = bases
        for key, bases in self.base_values.items():
            for group, base in zip(groups, bases, strict=True):
                group[_initial_key(key)] = base
        self.last_epoch = last_epoch
        self._last_values: dict[str, list[float]] = {}
        self.step()

    def values_at(self, step: int) -> dict[str, list[float]]:
        """``{key: [base * schedule(step) per group]}``: the closed form, in float64."""
        return {
            key: [
                base * float(schedule(step))
                for base, schedule in zip(self.base_values[key], schedules, strict=True)
            ]
            for key, schedules in self.schedules.items()
        }

    def _apply(self) -> None:
        values = self.values_at(self.last_epoch)
        for key, per_group in values.items():
            for group, value in zip(self.optimizer.param_groups, per_group, strict=True):
                _write(group, key, value)
        self._last_values = values

    def step(self) -> None:
        """Advance one step and set every scheduled value (call after ``optimizer.step()``)."""
        self.last_epoch += 1
        self._apply()

    def get_last_values(self) -> dict[str, list[float]]:
        """The values last set, ``{key: [value per group]}``."""
        return {key: list(values) for key, values in self._last_values.items()}

    def state_dict(self) -> dict[str, Any]:
        """The step counter, the bases and (for checking) each schedule's config."""
        return {
            "last_epoch": self.last_epoch,
            "base_values": {key: list(values) for key, values in self.base_values.items()},
            "schedules": {
                key: [checkpoint_config(s) for s in schedules]
                for key, schedules in self.schedules.items()
            },
        }

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore the counter and the bases, and set the values of that step.

        The keys and group counts must match (``ValueError``); saved schedules that
        differ from the live ones only warn, and the live ones are kept.
        """
        owner = "HyperparamScheduler.load_state_dict"
        bases = state_dict["base_values"]
        if set(bases) != set(self.schedules):
            raise ValueError(
                f"{owner}: the checkpoint schedules keys {sorted(bases)}, this scheduler "
                f"{sorted(self.schedules)}"
            )
        for key, values in bases.items():
            if len(values) != len(self.optimizer.param_groups):
                raise ValueError(
                    f"{owner}: the checkpoint has {len(values)} {key!r} bases for "
                    f"{len(self.optimizer.param_groups)} parameter groups"
                )
        saved = state_dict.get("schedules")
        current = {
            key: [checkpoint_config(s) for s in schedules]
            for key, schedules in self.schedules.items()
        }
        if saved is not None and saved != current:
            warnings.warn(
                f"the checkpoint was saved with hyperparameter schedules {saved}, this "
                f"scheduler runs {current}; keeping this scheduler's schedules",
                stacklevel=2,
            )
        self.last_epoch = int(state_dict["last_epoch"])
        self.base_values = {key: [float(v) for v in values] for key, values in bases.items()}
        for key, values in self.base_values.items():
            for group, base in zip(self.optimizer.param_groups, values, strict=True):
                group[_initial_key(key)] = base
        self._apply()

    def __repr__(self) -> str:
        keys = ", ".join(self.schedules)
        name = type(self.optimizer).__name__
        return f"HyperparamScheduler({name}, [{keys}], step {self.last_epoch})"


def _check_key(owner: str, key: Any) -> None:
    if key not in HYPERPARAM_KEYS:
        raise ValueError(
            f"{owner}: unknown hyperparameter key {key!r}; expected one of "
            f"{list(HYPERPARAM_KEYS)} ('lr' belongs to to_torch)"
        )


def _schedules(
    owner: str, key: str, value: Any, optimizer: torch.optim.Optimizer
) -> list[Schedule]:
    groups = len(optimizer.param_groups)
    where = f"{owner}: {key!r}"
    if isinstance(value, (Schedule, Mapping)):
        return [from_config(value, where=where)] * groups
    if isinstance(value, Sequence) and not isinstance(value, str):
        if len(value) != groups:
            raise ValueError(
                f"{owner}: key {key!r} has {len(value)} schedules for the {groups} "
                f"parameter groups of {type(optimizer).__name__}"
            )
        return [from_config(item, where=f"{where}[{index}]") for index, item in enumerate(value)]
    raise TypeError(
        f"{owner}: key {key!r} must map to a Schedule, a config dict or a list with one "
        f"per parameter group, got {value!r}"
    )


def to_torch_hyperparams(
    schedules: Mapping[str, ScheduleLike | Sequence[ScheduleLike]],
    optimizer: torch.optim.Optimizer,
    last_epoch: int = -1,
) -> HyperparamScheduler:
    """Schedule param-group hyperparameters of ``optimizer`` with lrcore schedules.

    ``schedules`` maps keys of :data:`HYPERPARAM_KEYS` (``"momentum"``, ``"betas[0]"``,
    ``"betas[1]"``, ``"weight_decay"``, ``"eps"``, ``"dampening"``) to a schedule or
    config dict for every group, or a list with one per group.  Each group's value when
    the scheduler is built is its base (``group["initial_<key>"]``); after ``k`` calls of
    ``step()`` the value is ``base * schedule(k)``.  A key missing from a group (SGD has
    no ``betas``), a tensor or non-number value, an unknown key or a list of the wrong
    length raise ``ValueError``/``TypeError`` naming the key, the optimizer and the group.

    >>> to_torch_hyperparams({"weight_decay": {"name": "cosine", "start": 1.0,
    ...     "end": 10.0, "steps": 1000}}, adamw)  # doctest: +SKIP
    """
    owner = "to_torch_hyperparams"
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"{owner}: expected a torch.optim.Optimizer, got {optimizer!r}")
    if not isinstance(schedules, Mapping):
        raise TypeError(
            f"{owner}: expected a dict {{key: schedule or list}} with keys among "
            f"{list(HYPERPARAM_KEYS)}, got {schedules!r}"
        )
    built: dict[str, list[Schedule]] = {}
    for key, value in schedules.items():
        _check_key(owner, key)
        built[key] = _schedules(owner, key, value, optimizer)
    return HyperparamScheduler(optimizer, built, last_epoch=last_epoch)


# --------------------------------------------------------------------------- porting

HyperparamPairs = dict[str, Pairs]
"""``{key: [(base, schedule) per group]}``."""


def _cannot(scheduler: Any, why: str) -> Exception:
    return TypeError(
        f"from_torch_hyperparams: cannot port the momentum cycle of "
        f"{type(scheduler).__name__}: {why}"
    )


def _bad_value(scheduler: Any, why: str) -> ValueError:
    return ValueError(
        f"from_torch_hyperparams: cannot port the momentum cycle of "
        f"{type(scheduler).__name__}: {why}"
    )


def _cycles(scheduler: Any) -> bool:
    return isinstance(scheduler, (sch.OneCycleLR, sch.CyclicLR)) and bool(
        getattr(scheduler, "cycle_momentum", False)
    )


def _children(scheduler: Any) -> list[Any]:
    found: list[Any] = []
    for child in getattr(scheduler, "_schedulers", ()):
        found.append(child)
        found += _children(child)
    return found


def _momentum(scheduler: Any, name: str, index: int, value: Any) -> float:
    if isinstance(value, torch.Tensor):
        raise _cannot(
            scheduler,
            f"{name} of group {index} is a tensor ({value!r}): torch computes that momentum "
            "in the tensor's dtype, not in float64",
        )
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise _cannot(scheduler, f"{name} of group {index} is {value!r}, not a real number")
    number = float(value)
    if not math.isfinite(number) or number < 0:
        raise _bad_value(scheduler, f"{name}={value!r} of group {index} is not a momentum >= 0")
    return number


def _base_and_factor(scheduler: Any, index: int, peak: float, low: float) -> tuple[float, float]:
    """``(max_momentum, base_momentum / max_momentum)``; a zero peak only with a zero low."""
    if peak == 0.0:
        if low == 0.0:
            return 0.0, 1.0
        raise _bad_value(
            scheduler,
            f"group {index} has max_momentum=0 and base_momentum={low!r}: its momentum rises "
            "from 0, which is no factor of a base of max_momentum=0",
        )
    return peak, low / peak


def _key(scheduler: Any) -> str:
    return "betas[0]" if scheduler.use_beta1 else "momentum"


def _one_cycle(scheduler: Any) -> HyperparamPairs:
    shape = one_cycle_shape(scheduler, cannot=_cannot)
    pairs: Pairs = []
    for index, group in enumerate(scheduler.optimizer.param_groups):
        # OneCycleLR keeps its per-group levels in the group (set at construction).
        peak = _momentum(scheduler, "max_momentum", index, group.get("max_momentum"))
        low = _momentum(scheduler, "base_momentum", index, group.get("base_momentum"))
        base, factor = _base_and_factor(scheduler, index, peak, low)
        pairs.append((base, OneCycleMomentum(base_factor=factor, **shape)))
    return {_key(scheduler): pairs}


def _cyclic(scheduler: Any) -> HyperparamPairs:
    shape = cyclic_shape(scheduler, cannot=_cannot, invalid=_bad_value)
    pairs: Pairs = []
    groups = zip(scheduler.max_momentums, scheduler.base_momentums, strict=True)
    for index, (peak_value, low_value) in enumerate(groups):
        peak = _momentum(scheduler, "max_momentum", index, peak_value)
        low = _momentum(scheduler, "base_momentum", index, low_value)
        if shape["mode"] == "exp_range" and shape["gamma"] > 1.0 and low < peak:
            raise _bad_value(
                scheduler,
                f"exp_range with gamma={shape['gamma']!r} > 1 grows the dip of group {index} "
                f"(max_momentum={peak!r} -> base_momentum={low!r}) without bound: its "
                "momentum turns negative",
            )
        base, factor = _base_and_factor(scheduler, index, peak, low)
        # torch: momentum = max_m - (max_m - base_m) * scale; a cycle from 1 dipping to
        # base_m / max_m.
        pairs.append((base, Cyclic(min_factor=1.0, max_factor=factor, **shape)))
    return {_key(scheduler): pairs}


def from_torch_hyperparams(scheduler: Any) -> dict[str, list[tuple[float, Schedule]]]:
    """The hyperparameter curves a torch scheduler cycles besides the lr.

    For ``OneCycleLR`` and ``CyclicLR`` with ``cycle_momentum=True``: ``{"momentum":
    pairs}`` (an optimizer with ``momentum``) or ``{"betas[0]": pairs}`` (Adam-like,
    torch's ``use_beta1``), one ``(max_momentum, schedule)`` per group, the schedule a
    ``one_cycle_momentum`` or a ``cyclic`` dipping from 1 to ``base/max_momentum``; the
    phases and step sizes are those ``from_torch`` gives the lr.  ``{}`` when nothing is
    cycled.  Like ``from_torch``, it reads constructor state (``group["max_momentum"]``,
    ``scheduler.max_momentums``), never the current momentum, so a stepped scheduler
    ports from step 0.  ``to_torch_hyperparams`` on an optimizer whose groups hold the
    bases replays torch's momentum.  ``SequentialLR``/``ChainedScheduler`` over a
    momentum-cycling child, tensor momenta, a custom ``scale_fn`` or a subclass raise
    ``TypeError``; curves no factor can express (``max_momentum = 0`` below a positive
    ``base_momentum``, an ``exp_range`` dip growing negative) raise ``ValueError``.
    """
    kind = type(scheduler)
    if not callable(getattr(scheduler, "step", None)):
        raise TypeError(f"from_torch_hyperparams: expected a scheduler, got {scheduler!r}")
    if kind in (sch.SequentialLR, sch.ChainedScheduler):
        cycling = [child for child in _children(scheduler) if _cycles(child)]
        if cycling:
            raise _cannot(
                scheduler,
                f"its child {type(cycling[0]).__name__} cycles momentum, which torch sets "
                "from that child's own step count while the container resets and steps it "
                "(port the child on its own)",
            )
        return {}
    if not _cycles(scheduler):
        return {}
    if kind is sch.OneCycleLR:
        return _one_cycle(scheduler)
    if kind is sch.CyclicLR:
        return _cyclic(scheduler)
    raise _cannot(scheduler, f"a subclass of {kind.__mro__[1].__name__} may cycle differently")
