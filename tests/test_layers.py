"""The house is a contract: the import-linter layers hold, and no import runs in a circle."""

from pathlib import Path

import grimp
from importlinter import cli

ROOT = Path(__file__).resolve().parents[1]


def test_the_layer_contract_holds(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert cli.lint_imports(config_filename="pyproject.toml", no_cache=True, no_logo=True) == 0


def test_no_import_cycle_not_even_through_the_root_package():
    # Imports under TYPE_CHECKING only name types for annotations; they never run.
    graph = grimp.build_graph("ganaug", cache_dir=None, exclude_type_checking_imports=True)
    cycles = []
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            back = graph.find_shortest_chain(importer=imported, imported=importer)
            if back is not None:
                cycles.append(" -> ".join((importer, *back)))
    assert not cycles, "import cycles:\n" + "\n".join(cycles)
