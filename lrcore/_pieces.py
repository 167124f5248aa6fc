"""The piece table: every schedule is a table of pieces, evaluated by one search.

A schedule is a sorted table of pieces ``(start, family, params)``: from ``start``
on (until the next piece) the factor is ``family.fn(step - start, xp, *params)``.
A *family* is a formula shape written once, as a function of the local step
``t``, the math namespace ``xp`` and its numeric parameters; the pieces of a
schedule share families and differ only in their parameters (the 1,000 stairs of
a ``multistep`` are 1,000 pieces of one ``constant`` family).

Evaluation costs what the number of *families* costs, not the number of pieces:

* a Python ``int`` step (or a NumPy integer scalar) finds its piece with
  ``bisect`` and evaluates that one formula with :mod:`lrcore._scalar_math`;
* an integer array finds each step's piece with ``searchsorted``, gathers the
  per-piece parameters with ``take``, and evaluates each family once over the
  whole array, selecting with ``where``.  Tables whose families each own a
  single piece (a warmup then a cosine) skip the search: every piece is
  evaluated on the clamped local step and ``where`` keeps the active one.

Families branch only on their configuration and on the step's *type* (the
dtype, which is static under ``jax.jit``), never on its value.  Nothing here
imports a framework: the namespace comes from the steps' ``__array_namespace__``.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, overload

from lrcore import _scalar_math

FamilyFn = Callable[..., Any]
"""``fn(t, xp, *params) -> factor``: ``t`` is the step local to its piece (>= 0)."""


class Family:
    """A formula shape: ``fn(t, xp, *params)``, with ``arity`` numeric parameters.

    Families compare by identity: two pieces share a family exactly when they
    were made from the same :class:`Family` object (composite families are cached
    by their parts, so equal compositions are one object).
    """

    __slots__ = ("arity", "fn", "name", "period")

    def __init__(
        self, fn: FamilyFn, name: str, arity: int, period: Callable[..., Any] | None = None
    ) -> None:
        self.fn = fn
        self.name = name
        self.arity = arity
        # ``period(*params)``: the formula repeats every that many steps (see ``periodic``).
        self.period = period

    def __repr__(self) -> str:
        return f"<family {self.name}/{self.arity}>"


@overload
def family(fn: FamilyFn, *, period: Callable[..., Any] | None = None) -> Family: ...


@overload
def family(
    fn: None = None, *, period: Callable[..., Any] | None = None
) -> Callable[[FamilyFn], Family]: ...


def family(
    fn: FamilyFn | None = None, *, period: Callable[..., Any] | None = None
) -> Family | Callable[[FamilyFn], Family]:
    """Decorator: a module-level formula ``fn(t, xp, *params)`` as a :class:`Family`.

    ``@family(period=lambda *params: ...)`` declares a formula that repeats every
    ``period(*params)`` steps, so that compositions which rescale time (a
    continuous ``per_iteration``) can reduce integer steps before dividing them.
    """

    def make(fn: FamilyFn) -> Family:
        arity = fn.__code__.co_argcount - 2  # t and xp come first
        return Family(fn, fn.__name__, arity, period)

    return make if fn is None else make(fn)


Param = float | int
"""A piece's parameter: floats, or ints where the formula needs integer arithmetic."""


class Piece(NamedTuple):
    """``family.fn(step - start, xp, *params)`` holds from ``start`` to the next piece."""

    start: int
    family: Family
    params: tuple[Param, ...] = ()

    def __call__(self, t: Any, xp: Any = _scalar_math) -> Any:
        """This piece's formula at local step ``t``."""
        return self.family.fn(t, xp, *self.params)


def normalise(pieces: Sequence[Piece]) -> tuple[Piece, ...]:
    """Drop pieces that never hold (a later piece with the same start wins); check order."""
    kept: list[Piece] = []
    for piece in pieces:
        if len(piece.params) != piece.family.arity:
            raise ValueError(
                f"{piece.family!r} takes {piece.family.arity} parameters, got {piece.params!r}"
            )
        if kept and piece.start == kept[-1].start:
            kept[-1] = piece
        elif kept and piece.start < kept[-1].start:
            raise ValueError(f"piece starts must increase, got {[p.start for p in pieces]}")
        else:
            kept.append(piece)
    if not kept or kept[0].start != 0:
        raise ValueError(f"the first piece must start at step 0, got {[p.start for p in pieces]}")
    return tuple(kept)


class Table:
    """A normalised piece table and its precomputed evaluation layouts."""

    __slots__ = ("_layouts", "first", "last", "pieces", "second_start", "starts")

    def __init__(self, pieces: Sequence[Piece]) -> None:
        self.pieces = normalise(pieces)
        self.starts = [piece.start for piece in self.pieces]
        self.first = self.pieces[0]
        self.last = self.pieces[-1]
        self.second_start = self.starts[1] if len(self.starts) > 1 else self.last.start
        self._layouts: dict[int, _Layout] = {}

    def scalar(self, step: int) -> float:
        """The factor at a non-negative Python int ``step``."""
        index = bisect.bisect_right(self.starts, step) - 1
        piece = self.pieces[index]
        return piece.family.fn(step - piece.start, _scalar_math, *piece.params)  # type: ignore[no-any-return]

    def layout(self, largest: int) -> _Layout:
        """The layout for steps of a dtype whose largest value is ``largest``.

        Pieces starting beyond it are never reached by such steps; leaving them out
        also keeps their (too large) starts out of the steps' integer arithmetic.
        """
        count = bisect.bisect_right(self.starts, largest)
        layout = self._layouts.get(count)
        if layout is None:
            layout = self._layouts[count] = _Layout(self.pieces[:count])
        return layout


class _Layout:
    """How to evaluate a run of pieces on arrays: by family, with gathered parameters."""

    def __init__(self, pieces: Sequence[Piece]) -> None:
        self.pieces = tuple(pieces)
        self.starts = [piece.start for piece in pieces]
        families: dict[Family, list[int]] = {}
        for index, piece in enumerate(pieces):
            families.setdefault(piece.family, []).append(index)
        self.families = list(families.items())
        # With one piece per family, evaluating every piece costs no more than the
        # search would: select by start with ``where`` (cheapest for short tables).
        self.direct = len(self.families) == len(pieces)
        self.family_of_piece = [0] * len(pieces)
        for number, (_, members) in enumerate(self.families):
            for index in members:
                self.family_of_piece[index] = number
        # Per family and parameter slot: a Python scalar when every member agrees
        # (no gather needed), else the per-piece column (other families' rows hold
        # a member's value, so their masked-out evaluations stay finite).
        self.columns: list[list[Param | list[Param]]] = []
        for fam, members in self.families:
            slots: list[Param | list[Param]] = []
            for slot in range(fam.arity):
                values = [pieces[index].params[slot] for index in members]
                if all(value == values[0] and type(value) is type(values[0]) for value in values):
                    slots.append(values[0])
                else:
                    column = [values[0]] * len(pieces)
                    for index, value in zip(members, values, strict=True):
                        column[index] = value
                    slots.append(column)
            self.columns.append(slots)
        self._arrays: dict[tuple[int, Any], Any] = {}

    def evaluate(self, steps: Any, xp: Any) -> Any:
        if self.direct:
            return self._evaluate_direct(steps, xp)
        return self._evaluate_search(steps, xp)

    def _evaluate_direct(self, steps: Any, xp: Any) -> Any:
        # Each formula sees max(steps - start, 0): never a step before its piece
        # (where e.g. a growth ``gamma ** t`` could overflow), selected values unchanged.
        first = self.pieces[0]
        factors = first.family.fn(steps, xp, *first.params)
        for piece in self.pieces[1:]:
            reached = steps >= piece.start
            # ``where`` rather than ``maximum``: unsigned steps before the start wrap.
            local = xp.where(reached, steps - piece.start, 0)
            value = piece.family.fn(local, xp, *piece.params)
            factors = xp.where(reached, value, factors)
        return factors

    def _evaluate_search(self, steps: Any, xp: Any) -> Any:
        arrays = self._as_arrays(xp, steps.dtype)
        index = xp.searchsorted(arrays["starts"], steps, side="right") - 1
        local = steps - xp.take(arrays["starts"], index)
        family_index = xp.take(arrays["family"], index) if len(self.families) > 1 else None
        factors: Any = None
        for number, (fam, _) in enumerate(self.families):
            params = [
                xp.take(column, index) if hasattr(column, "shape") else column
                for column in arrays["columns"][number]
            ]
            value = fam.fn(local, xp, *params)
            factors = value if factors is None else xp.where(family_index == number, value, factors)
        return factors

    def _as_arrays(self, xp: Any, dtype: Any) -> dict[str, Any]:
        key = (id(xp), dtype)
        cached = self._arrays.get(key)
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        largest = xp.iinfo(dtype).max

        def column_array(column: Param | list[Param]) -> Any:
            if not isinstance(column, list):
                return column
            if all(isinstance(value, int) for value in column) and all(
                abs(value) <= largest for value in column
            ):
                return xp.asarray(column, dtype=dtype)
            return xp.asarray([float(value) for value in column])

        arrays = {
            "starts": xp.asarray(self.starts, dtype=dtype),
            "family": xp.asarray(self.family_of_piece, dtype=dtype),
            "columns": [[column_array(column) for column in slots] for slots in self.columns],
        }
        # Concrete arrays are reused; JAX builds constants inside each trace anyway.
        if type(arrays["starts"]).__module__.startswith("numpy"):
            self._arrays[key] = arrays
        return arrays


def periodic(t: Any, period: int) -> Any:
    """``t`` reduced modulo ``period`` when it is a 32-bit (or narrower) integer array.

    For formulas that repeat every ``period`` steps (a cosine past its end): float32
    cannot hold the phase of a giant step, so 32-bit steps are reduced in integers
    first.  Python ints and 64-bit steps compute in float64 and skip the (costly)
    integer modulo.  Branches on the dtype only, which is static under ``jax.jit``.
    """
    dtype = getattr(t, "dtype", None)
    if dtype is not None and dtype.kind in "iu" and dtype.itemsize < 8:
        if isinstance(period, int) and period > 2**31 - 1:
            return t  # never completes a period within these steps
        return t % period
    return t


def evaluate_array(table: Table, steps: Any, xp: Any) -> Any:
    """The factors at an array of non-negative integer ``steps`` (same shape)."""
    largest = int(xp.iinfo(steps.dtype).max)
    factors = table.layout(largest).evaluate(steps, xp)
    if not hasattr(factors, "shape") or factors.shape != steps.shape:
        # Every selected formula was a constant: broadcast it to the shape of the steps.
        factors = factors + xp.zeros(steps.shape)
    return factors
