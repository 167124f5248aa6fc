"""The catalogue: the same checks for every registered schedule, driven by ``tests/catalogue``.

For every valid case of every spec: the int path equals the spec's independent oracle
(rel 1e-12) from step 0 to well past the end; a NumPy int64 array equals the int path;
``jax.jit`` on int32 steps is within the float32 tolerance; giant steps give finite
factors on every path; the config survives JSON and pickle and rebuilds an equal,
equally hashed schedule; fields are read-only.  For every bad input: the stated
exception, naming the schedule and the field.  And the specs cover
``lrcore.registered()`` exactly: a new schedule without a spec fails here.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import math
import pickle
from typing import Any

import numpy as np
import pytest

import lrcore
from tests.catalogue import Spec, all_specs

SPECS = all_specs()
CASES = [
    pytest.param(spec, config, id=f"{spec.name}-{index}")
    for spec in SPECS
    for index, config in enumerate(spec.configs())
]
BAD = [
    pytest.param(spec, patch, error, text, id=f"{spec.name}-bad-{index}")
    for spec in SPECS
    for index, (patch, error, text) in enumerate(spec.bad)
]


def test_specs_cover_the_registry_exactly() -> None:
    names = [spec.name for spec in SPECS]
    assert len(names) == len(set(names)), "two specs for one name"
    assert set(names) == set(lrcore.registered()), (
        f"missing specs: {sorted(set(lrcore.registered()) - set(names))}; "
        f"specs of unregistered names: {sorted(set(names) - set(lrcore.registered()))}"
    )
    for spec in SPECS:
        assert spec.valid, f"{spec.name}: no valid case"
        assert spec.bad, f"{spec.name}: no bad input"


def _steps(spec: Spec, config: dict[str, Any]) -> list[int]:
    horizon = spec.horizon(config)
    if horizon <= 2000:
        return list(range(horizon + 1))
    return sorted(set(np.linspace(0, horizon, 1500).astype(int).tolist()))


@pytest.mark.parametrize(("spec", "config"), CASES)
def test_int_path_matches_the_oracle(spec: Spec, config: dict[str, Any]) -> None:
    schedule = lrcore.from_config(config)
    for step in _steps(spec, config):
        got, want = schedule(step), spec.oracle(config, step)
        assert type(got) is float, (step, got)
        assert math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-14), (step, got, want)


@pytest.mark.parametrize(("spec", "config"), CASES)
def test_numpy_matches_the_int_path(spec: Spec, config: dict[str, Any]) -> None:
    schedule = lrcore.from_config(config)
    steps = _steps(spec, config)
    got = schedule(np.asarray(steps, dtype=np.int64))
    assert got.shape == (len(steps),)
    np.testing.assert_allclose(got, [schedule(k) for k in steps], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize(("spec", "config"), CASES)
def test_jit_float32_matches_the_oracle(spec: Spec, config: dict[str, Any]) -> None:
    import jax
    import jax.numpy as jnp

    schedule = lrcore.from_config(config)
    steps = _steps(spec, config)
    got = np.asarray(jax.jit(schedule)(jnp.asarray(steps, dtype=jnp.int32)), dtype=np.float64)
    want = np.asarray([spec.oracle(config, k) for k in steps])
    if spec.float32_ok:
        error = np.abs(got - want)
        bad = np.nonzero(~(error <= 2e-6 * np.abs(want) + 1e-6))[0]
        assert bad.size == 0, (steps[bad[0]], got[bad[0]], want[bad[0]])


@pytest.mark.parametrize(("spec", "config"), CASES)
def test_giant_steps(spec: Spec, config: dict[str, Any]) -> None:
    """Far past the end: finite, non-negative, and the int and array paths agree."""
    schedule = lrcore.from_config(config)
    steps = [2**31 - 1, 2**40 + 3, 2**53]
    for step in steps:
        value = schedule(step)
        assert type(value) is float and (math.isfinite(value) or value == math.inf)
        assert value >= 0.0
    np.testing.assert_allclose(
        schedule(np.asarray(steps, dtype=np.int64)), [schedule(k) for k in steps], rtol=1e-9
    )


@pytest.mark.parametrize(("spec", "config"), CASES)
def test_config_pickle_hash_round_trip(spec: Spec, config: dict[str, Any]) -> None:
    schedule = lrcore.from_config(config)
    text = json.dumps(schedule.to_config())
    rebuilt = lrcore.from_config(json.loads(text))
    assert rebuilt == schedule and hash(rebuilt) == hash(schedule)
    assert rebuilt.to_config() == schedule.to_config()
    for copied in (pickle.loads(pickle.dumps(schedule)), copy.deepcopy(schedule)):
        assert copied == schedule
        assert [copied(k) for k in range(0, 50)] == [schedule(k) for k in range(0, 50)]
    assert repr(schedule).startswith(type(schedule).__name__ + "(")
    field = dataclasses.fields(schedule)[0]  # type: ignore[arg-type]
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(schedule, field.name, getattr(schedule, field.name))


@pytest.mark.parametrize(("spec", "patch", "error", "text"), BAD)
def test_bad_input_names_schedule_and_field(
    spec: Spec, patch: dict[str, Any], error: type[Exception], text: str
) -> None:
    config = {"name": spec.name, **spec.valid[0], **patch}
    with pytest.raises(error) as excinfo:
        lrcore.from_config(config)
    message = str(excinfo.value)
    assert spec.name in message, message
    assert text in message, message


@pytest.mark.parametrize(("spec", "config"), CASES)
def test_adapters_replay_the_oracle(spec: Spec, config: dict[str, Any]) -> None:
    """to_torch (real SGD, two groups), to_paddle and to_optax (jit, float32) give
    ``base * oracle(k)`` for every group, from step 0 to past the end."""
    from tests.conformance.replay import assert_replays

    schedule = lrcore.from_config(config)
    steps = min(spec.horizon(config), 400) + 1
    bases = (0.1, 0.003)
    want = [[base * spec.oracle(config, k) for k in range(steps)] for base in bases]
    backends = ["torch", "paddle"] + (["optax"] if spec.float32_ok else [])
    assert_replays([(base, schedule) for base in bases], want, what=spec.name, backends=backends)


def test_array_types_are_recognised_without_importing_frameworks() -> None:
    """Eager JAX arrays with negative steps raise like NumPy's; a torch integer tensor
    evaluates (float64 tensor back); float and bool tensors are a TypeError naming the
    schedule."""
    import jax.numpy as jnp
    import torch

    schedule = lrcore.Exponential(0.5)
    with pytest.raises(ValueError, match="exponential: steps must be >= 0"):
        schedule(jnp.array([-1, 1]))
    with pytest.raises(ValueError, match="exponential: steps must be >= 0"):
        schedule(np.array([-1, 1]))
    got = schedule(torch.tensor([0, 1, 3]))
    assert isinstance(got, torch.Tensor) and got.dtype == torch.float64
    np.testing.assert_allclose(got.numpy(), [1.0, 0.5, 0.125], rtol=1e-15)
    assert schedule(torch.tensor(2)) == 0.25
    for bad in (torch.tensor([1.0]), torch.tensor([True]), torch.tensor(1.5)):
        with pytest.raises(TypeError, match="exponential: steps must be an integer"):
            schedule(bad)
    with pytest.raises(ValueError, match="exponential: steps must be >= 0"):
        schedule(torch.tensor([-2]))


@pytest.mark.parametrize("dtype", ["int8", "int16", "uint8", "uint16", "uint32"])
def test_narrow_integer_steps_do_not_wrap(dtype: str) -> None:
    """Formulas' integer constants never wrap to a narrow step dtype (step_size=200 in int8)."""
    import jax.numpy as jnp

    schedule = lrcore.Step(step_size=200)
    steps = [1, 50, 100]
    for array in (np.asarray(steps, dtype=dtype), jnp.asarray(steps, dtype=dtype)):
        np.testing.assert_allclose(np.asarray(schedule(array)), [1.0, 1.0, 1.0])
    warmup = lrcore.Warmup(10, lrcore.CosineAnnealing(100), start_factor=0.5)
    np.testing.assert_allclose(
        np.asarray(warmup(jnp.asarray([1, 5, 20], dtype=dtype))),
        [warmup(1), warmup(5), warmup(20)],
        rtol=1e-6,
    )
