"""``to_torch_hyperparams`` / ``from_torch_hyperparams`` on real torch optimizers.

Oracles: torch's own momentum/beta1 cycling (``OneCycleLR``, ``CyclicLR`` with
``cycle_momentum=True``) run on a real optimizer, closed-form formulas written here,
and a hand-written float64 AdamW step.  Models are float64 so that a difference of a
few ulps in a hyperparameter shows in the parameters (in float32 it would round away).
"""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import pytest
import torch
from torch.optim import lr_scheduler as sch

import lrcore
import lrcore_torch
from lrcore_torch import from_torch, from_torch_hyperparams, to_torch, to_torch_hyperparams
from tests.conformance.replay import rng_for

REL = 1e-12

# --------------------------------------------------------------------------- helpers

_X = torch.linspace(-1.0, 1.0, 24, dtype=torch.float64).reshape(6, 4)
_Y = torch.cos(3.0 * _X[:, :2])


def _model() -> torch.nn.ModuleList:
    torch.manual_seed(0)
    return torch.nn.ModuleList(torch.nn.Linear(4, 2) for _ in range(2)).double()


def _groups(model: torch.nn.ModuleList, lrs: Sequence[float], **extra: Any) -> list[dict[str, Any]]:
    groups = []
    for index, (layer, lr) in enumerate(zip(model, lrs, strict=True)):
        group: dict[str, Any] = {"params": list(layer.parameters()), "lr": lr}
        for key, values in extra.items():
            group[key] = values[index]
        groups.append(group)
    return groups


def _update(model: torch.nn.ModuleList, optimizer: torch.optim.Optimizer) -> None:
    optimizer.zero_grad()
    loss = sum(((layer(_X) - _Y) ** 2).mean() for layer in model)
    loss.backward()
    optimizer.step()


def _value(group: dict[str, Any], key: str) -> float:
    if key.startswith("betas["):
        return float(group["betas"][int(key[6])])
    return float(group[key])


def _params(model: torch.nn.Module) -> torch.Tensor:
    return torch.cat([p.detach().reshape(-1) for p in model.parameters()])


def _close(got: float, want: float, rel: float = REL) -> bool:
    return abs(got - want) <= rel * max(abs(got), abs(want))


def _assert_series(got: list[list[float]], want: list[list[float]], what: str) -> float:
    """Every value within ``REL``; returns the largest relative difference."""
    assert len(got) == len(want), what
    worst = 0.0
    for k, (row_got, row_want) in enumerate(zip(got, want, strict=True)):
        for g, (a, b) in enumerate(zip(row_got, row_want, strict=True)):
            assert _close(a, b), f"{what}: step {k} group {g}: got {a!r}, want {b!r}"
            if b != 0:
                worst = max(worst, abs(a - b) / abs(b))
    return worst


def _assert_params(got: torch.Tensor, want: torch.Tensor, rel: float, what: str) -> float:
    scale = float(want.abs().max())
    diff = float((got - want).abs().max())
    assert diff <= rel * scale, f"{what}: parameters differ by {diff} (scale {scale})"
    return diff / scale


def _train(
    model: torch.nn.ModuleList,
    optimizer: torch.optim.Optimizer,
    schedulers: Sequence[Any],
    updates: int,
    keys: Sequence[str],
    step_after_last: bool = True,
) -> dict[str, list[list[float]]]:
    """``updates`` real updates; records lr and ``keys`` in force at each optimizer.step()."""
    seen: dict[str, list[list[float]]] = {key: [] for key in ("lr", *keys)}
    for k in range(updates):
        for key in seen:
            seen[key].append([_value(group, key) for group in optimizer.param_groups])
        _update(model, optimizer)
        if step_after_last or k < updates - 1:
            for scheduler in schedulers:
                scheduler.step()
    return seen


def _set(optimizer: torch.optim.Optimizer, key: str, values: Sequence[float]) -> None:
    for group, value in zip(optimizer.param_groups, values, strict=True):
        if key.startswith("betas["):
            betas = list(group["betas"])
            betas[int(key[6])] = value
            group["betas"] = tuple(betas)
        else:
            group[key] = value


# --------------------------------------------------------------------------- vs torch's cycling

_OPTIMIZERS: dict[str, Callable[[list[dict[str, Any]]], torch.optim.Optimizer]] = {
    "sgd": lambda groups: torch.optim.SGD(groups, lr=0.5, momentum=0.5),
    "sgd_nesterov": lambda groups: torch.optim.SGD(groups, lr=0.5, momentum=0.5, nesterov=True),
    "adam": lambda groups: torch.optim.Adam(groups, lr=0.5, betas=(0.5, 0.99)),
    "adamw": lambda groups: torch.optim.AdamW(groups, lr=0.5, betas=(0.5, 0.99)),
}
_KEY = {"sgd": "momentum", "sgd_nesterov": "momentum", "adam": "betas[0]", "adamw": "betas[0]"}


def _momenta(rng: Any) -> tuple[list[float], list[float]]:
    peaks = [round(float(rng.uniform(0.85, 0.99)), 3) for _ in range(2)]
    lows = [round(float(rng.uniform(0.5, peak)), 3) for peak in peaks]
    return lows, peaks


def _one_cycle_case(index: int) -> tuple[str, dict[str, Any], int]:
    rng = rng_for("hp-torch", "OneCycleLR", index)
    optimizer = sorted(_OPTIMIZERS)[index % len(_OPTIMIZERS)]
    lows, peaks = _momenta(rng)
    total = int(rng.integers(20, 70))
    kwargs = {
        "max_lr": [
            round(float(rng.uniform(0.05, 0.3)), 3),
            round(float(rng.uniform(1e-3, 0.05)), 4),
        ],
        "total_steps": total,
        "pct_start": round(float(rng.uniform(0.1, 0.45)), 2),
        "anneal_strategy": ["cos", "linear"][index % 2],
        "three_phase": bool(index % 3 == 2),
        "div_factor": float(rng.choice([10.0, 25.0, 7.5])),
        "final_div_factor": float(rng.choice([1e4, 100.0, 3.0])),
        "base_momentum": lows,
        "max_momentum": peaks,
    }
    # torch allows total_steps calls of step(): updates 0..total_steps.  Its linear lr at
    # total_steps is extrapolated below 0, where the lr port holds 0 (a documented
    # difference of one_cycle): the linear runs stop one update earlier.
    updates = total + 1 if kwargs["anneal_strategy"] == "cos" else total
    return optimizer, kwargs, updates


def _cyclic_case(index: int) -> tuple[str, dict[str, Any], int]:
    rng = rng_for("hp-torch", "CyclicLR", index)
    optimizer = sorted(_OPTIMIZERS)[(index + 1) % len(_OPTIMIZERS)]
    lows, peaks = _momenta(rng)
    up = int(rng.integers(2, 9))
    down = None if index % 2 == 0 else int(rng.integers(1, 9))
    mode = ["triangular", "triangular2", "exp_range"][index % 3]
    kwargs: dict[str, Any] = {
        "base_lr": [0.01, 0.001],
        "max_lr": [
            round(float(rng.uniform(0.05, 0.3)), 3),
            round(float(rng.uniform(2e-3, 0.05)), 4),
        ],
        "step_size_up": up,
        "step_size_down": down,
        "mode": mode,
        "base_momentum": lows,
        "max_momentum": peaks,
    }
    if mode == "exp_range":
        kwargs["gamma"] = round(float(rng.uniform(0.9, 0.999)), 3)
    if index == 4:
        kwargs["scale_mode"] = "iterations"  # triangular2 by iteration: torch keeps "cycle"
    if index == 5:
        kwargs["base_momentum"], kwargs["max_momentum"] = peaks, lows  # momentum rises
    cycle = up + (up if down is None else down)
    return optimizer, kwargs, 4 * cycle + 3


_CASES = [("OneCycleLR", *_one_cycle_case(i)) for i in range(8)] + [
    ("CyclicLR", *_cyclic_case(i)) for i in range(8)
]


@pytest.mark.parametrize(("native", "optimizer", "kwargs", "updates"), _CASES)
def test_momentum_matches_torch_cycling(
    native: str, optimizer: str, kwargs: dict[str, Any], updates: int
) -> None:
    key = _KEY[optimizer]
    make = _OPTIMIZERS[optimizer]
    lrs0 = [0.1, 0.01]
    if native == "OneCycleLR":
        build: Callable[[torch.optim.Optimizer], Any] = lambda o: sch.OneCycleLR(o, **kwargs)  # noqa: E731
    else:
        build = lambda o: sch.CyclicLR(o, **kwargs)  # noqa: E731

    model1 = _model()
    optimizer1 = make(_groups(model1, lrs0))
    scheduler = build(optimizer1)
    fresh_lr, fresh_hp = from_torch(scheduler), from_torch_hyperparams(scheduler)
    want = _train(model1, optimizer1, [scheduler], updates, [key], step_after_last=False)
    if native == "OneCycleLR" and updates == kwargs["total_steps"]:
        scheduler.step()  # the momentum at total_steps, extrapolated above max_momentum
        last = [_value(group, key) for group in optimizer1.param_groups]

    # Ported after the run: constructor state only, so the same as when fresh.
    lr_pairs, hp = from_torch(scheduler), from_torch_hyperparams(scheduler)
    assert list(hp) == [key]
    assert lr_pairs == fresh_lr and hp == fresh_hp
    assert [base for base, _ in hp[key]] == [float(m) for m in kwargs["max_momentum"]]
    expected_name = "one_cycle_momentum" if native == "OneCycleLR" else "cyclic"
    assert all(schedule.name == expected_name for _, schedule in hp[key])

    model2 = _model()
    optimizer2 = make(_groups(model2, [0.7, 0.7]))  # bases written below, from the ports
    _set(optimizer2, "lr", [base for base, _ in lr_pairs])
    _set(optimizer2, key, [base for base, _ in hp[key]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "step() before optimizer.step()" warnings
        schedulers = [
            to_torch([s for _, s in lr_pairs], optimizer2),
            to_torch_hyperparams({key: [s for _, s in hp[key]]}, optimizer2),
        ]
        got = _train(model2, optimizer2, schedulers, updates, [key])
    _assert_series(got[key], want[key], f"{native} {optimizer} {key}")
    _assert_series(got["lr"], want["lr"], f"{native} {optimizer} lr")
    if native == "OneCycleLR" and updates == kwargs["total_steps"]:
        held = [base * float(s(updates + 5)) for base, s in hp[key]]
        _assert_series([held], [last], f"{native} {optimizer} {key} past the end")
        if not kwargs["three_phase"]:  # its last phase is flat at max_momentum
            assert last[0] > kwargs["max_momentum"][0]
    # Hyperparameters agree to a few ulps (torch computes max_m - (max_m - base_m) * s,
    # lrcore max_m * (1 + (b - 1) * s)), so the float64 parameters agree to ~1e-14.
    _assert_params(_params(model2), _params(model1), 1e-12, f"{native} {optimizer} params")


def test_one_cycle_momentum_zero_peak_is_exact() -> None:
    model = _model()
    optimizer = torch.optim.SGD(_groups(model, [0.1, 0.01]), lr=0.1, momentum=0.3)
    native = sch.OneCycleLR(
        optimizer, max_lr=0.2, total_steps=10, base_momentum=0.0, max_momentum=0.0
    )
    [(base0, _), (base1, schedule)] = from_torch_hyperparams(native)["momentum"]
    assert base0 == base1 == 0.0
    assert all(base1 * float(schedule(k)) == 0.0 for k in range(15))


def test_nothing_cycled_is_empty() -> None:
    model = _model()
    sgd = torch.optim.SGD(_groups(model, [0.1, 0.01]), lr=0.1, momentum=0.9)
    assert from_torch_hyperparams(sch.StepLR(sgd, step_size=3)) == {}
    assert from_torch_hyperparams(to_torch(lrcore.Constant(), sgd)) == {}
    sgd = torch.optim.SGD(_groups(_model(), [0.1, 0.01]), lr=0.1, momentum=0.9)
    no_cycle = sch.OneCycleLR(sgd, max_lr=0.2, total_steps=10, cycle_momentum=False)
    assert from_torch_hyperparams(no_cycle) == {}
    sgd = torch.optim.SGD(_groups(_model(), [0.1, 0.01]), lr=0.1, momentum=0.9)
    no_cycle2 = sch.CyclicLR(sgd, base_lr=0.01, max_lr=0.1, cycle_momentum=False)
    assert from_torch_hyperparams(no_cycle2) == {}
    sgd = torch.optim.SGD(_groups(_model(), [0.1, 0.01]), lr=0.1, momentum=0.9)
    sequence = sch.SequentialLR(
        sgd, [sch.LinearLR(sgd, 0.1, total_iters=3), sch.StepLR(sgd, 4)], milestones=[3]
    )
    assert from_torch_hyperparams(sequence) == {}


# --------------------------------------------------------------------------- vs closed form


def _dino_wd(k: int, steps: int, start: float = 0.04, end: float = 0.4) -> float:
    """DINO's cosine_scheduler for the weight decay, held at ``end`` past ``steps``."""
    if k >= steps:
        return end
    return end + 0.5 * (start - end) * (1 + math.cos(math.pi * k / steps))


def _reference_adamw(
    model: torch.nn.ModuleList,
    lrs: Sequence[float],
    wds: Callable[[int, int], float],
    updates: int,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
) -> torch.Tensor:
    """AdamW (Loshchilov & Hutter, torch's decoupled form) written out in float64."""
    params = [[p.detach().clone() for p in layer.parameters()] for layer in model]
    m = [[torch.zeros_like(p) for p in layer] for layer in params]
    v = [[torch.zeros_like(p) for p in layer] for layer in params]
    b1, b2 = betas
    for k in range(updates):
        t = k + 1
        grads = []
        for layer_params in params:
            leaves = [p.clone().requires_grad_(True) for p in layer_params]
            weight, bias = leaves
            loss = ((_X @ weight.T + bias - _Y) ** 2).mean()
            grads.append(torch.autograd.grad(loss, leaves))
        for g, layer_params in enumerate(params):
            for i, p in enumerate(layer_params):
                grad = grads[g][i]
                p = p * (1.0 - lrs[g] * wds(g, k))
                m[g][i] = b1 * m[g][i] + (1.0 - b1) * grad
                v[g][i] = b2 * v[g][i] + (1.0 - b2) * grad * grad
                m_hat = m[g][i] / (1.0 - b1**t)
                v_hat = v[g][i] / (1.0 - b2**t)
                layer_params[i] = p - lrs[g] * m_hat / (v_hat.sqrt() + eps)
    return torch.cat([p.reshape(-1) for layer in params for p in layer])


def test_dino_cosine_weight_decay_on_adamw() -> None:
    steps, updates, lrs = 40, 55, [0.05, 0.02]
    schedule = {"name": "cosine", "start": 1.0, "end": 10.0, "steps": steps}
    model = _model()
    initial = _model()
    optimizer = torch.optim.AdamW(_groups(model, lrs), weight_decay=0.04)
    scheduler = to_torch_hyperparams({"weight_decay": schedule}, optimizer)
    assert [g["initial_weight_decay"] for g in optimizer.param_groups] == [0.04, 0.04]
    seen = _train(model, optimizer, [scheduler], updates, ["weight_decay"])
    want = [[_dino_wd(k, steps)] * 2 for k in range(updates)]
    worst = _assert_series(seen["weight_decay"], want, "weight_decay")
    assert worst < 1e-15
    assert seen["lr"] == [lrs] * updates  # the lr is untouched

    # The update AdamW applied used that weight decay: a hand-written AdamW agrees.
    reference = _reference_adamw(initial, lrs, lambda g, k: _dino_wd(k, steps), updates)
    _assert_params(_params(model), reference, 1e-12, "AdamW with the cosine wd")
    # ... and not the constant one: the trajectories part by far more than rounding.
    constant = _reference_adamw(initial, lrs, lambda g, k: 0.04, updates)
    assert float((constant - _params(model)).abs().max()) > 1e-4


def test_per_group_lists_and_several_keys() -> None:
    # DINO-style groups: decay on weights, none on the second group; betas and eps too.
    model = _model()
    optimizer = torch.optim.AdamW(
        _groups(model, [0.03, 0.01], weight_decay=[0.04, 0.0]), betas=(0.9, 0.999), eps=1e-8
    )
    schedules: dict[str, Any] = {
        "weight_decay": [lrcore.Cosine(start=1.0, end=10.0, steps=20), lrcore.Constant()],
        "betas[0]": [lrcore.Linear(start=1.0, end=0.9, steps=10), {"name": "constant"}],
        "betas[1]": {"name": "step", "step_size": 7, "gamma": 0.999},
        "eps": [lrcore.Exponential(gamma=0.9), lrcore.Constant(factor=2.0)],
    }
    scheduler = to_torch_hyperparams(schedules, optimizer)
    keys = list(schedules)
    seen = _train(model, optimizer, [scheduler], 30, keys)
    for k in range(30):
        wd0 = 0.04 * (10.0 + (1.0 - 10.0) * 0.5 * (1 + math.cos(math.pi * min(k, 20) / 20)))
        b1 = 0.9 * (1.0 + (0.9 - 1.0) * min(k, 10) / 10)
        expected = {
            "weight_decay": [wd0, 0.0],
            "betas[0]": [b1, 0.9],
            "betas[1]": [0.999 * 0.999 ** (k // 7)] * 2,
            "eps": [1e-8 * 0.9**k, 2e-8],
        }
        for key in keys:
            for g in range(2):
                assert _close(seen[key][k][g], expected[key][g]), (key, k, g)
    assert isinstance(optimizer.param_groups[0]["betas"], tuple)
    assert optimizer.param_groups[0]["initial_betas[0]"] == 0.9
    assert optimizer.param_groups[1]["initial_betas[1]"] == 0.999
    assert optimizer.param_groups[1]["initial_eps"] == 1e-8
    assert scheduler.last_epoch == 30
    assert scheduler.get_last_values()["eps"][1] == 2e-8


def test_sgd_momentum_dampening_weight_decay() -> None:
    model = _model()
    optimizer = torch.optim.SGD(
        _groups(model, [0.1, 0.05]), momentum=0.9, dampening=0.1, weight_decay=1e-3
    )
    scheduler = to_torch_hyperparams(
        {
            "momentum": [lrcore.Linear(start=0.5, end=1.0, steps=8), lrcore.Constant()],
            "dampening": lrcore.Step(step_size=3, gamma=0.5),
            "weight_decay": lrcore.Exponential(gamma=1.1),
        },
        optimizer,
    )
    seen = _train(model, optimizer, [scheduler], 12, ["momentum", "dampening", "weight_decay"])
    for k in range(12):
        assert _close(seen["momentum"][k][0], 0.9 * (0.5 + (1.0 - 0.5) * min(k, 8) / 8))
        assert seen["momentum"][k][1] == 0.9
        assert all(_close(v, 0.1 * 0.5 ** (k // 3)) for v in seen["dampening"][k])
        assert all(_close(v, 1e-3 * 1.1**k) for v in seen["weight_decay"][k])


def test_next_to_native_step_lr() -> None:
    def run(with_hp: bool) -> tuple[dict[str, list[list[float]]], torch.Tensor]:
        model = _model()
        optimizer = torch.optim.SGD(_groups(model, [0.1, 0.02]), momentum=0.9)
        schedulers: list[Any] = [sch.StepLR(optimizer, step_size=4, gamma=0.5)]
        if with_hp:
            schedulers.append(
                to_torch_hyperparams(
                    {"momentum": lrcore.Cosine(start=1.0, end=0.5, steps=10)}, optimizer
                )
            )
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            seen = _train(model, optimizer, schedulers, 16, ["momentum"])
        return seen, _params(model)

    alone, _ = run(False)
    both, _ = run(True)
    assert both["lr"] == alone["lr"]  # identical lrs, bit for bit
    assert alone["momentum"] == [[0.9, 0.9]] * 16
    for k in range(16):
        want = 0.9 * (0.5 + (1.0 - 0.5) * 0.5 * (1 + math.cos(math.pi * min(k, 10) / 10)))
        assert all(_close(v, want) for v in both["momentum"][k])


# --------------------------------------------------------------------------- resume


def _adam_setup() -> tuple[torch.nn.ModuleList, torch.optim.Optimizer, list[Any]]:
    model = _model()
    optimizer = torch.optim.Adam(_groups(model, [0.02, 0.005]), betas=(0.95, 0.999))
    schedulers = [
        to_torch({"name": "cosine_annealing", "T_max": 25}, optimizer),
        to_torch_hyperparams(
            {
                "betas[0]": [
                    lrcore.OneCycleMomentum(total_steps=25, base_factor=0.85 / 0.95),
                    lrcore.Constant(),
                ],
                "weight_decay": {"name": "linear", "start": 0.0, "end": 1.0, "steps": 20},
                "betas[1]": {"name": "exponential", "gamma": 0.9999},
            },
            optimizer,
        ),
    ]
    optimizer.param_groups[0]["weight_decay"] = 0.0  # the base is read at build (0.0 here)
    return model, optimizer, schedulers


def _checkpoint(
    model: torch.nn.Module, optimizer: torch.optim.Optimizer, schedulers: Sequence[Any]
) -> dict[str, Any]:
    buffer = io.BytesIO()
    torch.save(
        {
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "schedulers": [s.state_dict() for s in schedulers],
        },
        buffer,
    )
    buffer.seek(0)
    return torch.load(buffer, weights_only=True)  # type: ignore[no-any-return]


def test_resume_mid_run_is_exact() -> None:
    keys = ["betas[0]", "betas[1]", "weight_decay"]
    model, optimizer, schedulers = _adam_setup()
    whole = _train(model, optimizer, schedulers, 30, keys)
    whole_params = _params(model)

    model, optimizer, schedulers = _adam_setup()
    first = _train(model, optimizer, schedulers, 12, keys)
    checkpoint = _checkpoint(model, optimizer, schedulers)
    assert schedulers[1].state_dict()["last_epoch"] == 12

    model2 = torch.nn.ModuleList(torch.nn.Linear(4, 2) for _ in range(2)).double()
    optimizer2 = torch.optim.Adam(_groups(model2, [0.9, 0.9]), betas=(0.5, 0.5))
    schedulers2: list[Any] = [
        to_torch({"name": "cosine_annealing", "T_max": 25}, optimizer2),
        to_torch_hyperparams(
            {
                "betas[0]": [
                    lrcore.OneCycleMomentum(total_steps=25, base_factor=0.85 / 0.95),
                    lrcore.Constant(),
                ],
                "weight_decay": {"name": "linear", "start": 0.0, "end": 1.0, "steps": 20},
                "betas[1]": {"name": "exponential", "gamma": 0.9999},
            },
            optimizer2,
        ),
    ]
    model2.load_state_dict(checkpoint["model"])
    optimizer2.load_state_dict(checkpoint["optimizer"])
    for scheduler, state in zip(schedulers2, checkpoint["schedulers"], strict=True):
        scheduler.load_state_dict(state)
    rest = _train(model2, optimizer2, schedulers2, 18, keys)
    for key in ("lr", *keys):
        assert first[key] + rest[key] == whole[key], key
    assert torch.equal(_params(model2), whole_params)


def test_resume_with_last_epoch_lands_with_torch() -> None:
    keys = ["betas[0]", "betas[1]", "weight_decay"]
    model, optimizer, schedulers = _adam_setup()
    whole = _train(model, optimizer, schedulers, 20, keys)

    model, optimizer, schedulers = _adam_setup()
    _train(model, optimizer, schedulers, 9, keys)
    state = optimizer.state_dict()
    model2 = _model()
    optimizer2 = torch.optim.Adam(_groups(model2, [0.9, 0.9]), betas=(0.5, 0.5))
    optimizer2.load_state_dict(state)
    _set(optimizer2, "betas[0]", [0.1, 0.1])  # clobbered: the bases come from initial_<key>
    # torch's LRScheduler(last_epoch=n) takes its initial step to n + 1: so does this one.
    hyper = to_torch_hyperparams(
        {
            "betas[0]": [
                lrcore.OneCycleMomentum(total_steps=25, base_factor=0.85 / 0.95),
                lrcore.Constant(),
            ],
            "weight_decay": {"name": "linear", "start": 0.0, "end": 1.0, "steps": 20},
            "betas[1]": {"name": "exponential", "gamma": 0.9999},
        },
        optimizer2,
        last_epoch=8,
    )
    lr = to_torch({"name": "cosine_annealing", "T_max": 25}, optimizer2, last_epoch=8)
    assert hyper.last_epoch == lr.last_epoch == 9
    for key in ("lr", *keys):
        assert [_value(g, key) for g in optimizer2.param_groups] == whole[key][9], key


def test_load_state_dict_checks() -> None:
    _, optimizer, schedulers = _adam_setup()
    state = schedulers[1].state_dict()
    assert state["schedules"]["weight_decay"][0]["name"] == "linear"
    other = to_torch_hyperparams({"betas[0]": lrcore.Constant()}, optimizer)
    with pytest.raises(ValueError, match=r"keys \['betas\[0\]', 'betas\[1\]', 'weight_decay'\]"):
        other.load_state_dict(state)
    changed = to_torch_hyperparams(
        {
            "betas[0]": lrcore.Constant(),
            "weight_decay": lrcore.Constant(),
            "betas[1]": lrcore.Constant(),
        },
        optimizer,
    )
    with pytest.warns(UserWarning, match="keeping this scheduler's schedules"):
        changed.load_state_dict(state)
    assert changed.last_epoch == state["last_epoch"]


# --------------------------------------------------------------------------- errors


def _sgd() -> torch.optim.SGD:
    return torch.optim.SGD(_groups(_model(), [0.1, 0.01]), momentum=0.9)


def _adam(**kwargs: Any) -> torch.optim.Adam:
    return torch.optim.Adam(_groups(_model(), [0.1, 0.01]), **kwargs)


@pytest.mark.parametrize(
    ("make", "schedules", "error", "words"),
    [
        (_sgd, {"lr": lrcore.Constant()}, ValueError, ["to_torch_hyperparams", "'lr'"]),
        (_sgd, {"betas": lrcore.Constant()}, ValueError, ["unknown", "'betas'"]),
        (
            _sgd,
            {"betas[0]": lrcore.Constant()},
            ValueError,
            ["to_torch_hyperparams", "SGD param_groups[0]", "'betas'", "betas[0]"],
        ),
        (_adam, {"momentum": lrcore.Constant()}, ValueError, ["Adam param_groups[0]", "momentum"]),
        (_adam, {"dampening": lrcore.Constant()}, ValueError, ["Adam", "'dampening'"]),
        (
            _sgd,
            {"momentum": [lrcore.Constant()] * 3},
            ValueError,
            ["'momentum'", "3 schedules", "2 parameter groups", "SGD"],
        ),
        (
            lambda: _adam(betas=(torch.tensor(0.9), torch.tensor(0.999))),
            {"betas[0]": lrcore.Constant()},
            TypeError,
            ["Adam param_groups[0]", "betas[0]", "tensor"],
        ),
        (_sgd, {"momentum": "cosine"}, TypeError, ["'momentum'", "'cosine'"]),
        (_sgd, [("momentum", lrcore.Constant())], TypeError, ["to_torch_hyperparams", "dict"]),
        (
            _sgd,
            {"momentum": {"name": "step"}},
            TypeError,
            ["to_torch_hyperparams: 'momentum'", "step", "step_size"],
        ),
        (
            _sgd,
            {"momentum": [lrcore.Constant(), {"name": "exponential", "gamma": -1.0}]},
            ValueError,
            ["exponential", "gamma", "-1.0"],
        ),
    ],
)
def test_build_errors(
    make: Callable[[], torch.optim.Optimizer], schedules: Any, error: type, words: list[str]
) -> None:
    with pytest.raises(error) as raised:
        to_torch_hyperparams(schedules, make())
    for word in words:
        assert word in str(raised.value), (word, str(raised.value))


@pytest.mark.parametrize(
    ("value", "words"),
    [(None, ["None", "NoneType"]), (True, ["True", "bool"]), ("0.9", ["'0.9'", "str"])],
)
def test_non_float_base(value: Any, words: list[str]) -> None:
    optimizer = _sgd()
    optimizer.param_groups[1]["momentum"] = value
    with pytest.raises(TypeError) as raised:
        to_torch_hyperparams({"momentum": lrcore.Constant()}, optimizer)
    for word in ["to_torch_hyperparams", "SGD param_groups[1]", "momentum", *words]:
        assert word in str(raised.value), (word, str(raised.value))


def test_other_build_errors() -> None:
    with pytest.raises(ValueError, match=r"SGD param_groups\[0\] has no 'initial_momentum'"):
        to_torch_hyperparams({"momentum": lrcore.Constant()}, _sgd(), last_epoch=3)
    with pytest.raises(ValueError, match="last_epoch must be an int >= -1, got -2"):
        to_torch_hyperparams({"momentum": lrcore.Constant()}, _sgd(), last_epoch=-2)
    with pytest.raises(TypeError, match=r"expected a torch\.optim\.Optimizer"):
        to_torch_hyperparams({"momentum": lrcore.Constant()}, object())  # type: ignore[arg-type]
    assert isinstance(
        to_torch_hyperparams({}, _sgd()), lrcore_torch.HyperparamScheduler
    )  # nothing to drive: a no-op


def test_port_errors() -> None:
    sgd = _sgd()
    one = sch.OneCycleLR(sgd, max_lr=0.1, total_steps=10, base_momentum=0.5, max_momentum=0.0)
    with pytest.raises(ValueError, match=r"OneCycleLR.*max_momentum=0 and base_momentum=0.5"):
        from_torch_hyperparams(one)
    sgd = _sgd()
    rising = sch.CyclicLR(sgd, 0.01, 0.1, mode="exp_range", gamma=1.01)
    with pytest.raises(ValueError, match=r"CyclicLR.*gamma=1.01 > 1.*negative"):
        from_torch_hyperparams(rising)
    sgd = _sgd()
    custom = sch.CyclicLR(sgd, 0.01, 0.1, scale_fn=lambda x: 1.0)
    with pytest.raises(TypeError, match="CyclicLR: a custom scale_fn"):
        from_torch_hyperparams(custom)
    sgd = _sgd()
    tensor = sch.CyclicLR(sgd, 0.01, 0.1, max_momentum=torch.tensor(0.9))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="max_momentum of group 0 is a tensor"):
        from_torch_hyperparams(tensor)
    sgd = _sgd()
    cycle = sch.OneCycleLR(sgd, max_lr=0.1, total_steps=20)
    sequence = sch.SequentialLR(sgd, [sch.ConstantLR(sgd, 0.5, 3), cycle], milestones=[3])
    with pytest.raises(TypeError, match="SequentialLR: its child OneCycleLR cycles momentum"):
        from_torch_hyperparams(sequence)
    sgd = _sgd()
    chain = sch.ChainedScheduler(
        [sch.CyclicLR(sgd, 0.01, 0.1), sch.ExponentialLR(sgd, 0.9)], optimizer=sgd
    )
    with pytest.raises(TypeError, match="ChainedScheduler: its child CyclicLR cycles momentum"):
        from_torch_hyperparams(chain)

    with pytest.raises(TypeError, match="from_torch_hyperparams: expected a scheduler, got 3"):
        from_torch_hyperparams(3)

    class MyCycle(sch.OneCycleLR):
        pass

    with pytest.raises(TypeError, match=r"MyCycle.*subclass of OneCycleLR"):
        from_torch_hyperparams(MyCycle(_sgd(), max_lr=0.1, total_steps=10))
