"""lrcore_torch.ReduceLROnPlateau against torch's own ReduceLROnPlateau, both driving real
SGD optimizers: the same lrs at every step (exactly), the same decisions, resumes from a
``torch.save``/``torch.load(weights_only=True)`` checkpoint, and a warmup + cosine
schedule underneath (oracle: an independent formula times torch's plateau levels)."""

from __future__ import annotations

import io
import random
import warnings
from typing import Any

import pytest
import torch

from lrcore_torch import ReduceLROnPlateau
from tests.plateau import oracle

SEQUENCES = 100
EVALUATIONS = 60
ATTRIBUTES = ("best", "num_bad_epochs", "cooldown_counter", "last_epoch")


def _cases(seed: int, count: int) -> list[tuple[dict[str, Any], list[float]]]:
    rng = random.Random(seed)
    cases = []
    for _ in range(count):
        settings = oracle.random_settings(rng)
        cases.append((settings, oracle.random_metrics(rng, EVALUATIONS, settings["mode"])))
    return cases


def _lrs(optimizer: torch.optim.Optimizer) -> list[float]:
    return [group["lr"] for group in optimizer.param_groups]


def _save_load(state: dict[str, Any]) -> dict[str, Any]:
    buffer = io.BytesIO()
    torch.save(state, buffer)
    buffer.seek(0)
    loaded: dict[str, Any] = torch.load(buffer, weights_only=True)
    return loaded


def test_same_lrs_and_decisions_as_torch() -> None:
    for index, (settings, metrics) in enumerate(_cases(21, SEQUENCES)):
        native_optimizer = oracle.torch_optimizer()
        native = torch.optim.lr_scheduler.ReduceLROnPlateau(native_optimizer, **settings)
        optimizer = oracle.torch_optimizer()
        ours = ReduceLROnPlateau(optimizer, **settings)
        assert isinstance(ours, torch.optim.lr_scheduler.ReduceLROnPlateau)
        assert _lrs(optimizer) == _lrs(native_optimizer)
        for k, metric in enumerate(metrics, start=1):
            oracle.train_step(native_optimizer)
            oracle.train_step(optimizer)
            native.step(metric)
            ours.step(torch.tensor(metric, dtype=torch.float64) if k % 3 == 0 else metric)
            what = f"case {index} {settings} after {k} evaluations"
            assert _lrs(optimizer) == _lrs(native_optimizer), what
            assert ours.get_last_lr() == native.get_last_lr(), what
            for name in ATTRIBUTES:
                assert getattr(ours, name) == getattr(native, name), f"{what}: {name}"


def test_state_dict_has_torchs_keys_and_primitives() -> None:
    optimizer = oracle.torch_optimizer()
    ours = ReduceLROnPlateau(optimizer, min_lr=[0.0, 1e-4], schedule={"name": "constant"})
    native = torch.optim.lr_scheduler.ReduceLROnPlateau(oracle.torch_optimizer())
    state = ours.state_dict()
    assert set(native.state_dict()) <= set(state)
    assert state["schedules"] == [{"name": "constant", "factor": 1.0}] * 2
    assert _save_load(state) == state


@pytest.mark.parametrize("with_schedule", [False, True], ids=["plain", "warmup_cosine"])
def test_resume_mid_run_continues_identically(with_schedule: bool) -> None:
    schedule = oracle.warmup_cosine_config(5, 0.1, 30, 0.05) if with_schedule else None
    for index, (settings, metrics) in enumerate(_cases(22, 12)):
        cut = 7 + 3 * index
        optimizer = oracle.torch_optimizer()
        scheduler = ReduceLROnPlateau(optimizer, **settings, schedule=schedule)
        straight = []
        for metric in metrics:
            oracle.train_step(optimizer)
            scheduler.step(metric)
            straight.append(_lrs(optimizer))
        optimizer = oracle.torch_optimizer()
        scheduler = ReduceLROnPlateau(optimizer, **settings, schedule=schedule)
        resumed = []
        for metric in metrics[:cut]:
            oracle.train_step(optimizer)
            scheduler.step(metric)
            resumed.append(_lrs(optimizer))
        checkpoint = _save_load(
            {"optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict()}
        )
        # A fresh process: a new optimizer (a different lr even) and scheduler.
        optimizer = oracle.torch_optimizer((0.5, 0.5))
        scheduler = ReduceLROnPlateau(optimizer, **settings, schedule=schedule)
        optimizer.load_state_dict(checkpoint["optimizer"])
        scheduler.load_state_dict(checkpoint["scheduler"])
        assert scheduler.last_epoch == cut
        for metric in metrics[cut:]:
            oracle.train_step(optimizer)
            scheduler.step(metric)
            resumed.append(_lrs(optimizer))
        assert resumed == straight, f"case {index} {settings}"


def test_warmup_cosine_underneath() -> None:
    """lr_g(k) = torch's plateau level_g(k) * warmup_cosine(k); decisions unchanged."""
    rng = random.Random(23)
    for index, (settings, metrics) in enumerate(_cases(24, 30)):
        warmup, start, steps, end = rng.randint(0, 8), rng.choice([0.0, 0.1]), 40, 0.05
        formula = [oracle.warmup_cosine(k, warmup, start, steps, end) for k in range(61)]
        config = oracle.warmup_cosine_config(warmup, start, steps, end)
        run = oracle.torch_native(settings, metrics)
        optimizer = oracle.torch_optimizer()
        per_group = index % 2 == 1
        ours = ReduceLROnPlateau(
            optimizer, **settings, schedule=[config, config] if per_group else config
        )
        for k in range(len(metrics) + 1):
            if k:
                oracle.train_step(optimizer)
                ours.step(metrics[k - 1])
            for group, level in enumerate(run.lrs[k]):
                want = level * formula[k]
                got = optimizer.param_groups[group]["lr"]
                assert oracle.close(got, want), (
                    f"case {index}: group {group} step {k}: {got} != {want}"
                )
            assert ours.levels == run.lrs[k]
            assert ours.best == run.best[k] and ours.num_bad_epochs == run.num_bad_epochs[k]


def test_loads_a_native_torch_checkpoint() -> None:
    settings, metrics = _cases(25, 1)[0]
    native_optimizer = oracle.torch_optimizer()
    native = torch.optim.lr_scheduler.ReduceLROnPlateau(native_optimizer, **settings)
    for metric in metrics[:30]:
        native.step(metric)
    optimizer = oracle.torch_optimizer()
    ours = ReduceLROnPlateau(optimizer, **settings)
    ours.load_state_dict(_save_load(native.state_dict()))
    assert _lrs(optimizer) == _lrs(native_optimizer)
    for metric in metrics[30:]:
        native.step(metric)
        ours.step(metric)
        assert _lrs(optimizer) == _lrs(native_optimizer)


def test_checkpoint_of_another_schedule_warns() -> None:
    optimizer = oracle.torch_optimizer()
    saved = ReduceLROnPlateau(optimizer, schedule={"name": "constant"}).state_dict()
    other = ReduceLROnPlateau(
        oracle.torch_optimizer(), schedule=oracle.warmup_cosine_config(2, 0.1, 9, 0.0)
    )
    with pytest.warns(UserWarning, match="keeping this scheduler's schedules"):
        other.load_state_dict(saved)
    with pytest.raises(ValueError, match="no 'levels'"):
        torch_state = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer).state_dict()
        other.load_state_dict(torch_state)


@pytest.mark.parametrize(
    ("kwargs", "error", "text"),
    [
        ({"factor": 1.0}, ValueError, "reduce_on_plateau: factor must be < 1, got 1.0"),
        ({"mode": "maximum"}, ValueError, "reduce_on_plateau: mode"),
        ({"patience": -2}, ValueError, "reduce_on_plateau: patience must be >= 0, got -2"),
        ({"threshold_mode": "x"}, ValueError, "reduce_on_plateau: threshold_mode"),
        ({"min_lr": [0.0]}, ValueError, "reduce_on_plateau: min_lr has 1 items"),
        ({"min_lr": -1}, ValueError, "reduce_on_plateau: min_lr must be >= 0.0, got -1"),
        ({"eps": -1.0}, ValueError, "reduce_on_plateau: eps"),
        ({"schedule": [{"name": "constant"}]}, ValueError, "schedule has 1 items for 2"),
        ({"schedule": {"name": "nope"}}, ValueError, "unknown schedule name 'nope'"),
        ({"schedule": 3}, TypeError, "ReduceLROnPlateau: schedule must be"),
    ],
)
def test_bad_arguments(kwargs: dict[str, Any], error: type, text: str) -> None:
    with pytest.raises(error, match=text.replace("(", r"\(").replace("[", r"\[")):
        ReduceLROnPlateau(oracle.torch_optimizer(), **kwargs)


def test_not_an_optimizer() -> None:
    with pytest.raises(TypeError, match=r"optimizer must be a torch\.optim\.Optimizer"):
        ReduceLROnPlateau(object())  # type: ignore[arg-type]


def test_epoch_argument_warns_like_torch() -> None:
    optimizer = oracle.torch_optimizer()
    ours = ReduceLROnPlateau(optimizer, schedule=oracle.warmup_cosine_config(4, 0.0, 10, 0.0))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ours.step(1.0, epoch=3)
    assert caught and ours.last_epoch == 3
    assert oracle.close(_lrs(optimizer)[0], 0.1 * oracle.warmup_cosine(3, 4, 0.0, 10, 0.0))
