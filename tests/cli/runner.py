"""Running the installed ``lrcore`` console script in a subprocess, and reading its output."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

_FOUND = shutil.which("lrcore", path=Path(sys.executable).parent)
if _FOUND is None:  # pragma: no cover - the editable install puts it next to python
    raise RuntimeError(f"no lrcore console script next to {sys.executable}: pip install -e .")
LRCORE = Path(_FOUND)

HEAVY = ("numpy", "matplotlib", "torch", "paddle", "jax", "optax", "transformers")
"""Top-level packages that --help, show, list and compare must not import."""


def run(
    *args: str,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    importtime: bool = False,
) -> subprocess.CompletedProcess[str]:
    """``lrcore *args`` as a user runs it (``importtime``: under ``python -X importtime``)."""
    command = [str(LRCORE), *args]
    if importtime:
        command = [sys.executable, "-X", "importtime", *command]
    full_env = {**os.environ, **(env or {})}
    full_env.pop("PYTHONWARNINGS", None)
    return subprocess.run(
        command, capture_output=True, text=True, env=full_env, cwd=cwd, timeout=300, check=False
    )


def imported(stderr: str) -> set[str]:
    """Top-level module names in ``-X importtime`` output."""
    names = set()
    for line in stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+\d+ \|\s*([\w.]+)", line)
        if match:
            names.add(match.group(1).split(".")[0])
    return names


def without_importtime(stderr: str) -> str:
    return "\n".join(line for line in stderr.splitlines() if not line.startswith("import time:"))


def one_line_error(result: subprocess.CompletedProcess[str], *, status: int = 2) -> str:
    """The single stderr line of a failed run (asserting: that status, one line, no traceback)."""
    stderr = without_importtime(result.stderr).strip()
    assert result.returncode == status, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in stderr, stderr
    assert len(stderr.splitlines()) == 1, stderr
    return stderr


def values_table(stdout: str) -> dict[int, float]:
    """``{step: factor}`` from the values table of ``lrcore show``."""
    table: dict[int, float] = {}
    inside = False
    for line in stdout.splitlines():
        if line.startswith("values"):
            inside = True
            continue
        if inside:
            match = re.match(r"^\s+(\d+)\s+(\S+)", line)
            if match:
                table[int(match.group(1))] = float(match.group(2))
            elif not line.startswith("  step"):
                break
    return table


def field(stdout: str, label: str) -> str:
    """The rest of the line of ``lrcore show`` output that starts with ``label``."""
    for line in stdout.splitlines():
        if line.startswith(label):
            return line[len(label) :].strip()
    raise AssertionError(f"no line starting with {label!r} in:\n{stdout}")
