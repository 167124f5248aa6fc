"""Speed of the piece table: the cost of a schedule must not grow with its number of pieces.

Each row times an lrcore path against its reference in one run, alternating the two
(in ABBA order, so that drift on a shared machine hits both sides alike) over several
repeats.  ``ratio`` is the best lrcore time over the best reference time;
``paired p10-p90`` is the spread of the ratios of the repeats taken pair by pair,
which shows how noisy the machine was.  Only ratios are meaningful.

* ``multistep`` with 1,000 milestones against 1 milestone (NumPy, ``jax.jit`` run and
  compile, Python ints): a thousand pieces of one family must cost about what two do.
* ``cosine_restarts`` (torch's ``CosineAnnealingWarmRestarts(T_0=10, T_mult=2)``)
  against a hand-written NumPy closed form of the same cycles.
* The five ratios of ``bench_warmup_cosine.py`` (its cases, re-timed here).
* Rows without a target are for information: steps in random order, irregular
  milestones (no bucket table fits them: the binary-search fallback), and
  ``cosine_restarts`` under ``jax.jit``.

A ratio over its target is flagged, never fatal: the script exits 0 unless a value is
wrong, since a busy machine can push any ratio over.

    .venv/bin/python bench/bench_pieces.py
"""

from __future__ import annotations

import math
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench_warmup_cosine as warmup_cosine
import jax
import jax.numpy as jnp
import numpy as np

import lrcore

N_ARRAY = 10**6
MILESTONES = 1_000
T_0 = 10
T_MULT = 2

ONE = lrcore.MultiStep(milestones=[N_ARRAY // 2], gamma=0.1)
MANY = lrcore.MultiStep(
    milestones=[(k + 1) * (N_ARRAY // MILESTONES) for k in range(MILESTONES)], gamma=0.99
)
_rng = np.random.default_rng(0)
IRREGULAR = lrcore.MultiStep(
    milestones=sorted(_rng.choice(N_ARRAY, MILESTONES, replace=False).tolist()), gamma=0.99
)
STEPS = np.arange(N_ARRAY, dtype=np.int64)
SHUFFLED = _rng.permutation(STEPS)


Timer = Callable[[], object]


def interleaved(ours: Timer, theirs: Timer, repeats: int) -> tuple[list[float], list[float]]:
    """Wall times of ``ours`` and ``theirs``, alternated ABBA, ``repeats`` of each."""
    ours(), theirs()  # warm caches (piece layouts, allocator, jit dispatch)
    times: dict[bool, list[float]] = {True: [], False: []}
    for repeat in range(repeats):
        order = (True, False) if repeat % 2 == 0 else (False, True)
        for is_ours in order:
            fn = ours if is_ours else theirs
            start = time.perf_counter()
            fn()
            times[is_ours].append(time.perf_counter() - start)
    return times[True], times[False]


@dataclass
class Row:
    ours_name: str
    theirs_name: str
    target: float | None
    ours: list[float]
    theirs: list[float]

    @property
    def ratio(self) -> float:
        return min(self.ours) / min(self.theirs)

    def spread(self) -> tuple[float, float]:
        paired = sorted(a / b for a, b in zip(self.ours, self.theirs, strict=True))
        if len(paired) < 3:
            return paired[0], paired[-1]
        deciles = statistics.quantiles(paired, n=10, method="inclusive")
        return deciles[0], deciles[-1]


# --- multistep: 1,000 milestones against 1 -----------------------------------------------


def multistep_numpy() -> list[Row]:
    np.testing.assert_allclose(MANY(STEPS[:5000]), 0.99 ** (STEPS[:5000] // 1000), rtol=1e-12)
    rows = [
        Row(
            "multistep 1,000 ms, NumPy 1M int64",
            "multistep 1 milestone, same steps",
            3.0,
            *interleaved(lambda: MANY(STEPS), lambda: ONE(STEPS), repeats=21),
        ),
        Row(
            "  same, steps in random order",
            "1 milestone, same random steps",
            None,
            *interleaved(lambda: MANY(SHUFFLED), lambda: ONE(SHUFFLED), repeats=11),
        ),
        Row(
            "  1,000 irregular ms (search fallback)",
            "1 milestone, same steps",
            None,
            *interleaved(lambda: IRREGULAR(STEPS), lambda: ONE(STEPS), repeats=11),
        ),
    ]
    return rows


def multistep_jax() -> list[Row]:
    steps = jnp.arange(N_ARRAY, dtype=jnp.int32)
    many = jax.jit(lambda s: MANY(s))
    one = jax.jit(lambda s: ONE(s))
    np.testing.assert_allclose(many(steps), MANY(np.asarray(steps)), rtol=2e-6, atol=1e-6)
    np.testing.assert_allclose(one(steps), ONE(np.asarray(steps)), rtol=2e-6, atol=1e-6)
    run = Row(
        "multistep 1,000 ms, jit run, 1M int32",
        "multistep 1 milestone, jit run",
        3.0,
        *interleaved(
            lambda: many(steps).block_until_ready(),
            lambda: one(steps).block_until_ready(),
            repeats=25,
        ),
    )

    def compile_time(schedule: lrcore.Schedule) -> Timer:
        def compile_fresh() -> None:
            # A fresh function and empty caches: trace, lower and compile every time.
            jax.jit(lambda s: schedule(s)).lower(steps).compile()

        return compile_fresh

    many_compile, one_compile = compile_time(MANY), compile_time(ONE)
    times: dict[bool, list[float]] = {True: [], False: []}
    for repeat in range(9):
        order = (True, False) if repeat % 2 == 0 else (False, True)
        for is_ours in order:
            jax.clear_caches()
            start = time.perf_counter()
            (many_compile if is_ours else one_compile)()
            times[is_ours].append(time.perf_counter() - start)
    compile_row = Row(
        "multistep 1,000 ms, jit trace+compile",
        "multistep 1 milestone, jit trace+compile",
        3.0,
        times[True],
        times[False],
    )
    return [run, compile_row]


def multistep_int() -> list[Row]:
    steps = list(range(0, N_ARRAY, N_ARRAY // 10_000))
    for s in steps[:500]:
        if not math.isclose(MANY(s), 0.99 ** (s // 1000), rel_tol=1e-12):
            raise AssertionError(f"multistep({s}) = {MANY(s)}")

    def ours() -> None:
        schedule = MANY
        for s in steps:
            schedule(s)

    def theirs() -> None:
        schedule = ONE
        for s in steps:
            schedule(s)

    return [
        Row(
            "multistep 1,000 ms, 10k int calls",
            "multistep 1 milestone, same calls",
            2.5,
            *interleaved(ours, theirs, repeats=21),
        )
    ]


# --- cosine_restarts against a hand-written closed form -----------------------------------


def hand_restarts_numpy(steps: np.ndarray) -> np.ndarray:
    """Cycle ``n`` starts at ``T_0 (2**n - 1)``: ``n = floor(log2(step / T_0 + 1))``.

    ``frexp`` reads the exponent exactly (no ``log2`` rounding to correct); the float
    quotient is exact enough for these steps (checked against lrcore below).
    """
    cycle = np.frexp(steps / T_0 + 1.0)[1] - 1
    length = np.left_shift(T_0, cycle, dtype=np.int64)
    return 0.5 + 0.5 * np.cos(np.pi * (steps - (length - T_0)) / length)


def hand_restarts_jax(steps: jax.Array) -> jax.Array:
    cycle = jnp.frexp((steps // T_0 + 1).astype(jnp.float32))[1] - 1  # exact below 2**24
    length = jnp.left_shift(jnp.int32(T_0), cycle)
    return 0.5 + 0.5 * jnp.cos(jnp.pi * (steps - (length - T_0)) / length)


def restarts() -> list[Row]:
    schedule = lrcore.from_config({"name": "cosine_restarts", "T_0": T_0, "T_mult": T_MULT})
    np.testing.assert_allclose(schedule(STEPS), hand_restarts_numpy(STEPS), rtol=1e-12, atol=1e-12)
    numpy_row = Row(
        "cosine_restarts(10, 2), NumPy 1M int64",
        "hand-written NumPy (frexp cycles)",
        1.5,
        *interleaved(lambda: schedule(STEPS), lambda: hand_restarts_numpy(STEPS), repeats=21),
    )
    steps = jnp.arange(N_ARRAY, dtype=jnp.int32)
    ours, theirs = jax.jit(lambda s: schedule(s)), jax.jit(hand_restarts_jax)
    np.testing.assert_allclose(ours(steps), theirs(steps), rtol=2e-5, atol=2e-6)
    jax_row = Row(
        "  same, jit run, 1M int32",
        "hand-written jnp, jit",
        None,
        *interleaved(
            lambda: ours(steps).block_until_ready(),
            lambda: theirs(steps).block_until_ready(),
            repeats=15,
        ),
    )
    return [numpy_row, jax_row]


# --- the five ratios of bench_warmup_cosine.py --------------------------------------------

_recorded: list[tuple[list[float], list[float]]] = []


def _recording_best_of(ours: Timer, theirs: Timer, repeats: int) -> tuple[float, float]:
    ours_times, theirs_times = interleaved(ours, theirs, repeats)
    _recorded.append((ours_times, theirs_times))
    return min(ours_times), min(theirs_times)


def warmup_cosine_cases() -> list[Row]:
    warmup_cosine.best_of = _recording_best_of  # its cases time through this hook
    rows = []
    for ours_name, theirs_name, target, case in warmup_cosine.CASES:
        case()
        rows.append(Row(ours_name, theirs_name, target, *_recorded.pop()))
    return rows


GROUPS: list[Callable[[], list[Row]]] = [
    multistep_numpy,
    multistep_jax,
    multistep_int,
    restarts,
    warmup_cosine_cases,
]


def main() -> int:
    load = os.getloadavg()[0]
    print(
        f"NumPy {np.__version__}, JAX {jax.__version__}; load average {load:.1f} on "
        f"{os.cpu_count()} CPUs (a load above the CPU count makes every ratio noisy)"
    )
    print(
        f"{'lrcore':42} {'reference':42} {'ours':>9} {'theirs':>9} {'ratio':>6} "
        f"{'paired p10-p90':>14} {'target':>6}"
    )
    over = []
    for group in GROUPS:
        for row in group():
            low, high = row.spread()
            target = "" if row.target is None else f"{row.target:5.1f}x"
            flag = ""
            if row.target is not None and row.ratio > row.target:
                flag = "  OVER"
                over.append(row.ours_name.strip())
            spread = f"{low:.2f}-{high:.2f}x"
            print(
                f"{row.ours_name:42} {row.theirs_name:42} {min(row.ours) * 1e3:7.2f}ms "
                f"{min(row.theirs) * 1e3:7.2f}ms {row.ratio:5.2f}x {spread:>14} {target:>6}{flag}",
                flush=True,
            )
    if over:
        print(f"over target (rerun on a quiet machine to tell noise from a regression): {over}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
