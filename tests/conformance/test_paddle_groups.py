"""``to_paddle_groups``: per-group schedules on Paddle, checked on the update Paddle applies.

Every lr here is *measured*: each group holds scalar float64 parameters reset to 0 before
each update, with gradient exactly 1, so the update is ``-lr * U_k`` where ``U_k`` is
what the optimizer's own state makes of a unit lr (1 for SGD, the velocity for
Momentum, Adam's bias-corrected ratio).  ``U_k`` does not depend on the lr, so it is
measured on a twin optimizer of the same kind running on its own parameter with a
constant float lr of 1.0, and ``lr_k = update_k / U_k``.  The wanted lrs come from the
schedules' formulas written out here in plain Python, never from lrcore.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest

from tests.conformance.natives import import_paddle

paddle = import_paddle()

import lrcore  # noqa: E402
from lrcore_paddle import to_paddle_groups  # noqa: E402
from lrcore_paddle._groups import GroupsLR  # noqa: E402

Formula = Callable[[int], float]

WARMUP_COSINE = {
    "name": "warmup",
    "warmup_steps": 5,
    "start_factor": 0.0,
    "schedule": {"name": "cosine_annealing", "T_max": 20, "min_factor": 0.1},
}


def warmup_cosine(k: int) -> float:
    if k < 5:
        return k / 5
    return 0.1 + 0.9 * (1 + math.cos(math.pi * (k - 5) / 20)) / 2


def step_decay(k: int) -> float:
    return 0.5 ** (k // 7)


def multistep_decay(k: int) -> float:
    return 0.3 ** sum(1 for m in (4, 11, 30) if m <= k)


# (base, schedule given as a config dict or a Schedule, formula of its factor)
GROUPS: list[tuple[float, Any, Formula]] = [
    (0.1, WARMUP_COSINE, warmup_cosine),
    (0.003, lrcore.Step(step_size=7, gamma=0.5), step_decay),
    (0.02, {"name": "multistep", "milestones": [4, 11, 30], "gamma": 0.3}, multistep_decay),
]

OPTIMIZERS: dict[str, dict[str, Any]] = {
    "SGD": {},
    "Momentum": {"momentum": 0.9},
    "Adam": {"epsilon": 1e-8},
    "AdamW": {"weight_decay": 0.01},
}


def _parameter() -> Any:
    zero = paddle.nn.initializer.Constant(0.0)
    return paddle.create_parameter([1], dtype="float64", default_initializer=zero)


def _new_parameters(sizes: Sequence[int]) -> list[list[Any]]:
    return [[_parameter() for _ in range(size)] for size in sizes]


class Rig:
    """An optimizer of kind ``name`` over the groups, and its unit-lr twin."""

    def __init__(
        self, name: str, scheduler: Any, groups: list[dict[str, Any]], unit: Any = None
    ) -> None:
        kind = getattr(paddle.optimizer, name)
        self.parameters = [group["params"] for group in groups]
        self.optimizer = kind(learning_rate=scheduler, parameters=groups, **OPTIMIZERS[name])
        self.unit = _parameter() if unit is None else unit
        self.twin = kind(learning_rate=1.0, parameters=[self.unit], **OPTIMIZERS[name])
        self.scheduler = scheduler

    def update(self) -> list[list[float]]:
        """One real update; the lr each parameter of each group got."""
        zeros = np.zeros([1], dtype="float64")
        everything = [p for group in self.parameters for p in group] + [self.unit]
        for parameter in everything:
            parameter.set_value(zeros)
        paddle.add_n([p.sum() for p in everything]).backward()
        self.optimizer.step()
        self.optimizer.clear_grad()
        self.twin.step()
        self.twin.clear_grad()
        unit = -float(self.unit.numpy()[0])
        assert unit > 0
        return [[-float(p.numpy()[0]) / unit for p in group] for group in self.parameters]

    def run(self, steps: int) -> list[list[float]]:
        """``lrs[g][k]`` over ``steps`` updates (stepping the scheduler after each);
        every parameter of a group must get the same lr."""
        lrs: list[list[float]] = [[] for _ in self.parameters]
        for _ in range(steps):
            for g, values in enumerate(self.update()):
                assert len(set(values)) == 1, values
                lrs[g].append(values[0])
            self.scheduler.step()
        return lrs


def _assert_lrs(
    got: list[list[float]],
    groups: Sequence[tuple[float, Any, Formula]],
    start: int,
    rtol: float,
    what: str,
) -> None:
    for g, (base, _, formula) in enumerate(groups):
        want = [base * formula(start + k) for k in range(len(got[g]))]
        np.testing.assert_allclose(got[g], want, rtol=rtol, atol=1e-16, err_msg=f"{what} group {g}")


def _tolerance(name: str) -> float:
    # SGD's update is the lr itself; Momentum and Adam divide two roundings of the
    # same unit update (the lr times the state): a few ulps.
    return 1e-15 if name == "SGD" else 1e-13


@pytest.mark.parametrize("name", list(OPTIMIZERS))
@pytest.mark.parametrize("count", [2, 3])
def test_each_group_gets_its_own_schedule(name: str, count: int) -> None:
    groups = GROUPS[:count] if count == 3 else [GROUPS[0], GROUPS[1]]
    parameters = _new_parameters([2] + [1] * (count - 1))
    scheduler, dicts = to_paddle_groups([(b, s) for b, s, _ in groups], parameters)
    rig = Rig(name, scheduler, dicts)
    got = rig.run(40)
    _assert_lrs(got, groups, 0, _tolerance(name), name)
    # Paddle's own lr is the unit the multipliers scale; the real lrs are the groups'.
    assert rig.optimizer.get_lr() == 1.0
    np.testing.assert_allclose(scheduler.group_lrs(), [b * f(40) for b, _, f in groups], rtol=1e-15)


def test_sgd_float64_updates_are_exact() -> None:
    scheduler, dicts = to_paddle_groups([(b, s) for b, s, _ in GROUPS], _new_parameters([1, 1, 1]))
    got = Rig("SGD", scheduler, dicts).run(40)
    for g, (base, schedule, _) in enumerate(GROUPS):
        assert got[g] == [base * lrcore.from_config(schedule)(k) for k in range(40)]


@pytest.mark.parametrize("name", ["SGD", "Momentum", "Adam", "AdamW"])
def test_resume_through_the_optimizer_state_dict(name: str) -> None:
    """Train 13 updates, checkpoint, then a fresh "process" (same parameter and
    accumulator names, as a restarted script gets) loads the optimizer's state dict."""
    pairs = [(b, s) for b, s, _ in GROUPS]
    with paddle.utils.unique_name.guard():
        scheduler, dicts = to_paddle_groups(pairs, _new_parameters([1, 2, 1]))
        rig = Rig(name, scheduler, dicts)
        before = rig.run(13)
    saved_optimizer = rig.optimizer.state_dict()
    saved_twin = rig.twin.state_dict()
    assert saved_optimizer["LR_Scheduler"]["last_epoch"] == 13
    with paddle.utils.unique_name.guard():
        scheduler2, dicts2 = to_paddle_groups(pairs, _new_parameters([1, 2, 1]))
        rig2 = Rig(name, scheduler2, dicts2)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no "unused values in state_dict" warning
            rig2.optimizer.set_state_dict(saved_optimizer)
        rig2.twin.set_state_dict(saved_twin)
        assert scheduler2.last_epoch == 13
        after = rig2.run(27)
    _assert_lrs(before, GROUPS, 0, _tolerance(name), f"{name} before")
    _assert_lrs(after, GROUPS, 13, _tolerance(name), f"{name} after resume")


def test_resume_through_the_scheduler_state_dict_and_last_epoch() -> None:
    pairs = [(b, s) for b, s, _ in GROUPS]
    scheduler, _ = to_paddle_groups(pairs, _new_parameters([1, 1, 1]))
    for _ in range(9):
        scheduler.step()
    state = scheduler.state_dict()
    assert state["last_epoch"] == 9 and state["last_lr"] == 1.0
    assert state["schedules"][0] == lrcore.from_config(WARMUP_COSINE).to_config()

    fresh, dicts = to_paddle_groups(pairs, _new_parameters([1, 1, 1]))
    fresh.set_state_dict(state)
    assert fresh.last_epoch == 9
    got = Rig("SGD", fresh, dicts).run(20)
    _assert_lrs(got, GROUPS, 9, 1e-15, "scheduler state dict")

    # last_epoch=8: the scheduler starts at step 9, as Paddle's own schedulers do.
    resumed, dicts = to_paddle_groups(pairs, _new_parameters([1, 1, 1]), last_epoch=8)
    assert resumed.last_epoch == 9
    np.testing.assert_allclose(
        [d["learning_rate"] for d in dicts], [b * f(9) for b, _, f in GROUPS], rtol=1e-15
    )
    got = Rig("Momentum", resumed, dicts).run(20)
    _assert_lrs(got, GROUPS, 9, 1e-13, "last_epoch")


def test_a_checkpoint_of_other_schedules_warns_and_keeps_the_live_ones() -> None:
    pairs = [(b, s) for b, s, _ in GROUPS[:2]]
    scheduler, _ = to_paddle_groups(pairs, _new_parameters([1, 1]))
    scheduler.step()
    state = scheduler.state_dict()
    other, _ = to_paddle_groups([(0.1, lrcore.Constant()), pairs[1]], _new_parameters([1, 1]))
    with pytest.warns(UserWarning, match="keeping this scheduler's groups"):
        other.set_state_dict(state)
    assert other.last_epoch == 1 and other.schedules[0] == lrcore.Constant()


def test_an_optimizer_built_after_stepping_or_from_stale_dicts_is_right() -> None:
    pairs = [(b, s) for b, s, _ in GROUPS]
    scheduler, dicts = to_paddle_groups(pairs, _new_parameters([1, 1, 1]))
    for _ in range(6):
        scheduler.step()
    for d in dicts:
        d["learning_rate"] = 123.0  # stale or overwritten: the scheduler owns it
    got = Rig("Adam", scheduler, dicts).run(10)
    _assert_lrs(got, GROUPS, 6, 1e-13, "stale dicts")


def test_torch_style_lr_keys_are_ignored_by_paddle() -> None:
    """The failure this fixes: a torch group's "lr" key means nothing to Paddle."""
    params = _new_parameters([1, 1])
    optimizer = paddle.optimizer.SGD(
        learning_rate=0.1,
        parameters=[{"params": params[0], "lr": 0.1}, {"params": params[1], "lr": 0.003}],
    )
    zeros = np.zeros([1], dtype="float64")
    for p in (params[0][0], params[1][0]):
        p.set_value(zeros)
    (params[0][0].sum() + params[1][0].sum()).backward()
    optimizer.step()
    assert [-float(g[0].numpy()[0]) for g in params] == [0.1, 0.1]  # group 1 should be 0.003


def test_pickles_and_float32_parameters() -> None:
    import pickle

    pairs = [(b, s) for b, s, _ in GROUPS[:2]]
    scheduler, _ = to_paddle_groups(pairs, _new_parameters([1, 1]))
    assert isinstance(scheduler, GroupsLR)
    state = pickle.loads(pickle.dumps(scheduler.state_dict()))
    assert state["last_epoch"] == 0
    # float32 parameters get the float32 rounding of each group's lr.
    zero = paddle.nn.initializer.Constant(0.0)
    p32 = [[paddle.create_parameter([1], dtype="float32", default_initializer=zero)] for _ in pairs]
    scheduler, dicts = to_paddle_groups(pairs, p32)
    optimizer = paddle.optimizer.SGD(learning_rate=scheduler, parameters=dicts)
    for k in range(12):
        for g in p32:
            g[0].set_value(np.zeros([1], dtype="float32"))
        (p32[0][0].sum() + p32[1][0].sum()).backward()
        optimizer.step()
        optimizer.clear_grad()
        for g, (base, _, formula) in enumerate(GROUPS[:2]):
            assert -float(p32[g][0].numpy()[0]) == float(np.float32(base * formula(k)))
        scheduler.step()


@pytest.mark.parametrize(
    ("pairs", "parameters", "kwargs", "error", "text"),
    [
        (
            [(0.1, lrcore.Constant())],
            "two",
            {},
            ValueError,
            "len(pairs) = 1 but len(parameters) = 2",
        ),
        ([], 0, {}, ValueError, "pairs is empty"),
        (
            [(0.1, lrcore.Constant()), (0.2, lrcore.Constant())],
            1,
            {},
            ValueError,
            "len(parameters) = 1",
        ),
        (
            [(-0.1, lrcore.Constant())],
            1,
            {},
            ValueError,
            "pairs[0] base_lr must be finite and >= 0",
        ),
        ([(math.nan, lrcore.Constant())], 1, {}, ValueError, "base_lr must be finite"),
        ([(math.inf, lrcore.Constant())], 1, {}, ValueError, "base_lr must be finite"),
        ([(True, lrcore.Constant())], 1, {}, TypeError, "base_lr must be a number"),
        ([("0.1", lrcore.Constant())], 1, {}, TypeError, "base_lr must be a number"),
        ([(0.1, {"name": "step"})], 1, {}, TypeError, "pairs[0] schedule"),
        ([(0.1, {"name": "nope"})], 1, {}, ValueError, "pairs[0] schedule"),
        ([(0.1, lrcore.Constant(), 3)], 1, {}, TypeError, "must be a (base_lr, schedule) pair"),
        ([(0.1, lrcore.Constant())], 1, {"last_epoch": -2}, ValueError, "last_epoch must be >= -1"),
        (
            [(0.1, lrcore.Constant())],
            1,
            {"last_epoch": 1.0},
            TypeError,
            "last_epoch must be an int",
        ),
    ],
)
def test_bad_inputs(pairs: Any, parameters: Any, kwargs: Any, error: type, text: str) -> None:
    if isinstance(parameters, int):
        parameters = _new_parameters([1] * parameters)
    elif parameters == "two":
        parameters = _new_parameters([1, 1])
    with pytest.raises(error) as info:
        to_paddle_groups(pairs, parameters, **kwargs)
    assert "to_paddle_groups" in str(info.value) and text in str(info.value), str(info.value)


def test_bad_parameter_lists() -> None:
    pairs = [(0.1, lrcore.Constant()), (0.2, lrcore.Constant())]
    p = _new_parameters([1, 1])
    with pytest.raises(TypeError, match=r"parameters\[1\] must be a list of Paddle parameters"):
        to_paddle_groups(pairs, [p[0], p[1][0]])
    with pytest.raises(ValueError, match=r"parameters\[1\] is empty"):
        to_paddle_groups(pairs, [p[0], []])
    with pytest.raises(TypeError, match=r"parameters\[0\]\[0\] must be a Paddle parameter"):
        to_paddle_groups(pairs, [[1.0], p[1]])
    with pytest.raises(ValueError, match="appears in more than one group"):
        to_paddle_groups(pairs, [p[0], p[0]])
    with pytest.raises(ValueError, match="lists a parameter twice"):
        to_paddle_groups(pairs[:1], [p[0] * 2])
    with pytest.raises(TypeError, match="pairs must be a list"):
        to_paddle_groups({"a": 1}, p)  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", ["one_cycle", "warmup_cosine"])
def test_a_torch_scheduler_ported_with_from_torch_runs_on_paddle_groups(kind: str) -> None:
    """The PaConvert case: a torch script's per-group schedule, through ``from_torch``,
    drives a Paddle optimizer whose groups get exactly torch's lrs (oracle: torch's own
    scheduler on a real torch optimizer)."""
    import torch

    from lrcore_torch import from_torch
    from tests.conformance.natives import torch_lrs, torch_model_and_optimizer

    sch = torch.optim.lr_scheduler

    def make(optimizer: Any) -> Any:
        if kind == "one_cycle":
            return sch.OneCycleLR(optimizer, max_lr=[0.1, 0.003], total_steps=60)
        warmup = sch.LinearLR(optimizer, start_factor=0.1, total_iters=5)
        cosine = sch.CosineAnnealingLR(optimizer, T_max=30, eta_min=1e-4)
        return sch.SequentialLR(optimizer, [warmup, cosine], milestones=[5])

    want = torch_lrs(make, 60)
    _, optimizer = torch_model_and_optimizer()
    pairs = from_torch(make(optimizer))
    scheduler, dicts = to_paddle_groups(pairs, _new_parameters([2, 1]))
    got = Rig("SGD", scheduler, dicts).run(60)
    for g in range(2):
        np.testing.assert_allclose(got[g], want[g], rtol=1e-12, atol=1e-18, err_msg=f"group {g}")
