"""timm's schedulers: cosine, poly, tanh, step and multistep port through ``from_torch``.

Oracles: ``natives.timm_lrs`` (timm's train.py loop on a real SGD, two groups with
different lrs: what training sees) and ``natives.timm_get_lr`` (timm's closed form
``_get_lr(t)``), randomised settings (seeded) with cycles, k-decay, warmups with and
without prefix, both ``t_in_epochs``, from step 0 to past the cycle limit.  The port
replays on the core, torch, Paddle and optax.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest

import lrcore
from lrcore_torch import from_torch
from tests.conformance import natives
from tests.conformance.replay import assert_config_round_trip, assert_replays, rng_for

MODULES = {
    "CosineLRScheduler": "cosine_lr",
    "PolyLRScheduler": "poly_lr",
    "TanhLRScheduler": "tanh_lr",
    "StepLRScheduler": "step_lr",
    "MultiStepLRScheduler": "multistep_lr",
}


def timm_class(name: str) -> Any:
    return getattr(natives.timm_module(MODULES[name]), name)


def _pick(rng: Any, options: list[Any]) -> Any:
    return options[int(rng.integers(len(options)))]


def _settings(name: str, case: int) -> tuple[dict[str, Any], int, tuple[float, float]]:
    """``(constructor keywords, steps, base_lrs)`` for one randomised case."""
    rng = rng_for("timm", name, case)
    base_lrs = (float(rng.uniform(0.01, 0.5)), float(rng.uniform(1e-4, 0.01)))
    kwargs: dict[str, Any] = {
        "warmup_t": _pick(rng, [0, 3, 6]) if case else 0,
        "warmup_lr_init": _pick(rng, [0.0, 1e-5]),
        "warmup_prefix": bool(rng.integers(2)),
        "t_in_epochs": bool(rng.integers(2)),
    }
    steps = 320
    if name in ("StepLRScheduler", "MultiStepLRScheduler"):
        kwargs["decay_rate"] = _pick(rng, [0.1, 0.5, 0.97])
        if name == "StepLRScheduler":
            kwargs["decay_t"] = _pick(rng, [7, 2.4, 30.0, 2.5])
        else:
            kwargs["decay_t"] = sorted(int(m) for m in rng.integers(0, 200, size=4))
        return kwargs, steps, base_lrs
    length = int(rng.integers(5, 40))
    mul = [1.0, 2.0, 1.5, 0.8][case % 4]
    kwargs.update(
        t_initial=length,
        lr_min=_pick(rng, [0.0, 1e-5, 2e-3]),
        cycle_mul=mul,
        cycle_decay=_pick(rng, [1.0, 0.5, 0.8]),
        cycle_limit=_pick(rng, [1, 3, 50]),
    )
    if name in ("CosineLRScheduler", "PolyLRScheduler"):
        kwargs["k_decay"] = _pick(rng, [1.0, 1.5, 0.8])
    if name == "PolyLRScheduler":
        kwargs["power"] = _pick(rng, [0.5, 1.0, 2.0])
    if name == "TanhLRScheduler":
        kwargs["lb"], kwargs["ub"] = _pick(rng, [(-7.0, 3.0), (-4.0, 5.0)])
    if mul < 1:  # timm's math.log raises from T / (1 - cycle_mul) on: stop before
        crash = length / (1 - mul) + (kwargs["warmup_t"] if kwargs["warmup_prefix"] else 0)
        steps = min(steps, math.floor(crash) - 1)
    return kwargs, steps, base_lrs


def _run(name: str, kwargs: dict[str, Any], steps: int, base_lrs: Any) -> tuple[list[Any], Any]:
    made: list[Any] = []

    def make(optimizer: Any) -> Any:
        made.append(timm_class(name)(optimizer, **kwargs))
        return made[-1]

    return natives.timm_lrs(make, steps, base_lrs), made[0]


CASES = [(name, case) for name in MODULES for case in range(4)]


@pytest.mark.parametrize(("name", "case"), CASES)
def test_timm_scheduler_ports_and_replays(name: str, case: int) -> None:
    kwargs, steps, base_lrs = _settings(name, case)
    _, fresh_optimizer = natives.torch_model_and_optimizer(base_lrs)
    pairs = from_torch(timm_class(name)(fresh_optimizer, **kwargs))
    want, scheduler = _run(name, kwargs, steps, base_lrs)
    what = f"{name} {kwargs}"
    assert [base for base, _ in pairs] == list(base_lrs)
    assert all(s.name.startswith("timm_") for _, s in pairs)
    # The reference: timm's closed form _get_lr(t), t = 0 included, on every backend.
    closed = [[natives.timm_get_lr(scheduler, t)[g] for t in range(steps)] for g in (0, 1)]
    assert_replays(pairs, closed, what=f"{what} _get_lr")
    # On the int path base * f(t) is _get_lr(t) to an ulp or two (one division, one
    # product); NumPy's vectorised cos/tanh/pow may differ from libm by an ulp more.
    for g, (base, schedule) in enumerate(pairs):
        for t in range(steps):
            assert math.isclose(base * schedule(t), closed[g][t], rel_tol=5e-16), (what, t)
    # What training sees (train.py's loop, one update per epoch) is _get_lr(t) from
    # t = 1 on; at t = 0 it is what the constructor set (warmup_lr_init, or the base
    # lr), which _get_lr(0) can differ from: documented.
    assert [row[1:] for row in want] == [row[1:] for row in closed]
    for g, base in enumerate(base_lrs):
        assert want[g][0] == (kwargs["warmup_lr_init"] if kwargs["warmup_t"] else base)
    assert_config_round_trip(pairs)
    # The stepped scheduler (after the whole run) ports the same curve from t = 0.
    assert from_torch(scheduler) == pairs


def test_the_lr_at_t0_is_the_constructors() -> None:
    """Without a warmup timm's constructor sets the base lr; _get_lr(0) is the schedule's
    start: equal to an ulp for cosine and poly, not for tanh ((1 - tanh(lb)) / 2) nor for
    a multistep milestone <= 1 (t + 1 >= m).  The port follows _get_lr."""
    _, optimizer = natives.torch_model_and_optimizer((0.1,))
    tanh = timm_class("TanhLRScheduler")(optimizer, t_initial=10)
    assert optimizer.param_groups[0]["lr"] == 0.1
    ((base, schedule),) = from_torch(tanh)
    assert base * schedule(0) == pytest.approx(0.1 * (1 - math.tanh(-7.0)) / 2, rel=1e-15)
    _, optimizer = natives.torch_model_and_optimizer((0.1,))
    multistep = timm_class("MultiStepLRScheduler")(optimizer, decay_t=[1, 5], decay_rate=0.5)
    assert optimizer.param_groups[0]["lr"] == 0.1
    assert from_torch(multistep)[0][1](0) == 0.5


def test_per_iteration_reads_an_epoch_scheduler_per_update() -> None:
    """t_in_epochs=True counts epochs: per_iteration(steps_per_epoch) gives the lr per update."""
    kwargs = {"t_initial": 6, "lr_min": 1e-4, "warmup_t": 2, "warmup_lr_init": 1e-3}
    made: list[Any] = []

    def make(optimizer: Any) -> Any:
        made.append(timm_class("CosineLRScheduler")(optimizer, **kwargs))
        return made[-1]

    want = natives.timm_lrs(make, 40, updates_per_epoch=4)
    pairs = [
        (base, lrcore.PerIteration(schedule=schedule, steps_per_epoch=4))
        for base, schedule in from_torch(made[0])
    ]
    assert_replays(pairs, want, what="cosine per update", backends=("core", "torch"))


def test_noise_is_refused_as_random() -> None:
    _, optimizer = natives.torch_model_and_optimizer()
    noisy = timm_class("CosineLRScheduler")(optimizer, t_initial=10, noise_range_t=5)
    with pytest.raises(TypeError, match="random"):
        from_torch(noisy)


def test_other_timm_schedulers_are_refused() -> None:
    plateau = natives.timm_module("plateau_lr").PlateauLRScheduler
    _, optimizer = natives.torch_model_and_optimizer()
    with pytest.warns(FutureWarning, match="deprecated"):
        scheduler = plateau(optimizer)
    with pytest.raises(TypeError, match="PlateauLRScheduler"):
        from_torch(scheduler)

    class Custom(timm_class("StepLRScheduler")):  # type: ignore[misc]
        pass

    with pytest.raises(TypeError, match="cannot port"):
        from_torch(Custom(optimizer, decay_t=3))


def test_lr_scale_groups_get_a_scaled_base() -> None:
    """timm's layer decay: lr = _get_lr(t) * lr_scale; the port's base carries the scale."""
    _, optimizer = natives.torch_model_and_optimizer((0.1, 0.02))
    optimizer.param_groups[1]["lr_scale"] = 0.3
    scheduler = timm_class("CosineLRScheduler")(optimizer, t_initial=20, lr_min=1e-4, warmup_t=3)
    pairs = from_torch(scheduler)
    for t in range(1, 40):
        scheduler.step(t)
        for group, (base, schedule) in zip(optimizer.param_groups, pairs, strict=True):
            assert math.isclose(base * schedule(t), group["lr"], rel_tol=1e-15)


def test_cycle_mul_below_one_holds_lr_min_where_timm_raises() -> None:
    _, optimizer = natives.torch_model_and_optimizer((0.1,))
    scheduler = timm_class("CosineLRScheduler")(
        optimizer, t_initial=10, cycle_mul=0.5, cycle_limit=1000, lr_min=1e-3
    )
    ((base, schedule),) = from_torch(scheduler)
    with pytest.raises(ValueError, match="math domain"):
        scheduler._get_lr(20)  # T / (1 - cycle_mul) = 20
    assert schedule(19) > 0 and base * schedule(20) == pytest.approx(1e-3, rel=1e-15)


@pytest.mark.parametrize(
    ("make", "text"),
    [
        (
            lambda: lrcore.from_config({"name": "timm_step", "base_lr": 0.1, "decay_t": 0}),
            "decay_t",
        ),
        (
            lambda: lrcore.from_config(
                {"name": "timm_tanh", "base_lr": 0.1, "t_initial": 5, "lb": 3.0, "ub": 1.0}
            ),
            "lb",
        ),
    ],
)
def test_bad_settings_name_the_field(make: Callable[[], Any], text: str) -> None:
    with pytest.raises(ValueError, match=text):
        make()


def test_step_with_float_decay_t_matches_pythons_floor_division() -> None:
    """decay_t=2.4 (timm's EfficientNet recipe): stairs exactly where t // 2.4 changes."""
    schedule = lrcore.from_config(
        {"name": "timm_step", "base_lr": 1.0, "decay_t": 2.4, "decay_rate": 0.5}
    )
    assert schedule.valid_below > 10**15
    for t in range(0, 5000):
        assert schedule(t) == 0.5 ** (t // 2.4), t
