"""target_shape is in MONAI's index order (x, y, z: columns, rows, slices for an axial
series) and reached by crop/pad or, with resize="interpolate", by interpolation."""

import numpy as np
import pandas as pd
import pytest
from _dicom_inputs import write_ct_series

from ganaug.io import load_labelled_images


@pytest.fixture
def oblong_folder(tmp_path):
    """Four axial CT series of 12 rows, 20 columns and 6 slices."""
    rows = []
    for i in range(4):
        hu = np.random.RandomState(i).normal(0, 100, (12, 20, 6)).round()
        uid = write_ct_series(tmp_path / "in" / f"s{i}", hu, spacing=(0.5, 1.0, 2.0))
        rows.append({"SeriesInstanceUID": uid, "label": i % 2})
    pd.DataFrame(rows).to_csv(tmp_path / "labels.csv", index=False)
    return tmp_path / "in", tmp_path / "labels.csv"


def test_shapes_are_columns_rows_slices(oblong_folder):
    root, labels = oblong_folder
    data = load_labelled_images(root, labels, verbose=0)
    assert data.images.shape[2:] == (20, 12, 6)  # x: columns, y: rows, z: slices
    np.testing.assert_allclose(data.spacing, (0.5, 1.0, 2.0))  # x, y, z too
    same = load_labelled_images(root, labels, target_shape=(20, 12, 6), verbose=0)
    np.testing.assert_array_equal(same.images, data.images)


def test_crop_keeps_the_voxel_size_and_interpolate_the_field_of_view(oblong_folder):
    root, labels = oblong_folder
    cropped = load_labelled_images(root, labels, target_shape=(10, 12, 6), verbose=0)
    full = load_labelled_images(root, labels, verbose=0)
    np.testing.assert_array_equal(cropped.images, full.images[:, :, 5:15])
    np.testing.assert_allclose(cropped.spacing, (0.5, 1.0, 2.0))
    resized = load_labelled_images(
        root, labels, target_shape=(10, 12, 6), resize="interpolate", verbose=0
    )
    assert resized.images.shape[2:] == (10, 12, 6)
    np.testing.assert_allclose(resized.spacing, (1.0, 1.0, 2.0))  # 20 x 0.5 mm in 10
    assert resized.records["original_shape"].iloc[0] == (20, 12, 6)
    with pytest.raises(ValueError, match="resize must be one of crop, interpolate"):
        load_labelled_images(root, labels, target_shape=(10, 12, 6), resize="fit")
