"""The notebooks match their generator, carry no outputs, and run with tiny budgets."""

import importlib.util
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _builder():
    spec = importlib.util.spec_from_file_location(
        "build_notebooks", ROOT / "scripts" / "build_notebooks.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_notebooks_are_generated_and_stripped():
    builder = _builder()
    assert [p.name for p in NOTEBOOKS] == sorted(builder.NOTEBOOK_CELLS)
    for path in NOTEBOOKS:
        assert path.read_text() == builder.render(builder.NOTEBOOK_CELLS[path.name]), (
            f"{path.name} differs from scripts/build_notebooks.py: run it"
        )
        notebook = nbformat.read(path, as_version=4)
        code = [c for c in notebook.cells if c.cell_type == "code"]
        assert all(not c.outputs and c.execution_count is None for c in code), path.name
        assert "parameters" in code[0].metadata.get("tags", []), path.name


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_with_smoke_settings(path, tmp_path, monkeypatch):
    from nbclient import NotebookClient

    monkeypatch.setenv("GANAUG_NOTEBOOK_SMOKE", "1")
    monkeypatch.setenv("GANAUG_RUNS", str(tmp_path))
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()  # raises CellExecutionError, with the cell, on any failure
