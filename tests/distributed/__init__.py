"""Distributed training runs of lrcore schedules (issue 7).

Each framework runs in its own processes, launched by ``test_distributed.py``:

- ``torch_ddp_worker.py``: one process per rank (``torch.distributed`` gloo, CPU), started
  by the test with ``RANK`` / ``WORLD_SIZE`` / ``MASTER_ADDR`` / ``MASTER_PORT``;
- ``paddle_dp_worker.py``: one launcher process calling ``paddle.distributed.spawn``
  with the gloo backend (CPU), which starts the ranks;
- ``jax_mesh_worker.py``: one process with 8 host devices (``XLA_FLAGS`` must be set
  before JAX is imported, so never in the pytest process).

The workers read a JSON spec (schedules, base lrs, steps, resume step) and write what
every rank / device applied as JSON; the test compares those records with each other and
with the core computed in the pytest process.  The worker modules import their framework
inside functions only, so collecting them (``--doctest-modules``) costs nothing.
"""
