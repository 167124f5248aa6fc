"""The core reducer (lrcore._plateau) against torch's ReduceLROnPlateau, run for real.

Oracle: ``torch.optim.lr_scheduler.ReduceLROnPlateau`` stepped after real SGD updates
(tests/plateau/oracle.py).  Also: the documented differences of Paddle's native
``ReduceOnPlateau`` (best not tracked during cooldown) and how to reproduce it.
"""

from __future__ import annotations

import json
import math
import pickle
import random
import warnings
from typing import Any

import numpy as np
import pytest

from lrcore._plateau import (
    Plateau,
    PlateauState,
    plateau_init,
    plateau_lrs,
    plateau_scale,
    plateau_update,
)
from tests.plateau import oracle

SEQUENCES = 100
EVALUATIONS = 60


def _cases(seed: int, count: int) -> list[tuple[dict[str, Any], list[float]]]:
    rng = random.Random(seed)
    cases = []
    for _ in range(count):
        settings = oracle.random_settings(rng)
        cases.append((settings, oracle.random_metrics(rng, EVALUATIONS, settings["mode"])))
    return cases


def _cfg(settings: dict[str, Any]) -> Plateau:
    return Plateau(**settings)


def _assert_state(state: PlateauState, run: oracle.NativeRun, k: int, what: str) -> None:
    lrs = [float(level) for level in state.lrs]
    assert lrs == run.lrs[k], f"{what}: levels after {k} evaluations {lrs} != {run.lrs[k]}"
    assert float(state.best) == run.best[k], f"{what}: best after {k}"
    assert int(state.num_bad_epochs) == run.num_bad_epochs[k], f"{what}: num_bad_epochs {k}"
    assert int(state.cooldown_counter) == run.cooldown_counter[k], f"{what}: cooldown {k}"
    assert int(state.last_epoch) == k


def test_python_floats_take_torchs_decisions() -> None:
    cuts = 0
    for index, (settings, metrics) in enumerate(_cases(9, SEQUENCES)):
        run = oracle.torch_native(settings, metrics)
        cfg = _cfg(settings)
        state = plateau_init(cfg, list(oracle.BASE_LRS))
        _assert_state(state, run, 0, f"case {index} {settings}")
        for k, metric in enumerate(metrics, start=1):
            state = plateau_update(state, metric, cfg)
            _assert_state(state, run, k, f"case {index} {settings}")
        cuts += sum(1 for cut in run.cuts if cut)
    assert cuts > 300  # the sequences do exercise cuts


def test_numpy_float64_arrays_take_torchs_decisions() -> None:
    for index, (settings, metrics) in enumerate(_cases(10, 20)):
        run = oracle.torch_native(settings, metrics)
        cfg = _cfg(settings)
        state = plateau_init(cfg, np.asarray(oracle.BASE_LRS))
        for k, metric in enumerate(metrics, start=1):
            state = plateau_update(state, np.float64(metric), cfg)
            _assert_state(state, run, k, f"numpy case {index}")
        assert state.lrs.dtype == np.float64 and state.num_bad_epochs.dtype == np.int32


def test_metric_types_like_torch() -> None:
    """torch converts with float(): ints, NumPy scalars, 0-d tensors."""
    import torch

    cfg = Plateau(patience=0)
    state = plateau_init(cfg, [1.0])
    for metric in (3, np.float32(2.5), torch.tensor(2.0), True):
        state = plateau_update(state, metric, cfg)
        assert isinstance(state.best, float)
    assert state.best == 1.0 and state.lrs == (1.0,)


def test_edge_semantics_by_hand() -> None:
    """Hand-worked sequences (an independent reading of torch's documented rules)."""
    # patience=0: the first evaluation sets the baseline, the second (worse) cuts.
    cfg = Plateau(patience=0, factor=0.5)
    state = plateau_init(cfg, [1.0])
    for metric, level in [(1.0, 1.0), (1.0, 0.5), (0.5, 0.5), (0.6, 0.25)]:
        state = plateau_update(state, metric, cfg)
        assert state.lrs == (level,)
    # NaN first: never better; best stays +inf (torch's mode_worse).
    cfg = Plateau(patience=1, factor=0.5)
    state = plateau_init(cfg, [1.0])
    for metric in (math.nan, math.nan):
        state = plateau_update(state, metric, cfg)
    assert state.best == math.inf and state.lrs == (0.5,)
    # An improvement inside the cooldown is tracked (best moves), bad counts are ignored.
    cfg = Plateau(patience=0, cooldown=2, factor=0.5)
    state = plateau_init(cfg, [1.0])
    for metric in (1.0, 2.0, 0.5, 3.0):
        state = plateau_update(state, metric, cfg)
    assert state.best == 0.5 and state.lrs == (0.5,) and state.cooldown_counter == 0
    # min_lr floor, and eps: a change of at most eps is ignored.
    cfg = Plateau(patience=0, factor=0.5, min_lr=[0.3, 0.0], eps=0.2)
    state = plateau_init(cfg, [1.0, 0.5])
    for metric in (1.0, 2.0, 2.0):
        state = plateau_update(state, metric, cfg)
    # 1 -> 0.5 (0.5 > eps), then 0.5 -> max(0.25, 0.3) = 0.3 is a change of 0.2, not > eps;
    # 0.5 -> 0.25 (0.25 > eps), then 0.25 -> 0.125 is not > eps.
    assert state.lrs == (0.5, 0.25)
    cfg = Plateau(patience=0, factor=0.5, eps=0.25)
    state = plateau_update(plateau_update(plateau_init(cfg, [0.5]), 1.0, cfg), 2.0, cfg)
    assert state.lrs == (0.5,)  # 0.5 - 0.25 is not > eps


def test_schedule_underneath_and_scale() -> None:
    cfg = Plateau(patience=0, factor=0.5)
    state = plateau_init(cfg, [0.1, 0.01])
    for metric in (1.0, 2.0, 3.0):
        state = plateau_update(state, metric, cfg)
    want = [level * oracle.warmup_cosine(3, 5, 0.0, 10, 0.0) for level in (0.025, 0.0025)]
    got = plateau_lrs(state, lambda k: oracle.warmup_cosine(k, 5, 0.0, 10, 0.0))
    assert all(oracle.close(g, w) for g, w in zip(got, want, strict=True))
    assert plateau_lrs(state) == (0.025, 0.0025)
    assert plateau_scale(state, [0.1, 0.01]) == (0.025 / 0.1, 0.0025 / 0.01)
    with pytest.raises(ValueError, match="reduce_on_plateau"):
        plateau_lrs(state, [lambda k: 1.0])


def test_config_round_trip_and_pickle() -> None:
    for settings, _ in _cases(11, 10):
        cfg = _cfg(settings)
        config = json.loads(json.dumps(cfg.to_config()))
        assert config["name"] == "reduce_on_plateau"
        assert Plateau.from_config(config) == cfg and hash(Plateau.from_config(config)) == hash(cfg)
        assert pickle.loads(pickle.dumps(cfg)) == cfg
    state = plateau_update(plateau_init(Plateau(), [0.1]), 1.0, Plateau())
    assert pickle.loads(pickle.dumps(state)) == state


BAD = [
    ({"mode": "minimum"}, ValueError, "mode"),
    ({"mode": None}, ValueError, "mode"),
    ({"factor": 1.0}, ValueError, "factor"),
    ({"factor": -0.5}, ValueError, "factor"),
    ({"factor": "0.1"}, TypeError, "factor"),
    ({"factor": math.nan}, ValueError, "factor"),
    ({"patience": -1}, ValueError, "patience"),
    ({"patience": 2.0}, TypeError, "patience"),
    ({"patience": 2**31}, ValueError, "patience"),
    ({"threshold": -1e-4}, ValueError, "threshold"),
    ({"threshold": math.inf}, ValueError, "threshold"),
    ({"threshold_mode": "relative"}, ValueError, "threshold_mode"),
    ({"cooldown": -1}, ValueError, "cooldown"),
    ({"cooldown": True}, TypeError, "cooldown"),
    ({"min_lr": -1e-3}, ValueError, "min_lr"),
    ({"min_lr": [0.1, -1.0]}, ValueError, "min_lr[1]"),
    ({"min_lr": []}, ValueError, "min_lr"),
    ({"min_lr": "0"}, TypeError, "min_lr"),
    ({"eps": -1.0}, ValueError, "eps"),
    ({"eps": None}, TypeError, "eps"),
]


@pytest.mark.parametrize(("patch", "error", "field"), BAD)
def test_bad_settings_fail_at_construction(patch: dict[str, Any], error: type, field: str) -> None:
    with pytest.raises(error) as caught:
        Plateau(**patch)
    message = str(caught.value)
    assert message.startswith("reduce_on_plateau:") and field in message
    value = next(iter(patch.values()))
    shown = repr(value[-1] if isinstance(value, list) and value else value)
    assert f"got {shown}" in message or "must not be empty" in message, message


def test_bad_init_and_config() -> None:
    with pytest.raises(ValueError, match=r"reduce_on_plateau: min_lr has 2 items.*\(3\)"):
        plateau_init(Plateau(min_lr=[0.0, 0.1]), [0.1, 0.1, 0.1])
    with pytest.raises(ValueError, match="reduce_on_plateau: lrs"):
        plateau_init(Plateau(), [0.1, -0.1])
    with pytest.raises(TypeError, match="reduce_on_plateau: unknown parameter 'gamma'"):
        Plateau.from_config({"name": "reduce_on_plateau", "gamma": 0.1})
    with pytest.raises(ValueError, match="reduce_on_plateau: config name"):
        Plateau.from_config({"name": "step"})


# ----------------------------------------------------------------- Paddle's native


def _paddle_native(settings: dict[str, Any], metrics: list[float]) -> list[float]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from paddle.optimizer.lr import ReduceOnPlateau

    kwargs = dict(settings)
    kwargs["epsilon"] = kwargs.pop("eps")
    native = ReduceOnPlateau(learning_rate=0.1, **kwargs)
    lrs = [native.last_lr]
    for metric in metrics:
        native.step(metric)
        lrs.append(native.last_lr)
    return lrs


def _ours(settings: dict[str, Any], metrics: list[float]) -> list[float]:
    cfg = Plateau(**settings)
    state = plateau_init(cfg, [0.1])
    lrs = [0.1]
    for metric in metrics:
        state = plateau_update(state, metric, cfg)
        lrs.append(state.lrs[0])
    return lrs


def test_paddle_native_stops_tracking_best_in_cooldown() -> None:
    """Documented difference: an improvement inside the cooldown is torch's new best
    (ours too), Paddle's native ignores it and cuts later than torch."""
    settings = {"patience": 1, "cooldown": 2, "factor": 0.5, "min_lr": 0.0, "eps": 1e-8}
    metrics = [1.0, 1.0, 1.0, 0.5, 0.75, 0.75, 0.75, 0.75]
    assert len(metrics) == 8
    # torch: cut after the 3rd; 0.5 (in cooldown) becomes best, so 0.75 is bad from the
    # 6th on: cut after the 7th.  Paddle: 0.5 and the first 0.75 fall in the cooldown and
    # are ignored; the 6th (0.75) improves on 1.0: its cut comes one evaluation later.
    run = oracle.torch_native({**settings}, metrics, base_lrs=(0.1,))
    want_torch = [lrs[0] for lrs in run.lrs]
    assert _ours(settings, metrics) == want_torch
    paddle = _paddle_native(settings, metrics)
    assert want_torch[6:] == [0.05, 0.025, 0.025] and paddle[6:] == [0.05, 0.05, 0.025]
    assert paddle[:7] == want_torch[:7]


def test_paddle_native_reproduced_without_cooldown() -> None:
    """With cooldown=0 (and a first metric that is not NaN) Paddle's native takes torch's
    decisions: ours reproduces it."""
    rng = random.Random(12)
    for _ in range(30):
        settings = oracle.random_settings(rng, groups=1)
        settings["cooldown"] = 0
        settings["min_lr"] = (
            settings["min_lr"][0] if isinstance(settings["min_lr"], list) else settings["min_lr"]
        )
        metrics = oracle.random_metrics(rng, 40, settings["mode"])
        metrics[0] = 0.0 if math.isnan(metrics[0]) else metrics[0]
        assert _ours(settings, metrics) == _paddle_native(settings, metrics), settings
