"""The YOLOX ``get_lr_scheduler`` ports: ``yolox_warm_cos``, ``yolox_step``, ``lrcore.recipes``.

Oracle: the source recipe (seed_recipes section 3) written out again below, run in
float64 Python at every integer step.  ``lr * schedule(i)`` must equal it to 1e-12
relative on the scalar and NumPy paths and through the torch and Paddle adapters
(stepped once per epoch), and within ``2e-6 * |want| + 1e-6 * lr`` under
``jax.jit``/``jax.vmap`` in float32.  Past ``total_iters`` the warm cosine follows the
source function (``min_lr``); the step decay holds its value at ``total_iters``.

Settings come from a seeded generator: many tiny ``total_iters`` (1..10, where the
warmup/no-aug clamps and the float boundaries bite), zero ratios, ``min_lr = 0`` and
``min_lr > lr``, and step sizes whose float floor division differs from
``floor(i / step_size)``.
"""

from __future__ import annotations

import json
import math
import pickle
import random
import warnings
from collections.abc import Callable
from functools import partial
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch

import lrcore
from lrcore import YoloxStep, YoloxWarmCos
from lrcore.recipes import get_lr_scheduler
from lrcore_optax import to_optax
from lrcore_torch import to_torch

with warnings.catch_warnings():
    # Importing paddle warns about a missing ccache (C++ extension builds): noise here.
    warnings.simplefilter("ignore")
    import lrcore_paddle

Config = dict[str, Any]
LrFn = Callable[[int], float]

# ------------------------------------------------------------------ the source, as an oracle


def source_get_lr_scheduler(
    lr_decay_type: str,
    lr: float,
    min_lr: float,
    total_iters: int,
    warmup_iters_ratio: float = 0.1,
    warmup_lr_ratio: float = 0.1,
    no_aug_iter_ratio: float = 0.3,
    step_num: int = 10,
) -> LrFn:
    """The recipe's ``get_lr_scheduler`` as given: ``iters -> absolute lr``."""

    def yolox_warm_cos_lr(
        lr: float,
        min_lr: float,
        total_iters: int,
        warmup_total_iters: float,
        warmup_lr_start: float,
        no_aug_iter: float,
        iters: int,
    ) -> float:
        if iters <= warmup_total_iters:
            lr = (lr - warmup_lr_start) * pow(
                iters / float(warmup_total_iters), 2
            ) + warmup_lr_start
        elif iters >= total_iters - no_aug_iter:
            lr = min_lr
        else:
            lr = min_lr + 0.5 * (lr - min_lr) * (
                1.0
                + math.cos(
                    math.pi
                    * (iters - warmup_total_iters)
                    / (total_iters - warmup_total_iters - no_aug_iter)
                )
            )
        return lr

    def step_lr(lr: float, decay_rate: float, step_size: float, iters: int) -> float:
        if step_size < 1:
            raise ValueError("step_size must above 1.")
        n = iters // step_size
        return lr * decay_rate**n

    if lr_decay_type == "cos":
        warmup_total_iters = min(max(warmup_iters_ratio * total_iters, 1), 3)
        warmup_lr_start = max(warmup_lr_ratio * lr, 1e-6)
        no_aug_iter = min(max(no_aug_iter_ratio * total_iters, 1), 15)
        return partial(
            yolox_warm_cos_lr,
            lr,
            min_lr,
            total_iters,
            warmup_total_iters,
            warmup_lr_start,
            no_aug_iter,
        )
    decay_rate = (min_lr / lr) ** (1 / (step_num - 1))
    step_size = total_iters / step_num
    return partial(step_lr, lr, decay_rate, step_size)


def oracle(config: Config) -> LrFn:
    """The source's lr at step ``i`` for an lrcore config, with lrcore's documented hold.

    ``yolox_step`` holds its value at ``total_iters`` from there on (the source keeps
    decaying); ``yolox_warm_cos`` is the source function at every step.
    """
    params = {key: value for key, value in config.items() if key != "name"}
    if config["name"] == "yolox_warm_cos":
        return source_get_lr_scheduler("cos", **params)
    source = source_get_lr_scheduler("step", **params)
    total = config["total_iters"]
    return lambda i: source(min(i, total))


# ------------------------------------------------------------------ settings


def random_lr(rng: random.Random) -> float:
    """Mostly log-uniform in [1e-5, 1], sometimes below the 1e-6 warmup floor's reach."""
    if rng.random() < 0.1:
        return rng.choice([1e-7, 5e-6, 9.9e-6, 1e-6])
    return 10 ** rng.uniform(-5, 0)


def random_min_lr(rng: random.Random, lr: float) -> float:
    """0, a fraction of lr (the usual case), or a bit above lr."""
    kind = rng.random()
    if kind < 0.15:
        return 0.0
    if kind < 0.25:
        return lr * rng.uniform(1.0, 3.0)
    return lr * 10 ** rng.uniform(-4, 0)


def random_total(rng: random.Random) -> int:
    """Half tiny (1..10), half up to 300."""
    return rng.randint(1, 10) if rng.random() < 0.5 else rng.randint(11, 300)


def random_ratio(rng: random.Random, total: int, typical: float) -> float:
    """0, the source default, uniform, above 1, or one landing the clamp at a .5 value."""
    kind = rng.randrange(6)
    if kind == 0:
        return 0.0
    if kind == 1:
        return typical
    if kind == 2:
        return rng.uniform(0.0, 0.6)
    if kind == 3:
        return rng.uniform(1.0, 2.5)
    if kind == 4:
        return rng.choice([1.5, 2.5, 7.5, 12.5]) / total  # W or N = x.5 exactly or nearly
    return rng.random()


def cos_configs(count: int, seed: int) -> list[Config]:
    """Seeded ``yolox_warm_cos`` settings."""
    rng = random.Random(seed)
    configs: list[Config] = []
    for _ in range(count):
        lr = random_lr(rng)
        total = random_total(rng)
        configs.append(
            {
                "name": "yolox_warm_cos",
                "lr": lr,
                "min_lr": random_min_lr(rng, lr),
                "total_iters": total,
                "warmup_iters_ratio": random_ratio(rng, total, 0.1),
                "warmup_lr_ratio": rng.choice([0.0, 0.1, rng.random(), rng.uniform(1, 3)]),
                "no_aug_iter_ratio": random_ratio(rng, total, 0.3),
            }
        )
    return configs


COS_HAND_PICKED: list[Config] = [
    # Source defaults at the tiny totals: no cosine step at all for T <= 3.
    *(
        {"name": "yolox_warm_cos", "lr": 0.01, "min_lr": 0.0001, "total_iters": t}
        for t in range(1, 8)
    ),
    # W = 2.5: step 2 warms up, step 3 is cosine.
    {"name": "yolox_warm_cos", "lr": 0.01, "min_lr": 0.0, "total_iters": 25},
    # W just below 2 and T - N just above 3: one cosine step, a tiny denominator.
    {
        "name": "yolox_warm_cos",
        "lr": 0.1,
        "min_lr": 0.001,
        "total_iters": 10,
        "warmup_iters_ratio": math.nextafter(2.0, 0.0) / 10,
        "no_aug_iter_ratio": math.nextafter(7.0, 0.0) / 10,
    },
    # Warmup longer than the run (W = 3 > T = 2): the tail is still warmup.
    {
        "name": "yolox_warm_cos",
        "lr": 0.05,
        "min_lr": 0.01,
        "total_iters": 2,
        "warmup_iters_ratio": 2.0,
    },
    # Typical YOLOX run: 300 epochs, 15 no-aug epochs.
    {"name": "yolox_warm_cos", "lr": 0.01, "min_lr": 0.0001, "total_iters": 300},
]


def step_configs(count: int, seed: int) -> list[Config]:
    """Seeded ``yolox_step`` settings (step_size >= 1)."""
    rng = random.Random(seed)
    configs: list[Config] = []
    while len(configs) < count:
        total = random_total(rng)
        step_num = rng.randint(2, 20)
        if total < step_num:
            continue
        lr = random_lr(rng)
        configs.append(
            {
                "name": "yolox_step",
                "lr": lr,
                "min_lr": random_min_lr(rng, lr),
                "total_iters": total,
                "step_num": step_num,
            }
        )
    return configs


STEP_HAND_PICKED: list[Config] = [
    {"name": "yolox_step", "lr": 0.01, "min_lr": 0.0001, "total_iters": 100},
    {"name": "yolox_step", "lr": 0.01, "min_lr": 0.0001, "total_iters": 5, "step_num": 3},
    {"name": "yolox_step", "lr": 0.01, "min_lr": 0.0001, "total_iters": 2, "step_num": 2},
    {"name": "yolox_step", "lr": 0.3, "min_lr": 0.0, "total_iters": 7, "step_num": 7},
]

HAND_PICKED = COS_HAND_PICKED + STEP_HAND_PICKED
CONFIGS = cos_configs(110, seed=20240601) + step_configs(110, seed=20240602) + HAND_PICKED
IDS = [f"{c['name']}-{index}-T{c['total_iters']}" for index, c in enumerate(CONFIGS)]
CONFIG_PARAMS = pytest.mark.parametrize("config", CONFIGS, ids=IDS)
# The float32 jit path: every 10th setting (one compile each) and all the hand-picked ones.
JIT_CONFIGS = [
    c
    for index, c in enumerate(CONFIGS)
    if index % 10 == 0 or c["total_iters"] <= 2 or c in HAND_PICKED
]
JIT_IDS = [f"{c['name']}-T{c['total_iters']}-{index}" for index, c in enumerate(JIT_CONFIGS)]

EXTRA = 12
"""Steps evaluated past ``total_iters``."""

EAGER_STEPS = jnp.arange(300 + EXTRA + 1, dtype=jnp.int32)
"""One shape for every eager JAX evaluation: past every setting's end."""


def horizon(config: Config) -> int:
    """The last step evaluated: well past the run's end."""
    return int(config["total_iters"]) + EXTRA


def assert_lr_close(got: float, want: float, where: str, rel: float = 1e-12) -> None:
    """``got == want`` to ``rel`` relative, ``1e-15`` absolute (for a zero ``want``)."""
    assert math.isclose(got, want, rel_tol=rel, abs_tol=1e-15), (
        f"{where}: got {got!r}, want {want!r}"
    )


# ------------------------------------------------------------------ the core, float64


@CONFIG_PARAMS
def test_scalar_and_numpy_paths_match_the_source(config: Config) -> None:
    """lr * f(i) is the source's lr at every integer step 0..T+12, on ints and NumPy arrays."""
    schedule = lrcore.from_config(config)
    lr, want_fn = config["lr"], oracle(config)
    steps = range(horizon(config) + 1)
    want = [want_fn(i) for i in steps]
    for i in steps:
        factor = schedule(i)
        assert type(factor) is float
        assert_lr_close(lr * factor, want[i], f"{config} scalar step {i}")
    for dtype in (np.int64, np.int32, np.uint16):
        got = lr * schedule(np.arange(len(want), dtype=dtype))
        assert got.dtype == np.float64
        for i in steps:
            assert_lr_close(float(got[i]), want[i], f"{config} numpy {dtype.__name__} step {i}")


@CONFIG_PARAMS
def test_json_config_round_trip(config: Config) -> None:
    """to_config is JSON-safe and rebuilds an equal schedule with the same values; pickles."""
    schedule = lrcore.from_config(config)
    assert schedule.to_config() == {**_defaults(config["name"]), **config}
    rebuilt = lrcore.from_config(json.loads(json.dumps(schedule.to_config())))
    assert rebuilt == schedule and type(rebuilt) is type(schedule)
    unpickled = pickle.loads(pickle.dumps(schedule))
    steps = np.arange(horizon(config) + 1)
    np.testing.assert_array_equal(rebuilt(steps), schedule(steps))
    np.testing.assert_array_equal(unpickled(steps), schedule(steps))


def _defaults(name: str) -> Config:
    """The recipe's default arguments of each schedule (what to_config fills in)."""
    if name == "yolox_warm_cos":
        return {"warmup_iters_ratio": 0.1, "warmup_lr_ratio": 0.1, "no_aug_iter_ratio": 0.3}
    return {"step_num": 10}


def test_settings_cover_the_interesting_regimes() -> None:
    """The seeded settings really exercise what they claim (so the sweep can catch bugs)."""
    cos = [lrcore.from_config(c) for c in CONFIGS if c["name"] == "yolox_warm_cos"]
    assert any(s.cosine_start >= s.flat_start for s in cos)  # no cosine step at all
    assert any(s.warmup_total_iters % 1 == 0.5 for s in cos)  # W = x.5
    assert any(s.warmup_total_iters > s.total_iters for s in cos)  # warmup past the end
    assert any(s.warmup_lr_start == 1e-6 for s in cos)  # the 1e-6 floor
    assert any(s.min_lr > s.lr for s in cos) and any(s.min_lr == 0 for s in cos)
    assert sum(s.total_iters <= 10 for s in cos) > 40
    steps = [{**_defaults("yolox_step"), **c} for c in CONFIGS if c["name"] == "yolox_step"]
    differs = [
        c
        for c in steps
        if any(
            float(i) // (c["total_iters"] / c["step_num"])
            != math.floor(i / (c["total_iters"] / c["step_num"]))
            for i in range(c["total_iters"] + 1)
        )
    ]
    assert len(differs) > 20
    assert any(c["min_lr"] == 0 for c in steps)


# ------------------------------------------------------------------ yolox_warm_cos specifics


def test_warm_cos_branch_order_and_clamps_by_hand() -> None:
    """T = 25, defaults: W = 2.5 and N = 7.5 are floats; steps 0-2 warm, 3-17 cosine, 18+ min.

    Written out by hand (not via the oracle): the quadratic warmup from 0.1 * lr, the
    cosine over T - W - N = 15 steps, then min_lr (also past the end).
    """
    lr, min_lr = 0.02, 0.0005
    schedule = get_lr_scheduler("cos", lr, min_lr, 25)
    start = 0.1 * lr
    for i in range(3):
        assert_lr_close(lr * schedule(i), (lr - start) * (i / 2.5) ** 2 + start, f"warm {i}")
    for i in range(3, 18):
        want = min_lr + (lr - min_lr) * (1 + math.cos(math.pi * (i - 2.5) / 15)) / 2
        assert_lr_close(lr * schedule(i), want, f"cosine {i}")
    for i in range(18, 40):
        assert_lr_close(lr * schedule(i), min_lr, f"flat {i}")


def test_warm_cos_warmup_wins_over_the_flat_tail() -> None:
    """When a step is both <= W and >= T - N the source's if picks warmup (checked first)."""
    lr, min_lr = 0.1, 0.001
    # T = 4: W = min(max(0.4, 1), 3) = 1, N = min(max(1.2, 1), 15) = 1.2, T - N = 2.8.
    # With warmup_iters_ratio = 0.75: W = 3 > T - N, so steps 0..3 all warm up.
    schedule = get_lr_scheduler("cos", lr, min_lr, 4, warmup_iters_ratio=0.75)
    for i in range(4):
        assert_lr_close(lr * schedule(i), (lr - 0.01) * (i / 3) ** 2 + 0.01, f"step {i}")
    assert_lr_close(lr * schedule(4), min_lr, "step 4")
    assert schedule.cosine_start >= schedule.flat_start  # the cosine phase is empty


def test_warm_cos_small_totals_never_divide_by_zero() -> None:
    """Every total 1..40 with ratios that make T - W - N = 0 or < 0 builds and matches.

    The source would divide by zero only at a step reaching its cosine branch; no
    integer step does when the denominator is <= 0 (the core's comment proves it),
    so these settings are accepted and follow the source.
    """
    zero_denominators = 0
    for total in range(1, 41):
        for warm_ratio in (0.0, 0.05, 0.1, 0.25, 1.0, 3.0):
            for no_aug_ratio in (0.0, 0.3, 0.5, 0.9, 1.0):
                config = {
                    "name": "yolox_warm_cos",
                    "lr": 0.1,
                    "min_lr": 0.002,
                    "total_iters": total,
                    "warmup_iters_ratio": warm_ratio,
                    "no_aug_iter_ratio": no_aug_ratio,
                }
                schedule = lrcore.from_config(config)
                length = schedule.cosine_length
                zero_denominators += length == 0
                if length <= 0:
                    assert schedule.cosine_start >= schedule.flat_start
                want = oracle(config)
                for i in range(total + 5):
                    assert_lr_close(0.1 * schedule(i), want(i), f"{config} step {i}")
    assert zero_denominators > 0


def test_warm_cos_denominator_positive_whenever_cosine_is_reached() -> None:
    """Over a dense sweep (incl. ratios a hair off integer clamps), a reachable cosine
    branch always has a positive denominator, and its first step is the first i > W."""
    rng = random.Random(7)
    checked = 0
    for _ in range(4000):
        total = rng.randint(1, 60)
        w_target = rng.choice([1.0, 2.0, 3.0, rng.uniform(1, 3)])
        n_target = rng.choice([float(rng.randint(1, 15)), rng.uniform(1, 15)])
        w_ratio = math.nextafter(w_target, rng.choice([0.0, 9.0])) / total
        n_ratio = math.nextafter(n_target, rng.choice([0.0, 99.0])) / total
        schedule = YoloxWarmCos(0.1, 0.0, total, w_ratio, 0.1, n_ratio)
        source_w = min(max(w_ratio * total, 1), 3)
        source_n = min(max(n_ratio * total, 1), 15)
        reached = [i for i in range(total + 1) if source_w < i < total - source_n]
        assert (schedule.cosine_start < schedule.flat_start) == bool(reached)
        if reached:
            checked += 1
            assert schedule.cosine_length > 0
            assert reached[0] == schedule.cosine_start
            assert reached[-1] == schedule.flat_start - 1
    assert checked > 500


# ------------------------------------------------------------------ yolox_step specifics


def find_floor_division_boundary() -> tuple[int, int, int]:
    """The first (T, step_num, i) with ``float(i) // (T/step_num) != floor(i / (T/step_num))``."""
    for total in range(1, 200):
        for step_num in range(2, total + 1):
            size = total / step_num
            for i in range(total + 1):
                if float(i) // size != math.floor(i / size):
                    return total, step_num, i
    raise AssertionError("no boundary found")


def test_step_follows_float_floor_division_not_floor_of_quotient() -> None:
    """Where i // S and floor(i / S) differ, lrcore takes the source's float floor division.

    E.g. T = 5, step_num = 3: S = 5/3 rounds *up*, so 5 // S = 2 while 5 / S rounds to
    3.0.  The source then ends on exactly min_lr instead of a stair below it.  Checked
    on ints, NumPy, the torch adapter and in float32 under jax.jit.
    """
    total, step_num, i = find_floor_division_boundary()
    lr, min_lr = 0.01, 0.0001
    size = total / step_num
    decay = (min_lr / lr) ** (1 / (step_num - 1))
    source_index, naive_index = float(i) // size, math.floor(i / size)
    assert source_index != naive_index
    want = lr * decay**source_index
    naive = lr * decay**naive_index
    assert not math.isclose(want, naive, rel_tol=1e-3)
    schedule = get_lr_scheduler("step", lr, min_lr, total, step_num=step_num)
    assert_lr_close(lr * schedule(i), want, "scalar")
    assert_lr_close(lr * float(schedule(np.asarray([i]))[0]), want, "numpy")
    traced = float(jax.jit(to_optax(schedule, lr))(jnp.int32(i)))
    assert abs(traced - want) <= 2e-6 * want
    assert abs(traced - naive) > 1e-3 * naive


def test_step_ends_below_min_lr_where_the_source_does() -> None:
    """T = 100, step_num = 10: S = 10 exactly, so epoch 100 is stair 10 = min_lr * d.

    The source's staircase has step_num + 1 stairs over 0..T; lrcore keeps that last
    stair (one below min_lr) and holds it past T.  Written out by hand.
    """
    lr, min_lr = 0.01, 0.0001
    schedule = get_lr_scheduler("step", lr, min_lr, 100)
    decay = 0.01 ** (1 / 9)
    for i in range(0, 131):
        want = lr * decay ** min(i // 10, 10)
        assert_lr_close(lr * schedule(i), want, f"step {i}")
    assert lr * schedule(100) < min_lr
    assert_lr_close(lr * schedule(99), min_lr, "the min_lr stair")


def test_step_min_lr_zero() -> None:
    """min_lr = 0: decay rate 0, so lr on the first stair and exactly 0 after (as 0.0 ** n)."""
    schedule = get_lr_scheduler("step", 0.5, 0.0, 12, step_num=4)
    assert [schedule(i) for i in range(20)] == [1.0] * 3 + [0.0] * 17


def test_step_boundaries_are_where_the_stair_changes() -> None:
    """Each boundary is the first step of its stair by the source's ``//``, for many T."""
    for total in range(2, 120):
        for step_num in range(2, min(total, 25) + 1):
            schedule = YoloxStep(1.0, 0.01, total, step_num)
            size = total / step_num
            changes = tuple(
                i for i in range(1, total + 1) if float(i) // size != float(i - 1) // size
            )
            assert schedule.boundaries == changes, (total, step_num)


# ------------------------------------------------------------------ recipes.get_lr_scheduler


@pytest.mark.parametrize("kind", ["cos", "step"])
def test_get_lr_scheduler_matches_the_source_function(kind: str) -> None:
    """get_lr_scheduler(kind, ...) times lr is the source's get_lr_scheduler(kind, ...)."""
    rng = random.Random(11)
    for _ in range(60):
        total = rng.randint(4, 120)
        lr = random_lr(rng)
        kwargs: dict[str, Any] = {
            "lr": lr,
            "min_lr": random_min_lr(rng, lr),
            "total_iters": total,
            "warmup_iters_ratio": rng.uniform(0, 0.3),
            "warmup_lr_ratio": rng.uniform(0, 0.5),
            "no_aug_iter_ratio": rng.uniform(0, 0.5),
            "step_num": rng.randint(2, min(total, 15)),
        }
        schedule = get_lr_scheduler(kind, **kwargs)
        expected_type = YoloxWarmCos if kind == "cos" else YoloxStep
        assert type(schedule) is expected_type
        source = source_get_lr_scheduler(kind, **kwargs)
        for i in range(total + 1):
            assert_lr_close(lr * schedule(i), source(i), f"{kind} {kwargs} step {i}")


def test_get_lr_scheduler_positional_and_ignored_arguments() -> None:
    """Positional order is the source's; "cos" ignores step_num, "step" ignores the ratios."""
    cos = get_lr_scheduler("cos", 0.01, 0.001, 50, 0.05, 0.2, 0.1, 7)
    assert cos.to_config() == {
        "name": "yolox_warm_cos",
        "lr": 0.01,
        "min_lr": 0.001,
        "total_iters": 50,
        "warmup_iters_ratio": 0.05,
        "warmup_lr_ratio": 0.2,
        "no_aug_iter_ratio": 0.1,
    }
    step = get_lr_scheduler("step", 0.01, 0.001, 50, 0.05, 0.2, 0.1, 7)
    assert step.to_config() == {
        "name": "yolox_step",
        "lr": 0.01,
        "min_lr": 0.001,
        "total_iters": 50,
        "step_num": 7,
    }


@pytest.mark.parametrize("kind", ["cosine", "Cos", "", "warm_cos", None])
def test_get_lr_scheduler_rejects_unknown_types(kind: Any) -> None:
    """Any type but "cos"/"step" raises, naming it (the source would silently use step)."""
    with pytest.raises(ValueError, match=rf"lr_decay_type.*{kind!r}"):
        get_lr_scheduler(kind, 0.01, 0.001, 50)


# ------------------------------------------------------------------ validation


GOOD_COS: Config = {"name": "yolox_warm_cos", "lr": 0.01, "min_lr": 0.001, "total_iters": 50}
GOOD_STEP: Config = {"name": "yolox_step", "lr": 0.01, "min_lr": 0.001, "total_iters": 50}

BAD_SETTINGS: list[tuple[Config, dict[str, Any], type[Exception], str]] = [
    (GOOD_COS, {"lr": 0.0}, ValueError, r"lr must be > 0"),
    (GOOD_COS, {"lr": -0.1}, ValueError, r"lr must be > 0.*-0\.1"),
    (GOOD_COS, {"lr": math.nan}, ValueError, r"lr must be finite"),
    (GOOD_COS, {"lr": math.inf}, ValueError, r"lr must be finite"),
    (GOOD_COS, {"lr": "0.1"}, TypeError, r"lr must be a real number"),
    (GOOD_COS, {"min_lr": -1e-9}, ValueError, r"min_lr must be >= 0"),
    (GOOD_COS, {"min_lr": math.inf}, ValueError, r"min_lr must be finite"),
    (GOOD_COS, {"total_iters": 0}, ValueError, r"total_iters must be >= 1, got 0"),
    (GOOD_COS, {"total_iters": 10.0}, TypeError, r"total_iters must be an integer"),
    (GOOD_COS, {"total_iters": True}, TypeError, r"total_iters must be an integer"),
    (GOOD_COS, {"warmup_iters_ratio": -0.1}, ValueError, r"warmup_iters_ratio must be >= 0"),
    (GOOD_COS, {"warmup_lr_ratio": math.nan}, ValueError, r"warmup_lr_ratio must be finite"),
    (GOOD_COS, {"no_aug_iter_ratio": -1}, ValueError, r"no_aug_iter_ratio must be >= 0"),
    (GOOD_COS, {"warmup_lr_ratio": 1e308, "lr": 10.0}, ValueError, r"warmup_lr_ratio.*lr"),
    (GOOD_COS, {"min_lr": 1e300, "lr": 1e-10}, ValueError, r"min_lr.*lr"),
    (GOOD_STEP, {"lr": 0}, ValueError, r"lr must be > 0"),
    (GOOD_STEP, {"min_lr": -0.5}, ValueError, r"min_lr must be >= 0"),
    (GOOD_STEP, {"step_num": 1}, ValueError, r"step_num must be >= 2, got 1"),
    (GOOD_STEP, {"step_num": 2.0}, TypeError, r"step_num must be an integer"),
    (GOOD_STEP, {"total_iters": 9}, ValueError, r"total_iters=9 / step_num=10"),
    (GOOD_STEP, {"total_iters": 1, "step_num": 2}, ValueError, r"step_size.*>= 1"),
    (GOOD_STEP, {"min_lr": 1e300, "lr": 1e-10}, ValueError, r"min_lr.*lr"),
    (GOOD_STEP, {"min_lr": 1e200, "lr": 1.0, "step_num": 2}, ValueError, r"min_lr.*lr"),
]


@pytest.mark.parametrize(
    ("base", "change", "error", "message"),
    BAD_SETTINGS,
    ids=[f"{b['name']}-{'-'.join(map(str, c.items()))}" for b, c, _, _ in BAD_SETTINGS],
)
def test_validation_names_field_and_value(
    base: Config, change: dict[str, Any], error: type[Exception], message: str
) -> None:
    """Bad settings fail at construction, naming the schedule, the field and the value."""
    with pytest.raises(error, match=message) as info:
        lrcore.from_config({**base, **change})
    assert base["name"] in str(info.value)


def test_step_size_rejection_matches_the_source() -> None:
    """yolox_step refuses exactly the settings whose source function raises at every call."""
    for total in range(1, 40):
        for step_num in range(2, 45):
            source = source_get_lr_scheduler("step", 0.1, 0.01, total, step_num=step_num)
            try:
                source(0)
            except ValueError as raised:
                assert "step_size must above 1" in str(raised)
                with pytest.raises(ValueError, match="step_size"):
                    get_lr_scheduler("step", 0.1, 0.01, total, step_num=step_num)
            else:
                get_lr_scheduler("step", 0.1, 0.01, total, step_num=step_num)


def test_registered_names() -> None:
    """Both schedules are in the registry under their config names."""
    names = lrcore.registered()
    assert names["yolox_warm_cos"] is YoloxWarmCos
    assert names["yolox_step"] is YoloxStep


# ------------------------------------------------------------------ backends


@pytest.mark.parametrize("config", JIT_CONFIGS, ids=JIT_IDS)
def test_optax_jit_vmap_float32(config: Config) -> None:
    """to_optax(schedule, lr) under jax.jit(jax.vmap) in float32 is the source to 2e-6."""
    lr = config["lr"]
    steps = jnp.arange(horizon(config) + 1, dtype=jnp.int32)
    got = np.asarray(jax.jit(jax.vmap(to_optax(config, lr)))(steps))
    assert got.dtype == np.float32
    want_fn = oracle(config)
    for i, value in enumerate(got.tolist()):
        want = want_fn(i)
        assert abs(value - want) <= 2e-6 * abs(want) + 1e-6 * lr, (
            f"{config} step {i}: got {value!r}, want {want!r}"
        )


@CONFIG_PARAMS
def test_jax_eager_float32(config: Config) -> None:
    """The schedule on an eager JAX int32 array (float32 math) is the source to 2e-6.

    Every setting uses the same array shape (steps 0..312), so JAX's eager op cache
    compiles each operation once for the whole sweep.
    """
    lr = config["lr"]
    got = np.asarray(lrcore.from_config(config)(EAGER_STEPS))
    want_fn = oracle(config)
    for i, factor in enumerate(got.tolist()):
        want = want_fn(i)
        assert abs(lr * factor - want) <= 2e-6 * abs(want) + 1e-6 * lr, (
            f"{config} step {i}: got {lr * factor!r}, want {want!r}"
        )


@CONFIG_PARAMS
def test_torch_stepped_per_epoch(config: Config) -> None:
    """to_torch on an SGD with lr = lr, stepped once per epoch, applies the source's lr."""
    parameter = torch.nn.Parameter(torch.zeros(2))
    parameter.grad = torch.ones(2)
    optimizer = torch.optim.SGD([parameter], lr=config["lr"])
    scheduler = to_torch(config, optimizer)
    want_fn = oracle(config)
    for epoch in range(horizon(config) + 1):
        assert_lr_close(optimizer.param_groups[0]["lr"], want_fn(epoch), f"{config} {epoch}")
        optimizer.step()
        scheduler.step()


@CONFIG_PARAMS
def test_paddle_stepped_per_epoch(config: Config) -> None:
    """to_paddle(schedule, lr), stepped once per epoch, gives the source's lr."""
    scheduler = lrcore_paddle.to_paddle(config, config["lr"])
    want_fn = oracle(config)
    for epoch in range(horizon(config) + 1):
        assert_lr_close(scheduler(), want_fn(epoch), f"{config} {epoch}")
        assert_lr_close(scheduler.last_lr, want_fn(epoch), f"{config} {epoch} last_lr")
        scheduler.step()
