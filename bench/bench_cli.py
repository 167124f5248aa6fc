"""Startup time of the ``lrcore`` command, against a bare Python start.

Runs each command ``--repeats`` times, interleaved (one round runs every command once,
in a rotating order) so that a burst of load on a shared machine hits them all alike,
and prints the minimum (the cost itself), the median and the spread (max - min, the
noise) in milliseconds, plus each minimum over bare ``python -c pass``.  It reports;
it never fails a run on slowness (exit status 0 unless a command itself fails).

    .venv/bin/python bench/bench_cli.py [--repeats 21]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CONFIG = (
    '{"name": "warmup", "warmup_steps": 100, '
    '"schedule": {"name": "cosine_annealing", "T_max": 900}}'
)


def commands() -> dict[str, list[str]]:
    found = shutil.which("lrcore", path=Path(sys.executable).parent)
    if found is None:
        raise SystemExit(f"no lrcore console script next to {sys.executable}: pip install -e .")
    python = sys.executable
    return {
        "python -c pass": [python, "-c", "pass"],
        "python -c 'import lrcore'": [python, "-c", "import lrcore"],
        "lrcore --help": [found, "--help"],
        "lrcore show CONFIG": [found, "show", CONFIG],
        "lrcore list": [found, "list"],
        "lrcore compare A A": [found, "compare", CONFIG, CONFIG],
    }


def measure(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, check=False
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {result.stderr.decode()}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=21)
    args = parser.parse_args()
    todo = commands()
    names = list(todo)
    times: dict[str, list[float]] = {name: [] for name in names}
    with tempfile.TemporaryDirectory(prefix="lrcore-bench-pycache-") as cache:
        # As a user runs it: with compiled bytecode, even where the environment sets
        # PYTHONDONTWRITEBYTECODE; the .pyc files go to a temporary directory.
        env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = cache
        for name in names:  # compile and warm the file cache; not counted
            measure(todo[name], env)
        for round_ in range(args.repeats):
            shift = round_ % len(names)
            for name in names[shift:] + names[:shift]:
                times[name].append(measure(todo[name], env))
    base = min(times["python -c pass"])
    print(f"startup, ms ({args.repeats} interleaved runs each; spread = max - min)")
    print(f"{'command':28} {'min':>7} {'median':>7} {'spread':>7} {'min - python':>13}")
    for name in names:
        runs = times[name]
        low, mid, spread = min(runs), statistics.median(runs), max(runs) - min(runs)
        extra = low - base
        print(
            f"{name:28} {1000 * low:7.1f} {1000 * mid:7.1f} {1000 * spread:7.1f} "
            f"{1000 * extra:13.1f}"
        )
    print(f"python {sys.version.split()[0]}, {sys.executable}")


if __name__ == "__main__":
    main()
