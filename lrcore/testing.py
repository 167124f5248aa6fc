"""Tools for testing schedule math: curve comparison and hypothesis strategies.

lrcore's own property tests run on these, and they serve users who unit-test
their own schedule code the same way:

* :func:`assert_curves_close` compares two curves -- each a :class:`~lrcore.Schedule`,
  a config dict, or any callable ``step -> value`` (a hand-written lambda, a native
  scheduler's lr read-out) -- and on failure says where and by how much they differ;
* :func:`schedules` is a hypothesis strategy of valid schedules of every registered
  name (or the names given), with random parameters and random nesting through
  ``join``, ``product``, ``warmup`` and ``per_iteration``;
* :func:`invalid_configs` is a strategy of malformed configs, each paired with the
  schedule and field it breaks;
* :func:`interesting_steps` draws steps where schedules tend to break: piece
  boundaries, far past the end, near ``2**31 - 1``.

Importing this module imports only the standard library: hypothesis is imported
when a strategy is built.

>>> assert_curves_close({"name": "step", "step_size": 2, "gamma": 0.5},
...                     lambda k: 0.5 ** (k // 2), steps=10)
"""

from __future__ import annotations

import dataclasses
import functools
import math
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from lrcore import _config, _schedule
from lrcore._schedule import Schedule, from_config, registered

if TYPE_CHECKING:
    from hypothesis.strategies import DrawFn, SearchStrategy

__all__ = [
    "InvalidConfig",
    "assert_curves_close",
    "interesting_steps",
    "invalid_configs",
    "schedules",
]

Curve = Schedule | Mapping[str, Any] | Callable[[int], Any]
"""What :func:`assert_curves_close` compares: a schedule, its config, or ``step -> value``."""

COMPOSITES = ("join", "product", "warmup", "per_iteration")
"""The names that nest other schedules (their depth counts towards ``max_depth``)."""


# ----------------------------------------------------------------------------- curves


def _as_function(curve: Any, side: str) -> Callable[[int], Any]:
    if isinstance(curve, Schedule):
        return curve
    if isinstance(curve, Mapping):
        return from_config(curve)
    if callable(curve):
        return curve  # type: ignore[no-any-return]
    raise TypeError(
        f"assert_curves_close: {side} must be a Schedule, a config dict or a callable "
        f"step -> value, got {curve!r} ({type(curve).__name__})"
    )


def _as_steps(steps: int | Iterable[int]) -> list[int]:
    if isinstance(steps, bool):
        raise TypeError(f"assert_curves_close: steps must be an int or ints, got {steps!r}")
    if isinstance(steps, int):
        if steps < 0:
            raise ValueError(f"assert_curves_close: steps must be >= 0, got {steps!r}")
        return list(range(steps))
    if not isinstance(steps, Iterable):
        raise TypeError(
            f"assert_curves_close: steps must be an int or an iterable of ints, got {steps!r}"
        )
    result = []
    for step in steps:
        if isinstance(step, bool):
            raise TypeError(f"assert_curves_close: steps must be ints, got {step!r}")
        # operator.index turns NumPy integers into the Python ints every curve accepts.
        try:
            result.append(operator.index(step))
        except TypeError:
            raise TypeError(f"assert_curves_close: steps must be ints, got {step!r}") from None
    return result


def _as_float(value: Any, side: str, step: int) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TypeError(
            f"assert_curves_close: {side} at step {step} is not a number: {value!r}"
        ) from None


def _difference(actual: float, expected: float) -> float:
    """``|actual - expected|``: 0 for equal values (two nan too), inf for any other non-finite."""
    if actual == expected or (math.isnan(actual) and math.isnan(expected)):
        return 0.0
    if not (math.isfinite(actual) and math.isfinite(expected)):
        return math.inf
    return abs(actual - expected)


def assert_curves_close(
    actual: Curve,
    expected: Curve,
    steps: int | Iterable[int],
    rtol: float = 1e-12,
    atol: float = 0.0,
) -> None:
    """Assert ``|actual(k) - expected(k)| <= atol + rtol * |expected(k)|`` at every step.

    Each side is a :class:`~lrcore.Schedule`, a config dict (built with
    :func:`lrcore.from_config`) or any callable ``step -> value`` whose value
    ``float()`` accepts (a float, a NumPy or torch scalar).  Both are called with
    Python ``int`` steps: ``range(steps)`` for an int, else each step given.  Equal
    infinities and two ``nan`` count as equal; ``nan`` against a number never does.

    Raises ``AssertionError`` naming the first differing step and both values there,
    the largest difference and its step, and how many steps differ:

    >>> assert_curves_close(lambda k: 1.0, lambda k: 1.0 + (k == 3) * 0.5, steps=5)
    Traceback (most recent call last):
    ...
    AssertionError: curves differ at 1 of 5 steps (rtol=1e-12, atol=0.0): first at step 3: \
actual=1.0, expected=1.5 (difference 0.5); largest difference 0.5 at step 3: actual=1.0, \
expected=1.5
    """
    actual_fn = _as_function(actual, "actual")
    expected_fn = _as_function(expected, "expected")
    checked = _as_steps(steps)
    first: tuple[int, float, float, float] | None = None
    largest: tuple[int, float, float, float] | None = None
    failures = 0
    for step in checked:
        got = _as_float(actual_fn(step), "actual", step)
        want = _as_float(expected_fn(step), "expected", step)
        difference = _difference(got, want)
        if difference == 0.0 or difference <= atol + rtol * abs(want) < math.inf:
            continue
        failures += 1
        if first is None:
            first = (step, got, want, difference)
        if largest is None or difference > largest[3]:
            largest = (step, got, want, difference)
    if first is not None and largest is not None:
        raise AssertionError(
            f"curves differ at {failures} of {len(checked)} steps (rtol={rtol!r}, "
            f"atol={atol!r}): first at step {first[0]}: actual={first[1]!r}, "
            f"expected={first[2]!r} (difference {first[3]!r}); largest difference "
            f"{largest[3]!r} at step {largest[0]}: actual={largest[1]!r}, expected={largest[2]!r}"
        )


# ----------------------------------------------------------------------------- valid schedules


@dataclasses.dataclass(frozen=True)
class _Ranges:
    """The magnitudes of generated parameters (kept sane: lengths, factors, list sizes)."""

    max_length: int
    max_factor: float
    max_items: int


Override = Callable[["DrawFn", _Ranges, "SearchStrategy[Schedule] | None"], dict[str, Any]]
"""``override(draw, ranges, inner) -> {field: value}``: replaces the generic draws."""

_OVERRIDES: dict[str, Override] = {}
"""Per-name parameter generators, where the fields alone do not say what is valid."""

_FLAT_NESTING = {"sgdr"}
"""Names whose nested fields the override fills without the depth's inner schedules."""


def _override(name: str) -> Callable[[Override], Override]:
    def register(fn: Override) -> Override:
        _OVERRIDES[name] = fn
        return fn

    return register


def _ints(minimum: int, ranges: _Ranges) -> SearchStrategy[int]:
    from hypothesis import strategies as st

    # Mostly short lengths (where boundaries cluster), sometimes long ones.
    return st.one_of(
        st.integers(minimum, minimum + 16), st.integers(minimum, minimum + ranges.max_length)
    )


def _reals(minimum: float | None, above: float | None, ranges: _Ranges) -> SearchStrategy[float]:
    from hypothesis import strategies as st

    low = minimum if minimum is not None else above if above is not None else -ranges.max_factor
    high = max(ranges.max_factor, low + ranges.max_factor)
    nice = [x for x in (low, 0.0, 0.1, 0.5, 1.0, 2.0) if x >= low and above != x]
    floats = st.floats(
        low,
        high,
        exclude_min=above is not None and above == low,
        allow_nan=False,
        allow_infinity=False,
        allow_subnormal=False,
    )
    # Sane magnitudes: no 1e-300 warmup lengths (their reciprocals leave float32's range).
    sane = floats.filter(lambda x: x == low or abs(x) >= 1e-6)
    return st.one_of(st.sampled_from(nice), sane)


def _int_lists(minimum: int, increasing: str | None, ranges: _Ranges) -> SearchStrategy[list[int]]:
    from hypothesis import strategies as st

    items = st.lists(
        _ints(minimum, ranges), max_size=ranges.max_items, unique=increasing == "strict"
    )
    return items.map(sorted) if increasing is not None else items


def _field_strategy(
    field: dataclasses.Field[Any], ranges: _Ranges, inner: SearchStrategy[Schedule] | None
) -> SearchStrategy[Any] | None:
    """The values of ``field`` its validator accepts, or ``None`` if it cannot say."""
    from hypothesis import strategies as st

    check, keywords = _validator(field)
    values: SearchStrategy[Any] | None = None
    if check is _config.integer:
        values = _ints(keywords["minimum"], ranges)
    elif check is _config.real:
        values = _reals(keywords.get("minimum"), keywords.get("above"), ranges)
    elif check is _config.boolean:
        values = st.booleans()
    elif check is _config.choice:
        values = st.sampled_from(keywords["options"])
    elif check is _config.integers:
        values = _int_lists(keywords["minimum"], keywords.get("increasing"), ranges)
    elif check is _config.increasing_integers:
        values = _int_lists(keywords["minimum"], "strict", ranges)
    elif check is _config.reals:
        minimum = keywords.get("minimum")
        size = 1 if keywords.get("nonempty") else 0
        values = st.lists(
            _reals(minimum, None, ranges), min_size=size, max_size=max(size, ranges.max_items)
        )
    elif check is _schedule._nested and inner is not None:
        values = inner
    elif check is _schedule._nested_list and inner is not None:
        values = st.lists(inner, min_size=1, max_size=3)
    if field.default is not dataclasses.MISSING:
        default = st.just(field.default)
        return default if values is None else st.one_of(default, values)
    return values


def _validator(field: dataclasses.Field[Any]) -> tuple[Any, Mapping[str, Any]]:
    """A field's validator function and its keywords (``Int(minimum=1)``: ``integer``, ...)."""
    check = field.metadata.get("check")
    if isinstance(check, functools.partial):
        return check.func, check.keywords
    return check, {}


def _needs_inner(cls: type[Schedule]) -> bool:
    if cls.name in _FLAT_NESTING:
        return False
    nesting = (_schedule._nested, _schedule._nested_list)
    return any(
        field.metadata.get("check") in nesting
        for field in dataclasses.fields(cls)  # type: ignore[arg-type]
    )


def _schedule_of(
    cls: type[Schedule], ranges: _Ranges, inner: SearchStrategy[Schedule] | None
) -> SearchStrategy[Schedule]:
    """Schedules of ``cls``: generic field draws, the override, and only those that build."""
    from hypothesis import assume
    from hypothesis import strategies as st

    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    override = _OVERRIDES.get(cls.name)
    generic: dict[str, SearchStrategy[Any]] = {}
    for field in fields:
        values = _field_strategy(field, ranges, inner)
        if values is not None:
            generic[field.name] = values
    required = {field.name for field in fields if field.default is dataclasses.MISSING}
    missing = required - set(generic)
    if missing and override is None:
        raise ValueError(
            f"lrcore.testing: cannot generate {cls.name!r}: no strategy for its field(s) "
            f"{', '.join(sorted(missing))}"
        )

    @st.composite
    def build(draw: DrawFn) -> Schedule:
        params = {name: draw(values) for name, values in generic.items()}
        if override is not None:
            params.update(override(draw, ranges, inner))
        try:
            return cls(**params)
        except (ValueError, TypeError):
            # A cross-field rule (validate()) refused the draw: try another.
            assume(False)
            raise  # pragma: no cover - assume(False) raises

    return build()


@functools.cache
def _by_name(
    name: str, depth: int, ranges: _Ranges, inner_names: tuple[str, ...]
) -> SearchStrategy[Schedule]:
    cls = registered()[name]
    inner = None
    if _needs_inner(cls):
        if depth <= 0:
            raise ValueError(f"lrcore.testing: {name!r} nests schedules: it needs max_depth >= 1")
        inner = _any(depth - 1, ranges, inner_names)
    return _schedule_of(cls, ranges, inner)


@functools.cache
def _any(depth: int, ranges: _Ranges, names: tuple[str, ...]) -> SearchStrategy[Schedule]:
    from hypothesis import strategies as st

    usable = [n for n in names if depth > 0 or not _needs_inner(registered()[n])]
    # Deferred: a composite's own strategy is built only when first drawn from.
    return st.one_of(
        [st.deferred(lambda n=n: _by_name(n, depth, ranges, names)) for n in usable]  # type: ignore[misc]
    )


def schedules(
    names: Iterable[str] | None = None,
    max_depth: int = 2,
    *,
    inner_names: Iterable[str] | None = None,
    max_length: int = 10_000,
    max_factor: float = 10.0,
    max_items: int = 4,
) -> SearchStrategy[Schedule]:
    """A hypothesis strategy of valid schedules with random parameters.

    ``names``: the registered names to draw (default: every one, your own registered
    schedules included).  Composites (``join``, ``product``, ``warmup``,
    ``per_iteration``) nest schedules drawn from ``inner_names`` (default: every
    registered name) up to ``max_depth`` levels; ``max_depth=0`` draws no composite.
    Parameters come from the schedules' declared fields -- an ``Int(minimum=1)``
    draws integers from 1 to ``1 + max_length``, a ``Real`` finite floats within its
    bounds up to ``max_factor`` -- with per-name rules where fields depend on each
    other; draws that the schedule's cross-field validation refuses are rejected.

    >>> from hypothesis import given
    >>> @given(schedules(["step", "cosine_annealing"], max_depth=0))
    ... def test_factors_are_non_negative(schedule):
    ...     assert schedule(100) >= 0.0
    >>> test_factors_are_non_negative()
    """
    from hypothesis import strategies as st

    known = registered()
    chosen = _names(names, known)
    inner = _names(inner_names, known)
    if max_depth < 0:
        raise ValueError(f"lrcore.testing: max_depth must be >= 0, got {max_depth!r}")
    ranges = _Ranges(max_length=max_length, max_factor=max_factor, max_items=max_items)
    if names is None and max_depth == 0:
        chosen = tuple(name for name in chosen if not _needs_inner(known[name]))
    # The name first, uniformly, then its parameters: a flat one_of over 42 branches
    # drifts towards some names within a few hundred examples.
    strategies = {name: _by_name(name, max_depth, ranges, inner) for name in chosen}
    return st.sampled_from(chosen).flatmap(strategies.__getitem__)


def _names(names: Iterable[str] | None, known: Mapping[str, type[Schedule]]) -> tuple[str, ...]:
    if names is None:
        return tuple(sorted(known))
    if isinstance(names, str):
        names = [names]
    chosen = tuple(names)
    unknown = [name for name in chosen if name not in known]
    if unknown or not chosen:
        raise ValueError(f"lrcore.testing: unknown schedule names {unknown!r} (or none given)")
    return chosen


# Per-name rules: fields whose valid values depend on each other, and custom validators.


def _values_for(draw: DrawFn, boundaries: Sequence[int], ranges: _Ranges) -> list[float]:
    from hypothesis import strategies as st

    size = len(boundaries) + 1
    return draw(st.lists(_reals(0.0, None, ranges), min_size=size, max_size=size))


@_override("piecewise_constant")
def _piecewise_constant(draw: DrawFn, ranges: _Ranges, inner: Any) -> dict[str, Any]:
    boundaries = draw(_int_lists(0, "strict", ranges))
    return {"boundaries": boundaries, "values": _values_for(draw, boundaries, ranges)}


@_override("piecewise_interpolate")
def _piecewise_interpolate(draw: DrawFn, ranges: _Ranges, inner: Any) -> dict[str, Any]:
    boundaries = draw(_int_lists(1, "strict", ranges))
    return {"boundaries": boundaries, "values": _values_for(draw, boundaries, ranges)}


@_override("join")
def _join(draw: DrawFn, ranges: _Ranges, inner: Any) -> dict[str, Any]:
    from hypothesis import strategies as st

    parts = draw(st.lists(inner, min_size=1, max_size=3))
    size = len(parts) - 1
    boundaries = draw(
        st.lists(_ints(1, ranges), min_size=size, max_size=size, unique=True).map(sorted)
    )
    return {"schedules": parts, "boundaries": boundaries}


@_override("sgdr")
def _sgdr(draw: DrawFn, ranges: _Ranges, inner: Any) -> dict[str, Any]:
    from hypothesis import strategies as st

    cycle = _by_name("optax_warmup_cosine", 0, ranges, ("optax_warmup_cosine",))
    return {"cycles": draw(st.lists(cycle, min_size=1, max_size=3))}


@_override("cawb")
def _cawb(draw: DrawFn, ranges: _Ranges, inner: Any) -> dict[str, Any]:
    from hypothesis import strategies as st

    # Epoch counts stay small: every restart and epoch is a piece.
    epochs = draw(st.integers(1, 60))
    warmup = draw(st.integers(0, epochs - 1))
    restarts = draw(st.lists(st.integers(0, epochs + 2), max_size=ranges.max_items, unique=True))
    return {
        "epochs": epochs,
        "warmup_epoch": warmup,
        "steps": restarts,
        "steps_per_epoch": draw(st.integers(1, 50)),
        "lf": None,  # a custom curve has no JSON config
    }


@_override("cyclic")
def _cyclic(draw: DrawFn, ranges: _Ranges, inner: Any) -> dict[str, Any]:
    from hypothesis import strategies as st

    return {
        "step_size_down": draw(st.one_of(st.none(), _ints(0, ranges))),
        "scale_mode": draw(st.sampled_from([None, "cycle", "iterations"])),
    }


def _optional(field: str, values: SearchStrategy[Any]) -> Override:
    def override(draw: DrawFn, ranges: _Ranges, inner: Any) -> dict[str, Any]:
        from hypothesis import strategies as st

        return {field: draw(st.one_of(st.none(), values))}

    return override


def _register_simple_overrides() -> None:
    from_ranges: dict[str, Callable[[_Ranges], tuple[str, SearchStrategy[Any]]]] = {
        "exponential_decay": lambda r: ("end", _reals(0.0, None, r)),
        "inverse_sqrt": lambda r: ("timescale", _ints(1, r)),
        "hf_cosine_warmup_with_min_lr": lambda r: ("warmup_lr_rate", _reals(0.0, None, r)),
    }
    for name, make in from_ranges.items():

        def override(draw: DrawFn, ranges: _Ranges, inner: Any, make: Any = make) -> dict[str, Any]:
            field, values = make(ranges)
            return _optional(field, values)(draw, ranges, inner)

        _OVERRIDES[name] = override


_register_simple_overrides()


@_override("one_cycle")
def _one_cycle(draw: DrawFn, ranges: _Ranges, inner: Any) -> dict[str, Any]:
    from hypothesis import strategies as st

    return {"pct_start": draw(st.floats(0.0, 1.0))}


@_override("paddle_one_cycle")
def _paddle_one_cycle(draw: DrawFn, ranges: _Ranges, inner: Any) -> dict[str, Any]:
    from hypothesis import strategies as st

    return {"phase_pct": draw(st.floats(0.0, 1.0))}


@_override("hf_polynomial")
def _hf_polynomial(draw: DrawFn, ranges: _Ranges, inner: Any) -> dict[str, Any]:
    from hypothesis import strategies as st

    # transformers requires lr_init > lr_end: draw the end as a fraction of the start.
    init = draw(_reals(None, 0.0, ranges))
    return {"lr_init": init, "lr_end": init * draw(st.floats(0.0, 0.999))}


@_override("optax_warmup_cosine")
def _optax_warmup_cosine(draw: DrawFn, ranges: _Ranges, inner: Any) -> dict[str, Any]:
    warmup = draw(_ints(0, ranges))
    return {"warmup_steps": warmup, "decay_steps": warmup + draw(_ints(1, ranges))}


def _timm_levels(draw: DrawFn, ranges: _Ranges, inner: Any) -> dict[str, Any]:
    from hypothesis import strategies as st

    # timm computes absolute lrs and the factor divides by base_lr: keep lr_min and the
    # warmup's start within a few base_lr, as in training (float32 rounds the
    # absolute terms, so lr_min = 90 base_lr would exceed the float32 rule).
    base = draw(_reals(None, 0.0, ranges))
    levels = st.floats(0.0, 2.0).map(lambda x: x * base)
    return {"base_lr": base, "lr_min": draw(levels), "warmup_lr_init": draw(levels)}


for _name in ("timm_cosine", "timm_poly", "timm_tanh"):
    _OVERRIDES[_name] = _timm_levels


@_override("timm_multistep")
def _timm_multistep(draw: DrawFn, ranges: _Ranges, inner: Any) -> dict[str, Any]:
    return {"decay_t": draw(_int_lists(0, "weak", ranges))}


@_override("warmup_stable_decay")
def _warmup_stable_decay(draw: DrawFn, ranges: _Ranges, inner: Any) -> dict[str, Any]:
    from hypothesis import strategies as st

    if draw(st.booleans()):
        stable = draw(st.integers(-ranges.max_length, ranges.max_length))
        return {"stable_steps": stable, "training_steps": None}
    return {"stable_steps": None, "training_steps": draw(_ints(0, ranges))}


# ----------------------------------------------------------------------------- steps


def interesting_steps(
    schedule: Schedule, *, max_step: int = 2**53, max_size: int = 40
) -> SearchStrategy[list[int]]:
    """Lists of steps in ``[0, max_step]`` where ``schedule`` is likely to break.

    The starts of its pieces and their neighbours, small steps, steps up to twice
    the last piece's start, far past the end, and ``2**31 - 1`` and its neighbours
    (the largest int32 step) when ``max_step`` allows.
    """
    from hypothesis import strategies as st

    last = schedule.pieces[-1].start
    edges = sorted(
        {s + d for piece in schedule.pieces for s in (piece.start,) for d in (-1, 0, 1)}
        | {0, 1, 2**31 - 2, 2**31 - 1, 2**31, 2**32 - 1, 2**53}
    )
    edges = [s for s in edges if 0 <= s <= max_step]
    step = st.one_of(
        st.sampled_from(edges),
        st.integers(0, min(max_step, 64)),
        st.integers(0, min(max_step, 2 * last + 1000)),
        st.integers(min(max_step, last), min(max_step, last + 10**7)),
        st.integers(0, max_step),
    )
    return st.lists(step, min_size=1, max_size=max_size)


# ----------------------------------------------------------------------------- invalid configs


class InvalidConfig(NamedTuple):
    """A malformed config and what it breaks.

    ``lrcore.from_config(config)`` must raise ``ValueError`` or ``TypeError`` whose
    message contains every string of ``mentions``: the broken schedule's name, the
    field, and (where the validator shows it) the bad value's ``repr``.  ``path``
    lists the ``(schedule, field)`` pairs from the outer config down to the broken
    one (empty when the outer config itself is broken).
    """

    config: dict[str, Any]
    schedule: str
    field: str
    value: Any
    mentions: tuple[str, ...]
    path: tuple[tuple[str, str], ...]


MISSING = "<missing>"
"""The ``value`` of an :class:`InvalidConfig` whose field was removed."""

_NAN = float("nan")


def _bad_values(check: Any, keywords: Mapping[str, Any], default: Any) -> list[tuple[Any, bool]]:
    """``(bad value, whether the message shows its repr)`` for a field's validator."""
    if check is _config.integer:
        minimum = keywords["minimum"]
        return [
            ("3", True),
            (1.5, True),
            (True, True),
            (None, True),
            (_NAN, True),
            (minimum - 1, True),
            (2**53 + 1, True),
        ]
    if check is _config.real:
        bad: list[tuple[Any, bool]] = [
            ("0.5", True),
            (None, True),
            (True, True),
            (_NAN, True),
            (math.inf, True),
            (-math.inf, True),
            (10**400, False),
            ([1.0], True),
        ]
        minimum, above = keywords.get("minimum"), keywords.get("above")
        if minimum is not None:
            bad.append((minimum - 1.0, True))
        if above is not None:
            bad += [(above, True), (above - 0.5, True)]
        return bad
    if check is _config.boolean:
        return [(1, True), ("True", True), (None, True), (0.0, True)]
    if check is _config.choice:
        return [("no_such_option", True), (1, True), (None, True)]
    if check in (_config.integers, _config.increasing_integers):
        minimum = keywords.get("minimum", 0)
        bad = [
            ("5", True),
            (5, True),
            ({"a": 1}, False),
            ([1.5], True),
            ([None], True),
            ([minimum - 1], True),
            ([2**53 + 1], True),
        ]
        if keywords.get("increasing", "strict") is not None:
            bad.append(([minimum + 5, minimum + 3], True))
        if keywords.get("increasing", "strict") == "strict":
            bad.append(([minimum + 2, minimum + 2], True))
        return bad
    if check is _config.reals:
        bad = [("0.5", True), (0.5, True), ([_NAN], True), ([math.inf], True), (["x"], True)]
        if keywords.get("minimum") is not None:
            bad.append(([keywords["minimum"] - 1.0], True))
        if keywords.get("nonempty"):
            bad.append(([], False))
        return bad
    if check is _schedule._nested:
        return [
            (None, True),
            (5, True),
            ("step", True),
            ({"step_size": 3}, False),
            ({"name": "no_such_schedule"}, False),
            ({"name": "step"}, False),
            ({"name": "constant", "bogus": 1}, False),
        ]
    if check is _schedule._nested_list:
        return [
            ("x", True),
            (5, True),
            ([None], False),
            ([{"name": "no_such_schedule"}], False),
            ([{"name": "step"}], False),
            ([], False),
        ]
    # A custom validator: values no parameter accepts.
    return [("x", False), ({"bogus": 1}, False), (_NAN, False), (1.5j, False)]


def _nested_configs(
    config: dict[str, Any], path: tuple[tuple[str, str], ...] = ()
) -> list[tuple[tuple[tuple[str, str], ...], list[Any], dict[str, Any]]]:
    """Every config inside ``config`` (itself first): ``(path, keys from the top, config)``."""
    found: list[tuple[tuple[tuple[str, str], ...], list[Any], dict[str, Any]]] = []

    def visit(node: dict[str, Any], path: tuple[tuple[str, str], ...], keys: list[Any]) -> None:
        found.append((path, keys, node))
        for key, value in node.items():
            if isinstance(value, dict) and "name" in value:
                visit(value, (*path, (node["name"], key)), [*keys, key])
            elif isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, dict) and "name" in item:
                        visit(item, (*path, (node["name"], f"{key}[{index}]")), [*keys, key, index])

    visit(config, path, [])
    return found


def _replace(config: Any, keys: Sequence[Any], node: dict[str, Any]) -> Any:
    if not keys:
        return node
    copy = list(config) if isinstance(config, list) else dict(config)
    copy[keys[0]] = _replace(config[keys[0]], keys[1:], node)
    return copy


def invalid_configs(
    names: Iterable[str] | None = None, max_depth: int = 1, **ranges: Any
) -> SearchStrategy[InvalidConfig]:
    """A hypothesis strategy of malformed configs, each with the field it breaks.

    Each is a valid config of :func:`schedules` (with the same ``names``,
    ``max_depth`` and range arguments) with one change, at the top or inside a nested
    config: a field of the wrong type, out of range, ``nan``/``inf``, an unknown or
    a missing parameter, or a bad nested config.

    >>> from hypothesis import given
    >>> import lrcore, pytest
    >>> @given(invalid_configs(["step"], max_depth=0))
    ... def test_rejected(case):
    ...     with pytest.raises((ValueError, TypeError)) as error:
    ...         lrcore.from_config(case.config)
    ...     assert all(text in str(error.value) for text in case.mentions)
    >>> test_rejected()
    """
    from hypothesis import strategies as st

    valid = schedules(names, max_depth, **ranges)

    @st.composite
    def invalid(draw: DrawFn) -> InvalidConfig:
        top = draw(valid).to_config()
        path, keys, node = draw(st.sampled_from(_nested_configs(top)))
        name = node["name"]
        cls = registered()[name]
        fields = {field.name: field for field in dataclasses.fields(cls)}  # type: ignore[arg-type]
        kind = draw(st.sampled_from(["value", "value", "value", "missing", "unknown"]))
        broken = dict(node)
        if kind == "missing" and cls._required:
            field = draw(st.sampled_from(cls._required))
            del broken[field]
            value: Any = MISSING
            mentions: tuple[str, ...] = (name, repr(field))
        elif kind == "unknown":
            field, value = "no_such_parameter", 1
            broken[field] = value
            mentions = (name, repr(field))
        else:
            field = draw(st.sampled_from(sorted(fields)))
            check, keywords = _validator(fields[field])
            value, shown = draw(
                st.sampled_from(_bad_values(check, keywords, fields[field].default))
            )
            broken[field] = value
            mentions = (name, field, _shown(value)) if shown else (name, field)
        return InvalidConfig(_replace(top, keys, broken), name, field, value, mentions, path)

    return invalid()


def _shown(value: Any) -> str:
    if isinstance(value, list):
        # List validators name the offending item, except for order errors.
        if len(value) == 1:
            return _shown(value[0])
        return repr(value)
    return "nan" if isinstance(value, float) and math.isnan(value) else repr(value)
