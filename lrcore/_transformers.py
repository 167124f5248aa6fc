"""The schedules of transformers' ``get_scheduler`` (``transformers.optimization``, 5.x).

transformers builds every schedule as ``LambdaLR(optimizer, partial(fn, **settings))``:
the lr of a group at update ``k`` is ``initial_lr * fn(k)``.  The schedules here
are those functions, written with their arithmetic -- the same integer and float
operations in the same order -- so that the factors agree with them to the last
bit at every step, including past ``num_training_steps``:

==============================  =====================================================
``get_scheduler`` name          lrcore config
==============================  =====================================================
``linear``                      ``warmup_linear`` (a ``join`` of ``linear`` and
                                ``constant(0)`` when ``W >= N``)
``cosine``                      ``hf_cosine``
``cosine_with_restarts``        ``hf_cosine_with_restarts``
``polynomial``                  ``hf_polynomial``
``constant``                    ``constant``
``constant_with_warmup``        ``linear(start=0, end=1, steps=W)``
``inverse_sqrt``                ``inverse_sqrt``
``cosine_with_min_lr``          ``hf_cosine`` (``min_lr_rate``)
``cosine_warmup_with_min_lr``   ``hf_cosine_warmup_with_min_lr``
``warmup_stable_decay``         ``warmup_stable_decay``
==============================  =====================================================

``W`` is ``num_warmup_steps``, ``N`` ``num_training_steps``.  The warmup ramps
``float(k) / float(max(1, W))`` are the ``linear`` primitive (``0 + 1.0 * (k / W)``
is the same float), joined to the main phase with ``join_pieces``.  The other
phases are families below, one per formula shape, shared by every schedule that
uses that shape (the warmup, the decay and every restart are pieces of them).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from lrcore import _config, _families
from lrcore._compose import join_pieces
from lrcore._config import Choice, Custom, Int, Real
from lrcore._interpolate import Linear
from lrcore._pieces import Piece, family, periodic
from lrcore._schedule import Schedule

NO_PERIOD = 2**62
"""A period no step reaches: ``periodic`` leaves the step as it is."""

MAX_PIECES = 200_000
"""More restarts than this (pieces with distinct integer starts) is refused."""


def xp_sqrt(xp: Any, x: Any) -> Any:
    """``sqrt`` from the namespace, or ``math.sqrt`` for Python numbers (correctly rounded)."""
    fn = getattr(xp, "sqrt", None)
    return math.sqrt(x) if fn is None else fn(x)


@family(period=lambda offset, denominator, scale, sign, spread, floor, period: period)
def hf_wave(
    t: Any,
    xp: Any,
    offset: float,
    denominator: float,
    scale: float,
    sign: float,
    spread: float,
    floor: float,
    period: int,
) -> Any:
    """``max(0, 0.5 * (1 + sign * cos(scale * p)) * spread + floor)``, ``p = (t + offset) / D``.

    transformers' cosine phases: ``scale = pi * num_cycles * 2.0`` (or ``pi`` and
    ``sign = -1`` for ``warmup_stable_decay``'s cosine warmup), ``spread = 1 - floor``.
    """
    progress = (periodic(t, period) + offset) / denominator
    factor = 0.5 * (1.0 + sign * xp.cos(scale * progress))
    return xp.maximum(factor * spread + floor, 0.0)


@family
def hf_ramp(
    t: Any,
    xp: Any,
    offset: float,
    denominator: float,
    start: float,
    sign: float,
    spread: float,
    floor: float,
) -> Any:
    """``max(0, (start + sign * p) * spread + floor)``: ``p`` or ``1.0 - p``, rescaled."""
    progress = (t + offset) / denominator
    return xp.maximum((start + sign * progress) * spread + floor, 0.0)


@family
def hf_sqrt(
    t: Any,
    xp: Any,
    offset: float,
    denominator: float,
    start: float,
    sign: float,
    spread: float,
    floor: float,
) -> Any:
    """``max(0, (1.0 - sqrt(start + sign * p)) * spread + floor)``: the ``1-sqrt`` shapes."""
    progress = (t + offset) / denominator
    # The clamp only acts off the piece (where array evaluation also computes it).
    root = xp_sqrt(xp, xp.maximum(start + sign * progress, 0.0))
    return xp.maximum((1.0 - root) * spread + floor, 0.0)


@family
def hf_restart(
    t: Any, xp: Any, offset: int, denominator: float, cycles: float, cycle: float
) -> Any:
    """``max(0, 0.5 * (1 + cos(pi * (cycles * p - cycle))))``, ``p = (t + offset) / D``.

    ``cycles * p - cycle`` is transformers' ``(cycles * p) % 1.0`` on the piece where
    ``floor(cycles * p) == cycle`` (both are exact).
    """
    progress = (t + offset) / denominator
    return xp.maximum(0.5 * (1.0 + xp.cos(math.pi * (cycles * progress - cycle))), 0.0)


@family
def hf_polynomial(
    t: Any, xp: Any, decay_steps: int, lr_range: float, power: float, lr_end: float, lr_init: float
) -> Any:
    """``(lr_range * (1 - t / decay_steps) ** power + lr_end) / lr_init``."""
    # The clamp only acts past the piece's end (array evaluation computes it there too).
    pct_remaining = xp.maximum(1 - t / decay_steps, 0.0)
    return (lr_range * pct_remaining**power + lr_end) / lr_init


@family
def hf_inverse_sqrt(t: Any, xp: Any, timescale: float) -> Any:
    """``1.0 / sqrt((t + timescale) / timescale)``."""
    return 1.0 / xp_sqrt(xp, (t + timescale) / timescale)


@family
def hf_warmup_rate(t: Any, xp: Any, rate: float, spread: float, denominator: float) -> Any:
    """``rate + spread * t / denominator``: a warmup from ``rate`` written as transformers does."""
    return rate + spread * t / denominator


def _optional_real(owner: str, field: str, value: Any) -> float | None:
    return None if value is None else _config.real(owner, field, value, minimum=0.0)


def _optional_int(minimum: int) -> Any:
    def check(owner: str, field: str, value: Any) -> int | None:
        return None if value is None else _config.integer(owner, field, value, minimum=minimum)

    return check


def cosine_period(denominator: int, cycles: float) -> int:
    """An integer period of ``cos(2 pi cycles t / D)`` in ``t`` (``NO_PERIOD`` if none is short)."""
    if cycles == 0:
        return NO_PERIOD
    period = denominator * Fraction(cycles).denominator
    return period if period <= 2**31 - 1 else NO_PERIOD


def _with_warmup(warmup_steps: int, pieces: Sequence[Piece]) -> list[Piece]:
    """transformers' ``float(k) / float(max(1, W))`` for ``k < W``, then ``pieces`` from ``W``."""
    if warmup_steps == 0:
        return list(pieces)
    ramp = Linear(start=0.0, end=1.0, steps=warmup_steps).pieces
    return join_pieces([ramp, pieces], [warmup_steps])


class HfCosine(Schedule, name="hf_cosine"):
    r"""transformers' ``cosine`` and ``cosine_with_min_lr``: warmup, then a cosine wave.

    With ``W = warmup_steps``, ``N = training_steps``, ``c = num_cycles`` and
    ``m = min_lr_rate``:

    .. math::
        f(t) = \begin{cases}
            t / \max(1, W) & t < W \\
            \max\left(0, \tfrac12\left(1 + \cos(2\pi c\, p)\right)(1 - m) + m\right),
            \quad p = \frac{t - W}{\max(1, N - W)} & t \ge W
        \end{cases}

    ``f(0) = 0`` (``1`` when ``W = 0``); ``f(N) = m`` for ``c = 0.5``.  Past ``N`` the
    cosine goes on -- it rises again towards 1, as transformers' does (it does not
    clamp).  ``get_cosine_schedule_with_warmup`` is ``m = 0``;
    ``get_cosine_with_min_lr_schedule_with_warmup`` passes ``min_lr_rate`` (or
    ``min_lr / optimizer.defaults["lr"]``, the same for every group).
    """

    warmup_steps: int = Int(minimum=0, doc="W, steps of the linear warmup")
    training_steps: int = Int(minimum=0, doc="N, the run's length")
    num_cycles: float = Real(minimum=0.0, default=0.5, doc="waves over N - W (0.5: a half cosine)")
    min_lr_rate: float = Real(minimum=0.0, default=0.0, doc="the floor, relative to the base lr")

    def build(self) -> list[Piece]:
        span = max(1, self.training_steps - self.warmup_steps)
        scale = math.pi * float(self.num_cycles) * 2.0
        period = cosine_period(span, self.num_cycles)
        rate = self.min_lr_rate
        params = (0, float(span), scale, 1.0, 1 - rate, rate, period)
        return _with_warmup(self.warmup_steps, [Piece(0, hf_wave, params)])


class HfCosineWithRestarts(Schedule, name="hf_cosine_with_restarts"):
    r"""transformers' ``cosine_with_restarts``: warmup, then ``num_cycles`` hard restarts.

    .. math::
        f(t) = \begin{cases}
            t / \max(1, W) & t < W \\
            \tfrac12\left(1 + \cos\left(\pi\, ((c\,p) \bmod 1)\right)\right) & p < 1 \\
            0 & p \ge 1
        \end{cases}
        \qquad p = \frac{t - W}{\max(1, N - W)}

    ``f(0) = 0`` (``1`` when ``W = 0``); ``0`` from ``N`` on (``W + 1`` when ``N <= W``).
    Each restart is a piece of one shared family: the steps where ``floor(c p)``
    changes are found when the schedule is built, with transformers' own float
    arithmetic, so every restart lands on the very step transformers restarts.
    """

    warmup_steps: int = Int(minimum=0, doc="W, steps of the linear warmup")
    training_steps: int = Int(minimum=0, doc="N, the run's length")
    num_cycles: float = Real(minimum=0.0, default=1.0, doc="c, cosine cycles over N - W")

    def _progress(self, t: int) -> float:
        return float(t) / float(max(1, self.training_steps - self.warmup_steps))

    def _cycle(self, t: int) -> int:
        return math.floor(float(self.num_cycles) * self._progress(t))

    def _end(self) -> int:
        """The first local step with ``progress >= 1.0`` (from there on: 0)."""
        span = max(1, self.training_steps - self.warmup_steps)
        end = span
        while end > 0 and self._progress(end - 1) >= 1.0:
            end -= 1
        while self._progress(end) < 1.0:
            end += 1
        return end

    def _restarts(self) -> list[int]:
        """The local steps where a cycle starts: 0, then wherever ``floor(c p)`` grows."""
        cycles, end = float(self.num_cycles), self._end()
        span = max(1, self.training_steps - self.warmup_steps)
        starts, t, current = [0], 0, self._cycle(0)
        while cycles > 0:
            guess = max(t + 1, math.ceil((current + 1) * span / cycles))
            while guess - 1 > t and self._cycle(guess - 1) > current:
                guess -= 1
            while guess < end and self._cycle(guess) <= current:
                guess += 1
            if guess >= end:
                break
            t, current = guess, self._cycle(guess)
            starts.append(t)
            if len(starts) > MAX_PIECES:
                raise ValueError(
                    f"{self.name}: num_cycles={self.num_cycles!r} over "
                    f"{span} steps makes more than {MAX_PIECES} restarts"
                )
        return starts

    def build(self) -> list[Piece]:
        span = float(max(1, self.training_steps - self.warmup_steps))
        cycles = float(self.num_cycles)
        pieces = [
            Piece(t, hf_restart, (t, span, cycles, float(self._cycle(t)))) for t in self._restarts()
        ]
        pieces.append(Piece(self._end(), _families.constant, (0.0,)))
        return _with_warmup(self.warmup_steps, pieces)


class HfPolynomial(Schedule, name="hf_polynomial"):
    r"""transformers' ``polynomial``: warmup, then a polynomial decay to ``lr_end``.

    ``lr_init`` is ``optimizer.defaults["lr"]`` (the optimizer's default lr, *not*
    the group's), ``lr_end`` is absolute; the factor multiplies each group's own
    base lr, so with several groups each ends at ``base * lr_end / lr_init``:

    .. math::
        f(t) = \begin{cases}
            t / \max(1, W) & t < W \\
            \left((l_0 - l_e)\left(1 - \frac{t - W}{N - W}\right)^{p} + l_e\right) / l_0
                & W \le t \le N \\
            l_e / l_0 & t > N
        \end{cases}

    ``f(0) = 0`` (``1`` when ``W = 0``); ``l_e / l_0`` from ``N`` on.  ``N < W`` is
    allowed (the warmup, then ``l_e / l_0``); ``N = W`` is refused: transformers
    divides by ``N - W = 0`` at step ``N``.
    """

    warmup_steps: int = Int(minimum=0, doc="W, steps of the linear warmup")
    training_steps: int = Int(minimum=0, doc="N, the last step of the decay")
    lr_init: float = Real(above=0.0, doc='l_0: optimizer.defaults["lr"]')
    lr_end: float = Real(minimum=0.0, default=1e-7, doc="l_e: the final lr (absolute)")
    power: float = Real(minimum=0.0, default=1.0, doc="p, the exponent")

    def validate(self) -> None:
        if not self.lr_init > self.lr_end:
            raise ValueError(
                f"{self.name}: lr_end ({self.lr_end!r}) must be smaller than lr_init "
                f"({self.lr_init!r}), as transformers requires"
            )
        if self.training_steps == self.warmup_steps:
            raise ValueError(
                f"{self.name}: training_steps must differ from warmup_steps (both "
                f"{self.warmup_steps!r}): transformers divides by training_steps - "
                "warmup_steps = 0 at that step"
            )

    def build(self) -> list[Piece]:
        warmup, total = self.warmup_steps, self.training_steps
        end = self.lr_end / self.lr_init
        if total < warmup:
            return _with_warmup(warmup, [Piece(0, _families.constant, (end,))])
        params = (total - warmup, self.lr_init - self.lr_end, self.power, self.lr_end, self.lr_init)
        pieces = [
            Piece(0, hf_polynomial, params),
            Piece(total - warmup + 1, _families.constant, (end,)),
        ]
        return _with_warmup(warmup, pieces)


class InverseSqrt(Schedule, name="inverse_sqrt"):
    r"""Linear warmup, then ``1 / sqrt`` decay: transformers' ``inverse_sqrt``.

    With ``W = warmup_steps`` and ``s = timescale`` (default ``W``, or ``10_000``
    when ``W = 0``, as transformers resolves ``timescale=None``):

    .. math::
        f(t) = \begin{cases}
            t / \max(1, W) & t < W \\
            1 / \sqrt{(t - W + s) / s} & t \ge W
        \end{cases}

    ``f(0) = 0`` (``1`` when ``W = 0``); ``f(W) = 1``, then it decays forever like
    ``sqrt(s / t)``.  transformers' ``get_inverse_sqrt_schedule`` (big_vision's rsqrt).
    """

    warmup_steps: int = Int(minimum=0, doc="W, steps of the linear warmup")
    timescale: int | None = Custom(
        _optional_int(1), default=None, doc="s (default: W, or 10_000 when W = 0)"
    )

    @property
    def resolved_timescale(self) -> int:
        """transformers' ``timescale or num_warmup_steps or 10_000``."""
        return self.timescale if self.timescale is not None else (self.warmup_steps or 10_000)

    def build(self) -> list[Piece]:
        decay = Piece(0, hf_inverse_sqrt, (float(self.resolved_timescale),))
        return _with_warmup(self.warmup_steps, [decay])


class HfCosineWarmupWithMinLr(Schedule, name="hf_cosine_warmup_with_min_lr"):
    r"""transformers' ``cosine_warmup_with_min_lr``: a warmup that never starts at 0.

    With ``W``, ``N``, ``c = num_cycles``, ``m = min_lr_rate`` and ``w = warmup_lr_rate``:

    .. math::
        f(t) = \begin{cases}
            (t + 1) / \max(1, W) & t < W,\ w \text{ unset} \\
            w + (1 - w)\, t / \max(1, W - 1) & t < W,\ w \text{ set} \\
            \max\left(0, \tfrac12\left(1 + \cos(2\pi c\, p)\right)(1 - m) + m\right),
            \quad p = \frac{t - W + 1}{\max(1, N - W)} & t \ge W
        \end{cases}

    ``f(0) = 1 / W`` (``w`` when set; ``1`` when ``W <= 1`` and ``w`` is unset).  Note the
    ``+ 1``: at ``t = W`` the cosine is already one step in, and it reaches ``m``
    at ``t = N - 1`` (for ``c = 0.5``).  Past the end it rises again, as transformers'
    does.  ``get_cosine_with_min_lr_schedule_with_warmup_lr_rate``.
    """

    warmup_steps: int = Int(minimum=0, doc="W, steps of the warmup")
    training_steps: int = Int(minimum=0, doc="N, the run's length")
    num_cycles: float = Real(minimum=0.0, default=0.5, doc="waves over N - W")
    min_lr_rate: float = Real(minimum=0.0, default=0.0, doc="the floor, relative to the base lr")
    warmup_lr_rate: float | None = Custom(
        _optional_real, default=None, doc="the warmup's first factor (unset: 1 / W)"
    )

    def build(self) -> list[Piece]:
        warmup = float(self.warmup_steps)
        span = max(1.0, float(self.training_steps) - warmup)
        scale = math.pi * self.num_cycles * 2.0
        period = cosine_period(max(1, self.training_steps - self.warmup_steps), self.num_cycles)
        rate = self.min_lr_rate
        main = [Piece(0, hf_wave, (1.0, span, scale, 1.0, 1 - rate, rate, period))]
        if self.warmup_steps == 0:
            return main
        if self.warmup_lr_rate is None:
            ramp = [Piece(0, _families.ratio, (1.0, 1.0, max(1.0, warmup)))]
        else:
            start = self.warmup_lr_rate
            ramp = [Piece(0, hf_warmup_rate, (start, 1.0 - start, float(max(1, warmup - 1))))]
        return join_pieces([ramp, main], [self.warmup_steps])


class WarmupStableDecay(Schedule, name="warmup_stable_decay"):
    r"""Warmup, a stable plateau, then a decay: transformers' ``warmup_stable_decay``.

    With ``W = warmup_steps``, ``S = stable_steps`` (or ``training_steps - W - D``),
    ``D = decay_steps`` and ``r = min_lr_ratio``, each phase rescaled to ``[r, 1]``:

    .. math::
        f(t) = \begin{cases}
            \max(0, g_w(t / \max(1, W))\,(1 - r) + r) & t < W \\
            1 & t < W + S \\
            \max(0, g_d((t - W - S) / \max(1, D))\,(1 - r) + r) & t < W + S + D \\
            r & \text{otherwise}
        \end{cases}

    ``g_w(p)`` is ``p`` (``linear``), ``(1 - cos(pi p)) / 2`` (``cosine``) or
    ``1 - sqrt(1 - p)`` (``1-sqrt``); ``g_d(p)`` is ``1 - p``, ``(1 + cos(2 pi c p)) / 2``
    (``c = num_cycles``) or ``1 - sqrt(p)``.  ``f(0) = r`` (1 when ``W = 0`` and
    ``S > 0``); ``r`` from ``W + S + D`` on.  Give exactly one of ``stable_steps`` and
    ``training_steps`` (transformers, given both, uses ``stable_steps`` and warns).
    A ``training_steps`` below ``W + D`` makes ``S`` negative: the decay then starts
    part-way, at ``t = W``, as in transformers.  ``get_wsd_schedule``.
    """

    warmup_steps: int = Int(minimum=0, doc="W, steps of the warmup")
    decay_steps: int = Int(minimum=0, doc="D, steps of the decay")
    stable_steps: int | None = Custom(
        _optional_int(-(2**53)), default=None, doc="S, steps of the plateau"
    )
    training_steps: int | None = Custom(
        _optional_int(0), default=None, doc="or N = W + S + D, the run's length"
    )
    warmup_type: str = Choice("linear", "cosine", "1-sqrt", default="linear", doc="g_w")
    decay_type: str = Choice("linear", "cosine", "1-sqrt", default="cosine", doc="g_d")
    min_lr_ratio: float = Real(minimum=0.0, default=0.0, doc="r, the floor (relative)")
    num_cycles: float = Real(minimum=0.0, default=0.5, doc="c, for the cosine decay")

    def validate(self) -> None:
        if (self.stable_steps is None) == (self.training_steps is None):
            raise ValueError(
                f"{self.name}: give exactly one of stable_steps and training_steps, got "
                f"stable_steps={self.stable_steps!r}, training_steps={self.training_steps!r}"
            )

    @property
    def resolved_stable_steps(self) -> int:
        """``S``: ``stable_steps``, or transformers' ``training_steps - W - D``."""
        if self.stable_steps is not None:
            return self.stable_steps
        if self.training_steps is None:  # pragma: no cover - validate() refuses it
            raise ValueError(f"{self.name}: give stable_steps or training_steps")
        return self.training_steps - self.warmup_steps - self.decay_steps

    def build(self) -> list[Piece]:
        warmup, decay = self.warmup_steps, self.decay_steps
        stable = self.resolved_stable_steps
        ratio = self.min_lr_ratio
        spread = 1.0 - ratio
        span = float(max(1, warmup))
        warm = {
            "linear": Piece(0, hf_ramp, (0, span, 0.0, 1.0, spread, ratio)),
            "cosine": Piece(0, hf_wave, (0, span, math.pi, -1.0, spread, ratio, NO_PERIOD)),
            "1-sqrt": Piece(0, hf_sqrt, (0, span, 1.0, -1.0, spread, ratio)),
        }[self.warmup_type]
        decay_start = max(warmup, warmup + stable)
        offset = decay_start - (warmup + stable)
        span = float(max(1, decay))
        scale = math.pi * float(self.num_cycles) * 2.0
        falling = {
            "linear": (hf_ramp, (offset, span, 1.0, -1.0, spread, ratio)),
            "cosine": (hf_wave, (offset, span, scale, 1.0, spread, ratio, NO_PERIOD)),
            "1-sqrt": (hf_sqrt, (offset, span, 0.0, 1.0, spread, ratio)),
        }[self.decay_type]
        return [
            warm,
            Piece(warmup, _families.constant, (1.0,)),
            Piece(decay_start, *falling),
            Piece(max(warmup, warmup + stable + decay), _families.constant, (ratio,)),
        ]
