"""``ReduceOnPlateau``: Paddle's signature, torch's decisions, any lrcore schedule underneath.

The decisions come from the core reducer (:mod:`lrcore._plateau`, torch's
``ReduceLROnPlateau`` semantics); this module only adapts them to Paddle's
``LRScheduler`` protocol (``step(metrics, epoch=None)``, ``last_lr``, ``state_dict``).
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import paddle
from paddle.optimizer.lr import LRScheduler
from paddle.optimizer.lr import ReduceOnPlateau as _PaddleReduceOnPlateau

from lrcore import Schedule, ScheduleLike, from_config
from lrcore._config import integer, real
from lrcore._plateau import NAME as _CORE_NAME
from lrcore._plateau import Plateau, PlateauState, plateau_init, plateau_update
from lrcore._schedule import checkpoint_config

_NAME = "ReduceOnPlateau"

# Paddle's native state_dict keys, in its order; ours adds "level" (and "schedule").
_PADDLE_KEYS = ("cooldown_counter", "best", "num_bad_epochs", "last_epoch", "last_lr")


class ReduceOnPlateau(LRScheduler):
    r"""Reduce the learning rate when a metric stops improving -- torch's decisions.

    A drop-in for ``paddle.optimizer.lr.ReduceOnPlateau`` (same arguments, same
    ``step(metrics, epoch=None)``, same ``state_dict`` keys, usable as any Paddle
    optimizer's ``learning_rate``) whose decisions are exactly those of torch's
    ``ReduceLROnPlateau`` for the same metric sequence (``epsilon`` is torch's ``eps``):

    * ``best`` is tracked during the cooldown (Paddle's native freezes it);
    * ``best`` starts at ``+inf`` (``"min"``) / ``-inf`` (``"max"``), so a first NaN or
      infinite metric counts as bad (Paddle's native takes the first metric as ``best``
      whatever it is: a first NaN disables every later improvement);
    * the metric is converted to a Python float (float64) before any comparison, and the
      relative threshold is ``best * (1 - threshold)`` as in torch (Paddle's native computes
      ``best - best * threshold`` in the metric's dtype: float32 for a float32 tensor);
    * a NaN metric counts as bad.

    ``semantics="paddle"`` takes Paddle's native decisions instead (they come from an
    internal ``paddle.optimizer.lr.ReduceOnPlateau``, so they are Paddle's by
    construction); everything else (``schedule``, checkpoints) is the same.

    With ``schedule`` (an lrcore schedule or config dict) the learning rate after ``k``
    calls of ``step(metrics)`` is ``level * schedule(k)``, where ``level`` is the plateau
    level (``learning_rate`` cut by ``factor`` at each plateau; ``min_lr`` and
    ``epsilon`` compare levels, never the scheduled lr). Each lr is computed from the
    closed form, never by chaining. ``step(metrics, epoch=e)`` sets ``k = e``, as
    Paddle's schedulers do with ``epoch``; the decision is taken as usual.

    ``mode`` and ``threshold_mode`` are case-insensitive, as in Paddle. ``min_lr`` is
    one real (Paddle has one scheduler per optimizer; per-group multipliers scale it).
    Invalid arguments raise ``ValueError``/``TypeError`` at construction, naming
    ``ReduceOnPlateau``, the argument and the value.

    ``state_dict()`` has Paddle's keys ``cooldown_counter, best, num_bad_epochs,
    last_epoch, last_lr`` plus ``level`` (the plateau level), ``semantics``, and
    ``schedule`` (its config, for checking) when there is one; it survives
    ``paddle.save``/``paddle.load`` and resumes to the same decisions and lrs.
    """

    def __init__(
        self,
        learning_rate: float,
        mode: Literal["min", "max"] = "min",
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 1e-4,
        threshold_mode: Literal["rel", "abs"] = "rel",
        cooldown: int = 0,
        min_lr: float = 0,
        epsilon: float = 1e-8,
        schedule: ScheduleLike | None = None,
        *,
        verbose: bool = False,
        semantics: Literal["torch", "paddle"] = "torch",
    ) -> None:
        base_lr = real(_NAME, "learning_rate", learning_rate, minimum=0.0)
        epsilon = real(_NAME, "epsilon", epsilon, minimum=0.0)
        if semantics not in ("torch", "paddle"):
            raise ValueError(
                f"{_NAME}: semantics must be 'torch' or 'paddle', got {semantics!r} "
                f"({type(semantics).__name__})"
            )
        if not isinstance(verbose, bool):
            raise TypeError(f"{_NAME}: verbose must be a bool, got {verbose!r}")
        try:
            self._cfg = Plateau(
                mode=mode.lower() if isinstance(mode, str) else mode,
                factor=factor,
                patience=patience,
                threshold=threshold,
                threshold_mode=(
                    threshold_mode.lower() if isinstance(threshold_mode, str) else threshold_mode
                ),
                cooldown=cooldown,
                min_lr=min_lr,
                eps=epsilon,
            )
            self._state = plateau_init(self._cfg, (base_lr,))
        except (TypeError, ValueError) as error:
            # The core names itself; this class's users know it by Paddle's name.
            message = str(error).replace(f"{_CORE_NAME}:", f"{_NAME}:", 1)
            raise type(error)(message) from None
        self.schedule: Schedule | None = _schedule(schedule)
        self.semantics = semantics
        self._native: _PaddleReduceOnPlateau | None = None
        if semantics == "paddle":
            cfg = self._cfg
            self._native = _PaddleReduceOnPlateau(
                base_lr,
                mode=cfg.mode,  # type: ignore[arg-type]
                factor=cfg.factor,
                patience=cfg.patience,
                threshold=cfg.threshold,
                threshold_mode=cfg.threshold_mode,  # type: ignore[arg-type]
                cooldown=cfg.cooldown,
                min_lr=float(cfg.min_lrs(1)[0]),
                epsilon=cfg.eps,
            )
        # Paddle's attributes, as its native sets them (its __init__ does not call the
        # base class's, which would step once).
        self.mode = self._cfg.mode
        self.factor = self._cfg.factor
        self.patience = self._cfg.patience
        self.threshold = self._cfg.threshold
        self.threshold_mode = self._cfg.threshold_mode
        self.cooldown = self._cfg.cooldown
        self.min_lr = self._cfg.min_lr
        self.epsilon = self._cfg.eps
        self.base_lr = base_lr
        self.last_epoch = 0
        self.verbose = verbose
        self._var_name = None
        self.last_lr = self.get_lr()

    # -- the decisions ------------------------------------------------------------------

    @property
    def level(self) -> float:
        """The plateau level: ``learning_rate`` after the cuts so far (no schedule)."""
        if self._native is not None:
            return float(self._native.last_lr)
        return float(self._state.lrs[0])

    @property
    def best(self) -> Any:
        """The best metric so far (torch: ``inf``/``-inf`` before any; Paddle: ``None``)."""
        return self._native.best if self._native is not None else self._state.best

    @property
    def num_bad_epochs(self) -> int:
        source = self._native if self._native is not None else self._state
        return int(source.num_bad_epochs)

    @property
    def cooldown_counter(self) -> int:
        source = self._native if self._native is not None else self._state
        return int(source.cooldown_counter)

    def get_lr(self) -> float:
        """``level * schedule(last_epoch)`` (``level`` alone without a schedule); pure."""
        if self.schedule is None:
            return self.level
        return float(self.level * self.schedule(self.last_epoch))

    def step(  # type: ignore[override]
        self, metrics: paddle.Tensor | np.ndarray[Any, Any] | float, epoch: int | None = None
    ) -> None:
        """Take one evaluation of the metric (a float, NumPy or Paddle value of shape
        ``[]`` or ``[1]``); the new lr takes effect at the next ``optimizer.step()``."""
        if epoch is not None:
            epoch = integer(f"{_NAME}.step", "epoch", epoch, minimum=0)
        before = self.level
        if self._native is not None:
            _check_metric(metrics)  # the native asserts; we raise
            self._native.step(metrics, epoch)
            self.last_epoch = int(self._native.last_epoch)
        else:
            state = plateau_update(self._state, _metric_value(metrics), self._cfg)
            if epoch is not None:
                state = state._replace(last_epoch=epoch)
            self._state = state
            self.last_epoch = int(state.last_epoch)
        self.last_lr = self.get_lr()
        if self.verbose and self.level != before:
            print(f"Epoch {self.last_epoch}: {_NAME} set learning rate to {self.last_lr}.")

    # -- checkpoints --------------------------------------------------------------------

    def state_keys(self) -> None:
        self.keys = list(_PADDLE_KEYS)

    def state_dict(self) -> dict[str, Any]:  # type: ignore[override]
        best = self.best
        state: dict[str, Any] = {
            "cooldown_counter": self.cooldown_counter,
            "best": None if best is None else float(best),
            "num_bad_epochs": self.num_bad_epochs,
            "last_epoch": self.last_epoch,
            "last_lr": self.last_lr,
            "level": self.level,
            "semantics": self.semantics,
        }
        if self.schedule is not None:
            state["schedule"] = checkpoint_config(self.schedule)
        return state

    def set_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore :meth:`state_dict`'s values (a native Paddle ``ReduceOnPlateau``'s
        state dict loads too when there is no schedule: its ``last_lr`` is the level)."""
        for key in _PADDLE_KEYS:
            if key not in state_dict:
                raise RuntimeError(
                    f"{_NAME}.set_state_dict: key {key!r} missing; keys are {sorted(state_dict)}"
                )
        self._warn_if_different(state_dict)
        if "level" in state_dict:
            level = float(state_dict["level"])
        elif self.schedule is None:
            level = float(state_dict["last_lr"])
        else:
            raise ValueError(
                f"{_NAME}.set_state_dict: the state dict has no 'level' (the plateau lr "
                "under the schedule); it was not saved by lrcore_paddle.ReduceOnPlateau"
            )
        best = state_dict["best"]
        counters = {
            key: int(state_dict[key])
            for key in ("cooldown_counter", "num_bad_epochs", "last_epoch")
        }
        if self._native is not None:
            self._native.best = None if best is None else float(best)  # type: ignore[assignment]
            self._native.last_lr = level
            for key, value in counters.items():
                setattr(self._native, key, value)
        else:
            worse = math.inf if self._cfg.mode == "min" else -math.inf
            self._state = PlateauState(
                best=worse if best is None else float(best),
                num_bad_epochs=counters["num_bad_epochs"],
                cooldown_counter=counters["cooldown_counter"],
                last_epoch=counters["last_epoch"],
                lrs=(level,),
            )
        self.last_epoch = counters["last_epoch"]
        self.last_lr = self.get_lr()

    set_dict = set_state_dict

    def _warn_if_different(self, state_dict: Mapping[str, Any]) -> None:
        saved = state_dict.get("schedule")
        current = None if self.schedule is None else checkpoint_config(self.schedule)
        if saved != current and "level" in state_dict:
            warnings.warn(
                f"{_NAME}: the checkpoint was saved with schedule {saved}, this scheduler "
                f"runs {current}; keeping this scheduler's schedule",
                stacklevel=3,
            )
        semantics = state_dict.get("semantics", self.semantics)
        if semantics != self.semantics:
            warnings.warn(
                f"{_NAME}: the checkpoint was saved with semantics={semantics!r}, this "
                f"scheduler takes {self.semantics!r} decisions from now on",
                stacklevel=3,
            )


def _schedule(schedule: Any) -> Schedule | None:
    if schedule is None:
        return None
    if not isinstance(schedule, (Schedule, Mapping)):
        raise TypeError(
            f"{_NAME}: schedule must be an lrcore schedule, a config dict or None, got "
            f"{schedule!r} ({type(schedule).__name__})"
        )
    try:
        return from_config(schedule, where=f"{_NAME}: schedule")
    except (TypeError, ValueError) as error:
        if str(error).startswith(_NAME):
            raise
        raise type(error)(f"{_NAME}: schedule: {error}") from None


def _type_error(metrics: Any) -> TypeError:
    return TypeError(
        f"{_NAME}.step: metrics must be a real number, a NumPy array or a Paddle "
        f"Tensor with one value, got {metrics!r} ({type(metrics).__name__})"
    )


def _check_metric(metrics: Any) -> None:
    if isinstance(metrics, (str, bytes, bool, np.bool_)) or not isinstance(
        metrics, (numbers.Real, paddle.Tensor, np.ndarray)
    ):
        raise _type_error(metrics)
    if isinstance(metrics, (paddle.Tensor, np.ndarray)) and int(np.prod(metrics.shape)) != 1:
        raise ValueError(
            f"{_NAME}.step: metrics must hold one value (shape [] or [1]), got shape "
            f"{list(metrics.shape)}; reduce it first (e.g. paddle.mean)"
        )


def _metric_value(metrics: Any) -> float:
    """The metric as a Python float (float64), as torch's ``float(metrics)``."""
    if isinstance(metrics, (str, bytes, bool, np.bool_)):
        raise _type_error(metrics)
    if isinstance(metrics, (paddle.Tensor, np.ndarray)):
        _check_metric(metrics)
        value = metrics.item()
        if not isinstance(value, numbers.Real) or isinstance(value, bool):
            raise _type_error(metrics)
        return float(value)
    if isinstance(metrics, numbers.Real) or hasattr(metrics, "__float__"):
        # Other one-value tensors (a torch scalar) convert like torch's float(metrics).
        return float(metrics)
    raise _type_error(metrics)
