"""``lrcore_paddle.ReduceOnPlateau``: Paddle's scheduler protocol, torch's decisions.

Oracles: torch's own ``ReduceLROnPlateau`` driven through a real torch SGD (the lr of
each update is measured from the update itself), and, for the documented differences,
Paddle's native ``paddle.optimizer.lr.ReduceOnPlateau``.  Schedules underneath are
checked against hand-written formulas times torch's plateau levels.  On the Paddle side
the lr is read from ``optimizer.get_lr()`` and checked against a real Paddle SGD update.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from tests.conformance.replay import rng_for

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # paddle's import-time "No ccache found"
    import paddle
    from paddle.optimizer.lr import ReduceOnPlateau as PaddleNative

    from lrcore_paddle import ReduceOnPlateau

NAN = math.nan
INF = math.inf
SEQUENCES = 60
EVALUATIONS = 60

# ---------------------------------------------------------------------------------------
# Drivers


def torch_lrs(metrics: Sequence[Any], base_lr: float, **kwargs: Any) -> list[float]:
    """``lrs[k]``: the lr torch's SGD applies at update ``k`` (after ``k`` metric steps)
    under torch's native ``ReduceLROnPlateau`` (``epsilon`` is passed as ``eps``)."""
    if "epsilon" in kwargs:
        kwargs["eps"] = kwargs.pop("epsilon")
    w = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
    optimizer = torch.optim.SGD([w], lr=base_lr)
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, **kwargs)
    lrs = []
    for k in range(len(metrics) + 1):
        with torch.no_grad():
            w.zero_()
        w.grad = torch.ones(1, dtype=torch.float64)
        optimizer.step()
        lrs.append(-float(w.detach()[0]))
        if k < len(metrics):
            scheduler.step(metrics[k])
    return lrs


class PaddleRun:
    """A Paddle SGD over one float64 scalar (gradient exactly 1) driven by ``scheduler``."""

    def __init__(self, scheduler: Any) -> None:
        self.scheduler = scheduler
        zero = paddle.nn.initializer.Constant(0.0)
        self.w = paddle.create_parameter([1], dtype="float64", default_initializer=zero)
        self.optimizer = paddle.optimizer.SGD(learning_rate=scheduler, parameters=[self.w])

    def update(self) -> float:
        """``optimizer.get_lr()``, checked against the lr one real update applies."""
        lr = self.optimizer.get_lr()
        self.w.set_value(np.zeros([1]))
        self.w.sum().backward()
        self.optimizer.step()
        self.optimizer.clear_grad()
        applied = -float(self.w.numpy()[0])
        assert applied == lr, (applied, lr)
        return float(lr)

    def run(self, metrics: Sequence[Any], *, updates: bool = True) -> list[float]:
        """The lr of each update, ``len(metrics) + 1`` of them (stepping in between)."""
        lrs = []
        for k in range(len(metrics) + 1):
            lrs.append(self.update() if updates else float(self.optimizer.get_lr()))
            if k < len(metrics):
                self.scheduler.step(metrics[k])
        return lrs


def native_paddle_lrs(
    metrics: Sequence[Any], base_lr: float, scheduler: Any = None, **kwargs: Any
) -> list[float]:
    """``lrs[k]`` under Paddle's native ``ReduceOnPlateau`` (its ``last_lr``)."""
    if scheduler is None:
        scheduler = PaddleNative(base_lr, **kwargs)
    lrs = [scheduler()]
    for metric in metrics:
        scheduler.step(metric)
        lrs.append(scheduler())
    return lrs


def assert_close(got: Sequence[float], want: Sequence[float], what: str) -> None:
    assert len(got) == len(want), what
    for k, (g, w) in enumerate(zip(got, want, strict=True)):
        assert abs(g - w) <= 1e-12 * abs(w), f"{what}: update {k}: got {g!r}, torch {w!r}"


# ---------------------------------------------------------------------------------------
# Random settings and metric sequences


def random_settings(rng: np.random.Generator) -> tuple[float, dict[str, Any]]:
    base_lr = float(rng.choice([1.0, 0.1, 0.003, 0.37]))
    kwargs: dict[str, Any] = {
        "mode": str(rng.choice(["min", "max"])),
        "factor": float(rng.choice([0.1, 0.5, 0.3, 0.9, 0.0])),
        "patience": int(rng.integers(0, 6)),
        "threshold": float(rng.choice([0.0, 1e-4, 1e-2, 0.1, 0.3])),
        "threshold_mode": str(rng.choice(["rel", "abs"])),
        "cooldown": int(rng.integers(0, 4)),
        "min_lr": float(rng.choice([0.0, 0.0, base_lr * 0.01, base_lr * 0.2])),
        # A large epsilon blocks cuts once the level is small: torch's eps rule.
        "epsilon": float(rng.choice([1e-8, 0.0, base_lr * 0.05])),
    }
    return base_lr, kwargs


def random_metrics(rng: np.random.Generator, mode: str, threshold: float) -> list[float]:
    """Plateaus, improvements (inside cooldowns too), noise, threshold boundaries, NaN,
    negative values; in ``mode``'s better direction."""
    sign = 1.0 if mode == "min" else -1.0
    offset = float(rng.choice([0.0, -5.0, 5.0, -0.5]))  # negative losses too
    value = float(rng.uniform(0.5, 3.0))
    seen: list[float] = []
    out: list[float] = []
    while len(out) < EVALUATIONS:
        kind = rng.choice(["plateau", "improve", "noise", "boundary", "nan", "jump"])
        length = int(rng.integers(1, 8))
        for _ in range(length):
            if kind == "plateau":
                metric = value
            elif kind == "improve":
                value -= float(rng.uniform(0.0, 0.3)) * abs(value)
                metric = value
            elif kind == "noise":
                metric = value + float(rng.normal(0.0, 0.05))
            elif kind == "nan":
                metric = NAN
            elif kind == "jump":
                value += float(rng.uniform(0.0, 1.0))
                metric = value
            else:  # exactly at / one ulp around the threshold of a value already seen
                finite = [m for m in seen if math.isfinite(m)]
                if not finite:
                    metric = value
                else:
                    best = min(finite) if sign > 0 else max(finite)
                    at = (
                        best * (1.0 - threshold if sign > 0 else threshold + 1.0)
                        if rng.random() < 0.5
                        else best - sign * threshold
                    )
                    metric = float(np.nextafter(at, at + float(rng.choice([-1.0, 0.0, 1.0]))))
            metric = sign * metric + offset if math.isfinite(metric) else metric
            seen.append(metric)
            out.append(metric)
    if rng.random() < 0.2:
        out[0] = NAN  # a first NaN: bad for torch (Paddle's native would take it as best)
    return out[:EVALUATIONS]


def as_paddle_metric(metric: float, rng: np.random.Generator) -> Any:
    """The same float64 value as a float, NumPy or Paddle scalar of shape [] or [1]."""
    kind = int(rng.integers(0, 5))
    if kind == 0:
        return metric
    if kind == 1:
        return np.float64(metric)
    if kind == 2:
        return np.array([metric])
    if kind == 3:
        return paddle.to_tensor(metric, dtype="float64")
    return paddle.to_tensor([metric], dtype="float64")


CASES = [(i, *random_settings(rng_for("plateau_paddle", i))) for i in range(SEQUENCES)]


# ---------------------------------------------------------------------------------------
# Agreement with torch


@pytest.mark.parametrize(("index", "base_lr", "kwargs"), CASES, ids=[f"seq{c[0]}" for c in CASES])
def test_agrees_with_torch_at_every_update(
    index: int, base_lr: float, kwargs: dict[str, Any], tmp_path: Path
) -> None:
    rng = rng_for("plateau_paddle_metrics", index)
    metrics = random_metrics(rng, kwargs["mode"], kwargs["threshold"])
    want = torch_lrs(metrics, base_lr, **kwargs)
    paddle_metrics = [as_paddle_metric(m, rng) for m in metrics]
    got = PaddleRun(ReduceOnPlateau(base_lr, **kwargs)).run(paddle_metrics)
    assert_close(got, want, f"seq{index} {kwargs}")
    # Resume mid-run through paddle.save / paddle.load (scheduler and optimizer state).
    cut = int(rng.integers(1, EVALUATIONS))
    first = PaddleRun(ReduceOnPlateau(base_lr, **kwargs))
    before = first.run(paddle_metrics[:cut], updates=False)
    paddle.save(first.scheduler.state_dict(), str(tmp_path / "sched.pdparams"))
    paddle.save(first.optimizer.state_dict(), str(tmp_path / "opt.pdopt"))
    second = PaddleRun(ReduceOnPlateau(base_lr, **kwargs))
    if index % 2:
        second.scheduler.set_state_dict(paddle.load(str(tmp_path / "sched.pdparams")))
    else:  # the optimizer's checkpoint carries the scheduler's state ("LR_Scheduler")
        second.optimizer.set_state_dict(paddle.load(str(tmp_path / "opt.pdopt")))
    after = second.run(paddle_metrics[cut:], updates=False)
    assert_close(before[:-1] + after, want, f"seq{index} resumed at {cut}")


def test_float32_metrics_convert_like_torch() -> None:
    """A float32 metric is compared as its float64 value, as torch's ``float(metrics)``."""
    b, a = np.float32(1.7511108), np.float32(1.7509357)
    metrics32 = [b, a, a, a]
    want = torch_lrs(
        [torch.tensor(float(m), dtype=torch.float32) for m in metrics32], 1.0, patience=1
    )
    for convert in (lambda m: m, paddle.to_tensor, lambda m: paddle.to_tensor([m])):
        got = PaddleRun(ReduceOnPlateau(1.0, patience=1)).run([convert(m) for m in metrics32])
        assert_close(got, want, "float32 metrics")


# ---------------------------------------------------------------------------------------
# A schedule underneath


def warmup_cosine(k: int) -> float:
    """warmup(5 steps from 0.1) then cosine_annealing(T_max=40, min_factor=0.05)."""
    if k < 5:
        return 0.1 + 0.9 * k / 5
    t = k - 5
    return 0.05 + 0.95 * (1 + math.cos(math.pi * t / 40)) / 2


WARMUP_COSINE = {
    "name": "warmup",
    "warmup_steps": 5,
    "start_factor": 0.1,
    "schedule": {"name": "cosine_annealing", "T_max": 40, "min_factor": 0.05},
}
SCHEDULES: list[tuple[str, Any, Callable[[int], float]]] = [
    ("warmup_cosine", WARMUP_COSINE, warmup_cosine),
    ("exponential", {"name": "exponential", "gamma": 0.97}, lambda k: 0.97**k),
    (
        "linear",
        {"name": "linear", "start": 1.0, "end": 0.2, "steps": 30},
        lambda k: 1 - 0.8 * min(k, 30) / 30,
    ),
]


@pytest.mark.parametrize(("name", "config", "formula"), SCHEDULES, ids=[s[0] for s in SCHEDULES])
def test_schedule_underneath(
    name: str, config: Any, formula: Callable[[int], float], tmp_path: Path
) -> None:
    for index in range(6):
        rng = rng_for("plateau_paddle_schedule", name, index)
        base_lr, kwargs = random_settings(rng)
        metrics = random_metrics(rng, kwargs["mode"], kwargs["threshold"])
        levels = torch_lrs(metrics, base_lr, **kwargs)  # torch's plateau levels
        want = [level * formula(k) for k, level in enumerate(levels)]
        paddle_metrics = [as_paddle_metric(m, rng) for m in metrics]
        got = PaddleRun(ReduceOnPlateau(base_lr, **kwargs, schedule=config)).run(paddle_metrics)
        assert_close(got, want, f"{name} #{index}")
        # Resume: the schedule keeps its own step across the checkpoint.
        cut = int(rng.integers(1, EVALUATIONS))
        first = PaddleRun(ReduceOnPlateau(base_lr, **kwargs, schedule=config))
        before = first.run(paddle_metrics[:cut], updates=False)
        paddle.save(first.scheduler.state_dict(), str(tmp_path / "s.pdparams"))
        second = PaddleRun(ReduceOnPlateau(base_lr, **kwargs, schedule=config))
        second.scheduler.set_dict(paddle.load(str(tmp_path / "s.pdparams")))
        assert second.scheduler.last_epoch == cut
        after = second.run(paddle_metrics[cut:], updates=False)
        assert_close(before[:-1] + after, want, f"{name} #{index} resumed at {cut}")


def test_schedule_level_floors_and_epsilon_apply_to_the_level() -> None:
    """``min_lr``/``epsilon`` compare plateau levels: a schedule near 0 neither blocks
    nor triggers a cut (warmup from 0: the scheduled lr starts at 0)."""
    schedule = {"name": "linear", "start": 0.0, "end": 1.0, "steps": 10}
    metrics = [1.0] * 12
    scheduler = ReduceOnPlateau(1.0, patience=1, min_lr=0.05, epsilon=0.02, schedule=schedule)
    got = PaddleRun(scheduler).run(metrics)
    levels = torch_lrs(metrics, 1.0, patience=1, min_lr=0.05, eps=0.02)
    assert levels[-1] == 0.05  # floored, then further cuts < eps are ignored
    assert_close(got, [lv * min(k, 10) / 10 for k, lv in enumerate(levels)], "floor")
    assert scheduler.level == 0.05


def test_step_epoch_sets_the_schedule_step() -> None:
    scheduler = ReduceOnPlateau(1.0, patience=0, schedule={"name": "exponential", "gamma": 0.5})
    scheduler.step(1.0, epoch=10)
    assert scheduler.last_epoch == 10
    assert scheduler() == pytest.approx(0.5**10, rel=1e-15)
    scheduler.step(2.0)  # bad, patience 0: cut
    assert scheduler.last_epoch == 11
    assert scheduler.level == 0.1
    assert scheduler() == pytest.approx(0.1 * 0.5**11, rel=1e-15)


# ---------------------------------------------------------------------------------------
# How Paddle's native differs from torch's (each on a concrete sequence)

DIFFERENCES: list[tuple[str, dict[str, Any], list[Any], list[float], list[float]]] = [
    # Paddle skips its whole bookkeeping during cooldown: the 0.5 (inside the cooldown)
    # never becomes best, so 0.9 still counts as an improvement over 1.0 afterwards.
    (
        "cooldown_freezes_best",
        {"patience": 0, "cooldown": 2},
        [1.0, 1.0, 0.5, 0.9, 0.9, 0.9],
        [1.0, 1.0, 0.1, 0.1, 0.1, 0.01, 0.01],  # torch
        [1.0, 1.0, 0.1, 0.1, 0.1, 0.1, 0.01],  # paddle
    ),
    # Paddle takes the first metric as best whatever it is; a NaN best makes every later
    # comparison false: nothing ever improves again.  torch: a NaN is one bad evaluation.
    (
        "first_nan_poisons_best",
        {"patience": 1},
        [NAN, 1.0, 0.5, 0.4, 0.3],
        [1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
        [1.0, 1.0, 1.0, 0.1, 0.1, 0.01],
    ),
    # A first +inf (min, rel): torch counts it bad; Paddle makes it best, and then
    # inf - inf * threshold is NaN: nothing ever improves again.
    (
        "first_inf",
        {"patience": 1},
        [INF, 1.0, 0.5, 0.4, 0.3],
        [1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
        [1.0, 1.0, 1.0, 0.1, 0.1, 0.01],
    ),
    # Relative threshold arithmetic: torch best * (1 - threshold), Paddle
    # best - best * threshold; they round differently (here on negative losses).
    (
        "rel_threshold_rounding",
        {"patience": 0, "threshold": 0.3},
        [-0.28144606874374745, -0.19701224812062323],
        [1.0, 1.0, 1.0],
        [1.0, 1.0, 0.1],
    ),
    # Paddle keeps the metric's dtype: with float32 metrics, best - best * threshold is
    # rounded to float32.  torch compares float(metric), in float64.
    (
        "float32_threshold",
        {"patience": 0},
        [np.float32(1.7511108), np.float32(1.7509357)],
        [1.0, 1.0, 1.0],
        [1.0, 1.0, 0.1],
    ),
]


@pytest.mark.parametrize(
    ("name", "kwargs", "metrics", "torch_want", "paddle_want"),
    DIFFERENCES,
    ids=[d[0] for d in DIFFERENCES],
)
def test_paddle_native_differs_from_torch(
    name: str,
    kwargs: dict[str, Any],
    metrics: list[Any],
    torch_want: list[float],
    paddle_want: list[float],
) -> None:
    torch_got = torch_lrs([float(m) for m in metrics], 1.0, **kwargs)
    native_got = native_paddle_lrs(metrics, 1.0, **kwargs)
    assert_close(torch_got, torch_want, f"{name}: torch")
    assert_close(native_got, paddle_want, f"{name}: paddle native")
    assert torch_got != native_got
    # Ours takes torch's decisions; semantics="paddle" takes the native's.
    ours = PaddleRun(ReduceOnPlateau(1.0, **kwargs)).run(metrics)
    assert_close(ours, torch_want, f"{name}: lrcore_paddle")
    as_paddle = PaddleRun(ReduceOnPlateau(1.0, **kwargs, semantics="paddle")).run(metrics)
    assert_close(as_paddle, paddle_want, f"{name}: lrcore_paddle semantics='paddle'")


def test_same_decisions_where_no_difference_applies() -> None:
    """Outside those cases Paddle's native takes torch's decisions: min/max, rel/abs,
    patience, factor, min_lr, epsilon, NaN after the first evaluation, negative values
    (no cooldown, a finite first metric, dyadic metrics and thresholds: no rounding)."""
    rng = rng_for("plateau_paddle_same")
    for _ in range(30):
        base_lr, kwargs = random_settings(rng)
        kwargs["cooldown"] = 0
        kwargs["threshold"] = float(rng.choice([0.0, 0.125, 0.5]))
        metrics = [float(m) / 4 for m in rng.integers(-12, 12, EVALUATIONS)]
        for k in rng.integers(1, EVALUATIONS, 5):
            metrics[k] = NAN
        want = torch_lrs(metrics, base_lr, **kwargs)
        assert native_paddle_lrs(metrics, base_lr, **kwargs) == want, kwargs


def test_semantics_paddle_matches_the_native_on_random_sequences(tmp_path: Path) -> None:
    for index in range(12):
        rng = rng_for("plateau_paddle_native", index)
        base_lr, kwargs = random_settings(rng)
        metrics = random_metrics(rng, kwargs["mode"], kwargs["threshold"])
        typed: list[Any] = [
            paddle.to_tensor(m, dtype="float32") if index % 3 == 0 else m for m in metrics
        ]
        want = native_paddle_lrs(typed, base_lr, **kwargs)
        got = PaddleRun(ReduceOnPlateau(base_lr, **kwargs, semantics="paddle")).run(typed)
        assert_close(got, want, f"paddle semantics #{index}")
        cut = int(rng.integers(1, EVALUATIONS))
        first = PaddleRun(ReduceOnPlateau(base_lr, **kwargs, semantics="paddle"))
        before = first.run(typed[:cut], updates=False)
        paddle.save(first.scheduler.state_dict(), str(tmp_path / "p.pdparams"))
        second = PaddleRun(ReduceOnPlateau(base_lr, **kwargs, semantics="paddle"))
        second.scheduler.set_state_dict(paddle.load(str(tmp_path / "p.pdparams")))
        after = second.run(typed[cut:], updates=False)
        # The native resumed from its own state dict (which stores a float32 tensor best
        # as a Python float: later comparisons are float64, with ours as with the native).
        native = PaddleNative(base_lr, **kwargs)
        for metric in typed[:cut]:
            native.step(metric)
        resumed = PaddleNative(base_lr, **kwargs)
        resumed.set_state_dict(native.state_dict())
        want_resumed = want[:cut] + native_paddle_lrs(typed[cut:], base_lr, resumed)
        assert_close(before[:-1] + after, want_resumed, f"paddle semantics #{index} resumed")


# ---------------------------------------------------------------------------------------
# Protocol: state dict, native checkpoints, verbose


def test_state_dict_keys_and_values() -> None:
    scheduler = ReduceOnPlateau(0.5, patience=0, cooldown=1, schedule={"name": "constant"})
    assert scheduler.state_dict() == {
        "cooldown_counter": 0,
        "best": INF,
        "num_bad_epochs": 0,
        "last_epoch": 0,
        "last_lr": 0.5,
        "level": 0.5,
        "semantics": "torch",
        "schedule": {"name": "constant", "factor": 1.0},
    }
    scheduler.step(paddle.to_tensor([3.0]))
    scheduler.step(4.0)
    state = scheduler.state_dict()
    assert (state["best"], state["cooldown_counter"], state["level"]) == (3.0, 1, 0.05)
    assert state["last_epoch"] == 2


def test_loads_a_native_paddle_state_dict() -> None:
    native = PaddleNative(1.0, patience=0)
    for metric in [2.0, 1.0, 1.5]:
        native.step(metric)
    ours = ReduceOnPlateau(1.0, patience=0)
    ours.set_state_dict(native.state_dict())
    assert (ours.level, ours.best, ours.last_epoch) == (0.1, 1.0, 3)
    fresh = PaddleNative(1.0, patience=0)
    ours.set_state_dict(fresh.state_dict())  # best None: nothing seen yet
    assert ours.best == INF


def test_set_state_dict_errors_and_warnings() -> None:
    scheduler = ReduceOnPlateau(1.0, schedule={"name": "exponential", "gamma": 0.9})
    state = scheduler.state_dict()
    with pytest.raises(RuntimeError, match=r"ReduceOnPlateau\.set_state_dict: key 'best'"):
        scheduler.set_state_dict({k: v for k, v in state.items() if k != "best"})
    with pytest.raises(ValueError, match="no 'level'"):
        scheduler.set_state_dict({k: v for k, v in state.items() if k != "level"})
    other = ReduceOnPlateau(1.0, schedule={"name": "exponential", "gamma": 0.8})
    with pytest.warns(UserWarning, match="keeping this scheduler's schedule"):
        other.set_state_dict(state)
    assert other() == 1.0 * 0.8**0
    with pytest.warns(UserWarning, match="semantics='torch'"):
        ReduceOnPlateau(1.0, schedule=state["schedule"], semantics="paddle").set_state_dict(state)


def test_verbose_prints_on_cuts(capsys: pytest.CaptureFixture[str]) -> None:
    scheduler = ReduceOnPlateau(1.0, patience=0, verbose=True)
    scheduler.step(1.0)
    scheduler.step(1.0)
    assert capsys.readouterr().out == "Epoch 2: ReduceOnPlateau set learning rate to 0.1.\n"


def test_is_a_paddle_lr_scheduler_for_any_optimizer() -> None:
    scheduler = ReduceOnPlateau(0.01, patience=0)
    linear = paddle.nn.Linear(2, 1)
    adam = paddle.optimizer.Adam(learning_rate=scheduler, parameters=linear.parameters())
    assert isinstance(scheduler, paddle.optimizer.lr.LRScheduler)
    assert adam.get_lr() == 0.01
    scheduler.step(1.0)
    scheduler.step(1.0)
    assert adam.get_lr() == pytest.approx(0.001, rel=1e-15)


# ---------------------------------------------------------------------------------------
# Errors


BAD: list[tuple[dict[str, Any], type[Exception], str]] = [
    ({"learning_rate": -0.1}, ValueError, "learning_rate must be >= 0.0, got -0.1"),
    ({"learning_rate": "0.1"}, TypeError, "learning_rate must be a real number, got '0.1'"),
    ({"learning_rate": math.nan}, ValueError, "learning_rate must be finite, got nan"),
    ({"mode": "minimum"}, ValueError, "mode must be one of 'min', 'max', got 'minimum'"),
    ({"factor": 1.0}, ValueError, "factor must be < 1, got 1.0"),
    ({"factor": -0.5}, ValueError, "factor must be >= 0.0, got -0.5"),
    ({"patience": -1}, ValueError, "patience must be >= 0, got -1"),
    ({"patience": 2.0}, TypeError, "patience must be an integer, got 2.0"),
    ({"threshold": -1e-4}, ValueError, "threshold must be >= 0.0, got -0.0001"),
    ({"threshold_mode": "relative"}, ValueError, "threshold_mode must be one of 'rel', 'abs'"),
    ({"cooldown": -2}, ValueError, "cooldown must be >= 0, got -2"),
    ({"min_lr": -1.0}, ValueError, "min_lr must be >= 0.0, got -1.0"),
    ({"min_lr": [0.1, 0.2]}, ValueError, "min_lr has 2 items, expected one per group (1)"),
    ({"epsilon": math.inf}, ValueError, "epsilon must be finite, got inf"),
    ({"schedule": 0.5}, TypeError, "schedule must be an lrcore schedule, a config dict or None"),
    ({"schedule": {"name": "nope"}}, ValueError, "schedule: unknown schedule name 'nope'"),
    ({"schedule": {"name": "exponential", "gamma": -1}}, ValueError, "gamma must be > 0.0"),
    ({"semantics": "tf"}, ValueError, "semantics must be 'torch' or 'paddle', got 'tf'"),
    ({"verbose": 1}, TypeError, "verbose must be a bool, got 1"),
]


@pytest.mark.parametrize(("patch", "error", "text"), BAD, ids=[str(b[0]) for b in BAD])
def test_bad_arguments(patch: dict[str, Any], error: type[Exception], text: str) -> None:
    kwargs: dict[str, Any] = {"learning_rate": 0.1, **patch}
    with pytest.raises(error) as info:
        ReduceOnPlateau(**kwargs)
    message = str(info.value)
    assert message.startswith("ReduceOnPlateau: "), message
    assert text in message, message


def test_paddle_style_case_insensitive_modes() -> None:
    scheduler = ReduceOnPlateau(1.0, mode="MAX", threshold_mode="Abs")
    assert (scheduler.mode, scheduler.threshold_mode) == ("max", "abs")


@pytest.mark.parametrize(
    ("metric", "error", "text"),
    [
        (paddle.to_tensor([1.0, 2.0]), ValueError, "shape [] or [1]), got shape [2]"),
        (np.zeros([1, 2]), ValueError, "got shape [1, 2]"),
        ("0.5", TypeError, "metrics must be a real number"),
        (True, TypeError, "metrics must be a real number"),
        (None, TypeError, "metrics must be a real number"),
    ],
    ids=["tensor2", "ndarray12", "str", "bool", "none"],
)
def test_bad_metrics(metric: Any, error: type[Exception], text: str) -> None:
    for semantics in ("torch", "paddle"):
        scheduler = ReduceOnPlateau(1.0, semantics=semantics)  # type: ignore[arg-type]
        with pytest.raises(error) as info:
            scheduler.step(metric)
        assert str(info.value).startswith("ReduceOnPlateau.step: ")
        assert text in str(info.value)


def test_bad_epoch() -> None:
    with pytest.raises(ValueError, match=r"ReduceOnPlateau.step: epoch must be >= 0, got -1"):
        ReduceOnPlateau(1.0).step(1.0, epoch=-1)
