"""The notebooks in notebooks/ run top to bottom without error (their cells assert)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks() -> None:
    """Guards against the glob silently finding nothing."""
    names = {path.name for path in NOTEBOOKS}
    assert {"quickstart.ipynb", "porting_a_pytorch_recipe.ipynb"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def test_notebook_runs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    outputs = [out for cell in notebook.cells if cell.cell_type == "code" for out in cell.outputs]
    assert not any(out.output_type == "error" for out in outputs)
    assert any(out.output_type == "display_data" and "image/png" in out.data for out in outputs)
