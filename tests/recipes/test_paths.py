"""Recipe paths start from the recipe's folder and are written absolute; the recipes
meant for copying keep the data's own imbalance."""

from pathlib import Path

import yaml

from ganaug.cli import main
from ganaug.recipes import load_recipe, read_recipe, resolve_recipe

REPO_RECIPES = Path(__file__).resolve().parents[2] / "recipes"


def test_relative_paths_start_from_the_recipe_folder(tmp_path, monkeypatch):
    study = tmp_path / "study"
    study.mkdir()
    (study / "t.csv").write_text("a,y\n1,0\n2,1\n")
    (study / "r.yaml").write_text(
        "data: {source: t.csv, target: y}\nevaluation: {feature_extractor: f.pt}\n"
        "output: results\n"
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    recipe = load_recipe(Path("..") / "study" / "r.yaml")
    assert recipe["data"]["source"] == str(study / "t.csv")
    assert recipe["evaluation"]["feature_extractor"] == str(study / "f.pt")
    assert recipe["output"] == str(study / "results")
    # --set values are typed here: they start from the working folder.
    (elsewhere / "u.csv").write_text("a,y\n1,0\n2,1\n")
    moved = load_recipe(study / "r.yaml", ["data.source=u.csv", "output=~/runs"])
    assert moved["data"]["source"] == str(elsewhere / "u.csv")
    assert moved["output"] == str(Path("~/runs").expanduser())
    # Written back, the recipe repeats the run from anywhere.
    monkeypatch.chdir(tmp_path)
    assert resolve_recipe(yaml.safe_load(yaml.safe_dump(recipe))) == recipe


def test_bundled_recipes_are_templates_whose_paths_start_here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    raw, origins = read_recipe("dicom-folder", ["data.labels=l.csv"])
    assert raw["data"]["source"] == str(tmp_path / "my-dicom-folder")
    assert raw["data"]["labels"] == str(tmp_path / "l.csv")
    assert origins["data.source"] == "recipe" and origins["data.labels"] == "command line"
    # The repository's copy is the same template.
    raw, _ = read_recipe(REPO_RECIPES / "dicom-folder.yaml")
    assert raw["data"]["source"] == str(tmp_path / "my-dicom-folder")
    # Bundled data sets are names, not paths.
    assert load_recipe("breastmnist")["data"]["source"] == "breastmnist"


def test_recipes_for_your_own_data_keep_its_imbalance():
    for name in ("breast-cancer", "dicom-folder"):
        text = (REPO_RECIPES / f"{name}.yaml").read_text()
        assert yaml.safe_load(text)["evaluation"]["imbalance_ratio"] is None, name
        comments = " ".join(line for line in text.splitlines() if line.startswith("#"))
        assert "native" in comments.lower() and "simulat" in comments.lower(), name
    # The main job's recipe keeps its simulated 1:10 (its numbers are in the README).
    assert load_recipe("breastmnist")["evaluation"]["imbalance_ratio"] == 10


def test_resize_is_a_folder_option_with_crop_by_default(tmp_path, capsys):
    folder = tmp_path / "scans"
    folder.mkdir()
    (tmp_path / "l.csv").write_text("path,label\n")
    data = {"source": str(folder), "labels": str(tmp_path / "l.csv")}
    assert resolve_recipe({"data": data})["data"]["resize"] == "crop"
    recipe = tmp_path / "r.yaml"
    recipe.write_text(yaml.safe_dump({"data": {**data, "resize": "stretch"}}))
    assert main(["run", str(recipe), "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert "data.resize must be" in err and "'interpolate'" in err
    assert len(err.strip().splitlines()) == 1
