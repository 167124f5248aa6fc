"""How long ``import lrcore`` takes in a fresh interpreter (the target is <= 15 ms).

Each case runs in its own fresh subprocess, and the cases are interleaved
(``--repeats`` rounds, each in a new random order) so that a burst of load on the
machine hits every case alike.  Reported per case: the minimum (the estimate: noise
only ever adds time), the median and the maximum over the repeats.

* ``import <module>``: measured inside the subprocess with ``time.perf_counter``
  around the import statement alone;
* ``process``: the whole subprocess's wall time, next to ``python -c pass`` (the
  interpreter's own start-up) for scale.

Bytecode is cached as for an installed package (a warm-up run first), in a
temporary ``PYTHONPYCACHEPREFIX``: nothing is written into the source tree, and a
``PYTHONDONTWRITEBYTECODE`` in the environment does not turn every run into a
compilation.  The script reports; it never fails on a slow measurement (exit 0).

    python bench/bench_import.py [--repeats 20]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 15.0

# (label, statement timed inside the subprocess)
CASES = [
    ("python -c pass", "pass"),
    ("import json", "import json"),
    ("import lrcore", "import lrcore"),
    ("lrcore.from_config(cosine_annealing)", None),
    ("lrcore.registered() (every schedule)", None),
]

TIMED = """\
import time
_t0 = time.perf_counter()
{statement}
_t1 = time.perf_counter()
import sys
heavy = sorted(m for m in ("numpy", "torch", "paddle", "jax") if m in sys.modules)
print((_t1 - _t0) * 1e3, ",".join(heavy))
"""

STATEMENTS = {
    "lrcore.from_config(cosine_annealing)": (
        "import lrcore\nlrcore.from_config({'name': 'cosine_annealing', 'T_max': 10})"
    ),
    "lrcore.registered() (every schedule)": "import lrcore\nlrcore.registered()",
}


def _environment(pycache: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = pycache
    return env


def _run(statement: str, env: dict[str, str]) -> tuple[float, float, list[str]]:
    """(ms inside the process for ``statement``, ms of the whole process, heavy modules)."""
    import time

    code = TIMED.format(statement=statement)
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    wall = (time.perf_counter() - start) * 1e3
    inside, _, heavy = result.stdout.strip().partition(" ")
    return float(inside), wall, [name for name in heavy.split(",") if name]


def _row(label: str, values: list[float]) -> str:
    low, mid, high = min(values), statistics.median(values), max(values)
    return f"  {label:<40} min {low:7.2f}  median {mid:7.2f}  max {high:7.2f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20, help="rounds of every case")
    parser.add_argument("--seed", type=int, default=0, help="seed of the interleaving order")
    args = parser.parse_args(argv)

    labels = [label for label, _ in CASES]
    statements = {label: statement or STATEMENTS[label] for label, statement in CASES}
    inside: dict[str, list[float]] = {label: [] for label in labels}
    wall: dict[str, list[float]] = {label: [] for label in labels}
    heavy: set[str] = set()
    order = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="lrcore-bench-pyc-") as pycache:
        env = _environment(pycache)
        for label in labels:  # warm-up: compile and cache the bytecode
            _run(statements[label], env)
        for _ in range(args.repeats):
            round_labels = labels[:]
            order.shuffle(round_labels)
            for label in round_labels:
                ms, process_ms, modules = _run(statements[label], env)
                inside[label].append(ms)
                wall[label].append(process_ms)
                if label == "import lrcore":
                    heavy.update(modules)

    print(f"{sys.executable} ({sys.version.split()[0]}), {args.repeats} interleaved repeats")
    print("the statement alone, timed inside a fresh process:")
    for label in labels:
        print(_row(label, inside[label]))
    print("the whole process (start-up included):")
    for label in labels:
        print(_row(label, wall[label]))
    best = min(inside["import lrcore"])
    verdict = "within" if best <= TARGET_MS else "ABOVE"
    print(f"import lrcore: {best:.2f} ms (min) -- {verdict} the {TARGET_MS:g} ms target")
    extra = min(wall["import lrcore"]) - min(wall["python -c pass"])
    print(f"import lrcore adds {extra:.2f} ms to an interpreter's start-up (min against min)")
    print(f"frameworks imported by `import lrcore`: {', '.join(sorted(heavy)) or 'none'}")
    return 0  # a benchmark reports; it never fails a command on noise


if __name__ == "__main__":
    sys.exit(main())
