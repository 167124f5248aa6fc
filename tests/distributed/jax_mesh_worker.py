"""JAX training on 8 host devices driven by lrcore (``lrcore_optax.to_optax``).

Usage: ``XLA_FLAGS=--xla_force_host_platform_device_count=8 python jax_mesh_worker.py
SPEC_JSON OUT_JSON``.  The flag only takes effect if it is set before JAX is imported,
which is why this runs in its own process.

For every ``(base, schedule)`` of the spec, two training runs over a ``Mesh`` of the 8
devices (axis ``"d"``):

- ``jit``: a ``jax.jit`` train step with ``optax.sgd(to_optax(schedule, base))``; the
  weight ``w`` (4 x 8) is sharded by columns and the batch (32 x 4) by rows, both with
  ``NamedSharding``;
- ``shard_map``: the same update written per device with ``jax.shard_map`` and
  ``optax.inject_hyperparams(optax.sgd)(learning_rate=to_optax(schedule, base))``: ``w`` is
  replicated, each device holds 4 rows of the batch and averages the gradient with
  ``pmean``; each device computes the lr from the replicated step count itself and
  returns it, with the ``learning_rate`` that ``inject_hyperparams`` recorded.

Both models carry a *probe* of 8 scalars sharded one per device, set to 0 before every
update and entering the loss as ``sum(probe)`` (gradient 1): after the update, device
``i``'s ``-probe[i]`` is the lr that device applied (float32, exact: ``0 - lr * 1``).

Resume: before update ``resume_at`` the params and ``opt_state`` are fetched to the host
and pickled; after the uninterrupted run they are unpickled, put back on the mesh with
their shardings and the run continues to ``steps``.  Writes, per run, the lr each device
applied / computed at every update (device order) and the final weights.
"""

from __future__ import annotations

import json
import os
import pickle
import sys
from pathlib import Path
from typing import Any

DEVICES = 8


def _batch(k: int) -> Any:
    import numpy as np

    return np.random.default_rng(k).standard_normal((4 * DEVICES, 4)).astype(np.float32)


def _mesh() -> Any:
    import jax

    # Auto axes: the compiler propagates the shardings (JAX 0.10's make_mesh defaults to
    # Explicit axes, where a product of a row- and a column-sharded operand is an error).
    return jax.make_mesh((DEVICES,), ("d",), axis_types=(jax.sharding.AxisType.Auto,))


def _per_device(array: Any) -> list[float]:
    """The values of a ``P("d")``-sharded vector, one per device, in device order."""
    shards = sorted(array.addressable_shards, key=lambda shard: shard.device.id)
    if len(shards) != DEVICES:
        raise RuntimeError(f"expected {DEVICES} shards, got {len(shards)}: {array.sharding}")
    return [float(value) for shard in shards for value in shard.data.tolist()]


def _jit_run(schedule: dict[str, Any], base: float, steps: int, resume_at: int) -> dict[str, Any]:
    import jax
    import jax.numpy as jnp
    import optax
    from jax.sharding import NamedSharding
    from jax.sharding import PartitionSpec as P

    from lrcore_optax import to_optax

    mesh = _mesh()
    shardings = {"w": NamedSharding(mesh, P(None, "d")), "probe": NamedSharding(mesh, P("d"))}
    rows = NamedSharding(mesh, P("d", None))
    replicated = NamedSharding(mesh, P())
    optimizer = optax.sgd(to_optax(schedule, base))

    def loss(params: Any, x: Any) -> Any:
        return jnp.mean((x @ params["w"]) ** 2) + jnp.sum(params["probe"])

    @jax.jit
    def step(params: Any, opt_state: Any, x: Any) -> Any:
        params = {**params, "probe": jnp.zeros_like(params["probe"])}
        grads = jax.grad(loss)(params, x)
        updates, opt_state = optimizer.update(grads, opt_state, params)
        params = optax.apply_updates(params, updates)
        params = jax.lax.with_sharding_constraint(params, shardings)
        return params, opt_state

    def place(params: Any, opt_state: Any) -> tuple[Any, Any]:
        params = {name: jax.device_put(value, shardings[name]) for name, value in params.items()}
        return params, jax.device_put(opt_state, replicated)

    def train(params: Any, opt_state: Any, first: int, last: int) -> tuple[Any, Any, Any]:
        applied, saved = [], None
        for k in range(first, last):
            if k == resume_at:
                saved = pickle.dumps(jax.device_get((params, opt_state)))
            params, opt_state = step(params, opt_state, jax.device_put(_batch(k), rows))
            applied.append([-value for value in _per_device(params["probe"])])
        return params, applied, saved

    w = jax.random.normal(jax.random.key(0), (4, DEVICES), jnp.float32)
    params = {"w": w, "probe": jnp.zeros(DEVICES)}
    params, opt_state = place(params, optimizer.init(params))
    params, applied, saved = train(params, opt_state, 0, steps)
    if params["w"].sharding.spec != P(None, "d"):
        raise RuntimeError(f"w is not sharded by columns: {params['w'].sharding}")
    resumed_params, resumed_applied, _ = train(*place(*pickle.loads(saved)), resume_at, steps)
    return {
        "applied": applied,
        "w": jax.device_get(params["w"]).tolist(),
        "resumed_applied": resumed_applied,
        "resumed_w": jax.device_get(resumed_params["w"]).tolist(),
    }


def _shard_map_run(
    schedule: dict[str, Any], base: float, steps: int, resume_at: int
) -> dict[str, Any]:
    import jax
    import jax.numpy as jnp
    import optax
    from jax.sharding import NamedSharding
    from jax.sharding import PartitionSpec as P

    from lrcore_optax import to_optax

    mesh = _mesh()
    specs = {"w": P(), "probe": P("d")}
    shardings = {name: NamedSharding(mesh, spec) for name, spec in specs.items()}
    learning_rate = to_optax(schedule, base)
    optimizer = optax.inject_hyperparams(optax.sgd)(learning_rate=learning_rate)

    def local_loss(params: Any, x: Any) -> Any:
        return jnp.mean((x @ params["w"]) ** 2) + jnp.sum(params["probe"])

    def local_step(params: Any, opt_state: Any, x: Any) -> Any:
        computed = learning_rate(opt_state.count)  # from this device's copy of the count
        params = {**params, "probe": jnp.zeros_like(params["probe"])}
        grads = jax.grad(local_loss)(params, x)
        grads = {**grads, "w": jax.lax.pmean(grads["w"], "d")}
        updates, opt_state = optimizer.update(grads, opt_state, params)
        params = optax.apply_updates(params, updates)
        injected = opt_state.hyperparams["learning_rate"]
        return params, opt_state, computed[None], injected[None]

    step = jax.jit(
        jax.shard_map(
            local_step,
            mesh=mesh,
            in_specs=(specs, P(), P("d")),
            out_specs=(specs, P(), P("d"), P("d")),
        )
    )
    rows = NamedSharding(mesh, P("d"))
    replicated = NamedSharding(mesh, P())

    def place(params: Any, opt_state: Any) -> tuple[Any, Any]:
        params = {name: jax.device_put(value, shardings[name]) for name, value in params.items()}
        return params, jax.device_put(opt_state, replicated)

    def train(params: Any, opt_state: Any, first: int, last: int) -> tuple[Any, dict, Any]:
        seen: dict[str, list[list[float]]] = {"applied": [], "computed": [], "injected": []}
        saved = None
        for k in range(first, last):
            if k == resume_at:
                saved = pickle.dumps(jax.device_get((params, opt_state)))
            params, opt_state, computed, injected = step(
                params, opt_state, jax.device_put(_batch(k), rows)
            )
            seen["applied"].append([-value for value in _per_device(params["probe"])])
            seen["computed"].append(_per_device(computed))
            seen["injected"].append(_per_device(injected))
        return params, seen, saved

    w = jax.random.normal(jax.random.key(0), (4, 1), jnp.float32)
    params = {"w": w, "probe": jnp.zeros(DEVICES)}
    params, opt_state = place(params, optimizer.init(params))
    params, seen, saved = train(params, opt_state, 0, steps)
    resumed_params, resumed_seen, _ = train(*place(*pickle.loads(saved)), resume_at, steps)
    return {
        **seen,
        "w": jax.device_get(params["w"]).tolist(),
        **{f"resumed_{key}": value for key, value in resumed_seen.items()},
        "resumed_w": jax.device_get(resumed_params["w"]).tolist(),
    }


def main(spec_path: str, out_path: str) -> None:
    import jax

    if jax.device_count() != DEVICES:
        sys.exit(
            f"jax_mesh_worker: expected {DEVICES} devices, got {jax.devices()} "
            f"(XLA_FLAGS={os.environ.get('XLA_FLAGS')!r}; it must be set before jax is imported)"
        )
    spec = json.loads(Path(spec_path).read_text())
    steps, resume_at = spec["steps"], spec["resume_at"]
    record: dict[str, Any] = {
        "devices": [str(device) for device in jax.devices()],
        "dtype": str(jax.numpy.zeros(()).dtype),
        "jit": [],
        "shard_map": [],
    }
    for base, schedule in zip(spec["bases"], spec["schedules"], strict=True):
        record["jit"].append(_jit_run(schedule, base, steps, resume_at))
        record["shard_map"].append(_shard_map_run(schedule, base, steps, resume_at))
    Path(out_path).write_text(json.dumps(record))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(f"usage: {sys.argv[0]} SPEC_JSON OUT_JSON")
    main(sys.argv[1], sys.argv[2])
