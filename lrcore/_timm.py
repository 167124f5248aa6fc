"""timm's schedulers (``timm.scheduler``, 1.0.x): cosine, poly, tanh, step and multistep.

timm's schedulers compute *absolute* learning rates, ``scheduler._get_lr(t)``, one
per parameter group, from the group's initial lr ``base_values[g]`` and absolute
settings (``lr_min``, ``warmup_lr_init``).  Each schedule here takes the same
settings plus ``base_lr`` (the group's ``base_values[g]``) and gives the factor

    ``f(t) = _get_lr(t)[g] / base_lr``

written with timm's arithmetic, so that ``base_lr * f(t)`` is timm's value to an
ulp (the division by ``base_lr`` and the adapter's product round once each).
Since the floors are absolute, the factors differ per group: port each group
(``lrcore_torch.from_torch`` does).

``t`` is timm's ``t``: the epoch when the scheduler has ``t_in_epochs=True`` (timm's
``step(epoch)``), the update count otherwise (``step_update(num_updates)``).  To
read an epoch schedule per update, wrap it in ``per_iteration``.

The cycle index of the cyclic schedulers is timm's float formula
``floor(log(1 - t / T * (1 - cycle_mul), cycle_mul))`` (or ``t // T`` when
``cycle_mul == 1``).  Its float rounding decides on which step a cycle starts, so
the cycle starts are found when the schedule is built, by evaluating that very
formula; each cycle is then a piece of one shared family, with its index, start,
length and peak as parameters.  With ``cycle_mul == 1`` the cycles repeat: one
piece computes ``i = t // T`` in integers, whatever the number of cycles.

Not reproduced: ``noise_range_t`` (random noise, seeded per step), which timm
adds in ``step()`` but not in ``_get_lr``; the porter refuses such schedulers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

from lrcore import _config, _scalar_math
from lrcore._config import Bool, Custom, Int, Real
from lrcore._families import LOG_LARGEST
from lrcore._pieces import Family, Piece, family
from lrcore._schedule import Schedule

LAST_STEP = 2**53
"""Cycle starts are generated up to here (integer parameters stay below it)."""

CHECKED_STEPS = 2**31
"""Cycles starting below this are checked for timm's own arithmetic failing."""

MAX_PIECES = 200_000
"""More cycles than this (with distinct integer starts) is refused."""


def xp_tanh(xp: Any, x: Any) -> Any:
    """``tanh`` from the namespace, or ``math.tanh`` for Python numbers."""
    fn = getattr(xp, "tanh", None)
    return math.tanh(x) if fn is None else fn(x)


def xp_pow(xp: Any, base: float, exponent: Any) -> Any:
    """``base ** exponent`` that saturates to ``inf`` where Python's float power raises."""
    if xp is _scalar_math:
        try:
            return base**exponent
        except OverflowError:
            return math.inf
    if isinstance(base, float) and base > 1.0:
        # Growth past float64's range is inf, selected rather than computed: NumPy's
        # power would warn (an error under -W error) where Python's raises.
        limit = (LOG_LARGEST - 1e-9) / math.log(base)
        return xp.where(exponent > limit, math.inf, base ** xp.minimum(exponent, limit))
    return base**exponent


# Each formula is timm's expression, divided once by ``scale`` (the group's base lr;
# 1.0 to read timm's absolute value at build time).  Every family takes ``offset``
# first, an integer added to the local step (timm's t for the repeating and level
# families, the step within the cycle's piece otherwise): a piece that starts ``d``
# steps later than built (cut by a warmup) gets ``offset + d``.


@family
def timm_warmup(t: Any, xp: Any, lr_init: float, slope: float, scale: float) -> Any:
    """``(warmup_lr_init + t * s) / scale``."""
    return (lr_init + t * slope) / scale


@family
def timm_level(t: Any, xp: Any, offset: int, lr: float, scale: float) -> Any:
    """``lr / scale``: ``lr_min`` past the cycle limit, a stair of a multistep."""
    return lr / scale


def _cosine(xp: Any, t_curr: Any, length_k: Any, lr_max: Any, lr_min: float, k: float) -> Any:
    # On its piece t_curr >= 0; the clamp only acts off it (array evaluation computes
    # every piece everywhere), where a fractional power would give NaN.
    t_curr = xp.maximum(t_curr, 0)
    return lr_min + 0.5 * (lr_max - lr_min) * (1 + xp.cos(math.pi * t_curr**k / length_k))


def _poly(
    xp: Any, t_curr: Any, length_k: Any, lr_max: Any, lr_min: float, k: float, power: float
) -> Any:
    t_curr = xp.maximum(t_curr, 0)
    remaining = xp.maximum(1 - t_curr**k / length_k, 0.0)
    return lr_min + (lr_max - lr_min) * remaining**power


def _tanh(
    xp: Any, t_curr: Any, length: Any, lr_max: Any, lr_min: float, lb: float, ub: float
) -> Any:
    tr = t_curr / length
    return lr_min + 0.5 * (lr_max - lr_min) * (1 - xp_tanh(xp, lb * (1.0 - tr) + ub * tr))


def _repeat(
    t: Any, xp: Any, offset: int, length: int, decay: float, base: float
) -> tuple[Any, Any]:
    """``cycle_mul == 1``: timm's ``t_curr = t - T * i`` and peak ``base * decay ** i``,
    ``i = t // T``, at the shifted step ``t + offset``."""
    now = t + offset
    i = now // length
    return now - length * i, base * xp_pow(xp, decay, i)


@family
def timm_cosine_repeat(
    t: Any,
    xp: Any,
    offset: int,
    length: int,
    decay: float,
    lr_min: float,
    k: float,
    length_k: float,
    base: float,
    scale: float,
) -> Any:
    """``cycle_mul == 1``: ``i = t // T``, ``t_curr = t - T * i``, peak ``base * decay ** i``."""
    t_curr, lr_max = _repeat(t, xp, offset, length, decay, base)
    return _cosine(xp, t_curr, length_k, lr_max, lr_min, k) / scale


@family
def timm_cosine_cycle(
    t: Any,
    xp: Any,
    offset: int,
    lag: float,
    length_k: float,
    lr_max: float,
    lr_min: float,
    k: float,
    scale: float,
) -> Any:
    """One cycle of ``cycle_mul != 1``: ``t_curr = (t + offset) + lag``.

    ``lag = t0 - S_i`` (the piece's first step minus timm's float cycle start) is
    exact, so ``t_curr`` rounds once, like timm's ``t - S_i``, and stays small (no
    float32 precision is lost to a large ``t``).
    """
    return _cosine(xp, (t + offset) + lag, length_k, lr_max, lr_min, k) / scale


@family
def timm_poly_repeat(
    t: Any,
    xp: Any,
    offset: int,
    length: int,
    decay: float,
    lr_min: float,
    k: float,
    length_k: float,
    power: float,
    base: float,
    scale: float,
) -> Any:
    """The poly counterpart of ``timm_cosine_repeat``."""
    t_curr, lr_max = _repeat(t, xp, offset, length, decay, base)
    return _poly(xp, t_curr, length_k, lr_max, lr_min, k, power) / scale


@family
def timm_poly_cycle(
    t: Any,
    xp: Any,
    offset: int,
    lag: float,
    length_k: float,
    lr_max: float,
    lr_min: float,
    k: float,
    power: float,
    scale: float,
) -> Any:
    """The poly counterpart of ``timm_cosine_cycle``."""
    return _poly(xp, (t + offset) + lag, length_k, lr_max, lr_min, k, power) / scale


@family
def timm_tanh_repeat(
    t: Any,
    xp: Any,
    offset: int,
    length: int,
    decay: float,
    lr_min: float,
    lb: float,
    ub: float,
    base: float,
    scale: float,
) -> Any:
    """The tanh counterpart of ``timm_cosine_repeat`` (``tr = t_curr / T``)."""
    t_curr, lr_max = _repeat(t, xp, offset, length, decay, base)
    return _tanh(xp, t_curr, length, lr_max, lr_min, lb, ub) / scale


@family
def timm_tanh_cycle(
    t: Any,
    xp: Any,
    offset: int,
    lag: float,
    length: float,
    lr_max: float,
    lr_min: float,
    lb: float,
    ub: float,
    scale: float,
) -> Any:
    """The tanh counterpart of ``timm_cosine_cycle``."""
    return _tanh(xp, (t + offset) + lag, length, lr_max, lr_min, lb, ub) / scale


@family
def timm_stairs(
    t: Any,
    xp: Any,
    offset: int,
    numerator: int,
    denominator: int,
    shift: int,
    rate: float,
    base: float,
    scale: float,
) -> Any:
    """``base * rate ** n / scale`` with ``n = max(0, ((t + offset) * b - shift) // a)``.

    ``n`` is split as ``(t // a) * b + ((t % a) * b - shift) // a`` so that no product
    outgrows the steps' integers; it is timm's ``t // decay_t`` (see ``stair_ratio``).
    The first term is a float: with ``decay_t < 1`` the stair count of a 32-bit step
    (``t * b / a``) outgrows 32-bit integers (it is exact in float64 below 2**53).
    """
    now = t + offset
    whole = (now // numerator) * (denominator * 1.0)
    n = whole + ((now % numerator) * denominator - shift) // numerator
    # ``shift`` makes it -1 at t = 0 only (the count of m >= 1 with m a / b < t).
    n = xp.maximum(n, 0)
    return base * xp_pow(xp, rate, n) / scale


class _Unclamped:
    """Python's math without the formulas' off-piece clamps: timm's raw arithmetic."""

    cos = staticmethod(math.cos)
    tanh = staticmethod(math.tanh)

    @staticmethod
    def maximum(x: Any, y: Any) -> Any:
        return x


# ----------------------------------------------------------------------------- building


def _warmup_then(
    pieces: Sequence[Piece],
    *,
    warmup_t: int,
    warmup_prefix: bool,
    warmup_lr_init: float,
    slope: float,
    base: float,
) -> list[Piece]:
    """The warmup, then the main pieces (given in timm's shifted t, offset first).

    With ``warmup_prefix`` timm's t restarts at 0 after the warmup; without it the
    main formula sees the step itself, and the pieces before ``warmup_t`` never hold.
    """
    out: list[Piece] = []
    if warmup_t > 0:
        out.append(Piece(0, timm_warmup, (warmup_lr_init, slope, base)))
    for index, piece in enumerate(pieces):
        if warmup_prefix:
            out.append(piece._replace(start=piece.start + warmup_t))
            continue
        following = pieces[index + 1].start if index + 1 < len(pieces) else None
        if following is not None and following <= warmup_t:
            continue
        start = max(piece.start, warmup_t)
        offset = piece.params[0] + (start - piece.start)
        out.append(Piece(start, piece.family, (offset, *piece.params[1:])))
    return out


def _value_at(pieces: Sequence[Piece], t: int) -> float:
    """The *absolute* value of the main pieces at timm's t (the base set to 1.0)."""
    starts = [piece.start for piece in pieces]
    index = max(i for i, start in enumerate(starts) if start <= t)
    piece = pieces[index]
    params = (piece.params[0] + (t - piece.start), *piece.params[1:-1], 1.0)
    return float(piece.family.fn(0, _scalar_math, *params))


def cycle_index(t: int, length: int, cycle_mul: float) -> int | None:
    """timm's cycle index for ``cycle_mul != 1``; ``None`` where its ``math.log`` raises."""
    argument = 1 - t / length * (1 - cycle_mul)
    if argument <= 0:
        return None
    return math.floor(math.log(argument, cycle_mul))


def cycle_starts(
    owner: str, length: int, cycle_mul: float, cycle_limit: int
) -> tuple[list[tuple[int, int]], int | None]:
    """``[(first t, cycle index)]`` of the cycles below ``cycle_limit``, and where ``lr_min``
    starts (``None``: never below 2**53), with timm's float formula (``cycle_mul != 1``).

    ``cycle_mul < 1`` packs infinitely many cycles before ``t = T / (1 - cycle_mul)``,
    where timm's ``math.log`` starts to raise; ``lr_min`` is held from there on.
    """

    def changed(t: int, index: int) -> bool:
        other = cycle_index(t, length, cycle_mul)
        return other is None or other != index

    cycles: list[tuple[int, int]] = []
    t, index = 0, cycle_index(0, length, cycle_mul)
    while True:
        if index is None or index >= cycle_limit:
            return cycles, t
        cycles.append((t, index))
        if len(cycles) > MAX_PIECES:
            raise ValueError(
                f"{owner}: more than {MAX_PIECES} cycles start at distinct steps "
                f"(t_initial={length!r}, cycle_mul={cycle_mul!r}, cycle_limit={cycle_limit!r})"
            )
        estimate = length * (cycle_mul ** (index + 1) - 1) / (cycle_mul - 1)
        if estimate > LAST_STEP:
            return cycles, None
        guess = max(t + 1, math.ceil(estimate))
        while guess - 1 > t and changed(guess - 1, index):
            guess -= 1
        while not changed(guess, index):
            guess += 1
        if guess > LAST_STEP:
            return cycles, None
        t, index = guess, cycle_index(guess, length, cycle_mul)


class _Cyclic(Schedule):
    """Fields and pieces shared by timm's cosine, poly and tanh schedulers."""

    base_lr: float = Real(above=0.0, doc="the group's initial lr (timm's base_values[g])")
    t_initial: int = Int(minimum=1, doc="T, the first cycle's length")
    lr_min: float = Real(minimum=0.0, default=0.0, doc="the floor (absolute)")
    cycle_mul: float = Real(above=0.0, default=1.0, doc="each cycle is this much longer")
    cycle_decay: float = Real(minimum=0.0, default=1.0, doc="each cycle's peak decays so")
    cycle_limit: int = Int(minimum=0, default=1, doc="cycles before lr_min holds")
    warmup_t: int = Int(minimum=0, default=0, doc="W, steps of the linear warmup")
    warmup_lr_init: float = Real(minimum=0.0, default=0.0, doc="the warmup's first lr")
    warmup_prefix: bool = Bool(default=False, doc="restart t at 0 after the warmup")

    def _repeat(self) -> tuple[Family, tuple[Any, ...]]:
        """The ``cycle_mul == 1`` family and its params after ``(offset, length, decay)``."""
        raise NotImplementedError

    def _cycle(self, lag: float, length: float, lr_max: float) -> tuple[Family, tuple[Any, ...]]:
        """One ``cycle_mul != 1`` cycle: its family and params after ``offset``."""
        raise NotImplementedError

    def _slope_target(self, main: Sequence[Piece]) -> float:
        """The lr the warmup climbs to (timm's ``base_values``)."""
        return self.base_lr

    def validate(self) -> None:
        if self.cycle_decay > 1:
            last = max(self.cycle_limit - 1, 0)
            peak = self.base_lr * xp_pow(_scalar_math, self.cycle_decay, last)
            if not math.isfinite(peak):
                raise ValueError(
                    f"{self.name}: cycle_decay={self.cycle_decay!r} ** (cycle_limit - 1) "
                    f"overflows (cycle_limit={self.cycle_limit!r}): timm raises OverflowError"
                )

    def _main(self) -> list[Piece]:
        """The pieces after the warmup, in timm's (shifted) t."""
        base, lr_min, length = self.base_lr, self.lr_min, self.t_initial
        if self.cycle_mul == 1:
            fam, params = self._repeat()
            pieces = [Piece(0, fam, (0, length, self.cycle_decay, *params))]
            limit = self.cycle_limit * length
            if limit <= LAST_STEP:
                pieces.append(Piece(limit, timm_level, (limit, lr_min, base)))
            return pieces
        mul = self.cycle_mul
        cycles, end = cycle_starts(self.name, length, mul, self.cycle_limit)
        pieces = []
        for t, i in cycles:
            start = (1 - mul**i) / (1 - mul) * length
            lag = t - start
            if Fraction(lag) != t - Fraction(start):  # pragma: no cover - Sterbenz: exact
                raise ValueError(f"{self.name}: inexact cycle start at t={t}")
            t_i = mul**i * length
            lr_max = base * self.cycle_decay**i
            fam, params = self._cycle(lag, t_i, lr_max)
            pieces.append(Piece(t, fam, (0, *params)))
        if end is not None:
            pieces.append(Piece(end, timm_level, (end, lr_min, base)))
        self._check_cycles(pieces)
        return pieces

    def _check_cycles(self, pieces: Sequence[Piece]) -> None:
        """Refuse settings where timm's own arithmetic fails on a cycle's first or last step.

        Float rounding can put ``t_curr`` a hair outside ``[0, T_i]`` there; a
        fractional power of a negative number is then complex in timm (it raises or
        returns garbage).  Elsewhere the formulas' clamps change nothing.  Checked
        below ``CHECKED_STEPS``; beyond, where timm's rounding can also fail (e.g.
        ``t_initial=17, cycle_mul=2, k_decay=0.7`` at ``t = 299067162755054``), lrcore
        gives the clamped value (``t_curr = 0``) where timm has none.
        """
        for index, piece in enumerate(pieces):
            if piece.family is timm_level or piece.start >= CHECKED_STEPS:
                continue
            last = pieces[index + 1].start - 1 if index + 1 < len(pieces) else piece.start
            for t in (piece.start, last):
                try:
                    raw = piece.family.fn(t - piece.start, _Unclamped, *piece.params)
                    good = isinstance(raw, float) and not math.isnan(raw)
                except (TypeError, ValueError, OverflowError, ZeroDivisionError):
                    good = False
                if not good:
                    raise ValueError(
                        f"{self.name}: timm's own cycle arithmetic fails at t={t} (t_curr "
                        f"falls outside its cycle): t_initial={self.t_initial!r}, "
                        f"cycle_mul={self.cycle_mul!r}"
                    )

    def build(self) -> list[Piece]:
        main = self._main()
        slope = 0.0
        if self.warmup_t > 0:
            slope = (self._slope_target(main) - self.warmup_lr_init) / self.warmup_t
        return _warmup_then(
            main,
            warmup_t=self.warmup_t,
            warmup_prefix=self.warmup_prefix,
            warmup_lr_init=self.warmup_lr_init,
            slope=slope,
            base=self.base_lr,
        )


_CYCLIC_DOC = r"""

    With ``b = base_lr``, ``T = t_initial``, ``W = warmup_t`` and timm's cycle ``i``
    of ``t' = t - W`` (``warmup_prefix``) or ``t' = t``, with start ``S_i``, length
    ``T_i`` and ``t_curr = t' - S_i`` (``cycle_mul = 1``: ``i = t' // T``,
    ``S_i = i T``, ``T_i = T``; otherwise ``i = floor(log_{m}(1 - t'(1 - m)/T))``,
    ``S_i = T (1 - m^i) / (1 - m)``, ``T_i = m^i T``):

    .. math::
        b\,f(t) = \begin{cases}
            l_w + t\,(b - l_w) / W & t < W \\
            l_{min} + {SHAPE} & i < \text{cycle\_limit} \\
            l_{min} & \text{otherwise}
        \end{cases}
        \qquad l_{max} = b \cdot \text{cycle\_decay}^{\,i}

    ``f(0) = warmup_lr_init / b`` with a warmup, else the cycle's start (``1`` to an
    ulp: timm's ``_get_lr(0)``; the lr timm's *constructor* sets is ``b`` itself).
    Past ``cycle_limit`` cycles ``lr_min / b`` holds.  With ``cycle_mul < 1`` timm's
    ``math.log`` raises from ``t' >= T / (1 - cycle_mul)`` on; lrcore holds
    ``lr_min / b`` there.
"""


class TimmCosine(_Cyclic, name="timm_cosine"):
    __doc__ = (
        "timm's ``CosineLRScheduler``: cosine cycles with restarts, k-decay and warmup."
        + _CYCLIC_DOC.replace(
            "{SHAPE}",
            r"\tfrac12 (l_{max} - l_{min})"
            r"\left(1 + \cos\left(\pi\, t_{curr}^{k} / T_i^{k}\right)\right)",
        )
    )

    k_decay: float = Real(above=0.0, default=1.0, doc="k, the k-decay exponent")

    def _repeat(self) -> tuple[Family, tuple[Any, ...]]:
        k = self.k_decay
        base = self.base_lr
        return timm_cosine_repeat, (self.lr_min, k, self.t_initial**k, base, base)

    def _cycle(self, lag: float, length: float, lr_max: float) -> tuple[Family, tuple[Any, ...]]:
        k = self.k_decay
        return timm_cosine_cycle, (lag, length**k, lr_max, self.lr_min, k, self.base_lr)


class TimmPoly(_Cyclic, name="timm_poly"):
    __doc__ = (
        "timm's ``PolyLRScheduler``: polynomial cycles with restarts, k-decay and warmup."
        + _CYCLIC_DOC.replace(
            "{SHAPE}", r"(l_{max} - l_{min})\left(1 - t_{curr}^{k} / T_i^{k}\right)^{p}"
        )
    )

    power: float = Real(minimum=0.0, default=0.5, doc="p, the exponent")
    k_decay: float = Real(above=0.0, default=1.0, doc="k, the k-decay exponent")

    def _repeat(self) -> tuple[Family, tuple[Any, ...]]:
        k = self.k_decay
        base = self.base_lr
        return timm_poly_repeat, (self.lr_min, k, self.t_initial**k, self.power, base, base)

    def _cycle(self, lag: float, length: float, lr_max: float) -> tuple[Family, tuple[Any, ...]]:
        k = self.k_decay
        params = (lag, length**k, lr_max, self.lr_min, k, self.power, self.base_lr)
        return timm_poly_cycle, params


class TimmTanh(_Cyclic, name="timm_tanh"):
    __doc__ = (
        "timm's ``TanhLRScheduler``: tanh cycles with restarts and warmup."
        + _CYCLIC_DOC.replace(
            "{SHAPE}",
            r"\tfrac12 (l_{max} - l_{min})"
            r"\left(1 - \tanh\left(lb\,(1 - r) + ub\, r\right)\right),\ r = t_{curr} / T_i",
        )
        + r"""
    Without ``warmup_prefix`` the warmup climbs to the schedule's own value at
    ``t = W`` (not to ``b``), as timm's constructor computes it."""
    )

    lb: float = Real(default=-7.0, doc="the tanh argument at a cycle's start")
    ub: float = Real(default=3.0, doc="the tanh argument at a cycle's end")

    def validate(self) -> None:
        super().validate()
        if not self.lb < self.ub:
            raise ValueError(f"{self.name}: lb must be < ub, got lb={self.lb!r}, ub={self.ub!r}")

    def _repeat(self) -> tuple[Family, tuple[Any, ...]]:
        base = self.base_lr
        return timm_tanh_repeat, (self.lr_min, self.lb, self.ub, base, base)

    def _cycle(self, lag: float, length: float, lr_max: float) -> tuple[Family, tuple[Any, ...]]:
        return timm_tanh_cycle, (lag, length, lr_max, self.lr_min, self.lb, self.ub, self.base_lr)

    def _slope_target(self, main: Sequence[Piece]) -> float:
        if self.warmup_prefix:
            return self.base_lr
        return _value_at(main, self.warmup_t)


# ----------------------------------------------------------------------------- stairs


def stair_ratio(owner: str, decay_t: float) -> tuple[int, int, int, int | None]:
    """``(a, b, shift, valid_below)``: timm's float ``t // decay_t`` as integer arithmetic.

    For integers ``t`` Python's ``t // decay_t`` is the exact floor of ``t / d`` for
    the float ``d`` (its exact rational value).  It is ``(t * b - shift) // a`` for a
    short fraction ``a / b`` next to ``d``: ``shift = 0`` when ``d <= a / b``, ``1``
    when ``d > a / b`` (a stair boundary that lands on ``m * a / b`` then moves one
    step later).  Exact for every ``t`` when ``d == a / b`` (integers, halves, ...);
    otherwise for every ``t < valid_below``, computed here (about ``5e15`` for
    ``2.4``).  ``a * b`` stays below ``2**31`` so that 32-bit steps never overflow.
    """
    exact = Fraction(decay_t)
    best: tuple[int, int, int, int | None] | None = None
    bound = 1
    while True:
        approx = exact.limit_denominator(bound)
        a, b = approx.numerator, approx.denominator
        if a * b > 2**31 - 1:
            break
        error = exact - approx
        if error == 0:
            return a, b, 0, None
        stairs = math.ceil(1 / (b * abs(error))) - 1  # stairs m below 1 / (b |error|) agree
        valid = math.floor(stairs * min(exact, approx))
        if best is None or best[3] is None or valid > best[3]:
            best = (a, b, 1 if error > 0 else 0, valid)
        if valid >= LAST_STEP or bound > 2**31:
            break
        bound *= 2
    if best is None or best[3] is None or best[3] < 10**9:
        raise ValueError(
            f"{owner}: decay_t={decay_t!r} has no short fraction that reproduces timm's "
            "float t // decay_t for a billion steps"
        )
    return best


class TimmStep(Schedule, name="timm_step"):
    r"""timm's ``StepLRScheduler``: a warmup, then ``decay_rate`` every ``decay_t``.

    With ``b = base_lr``, ``W = warmup_t`` and ``t' = t - W`` (``warmup_prefix``,
    timm's default here) or ``t' = t``:

    .. math::
        b\,f(t) = \begin{cases}
            l_w + t\,(b - l_w) / W & t < W \\
            b \cdot \text{decay\_rate}^{\,t' /\!/ \text{decay\_t}} & t \ge W
        \end{cases}

    ``//`` is Python's float floor division when ``decay_t`` is a float (timm's
    ``--decay-epochs 2.4``): computed in integers as ``(t' b - s) // a`` for a short
    fraction ``a / b`` (see :func:`stair_ratio`), exact on every backend; for a
    ``decay_t`` that is not a short binary fraction (2.4 is not), exact below
    :attr:`valid_below` (about ``5e15`` steps for 2.4).  ``f(0) = warmup_lr_init / b``
    with a warmup, else 1.  It decays forever (a ``decay_rate > 1`` grows and
    saturates to ``inf`` where timm's float power raises ``OverflowError``).
    """

    base_lr: float = Real(above=0.0, doc="the group's initial lr (timm's base_values[g])")
    decay_t: float = Real(above=0.0, doc="steps per stair (a float is allowed)")
    decay_rate: float = Real(minimum=0.0, default=1.0, doc="the decay per stair")
    warmup_t: int = Int(minimum=0, default=0, doc="W, steps of the linear warmup")
    warmup_lr_init: float = Real(minimum=0.0, default=0.0, doc="the warmup's first lr")
    warmup_prefix: bool = Bool(default=True, doc="restart t at 0 after the warmup")

    @property
    def valid_below(self) -> int | None:
        """The step below which the stairs are timm's exactly (``None``: every step)."""
        return stair_ratio(self.name, self.decay_t)[3]

    def build(self) -> list[Piece]:
        a, b, shift, _ = stair_ratio(self.name, self.decay_t)
        if shift == 0 and b == 1:
            # An integer decay_t: the exact check below is trivial.
            pass
        else:
            for t in range(min(50 * a, 20_000)):
                n = max((t * b - shift) // a, 0)
                if n != t // self.decay_t:  # pragma: no cover - the fraction is exact
                    raise ValueError(
                        f"{self.name}: decay_t={self.decay_t!r}: stair {n} at t={t} differs "
                        "from timm's"
                    )
        base = self.base_lr
        stairs = Piece(0, timm_stairs, (0, a, b, shift, self.decay_rate, base, base))
        slope = (base - self.warmup_lr_init) / self.warmup_t if self.warmup_t else 0.0
        return _warmup_then(
            [stairs],
            warmup_t=self.warmup_t,
            warmup_prefix=self.warmup_prefix,
            warmup_lr_init=self.warmup_lr_init,
            slope=slope,
            base=base,
        )


def _milestones(owner: str, field: str, value: Any) -> tuple[int, ...]:
    return _config.integers(owner, field, value, minimum=0, increasing="weak")


class TimmMultiStep(Schedule, name="timm_multistep"):
    r"""timm's ``MultiStepLRScheduler``: a warmup, then ``decay_rate`` at each milestone.

    With ``b = base_lr``, ``W = warmup_t`` and ``t' = t - W`` (``warmup_prefix``,
    timm's default here) or ``t' = t``:

    .. math::
        b\,f(t) = \begin{cases}
            l_w + t\,(b - l_w) / W & t < W \\
            b \cdot \text{decay\_rate}^{\#\{m \in \text{decay\_t} : m \le t' + 1\}} & t \ge W
        \end{cases}

    Note timm's ``t' + 1``: a milestone ``m`` applies from ``t' = m - 1``, one step
    earlier than torch's ``MultiStepLR`` (timm keeps this on purpose).  Milestones
    must not decrease (timm's ``bisect`` assumes it); a repeated one counts twice.
    ``f(0) = warmup_lr_init / b`` with a warmup, else 1 (``decay_rate`` if a
    milestone is ``<= 1``).  Past the last milestone the last stair holds.
    """

    base_lr: float = Real(above=0.0, doc="the group's initial lr (timm's base_values[g])")
    decay_t: Sequence[int] = Custom(_milestones, doc="milestones, non-decreasing")
    decay_rate: float = Real(minimum=0.0, default=1.0, doc="the decay per milestone")
    warmup_t: int = Int(minimum=0, default=0, doc="W, steps of the linear warmup")
    warmup_lr_init: float = Real(minimum=0.0, default=0.0, doc="the warmup's first lr")
    warmup_prefix: bool = Bool(default=True, doc="restart t at 0 after the warmup")

    def validate(self) -> None:
        if not math.isfinite(xp_pow(_scalar_math, self.decay_rate, len(self.decay_t))):
            raise ValueError(
                f"{self.name}: decay_rate ** len(decay_t) overflows "
                f"(decay_rate={self.decay_rate!r}, {len(self.decay_t)} milestones)"
            )

    def build(self) -> list[Piece]:
        base, rate = self.base_lr, self.decay_rate
        starts = sorted({max(m - 1, 0) for m in self.decay_t} | {0})
        pieces = []
        for start in starts:
            count = sum(1 for m in self.decay_t if m <= start + 1)
            pieces.append(Piece(start, timm_level, (start, base * rate**count, base)))
        slope = (base - self.warmup_lr_init) / self.warmup_t if self.warmup_t else 0.0
        return _warmup_then(
            pieces,
            warmup_t=self.warmup_t,
            warmup_prefix=self.warmup_prefix,
            warmup_lr_init=self.warmup_lr_init,
            slope=slope,
            base=base,
        )


TIMM_SCHEDULES: dict[str, Callable[..., Schedule]] = {
    "CosineLRScheduler": TimmCosine,
    "PolyLRScheduler": TimmPoly,
    "TanhLRScheduler": TimmTanh,
    "StepLRScheduler": TimmStep,
    "MultiStepLRScheduler": TimmMultiStep,
}
"""timm's class name -> the lrcore schedule that reproduces it."""
