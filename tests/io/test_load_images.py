"""load_labelled_images: DICOM series, NIfTI and MedMNIST files, labels CSVs, errors."""

import shutil
from pathlib import Path

import nibabel
import numpy as np
import pandas as pd
import pydicom
import pytest
from _dicom_inputs import ct_volume, write_mr_slice
from pydicom.data import get_testdata_file

from ganaug.io import load_labelled_images
from ganaug.io.dicom_series import DicomSeriesReader

TEST_FILES = Path(get_testdata_file("CT_small.dcm")).parent
CT5N = TEST_FILES / "dicomdirtests" / "98892001" / "CT5N"
EXAMPLE4D = Path(nibabel.__file__).parent / "tests" / "data" / "example4d.nii.gz"


def _labels(path, key, rows):
    pd.DataFrame(rows, columns=[key, "label"]).to_csv(path, index=False)
    return path


def test_ct_series_load_in_hu_with_their_geometry(ct_folder):
    root, labels = ct_folder
    data = load_labelled_images(root, labels, verbose=0)
    assert data.images.shape == (6, 1, 16, 16, 8) and data.images.dtype == np.float32
    assert data.labels.tolist() == [0, 0, 0, 0, 1, 1]
    assert data.modality == "CT" and data.window is None
    np.testing.assert_allclose(data.spacing, (0.7, 0.8, 2.5))
    # RAS order: the first axis runs right (LPS x reversed), the last upwards.
    expected = ct_volume(1, seed=5).transpose(1, 0, 2)[::-1, ::-1, :]
    np.testing.assert_array_equal(data.images[5, 0], expected)
    reason = "not a readable DICOM file (InvalidDicomError)"
    assert data.skipped == [(str(root / "notes.txt"), reason)]
    assert set(data.records["files"]) == {8}


def test_window_maps_hu_to_unit_range_and_back(ct_folder):
    root, labels = ct_folder
    data = load_labelled_images(root, labels, window="soft-tissue", verbose=0)
    assert data.window == (-160.0, 240.0)
    assert data.images.min() == 0.0 and data.images.max() <= 1.0
    hu = data.to_physical(data.images)
    raw = load_labelled_images(root, labels, verbose=0).images
    np.testing.assert_allclose(hu, np.clip(raw, -160, 240), atol=1e-3)


def test_target_shape_and_spacing_use_monai_resampling(ct_folder):
    root, labels = ct_folder
    data = load_labelled_images(
        root, labels, target_shape=(8, 8, 12), spacing=(1.4, 1.6, 2.5), verbose=0
    )
    assert data.images.shape == (6, 1, 8, 8, 12)
    assert data.spacing == (1.4, 1.6, 2.5)
    assert data.records["original_shape"].iloc[0] == (16, 16, 8)


def test_cache_dir_serves_later_loads_without_decoding(ct_folder, tmp_path, monkeypatch):
    root, labels = ct_folder
    settings = {"window": "lung", "cache_dir": tmp_path / "cache", "verbose": 0}
    first = load_labelled_images(root, labels, **settings)
    assert len(list((tmp_path / "cache").iterdir())) == 6

    def no_decoding(self, data, **kwargs):
        raise AssertionError("pixel data read despite the cache")

    monkeypatch.setattr(DicomSeriesReader, "read", no_decoding)
    again = load_labelled_images(root, labels, **settings)
    np.testing.assert_array_equal(first.images, again.images)
    pd.testing.assert_frame_equal(first.records, again.records)
    # Other settings are another cache entry, not a stale hit.
    with pytest.raises(ValueError, match="no image could be read"):
        load_labelled_images(root, labels, **{**settings, "window": "bone"})


def test_pydicom_bundled_files_by_path(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    shutil.copy(get_testdata_file("CT_small.dcm"), root)
    shutil.copy(get_testdata_file("MR_small.dcm"), root)
    labels = _labels(tmp_path / "l.csv", "path", [["CT_small.dcm", 0], ["MR_small.dcm", 1]])
    data = load_labelled_images(root, labels, target_shape=(64, 64), verbose=0)
    assert data.images.shape == (2, 1, 64, 64)
    names = data.records["source"].map(lambda s: Path(s).name)
    by_name = dict(zip(names, data.images, strict=True))
    ct = pydicom.dcmread(root / "CT_small.dcm")
    hu = ct.pixel_array.astype(float) * float(ct.RescaleSlope) + float(ct.RescaleIntercept)
    np.testing.assert_allclose(by_name["CT_small.dcm"][0], hu.T[32:96, 32:96])
    assert sorted(data.records["modality"]) == ["CT", "MR"]


def test_ct5n_slices_are_ordered_by_position_not_instance_number(tmp_path):
    root = tmp_path / "in"
    shutil.copytree(CT5N, root / "CT5N")
    slices = [pydicom.dcmread(p) for p in (root / "CT5N").iterdir()]
    uid = slices[0].SeriesInstanceUID
    mr = write_mr_slice(root / "mr" / "one.dcm", np.arange(256).reshape(16, 16))
    labels = _labels(tmp_path / "l.csv", "SeriesInstanceUID", [[uid, 0], [mr, 1]])
    with pytest.raises(ValueError, match="mixes 2D images and 3D volumes"):
        load_labelled_images(root, labels, verbose=0)
    # A 3D target keeps the CT5N volume only: one class left.
    with pytest.raises(ValueError, match="need two classes"):
        load_labelled_images(root, labels, target_shape=(16, 16, 5), verbose=0)
    volume = load_labelled_images(root, _two_copies(root, tmp_path), verbose=0)
    by_height = sorted(slices, key=lambda ds: float(ds.ImagePositionPatient[2]))
    assert [int(ds.InstanceNumber) for ds in by_height] == [10, 9, 8, 7, 6]
    for k, ds in enumerate(by_height):
        hu = ds.pixel_array * float(ds.RescaleSlope) + float(ds.RescaleIntercept)
        np.testing.assert_allclose(volume.images[0, 0, :, :, k], hu.T[::-1, ::-1])
    np.testing.assert_allclose(volume.spacing, (0.488281, 0.488281, 2.5), atol=1e-4)


def _two_copies(root, tmp_path):
    """A second CT5N-like series (other UID) so two classes are present."""
    shutil.rmtree(root / "mr")
    for path in sorted((root / "CT5N").iterdir()):
        ds = pydicom.dcmread(path)
        ds.SeriesInstanceUID = "1.2.3.4.5"
        (root / "copy").mkdir(exist_ok=True)
        ds.save_as(root / "copy" / path.name)
    return _labels(tmp_path / "p.csv", "path", [["CT5N", 0], ["copy", 1]])


def test_nifti_folder_with_nibabels_example(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    shutil.copy(EXAMPLE4D, root / "a.nii.gz")
    volume = np.arange(128 * 96 * 24, dtype=np.float32).reshape(128, 96, 24)
    nibabel.save(nibabel.Nifti1Image(volume, np.diag([2.0, 2.0, 3.0, 1.0])), root / "b.nii")
    labels = _labels(tmp_path / "l.csv", "path", [["a.nii.gz", "normal"], ["b.nii", "lesion"]])
    data = load_labelled_images(root, labels, target_shape=(32, 32, 16), verbose=0)
    assert data.images.shape == (2, 1, 32, 32, 16) and data.modality == "OT"
    assert data.labels.tolist() == ["normal", "lesion"]
    first = np.asarray(nibabel.load(EXAMPLE4D).dataobj)[..., 0]
    assert data.images[0].mean() == pytest.approx(first[48:80, 32:64, 4:20].mean(), rel=1e-5)
    with pytest.raises(ValueError, match="needs DICOM input"):
        load_labelled_images(root, _labels(tmp_path / "u.csv", "PatientID", [["x", 0]]))


def test_medmnist_npz_carries_its_labels(tmp_path):
    images = np.random.RandomState(0).randint(0, 256, (10, 28, 28)).astype(np.uint8)
    path = tmp_path / "set.npz"
    np.savez(path, train_images=images, train_labels=np.r_[[0] * 7, [1] * 3].reshape(-1, 1))
    data = load_labelled_images(path, window=(0, 255), target_shape=(16, 16), verbose=0)
    assert data.images.shape == (10, 1, 16, 16)
    np.testing.assert_allclose(data.images[:, 0], images[:, 6:22, 6:22] / 255, atol=1e-6)
    assert data.labels.tolist() == [0] * 7 + [1] * 3
    with pytest.raises(ValueError, match="carries its own labels"):
        load_labelled_images(path, tmp_path / "labels.csv")


@pytest.mark.parametrize(
    ("rows", "columns", "message"),
    [
        ([["x", 0]], ["AccessionNumber", "label"], "needs an identifier column among"),
        ([["x", "y"]], ["PatientID", "diagnosis"], "needs a 'label' column"),
        ([["a", 0], ["a", 1]], ["PatientID", "label"], "values repeat"),
        ([["someone-else", 0]], ["PatientID", "label"], "have no label"),
        ([["PAT-8812345", 1]], ["PatientID", "label"], "need two classes"),
    ],
)
def test_labels_csv_errors(ct_folder, tmp_path, rows, columns, message):
    root, _ = ct_folder
    labels = tmp_path / "bad.csv"
    pd.DataFrame(rows, columns=columns).to_csv(labels, index=False)
    with pytest.raises(ValueError, match=message):
        load_labelled_images(root, labels, verbose=0)


def test_folder_errors(ct_folder, tmp_path):
    root, labels = ct_folder
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="holds no DICOM or NIfTI image"):
        load_labelled_images(tmp_path / "empty", labels)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_labelled_images(root, tmp_path / "missing.csv")
    with pytest.raises(ValueError, match="a labels CSV is needed"):
        load_labelled_images(root)
    with pytest.raises(ValueError, match=r"notes.txt: not a readable DICOM file"):
        load_labelled_images(root, labels, strict=True)
    one_file = sorted((root / "patient0" / "ct").iterdir())[0]
    both = _labels(tmp_path / "both.csv", "path", [["patient0/ct", 0], [str(one_file), 1]])
    with pytest.raises(ValueError, match=r"ct has labels \[0, 1\]"):
        load_labelled_images(root, both)
    with pytest.raises(ValueError, match="unknown window 'liver'"):
        load_labelled_images(root, labels, window="liver")
