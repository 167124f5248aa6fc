"""How faithfully PaConvert (Paddle's torch -> Paddle code converter) carries LR schedulers over.

For each torch scheduler, a small torch training script is generated in two variants (one
parameter group; two groups with lrs 0.1 and 0.003), run for the native lrs, converted with the
``paconvert`` CLI and the converted script run as well.  The lr each Paddle parameter group
really used is measured from the applied update, and compared with torch's (rel 1e-9).

    .venv/bin/python bench/paconvert_conformance.py            # 100 updates per script
    .venv/bin/python bench/paconvert_conformance.py --quick    # 30 updates
    .venv/bin/python bench/paconvert_conformance.py --keep /tmp/pc   # keep the generated scripts
    .venv/bin/python bench/paconvert_conformance.py --isolated # one process per script (slower)

Scripts run in batches, one interpreter per job, because importing torch / paddle dominates the
runtime; each script still runs as ``__main__`` in a fresh namespace from its own directory.

Measurement.  The model is ``Linear(1, 1)`` in float64 fed ``x = 1``, so each parameter's
gradient is exactly 1; before every update the parameters are reset to 0, so after plain SGD a
parameter equals ``-lr`` exactly, where ``lr`` is what the optimizer really applied.  In Paddle
that is the scheduler's lr times the parameter's per-group ``learning_rate`` multiplier
(``Optimizer._create_param_lr``; the multiplier comes from the group dict's ``"learning_rate"``
key in ``Optimizer._add_param_group`` and defaults to 1.0), computed in the dtype of the first
parameter (``Optimizer._dtype``), float64 here.  That product is recorded too, as a cross-check.

The recording helpers live in a separate module (``recorder.py``) that the script imports: the
torch directory holds a torch version, the converted directory a Paddle version, so the code
PaConvert produced is run exactly as produced -- nothing in it is patched.

Why plain SGD and not SGD with momentum: PaConvert lists ``momentum`` as an unsupported argument
of ``torch.optim.SGD`` (``api_mapping.json``), so every script using it fails to convert at the
optimizer line and says nothing about the scheduler.  That is checked on every run (the
first "probe" line); ``--momentum 0.9`` builds the whole table that way.

PaConvert failing (``[Not Support]``, a crash of the converted code) is a measured result: the
exit status is 0 unless the harness itself breaks (a torch script failing, a timeout of torch).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

REL_TOL = 1e-9
TIMEOUT_S = 180
FULL_STEPS = 100
QUICK_STEPS = 30

# Lrs of the two-group variant; the one-group variant uses the first.  Schedulers that set the
# lrs themselves (CyclicLR, OneCycleLR) get per-group lists in the two-group variant, since that
# is how torch gives groups different lrs there.
GROUP_LRS = (0.1, 0.003)
CYCLE_BASE_LRS = (0.01, 0.0003)  # base_lr of CyclicLR per group (its max_lr: GROUP_LRS)


@dataclass(frozen=True)
class Case:
    """One torch scheduler setup: the source lines that build ``scheduler`` from ``optimizer``.

    The template may use ``{steps}``, ``{max_lr}`` and ``{base_lr}`` (scalars with one group,
    per-group lists with two).
    """

    name: str
    source: str
    counted: bool = True  # one of the 15 schedulers the summary line counts
    cycles_momentum: bool = False  # torch then drives the group momentum, so SGD uses momentum


CASES: tuple[Case, ...] = (
    Case("StepLR", "torch.optim.lr_scheduler.StepLR(optimizer, step_size=7, gamma=0.5)"),
    Case(
        "MultiStepLR",
        "torch.optim.lr_scheduler.MultiStepLR(optimizer, milestones=[5, 12, 20], gamma=0.3)",
    ),
    Case("ConstantLR", "torch.optim.lr_scheduler.ConstantLR(optimizer, factor=0.5, total_iters=4)"),
    Case(
        "LinearLR",
        "torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=0.25, total_iters=10)",
    ),
    Case("ExponentialLR", "torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.95)"),
    Case(
        "PolynomialLR",
        "torch.optim.lr_scheduler.PolynomialLR(optimizer, total_iters=20, power=2.0)",
    ),
    Case(
        "CosineAnnealingLR",
        "torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=20, eta_min=0.0001)",
    ),
    Case(
        "CosineAnnealingWarmRestarts",
        "torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(\n"
        "    optimizer, T_0=5, T_mult=2, eta_min=0.0001\n)",
    ),
    Case(
        "CyclicLR",
        "torch.optim.lr_scheduler.CyclicLR(\n"
        "    optimizer, base_lr={base_lr}, max_lr={max_lr}, step_size_up=5\n)",
        cycles_momentum=True,
    ),
    Case(
        "CyclicLR(cycle_momentum=False)",
        "torch.optim.lr_scheduler.CyclicLR(\n"
        "    optimizer,\n"
        "    base_lr={base_lr},\n"
        "    max_lr={max_lr},\n"
        "    step_size_up=5,\n"
        "    cycle_momentum=False,\n"
        ")",
    ),
    Case(
        "OneCycleLR",
        "torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr={max_lr}, total_steps={steps})",
        cycles_momentum=True,
    ),
    Case(
        "LambdaLR",
        "torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda=lambda k: 1.0 / (1.0 + 0.1 * k))",
    ),
    Case(
        "MultiplicativeLR",
        "torch.optim.lr_scheduler.MultiplicativeLR(optimizer, lr_lambda=lambda k: 0.95)",
    ),
    Case(
        "SequentialLR",
        "warmup = torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=0.1, total_iters=5)\n"
        "cosine = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=20)\n"
        "torch.optim.lr_scheduler.SequentialLR(\n"
        "    optimizer, schedulers=[warmup, cosine], milestones=[5]\n)",
    ),
    Case(
        "ChainedScheduler",
        "constant = torch.optim.lr_scheduler.ConstantLR(optimizer, factor=0.5, total_iters=4)\n"
        "decay = torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.95)\n"
        "torch.optim.lr_scheduler.ChainedScheduler([constant, decay])",
    ),
    # Not among the 15: shows whether OneCycleLR's "Not Support" is only the explicit argument.
    Case(
        "OneCycleLR(cycle_momentum=False)",
        "torch.optim.lr_scheduler.OneCycleLR(\n"
        "    optimizer, max_lr={max_lr}, total_steps={steps}, cycle_momentum=False\n)",
        counted=False,
    ),
)

TORCH_RECORDER = '''\
"""Recording helpers of the generated torch scripts (torch side)."""

import torch


def reset_parameters(groups):
    """Zero the parameters: with gradient 1, plain SGD then leaves exactly -lr in each."""
    with torch.no_grad():
        for group in groups:
            for p in group:
                p.zero_()


def applied_lrs(groups):
    """The lr each parameter's last update applied (valid while the group has no momentum)."""
    return [[-p.item() for p in group] for group in groups]


def scheduled_lrs(optimizer, groups):
    """The lr torch's SGD uses: the group's "lr" entry."""
    return [[optimizer.param_groups[i]["lr"]] * len(group) for i, group in enumerate(groups)]
'''

PADDLE_RECORDER = '''\
"""Recording helpers of the converted scripts (Paddle side)."""

import paddle


def reset_parameters(groups):
    """Zero the parameters: with gradient 1, SGD then leaves exactly -lr in each."""
    with paddle.no_grad():
        for group in groups:
            for p in group:
                p.set_value(paddle.zeros_like(p))


def applied_lrs(groups):
    """The lr each parameter's last update applied."""
    return [[-float(p.numpy().reshape(-1)[0]) for p in group] for group in groups]


def scheduled_lrs(optimizer, groups):
    """The lr Paddle's optimizer computes per parameter (Optimizer._create_param_lr): the
    scheduler's lr times the parameter's "learning_rate" multiplier, which
    Optimizer._add_param_group takes from the group dict's "learning_rate" key (default 1.0)."""
    lr = optimizer.get_lr()
    return [[lr * p.optimize_attr["learning_rate"] for p in group] for group in groups]
'''

SCRIPT = '''\
"""{name}, {variant}: the lr each parameter group uses over {steps} updates, as JSON.

Generated by bench/paconvert_conformance.py.
"""

import json

import torch

from recorder import applied_lrs, reset_parameters, scheduled_lrs

model = torch.nn.Linear(1, 1, dtype=torch.float64)
{groups_and_optimizer}
{scheduler_lines}
x = torch.ones(1, 1, dtype=torch.float64)
applied, scheduled = [], []
for _ in range({steps}):
    reset_parameters(groups)
    optimizer.zero_grad()
    loss = model(x).sum()
    loss.backward()
    scheduled.append(scheduled_lrs(optimizer, groups))
    optimizer.step()
    applied.append(applied_lrs(groups))
    scheduler.step()
print(json.dumps({{"applied": applied, "scheduled": scheduled}}))
'''


def optimizer_source(two_groups: bool, momentum: float) -> str:
    extra = f", momentum={momentum}" if momentum else ""
    if not two_groups:
        return (
            "groups = [[model.weight, model.bias]]\n"
            f"optimizer = torch.optim.SGD(model.parameters(), lr={GROUP_LRS[0]}{extra})"
        )
    return (
        "groups = [[model.weight], [model.bias]]\n"
        "optimizer = torch.optim.SGD(\n"
        "    [\n"
        f'        {{"params": groups[0], "lr": {GROUP_LRS[0]}}},\n'
        f'        {{"params": groups[1], "lr": {GROUP_LRS[1]}}},\n'
        "    ],\n"
        f"    lr={GROUP_LRS[0]}{extra},\n"
        ")"
    )


def scheduler_source(case: Case, steps: int, two_groups: bool) -> str:
    if two_groups:
        max_lr, base_lr = repr(list(GROUP_LRS)), repr(list(CYCLE_BASE_LRS))
    else:
        max_lr, base_lr = repr(GROUP_LRS[0]), repr(CYCLE_BASE_LRS[0])
    src = case.source.format(steps=steps, max_lr=max_lr, base_lr=base_lr)
    lines = src.split("\n")
    # The last statement builds the scheduler; it may span several lines.
    last = max(i for i, line in enumerate(lines) if line[:1].isalpha())
    lines[last] = "scheduler = " + lines[last]
    return "\n".join(lines)


def torch_script(case: Case, steps: int, two_groups: bool, momentum: float) -> str:
    return SCRIPT.format(
        name=case.name,
        variant="two parameter groups" if two_groups else "one parameter group",
        steps=steps,
        groups_and_optimizer=optimizer_source(two_groups, momentum),
        scheduler_lines=scheduler_source(case, steps, two_groups),
    )


# Runs many generated scripts in one interpreter, so torch / paddle are imported once per batch
# instead of once per script (the imports dominate the runtime).  Each script runs as __main__
# with a fresh namespace, from its own directory, with its own ``recorder`` module; what it
# prints or raises is reported as one RESULT line.  ``--isolated`` runs one process per script.
RUNNER = """
import contextlib, io, json, os, runpy, sys
for path in sys.argv[1:]:
    folder = os.path.dirname(path)
    os.chdir(folder)
    sys.path.insert(0, folder)
    sys.modules.pop("recorder", None)
    out, error = io.StringIO(), ""
    try:
        with contextlib.redirect_stdout(out):
            runpy.run_path(path, run_name="__main__")
    except BaseException as exc:
        error = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
    finally:
        sys.path.remove(folder)
    sys.__stdout__.write("RESULT " + json.dumps([path, out.getvalue(), error]) + "\\n")
    sys.__stdout__.flush()
"""

Outcome = tuple[dict[str, list[object]] | None, str]  # (the JSON the script printed, error)


@dataclass
class Run:
    """One (case, variant): what torch did, what PaConvert said, what the Paddle code did."""

    case: Case
    two_groups: bool
    stem: str
    torch_error: str = ""
    torch_lrs: list[list[float]] = field(default_factory=list)  # [update][group]
    torch_check: str = ""  # torch's applied update disagreeing with its group lr
    not_supported: list[str] = field(default_factory=list)
    convert_error: str = ""
    paddle_error: str = ""
    paddle_applied: list[list[list[float]]] = field(default_factory=list)  # [update][group][param]
    paddle_scheduled: list[list[list[float]]] = field(default_factory=list)
    verdict: str = ""
    detail: str = ""


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def child_env() -> dict[str, str]:
    return dict(os.environ, CUDA_VISIBLE_DEVICES="", GLOG_minloglevel="2", OMP_NUM_THREADS="1")


def parse_output(stdout: str, error: str) -> Outcome:
    if error:
        return None, error
    for line in reversed(stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line), ""
    return None, "no JSON on stdout"


def run_isolated(script: Path) -> Outcome:
    try:
        proc = subprocess.run(
            [sys.executable, script.name],
            cwd=script.parent,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            env=child_env(),
        )
    except subprocess.TimeoutExpired:
        return None, f"timeout after {TIMEOUT_S} s"
    error = ""
    if proc.returncode != 0:
        error = last_exception_line(proc.stderr) or f"exit status {proc.returncode}"
    return parse_output(proc.stdout, error)


def run_batch(scripts: Sequence[Path]) -> dict[Path, Outcome]:
    """Run ``scripts`` in one interpreter; any the batch did not report on (it crashed or timed
    out) are rerun one process each."""
    results: dict[Path, Outcome] = {}
    try:
        proc = subprocess.run(
            [sys.executable, "-c", RUNNER, *map(str, scripts)],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S + 10 * len(scripts),
            env=child_env(),
        )
        stdout = proc.stdout
    except subprocess.TimeoutExpired as exc:
        stdout = exc.stdout.decode() if isinstance(exc.stdout, bytes) else exc.stdout or ""
    for line in stdout.splitlines():
        if line.startswith("RESULT "):
            path, out, error = json.loads(line.removeprefix("RESULT "))
            results[Path(path)] = parse_output(out, error)
    for script in scripts:
        if script not in results:
            log(f"  batch lost {script.name}; rerunning it alone")
            results[script] = run_isolated(script)
    return results


def run_scripts(scripts: Sequence[Path], jobs: int, isolated: bool) -> dict[Path, Outcome]:
    if not scripts:
        return {}
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        if isolated:
            return dict(zip(scripts, pool.map(run_isolated, scripts), strict=True))
        chunks = [scripts[i::jobs] for i in range(jobs) if scripts[i::jobs]]
        merged: dict[Path, Outcome] = {}
        for part in pool.map(run_batch, chunks):
            merged.update(part)
        return merged


def last_exception_line(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in reversed(lines):
        if re.match(r"^[A-Za-z_][\w.]*(Error|Exception)\b", line):
            return line[:300]
    return lines[-1][:300] if lines else ""


def paconvert_command() -> list[str]:
    exe = Path(sys.executable).parent / "paconvert"
    if exe.exists():
        return [str(exe)]
    return [sys.executable, "-m", "paconvert.main"]


def convert(src: Path, dst: Path, log_file: Path) -> tuple[list[str], str]:
    """Convert one file with the paconvert CLI: the APIs it reported as not supported, and an
    error description if it crashed."""
    try:
        proc = subprocess.run(
            [
                *paconvert_command(),
                *("--in_dir", str(src), "--out_dir", str(dst), "--log_dir", str(log_file)),
            ],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
        )
    except subprocess.TimeoutExpired:
        return [], "paconvert timed out"
    text = log_file.read_text() if log_file.exists() else proc.stdout + proc.stderr
    unsupported = list(dict.fromkeys(re.findall(r"\[Not Support\] convert (\S+) to Paddle", text)))
    if proc.returncode != 0 or not dst.exists():
        return unsupported, last_exception_line(proc.stderr) or f"exit {proc.returncode}"
    if not unsupported and ">>>>>>" in dst.read_text():
        # PaConvert marks the lines it could not convert this way, which is a syntax error.
        return ["(a line marked >>>>>>)"], ""
    return unsupported, ""


def rel_err(got: float, want: float) -> float:
    if not (math.isfinite(got) and math.isfinite(want)):
        return 0.0 if got == want else math.inf
    return abs(got - want) / abs(want) if want else abs(got)


def short(api: str) -> str:
    return api.removeprefix("torch.optim.lr_scheduler.").removeprefix("torch.optim.")


def errors(run: Run) -> list[tuple[float, int, int]]:
    """(rel err, update, group) of every Paddle parameter against torch's lr of its group."""
    return [
        (rel_err(got, want), k, g)
        for k, (wants, gots) in enumerate(zip(run.torch_lrs, run.paddle_applied, strict=True))
        for g, (want, got_params) in enumerate(zip(wants, gots, strict=True))
        for got in got_params
    ]


def judge(run: Run) -> None:
    """Set ``run.verdict`` (the table cell) and ``run.detail`` (why)."""
    if run.torch_error:
        run.verdict, run.detail = "torch error", run.torch_error
    elif run.convert_error:
        run.verdict, run.detail = "conversion failed", f"paconvert crashed: {run.convert_error}"
    elif run.not_supported:
        run.verdict = "conversion failed"
        run.detail = "Not Support: " + ", ".join(short(a) for a in run.not_supported)
    elif run.paddle_error:
        run.verdict, run.detail = "runtime error", run.paddle_error
    elif len(run.paddle_applied) != len(run.torch_lrs):
        run.verdict = "runtime error"
        run.detail = f"{len(run.paddle_applied)} updates recorded, {len(run.torch_lrs)} expected"
    else:
        errs = errors(run)
        worst = max(errs, key=lambda e: e[0])  # the first of equal errors
        if worst[0] <= REL_TOL:
            run.verdict = "exact"
            run.detail = f"max rel err {worst[0]:.1e}" if worst[0] else ""
        else:
            first = next(e for e in errs if e[0] > REL_TOL)
            run.verdict = f"differs (max rel err {worst[0]:.2g})"
            run.detail = "; ".join(
                f"{label} update {k} group {g}: torch {run.torch_lrs[k][g]:.6g}, "
                f"Paddle {run.paddle_applied[k][g][0]:.6g}"
                for label, (_, k, g) in (("first at", first), ("worst at", worst))
            )
    if run.paddle_applied and run.two_groups and len(run.paddle_applied[0]) == 2:
        first_update = zip(run.paddle_applied[0], run.paddle_scheduled[0], strict=True)
        multipliers = [applied[0] / scheduled[0] for applied, scheduled in first_update]
        run.detail += f"; Paddle group lr multipliers {multipliers}"


def check_scheduled(run: Run) -> str:
    """Cross-check of the measurement: the applied update against scheduler lr x the group's
    multiplier, which is how Paddle's optimizer computes the lr (Optimizer._create_param_lr)."""
    for k, (applied, scheduled) in enumerate(
        zip(run.paddle_applied, run.paddle_scheduled, strict=True)
    ):
        for g, (a_params, s_params) in enumerate(zip(applied, scheduled, strict=True)):
            for a, s in zip(a_params, s_params, strict=True):
                if rel_err(a, s) > 1e-15:
                    return f"Paddle applied {a!r}, lr x multiplier = {s!r} (update {k}, group {g})"
    return ""


def record_torch(run: Run, outcome: Outcome) -> None:
    out, run.torch_error = outcome
    if out is None:
        return
    scheduled, applied = out["scheduled"], out["applied"]
    run.torch_lrs = [[params[0] for params in groups] for groups in scheduled]  # type: ignore[index]
    if not run.case.cycles_momentum:
        # With no momentum torch's update is exactly -lr: validates the measurement method.
        for k, (s, a) in enumerate(zip(scheduled, applied, strict=True)):
            if s != a:
                run.torch_check = f"torch update {k}: group lr {s} but applied {a}"
                break


def record_paddle(run: Run, outcome: Outcome) -> None:
    out, run.paddle_error = outcome
    if out is not None:
        run.paddle_applied = out["applied"]  # type: ignore[assignment]
        run.paddle_scheduled = out["scheduled"]  # type: ignore[assignment]


def write_scripts(root: Path, steps: int, momentum: float, cases: Sequence[Case]) -> list[Run]:
    for sub in ("torch", "paddle", "logs"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    (root / "torch" / "recorder.py").write_text(TORCH_RECORDER)
    (root / "paddle" / "recorder.py").write_text(PADDLE_RECORDER)
    runs = []
    for case in cases:
        for two_groups in (False, True):
            stem = re.sub(r"\W+", "_", case.name).strip("_").lower()
            stem += "_2groups" if two_groups else "_1group"
            script = torch_script(case, steps, two_groups, momentum)
            (root / "torch" / f"{stem}.py").write_text(script)
            runs.append(Run(case, two_groups, stem))
    return runs


# Conversion-only checks beside the table: (what, stem, scheduler case, SGD momentum).
PROBES: tuple[tuple[str, str, Case, float], ...] = (
    ("torch.optim.SGD(..., momentum=0.9)", "sgd_momentum", CASES[0], 0.9),
    (
        "OneCycleLR(..., final_div_factor=100.0) without div_factor",
        "onecycle_final_div_factor",
        Case(
            "OneCycleLR",
            "torch.optim.lr_scheduler.OneCycleLR(\n"
            "    optimizer, max_lr={max_lr}, total_steps={steps}, final_div_factor=100.0\n)",
        ),
        0.0,
    ),
)


def probe(root: Path, stem: str, case: Case, momentum: float) -> str:
    """What PaConvert says when converting a 3-update script of ``case``."""
    folder = root / "probe"
    folder.mkdir(exist_ok=True)
    src = folder / f"{stem}.py"
    src.write_text(torch_script(case, 3, False, momentum))
    unsupported, err = convert(src, folder / f"{stem}_paddle.py", folder / f"{stem}.log")
    if err:
        return f"crashed: {err}"
    if unsupported:
        return "Not Support: " + ", ".join(short(a) for a in unsupported)
    return "converted"


def measure(root: Path, runs: Sequence[Run], jobs: int, isolated: bool) -> list[str]:
    """Fill in ``runs``; the probes' results."""
    torch_dir, paddle_dir = root / "torch", root / "paddle"
    with ThreadPoolExecutor(max_workers=jobs + 1) as pool:
        # Torch runs and conversions are independent: overlap them.
        torch_future = pool.submit(
            run_scripts, [torch_dir / f"{r.stem}.py" for r in runs], jobs, isolated
        )
        probes = [pool.submit(probe, root, stem, case, m) for _, stem, case, m in PROBES]

        def do_convert(run: Run) -> None:
            run.not_supported, run.convert_error = convert(
                torch_dir / f"{run.stem}.py",
                paddle_dir / f"{run.stem}.py",
                root / "logs" / f"{run.stem}.log",
            )
            said = ", ".join(map(short, run.not_supported)) or run.convert_error or "ok"
            log(f"  converted {run.stem:<40} {said}")

        list(pool.map(do_convert, runs))
        torch_results = torch_future.result()
        probe_results = [p.result() for p in probes]
    log(f"  torch: {len(torch_results)} scripts run")
    for run in runs:
        record_torch(run, torch_results[torch_dir / f"{run.stem}.py"])
    to_run = [r for r in runs if not (r.not_supported or r.convert_error or r.torch_error)]
    paddle_results = run_scripts([paddle_dir / f"{r.stem}.py" for r in to_run], jobs, isolated)
    log(f"  paddle: {len(paddle_results)} converted scripts run")
    for run in to_run:
        record_paddle(run, paddle_results[paddle_dir / f"{run.stem}.py"])
    for run in runs:
        judge(run)
        log(f"  {run.stem:<42} {run.verdict:<20} {run.detail}")
    return probe_results


def cell(run: Run) -> str:
    if run.verdict in ("conversion failed", "runtime error", "torch error"):
        return f"{run.verdict} ({run.detail.split('; ')[0]})"
    return run.verdict


def table(runs: Sequence[Run]) -> str:
    by_case: dict[str, dict[bool, Run]] = {}
    for run in runs:
        by_case.setdefault(run.case.name, {})[run.two_groups] = run
    rows = ["| scheduler | 1 group (lr 0.1) | 2 groups (lrs 0.1, 0.003) |", "|---|---|---|"]
    for name, pair in by_case.items():
        label = name if pair[False].case.counted else f"{name} (extra, not counted)"
        rows.append(f"| {label} | {cell(pair[False])} | {cell(pair[True])} |")
    return "\n".join(rows)


def versions() -> str:
    from importlib.metadata import version

    return ", ".join(f"{name} {version(name)}" for name in ("paconvert", "torch", "paddlepaddle"))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_STEPS} updates per script")
    parser.add_argument("--steps", type=int, help=f"updates per script (default {FULL_STEPS})")
    parser.add_argument("--keep", type=Path, help="write the generated scripts here and keep them")
    parser.add_argument("--only", help="regex: only the schedulers whose name matches")
    parser.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1))
    parser.add_argument(
        "--isolated", action="store_true", help="one process per script (slower; no batching)"
    )
    parser.add_argument(
        "--momentum",
        type=float,
        default=0.0,
        help="SGD momentum of the torch scripts (PaConvert does not convert it; default 0)",
    )
    args = parser.parse_args(argv)
    steps = args.steps or (QUICK_STEPS if args.quick else FULL_STEPS)
    cases = [c for c in CASES if not args.only or re.search(args.only, c.name)]
    if not cases:
        parser.error(f"--only {args.only!r} matches no scheduler")

    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="paconvert_conformance_") as tmp:
        root = args.keep.resolve() if args.keep else Path(tmp)
        for sub in ("torch", "paddle", "logs", "probe"):
            shutil.rmtree(root / sub, ignore_errors=True)
        runs = write_scripts(root, steps, args.momentum, cases)
        log(f"{len(runs)} torch scripts x {steps} updates in {root}, {args.jobs} jobs")
        probe_results = measure(root, runs, max(1, args.jobs), args.isolated)
    seconds = time.perf_counter() - t0

    print(f"{versions()}; {steps} updates; rel tol {REL_TOL:g}; SGD momentum {args.momentum:g}")
    for (what, *_), result in zip(PROBES, probe_results, strict=True):
        print(f"probe: {what} -> PaConvert {result}")
    print()
    print(table(runs))
    print()
    counted = [r for r in runs if r.case.counted]
    n_cases = len({r.case.name for r in counted})
    one = sum(r.verdict == "exact" for r in counted if not r.two_groups)
    two = sum(r.verdict == "exact" for r in counted if r.two_groups)
    print(f"{one} of {n_cases} exact with one group, {two} of {n_cases} with two")
    print()
    print("details:")
    for run in runs:
        notes = [run.detail, run.torch_check]
        if run.paddle_applied:
            notes.append(check_scheduled(run))
        notes = [n for n in notes if n]
        if notes:
            variant = "2 groups" if run.two_groups else "1 group"
            print(f"- {run.case.name}, {variant}: " + "; ".join(notes))
    print(f"\n{seconds:.0f} s")
    harness_broken = any(r.torch_error or r.torch_check for r in runs)
    return 1 if harness_broken else 0


if __name__ == "__main__":
    sys.exit(main())
