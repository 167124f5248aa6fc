"""Smoke tests for the native oracles in ``natives.py``: each driver runs its framework's
own scheduler and returns the lr in force at update k, checked here against formulas
written out by hand (and, for timm and Paddle, against the scheduler's own closed form).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from typing import Any

import pytest

from tests.conformance import natives
from tests.recipe_oracles import transformers_linear

BASE = natives.DEFAULT_BASE_LRS


def close(got: float, want: float, rel: float = 1e-12) -> bool:
    return math.isclose(got, want, rel_tol=rel, abs_tol=rel * 1e-3)


# --------------------------------------------------------------------------- torch


def test_torch_steplr_is_the_formula_for_both_groups() -> None:
    from torch.optim.lr_scheduler import StepLR

    lrs = natives.torch_lrs(lambda opt: StepLR(opt, step_size=3, gamma=0.1), 14)
    assert [len(row) for row in lrs] == [14, 14]
    for g, base in enumerate(BASE):
        for k in range(14):
            assert close(lrs[g][k], base * 0.1 ** (k // 3)), (g, k, lrs[g][k])


def test_torch_lambdalr_record_k_is_f_of_k() -> None:
    """Index alignment: the value recorded for update k is base * f(k), exactly."""
    from torch.optim.lr_scheduler import LambdaLR

    def f(k: int) -> float:
        return 1.0 / (k + 1)

    lrs = natives.torch_lrs(lambda opt: LambdaLR(opt, f), 9, base_lrs=(0.5, 0.25, 0.125))
    assert lrs == [[base * f(k) for k in range(9)] for base in (0.5, 0.25, 0.125)]


def _torch_makers() -> dict[str, Callable[[Any], Any]]:
    from torch.optim import lr_scheduler as sch

    return {
        "StepLR": lambda o: sch.StepLR(o, 3, 0.5),
        "MultiStepLR": lambda o: sch.MultiStepLR(o, [2, 5], 0.1),
        "ConstantLR": lambda o: sch.ConstantLR(o, 0.5, 3),
        "LinearLR": lambda o: sch.LinearLR(o, 0.2, 1.0, 4),
        "ExponentialLR": lambda o: sch.ExponentialLR(o, 0.9),
        "PolynomialLR": lambda o: sch.PolynomialLR(o, 6, 2.0),
        "CosineAnnealingLR": lambda o: sch.CosineAnnealingLR(o, 6, 0.001),
        "CosineAnnealingWarmRestarts": lambda o: sch.CosineAnnealingWarmRestarts(o, 3, 2),
        "CyclicLR": lambda o: sch.CyclicLR(o, 0.01, 0.2, 3),
        "OneCycleLR": lambda o: sch.OneCycleLR(o, [0.2, 0.01], total_steps=10),
        "LambdaLR": lambda o: sch.LambdaLR(o, lambda k: 1 / (k + 1)),
        "MultiplicativeLR": lambda o: sch.MultiplicativeLR(o, lambda k: 0.9),
        "SequentialLR": lambda o: sch.SequentialLR(
            o, [sch.LinearLR(o, 0.1, 1.0, 3), sch.ExponentialLR(o, 0.9)], [3]
        ),
        "ChainedScheduler": lambda o: sch.ChainedScheduler(
            [sch.ConstantLR(o, 0.5, 4), sch.ExponentialLR(o, 0.9)]
        ),
    }


def test_torch_drives_every_scheduler_class() -> None:
    from torch.optim import lr_scheduler as sch

    makers = _torch_makers()
    assert set(makers) == set(sch.__all__) - {"LRScheduler", "ReduceLROnPlateau"}
    for name, make in makers.items():
        lrs = natives.torch_lrs(make, 10)
        assert [len(row) for row in lrs] == [10, 10], name
        assert all(math.isfinite(v) and v >= 0 for row in lrs for v in row), name


def test_torch_rejects_plateau_and_explains_onecycle_overrun() -> None:
    from torch.optim.lr_scheduler import OneCycleLR, ReduceLROnPlateau

    with pytest.raises(TypeError, match="metric"):
        natives.torch_lrs(ReduceLROnPlateau, 3)
    make = _torch_makers()["OneCycleLR"]
    assert len(natives.torch_lrs(make, 10)[0]) == 10
    with pytest.raises(ValueError, match=r"steps <= total_steps \(got steps=11\)"):
        natives.torch_lrs(lambda o: OneCycleLR(o, 0.2, total_steps=10), 11)


# --------------------------------------------------------------------------- timm


def test_timm_module_skips_timms_package_init() -> None:
    cosine_lr = natives.timm_module("cosine_lr")
    assert cosine_lr.__name__ == "timm.scheduler.cosine_lr"
    assert natives.timm_module("timm.scheduler.step_lr").StepLRScheduler is not None
    assert "timm.layers" not in sys.modules  # timm/__init__ (-> torchvision) never ran


@pytest.mark.parametrize("warmup_prefix", [True, False])
@pytest.mark.parametrize(("t_in_epochs", "updates_per_epoch"), [(True, 1), (True, 3), (False, 1)])
def test_timm_stepping_equals_get_lr(
    warmup_prefix: bool, t_in_epochs: bool, updates_per_epoch: int
) -> None:
    cosine_lr = natives.timm_module("cosine_lr")
    made: list[Any] = []

    def make(opt: Any) -> Any:
        made.append(
            cosine_lr.CosineLRScheduler(
                opt,
                t_initial=5,
                lr_min=1e-4,
                cycle_mul=2,
                cycle_decay=0.5,
                cycle_limit=3,
                k_decay=1.5,
                warmup_t=3,
                warmup_lr_init=1e-3,
                warmup_prefix=warmup_prefix,
                t_in_epochs=t_in_epochs,
                noise_range_t=None,
            )
        )
        return made[-1]

    # t runs past all three cycles (5 + 10 + 20, + 3 of warmup) into lr_min
    steps = 42 * updates_per_epoch if t_in_epochs else 42
    lrs = natives.timm_lrs(make, steps, updates_per_epoch=updates_per_epoch)
    for n in range(steps):
        t = n // updates_per_epoch if t_in_epochs else n
        assert [lrs[0][n], lrs[1][n]] == natives.timm_get_lr(made[0], t), n
    assert lrs[0][-1] == 1e-4


def test_timm_t0_is_the_constructors_value() -> None:
    """No initial step(0): at t=0 the groups hold base_values, not _get_lr(0)."""
    cosine_lr = natives.timm_module("cosine_lr")
    made: list[Any] = []

    def make(opt: Any) -> Any:
        made.append(cosine_lr.CosineLRScheduler(opt, t_initial=7, lr_min=0.013))
        return made[-1]

    lrs = natives.timm_lrs(make, 2)
    assert [lrs[0][0], lrs[1][0]] == list(BASE)
    assert natives.timm_get_lr(made[0], 0) == pytest.approx(list(BASE), rel=1e-15)


# --------------------------------------------------------------------------- transformers


def test_transformers_linear_is_its_formula() -> None:
    lrs = natives.transformers_lrs("linear", 14, num_warmup_steps=3, num_training_steps=11)
    f = transformers_linear(3, 11)
    for g, base in enumerate(BASE):
        for k in range(14):
            assert close(lrs[g][k], base * f(k)), (g, k)


def test_transformers_polynomial_reads_optimizer_defaults_lr() -> None:
    """lr_end is absolute for defaults["lr"] (= base_lrs[0]); other groups scale it."""
    lrs = natives.transformers_lrs(
        "polynomial", 10, num_warmup_steps=2, num_training_steps=8, lr_end=1e-3, power=2.0
    )
    assert close(lrs[0][-1], 1e-3)
    assert close(lrs[1][-1], BASE[1] * 1e-3 / BASE[0])


def test_transformers_names_are_the_installed_ones() -> None:
    from transformers.trainer_utils import SchedulerType

    assert {t.value for t in SchedulerType} == set(natives.TRANSFORMERS_SCHEDULERS)
    with pytest.raises(TypeError, match="metric"):
        natives.transformers_lrs("reduce_lr_on_plateau", 3)
    with pytest.raises(TypeError, match="ignores"):
        natives.transformers_lrs("constant", 3, num_cycles=2)


# --------------------------------------------------------------------------- Paddle


def test_paddle_step_decay_measured_is_the_formula() -> None:
    step_decay = natives.import_paddle().optimizer.lr.StepDecay

    def make(base_lr: float) -> Any:
        return step_decay(base_lr, step_size=3, gamma=0.1)

    lrs = natives.paddle_lrs(make, 12)
    own = natives.paddle_scheduler_lrs(make, 12, BASE[0])
    for g, base in enumerate(BASE):
        for k in range(12):
            assert close(lrs[g][k], base * 0.1 ** (k // 3)), (g, k)
            # float64 params: the applied update is the scheduler's value, bit for bit
            assert lrs[g][k] == own[k] * (base / BASE[0]), (g, k)


def test_paddle_constant_float32_params_round_the_lr() -> None:
    lambda_decay = natives.import_paddle().optimizer.lr.LambdaDecay

    def make(base_lr: float) -> Any:
        return lambda_decay(base_lr, lambda k: 1.0)

    lrs32 = natives.paddle_lrs(make, 3, dtype="float32")
    for g, base in enumerate(BASE):
        assert all(close(v, base, rel=1e-7) for v in lrs32[g])
        assert lrs32[g][0] != base  # float32(lr), not the float64 value


# --------------------------------------------------------------------------- optax


def test_optax_cosine_decay_is_the_formula_in_float64() -> None:
    import jax.numpy as jnp
    import optax

    values = natives.optax_values(optax.cosine_decay_schedule(0.1, 10, alpha=0.1), 13)
    for k, v in enumerate(values):
        want = 0.1 * (0.9 * 0.5 * (1 + math.cos(math.pi * min(k, 10) / 10)) + 0.1)
        assert close(v, want, rel=1e-14), k  # float32 would be off by ~1e-8
    with pytest.raises(TypeError, match="float32"):
        natives.optax_values(lambda k: jnp.float32(0.1) * k, 2)
