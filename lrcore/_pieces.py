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
* an integer array finds each step's piece (by comparing it with a few starts,
  by looking it up in a table of buckets -- linear or by powers of two -- for
  many, else with ``searchsorted``), gathers the per-piece parameters with
  ``take``, and evaluates each family once over the whole array, selecting with
  ``where``.  Tables whose families each own a single piece (a warmup then a
  cosine) skip the search: every piece is evaluated on the clamped local step
  and ``where`` keeps the active one.

Families branch only on their configuration and on the step's *type* (the
dtype, which is static under ``jax.jit``), never on its value.  Nothing here
imports a framework: the namespace comes from the steps' ``__array_namespace__``.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import types
from bisect import bisect_right
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

    __slots__ = ("arity", "fn", "name", "period", "scalar_fn")

    def __init__(
        self, fn: FamilyFn, name: str, arity: int, period: Callable[..., Any] | None = None
    ) -> None:
        self.fn = fn
        self.name = name
        self.arity = arity
        # ``period(*params)``: the formula repeats every that many steps (see ``periodic``).
        self.period = period
        # The same formula specialised to Python ints (see ``scalar``), if any.
        self.scalar_fn: FamilyFn | None = None

    def scalar(self, fn: FamilyFn) -> FamilyFn:
        """Decorator: ``fn`` computes this family for Python int steps only.

        For the hot scalar path: a family that must reduce 32-bit array steps (see
        ``periodic``) can skip that test for ints, where it is never needed.
        """
        if fn.__code__.co_argcount != 2 + self.arity:
            raise TypeError(f"{self!r}: the scalar form must take the same parameters")
        self.scalar_fn = fn
        return fn

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


_CO_VARARGS = 0x04  # inspect.CO_VARARGS, without importing inspect


def scalar_form(piece: Piece) -> Callable[[Any, Any], Any]:
    """``piece``'s formula as ``f(t, xp)``, for the scalar path.

    The family's function is copied with the piece's parameters as its argument
    defaults: calling it costs one plain call, where ``fn(t, xp, *params)`` builds
    an argument tuple each time (most of the scalar path's cost).  Functions taking
    ``*params`` (composite families) get a closure instead.
    """
    fn = piece.family.scalar_fn or piece.family.fn
    code = getattr(fn, "__code__", None)
    if (
        code is None
        or code.co_flags & _CO_VARARGS
        or code.co_kwonlyargcount
        or code.co_argcount != 2 + len(piece.params)
    ):
        params = piece.params
        return lambda t, xp: fn(t, xp, *params)
    return types.FunctionType(code, fn.__globals__, fn.__name__, piece.params, fn.__closure__)


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

    __slots__ = ("_layouts", "entries", "first", "last", "pieces", "second_start", "starts")

    def __init__(self, pieces: Sequence[Piece]) -> None:
        self.pieces = normalise(pieces)
        self.starts = [piece.start for piece in self.pieces]
        self.first = self.pieces[0]
        self.last = self.pieces[-1]
        self.second_start = self.starts[1] if len(self.starts) > 1 else self.last.start
        self._layouts: dict[tuple[int, int], _Layout] = {}
        # Plain tuples: unpacking one is cheaper than named-field lookups.
        self.entries = [(piece.start, scalar_form(piece)) for piece in self.pieces]

    def scalar(self, step: int) -> float:
        """The factor at a non-negative Python int ``step``."""
        start, formula = self.entries[bisect_right(self.starts, step) - 1]
        return formula(step - start, _scalar_math)  # type: ignore[no-any-return]

    def layout(self, largest: int) -> _Layout:
        """The layout for steps of a dtype whose largest value is ``largest``.

        Pieces starting beyond it are never reached by such steps; leaving them out
        also keeps their (too large) starts out of the steps' integer arithmetic.
        """
        count = bisect.bisect_right(self.starts, largest)
        layout = self._layouts.get((count, largest))
        if layout is None:
            pieces = [_fit(piece, largest) for piece in self.pieces[:count]]
            layout = self._layouts[(count, largest)] = _Layout(pieces)
        return layout


def _fit(piece: Piece, largest: int) -> Piece:
    """``piece`` with integer parameters beyond the steps' dtype turned into floats.

    A formula's integer constant (a ``step_size`` of 2**40) cannot enter 32-bit
    integer arithmetic: NumPy and JAX raise ``OverflowError``.  As a float it gives
    the same values for every step the dtype holds (``t // 2**40`` is 0 either way).
    """
    if all(not isinstance(p, int) or -largest <= p <= largest for p in piece.params):
        return piece
    params = tuple(
        float(p) if isinstance(p, int) and not -largest <= p <= largest else p for p in piece.params
    )
    return piece._replace(params=params)


# Finding each step's piece.  A binary search (``searchsorted``) costs a branch per
# level and step: with a thousand starts it is most of an evaluation, and far more on
# unsorted steps.  Longer tables instead look the step up in a table of buckets
# (linear: ``step >> shift``; logarithmic: the exponent of ``float(step)``, for
# geometric starts such as warm restarts) holding at most one start each, then make
# one comparison: two gathers, whatever the number of pieces.  A few starts are
# simply compared with every step (JAX fuses the comparisons into one loop).
_COMPARE_MAX_NUMPY = 2
_COMPARE_MAX_OTHER = 16
_LINEAR_BUCKETS_MAX = 1 << 14


class _Plan(NamedTuple):
    """How steps of one dtype find their piece index: which search, with which tables."""

    kind: str  # "compare", "linear", "log" or "search"
    shift: int = 0  # linear: log2 of the bucket width; log: mantissa bits of the float
    last: int = 0  # linear: the last bucket (later steps are clamped into it)
    lo: tuple[int, ...] = ()  # per bucket: the index at its start, less one if no start inside
    nxt: tuple[int, ...] = ()  # per bucket: the start inside it, else 0 (always passed)


def _bucket_entry(starts: Sequence[int], low: int, high: int) -> tuple[int, int] | None:
    """``(lo, nxt)`` for the bucket of steps ``[low, high)``, or None if it holds two starts."""
    at_low = bisect.bisect_right(starts, low) - 1
    inside = bisect.bisect_left(starts, high) - (at_low + 1)
    if inside > 1:
        return None
    if inside == 1:
        return at_low, starts[at_low + 1]
    return at_low - 1, 0


def _linear_plan(starts: Sequence[int]) -> _Plan | None:
    gap = min(b - a for a, b in itertools.pairwise(starts))
    shift = gap.bit_length() - 1  # buckets no wider than the smallest gap: one start each
    last = starts[-1] >> shift
    if last >= _LINEAR_BUCKETS_MAX:
        return None
    lo: list[int] = []
    nxt: list[int] = []
    for bucket in range(last + 1):
        entry = _bucket_entry(starts, bucket << shift, (bucket + 1) << shift)
        if entry is None:  # pragma: no cover - buckets are no wider than the smallest gap
            return None
        lo.append(entry[0])
        nxt.append(entry[1])
    return _Plan("linear", shift, last, tuple(lo), tuple(nxt))


def _log_plan(starts: Sequence[int], mantissa: int, bias: int) -> _Plan | None:
    """Buckets ``[2**e, 2**(e + 1))`` indexed by the biased exponent bits of ``float(step)``.

    A step just below a power of two can round up to it in the float; that only
    misplaces it if a start lies between the step and the power of two.
    """
    for start in starts[1:]:
        power = 1 << (start - 1).bit_length()  # the smallest power of two >= start
        exponent = power.bit_length() - 2  # of the bucket just below ``power``
        if exponent - mantissa - 1 >= 0 and power - start + 1 <= 1 << (exponent - mantissa - 1):
            return None
    lo = [-1] * (bias + 65)  # exponent fields 1 .. bias - 1 (fractions) never occur
    nxt = [0] * (bias + 65)
    for exponent in range(65):
        entry = _bucket_entry(starts, 1 << exponent, 2 << exponent)
        if entry is None:
            return None
        lo[bias + exponent], nxt[bias + exponent] = entry
    return _Plan("log", mantissa, 0, tuple(lo), tuple(nxt))


def _plan(starts: Sequence[int], namespace: str, itemsize: int) -> _Plan:
    count = len(starts) - 1  # starts[0] == 0 holds every step
    if count <= (_COMPARE_MAX_NUMPY if namespace == "numpy" else _COMPARE_MAX_OTHER):
        return _Plan("compare")
    plan = _linear_plan(starts)
    if plan is None and namespace in ("numpy", "jax.numpy"):  # arrays with ``.view``
        # NumPy converts any steps to float64; JAX converts int32 steps to float32.
        wide = namespace == "numpy" or itemsize == 8
        plan = _log_plan(starts, 52, 1023) if wide else _log_plan(starts, 23, 127)
    return _Plan("search") if plan is None else plan


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
        self._plans: dict[tuple[str, int], _Plan] = {}
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
        take = arrays["take"]
        index = self._index(steps, xp, arrays)
        local = steps - take(arrays["starts"], index)
        family_index = take(arrays["family"], index) if len(self.families) > 1 else None
        factors: Any = None
        for number, (fam, _) in enumerate(self.families):
            params = [
                take(column, index) if hasattr(column, "shape") else column
                for column in arrays["columns"][number]
            ]
            value = fam.fn(local, xp, *params)
            factors = value if factors is None else xp.where(family_index == number, value, factors)
        return factors

    def _index(self, steps: Any, xp: Any, arrays: dict[str, Any]) -> Any:
        """The index of each step's piece: the number of starts after the first <= the step."""
        plan: _Plan = arrays["plan"]
        if plan.kind == "compare":
            index = xp.astype(steps >= self.starts[1], steps.dtype)
            for start in self.starts[2:]:
                index = index + (steps >= start)
            return index
        if plan.kind == "search":
            if arrays["namespace"] == "jax.numpy":
                # The default "scan" runs one loop per level; unrolled, XLA fuses the levels.
                return xp.searchsorted(arrays["tail"], steps, side="right", method="scan_unrolled")
            return xp.searchsorted(arrays["tail"], steps, side="right")
        if plan.kind == "linear":
            bucket = xp.minimum(steps >> plan.shift, plan.last)
        else:
            wide = plan.shift == 52
            floats = xp.astype(steps, xp.float64 if wide else xp.float32)
            bucket = floats.view(xp.int64 if wide else xp.int32) >> plan.shift
        take = arrays["take"]
        return take(arrays["lo"], bucket) + (steps >= take(arrays["nxt"], bucket))

    def _as_arrays(self, xp: Any, dtype: Any) -> dict[str, Any]:
        key = (id(xp), dtype)
        cached = self._arrays.get(key)
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        largest = xp.iinfo(dtype).max
        namespace = getattr(xp, "__name__", "")
        plan_key = (namespace, dtype.itemsize)
        plan = self._plans.get(plan_key)
        if plan is None:
            plan = self._plans[plan_key] = _plan(self.starts, namespace, dtype.itemsize)

        def column_array(column: Param | list[Param]) -> Any:
            if not isinstance(column, list):
                return column
            if all(isinstance(value, int) for value in column) and all(
                abs(value) <= largest for value in column
            ):
                return xp.asarray(column, dtype=dtype)
            return xp.asarray([float(value) for value in column])

        take = xp.take
        if namespace in ("numpy", "jax.numpy"):
            # Every index is in range: "clip" spares JAX the masking of its default "fill".
            take = functools.partial(xp.take, mode="clip")
        arrays = {
            "namespace": namespace,
            "take": take,
            "plan": plan,
            "starts": xp.asarray(self.starts, dtype=dtype),
            "family": xp.asarray(self.family_of_piece, dtype=dtype),
            "columns": [[column_array(column) for column in slots] for slots in self.columns],
        }
        if plan.kind == "search":
            arrays["tail"] = xp.asarray(self.starts[1:], dtype=dtype)
        elif plan.kind != "compare":
            # Signed even for unsigned steps (JAX keeps uint32): ``lo`` holds -1.
            signed = xp.isdtype(dtype, "signed integer")
            arrays["lo"] = xp.asarray(plan.lo, dtype=dtype if signed else xp.int32)
            arrays["nxt"] = xp.asarray(plan.nxt, dtype=dtype)
        # Concrete arrays are reused; JAX builds constants inside each trace anyway.
        if namespace == "numpy":
            self._arrays[key] = arrays
        return arrays


def periodic(t: Any, period: Any) -> Any:
    """``t`` reduced modulo ``period``, for formulas that repeat every ``period`` steps.

    The phase of a giant step is then computed exactly (in float64, ``angular * t``
    for ``t`` near 2**31 is already 1e-7 off; float32 cannot hold it at all), and
    every path -- Python ints, NumPy, JAX -- computes the same reduced phase.

    * 32-bit (or narrower) integer arrays -- JAX's default: always reduced, in integers.
    * 64-bit NumPy arrays: reduced only when some step reaches a period, since the
      integer modulo costs ~3 ms per 10**6 steps (a whole-array ``max`` is ~0.3 ms).
    * other 64-bit arrays (JAX with x64, traced): always reduced.
    * Python ints: reduced (cheap); floats (a continuous ``per_iteration``) are left alone.

    Branches on the dtype (static under ``jax.jit``) and, for concrete NumPy arrays
    only, on their largest value -- never on a traced value.
    """
    if t.__class__ is int:
        return t % period
    dtype = getattr(t, "dtype", None)
    if dtype is None or dtype.kind not in "iu":
        return t
    if dtype.itemsize < 8:
        if isinstance(period, int) and period > 2**31 - 1:
            return t  # never completes a period within these steps
        return t % period
    if type(t).__module__ == "numpy" and t.size and not bool((t >= period).any()):
        return t
    return t % period


def evaluate_array(table: Table, steps: Any, xp: Any) -> Any:
    """The factors at an array of non-negative integer ``steps`` (same shape)."""
    largest = int(xp.iinfo(steps.dtype).max)
    factors = table.layout(largest).evaluate(steps, xp)
    if not hasattr(factors, "shape") or factors.shape != steps.shape:
        # Every selected formula was a constant: broadcast it to the shape of the steps.
        factors = factors + xp.zeros(steps.shape)
    return factors
