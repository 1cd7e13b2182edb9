"""Fixtures for the medical-imaging I/O tests."""

import pandas as pd
import pytest
from _dicom_inputs import ct_volume, write_ct_series


@pytest.fixture
def ct_folder(tmp_path):
    """Six 16x16x8 CT series (4 of class 0, 2 of class 1) and a labels CSV by UID."""
    root = tmp_path / "in"
    rows = []
    for i, label in enumerate([0, 0, 0, 0, 1, 1]):
        uid = write_ct_series(root / f"patient{i}" / "ct", ct_volume(label, seed=i))
        rows.append({"SeriesInstanceUID": uid, "label": label})
    (root / "notes.txt").write_text("not a DICOM file")
    labels = tmp_path / "labels.csv"
    pd.DataFrame(rows).to_csv(labels, index=False)
    return root, labels
