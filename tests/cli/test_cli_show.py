"""``lrcore --help``, ``list`` and ``show``, run as the installed console script.

Values are checked against formulas written here (cosine annealing, the linear
warmup), never against lrcore itself.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import lrcore
from tests.cli.runner import HEAVY, field, imported, one_line_error, run, values_table


def cosine_annealing(k: int, t_max: int, m: float) -> float:
    return m + (1 - m) * (1 + math.cos(math.pi * k / t_max)) / 2


def warmup_cosine(k: int) -> float:
    """The ``lr`` schedule of the fixture files: warmup 100 from 0.01, cosine 900 to 0.05."""
    if k < 100:
        return 0.01 + (1 - 0.01) * k / 100
    return cosine_annealing(k - 100, 900, 0.05)


def close(got: float, want: float) -> bool:
    return math.isclose(got, want, rel_tol=1e-10, abs_tol=1e-12)


def test_help_imports_nothing_heavy() -> None:
    result = run("--help", importtime=True)
    assert result.returncode == 0, result.stderr
    for command in ("list", "show", "plot", "compare", "port"):
        assert command in result.stdout
    assert not imported(result.stderr) & set(HEAVY), imported(result.stderr) & set(HEAVY)
    for command in ("show", "plot", "compare", "port"):
        sub = run(command, "--help")
        assert sub.returncode == 0 and f"usage: lrcore {command}" in sub.stdout, sub.stderr


def test_list_names_every_schedule_with_parameters() -> None:
    result = run("list", importtime=True)
    assert result.returncode == 0, result.stderr
    assert not imported(result.stderr) & set(HEAVY)
    lines = result.stdout.splitlines()
    heads = {line.split("(")[0]: line for line in lines if line and not line.startswith(" ")}
    for name in lrcore.registered():
        assert name in heads, name
        description = lines[lines.index(heads[name]) + 1]
        assert description.startswith("    ") and len(description.strip()) > 10, description
    assert heads["cosine_annealing"] == "cosine_annealing(T_max, min_factor=0.0)"
    assert heads["step"] == "step(step_size, gamma=0.1)"
    assert "warmup_steps" in heads["warmup"] and "start_factor=0.0" in heads["warmup"]


def test_show_json_string_against_the_formula() -> None:
    config = '{"name": "cosine_annealing", "T_max": 100, "min_factor": 0.05}'
    result = run("show", config, importtime=True)
    assert result.returncode == 0, result.stderr
    assert not imported(result.stderr) & set(HEAVY), imported(result.stderr) & set(HEAVY)
    out = result.stdout
    table = values_table(out)
    assert set(table) == {0, 100, 101, 200}  # start, the end (T_max), past it: end + 1, 2 x end
    for step, value in table.items():
        assert close(value, cosine_annealing(step, 100, 0.05)), (step, value)
    assert field(out, "end").startswith("step 100 ")
    assert field(out, "min / max").startswith("0.05 at step 100 / 1 at step 0 ")
    sketch = field(out, "sketch").split()[0]
    assert len(sketch) == 60 + 1 + 15 and sketch[60] == "┊"
    assert sketch[0] == "█" and sketch[59] == "▁" and set(sketch) <= set("▁▂▃▄▅▆▇█┊")


@pytest.mark.parametrize("kind", ["toml", "yaml", "yml", "json"])
def test_show_named_schedule_from_each_format(kind: str, files: dict[str, Path]) -> None:
    result = run("show", str(files[kind]), "--key", "lr", "--base-lr", "0.1")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith(f"{files[kind]} [lr]: warmup(")
    table = values_table(out)
    assert set(table) == {0, 100, 1000, 1001, 2000}
    for step, value in table.items():
        assert close(value, warmup_cosine(step)), (step, value)
    boundary = next(line for line in out.splitlines() if line.lstrip().startswith("100 "))
    assert "piece starts (step 99: 0.9901)" in boundary
    lr_column = float(boundary.split()[2])  # step, factor, lr
    assert close(lr_column, 0.1 * warmup_cosine(100))
    assert field(out, "end").startswith("step 1000 ")  # warmup_steps + T_max


def test_show_other_key_steps_and_dotted_key(files: dict[str, Path]) -> None:
    momentum = run("show", str(files["toml"]), "--key", "momentum")
    assert momentum.returncode == 0, momentum.stderr
    low = field(momentum.stdout, "min / max").split()[0]
    # torch OneCycleLR's momentum: max_momentum 0.95 down to base 0.85 at float(0.3 * 1000) - 1
    assert close(float(low), 0.85 / 0.95) and "at step 299 /" in momentum.stdout

    steps = run("show", str(files["json"]), "--key", "lr", "--steps", "500")
    assert steps.returncode == 0, steps.stderr
    table = values_table(steps.stdout)
    assert {0, 100, 500, 501, 1000} == set(table)
    for step, value in table.items():
        assert close(value, warmup_cosine(step)), (step, value)

    dotted = run("show", str(files["yaml"]), "--key", "train.scheduler.cos")
    assert dotted.returncode == 0, dotted.stderr
    table = values_table(dotted.stdout)
    assert set(table) == {0, 50, 51, 100}
    for step, value in table.items():
        assert close(value, cosine_annealing(step, 50, 0.0)), (step, value)

    single = run("show", str(files["single"]))
    assert single.returncode == 0, single.stderr
    assert close(values_table(single.stdout)[100], 0.05)


def _bad_inputs(files: dict[str, Path], tmp: Path) -> list[tuple[list[str], list[str]]]:
    """``(arguments, texts the one-line error must contain)``."""
    (tmp / "bad.json").write_text('{"name": "step",\n "step_size": }', encoding="utf-8")
    (tmp / "bad.toml").write_text('name = "step"\nstep_size = = 3\n', encoding="utf-8")
    (tmp / "value.toml").write_text(
        files["toml"].read_text(encoding="utf-8").replace("T_max = 900", "T_max = 0"),
        encoding="utf-8",
    )
    (tmp / "string.yaml").write_text(
        "lr:\n  name: exponential_decay\n  transition_steps: 10\n  decay_rate: 1e-1\n",
        encoding="utf-8",
    )
    (tmp / "schedule.txt").write_text("{}", encoding="utf-8")
    (tmp / "list.json").write_text("[1, 2]", encoding="utf-8")
    return [
        (['{"name": "step", "step_size": }'], ["not valid JSON", "column"]),
        ([str(tmp / "bad.json")], ["bad.json", "not valid JSON", "line 2"]),
        ([str(tmp / "bad.toml")], ["bad.toml", "not valid TOML", "line 2"]),
        (['{"name": "cosin", "T_max": 3}'], ["unknown schedule name 'cosin'", "cosine_annealing"]),
        (['{"name": "cosine_annealing", "T_max": 0}'], ["cosine_annealing", "T_max", "got 0"]),
        (['{"name": "step", "step_size": 2.5}'], ["step", "step_size", "2.5"]),
        (['{"name": "step", "stepsize": 2}'], ["step", "unknown parameter 'stepsize'"]),
        (
            [str(tmp / "value.toml"), "--key", "lr"],
            ["value.toml [lr]", "cosine_annealing", "T_max", "got 0"],
        ),
        (
            [str(tmp / "string.yaml")],
            ["string.yaml [lr]", "exponential_decay", "decay_rate", "'1e-1'", "1.0e-4"],
        ),
        ([str(tmp / "missing.toml")], ["missing.toml", "no such file"]),
        ([str(tmp / "schedule.txt")], ["schedule.txt", "unsupported file type '.txt'"]),
        (["cosine_annealing"], ["neither a JSON object nor a .json, .toml, .yaml or .yml file"]),
        ([str(tmp / "list.json")], ["list.json", "expected a schedule config", "list"]),
        ([str(files["toml"])], ["schedules.toml", "several schedules (lr, momentum)", "--key"]),
        (
            [str(files["yaml"]), "--key", "nope"],
            ["schedules.yaml", "no schedule 'nope'", "lr, momentum"],
        ),
        ([str(files["toml"]), "--key", "epochs"], ["'epochs'", "not a schedule config"]),
        ([str(files["single"]), "--key", "lr"], ["single.json", "single schedule", "--key"]),
        ([str(files["single"]), "--steps", "-3"], ["--steps", "integer >= 0", "'-3'"]),
        ([str(files["single"]), "--base-lr", "nan"], ["--base-lr", "finite", "'nan'"]),
        ([str(files["single"]), "--frobnicate"], ["unrecognized arguments: --frobnicate"]),
    ]


def test_bad_inputs_are_one_line_errors(files: dict[str, Path], tmp_path: Path) -> None:
    for arguments, texts in _bad_inputs(files, tmp_path):
        message = one_line_error(run("show", *arguments))
        assert message.startswith("lrcore show: error: "), message
        for text in texts:
            assert text in message, (arguments, text, message)


def test_debug_shows_the_traceback() -> None:
    result = run("show", '{"name": "cosine_annealing", "T_max": 0}', "--debug")
    assert result.returncode != 0 and "Traceback" in result.stderr
    assert "T_max must be >= 1, got 0" in result.stderr


def test_yaml_without_pyyaml_names_the_extra(files: dict[str, Path], tmp_path: Path) -> None:
    # A user without PyYAML: an importable "yaml" that fails as a missing one does.
    shadow = tmp_path / "no_yaml"
    (shadow / "yaml").mkdir(parents=True)
    (shadow / "yaml" / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'yaml'\", name='yaml')\n", encoding="utf-8"
    )
    result = run("show", str(files["yaml"]), "--key", "lr", env={"PYTHONPATH": str(shadow)})
    message = one_line_error(result)
    assert "schedules.yaml" in message and "pip install 'lrcore[yaml]'" in message
    # TOML and JSON need nothing beyond the standard library.
    toml = run("show", str(files["toml"]), "--key", "lr", env={"PYTHONPATH": str(shadow)})
    assert toml.returncode == 0, toml.stderr


def test_python_dash_m(files: dict[str, Path]) -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "lrcore", "show", str(files["single"])],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert close(values_table(result.stdout)[0], 1.0)


def test_show_a_schedule_with_no_length() -> None:
    result = run("show", '{"name": "exponential", "gamma": 0.97}')
    assert result.returncode == 0, result.stderr
    assert field(result.stdout, "end").startswith("step 100 (no length in the config")
    table = values_table(result.stdout)
    assert set(table) == {0, 100, 101, 200}
    for step, value in table.items():
        assert close(value, 0.97**step), (step, value)
