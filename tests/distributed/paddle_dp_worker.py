"""Paddle ``DataParallel`` runs (gloo, CPU) driven by lrcore, launched with ``spawn``.

Usage: ``python paddle_dp_worker.py SPEC_JSON OUT_DIR``.  ``spawn`` finds free ports on
127.0.0.1 itself (the first rank's endpoint hosts the gloo process group's TCP store).

This process only launches: ``paddle.distributed.spawn(train, nprocs=2, backend="gloo")``
starts the two ranks (CPU only: the gloo backend sets ``PADDLE_DISTRI_BACKEND=gloo`` for
them, and ``init_parallel_env`` then builds a gloo process group on ``CPUPlace``).  A rank
that raises makes ``spawn`` raise here with that rank's traceback; a rank that hangs is
killed after ``TIMEOUT`` seconds.

Every rank trains two float64 models, each wrapped in ``paddle.DataParallel``, with plain
SGD and one Linear layer plus one *probe* scalar per parameter group, on a batch of its own:

- ``single``: one group, ``learning_rate=lrcore_paddle.to_paddle(schedules[0], bases[0])``;
  records ``optimizer.get_lr()``;
- ``groups``: one group per schedule through ``lrcore_paddle.to_paddle_groups``; records
  ``scheduler.group_lrs()``.

The probe is set to 0 before each update and enters the loss as ``probe * 1`` (gradient 1
on every rank, also after DataParallel's average), so ``-probe`` after ``optimizer.step()``
is the lr Paddle applied to that group, exact in float64.

The spawn run covers the resume too (a second spawn would double the slow start-up):
before update ``resume_at`` rank 0 saves the models', optimizers' and schedulers' state
dicts with ``paddle.save``; after the uninterrupted run every rank builds new, differently
initialised models, optimizers and lrcore schedulers, loads the checkpoint with
``paddle.load``, wraps them in new ``DataParallel`` objects and runs updates
``resume_at .. steps-1``.  Each rank writes ``paddle_rank<r>.json``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

TIMEOUT = 120.0


def _net(groups: int, seed: int) -> Any:
    import paddle

    class Net(paddle.nn.Layer):
        def __init__(self) -> None:
            super().__init__()
            self.layers = paddle.nn.LayerList([paddle.nn.Linear(4, 1) for _ in range(groups)])
            zero = paddle.nn.initializer.Constant(0.0)
            self.probes = paddle.nn.ParameterList(
                [self.create_parameter([1], default_initializer=zero) for _ in range(groups)]
            )

        def forward(self, x: paddle.Tensor) -> paddle.Tensor:
            loss = paddle.add_n([layer(x).pow(2).mean() for layer in self.layers])
            return loss + paddle.add_n([probe.sum() for probe in self.probes])

    paddle.seed(seed)
    return Net()


class _Run:
    """One model + optimizer + lrcore scheduler of a kind (``single`` or ``groups``)."""

    def __init__(self, kind: str, spec: dict[str, Any], seed: int) -> None:
        import paddle

        from lrcore_paddle import to_paddle, to_paddle_groups

        self.kind = kind
        schedules, bases = spec["schedules"], spec["bases"]
        if kind == "single":
            self.net = _net(1, seed)
            self.scheduler: Any = to_paddle(schedules[0], bases[0])
            parameters: Any = self.net.parameters()
        else:
            self.net = _net(len(bases), seed)
            per_group = [
                [*layer.parameters(), probe]
                for layer, probe in zip(self.net.layers, self.net.probes, strict=True)
            ]
            self.scheduler, parameters = to_paddle_groups(
                list(zip(bases, schedules, strict=True)), per_group
            )
        self.optimizer = paddle.optimizer.SGD(learning_rate=self.scheduler, parameters=parameters)
        self.model: Any = None
        groups = len(self.net.probes)
        self.lrs: list[list[float]] = [[] for _ in range(groups)]
        self.applied: list[list[float]] = [[] for _ in range(groups)]

    def scheduled_lrs(self) -> list[float]:
        if self.kind == "single":
            return [float(self.optimizer.get_lr())]
        return [float(lr) for lr in self.scheduler.group_lrs()]

    def save(self, prefix: Path) -> None:
        import paddle

        paddle.save(self.net.state_dict(), f"{prefix}.pdparams")
        paddle.save(self.optimizer.state_dict(), f"{prefix}.pdopt")
        paddle.save(self.scheduler.state_dict(), f"{prefix}.pdsched")

    def load(self, prefix: Path) -> None:
        import paddle

        self.net.set_state_dict(paddle.load(f"{prefix}.pdparams"))
        self.optimizer.set_state_dict(paddle.load(f"{prefix}.pdopt"))
        self.scheduler.set_state_dict(paddle.load(f"{prefix}.pdsched"))

    def update(self, x: Any) -> None:
        import numpy as np

        for probe in self.net.probes:
            probe.set_value(np.zeros([1], dtype="float64"))
        self.lrs_append(self.scheduled_lrs())
        loss = self.model(x)
        loss.backward()
        self.optimizer.step()
        self.optimizer.clear_grad()
        for g, probe in enumerate(self.net.probes):
            self.applied[g].append(-float(probe.numpy()[0]))
        self.scheduler.step()

    def lrs_append(self, values: list[float]) -> None:
        for g, value in enumerate(values):
            self.lrs[g].append(value)

    def record(self) -> dict[str, Any]:
        params = [
            value
            for name, p in self.net.named_parameters()
            if "probes" not in name
            for value in p.numpy().flatten().tolist()
        ]
        return {"lrs": self.lrs, "applied": self.applied, "params": params}


def _batch(rank: int, k: int) -> Any:
    import numpy as np
    import paddle

    # Each rank its own batch, the same on resume (seeded by rank and step).
    return paddle.to_tensor(np.random.default_rng(1000 * rank + k).standard_normal((8, 4)))


def train(spec_path: str, out_dir: str) -> None:
    import paddle
    import paddle.distributed as dist

    paddle.set_device("cpu")
    paddle.set_default_dtype("float64")
    dist.init_parallel_env()
    rank, world_size = dist.get_rank(), dist.get_world_size()
    spec = json.loads(Path(spec_path).read_text())
    steps, resume_at = spec["steps"], spec["resume_at"]
    checkpoint = Path(out_dir) / "paddle_checkpoint"

    record: dict[str, Any] = {"rank": rank, "world_size": world_size}
    runs = {kind: _Run(kind, spec, seed=0) for kind in ("single", "groups")}
    for run in runs.values():
        run.model = paddle.DataParallel(run.net)
    for k in range(steps):
        if k == resume_at:
            if rank == 0:
                for kind, run in runs.items():
                    run.save(Path(f"{checkpoint}_{kind}"))
            dist.barrier()
        x = _batch(rank, k)
        for run in runs.values():
            run.update(x)
    for kind, run in runs.items():
        record[kind] = run.record()

    # A different initialisation: only the checkpoint can make the resumed run match.
    resumed = {kind: _Run(kind, spec, seed=12345) for kind in ("single", "groups")}
    for kind, run in resumed.items():
        run.load(Path(f"{checkpoint}_{kind}"))
        run.model = paddle.DataParallel(run.net)
    for k in range(resume_at, steps):
        x = _batch(rank, k)
        for run in resumed.values():
            run.update(x)
    for kind, run in resumed.items():
        record[f"{kind}_resumed"] = run.record()
    (Path(out_dir) / f"paddle_rank{rank}.json").write_text(json.dumps(record))
    dist.barrier()


def main(spec_path: str, out_dir: str) -> None:
    import paddle.distributed as dist

    context = dist.spawn(train, args=(spec_path, out_dir), nprocs=2, backend="gloo", join=False)
    deadline = time.monotonic() + TIMEOUT
    while not context.join(timeout=max(0.0, deadline - time.monotonic())):
        if time.monotonic() >= deadline:
            for process in context.processes:
                process.kill()
            sys.exit(f"paddle_dp_worker: the ranks did not finish within {TIMEOUT} s")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(f"usage: {sys.argv[0]} SPEC_JSON OUT_DIR")
    main(sys.argv[1], sys.argv[2])
