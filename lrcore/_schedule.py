"""The Schedule base class, the registry of schedule names and ``from_config``."""

from __future__ import annotations

import abc
import bisect
import inspect
import numbers
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, TypeVar, Union

from lrcore._evaluate import (
    SCALAR_MATH,
    Phase,
    array_namespace,
    as_step,
    evaluate_array,
    signed_steps,
)

Config = dict[str, Any]
"""A JSON-safe schedule description: ``{"name": ..., **params}``."""

ScheduleLike = Union["Schedule", Mapping[str, Any]]
"""A Schedule or its config: what every builder and adapter accepts."""

_REGISTRY: dict[str, type[Schedule]] = {}

S = TypeVar("S", bound="type[Schedule]")


def register(cls: S) -> S:
    """Class decorator: make ``cls`` buildable by ``from_config`` under ``cls.name``."""
    name = cls.name
    if name in _REGISTRY and _REGISTRY[name] is not cls:
        raise ValueError(f"schedule name {name!r} is already registered to {_REGISTRY[name]}")
    signature = inspect.signature(cls.__init__)
    parameters = [p for p in signature.parameters.values() if p.name != "self"]
    cls._fields = tuple(p.name for p in parameters)
    cls._required = tuple(p.name for p in parameters if p.default is inspect.Parameter.empty)
    _REGISTRY[name] = cls
    return cls


def registered() -> Mapping[str, type[Schedule]]:
    """A read-only view of ``{config name: schedule class}``."""
    return dict(_REGISTRY)


def from_config(config: ScheduleLike) -> Schedule:
    """Build a schedule from ``{"name": ..., **params}`` (nested configs included).

    >>> from_config({"name": "step", "step_size": 30, "gamma": 0.1})(60)
    0.010000000000000004

    Raises ``ValueError`` for an unknown name, ``TypeError`` for unknown or missing
    parameters, and whatever the schedule's own validation raises for bad values.
    """
    if isinstance(config, Schedule):
        return config
    if not isinstance(config, Mapping):
        raise TypeError(f"a schedule config must be a dict, got {config!r}")
    params = dict(config)
    name = params.pop("name", None)
    if not isinstance(name, str):
        raise TypeError(f"a schedule config needs a string 'name', got {name!r} in {config!r}")
    cls = _REGISTRY.get(name)
    if cls is None:
        known = ", ".join(sorted(_REGISTRY))
        raise ValueError(f"unknown schedule name {name!r}; known names: {known}")
    unknown = [key for key in params if key not in cls._fields]
    if unknown:
        raise TypeError(
            f"{name}: unknown parameter {unknown[0]!r} (= {params[unknown[0]]!r}); "
            f"parameters are {', '.join(cls._fields)}"
        )
    required = [field for field in cls._required if field not in params]
    if required:
        raise TypeError(f"{name}: missing required parameter {required[0]!r} in {config!r}")
    return cls(**params)


class Schedule(abc.ABC):
    """A learning-rate schedule: a pure function ``step -> factor`` of ``base_lr``.

    Step convention: ``schedule(k)`` is the factor in force for optimizer update
    ``k``, counted from 0 -- the value ``LambdaLR`` applies after ``k`` calls of
    ``scheduler.step()``.  ``lr(k) = base_lr * schedule(k)``.

    ``schedule(step)`` accepts a Python or NumPy integer (returns a ``float``), or an
    integer array with ``__array_namespace__`` -- NumPy, or JAX including inside
    ``jax.jit``/``jax.vmap`` -- and returns an array of factors of the same shape.
    Negative steps raise ``ValueError`` for ints and NumPy arrays; under a JAX
    trace they cannot raise and are evaluated as step 0.

    Subclasses validate their parameters in ``__init__``, pass them to
    :meth:`_setup`, and describe themselves as phases in :meth:`_phases`.
    """

    name: ClassVar[str]
    _fields: ClassVar[tuple[str, ...]] = ()
    _required: ClassVar[tuple[str, ...]] = ()

    _params: dict[str, Any]
    _phase_list: tuple[Phase, ...]
    _starts: list[int]
    _formulas: list[Any]

    def _setup(self, **params: Any) -> None:
        """Record the validated parameters and precompute the phases."""
        self._params = params
        self._phase_list = _normalise(self._phases())
        self._starts = [phase.start for phase in self._phase_list]
        self._formulas = [phase.formula for phase in self._phase_list]
        # The scalar path looks at the first and last phases without a search:
        # most schedules have at most two phases.
        self._first = self._formulas[0]
        self._last = self._formulas[-1]
        self._last_start = self._starts[-1]
        self._second_start = self._starts[1] if len(self._starts) > 1 else 0

    @abc.abstractmethod
    def _phases(self) -> Sequence[Phase]:
        """The schedule as phases; the first starts at 0, starts strictly increase."""

    @property
    def phases(self) -> tuple[Phase, ...]:
        """The schedule as data: ``(start, formula)`` pieces; composition builds on them."""
        return self._phase_list

    def __call__(self, step: Any) -> Any:
        if step.__class__ is int:
            last_start = self._last_start
            if step >= last_start:
                return self._last(step - last_start, SCALAR_MATH)
            if step < self._second_start:
                if step < 0:
                    raise ValueError(f"step must be >= 0, got {step}")
                return self._first(step, SCALAR_MATH)
            index = bisect.bisect_right(self._starts, step) - 1
            return self._formulas[index](step - self._starts[index], SCALAR_MATH)
        if isinstance(step, numbers.Integral) and not isinstance(step, bool):
            return self(int(step))  # NumPy integer scalars: the int path, a float back
        if hasattr(step, "__array_namespace__"):
            xp = array_namespace(step)
            step = signed_steps(step, xp)
            concrete = type(step).__module__ == "numpy"
            if concrete and (step < 0).any():
                raise ValueError(f"steps must be >= 0, got min {step.min()}")
            return evaluate_array(self._phase_list, step, xp, clamp=not concrete)
        return self(as_step(step))

    def to_config(self) -> Config:
        """``{"name": ..., **params}``, JSON-safe; ``from_config`` rebuilds an equal schedule."""
        config: Config = {"name": self.name}
        for key, value in self._params.items():
            if isinstance(value, Schedule):
                value = value.to_config()
            elif isinstance(value, tuple):
                value = list(value)
            config[key] = value
        return config

    # Equality and hashing by parameters (nested schedules compare recursively,
    # tuples hold the lists); unlike to_config this also covers callables (cawb's lf).
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Schedule):
            return NotImplemented
        return type(self) is type(other) and self._params == other._params

    def __hash__(self) -> int:
        return hash((type(self), tuple(self._params.items())))

    def __repr__(self) -> str:
        args = ", ".join(f"{key}={value!r}" for key, value in self._params.items())
        return f"{type(self).__name__}({args})"

    def __reduce__(self) -> tuple[Any, tuple[Config]]:
        # Formulas are closures, which do not pickle; the config rebuilds them.
        return (from_config, (self.to_config(),))


def _normalise(phases: Sequence[Phase]) -> tuple[Phase, ...]:
    """Drop empty phases (a later phase with the same start wins) and check order."""
    kept: list[Phase] = []
    for phase in phases:
        if kept and phase.start == kept[-1].start:
            kept[-1] = phase
        elif kept and phase.start < kept[-1].start:
            raise ValueError(f"phase starts must increase, got {[p.start for p in phases]}")
        else:
            kept.append(phase)
    if not kept or kept[0].start != 0:
        raise ValueError(f"the first phase must start at step 0, got {[p.start for p in phases]}")
    return tuple(kept)


def constant_formula(value: float) -> Any:
    """A formula that is ``value`` at every step."""

    def constant(t: Any, xp: Any) -> float:
        return value

    return constant


def linear_formula(start: float, slope: float) -> Any:
    """``start + slope * t``."""

    def linear(t: Any, xp: Any) -> Any:
        return start + slope * t

    return linear
