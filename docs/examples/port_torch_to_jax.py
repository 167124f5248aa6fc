"""torch -> JAX/optax: port a torch scheduler and train with optax under jax.jit."""
# ruff: noqa: B007

import jax
import jax.numpy as jnp
import optax
import torch

from lrcore_optax import to_optax
from lrcore_torch import from_torch

# --8<-- [start:guide]
# The torch recipe: 10 updates of linear warmup, then cosine annealing to 1e-4.
model = torch.nn.Linear(3, 1)
torch_opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
warmup = torch.optim.lr_scheduler.LinearLR(torch_opt, start_factor=0.1, total_iters=10)
cosine = torch.optim.lr_scheduler.CosineAnnealingLR(torch_opt, T_max=90, eta_min=1e-4)
torch_sched = torch.optim.lr_scheduler.SequentialLR(torch_opt, [warmup, cosine], milestones=[10])

[(base_lr, schedule)] = from_torch(torch_sched)  # one group
print(base_lr, schedule.to_config())  # 0.003 {'name': 'join', ...}

# The same lr curve in optax: count -> base_lr * schedule(count), jit-safe.
optimizer = optax.adamw(to_optax(schedule, base_lr))
params = {"w": jnp.zeros(3), "b": jnp.zeros(())}
opt_state = optimizer.init(params)


@jax.jit
def train_step(params, opt_state, x, y):
    def loss(p):
        return jnp.mean((x @ p["w"] + p["b"] - y) ** 2)

    grads = jax.grad(loss)(params)
    updates, opt_state = optimizer.update(grads, opt_state, params)
    return optax.apply_updates(params, updates), opt_state


x, y = jnp.ones((8, 3)), jnp.ones(8)
for k in range(120):  # update k uses base_lr * schedule(k), past the cosine's end too
    params, opt_state = train_step(params, opt_state, x, y)
# --8<-- [end:guide]

# Check: the optax schedule against torch's lr at every update (JAX computes in float32).
lr_fn = jax.jit(to_optax(schedule, base_lr))
torch_opt2 = torch.optim.AdamW(torch.nn.Linear(3, 1).parameters(), lr=3e-3)
native = torch.optim.lr_scheduler.SequentialLR(
    torch_opt2,
    [
        torch.optim.lr_scheduler.LinearLR(torch_opt2, start_factor=0.1, total_iters=10),
        torch.optim.lr_scheduler.CosineAnnealingLR(torch_opt2, T_max=90, eta_min=1e-4),
    ],
    milestones=[10],
)
for k in range(120):
    want = torch_opt2.param_groups[0]["lr"]
    got = float(lr_fn(k))
    assert abs(got - want) <= 2e-6 * abs(want) + 1e-6 * base_lr, (k, got, want)
    assert abs(base_lr * schedule(k) - want) <= 1e-12 * want, k  # the float64 core: exact
    torch_opt2.step()
    native.step()
print("torch -> JAX: 120 updates equal to torch's SequentialLR (float32 rule; core exact)")
