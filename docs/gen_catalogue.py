"""The schedule catalogue of the docs site: one page and one plot per registered schedule.

Generated from ``lrcore.registered()`` every time the site is built, so a schedule cannot
be registered without appearing in the docs.  Each page shows the schedule's docstring
(its formula, value at step 0 and past the end), its parameters with their defaults,
the natives it reproduces (from the schedule's spec in ``tests/catalogue``), and a plot
of the spec's first case from step 0 to well past the end.  A registered name with no
spec fails the build.

As a mkdocs hook (``hooks:`` in ``mkdocs.yml``) the pages and plots are generated in
memory and added to the build; nothing is written into the source tree.  As a script it
writes them to a directory::

    python docs/gen_catalogue.py --out /tmp/catalogue [--names cosine step]
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import json
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _on_path() -> None:
    # mkdocs loads hooks with its own sys.path, and may restore it afterwards: add the
    # repository (for tests.catalogue) and docs/ (for rst_markdown) whenever needed.
    for path in (str(ROOT), str(ROOT / "docs")):
        if path not in sys.path:
            sys.path.insert(0, path)


_on_path()

from rst_markdown import rst_to_markdown  # noqa: E402

import lrcore  # noqa: E402

SECTION = "catalogue"
INDEX = f"{SECTION}/index.md"
MAX_PLOT_STEPS = 5000


def catalogue_specs() -> dict[str, Any]:
    _on_path()
    from tests.catalogue import all_specs

    return {spec.name: spec for spec in all_specs()}


def example(name: str, specs: Mapping[str, Any]) -> tuple[dict[str, Any], int]:
    """The plotted config (the spec's first case) and the last plotted step."""
    spec = specs.get(name)
    if spec is None:
        raise RuntimeError(
            f"docs catalogue: the registered schedule {name!r} has no spec in tests/catalogue "
            "(each registered name needs one; it supplies the plotted example and the natives)"
        )
    config = spec.configs()[0]
    return config, min(int(spec.horizon(config)), MAX_PLOT_STEPS)


_FIGURE: list[Any] = []


def plot_png(name: str, config: Mapping[str, Any], horizon: int) -> bytes:
    """The curve of ``config`` from step 0 to ``horizon``; piece starts dotted."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    if not _FIGURE:
        # One figure, cleared for each plot, and a fixed layout (no tight_layout, which
        # draws the figure once more): ~45 plots then take a few seconds.
        figure = plt.figure(figsize=(6.4, 3.0), dpi=90)
        figure.subplots_adjust(left=0.1, right=0.98, top=0.9, bottom=0.16)
        _FIGURE.append((figure, figure.add_subplot()))
    figure, axes = _FIGURE[0]
    axes.clear()
    schedule = lrcore.from_config(config)
    steps = np.arange(horizon + 1)
    values = np.asarray(schedule(steps), dtype=float)
    axes.plot(steps, values, lw=1.5, color="#1f77b4")
    for piece in schedule.pieces[1:]:
        if piece.start <= horizon:
            axes.axvline(piece.start, color="#999999", lw=0.6, ls=":")
    axes.set_title(name, fontsize=11)
    axes.set_xlabel("step (optimizer update)", fontsize=9)
    axes.set_ylabel("factor of the base value", fontsize=9)
    axes.tick_params(labelsize=8)
    axes.set_ylim(bottom=min(0.0, float(values.min())))
    axes.grid(alpha=0.3)
    buffer = io.BytesIO()
    # No "Software" entry: the bytes depend only on the curve and matplotlib's renderer.
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _default(field: dataclasses.Field[Any]) -> str:
    if field.default is not dataclasses.MISSING:
        return f"`{field.default!r}`"
    if field.default_factory is not dataclasses.MISSING:
        return f"`{field.default_factory()!r}`"
    return "required"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _summary(cls: type) -> str:
    doc = (cls.__doc__ or "").strip()
    return rst_to_markdown(doc.split("\n\n")[0]).replace("\n", " ") if doc else ""


def _api_link(cls: type) -> str:
    """A link to the class's API entry when ``lrcore`` exports it (else plain text)."""
    public = getattr(lrcore, "__all__", ())
    if cls.__name__ in public and getattr(lrcore, cls.__name__, None) is cls:
        return f"[`lrcore.{cls.__name__}`][lrcore.{cls.__name__}]"
    return f"`{cls.__module__}.{cls.__name__}`"


def schedule_page(name: str, cls: type, config: Mapping[str, Any], natives: Sequence[str]) -> str:
    lines = [f"# `{name}`", "", _summary(cls), ""]
    lines += [f'Class: {_api_link(cls)} · config name `"{name}"`', ""]
    lines += [f"![{name}]({name}.png)", ""]
    lines += ["The plot's config (the first case of its catalogue spec):", ""]
    lines += ["```json", json.dumps(dict(config)), "```", ""]
    lines += ["## Parameters", ""]
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    if fields:
        lines += ["| parameter | type | default | meaning |", "|---|---|---|---|"]
        for field in fields:
            kind = (
                field.type if isinstance(field.type, str) else getattr(field.type, "__name__", "")
            )
            doc = field.metadata.get("doc", "")
            row = [f"`{field.name}`", f"`{kind}`", _default(field), _cell(doc)]
            lines.append("| " + " | ".join(_cell(cell) for cell in row) + " |")
    else:
        lines.append("None.")
    lines += ["", "## Matches", ""]
    lines += [f"- {native}" for native in natives] or ["No native: an lrcore building block."]
    doc = (cls.__doc__ or "").strip()
    body = doc.split("\n\n", 1)[1] if "\n\n" in doc else ""
    if body.strip():
        lines += ["", "## Formula and behaviour", "", rst_to_markdown(body)]
    return "\n".join(lines) + "\n"


def index_page(rows: Sequence[tuple[str, str, Sequence[str]]]) -> str:
    lines = [
        "# Schedule catalogue",
        "",
        f"Every registered schedule ({len(rows)} names, `lrcore.registered()`), generated from",
        "the code when the site is built: the docstring (formula, step 0, past the end), the",
        "parameters with their defaults, a plot from step 0 to well past the end (dotted lines:",
        "piece boundaries) and the natives it reproduces. `t` is the optimizer update counted",
        "from 0 (see [the step convention](../step-convention.md)); `f(t)` is the factor of",
        "the base learning rate.",
        "",
        "| name | what it is | matches |",
        "|---|---|---|",
    ]
    for name, summary, natives in rows:
        link = f"[`{name}`]({name}.md)"
        lines.append(f"| {link} | {_cell(summary)} | {_cell(', '.join(natives)) or '—'} |")
    return "\n".join(lines) + "\n"


def generate(names: Sequence[str] | None = None) -> dict[str, str | bytes]:
    """``{path relative to the catalogue: content}``: the index, one page and plot per name."""
    specs = catalogue_specs()
    registry = lrcore.registered()
    chosen = sorted(registry) if names is None else list(names)
    out: dict[str, str | bytes] = {}
    rows = []
    for name in chosen:
        cls = registry[name]
        config, horizon = example(name, specs)
        natives = list(specs[name].natives)
        out[f"{name}.md"] = schedule_page(name, cls, config, natives)
        out[f"{name}.png"] = plot_png(name, config, horizon)
        rows.append((name, _summary(cls), natives))
    out["index.md"] = index_page(rows)
    return out


# --- README sections --------------------------------------------------------------------

_INCLUDE = re.compile(r"^<!-- README: (#+ .+?) -->$", re.MULTILINE)
_LINK = re.compile(r"\[([^\]]+)\]\((?!https?://)[^)]*\)")


def readme_section(heading: str, readme: str | None = None) -> str:
    """The README's section under ``heading`` (e.g. ``"### Conformance"``), without it.

    It runs up to the next heading of the same or a higher level.  The README's own
    relative links (to its anchors, to repository files) do not exist on the site; they
    become plain text.  The pages that include a section stay in step with the README.
    """
    text = (ROOT / "README.md").read_text() if readme is None else readme
    level = len(heading) - len(heading.lstrip("#"))
    lines = text.splitlines()
    try:
        start = lines.index(heading) + 1
    except ValueError:
        raise RuntimeError(f"docs: README.md has no heading {heading!r}") from None
    end = len(lines)
    fenced = False
    for index in range(start, len(lines)):
        line = lines[index]
        if line.startswith("```"):
            fenced = not fenced
        hashes = len(line) - len(line.lstrip("#"))
        if not fenced and 0 < hashes <= level and line[hashes : hashes + 1] == " ":
            end = index
            break
    body = "\n".join(lines[start:end]).strip("\n")
    return _LINK.sub(r"\1", body)


# --- CLI output -------------------------------------------------------------------------

_CLI = re.compile(r"^<!-- CLI: (.+?) -->$", re.MULTILINE)
CLI_ASSETS = "assets/cli"
# The command line is written concurrently with the docs: while a command fails (exit
# status 2, or lrcore.cli missing) its output is replaced by a marked placeholder instead
# of failing the build.  Set to True once the CLI is complete.
CLI_STRICT = True
_cli_output: dict[str, str] = {}


def run_cli(command: str, assets: dict[str, bytes]) -> str:
    """Markdown showing ``lrcore <command>`` and its output, run in this process.

    A ``-o FILE`` argument is written to a temporary directory; the file is added to
    ``assets`` (``{name: bytes}``) and shown below the output.
    """
    import contextlib
    import shlex
    import tempfile

    argv = shlex.split(command)
    shown = f"$ lrcore {command}"
    try:
        from lrcore.cli import main as cli_main
    except ImportError as error:
        if CLI_STRICT:
            raise
        return _cli_placeholder(shown, f"lrcore.cli is not importable ({error})")
    with tempfile.TemporaryDirectory() as tmp:
        images = []
        if "-o" in argv:
            index = argv.index("-o") + 1
            images.append(Path(argv[index]).name)
            argv[index] = str(Path(tmp) / images[-1])
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                status = cli_main(argv)
            except SystemExit as exit_:
                status = exit_.code if isinstance(exit_.code, int) else 1
        if status == 2:
            if CLI_STRICT:
                raise RuntimeError(f"docs: `lrcore {command}` failed: {err.getvalue()}")
            return _cli_placeholder(shown, err.getvalue().strip() or "exit status 2")
        text = (out.getvalue() + err.getvalue()).rstrip()
        for name in images:
            assets[name] = (Path(tmp) / name).read_bytes()
            text = text.replace(str(Path(tmp) / name), name)
    lines = ["```console", shown, text]
    if status:
        lines.append(f"$ echo $?\n{status}")
    lines.append("```")
    lines += [f"\n![lrcore {argv[0]}]({CLI_ASSETS}/{name})" for name in images]
    return "\n".join(lines)


def _cli_placeholder(shown: str, reason: str) -> str:
    return "\n".join(
        [
            '!!! warning "Placeholder: output to be filled in"',
            "    The output of this command could not be produced when the site was built",
            f"    ({_cell(reason)}).",
            "",
            "    ```console",
            f"    {shown}",
            "    ```",
        ]
    )


def _cli_pages(config: Any) -> dict[str, bytes]:
    """Run every ``<!-- CLI: ... -->`` command of the docs' pages; return the images."""
    assets: dict[str, bytes] = {}
    _cli_output.clear()
    for page in sorted(Path(config.docs_dir).glob("*.md")):
        for match in _CLI.finditer(page.read_text()):
            _cli_output[match.group(1)] = run_cli(match.group(1), assets)
    return assets


def on_page_markdown(markdown: str, **kwargs: Any) -> str:
    """Fill the ``<!-- README: ### Heading -->`` and ``<!-- CLI: command -->`` lines."""
    markdown = _INCLUDE.sub(lambda match: readme_section(match.group(1)), markdown)
    return _CLI.sub(lambda match: _cli_output[match.group(1)], markdown)


# --- mkdocs hook ------------------------------------------------------------------------


def on_config(config: Any) -> Any:
    """Expand the nav entry ``catalogue/index.md`` into the index plus one page per name."""
    pages = [INDEX] + [f"{SECTION}/{name}.md" for name in sorted(lrcore.registered())]

    def expand(items: list[Any]) -> list[Any]:
        result = []
        for item in items:
            if isinstance(item, dict):
                (title, value), *_ = item.items()
                if value == INDEX:
                    value = pages
                elif isinstance(value, list):
                    value = expand(value)
                result.append({title: value})
            else:
                result.append(item)
        return result

    if config.nav:
        config.nav = expand(config.nav)
    return config


def on_files(files: Any, config: Any) -> Any:
    from mkdocs.structure.files import File

    for path, content in generate().items():
        files.append(File.generated(config, f"{SECTION}/{path}", content=content))
    for name, image in _cli_pages(config).items():
        files.append(File.generated(config, f"{CLI_ASSETS}/{name}", content=image))
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="directory for the files")
    parser.add_argument("--names", nargs="*", help="only these names (default: all registered)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    written = generate(args.names or None)
    for path, content in written.items():
        target = args.out / path
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content)
    print(f"wrote {len(written)} files to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
