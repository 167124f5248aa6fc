"""The documentation site builds in strict mode, and its catalogue covers every schedule.

One ``mkdocs build --strict`` into ``tmp_path`` (nothing is written into the repository),
run beside the scripts whose sections the pages include (``docs/examples/*.py``, each of
which checks its port against the native framework at every update).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import lrcore

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "docs" / "examples").glob("*.py"))
PNG = b"\x89PNG\r\n\x1a\n"

# All examples in one interpreter: torch, Paddle and JAX are imported once, not per script.
RUN_EXAMPLES = """
import runpy, sys
for path in sys.argv[1:]:
    print("=== running", path, flush=True)
    runpy.run_path(path, run_name="__main__")
"""


class Build:
    def __init__(self, site: Path, docs: subprocess.CompletedProcess[str], examples: str) -> None:
        self.site = site
        self.docs = docs  # mkdocs build --strict
        self.examples = examples  # the examples' output, ending with their exit status


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Build]:
    site = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "MPLBACKEND": "Agg"}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(site)]
    examples = subprocess.Popen(
        [sys.executable, "-c", RUN_EXAMPLES, *map(str, EXAMPLES)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        docs = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        output, _ = examples.communicate(timeout=300)
    finally:
        if examples.poll() is None:
            examples.kill()
    yield Build(site, docs, f"{output}\nexit status {examples.returncode}")


def test_docs_build_in_strict_mode(build: Build) -> None:
    result = build.docs
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}{result.stderr}"
    assert (build.site / "index.html").is_file()
    for page in ("getting-started", "step-convention", "conformance", "porting", "resume", "cli"):
        assert (build.site / page / "index.html").is_file(), page


def test_every_registered_schedule_has_a_catalogue_page_with_a_plot(build: Build) -> None:
    assert build.docs.returncode == 0, build.docs.stderr
    catalogue = build.site / "catalogue"
    index = (catalogue / "index.html").read_text()
    problems = []
    for name in sorted(lrcore.registered()):
        page = catalogue / name / "index.html"
        plot = catalogue / f"{name}.png"
        if f'href="{name}/"' not in index:
            problems.append(f"{name}: not linked from the catalogue index")
        if not page.is_file():
            problems.append(f"{name}: no page")
            continue
        if f'src="../{name}.png"' not in page.read_text():
            problems.append(f"{name}: the page shows no plot")
        if not plot.is_file() or not plot.read_bytes().startswith(PNG):
            problems.append(f"{name}: no valid PNG plot")
        elif plot.stat().st_size < 2000:
            problems.append(f"{name}: the plot is suspiciously small")
    assert not problems, "\n".join(problems)


def test_pages_include_the_readme_sections_and_the_formulas(build: Build) -> None:
    assert build.docs.returncode == 0, build.docs.stderr
    for page in build.site.rglob("*.html"):
        text = page.read_text()
        assert "<!-- README:" not in text and "<!-- CLI:" not in text, page
    conformance = (build.site / "conformance" / "index.html").read_text()
    readme = (ROOT / "README.md").read_text()
    for native in ("CosineAnnealingWarmRestarts", "NoamDecay", "sgdr_schedule", "TanhLRScheduler"):
        assert native in readme and native in conformance, native
    # The docstrings' ``.. math::`` blocks become arithmatex blocks, not code blocks.
    step = (build.site / "catalogue" / "cosine_annealing" / "index.html").read_text()
    assert 'class="arithmatex"' in step and ".. math::" not in step


def test_the_examples_the_pages_include_run(build: Build) -> None:
    output = build.examples
    assert output.endswith("exit status 0"), output[-4000:]
    for path in EXAMPLES:
        assert f"=== running {path}" in output, path
    assert "getting started: ok" in output


def test_a_registered_name_without_a_spec_fails_the_catalogue() -> None:
    sys.path.insert(0, str(ROOT / "docs"))
    try:
        import gen_catalogue

        with pytest.raises(RuntimeError, match="no spec in tests/catalogue"):
            gen_catalogue.example("not_a_schedule", {})
        section = gen_catalogue.readme_section(
            "## A", "# T\n## A\ntext [x](#y)\n### B\nmore\n## C\n"
        )
        assert section == "text x\n### B\nmore"
    finally:
        sys.path.remove(str(ROOT / "docs"))


def test_the_catalogue_script_writes_pages_and_plots(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "docs" / "gen_catalogue.py"),
            "--out",
            str(tmp_path),
            "--names",
            "step",
            "warmup",
        ],
        check=True,
        capture_output=True,
    )
    assert (tmp_path / "step.png").read_bytes().startswith(PNG)
    assert "![warmup](warmup.png)" in (tmp_path / "warmup.md").read_text()
    assert "[`step`](step.md)" in (tmp_path / "index.md").read_text()
