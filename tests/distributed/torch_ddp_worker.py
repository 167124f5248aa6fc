"""One rank of a torch ``DistributedDataParallel`` run (gloo, CPU) driven by lrcore.

Usage: ``python torch_ddp_worker.py SPEC_JSON OUT_DIR {full,resume}`` with ``RANK``,
``WORLD_SIZE``, ``MASTER_ADDR`` and ``MASTER_PORT`` in the environment.

The model (float64) has one ``Linear`` layer and one *probe* scalar per parameter group;
the optimizer is plain SGD with one group per schedule, its lrs set by
``lrcore_torch.to_torch(spec["schedules"], optimizer)``.  Every rank trains on its own
batch, so the ranks' parameters only stay equal if DDP really averages the gradients.

The probe measures the lr the optimizer *applied* at each update: it is set to 0 before
the update and enters the loss as ``probe * 1``, so its gradient is 1 on every rank (also
after DDP's average) and SGD leaves ``0 - lr * 1``: ``-probe`` is the applied lr, exact in
float64.

``full`` runs updates ``0 .. steps-1``; before update ``resume_at`` rank 0 saves the
model, optimizer and scheduler state dicts (``torch.save``) and every rank waits for it.
``resume`` starts from a differently initialised model in fresh processes (a new process
group), loads that checkpoint on every rank (``torch.load(weights_only=True)``) and runs
updates ``resume_at .. steps-1``.  Each rank writes ``torch_<phase>_rank<r>.json``.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
from pathlib import Path
from typing import Any

TIMEOUT = datetime.timedelta(seconds=60)


def _net(groups: int, seed: int) -> Any:
    import torch

    class Net(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layers = torch.nn.ModuleList(torch.nn.Linear(4, 1) for _ in range(groups))
            self.probes = torch.nn.ParameterList(
                torch.nn.Parameter(torch.zeros(1)) for _ in range(groups)
            )

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            loss = sum(layer(x).pow(2).mean() for layer in self.layers)
            return loss + sum(probe.sum() for probe in self.probes)

    torch.manual_seed(seed)
    return Net().double()


def main(spec_path: str, out_dir: str, phase: str) -> None:
    import torch
    import torch.distributed as dist
    from torch.nn.parallel import DistributedDataParallel

    from lrcore_torch import to_torch

    torch.set_num_threads(1)
    spec = json.loads(Path(spec_path).read_text())
    schedules, bases = spec["schedules"], spec["bases"]
    steps, resume_at = spec["steps"], spec["resume_at"]
    checkpoint = Path(out_dir) / "torch_checkpoint.pt"

    dist.init_process_group("gloo", timeout=TIMEOUT)
    rank = dist.get_rank()
    # A different initialisation on resume: only the checkpoint can make it match.
    net = _net(len(bases), seed=0 if phase == "full" else 12345)
    groups = [
        {"params": [*layer.parameters(), probe], "lr": base}
        for layer, probe, base in zip(net.layers, net.probes, bases, strict=True)
    ]
    optimizer = torch.optim.SGD(groups, lr=bases[0])
    scheduler = to_torch(schedules, optimizer)
    first = 0
    if phase == "resume":
        state = torch.load(checkpoint, weights_only=True)
        net.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        first = state["step"]
    model = DistributedDataParallel(net)

    record: dict[str, Any] = {"rank": rank, "world_size": dist.get_world_size(), "first": first}
    lrs: list[list[float]] = [[] for _ in bases]
    applied: list[list[float]] = [[] for _ in bases]
    for k in range(first, steps):
        if phase == "full" and k == resume_at:
            if rank == 0:
                state = {
                    "model": net.state_dict(),
                    "optimizer": optimizer.state_dict(),
                    "scheduler": scheduler.state_dict(),
                    "step": k,
                }
                torch.save(state, checkpoint)
            dist.barrier()
        with torch.no_grad():
            for probe in net.probes:
                probe.zero_()
        # Each rank its own batch, the same on resume (seeded by rank and step).
        generator = torch.Generator().manual_seed(1000 * rank + k)
        x = torch.randn(8, 4, generator=generator, dtype=torch.float64)
        optimizer.zero_grad()
        model(x).backward()
        for g, group in enumerate(optimizer.param_groups):
            lrs[g].append(group["lr"])
        optimizer.step()
        for g, probe in enumerate(net.probes):
            applied[g].append(-probe.item())
        scheduler.step()
    record["lrs"] = lrs
    record["applied"] = applied
    record["params"] = [
        value
        for name, p in net.named_parameters()
        if "probes" not in name
        for value in p.detach().flatten().tolist()
    ]
    out = Path(out_dir) / f"torch_{phase}_rank{rank}.json"
    out.write_text(json.dumps(record))
    dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[3] not in ("full", "resume"):
        sys.exit(f"usage: {sys.argv[0]} SPEC_JSON OUT_DIR {{full,resume}}")
    for variable in ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT"):
        if variable not in os.environ:
            sys.exit(f"{sys.argv[0]}: environment variable {variable} is not set")
    main(sys.argv[1], sys.argv[2], sys.argv[3])
