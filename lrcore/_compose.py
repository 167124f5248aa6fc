"""Composition: run a schedule written in epochs on an iteration counter."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from lrcore import _config
from lrcore._evaluate import Formula, Phase
from lrcore._schedule import Schedule, from_config, register


@register
class PerIteration(Schedule):
    r"""An epoch-indexed ``schedule`` driven by a per-iteration step counter.

    With ``B = steps_per_epoch`` and ``g`` the inner schedule (a Schedule or its config):

    .. math::
        f(it) = \begin{cases}
            g(\lfloor it / B \rfloor) & \text{staircase} \\
            g(it / B) & \text{otherwise (continuous)}
        \end{cases}

    ``staircase=True`` (the default) changes the factor only at epoch boundaries:
    stepping this schedule once per iteration gives exactly the lr of stepping ``g``
    once per epoch, so ``step_size``, ``T_max``, milestones and warmup lengths of
    ``g`` keep counting epochs.  ``staircase=False`` evaluates ``g`` at the
    fractional epoch ``it / B``: a cosine or an exponential decays smoothly within
    each epoch, while ``g``'s own staircases (``step``, ``stairs``, ``multistep``) stay
    staircases in epochs, since they floor the fractional epoch.

    Built from ``g``'s phases as data: a phase of ``g`` starting at epoch ``s``
    starts at iteration ``s * B`` and its formula sees the local epoch
    (``t // B``, or ``t / B`` -- a float -- when continuous).  A periodic phase
    (cosine) stays periodic with period ``B`` times as long.
    """

    name = "per_iteration"

    def __init__(
        self,
        schedule: Schedule | Mapping[str, Any],
        steps_per_epoch: int,
        staircase: bool = True,
    ) -> None:
        if not isinstance(schedule, (Schedule, Mapping)):
            raise TypeError(
                f"{self.name}: schedule must be a Schedule or a config dict, got {schedule!r}"
            )
        self.schedule = from_config(schedule)
        self.steps_per_epoch = _config.integer(
            self.name, "steps_per_epoch", steps_per_epoch, minimum=1
        )
        if not isinstance(staircase, bool):
            raise TypeError(
                f"{self.name}: staircase must be True or False, got {staircase!r} "
                f"({type(staircase).__name__})"
            )
        self.staircase = staircase
        self._setup(
            schedule=self.schedule, steps_per_epoch=self.steps_per_epoch, staircase=self.staircase
        )

    def _phases(self) -> Sequence[Phase]:
        per_epoch = self.steps_per_epoch
        return [
            Phase(
                phase.start * per_epoch,
                self._epoch_formula(phase.formula),
                self._scaled_period(phase.period),
            )
            for phase in self.schedule.phases
        ]

    def _epoch_formula(self, inner: Formula) -> Formula:
        """``inner`` of the local epoch, from the local iteration ``t``."""
        per_epoch = self.steps_per_epoch
        if self.staircase:

            def staircase(t: Any, xp: Any) -> Any:
                return inner(t // per_epoch, xp)

            return staircase

        def continuous(t: Any, xp: Any) -> Any:
            return inner(t / per_epoch, xp)

        return continuous

    def _scaled_period(self, period: int | None) -> int | None:
        """The inner period in iterations: ``g`` repeats every ``period`` epochs."""
        return None if period is None else period * self.steps_per_epoch
