"""Porters for optax's schedule functions (``optax.schedules``, optax 0.2.8).

``from_optax(name, **kwargs) -> (base, schedule)`` with ``base * schedule(k)`` equal to
``optax.<name>(**kwargs)(k)`` at every count ``k >= 0`` (float64; optax's own float32
within float32 rounding).  Arguments bind against the installed optax function's
signature, so missing and unknown arguments fail as optax would (``TypeError``).

The base is the largest lr-valued argument (``init_value``, ``peak_value``,
``end_value``, ``value``; over all cycles for ``sgdr_schedule``, over all parts for
``join_schedules``), or 1.0 when they are all 0; factors are values over the base.

lrcore factors are never negative: a negative lr-valued argument, or one that makes
a value negative (a negative ``alpha``, ``decay_rate`` or scale), is a ``ValueError``.
So are settings whose optax value is ``inf``/``nan`` at some count (a negative
``power`` or ``exponent``) and settings that optax's ``join_schedules`` turns into a
time shift rather than a schedule (a negative ``warmup_steps`` or boundary).
"""

from __future__ import annotations

import inspect
import itertools
import math
import numbers
from collections.abc import Iterable, Mapping
from typing import Any

from lrcore import (
    Constant,
    Cosine,
    Join,
    PiecewiseConstant,
    Polynomial,
    Product,
    Schedule,
    _config,
    from_config,
)
from lrcore._optax_like import ExponentialDecay, OptaxWarmupCosine, PiecewiseInterpolate, Sgdr
from lrcore_optax._port import Pair, porter


def _arguments(name: str, kwargs: Mapping[str, Any], where: str = "") -> dict[str, Any]:
    """``kwargs`` bound to optax's own signature of ``name``, defaults applied."""
    import optax  # type: ignore[import-untyped]

    signature = inspect.signature(getattr(optax.schedules, name))
    try:
        bound = signature.bind(**kwargs)
    except TypeError as error:
        raise TypeError(f"from_optax: {where or name}: {error}") from None
    bound.apply_defaults()
    return dict(bound.arguments)


def _number(name: str, field: str, value: Any) -> float:
    return _config.real(f"from_optax: {name}", field, value)


def _lr(name: str, field: str, value: Any) -> float:
    number = _number(name, field, value)
    if number < 0.0:
        raise ValueError(
            f"from_optax: {name}: {field} must be >= 0 (lrcore factors are never "
            f"negative), got {value!r}"
        )
    return number


def _integer(name: str, field: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"from_optax: {name}: {field} must be an integer, got {value!r}")
    return int(value)


def _flag(name: str, field: str, value: Any) -> bool:
    return _config.boolean(f"from_optax: {name}", field, value)


def _base(*values: float) -> float:
    """The largest lr-valued argument, or 1.0 when they are all 0."""
    largest = max(values)
    return largest if largest > 0.0 else 1.0


def _warmup(name: str, value: Any) -> int:
    warmup = _integer(name, "warmup_steps", value)
    if warmup < 0:
        raise ValueError(
            f"from_optax: {name}: warmup_steps must be >= 0, got {warmup} (optax's "
            f"join_schedules would evaluate the decay {-warmup} steps ahead: a time shift, "
            f"not supported)"
        )
    return warmup


@porter("constant_schedule")
def _constant(**kwargs: Any) -> Pair:
    name = "constant_schedule"
    value = _lr(name, "value", _arguments(name, kwargs)["value"])
    base = _base(value)
    return base, Constant(factor=value / base)


def _polynomial(
    name: str, init: float, end: float, power: float, steps: int, begin: int, base: float
) -> Schedule:
    if steps <= 0:
        return Constant(factor=init / base)  # optax: the value is held at init_value
    if power < 0.0:
        raise ValueError(
            f"from_optax: {name}: power must be >= 0 (optax's value is inf at the end of "
            f"the transition otherwise), got {power!r}"
        )
    ramp = Polynomial(start=init / base, end=end / base, steps=steps, power=power)
    begin = max(begin, 0)  # optax: a negative transition_begin falls back to 0
    if begin == 0:
        return ramp
    return Join(schedules=[Constant(factor=init / base), ramp], boundaries=[begin])


@porter("polynomial_schedule")
def _polynomial_schedule(**kwargs: Any) -> Pair:
    name = "polynomial_schedule"
    args = _arguments(name, kwargs)
    init = _lr(name, "init_value", args["init_value"])
    end = _lr(name, "end_value", args["end_value"])
    power = _number(name, "power", args["power"])
    steps = _integer(name, "transition_steps", args["transition_steps"])
    begin = _integer(name, "transition_begin", args["transition_begin"])
    base = _base(init, end)
    return base, _polynomial(name, init, end, power, steps, begin, base)


@porter("linear_schedule")
def _linear_schedule(**kwargs: Any) -> Pair:
    # optax's linear_schedule is its polynomial_schedule with power 1: the same floats.
    name = "linear_schedule"
    args = _arguments(name, kwargs)
    init = _lr(name, "init_value", args["init_value"])
    end = _lr(name, "end_value", args["end_value"])
    steps = _integer(name, "transition_steps", args["transition_steps"])
    begin = _integer(name, "transition_begin", args["transition_begin"])
    base = _base(init, end)
    return base, _polynomial(name, init, end, 1.0, steps, begin, base)


@porter("warmup_constant_schedule")
def _warmup_constant(**kwargs: Any) -> Pair:
    # optax: linear_schedule(init, peak, warmup_steps) -- so warmup_steps <= 0 holds
    # init_value forever, never reaching peak_value.
    name = "warmup_constant_schedule"
    args = _arguments(name, kwargs)
    init = _lr(name, "init_value", args["init_value"])
    peak = _lr(name, "peak_value", args["peak_value"])
    steps = _integer(name, "warmup_steps", args["warmup_steps"])
    base = _base(init, peak)
    return base, _polynomial(name, init, peak, 1.0, steps, 0, base)


def _scales(name: str, value: Any) -> list[tuple[int, float]]:
    """``boundaries_and_scales`` sorted by boundary, as optax iterates it."""
    if value is None:
        return []
    if not isinstance(value, Mapping):
        raise TypeError(
            f"from_optax: {name}: boundaries_and_scales must be a dict {{step: scale}}, "
            f"got {value!r}"
        )
    items = []
    for key, scale in value.items():
        step = _integer(name, "boundaries_and_scales key", key)
        factor = _number(name, f"boundaries_and_scales[{key!r}]", scale)
        if factor < 0.0:
            raise ValueError(
                f"from_optax: {name}: expects non-negative scale factors, got "
                f"boundaries_and_scales[{key!r}]={scale!r}"
            )
        items.append((step, factor))
    return sorted(items)


def _products(name: str, init: float, scales: list[tuple[int, float]]) -> list[float]:
    """``init, init * s_0, init * s_0 * s_1, ...``: the values optax accumulates."""
    values = [init]
    for _, scale in scales:
        values.append(values[-1] * scale)
    if not all(math.isfinite(value) for value in values):
        raise ValueError(f"from_optax: {name}: the accumulated values overflow: {values!r}")
    return values


@porter("piecewise_constant_schedule")
def _piecewise_constant(**kwargs: Any) -> Pair:
    name = "piecewise_constant_schedule"
    args = _arguments(name, kwargs)
    init = _lr(name, "init_value", args["init_value"])
    scales = _scales(name, args["boundaries_and_scales"])
    values = _products(name, init, scales)
    base = _base(init)
    # A boundary b scales counts >= b (optax: sign(b - count) <= 0); boundaries <= 0
    # scale from count 0 on.
    boundaries: list[int] = []
    factors = [values[0] / base]
    for (step, _), value in zip(scales, values[1:], strict=True):
        start = max(step, 0)
        if start == 0:
            factors[0] = value / base
        else:
            boundaries.append(start)
            factors.append(value / base)
    return base, PiecewiseConstant(boundaries=boundaries, values=factors)


def _interpolate(
    name: str, kind: str, init: float, scales: list[tuple[int, float]], base: float
) -> Schedule:
    if kind not in ("linear", "cosine"):
        raise ValueError(
            f"from_optax: {name}: interpolate_type must be either 'cosine' or 'linear', "
            f"got {kind!r}"
        )
    for step, _ in scales:
        if step < 0:
            raise ValueError(
                f"from_optax: {name}: boundaries must be >= 0, got {step} (optax would "
                f"start a ramp before count 0: not supported)"
            )
    values = [value / base for value in _products(name, init, scales)]
    boundaries = [step for step, _ in scales]
    if boundaries and boundaries[0] == 0:
        # optax's first interval [0, 0) is empty: the ramp from values[1] starts at 0.
        boundaries, values = boundaries[1:], values[1:]
    return PiecewiseInterpolate(interpolate_type=kind, boundaries=boundaries, values=values)


@porter("piecewise_interpolate_schedule")
def _piecewise_interpolate(**kwargs: Any) -> Pair:
    name = "piecewise_interpolate_schedule"
    args = _arguments(name, kwargs)
    kind = args["interpolate_type"]
    init = _lr(name, "init_value", args["init_value"])
    scales = _scales(name, args["boundaries_and_scales"])
    base = _base(init)
    return base, _interpolate(name, kind, init, scales, base)


def _onecycle_common(name: str, args: Mapping[str, Any]) -> tuple[int, float, float, float]:
    steps = _integer(name, "transition_steps", args["transition_steps"])
    if steps <= 0:
        raise ValueError(
            f"from_optax: {name}: transition_steps must be positive (as optax), got {steps}"
        )
    peak = _lr(name, "peak_value", args["peak_value"])
    div = _number(name, "div_factor", args["div_factor"])
    final = _number(name, "final_div_factor", args["final_div_factor"])
    if div <= 0.0 or final <= 0.0:
        raise ValueError(
            f"from_optax: {name}: div_factor and final_div_factor must be > 0 (optax "
            f"divides by them), got div_factor={div!r}, final_div_factor={final!r}"
        )
    return steps, peak, div, final


@porter("linear_onecycle_schedule")
def _linear_onecycle(**kwargs: Any) -> Pair:
    name = "linear_onecycle_schedule"
    args = _arguments(name, kwargs)
    steps, peak, div, final = _onecycle_common(name, args)
    pct_start = _number(name, "pct_start", args["pct_start"])
    pct_final = _number(name, "pct_final", args["pct_final"])
    # optax's very dict: equal keys collapse (the later scale wins), as in optax.
    table = {
        int(pct_start * steps): div,
        int(pct_final * steps): 1.0 / div,
        steps: 1.0 / final,
    }
    base = _base(peak)
    return base, _interpolate(name, "linear", peak / div, _scales(name, table), base)


@porter("cosine_onecycle_schedule")
def _cosine_onecycle(**kwargs: Any) -> Pair:
    name = "cosine_onecycle_schedule"
    args = _arguments(name, kwargs)
    steps, peak, div, final = _onecycle_common(name, args)
    pct_start = _number(name, "pct_start", args["pct_start"])
    table = {int(pct_start * steps): div, int(steps): 1.0 / (div * final)}
    base = _base(peak)
    return base, _interpolate(name, "cosine", peak / div, _scales(name, table), base)


def _exponential(
    name: str, args: Mapping[str, Any], init: float, end: float | None, base: float
) -> Schedule:
    steps = _integer(name, "transition_steps", args["transition_steps"])
    rate = _number(name, "decay_rate", args["decay_rate"])
    begin = _integer(name, "transition_begin", args["transition_begin"])
    staircase = _flag(name, "staircase", args["staircase"])
    if steps <= 0 or rate == 0.0:
        return Constant(factor=init / base)  # optax: held at init_value, end_value unused
    if rate < 0.0:
        raise ValueError(
            f"from_optax: {name}: decay_rate must be >= 0 (a negative rate makes negative "
            f"or nan values), got {rate!r}"
        )
    return ExponentialDecay(
        init=init / base,
        transition_steps=steps,
        decay_rate=rate,
        transition_begin=max(begin, 0),  # optax: a negative begin falls back to 0
        staircase=staircase,
        end=None if end is None else end / base,
    )


def _optional_lr(name: str, field: str, value: Any) -> float | None:
    return None if value is None else _lr(name, field, value)


@porter("exponential_decay")
def _exponential_decay(**kwargs: Any) -> Pair:
    name = "exponential_decay"
    args = _arguments(name, kwargs)
    init = _lr(name, "init_value", args["init_value"])
    end = _optional_lr(name, "end_value", args["end_value"])
    base = _base(init, end or 0.0)
    return base, _exponential(name, args, init, end, base)


@porter("warmup_exponential_decay_schedule")
def _warmup_exponential(**kwargs: Any) -> Pair:
    name = "warmup_exponential_decay_schedule"
    args = _arguments(name, kwargs)
    init = _lr(name, "init_value", args["init_value"])
    peak = _lr(name, "peak_value", args["peak_value"])
    end = _optional_lr(name, "end_value", args["end_value"])
    warmup = _warmup(name, args["warmup_steps"])
    base = _base(init, peak, end or 0.0)
    decay = _exponential(name, args, peak, end, base)
    if warmup == 0:
        return base, decay
    ramp = Polynomial(start=init / base, end=peak / base, steps=warmup, power=1.0)
    return base, Join(schedules=[ramp, decay], boundaries=[warmup])


@porter("cosine_decay_schedule")
def _cosine_decay(**kwargs: Any) -> Pair:
    name = "cosine_decay_schedule"
    args = _arguments(name, kwargs)
    init = _lr(name, "init_value", args["init_value"])
    steps = _integer(name, "decay_steps", args["decay_steps"])
    if steps <= 0:
        raise ValueError(
            f"from_optax: {name}: the cosine_decay_schedule requires positive decay_steps, "
            f"got decay_steps={steps}"
        )
    alpha = _lr(name, "alpha", args["alpha"])
    exponent = _exponent(name, args["exponent"])
    base = _base(init)
    start = init / base
    # optax: init * ((1 - alpha) * wave ** exponent + alpha); cosine computes
    # end + (start - end) * wave ** exponent, the same floats when start = 1.
    schedule = Cosine(start=start, end=start * alpha, steps=steps, exponent=exponent)
    return base, schedule


def _exponent(name: str, value: Any) -> float:
    exponent = _number(name, "exponent", value)
    if exponent < 0.0:
        raise ValueError(
            f"from_optax: {name}: exponent must be >= 0 (optax's value is inf at the end "
            f"of the decay otherwise), got {exponent!r}"
        )
    return exponent


def _warmup_cosine_args(name: str, args: Mapping[str, Any]) -> dict[str, Any]:
    warmup = _warmup(name, args["warmup_steps"])
    decay = _integer(name, "decay_steps", args["decay_steps"])
    if decay <= warmup:
        raise ValueError(
            f"from_optax: {name}: decay_steps must be > warmup_steps (optax's "
            f"cosine_decay_schedule requires positive decay_steps - warmup_steps), got "
            f"decay_steps={decay}, warmup_steps={warmup}"
        )
    return {
        "init": _lr(name, "init_value", args["init_value"]),
        "peak": _lr(name, "peak_value", args["peak_value"]),
        "warmup_steps": warmup,
        "decay_steps": decay,
        "end": _lr(name, "end_value", args["end_value"]),
        "exponent": _exponent(name, args["exponent"]),
    }


def _warmup_cosine(values: Mapping[str, Any], base: float) -> OptaxWarmupCosine:
    return OptaxWarmupCosine(
        init=values["init"] / base,
        peak=values["peak"] / base,
        warmup_steps=values["warmup_steps"],
        decay_steps=values["decay_steps"],
        end=values["end"] / base,
        exponent=values["exponent"],
    )


@porter("warmup_cosine_decay_schedule")
def _warmup_cosine_decay(**kwargs: Any) -> Pair:
    name = "warmup_cosine_decay_schedule"
    values = _warmup_cosine_args(name, _arguments(name, kwargs))
    base = _base(values["init"], values["peak"], values["end"])
    return base, _warmup_cosine(values, base)


@porter("sgdr_schedule")
def _sgdr(**kwargs: Any) -> Pair:
    name = "sgdr_schedule"
    cycles = _arguments(name, kwargs)["cosine_kwargs"]
    if isinstance(cycles, (str, bytes, Mapping)) or not isinstance(cycles, Iterable):
        raise TypeError(
            f"from_optax: {name}: cosine_kwargs must be a list of dicts of "
            f"warmup_cosine_decay_schedule arguments, got {cycles!r}"
        )
    parsed = []
    for index, cycle in enumerate(cycles):
        where = f"{name}: cosine_kwargs[{index}]"
        if not isinstance(cycle, Mapping):
            raise TypeError(f"from_optax: {where} must be a dict, got {cycle!r}")
        args = _arguments("warmup_cosine_decay_schedule", dict(cycle), where)
        parsed.append(_warmup_cosine_args(where, args))
    if not parsed:
        raise ValueError(f"from_optax: {name}: cosine_kwargs must not be empty")
    base = _base(*(cycle[key] for cycle in parsed for key in ("init", "peak", "end")))
    return base, Sgdr(cycles=[_warmup_cosine(cycle, base) for cycle in parsed])


def _part(name: str, index: int, item: Any) -> tuple[float, Schedule]:
    where = f"schedules[{index}]"
    if isinstance(item, tuple) and len(item) == 2:
        base, schedule = item
        base = _lr(name, f"{where} base", base)
        if not isinstance(schedule, (Schedule, Mapping)):
            raise TypeError(
                f"from_optax: {name}: {where} must be a (base, lrcore schedule) pair as "
                f"from_optax returns it, got {item!r}"
            )
        return base, from_config(schedule, where=f"from_optax: {name}: {where}")
    if isinstance(item, (Schedule, Mapping)):
        return 1.0, from_config(item, where=f"from_optax: {name}: {where}")
    raise TypeError(
        f"from_optax: {name}: {where} must be a (base, schedule) pair from from_optax or an "
        f"lrcore schedule (base 1), got {item!r} (optax's own schedules are closures: port "
        f"them with from_optax(name, **kwargs) first)"
    )


@porter("join_schedules")
def _join_schedules(**kwargs: Any) -> Pair:
    name = "join_schedules"
    args = _arguments(name, kwargs)
    items, raw_boundaries = args["schedules"], args["boundaries"]
    for field, value in (("schedules", items), ("boundaries", raw_boundaries)):
        if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
            raise TypeError(f"from_optax: {name}: {field} must be a list, got {value!r}")
    parts = [_part(name, index, item) for index, item in enumerate(items)]
    boundaries = [
        _integer(name, f"boundaries[{index}]", value) for index, value in enumerate(raw_boundaries)
    ]
    if not parts:
        raise ValueError(f"from_optax: {name}: schedules must not be empty")
    if len(boundaries) != len(parts) - 1:
        raise ValueError(
            f"from_optax: {name}: needs len(schedules) - 1 = {len(parts) - 1} boundaries, got "
            f"{boundaries!r} (optax's zip would silently drop the extra ones)"
        )
    if any(b < 0 for b in boundaries) or any(a > b for a, b in itertools.pairwise(boundaries)):
        raise ValueError(
            f"from_optax: {name}: boundaries must be >= 0 and non-decreasing, got "
            f"{boundaries!r} (a negative boundary shifts a schedule in time; decreasing "
            f"ones let a later schedule override an earlier one: not supported)"
        )
    base = _base(*(part_base for part_base, _ in parts))
    # Schedule i holds on [start_i, end_i); an empty interval (a repeated boundary, or a
    # boundary 0) is a schedule optax never reaches.
    starts, ends = [0, *boundaries], [*boundaries, None]
    kept: list[Schedule] = []
    kept_starts: list[int] = []
    for (part_base, schedule), start, end in zip(parts, starts, ends, strict=True):
        if end is not None and end <= start:
            continue
        kept.append(_rescaled(schedule, part_base / base if part_base else 0.0))
        kept_starts.append(start)
    if len(kept) == 1:
        return base, kept[0]
    return base, Join(schedules=kept, boundaries=kept_starts[1:])


def _rescaled(schedule: Schedule, ratio: float) -> Schedule:
    if ratio == 1.0:
        return schedule
    if ratio == 0.0:
        return Constant(factor=0.0)
    return Product(schedules=[Constant(factor=ratio), schedule])
