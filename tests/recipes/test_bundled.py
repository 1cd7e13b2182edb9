"""Bundled recipes: found by name, listed and shown by the CLI, the same files as recipes/."""

from pathlib import Path

import pytest

from ganaug.cli import main
from ganaug.recipes import RecipeError, bundled_recipes, load_recipe

REPO_RECIPES = Path(__file__).resolve().parents[2] / "recipes"


def test_the_package_bundles_the_repository_recipes():
    bundled = bundled_recipes()
    assert set(bundled) == {p.stem for p in REPO_RECIPES.glob("*.yaml")}
    for name, path in bundled.items():
        assert path.read_bytes() == (REPO_RECIPES / f"{name}.yaml").read_bytes()


def test_a_bundled_recipe_loads_by_name_and_a_file_takes_precedence(tmp_path, monkeypatch):
    by_name = load_recipe("breast-cancer", ["evaluation.n_seeds=2"])
    assert by_name == load_recipe(REPO_RECIPES / "breast-cancer.yaml", ["evaluation.n_seeds=2"])
    assert by_name["evaluation"]["n_seeds"] == 2
    monkeypatch.chdir(tmp_path)
    (tmp_path / "breast-cancer").write_text("name: mine\ndata:\n  source: breast-cancer\n")
    assert load_recipe("breast-cancer")["name"] == "mine"


def test_an_unknown_recipe_names_the_bundled_ones():
    with pytest.raises(RecipeError, match=r"no such recipe file: nope; .*breastmnist"):
        load_recipe("nope")


def test_cli_lists_and_shows_recipes(capsys):
    assert main(["recipes"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in listing] == list(bundled_recipes())
    breast = next(line for line in listing if line.startswith("breastmnist "))
    assert "BreastMNIST" in breast
    assert main(["recipes", "show", "breastmnist"]) == 0
    assert capsys.readouterr().out == (REPO_RECIPES / "breastmnist.yaml").read_text()
    assert main(["recipes", "show", "nope"]) == 2
    assert "no bundled recipe named 'nope'" in capsys.readouterr().err


def test_run_dry_run_by_name(capsys):
    assert main(["run", "breastmnist", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "name: breastmnist" in out and "recipe valid, data found" in out
