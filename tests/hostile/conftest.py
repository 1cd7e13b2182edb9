"""Fixtures for the hostile-input suite (issue 36): one module per case of the issue.

Every test asserts the exit code, the one-line message, and that nothing was
written or lost (a snapshot of the folder before and after).
"""

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

# The realistic DICOM inputs of the medical-imaging tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "io"))
from _dicom_inputs import ct_volume, write_ct_series


@pytest.fixture
def afile(tmp_path):
    """A plain file where a folder is expected."""
    path = tmp_path / "afile"
    path.write_text("not a folder\n")
    return path


@pytest.fixture
def no_data_read(monkeypatch):
    """Fail the test if the breast-cancer table is loaded: the check comes first."""

    def refuse(*args, **kwargs):
        raise AssertionError("the data were read before the output was checked")

    monkeypatch.setattr("ganaug.datasets._splits.load_breast_cancer", refuse)


@pytest.fixture
def medmnist_npz(tmp_path):
    """A tiny MedMNIST-layout .npz (as augment-dicom reads it), 24 8x8 images."""
    rng = np.random.RandomState(0)
    path = tmp_path / "tiny.npz"
    np.savez(
        path,
        train_images=rng.randint(0, 256, size=(24, 8, 8)).astype(np.uint8),
        train_labels=np.r_[[0] * 8, [1] * 16].reshape(-1, 1),
    )
    return path


@pytest.fixture
def train_npz(tmp_path):
    """A tiny .npz as ganaug train reads it (images, labels)."""
    rng = np.random.RandomState(0)
    path = tmp_path / "data.npz"
    images = rng.randint(0, 256, size=(24, 8, 8)).astype(np.uint8)
    np.savez(path, images=images, labels=np.r_[[0] * 8, [1] * 16])
    return path


@pytest.fixture
def ct_cohort(tmp_path):
    """Six 16x16x8 CT series of six patients (4 benign, 2 malignant), in folders named
    as real exports name them (patient name and record number), and a labels CSV by
    SeriesInstanceUID. Returns (root, labels, {patient folder: series UID})."""
    root = tmp_path / "export"
    rows, series = [], {}
    for i, label in enumerate([0, 0, 0, 0, 1, 1]):
        folder = root / f"DOE_JANE{i}_MRN88123{i}" / "CT_CHEST"
        uid = write_ct_series(folder, ct_volume(label, seed=i), patient_id=f"MRN88123{i}")
        rows.append({"SeriesInstanceUID": uid, "label": label})
        series[folder] = uid
    labels = tmp_path / "labels.csv"
    pd.DataFrame(rows).to_csv(labels, index=False)
    return root, labels, series
