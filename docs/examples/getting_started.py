"""Getting started: define a schedule once, evaluate it, run it on torch, Paddle and optax."""
# ruff: noqa: E402, B007

# --8<-- [start:define]
import lrcore

schedule = lrcore.from_config(
    {
        "name": "warmup",
        "warmup_steps": 100,
        "start_factor": 0.01,
        "schedule": {"name": "cosine_annealing", "T_max": 900, "min_factor": 0.05},
    }
)
print(schedule(0), schedule(100), schedule(1000))  # factors of the base lr
# 0.01 1.0 0.050000000000000044
# --8<-- [end:define]
assert (schedule(0), schedule(100)) == (0.01, 1.0) and abs(schedule(1000) - 0.05) < 1e-15

# --8<-- [start:classes]
same = lrcore.Warmup(
    warmup_steps=100,
    start_factor=0.01,
    schedule=lrcore.CosineAnnealing(T_max=900, min_factor=0.05),
)
assert same == schedule and same.to_config() == schedule.to_config()
# --8<-- [end:classes]

# --8<-- [start:arrays]
import numpy as np

factors = schedule(np.arange(1200))  # one vectorised call: a float64 array of 1200 factors
# --8<-- [end:arrays]
assert factors.shape == (1200,) and factors[100] == 1.0

# --8<-- [start:errors]
try:
    lrcore.from_config({"name": "cosine_annealing", "T_max": 0})
except ValueError as error:
    print(error)  # cosine_annealing: T_max must be >= 1, got 0
# --8<-- [end:errors]

# --8<-- [start:torch]
import torch

from lrcore_torch import to_torch

model = torch.nn.Linear(3, 1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)  # base lr 0.1
scheduler = to_torch(schedule, optimizer)  # a LambdaLR subclass
for step in range(1000):
    optimizer.zero_grad()
    model(torch.randn(4, 3)).pow(2).mean().backward()
    optimizer.step()
    scheduler.step()  # once per optimizer update
print(optimizer.param_groups[0]["lr"])  # 0.1 * schedule(1000)
# --8<-- [end:torch]
assert abs(optimizer.param_groups[0]["lr"] - 0.1 * schedule(1000)) <= 1e-15

# --8<-- [start:paddle]
import paddle

from lrcore_paddle import to_paddle

layer = paddle.nn.Linear(3, 1)
scheduler = to_paddle(schedule, learning_rate=0.1)  # a paddle.optimizer.lr.LRScheduler
optimizer = paddle.optimizer.Momentum(learning_rate=scheduler, parameters=layer.parameters())
for step in range(1000):
    layer(paddle.randn([4, 3])).pow(2).mean().backward()
    optimizer.step()
    optimizer.clear_grad()
    scheduler.step()
print(optimizer.get_lr())  # 0.1 * schedule(1000)
# --8<-- [end:paddle]
assert abs(optimizer.get_lr() - 0.1 * schedule(1000)) <= 1e-15

# --8<-- [start:optax]
import optax

from lrcore_optax import to_optax

lr = to_optax(schedule, learning_rate=0.1)  # count -> 0.1 * schedule(count), jit-safe
optimizer = optax.adam(lr)
print(float(lr(1000)))  # float32: 0.1 * schedule(1000) to ~1e-7
# --8<-- [end:optax]
assert abs(float(lr(1000)) - 0.1 * schedule(1000)) <= 2e-6 * 0.005 + 1e-7
print("getting started: ok")
