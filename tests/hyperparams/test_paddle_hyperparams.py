"""``lrcore_paddle.to_paddle_hyperparams``: momentum, betas, epsilon and weight decay on Paddle.

Oracles: closed forms written here; Paddle's documented update rules re-implemented in
NumPy float64 (Momentum ``v = mu*v + g + coeff*p; p -= lr*v``; Adam/AdamW with the
``beta_pow`` accumulators; AdamW's decoupled ``p -= lr*coeff*p``), fed with the
scheduled values and the gradients Paddle computed, and compared with the parameters
Paddle produced after each real ``optimizer.step()``; torch's own ``OneCycleLR`` and
``CyclicLR`` cycling momentum / ``betas[0]`` on real torch optimizers.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # paddle warns about a missing ccache
    import paddle

    import lrcore_paddle

STEPS = 36
LR = 0.05


@pytest.fixture(autouse=True)
def _float64() -> Iterator[None]:
    # float64 parameters: the kernels then run betas/epsilon in double, and the NumPy
    # oracle can be compared to ~1e-15 instead of float32 noise.
    previous = paddle.get_default_dtype()
    paddle.set_default_dtype("float64")
    try:
        yield
    finally:
        paddle.set_default_dtype(previous)


def _data() -> tuple[paddle.Tensor, paddle.Tensor]:
    rng = np.random.default_rng(8)
    return paddle.to_tensor(rng.normal(size=(16, 4))), paddle.to_tensor(rng.normal(size=(16, 3)))


def _model(seed: int = 0) -> paddle.nn.Linear:
    paddle.seed(seed)
    return paddle.nn.Linear(4, 3)


def _backward(model: paddle.nn.Linear, x: paddle.Tensor, y: paddle.Tensor) -> None:
    loss = ((model(x) - y) ** 2).mean()
    loss.backward()


def f32(value: float) -> float:
    """A float attribute of a Paddle op (``mu``, ``coeff``): the kernel reads float32."""
    return float(np.float32(value))


# -- closed forms, written here --------------------------------------------------------------


def cosine_down(k: int, floor: float, period: int) -> float:
    """``cosine_annealing(T_max=period, min_factor=floor)``: torch's, oscillating past T."""
    return floor + (1 - floor) * (1 + math.cos(math.pi * k / period)) / 2


def linear_to(k: int, end: float, steps: int) -> float:
    """``linear(start=1, end=end, steps=steps)``: holds ``end`` from ``steps`` on."""
    return 1.0 + (end - 1.0) * min(k, steps) / steps


def exponential(k: int, gamma: float) -> float:
    return gamma**k


def close(got: float, want: float, rel: float = 1e-12) -> bool:
    return abs(got - want) <= rel * abs(want)


def in_force(optimizer: Any, key: str, group: int) -> float:
    """What the next ``optimizer.step()`` hands the kernel for ``key`` in ``group``."""
    attribute = {
        "momentum": "_momentum",
        "weight_decay": "_regularization_coeff"
        if isinstance(optimizer, paddle.optimizer.Momentum)
        else "_weight_decay",
        "beta1": "_beta1",
        "beta2": "_beta2",
        "epsilon": "_epsilon",
    }[key]
    groups = optimizer._param_groups
    if isinstance(groups[0], dict):
        # Exactly what Paddle does before each group's kernel call.
        optimizer._update_param_group(dict(groups[group]))
    return float(getattr(optimizer, attribute))


# -- Momentum ---------------------------------------------------------------------------------


@pytest.mark.parametrize("grouped", [False, True], ids=["one-group", "two-groups"])
def test_momentum_and_weight_decay_are_real(grouped: bool) -> None:
    x, y = _data()
    model = _model()
    if grouped:
        parameters: Any = [
            {"params": [model.weight], "momentum": 0.9, "weight_decay": 0.02},
            {"params": [model.bias], "momentum": 0.6},
        ]
        momentum_bases, decay_bases = [0.9, 0.6], [0.02, 0.01]
        momentum_forms = [lambda k: cosine_down(k, 0.9, 20), lambda k: linear_to(k, 0.5, 10)]
        momentum_cfg: Any = [
            {"name": "cosine_annealing", "T_max": 20, "min_factor": 0.9},
            {"name": "linear", "start": 1.0, "end": 0.5, "steps": 10},
        ]
    else:
        parameters = model.parameters()
        momentum_bases, decay_bases = [0.9], [0.01]
        momentum_forms = [lambda k: cosine_down(k, 0.9, 20)]
        momentum_cfg = {"name": "cosine_annealing", "T_max": 20, "min_factor": 0.9}
    optimizer = paddle.optimizer.Momentum(
        learning_rate=LR, momentum=0.9, parameters=parameters, weight_decay=0.01
    )
    hp = lrcore_paddle.to_paddle_hyperparams(
        {"momentum": momentum_cfg, "weight_decay": {"name": "exponential", "gamma": 0.93}},
        optimizer,
    )
    tensors = [model.weight, model.bias]
    velocity = [np.zeros(t.shape) for t in tensors]
    for k in range(STEPS):
        for g in range(len(momentum_bases)):
            assert close(
                in_force(optimizer, "momentum", g), momentum_bases[g] * momentum_forms[g](k)
            )
            assert close(in_force(optimizer, "weight_decay", g), decay_bases[g] * 0.93**k)
        _backward(model, x, y)
        before = [t.numpy().copy() for t in tensors]
        grads = [t.grad.numpy().copy() for t in tensors]
        optimizer.step()
        optimizer.clear_grad()
        hp.step()
        for i, tensor in enumerate(tensors):
            g = i if grouped else 0
            mu = f32(momentum_bases[g] * momentum_forms[g](k))
            coeff = f32(decay_bases[g] * 0.93**k)
            velocity[i] = mu * velocity[i] + (grads[i] + coeff * before[i])
            np.testing.assert_allclose(tensor.numpy(), before[i] - LR * velocity[i], rtol=1e-14)
    assert optimizer.get_lr() == LR  # the lr is never touched


def test_multi_tensor_momentum_is_real() -> None:
    # The merged kernel (use_multi_tensor=True, float32 only) reads the momentum too.
    paddle.set_default_dtype("float32")
    x, y = (t.astype("float32") for t in _data())
    model = _model()
    optimizer = paddle.optimizer.Momentum(
        learning_rate=LR, momentum=0.8, parameters=model.parameters(), use_multi_tensor=True
    )
    hp = lrcore_paddle.to_paddle_hyperparams(
        {"momentum": {"name": "exponential", "gamma": 0.9}}, optimizer
    )
    velocity = np.zeros(model.weight.shape)
    for k in range(8):
        _backward(model, x, y)
        before, grad = model.weight.numpy().astype(np.float64), model.weight.grad.numpy()
        optimizer.step()
        optimizer.clear_grad()
        hp.step()
        velocity = f32(0.8 * 0.9**k) * velocity + grad
        np.testing.assert_allclose(
            model.weight.numpy(), before - LR * velocity, rtol=2e-5, atol=1e-7
        )


# -- Adam / AdamW -----------------------------------------------------------------------------


def _adam_run(
    cls: type,
    schedules: dict[str, Any],
    forms: dict[str, Callable[[int], float]],
    bases: dict[str, float],
    bias_correction: str = "paddle",
) -> None:
    x, y = _data()
    model = _model()
    kwargs = {"weight_decay": bases["weight_decay"]} if cls is paddle.optimizer.AdamW else {}
    optimizer = cls(
        learning_rate=LR,
        beta1=bases["beta1"],
        beta2=bases["beta2"],
        epsilon=bases["epsilon"],
        parameters=model.parameters(),
        **kwargs,
    )
    hp = lrcore_paddle.to_paddle_hyperparams(schedules, optimizer, bias_correction=bias_correction)

    def value(key: str, k: int) -> float:
        return bases[key] * forms[key](k) if key in forms else bases[key]

    tensors = [model.weight, model.bias]
    m1 = [np.zeros(t.shape) for t in tensors]
    m2 = [np.zeros(t.shape) for t in tensors]
    pow1 = pow2 = 0.0
    for k in range(STEPS):
        b1, b2, eps = value("beta1", k), value("beta2", k), value("epsilon", k)
        for key in forms:
            assert close(in_force(optimizer, key, 0), value(key, k))
        if bias_correction == "torch":
            pow1, pow2 = b1 ** (k + 1), b2 ** (k + 1)
        elif k == 0:  # Paddle fills the accumulators with the betas in force at creation
            pow1, pow2 = b1, b2
        _backward(model, x, y)
        before = [t.numpy().copy() for t in tensors]
        grads = [t.grad.numpy().copy() for t in tensors]
        optimizer.step()
        optimizer.clear_grad()
        hp.step()
        for i, tensor in enumerate(tensors):
            decayed = before[i]
            if cls is paddle.optimizer.AdamW:
                decayed = before[i] - LR * f32(value("weight_decay", k)) * before[i]
            m1[i] = b1 * m1[i] + (1 - b1) * grads[i]
            m2[i] = b2 * m2[i] + (1 - b2) * grads[i] * grads[i]
            step_lr = LR * (math.sqrt(1 - pow2) / (1 - pow1))
            want = decayed - step_lr * (m1[i] / (np.sqrt(m2[i]) + eps * math.sqrt(1 - pow2)))
            np.testing.assert_allclose(tensor.numpy(), want, rtol=1e-13)
        if bias_correction == "paddle":
            # Paddle's accumulator: the running product of the betas in force.
            pow1, pow2 = pow1 * b1, pow2 * b2
            acc = optimizer._get_accumulator_master("beta1_pow_acc", model.weight)
            assert close(float(acc.numpy()[0]), pow1, 1e-13)


ADAM_SCHEDULES = {
    "beta1": {"name": "cosine_annealing", "T_max": 12, "min_factor": 0.85},
    "beta2": {"name": "linear", "start": 1.0, "end": 0.99, "steps": 30},
    "epsilon": {"name": "exponential", "gamma": 1.2},
}
ADAM_FORMS: dict[str, Callable[[int], float]] = {
    "beta1": lambda k: cosine_down(k, 0.85, 12),
    "beta2": lambda k: linear_to(k, 0.99, 30),
    "epsilon": lambda k: exponential(k, 1.2),
}
ADAM_BASES = {"beta1": 0.95, "beta2": 0.999, "epsilon": 1e-4, "weight_decay": 0.1}


@pytest.mark.parametrize("bias_correction", ["paddle", "torch"])
def test_adam_betas_and_epsilon_are_real(bias_correction: str) -> None:
    _adam_run(paddle.optimizer.Adam, ADAM_SCHEDULES, ADAM_FORMS, ADAM_BASES, bias_correction)


@pytest.mark.parametrize("bias_correction", ["paddle", "torch"])
def test_adamw_betas_epsilon_and_weight_decay_are_real(bias_correction: str) -> None:
    schedules = {**ADAM_SCHEDULES, "weight_decay": {"name": "cosine_annealing", "T_max": 30}}
    forms = {**ADAM_FORMS, "weight_decay": lambda k: cosine_down(k, 0.0, 30)}
    _adam_run(paddle.optimizer.AdamW, schedules, forms, ADAM_BASES, bias_correction)


def test_adamw_groups_and_torch_aliases() -> None:
    model = _model()
    optimizer = paddle.optimizer.AdamW(
        learning_rate=LR,
        parameters=[
            {"params": [model.weight], "beta1": 0.9, "weight_decay": 0.05},
            {"params": [model.bias], "beta1": 0.8},  # Paddle's default decay: 0.01
        ],
    )
    hp = lrcore_paddle.to_paddle_hyperparams(
        {
            "betas[0]": [{"name": "exponential", "gamma": 0.99}, {"name": "constant"}],
            "weight_decay": {"name": "linear", "start": 1.0, "end": 0.0, "steps": 5},
        },
        optimizer,
    )
    x, y = _data()
    for k in range(8):
        assert close(in_force(optimizer, "beta1", 0), 0.9 * 0.99**k)
        assert in_force(optimizer, "beta1", 1) == 0.8
        assert close(
            in_force(optimizer, "weight_decay", 0) + 1.0, 0.05 * linear_to(k, 0.0, 5) + 1.0
        )
        assert close(
            in_force(optimizer, "weight_decay", 1) + 1.0, 0.01 * linear_to(k, 0.0, 5) + 1.0
        )
        _backward(model, x, y)
        optimizer.step()
        optimizer.clear_grad()
        hp.step()
    assert optimizer._param_groups[0]["initial_beta1"] == 0.9


# -- torch's own momentum cycling -------------------------------------------------------------


def _torch_native(
    make: Callable[[torch.optim.Optimizer], Any], adam: bool, horizon: int
) -> tuple[Any, list[list[float]]]:
    """The scheduler and torch's momentum (or ``betas[0]``) of each group before each update."""
    torch.manual_seed(0)
    model = torch.nn.Linear(4, 3)
    groups = [{"params": [model.weight], "lr": 0.1}, {"params": [model.bias], "lr": 0.03}]
    optimizer: torch.optim.Optimizer = (
        torch.optim.Adam(groups, betas=(0.9, 0.999))
        if adam
        else torch.optim.SGD(groups, momentum=0.9)
    )
    scheduler = make(optimizer)
    values: list[list[float]] = [[] for _ in groups]
    for k in range(horizon):
        for g, group in enumerate(optimizer.param_groups):
            values[g].append(group["betas"][0] if adam else group["momentum"])
        model(torch.ones(2, 4)).sum().backward()
        optimizer.step()
        optimizer.zero_grad()
        if k + 1 < horizon:
            scheduler.step()
    return scheduler, values


def _onecycle_sgd(opt: Any) -> Any:
    return torch.optim.lr_scheduler.OneCycleLR(
        opt,
        [0.1, 0.03],
        total_steps=50,
        pct_start=0.3,
        base_momentum=[0.8, 0.85],
        max_momentum=[0.95, 0.9],
    )


def _onecycle_adam(opt: Any) -> Any:
    return torch.optim.lr_scheduler.OneCycleLR(
        opt,
        [0.1, 0.03],
        total_steps=41,
        pct_start=0.25,
        anneal_strategy="linear",
        three_phase=True,
        base_momentum=0.8,
        max_momentum=0.92,
    )


def _cyclic_sgd(opt: Any) -> Any:
    return torch.optim.lr_scheduler.CyclicLR(
        opt,
        [0.01, 0.003],
        [0.1, 0.03],
        step_size_up=7,
        step_size_down=4,
        mode="triangular2",
        base_momentum=[0.8, 0.85],
        max_momentum=[0.95, 0.9],
    )


def _cyclic_adam(opt: Any) -> Any:
    return torch.optim.lr_scheduler.CyclicLR(
        opt, 0.01, 0.1, step_size_up=5, mode="exp_range", gamma=0.97, base_momentum=0.85
    )


@pytest.mark.parametrize(
    ("make", "horizon", "adam"),
    [
        pytest.param(_onecycle_sgd, 51, False, id="onecycle-sgd-cos"),
        pytest.param(_onecycle_adam, 42, True, id="onecycle-adam-linear-3phase"),
        pytest.param(_cyclic_sgd, 60, False, id="cyclic-sgd-triangular2"),
        pytest.param(_cyclic_adam, 60, True, id="cyclic-adam-exp_range"),
    ],
)
def test_torch_momentum_cycles_replay_on_paddle(make: Any, horizon: int, adam: bool) -> None:
    """torch's native cycle, ported by from_torch_hyperparams, in force on Paddle."""
    from lrcore_torch import from_torch_hyperparams

    native, want = _torch_native(make, adam, horizon)
    ported = from_torch_hyperparams(native)
    key = "betas[0]" if adam else "momentum"
    assert list(ported) == [key]
    bases = [base for base, _ in ported[key]]
    model = _model()
    paddle_key = "beta1" if adam else "momentum"
    groups = [
        {"params": [model.weight], paddle_key: bases[0]},
        {"params": [model.bias], paddle_key: bases[1]},
    ]
    if adam:
        optimizer: Any = paddle.optimizer.Adam(learning_rate=LR, parameters=groups)
    else:
        optimizer = paddle.optimizer.Momentum(learning_rate=LR, parameters=groups)
    hp = lrcore_paddle.to_paddle_hyperparams(ported, optimizer)  # the port fed in as it is
    x, y = _data()
    for k in range(horizon):
        for g in range(2):
            got = in_force(optimizer, paddle_key, g)
            assert close(got, want[g][k]), (k, g, got, want[g][k])
        _backward(model, x, y)
        optimizer.step()
        optimizer.clear_grad()
        hp.step()


def _one_cycle_adam_runs(bias_correction: str, steps: int = 40) -> tuple[np.ndarray, np.ndarray]:
    """torch Adam under OneCycleLR(cycle_momentum) and its port on Paddle: final weights."""
    from lrcore_torch import from_torch, from_torch_hyperparams

    rng = np.random.default_rng(3)
    data_x, data_y = rng.normal(size=(16, 4)), rng.normal(size=(16, 3))
    torch.manual_seed(1)
    torch_model = torch.nn.Linear(4, 3).double()
    torch_optimizer = torch.optim.Adam(torch_model.parameters(), lr=0.01)
    native = torch.optim.lr_scheduler.OneCycleLR(torch_optimizer, max_lr=0.01, total_steps=steps)
    [(base_lr, lr_schedule)] = from_torch(native)
    momentum = from_torch_hyperparams(native)

    model = _model()
    model.weight.set_value(torch_model.weight.detach().numpy().T.copy())
    model.bias.set_value(torch_model.bias.detach().numpy().copy())
    lr = lrcore_paddle.to_paddle(lr_schedule, base_lr)
    optimizer = paddle.optimizer.Adam(
        learning_rate=lr, beta1=momentum["betas[0]"][0][0], parameters=model.parameters()
    )
    hp = lrcore_paddle.to_paddle_hyperparams(momentum, optimizer, bias_correction=bias_correction)
    tx, ty = torch.tensor(data_x), torch.tensor(data_y)
    px, py = paddle.to_tensor(data_x), paddle.to_tensor(data_y)
    for _ in range(steps):
        ((torch_model(tx) - ty) ** 2).mean().backward()
        torch_optimizer.step()
        torch_optimizer.zero_grad()
        native.step()
        _backward(model, px, py)
        optimizer.step()
        optimizer.clear_grad()
        lr.step()
        hp.step()
    return torch_model.weight.detach().numpy().T, model.weight.numpy()


def test_one_cycle_adam_trains_like_torch_with_torch_bias_correction() -> None:
    want, got = _one_cycle_adam_runs("torch")
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-13)
    # Paddle's own bias correction (running product of the betas) trains differently.
    want, got = _one_cycle_adam_runs("paddle")
    assert np.max(np.abs(got - want)) > 1e-6


# -- resume -----------------------------------------------------------------------------------


def _resumable_run(
    tmp_path: Path, stop_at: int | None, bias_correction: str, total: int = 24
) -> np.ndarray:
    from paddle.base.unique_name import UniqueNameGenerator

    x, y = _data()

    def build() -> tuple[Any, Any, Any, Any]:
        model = _model()
        lr = lrcore_paddle.to_paddle({"name": "cosine_annealing", "T_max": total}, 0.02)
        optimizer = paddle.optimizer.AdamW(
            learning_rate=lr, beta1=0.95, weight_decay=0.1, parameters=model.parameters()
        )
        hp = lrcore_paddle.to_paddle_hyperparams(
            {
                "betas[0]": {"name": "cosine_annealing", "T_max": 10, "min_factor": 0.85},
                "weight_decay": {"name": "linear", "start": 1.0, "end": 0.1, "steps": total},
            },
            optimizer,
            bias_correction=bias_correction,
        )
        return model, lr, optimizer, hp

    # Paddle keys optimizer state by generated names: each run gets its own name
    # generator, as a fresh process has.
    names = UniqueNameGenerator()
    with paddle.utils.unique_name.guard(names):
        model, lr, optimizer, hp = build()
    for k in range(total):
        if k == stop_at:
            path = str(tmp_path / "ckpt.pdparams")
            state = {
                "model": model.state_dict(),
                "optimizer": optimizer.state_dict(),
                "hp": hp.state_dict(),
            }
            paddle.save(state, path)
            names = UniqueNameGenerator()
            with paddle.utils.unique_name.guard(names):
                model, lr, optimizer, hp = build()
                state = paddle.load(path)
                model.set_state_dict(state["model"])
                optimizer.set_state_dict(state["optimizer"])
                with warnings.catch_warnings():
                    warnings.simplefilter("error")  # a plain resume must not warn
                    hp.set_state_dict(state["hp"])
        with paddle.utils.unique_name.guard(names):
            _backward(model, x, y)
            optimizer.step()
            optimizer.clear_grad()
            lr.step()
            hp.step()
    return model.weight.numpy()


@pytest.mark.parametrize("bias_correction", ["paddle", "torch"])
def test_resume_mid_run_is_exact(tmp_path: Path, bias_correction: str) -> None:
    straight = _resumable_run(tmp_path, None, bias_correction)
    resumed = _resumable_run(tmp_path, 11, bias_correction)
    np.testing.assert_array_equal(resumed, straight)


def test_set_state_dict_warns_on_another_schedule_and_keeps_its_own() -> None:
    model = _model()
    optimizer = paddle.optimizer.Momentum(learning_rate=LR, parameters=model.parameters())
    saved = lrcore_paddle.to_paddle_hyperparams(
        {"momentum": {"name": "exponential", "gamma": 0.9}}, optimizer
    )
    saved.step(5)
    state = saved.state_dict()
    other = paddle.optimizer.Momentum(learning_rate=LR, parameters=model.parameters())
    live = lrcore_paddle.to_paddle_hyperparams(
        {"momentum": {"name": "exponential", "gamma": 0.8}}, other
    )
    with pytest.warns(UserWarning, match="hyperparameter schedules"):
        live.set_dict(state)
    assert live.last_epoch == 5
    assert close(other._momentum, 0.9 * 0.8**5)


def test_last_epoch_and_stored_bases() -> None:
    model = _model()
    optimizer = paddle.optimizer.Momentum(
        learning_rate=LR, momentum=0.9, parameters=model.parameters()
    )
    schedule = {"name": "exponential", "gamma": 0.5}
    lrcore_paddle.to_paddle_hyperparams({"momentum": schedule}, optimizer)
    assert optimizer._momentum == 0.9
    # A second scheduler on the same optimizer starts from the stored base, not 0.45.
    later = lrcore_paddle.to_paddle_hyperparams({"momentum": schedule}, optimizer, last_epoch=2)
    assert later.last_epoch == 3
    assert close(optimizer._momentum, 0.9 * 0.5**3)


# -- errors -----------------------------------------------------------------------------------


def _optimizer(name: str, **kwargs: Any) -> Any:
    return getattr(paddle.optimizer, name)(
        learning_rate=LR, parameters=_model().parameters(), **kwargs
    )


EXPONENTIAL = {"name": "exponential", "gamma": 0.9}


@pytest.mark.parametrize(
    ("build", "schedules", "kwargs", "error", "text"),
    [
        (lambda: _optimizer("SGD"), {"momentum": EXPONENTIAL}, {}, ValueError, "SGD.*'momentum'"),
        (
            lambda: _optimizer("RMSProp"),
            {"momentum": EXPONENTIAL},
            {},
            ValueError,
            "RMSProp.*'momentum'",
        ),
        (
            lambda: _optimizer("Adam"),
            {"momentum": EXPONENTIAL},
            {},
            ValueError,
            "Adam.*'momentum'.*beta1",
        ),
        (
            lambda: _optimizer("Momentum"),
            {"beta1": EXPONENTIAL},
            {},
            ValueError,
            "Momentum.*'beta1'",
        ),
        (
            lambda: _optimizer("Adam"),
            {"weight_decay": EXPONENTIAL},
            {},
            ValueError,
            "'weight_decay' of Adam.*AdamW",
        ),
        (
            lambda: _optimizer("Momentum", weight_decay=0.1, use_multi_tensor=True),
            {"weight_decay": EXPONENTIAL},
            {},
            ValueError,
            "use_multi_tensor",
        ),
        (
            lambda: _optimizer("Momentum", weight_decay=paddle.regularizer.L1Decay(0.1)),
            {"weight_decay": EXPONENTIAL},
            {},
            ValueError,
            "L1Decay",
        ),
        (
            lambda: _optimizer("Adam"),
            {"beta1": EXPONENTIAL, "betas[0]": EXPONENTIAL},
            {},
            ValueError,
            "twice",
        ),
        (
            lambda: _optimizer("Adam"),
            {"beta1": [EXPONENTIAL] * 2},
            {},
            ValueError,
            "2 schedules for the 1",
        ),
        (
            lambda: _optimizer("Adam"),
            {"beta1": {"name": "exponential"}},
            {},
            TypeError,
            "beta1.*gamma",
        ),
        (lambda: _optimizer("Adam"), {"beta1": {"name": "nope"}}, {}, ValueError, "beta1.*nope"),
        (lambda: _optimizer("Adam"), {"beta1": 0.5}, {}, TypeError, "beta1.*float"),
        (
            lambda: _optimizer("Adam", beta1=0.9),
            {"beta1": [(0.95, EXPONENTIAL)]},
            {},
            ValueError,
            "0.95.*0.9",
        ),
        (
            lambda: _optimizer("Momentum"),
            {"momentum": EXPONENTIAL},
            {"bias_correction": "torch"},
            ValueError,
            "Adam and AdamW",
        ),
        (
            lambda: _optimizer("Adam"),
            {"beta1": EXPONENTIAL},
            {"bias_correction": "optax"},
            ValueError,
            "bias_correction",
        ),
        (
            lambda: _optimizer("Adam"),
            {"beta1": EXPONENTIAL},
            {"last_epoch": -2},
            ValueError,
            "last_epoch",
        ),
        (
            lambda: torch.optim.SGD([torch.zeros(1, requires_grad=True)]),
            {},
            {},
            TypeError,
            "paddle.optimizer",
        ),
        (lambda: _optimizer("Adam"), [("beta1", EXPONENTIAL)], {}, TypeError, "mapping"),
    ],
)
def test_errors_name_the_key_and_the_optimizer(
    build: Callable[[], Any], schedules: Any, kwargs: dict[str, Any], error: type, text: str
) -> None:
    optimizer = build()
    with pytest.raises(error, match=text):
        lrcore_paddle.to_paddle_hyperparams(schedules, optimizer, **kwargs)


def test_a_parameter_regularizer_refuses_momentum_weight_decay() -> None:
    paddle.seed(0)
    attr = paddle.ParamAttr(regularizer=paddle.regularizer.L2Decay(0.3))
    model = paddle.nn.Linear(4, 3, weight_attr=attr)
    optimizer = paddle.optimizer.Momentum(
        learning_rate=LR, weight_decay=0.1, parameters=model.parameters()
    )
    with pytest.raises(ValueError, match="own L2Decay regularizer"):
        lrcore_paddle.to_paddle_hyperparams({"weight_decay": EXPONENTIAL}, optimizer)


def test_empty_port_is_a_no_op() -> None:
    optimizer = _optimizer("Momentum", momentum=0.7)
    hp = lrcore_paddle.to_paddle_hyperparams({}, optimizer)
    hp.step()
    assert optimizer._momentum == 0.7 and hp.values() == {}
