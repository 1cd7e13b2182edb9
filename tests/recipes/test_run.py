"""Every recipe in recipes/ runs end to end with tiny settings and writes its run folder."""

import json
from pathlib import Path

import pytest
import yaml

from ganaug.cli import main
from ganaug.recipes import load_recipe

RECIPES = Path(__file__).resolve().parents[2] / "recipes"
TINY = ["evaluation.n_seeds=2", "evaluation.verbose=0", "sampler.epochs=1"]
IMAGES = ["classifier.n_steps=3", "classifier.eval_every=1"]
# Per recipe, what shrinks it to seconds; the recipe's own data, methods and classifier stay.
SHRINK = {
    "breastmnist": [*TINY, *IMAGES, "data.limit=150"],
    "adrenalmnist3d": [*TINY, *IMAGES, "data.limit=60"],
    "breast-cancer": TINY,
}
NEEDS_FOLDER = {"dicom-folder"}  # built CT folder: tests/io/test_dicom_recipe.py
REPORT_FILES = {"report.md", "report.html", "results.json", "scores.csv", "lift.csv"}


def test_every_recipe_is_covered_and_documented():
    names = {p.stem for p in RECIPES.glob("*.yaml")}
    assert names == set(SHRINK) | NEEDS_FOLDER
    for path in RECIPES.glob("*.yaml"):
        head = path.read_text().splitlines()[:3]
        assert all(line.startswith("#") for line in head), path


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SHRINK))
def test_recipe_runs_with_tiny_settings(name, tmp_path, capsys):
    out = tmp_path / "run"
    argv = ["run", str(RECIPES / f"{name}.yaml"), "--out", str(out)]
    for setting in SHRINK[name]:
        argv += ["--set", setting]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert f"report written to {out}/report.html" in printed
    assert "On auroc, gan" in printed

    assert {p.name for p in out.iterdir()} >= REPORT_FILES
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp left
    results = json.loads((out / "results.json").read_text())
    resolved = yaml.safe_load((out / "recipe.yaml").read_text())
    assert results["settings"]["methods"] == resolved["evaluation"]["methods"]
    assert results["settings"]["seeds"] == [0, 1]
    assert resolved["sampler"]["epochs"] == 1
    # The saved recipe repeats the run: it resolves to itself.
    assert load_recipe(out / "recipe.yaml") == resolved

    run = json.loads((out / "run.json").read_text())
    assert run["seeds"] == [0, 1] and run["device"] == "cpu"
    assert {"ganaug", "torch", "monai", "scikit-learn", "imbalanced-learn", "numpy"} <= set(
        run["versions"]
    )
    assert isinstance(run["command"], list) and run["command"]
    assert run["started"] <= run["finished"]

    # A second run to the same folder is refused, and the first is kept.
    assert main(argv) == 2
    assert "already exists" in capsys.readouterr().err
    assert (out / "report.html").exists()
