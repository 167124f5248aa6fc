"""`make demo`: one recipe, written once, run on PyTorch, PaddlePaddle and optax.

The recipe is a linear warmup (from 1% of the base lr over 100 updates) into a
cosine annealing to 5% over 900 updates, as an lrcore config.  The demo ports
it to the three backends, prints their learning rates side by side at sample
steps with the largest deviation from the core, and plots the three curves.
"""

from __future__ import annotations

import logging
import os
import sys
import warnings
from pathlib import Path

os.environ.setdefault("GLOG_minloglevel", "2")  # Paddle's start-up chatter
logging.disable(logging.WARNING)  # JAX's "no TPU" notice
warnings.filterwarnings("ignore", message="No ccache found")  # Paddle, at import

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import paddle  # noqa: E402
import torch  # noqa: E402

import lrcore  # noqa: E402
from lrcore_optax import to_optax  # noqa: E402
from lrcore_paddle import to_paddle  # noqa: E402
from lrcore_torch import to_torch  # noqa: E402

BASE_LR = 0.1
RECIPE = {
    "name": "warmup",
    "warmup_steps": 100,
    "start_factor": 0.01,
    "schedule": {"name": "cosine_annealing", "T_max": 900, "min_factor": 0.05},
}
STEPS = 1200  # past the end of the cosine, where it turns back up (as torch's does)
SAMPLES = [0, 1, 50, 99, 100, 101, 500, 999, 1000, 1001, 1199]
OUTPUT = Path(__file__).resolve().parent.parent / "artifacts" / "warmup_cosine.png"


def torch_lrs() -> np.ndarray:
    model = torch.nn.Linear(2, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=BASE_LR)
    scheduler = to_torch(RECIPE, optimizer)
    lrs = []
    for _ in range(STEPS):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return np.array(lrs)


def paddle_lrs() -> np.ndarray:
    model = paddle.nn.Linear(2, 1)
    scheduler = to_paddle(RECIPE, BASE_LR)
    optimizer = paddle.optimizer.SGD(learning_rate=scheduler, parameters=model.parameters())
    lrs = []
    for _ in range(STEPS):
        lrs.append(optimizer.get_lr())
        optimizer.step()
        scheduler.step()
    return np.array(lrs)


def optax_lrs() -> np.ndarray:
    schedule = jax.jit(jax.vmap(to_optax(RECIPE, BASE_LR)))
    return np.asarray(schedule(jnp.arange(STEPS)), dtype=np.float64)


def main() -> int:
    core = BASE_LR * lrcore.from_config(RECIPE)(np.arange(STEPS))
    curves = {"torch": torch_lrs(), "paddle": paddle_lrs(), "optax (float32)": optax_lrs()}

    print(f"recipe: {RECIPE}\nbase lr {BASE_LR}; lr at optimizer update k (k from 0)\n")
    print(f"{'step':>6} {'core':>12}" + "".join(f" {name:>16}" for name in curves))
    for step in SAMPLES:
        row = "".join(f" {curve[step]:16.10f}" for curve in curves.values())
        print(f"{step:>6} {core[step]:12.10f}{row}")

    print("\nmax |backend - core| over all steps:")
    ok = True
    for name, curve in curves.items():
        deviation = np.abs(curve - core)
        float32 = name.startswith("optax")
        bound = 2e-6 * np.abs(core) + 1e-6 * BASE_LR if float32 else 1e-12 * np.abs(core)
        within = bool(np.all(deviation <= bound))
        ok &= within
        rule = "2e-6*|lr| + 1e-6*base_lr" if float32 else "1e-12*|lr|"
        print(f"  {name:16} {deviation.max():.3e}   within {rule}: {'yes' if within else 'NO'}")

    OUTPUT.parent.mkdir(exist_ok=True)
    figure, axis = plt.subplots(figsize=(8, 4))
    axis.plot(core, color="black", linewidth=4, alpha=0.25, label="lrcore core")
    for (name, curve), style in zip(curves.items(), ["-", "--", ":"], strict=True):
        axis.plot(curve, style, label=name)
    axis.axvline(RECIPE["warmup_steps"], color="grey", linewidth=0.5)
    axis.set(xlabel="optimizer update", ylabel="learning rate", title="warmup + cosine, 3 backends")
    axis.legend()
    figure.tight_layout()
    figure.savefig(OUTPUT, dpi=110)
    print(f"\nplot: {OUTPUT}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
