"""Render lrcore's reStructuredText-flavoured docstrings as Markdown for the docs site.

The docstrings are written for ``help()`` (plain text that reads well in a terminal):
``.. math::`` blocks, ``::`` literal blocks, ``>>>`` doctests and ``:class:`X``` roles.
Markdown would show the math as an indented code block and turn ``>>>`` into nested
block quotes, so they are rewritten here -- math into arithmatex ``$$`` blocks, doctests
into ``pycon`` fences, roles into inline code -- and the source docstrings stay
unchanged.  Used by the griffe extension :class:`RstToMarkdown` (API pages) and by
``gen_catalogue.py`` (catalogue pages).
"""

from __future__ import annotations

import inspect
import re
import textwrap
from typing import Any

import griffe

_ROLE = re.compile(r":(?:class|func|meth|data|attr|mod|obj|exc):`~?([^`]+)`")
_INLINE_MATH = re.compile(r":math:`([^`]+)`")
_MATH = re.compile(r"^(\s*)\.\. math::\s*(.*)$")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _block(lines: list[str], start: int, base: int) -> tuple[list[str], int]:
    """The lines from ``start`` indented deeper than ``base`` (blank lines inside kept)."""
    body: list[str] = []
    index = start
    while index < len(lines):
        line = lines[index]
        if line.strip() and _indent(line) <= base:
            break
        body.append(line)
        index += 1
    while body and not body[-1].strip():
        body.pop()
        index -= 1
    return body, index


def rst_to_markdown(text: str) -> str:
    """Rewrite the reST constructs lrcore's docstrings use into Markdown."""
    lines = inspect.cleandoc(text).splitlines()
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        math = _MATH.match(line)
        if math:
            margin, inline = math.groups()
            body, index = _block(lines, index + 1, _indent(line))
            formula = [inline] if inline else []
            formula += textwrap.dedent("\n".join(body)).strip("\n").splitlines()
            out += ["", f"{margin}$$", *(f"{margin}{row}" for row in formula), f"{margin}$$", ""]
            continue
        if line.lstrip().startswith(">>>"):
            margin = " " * _indent(line)
            fence = [f"{margin}```pycon"]
            while index < len(lines) and lines[index].strip():
                fence.append(lines[index])
                index += 1
            out += ["", *fence, f"{margin}```", ""]
            continue
        if line.rstrip().endswith("::") and not line.strip().startswith(".."):
            # A literal block: "text::" then an indented block.
            head = line.rstrip()[:-2].rstrip()
            body, after = _block(lines, index + 1, _indent(line))
            if any(row.strip() for row in body):
                margin = " " * _indent(line)
                code = textwrap.dedent("\n".join(body)).strip("\n").splitlines()
                if head.strip():
                    out.append(f"{head}:")
                out += ["", f"{margin}```python", *(f"{margin}{row}" for row in code)]
                out += [f"{margin}```", ""]
                index = after
                continue
        out.append(_ROLE.sub(r"`\1`", _INLINE_MATH.sub(r"$\1$", line)))
        index += 1
    return "\n".join(out).strip("\n")


class RstToMarkdown(griffe.Extension):
    """Griffe extension: convert every docstring with :func:`rst_to_markdown`."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is None and obj.is_class and obj.path.startswith("lrcore."):
            # Some core classes assemble their docstring at import (``__doc__ = ...``,
            # shared text for the timm family): read it from the class itself.  The core
            # imports only the standard library, so this costs nothing.
            try:
                text = getattr(griffe.dynamic_import(obj.path), "__doc__", None)
            except ImportError:
                text = None
            if text:
                obj.docstring = griffe.Docstring(text, parent=obj)
        if obj.docstring is not None:
            obj.docstring.value = rst_to_markdown(obj.docstring.value)
