"""lrcore schedules in distributed training: every rank / device applies the same lr (issue 7).

Three real multi-process / multi-device runs on CPU, launched once for the module and
concurrently (a 2-core machine spends most of their time importing frameworks):

- torch ``DistributedDataParallel``, gloo backend, 2 processes (one per rank, started here
  with ``RANK`` / ``WORLD_SIZE`` / ``MASTER_ADDR`` / ``MASTER_PORT``), SGD with two
  parameter groups and ``lrcore_torch.to_torch([warmup-cosine, step], optimizer)``; then a
  second pair of fresh processes (a new process group) resumes from the state dicts rank 0
  saved before update ``RESUME_AT``;
- Paddle ``DataParallel``, ``paddle.distributed.spawn(..., nprocs=2, backend="gloo")``,
  with ``lrcore_paddle.to_paddle`` and ``lrcore_paddle.to_paddle_groups``, and a resume
  from ``paddle.save``-d state dicts (new models, optimizers, schedulers and
  ``DataParallel`` wrappers in the same spawned ranks);
- JAX on 8 host devices: a ``jax.jit`` train step over ``NamedSharding``-sharded params
  and batch with ``optax.sgd(lrcore_optax.to_optax(...))``, and a ``jax.shard_map`` step
  where each device computes the lr from the replicated step count; a resume from the
  pickled ``opt_state``.

The lr each rank / device *applied* is measured from the update of a probe parameter (see
the workers' docstrings), not only read back from the scheduler.  The oracle is the core
evaluated here, in the pytest process: ``base * lrcore.from_config(config)(k)`` -- rel
1e-12 for torch and Paddle (float64), ``|d| <= 2e-6 |want| + 1e-6 base`` for JAX (float32).
Ranks and devices must agree exactly, and a resumed run must equal the uninterrupted one
exactly (lrs and final parameters).
"""

from __future__ import annotations

import json
import math
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import lrcore

HERE = Path(__file__).resolve().parent
STEPS = 30
RESUME_AT = 15
BASES = (0.1, 0.03)
SCHEDULES: tuple[dict[str, Any], ...] = (
    {
        "name": "warmup",
        "warmup_steps": 5,
        "start_factor": 0.1,
        # T_max < STEPS - warmup: the run also covers the cosine past its end.
        "schedule": {"name": "cosine_annealing", "T_max": 20, "min_factor": 0.05},
    },
    {"name": "step", "step_size": 7, "gamma": 0.5},
)
RANKS = 2
DEVICES = 8
# A whole launch (interpreter and framework start-up included) on a busy 2-core machine.
TIMEOUT = 180.0


def _core_lrs(base: float, config: dict[str, Any]) -> list[float]:
    schedule = lrcore.from_config(config)
    return [base * schedule(k) for k in range(STEPS)]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class _Launch:
    """A worker process with its output in files (a pipe could fill up and block it)."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path

    @classmethod
    def start(cls, name: str, args: Sequence[str], env: dict[str, str], out: Path) -> _Launch:
        log = out / f"{name}.log"
        with log.open("wb") as sink:
            # A session of its own: on a timeout the whole group (spawned ranks too) is killed.
            process = subprocess.Popen(
                [sys.executable, *args],
                stdout=sink,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=out,
                start_new_session=True,
            )
        return cls(name, process, log)

    def poll(self) -> int | None:
        return self.process.poll()

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def failure(self, what: str) -> str:
        lines = self.log.read_text(errors="replace").splitlines()
        tail = "\n".join(lines[-60:])
        return f"{self.name} {what}; last lines of its output ({self.log}):\n{tail}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def _wait(group: Sequence[_Launch], deadline: float) -> list[str]:
    """Wait for every process of a group; why those that failed did.

    When one rank fails the others would block in a collective until gloo's timeout, so
    they are killed at once (the first failure is the one that explains it).
    """
    failures: list[str] = []
    pending = list(group)
    while pending:
        for launch in list(pending):
            code = launch.poll()
            if code is None:
                continue
            pending.remove(launch)
            if code != 0:
                failures.append(launch.failure(f"exited with code {code}"))
        if failures or time.monotonic() > deadline:
            what = (
                "was killed after another process of its run failed"
                if failures
                else (f"did not finish within {TIMEOUT:.0f} s (killed)")
            )
            for launch in pending:
                launch.kill()
                failures.append(launch.failure(what))
            break
        time.sleep(0.05)
    return failures


def _env(**extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        # Never inherit a launcher's or the suite's distributed / XLA settings.
        if not key.startswith(
            ("PADDLE_", "XLA_FLAGS", "JAX_", "MASTER_", "RANK", "WORLD_SIZE", "LOCAL_RANK")
        )
    }
    # Two cores shared by up to five processes: intra-op threads would only contend.
    env["OMP_NUM_THREADS"] = "1"
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


def _torch_ranks(phase: str, spec: Path, out: Path, attempt: int) -> list[_Launch]:
    port = str(_free_port())
    extra = {"MASTER_ADDR": "127.0.0.1", "MASTER_PORT": port, "WORLD_SIZE": str(RANKS)}
    if Path("/sys/class/net/lo").exists() and "GLOO_SOCKET_IFNAME" not in os.environ:
        # gloo otherwise binds the interface the host name resolves to, which a sandbox
        # may not route; the ranks are all on this machine.
        extra["GLOO_SOCKET_IFNAME"] = "lo"
    script = str(HERE / "torch_ddp_worker.py")
    return [
        _Launch.start(
            f"torch_{phase}_rank{rank}" + (f"_retry{attempt}" if attempt else ""),
            [script, str(spec), str(out), phase],
            _env(RANK=str(rank), **extra),
            out,
        )
        for rank in range(RANKS)
    ]


class Runs:
    """What the workers wrote, or why they failed (reported by the tests that need them)."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.failures: dict[str, list[str]] = {"torch": [], "paddle": [], "jax": []}

    def json(self, framework: str, name: str) -> Any:
        if self.failures[framework]:
            pytest.fail("\n\n".join(self.failures[framework]), pytrace=False)
        path = self.out / name
        if not path.exists():
            pytest.fail(f"{framework}: the worker succeeded but wrote no {path}", pytrace=False)
        return json.loads(path.read_text())


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runs]:
    out = tmp_path_factory.mktemp("distributed")
    spec = out / "spec.json"
    spec.write_text(
        json.dumps({"schedules": SCHEDULES, "bases": BASES, "steps": STEPS, "resume_at": RESUME_AT})
    )
    result = Runs(out)
    deadline = time.monotonic() + TIMEOUT
    # The slowest first: Paddle's spawn imports Paddle three times.
    paddle = _Launch.start(
        "paddle_spawn", [str(HERE / "paddle_dp_worker.py"), str(spec), str(out)], _env(), out
    )
    jax = _Launch.start(
        "jax_8_devices",
        [str(HERE / "jax_mesh_worker.py"), str(spec), str(out / "jax.json")],
        _env(
            XLA_FLAGS=f"--xla_force_host_platform_device_count={DEVICES}",
            # 8 *host* devices: on a machine with an accelerator JAX would default to it.
            JAX_PLATFORMS="cpu",
        ),
        out,
    )
    launches = [paddle, jax]
    try:
        for phase in ("full", "resume"):
            for attempt in range(2):
                ranks = _torch_ranks(phase, spec, out, attempt)
                launches += ranks
                failures = _wait(ranks, deadline)
                # The free port can be taken between probing it and rank 0 binding it.
                clash = any("address already in use" in r.output().lower() for r in ranks)
                if not (failures and clash):
                    break
            result.failures["torch"] += failures
            if failures:
                break
        result.failures["jax"] += _wait([jax], deadline)
        result.failures["paddle"] += _wait([paddle], deadline)
        yield result
    finally:
        for launch in launches:
            launch.kill()


# --------------------------------------------------------------------------- checks


def _close64(got: float, want: float, base: float) -> bool:
    return abs(got - want) <= 1e-12 * abs(want) + 1e-15 * base


def _close32(got: float, want: float, base: float) -> bool:
    return abs(got - want) <= 2e-6 * abs(want) + 1e-6 * base


def _assert_lrs(what: str, got: Sequence[float], base: float, config: dict[str, Any]) -> None:
    """``got[k]`` (float64) is ``base * schedule(k)`` of the core for every update."""
    want = _core_lrs(base, config)
    assert len(got) == STEPS, f"{what}: {len(got)} updates recorded, expected {STEPS}"
    for k, (value, expected) in enumerate(zip(got, want, strict=True)):
        assert _close64(value, expected, base), (
            f"{what}: update {k} applied lr {value!r}, the core gives {expected!r} "
            f"(base {base} * {config['name']}({k}); diff {value - expected:.3e})"
        )


def _assert_equal_ranks(what: str, records: Sequence[Any], key: str) -> None:
    """Every rank recorded exactly what rank 0 did."""
    reference = records[0][key]
    for rank, record in enumerate(records[1:], start=1):
        if record[key] != reference:
            raise AssertionError(
                f"{what}: rank {rank} differs from rank 0 in {key!r}: "
                + _diff(record[key], reference)
            )


def _diff(got: Any, want: Any, where: str = "") -> str:
    """The first place two nested lists of floats differ, for a readable failure."""
    if isinstance(got, list) and isinstance(want, list):
        if len(got) != len(want):
            return f"{where or 'value'} has length {len(got)}, expected {len(want)}"
        for index, (a, b) in enumerate(zip(got, want, strict=True)):
            if a != b:
                return _diff(a, b, f"{where}[{index}]")
        return "equal"
    return f"{where}: {got!r} != {want!r}"


def _assert_resumed(what: str, full: dict[str, Any], resumed: dict[str, Any]) -> None:
    """The resumed run applied the uninterrupted run's lrs and ended with its parameters."""
    for key in ("lrs", "applied"):
        tail = [values[RESUME_AT:] for values in full[key]]
        assert resumed[key] == tail, (
            f"{what}: after resuming at update {RESUME_AT}, {key!r} differ from the "
            "uninterrupted run: " + _diff(resumed[key], tail)
        )
    assert resumed["params"] == full["params"], (
        f"{what}: the resumed run ends with other parameters than the uninterrupted one: "
        + _diff(resumed["params"], full["params"])
    )


# --------------------------------------------------------------------------- torch


def _torch(runs: Runs, phase: str) -> list[dict[str, Any]]:
    records = [runs.json("torch", f"torch_{phase}_rank{rank}.json") for rank in range(RANKS)]
    assert [(r["rank"], r["world_size"]) for r in records] == [(r, RANKS) for r in range(RANKS)]
    return records


def test_torch_ddp_every_rank_applies_the_core_lr(runs: Runs) -> None:
    """DDP, gloo, 2 ranks, two groups: the same lr on every rank, ``base * core(k)``."""
    records = _torch(runs, "full")
    _assert_equal_ranks("torch DDP", records, "lrs")
    _assert_equal_ranks("torch DDP", records, "applied")
    assert records[0]["applied"] == records[0]["lrs"], (
        "torch DDP: the lr SGD applied is not the one in param_groups: "
        + _diff(records[0]["applied"], records[0]["lrs"])
    )
    for rank, record in enumerate(records):
        for g, (base, config) in enumerate(zip(BASES, SCHEDULES, strict=True)):
            what = f"torch DDP rank {rank} group {g}"
            _assert_lrs(f"{what} (param_groups lr)", record["lrs"][g], base, config)
            _assert_lrs(f"{what} (applied)", record["applied"][g], base, config)


def test_torch_ddp_ranks_end_with_equal_params(runs: Runs) -> None:
    """Each rank trains on its own batch: equal parameters prove the gradients were averaged."""
    records = _torch(runs, "full")
    _assert_equal_ranks("torch DDP", records, "params")


def test_torch_ddp_resume_in_a_new_process_group(runs: Runs) -> None:
    """Rank 0's checkpoint at update 15, loaded by every rank of a new group, continues exactly."""
    full = _torch(runs, "full")
    resumed = _torch(runs, "resume")
    assert [r["first"] for r in resumed] == [RESUME_AT] * RANKS
    for rank in range(RANKS):
        _assert_resumed(f"torch DDP rank {rank}", full[rank], resumed[rank])


# --------------------------------------------------------------------------- Paddle

# Paddle's ``to_paddle`` drives one lr for the whole optimizer: the first (base, schedule).
_PADDLE_KINDS = {"single": (BASES[:1], SCHEDULES[:1]), "groups": (BASES, SCHEDULES)}


def _paddle(runs: Runs) -> list[dict[str, Any]]:
    records = [runs.json("paddle", f"paddle_rank{rank}.json") for rank in range(RANKS)]
    assert [(r["rank"], r["world_size"]) for r in records] == [(r, RANKS) for r in range(RANKS)]
    return records


@pytest.mark.parametrize("kind", sorted(_PADDLE_KINDS))
def test_paddle_data_parallel_every_rank_applies_the_core_lr(runs: Runs, kind: str) -> None:
    """``DataParallel`` via ``spawn`` (gloo, 2 ranks): the same lr on every rank, the core's."""
    records = [record[kind] for record in _paddle(runs)]
    for key in ("lrs", "applied", "params"):
        _assert_equal_ranks(f"Paddle DataParallel {kind}", records, key)
    bases, configs = _PADDLE_KINDS[kind]
    for rank, record in enumerate(records):
        assert len(record["lrs"]) == len(bases)
        for g, (base, config) in enumerate(zip(bases, configs, strict=True)):
            what = f"Paddle DataParallel {kind} rank {rank} group {g}"
            _assert_lrs(f"{what} (scheduler)", record["lrs"][g], base, config)
            _assert_lrs(f"{what} (applied)", record["applied"][g], base, config)


@pytest.mark.parametrize("kind", sorted(_PADDLE_KINDS))
def test_paddle_data_parallel_resume(runs: Runs, kind: str) -> None:
    """Rank 0's ``paddle.save`` at update 15, loaded by every rank into new objects, continues."""
    for rank, record in enumerate(_paddle(runs)):
        what = f"Paddle DataParallel {kind} rank {rank}"
        _assert_resumed(what, record[kind], record[f"{kind}_resumed"])


# --------------------------------------------------------------------------- JAX


def _jax(runs: Runs) -> dict[str, Any]:
    record = runs.json("jax", "jax.json")
    assert len(record["devices"]) == DEVICES, record["devices"]
    return record


def _assert_devices(
    what: str, per_step: Sequence[Sequence[float]], base: float, config: Any
) -> None:
    """Every device saw the same value at every update, the core's within the float32 rule."""
    want = _core_lrs(base, config)
    assert len(per_step) == STEPS, f"{what}: {len(per_step)} updates recorded, expected {STEPS}"
    for k, values in enumerate(per_step):
        assert len(values) == DEVICES, f"{what}: update {k} has {len(values)} devices"
        assert len(set(values)) == 1, f"{what}: the devices disagree at update {k}: {values}"
        assert _close32(values[0], want[k], base), (
            f"{what}: update {k} lr {values[0]!r}, the core gives {want[k]!r} "
            f"(|d| = {abs(values[0] - want[k]):.3e} > 2e-6|want| + 1e-6 base)"
        )


@pytest.mark.parametrize("run", range(len(SCHEDULES)))
def test_jax_sharded_jit_every_device_applies_the_core_lr(runs: Runs, run: int) -> None:
    """``jax.jit`` over a ``NamedSharding`` mesh of 8 devices with ``optax.sgd(to_optax(...))``."""
    record = _jax(runs)["jit"][run]
    what = f"JAX jit (8 devices) {SCHEDULES[run]['name']}"
    _assert_devices(f"{what} applied", record["applied"], BASES[run], SCHEDULES[run])


@pytest.mark.parametrize("run", range(len(SCHEDULES)))
def test_jax_shard_map_every_device_computes_the_core_lr(runs: Runs, run: int) -> None:
    """Inside ``jax.shard_map`` each device computes the lr from the replicated step count."""
    record = _jax(runs)["shard_map"][run]
    what = f"JAX shard_map (8 devices) {SCHEDULES[run]['name']}"
    for key in ("computed", "injected", "applied"):
        _assert_devices(f"{what} {key}", record[key], BASES[run], SCHEDULES[run])
    assert record["computed"] == record["injected"] == record["applied"], (
        f"{what}: the lr a device computed, the one inject_hyperparams recorded and the one "
        f"it applied differ: {_diff(record['computed'], record['applied'])}"
    )


@pytest.mark.parametrize("mode", ["jit", "shard_map"])
def test_jax_resume_from_pickled_opt_state_is_bit_identical(runs: Runs, mode: str) -> None:
    """``opt_state`` pickled before update 15, restored onto the mesh: the same bits follow."""
    for run, record in enumerate(_jax(runs)[mode]):
        what = f"JAX {mode} {SCHEDULES[run]['name']}"
        keys = ["applied"] + (["computed", "injected"] if mode == "shard_map" else [])
        for key in keys:
            tail = record[key][RESUME_AT:]
            assert record[f"resumed_{key}"] == tail, f"{what}: resumed {key} lrs differ: " + _diff(
                record[f"resumed_{key}"], tail
            )
        assert record["resumed_w"] == record["w"], f"{what}: resumed weights differ: " + _diff(
            record["resumed_w"], record["w"]
        )
        assert all(math.isfinite(v) for row in record["w"] for v in row)
