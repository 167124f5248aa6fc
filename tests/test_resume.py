"""Resume at every step (issue 7): a 200-update run checkpointed at update k and resumed in
fresh objects continues bit-identically (lrs and parameters) with the uninterrupted run.

The oracle is the uninterrupted run itself, driven through real optimizers (SGD with
momentum, Adam) on every backend; nothing is compared with lrcore's own formulas.
Per schedule and backend:

1. the uninterrupted run records at every ``k`` the lrs, the parameters after the update
   and the checkpoint's bytes (``torch.save``, ``paddle.save``, ``pickle``);
2. torch and Paddle: a run *preempted at every step* -- before each update its checkpoint is
   saved and loaded into brand-new objects, which do the update -- so every ``k`` in
   ``0..200`` is a resume point, and a checkpoint of a resumed run is as good as the
   original's; then the *whole rest of the run* from the uninterrupted run's checkpoint at a
   dense subset of ``k`` (around every formula or epoch boundary, plus a stride: a torch
   update costs ~0.15 ms, a Paddle one ~0.5 ms, and the rest of the run from every ``k`` is
   20,000 of them);
3. optax: the whole rest of the run from the pickled state at *every* ``k`` (one jitted loop,
   compiled once, called once per ``k``).

Fresh objects are what a new process builds: a model with other initial weights, the
optimizer, the scheduler (the schedules, immutable values, are built once per test). On
Paddle each run has its own name generator (``unique_name.guard``), as a new process has:
Paddle keys an optimizer's accumulators by generated names, so a second model in the same
process would not find its momentum in the checkpoint.

Defect 5 of issue 7 (a custom CAWB ``lf`` broke checkpointing) has its regression tests at
the end, and the ``cawb_lf`` cases and the CAWB ports' ``lf`` runs cover it in every resume.
"""

from __future__ import annotations

import functools
import io
import pickle
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import optax
import paddle
import pytest
import torch
from paddle.base.unique_name import UniqueNameGenerator
from paddle.utils import unique_name

import lrcore
import lrcore_paddle
import lrcore_torch
from lrcore import Schedule
from lrcore.recipes import get_lr_scheduler
from lrcore_optax import to_optax
from lrcore_paddle import to_paddle, to_paddle_groups
from lrcore_torch import from_torch, to_torch

STEPS = 200
BASES = (0.1, 0.003)
BATCHES = 10  # iterations per epoch of the CAWB ports' runs


def quadratic_lf(x: Any, gap: Any) -> Any:
    """A custom CAWB curve (module level, so it pickles by reference); plain operators,
    so it runs on Python ints and on NumPy, torch and JAX arrays alike."""
    return 0.9 * (1.0 - x / (gap + 1.0)) ** 2 + 0.1


# ------------------------------------------------------------------------------ cases


Pairs = list[tuple[float, Schedule]]


@dataclass(frozen=True)
class Case:
    """A schedule per parameter group, rebuilt from scratch by every call of ``pairs``."""

    id: str
    pairs: Callable[[], list[tuple[float, Schedule]]]


def _same(schedule: Callable[[], Schedule]) -> Callable[[], list[tuple[float, Schedule]]]:
    return lambda: [(base, schedule()) for base in BASES]


def _one_cycle_pairs() -> list[tuple[float, Schedule]]:
    """A live torch OneCycleLR over two groups, ported (one schedule per group)."""
    model = torch.nn.Linear(2, 2)
    optimizer = torch.optim.SGD(
        [{"params": [model.weight]}, {"params": [model.bias]}], lr=0.1, momentum=0.9
    )
    native = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=list(BASES), total_steps=150, pct_start=0.25, div_factor=20.0
    )
    return from_torch(native)


CAWB_ARGS: dict[str, Any] = {"epochs": 18, "steps": [6, 12], "warmup_epoch": 2}

CASES = [
    Case("cawb", _same(lambda: lrcore.Cawb(steps_per_epoch=BATCHES, **CAWB_ARGS))),
    Case(
        "cawb_lf",
        _same(lambda: lrcore.Cawb(steps_per_epoch=BATCHES, lf=quadratic_lf, **CAWB_ARGS)),
    ),
    Case("yolox_cos", _same(lambda: get_lr_scheduler("cos", 0.01, 1e-4, total_iters=180))),
    Case(
        "yolox_step",
        _same(lambda: get_lr_scheduler("step", 0.01, 1e-4, total_iters=180, step_num=7)),
    ),
    Case(
        "join_warmup_restarts",
        _same(
            lambda: lrcore.Join(
                schedules=[
                    lrcore.Linear(start=0.01, end=1.0, steps=15),
                    lrcore.CosineRestarts(T_0=20, T_mult=2, min_factor=0.05),
                ],
                boundaries=[15],
            )
        ),
    ),
    Case(
        "product",
        _same(
            lambda: lrcore.Product(
                schedules=[
                    lrcore.Step(step_size=40, gamma=0.5),
                    lrcore.CosineAnnealing(T_max=70, min_factor=0.1),
                ]
            )
        ),
    ),
    Case(
        "per_iteration",
        _same(
            lambda: lrcore.PerIteration(
                schedule=get_lr_scheduler("cos", 0.01, 1e-4, total_iters=18),
                steps_per_epoch=BATCHES,
                staircase=False,
            )
        ),
    ),
    Case("one_cycle_port", _one_cycle_pairs),
]
IDS = [case.id for case in CASES]


def piece_boundaries(pairs: Sequence[tuple[float, Schedule]]) -> set[int]:
    """Where each group's formula changes (where a resume is most likely to go wrong)."""
    return {piece.start for _, schedule in pairs for piece in schedule.pieces}


def resume_points(
    boundaries: set[int], stride: int, around: Sequence[int] = (-1, 0, 1)
) -> list[int]:
    """``b + d`` for every boundary ``b`` and offset ``d`` in ``around``, every ``stride``-th
    k, and the first and last updates."""
    near = {b + d for b in boundaries for d in around}
    points = near | set(range(0, STEPS + 1, stride)) | {0, 1, STEPS - 1, STEPS}
    return sorted(k for k in points if 0 <= k <= STEPS)


# --------------------------------------------------------------------- the generic check


class Run:
    """One training run on one backend: fresh objects, one update at a time."""

    def lrs(self) -> tuple[float, ...]:
        """The lr of every group for the coming update."""
        raise NotImplementedError

    def update(self, k: int) -> None:
        """Update ``k``: the scheduler calls around it and the optimizer step."""
        raise NotImplementedError

    def params(self) -> tuple[Any, ...]:
        """The parameters (NumPy copies, compared with ``array_equal``)."""
        raise NotImplementedError

    def save(self) -> bytes:
        raise NotImplementedError

    def load(self, checkpoint: bytes) -> None:
        raise NotImplementedError


@dataclass
class Reference:
    lrs: list[tuple[float, ...]] = field(default_factory=list)
    params: list[tuple[Any, ...]] = field(default_factory=list)
    checkpoints: list[bytes] = field(default_factory=list)


def uninterrupted(make: Callable[[int], Run]) -> Reference:
    run, reference = make(0), Reference()
    for k in range(STEPS + 1):
        reference.checkpoints.append(run.save())
        if k < STEPS:
            reference.lrs.append(run.lrs())
            run.update(k)
            reference.params.append(run.params())
    return reference


def assert_continues(run: Run, reference: Reference, start: int, stop: int, what: str) -> None:
    for k in range(start, stop):
        assert run.lrs() == reference.lrs[k], f"{what}: lr at update {k}"
        run.update(k)
        for got, want in zip(run.params(), reference.params[k], strict=True):
            assert np.array_equal(got, want), f"{what}: parameters after update {k}"


def check_resume(make: Callable[[int], Run], points: Sequence[int]) -> None:
    reference = uninterrupted(make)
    # The schedule moves, and the parameters see it: a constant run would prove nothing.
    assert len(set(reference.lrs)) >= 5
    run = make(1)
    run.load(reference.checkpoints[0])
    for k in range(STEPS):
        fresh = make(1 + k % 2)
        fresh.load(run.save())
        run = fresh
        assert_continues(run, reference, k, k + 1, f"preempted at every step, at {k}")
    for k in points:
        run = make(3)
        run.load(reference.checkpoints[k])
        assert_continues(run, reference, k, STEPS, f"resumed at {k}")


# ------------------------------------------------------------------------------- torch


def torch_model(seed: int) -> tuple[list[torch.nn.Parameter], torch.optim.SGD]:
    """Two parameter groups (lr 0.1 and 0.003), float64, SGD with momentum."""
    generator = torch.Generator().manual_seed(seed)
    params = [
        torch.nn.Parameter(torch.randn(size, generator=generator, dtype=torch.float64))
        for size in (4, 3)
    ]
    groups = [{"params": [p], "lr": base} for p, base in zip(params, BASES, strict=True)]
    return params, torch.optim.SGD(groups, lr=BASES[0], momentum=0.9, foreach=False)


class TorchRun(Run):
    def __init__(self, seed: int) -> None:
        self.weights, self.optimizer = torch_model(seed)
        self.scheduler: Any = None

    def lrs(self) -> tuple[float, ...]:
        return tuple(group["lr"] for group in self.optimizer.param_groups)

    def _descend(self) -> None:
        # The gradient of sum(sin(p)), written out: autograd would triple the step's cost.
        with torch.no_grad():
            for p in self.weights:
                p.grad = torch.cos(p)
        self.optimizer.step()

    def params(self) -> tuple[Any, ...]:
        return tuple(p.detach().numpy().copy() for p in self.weights)

    def save(self) -> bytes:
        buffer = io.BytesIO()
        torch.save(
            {
                "model": {f"p{i}": p.detach() for i, p in enumerate(self.weights)},
                "optimizer": self.optimizer.state_dict(),
                "scheduler": self.scheduler.state_dict(),
            },
            buffer,
        )
        return buffer.getvalue()

    def load(self, checkpoint: bytes) -> None:
        # weights_only=True: the state dicts must hold only tensors and primitives.
        state = torch.load(io.BytesIO(checkpoint), weights_only=True)
        with torch.no_grad():
            for i, p in enumerate(self.weights):
                p.copy_(state["model"][f"p{i}"])
        self.optimizer.load_state_dict(state["optimizer"])
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a plain resume must not warn of a mismatch
            self.scheduler.load_state_dict(state["scheduler"])


class TorchScheduleRun(TorchRun):
    """``to_torch`` with one schedule per group (the group's lr is its base)."""

    def __init__(self, pairs: Pairs, seed: int) -> None:
        super().__init__(seed)
        for group, (base, _) in zip(self.optimizer.param_groups, pairs, strict=True):
            group["lr"] = base
        self.scheduler = to_torch([schedule for _, schedule in pairs], self.optimizer)

    def update(self, k: int) -> None:
        self._descend()
        self.scheduler.step()


class TorchCawbRun(TorchRun):
    """The torch CAWB port, driven as the source is: step_batch() before every batch,
    step() after every epoch."""

    def __init__(self, lf: Any, seed: int) -> None:
        super().__init__(seed)
        self.scheduler = lrcore_torch.CosineAnnealingWarmbootingLR(
            self.optimizer, batchs=BATCHES, lf=lf, **CAWB_ARGS
        )
        self.batch_started = False

    def lrs(self) -> tuple[float, ...]:
        self._start_batch()
        return super().lrs()

    def _start_batch(self) -> None:
        # step_batch() belongs to the batch: it runs once, before the batch's lr is read.
        if not self.batch_started:
            self.scheduler.step_batch()
            self.batch_started = True

    def update(self, k: int) -> None:
        self._start_batch()
        self._descend()
        self.batch_started = False
        if (k + 1) % BATCHES == 0:
            self.scheduler.step()


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_torch_resume_at_every_step(case: Case) -> None:
    """to_torch: torch.save / torch.load(weights_only=True) of model, optimizer, scheduler."""
    pairs = case.pairs()
    check_resume(
        lambda seed: TorchScheduleRun(pairs, seed),
        resume_points(piece_boundaries(pairs), stride=40),
    )


@pytest.mark.parametrize("lf", [None, quadratic_lf], ids=["cosine", "lf"])
def test_torch_cawb_port_resume_at_every_step(lf: Any) -> None:
    """lrcore_torch.CosineAnnealingWarmbootingLR, with and without a custom lf (defect 5)."""
    # Mid-epoch and either side of step(): around the warmup's end, the restarts, the end.
    boundaries = {e * BATCHES for e in (1, 2, 3, 6, 12, 18)}
    check_resume(lambda seed: TorchCawbRun(lf, seed), resume_points(boundaries, stride=50))


# ------------------------------------------------------------------------------ Paddle


def paddle_parameters(seed: int) -> list[Any]:
    rng = np.random.default_rng(seed)
    return [
        paddle.create_parameter(
            [size],
            "float32",
            default_initializer=paddle.nn.initializer.Assign(
                rng.standard_normal(size).astype("float32")
            ),
        )
        for size in (4, 3)
    ]


class PaddleRun(Run):
    """A Paddle run with its own name generator, as in a fresh process."""

    def __init__(self, seed: int) -> None:
        self.names = UniqueNameGenerator()
        self.scheduler: Any = None
        self.optimizer: Any = None
        with self.fresh_names():
            self.weights = paddle_parameters(seed)
            self.build()

    @contextmanager
    def fresh_names(self) -> Iterator[None]:
        with unique_name.guard(self.names):
            yield

    def build(self) -> None:
        raise NotImplementedError

    def lrs(self) -> tuple[float, ...]:
        return (float(self.optimizer.get_lr()),)

    def _descend(self) -> None:
        with self.fresh_names():
            loss = paddle.add_n([paddle.sin(p).sum() for p in self.weights])
            loss.backward()
            self.optimizer.step()
            self.optimizer.clear_grad()

    def params(self) -> tuple[Any, ...]:
        return tuple(p.numpy().copy() for p in self.weights)

    def save(self) -> bytes:
        buffer = io.BytesIO()
        paddle.save(
            {
                "model": {f"p{i}": p for i, p in enumerate(self.weights)},
                "optimizer": self.optimizer.state_dict(),
                "scheduler": self.scheduler.state_dict(),
            },
            buffer,
        )
        return buffer.getvalue()

    def load(self, checkpoint: bytes) -> None:
        state = paddle.load(io.BytesIO(checkpoint))
        with self.fresh_names(), warnings.catch_warnings():
            warnings.simplefilter("error")  # a plain resume must not warn of a mismatch
            for i, p in enumerate(self.weights):
                p.set_value(state["model"][f"p{i}"])
            self.optimizer.set_state_dict(state["optimizer"])
            self.scheduler.set_state_dict(state["scheduler"])


class PaddleScheduleRun(PaddleRun):
    """``to_paddle``: one schedule, Paddle's one lr for every parameter (group 0's base)."""

    def __init__(self, pairs: Pairs, seed: int) -> None:
        self.pairs = pairs
        super().__init__(seed)

    def build(self) -> None:
        base, schedule = self.pairs[0]
        self.scheduler = to_paddle(schedule, base)
        self.optimizer = paddle.optimizer.Momentum(
            learning_rate=self.scheduler, momentum=0.9, parameters=self.weights
        )

    def update(self, k: int) -> None:
        self._descend()
        self.scheduler.step()


class PaddleGroupsRun(PaddleScheduleRun):
    """``to_paddle_groups``: one (base, schedule) per parameter group."""

    def build(self) -> None:
        self.scheduler, groups = to_paddle_groups(self.pairs, [[p] for p in self.weights])
        self.optimizer = paddle.optimizer.Momentum(
            learning_rate=self.scheduler, momentum=0.9, parameters=groups
        )

    def lrs(self) -> tuple[float, ...]:
        # What each parameter's update uses: the global lr times its multiplier.
        self.scheduler()
        global_lr = float(self.optimizer.get_lr())
        return tuple(global_lr * p.optimize_attr["learning_rate"] for p in self.weights)


class PaddleCawbRun(PaddleRun):
    """The Paddle CAWB port: step_batch() before every batch, step() after every epoch."""

    def __init__(self, lf: Any, seed: int) -> None:
        self.lf = lf
        self.batch_started = False
        super().__init__(seed)

    def build(self) -> None:
        self.scheduler = lrcore_paddle.CosineAnnealingWarmbootingLR(
            learning_rate=BASES[0], batchs=BATCHES, lf=self.lf, **CAWB_ARGS
        )
        self.optimizer = paddle.optimizer.Momentum(
            learning_rate=self.scheduler, momentum=0.9, parameters=self.weights
        )

    def lrs(self) -> tuple[float, ...]:
        self._start_batch()
        return super().lrs()

    def _start_batch(self) -> None:
        if not self.batch_started:
            self.scheduler.step_batch()
            self.batch_started = True

    def update(self, k: int) -> None:
        self._start_batch()
        self._descend()
        self.batch_started = False
        if (k + 1) % BATCHES == 0:
            self.scheduler.step()


# Paddle's steps cost ~3x torch's: the groups adapter runs on the cases whose groups differ.
PADDLE_GROUP_CASES = [
    case for case in CASES if case.id in ("one_cycle_port", "join_warmup_restarts", "cawb_lf")
]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_paddle_resume_at_every_step(case: Case) -> None:
    """to_paddle: paddle.save / paddle.load of parameters, optimizer and scheduler."""
    pairs = case.pairs()
    check_resume(
        lambda seed: PaddleScheduleRun(pairs, seed),
        resume_points(piece_boundaries(pairs[:1]), stride=100, around=(0,)),
    )


@pytest.mark.parametrize("case", PADDLE_GROUP_CASES, ids=[c.id for c in PADDLE_GROUP_CASES])
def test_paddle_groups_resume_at_every_step(case: Case) -> None:
    """to_paddle_groups: each group's lr lives in its parameters' multipliers."""
    pairs = case.pairs()
    check_resume(
        lambda seed: PaddleGroupsRun(pairs, seed),
        resume_points(piece_boundaries(pairs), stride=100, around=(0,)),
    )


@pytest.mark.parametrize("lf", [None, quadratic_lf], ids=["cosine", "lf"])
def test_paddle_cawb_port_resume_at_every_step(lf: Any) -> None:
    """lrcore_paddle.CosineAnnealingWarmbootingLR, with and without a custom lf (defect 5)."""
    boundaries = {e * BATCHES for e in (2, 6, 12, 18)}
    check_resume(
        lambda seed: PaddleCawbRun(lf, seed), resume_points(boundaries, stride=100, around=(-1, 0))
    )


# ------------------------------------------------------------------------------- optax


def optax_loss(params: dict[str, Any]) -> Any:
    return sum(jnp.sum(jnp.sin(p)) for p in jax.tree.leaves(params))


OPTAX_OPTIMIZERS: dict[str, Callable[[Any], optax.GradientTransformation]] = {
    "sgd_momentum_injected": lambda lr: optax.inject_hyperparams(optax.sgd)(
        learning_rate=lr, momentum=0.9
    ),
    "adam": lambda lr: optax.adam(lr),
}


class OptaxRunner:
    """An optimizer and its jitted loop ``run(params, state, start, stop)``.

    The loop does updates ``start .. stop - 1`` (dynamic bounds: one compilation serves every
    resume point) and records the parameters and the whole optimizer state -- the counts,
    the injected lr, the moments -- after every update.  An optax optimizer is a pair of
    pure functions: everything a run carries is in ``(params, opt_state)``, so the resumes
    share the runner and start from unpickled states.
    """

    def __init__(self, case: Case, optimizer: str) -> None:
        base, schedule = case.pairs()[0]
        self.optimizer = OPTAX_OPTIMIZERS[optimizer](to_optax(schedule, base))

        def body(i: Any, carry: Any) -> Any:
            params, state, record = carry
            grads = jax.grad(optax_loss)(params)
            updates, state = self.optimizer.update(grads, state, params)
            params = optax.apply_updates(params, updates)
            record = jax.tree.map(lambda r, x: r.at[i].set(x), record, (params, state))
            return params, state, record

        def run(params: Any, state: Any, start: Any, stop: Any) -> Any:
            record = jax.tree.map(
                lambda x: jnp.zeros((STEPS, *jnp.shape(x)), jnp.asarray(x).dtype), (params, state)
            )
            return jax.lax.fori_loop(start, stop, body, (params, state, record))

        self.run = jax.jit(run)

    def initial(self, seed: int) -> tuple[Any, Any]:
        rng = np.random.default_rng(seed)
        params = {
            f"p{i}": jnp.asarray(rng.standard_normal(size), jnp.float32)
            for i, size in enumerate((4, 3))
        }
        # Jitted: optax's inject_hyperparams evaluates the schedule in init, and eagerly
        # each of the evaluator's array ops would be compiled on its own.
        return params, jax.jit(self.optimizer.init)(params)


def _leaves(tree: Any) -> list[np.ndarray]:
    return [np.asarray(leaf) for leaf in jax.tree.leaves(tree)]


def _assert_records_equal(
    got: Any, want: list[np.ndarray], start: int, stop: int, what: str
) -> None:
    for index, (g, w) in enumerate(zip(_leaves(got), want, strict=True)):
        same = np.array_equal(g[start:stop], w[start:stop])
        assert same, f"{what}: leaf {index} (parameters, then optimizer state) differs"


# Adam on the cases whose shapes differ most (compiling a loop costs more than running it).
OPTAX_RUNS = [(case, "sgd_momentum_injected") for case in CASES] + [
    (case, "adam")
    for case in CASES
    if case.id in ("cawb_lf", "join_warmup_restarts", "one_cycle_port")
]


@pytest.mark.parametrize(
    ("case", "optimizer"), OPTAX_RUNS, ids=[f"{case.id}-{opt}" for case, opt in OPTAX_RUNS]
)
def test_optax_resume_at_every_step(case: Case, optimizer: str) -> None:
    """to_optax: the pickled opt_state (with the parameters) resumed under jit at EVERY k,
    for the whole rest of the run: parameters and optimizer state (counts, lr) bit-identical."""
    runner = OptaxRunner(case, optimizer)
    params, state = runner.initial(0)
    checkpoints: list[bytes] = []
    records: list[list[np.ndarray]] = []
    for k in range(STEPS + 1):
        checkpoints.append(pickle.dumps({"params": params, "opt_state": state}))
        if k < STEPS:
            params, state, record = runner.run(params, state, k, k + 1)
            records.append([leaf[k] for leaf in _leaves(record)])
    want = [np.stack(column) for column in zip(*records, strict=True)]
    lr_leaves = [w for w in want if w.dtype == np.float32 and w.ndim == 1]
    assert any(len(np.unique(w)) >= 5 for w in lr_leaves) or optimizer == "adam"

    for k in range(STEPS + 1):
        restored = pickle.loads(checkpoints[k])
        *_, record = runner.run(restored["params"], restored["opt_state"], k, STEPS)
        _assert_records_equal(record, want, k, STEPS, f"resumed at {k}")


# ------------------------------------------------- defect 5: checkpoints with a custom lf


def linear_lf(x: Any, gap: Any) -> Any:
    """Another custom CAWB curve: a checkpoint saved with it is not one of quadratic_lf's."""
    return 1.0 - 0.5 * x / (gap + 1.0)


def cawb(lf: Any) -> lrcore.Cawb:
    return lrcore.Cawb(steps_per_epoch=4, lf=lf, epochs=6, steps=[3], warmup_epoch=1)


def torch_checkpoint(state: dict[str, Any]) -> dict[str, Any]:
    buffer = io.BytesIO()
    torch.save(state, buffer)
    loaded: dict[str, Any] = torch.load(io.BytesIO(buffer.getvalue()), weights_only=True)
    return loaded


def paddle_checkpoint(state: dict[str, Any]) -> dict[str, Any]:
    buffer = io.BytesIO()
    paddle.save(state, buffer)
    loaded: dict[str, Any] = paddle.load(io.BytesIO(buffer.getvalue()))
    return loaded


def torch_lrs(scheduler: Any, optimizer: Any, updates: int) -> list[list[float]]:
    """The groups' lrs at the next ``updates`` updates (stepping the scheduler after each)."""
    lrs = []
    for _ in range(updates):
        lrs.append([group["lr"] for group in optimizer.param_groups])
        optimizer.step()
        scheduler.step()
    return lrs


def test_described_lf_names_the_callable_without_an_address() -> None:
    """Defect 5 (issue 7): the checkpoint's description of a schedule holding ``lf`` is its
    config with ``lf`` named by module and qualified name -- the same in every process (no
    memory address); a value without a name (a partial) is its repr without addresses."""
    _, optimizer = torch_model(0)
    scheduler = to_torch(lrcore.Join(schedules=[cawb(quadratic_lf)], boundaries=[]), optimizer)
    described = scheduler.state_dict()["schedules"][0]
    inner = described["schedules"][0]
    assert inner["lf"] == f"<callable {__name__}.quadratic_lf>"
    assert {key: inner[key] for key in ("name", "epochs", "steps", "warmup_epoch")} == {
        "name": "cawb",
        "epochs": 6,
        "steps": [3],
        "warmup_epoch": 1,
    }
    partial = functools.partial(linear_lf)
    paddle_scheduler = to_paddle(cawb(partial), 0.1)
    text = paddle_scheduler.state_dict()["schedule"]["lf"]
    assert "linear_lf" in text and "0x" not in text
    # It describes; it does not rebuild: the string is refused where a callable belongs.
    with pytest.raises(TypeError, match="lf"):
        lrcore.from_config(inner)


def test_torch_checkpoint_with_custom_lf() -> None:
    """Defect 5 (issue 7): ``to_torch(Cawb(..., lf=f), opt).state_dict()`` raised TypeError
    ("has no JSON config"). It saves through torch.save/torch.load(weights_only=True), a
    matching scheduler loads it silently and continues as the uninterrupted run, and one
    built with another lf warns and keeps its own schedule (its lrs are its uninterrupted
    run's)."""
    _, reference_optimizer = torch_model(0)
    reference = torch_lrs(
        to_torch(cawb(quadratic_lf), reference_optimizer), reference_optimizer, 24
    )
    _, other_optimizer = torch_model(0)
    other = torch_lrs(to_torch(cawb(linear_lf), other_optimizer), other_optimizer, 24)
    assert reference[9:] != other[9:]

    _, optimizer = torch_model(0)
    scheduler = to_torch(cawb(quadratic_lf), optimizer)
    torch_lrs(scheduler, optimizer, 9)
    state = torch_checkpoint(
        {"optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict()}
    )

    _, fresh_optimizer = torch_model(1)
    fresh = to_torch(cawb(quadratic_lf), fresh_optimizer)
    fresh_optimizer.load_state_dict(state["optimizer"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fresh.load_state_dict(state["scheduler"])
    assert torch_lrs(fresh, fresh_optimizer, 15) == reference[9:]

    _, mismatch_optimizer = torch_model(1)
    live = cawb(linear_lf)
    mismatch = to_torch(live, mismatch_optimizer)
    with pytest.warns(UserWarning, match="quadratic_lf"):
        mismatch.load_state_dict(state["scheduler"])
    assert mismatch.schedules[0] is live and mismatch.schedules[0].lf is linear_lf
    assert mismatch.last_epoch == 9
    mismatch.step()  # the lr set by this step is the live schedule's, not the checkpoint's
    assert [group["lr"] for group in mismatch_optimizer.param_groups] == other[10]


def test_paddle_checkpoint_with_custom_lf() -> None:
    """Defect 5 (issue 7): the Paddle scheduler's and optimizer's ``state_dict()`` with a
    custom-lf CAWB raised TypeError. Both save through paddle.save/load; the optimizer's
    restores the scheduler silently and exactly; another lf warns and keeps its schedule."""

    def run(lf: Any, updates: int) -> list[float]:
        scheduler = to_paddle(cawb(lf), 0.1)
        values = []
        for _ in range(updates):
            values.append(scheduler())
            scheduler.step()
        return values

    reference, other = run(quadratic_lf, 24), run(linear_lf, 24)
    assert reference[9:] != other[9:]
    with unique_name.guard():
        weights = paddle_parameters(0)
        scheduler = to_paddle(cawb(quadratic_lf), 0.1)
        optimizer = paddle.optimizer.Momentum(learning_rate=scheduler, parameters=weights)
        for _ in range(9):
            scheduler.step()
        saved = paddle_checkpoint(
            {"optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict()}
        )
    assert saved["scheduler"]["schedule"]["lf"] == f"<callable {__name__}.quadratic_lf>"
    assert saved["optimizer"]["LR_Scheduler"] == saved["scheduler"]

    with unique_name.guard():
        fresh = to_paddle(cawb(quadratic_lf), 0.1)
        fresh_optimizer = paddle.optimizer.Momentum(
            learning_rate=fresh, parameters=paddle_parameters(1)
        )
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fresh_optimizer.set_state_dict(saved["optimizer"])
    assert fresh.last_epoch == 9
    assert [fresh_optimizer.get_lr(), *run_on(fresh, 14)] == reference[9:]

    live = cawb(linear_lf)
    mismatch = to_paddle(live, 0.1)
    with pytest.warns(UserWarning, match="quadratic_lf"):
        mismatch.set_state_dict(saved["scheduler"])
    assert mismatch.schedule is live
    assert run_on(mismatch, 14) == other[10:]


def run_on(scheduler: Any, updates: int) -> list[float]:
    """Step, then read the lr, ``updates`` times."""
    values = []
    for _ in range(updates):
        scheduler.step()
        values.append(scheduler())
    return values


def test_nested_custom_lf_pickles() -> None:
    """Defect 5 (issue 7): a schedule nesting a CAWB with a module-level lf pickles (by its
    fields, lf by reference) and the copy gives the original's factors at every step.
    (This already worked before the fix; kept as a guard.)"""
    nested = lrcore.Product(
        schedules=[
            lrcore.Join(
                schedules=[lrcore.Constant(factor=0.5), cawb(quadratic_lf)], boundaries=[3]
            ),
            lrcore.PerIteration(schedule=cawb(linear_lf), steps_per_epoch=2),
        ]
    )
    copied = pickle.loads(pickle.dumps(nested))
    assert copied == nested and hash(copied) == hash(nested)
    assert copied.schedules[0].schedules[1].lf is quadratic_lf
    steps = np.arange(120)
    assert [copied(int(k)) for k in steps] == [nested(int(k)) for k in steps]
    assert np.array_equal(copied(steps), nested(steps))
