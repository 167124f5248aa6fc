"""Regression tests for defects 2, 3, 4 and 6 of issue 7 (reliability).

Each test failed on the main before the fix and passes after.  Oracles are
independent of lrcore: the YOLOX source function and the CAWB source class
re-implemented in ``tests/test_yolox.py`` / ``tests/test_cawb.py``, or formulas
written out here.
"""

from __future__ import annotations

import bisect
import copy
import inspect
import json
import math
import pickle
import random
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch

import lrcore
from lrcore._schedule import MAX_DEPTH
from lrcore.recipes import get_lr_scheduler
from lrcore_torch import to_torch
from tests.test_cawb import (
    Setting,
    SourceCawb,
    events,
    make_sgd,
    oracle_trace,
    paddle_port,
    paddle_read,
    paddle_sgd,
    play,
    stand_in,
    torch_oracle_trace,
    torch_port,
    torch_read,
)
from tests.test_yolox import oracle as yolox_oracle
from tests.test_yolox import source_get_lr_scheduler

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # paddle's ccache warning
    import lrcore_paddle

Config = dict[str, Any]
REL = 1e-12


def assert_close_all(got: Sequence[float], want: Sequence[float], what: str) -> None:
    """Every value to 1e-12 relative (1e-15 absolute near 0)."""
    np.testing.assert_allclose(
        np.asarray(got, dtype=np.float64), want, rtol=REL, atol=1e-15, err_msg=what
    )


def assert_float32_close(got: Any, want: Sequence[float], what: str) -> None:
    """The float32 rule: |got - want| <= 2e-6 |want| + 1e-6 (factors: base 1)."""
    got_values = np.asarray(got, dtype=np.float64)
    want_values = np.asarray(want, dtype=np.float64)
    error = np.abs(got_values - want_values)
    bad = np.nonzero(error > 2e-6 * np.abs(want_values) + 1e-6)[0]
    assert bad.size == 0, f"{what}: index {bad[0]}: got {got_values[bad[0]]}, want {want[bad[0]]}"


def jit_values(schedule: lrcore.Schedule, steps: Sequence[int]) -> Any:
    return jax.jit(schedule)(jnp.asarray(steps, dtype=jnp.int32))


# =========================================================================== defect 2
# A continuous per_iteration evaluated a piece's formula past the last epoch where the
# inner schedule uses it (the YOLOX warm-up parabola reached 1.62 x the peak).


def yolox_view_oracle(
    lr: float, min_lr: float, total: int, per_epoch: int
) -> Callable[[int], float]:
    """The documented continuous view of the YOLOX warm cosine, from the source alone.

    Between integer epochs n and n + 1 that the source computes with the same branch of
    its if/elif, the source function itself at the fractional epoch (its branches are
    real intervals); where the branch changes, the straight line from source(n) to
    source(n + 1).
    """
    source = source_get_lr_scheduler("cos", lr, min_lr, total)
    warmup = min(max(0.1 * total, 1), 3)
    no_aug = min(max(0.3 * total, 1), 15)

    def branch(i: int) -> int:
        if i <= warmup:
            return 0
        return 2 if i >= total - no_aug else 1

    def view(it: int) -> float:
        n, within = divmod(it, per_epoch)
        if within == 0:
            return source(n) / lr
        if branch(n) == branch(n + 1):
            return source(it / per_epoch) / lr
        before, after = source(n) / lr, source(n + 1) / lr
        return before + (after - before) * (within / per_epoch)

    return view


@pytest.mark.parametrize(("total", "per_epoch"), [(50, 10), (25, 8), (7, 5), (300, 3)])
def test_defect2_yolox_cos_per_iteration_stays_below_the_peak(total: int, per_epoch: int) -> None:
    """Defect 2: PerIteration(yolox cos, staircase=False) never exceeds the source's peak
    and follows the documented view (source function inside a branch, a straight line
    across a branch change) on ints, NumPy and jax.jit."""
    lr, min_lr = 0.01, 1e-4
    inner = get_lr_scheduler("cos", lr=lr, min_lr=min_lr, total_iters=total)
    schedule = lrcore.PerIteration(inner, steps_per_epoch=per_epoch, staircase=False)
    iterations = list(range((total + 5) * per_epoch))
    view = yolox_view_oracle(lr, min_lr, total, per_epoch)
    want = [view(it) for it in iterations]
    got = [schedule(it) for it in iterations]
    assert max(got) <= 1.0 + 1e-12, f"overshoots the peak: {max(got)}"
    assert_close_all(got, want, "int")
    assert_close_all(schedule(np.array(iterations)), want, "numpy")
    assert_float32_close(jit_values(schedule, iterations), want, "jit")


def test_defect2_the_issue_example() -> None:
    """Defect 2 as filed: iterations 31-39 gave 1.06 -> 1.62; now between g(3) and g(4)."""
    inner = get_lr_scheduler("cos", lr=0.01, min_lr=1e-4, total_iters=50)
    schedule = lrcore.PerIteration(inner, steps_per_epoch=10, staircase=False)
    source = source_get_lr_scheduler("cos", 0.01, 1e-4, 50)
    low, high = sorted((source(3) / 0.01, source(4) / 0.01))
    for it in range(31, 40):
        assert low - 1e-15 <= schedule(it) <= high + 1e-15, it


def cosine_annealing(t_max: int, m: float) -> Callable[[float], float]:
    return lambda x: m + (1 - m) * (1 + math.cos(math.pi * x / t_max)) / 2


SMOOTH: list[tuple[str, Config, Callable[[float], float]]] = [
    ("cosine_annealing", {"name": "cosine_annealing", "T_max": 7, "min_factor": 0.1},
     cosine_annealing(7, 0.1)),
    ("exponential", {"name": "exponential", "gamma": 0.9}, lambda x: 0.9**x),
    ("cosine", {"name": "cosine", "start": 1.0, "end": 0.2, "steps": 9},
     lambda x: 0.2 + 0.8 * (1 + math.cos(math.pi * min(x, 9) / 9)) / 2),
    ("linear", {"name": "linear", "start": 0.1, "end": 1.0, "steps": 6},
     lambda x: 0.1 + 0.9 * min(x, 6) / 6),
    ("polynomial", {"name": "polynomial", "start": 1.0, "end": 0.0, "steps": 8, "power": 2.0},
     lambda x: ((8 - min(x, 8)) / 8) ** 2),
    ("warmup-cosine",
     {"name": "warmup", "warmup_steps": 3, "start_factor": 0.1,
      "schedule": {"name": "cosine_annealing", "T_max": 10}},
     lambda x: 0.1 + 0.9 * x / 3 if x < 3 else cosine_annealing(10, 0.0)(x - 3)),
]  # fmt: skip


@pytest.mark.parametrize("per_epoch", [1, 6, 25])
@pytest.mark.parametrize(("inner", "formula"), [c[1:] for c in SMOOTH], ids=[c[0] for c in SMOOTH])
def test_defect2_smooth_formulas_keep_their_continuous_curve(
    inner: Config, formula: Callable[[float], float], per_epoch: int
) -> None:
    """Defect 2: a schedule that is one formula in the epoch (or a warm-up ramp running
    into it) is still g(it / B) exactly as before, within every epoch."""
    schedule = lrcore.PerIteration(inner, per_epoch, staircase=False)
    iterations = list(range(22 * per_epoch))
    want = [formula(it / per_epoch) for it in iterations]
    assert_close_all([schedule(it) for it in iterations], want, "int")
    assert_close_all(schedule(np.array(iterations)), want, "numpy")


# A join of components with known formulas: (config, formula in the local epoch, stair?)
COMPONENTS: list[tuple[Config, Callable[[float], float], bool]] = [
    ({"name": "cosine_annealing", "T_max": 5, "min_factor": 0.2}, cosine_annealing(5, 0.2), False),
    ({"name": "linear", "start": 0.3, "end": 0.9, "steps": 4},
     lambda x: 0.3 + 0.6 * min(x, 4) / 4, False),
    ({"name": "exponential", "gamma": 1.3}, lambda x: 1.3**x, False),
    ({"name": "constant", "factor": 0.45}, lambda x: 0.45, True),
    ({"name": "step", "step_size": 2, "gamma": 0.5}, lambda x: 0.5 ** math.floor(x / 2), True),
    ({"name": "multistep", "milestones": [1, 3], "gamma": 0.3},
     lambda x: 0.3 ** ((x >= 1) + (x >= 3)), True),
]  # fmt: skip


def join_view_oracle(
    parts: Sequence[int], boundaries: Sequence[int], per_epoch: int
) -> Callable[[int], float]:
    """The documented continuous view of a join, from the components' formulas.

    Pieces of the inner: each component's own pieces shifted to its boundary (a
    multistep is one piece per stair).  Inside a piece: its formula; on the last
    fraction of an epoch before the next piece: hold (stairs) or a straight line.
    """
    starts = [0, *boundaries]

    def inner(x: float) -> float:
        k = bisect.bisect_right(boundaries, math.floor(x))
        return COMPONENTS[parts[k]][1](x - starts[k])

    piece_starts = sorted(
        {0, *boundaries}
        | {
            start + m
            for k, start in enumerate(starts)
            if COMPONENTS[parts[k]][0]["name"] == "multistep"
            for m in (1, 3)
            if k + 1 == len(starts) or start + m < starts[k + 1]
        }
    )

    def view(it: int) -> float:
        n, within = divmod(it, per_epoch)
        if within == 0 or bisect.bisect_right(piece_starts, n) == bisect.bisect_right(
            piece_starts, n + 1
        ):
            return inner(it / per_epoch)
        k = bisect.bisect_right(boundaries, n)
        if COMPONENTS[parts[k]][2]:
            return inner(n)
        before, after = inner(n), inner(n + 1)
        return before + (after - before) * (within / per_epoch)

    return view


def random_join(seed: int) -> tuple[list[int], list[int]]:
    rng = random.Random(seed)
    count = rng.randint(2, 5)
    parts = [rng.randrange(len(COMPONENTS)) for _ in range(count)]
    boundaries = sorted(rng.sample(range(1, 30), count - 1))
    return parts, boundaries


@pytest.mark.parametrize("seed", range(12))
def test_defect2_joins_interpolate_between_pieces(seed: int) -> None:
    """Defect 2: random joins of smooth and stair components, continuous per_iteration:
    the documented view (formula inside a piece, hold or straight line on a piece's last
    epoch), bounded by the inner's values at the two epochs around every fraction, on
    ints, NumPy and jax.jit."""
    parts, boundaries = random_join(seed)
    per_epoch = random.Random(seed).choice([2, 5, 9])
    config = {
        "name": "join",
        "schedules": [COMPONENTS[p][0] for p in parts],
        "boundaries": boundaries,
    }
    schedule = lrcore.PerIteration(config, per_epoch, staircase=False)
    view = join_view_oracle(parts, boundaries, per_epoch)
    iterations = list(range(36 * per_epoch))
    want = [view(it) for it in iterations]
    got = [schedule(it) for it in iterations]
    assert_close_all(got, want, f"int {config}")
    assert_close_all(schedule(np.array(iterations)), want, "numpy")
    assert_float32_close(jit_values(schedule, iterations), want, "jit")
    inner = lrcore.from_config(config)
    for it, value in zip(iterations, got, strict=True):
        n = it // per_epoch
        low, high = sorted((inner(n), inner(n + 1)))
        if n + 1 in boundaries or n + 1 in (b + m for b in [0, *boundaries] for m in (1, 3)):
            tolerance = 1e-12 * max(abs(low), abs(high))
            assert low - tolerance <= value <= high + tolerance, (it, config)


def test_defect2_stairs_stay_stairs_and_ramps_stay_continuous() -> None:
    """Defect 2: a multistep keeps its jumps at the milestones (held, not ramped), while a
    non-stair piece reaches the next piece's value continuously (steps of at most
    |g(e) - g(e-1)| / B across the boundary)."""
    per_epoch = 10
    stairs = lrcore.PerIteration(
        {"name": "multistep", "milestones": [3, 6], "gamma": 0.1}, per_epoch, staircase=False
    )
    values = [stairs(it) for it in range(80)]
    assert values[:30] == [1.0] * 30
    assert all(math.isclose(v, 0.1, rel_tol=REL) for v in values[30:60])
    ramp = lrcore.PerIteration(
        {
            "name": "join",
            "schedules": [{"name": "exponential", "gamma": 0.5}, {"name": "constant"}],
            "boundaries": [4],
        },
        per_epoch,
        staircase=False,
    )
    before, after = 0.5**3, 1.0
    got = [ramp(it) for it in range(30, 41)]
    want = [before + (after - before) * k / per_epoch for k in range(11)]
    assert_close_all(got, want, "the last epoch before the join")


# =========================================================================== defect 3
# Cawb(step_scale=1e100) raised OverflowError at build; Cawb(steps=[4, 4, 7]) raised
# although the source runs it.

DUPLICATES = [
    Setting(epochs=10, batches=3, steps=(4, 4, 7)),
    Setting(epochs=12, batches=2, steps=(7, 3, 3, 3, 9, 9), warmup_epoch=2, step_scale=0.6),
    Setting(epochs=9, batches=4, steps=(5, 5), warmup_epoch=1, epoch_scale=0.0, eta_min=0.0),
    Setting(epochs=15, batches=2, steps=(8, 8, 12, 2), lf="poly", step_scale=1.1),
]


def _sid(setting: Setting) -> str:
    return f"e{setting.epochs}-w{setting.warmup_epoch}-s{'.'.join(map(str, setting.steps))}"


@pytest.mark.parametrize("setting", DUPLICATES, ids=_sid)
def test_defect3_repeated_restarts_run_as_in_the_source(setting: Setting) -> None:
    """Defect 3: a repeated restart epoch is accepted by the core Cawb and both ports and
    gives the source's lrs at every iteration (its empty segment is never selected but
    scales every later one by one more step_scale)."""
    base = setting.base_lrs[0]
    want = [lrs[0] / base for lrs in oracle_trace(setting, [base])]
    core = setting.core(array=True)
    assert_close_all([core(it) for it in range(len(want))], want, "core int")
    assert_close_all(core(np.arange(len(want))), want, "core numpy")
    calls = events(range(setting.epochs), setting.batches)
    optimizer = make_sgd(setting.base_lrs)
    got = play(torch_port(setting, optimizer), torch_read(optimizer), calls)
    np.testing.assert_allclose(got, torch_oracle_trace(setting), rtol=REL)
    port = paddle_port(setting, base)
    _, paddle_optimizer = paddle_sgd(port)
    got = play(port, paddle_read(paddle_optimizer), calls)
    np.testing.assert_allclose(got, oracle_trace(setting, [base]), rtol=REL)


def test_defect3_the_issue_example() -> None:
    """Defect 3 as filed: Cawb(steps=[4, 4, 7]) builds and matches the source class."""
    schedule = lrcore.Cawb(epochs=10, steps_per_epoch=1, steps=[4, 4, 7])
    optimizer = stand_in([1.0])
    source = SourceCawb(optimizer, epochs=10, steps=[4, 4, 7], batchs=1)
    want = play(source, lambda: [optimizer.param_groups[0]["lr"]], events(range(10), 1))
    assert_close_all([schedule(it) for it in range(10)], [w[0] for w in want], "cawb")


def _source_lrs(step_scale: float, steps: list[int], epochs: int) -> list[float]:
    optimizer = stand_in([1.0])
    source = SourceCawb(optimizer, epochs=epochs, steps=list(steps), step_scale=step_scale)
    return [source.step() for _ in range(epochs - 1)]


@pytest.mark.parametrize("backend", ["core", "torch", "paddle"])
def test_defect3_overflowing_step_scale_is_a_value_error(backend: str) -> None:
    """Defect 3: a step_scale whose running product overflows (the source trains with an
    infinite, then NaN, lr) is a ValueError naming step_scale, in the core and both ports,
    never an OverflowError."""
    steps, epochs = [2, 3, 4, 5, 6], 10
    source = _source_lrs(1e100, steps, epochs)
    assert not all(math.isfinite(lr) for lr in source)  # what the source would train with
    kwargs = {"epochs": epochs, "steps": steps, "step_scale": 1e100}
    with pytest.raises(ValueError, match="step_scale") as info:
        if backend == "core":
            lrcore.Cawb(steps_per_epoch=2, **kwargs)
        elif backend == "torch":
            lrcore_torch_port(**kwargs)
        else:
            lrcore_paddle.CosineAnnealingWarmbootingLR(0.1, batchs=2, **kwargs)
    assert "1e+100" in str(info.value)
    with pytest.raises(ValueError, match="step_scale"):
        lrcore.from_config({"name": "cawb", "steps_per_epoch": 2, **kwargs})


def lrcore_torch_port(**kwargs: Any) -> Any:
    import lrcore_torch

    return lrcore_torch.CosineAnnealingWarmbootingLR(make_sgd([0.1]), batchs=2, **kwargs)


def test_defect3_large_finite_step_scale_matches_the_source() -> None:
    """Defect 3: a large step_scale whose products stay finite builds and gives the
    source's (huge) factors, scale by running product as the source multiplies."""
    # The last segment [8, 10] would scale by 1e400 = inf, but only from the step() after
    # the run, which lrcore holds.
    steps, epochs = [2, 4, 6, 8], 10
    schedule = lrcore.Cawb(epochs=epochs, steps_per_epoch=1, steps=steps, step_scale=1e100)
    want = _source_lrs(1e100, steps, epochs)
    # Epoch e >= 1 trains with step() number e - 1 (no warmup).
    assert_close_all([schedule(e) for e in range(1, epochs)], want, "huge scale")


# =========================================================================== defect 4
# Nesting: from_config hit RecursionError at ~400 warmups; a 2,000-deep schedule failed
# in to_config, pickle, deepcopy, hash, repr and the torch state_dict.


def nested_config(depth: int) -> Config:
    """``depth`` schedules: warmups (1 step from 0.25) around a constant."""
    config: Config = {"name": "constant", "factor": 1.0}
    for _ in range(depth - 1):
        config = {"name": "warmup", "warmup_steps": 1, "start_factor": 0.25, "schedule": config}
    return config


def nested_schedule(depth: int) -> lrcore.Schedule:
    schedule: lrcore.Schedule = lrcore.Constant(1.0)
    for _ in range(depth - 1):
        schedule = lrcore.Warmup(warmup_steps=1, schedule=schedule, start_factor=0.25)
    return schedule


def nested_oracle(depth: int, t: int) -> float:
    """Warmup i (outermost first) holds step i - 1 at 0.25; the constant from depth - 1 on."""
    return 0.25 if t < depth - 1 else 1.0


def test_defect4_the_limit_is_documented_and_far_from_the_recursion_limit() -> None:
    """Defect 4: MAX_DEPTH exists, is small, and is exported as lrcore.MAX_DEPTH (when the
    lead has added it to lrcore/__init__.py)."""
    assert 8 <= MAX_DEPTH <= 64
    assert getattr(lrcore, "MAX_DEPTH", MAX_DEPTH) == MAX_DEPTH


def test_defect4_max_depth_works_everywhere_with_room_to_spare() -> None:
    """Defect 4: a MAX_DEPTH-deep schedule (built in code and from a config) evaluates,
    round-trips through to_config/JSON/from_config, pickle and deepcopy, hashes, compares,
    prints, and checkpoints through the torch and Paddle state_dict -- each with at most 300 Python
    frames to spare above the caller's, far from the default limit of 1,000."""
    schedule = nested_schedule(MAX_DEPTH)
    config = nested_config(MAX_DEPTH)
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    operations: dict[str, Callable[[], Any]] = {
        "from_config": lambda: lrcore.from_config(config),
        "to_config": lambda: json.dumps(schedule.to_config()),
        "round trip": lambda: lrcore.from_config(json.loads(json.dumps(schedule.to_config()))),
        "pickle": lambda: pickle.loads(pickle.dumps(schedule)),
        "deepcopy": lambda: copy.deepcopy(schedule),
        "hash": lambda: hash(schedule),
        "eq": lambda: schedule == nested_schedule(MAX_DEPTH),
        "repr": lambda: repr(schedule),
        "torch state_dict": lambda: to_torch(schedule, optimizer).state_dict(),
        "paddle state_dict": lambda: pickle.dumps(
            lrcore_paddle.to_paddle(schedule, 0.1).state_dict()
        ),
    }
    here = len(inspect.stack(0))
    limit = sys.getrecursionlimit()
    try:
        sys.setrecursionlimit(here + 300)
        results = {name: operation() for name, operation in operations.items()}
    finally:
        sys.setrecursionlimit(limit)
    assert results["from_config"] == schedule
    assert results["round trip"] == schedule
    assert results["pickle"] == schedule
    assert results["deepcopy"] == schedule
    assert results["eq"]
    assert json.loads(results["to_config"]) == config
    steps = list(range(MAX_DEPTH + 5))
    want = [nested_oracle(MAX_DEPTH, t) for t in steps]
    assert [schedule(t) for t in steps] == want
    assert list(schedule(np.array(steps))) == want
    assert_float32_close(jit_values(schedule, steps), want, "jit")


def _join_of(depth: int) -> Config:
    """A join whose second schedule is ``depth - 1`` deep: the list counts no level."""
    return {
        "name": "join",
        "schedules": [{"name": "constant"}, nested_config(depth - 1)],
        "boundaries": [3],
    }


@pytest.mark.parametrize(
    "build",
    [
        lambda: nested_schedule(MAX_DEPTH + 1),
        lambda: lrcore.from_config(nested_config(MAX_DEPTH + 1)),
        lambda: lrcore.from_config(_join_of(MAX_DEPTH + 1)),
        lambda: lrcore.Warmup(warmup_steps=2, schedule=nested_config(MAX_DEPTH)),
        lambda: lrcore.Product([lrcore.Constant(), nested_schedule(MAX_DEPTH)]),
        lambda: lrcore.from_config({**nested_config(2), "schedule": nested_schedule(MAX_DEPTH)}),
    ],
    ids=["code", "from_config", "join list", "config in code", "product", "schedule in config"],
)
def test_defect4_one_level_too_deep_is_a_value_error(build: Callable[[], Any]) -> None:
    """Defect 4: MAX_DEPTH + 1 levels raise ValueError naming the schedule and the limit."""
    with pytest.raises(ValueError, match=f"MAX_DEPTH = {MAX_DEPTH}") as info:
        build()
    assert any(name in str(info.value) for name in ("warmup", "join", "product"))


def test_defect4_one_less_than_the_limit_in_a_list_builds() -> None:
    """Defect 4: the boundary is exact: a join of a (MAX_DEPTH - 1)-deep schedule is fine."""
    schedule = lrcore.from_config(_join_of(MAX_DEPTH))
    assert schedule(0) == 1.0
    assert lrcore.from_config(schedule.to_config()) == schedule


@pytest.mark.parametrize("depth", [400, 2000, 100_000])
def test_defect4_huge_configs_fail_fast_with_value_error(depth: int) -> None:
    """Defect 4: configs nested far beyond the limit (or cycling) fail with ValueError
    before any recursion, quickly, never RecursionError."""
    start = time.perf_counter()
    with pytest.raises(ValueError, match="MAX_DEPTH"):
        lrcore.from_config(nested_config(depth))
    cyclic: Config = {"name": "warmup", "warmup_steps": 1}
    cyclic["schedule"] = cyclic
    with pytest.raises(ValueError, match="MAX_DEPTH"):
        lrcore.from_config(cyclic)
    deep_list: Any = [{"name": "constant"}]
    for _ in range(depth):
        deep_list = [deep_list]
    with pytest.raises(ValueError, match="MAX_DEPTH"):
        lrcore.from_config({"name": "product", "schedules": deep_list})
    assert time.perf_counter() - start < 2.0


# =========================================================================== defect 6
# yolox_step built one piece per stair: step_num=10**6 took 4 s to build, 4.7 s a call.

BIG_STEP: list[Config] = [
    {"name": "yolox_step", "lr": 0.01, "min_lr": 1e-4, "total_iters": 10**6, "step_num": 10**6},
    {"name": "yolox_step", "lr": 0.1, "min_lr": 1e-3, "total_iters": 999_983, "step_num": 777_777},
    {"name": "yolox_step", "lr": 0.02, "min_lr": 0.05, "total_iters": 3 * 10**6,
     "step_num": 10**6 - 1},
    {"name": "yolox_step", "lr": 1.0, "min_lr": 0.0, "total_iters": 10**6, "step_num": 10**5},
    {"name": "yolox_step", "lr": 0.3, "min_lr": 1e-5, "total_iters": 2**25 - 1,
     "step_num": 654_321},
]  # fmt: skip


def sampled_steps(config: Config, rng: random.Random) -> list[int]:
    """Around many stair boundaries (k T / N and its neighbours), random, 0, T and past."""
    total, stairs = config["total_iters"], config["step_num"]
    near = [
        (k * total) // stairs + d for k in rng.sample(range(1, stairs + 1), 300) for d in (-1, 0, 1)
    ]
    randoms = [rng.randint(0, total + 100) for _ in range(300)]
    return sorted({0, 1, total - 1, total, total + 1, 2 * total, *near, *randoms} - {-1})


@pytest.mark.parametrize("config", BIG_STEP, ids=lambda c: f"T{c['total_iters']}-N{c['step_num']}")
def test_defect6_yolox_step_cost_does_not_grow_with_step_num(config: Config) -> None:
    """Defect 6: step_num up to 10**6 builds in < 50 ms into a single piece (two for
    min_lr = 0), evaluates 10**5 NumPy steps in < 0.5 s, and equals the source's
    float(i) // S staircase at boundary and random steps: ints and NumPy int64/int32 to
    1e-12, jax.jit int32 to the float32 rule."""
    start = time.perf_counter()
    schedule = lrcore.from_config(config)
    assert time.perf_counter() - start < 0.05
    assert len(schedule.pieces) <= 2
    start = time.perf_counter()
    schedule(np.arange(0, 10**5, dtype=np.int64) * 37)
    assert time.perf_counter() - start < 0.5
    rng = random.Random(config["step_num"])
    steps = sampled_steps(config, rng)
    source = yolox_oracle(config)
    want = [source(i) / config["lr"] for i in steps]
    assert_close_all([schedule(i) for i in steps], want, "int")
    assert_close_all(schedule(np.array(steps, dtype=np.int64)), want, "numpy int64")
    assert_close_all(schedule(np.array(steps, dtype=np.int32)), want, "numpy int32")
    assert_float32_close(jit_values(schedule, steps), want, "jit int32")


def test_defect6_closed_form_is_the_source_at_every_step() -> None:
    """Defect 6: the closed-form stair index equals the source's float floor division at
    every integer step 0 .. T + 3, for every step_num, T up to 70 (int path and NumPy)."""
    for total in range(2, 71):
        steps = np.arange(total + 4)
        for stairs in range(2, total + 1):
            config = {"name": "yolox_step", "lr": 0.1, "min_lr": 0.002}
            config.update(total_iters=total, step_num=stairs)
            schedule = lrcore.from_config(config)
            source = yolox_oracle(config)
            want = [source(i) / 0.1 for i in range(total + 4)]
            got = [schedule(i) for i in range(total + 4)]
            assert np.allclose(got, want, rtol=REL, atol=0), config
            assert np.allclose(schedule(steps), want, rtol=REL, atol=0), config


@pytest.mark.parametrize(
    ("total", "stairs"), [(2**40, 3), (10**15, 10**7 + 1), (2**53 - 1, 2**26 + 1), (10**12, 7)]
)
def test_defect6_giant_settings_build_fast_or_refuse(total: int, stairs: int) -> None:
    """Defect 6: giant legal settings never hang: either they build at once and match the
    source at sampled steps, or they raise ValueError naming total_iters and step_num."""
    config = {"name": "yolox_step", "lr": 0.1, "min_lr": 0.001}
    config.update(total_iters=total, step_num=stairs)
    start = time.perf_counter()
    try:
        schedule = lrcore.from_config(config)
    except ValueError as error:
        assert "total_iters" in str(error) and "step_num" in str(error)
        assert time.perf_counter() - start < 0.05
        return
    assert time.perf_counter() - start < 0.05
    source = yolox_oracle(config)
    rng = random.Random(total)
    steps = sorted({0, total, *(rng.randrange(total) for _ in range(200))})
    want = [source(i) / 0.1 for i in steps]
    assert_close_all([schedule(i) for i in steps], want, "int")
    small = [i for i in steps if i < 2**62]
    assert_close_all(schedule(np.array(small, dtype=np.int64)), want[: len(small)], "numpy")


def test_to_paddle_learning_rate_is_checked_like_to_optax() -> None:
    """Issue 7 (inconsistencies): to_paddle accepted nan/inf learning rates (to_optax refused
    them) and both refused np.float32 rates that schedule parameters accept."""
    import numpy as np

    import lrcore_optax
    import lrcore_paddle

    schedule = lrcore.CosineAnnealing(T_max=10)
    for bad in (float("nan"), float("inf"), -0.1):
        with pytest.raises(ValueError, match="learning_rate"):
            lrcore_paddle.to_paddle(schedule, bad)
        with pytest.raises(ValueError, match="learning_rate"):
            lrcore_optax.to_optax(schedule, bad)
    for bad in ("0.1", True, None):
        with pytest.raises(TypeError, match="learning_rate"):
            lrcore_paddle.to_paddle(schedule, bad)
    for rate in (np.float32(0.25), np.float64(0.25), np.int64(1)):
        scheduler = lrcore_paddle.to_paddle(schedule, rate)
        assert scheduler.last_lr == float(rate) * schedule(0)
        assert abs(float(lrcore_optax.to_optax(schedule, rate)(0)) - float(rate)) < 1e-7


def test_periodic_phase_is_the_same_on_every_path() -> None:
    """Issue 7 (precision): the int path and int64 arrays did not reduce the cosine's phase
    while int32 arrays did (1.5e-7 apart at 2**31 - 1); now every path reduces it, and all
    equal the formula at the reduced phase."""
    import numpy as np

    schedule = lrcore.CosineAnnealing(T_max=10)
    for step in (2**31 - 1, 2**31 - 20, 10**9 + 7):
        want = 0.5 * (1 + math.cos(math.pi * (step % 20) / 10))
        assert math.isclose(schedule(step), want, rel_tol=1e-12)
        for dtype in (np.int64, np.int32):
            got = float(schedule(np.asarray([step], dtype=dtype))[0])
            assert math.isclose(got, want, rel_tol=1e-12), (dtype, got, want)


def test_x64_continuous_per_iteration_cosine_far_out() -> None:
    """Issue 7 (precision): with x64 the optax path of a continuous per_iteration cosine was
    1.9e-9 off at step 1e8; it now equals the formula to 1e-12."""
    import jax
    import jax.numpy as jnp

    import lrcore_optax

    schedule = lrcore.PerIteration(
        lrcore.CosineAnnealing(T_max=90, min_factor=0.05), 1000, staircase=False
    )
    step = 10**8
    epoch = (step % (2 * 90 * 1000)) / 1000
    want = 0.05 + 0.95 * (1 + math.cos(math.pi * epoch / 90)) / 2
    with jax.enable_x64(True):
        got = float(jax.jit(lrcore_optax.to_optax(schedule, 1.0))(jnp.asarray(step, jnp.int64)))
    assert math.isclose(got, want, rel_tol=1e-12)
    assert math.isclose(schedule(step), want, rel_tol=1e-12)


def test_integer_constants_beyond_int32_steps() -> None:
    """Issue 7, defect 1: a formula's integer constant beyond the steps' dtype raised
    OverflowError on NumPy int32 and under jit; it now evaluates (step_size 2**40: factor 1)."""
    import jax
    import jax.numpy as jnp
    import numpy as np

    schedule = lrcore.Step(step_size=2**40, gamma=0.5)
    steps = [5, 2**31 - 1]
    assert list(schedule(np.asarray(steps, dtype=np.int32))) == [1.0, 1.0]
    assert [float(v) for v in jax.jit(schedule)(jnp.asarray(steps, jnp.int32))] == [1.0, 1.0]


def test_nested_field_errors_name_the_outer_schedule_and_field() -> None:
    """Issue 7 (inconsistencies): an error inside a nested config now names every enclosing
    schedule and field, not only the innermost schedule's field."""
    config = {
        "name": "per_iteration",
        "steps_per_epoch": 2,
        "schedule": {
            "name": "warmup",
            "warmup_steps": 1,
            "schedule": {"name": "step", "step_size": -3},
        },
    }
    with pytest.raises(ValueError) as excinfo:
        lrcore.from_config(config)
    message = str(excinfo.value)
    assert message.startswith("per_iteration.schedule: warmup.schedule: step: step_size"), message
    assert "-3" in message


def test_porter_predicates_win_whatever_the_import_order() -> None:
    """A predicate porter (transformers' LambdaLRs, recognised by their partials) is tried
    before the exact-class porter of the same class, even when the class porter was
    registered first: importing ``lrcore_torch._port_torch`` early (as the hyperparameter
    module does) once made ``from_torch`` refuse every transformers scheduler."""
    from lrcore._porting import Porters

    class Native:
        special = False

    porters: Porters[str] = Porters("from_test", "lrcore")
    porters._loaded = True  # no porter modules to import for this registry
    porters.register(Native)(lambda native: "by class")
    is_special = lambda native: getattr(native, "special", False)  # noqa: E731
    porters.register(is_special)(lambda native: "by predicate")
    special = Native()
    special.special = True
    assert porters.port(special, "test") == "by predicate"
    assert porters.port(Native(), "test") == "by class"
    with pytest.raises(TypeError, match="from_test: cannot port"):
        porters.port(object(), "test")
