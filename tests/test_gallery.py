"""The gallery covers every registered schedule, and its script runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import lrcore

ROOT = Path(__file__).resolve().parents[1]
GALLERY = ROOT / "docs" / "gallery"


def test_gallery_has_a_plot_for_every_registered_name() -> None:
    index = (GALLERY / "README.md").read_text()
    missing = [
        name
        for name in lrcore.registered()
        if f"## `{name}`" not in index or not (GALLERY / f"{name}.png").is_file()
    ]
    assert not missing, f"no gallery plot for {missing}: run python examples/gallery.py"


def test_gallery_script_draws(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "examples" / "gallery.py"),
            "--out",
            str(tmp_path),
            "--names",
            "warmup",
            "multistep",
        ],
        check=True,
        capture_output=True,
    )
    assert (tmp_path / "warmup.png").stat().st_size > 1000
    assert (tmp_path / "multistep.png").stat().st_size > 1000
