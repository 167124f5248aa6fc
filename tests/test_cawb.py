"""CAWB (``CosineAnnealingWarmbootingLR``): the core ``lrcore.Cawb`` and its three backends.

Oracle: :class:`SourceCawb`, the stateful class quoted in the project's recipes,
re-implemented here statement by statement, and driven exactly as the source drives
it -- ``step_batch()`` before every batch, ``step()`` after every epoch.  The lr an
optimizer trains with during iteration ``it = epoch * B + batch`` is what the oracle
leaves in the parameter groups after that batch's ``step_batch()``.

Decided policies (tested, where they depart from the source's leftover-state
behaviour): past the run (``it >= epochs * B``) the factor holds its value of the run's
last iteration; the stateful ports' ``step()`` with counter ``n >= epochs - 1`` holds the
lr of the last epoch; ``steps`` is never mutated; an empty segment is a ``ValueError``
naming the segment.  The source's quirks are kept (x = -1 in the first epoch after the
warmup, ``gap`` widened by ``epoch_scale`` in all segments but the last, base lr in epoch
0 without warmup).

Settings are randomised with a seeded ``random.Random`` per draw (reproducible ids).
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
import json
import math
import random
import warnings
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
import torch

import lrcore
import lrcore_optax
import lrcore_torch
from tests.recipe_oracles import SourceCawb, stand_in

with warnings.catch_warnings():
    # Importing paddle warns about a missing ccache (C++ extension builds): noise here.
    warnings.simplefilter("ignore")
    import paddle

    import lrcore_paddle

Curve = Callable[[Any, Any], Any]
Trace = list[list[float]]
"""``trace[it][g]``: the lr of parameter group ``g`` during training iteration ``it``."""

REL = 1e-12


# --------------------------------------------------------------------------- the oracle


# --------------------------------------------------------------------------- custom curves


def _namespace(x: Any) -> Any:
    """``x``'s array namespace (NumPy, JAX, tracers) or ``math`` for Python numbers."""
    return x.__array_namespace__() if hasattr(x, "__array_namespace__") else math


def source_lf(x: Any, y: Any) -> Any:
    """The source's example ``lf``, exactly as written (``math``: scalars only)."""
    return (((1 + math.cos(x * math.pi / y)) / 2) ** 1.0) * 0.8 + 0.2


def source_lf_xp(x: Any, y: Any) -> Any:
    """The source's example ``lf``, array-friendly (same values)."""
    return (((1 + _namespace(x).cos(x * math.pi / y)) / 2) ** 1.0) * 0.8 + 0.2


def exp_lf(x: Any, y: Any) -> Any:
    """A curve of our own: exponential decay across the segment, floor 0.1."""
    return _namespace(x).exp(-2.5 * x / y) * 0.9 + 0.1


def poly_lf(x: Any, y: Any) -> Any:
    """A curve of our own, plain arithmetic: quadratic decay to 0.3."""
    return 0.3 + 0.7 * (1 - x / y) ** 2


CURVES: dict[str, Curve] = {"source": source_lf, "exp": exp_lf, "poly": poly_lf}
# The same curve, written to run on arrays (NumPy / JAX / traced).
ARRAY_CURVES: dict[str, Curve] = {"source": source_lf_xp, "exp": exp_lf, "poly": poly_lf}


# --------------------------------------------------------------------------- settings


@dataclasses.dataclass(frozen=True)
class Setting:
    """One CAWB configuration plus how the test drives it."""

    epochs: int
    batches: int
    steps: tuple[int, ...]  # as the user wrote them: unsorted, maybe out of range
    step_scale: float = 0.8
    eta_min: float = 0.05
    epoch_scale: float = 1.0
    warmup_epoch: int = 0
    lf: str | None = None
    base_lrs: tuple[float, float] = (0.1, 0.003)
    resume_epoch: int = 0
    batchs_arg: int | None = None  # the ports' ``batchs``; None means ``batches``

    @property
    def end(self) -> int:
        """Iterations in the run."""
        return self.epochs * self.batches

    @property
    def for_core(self) -> Setting:
        """The same run with the ports' batchs = batches (what steps_per_epoch means)."""
        return dataclasses.replace(self, batchs_arg=None)

    @property
    def batchs(self) -> int:
        return self.batches if self.batchs_arg is None else self.batchs_arg

    def curve(self, array: bool = False) -> Curve | None:
        if self.lf is None:
            return None
        return (ARRAY_CURVES if array else CURVES)[self.lf]

    def source_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of the source class (and of both stateful ports)."""
        return {
            "epochs": self.epochs,
            "eta_min": self.eta_min,
            "steps": list(self.steps),
            "step_scale": self.step_scale,
            "lf": self.curve(),
            "batchs": self.batchs,
            "warmup_epoch": self.warmup_epoch,
            "epoch_scale": self.epoch_scale,
        }

    def core(self, array: bool = False) -> lrcore.Cawb:
        return lrcore.Cawb(
            epochs=self.epochs,
            steps_per_epoch=self.batches,
            steps=list(self.steps),
            step_scale=self.step_scale,
            eta_min=self.eta_min,
            epoch_scale=self.epoch_scale,
            warmup_epoch=self.warmup_epoch,
            lf=self.curve(array),
        )

    def core_config_or_schedule(self, array: bool = False) -> Any:
        """The JSON config when there is one, else the schedule object (custom lf)."""
        return self.core(array) if self.lf is not None else self.core().to_config()


def draw(seed: int) -> Setting:
    """A random valid setting: restart epochs unsorted, some outside (warmup, epochs)."""
    rng = random.Random(seed)
    epochs = rng.randint(1, 40)
    warmup = 0 if rng.random() < 0.3 else rng.randint(0, epochs - 1)
    inside_range = range(warmup + 1, epochs)
    inside = rng.sample(inside_range, rng.randint(0, min(4, len(inside_range))))
    # Ignored by the source: at or below warmup_epoch, at or past epochs (duplicates fine).
    outside_pool = [*range(0, warmup + 1), *range(epochs, epochs + 6)]
    outside = [rng.choice(outside_pool) for _ in range(rng.randint(0, 3))]
    steps = inside + outside
    rng.shuffle(steps)
    return Setting(
        epochs=epochs,
        batches=rng.randint(1, 8),
        steps=tuple(steps),
        step_scale=rng.choice([0.7, 1.0, rng.uniform(0.05, 1.25)]),
        eta_min=rng.choice([0.0, 0.05, rng.uniform(0.0, 1.0)]),
        epoch_scale=rng.choice([0.0, 1.0, rng.uniform(0.0, 3.0)]),
        warmup_epoch=warmup,
        lf=rng.choice([None, None, "source", "exp", "poly"]),
        base_lrs=(rng.uniform(1e-4, 1.0), rng.uniform(1e-4, 1.0)),
        resume_epoch=rng.randint(0, epochs - 1),
        batchs_arg=0 if rng.random() < 0.1 else None,
    )


EDGE_SETTINGS = [
    Setting(epochs=1, batches=3, steps=(0, 1, 5)),
    Setting(epochs=2, batches=1, steps=(), warmup_epoch=1),
    Setting(epochs=7, batches=2, steps=(6, 1), warmup_epoch=6, epoch_scale=0.0, eta_min=0.0),
    Setting(epochs=10, batches=4, steps=(9, 2, 1, 5), epoch_scale=0.0, eta_min=0.0),
    Setting(epochs=45, batches=2, steps=(15, 30, 45), step_scale=0.7, warmup_epoch=5),
    Setting(epochs=12, batches=3, steps=(11, 10, 9, 8), warmup_epoch=7, lf="source"),
]
SETTINGS = EDGE_SETTINGS + [draw(seed) for seed in range(100)]


def _id(setting: Setting) -> str:
    return (
        f"e{setting.epochs}-b{setting.batches}-w{setting.warmup_epoch}-"
        f"s{'.'.join(map(str, setting.steps))}-{setting.lf}"
    )


SETTING_IDS = [f"{i}-{_id(s)}" for i, s in enumerate(SETTINGS)]
ALL_SETTINGS = pytest.mark.parametrize("setting", SETTINGS, ids=SETTING_IDS)
# The optax path compiles once per setting: a subset keeps the file fast.
OPTAX_SETTINGS = pytest.mark.parametrize("setting", SETTINGS[:20], ids=SETTING_IDS[:20])

EXAMPLE = Setting(
    epochs=45,
    batches=20,
    steps=(15, 30, 45),
    step_scale=0.7,
    warmup_epoch=5,
    base_lrs=(0.01, 0.002),
)


# --------------------------------------------------------------------------- driving loops


def events(epochs: range, batches: int) -> list[str]:
    """The source loop as calls: ``"b"`` = step_batch() then train, ``"e"`` = step()."""
    out: list[str] = []
    for _ in epochs:
        out += ["b"] * batches + ["e"]
    return out


def play(
    scheduler: Any,
    read: Callable[[], list[float]],
    calls: Sequence[str],
    train: Callable[[], None] | None = None,
) -> Trace:
    """Drive ``scheduler`` through ``calls``; record ``read()`` at every iteration."""
    trace: Trace = []
    for call in calls:
        if call == "b":
            scheduler.step_batch()
            trace.append(read())
            if train is not None:
                train()
        else:
            scheduler.step()
    return trace


def oracle_trace(setting: Setting, base_lrs: Sequence[float], epochs_done: int = 0) -> Trace:
    """The oracle's lr per group for every iteration of epochs ``epochs_done ..``."""
    optimizer = stand_in(base_lrs)
    source = SourceCawb(optimizer, **setting.source_kwargs())
    source.last_epoch = epochs_done
    calls = events(range(epochs_done, setting.epochs), setting.batches)
    return play(source, lambda: [g["lr"] for g in optimizer.param_groups], calls)


def oracle_factors(setting: Setting) -> list[float]:
    """The oracle's lr / base for every iteration of the run (group 0)."""
    base = setting.base_lrs[0]
    return [lrs[0] / base for lrs in oracle_trace(setting.for_core, [base])]


def assert_trace(got: Trace, want: Trace, where: str, rel: float = REL) -> None:
    """Same length, every group's lr equal to ``rel`` relative (0 only matches 0)."""
    assert len(got) == len(want), f"{where}: {len(got)} iterations, want {len(want)}"
    for it, (g, w) in enumerate(zip(got, want, strict=True)):
        for group, (a, b) in enumerate(zip(g, w, strict=True)):
            assert math.isclose(a, b, rel_tol=rel, abs_tol=0.0), (
                f"{where}: iteration {it} group {group}: got {a!r}, want {b!r}"
            )


def assert_close(got: float, want: float, where: str) -> None:
    assert math.isclose(got, want, rel_tol=REL, abs_tol=0.0), f"{where}: got {got!r}, want {want!r}"


def held_lrs(setting: Setting, base_lrs: Sequence[float]) -> list[float]:
    """The lrs of the run's last iteration: what every port holds past the run."""
    return oracle_trace(setting, base_lrs)[-1]


def resume_points(setting: Setting, calls: Sequence[str]) -> list[int]:
    """Call indices to interrupt at: start, end, and a few seeded random ones."""
    rng = random.Random(zlib.crc32(_id(setting).encode()))
    return sorted({0, len(calls), *(rng.randint(0, len(calls)) for _ in range(3))})


# --------------------------------------------------------------------------- 1. core


@ALL_SETTINGS
def test_core_matches_oracle(setting: Setting) -> None:
    """Cawb(it) equals the source loop's lr/base at every iteration (1e-12 relative).

    Past the run the factor holds the value of the run's last iteration.
    """
    want = oracle_factors(setting)
    schedule = setting.core()
    got = [schedule(it) for it in range(setting.end)]
    assert_trace([[g] for g in got], [[w] for w in want], _id(setting))
    for it in [setting.end, setting.end + 1, setting.end + setting.batches, 10**9]:
        assert_close(schedule(it), want[-1], f"{_id(setting)} past the run at {it}")
    assert all(isinstance(value, float) for value in got[:3])


@ALL_SETTINGS
def test_core_numpy_path_matches_oracle(setting: Setting) -> None:
    """cawb(np.arange(...)) agrees with the oracle, in the run and past it."""
    want = oracle_factors(setting)
    schedule = setting.core(array=True)
    extra = 3 * setting.batches + 5
    got = schedule(np.arange(setting.end + extra))
    assert isinstance(got, np.ndarray)
    assert got.shape == (setting.end + extra,)
    expected = np.array(want + [want[-1]] * extra)
    np.testing.assert_allclose(got, expected, rtol=REL, atol=0.0, err_msg=_id(setting))


@ALL_SETTINGS
def test_config_round_trip(setting: Setting) -> None:
    """to_config -> JSON -> from_config rebuilds an equal schedule (same values).

    With a custom lf there is no JSON config: to_config raises TypeError.
    """
    if setting.lf is not None:
        with pytest.raises(TypeError, match="lf"):
            setting.core().to_config()
        return
    schedule = setting.core()
    config = schedule.to_config()
    assert config["name"] == "cawb"
    rebuilt = lrcore.from_config(json.loads(json.dumps(config)))
    assert isinstance(rebuilt, lrcore.Cawb)
    assert rebuilt == schedule
    assert rebuilt.to_config() == config
    steps = range(setting.end + 2 * setting.batches)
    assert [rebuilt(k) for k in steps] == [schedule(k) for k in steps]


# --------------------------------------------------------------------------- 2. torch


def make_sgd(base_lrs: Sequence[float]) -> torch.optim.SGD:
    """A real SGD with one float64 parameter per group (gradient 1: update = -lr)."""
    groups = []
    for lr in base_lrs:
        parameter = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
        parameter.grad = torch.ones(1, dtype=torch.float64)
        groups.append({"params": [parameter], "lr": lr})
    return torch.optim.SGD(groups)


def torch_read(optimizer: torch.optim.Optimizer) -> Callable[[], list[float]]:
    return lambda: [float(group["lr"]) for group in optimizer.param_groups]


def torch_port(setting: Setting, optimizer: torch.optim.Optimizer) -> Any:
    return lrcore_torch.CosineAnnealingWarmbootingLR(optimizer, **setting.source_kwargs())


def torch_oracle_trace(setting: Setting, epochs_done: int = 0) -> Trace:
    """The oracle driven on a real SGD with the same two groups."""
    optimizer = make_sgd(setting.base_lrs)
    source = SourceCawb(optimizer, **setting.source_kwargs())
    source.last_epoch = epochs_done
    calls = events(range(epochs_done, setting.epochs), setting.batches)
    return play(source, torch_read(optimizer), calls)


@ALL_SETTINGS
def test_torch_port_matches_oracle(setting: Setting) -> None:
    """The torch port, driven like the source, sets both groups' lrs as the oracle does.

    step() returns the same values as the source's, except the final one (counter
    epochs - 1), which -- like every later step() -- holds the last epoch's lr.
    """
    where = _id(setting)
    want = torch_oracle_trace(setting)
    optimizer = make_sgd(setting.base_lrs)
    port = torch_port(setting, optimizer)
    calls = events(range(setting.epochs), setting.batches)
    assert_trace(play(port, torch_read(optimizer), calls), want, where)
    assert port.get_last_lr() == torch_read(optimizer)()
    held = want[-1]
    # Past the run: more epochs keep the lr of the last iteration.
    extra = play(port, torch_read(optimizer), events(range(3), setting.batches))
    assert_trace(extra, [held] * len(extra), f"{where} past the run")

    # step() return values against the source's, epoch by epoch.
    source = SourceCawb(stand_in(setting.base_lrs), **setting.source_kwargs())
    port = torch_port(setting, make_sgd(setting.base_lrs))
    for epoch in range(setting.epochs + 2):
        got = port.step()
        want_lr = source.step() if epoch < setting.epochs - 1 else held[0]
        assert_close(got, want_lr, f"{where} step() #{epoch}")


@ALL_SETTINGS
def test_to_torch_cawb_matches_oracle(setting: Setting) -> None:
    """to_torch(Cawb config, SGD) stepped once per iteration gives base * f(it) = oracle."""
    want = torch_oracle_trace(setting.for_core)
    optimizer = make_sgd(setting.base_lrs)
    scheduler = lrcore_torch.to_torch(setting.core_config_or_schedule(), optimizer)
    got: Trace = []
    for _ in range(setting.end + setting.batches):
        got.append(torch_read(optimizer)())
        optimizer.step()
        scheduler.step()
    assert_trace(got, want + [want[-1]] * setting.batches, _id(setting))


@ALL_SETTINGS
def test_torch_resume_via_last_epoch(setting: Setting) -> None:
    """Source-style resume (``scheduler.last_epoch = E`` on a fresh one) matches the oracle's."""
    epochs_done = setting.resume_epoch
    want = torch_oracle_trace(setting, epochs_done)
    optimizer = make_sgd(setting.base_lrs)
    port = torch_port(setting, optimizer)
    port.last_epoch = epochs_done
    calls = events(range(epochs_done, setting.epochs), setting.batches)
    got = play(port, torch_read(optimizer), calls)
    assert_trace(got, want, f"{_id(setting)} resumed at epoch {epochs_done}")


@ALL_SETTINGS
def test_torch_resume_via_state_dict(setting: Setting) -> None:
    """Interrupted anywhere (mid-epoch too), state_dict/load_state_dict resumes exactly."""
    calls = events(range(setting.epochs + 1), setting.batches)
    optimizer = make_sgd(setting.base_lrs)
    reference = play(torch_port(setting, optimizer), torch_read(optimizer), calls)
    for cut in resume_points(setting, calls):
        first_optimizer = make_sgd(setting.base_lrs)
        first = torch_port(setting, first_optimizer)
        done = play(first, torch_read(first_optimizer), calls[:cut])
        scheduler_state = copy.deepcopy(first.state_dict())
        optimizer_state = copy.deepcopy(first_optimizer.state_dict())
        fresh_optimizer = make_sgd(setting.base_lrs)
        fresh = torch_port(setting, fresh_optimizer)
        fresh_optimizer.load_state_dict(optimizer_state)
        fresh.load_state_dict(scheduler_state)
        rest = play(fresh, torch_read(fresh_optimizer), calls[cut:])
        assert done + rest == reference, f"{_id(setting)} resumed after call {cut}"


# --------------------------------------------------------------------------- 3. paddle


def paddle_port(setting: Setting, lr: float, **extra: Any) -> Any:
    return lrcore_paddle.CosineAnnealingWarmbootingLR(lr, **setting.source_kwargs(), **extra)


def paddle_sgd(scheduler: Any, dtype: str = "float32") -> tuple[Any, Any]:
    """A one-weight ``Linear`` and a real Paddle SGD whose learning_rate is ``scheduler``."""
    linear = paddle.nn.Linear(1, 1, bias_attr=False)
    if dtype != "float32":
        linear.to(dtype=dtype)
    optimizer = paddle.optimizer.SGD(learning_rate=scheduler, parameters=linear.parameters())
    return linear, optimizer


def paddle_read(optimizer: Any) -> Callable[[], list[float]]:
    return lambda: [float(optimizer.get_lr())]


@ALL_SETTINGS
def test_paddle_port_matches_oracle(setting: Setting) -> None:
    """optimizer.get_lr() of a Paddle SGD driven by the port equals the oracle per iteration.

    Also: Paddle's last_epoch is the number of step() calls; past the run the lr holds.
    """
    where = _id(setting)
    lr = setting.base_lrs[0]
    want = oracle_trace(setting, [lr])
    port = paddle_port(setting, lr)
    assert port.last_epoch == 0
    _, optimizer = paddle_sgd(port)
    got = play(port, paddle_read(optimizer), events(range(setting.epochs), setting.batches))
    assert_trace(got, want, where)
    assert port.last_epoch == setting.epochs
    extra = play(port, paddle_read(optimizer), events(range(3), setting.batches))
    assert_trace(extra, [want[-1]] * len(extra), f"{where} past the run")
    assert port.last_epoch == setting.epochs + 3


@ALL_SETTINGS
def test_paddle_step_returns_and_external_iter(setting: Setting) -> None:
    """step()/step(external_iter=k) return and set what the source's do (same call sequence).

    Counters at or past epochs - 1 hold the last epoch's lr (the policy).
    """
    where = _id(setting)
    lr = setting.base_lrs[0]
    held = held_lrs(setting, [lr])[0]
    rng = random.Random(setting.epochs * 1000 + setting.batches)
    source = SourceCawb(stand_in([lr]), **setting.source_kwargs())
    port = paddle_port(setting, lr)
    _, optimizer = paddle_sgd(port)
    for call in range(3 * setting.epochs + 3):
        external = rng.choice([None, rng.randint(0, setting.epochs + 3)])
        counter = source.iters + 1 if external is None else external
        if counter < setting.epochs - 1:
            want = source.step(external)
        else:
            # The source's value here is leftover state (or a ZeroDivisionError): held.
            source.iters = counter
            want = held
        got = port.step(external)
        assert port.last_epoch == call + 1
        assert_close(got, want, f"{where} call {call} external_iter={external}")
        assert_close(optimizer.get_lr(), want, f"{where} get_lr after call {call}")


@ALL_SETTINGS
def test_paddle_resume_via_state_dict(setting: Setting, tmp_path: Path) -> None:
    """set_state_dict(state_dict()) -- also through paddle.save/load -- resumes exactly."""
    lr = setting.base_lrs[0]
    calls = events(range(setting.epochs + 1), setting.batches)
    port = paddle_port(setting, lr)
    _, optimizer = paddle_sgd(port)
    reference = play(port, paddle_read(optimizer), calls)
    for cut in resume_points(setting, calls):
        first = paddle_port(setting, lr)
        _, first_optimizer = paddle_sgd(first)
        done = play(first, paddle_read(first_optimizer), calls[:cut])
        for through_file in (False, True):
            state = first.state_dict()
            if through_file:
                path = tmp_path / f"cawb-{cut}.pdparams"
                paddle.save(state, str(path))
                state = paddle.load(str(path))
            fresh = paddle_port(setting, lr)
            fresh.set_state_dict(state)
            assert fresh.last_epoch == first.last_epoch
            _, fresh_optimizer = paddle_sgd(fresh)
            rest = play(fresh, paddle_read(fresh_optimizer), calls[cut:])
            assert done + rest == reference, (
                f"{_id(setting)} resumed after call {cut} (file: {through_file})"
            )


@ALL_SETTINGS
def test_paddle_resume_via_epochs_done(setting: Setting) -> None:
    """A fresh port with epochs_done=E continues like the source with ``last_epoch = E``."""
    lr = setting.base_lrs[0]
    epochs_done = setting.resume_epoch
    want = oracle_trace(setting, [lr], epochs_done)
    port = paddle_port(setting, lr, epochs_done=epochs_done)
    _, optimizer = paddle_sgd(port)
    calls = events(range(epochs_done, setting.epochs), setting.batches)
    got = play(port, paddle_read(optimizer), calls)
    assert_trace(got, want, f"{_id(setting)} epochs_done={epochs_done}")
    assert port.last_epoch == setting.epochs - epochs_done


@ALL_SETTINGS
def test_to_paddle_cawb_matches_oracle(setting: Setting) -> None:
    """to_paddle(Cawb config, lr) stepped once per iteration equals the oracle."""
    lr = setting.base_lrs[0]
    want = oracle_trace(setting.for_core, [lr])
    scheduler = lrcore_paddle.to_paddle(setting.core_config_or_schedule(), lr)
    _, optimizer = paddle_sgd(scheduler)
    got: Trace = []
    for _ in range(setting.end + setting.batches):
        got.append([float(optimizer.get_lr())])
        scheduler.step()
    assert_trace(got, want + [want[-1]] * setting.batches, _id(setting))


# --------------------------------------------------------------------------- 4. optax


def assert_optax(got: Any, want: Sequence[float], lr: float, where: str) -> None:
    """float32 rule: ``|got - want| <= 2e-6 * |want| + 1e-6 * lr`` everywhere."""
    got = np.asarray(got, dtype=np.float64)
    wanted = np.asarray(want, dtype=np.float64)
    assert got.shape == wanted.shape
    error = np.abs(got - wanted)
    bound = 2e-6 * np.abs(wanted) + 1e-6 * lr
    worst = int(np.argmax(error - bound))
    assert (error <= bound).all(), f"{where}: step {worst} got {got[worst]!r} want {want[worst]!r}"


@OPTAX_SETTINGS
def test_optax_matches_oracle(setting: Setting) -> None:
    """jit(vmap(to_optax(cawb, lr))) over every iteration (and past the run) = oracle.

    Settings with a custom lf pass the schedule object, with an array-friendly lf.
    """
    lr = setting.base_lrs[0]
    want = [lrs[0] for lrs in oracle_trace(setting.for_core, [lr])]
    extra = 2 * setting.batches + 3
    schedule = lrcore_optax.to_optax(setting.core_config_or_schedule(array=True), lr)
    got = jax.jit(jax.vmap(schedule))(jnp.arange(setting.end + extra))
    assert_optax(got, want + [want[-1]] * extra, lr, _id(setting))


LF_NAMES = pytest.mark.parametrize("name", list(ARRAY_CURVES))


def lf_setting(name: str) -> Setting:
    """The example settings, 3 batches per epoch, with a custom curve."""
    return dataclasses.replace(EXAMPLE, lf=name, batches=3)


@LF_NAMES
def test_optax_custom_lf_jit_vmap(name: str) -> None:
    """jit(vmap(to_optax(Cawb(..., lf=f), lr))) with an array-friendly lf = oracle."""
    setting = lf_setting(name)
    lr = setting.base_lrs[0]
    want = [lrs[0] for lrs in oracle_trace(setting, [lr])]
    schedule = lrcore_optax.to_optax(setting.core(array=True), lr)
    got = jax.jit(jax.vmap(schedule))(jnp.arange(setting.end + 4))
    assert_optax(got, want + [want[-1]] * 4, lr, f"lf={name}")


@LF_NAMES
def test_optax_custom_lf_plain_jit(name: str) -> None:
    """jax.jit(to_optax(Cawb(..., lf=f), lr)) itself -- jit hashes the callable -- works."""
    setting = lf_setting(name)
    lr = setting.base_lrs[0]
    want = [lrs[0] for lrs in oracle_trace(setting, [lr])]
    schedule = lrcore_optax.to_optax(setting.core(array=True), lr)
    got = jax.jit(schedule)(jnp.arange(setting.end))
    assert_optax(got, want, lr, f"lf={name}")


@LF_NAMES
def test_optax_custom_lf_in_jitted_sgd(name: str) -> None:
    """optax.sgd(to_optax(Cawb(..., lf=f), lr)) in a jitted update applies lr(count) per step.

    With gradient 1, the update of step k is -lr(k), compared with the oracle.
    """
    setting = lf_setting(name)
    lr = setting.base_lrs[0]
    want = [lrs[0] for lrs in oracle_trace(setting, [lr])]
    optimizer = optax.sgd(lrcore_optax.to_optax(setting.core(array=True), lr))
    params = jnp.zeros(1)
    state = optimizer.init(params)
    update = jax.jit(optimizer.update)
    got = []
    for _ in range(setting.end):
        updates, state = update(jnp.ones(1), state, params)
        got.append(-float(updates[0]))
    assert_optax(got, want, lr, f"lf={name}")


# --------------------------------------------------------------------------- 5. the example


EXAMPLE_CURVES = pytest.mark.parametrize("lf", [None, "source"])


@EXAMPLE_CURVES
def test_example_all_backends(lf: str | None) -> None:
    """epochs=45, steps=[15, 30, 45], step_scale=0.7, warmup_epoch=5, 20 batches: all agree.

    The torch port and to_torch also really train with it (float64 SGD updates).
    """
    setting = dataclasses.replace(EXAMPLE, lf=lf)
    want = torch_oracle_trace(setting)
    calls = events(range(setting.epochs), setting.batches)
    base = setting.base_lrs

    factors = [w[0] / base[0] for w in want]
    schedule = setting.core()
    assert_trace([[schedule(it)] for it in range(setting.end)], [[f] for f in factors], "core")
    array_schedule = setting.core(array=True)
    np.testing.assert_allclose(
        array_schedule(np.arange(setting.end)), factors, rtol=REL, atol=0.0, err_msg="numpy"
    )

    optimizer = make_sgd(base)
    parameters = [group["params"][0] for group in optimizer.param_groups]

    def train() -> None:
        before = [p.detach().item() for p in parameters]
        optimizer.step()
        moved = [b - p.detach().item() for b, p in zip(before, parameters, strict=True)]
        lrs = torch_read(optimizer)()
        for m, lr in zip(moved, lrs, strict=True):
            assert math.isclose(m, lr, rel_tol=1e-9, abs_tol=1e-15), (m, lr)

    port = torch_port(setting, optimizer)
    assert_trace(play(port, torch_read(optimizer), calls, train), want, "torch port")

    optimizer = make_sgd(base)
    scheduler = lrcore_torch.to_torch(setting.core_config_or_schedule(), optimizer)
    got: Trace = []
    for _ in range(setting.end):
        got.append(torch_read(optimizer)())
        optimizer.step()
        scheduler.step()
    assert_trace(got, want, "to_torch")

    lr = base[0]
    group0 = [[w[0]] for w in want]
    paddle_scheduler = paddle_port(setting, lr)
    _, paddle_optimizer = paddle_sgd(paddle_scheduler)
    assert_trace(play(paddle_scheduler, paddle_read(paddle_optimizer), calls), group0, "paddle")
    to_paddle = lrcore_paddle.to_paddle(setting.core_config_or_schedule(), lr)
    _, paddle_optimizer = paddle_sgd(to_paddle)
    got = []
    for _ in range(setting.end):
        got.append([float(paddle_optimizer.get_lr())])
        to_paddle.step()
    assert_trace(got, group0, "to_paddle")

    optax_schedule = lrcore_optax.to_optax(setting.core_config_or_schedule(array=True), lr)
    optax_values = jax.jit(jax.vmap(optax_schedule))(jnp.arange(setting.end))
    assert_optax(optax_values, [w[0] for w in want], lr, "optax")


def cosine(x: float, gap: float, eta_min: float = 0.05) -> float:
    """The source's default curve, written out."""
    return (1 + math.cos(x * math.pi / gap)) / 2 * (1 - eta_min) + eta_min


def test_example_quirks_by_hand() -> None:
    """The kept quirks, against the formula written out for the example settings.

    Epoch 5 (first after warmup) trains with step() at counter 4, i.e. x = -1 in a
    segment whose gap is 15 - 5 + 1 = 11; the second segment's gap is 15 + 1 = 16; the
    last one's is 15 (not widened).  Warmup is base * it / 100 over epochs 0-4.
    """
    setting = EXAMPLE
    schedule = setting.core()
    b = setting.batches

    def epoch(e: int) -> list[float]:
        return [schedule(e * b + k) for k in range(b)]

    for it in range(5 * b):
        assert_close(schedule(it), it / (5 * b), f"warmup it={it}")
    source = SourceCawb(stand_in([1.0]), **setting.source_kwargs())
    at_counter_4 = source.step(external_iter=4)
    assert_close(at_counter_4, cosine(-1, 11), "source step() at counter 4")
    assert epoch(5) == pytest.approx([cosine(-1, 11)] * b, rel=REL)
    # x = -1 mirrors x = 1: below the full factor 1.0 the segment starts with at x = 0.
    assert cosine(-1, 11) < cosine(0, 11) == 1.0
    assert epoch(6) == pytest.approx([cosine(0, 11)] * b, rel=REL)
    # Epoch 16 trains with counter 15: still segment 0, x = 10 of gap 11 (not eta_min).
    assert epoch(16) == pytest.approx([cosine(10, 11)] * b, rel=REL)
    assert cosine(10, 11) > 0.05 + 1e-3
    # Epoch 17: counter 16, segment 1 (scaled 0.7), x = 1 of gap 16.
    assert epoch(17) == pytest.approx([0.7 * cosine(1, 16)] * b, rel=REL)
    # Epoch 31: counter 30, still segment 1: x = 15 of gap 16.
    assert epoch(31) == pytest.approx([0.7 * cosine(15, 16)] * b, rel=REL)
    # Last segment (30..45) is not widened: epoch 44 = counter 43, x = 13 of gap 15.
    assert epoch(32) == pytest.approx([0.49 * cosine(1, 15)] * b, rel=REL)
    assert epoch(44) == pytest.approx([0.49 * cosine(13, 15)] * b, rel=REL)
    # Past the run: held.
    assert schedule(45 * b) == epoch(44)[-1]
    assert schedule(10**6) == epoch(44)[-1]


def test_no_warmup_epoch_zero_trains_at_base_lr() -> None:
    """warmup_epoch=0: epoch 0 trains at the untouched base lr (no step() ran yet)."""
    setting = dataclasses.replace(EXAMPLE, warmup_epoch=0, batches=4)
    schedule = setting.core()
    for it in range(4):
        assert schedule(it) == 1.0
    # Epoch 1 trains with counter 0: x = 0 of gap 16 -> the full factor 1.0 too.
    assert_close(schedule(4), cosine(0, 16), "epoch 1")
    assert_close(schedule(8), cosine(1, 16), "epoch 2")
    optimizer = make_sgd(setting.base_lrs)
    port = torch_port(setting, optimizer)
    trace = play(port, torch_read(optimizer), events(range(1), 4))
    assert trace == [list(setting.base_lrs)] * 4
    paddle_scheduler = paddle_port(setting, 0.5)
    _, paddle_optimizer = paddle_sgd(paddle_scheduler)
    assert play(paddle_scheduler, paddle_read(paddle_optimizer), events(range(1), 4)) == [[0.5]] * 4


def test_epoch_scale_zero_reaches_eta_min_at_restart() -> None:
    """epoch_scale=0, eta_min=0: the epoch after a restart epoch r trains at exactly 0."""
    setting = Setting(epochs=20, batches=2, steps=(10,), eta_min=0.0, epoch_scale=0.0)
    schedule = setting.core()
    # Epoch 11 trains with counter 10 = x 10 of gap 10 in segment 0: cos(pi) -> 0.
    assert schedule(11 * 2) == 0.0
    assert schedule(12 * 2) == pytest.approx(0.8 * cosine(1, 10, 0.0), rel=REL)


# --------------------------------------------------------------------------- 6. validation


def build_core(**kwargs: Any) -> Any:
    params = {"epochs": 10, "steps_per_epoch": 3, "steps": [4, 7], **kwargs}
    return lrcore.Cawb(**params)


def build_torch(**kwargs: Any) -> Any:
    params = {"epochs": 10, "batchs": 3, "steps": [4, 7], **kwargs}
    return lrcore_torch.CosineAnnealingWarmbootingLR(make_sgd([0.1]), **params)


def build_paddle(**kwargs: Any) -> Any:
    params = {"epochs": 10, "batchs": 3, "steps": [4, 7], **kwargs}
    return lrcore_paddle.CosineAnnealingWarmbootingLR(0.1, **params)


BUILDERS = {"core": build_core, "torch": build_torch, "paddle": build_paddle}
ALL_BUILDERS = pytest.mark.parametrize("backend", list(BUILDERS))

BAD_VALUES: list[tuple[dict[str, Any], type[Exception], str]] = [
    ({"epochs": 0}, ValueError, "epochs"),
    ({"epochs": -3}, ValueError, "epochs"),
    ({"epochs": 10.0}, TypeError, "epochs"),
    ({"epochs": True}, TypeError, "epochs"),
    ({"step_scale": 0.0}, ValueError, "step_scale"),
    ({"step_scale": -0.5}, ValueError, "step_scale"),
    ({"step_scale": math.inf}, ValueError, "step_scale"),
    ({"step_scale": "0.8"}, TypeError, "step_scale"),
    ({"eta_min": -0.01}, ValueError, "eta_min"),
    ({"eta_min": math.nan}, ValueError, "eta_min"),
    ({"eta_min": None}, TypeError, "eta_min"),
    ({"epoch_scale": -1.0}, ValueError, "epoch_scale"),
    ({"epoch_scale": math.nan}, ValueError, "epoch_scale"),
    ({"warmup_epoch": -1}, ValueError, "warmup_epoch"),
    ({"warmup_epoch": 1.5}, TypeError, "warmup_epoch"),
    ({"steps": [4, 7.5]}, TypeError, "steps"),
    ({"steps": [4.0]}, TypeError, "steps"),
    ({"steps": ["4"]}, TypeError, "steps"),
    ({"steps": "15"}, TypeError, "steps"),
    ({"steps": 15}, TypeError, "steps"),
    ({"steps": [4, -1]}, ValueError, "steps"),
    ({"lf": 3}, TypeError, "lf"),
    ({"lf": "cos"}, TypeError, "lf"),
]
PORT_BAD_VALUES: list[tuple[dict[str, Any], type[Exception], str]] = [
    ({"batchs": -1}, ValueError, "batchs"),
    ({"batchs": 2.0}, TypeError, "batchs"),
]


@ALL_BUILDERS
@pytest.mark.parametrize(("kwargs", "error", "field"), BAD_VALUES)
def test_rejects_bad_values(
    backend: str, kwargs: dict[str, Any], error: type[Exception], field: str
) -> None:
    """Bad types/values raise ValueError/TypeError naming the field, in all three."""
    with pytest.raises(error, match=field):
        BUILDERS[backend](**kwargs)


@pytest.mark.parametrize("kwargs", [{"steps_per_epoch": 0}, {"steps_per_epoch": -2}])
def test_core_rejects_bad_steps_per_epoch(kwargs: dict[str, Any]) -> None:
    """steps_per_epoch must be >= 1 (ValueError naming it)."""
    with pytest.raises(ValueError, match="steps_per_epoch"):
        build_core(**kwargs)
    with pytest.raises(TypeError, match="steps_per_epoch"):
        build_core(steps_per_epoch=2.5)


@pytest.mark.parametrize("backend", ["torch", "paddle"])
@pytest.mark.parametrize(("kwargs", "error", "field"), PORT_BAD_VALUES)
def test_ports_reject_bad_batchs(
    backend: str, kwargs: dict[str, Any], error: type[Exception], field: str
) -> None:
    """The ports' batchs: an integer >= 0."""
    with pytest.raises(error, match=field):
        BUILDERS[backend](**kwargs)


def test_paddle_rejects_bad_epochs_done() -> None:
    """epochs_done is an integer >= 0."""
    with pytest.raises(ValueError, match="epochs_done"):
        build_paddle(epochs_done=-1)
    with pytest.raises(TypeError, match="epochs_done"):
        build_paddle(epochs_done=1.0)


def test_torch_port_default_epochs_is_rejected() -> None:
    """The source's default epochs=0 is kept in the signature, and rejected at build time."""
    with pytest.raises(ValueError, match="epochs"):
        lrcore_torch.CosineAnnealingWarmbootingLR(make_sgd([0.1]))


EMPTY_SEGMENTS: list[dict[str, Any]] = [
    {"epochs": 5, "warmup_epoch": 5, "steps": []},
    {"epochs": 5, "warmup_epoch": 9, "steps": [2, 7]},
    {"epochs": 1, "warmup_epoch": 1, "steps": []},
]


@ALL_BUILDERS
@pytest.mark.parametrize("kwargs", EMPTY_SEGMENTS, ids=str)
def test_empty_segment_is_a_value_error(backend: str, kwargs: dict[str, Any]) -> None:
    """warmup_epoch >= epochs: the source's first step() divides 0 by 0 -- a ValueError."""
    with pytest.raises(ValueError, match="segment"):
        BUILDERS[backend](**kwargs)


def _random_duplicates(seed: int) -> dict[str, Any]:
    """A random setting with one restart epoch repeated strictly inside (warmup, epochs)."""
    rng = random.Random(1000 + seed)
    epochs = rng.randint(3, 40)
    warmup = rng.randint(0, epochs - 2)
    repeated = rng.randint(warmup + 1, epochs - 1)
    steps = [repeated] * rng.randint(2, 3) + [rng.randint(0, epochs + 3) for _ in range(2)]
    rng.shuffle(steps)
    return {"epochs": epochs, "warmup_epoch": warmup, "steps": steps}


DUPLICATES = [
    {"epochs": 10, "warmup_epoch": 1, "steps": [3, 3]},
    {"epochs": 10, "warmup_epoch": 0, "steps": [7, 2, 7, 12]},
    {"epochs": 45, "warmup_epoch": 5, "steps": [30, 15, 30, 45]},
] + [_random_duplicates(seed) for seed in range(20)]


@pytest.mark.parametrize("kwargs", DUPLICATES, ids=str)
def test_repeated_restart_epochs_run_as_the_source(kwargs: dict[str, Any]) -> None:
    """Issue 7, defect 3: a repeated restart epoch is accepted, as the source runs it (its
    empty segment is never selected; it scales every later segment by one more step_scale);
    the core schedule equals the source re-implementation at every iteration of the run."""
    batches = 3
    optimizer = stand_in([1.0])
    source = SourceCawb(optimizer, batchs=batches, **{**kwargs, "steps": list(kwargs["steps"])})
    calls = events(range(kwargs["epochs"]), batches)
    want = [lrs[0] for lrs in play(source, lambda: [optimizer.param_groups[0]["lr"]], calls)]
    schedule = lrcore.Cawb(steps_per_epoch=batches, **kwargs)
    got = [schedule(it) for it in range(len(want))]
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
    for backend in ("torch", "paddle"):
        BUILDERS[backend](**kwargs)  # the ports accept it too


@ALL_BUILDERS
def test_duplicates_outside_the_run_are_fine(backend: str) -> None:
    """Repeated epochs at/below warmup_epoch or at/past epochs are ignored, as in the source."""
    BUILDERS[backend](epochs=10, warmup_epoch=3, steps=[12, 1, 3, 3, 10, 10, 1, 12])


@ALL_BUILDERS
def test_callers_steps_are_not_mutated(backend: str) -> None:
    """The caller's steps list is neither sorted nor otherwise changed (the source sorts it)."""
    steps = [7, 2, 12, 4, 0, 4 + 5]
    original = list(steps)
    built = BUILDERS[backend](steps=steps)
    assert steps == original
    if backend == "core":
        for k in range(40):
            built(k)
    else:
        for _ in range(12):
            built.step_batch()
            built.step()
    assert steps == original


@pytest.mark.parametrize(
    "target",
    [
        lrcore.Cawb,
        lrcore_torch.CosineAnnealingWarmbootingLR,
        lrcore_paddle.CosineAnnealingWarmbootingLR,
    ],
)
def test_no_shared_mutable_default(target: type) -> None:
    """The steps default is immutable: no mutable default shared between instances."""
    default = inspect.signature(target).parameters["steps"].default
    assert not isinstance(default, (list, dict, set))
    assert list(default) == []


def test_oracle_mutates_callers_list() -> None:
    """Sanity of the oracle itself: it sorts the caller's list in place, as quoted."""
    steps = [30, 15, 45]
    SourceCawb(stand_in([0.1]), epochs=45, steps=steps, warmup_epoch=5, batchs=2)
    assert steps == [15, 30, 45]
