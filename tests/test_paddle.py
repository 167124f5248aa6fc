"""The PaddlePaddle adapter: ``lrcore_paddle.to_paddle`` as a real Paddle ``LRScheduler``.

Oracles: the core formula (``base_lr * lrcore.from_config(config)(k)``), Paddle's own
native schedulers (``StepDecay``, ``MultiStepDecay``, ``ExponentialDecay``,
``CosineAnnealingDecay``, ``LinearWarmup``) and the source recipes written out by hand
(transformers' linear warmup/decay, torchvision's warmup factor) run through
``LambdaDecay``.  Step ``k`` means "after ``k`` calls of ``scheduler.step()``".
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path
from typing import Any

import pytest

import lrcore
from tests.cases import BASE_LRS, CASE_IDS, CASES
from tests.recipe_oracles import torchvision_warmup, transformers_linear

with warnings.catch_warnings():
    # Importing paddle warns about a missing ccache (C++ extension builds): noise here.
    warnings.simplefilter("ignore")
    import paddle
    from paddle.optimizer.lr import (
        CosineAnnealingDecay,
        LambdaDecay,
        LinearWarmup,
        LRScheduler,
        MultiStepDecay,
        StepDecay,
    )
    from paddle.optimizer.lr import ExponentialDecay as PaddleExponentialDecay

    import lrcore_paddle

Config = dict[str, Any]

# Extra settings of our own for the native comparisons (id, config, horizon).
EXTRA_NATIVE_CASES: list[tuple[str, Config, int]] = [
    ("constant-0", {"name": "constant", "factor": 0.0}, 5),
    ("step-3-0.9", {"name": "step", "step_size": 3, "gamma": 0.9}, 60),
    ("multistep-2-5-11", {"name": "multistep", "milestones": [2, 5, 11], "gamma": 0.7}, 20),
    ("multistep-0-4", {"name": "multistep", "milestones": [0, 4], "gamma": 0.5}, 10),
    ("exponential-0.5", {"name": "exponential", "gamma": 0.5}, 100),
    ("cosine-7-0.2", {"name": "cosine_annealing", "T_max": 7, "min_factor": 0.2}, 70),
    ("cosine-2-0", {"name": "cosine_annealing", "T_max": 2}, 20),
    ("cosine-1-0.5", {"name": "cosine_annealing", "T_max": 1, "min_factor": 0.5}, 10),
    ("warmup_linear-3-20", {"name": "warmup_linear", "warmup_steps": 3, "total_steps": 20}, 30),
    ("warmup_linear-0-1", {"name": "warmup_linear", "warmup_steps": 0, "total_steps": 1}, 5),
    ("warmup_linear-1-1", {"name": "warmup_linear", "warmup_steps": 1, "total_steps": 1}, 5),
    ("warmup_linear-5-6", {"name": "warmup_linear", "warmup_steps": 5, "total_steps": 6}, 10),
    ("warmup_factor-10", {"name": "warmup_factor", "warmup_iters": 10, "warmup_factor": 1 / 3}, 15),
    ("warmup_factor-1-0", {"name": "warmup_factor", "warmup_iters": 1, "warmup_factor": 0.0}, 5),
    ("warmup_factor-4-1", {"name": "warmup_factor", "warmup_iters": 4, "warmup_factor": 1.0}, 8),
    (
        "warmup3-cosine13",
        {
            "name": "warmup",
            "warmup_steps": 3,
            "start_factor": 0.5,
            "schedule": {"name": "cosine_annealing", "T_max": 13, "min_factor": 0.1},
        },
        40,
    ),
    (
        "warmup1-multistep-0-2",
        {
            "name": "warmup",
            "warmup_steps": 1,
            "schedule": {"name": "multistep", "milestones": [0, 2], "gamma": 0.5},
        },
        10,
    ),
    (
        "warmup20-exponential",
        {
            "name": "warmup",
            "warmup_steps": 20,
            "start_factor": 0.01,
            "schedule": {"name": "exponential", "gamma": 0.97},
        },
        80,
    ),
    (
        "warmup2-warmup_linear",
        {
            "name": "warmup",
            "warmup_steps": 2,
            "start_factor": 0.3,
            "schedule": {"name": "warmup_linear", "warmup_steps": 4, "total_steps": 12},
        },
        20,
    ),
]

NATIVE_CASES = CASES + EXTRA_NATIVE_CASES
NATIVE_IDS = [case[0] for case in NATIVE_CASES]


# --------------------------------------------------------------------------- helpers


def native_scheduler(config: Config, base_lr: float) -> LRScheduler:
    """Paddle's own scheduler (or a recipe in ``LambdaDecay``) for an lrcore config."""
    name = config["name"]
    if name == "constant":
        factor = config.get("factor", 1.0)
        return LambdaDecay(base_lr, lambda _: factor)
    if name == "warmup_linear":
        return LambdaDecay(
            base_lr, transformers_linear(config["warmup_steps"], config["total_steps"])
        )
    if name == "warmup_factor":
        return LambdaDecay(
            base_lr, torchvision_warmup(config["warmup_iters"], config["warmup_factor"])
        )
    if name == "step":
        return StepDecay(base_lr, step_size=config["step_size"], gamma=config.get("gamma", 0.1))
    if name == "multistep":
        return MultiStepDecay(
            base_lr, milestones=list(config["milestones"]), gamma=config.get("gamma", 0.1)
        )
    if name == "exponential":
        return PaddleExponentialDecay(base_lr, gamma=config["gamma"])
    if name == "cosine_annealing":
        return CosineAnnealingDecay(
            base_lr, T_max=config["T_max"], eta_min=config.get("min_factor", 0.0) * base_lr
        )
    if name == "warmup":
        inner = native_scheduler(config["schedule"], base_lr)
        if config["warmup_steps"] == 0:
            # LinearWarmup asserts warmup_steps > 0; a warmup of 0 steps is the inner
            # schedule from step 0 (SequentialLR with milestone 0).
            return inner
        return LinearWarmup(
            learning_rate=inner,
            warmup_steps=config["warmup_steps"],
            start_lr=config.get("start_factor", 0.0) * base_lr,
            end_lr=base_lr,
        )
    raise AssertionError(f"no native mapping for {name!r}")


def native_horizon(config: Config, horizon: int) -> int:
    """``horizon``, extended to ~10 periods of any cosine (Paddle's recursion past T_max)."""
    if config["name"] == "cosine_annealing":
        return max(horizon, 10 * config["T_max"])
    if config["name"] == "warmup":
        return max(horizon, config["warmup_steps"] + native_horizon(config["schedule"], 0))
    return horizon


def sgd(scheduler: LRScheduler, dtype: str = "float32") -> tuple[paddle.nn.Linear, Any]:
    """A tiny one-weight ``Linear`` and an SGD optimizer driven by ``scheduler``."""
    linear = paddle.nn.Linear(1, 1, bias_attr=False)
    if dtype != "float32":
        linear.to(dtype=dtype)
    optimizer = paddle.optimizer.SGD(learning_rate=scheduler, parameters=linear.parameters())
    return linear, optimizer


def run(scheduler: LRScheduler, horizon: int) -> list[float]:
    """The scheduler's lr at steps ``0 .. horizon`` (stepping it ``horizon`` times)."""
    values = [scheduler()]
    for _ in range(horizon):
        scheduler.step()
        values.append(scheduler())
    return values


def continue_run(scheduler: LRScheduler, start: int, horizon: int) -> list[float]:
    """The lr at steps ``start .. horizon`` of a scheduler currently at ``start``."""
    return run(scheduler, horizon - start)


def resume_steps(config: Config, horizon: int) -> list[int]:
    """Steps to interrupt at: 0, 1, every phase boundary and its neighbour, mid, end."""
    starts = [phase.start for phase in lrcore.from_config(config).pieces]
    steps = {0, 1, horizon // 2, horizon - 1, horizon}
    for start in starts:
        steps.update({start - 1, start, start + 1})
    return sorted(k for k in steps if 0 <= k <= horizon)


def expected_lr(config: Config, base_lr: float, step: int) -> float:
    """The contract: ``base_lr * schedule(step)`` from the core."""
    return base_lr * lrcore.from_config(config)(step)


def assert_close(got: float, want: float, base_lr: float, rel: float, where: str) -> None:
    """``got == want`` to ``rel`` relative, with an absolute floor of ``1e-12 * base_lr``."""
    assert math.isclose(got, want, rel_tol=rel, abs_tol=1e-12 * base_lr), (
        f"{where}: got {got!r}, want {want!r}"
    )


# --------------------------------------------------------------------------- 1. core


@pytest.mark.parametrize("base_lr", BASE_LRS)
@pytest.mark.parametrize(("case_id", "config", "horizon"), CASES, ids=CASE_IDS)
def test_matches_core_through_optimizer(
    case_id: str, config: Config, horizon: int, base_lr: float
) -> None:
    """A Paddle SGD driven by to_paddle applies base_lr * f(k) at update k.

    Checks optimizer.get_lr(), scheduler.last_lr and scheduler() against the core to
    1e-12 relative, and that the float64 weight update of step k really used that lr.
    """
    scheduler = lrcore_paddle.to_paddle(config, base_lr)
    assert isinstance(scheduler, LRScheduler)
    assert scheduler.schedule.to_config() == lrcore.from_config(config).to_config()
    linear, optimizer = sgd(scheduler, dtype="float64")
    x = paddle.ones([1, 1], dtype="float64")  # d(loss)/dw = 1: the update is -lr
    for k in range(horizon + 1):
        want = expected_lr(config, base_lr, k)
        where = f"{case_id} lr={base_lr} step {k}"
        assert scheduler.last_epoch == k
        assert_close(optimizer.get_lr(), want, base_lr, 1e-12, where)
        assert_close(scheduler.last_lr, want, base_lr, 1e-12, where)
        assert_close(scheduler(), want, base_lr, 1e-12, where)
        before = float(linear.weight.numpy()[0, 0])
        linear(x).sum().backward()
        optimizer.step()
        optimizer.clear_grad()
        after = float(linear.weight.numpy()[0, 0])
        assert math.isclose(before - after, want, rel_tol=1e-9, abs_tol=1e-13), (
            f"{where}: weight moved by {before - after!r}, want lr {want!r}"
        )
        scheduler.step()


def test_accepts_schedule_object() -> None:
    """to_paddle takes a Schedule as well as a config, and keeps it as .schedule."""
    schedule = lrcore.Step(step_size=2, gamma=0.5)
    scheduler = lrcore_paddle.to_paddle(schedule, 0.4)
    assert scheduler.schedule == schedule
    assert run(scheduler, 5) == [0.4, 0.4, 0.2, 0.2, 0.1, 0.1]


# --------------------------------------------------------------------------- 2. natives


@pytest.mark.parametrize("base_lr", BASE_LRS)
@pytest.mark.parametrize(("case_id", "config", "horizon"), NATIVE_CASES, ids=NATIVE_IDS)
def test_matches_paddle_native(case_id: str, config: Config, horizon: int, base_lr: float) -> None:
    """to_paddle agrees with Paddle's native scheduler / the source recipe to 1e-9.

    Both sit in real SGD optimizers; compared via optimizer.get_lr() at every step.
    Standalone CosineAnnealingDecay uses its recursive formula (step() without an
    epoch) out to ~10 * T_max; inside LinearWarmup the inner scheduler is driven by
    ``inner.step(last_epoch - warmup_steps)``, i.e. restarted at its step 0 when the
    warmup ends (SequentialLR semantics, like lrcore's warmup), via the closed form.
    """
    native = native_scheduler(config, base_lr)
    ours = lrcore_paddle.to_paddle(config, base_lr)
    _, native_optimizer = sgd(native)
    _, our_optimizer = sgd(ours)
    for k in range(native_horizon(config, horizon) + 1):
        assert_close(
            our_optimizer.get_lr(), native_optimizer.get_lr(), base_lr, 1e-9, f"{case_id} {k}"
        )
        native.step()
        ours.step()


def test_linear_warmup_restarts_inner_at_zero() -> None:
    """Paddle's LinearWarmup hands over at step W to the inner schedule's step 0.

    A direct check of the semantics the native comparison relies on: with a
    StepDecay(step_size=1) inner, step W is base_lr (not base_lr * gamma).
    """
    inner = StepDecay(0.1, step_size=1, gamma=0.5)
    warm = LinearWarmup(learning_rate=inner, warmup_steps=3, start_lr=0.0, end_lr=0.1)
    values = run(warm, 6)
    assert values[:3] == [0.0, (0.1 - 0.0) * 1 / 3, (0.1 - 0.0) * 2 / 3]
    assert values[3:] == [0.1, 0.05, 0.025, 0.0125]
    ours = lrcore_paddle.to_paddle(
        {
            "name": "warmup",
            "warmup_steps": 3,
            "schedule": {"name": "step", "step_size": 1, "gamma": 0.5},
        },
        0.1,
    )
    for got, want in zip(run(ours, 6), values, strict=True):
        assert math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-15)


# --------------------------------------------------------------------------- 3. resume


def _uninterrupted(config: Config, base_lr: float, horizon: int) -> list[float]:
    return run(lrcore_paddle.to_paddle(config, base_lr), horizon)


@pytest.mark.parametrize(("case_id", "config", "horizon"), CASES, ids=CASE_IDS)
def test_resume_from_state_dict(case_id: str, config: Config, horizon: int) -> None:
    """state_dict -> fresh scheduler.set_state_dict continues exactly (==) at every k."""
    base_lr = BASE_LRS[1]
    reference = _uninterrupted(config, base_lr, horizon)
    for k in resume_steps(config, horizon):
        first = lrcore_paddle.to_paddle(config, base_lr)
        for _ in range(k):
            first.step()
        state = first.state_dict()
        assert state["last_epoch"] == k
        fresh = lrcore_paddle.to_paddle(config, base_lr)
        fresh.set_state_dict(state)
        assert fresh.last_epoch == k
        assert continue_run(fresh, k, horizon) == reference[k:], f"{case_id} resumed at {k}"


@pytest.mark.parametrize(("case_id", "config", "horizon"), CASES, ids=CASE_IDS)
def test_resume_through_paddle_save(
    case_id: str, config: Config, horizon: int, tmp_path: Path
) -> None:
    """The scheduler state survives paddle.save / paddle.load and resumes exactly."""
    base_lr = BASE_LRS[0]
    reference = _uninterrupted(config, base_lr, horizon)
    for k in resume_steps(config, horizon):
        first = lrcore_paddle.to_paddle(config, base_lr)
        for _ in range(k):
            first.step()
        path = tmp_path / f"sched-{k}.pdparams"
        paddle.save(first.state_dict(), str(path))
        fresh = lrcore_paddle.to_paddle(config, base_lr)
        fresh.set_state_dict(paddle.load(str(path)))
        assert continue_run(fresh, k, horizon) == reference[k:], f"{case_id} resumed at {k}"


@pytest.mark.parametrize(("case_id", "config", "horizon"), CASES, ids=CASE_IDS)
def test_resume_through_optimizer_state_dict(case_id: str, config: Config, horizon: int) -> None:
    """optimizer.state_dict() embeds the scheduler ("LR_Scheduler"); loading it restores it."""
    base_lr = BASE_LRS[0]
    reference = _uninterrupted(config, base_lr, horizon)
    x = paddle.ones([1, 1])
    for k in resume_steps(config, horizon):
        first = lrcore_paddle.to_paddle(config, base_lr)
        linear, optimizer = sgd(first)
        for _ in range(k):
            linear(x).sum().backward()
            optimizer.step()
            optimizer.clear_grad()
            first.step()
        state = optimizer.state_dict()
        assert state["LR_Scheduler"]["last_epoch"] == k
        fresh = lrcore_paddle.to_paddle(config, base_lr)
        _, fresh_optimizer = sgd(fresh)
        fresh_optimizer.set_state_dict(state)
        assert fresh.last_epoch == k
        assert fresh_optimizer.get_lr() == reference[k]
        assert continue_run(fresh, k, horizon) == reference[k:], f"{case_id} resumed at {k}"


@pytest.mark.parametrize(("case_id", "config", "horizon"), CASES, ids=CASE_IDS)
def test_last_epoch_argument_continues_from_next_step(
    case_id: str, config: Config, horizon: int
) -> None:
    """to_paddle(config, lr, last_epoch=k-1) is at step k (Paddle's __init__ steps once)."""
    base_lr = BASE_LRS[0]
    reference = _uninterrupted(config, base_lr, horizon)
    for k in resume_steps(config, horizon):
        scheduler = lrcore_paddle.to_paddle(config, base_lr, last_epoch=k - 1)
        assert scheduler.last_epoch == k
        assert continue_run(scheduler, k, horizon) == reference[k:], f"{case_id} from {k}"


# --------------------------------------------------------------------------- 4. loading


def test_matching_state_dict_loads_silently() -> None:
    """Loading a scheduler's own state dict (a plain resume) emits no warning at all.

    The mismatch warning is only a signal if a correct resume is silent.
    """
    config = {"name": "multistep", "milestones": [3, 9], "gamma": 0.3}
    first = lrcore_paddle.to_paddle(config, 0.1)
    for _ in range(4):
        first.step()
    fresh = lrcore_paddle.to_paddle(config, 0.1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fresh.set_state_dict(first.state_dict())
    assert [str(w.message) for w in caught] == []
    assert fresh.last_epoch == 4


@pytest.mark.parametrize(("case_id", "config", "horizon"), CASES, ids=CASE_IDS)
def test_state_dict_never_alters_schedule(case_id: str, config: Config, horizon: int) -> None:
    """A state dict saved with another schedule warns, and the schedule stays as built."""
    other: Config = {"name": "exponential", "gamma": 0.5}
    saved = lrcore_paddle.to_paddle(other, 0.1)
    for _ in range(3):
        saved.step()
    scheduler = lrcore_paddle.to_paddle(config, 0.1)
    before = scheduler.schedule.to_config()
    with pytest.warns(UserWarning, match="saved with schedule"):
        scheduler.set_state_dict(saved.state_dict())
    assert scheduler.schedule.to_config() == before == lrcore.from_config(config).to_config()
    assert scheduler.last_epoch == 3
    scheduler.step()
    assert scheduler() == 0.1 * lrcore.from_config(config)(4)


def test_state_dict_without_schedule_key_loads() -> None:
    """A bare Paddle-style {last_epoch, last_lr} state dict loads silently and resumes."""
    config = {"name": "step", "step_size": 2, "gamma": 0.5}
    scheduler = lrcore_paddle.to_paddle(config, 0.2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scheduler.set_state_dict({"last_epoch": 5, "last_lr": 0.2 * 0.5**2})
    assert [str(w.message) for w in caught] == []
    assert scheduler.schedule.to_config() == config
    assert scheduler.last_epoch == 5
    want = [0.2 * 0.5**2, 0.2 * 0.5**3, 0.2 * 0.5**3, 0.2 * 0.5**4]
    assert run(scheduler, 3) == pytest.approx(want, rel=1e-12)


# --------------------------------------------------------------------------- 5. purity


@pytest.mark.parametrize(("case_id", "config", "horizon"), CASES, ids=CASE_IDS)
def test_get_lr_is_pure(case_id: str, config: Config, horizon: int) -> None:
    """Calling get_lr() repeatedly changes neither the counter, last_lr nor later values.

    (Contrast: Paddle's LinearWarmup.get_lr calls ``inner.step(...)`` for steps past
    the warmup, so merely reading it mutates the inner scheduler's state.)
    """
    base_lr = BASE_LRS[0]
    reference = _uninterrupted(config, base_lr, horizon)
    k = horizon // 2
    scheduler = lrcore_paddle.to_paddle(config, base_lr)
    for _ in range(k):
        scheduler.step()
    last_lr = scheduler.last_lr
    for _ in range(25):
        assert scheduler.get_lr() == reference[k]
        assert scheduler.last_epoch == k
        assert scheduler.last_lr == last_lr
    assert continue_run(scheduler, k, horizon) == reference[k:]


# --------------------------------------------------------------------------- 6. bad input


@pytest.mark.parametrize("learning_rate", ["0.1", True, None, [0.1]])
def test_rejects_non_numeric_learning_rate(learning_rate: Any) -> None:
    """to_paddle refuses a learning rate that is not a real number (bools included)."""
    with pytest.raises(TypeError, match="learning_rate"):
        lrcore_paddle.to_paddle({"name": "constant"}, learning_rate)


@pytest.mark.parametrize(
    ("config", "error", "field"),
    [
        ({"name": "step", "step_size": 0}, ValueError, "step_size"),
        ({"name": "step", "step_size": 2.0}, TypeError, "step_size"),
        ({"name": "cosine_annealing", "T_max": True}, TypeError, "T_max"),
        ({"name": "exponential", "gamma": -0.5}, ValueError, "gamma"),
        ({"name": "multistep", "milestones": [5, 3]}, ValueError, "milestones"),
        ({"name": "warmup_linear", "warmup_steps": 10, "total_steps": 5}, ValueError, "total"),
        ({"name": "step", "step_size": 2, "gama": 0.5}, TypeError, "gama"),
        ({"name": "step"}, TypeError, "step_size"),
        ({"name": "no_such_schedule"}, ValueError, "no_such_schedule"),
        (
            {"name": "warmup", "warmup_steps": 2, "schedule": {"name": "exponential", "gamma": 0}},
            ValueError,
            "gamma",
        ),
    ],
)
def test_rejects_bad_config(config: Config, error: type[Exception], field: str) -> None:
    """A bad config fails at construction with an error naming the offending field."""
    with pytest.raises(error, match=field):
        lrcore_paddle.to_paddle(config, 0.1)
