"""``lrcore plot``: the curves overlaid in a PNG or SVG file.

matplotlib (the ``[plot]`` extra) is imported here only, when a plot is drawn.
The x range is ``0..--steps``, or else a quarter past the latest config's end, so
that what a schedule does past its end is visible.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from lrcore._cli_config import CliError, Loaded, load_all
from lrcore._cli_show import nominal_end

_FORMATS = {".png": "png", ".svg": "svg"}
_EVERY_STEP = 2_000_001  # plot every step up to this many, else an even grid
_GRID = 20_001
_MAX_MARKS = 100  # phase-boundary lines per schedule
_STYLES = ("-", "--", "-.")  # dotted (":") marks the phase boundaries


def plot(
    arguments: list[str],
    key: str | None,
    steps: int | None,
    base_lr: float | None,
    log: bool,
    output: str,
) -> str:
    """Draw the schedules of ``arguments`` into ``output``; return what was written."""
    path = Path(output)
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise CliError(
            f"-o {output}: unsupported image type {path.suffix or '(no extension)'!r}: "
            "write a .png or .svg file"
        )
    if not path.parent.is_dir():
        raise CliError(f"-o {output}: no such directory {str(path.parent)!r}")
    loaded = load_all(arguments, key)
    try:
        import numpy as np
        from matplotlib.figure import Figure
    except ImportError as error:
        raise CliError(
            f"plotting needs matplotlib ({error}): pip install 'lrcore[plot]' (or matplotlib)"
        ) from None
    last = steps if steps is not None else _default_last(loaded)
    figure = Figure(figsize=(8, 4.5), layout="constrained")
    axes = figure.add_subplot()
    nonpositive = False
    for index, item in enumerate(loaded):
        schedule = item.schedule
        starts = [piece.start for piece in schedule.pieces if 0 < piece.start <= last]
        x = _steps(np, last, starts)
        y = np.asarray(schedule(x), dtype=np.float64) * (1.0 if base_lr is None else base_lr)
        nonpositive = nonpositive or bool(np.any(y <= 0))
        label = item.label if item.label == schedule.name else f"{item.label}: {schedule.name}"
        # Each curve its own dash pattern: equal curves (a port and its original) stay visible.
        style = _STYLES[index % len(_STYLES)]
        (line,) = axes.plot(x, y, style, label=label, linewidth=1.6, zorder=3 + index)
        for start in starts[:_MAX_MARKS]:
            axes.axvline(start, color=line.get_color(), linestyle=":", linewidth=0.9, alpha=0.7)
    axes.set_xlim(0, max(last, 1))
    axes.set_xlabel("step (optimizer update)")
    if base_lr is None:
        axes.set_ylabel("factor of the base lr")
    else:
        axes.set_ylabel(f"learning rate (base lr {base_lr:g})")
    if log:
        axes.set_yscale("log")
    axes.grid(True, alpha=0.3)
    axes.legend(title="dotted: phase boundaries", fontsize="small", title_fontsize="small")
    metadata: dict[str, Any] = {"Date": None} if fmt == "svg" else {}
    try:
        figure.savefig(path, format=fmt, dpi=120, metadata=metadata)
    except OSError as error:
        raise CliError(f"-o {output}: cannot write: {error}") from None
    note = " (values <= 0 are not drawn on a log axis)" if log and nonpositive else ""
    return f"wrote {output}: {len(loaded)} schedule(s), steps 0..{last}{note}"


def _default_last(loaded: list[Loaded]) -> int:
    end = max(nominal_end(item.schedule) for item in loaded)
    return max(math.ceil(end * 1.25), 1)


def _steps(np: Any, last: int, starts: list[int]) -> Any:
    """Every step 0..last, or an even grid with each phase boundary and the step before it."""
    if last + 1 <= _EVERY_STEP:
        return np.arange(last + 1, dtype=np.int64)
    grid = np.linspace(0, last, _GRID).round().astype(np.int64)
    marks = np.asarray([s for start in starts for s in (start - 1, start)], dtype=np.int64)
    return np.unique(np.concatenate([grid, marks]))
