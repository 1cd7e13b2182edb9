"""Case 8 of issue 36: a recipe's ``name:`` is a plain name (the run folder under
``output:``): no separator, no ``..``, not absolute; anything else is one line with
exit 2, before any data is read, and the report never lands outside ``output:``."""

from pathlib import Path

import pytest
import yaml
from _hostile import one_line_error, tree

from ganaug.cli import main

RECIPE = Path(__file__).resolve().parents[2] / "recipes" / "breast-cancer.yaml"
TINY_RUN = ["--set", "evaluation.n_seeds=1", "--set", "evaluation.verbose=0"]
TINY_RUN += ["--set", "sampler.epochs=1", "--set", "evaluation.fidelity=false"]


@pytest.mark.parametrize("name", ["../escape", "/tmp/elsewhere", "..", "a\\b", "C:run"])
def test_a_name_that_is_a_path_is_refused_before_any_data_is_read(
    tmp_path, capsys, monkeypatch, no_data_read, name
):
    monkeypatch.chdir(tmp_path / "..")
    recipe = yaml.safe_load(RECIPE.read_text())
    recipe.update(name=name, output=str(tmp_path / "runs"))
    path = tmp_path / "recipe.yaml"
    path.write_text(yaml.safe_dump(recipe))
    before = tree(tmp_path.parent)
    assert main(["run", str(path), *TINY_RUN]) == 2
    one_line_error(capsys, "name must be a plain name", repr(name))
    assert main(["run", str(path), "--dry-run"]) == 2
    one_line_error(capsys, "name must be a plain name")
    assert tree(tmp_path.parent) == before
