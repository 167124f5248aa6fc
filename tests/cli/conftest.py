"""Config files in the three formats, written to ``tmp_path`` as a user would write them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

# The same two named schedules (and entries that are not schedules) in each format.
LR = {
    "name": "warmup",
    "warmup_steps": 100,
    "start_factor": 0.01,
    "schedule": {"name": "cosine_annealing", "T_max": 900, "min_factor": 0.05},
}
MOMENTUM = {"name": "one_cycle_momentum", "total_steps": 1000}

TOML = """\
epochs = 90  # not a schedule: ignored

[optimizer]
lr = 0.1

[lr]
name = "warmup"
warmup_steps = 100
start_factor = 0.01

[lr.schedule]
name = "cosine_annealing"
T_max = 900
min_factor = 0.05

[momentum]
name = "one_cycle_momentum"
total_steps = 1000
"""

YAML = """\
epochs: 90
optimizer:
  lr: 0.1
lr:
  name: warmup
  warmup_steps: 100
  start_factor: 0.01
  schedule:
    name: cosine_annealing
    T_max: 900
    min_factor: 0.05
momentum:
  name: one_cycle_momentum
  total_steps: 1000
train:
  scheduler:
    cos:
      name: cosine_annealing
      T_max: 50
"""


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """``{"toml", "yaml", "yml", "json", "single"}`` -> a config file in ``tmp_path``."""
    paths = {
        "toml": tmp_path / "schedules.toml",
        "yaml": tmp_path / "schedules.yaml",
        "yml": tmp_path / "schedules.yml",
        "json": tmp_path / "schedules.json",
        "single": tmp_path / "single.json",
    }
    paths["toml"].write_text(TOML, encoding="utf-8")
    paths["yaml"].write_text(YAML, encoding="utf-8")
    paths["yml"].write_text(YAML, encoding="utf-8")
    named = {"epochs": 90, "lr": LR, "momentum": MOMENTUM}
    paths["json"].write_text(json.dumps(named, indent=2), encoding="utf-8")
    single = {"name": "cosine_annealing", "T_max": 100, "min_factor": 0.05}
    paths["single"].write_text(json.dumps(single), encoding="utf-8")
    return paths
