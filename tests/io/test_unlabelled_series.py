"""Series a labels CSV does not list: an error, or with --unlabelled (data.unlabelled:
true) the unlabelled pool; in augment-dicom and in a recipe run."""

import json

import numpy as np
import pandas as pd
import pytest
from _dicom_inputs import ct_volume, dicom_recipe_argv, write_ct_series

from ganaug.cli import main
from ganaug.io import load_labelled_images
from ganaug.recipes._schema import resolve_recipe
from ganaug.workflows.recipe import _load_data

FAST = ["--epochs", "1", "--batch-size", "4", "--quiet", "--target-shape", "16,16,8"]


@pytest.fixture
def partly_labelled(ct_folder, tmp_path):
    """The CT folder with a labels CSV that leaves two class-0 series out."""
    root, labels = ct_folder
    table = pd.read_csv(labels)
    partial = tmp_path / "partial.csv"
    table.drop(index=[2, 3]).to_csv(partial, index=False)
    return root, partial, table.loc[[2, 3], "SeriesInstanceUID"].tolist()


def test_unlisted_series_are_an_error_without_the_flag(partly_labelled):
    root, labels, _ = partly_labelled
    with pytest.raises(ValueError, match=r"2 image\(s\) have no label .*--unlabelled"):
        load_labelled_images(root, labels, verbose=0)


def test_unlisted_series_become_the_pool(partly_labelled, ct_folder):
    root, labels, unlisted = partly_labelled
    data = load_labelled_images(root, labels, unlabelled=True, verbose=0)
    assert data.labels.tolist() == [0, 0, 1, 1] and len(data.records) == 4
    assert data.unlabelled.shape == (2, *data.images.shape[1:])
    assert sorted(data.unlabelled_records["series_uid"]) == sorted(unlisted)
    assert "label" not in data.unlabelled_records
    # preprocessed as the labelled ones: the same series loaded with a label match
    everything = load_labelled_images(root, ct_folder[1], verbose=0)
    uids = everything.records["series_uid"].tolist()
    for image, uid in zip(data.unlabelled, data.unlabelled_records["series_uid"], strict=True):
        assert np.array_equal(image, everything.images[uids.index(uid)])
    # a full CSV with the flag: an empty pool, the rest unchanged
    full = load_labelled_images(root, ct_folder[1], unlabelled=True, verbose=0)
    assert len(full.unlabelled) == 0 and np.array_equal(full.images, everything.images)
    # a folder without a CSV, with the flag: every series unlabelled
    pool = load_labelled_images(root, None, unlabelled=True, verbose=0)
    assert len(pool.unlabelled) == 6 and len(pool.labels) == 0


def test_augment_dicom_learns_with_the_unlabelled_series(partly_labelled, tmp_path, capsys):
    root, labels, _ = partly_labelled
    argv = ["augment-dicom", str(root), "--labels", str(labels), *FAST]
    assert main([*argv, "--out", str(tmp_path / "refused")]) == 2
    assert "--unlabelled" in capsys.readouterr().err
    out = tmp_path / "out"
    assert main([*argv, "--out", str(out), "--unlabelled"]) == 0
    assert "trained on 4 images and 2 unlabelled ones" in capsys.readouterr().out
    run = json.loads((out / "run.json").read_text())
    assert run["unlabelled"] == 2 and run["params"]["unlabelled"] == "drop"
    manifest = pd.read_csv(out / "manifest.csv")
    assert set(manifest["label"]) <= {0, 1}  # never a series of class -1


def test_augment_dicom_needs_integer_labels_for_the_pool(partly_labelled, tmp_path, capsys):
    root, labels, _ = partly_labelled
    table = pd.read_csv(labels)
    table["label"] = table["label"].map({0: "normal", 1: "lesion"})
    text = tmp_path / "text.csv"
    table.to_csv(text, index=False)
    argv = ["augment-dicom", str(root), "--labels", str(text), "--out", str(tmp_path / "o")]
    assert main([*argv, *FAST, "--unlabelled"]) == 2
    assert "must be integers" in capsys.readouterr().err


@pytest.fixture
def half_listed(tmp_path):
    """24 CT series of 12 patients (two each, 16 of class 0, 8 of class 1); the labels
    CSV lists one series of each patient."""
    root, rows = tmp_path / "ct", []
    for i in range(24):
        label = int(i % 6 >= 4)
        write_ct_series(root / f"s{i:02d}", ct_volume(label, seed=i), patient_id=f"PAT{i // 2}")
        if i % 2 == 0:
            rows.append({"path": f"s{i:02d}", "label": label})
    labels = tmp_path / "labels.csv"
    pd.DataFrame(rows).to_csv(labels, index=False)
    return root, labels


def test_a_recipe_pool_leaves_out_the_test_patients_series(half_listed):
    root, labels = half_listed
    data = {"source": str(root), "labels": str(labels), "unlabelled": True}
    recipe = resolve_recipe({"data": data, "evaluation": {"unlabelled_share": 0.3}})
    assert "self-training" in recipe["evaluation"]["methods"]
    splits, loaded = _load_data(recipe["data"], 0, verbose=0)
    n_test_patients = len(set(splits.test_groups))
    assert len(loaded.unlabelled) == 12 and n_test_patients > 0
    assert len(splits.X_unlabelled) == 12 - n_test_patients  # one unlisted series each


def test_the_dicom_recipe_runs_with_a_pool(half_listed, tmp_path):
    root, labels = half_listed
    out = tmp_path / "run"
    argv = dicom_recipe_argv(
        root,
        labels,
        out,
        "data.unlabelled=true",
        "evaluation.n_seeds=1",
        "evaluation.fidelity=false",
        "evaluation.methods=[none, self-training, gan+pool]",
    )
    assert main(argv) == 0
    run = json.loads((out / "run.json").read_text())
    n_pool = run["unlabelled_given"]
    assert 0 < n_pool < 12
    scores = pd.read_csv(out / "scores.csv").set_index("method")
    assert scores.loc["gan+pool", "pool_used"] == n_pool
    assert scores.loc["self-training", "pool_used"] == n_pool
    assert scores.loc["none", "pool_used"] == 0
