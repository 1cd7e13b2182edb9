"""Data sources as train / validation / test splits."""

import numpy as np
import pandas as pd
import pytest

from ganaug.datasets import load_splits


def test_bundled_sets_keep_their_official_splits():
    splits = load_splits("breastmnist")
    assert splits.X.shape == (546, 28, 28)
    assert splits.X_val.shape == (78, 28, 28) and splits.X_test.shape == (156, 28, 28)


def test_table_gets_a_stratified_test_split():
    splits = load_splits("breast-cancer", test_size=0.25)
    assert isinstance(splits.X, pd.DataFrame) and splits.X_val is None
    assert len(splits.X) + len(splits.X_test) == 569
    assert np.mean(splits.y) == pytest.approx(np.mean(splits.y_test), abs=0.01)


def test_files(tmp_path):
    images = np.zeros((30, 8, 8), np.uint8)
    labels = np.repeat([0, 1], 15)
    np.savez(
        tmp_path / "m.npz",
        train_images=images,
        train_labels=labels[:, None],
        test_images=images,
        test_labels=labels,
    )
    splits = load_splits(str(tmp_path / "m.npz"))
    assert splits.y.shape == (30,) and splits.X_val is None
    np.savez(tmp_path / "xy.npz", X=images, y=labels)
    assert len(load_splits(str(tmp_path / "xy.npz")).X_test) == 9
    pd.DataFrame({"a": range(30), "label": labels}).to_csv(tmp_path / "t.csv", index=False)
    splits = load_splits(str(tmp_path / "t.csv"), target="label")
    assert list(splits.X.columns) == ["a"]
    with pytest.raises(ValueError, match="Name the label column"):
        load_splits(str(tmp_path / "t.csv"))
    np.savez(tmp_path / "odd.npz", pixels=images)
    with pytest.raises(ValueError, match="expected MedMNIST keys"):
        load_splits(str(tmp_path / "odd.npz"))
    with pytest.raises(FileNotFoundError, match="neither a bundled"):
        load_splits(str(tmp_path / "missing.npz"))
