"""The PyTorch adapter ``lrcore_torch.to_torch``, driven through real ``torch.optim.SGD``.

Oracles: the lrcore contract (``lr_g(k) = base_lr_g * schedule(k)``), torch's own
native schedulers (``StepLR``, ``MultiStepLR``, ``ExponentialLR``,
``CosineAnnealingLR``, ``SequentialLR`` of ``LinearLR``), and the source recipes of
transformers and torchvision written out by hand and run through ``LambdaLR``.

Every warning is an error in this module (torch's "scheduler.step() before
optimizer.step()" warnings included), except where a test expects one.
"""

from __future__ import annotations

import copy
import io
import math
import pickle
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import pytest
import torch
from torch.optim.lr_scheduler import (
    CosineAnnealingLR,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    LRScheduler,
    MultiStepLR,
    SequentialLR,
    StepLR,
)

import lrcore
from lrcore_torch import ScheduleLR, to_torch
from tests.cases import BASE_LRS, CASE_IDS, CASES
from tests.recipe_oracles import torchvision_warmup, transformers_linear

pytestmark = pytest.mark.filterwarnings("error")

Trace = list[list[float]]
"""``trace[k][g]``: the lr of parameter group ``g`` in force for update ``k``."""


# --------------------------------------------------------------------------- helpers


def make_optimizer(
    base_lrs: Sequence[float] = BASE_LRS, extra: dict[str, Any] | None = None
) -> torch.optim.SGD:
    """A real SGD with momentum, one parameter group per base lr, with gradients set.

    ``extra`` is merged into every group (e.g. ``initial_lr`` for a resume).
    """
    torch.manual_seed(0)
    groups = []
    for lr in base_lrs:
        parameter = torch.nn.Parameter(torch.randn(3))
        parameter.grad = torch.ones(3)
        groups.append({"params": [parameter], "lr": lr, **(extra or {})})
    return torch.optim.SGD(groups, lr=1.0, momentum=0.9)


def group_lrs(optimizer: torch.optim.Optimizer) -> list[float]:
    """The lr of every parameter group, now."""
    return [group["lr"] for group in optimizer.param_groups]


def advance(
    optimizer: torch.optim.Optimizer, scheduler: LRScheduler, steps: int
) -> tuple[Trace, Trace]:
    """The group lrs now and after each of ``steps`` updates, plus ``get_last_lr()`` alike.

    Each update is ``optimizer.step()`` then ``scheduler.step()``, the documented order.
    """
    lrs = [group_lrs(optimizer)]
    last = [list(scheduler.get_last_lr())]
    for _ in range(steps):
        optimizer.step()
        scheduler.step()
        lrs.append(group_lrs(optimizer))
        last.append(list(scheduler.get_last_lr()))
    return lrs, last


def contract(config: dict[str, Any], base_lrs: Sequence[float], steps: int) -> Trace:
    """``base_lr_g * schedule(k)`` for ``k = 0 .. steps``: the lrcore contract."""
    schedule = lrcore.from_config(config)
    return [[base * schedule(k) for base in base_lrs] for k in range(steps + 1)]


def assert_trace_close(
    got: Trace,
    want: Trace,
    base_lrs: Sequence[float],
    *,
    rel: float,
    abs_floor: float | None = None,
    first_step: int = 0,
) -> None:
    """Group-wise closeness; an exact-zero ``want`` allows ``abs_floor`` (default rel*base)."""
    assert len(got) == len(want)
    for offset, (got_row, want_row) in enumerate(zip(got, want, strict=True)):
        assert len(got_row) == len(want_row) == len(base_lrs)
        for group, (value, expected, base) in enumerate(
            zip(got_row, want_row, base_lrs, strict=True)
        ):
            tolerance = rel * base if abs_floor is None else abs_floor
            ok = (
                abs(value) <= tolerance
                if expected == 0
                else math.isclose(value, expected, rel_tol=rel, abs_tol=abs_floor or 0.0)
            )
            assert ok, (
                f"step {first_step + offset}, group {group}: got {value!r}, want {expected!r}"
            )


def torch_roundtrip(state: dict[str, Any]) -> dict[str, Any]:
    """``torch.save`` then ``torch.load(weights_only=True)``: a real checkpoint file."""
    buffer = io.BytesIO()
    torch.save(state, buffer)
    buffer.seek(0)
    loaded: dict[str, Any] = torch.load(buffer, weights_only=True)
    return loaded


# ------------------------------------------------------------- 1. contract, every case


@pytest.mark.parametrize(("config", "horizon"), [c[1:] for c in CASES], ids=CASE_IDS)
def test_group_lrs_follow_the_schedule(config: dict[str, Any], horizon: int) -> None:
    """After k scheduler steps each group's lr is base_lr_g * schedule(k), get_last_lr too."""
    optimizer = make_optimizer()
    scheduler = to_torch(config, optimizer)
    assert isinstance(scheduler, ScheduleLR)
    lrs, last = advance(optimizer, scheduler, horizon)
    want = contract(config, BASE_LRS, horizon)
    assert_trace_close(lrs, want, BASE_LRS, rel=1e-12)
    assert_trace_close(last, want, BASE_LRS, rel=1e-12)
    assert all(isinstance(lr, float) for row in lrs for lr in row)


@pytest.mark.parametrize(("config", "horizon"), [c[1:] for c in CASES], ids=CASE_IDS)
def test_schedule_object_equals_config(config: dict[str, Any], horizon: int) -> None:
    """A Schedule object and its config dict drive the optimizer identically."""
    traces = []
    for spec in (config, lrcore.from_config(config)):
        optimizer = make_optimizer()
        traces.append(advance(optimizer, to_torch(spec, optimizer), horizon)[0])
    assert traces[0] == traces[1]


# ------------------------------------------------------------ 2. torch's native schedulers


def native_scheduler(config: dict[str, Any], optimizer: torch.optim.Optimizer) -> LRScheduler:
    """torch's own scheduler for an lrcore config, as the contract maps it.

    ``CosineAnnealingLR``'s ``eta_min`` is an absolute lr shared by all groups, so
    ``min_factor > 0`` maps only when every group has the same base lr.
    """
    name = config["name"]
    if name == "step":
        return StepLR(optimizer, step_size=config["step_size"], gamma=config["gamma"])
    if name == "multistep":
        return MultiStepLR(optimizer, milestones=config["milestones"], gamma=config["gamma"])
    if name == "exponential":
        return ExponentialLR(optimizer, gamma=config["gamma"])
    if name == "cosine_annealing":
        min_factor = config.get("min_factor", 0.0)
        bases = {group.get("initial_lr", group["lr"]) for group in optimizer.param_groups}
        if min_factor and len(bases) != 1:
            raise ValueError("torch's eta_min is absolute: one base lr needed")
        eta_min = min_factor * bases.pop()
        return CosineAnnealingLR(optimizer, T_max=config["T_max"], eta_min=eta_min)
    if name == "warmup":
        warmup = config["warmup_steps"]
        linear = LinearLR(
            optimizer,
            start_factor=config.get("start_factor", 0.0),
            end_factor=1.0,
            total_iters=warmup,
        )
        inner = native_scheduler(config["schedule"], optimizer)
        return SequentialLR(optimizer, [linear, inner], milestones=[warmup])
    raise KeyError(name)


def maps_to_native(config: dict[str, Any]) -> bool:
    """Whether ``native_scheduler`` can express ``config`` (LinearLR refuses start 0)."""
    if config["name"] in ("step", "multistep", "exponential", "cosine_annealing"):
        return True
    if config["name"] == "warmup":
        return config.get("start_factor", 0.0) > 0 and maps_to_native(config["schedule"])
    return False


def needs_own_optimizer_per_group(config: dict[str, Any]) -> bool:
    """A cosine with min_factor > 0 anywhere: torch's shared absolute eta_min."""
    if config["name"] == "cosine_annealing":
        return config.get("min_factor", 0.0) > 0
    if config["name"] == "warmup":
        return needs_own_optimizer_per_group(config["schedule"])
    return False


def native_steps(config: dict[str, Any]) -> int:
    """Steps worth comparing: ten T_max for cosine (torch oscillates past T_max)."""
    if config["name"] == "cosine_annealing":
        return 10 * config["T_max"]
    if config["name"] == "warmup":
        return config["warmup_steps"] + native_steps(config["schedule"])
    return 0


EXTRA_NATIVE: list[tuple[str, dict[str, Any], int]] = [
    ("step-3-0.5", {"name": "step", "step_size": 3, "gamma": 0.5}, 40),
    ("step-7-1.5", {"name": "step", "step_size": 7, "gamma": 1.5}, 40),
    ("multistep-0-5", {"name": "multistep", "milestones": [0, 5], "gamma": 0.5}, 20),
    ("multistep-2-3-50", {"name": "multistep", "milestones": [2, 3, 50], "gamma": 0.7}, 60),
    ("exponential-0.5", {"name": "exponential", "gamma": 0.5}, 60),
    ("cosine-5-0.2", {"name": "cosine_annealing", "T_max": 5, "min_factor": 0.2}, 0),
    ("cosine-2-0", {"name": "cosine_annealing", "T_max": 2}, 0),
    ("cosine-100-0.001", {"name": "cosine_annealing", "T_max": 100, "min_factor": 0.001}, 0),
    (
        "warmup-exponential",
        {
            "name": "warmup",
            "warmup_steps": 3,
            "start_factor": 0.5,
            "schedule": {"name": "exponential", "gamma": 0.9},
        },
        40,
    ),
    (
        "warmup1-cosine",
        {
            "name": "warmup",
            "warmup_steps": 1,
            "start_factor": 0.3,
            "schedule": {"name": "cosine_annealing", "T_max": 4},
        },
        0,
    ),
    (
        "warmup-multistep",
        {
            "name": "warmup",
            "warmup_steps": 6,
            "start_factor": 0.01,
            "schedule": {"name": "multistep", "milestones": [0, 4, 10], "gamma": 0.2},
        },
        30,
    ),
]

NATIVE_CASES = [case for case in CASES if maps_to_native(case[1])] + EXTRA_NATIVE


def test_native_cases_cover_every_mappable_name() -> None:
    """The native comparison includes every family torch has (and warmup over two inners)."""
    names = {config["name"] for _, config, _ in NATIVE_CASES}
    assert names == {"step", "multistep", "exponential", "cosine_annealing", "warmup"}
    inners = {
        config["schedule"]["name"]
        for _, config, _ in CASES
        if maps_to_native(config) and config["name"] == "warmup"
    }
    assert {"cosine_annealing", "step"} <= inners


@pytest.mark.parametrize(
    ("config", "horizon"), [c[1:] for c in NATIVE_CASES], ids=[c[0] for c in NATIVE_CASES]
)
def test_matches_torch_native_scheduler(config: dict[str, Any], horizon: int) -> None:
    """Same lrs as torch's native scheduler, per group, through a real SGD, to 1e-9."""
    steps = max(horizon, native_steps(config))
    layouts = (
        [(base,) for base in BASE_LRS] if needs_own_optimizer_per_group(config) else [BASE_LRS]
    )
    for base_lrs in layouts:
        native_optimizer = make_optimizer(base_lrs)
        native = native_scheduler(config, native_optimizer)
        want, want_last = advance(native_optimizer, native, steps)
        optimizer = make_optimizer(base_lrs)
        got, got_last = advance(optimizer, to_torch(config, optimizer), steps)
        assert_trace_close(got, want, base_lrs, rel=1e-9, abs_floor=1e-15)
        assert_trace_close(got_last, want_last, base_lrs, rel=1e-9, abs_floor=1e-15)


def test_torch_eta_min_is_absolute_and_shared_by_groups() -> None:
    """Why cosine with min_factor runs one optimizer per group: torch floors every group at
    the same absolute eta_min, lrcore at min_factor * base_lr_g."""
    config = {"name": "cosine_annealing", "T_max": 10, "min_factor": 0.5}
    native_optimizer = make_optimizer()
    native = CosineAnnealingLR(native_optimizer, T_max=10, eta_min=0.5 * BASE_LRS[0])
    native_lrs, _ = advance(native_optimizer, native, 10)
    optimizer = make_optimizer()
    lrs, _ = advance(optimizer, to_torch(config, optimizer), 10)
    assert math.isclose(native_lrs[10][1], 0.5 * BASE_LRS[0], rel_tol=1e-9)  # above its base
    assert math.isclose(lrs[10][1], 0.5 * BASE_LRS[1], rel_tol=1e-12)
    assert math.isclose(lrs[10][0], native_lrs[10][0], rel_tol=1e-9)


def recipe(config: dict[str, Any]) -> Callable[[int], float]:
    """The hand-written source recipe for a warmup_linear / warmup_factor config."""
    if config["name"] == "warmup_linear":
        return transformers_linear(config["warmup_steps"], config["total_steps"])
    return torchvision_warmup(config["warmup_iters"], config["warmup_factor"])


RECIPE_CASES = [case for case in CASES if case[1]["name"] in ("warmup_linear", "warmup_factor")]
RECIPE_CASES += [
    ("warmup_linear-0-1", {"name": "warmup_linear", "warmup_steps": 0, "total_steps": 1}, 5),
    ("warmup_linear-1-2", {"name": "warmup_linear", "warmup_steps": 1, "total_steps": 2}, 6),
    ("warmup_linear-3-20", {"name": "warmup_linear", "warmup_steps": 3, "total_steps": 20}, 30),
    ("warmup_factor-1-0", {"name": "warmup_factor", "warmup_iters": 1, "warmup_factor": 0.0}, 5),
    (
        "warmup_factor-9-third",
        {"name": "warmup_factor", "warmup_iters": 9, "warmup_factor": 1 / 3},
        15,
    ),
]


@pytest.mark.parametrize(
    ("config", "horizon"), [c[1:] for c in RECIPE_CASES], ids=[c[0] for c in RECIPE_CASES]
)
def test_matches_source_recipe_through_lambdalr(config: dict[str, Any], horizon: int) -> None:
    """Same lrs as LambdaLR running the transformers / torchvision recipe, to 1e-9."""
    native_optimizer = make_optimizer()
    want, _ = advance(native_optimizer, LambdaLR(native_optimizer, recipe(config)), horizon)
    optimizer = make_optimizer()
    got, _ = advance(optimizer, to_torch(config, optimizer), horizon)
    assert_trace_close(got, want, BASE_LRS, rel=1e-9, abs_floor=1e-15)


# -------------------------------------------------------- 3. one schedule per group


def test_list_gives_one_schedule_per_group() -> None:
    """A list drives each group by its own schedule (hand-written formulas as oracle)."""
    step = {"name": "step", "step_size": 5, "gamma": 0.8}
    cosine = lrcore.CosineAnnealing(T_max=10, min_factor=0.01)
    for specs in ([step, cosine], (step, cosine)):
        optimizer = make_optimizer()
        scheduler = to_torch(specs, optimizer)
        assert [s.to_config() for s in scheduler.schedules] == [step, cosine.to_config()]
        lrs, last = advance(optimizer, scheduler, 60)
        want = [
            [
                BASE_LRS[0] * 0.8 ** (k // 5),
                BASE_LRS[1] * (0.01 + 0.99 * (1 + math.cos(math.pi * k / 10)) / 2),
            ]
            for k in range(61)
        ]
        assert_trace_close(lrs, want, BASE_LRS, rel=1e-12)
        assert_trace_close(last, want, BASE_LRS, rel=1e-12)


def test_list_groups_match_lambdalr_with_a_list() -> None:
    """to_torch([f1, f2]) equals LambdaLR(optimizer, lr_lambda=[f1, f2]) with the recipes."""
    first = {"name": "warmup_linear", "warmup_steps": 4, "total_steps": 30}
    second = {"name": "warmup_factor", "warmup_iters": 6, "warmup_factor": 0.1}
    native_optimizer = make_optimizer()
    native = LambdaLR(native_optimizer, lr_lambda=[recipe(first), recipe(second)])
    want, _ = advance(native_optimizer, native, 40)
    optimizer = make_optimizer()
    got, _ = advance(optimizer, to_torch([first, second], optimizer), 40)
    assert_trace_close(got, want, BASE_LRS, rel=1e-9, abs_floor=1e-15)


@pytest.mark.parametrize("count", [0, 1, 3])
def test_list_length_must_match_groups(count: int) -> None:
    """A list of schedules whose length is not the number of groups raises ValueError."""
    optimizer = make_optimizer()
    with pytest.raises(ValueError, match="2 parameter groups"):
        to_torch([{"name": "constant"}] * count, optimizer)


# ------------------------------------------------------------------------- 4. resume


def resume_points(config: dict[str, Any], horizon: int) -> list[int]:
    """0, 1, every phase start (phase boundaries), the middle and the horizon (past the end)."""
    starts = [phase.start for phase in lrcore.from_config(config).pieces]
    return sorted({0, 1, *[s for s in starts if s <= horizon], horizon // 2, horizon})


@pytest.mark.parametrize(("config", "horizon"), [c[1:] for c in CASES], ids=CASE_IDS)
def test_resume_from_state_dicts_is_exact(config: dict[str, Any], horizon: int) -> None:
    """Checkpoint after k steps (torch.save/load, weights_only), load both state dicts into a
    fresh optimizer and scheduler: the lrs continue exactly as the uninterrupted run."""
    end = horizon + 3
    optimizer = make_optimizer()
    reference, reference_last = advance(optimizer, to_torch(config, optimizer), end)
    for k in resume_points(config, horizon):
        optimizer = make_optimizer()
        scheduler = to_torch(config, optimizer)
        advance(optimizer, scheduler, k)
        scheduler_state = torch_roundtrip(scheduler.state_dict())
        optimizer_state = torch_roundtrip(optimizer.state_dict())

        # torch's documented order: build the scheduler, then load the optimizer.
        fresh_optimizer = make_optimizer()
        fresh = to_torch(config, fresh_optimizer)
        fresh_optimizer.load_state_dict(optimizer_state)
        fresh.load_state_dict(scheduler_state)
        lrs, last = advance(fresh_optimizer, fresh, end - k)
        assert lrs == reference[k:], f"resumed at {k}"
        assert last == reference_last[k:], f"resumed at {k}"
        assert fresh.last_epoch == end


@pytest.mark.parametrize(("config", "horizon"), [c[1:] for c in CASES], ids=CASE_IDS)
def test_resume_with_last_epoch_is_exact(config: dict[str, Any], horizon: int) -> None:
    """torch's convention: ``last_epoch`` is the index of the last update already scheduled
    and construction takes one step, so ``to_torch(config, opt, last_epoch=k - 1)`` puts
    each group at ``initial_lr * schedule(k)`` -- the state after k ``step()`` calls --
    whatever the group's current ``lr``; it continues exactly as the uninterrupted run."""
    end = horizon + 3
    optimizer = make_optimizer()
    reference, _ = advance(optimizer, to_torch(config, optimizer), end)
    for k in resume_points(config, horizon):
        optimizer = make_optimizer()
        advance(optimizer, to_torch(config, optimizer), k)
        optimizer_state = copy.deepcopy(optimizer.state_dict())

        # (a) the optimizer's own checkpoint carries lr and initial_lr.
        restored = make_optimizer()
        restored.load_state_dict(optimizer_state)
        scheduler = to_torch(config, restored, last_epoch=k - 1)
        assert scheduler.last_epoch == k
        lrs, _ = advance(restored, scheduler, end - k)
        assert lrs == reference[k:], f"resumed at {k}"

        # (b) groups that only know initial_lr; their lr is a stale value.
        stale = make_optimizer([123.0, 456.0])
        for group, base in zip(stale.param_groups, BASE_LRS, strict=True):
            group["initial_lr"] = base
        lrs, _ = advance(stale, to_torch(config, stale, last_epoch=k - 1), end - k)
        assert lrs == reference[k:], f"resumed at {k}"


def test_resume_with_last_epoch_needs_initial_lr() -> None:
    """As in torch, last_epoch >= 0 on groups without initial_lr raises KeyError."""
    with pytest.raises(KeyError, match="initial_lr"):
        to_torch({"name": "exponential", "gamma": 0.9}, make_optimizer(), last_epoch=4)


# --------------------------------------------------- 5. load_state_dict keeps the schedule


LIVE = {"name": "step", "step_size": 30, "gamma": 0.1}
OTHER = {"name": "step", "step_size": 5, "gamma": 0.8}


def assert_follows_live_schedule(optimizer: torch.optim.Optimizer, scheduler: ScheduleLR) -> None:
    """Continue 40 updates; the lrs are base * LIVE(k), by hand: 0.1 ** (k // 30)."""
    start = scheduler.last_epoch
    lrs, _ = advance(optimizer, scheduler, 40)
    want = [[base * 0.1 ** (k // 30) for base in BASE_LRS] for k in range(start, start + 41)]
    assert_trace_close(lrs[1:], want[1:], BASE_LRS, rel=1e-12, first_step=start + 1)


def test_load_state_dict_with_other_schedules_warns_and_keeps_them() -> None:
    """A checkpoint saved with other schedules warns (UserWarning) and changes only the
    counter: the configs stay, the lrs follow the live schedule; the dict is not mutated."""
    source_optimizer = make_optimizer()
    source = to_torch(OTHER, source_optimizer)
    advance(source_optimizer, source, 10)
    state = torch_roundtrip(source.state_dict())
    pristine = copy.deepcopy(state)

    optimizer = make_optimizer()
    scheduler = to_torch(LIVE, optimizer)
    with pytest.warns(UserWarning, match="schedules"):
        scheduler.load_state_dict(state)
    assert state == pristine
    assert [s.to_config() for s in scheduler.schedules] == [LIVE, LIVE]
    assert scheduler.last_epoch == 10
    assert_follows_live_schedule(optimizer, scheduler)


def test_load_plain_lambdalr_state_dict_keeps_schedules() -> None:
    """A state dict from plain LambdaLR over lrcore schedules holds the callables' __dict__;
    LambdaLR itself would write it into its schedule (shown below), ScheduleLR never does."""
    source_optimizer = make_optimizer()
    source = LambdaLR(source_optimizer, lr_lambda=[lrcore.from_config(OTHER)] * 2)
    advance(source_optimizer, source, 10)
    state = source.state_dict()
    assert all(isinstance(entry, dict) for entry in state["lr_lambdas"])

    # The hazard is real: plain LambdaLR turns its LIVE schedule into OTHER.
    victim_optimizer = make_optimizer()
    victim = LambdaLR(victim_optimizer, lr_lambda=[lrcore.from_config(LIVE)] * 2)
    victim.load_state_dict(copy.deepcopy(state))
    assert victim.lr_lambdas[0].to_config() == OTHER

    optimizer = make_optimizer()
    scheduler = to_torch(LIVE, optimizer)
    with warnings.catch_warnings():
        # No configs in this dict to compare: whether it warns is not the point here.
        warnings.simplefilter("ignore")
        scheduler.load_state_dict(copy.deepcopy(state))
    assert [s.to_config() for s in scheduler.schedules] == [LIVE, LIVE]
    assert [fn.to_config() for fn in scheduler.lr_lambdas] == [LIVE, LIVE]
    assert scheduler.last_epoch == 10
    assert_follows_live_schedule(optimizer, scheduler)


def test_load_state_dict_with_per_group_mismatch_warns() -> None:
    """One group's schedule differing from the checkpoint's is enough to warn."""
    source_optimizer = make_optimizer()
    source = to_torch([LIVE, OTHER], source_optimizer)
    advance(source_optimizer, source, 3)
    optimizer = make_optimizer()
    scheduler = to_torch(LIVE, optimizer)
    with pytest.warns(UserWarning):
        scheduler.load_state_dict(source.state_dict())
    assert [s.to_config() for s in scheduler.schedules] == [LIVE, LIVE]
    assert_follows_live_schedule(optimizer, scheduler)


# ----------------------------------------------------------------- 6. pickle / torch.save


@pytest.mark.parametrize(("config", "horizon"), [c[1:] for c in CASES], ids=CASE_IDS)
def test_scheduler_pickles_and_continues_identically(config: dict[str, Any], horizon: int) -> None:
    """pickle.loads(pickle.dumps(scheduler)) (with its optimizer) continues identically."""
    k = min(7, horizon)
    optimizer = make_optimizer()
    scheduler = to_torch(config, optimizer)
    advance(optimizer, scheduler, k)
    clone = pickle.loads(pickle.dumps(scheduler))
    assert isinstance(clone, ScheduleLR)
    assert clone.optimizer is not optimizer
    assert [s.to_config() for s in clone.schedules] == [s.to_config() for s in scheduler.schedules]
    assert clone.last_epoch == k
    want = advance(optimizer, scheduler, horizon - k + 3)
    got = advance(clone.optimizer, clone, horizon - k + 3)
    assert got == want


@pytest.mark.parametrize(("config", "horizon"), [c[1:] for c in CASES], ids=CASE_IDS)
def test_state_dict_survives_torch_save_weights_only(config: dict[str, Any], horizon: int) -> None:
    """The state dict holds only plain data: torch.load(weights_only=True) gives it back equal,
    and it carries each group's schedule config."""
    optimizer = make_optimizer()
    scheduler = to_torch(config, optimizer)
    advance(optimizer, scheduler, horizon // 2)
    state = scheduler.state_dict()
    assert torch_roundtrip(state) == state
    assert state["schedules"] == [lrcore.from_config(config).to_config()] * 2
    assert "optimizer" not in state and "lr_lambdas" not in state


# ------------------------------------------------------------------------ 7. bad input


@pytest.mark.parametrize("bad", [3, "cosine", None, 0.5, b"step", lambda k: 1.0])
def test_non_schedule_raises_type_error(bad: Any) -> None:
    """Something that is neither a schedule, a config dict nor a list of them: TypeError."""
    with pytest.raises(TypeError):
        to_torch(bad, make_optimizer())


@pytest.mark.parametrize(
    ("config", "error", "field"),
    [
        ({"name": "step", "step_size": 0}, ValueError, "step_size"),
        ({"name": "step", "step_size": 2.5}, TypeError, "step_size"),
        ({"name": "exponential", "gamma": 0.0}, ValueError, "gamma"),
        ({"name": "exponential"}, TypeError, "gamma"),
        ({"name": "cosine_annealing", "T_max": 10, "eta_min": 0.1}, TypeError, "eta_min"),
        ({"name": "multistep", "milestones": [5, 3]}, ValueError, "milestones"),
        ({"name": "warmup_linear", "warmup_steps": 9, "total_steps": 5}, ValueError, "total_steps"),
        ({"name": "cosin"}, ValueError, "cosin"),
        ({"T_max": 10}, TypeError, "name"),
        (
            {"name": "warmup", "warmup_steps": 2, "schedule": {"name": "step", "step_size": -1}},
            ValueError,
            "step_size",
        ),
    ],
)
def test_bad_config_names_the_field(config: dict[str, Any], error: type, field: str) -> None:
    """A bad config (alone or in a list) raises ValueError/TypeError naming the field."""
    with pytest.raises(error, match=field):
        to_torch(config, make_optimizer())
    with pytest.raises(error, match=field):
        to_torch([{"name": "constant"}, config], make_optimizer())


def test_failed_to_torch_leaves_optimizer_untouched() -> None:
    """A rejected config changes neither the group lrs nor adds initial_lr."""
    optimizer = make_optimizer()
    with pytest.raises(ValueError):
        to_torch({"name": "step", "step_size": 0}, optimizer)
    assert group_lrs(optimizer) == list(BASE_LRS)
    assert all("initial_lr" not in group for group in optimizer.param_groups)
