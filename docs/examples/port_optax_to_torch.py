"""optax -> torch: port an optax schedule (a closure) and train with torch."""
# ruff: noqa: E402, B007

import optax
import torch

from lrcore_optax import from_optax
from lrcore_torch import to_torch

# --8<-- [start:guide]
# optax schedules are closures: port the call that builds one, by name and arguments.
base_lr, schedule = from_optax(
    "warmup_cosine_decay_schedule",
    init_value=0.0,
    peak_value=0.1,
    warmup_steps=100,
    decay_steps=1000,
    end_value=1e-3,
)
print(base_lr, schedule.to_config())  # 0.1 {'name': 'optax_warmup_cosine', ...}

model = torch.nn.Linear(3, 1)
optimizer = torch.optim.SGD(model.parameters(), lr=base_lr)  # the base lr is the group's lr
scheduler = to_torch(schedule, optimizer)

for k in range(1200):  # update k trains at base_lr * schedule(k) == optax's schedule(k)
    loss = model(torch.randn(8, 3)).pow(2).mean()
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    scheduler.step()
# --8<-- [end:guide]

# Check: torch's lr at every update against optax's own schedule in float64.
import jax

jax.config.update("jax_enable_x64", True)
native = optax.warmup_cosine_decay_schedule(0.0, 0.1, 100, 1000, end_value=1e-3)
optimizer2 = torch.optim.SGD(torch.nn.Linear(3, 1).parameters(), lr=base_lr)
scheduler2 = to_torch(schedule, optimizer2)
for k in range(1200):
    want = float(native(k))
    got = optimizer2.param_groups[0]["lr"]
    assert abs(got - want) <= 1e-12 * max(abs(want), 1e-300), (k, got, want)
    optimizer2.step()
    scheduler2.step()
print("optax -> torch: 1200 updates equal to optax's warmup_cosine_decay_schedule (float64)")
