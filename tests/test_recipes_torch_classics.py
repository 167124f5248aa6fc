"""The torch classics of the source material, ``stairs``, ``per_iteration`` and ``total_updates``.

Oracles: torch's own schedulers (``LambdaLR`` with the material's two lambdas,
``ExponentialLR``, ``StepLR``, ``MultiStepLR``, ``CosineAnnealingLR``), stepped once per
epoch, through a real two-layer model with one parameter group per layer; formulas
written out by hand in this file; and the ``WarmupLinearSchedule`` recipe's ``t_total``
and ``lr_lambda`` (pytorch-transformers), run in a real gradient-accumulation loop.

Every warning is an error in this module (torch's "scheduler.step() before
optimizer.step()" included).
"""

from __future__ import annotations

import json
import math
import pickle
from collections.abc import Callable, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import torch
from torch.optim.lr_scheduler import (
    CosineAnnealingLR,
    ExponentialLR,
    LambdaLR,
    LRScheduler,
    MultiStepLR,
    StepLR,
)

import lrcore
from lrcore import PerIteration, Stairs, total_updates, updates_per_epoch
from lrcore_torch import to_torch

pytestmark = pytest.mark.filterwarnings("error")

Trace = list[list[float]]
"""``trace[k][g]``: the lr of parameter group ``g`` in force for epoch (or iteration) ``k``."""

LAYER_LRS = (0.1, 0.05)
"""Per-layer base lrs: one parameter group per linear layer of :func:`two_layer_model`."""


# --------------------------------------------------------------------------- helpers


def two_layer_model() -> tuple[torch.nn.Module, torch.optim.SGD]:
    """A seeded 2-layer MLP and an SGD with one parameter group (and base lr) per layer."""
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 1))
    groups = [
        {"params": model[0].parameters(), "lr": LAYER_LRS[0]},
        {"params": model[2].parameters(), "lr": LAYER_LRS[1]},
    ]
    return model, torch.optim.SGD(groups, lr=1.0, momentum=0.9)


DATA = torch.linspace(-1.0, 1.0, 4 * 16).reshape(16, 4)
TARGET = DATA.sum(dim=1, keepdim=True)


def train_step(model: torch.nn.Module, optimizer: torch.optim.Optimizer) -> None:
    """One real update: zero_grad, MSE forward/backward, optimizer.step()."""
    optimizer.zero_grad()
    torch.nn.functional.mse_loss(model(DATA), TARGET).backward()
    optimizer.step()


def group_lrs(optimizer: torch.optim.Optimizer) -> list[float]:
    """The lr of every parameter group, now."""
    return [float(group["lr"]) for group in optimizer.param_groups]


def run(
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    scheduler: LRScheduler,
    updates: int,
    *,
    every: int = 1,
) -> Trace:
    """The group lrs in force for each of ``updates`` updates; ``scheduler.step()`` after
    every ``every``-th update (``every = steps_per_epoch``: an epoch scheduler)."""
    trace = []
    for update in range(updates):
        trace.append(group_lrs(optimizer))
        train_step(model, optimizer)
        if (update + 1) % every == 0:
            scheduler.step()
    return trace


def assert_traces_equal(got: Trace, want: Trace, *, rel: float = 1e-9) -> None:
    """Row by row, group by group: relative closeness (exact zeros must match exactly)."""
    assert len(got) == len(want)
    for k, (got_row, want_row) in enumerate(zip(got, want, strict=True)):
        for g, (value, expected) in enumerate(zip(got_row, want_row, strict=True)):
            assert math.isclose(value, expected, rel_tol=rel, abs_tol=0.0), (
                f"step {k}, group {g}: got {value!r}, want {expected!r}"
            )


def assert_float32_close(got: Any, want: Sequence[float], what: str) -> None:
    """A float32 evaluation against float64 oracle values: |d| <= 2e-6 |want| + 1e-6."""
    got_values = np.asarray(got, dtype=np.float64)
    want_values = np.asarray(want, dtype=np.float64)
    assert got_values.shape == want_values.shape
    error = np.abs(got_values - want_values)
    bad = np.nonzero(error > 2e-6 * np.abs(want_values) + 1e-6)[0]
    assert bad.size == 0, (
        f"{what}: step index {bad[0]}: got {got_values[bad[0]]!r}, want {want_values[bad[0]]!r}"
    )


def jit_values(schedule: lrcore.Schedule, steps: Sequence[int]) -> Any:
    """``schedule`` on int32 steps under one ``jax.jit`` (float32, JAX's default)."""
    return jax.jit(schedule)(jnp.asarray(steps, dtype=jnp.int32))


# ------------------------------------------------------ 1. the torch classics (section 5)


def _lambda_native(optimizer: torch.optim.Optimizer) -> LRScheduler:
    # The material's LambdaLR, verbatim: one lambda per parameter group.
    lambda1 = lambda epoch: epoch // 30  # noqa: E731
    lambda2 = lambda epoch: 0.95**epoch  # noqa: E731
    return LambdaLR(optimizer, lr_lambda=[lambda1, lambda2])


CLASSICS: list[tuple[str, Callable[[torch.optim.Optimizer], LRScheduler], Any]] = [
    (
        "LambdaLR-two-groups",
        _lambda_native,
        [
            {"name": "stairs", "step_size": 30, "increment": 1.0},
            {"name": "exponential", "gamma": 0.95},
        ],
    ),
    (
        "ExponentialLR-0.9",
        lambda opt: ExponentialLR(opt, gamma=0.9),
        {"name": "exponential", "gamma": 0.9},
    ),
    (
        "StepLR-5-0.8",
        lambda opt: StepLR(opt, step_size=5, gamma=0.8),
        {"name": "step", "step_size": 5, "gamma": 0.8},
    ),
    (
        "MultiStepLR-30-80",
        lambda opt: MultiStepLR(opt, milestones=[30, 80], gamma=0.1),
        {"name": "multistep", "milestones": [30, 80], "gamma": 0.1},
    ),
    (
        "CosineAnnealingLR-10-0.01",
        lambda opt: CosineAnnealingLR(opt, T_max=10, eta_min=0.01),
        # torch's eta_min is an absolute lr shared by the groups: min_factor per group.
        [
            {"name": "cosine_annealing", "T_max": 10, "min_factor": 0.01 / base}
            for base in LAYER_LRS
        ],
    ),
]


@pytest.mark.parametrize(
    ("native", "spec"), [c[1:] for c in CLASSICS], ids=[c[0] for c in CLASSICS]
)
def test_classic_matches_torch_native(
    native: Callable[[torch.optim.Optimizer], LRScheduler], spec: Any
) -> None:
    """Over 100 epochs of a real 2-layer model with per-layer lrs, the lrcore config gives
    torch's native lrs (1e-9) per group, and both runs train the same weights."""
    native_model, native_optimizer = two_layer_model()
    want = run(native_model, native_optimizer, native(native_optimizer), 100)
    model, optimizer = two_layer_model()
    got = run(model, optimizer, to_torch(spec, optimizer), 100)
    assert_traces_equal(got, want)
    for mine, theirs in zip(model.parameters(), native_model.parameters(), strict=True):
        torch.testing.assert_close(mine, theirs, rtol=1e-5, atol=1e-6)


def test_classics_are_not_trivial() -> None:
    """The comparison above sees the features it claims: the stairs climb (0 for 30 epochs,
    then 1, 2, 3 times the base lr) and the cosine oscillates back up past T_max."""
    model, optimizer = two_layer_model()
    trace = run(model, optimizer, _lambda_native(optimizer), 100)
    assert [trace[e][0] for e in (0, 29, 30, 60, 99)] == [0.0, 0.0, 0.1, 0.2, 0.1 * 3]
    model, optimizer = two_layer_model()
    trace = run(model, optimizer, CosineAnnealingLR(optimizer, T_max=10, eta_min=0.01), 100)
    assert math.isclose(trace[10][0], 0.01) and math.isclose(trace[10][1], 0.01)
    assert math.isclose(trace[20][0], 0.1) and math.isclose(trace[90][1], 0.01)


# ----------------------------------------------------------------------------- 2. stairs


def stairs_oracle(step_size: int, increment: float, start: float) -> Callable[[int], float]:
    """``start + increment * (number of multiples of step_size in 1..t)``."""
    return lambda t: start + increment * len(range(step_size, t + 1, step_size))


STAIRS = [(30, 1.0, 0.0), (7, 0.25, 0.5), (1, 2.0, 1.0), (5, 0.0, 0.3), (3, 0.1, 0.0)]


@pytest.mark.parametrize(("step_size", "increment", "start"), STAIRS)
def test_stairs_values(step_size: int, increment: float, start: float) -> None:
    """stairs equals the hand formula on ints (float results), NumPy int64/int32 arrays, and
    under jax.jit on int32 (float32 tolerance), from a config dict and from the class."""
    config = {"name": "stairs", "step_size": step_size, "increment": increment, "start": start}
    schedule = lrcore.from_config(config)
    assert schedule == Stairs(step_size, increment, start)
    oracle = stairs_oracle(step_size, increment, start)
    steps = list(range(200))
    want = [oracle(k) for k in steps]
    got = [schedule(k) for k in steps]
    assert all(type(value) is float for value in got)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=0)
    for dtype in (np.int64, np.int32):
        np.testing.assert_allclose(schedule(np.array(steps, dtype=dtype)), want, rtol=1e-12)
    assert_float32_close(jit_values(schedule, steps), want, "stairs jit")


def test_stairs_config_defaults_and_round_trip() -> None:
    """start defaults to 0.0; the config is JSON-safe and rebuilds an equal schedule."""
    schedule = lrcore.from_config({"name": "stairs", "step_size": 30, "increment": 1})
    assert schedule.to_config() == {
        "name": "stairs",
        "step_size": 30,
        "increment": 1.0,
        "start": 0.0,
    }
    rebuilt = lrcore.from_config(json.loads(json.dumps(schedule.to_config())))
    assert rebuilt == schedule
    assert [rebuilt(k) for k in (0, 29, 30, 95)] == [0.0, 0.0, 1.0, 3.0]
    assert pickle.loads(pickle.dumps(schedule)) == schedule


@pytest.mark.parametrize(
    ("params", "error", "field"),
    [
        ({"step_size": 0, "increment": 1.0}, ValueError, "step_size"),
        ({"step_size": 2.0, "increment": 1.0}, TypeError, "step_size"),
        ({"step_size": True, "increment": 1.0}, TypeError, "step_size"),
        ({"step_size": 3, "increment": -0.5}, ValueError, "increment"),
        ({"step_size": 3, "increment": math.nan}, ValueError, "increment"),
        ({"step_size": 3, "increment": "1"}, TypeError, "increment"),
        ({"step_size": 3, "increment": 1.0, "start": -1.0}, ValueError, "start"),
        ({"step_size": 3, "increment": 1.0, "start": math.inf}, ValueError, "start"),
        ({"step_size": 3}, TypeError, "increment"),
    ],
)
def test_stairs_validation(params: dict[str, Any], error: type[Exception], field: str) -> None:
    """Bad stairs settings (negative factors included) fail at construction, naming the field."""
    with pytest.raises(error, match=field):
        lrcore.from_config({"name": "stairs", **params})


# ---------------------------------------------------------------------- 3. per_iteration

INNERS: list[tuple[str, dict[str, Any]]] = [
    ("step", {"name": "step", "step_size": 3, "gamma": 0.5}),
    ("cosine", {"name": "cosine_annealing", "T_max": 10, "min_factor": 0.1}),
    ("multistep", {"name": "multistep", "milestones": [2, 5], "gamma": 0.1}),
    ("stairs", {"name": "stairs", "step_size": 2, "increment": 0.5, "start": 0.25}),
    ("warmup_linear", {"name": "warmup_linear", "warmup_steps": 2, "total_steps": 10}),
    (
        "warmup-cosine",
        {
            "name": "warmup",
            "warmup_steps": 2,
            "start_factor": 0.1,
            "schedule": {"name": "cosine_annealing", "T_max": 8},
        },
    ),
]
EPOCHS = 25


@pytest.mark.parametrize("steps_per_epoch", [1, 7, 40])
@pytest.mark.parametrize("inner_config", [c[1] for c in INNERS], ids=[c[0] for c in INNERS])
def test_staircase_is_inner_of_epoch(inner_config: dict[str, Any], steps_per_epoch: int) -> None:
    """staircase: f(it) = inner(it // steps_per_epoch) at every iteration, on ints (exactly),
    NumPy arrays (exactly) and under jax.jit on int32 (float32 tolerance)."""
    inner = lrcore.from_config(inner_config)
    schedule = lrcore.from_config(
        {"name": "per_iteration", "schedule": inner_config, "steps_per_epoch": steps_per_epoch}
    )
    iterations = list(range(EPOCHS * steps_per_epoch))
    want = [inner(it // steps_per_epoch) for it in iterations]
    assert [schedule(it) for it in iterations] == want
    array = np.array(iterations)
    assert np.array_equal(schedule(array), inner(array // steps_per_epoch))
    assert_float32_close(jit_values(schedule, iterations), want, "staircase jit")


def cosine_oracle(t_max: int, m: float) -> Callable[[float], float]:
    """torch's closed form at a (fractional) epoch."""
    return lambda e: m + (1 - m) * (1 + math.cos(math.pi * e / t_max)) / 2


CONTINUOUS: list[tuple[str, dict[str, Any], Callable[[float], float]]] = [
    (
        "cosine",
        {"name": "cosine_annealing", "T_max": 10, "min_factor": 0.1},
        cosine_oracle(10, 0.1),
    ),
    ("cosine-0", {"name": "cosine_annealing", "T_max": 3}, cosine_oracle(3, 0.0)),
    ("exponential", {"name": "exponential", "gamma": 0.8}, lambda e: 0.8**e),
    # Staircases of the inner schedule stay staircases in (fractional) epochs.
    ("step", {"name": "step", "step_size": 3, "gamma": 0.5}, lambda e: 0.5 ** math.floor(e / 3)),
    (
        "multistep",
        {"name": "multistep", "milestones": [2, 5], "gamma": 0.1},
        lambda e: 0.1 ** ((e >= 2) + (e >= 5)),
    ),
    (
        "warmup-cosine",
        {
            "name": "warmup",
            "warmup_steps": 2,
            "start_factor": 0.1,
            "schedule": {"name": "cosine_annealing", "T_max": 8},
        },
        lambda e: 0.1 + 0.9 * e / 2 if e < 2 else cosine_oracle(8, 0.0)(e - 2),
    ),
]


@pytest.mark.parametrize("steps_per_epoch", [1, 7, 40])
@pytest.mark.parametrize(
    ("inner_config", "oracle"), [c[1:] for c in CONTINUOUS], ids=[c[0] for c in CONTINUOUS]
)
def test_continuous_is_inner_at_fractional_epoch(
    inner_config: dict[str, Any], oracle: Callable[[float], float], steps_per_epoch: int
) -> None:
    """staircase=False: f(it) = the inner formula at epoch it / steps_per_epoch, written out by
    hand; ints and NumPy int64 to 1e-12, jax.jit on int32 to float32 tolerance."""
    schedule = PerIteration(inner_config, steps_per_epoch, staircase=False)
    iterations = list(range(EPOCHS * steps_per_epoch))
    want = [oracle(it / steps_per_epoch) for it in iterations]
    got = [schedule(it) for it in iterations]
    assert all(type(value) is float for value in got)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(schedule(np.array(iterations)), want, rtol=1e-12, atol=1e-15)
    assert_float32_close(jit_values(schedule, iterations), want, "continuous jit")


def test_continuous_moves_within_an_epoch_staircase_does_not() -> None:
    """The two modes differ as documented: inside epoch 3 the staircase holds inner(3), the
    continuous cosine keeps decreasing; both agree at the epoch boundaries."""
    inner = {"name": "cosine_annealing", "T_max": 10}
    stairs = PerIteration(inner, 8)
    smooth = PerIteration(inner, 8, staircase=False)
    within = range(24, 32)
    assert len({stairs(it) for it in within}) == 1
    assert all(smooth(it + 1) < smooth(it) for it in within)
    for epoch in range(12):
        assert math.isclose(stairs(8 * epoch), smooth(8 * epoch), rel_tol=1e-12)


@pytest.mark.parametrize("staircase", [True, False])
def test_periodic_inner_on_giant_int32_steps(staircase: bool) -> None:
    """A cosine inner stays exact near the int32 limit under jax.jit: the period is scaled by
    steps_per_epoch and reduced in integers; a scaled period beyond int32 does not overflow."""
    for t_max, per_epoch in ((10, 1000), (2**20, 2**12)):
        schedule = PerIteration(
            {"name": "cosine_annealing", "T_max": t_max, "min_factor": 0.05}, per_epoch, staircase
        )
        oracle = cosine_oracle(t_max, 0.05)
        top = 2**31 - 1
        steps = [top - k * 997 for k in range(50)] + [3, per_epoch + 1, 3 * per_epoch - 1]
        epochs = [it // per_epoch if staircase else it / per_epoch for it in steps]
        want = [oracle(e) for e in epochs]
        np.testing.assert_allclose([schedule(it) for it in steps], want, rtol=1e-9, atol=1e-12)
        assert_float32_close(jit_values(schedule, steps), want, f"T_max={t_max}")


@pytest.mark.parametrize("staircase", [True, False])
def test_per_iteration_config_round_trip(staircase: bool) -> None:
    """The config (defaults included, inner nested) survives JSON and pickle, and equals the
    one built from a Schedule object; the rebuilt schedule gives the same values."""
    inner = {"name": "cosine_annealing", "T_max": 10, "min_factor": 0.1}
    schedule = lrcore.from_config(
        {"name": "per_iteration", "schedule": inner, "steps_per_epoch": 7, "staircase": staircase}
    )
    assert schedule.to_config() == {
        "name": "per_iteration",
        "schedule": inner,
        "steps_per_epoch": 7,
        "staircase": staircase,
    }
    rebuilt = lrcore.from_config(json.loads(json.dumps(schedule.to_config())))
    assert rebuilt == schedule == PerIteration(lrcore.from_config(inner), 7, staircase)
    assert pickle.loads(pickle.dumps(schedule)) == schedule
    assert [rebuilt(it) for it in range(300)] == [schedule(it) for it in range(300)]
    default = lrcore.from_config({"name": "per_iteration", "schedule": inner, "steps_per_epoch": 7})
    assert default.to_config()["staircase"] is True


def test_warmup_inside_per_iteration() -> None:
    """per_iteration(warmup(2 epochs from 0.1, cosine T_max=8)): the warmup counts epochs;
    staircase ramps once per epoch, continuous ramps every iteration (hand oracle)."""
    inner = {
        "name": "warmup",
        "warmup_steps": 2,
        "start_factor": 0.1,
        "schedule": {"name": "cosine_annealing", "T_max": 8},
    }

    def oracle(e: float) -> float:
        return 0.1 + 0.9 * e / 2 if e < 2 else cosine_oracle(8, 0.0)(e - 2)

    for staircase in (True, False):
        schedule = PerIteration(inner, 5, staircase)
        iterations = range(150)
        want = [oracle(it // 5 if staircase else it / 5) for it in iterations]
        np.testing.assert_allclose([schedule(it) for it in iterations], want, rtol=1e-12)
    assert PerIteration(inner, 5)(4) == 0.1
    assert math.isclose(PerIteration(inner, 5, staircase=False)(4), 0.1 + 0.9 * 0.8 / 2)


def test_per_iteration_inside_warmup() -> None:
    """warmup(5 iterations, per_iteration(step(2 epochs, 0.5), 4 iterations per epoch)):
    a per-iteration warmup, then the epoch staircase restarted at its iteration 0."""
    inner = {
        "name": "per_iteration",
        "schedule": {"name": "step", "step_size": 2, "gamma": 0.5},
        "steps_per_epoch": 4,
    }
    schedule = lrcore.from_config({"name": "warmup", "warmup_steps": 5, "schedule": inner})

    def oracle(it: int) -> float:
        return it / 5 if it < 5 else 0.5 ** ((it - 5) // 4 // 2)

    iterations = list(range(80))
    want = [oracle(it) for it in iterations]
    np.testing.assert_allclose([schedule(it) for it in iterations], want, rtol=1e-12)
    np.testing.assert_allclose(schedule(np.array(iterations)), want, rtol=1e-12)
    assert_float32_close(jit_values(schedule, iterations), want, "warmup(per_iteration) jit")


TORCH_PER_EPOCH: list[tuple[str, Callable[[torch.optim.Optimizer], LRScheduler], Any]] = [
    (
        "StepLR-3-0.5",
        lambda opt: StepLR(opt, step_size=3, gamma=0.5),
        {"name": "step", "step_size": 3, "gamma": 0.5},
    ),
    (
        "MultiStepLR-4-9",
        lambda opt: MultiStepLR(opt, milestones=[4, 9], gamma=0.1),
        {"name": "multistep", "milestones": [4, 9], "gamma": 0.1},
    ),
    (
        "CosineAnnealingLR-5-0.01",
        lambda opt: CosineAnnealingLR(opt, T_max=5, eta_min=0.01),
        [{"name": "cosine_annealing", "T_max": 5, "min_factor": 0.01 / b} for b in LAYER_LRS],
    ),
]


@pytest.mark.parametrize(
    ("native", "inner"), [c[1:] for c in TORCH_PER_EPOCH], ids=[c[0] for c in TORCH_PER_EPOCH]
)
def test_staircase_matches_torch_epoch_scheduler(
    native: Callable[[torch.optim.Optimizer], LRScheduler], inner: Any
) -> None:
    """A torch epoch scheduler stepped once per epoch, its lr read at every iteration, equals
    per_iteration(inner) stepped once per iteration (1e-9, per layer, 24 epochs x 6 its)."""
    per_epoch, epochs = 6, 24
    native_model, native_optimizer = two_layer_model()
    want = run(
        native_model,
        native_optimizer,
        native(native_optimizer),
        epochs * per_epoch,
        every=per_epoch,
    )
    inners = inner if isinstance(inner, list) else [inner] * len(LAYER_LRS)
    spec = [
        {"name": "per_iteration", "schedule": config, "steps_per_epoch": per_epoch}
        for config in inners
    ]
    model, optimizer = two_layer_model()
    got = run(model, optimizer, to_torch(spec, optimizer), epochs * per_epoch)
    assert_traces_equal(got, want)


@pytest.mark.parametrize(
    ("params", "error", "field"),
    [
        ({"steps_per_epoch": 0}, ValueError, "steps_per_epoch"),
        ({"steps_per_epoch": 2.5}, TypeError, "steps_per_epoch"),
        ({"steps_per_epoch": 4, "staircase": 1}, TypeError, "staircase"),
        ({"steps_per_epoch": 4, "staircase": "false"}, TypeError, "staircase"),
        ({"steps_per_epoch": 4, "staircase": np.bool_(True)}, TypeError, "staircase"),
        ({"steps_per_epoch": 4, "staircase": None}, TypeError, "staircase"),
        ({"steps_per_epoch": 4, "schedule": "cosine_annealing"}, TypeError, "schedule"),
        ({"steps_per_epoch": 4, "schedule": {"name": "step", "step_size": 0}}, ValueError, "step"),
        ({"schedule": {"name": "constant"}}, TypeError, "steps_per_epoch"),
    ],
)
def test_per_iteration_validation(
    params: dict[str, Any], error: type[Exception], field: str
) -> None:
    """Bad per_iteration settings fail at construction with a message naming the field."""
    config = {"name": "per_iteration", "schedule": {"name": "constant"}, **params}
    with pytest.raises(error, match=field):
        lrcore.from_config(config)


# ---------------------------------------------------------------------- 4. total_updates


def recipe_t_total(num_examples: int, batch_size: int, accumulation: int, epochs: int) -> int:
    """The recipe's t_total: int(num_examples / train_batch_size / accumulation) * epochs."""
    return int(num_examples / batch_size / accumulation) * epochs


@pytest.mark.parametrize(
    "args",
    [(1000, 32, 4, 3), (1000, 32, 1, 1), (50000, 64, 2, 10), (128, 32, 4, 5), (0, 8, 1, 2)],
)
def test_total_updates_is_the_recipe_t_total(args: tuple[int, int, int, int]) -> None:
    """total_updates is the recipe's t_total, positionally and by keyword."""
    num_examples, batch_size, accumulation, epochs = args
    want = recipe_t_total(*args)
    assert total_updates(*args) == want
    got = total_updates(
        num_examples=num_examples,
        batch_size=batch_size,
        accumulation_steps=accumulation,
        epochs=epochs,
    )
    assert got == want and type(got) is int


def test_total_updates_examples() -> None:
    """The documented example and the defaults (no accumulation, one epoch)."""
    assert total_updates(1000, 32, accumulation_steps=4, epochs=3) == 21  # int(7.8125) * 3
    assert total_updates(1000, 32) == 31
    assert total_updates(1024, 32, 4) == 8


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        ((-1, 32), ValueError, "num_examples must be >= 0, got -1"),
        ((100, 0), ValueError, "batch_size must be >= 1, got 0"),
        ((100, 32, 0), ValueError, "accumulation_steps must be >= 1, got 0"),
        ((100, 32, 1, 0), ValueError, "epochs must be >= 1, got 0"),
        ((100.0, 32), TypeError, "num_examples must be an integer, got 100.0"),
        ((100, True), TypeError, "batch_size must be an integer, got True"),
        ((100, 32, 1, 2.5), TypeError, "epochs must be an integer, got 2.5"),
    ],
)
def test_total_updates_validation(
    args: tuple[Any, ...], error: type[Exception], message: str
) -> None:
    """Bad arguments raise, naming the field and the value."""
    with pytest.raises(error, match=message):
        total_updates(*args)


def test_updates_per_epoch() -> None:
    """Full groups of accumulation_steps micro-batches; round_up counts a trailing partial one."""
    assert updates_per_epoch(32, 4) == 8
    assert updates_per_epoch(31, 4) == 7
    assert updates_per_epoch(31, 4, round_up=True) == 8
    assert updates_per_epoch(32, 4, round_up=True) == 8
    assert updates_per_epoch(10) == 10
    assert updates_per_epoch(0, 3, round_up=True) == 0
    with pytest.raises(ValueError, match="accumulation_steps must be >= 1, got 0"):
        updates_per_epoch(10, 0)
    with pytest.raises(ValueError, match="num_batches must be >= 0, got -2"):
        updates_per_epoch(-2)
    with pytest.raises(TypeError, match="round_up must be True or False, got 1"):
        updates_per_epoch(10, 2, round_up=1)  # type: ignore[arg-type]


def recipe_lr_lambda(warmup_steps: int, t_total: int) -> Callable[[int], float]:
    """WarmupLinearSchedule.lr_lambda (section 1 of the recipes), as the source writes it."""

    def lr_lambda(step: int) -> float:
        if step < warmup_steps:
            return float(step) / float(max(1, warmup_steps))
        return max(0.0, float(t_total - step) / float(max(1.0, t_total - warmup_steps)))

    return lr_lambda


NUM_EXAMPLES, BATCH, ACCUMULATION, NUM_EPOCHS = 1000, 32, 4, 3


def accumulation_loop(
    scheduler_for: Callable[[torch.optim.Optimizer], LRScheduler] | None,
    *,
    drop_last: bool,
    step_on_last_batch: bool = False,
) -> tuple[list[float], float]:
    """A real gradient-accumulation loop (run_glue style): backward on every micro-batch,
    optimizer.step() + scheduler.step() every ACCUMULATION micro-batches of each epoch.

    Returns the lr of every optimizer update, and the lr left after the run.
    """
    torch.manual_seed(0)
    features = torch.randn(NUM_EXAMPLES, 4)
    dataset = torch.utils.data.TensorDataset(features, features.sum(dim=1, keepdim=True))
    loader = torch.utils.data.DataLoader(dataset, batch_size=BATCH, drop_last=drop_last)
    model = torch.nn.Linear(4, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    scheduler = scheduler_for(optimizer) if scheduler_for else None
    update_lrs = []
    for _ in range(NUM_EPOCHS):
        for step, (x, y) in enumerate(loader):
            loss = torch.nn.functional.mse_loss(model(x), y) / ACCUMULATION
            loss.backward()
            last = step_on_last_batch and step + 1 == len(loader)
            if (step + 1) % ACCUMULATION == 0 or last:
                update_lrs.append(optimizer.param_groups[0]["lr"])
                optimizer.step()
                if scheduler is not None:
                    scheduler.step()
                optimizer.zero_grad()
    return update_lrs, optimizer.param_groups[0]["lr"]


def test_scheduler_steps_once_per_update_and_ends_at_total_updates() -> None:
    """With accumulation_steps=4 and drop_last=True, stepping warmup_linear once per optimizer
    update makes the run exactly total_updates (= the recipe's t_total = 21) updates long:
    every update's lr is the recipe's lr_lambda, the last is still > 0, then the lr is 0."""
    t_total = total_updates(NUM_EXAMPLES, BATCH, ACCUMULATION, NUM_EPOCHS)
    assert t_total == recipe_t_total(NUM_EXAMPLES, BATCH, ACCUMULATION, NUM_EPOCHS) == 21
    config = {"name": "warmup_linear", "warmup_steps": 2, "total_steps": t_total}
    lrs, final = accumulation_loop(lambda opt: to_torch(config, opt), drop_last=True)
    assert len(lrs) == t_total
    recipe = recipe_lr_lambda(2, t_total)
    want = [0.1 * recipe(k) for k in range(t_total)]
    np.testing.assert_allclose(lrs, want, rtol=1e-12, atol=0)
    assert lrs[-1] > 0 and math.isclose(lrs[-1], 0.1 / (t_total - 2), rel_tol=1e-12)
    assert final == 0.0


def test_updates_per_epoch_counts_the_loader() -> None:
    """Without drop_last the loader has ceil(1000 / 32) = 32 batches: the loop runs
    updates_per_epoch(len(loader), 4) * 3 = 24 updates, more than the recipe's 21 (so a
    schedule sized by t_total would spend 3 updates at lr 0); with round_up, a loop that also
    updates after the epoch's last batch is counted too."""
    lrs, _ = accumulation_loop(None, drop_last=False)
    assert len(lrs) == updates_per_epoch(32, ACCUMULATION) * NUM_EPOCHS == 24
    assert len(lrs) > total_updates(NUM_EXAMPLES, BATCH, ACCUMULATION, NUM_EPOCHS)
    lrs, _ = accumulation_loop(None, drop_last=True, step_on_last_batch=True)
    assert len(lrs) == updates_per_epoch(31, ACCUMULATION, round_up=True) * NUM_EPOCHS == 24
    lrs, _ = accumulation_loop(None, drop_last=True)
    assert len(lrs) == updates_per_epoch(31, ACCUMULATION) * NUM_EPOCHS == 21
