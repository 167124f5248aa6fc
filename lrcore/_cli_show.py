"""``lrcore list``, ``lrcore show`` and ``lrcore compare``: text only, standard library only.

*The end* of a schedule (what ``show`` reports as "end" and what ``compare``
checks up to twice of) is ``--steps`` when given, else :func:`nominal_end`: the
length its config describes.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any, TypeGuard

import lrcore
from lrcore._cli_config import Loaded
from lrcore._schedule import Schedule

# Piece tables generated "to infinity" (restarts, cycles) run to 2**53; their
# last start says nothing about the run's length.
_FAR = 2**40
_EVERY_STEP = 200_001  # evaluate every step up to this many, else sample
_BLOCKS = "▁▂▃▄▅▆▇█"
_SKETCH_WIDTH, _PAST_WIDTH = 60, 15
_MAX_PIECES = 12
OPEN_END = 100
"""The end of a schedule whose config gives no length (``exponential``): 100 steps."""


def number(value: float) -> str:
    """A factor or lr as printed: 12 significant digits."""
    return f"{value:.12g}"


# ------------------------------------------------------------------------- list


def listing() -> str:
    """Every registered schedule: ``name(parameters)`` and one line of what it is."""
    lines = []
    for name, cls in sorted(lrcore.registered().items()):
        params = []
        for field in dataclasses.fields(cls):  # type: ignore[arg-type]
            if field.default is not dataclasses.MISSING:
                params.append(f"{field.name}={field.default!r}")
            elif field.default_factory is not dataclasses.MISSING:
                params.append(f"{field.name}={field.default_factory()!r}")
            else:
                params.append(field.name)
        lines.append(f"{name}({', '.join(params)})")
        lines.append(f"    {summary(cls.__doc__)}")
    lines.append(f"{len(lrcore.registered())} schedules; 'lrcore show CONFIG' to look at one.")
    return "\n".join(lines)


def summary(doc: str | None) -> str:
    """The first paragraph of a docstring, on one line, without reST markup."""
    paragraph = []
    for line in (doc or "").strip().splitlines():
        if not line.strip():
            break
        paragraph.append(line.strip())
    return " ".join(paragraph).replace("``", "") or "(no description)"


# ---------------------------------------------------------------------- the end


def nominal_end(schedule: Schedule) -> int:
    """The run length a schedule's config describes (the default "end" of ``show``).

    A warmup adds its ``warmup_steps`` to its inner schedule's end, a ``join`` its last
    boundary to its last schedule's end, ``per_iteration`` multiplies its inner end by
    ``steps_per_epoch``, ``sgdr`` adds up its cycles.  Any other schedule ends at the
    largest of its integer parameters (``T_max``, ``total_steps``, milestones, ...),
    its nested schedules' ends and its last piece start -- unless its pieces are
    generated without end (restarts, cycles), when only its parameters count.  A
    schedule that changes but gives no length (``exponential``) ends at :data:`OPEN_END`.
    """
    fields: dict[str, Any] = {name: getattr(schedule, name) for name in schedule._fields}
    inner = fields.get("schedule")
    if isinstance(inner, Schedule):
        warmup, per_epoch = fields.get("warmup_steps"), fields.get("steps_per_epoch")
        if _is_int(warmup):
            return int(warmup) + nominal_end(inner)
        if _is_int(per_epoch):
            return int(per_epoch) * nominal_end(inner)
    parts, boundaries = fields.get("schedules"), fields.get("boundaries")
    if _schedules(parts) and isinstance(boundaries, tuple) and all(map(_is_int, boundaries)):
        return int(boundaries[-1] if boundaries else 0) + nominal_end(parts[-1])
    cycles = fields.get("cycles")
    if _schedules(cycles):
        return sum(nominal_end(cycle) for cycle in cycles)
    candidates = [0]
    for value in fields.values():
        for item in value if isinstance(value, tuple) else (value,):
            if isinstance(item, Schedule):
                candidates.append(nominal_end(item))
            elif _is_int(item):
                candidates.append(int(item))
    last = schedule.pieces[-1].start
    if last < _FAR:
        candidates.append(last)
    end = max(candidates)
    return OPEN_END if end == 0 and _changes(schedule) else end


def _changes(schedule: Schedule) -> bool:
    return any(schedule(step) != schedule(0) for step in (1, 10, 1000))


def open_ended(schedule: Schedule) -> bool:
    """Whether :func:`nominal_end` is :data:`OPEN_END` for want of a length in the config."""
    if nominal_end(schedule) != OPEN_END or not _changes(schedule):
        return False
    # Recompute without the fallback: with it, a length of 0 became OPEN_END.
    fields = [getattr(schedule, name) for name in schedule._fields]
    items = [item for value in fields for item in (value if isinstance(value, tuple) else (value,))]
    if any(isinstance(item, Schedule) for item in items):
        return False
    last = schedule.pieces[-1].start
    return not any(_is_int(item) and item for item in items) and (last == 0 or last >= _FAR)


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _schedules(value: Any) -> TypeGuard[tuple[Schedule, ...]]:
    return (
        isinstance(value, tuple)
        and bool(value)
        and all(isinstance(item, Schedule) for item in value)
    )


def describe(schedule: Schedule) -> str:
    """``warmup(warmup_steps=100, schedule=cosine_annealing(T_max=900), ...)``."""
    try:
        return _call_form(schedule.to_config())
    except TypeError:  # a schedule holding a callable (CAWB's lf) has no config
        return repr(schedule)


def _call_form(value: Any) -> str:
    if isinstance(value, dict) and isinstance(value.get("name"), str):
        args = ", ".join(f"{k}={_call_form(v)}" for k, v in value.items() if k != "name")
        return f"{value['name']}({args})"
    if isinstance(value, list):
        return "[" + ", ".join(_call_form(item) for item in value) + "]"
    return repr(value)


# ---------------------------------------------------------------------- sampling


def _sample_steps(last: int, marks: Sequence[int] = ()) -> tuple[list[int], bool]:
    """Steps 0..last: all of them, or (for long runs) an even grid plus ``marks`` +- 1."""
    if last + 1 <= _EVERY_STEP:
        return list(range(last + 1)), False
    count = _EVERY_STEP - 1
    grid = {last * i // count for i in range(count + 1)}
    for mark in marks:
        grid.update(step for step in (mark - 1, mark) if 0 <= step <= last)
    return sorted(grid), True


def _extremes(schedule: Schedule, steps: Sequence[int]) -> tuple[float, int, float, int]:
    low, low_at, high, high_at = math.inf, 0, -math.inf, 0
    for step in steps:
        value = schedule(step)
        if value < low:
            low, low_at = value, step
        if value > high:
            high, high_at = value, step
    return low, low_at, high, high_at


def sketch(schedule: Schedule, end: int) -> str:
    """One line of block characters: steps 0..end, a ``┊``, then a quarter more past it."""
    span = max(end, 1)
    width = _SKETCH_WIDTH + _PAST_WIDTH
    columns = []
    for column in range(width):
        lo = span * column // _SKETCH_WIDTH
        hi = max(lo + 1, span * (column + 1) // _SKETCH_WIDTH)
        count = min(8, hi - lo)
        samples = [schedule(lo + (hi - lo) * i // count) for i in range(count)]
        columns.append(sum(samples) / count)
    low, high = min(columns), max(columns)
    if not high - low > 1e-12 * max(abs(high), abs(low), 1e-300):
        blocks = _BLOCKS[3] * width
    else:
        scale = (len(_BLOCKS) - 1) / (high - low)
        blocks = "".join(_BLOCKS[round((value - low) * scale)] for value in columns)
    return f"{blocks[:_SKETCH_WIDTH]}┊{blocks[_SKETCH_WIDTH:]}"


# -------------------------------------------------------------------------- show


def show(loaded: Loaded, steps: int | None, base_lr: float | None) -> str:
    """The text of ``lrcore show``."""
    schedule = loaded.schedule
    nominal = nominal_end(schedule)
    source = "no length in the config: the default" if open_ended(schedule) else "from the config"
    end = nominal if steps is None else steps
    horizon = max(2 * end, end + 1)
    pieces = schedule.pieces
    shown = [piece for piece in pieces if piece.start <= horizon]
    lines = [f"{loaded.where}: {describe(schedule)}"]
    if steps is None:
        lines.append(f"end        step {end} ({source}; --steps N to choose)")
    else:
        lines.append(f"end        step {end} (--steps; {source}: {nominal})")
    lines.append(
        f"pieces     {len(pieces)}"
        + (" (generated up to 2**53)" if len(pieces) > 1 and pieces[-1].start >= _FAR else "")
    )
    width = len(str(horizon))
    listed = shown if len(shown) <= _MAX_PIECES else [*shown[: _MAX_PIECES - 2], shown[-1]]
    for index, piece in enumerate(listed):
        if index == _MAX_PIECES - 2 and len(shown) > _MAX_PIECES:
            lines.append(f"  ... {len(shown) - _MAX_PIECES + 1} more")
        params = ", ".join(
            number(float(p)) if isinstance(p, float) else str(p) for p in piece.params
        )
        lines.append(f"  from step {piece.start:>{width}}: {piece.family.name}({params})")
    if len(pieces) > len(shown):
        lines.append(
            f"  ... {len(pieces) - len(shown)} more after step {horizon}, the last from step "
            f"{pieces[-1].start}"
        )

    rows: dict[int, str] = {0: "start"}
    for piece in listed[1:]:
        rows[piece.start] = (
            f"piece starts (step {piece.start - 1}: {number(schedule(piece.start - 1))})"
        )
    rows[end] = "end" if end not in rows else f"end; {rows[end]}"
    for past in (end + 1, horizon):
        rows.setdefault(past, "past the end")
    header = "  step".ljust(width + 4) + "  factor".ljust(20)
    header += "  lr".ljust(20) if base_lr is not None else ""
    lines.append("values")
    lines.append(header.rstrip())
    for step in sorted(rows):
        value = schedule(step)
        row = f"  {step:>{width}}  {number(value):<18}"
        if base_lr is not None:
            row += f"  {number(base_lr * value):<18}"
        lines.append(f"{row}  {rows[step]}")
    sampled, is_sampled = _sample_steps(horizon, [piece.start for piece in shown])
    low, low_at, high, high_at = _extremes(schedule, sampled)
    how = "sampled" if is_sampled else "every step"
    scale = "" if base_lr is None else f" (lr {number(base_lr * low)} / {number(base_lr * high)})"
    lines.append(
        f"min / max  {number(low)} at step {low_at} / {number(high)} at step {high_at}{scale}"
        f" (steps 0..{horizon}, {how})"
    )
    lines.append(f"sketch     {sketch(schedule, end)}  (0..{end} ┊ past the end)")
    if base_lr is not None:
        lines.append(f"base lr    {number(base_lr)} (lr = base lr x factor)")
    return "\n".join(lines)


# ----------------------------------------------------------------------- compare


def compare(a: Loaded, b: Loaded, steps: int | None, rtol: float, atol: float) -> tuple[str, bool]:
    """The text of ``lrcore compare`` and whether A and B agree within tolerance.

    Every step from 0 to ``steps`` (default: twice the later end) is compared;
    ``|A - B| <= atol + rtol * max(|A|, |B|)`` is "equal".
    """
    last = (
        steps
        if steps is not None
        else max(2 * nominal_end(a.schedule), 2 * nominal_end(b.schedule), 1)
    )
    worst, worst_at = -1.0, 0
    first: int | None = None
    differing = 0
    for step in range(last + 1):
        x, y = a.schedule(step), b.schedule(step)
        if x == y:
            continue
        diff = abs(x - y)
        if not diff <= atol + rtol * max(abs(x), abs(y)):  # nan differs too
            differing += 1
            if first is None:
                first = step
        if not diff <= worst:
            worst, worst_at = diff, step
    lines = [
        f"A  {a.where}: {describe(a.schedule)}",
        f"B  {b.where}: {describe(b.schedule)}",
        f"steps 0..{last}, every step; equal means |A - B| <= atol + rtol * max(|A|, |B|) "
        f"with rtol {rtol:g}, atol {atol:g}",
    ]
    if worst < 0:
        lines.append("largest difference  0 (identical at every step)")
    else:
        lines.append(f"largest difference  {worst:.3g} at step {worst_at}: {_pair(a, b, worst_at)}")
    if first is None:
        lines.append("first difference    none beyond the tolerance")
        lines.append("EQUAL within tolerance")
    else:
        lines.append(
            f"first difference    step {first}: {_pair(a, b, first)} "
            f"({differing} of {last + 1} steps differ)"
        )
        lines.append("NOT EQUAL")
    return "\n".join(lines), first is None


def _pair(a: Loaded, b: Loaded, step: int) -> str:
    return f"A {number(a.schedule(step))}, B {number(b.schedule(step))}"
