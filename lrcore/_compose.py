"""Composition as data: ``join``, ``product`` and ``per_iteration`` over piece tables.

Each works on the pieces of its inner schedules, so a composite is again a
piece table -- evaluated as fast as a primitive, serialised as nested configs.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import Any

from lrcore import _config, _families
from lrcore._config import Bool, Custom, Int
from lrcore._pieces import Family, Piece, family, periodic
from lrcore._schedule import Nested, NestedList, Schedule

# Composite families are cached by their parts, so that equal compositions share
# one family object and the evaluator groups their pieces together.
_COMPOSITES: dict[tuple[Any, ...], Family] = {}

# Families whose formula is constant within a piece, or changes only at integer local
# steps (staircases): on the last epoch of such a piece a continuous view holds the
# piece's value, so that the stairs of ``multistep`` stay stairs, like ``step``'s.
_STAIRS: set[Family] = {
    _families.constant,
    _families.staircase_exponential,
    _families.staircase_linear,
}


def declare_stairs(fam: Family) -> Family:
    """Declare that ``fam``'s formula changes only at integer local steps (a staircase).

    A continuous ``per_iteration`` then holds such a piece's value through its last
    epoch rather than interpolating towards the next piece.
    """
    _STAIRS.add(fam)
    return fam


@family
def _epoch_end(t: Any, xp: Any, value: float, change: float, steps_per_epoch: int) -> Any:
    """The last epoch of a piece, seen continuously: ``value + change * (t + 1) / B``.

    The piece starts at iteration ``(e - 1) B + 1``, so ``(t + 1) / B`` is the fraction of
    the epoch ``e - 1 .. e`` elapsed; ``change`` is ``g(e) - g(e - 1)``, or 0 to hold.
    """
    return value + change * ((t + 1) / steps_per_epoch)


def product_family(families: Sequence[Family]) -> Family:
    """``prod_j f_j(t + offset_j)``, with params ``(offset_1, *p_1, offset_2, *p_2, ...)``."""
    key = ("product", *families)
    cached = _COMPOSITES.get(key)
    if cached is not None:
        return cached
    parts = [(fam.fn, fam.arity) for fam in families]

    def product(t: Any, xp: Any, *params: Any) -> Any:
        value: Any = 1.0
        position = 0
        for fn, arity in parts:
            offset = params[position]
            local = t if isinstance(offset, int) and offset == 0 else t + offset
            factor = fn(local, xp, *params[position + 1 : position + 1 + arity])
            # A factor of 0 makes the product 0, even where another factor has grown
            # past float range (0 * inf would be nan).
            value = xp.where(value == 0, 0.0, value * factor)
            position += 1 + arity
        return value

    name = "*".join(fam.name for fam in families)
    result = _COMPOSITES[key] = Family(product, f"({name})", sum(1 + f.arity for f in families))
    if all(fam in _STAIRS for fam in families):
        _STAIRS.add(result)
    return result


def epoch_family(inner: Family, staircase: bool) -> Family:
    """``inner(t // B)`` (staircase) or ``inner(t / B)``, with params ``(B, *inner_params)``."""
    key = ("epoch", inner, staircase)
    cached = _COMPOSITES.get(key)
    if cached is not None:
        return cached
    fn = inner.fn
    if staircase:

        def per_epoch(t: Any, xp: Any, steps_per_epoch: int, *params: Any) -> Any:
            return fn(t // steps_per_epoch, xp, *params)

    elif inner.period is None:

        def per_epoch(t: Any, xp: Any, steps_per_epoch: int, *params: Any) -> Any:
            return fn(t / steps_per_epoch, xp, *params)

    else:
        inner_period = inner.period

        def per_epoch(t: Any, xp: Any, steps_per_epoch: int, *params: Any) -> Any:
            # Reduce 32-bit iterations in integers first: the fractional epoch of a
            # giant step is lost in float32 once divided.
            t = periodic(t, steps_per_epoch * inner_period(*params))
            return fn(t / steps_per_epoch, xp, *params)

    kind = "//" if staircase else "/"
    period = None
    if inner.period is not None:
        inner_period = inner.period

        def period(steps_per_epoch: int, *params: Any) -> Any:
            return steps_per_epoch * inner_period(*params)

    name = f"{inner.name}(t{kind}B)"
    result = _COMPOSITES[key] = Family(per_epoch, name, 1 + inner.arity, period)
    if inner in _STAIRS or staircase:
        _STAIRS.add(result)
    return result


def join_pieces(tables: Sequence[Sequence[Piece]], boundaries: Sequence[int]) -> list[Piece]:
    """Schedule ``i`` from ``boundaries[i - 1]`` on, restarted at its own step 0 there."""
    starts = (0, *boundaries)
    ends = (*boundaries, None)
    pieces: list[Piece] = []
    for table, start, end in zip(tables, starts, ends, strict=True):
        for piece in table:
            begin = start + piece.start
            if end is not None and begin >= end:
                break
            pieces.append(piece._replace(start=begin))
    return pieces


def product_pieces(tables: Sequence[Sequence[Piece]]) -> list[Piece]:
    """The pointwise product: one piece per run where every factor keeps its piece."""
    starts = sorted({piece.start for table in tables for piece in table})
    pieces: list[Piece] = []
    for start in starts:
        active = [
            table[bisect.bisect_right([p.start for p in table], start) - 1] for table in tables
        ]
        params: list[Any] = []
        for piece in active:
            params += [start - piece.start, *piece.params]
        pieces.append(Piece(start, product_family([p.family for p in active]), tuple(params)))
    return pieces


def _boundaries(owner: str, field: str, value: Any) -> tuple[int, ...]:
    return _config.integers(owner, field, value, minimum=1, increasing="strict")


class Join(Schedule, name="join"):
    r"""Schedules one after another: ``schedules[i]`` from ``boundaries[i - 1]`` on.

    .. math::
        f(t) = g_i(t - b_{i-1}) \quad\text{for } b_{i-1} \le t < b_i
        \qquad (b_{-1} = 0)

    Each schedule restarts at its own step 0 at its boundary: optax's
    ``join_schedules`` and torch's ``SequentialLR``.  ``f(0) = g_0(0)``; past the
    last boundary the last schedule runs on (and past its own end, as it does).
    """

    schedules: Sequence[Schedule] = NestedList(doc="the schedules, in order")
    boundaries: Sequence[int] = Custom(_boundaries, doc="steps where the next one starts")

    def validate(self) -> None:
        if not self.schedules:
            raise ValueError("join: schedules must not be empty")
        if len(self.boundaries) != len(self.schedules) - 1:
            raise ValueError(
                f"join: needs len(schedules) - 1 = {len(self.schedules) - 1} boundaries, "
                f"got boundaries={list(self.boundaries)!r}"
            )

    def build(self) -> list[Piece]:
        return join_pieces([s.pieces for s in self.schedules], self.boundaries)


class Product(Schedule, name="product"):
    r"""The factors of several schedules multiplied: torch's ``ChainedScheduler``.

    .. math:: f(t) = \prod_j g_j(t)

    ``f(0) = prod g_j(0)``; past every end, the product of what each does there.
    """

    schedules: Sequence[Schedule] = NestedList(doc="the factors")

    def validate(self) -> None:
        if not self.schedules:
            raise ValueError("product: schedules must not be empty")

    def build(self) -> Schedule | list[Piece]:
        if len(self.schedules) == 1:
            return self.schedules[0]
        return product_pieces([s.pieces for s in self.schedules])


class PerIteration(Schedule, name="per_iteration"):
    r"""An epoch-indexed ``schedule`` driven by a per-iteration step counter.

    With ``B = steps_per_epoch``, ``g`` the inner schedule (a Schedule or its config)
    and ``x = it / B`` the (fractional) epoch:

    .. math::
        f(it) = \begin{cases}
            g(\lfloor x \rfloor) & \text{staircase} \\
            g_k(x) & \text{continuous, } s_k \le x \le e_k - 1 \\
            g(e_k - 1) + (g(e_k) - g(e_k - 1))\,(x - e_k + 1)
                & \text{continuous, } e_k - 1 < x < e_k
        \end{cases}

    ``staircase=True`` (the default) changes the factor only at epoch boundaries:
    stepping this schedule once per iteration gives exactly the lr of stepping ``g``
    once per epoch, so ``step_size``, ``T_max``, milestones and warmup lengths of
    ``g`` keep counting epochs.  ``f(0) = g(0)``; past ``g``'s end, ``g``'s behaviour,
    stretched by ``B``.

    ``staircase=False`` is continuous: ``g`` uses piece ``k`` (formula ``g_k``) at the
    integer epochs ``s_k .. e_k - 1``, and the view evaluates ``g_k`` at the fractional
    epochs of that interval, ``s_k <= x <= e_k - 1`` -- never outside it.  Within the
    last fraction of an epoch before the next piece, ``e_k - 1 < x < e_k``, the view
    goes linearly from ``g(e_k - 1)`` to ``g(e_k)``; or, when ``g_k`` is a stair (a
    constant piece of ``multistep``, ``piecewise_constant``, ``yolox_step``, or a
    staircase formula), it holds ``g(e_k - 1)`` until the jump at ``e_k``.  So

    * at every integer epoch the view equals ``g`` (``f(nB) = g(n)``);
    * a schedule that is one formula -- ``cosine_annealing``, ``exponential``,
      ``cosine``, ``linear``, ``polynomial``, ``step``, the last piece of any schedule --
      is ``g(it / B)`` exactly, as smooth as its formula (``step`` and ``stairs`` floor
      the epoch and stay staircases);
    * between a piece and the next the view stays between ``g(e - 1)`` and ``g(e)``
      and is continuous, except at the jumps of ``g``'s stairs: no formula is
      extrapolated past the point where ``g`` leaves it (YOLOX's warm-up parabola,
      which the source uses only up to ``i <= W``, is not pushed past its peak);
    * a warm-up ramp into a schedule that starts where the ramp ends
      (``warmup``, ``warmup_linear``) is the same straight line as before;
    * restarts made of pieces (``cosine_restarts`` with ``T_mult > 1``, ``sgdr``,
      joins) climb to the restart value during the last epoch of each cycle instead
      of jumping; a restart that is one periodic formula (``cosine_restarts`` with
      ``T_mult = 1``) is evaluated as that formula and jumps.

    Built from ``g``'s pieces as data: a piece of ``g`` starting at epoch ``s`` starts
    at iteration ``s * B`` and its formula sees the local epoch (``t // B``, or ``t / B``
    -- a float -- when continuous); the last epoch of each piece but the last is one
    more piece of a single shared family, from iteration ``(e - 1) B + 1`` to ``e B``.
    """

    schedule: Schedule = Nested(doc="the schedule, in epochs")
    steps_per_epoch: int = Int(minimum=1, doc="iterations per epoch")
    staircase: bool = Bool(default=True, doc="hold each epoch's value (else interpolate)")

    def build(self) -> list[Piece]:
        per_epoch = self.steps_per_epoch
        inner = self.schedule
        table = inner.pieces
        pieces: list[Piece] = []
        for index, piece in enumerate(table):
            fam = epoch_family(piece.family, self.staircase)
            pieces.append(Piece(piece.start * per_epoch, fam, (per_epoch, *piece.params)))
            if self.staircase or per_epoch == 1 or index + 1 == len(table):
                continue
            end = table[index + 1].start
            before, after = float(inner(end - 1)), float(inner(end))
            change = 0.0 if piece.family in _STAIRS else after - before
            pieces.append(Piece((end - 1) * per_epoch + 1, _epoch_end, (before, change, per_epoch)))
        return pieces
