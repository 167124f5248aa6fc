"""YOLOX-style schedules of ``get_lr_scheduler``: warm cosine and step decay.

The source (the ``get_lr_scheduler`` of the YOLOX-derived training scripts,
``yolox_warm_cos_lr`` and ``step_lr``) returns *absolute* learning rates
``lr_fn(iters)``; these schedules return the factor ``f`` with
``lr * f(i) == lr_fn(i)`` (to rounding), so ``base_lr = lr`` in every adapter.

The source branches on floats (a warmup of ``2.5`` iterations, a staircase of
width ``total_iters / step_num``).  The integer steps at which its branches
change are found when the schedule is built, with the very float comparisons
and float floor divisions the source makes, so the phases agree with it at
every integer step -- and run unchanged on ints, NumPy arrays and under
``jax.jit``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from lrcore import _families
from lrcore._compose import declare_stairs
from lrcore._config import Int, Real
from lrcore._pieces import Piece, family
from lrcore._schedule import Schedule


def _clamp(value: float, low: float, high: float) -> float:
    """The source's ``min(max(value, low), high)``, as a float."""
    return float(min(max(value, low), high))


@family
def _yolox_warm(t: Any, xp: Any, rise: float, warmup: float, start: float, lr: float) -> Any:
    return (rise * (t / warmup) ** 2 + start) / lr


@family
def _yolox_cosine(
    t: Any, xp: Any, min_lr: float, half: float, offset: float, length: float, lr: float
) -> Any:
    return (min_lr + half * (1.0 + xp.cos(math.pi * (t + offset) / length))) / lr


class YoloxWarmCos(Schedule, name="yolox_warm_cos"):
    r"""YOLOX warm cosine (``yolox_warm_cos_lr``) as a factor of ``lr``.

    With ``T = total_iters``, ``m = min_lr`` and the source's derived settings

    * ``W = min(max(warmup_iters_ratio * T, 1), 3)`` (a float: 2.5 is possible),
    * ``s = max(warmup_lr_ratio * lr, 1e-6)`` (the warmup start),
    * ``N = min(max(no_aug_iter_ratio * T, 1), 15)`` (the final flat stretch),

    the learning rate at step ``i`` is

    .. math::
        \text{lr}\,f(i) = \begin{cases}
            (\text{lr} - s)\,(i / W)^2 + s & i \le W \\
            m & i \ge T - N \\
            m + \tfrac12 (\text{lr} - m)\left(1 + \cos\frac{\pi (i - W)}{T - W - N}\right)
                & \text{otherwise}
        \end{cases}

    tested in this order, as the source's ``if``/``elif`` does (a step that is both
    ``<= W`` and ``>= T - N`` is warmup).  ``f(0) = s / lr`` (``0.1`` with the default
    ratio, unless ``lr < 1e-5`` where the ``1e-6`` floor bites).  Past ``T`` the same
    function holds: ``m`` (after any warmup still running, if
    ``warmup_iters_ratio * T > T``).  In the source's scripts ``T`` counts epochs.

    The phase boundaries are the first integer ``i > W`` and the first integer
    ``i >= T - N``, computed from the same floats as the source.  When no integer
    step reaches the cosine branch (small ``T``) its denominator ``T - W - N`` (maybe
    ``<= 0``) is never used; when one does, the denominator is positive, so no
    setting makes the source divide by zero at a step it evaluates.

    >>> schedule = YoloxWarmCos(lr=0.01, min_lr=0.0001, total_iters=25)
    >>> schedule.warmup_total_iters, schedule.cosine_start, schedule.flat_start
    (2.5, 3, 18)
    """

    lr: float = Real(above=0.0, doc="the peak learning rate (the base lr)")
    min_lr: float = Real(minimum=0.0, doc="the final learning rate")
    total_iters: int = Int(minimum=1, doc="T, the run's length")
    warmup_iters_ratio: float = Real(minimum=0.0, default=0.1, doc="W = clamp(ratio * T, 1, 3)")
    warmup_lr_ratio: float = Real(minimum=0.0, default=0.1, doc="the warmup start, over lr")
    no_aug_iter_ratio: float = Real(minimum=0.0, default=0.3, doc="N = clamp(ratio * T, 1, 15)")

    @property
    def warmup_total_iters(self) -> float:
        """The source's ``W``."""
        return _clamp(self.warmup_iters_ratio * self.total_iters, 1, 3)

    @property
    def warmup_lr_start(self) -> float:
        """The source's warmup start ``s``."""
        return max(self.warmup_lr_ratio * self.lr, 1e-6)

    @property
    def no_aug_iter(self) -> float:
        """The source's ``N``."""
        return _clamp(self.no_aug_iter_ratio * self.total_iters, 1, 15)

    @property
    def cosine_start(self) -> int:
        """The first integer step past warmup (``i > W``)."""
        return math.floor(self.warmup_total_iters) + 1

    @property
    def flat_start(self) -> int:
        """The first integer step in the flat tail (``i >= T - N``), not before the cosine."""
        return max(math.ceil(self.total_iters - self.no_aug_iter), self.cosine_start)

    @property
    def cosine_length(self) -> float:
        """The source's denominator ``T - W - N``, in its order.

        It is > 0 whenever an integer step reaches the cosine: such an i has W < i
        and i < fl(T - N), hence i < T - N exactly (rounding is monotone), so
        fl(T - W) >= T - i > N and the final subtraction of two distinct floats is
        positive.  No step can divide by 0.
        """
        return self.total_iters - self.warmup_total_iters - self.no_aug_iter

    def validate(self) -> None:
        owner = self.name
        if not math.isfinite(self.warmup_lr_start):
            raise ValueError(
                f"{owner}: warmup_lr_ratio * lr overflows "
                f"(warmup_lr_ratio={self.warmup_lr_ratio!r}, lr={self.lr!r})"
            )
        if not math.isfinite(max(self.min_lr, self.warmup_lr_start) / self.lr):
            raise ValueError(
                f"{owner}: min_lr / lr and max(warmup_lr_ratio * lr, 1e-6) / lr must be "
                f"finite, got min_lr={self.min_lr!r}, warmup_lr_ratio={self.warmup_lr_ratio!r}, "
                f"lr={self.lr!r}"
            )

    def build(self) -> Sequence[Piece]:
        lr, min_lr = self.lr, self.min_lr
        warmup, start = self.warmup_total_iters, self.warmup_lr_start
        # Each formula is the source's expression over lr: lr * f(i) is the source's
        # value to an ulp or two.
        pieces = [Piece(0, _yolox_warm, (lr - start, warmup, start, lr))]
        if self.cosine_start < self.flat_start:
            # Local step t = i - cosine_start, so i - W = t + offset exactly
            # (offset = cosine_start - W is exact: both lie in [1, 4]).
            offset = self.cosine_start - warmup
            params = (min_lr, 0.5 * (lr - min_lr), offset, self.cosine_length, lr)
            pieces.append(Piece(self.cosine_start, _yolox_cosine, params))
        pieces.append(Piece(self.flat_start, _families.constant, (min_lr / lr,)))
        return pieces


def _stair(step: int, step_size: float) -> float:
    """The source's staircase index ``iters // step_size`` (float floor division)."""
    return float(step) // step_size


# The source's stair index ``float(i) // S`` in closed form.  With ``S = fl(T / N)``
# and ``T / N = T' / N'`` in lowest terms, ``float(i) // S`` is the exact floor of
# ``i / S`` (CPython's float ``//`` is exact), which equals
# ``max(0, (i N' - shift) // T')`` for every ``0 <= i <= T``, where ``shift`` is 1
# when ``S`` rounded up (then ``i / S`` falls just short of every exact multiple
# ``k T / N``) and 0 otherwise.  ``YoloxStep._closed_form`` proves it for the
# configuration at build time (see there).  The float32 estimate below is corrected
# with an exact integer remainder, so 32-bit steps get the exact index as well (within
# the documented range).


def _stair_index(
    t: Any, xp: Any, total: int, size: float, steps: int, periods: int, shift: int
) -> Any:
    """``float(min(t, T)) // S``: the source's stair at step ``t``, exactly."""
    if isinstance(t, int):
        return max(0, (min(t, total) * steps - shift) // periods)
    if isinstance(t, float):  # a fractional epoch (continuous per_iteration)
        return min(t, float(total)) // size
    dtype = t.dtype
    if dtype.kind == "f":
        return xp.minimum(t, float(total)) // size
    wide = dtype.itemsize >= 8 or getattr(xp, "__name__", "") == "numpy"
    if wide and dtype.itemsize < 8:
        t = xp.astype(t, xp.int64)  # NumPy computes in float64 anyway: exact int64 too
    largest = int(xp.iinfo(t.dtype).max)
    i = xp.minimum(t, total) if total <= largest else t
    q = i // periods
    r = i - q * periods  # in [0, T'): the remainder within one period of N' stairs
    if wide:
        n = q * steps + (r * steps - shift) // periods  # r * N' < T' N' < 2**62: no overflow
        return xp.astype(xp.maximum(n, 0), xp.float64)
    # 32-bit steps (JAX without x64): r * N' may exceed int32.  Estimate r N' / T' in
    # float32, then correct it with the exact remainder r N' - x T', computed in wrapping
    # int32 arithmetic: exact while the true remainder fits (see YoloxStep's docstring).
    r = xp.astype(r, xp.int32)
    x = xp.astype(xp.floor(xp.astype(r, xp.float32) * (steps / periods)), xp.int32)
    remainder = r * steps - x * periods
    x = x + (remainder - shift) // periods
    n = xp.astype(q, xp.float32) * steps + xp.astype(x, xp.float32)
    return xp.maximum(n, 0.0)


@declare_stairs
@family
def _yolox_stairs(
    t: Any,
    xp: Any,
    rate: float,
    log_rate: float,
    total: int,
    size: float,
    steps: int,
    periods: int,
    shift: int,
) -> Any:
    n = _stair_index(t, xp, total, size, steps, periods, shift)
    if isinstance(n, (int, float)):
        return rate ** float(n)  # the source's own float power
    if n.dtype.itemsize >= 8:
        return xp.pow(rate, n) if hasattr(xp, "pow") else xp.power(rate, n)
    # float32: the rate's own rounding would grow with n (see _families.exponential).
    return xp.exp(log_rate * n)


@_yolox_stairs.scalar
def _yolox_stairs_scalar(
    t: int,
    xp: Any,
    rate: float,
    log_rate: float,
    total: int,
    size: float,
    steps: int,
    periods: int,
    shift: int,
) -> float:
    # The hot int path: the source's d ** float(i // S), in exact integers.
    n = (min(t, total) * steps - shift) // periods
    return rate ** float(n if n > 0 else 0)  # type: ignore[no-any-return]


class YoloxStep(Schedule, name="yolox_step"):
    r"""YOLOX step decay (``step_lr``) as a factor of ``lr``: ``step_num`` stairs.

    .. math::
        \text{lr}\,f(i) = \text{lr} \cdot d^{\,i \,/\!/\, S}, \qquad
        d = (\text{min\_lr} / \text{lr})^{1 / (\text{step\_num} - 1)}, \quad
        S = T / \text{step\_num}

    with ``T = total_iters`` and ``//`` Python's *float* floor division (the exact
    floor of ``i / S`` for the float ``S``, which differs from ``floor(i / S)``
    where ``i / S`` rounds up to an integer).  ``f(0) = 1``.  Note the source's own
    arithmetic: at ``i = T`` the index is usually ``step_num``, one stair *below*
    ``min_lr`` (``min_lr * d``); where ``S`` rounds up it is ``step_num - 1``.

    Past ``T`` the factor holds its value at ``T`` (the source keeps decaying).
    The source raises ``ValueError`` at every call when ``S < 1``; here the
    schedule refuses to be built.  ``min_lr = 0`` is allowed (``d = 0``: the
    factor is 1 on the first stair, then 0).

    One piece whatever ``step_num``: the stair index ``float(i) // S`` is computed in
    closed form, as ``max(0, (i N' - s) // T')`` with ``T' / N' = T / step_num`` in
    lowest terms and ``s = 1`` when the float ``S`` rounded up (else 0) -- exactly the
    source's index at every integer step, proved for each configuration when it is
    built.  Build and evaluation cost do not grow with ``step_num``.  Exact on Python
    ints and 64-bit integer steps (NumPy, JAX with x64; values ``d ** n`` in float64,
    as the source); on 32-bit steps (JAX without x64) the index is exact whenever
    ``(N' / 2**21 + 2) T' < 2**31`` -- every ``total_iters < 2**25`` -- and the value
    is ``exp(n log d)`` in float32.  ``total_iters * step_num / gcd**2 >= 2**62``
    (beyond any real run) is refused.
    """

    lr: float = Real(above=0.0, doc="the initial learning rate (the base lr)")
    min_lr: float = Real(minimum=0.0, doc="the last stair's learning rate")
    total_iters: int = Int(minimum=1, doc="T, the run's length")
    step_num: int = Int(minimum=2, default=10, doc="the number of stairs")

    @property
    def step_size(self) -> float:
        """The source's stair width ``S = T / step_num`` (a float)."""
        return self.total_iters / self.step_num

    @property
    def decay_rate(self) -> float:
        """The source's ``d = (min_lr / lr) ** (1 / (step_num - 1))``."""
        return float((self.min_lr / self.lr) ** (1 / (self.step_num - 1)))

    def validate(self) -> None:
        owner = self.name
        if self.step_size < 1:
            raise ValueError(
                f"{owner}: step_size = total_iters / step_num must be >= 1, got "
                f"total_iters={self.total_iters!r} / step_num={self.step_num!r} = "
                f"{self.step_size!r}"
            )
        ratio = self.min_lr / self.lr
        try:
            last = self.decay_rate ** _stair(self.total_iters, self.step_size)
        except OverflowError:
            last = math.inf
        if not (math.isfinite(ratio) and math.isfinite(last)):
            raise ValueError(
                f"{owner}: min_lr is too large relative to lr for a finite factor "
                f"(min_lr={self.min_lr!r}, lr={self.lr!r}, step_num={self.step_num!r})"
            )
        self._closed_form()

    def _closed_form(self) -> tuple[int, int, int]:
        """``(N', T', shift)`` with ``float(i) // S == max(0, (i N' - shift) // T')``.

        Let ``S = p / q`` exactly (the float).  For ``i`` with ``i N' / T'`` not an
        integer, its distance to the next integer is at least ``1 / T'`` and
        ``|i / S - i N' / T'| <= T |N' p - q T'| / (T' p)``: below ``1 / T'`` (checked
        here, in integers) the two floors agree.  At the exact multiples ``i = k T'``,
        ``i / S`` is just below ``k N'`` when ``S > T' / N'`` (shift 1), else at or above
        it (shift 0; it cannot reach ``k N' + 1`` by the same bound).
        """
        owner = self.name
        total, stairs = self.total_iters, self.step_num
        common = math.gcd(total, stairs)
        periods, steps = total // common, stairs // common
        p, q = self.step_size.as_integer_ratio()
        error = abs(steps * p - q * periods)
        if total * error >= p or periods * steps >= 2**62:
            raise ValueError(
                f"{owner}: total_iters={total!r} and step_num={stairs!r} are too large for "
                f"an exact stair index (total_iters * step_num must stay below 2**53)"
            )
        shift = 1 if steps * p > q * periods else 0
        return steps, periods, shift

    def _boundaries(self) -> tuple[int, ...]:
        """The first step of every stair ``n = 1 .. (T // S)``, in closed form."""
        steps, periods, shift = self._closed_form()
        last = max(0, (self.total_iters * steps - shift) // periods)
        # The first i with (i N' - shift) // T' >= n: i N' >= n T' + shift.
        return tuple(-(-(n * periods + shift) // steps) for n in range(1, last + 1))

    @property
    def boundaries(self) -> tuple[int, ...]:
        """The first step of every stair ``n = 1 .. (T // S)`` (computed on demand)."""
        return self._boundaries()

    def build(self) -> Sequence[Piece]:
        rate = self.decay_rate
        steps, periods, shift = self._closed_form()
        if rate == 0.0:
            # min_lr = 0: 1 on the first stair, then 0 (0.0 ** n); log(0) has no place
            # in a formula.
            first = -(-(periods + shift) // steps)
            if first > self.total_iters:
                return [Piece(0, _families.constant, (1.0,))]
            return [Piece(0, _families.constant, (1.0,)), Piece(first, _families.constant, (0.0,))]
        params = (
            rate,
            math.log(rate),
            self.total_iters,
            self.step_size,
            steps,
            periods,
            shift,
        )
        return [Piece(0, _yolox_stairs, params)]
