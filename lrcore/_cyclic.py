"""Cyclic schedules: ``cyclic`` (torch/Paddle ``CyclicLR``) and ``one_cycle`` (torch
``OneCycleLR``), ``paddle_one_cycle`` (Paddle ``OneCycleLR``).

Both natives compute absolute learning rates with float arithmetic on the step
(``k / total_size``, ``(k - start) / (end - start)`` with float phase ends).  The
factors here are written with the same operations in the same order, relative to
the peak lr (``max_lr``), and the float phase boundaries of the one-cycle policy are
turned into integer piece starts when the schedule is built, with the natives'
own comparisons (``k <= end_step``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from lrcore import _families
from lrcore._config import Bool, Choice, Custom, Int, Real, integer
from lrcore._families import saturating_exp
from lrcore._pieces import Piece, family
from lrcore._schedule import Schedule

# --------------------------------------------------------------------------- cyclic


def _cycle_position(t: Any, xp: Any, total: float, total_int: int) -> tuple[Any, Any]:
    """torch's ``cycle = floor(1 + t / total)`` and ``x = 1 + t / total - cycle``.

    In torch's float64 arithmetic wherever the steps divide into float64 -- Python
    ints and NumPy arrays of any integer dtype (int32 too) -- so that every such path
    gives the native's value to the last bit, even at 2**31 where ``t / total`` has
    lost bits.  Only a float32 quotient (JAX without x64) is split in integers first,
    since float32 cannot hold ``t / total`` at all (a branch on the dtype, static
    under ``jax.jit``).
    """
    ratio = t / total
    dtype = getattr(ratio, "dtype", None)
    if dtype is not None and dtype.itemsize < 8:
        whole = t // total_int
        return whole + 1, (t - whole * total_int) / total
    cycle = xp.floor(1 + ratio)
    return cycle, 1.0 + ratio - cycle


def _triangle(x: Any, xp: Any, ratio: float, down: float) -> Any:
    """``x / ratio`` rising, ``(x - 1) / (ratio - 1)`` falling (``down = ratio - 1``)."""
    return xp.where(x <= ratio, x / ratio, (x - 1) / down)


def _amplitude(height: Any, exponent: Any, xp: Any) -> Any:
    """``height * exp(exponent)``, 0 where ``height`` is 0 even if the growth is ``inf``.

    An exp_range growth (``gamma > 1``) saturates to ``inf`` at late steps; at the
    bottom of the triangle the factor is ``min_factor`` (the natives raise
    ``OverflowError`` there), never ``0 * inf = nan``.
    """
    scale = saturating_exp(exponent, xp)
    return height * xp.where(height == 0.0, 1.0, scale)


@family
def cyclic_by_cycle(
    t: Any,
    xp: Any,
    total: float,
    total_int: int,
    ratio: float,
    down: float,
    low: float,
    height: float,
    log_rate: float,
    shift: float,
) -> Any:
    """``low + height * triangle * exp(log_rate * (cycle - shift))``."""
    cycle, x = _cycle_position(t, xp, total, total_int)
    return low + _amplitude(height * _triangle(x, xp, ratio, down), log_rate * (cycle - shift), xp)


@family
def cyclic_by_iteration(
    t: Any,
    xp: Any,
    total: float,
    total_int: int,
    ratio: float,
    down: float,
    low: float,
    height: float,
    log_rate: float,
    shift: float,
) -> Any:
    """``low + height * triangle * exp(log_rate * (t - shift))``."""
    _, x = _cycle_position(t, xp, total, total_int)
    return low + _amplitude(height * _triangle(x, xp, ratio, down), log_rate * (t - shift), xp)


def _optional_down(owner: str, field: str, value: Any) -> int | None:
    return None if value is None else integer(owner, field, value, minimum=0)


def _optional_scale_mode(owner: str, field: str, value: Any) -> str | None:
    if value is None or value in ("cycle", "iterations"):
        return value  # type: ignore[no-any-return]
    raise ValueError(
        f"{owner}: {field} must be 'cycle', 'iterations' or None, got {value!r} "
        f"({type(value).__name__})"
    )


class Cyclic(Schedule, name="cyclic"):
    r"""Cyclical learning rates (Smith 2015): torch ``CyclicLR`` and Paddle ``CyclicLR``.

    With ``b = min_factor``, ``a = max_factor``, ``L = step_size_up + step_size_down``
    (floats), ``r = step_size_up / L``, as the natives compute them:

    .. math::
        c = \lfloor 1 + t / L \rfloor,\quad x = 1 + t / L - c,\quad
        s(t) = \begin{cases} x / r & x \le r \\ (x - 1) / (r - 1) & x > r \end{cases}

    .. math:: f(t) = b + (a - b)\, s(t)\, \sigma(u)

    with the amplitude scale ``sigma``: 1 (``triangular``), ``1 / 2 ** (u - 1)``
    (``triangular2``) or ``gamma ** u`` (``exp_range``), of ``u = c`` (the cycle,
    counted from 1) or ``u = t`` (``scale_mode="iterations"``).  ``scale_mode=None``
    is the natives' default for the mode: ``cycle`` for the triangles, ``iterations``
    for ``exp_range`` (torch and Paddle overwrite the ``scale_mode`` argument with it
    unless a custom ``scale_fn`` is given).

    ``f(0) = min_factor``; it cycles forever (the triangle2 and exp_range amplitudes
    decay to 0, where ``f = min_factor``).  Relative to the peak: port with
    ``base_lr = max_lr`` and ``min_factor = base_lr / max_lr`` (torch's ``base_lr`` is
    the cycle's *lower* bound).  The scale is evaluated as ``exp(log(.) * u)``, so
    where torch's ``2.0 ** (cycle - 1)`` overflows (after 1025 cycles: torch raises
    ``OverflowError``) the factor is simply ``min_factor``.
    """

    step_size_up: int = Int(minimum=1, doc="steps rising per cycle")
    step_size_down: int | None = Custom(
        _optional_down, default=None, doc="steps falling per cycle (None: step_size_up)"
    )
    min_factor: float = Real(minimum=0.0, default=0.0, doc="the lower bound, over max lr")
    max_factor: float = Real(minimum=0.0, default=1.0, doc="the upper bound, over max lr")
    mode: str = Choice("triangular", "triangular2", "exp_range", default="triangular")
    gamma: float = Real(above=0.0, default=1.0, doc="exp_range's decay per step (or cycle)")
    scale_mode: str | None = Custom(
        _optional_scale_mode, default=None, doc="'cycle', 'iterations' or None (mode's own)"
    )

    def validate(self) -> None:
        # A growing amplitude below min_factor drives the factor negative within a few
        # steps (and to -inf): a factor must be >= 0.
        if self.mode == "exp_range" and self.gamma > 1.0 and self.max_factor < self.min_factor:
            raise ValueError(
                f"cyclic: gamma={self.gamma!r} > 1 with max_factor={self.max_factor!r} < "
                f"min_factor={self.min_factor!r} makes the factor negative (exp_range grows "
                "the amplitude below min_factor)"
            )

    @property
    def resolved_scale_mode(self) -> str:
        """``scale_mode``, or the natives' default for ``mode``."""
        if self.scale_mode is not None:
            return self.scale_mode
        return "iterations" if self.mode == "exp_range" else "cycle"

    def build(self) -> Sequence[Piece]:
        up = float(self.step_size_up)
        down = up if self.step_size_down is None else float(self.step_size_down)
        total = up + down
        ratio = up / total
        # ratio == 1 (no falling steps): the falling branch is never selected, but is
        # evaluated; a dummy denominator keeps it finite.
        falling = ratio - 1 if ratio != 1 else -1.0
        log_rate, shift = {
            "triangular": (0.0, 0.0),
            "triangular2": (-math.log(2.0), 1.0),
            "exp_range": (math.log(self.gamma), 0.0),
        }[self.mode]
        height = self.max_factor - self.min_factor
        if height == 0.0:
            return [Piece(0, _families.constant, (self.min_factor,))]
        fam = cyclic_by_cycle if self.resolved_scale_mode == "cycle" else cyclic_by_iteration
        total_int = self.step_size_up + (
            self.step_size_up if self.step_size_down is None else self.step_size_down
        )
        params = (total, total_int, ratio, falling, self.min_factor, height, log_rate, shift)
        return [Piece(0, fam, params)]


# --------------------------------------------------------------------------- one cycle


@family
def one_cycle_cos(t: Any, xp: Any, end: float, half: float, offset: float, width: float) -> Any:
    """torch's ``end + (start - end) / 2.0 * (cos(pi * pct) + 1)``, ``pct = (t + offset) / width``.

    ``half`` is ``(start - end) / 2.0``.
    """
    pct = (t + offset) / width
    return end + half * (xp.cos(math.pi * pct) + 1)


@family
def one_cycle_linear(
    t: Any, xp: Any, start: float, rise: float, offset: float, width: float
) -> Any:
    """torch's ``(end - start) * pct + start``, ``pct = (t + offset) / width``."""
    pct = (t + offset) / width
    return rise * pct + start


def _one_cycle_pieces(
    owner: str,
    total_steps: int,
    ends: Sequence[float],
    levels: Sequence[float],
    strategy: str,
) -> list[Piece]:
    """The phases ``(k <= ends[i]`` first, the last phase catching every later step),
    each annealing ``levels[i] -> levels[i + 1]`` over ``(ends[i - 1], ends[i]]``
    (``ends[-1]`` is 0.0 for the first phase), then the value at ``total_steps`` held.
    """
    pieces: list[Piece] = []
    reached = -math.inf  # every step <= reached belongs to an earlier phase
    previous_end = 0.0
    last = len(ends) - 1
    for index, end in enumerate(ends):
        first = 0 if reached == -math.inf else max(0, math.floor(reached) + 1)
        if index == last or math.floor(end) >= first:
            start_level, end_level = levels[index], levels[index + 1]
            offset = first - previous_end
            # A zero-width phase holds no integer step (the natives would divide by 0).
            width = end - previous_end if end != previous_end else math.inf
            if strategy == "cos":
                params = (end_level, (start_level - end_level) / 2.0, offset, width)
                pieces.append(Piece(first, one_cycle_cos, params))
            else:
                params = (start_level, end_level - start_level, offset, width)
                pieces.append(Piece(first, one_cycle_linear, params))
        reached = max(reached, end)
        previous_end = end
    # The natives compute the lr at total_steps (one step past the last phase end) and
    # raise on the next step: hold that value, floored at 0 (linear overshoots below
    # the final level).  Where they divide by zero at total_steps, hold the one before.
    table = [piece for piece in pieces if piece.start <= total_steps]
    held = total_steps
    active = table[-1]
    if active.start == held and math.isinf(active.params[3]):
        held -= 1  # a zero-width last phase: the natives divide by zero at total_steps
        active = [piece for piece in table if piece.start <= held][-1]
    value = float(active(held - active.start))
    table.append(Piece(total_steps, _families.constant, (max(0.0, value),)))
    return table


def _fraction(owner: str, field: str, value: Any) -> float:
    from lrcore._config import real

    number = real(owner, field, value, minimum=0.0)
    if number > 1.0:
        raise ValueError(f"{owner}: {field} must be <= 1, got {value!r}")
    return number


class OneCycle(Schedule, name="one_cycle"):
    r"""The 1cycle policy of torch ``OneCycleLR``, relative to ``max_lr``.

    With ``T = total_steps``, ``p = pct_start``, start ``s = 1 / div_factor``, floor
    ``m = s / final_div_factor`` and torch's float phase ends
    ``e_1 = float(p T) - 1``, ``e_2 = T - 1`` (two phases) or ``e_1``,
    ``e_2 = float(2 p T) - 2``, ``e_3 = T - 1`` (``three_phase``): at step ``k`` the
    first phase with ``k <= e_i`` (else the last) anneals from its start level to its
    end level (``s -> 1 -> m``, or ``s -> 1 -> s -> m``) with

    .. math::
        \text{pct} = \frac{k - e_{i-1}}{e_i - e_{i-1}}\ (e_0 = 0),\qquad
        f = \begin{cases}
            b + \tfrac{a - b}{2} (\cos(\pi\,\text{pct}) + 1) & \text{cos} \\
            (b - a)\,\text{pct} + a & \text{linear}
        \end{cases}

    from level ``a`` to level ``b``.  ``f(0) = 1 / div_factor``; ``f(T - 1) = m``.
    torch computes one more value, at ``k = T`` (the last phase extrapolated), and
    raises ``ValueError`` on the step after: lrcore reproduces the value at ``T``
    and holds it from then on (floored at 0: the ``linear`` extrapolation
    undershoots ``m`` and is often negative).  Port with ``base_lr = max_lr`` per
    group; the phase ends are found at build time with torch's own float
    comparisons, so every integer step falls in torch's phase.
    """

    total_steps: int = Int(minimum=1, doc="T, the number of steps in the cycle")
    pct_start: float = Custom(_fraction, default=0.3, doc="the rising fraction of the cycle")
    div_factor: float = Real(above=0.0, default=25.0, doc="max_lr / initial lr")
    final_div_factor: float = Real(above=0.0, default=1e4, doc="initial lr / final lr")
    anneal_strategy: str = Choice("cos", "linear", default="cos", doc="the annealing shape")
    three_phase: bool = Bool(default=False, doc="rise, fall back to initial, then anneal")

    def build(self) -> Sequence[Piece]:
        total, pct = self.total_steps, self.pct_start
        start = 1.0 / self.div_factor
        floor = start / self.final_div_factor
        if self.three_phase:
            ends = [float(pct * total) - 1, float(2 * pct * total) - 2, float(total - 1)]
            levels = [start, 1.0, start, floor]
        else:
            ends = [float(pct * total) - 1, float(total - 1)]
            levels = [start, 1.0, floor]
        return _one_cycle_pieces(self.name, total, ends, levels, self.anneal_strategy)


class OneCycleMomentum(Schedule, name="one_cycle_momentum"):
    r"""The momentum (or Adam's beta1) cycle of torch ``OneCycleLR``, over ``max_momentum``.

    torch cycles momentum inversely to the lr, over the same phases as ``one_cycle``
    (same float phase ends ``e_i``, same ``pct`` and annealing function), between
    ``max_momentum`` and ``base_momentum``.  Relative to ``max_momentum``, with
    ``b = base_factor = base_momentum / max_momentum``, the levels are
    ``1 -> b -> 1`` (two phases) or ``1 -> b -> 1 -> 1`` (``three_phase``): at step
    ``k`` in phase ``i`` from level ``a`` to level ``c``

    .. math::
        f = \begin{cases}
            c + \tfrac{a - c}{2} (\cos(\pi\,\text{pct}) + 1) & \text{cos} \\
            (c - a)\,\text{pct} + a & \text{linear}
        \end{cases}

    ``f(0) = 1`` (torch sets ``max_momentum`` at construction); ``f = b`` at the lr's
    peak; ``f(T - 1) = 1``.  Past the end, as ``one_cycle``: torch's value at
    ``k = T`` (the last phase extrapolated: above 1 with ``linear``) is held.  Port
    with ``base = max_momentum`` per group (``lrcore_torch.from_torch_hyperparams``).
    """

    total_steps: int = Int(minimum=1, doc="T, the number of steps in the cycle")
    pct_start: float = Custom(_fraction, default=0.3, doc="the lr's rising fraction of the cycle")
    base_factor: float = Real(minimum=0.0, default=0.85 / 0.95, doc="base_momentum / max_momentum")
    anneal_strategy: str = Choice("cos", "linear", default="cos", doc="the annealing shape")
    three_phase: bool = Bool(default=False, doc="the lr's three phases (momentum flat last)")

    def build(self) -> Sequence[Piece]:
        total, pct, low = self.total_steps, self.pct_start, self.base_factor
        if self.three_phase:
            ends = [float(pct * total) - 1, float(2 * pct * total) - 2, float(total - 1)]
            levels = [1.0, low, 1.0, 1.0]
        else:
            ends = [float(pct * total) - 1, float(total - 1)]
            levels = [1.0, low, 1.0]
        return _one_cycle_pieces(self.name, total, ends, levels, self.anneal_strategy)


class PaddleOneCycle(Schedule, name="paddle_one_cycle"):
    r"""Paddle's ``OneCycleLR``: as ``one_cycle``, with an *absolute* final lr.

    The phases and their arithmetic are torch's (see ``one_cycle``), with Paddle's
    names: ``phase_pct`` for ``pct_start``, ``divide_factor`` for ``div_factor``, and
    the final level ``end_factor = end_learning_rate / max_learning_rate`` instead of
    torch's ``initial / final_div_factor``.  Paddle refuses ``three_phase`` with
    ``phase_pct >= 0.5``; so does this schedule.  ``f(0) = 1 / divide_factor``;
    ``f(T - 1) = end_factor``; the value Paddle computes at ``T`` is held past it
    (Paddle raises on the next step), floored at 0.  Port with
    ``base_lr = max_learning_rate``.
    """

    total_steps: int = Int(minimum=1, doc="T, the number of steps in the cycle")
    phase_pct: float = Custom(_fraction, default=0.3, doc="the rising fraction of the cycle")
    divide_factor: float = Real(above=0.0, default=25.0, doc="max lr / initial lr")
    end_factor: float = Real(minimum=0.0, default=0.0, doc="the final lr over max lr")
    anneal_strategy: str = Choice("cos", "linear", default="cos", doc="the annealing shape")
    three_phase: bool = Bool(default=False, doc="rise, fall back to initial, then anneal")

    def validate(self) -> None:
        if self.three_phase and self.phase_pct >= 0.5:
            raise ValueError(
                f"paddle_one_cycle: phase_pct must be < 0.5 with three_phase=True, "
                f"got {self.phase_pct!r}"
            )

    def build(self) -> Sequence[Piece]:
        total, pct = self.total_steps, self.phase_pct
        start = 1.0 / float(self.divide_factor)
        if self.three_phase:
            ends = [pct * total - 1, 2 * pct * total - 2, float(total - 1)]
            levels = [start, 1.0, start, self.end_factor]
        else:
            ends = [pct * total - 1, float(total - 1)]
            levels = [start, 1.0, self.end_factor]
        return _one_cycle_pieces(self.name, total, ends, levels, self.anneal_strategy)


# --------------------------------------------------------------------------- porting helpers


def scaled(schedule: Schedule, factor: float) -> Schedule:
    """``factor * schedule`` (``schedule`` itself when ``factor == 1``): rebasing a port."""
    from lrcore._basic import Constant
    from lrcore._compose import Product

    if factor == 1.0:
        return schedule
    if not (math.isfinite(factor) and factor >= 0.0):
        raise ValueError(f"cannot rescale a schedule by {factor!r}: the factor must be >= 0")
    return Product(schedules=[Constant(factor=factor), schedule])


def running_product(factor: Schedule, owner: str) -> Schedule:
    r"""The schedule ``F(k) = prod_{e=1..k} f(e)`` (``F(0) = 1``) of a piecewise-constant ``f``.

    torch ``MultiplicativeLR`` and Paddle ``MultiplicativeDecay`` multiply the lr by
    ``f(k)`` at every step ``k >= 1``.  With ``f`` constant on pieces the product is a
    geometric run on each piece: a ``join`` of ``exponential`` pieces, each scaled by the
    product accumulated before it.  Any other ``f`` has no closed-form running product:
    ``TypeError`` (naming ``owner``).
    """
    from lrcore._basic import Constant, Exponential
    from lrcore._compose import Join

    pieces = factor.pieces
    if any(piece.family is not _families.constant for piece in pieces):
        raise TypeError(
            f"{owner}: the running product prod f(1..k) of {factor.name!r} has no closed form; "
            "only piecewise-constant factors (constant, piecewise_constant, multistep) port"
        )
    starts: list[int] = []
    segments: list[Schedule] = []
    accumulated = 1.0  # the product of f over the steps before the current piece
    for index, piece in enumerate(pieces):
        low = max(piece.start, 1)
        high = pieces[index + 1].start if index + 1 < len(pieces) else None
        if high is not None and high <= low:
            continue  # a piece holding only at step 0, which the product never reads
        value = float(piece.params[0])
        if value == 0.0 or accumulated == 0.0:
            segment: Schedule = Constant(factor=0.0)
        elif not segments:
            segment = Exponential(gamma=value)  # from step 0: value ** k, with F(0) = 1
        else:
            segment = scaled(Exponential(gamma=value), accumulated * value)
        starts.append(0 if not segments else low)
        segments.append(segment)
        if value == 0.0 or high is None:
            break
        try:
            accumulated *= value ** (high - low)
        except OverflowError:
            accumulated = math.inf
        if not math.isfinite(accumulated):
            raise ValueError(f"{owner}: the running product of {factor.name!r} overflows")
    if len(segments) == 1:
        return segments[0]
    return Join(schedules=segments, boundaries=starts[1:])
