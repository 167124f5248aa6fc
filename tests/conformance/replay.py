"""Replaying a port on every backend: core int and NumPy paths, torch, Paddle and optax.

``assert_replays(pairs, want, what=...)`` checks that ``base_g * schedule_g(k)`` equals
``want[g][k]`` -- the lr a native gave group ``g`` at update ``k`` (from ``natives``) --

* on the core's int path and on a NumPy ``int64`` array (rel 1e-12),
* through ``lrcore_torch.to_torch`` on a real SGD optimizer with one group per pair,
  read from the optimizer after ``k`` calls of ``scheduler.step()`` (rel 1e-12),
* through ``lrcore_paddle.to_paddle`` (one scheduler per pair; ``get_lr()`` after ``k``
  calls of ``step()``, float64) (rel 1e-12),
* through ``lrcore_optax.to_optax`` under ``jax.jit`` in float32
  (``|got - want| <= 2e-6 |want| + 1e-6 base``).

Tolerances: ``|got - want| <= rtol * |want| + atol * base`` with ``rtol = 1e-12`` and
``atol = 1e-15`` by default -- a native that chains ``lr * factor`` over thousands of
steps drifts by a few ulps, and a value of 0 must be 0 to the base's last bits.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from lrcore import Schedule

Pairs = Sequence[tuple[float, Schedule]]


def _assert_close(
    got: Sequence[float], want: Sequence[float], base: float, rtol: float, atol: float, what: str
) -> None:
    got_values = np.asarray(got, dtype=np.float64)
    want_values = np.asarray(want, dtype=np.float64)
    assert got_values.shape == want_values.shape, (what, got_values.shape, want_values.shape)
    error = np.abs(got_values - want_values)
    bound = rtol * np.abs(want_values) + atol * abs(base)
    bad = np.nonzero(~(error <= bound))[0]
    assert bad.size == 0, (
        f"{what}: step {bad[0]}: got {got_values[bad[0]]!r}, want {want_values[bad[0]]!r} "
        f"({bad.size} steps differ)"
    )


def replay_core(pairs: Pairs, steps: int) -> tuple[list[list[float]], list[list[float]]]:
    """``base * schedule(k)`` on the int path and on a NumPy int64 array."""
    ints = [[base * schedule(k) for k in range(steps)] for base, schedule in pairs]
    arrays = [
        list(base * np.asarray(schedule(np.arange(steps, dtype=np.int64))))
        for base, schedule in pairs
    ]
    return ints, arrays


def replay_torch(pairs: Pairs, steps: int) -> list[list[float]]:
    import torch

    import lrcore_torch

    model = torch.nn.ModuleList(torch.nn.Linear(2, 1) for _ in pairs)
    groups = [
        {"params": list(layer.parameters()), "lr": base}
        for layer, (base, _) in zip(model, pairs, strict=True)
    ]
    optimizer = torch.optim.SGD(groups, lr=pairs[0][0])
    scheduler = lrcore_torch.to_torch([schedule for _, schedule in pairs], optimizer)
    lrs: list[list[float]] = [[] for _ in pairs]
    x = torch.ones(1, 2)
    for _ in range(steps):
        for g, group in enumerate(optimizer.param_groups):
            lrs[g].append(float(group["lr"]))
        optimizer.zero_grad()
        sum(layer(x).sum() for layer in model).backward()
        optimizer.step()
        scheduler.step()
    return lrs


def replay_paddle(pairs: Pairs, steps: int) -> list[list[float]]:
    import lrcore_paddle

    lrs: list[list[float]] = []
    for base, schedule in pairs:
        scheduler = lrcore_paddle.to_paddle(schedule, base)
        values = []
        for _ in range(steps):
            values.append(float(scheduler.last_lr))
            scheduler.step()
        lrs.append(values)
    return lrs


def replay_optax(pairs: Pairs, steps: int) -> list[list[float]]:
    import jax
    import jax.numpy as jnp

    import lrcore_optax

    counts = jnp.arange(steps, dtype=jnp.int32)
    # One device-to-host copy per group: indexing a JAX array element by element
    # would compile a new slicing op per length.
    return [
        np.asarray(
            jax.jit(lrcore_optax.to_optax(schedule, base))(counts), dtype=np.float64
        ).tolist()
        for base, schedule in pairs
    ]


def assert_replays(
    pairs: Pairs,
    want: Sequence[Sequence[float]],
    *,
    what: str,
    rtol: float = 1e-12,
    atol: float = 1e-15,
    backends: Sequence[str] = ("core", "torch", "paddle", "optax"),
) -> None:
    """``base_g * schedule_g(k) == want[g][k]`` on every backend (see the module docstring)."""
    assert len(pairs) == len(want), f"{what}: {len(pairs)} ported groups, {len(want)} native"
    for base, schedule in pairs:
        assert isinstance(schedule, Schedule), f"{what}: not a Schedule: {schedule!r}"
        assert isinstance(base, float), f"{what}: base lr {base!r} is not a float"
    steps = len(want[0])
    if "core" in backends:
        ints, arrays = replay_core(pairs, steps)
        for g, (base, _) in enumerate(pairs):
            _assert_close(ints[g], want[g], base, rtol, atol, f"{what} core int, group {g}")
            _assert_close(arrays[g], want[g], base, rtol, atol, f"{what} core numpy, group {g}")
    if "torch" in backends:
        lrs = replay_torch(pairs, steps)
        for g, (base, _) in enumerate(pairs):
            _assert_close(lrs[g], want[g], base, rtol, atol, f"{what} to_torch, group {g}")
    if "paddle" in backends:
        lrs = replay_paddle(pairs, steps)
        for g, (base, _) in enumerate(pairs):
            _assert_close(lrs[g], want[g], base, rtol, atol, f"{what} to_paddle, group {g}")
    if "optax" in backends:
        lrs = replay_optax(pairs, steps)
        for g, (base, _) in enumerate(pairs):
            _assert_close(lrs[g], want[g], base, 2e-6, 1e-6, f"{what} to_optax f32, group {g}")


def assert_config_round_trip(pairs: Pairs) -> None:
    """A port is a closed-form config: small, JSON, rebuilt equal (no recorded table)."""
    import json
    import pickle

    import lrcore

    for _, schedule in pairs:
        config = schedule.to_config()
        text = json.dumps(config)
        assert len(text) < 20_000, f"config of {len(text)} characters: a table, not a port"
        assert lrcore.from_config(json.loads(text)) == schedule
        assert pickle.loads(pickle.dumps(schedule)) == schedule


def rng_for(*parts: Any) -> np.random.Generator:
    """A seeded generator per test case, so that failures reproduce."""
    import zlib

    return np.random.default_rng(zlib.crc32(repr(parts).encode()))
