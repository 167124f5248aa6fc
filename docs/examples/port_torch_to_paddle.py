"""torch -> Paddle: port a live torch scheduler (two parameter groups) and train with Paddle."""
# ruff: noqa: B007

import paddle
import torch

from lrcore_paddle import to_paddle_groups
from lrcore_torch import from_torch

# --8<-- [start:guide]
# The torch recipe: OneCycleLR over two parameter groups (backbone 0.1, head 0.01).
backbone, head = torch.nn.Linear(4, 4), torch.nn.Linear(4, 1)
torch_opt = torch.optim.SGD(
    [{"params": backbone.parameters(), "lr": 0.1}, {"params": head.parameters(), "lr": 0.01}],
    momentum=0.9,
)
torch_sched = torch.optim.lr_scheduler.OneCycleLR(
    torch_opt, max_lr=[0.1, 0.01], total_steps=100, cycle_momentum=False
)

pairs = from_torch(torch_sched)  # one (base_lr, schedule) per group
print([(base, s.to_config()["name"]) for base, s in pairs])  # [(0.1, 'one_cycle'), (0.01, ...)]

# The same curves on Paddle: one scheduler for the optimizer, one dict per group.
p_backbone, p_head = paddle.nn.Linear(4, 4), paddle.nn.Linear(4, 1)
scheduler, groups = to_paddle_groups(pairs, [p_backbone.parameters(), p_head.parameters()])
optimizer = paddle.optimizer.Momentum(learning_rate=scheduler, momentum=0.9, parameters=groups)

for k in range(100):
    x = paddle.randn([8, 4])
    loss = p_head(paddle.nn.functional.relu(p_backbone(x))).mean()
    loss.backward()
    optimizer.step()  # group g trains at pairs[g][0] * pairs[g][1](k)
    optimizer.clear_grad()
    scheduler.step()  # once per update
# --8<-- [end:guide]

# Check: the lrs Paddle's groups got are torch's, at every update.
torch_opt2 = torch.optim.SGD(
    [{"params": backbone.parameters(), "lr": 0.1}, {"params": head.parameters(), "lr": 0.01}]
)
native = torch.optim.lr_scheduler.OneCycleLR(
    torch_opt2, max_lr=[0.1, 0.01], total_steps=100, cycle_momentum=False
)
layers = [paddle.nn.Linear(2, 2), paddle.nn.Linear(2, 2)]
scheduler2, _ = to_paddle_groups(pairs, [layer.parameters() for layer in layers])
for k in range(100):
    want = [group["lr"] for group in torch_opt2.param_groups]
    got = scheduler2.group_lrs()
    assert all(abs(g - w) <= 1e-12 * abs(w) for g, w in zip(got, want, strict=True)), (k, got, want)
    torch_opt2.step()
    native.step()
    scheduler2.step()
print("torch -> Paddle: 100 updates, both groups equal to torch's OneCycleLR")
