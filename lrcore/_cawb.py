"""CAWB: ``CosineAnnealingWarmbootingLR``, as a pure per-iteration schedule.

The source is a stateful scheduler driven by ``step_batch()`` before every batch
and ``step()`` after every epoch.  :class:`CawbPlan` holds its validated segment
arithmetic, shared by the pure :class:`Cawb` schedule and by the stateful ports
in ``lrcore_torch`` and ``lrcore_paddle``, so the three cannot drift apart.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any, cast

from lrcore import _config, _families, _scalar_math
from lrcore._compose import declare_stairs
from lrcore._config import Custom, Int, Real
from lrcore._pieces import Family, Piece, family
from lrcore._schedule import Schedule

Curve = Callable[[Any, Any], Any]
"""``lf(x, gap) -> factor``: ``x`` the epoch within the segment, ``gap`` its width."""


class CawbPlan:
    """The restart segments of a CAWB run, validated.

    ``bounds`` is the source's ``steps`` list: ``[warmup_epoch, *restarts, epochs]``
    with the restart epochs sorted and kept only strictly inside
    ``(warmup_epoch, epochs)``.  Segment ``i`` spans ``bounds[i] .. bounds[i + 1]``,
    its cosine runs over ``gap[i] = width + epoch_scale`` (no extension for the
    last segment) and it is scaled by ``step_scale ** i`` (the source's running
    product).  A repeated restart epoch gives an empty segment ``[b, b]``: never
    selected, but counted in the scales of the segments after it, as in the source.
    """

    def __init__(
        self,
        owner: str,
        *,
        epochs: int,
        steps: Iterable[int],
        step_scale: float,
        eta_min: float,
        epoch_scale: float,
        warmup_epoch: int,
        lf: Curve | None,
    ) -> None:
        self.epochs = _config.integer(owner, "epochs", epochs, minimum=1)
        self.warmup_epoch = _config.integer(owner, "warmup_epoch", warmup_epoch, minimum=0)
        if isinstance(steps, (str, bytes)) or not isinstance(steps, Iterable):
            raise TypeError(f"{owner}: steps must be a list of integers, got {steps!r}")
        # Sorted into a new tuple: the source sorts the caller's list in place.
        self.steps = tuple(
            sorted(_config.integer(owner, "steps item", item, minimum=0) for item in steps)
        )
        self.step_scale = _config.real(owner, "step_scale", step_scale, above=0.0)
        self.eta_min = _config.real(owner, "eta_min", eta_min, minimum=0.0)
        self.epoch_scale = _config.real(owner, "epoch_scale", epoch_scale, minimum=0.0)
        if lf is not None and not callable(lf):
            raise TypeError(f"{owner}: lf must be a callable lf(x, gap) or None, got {lf!r}")
        self.lf = lf
        inner = [s for s in self.steps if self.warmup_epoch < s < self.epochs]
        self.bounds = (self.warmup_epoch, *inner, self.epochs)
        last = len(self.bounds) - 2
        if self.warmup_epoch >= self.epochs:
            # The source's only segment would be empty or reversed: at warmup_epoch ==
            # epochs its first step() divides 0 by 0.
            raise ValueError(
                f"{owner}: segment 0 [{self.warmup_epoch}, {self.epochs}] is empty "
                f"(warmup_epoch >= epochs: epochs={self.epochs}, "
                f"warmup_epoch={self.warmup_epoch}, steps={list(self.steps)})"
            )
        # A repeated restart epoch makes an empty segment [b, b] before the next one.  As in
        # the source, it is never selected (``n <= b`` picks the segment ending at b) and
        # nothing divides by its zero width, but it still counts: every later segment is
        # scaled by one more step_scale.
        self.gaps = tuple(
            (self.bounds[i + 1] - self.bounds[i]) + (self.epoch_scale if i != last else 0)
            for i in range(last + 1)
        )
        # The source's running product ``scale *= step_scale``, factor by factor, so the
        # scales agree with it to the last bit (``step_scale ** i`` can differ by an ulp).
        scales = [1.0]
        for _ in range(last):
            scales.append(scales[-1] * self.step_scale)
        self.scales = tuple(scales)
        # The last segment a step() inside the run selects (counter epochs - 2 sets the lr
        # of the last epoch); later ones only ever set lrs past the run, which lrcore holds.
        used = self.segment_of(max(self.epochs - 2, 0))
        peak = max(1.0, self.eta_min) if lf is None else 1.0
        if not math.isfinite(self.scales[used] * peak):
            # The source's float product overflows to inf: it would train with an infinite
            # (or, where the cosine reaches 0, a NaN) learning rate from that segment on.
            raise ValueError(
                f"{owner}: step_scale={self.step_scale!r} overflows: step_scale ** {used} "
                f"(the scale of segment {used}, used in the run) times the curve's peak "
                f"{peak!r} is not a finite factor"
            )

    def curve(self, x: Any, gap: Any, xp: Any) -> Any:
        """The cosine of one segment (or the custom ``lf``), before scaling."""
        if self.lf is not None:
            return self.lf(x, gap)
        return (1.0 + xp.cos(x * math.pi / gap)) / 2.0 * (1.0 - self.eta_min) + self.eta_min

    def segment_of(self, n: int) -> int:
        """The segment the source's ``step()`` picks when its epoch counter is ``n``."""
        for index in range(len(self.gaps)):
            if n <= self.bounds[index + 1]:
                return index
        raise ValueError(f"epoch counter {n} is past the last epoch {self.epochs}")

    def step_factor(self, n: int) -> float:
        """The factor the source's ``step()`` sets when its epoch counter is ``n``."""
        index = self.segment_of(n)
        return float(
            self.scales[index] * self.curve(n - self.bounds[index], self.gaps[index], _scalar_math)
        )

    def held_factor(self) -> float:
        """The factor in force in the last configured epoch, held after the run."""
        # Epoch 0 with no warmup trains at the untouched base lr: no step() ran yet.
        return 1.0 if self.epochs == 1 else self.step_factor(self.epochs - 2)

    def epoch_step_factor(self, n: int) -> float:
        """``step_factor(n)``, with the hold-the-last-value policy past the run.

        ``step()`` with counter ``n`` sets the lr for epoch ``n + 1``; from
        ``n + 1 == epochs`` on that epoch is past the run, where the source's
        value depends on leftover state (or is the end of the last cosine).
        """
        if n + 1 >= self.epochs:
            return self.held_factor()
        return self.step_factor(n)


class CawbCounters:
    """The source's two counters, for the stateful ports (torch, Paddle).

    ``step()`` after every epoch advances ``iters`` (or sets it to
    ``external_iter``) and picks the factor of the next epoch; ``step_batch()``
    before every batch advances ``iters_batch`` and, during the warmup, gives
    ``iters_batch / warmup_iters``.  The ports only apply the factor to their lrs.
    The counters live on the port itself, so its state dict sees them.
    """

    plan: CawbPlan
    warmup_iters: int
    iters: int
    iters_batch: int

    def _init_counters(self, owner: str, batchs: int, **plan: Any) -> None:
        self.plan = CawbPlan(owner, **plan)
        self.warmup_iters = _config.integer(owner, "batchs", batchs, minimum=0) * (
            self.plan.warmup_epoch
        )
        self.iters = -1
        self.iters_batch = -1

    def _next_epoch_factor(self, external_iter: int | None, epochs_done: int) -> float:
        self.iters += 1
        if external_iter is not None:
            self.iters = external_iter
        return self.plan.epoch_step_factor(self.iters + epochs_done)

    def _next_batch_factor(self) -> float | None:
        self.iters_batch += 1
        if self.iters_batch < self.warmup_iters:
            return self.iters_batch / self.warmup_iters
        return None


def _restart_epochs(owner: str, field: str, value: Any) -> tuple[int, ...]:
    # Sorted into a new tuple: the source sorts the caller's list in place.
    return tuple(sorted(_config.integers(owner, field, value, minimum=0)))


def _curve(owner: str, field: str, value: Any) -> Curve | None:
    if value is not None and not callable(value):
        raise TypeError(f"{owner}: {field} must be a callable lf(x, gap) or None, got {value!r}")
    return value  # type: ignore[no-any-return]


@declare_stairs  # the factor changes once per epoch
@family
def _cawb_cosine(
    t: Any, xp: Any, scale: float, per_epoch: int, offset: int, gap: float, eta_min: float
) -> Any:
    x = t // per_epoch + offset
    return scale * ((1.0 + xp.cos(x * math.pi / gap)) / 2.0 * (1.0 - eta_min) + eta_min)


_CUSTOM_CURVES: dict[Any, Family] = {}


def _custom_family(lf: Curve) -> Family:
    """The segment formula around a custom ``lf`` (one family per curve)."""
    cached = _CUSTOM_CURVES.get(lf)
    if cached is None:

        def custom(
            t: Any, xp: Any, scale: float, per_epoch: int, offset: int, gap: float, eta_min: float
        ) -> Any:
            return scale * lf(t // per_epoch + offset, gap)

        cached = _CUSTOM_CURVES[lf] = declare_stairs(Family(custom, f"cawb_lf[{lf!r}]", 5))
    return cached


class Cawb(Schedule, name="cawb"):
    r"""CAWB (``CosineAnnealingWarmbootingLR``) as a factor per training iteration.

    ``f(it)`` is the factor the source's loop -- ``step_batch()`` before every batch,
    ``step()`` after every epoch -- leaves in force during iteration
    ``it = epoch * steps_per_epoch + batch``:

    .. math::
        f(it) = \begin{cases}
          it / (w B) & it < w B \quad\text{(batch warmup)} \\
          1 & \text{epoch } 0 \text{ when } w = 0 \quad\text{(no step() yet)} \\
          \sigma^{i} \, c(n - b_i, g_i) & \text{otherwise, } n = \text{epoch} - 1
        \end{cases}

    with ``B = steps_per_epoch``, ``w = warmup_epoch``, ``sigma = step_scale``, segment
    ``i`` the first with ``n <= b_{i+1}`` in ``b = [w, *restarts, epochs]``,
    ``g_i = b_{i+1} - b_i + epoch_scale`` (no ``epoch_scale`` in the last segment) and
    ``c(x, g) = (1 + cos(π x / g)) / 2 · (1 - eta_min) + eta_min`` (or ``lf(x, g)``).

    The source's quirks that follow from its code are kept: the first epoch after
    warmup uses the value computed at the end of the last warmup epoch (``x = -1``),
    and ``gap`` is widened by ``epoch_scale`` in every segment but the last.  Its bugs
    are not: ``steps`` is not sorted in place, ``warmup_epoch >= epochs`` (an empty or
    reversed only segment, a division by zero in the source) is a ``ValueError``, a
    ``step_scale`` whose running product overflows to ``inf`` is a ``ValueError``
    naming it, and past the run (``it >= epochs * B``) the factor holds its value of
    the run's last iteration (the source's depends on leftover state there).  A
    repeated restart epoch is accepted as the source runs it: its empty segment is
    never selected, but it scales every later segment by one more ``step_scale``.

    A custom ``lf(x, gap)`` must accept an integer array ``x`` to run on arrays (use
    ``x.__array_namespace__()`` for its math); a schedule with ``lf`` has no JSON config
    (it pickles, with ``lf`` by reference).
    """

    epochs: int = Int(minimum=1, doc="epochs of the run")
    steps_per_epoch: int = Int(minimum=1, doc="iterations per epoch")
    steps: Sequence[int] = Custom(_restart_epochs, default=(), doc="restart epochs")
    step_scale: float = Real(above=0.0, default=0.8, doc="the scale of each next segment")
    eta_min: float = Real(minimum=0.0, default=0.05, doc="the cosine's floor")
    epoch_scale: float = Real(minimum=0.0, default=1.0, doc="widens every segment but the last")
    warmup_epoch: int = Int(minimum=0, default=0, doc="epochs of per-batch warmup")
    lf: Curve | None = Custom(_curve, default=None, doc="a custom curve lf(x, gap)")

    @property
    def plan(self) -> CawbPlan:
        """The validated segment arithmetic, shared with the stateful ports."""
        return cast(CawbPlan, self.__dict__["_plan"])

    def validate(self) -> None:
        plan = CawbPlan(
            self.name,
            epochs=self.epochs,
            steps=self.steps,
            step_scale=self.step_scale,
            eta_min=self.eta_min,
            epoch_scale=self.epoch_scale,
            warmup_epoch=self.warmup_epoch,
            lf=self.lf,
        )
        object.__setattr__(self, "_plan", plan)

    def build(self) -> Sequence[Piece]:
        plan, per_epoch = self.plan, self.steps_per_epoch
        warmup_iters = plan.warmup_epoch * per_epoch
        end = plan.epochs * per_epoch
        segment = _cawb_cosine if plan.lf is None else _custom_family(plan.lf)
        pieces = [
            Piece(0, _families.ratio, (0.0, 1.0, float(warmup_iters)))
            if warmup_iters
            else Piece(0, _families.constant, (1.0,))
        ]
        for index in range(len(plan.gaps)):
            bound = plan.bounds[index]
            if index and bound == plan.bounds[index + 1]:
                continue  # an empty segment (a repeated restart): never selected
            # Epoch e (>= 1, after warmup) trains with step() of counter n = e - 1.
            first_epoch = max(plan.warmup_epoch, 1) if index == 0 else bound + 2
            if first_epoch * per_epoch >= end:
                break
            offset = first_epoch - 1 - bound
            params = (plan.scales[index], per_epoch, offset, plan.gaps[index], plan.eta_min)
            pieces.append(Piece(first_epoch * per_epoch, segment, params))
        pieces.append(Piece(end, _families.constant, (plan.held_factor(),)))
        return pieces
