"""recipes/dicom-folder.yaml runs end to end on a built CT folder, with tiny settings."""

import inspect
import json

import numpy as np
import pandas as pd
import pytest
import yaml
from _dicom_inputs import RECIPE, ct_volume, dicom_recipe_argv, write_ct_series

from ganaug.cli import main
from ganaug.io import load_labelled_images
from ganaug.recipes._schema import FOLDER_DEFAULTS


@pytest.fixture
def ct_study(tmp_path):
    """24 CT series of 16x16x8 (18 of class 0, 6 of class 1) from 12 patients, two
    series each, and a labels CSV by path."""
    root = tmp_path / "ct"
    rows = []
    for i in range(24):
        label = int(i % 4 == 3)
        write_ct_series(root / f"p{i:02d}", ct_volume(label, seed=i), patient_id=f"PAT{i // 2}")
        rows.append({"path": f"p{i:02d}", "label": label})
    labels = tmp_path / "labels.csv"
    pd.DataFrame(rows).to_csv(labels, index=False)
    return root, labels


def test_folder_defaults_match_the_loader():
    parameters = inspect.signature(load_labelled_images).parameters
    assert {k: parameters[k].default for k in FOLDER_DEFAULTS} == FOLDER_DEFAULTS


def test_dicom_recipe_checks_its_folder_options(ct_study, capsys):
    root, labels = ct_study
    argv = ["run", str(RECIPE), "--set", f"data.source={root}", "--dry-run"]
    assert main([*argv, "--set", f"data.labels={labels}"]) == 0
    assert yaml.safe_load(capsys.readouterr().out)["data"]["window"] == "soft-tissue"
    assert main([*argv, "--set", "data.labels=null"]) == 2
    assert "data.labels is required" in capsys.readouterr().err
    assert main([*argv, "--set", f"data.labels={labels}", "--set", "data.window=muscle"]) == 2
    err = capsys.readouterr().err
    assert "data.window: unknown window 'muscle'" in err and len(err.strip().splitlines()) == 1


@pytest.mark.slow
def test_dicom_recipe_runs_with_tiny_settings(ct_study, tmp_path, capsys):
    root, labels = ct_study
    out = tmp_path / "run"
    argv = dicom_recipe_argv(
        root,
        labels,
        out,
        "evaluation.n_seeds=2",
        "evaluation.methods=[none, class-weight, ros, gan]",
    )
    (root / "p00" / "broken").write_bytes(b"DICM")  # skipped, and said so
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "On auroc, gan" in printed
    assert "skipped 1 file(s) or series: 1 x not a readable DICOM file" in printed
    assert f"(all in {out}/skipped.csv)" in printed
    skipped = pd.read_csv(out / "skipped.csv")
    assert skipped["path"].tolist() == [str(root / "p00" / "broken")]
    results = json.loads((out / "results.json").read_text())
    assert results["settings"]["sample_shape"] == [1, 16, 16, 8]
    sizes = results["settings"]
    assert sizes["n_train"] + sizes["n_val"] + sizes["n_test"] == 24
    assert (out / "samples_1.png").exists()
    run = json.loads((out / "run.json").read_text())
    assert run["data"] == str(root) and run["seeds"] == [0, 1]
    # Split by patient (the default for folders): 12 patients, none on two sides.
    grouping = run["grouping"]
    assert grouping["by"] == "PatientID"
    assert grouping["groups_train_and_val"] + grouping["groups_test"] == 12
    assert (
        sizes["grouping"]["n_groups_train"] + sizes["grouping"]["n_groups_val"]
        == (grouping["groups_train_and_val"])
    )
    assert "Grouped splits" in (out / "report.md").read_text()


def test_a_patient_with_many_series_never_crosses_the_test_split(tmp_path):
    # One patient with ten near-identical series of the minority class: split per
    # image, some would be tested on copies of what was trained on.
    from ganaug.datasets._splits import split_off_test
    from ganaug.recipes._schema import resolve_recipe
    from ganaug.workflows.recipe import _load_data

    root, rows = tmp_path / "ct", []
    for i in range(20):
        label, patient = int(i >= 10), f"PAT{i}" if i < 10 else "PLANTED"
        volume = ct_volume(1, seed=99) + i * 0.01 if label else ct_volume(0, seed=i)
        write_ct_series(root / f"s{i:02d}", volume, patient_id=patient)
        rows.append({"path": f"s{i:02d}", "label": label})
    for p in range(4):  # other patients of the minority class
        write_ct_series(root / f"m{p}", ct_volume(1, seed=p), patient_id=f"M{p}")
        rows.append({"path": f"m{p}", "label": 1})
    labels = tmp_path / "labels.csv"
    pd.DataFrame(rows).to_csv(labels, index=False)
    data = {"source": str(root), "labels": str(labels), "target_shape": [16, 16, 8]}
    for seed in range(3):
        recipe = resolve_recipe({"data": data, "evaluation": {"random_state": seed}})
        splits, loaded = _load_data(recipe["data"], seed, verbose=0)
        assert not set(splits.groups) & set(splits.test_groups)
        assert ("PLANTED" in splits.groups) != ("PLANTED" in splits.test_groups)
    # Per image (as before), the planted patient's series land on both sides.
    ungrouped = split_off_test(np.arange(len(loaded.labels)), loaded.labels, "x", 0.3, 0)
    patients = loaded.records["patient_id"].to_numpy()
    assert "PLANTED" in patients[ungrouped.X] and "PLANTED" in patients[ungrouped.X_test]
