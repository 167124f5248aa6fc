"""The Schedule base class, the registry of schedule names and ``from_config``.

A schedule declares each parameter once, as a field carrying its validator::

    class Step(Schedule, name="step"):
        step_size: int = Int(minimum=1)
        gamma: float = Real(above=0.0, default=0.1)

        def build(self) -> Sequence[Piece]:
            return [Piece(0, staircase_exponential, (math.log(self.gamma), self.step_size))]

Every subclass is a frozen dataclass: the constructor, ``==``, ``hash``, ``repr``,
pickling and :meth:`Schedule.to_config` all follow from the fields.  Building
validates each field, runs the cross-field hook :meth:`Schedule.validate`, and
compiles :meth:`Schedule.build` -- a piece table, or another schedule (a named
composite is only a constructor over primitives) -- so that a bad setting fails
at construction, never at step 10,000.
"""

from __future__ import annotations

import dataclasses
import numbers
import operator
import re
import sys
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Union

from lrcore import _config, _scalar_math
from lrcore._pieces import Piece, Table, evaluate_array, scalar_form

if sys.version_info >= (3, 11):
    from typing import dataclass_transform
else:  # pragma: no cover - Python 3.10

    def dataclass_transform(**kwargs: Any) -> Any:
        return lambda cls: cls


Config = dict[str, Any]
"""A JSON-safe schedule description: ``{"name": ..., **params}``."""

ScheduleLike = Union["Schedule", Mapping[str, Any]]
"""A Schedule or its config: what every builder and adapter accepts."""

_REGISTRY: dict[str, type[Schedule]] = {}

MAX_DEPTH = 32
"""The deepest allowed nesting of schedules: a schedule with no nested schedule has
depth 1, one holding others has 1 + the deepest of them (``warmup(per_iteration(step))``
has depth 3).  Building anything deeper raises ``ValueError``.

Equality, ``hash``, ``repr``, ``to_config``, pickling and ``copy.deepcopy`` all walk
the nesting recursively, at up to ~5 Python frames per level: 32 levels stay far
below Python's default recursion limit of 1,000 even when called from deep inside a
training framework, while leaving room for any real composition (a handful of levels).
"""


def _import_schedules(name: str | None = None) -> None:
    """Import the lrcore module registering schedule ``name``, or (``None``) every one.

    ``import lrcore`` imports no schedule module (each is imported when first used, see
    ``lrcore/__init__.py``): the registry fills as they are imported, and whatever reads
    it imports what it needs first.  ``_SCHEDULES`` says where each name is; the modules
    of ``_EXPORTS`` are imported too, so that a module missing there is still found.
    """
    global _all_imported
    import importlib

    import lrcore

    if name is not None:
        module = lrcore._SCHEDULES.get(name)
        if module is not None:
            importlib.import_module(module)
    elif not _all_imported:
        for module in sorted({*lrcore._SCHEDULES.values(), *lrcore._EXPORTS}):
            importlib.import_module(module)
        _all_imported = True


_all_imported = False


def register(cls: type[Schedule]) -> type[Schedule]:
    """Make ``cls`` buildable by ``from_config`` under ``cls.name``.

    Subclasses declared with ``class X(Schedule, name="x")`` are registered already.
    """
    name = cls.name
    if name not in _REGISTRY:
        # A clash with a built-in name not imported yet must fail here, as it would if
        # every schedule were imported with lrcore.
        _import_schedules(name)
    if name in _REGISTRY and _REGISTRY[name] is not cls:
        raise ValueError(f"schedule name {name!r} is already registered to {_REGISTRY[name]}")
    _REGISTRY[name] = cls
    return cls


def registered() -> Mapping[str, type[Schedule]]:
    """A copy of ``{config name: schedule class}``, sorted by name.

    Sorted, because the schedule modules are imported lazily: the registry's own order
    depends on which schedules a program happened to build first.
    """
    _import_schedules()
    return dict(sorted(_REGISTRY.items()))


def from_config(config: ScheduleLike, *, where: str = "") -> Schedule:
    """Build a schedule from ``{"name": ..., **params}`` (nested configs included).

    >>> from_config({"name": "step", "step_size": 30, "gamma": 0.1})(60)
    0.010000000000000004

    Raises ``ValueError`` for an unknown name, ``TypeError`` for unknown or missing
    parameters, and whatever the schedule's own validation raises for bad values.
    ``where`` names the enclosing parameter in messages about a nested config.
    """
    if isinstance(config, Schedule):
        return config
    context = f"{where}: " if where else ""
    if not isinstance(config, Mapping):
        raise TypeError(f"{context}a schedule config must be a dict, got {config!r}")
    # Before building anything: building recurses once per level, and so would
    # the messages quoting the config.
    _check_config_depth(config, context)
    params = dict(config)
    name = params.pop("name", None)
    if not isinstance(name, str):
        raise TypeError(
            f"{context}a schedule config needs a string 'name', got {name!r} in {config!r}"
        )
    cls = _REGISTRY.get(name)
    if cls is None:
        _import_schedules(name)
        cls = _REGISTRY.get(name) or registered().get(name)
    if cls is None:
        known = ", ".join(sorted(_REGISTRY))
        raise ValueError(f"{context}unknown schedule name {name!r}; known names: {known}")
    fields, required = cls._fields, cls._required
    unknown = [key for key in params if key not in fields]
    if unknown:
        raise TypeError(
            f"{context}{name}: unknown parameter {unknown[0]!r} (= {params[unknown[0]]!r}); "
            f"parameters are {', '.join(fields)}"
        )
    missing = [field for field in required if field not in params]
    if missing:
        raise TypeError(f"{context}{name}: missing required parameter {missing[0]!r}")
    return cls(**params)


def _check_config_depth(config: Mapping[str, Any], context: str) -> None:
    """Raise ``ValueError`` if ``config`` nests schedules deeper than :data:`MAX_DEPTH`.

    Iterative, so that a config nested (or cycling) arbitrarily deep fails here with a
    ``ValueError``, never with a ``RecursionError``.  Every dict counts as a schedule
    level (only schedule configs are dicts); lists are walked through, and a list or
    dict nesting beyond ``3 * MAX_DEPTH`` containers is refused as well.
    """
    name = config.get("name")
    label = name if isinstance(name, str) else "from_config"
    stack: list[tuple[Any, int, int]] = [(config, 1, 1)]
    while stack:
        value, depth, containers = stack.pop()
        if isinstance(value, Schedule):
            reach = depth + value._depth - 1
        elif isinstance(value, Mapping):
            reach = depth
            stack.extend((item, depth + 1, containers + 1) for item in value.values())
        elif isinstance(value, (list, tuple)):
            reach = 0
            stack.extend((item, depth, containers + 1) for item in value)
        else:
            continue
        if reach > MAX_DEPTH or containers > 3 * MAX_DEPTH:
            raise ValueError(
                f"{context}{label}: the config nests schedules more than MAX_DEPTH = "
                f"{MAX_DEPTH} deep (lrcore.MAX_DEPTH; a schedule with no nested schedule "
                "has depth 1)"
            )


def _depth(value: Any) -> int:
    """The nesting depth of a field value: a schedule's, or the deepest in a sequence."""
    if isinstance(value, Schedule):
        return value._depth
    if isinstance(value, (tuple, list)):
        return max((item._depth for item in value if isinstance(item, Schedule)), default=0)
    return 0


def _nested(owner: str, field: str, value: Any) -> Schedule:
    if not isinstance(value, (Schedule, Mapping)):
        raise TypeError(
            f"{owner}: {field} must be a Schedule or a config dict, got "
            f"{value!r} ({type(value).__name__})"
        )
    where = f"{owner}.{field}"
    try:
        return from_config(value, where=where)
    except (ValueError, TypeError) as error:
        # Name the outer schedule and field in every error from inside the nested
        # config, not only in those from_config raises itself.
        message = str(error)
        if message.startswith(f"{where}: ") or type(error) not in (ValueError, TypeError):
            raise
        raise type(error)(f"{where}: {message}") from None


def _nested_list(owner: str, field: str, value: Any) -> tuple[Schedule, ...]:
    items = _config._sequence(owner, field, value, "schedules")
    return tuple(_nested(owner, f"{field}[{index}]", item) for index, item in enumerate(items))


def Nested(*, default: Any = dataclasses.MISSING, doc: str = "") -> Any:  # noqa: N802
    """A schedule parameter: a Schedule or its config (built and kept as a Schedule)."""
    return _config._field(_nested, default, doc)


def NestedList(*, default: Any = dataclasses.MISSING, doc: str = "") -> Any:  # noqa: N802
    """A list of schedules (kept as a tuple of Schedules)."""
    return _config._field(_nested_list, default, doc)


@dataclass_transform(
    frozen_default=True,
    field_specifiers=(
        _config.Int,
        _config.Real,
        _config.Bool,
        _config.Choice,
        _config.Ints,
        _config.Reals,
        _config.Custom,
        Nested,
        NestedList,
    ),
)
class Schedule:
    """A learning-rate schedule: a pure function ``step -> factor`` of ``base_lr``.

    Step convention: ``schedule(k)`` is the factor in force for optimizer update
    ``k``, counted from 0 -- the value ``LambdaLR`` applies after ``k`` calls of
    ``scheduler.step()``.  ``lr(k) = base_lr * schedule(k)``.

    ``schedule(step)`` accepts a Python or NumPy integer (returns a ``float``), an
    integer array with ``__array_namespace__`` -- NumPy, or JAX including inside
    ``jax.jit``/``jax.vmap`` -- (returns an array of factors of the same shape), or
    a torch integer tensor (evaluated through NumPy, returned as a float64 tensor).
    Negative steps raise ``ValueError``, except under a JAX trace, where nothing
    can raise: there they are evaluated as step 0.

    Subclasses declare fields (see the module docstring), may override
    :meth:`validate`, and implement :meth:`build`.
    """

    name: ClassVar[str] = ""
    _fields: ClassVar[tuple[str, ...]] = ()
    _required: ClassVar[tuple[str, ...]] = ()
    _table: Table
    _last_start: int
    _last_fn: Any
    _second_start: int
    _first_fn: Any
    _starts: list[int]
    _entries: list[tuple[int, Any]]
    _depth: int

    def __init_subclass__(cls, *, name: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        dataclasses.dataclass(frozen=True)(cls)
        fields = dataclasses.fields(cls)  # type: ignore[arg-type]
        cls._fields = tuple(field.name for field in fields)
        cls._required = tuple(
            field.name
            for field in fields
            if field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING
        )
        if name is not None:
            cls.name = name
            register(cls)

    def __post_init__(self) -> None:
        owner = self.name or type(self).__name__
        for field in dataclasses.fields(self):  # type: ignore[arg-type]
            check = field.metadata.get("check")
            if check is not None:
                object.__setattr__(
                    self, field.name, check(owner, field.name, getattr(self, field.name))
                )
        depth = 1 + max((_depth(getattr(self, name)) for name in self._fields), default=0)
        if depth > MAX_DEPTH:
            raise ValueError(
                f"{owner}: nests schedules {depth} deep (itself and those inside it), more "
                f"than MAX_DEPTH = {MAX_DEPTH} (lrcore.MAX_DEPTH)"
            )
        object.__setattr__(self, "_depth", depth)
        self.validate()
        built = self.build()
        table = built._table if isinstance(built, Schedule) else Table(built)
        fast = {
            "_table": table,
            "_last_start": table.last.start,
            "_last_fn": scalar_form(table.last),
            "_second_start": table.second_start,
            "_first_fn": scalar_form(table.first),
            "_starts": table.starts,
            "_entries": table.entries,
        }
        for key, value in fast.items():
            object.__setattr__(self, key, value)

    def validate(self) -> None:
        """Rules across fields; raise ``ValueError`` naming the schedule and fields."""

    def build(self) -> Schedule | Sequence[Piece]:
        """The schedule as a piece table, or as another (primitive) schedule."""
        raise NotImplementedError

    @property
    def pieces(self) -> tuple[Piece, ...]:
        """The schedule as data: its ``(start, family, params)`` pieces."""
        return self._table.pieces

    def __call__(self, step: Any) -> Any:
        if step.__class__ is int:
            # The hot path: one or two comparisons before the search, since most
            # schedules have at most two pieces; the pieces' parts are unpacked at
            # build time, so the only call here is the formula itself.
            if step >= self._last_start:
                return self._last_fn(step - self._last_start, _scalar_math)
            if step < self._second_start:
                if step < 0:
                    raise ValueError(f"{self.name}: step must be >= 0, got {step}")
                return self._first_fn(step, _scalar_math)
            start, formula = self._entries[bisect_right(self._starts, step) - 1]
            return formula(step - start, _scalar_math)
        return self._call_other(step)

    def _call_other(self, step: Any) -> Any:
        if isinstance(step, numbers.Integral) and not isinstance(step, bool):
            return self(int(step))  # NumPy integer scalars: the int path, a float back
        torch = sys.modules.get("torch")
        if torch is not None and isinstance(step, torch.Tensor):
            return self._call_torch(step, torch)
        if hasattr(step, "__array_namespace__"):
            return self._call_array(step)
        if isinstance(step, (bool, float)) or not hasattr(step, "__index__"):
            raise TypeError(
                f"{self.name}: step must be an integer or an integer array, got "
                f"{step!r} ({type(step).__name__})"
            )
        return self(operator.index(step))

    def _call_array(self, steps: Any) -> Any:
        xp = steps.__array_namespace__()
        if not xp.isdtype(steps.dtype, "integral"):
            raise TypeError(f"{self.name}: steps must be an integer array, got dtype {steps.dtype}")
        if steps.dtype.itemsize < 4:
            # Narrow steps would wrap the formulas' integer constants (200 in int8).
            steps = xp.astype(steps, xp.int32)
        elif xp.isdtype(steps.dtype, "unsigned integer") and _has_int64(steps):
            steps = xp.astype(steps, xp.int64)  # signed: ``steps - start`` cannot wrap
        elif steps.dtype.itemsize == 4 and _has_int64(steps):
            # JAX divides int32 by a Python int in float32 even under x64, and optax's
            # counters are int32: widened, the formulas compute in the default float64.
            steps = xp.astype(steps, xp.int64)
        # Inside a JAX trace even a constant's comparison is traced: nothing can raise
        # there, so negative steps are evaluated as step 0.
        negative = steps if _is_traced(steps) else xp.any(steps < 0)
        if _is_traced(negative):
            steps = xp.maximum(steps, 0)
        elif bool(negative):
            raise ValueError(f"{self.name}: steps must be >= 0, got min {xp.min(steps)}")
        numpy = sys.modules.get("numpy")
        if numpy is not None and type(steps).__module__ == "numpy":
            # Formulas are evaluated off their pieces too (the values are discarded):
            # an overflow or 0 * inf there is not the caller's concern.  Selected values
            # saturate to inf as documented.
            with numpy.errstate(over="ignore", invalid="ignore", divide="ignore"):
                return evaluate_array(self._table, steps, xp)
        return evaluate_array(self._table, steps, xp)

    def _call_torch(self, step: Any, torch: Any) -> Any:
        if step.dtype == torch.bool or step.is_floating_point() or step.is_complex():
            raise TypeError(f"{self.name}: steps must be an integer tensor, got dtype {step.dtype}")
        if step.ndim == 0:
            return self(int(step))
        values = self._call_array(step.detach().cpu().numpy())
        return torch.from_numpy(values)

    def to_config(self) -> Config:
        """``{"name": ..., **params}``, JSON-safe; ``from_config`` rebuilds an equal schedule."""
        if not self.name:
            raise TypeError(f"{type(self).__name__} is not registered: it has no config")
        config: Config = {"name": self.name}
        for field in dataclasses.fields(self):  # type: ignore[arg-type]
            config[field.name] = _to_json(self.name, field.name, getattr(self, field.name))
        return config

    def __reduce__(self) -> tuple[Any, ...]:
        # The piece table holds functions; the fields rebuild it (a custom
        # callable such as CAWB's ``lf`` pickles by reference).
        values = tuple(getattr(self, name) for name in self._fields)
        return (_construct, (type(self), values))


_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def checkpoint_config(schedule: Schedule) -> Any:
    """What a checkpoint stores to recognise ``schedule`` on load: its config when it has one.

    A schedule holding a Python callable (CAWB's ``lf``) has no JSON config; its
    description is the same dict with each such value replaced by a string naming it
    (``"<callable module.qualname>"``), so that a checkpoint still saves (only
    primitives: torch's ``weights_only=True`` loads it) and compares equal across
    processes (a ``repr`` would hold the callable's memory address).  It describes,
    it does not rebuild: ``from_config`` rejects the string where a callable belongs.
    The torch and Paddle adapters' state dicts use it.
    """
    try:
        return schedule.to_config()
    except TypeError:
        return _describe(schedule)


def _describe(value: Any) -> Any:
    if isinstance(value, Schedule):
        name = value.name or f"<unregistered {_qualified(type(value))}>"
        fields = {
            f.name: _describe(getattr(value, f.name))
            for f in dataclasses.fields(value)  # type: ignore[arg-type]
        }
        return {"name": name, **fields}
    if isinstance(value, (tuple, list)):
        return [_describe(item) for item in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "__qualname__"):
        return f"<callable {_qualified(value)}>"
    return f"<{_ADDRESS.sub('', repr(value))}>"


def _qualified(value: Any) -> str:
    return f"{getattr(value, '__module__', '?')}.{value.__qualname__}"


def _construct(cls: type[Schedule], values: tuple[Any, ...]) -> Schedule:
    return cls(**dict(zip(cls._fields, values, strict=True)))


def _to_json(owner: str, field: str, value: Any) -> Any:
    if isinstance(value, Schedule):
        return value.to_config()
    if isinstance(value, (tuple, list)):
        return [_to_json(owner, field, item) for item in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"{owner}: {field}={value!r} has no JSON config")


def _has_int64(steps: Any) -> bool:
    """Whether the steps' library has int64 (JAX only with ``jax_enable_x64``).

    Without it, unsigned JAX steps stay unsigned: the evaluator never subtracts a
    start from a step before it, so they cannot wrap, and uint32 steps beyond
    ``2**31`` keep their value instead of turning negative.
    """
    jax = sys.modules.get("jax")
    if jax is not None and isinstance(steps, jax.Array):
        return bool(jax.config.read("jax_enable_x64"))
    return True


def _is_traced(steps: Any) -> bool:
    """Whether ``steps`` is a JAX tracer (its values are unknown: nothing can raise)."""
    jax = sys.modules.get("jax")
    return jax is not None and isinstance(steps, jax.core.Tracer)
