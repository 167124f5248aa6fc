"""``lrcore port``: literal calls only; one real port per framework; the pasted code runs.

The rejected sources must fail before any framework is imported: each runs under
``python -X importtime`` and the test checks that no framework was loaded and no
side effect happened.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.runner import HEAVY, imported, one_line_error, run

INJECTIONS = [
    ("__import__('os').system('touch {marker}')", "is not a dotted name"),
    ("torch.optim.lr_scheduler.StepLR.__init__.__globals__", "private and dunder attributes"),
    (
        "torch.optim.lr_scheduler.StepLR.__init__.__globals__['os'].system('touch {marker}')",
        "private and dunder attributes",
    ),
    (
        "torch.optim.lr_scheduler.StepLR(optimizer, step_size=().__class__.__base__)",
        "private and dunder attributes",
    ),
    (
        "torch.optim.lr_scheduler.StepLR(optimizer, step_size=__import__('os').system('x'))",
        "is not a dotted name",
    ),
    ("os.system('touch {marker}')", "is not a scheduler this command ports"),
    ("import os; os.system('touch {marker}')", "is not a scheduler this command ports"),
    ("getattr(torch.optim, 'lr_scheduler').StepLR(optimizer, 3)", "is not a dotted name"),
    (
        "torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda=lambda step: 0.9 ** step)",
        "lambdas are not allowed",
    ),
    ("torch.optim.lr_scheduler.StepLR(optimizer, step_size=n)", "names are not allowed, got 'n'"),
    ("torch.optim.lr_scheduler.StepLR(opt, step_size=30)", "names are not allowed, got 'opt'"),
    ("torch.optim.lr_scheduler.StepLR(optimizer, *[30])", "starred arguments are not allowed"),
    ("torch.optim.lr_scheduler.StepLR(optimizer, **{'step_size': 30})", "**keyword unpacking"),
    ("torch.optim.lr_scheduler.StepLR(optimizer, step_size=f'{30}')", "f-strings"),
    ("torch.optim.lr_scheduler.StepLR(optimizer, 30, gamma=0.1 * 5)", "operators are not allowed"),
    (
        "torch.optim.lr_scheduler.StepLR(optimizer, 30, gamma=torch.pi)",
        "attributes are not allowed",
    ),
    ("torch.optim.lr_scheduler.StepLR(optimizer, [x for x in range(3)])", "is not a literal"),
    (
        "paddle.optimizer.lr.StepDecay(0.1, torch.optim.lr_scheduler.StepLR(optimizer, 3))",
        "a paddle call cannot hold a torch call",
    ),
    ("transformers:__import__('os').system('touch {marker}')", "is not a dotted name"),
    ("torch.optim.lr_scheduler.StepLR(optimizer, step_size=30", "not a Python call"),
    ("torch.optim.lr_scheduler.StepLR", "expected a call"),
]


@pytest.mark.parametrize(("source", "text"), INJECTIONS)
def test_injection_is_rejected_before_any_import(source: str, text: str, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    result = run("port", source.replace("{marker}", str(marker)), importtime=True)
    message = one_line_error(result)
    assert message.startswith("lrcore port: error: ") and text in message, message
    assert not imported(result.stderr) & set(HEAVY), imported(result.stderr) & set(HEAVY)
    assert not marker.exists() and result.stdout == ""


def test_other_bad_sources(tmp_path: Path) -> None:
    cases = [
        (["paddle.optimizer.lr.StepDecay(0.1, 3)", "--base-lr", "0.5"], "--base-lr is for torch"),
        ([str(tmp_path / "missing.py")], "no such file"),
    ]
    for arguments, text in cases:
        result = run("port", *arguments, importtime=True)
        message = one_line_error(result)
        assert text in message, message
        assert not imported(result.stderr) & set(HEAVY)


def _section(stdout: str, start: str, end: str | None) -> str:
    """The lines after the line starting with ``start``, up to ``end``."""
    text = stdout.split(start, 1)[1].split("\n", 1)[1]
    return text.split(end, 1)[0] if end else text


# The four real ports import their frameworks (seconds each): run once for the module.
_SOURCES = {
    "torch": ["torch.optim.lr_scheduler.OneCycleLR(max_lr=0.1, total_steps=1000)"],
    "paddle": ["--json", "paddle.optimizer.lr.NoamDecay(d_model=512, warmup_steps=4000)"],
    "optax": ["--json", "{file}"],
    "transformers": [
        "--json",
        "--base-lr",
        "0.02",
        "transformers:cosine(num_warmup_steps=100, num_training_steps=1000, num_cycles=0.5)",
    ],
}


@pytest.fixture(scope="module")
def ported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, str, str]]:
    """``{framework: (exit status, stdout, stderr)}`` of the ports above."""
    source = tmp_path_factory.mktemp("port") / "schedule.py"
    source.write_text(
        "import optax\n\nschedule = optax.warmup_cosine_decay_schedule(0.0, 0.1, 100, 1000)\n",
        encoding="utf-8",
    )
    results = {}
    for name, args in _SOURCES.items():
        # One at a time: four frameworks at once strain a small machine's memory.
        result = run("port", *(arg.replace("{file}", str(source)) for arg in args))
        results[name] = (result.returncode, result.stdout, result.stderr)
    return results


def _lrs(torch: Any, optimizer: Any, scheduler: Any, model: Any, steps: int) -> list[float]:
    """The lr of each of ``steps`` real SGD updates."""
    seen = []
    for _ in range(steps):
        seen.append(optimizer.param_groups[0]["lr"])
        model(torch.ones(1, 2)).sum().backward()
        optimizer.step()
        optimizer.zero_grad()
        scheduler.step()
    return seen


def test_port_torch_one_cycle_and_the_pasted_code_replays_the_native(
    ported: dict[str, tuple[int, str, str]],
) -> None:
    status, out, err = ported["torch"]
    assert status == 0, err
    assert "base lr: 0.1\n" in out
    config = json.loads(_section(out, "lrcore config (JSON", "\n\n"))
    assert config == {
        "name": "one_cycle",
        "total_steps": 1000,
        "pct_start": 0.3,
        "div_factor": 25.0,
        "final_div_factor": 10000.0,
        "anneal_strategy": "cos",
        "three_phase": False,
    }
    torch_code = _section(out, "# --- PyTorch", "# --- PaddlePaddle")
    paddle_code = _section(out, "# --- PaddlePaddle", "# --- JAX / optax")
    optax_code = _section(out, "# --- JAX / optax", None)
    for code in (torch_code, paddle_code, optax_code):
        ast.parse(code)
    assert "to_paddle(schedule, learning_rate=0.1)" in paddle_code
    assert "to_optax(schedule, learning_rate=0.1)" in optax_code

    # The pasted torch code, run as a user would, beside torch's own OneCycleLR.
    import torch
    from torch.optim.lr_scheduler import OneCycleLR

    model = torch.nn.Linear(2, 1)
    namespace: dict[str, Any] = {"model": model}
    exec(torch_code, namespace)
    got = _lrs(torch, namespace["optimizer"], namespace["scheduler"], model, 1000)
    native_model = torch.nn.Linear(2, 1)
    native_optimizer = torch.optim.SGD(native_model.parameters(), lr=0.1, momentum=0.9)
    native = OneCycleLR(native_optimizer, max_lr=0.1, total_steps=1000)
    want = _lrs(torch, native_optimizer, native, native_model, 1000)
    assert max(abs(g - w) / w for g, w in zip(got, want, strict=True)) <= 1e-12


def test_port_paddle_json_then_compare(
    ported: dict[str, tuple[int, str, str]], tmp_path: Path
) -> None:
    status, out, err = ported["paddle"]
    assert status == 0, err
    assert json.loads(out) == {
        "base_lr": 1.0,
        "schedule": {"name": "noam", "d_model": 512.0, "warmup_steps": 4000.0},
    }
    # The --json output is a CONFIG file: compare it with a hand-written TOML (CI use).
    (tmp_path / "port.json").write_text(out, encoding="utf-8")
    (tmp_path / "mine.toml").write_text(
        'name = "noam"\nd_model = 512\nwarmup_steps = 4000\n', encoding="utf-8"
    )
    compare = run("compare", str(tmp_path / "port.json"), str(tmp_path / "mine.toml"))
    assert compare.returncode == 0, compare.stdout + compare.stderr
    (tmp_path / "other.toml").write_text(
        'name = "noam"\nd_model = 512\nwarmup_steps = 4001\n', encoding="utf-8"
    )
    differ = run("compare", str(tmp_path / "port.json"), str(tmp_path / "other.toml"))
    assert differ.returncode == 1, differ.stdout + differ.stderr


def test_port_optax_positional_from_a_file(ported: dict[str, tuple[int, str, str]]) -> None:
    status, out, err = ported["optax"]
    assert status == 0, err
    assert json.loads(out) == {
        "base_lr": 0.1,
        "schedule": {
            "name": "optax_warmup_cosine",
            "init": 0.0,
            "peak": 1.0,
            "warmup_steps": 100,
            "decay_steps": 1000,
            "end": 0.0,
            "exponent": 1.0,
        },
    }
    bad = run("port", "optax.warmup_cosine_decay_schedule(0.0, 0.1, 100, 1000, 0.0, 1.0, 7)")
    assert "warmup_cosine_decay_schedule" in one_line_error(bad)


def test_port_transformers_with_base_lr(ported: dict[str, tuple[int, str, str]]) -> None:
    status, out, err = ported["transformers"]
    assert status == 0, err
    assert json.loads(out) == {
        "base_lr": 0.02,
        "schedule": {
            "name": "hf_cosine",
            "warmup_steps": 100,
            "training_steps": 1000,
            "num_cycles": 0.5,
            "min_lr_rate": 0.0,
        },
    }
