"""``lrcore compare`` (exit 0 / 1 / 2) and ``lrcore plot`` (a real PNG and SVG)."""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from tests.cli.runner import HEAVY, imported, one_line_error, run

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_compare_equal_files_in_different_formats(files: dict[str, Path]) -> None:
    # The same schedule written in TOML and YAML: equal at every step, exit 0.
    result = run("compare", str(files["toml"]), str(files["yaml"]), "--key", "lr", importtime=True)
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert not imported(result.stderr) & set(HEAVY)
    assert "steps 0..2000" in result.stdout  # twice the end, warmup_steps + T_max = 1000
    assert "identical at every step" in result.stdout and "EQUAL" in result.stdout
    # A single-schedule CONFIG is used as is beside a keyed one.
    same = json.dumps(json.loads(files["json"].read_text(encoding="utf-8"))["lr"])
    assert run("compare", same, str(files["yml"]), "--key", "lr").returncode == 0
    # What `lrcore port --json` writes is one schedule too (its base lr aside).
    ported = files["json"].with_name("port.json")
    ported.write_text(json.dumps({"base_lr": 0.1, "schedule": json.loads(same)}), "utf-8")
    assert run("compare", str(ported), str(files["toml"]), "--key", "lr").returncode == 0


def test_compare_different_reports_largest_and_first_difference(files: dict[str, Path]) -> None:
    a = '{"name": "cosine_annealing", "T_max": 100, "min_factor": 0.05}'
    b = '{"name": "cosine_annealing", "T_max": 100, "min_factor": 0.0501}'
    result = run("compare", a, b)
    assert result.returncode == 1, (result.stdout, result.stderr)
    # |A - B| = 0.0001 * (1 - (1 + cos(pi k / 100)) / 2): 0 at k = 0, largest (0.0001) at
    # k = 100 (the first of its repeats every 200 steps), first beyond 1e-12 relative at k = 1.
    lines = {line.split("  ")[0]: line for line in result.stdout.splitlines()}
    assert lines["largest difference"].startswith("largest difference  0.0001 at step 100:")
    first = lines["first difference"]
    assert first.startswith("first difference    step 1:"), first
    want_a = 0.05 + 0.95 * (1 + math.cos(math.pi / 100)) / 2
    assert f"A {want_a:.12g}" in first
    assert "NOT EQUAL" in result.stdout
    # Within a loose tolerance the same pair is equal; over steps 0..0 too.
    assert run("compare", a, b, "--atol", "1e-3").returncode == 0
    assert run("compare", a, b, "--steps", "0").returncode == 0


def test_compare_bad_inputs_exit_2(files: dict[str, Path], tmp_path: Path) -> None:
    good = str(files["single"])
    cases = [
        ([good, str(tmp_path / "nope.json")], "no such file"),
        ([good, '{"name": "linear", "start": 1, "end": 0, "steps": -1}'], "steps"),
        ([good, good, "--rtol", "-1"], "--rtol"),
        ([good, str(files["toml"])], "several schedules"),
    ]
    for arguments, text in cases:
        message = one_line_error(run("compare", *arguments))
        assert message.startswith("lrcore compare: error: ") and text in message, message


def test_plot_png_and_svg(files: dict[str, Path], tmp_path: Path) -> None:
    png = tmp_path / "curves.png"
    config = '{"name": "one_cycle", "total_steps": 1000}'
    # A positional CONFIG after an option, as users write it.
    result = run("plot", str(files["toml"]), "--key", "lr", config, "-o", str(png))
    assert result.returncode == 0, result.stderr
    assert "2 schedule(s), steps 0..1250" in result.stdout
    data = png.read_bytes()
    assert data.startswith(PNG_MAGIC) and len(data) > 10_000

    svg = tmp_path / "curves.svg"
    result = run(
        "plot", str(files["yaml"]), "--key", "lr", "--log", "--base-lr", "0.1", "--steps", "500",
        "-o", str(svg),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    root = ElementTree.parse(svg).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    text = svg.read_text(encoding="utf-8")
    # matplotlib writes each text's string as a comment beside its glyphs
    for label in ("schedules.yaml[lr]: warmup", "step (optimizer update)", "learning rate"):
        assert label in text, label


def test_plot_errors(files: dict[str, Path], tmp_path: Path) -> None:
    good = str(files["single"])
    bad_type = one_line_error(run("plot", good, "-o", str(tmp_path / "curves.jpg")))
    assert "unsupported image type '.jpg'" in bad_type and ".png or .svg" in bad_type
    no_dir = one_line_error(run("plot", good, "-o", str(tmp_path / "nowhere" / "c.png")))
    assert "no such directory" in no_dir
    missing = one_line_error(run("plot", good))
    assert "-o" in missing and "required" in missing
    bad_config = one_line_error(
        run("plot", good, '{"name": "step"}', "-o", str(tmp_path / "c.png"))
    )
    assert "step: missing required parameter 'step_size'" in bad_config

    # Without matplotlib: a clear error naming the [plot] extra, nothing written.
    shadow = tmp_path / "no_matplotlib"
    (shadow / "matplotlib").mkdir(parents=True)
    (shadow / "matplotlib" / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'matplotlib'\", name='matplotlib')\n",
        encoding="utf-8",
    )
    out = tmp_path / "c.png"
    result = run("plot", good, "-o", str(out), env={"PYTHONPATH": str(shadow)})
    message = one_line_error(result)
    assert "pip install 'lrcore[plot]'" in message and not out.exists()
