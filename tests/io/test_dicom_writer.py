"""Synthetic DICOM series: valid (dciodvfy), marked, new identities, HU round trip."""

import numpy as np
import pytest
from _dicom_inputs import dciodvfy_errors, read_series
from monai.transforms import LoadImage, Orientation

from ganaug import __version__
from ganaug.io import write_dicom_series, write_nifti
from ganaug.io.dicom_series import DicomSeriesReader, scan_dicom_folder
from ganaug.io.dicom_writer import new_uid_root


@pytest.fixture
def hu_volume():
    rng = np.random.RandomState(0)
    return np.round(rng.uniform(-1000, 1500, size=(12, 10, 6)))


def test_ct_series_round_trips_hu_and_geometry(hu_volume, tmp_path):
    spacing = (0.7, 0.8, 2.5)
    uid = write_dicom_series(
        hu_volume, tmp_path / "s", spacing=spacing, modality="CT", seed=7, index=3, label=1
    )
    slices = read_series(tmp_path / "s")
    assert len(slices) == 6 and {ds.SeriesInstanceUID for ds in slices} == {uid}
    for k, ds in enumerate(slices):
        hu = ds.pixel_array * float(ds.RescaleSlope) + float(ds.RescaleIntercept)
        # Rows run posterior, columns left: the RAS volume flipped in-plane, transposed.
        np.testing.assert_array_equal(hu, hu_volume[::-1, ::-1, k].T)
        assert [float(v) for v in ds.PixelSpacing] == [0.8, 0.7]
        assert float(ds.SliceThickness) == 2.5
        assert float(ds.ImagePositionPatient[2]) == pytest.approx(-6.25 + 2.5 * k)
    assert [float(v) for v in slices[0].ImageOrientationPatient] == [1, 0, 0, 0, 1, 0]
    # MONAI reads it back, with its own DICOM reader, as the same volume and spacing.
    image = LoadImage(reader="PydicomReader", image_only=True)(str(tmp_path / "s"))
    np.testing.assert_array_equal(np.asarray(image), hu_volume[::-1, ::-1, :])
    np.testing.assert_allclose(image.pixdim, spacing)
    # ganaug's loader (ordered by position, oriented to RAS) inverts the writer.
    (series,), _ = scan_dicom_folder(tmp_path)
    load = LoadImage(image_only=True, ensure_channel_first=True)
    loaded = load(series.files, DicomSeriesReader())
    np.testing.assert_array_equal(Orientation("RAS", labels=None)(loaded)[0], hu_volume)


def test_series_is_marked_synthetic_with_new_reproducible_uids(hu_volume, tmp_path):
    root = new_uid_root()
    for name, index, uid_root in [("a", 1, root), ("b", 1, root), ("c", 2, root), ("d", 1, None)]:
        write_dicom_series(
            hu_volume, tmp_path / name, spacing=(1, 1, 1), seed=7, index=index, uid_root=uid_root
        )
    a, b, c, d = (read_series(tmp_path / name) for name in "abcd")
    ds = a[0]
    assert ds.SyntheticData == "YES" and ds.BurnedInAnnotation == "NO"
    assert list(ds.ImageType)[:2] == ["DERIVED", "SECONDARY"]
    assert "synthetic" in ds.DerivationDescription.lower()
    assert f"ganaug {__version__} seed 7" in ds.SeriesDescription
    assert "SourceImageSequence" not in ds and not ds.StudyDate and not ds.PatientBirthDate
    assert ds.PatientName == "SYNTHETIC^000001"

    def uids(series):
        head = series[0]
        shared = [head.StudyInstanceUID, head.SeriesInstanceUID, head.FrameOfReferenceUID]
        return shared + [s.SOPInstanceUID for s in series]

    # The same run (UID root) and index give the same UIDs, all under the root; the
    # seed never enters them (issue 36): without a root, every call has new ones.
    assert uids(a) == uids(b) and all(uid.startswith(root + ".") for uid in uids(a))
    assert len(set(uids(a)) | set(uids(c))) == 2 * len(uids(a))
    assert not set(uids(a)) & set(uids(d)) and a[0].PatientID != d[0].PatientID
    assert all(len(uid) <= 64 for uid in uids(a))


@pytest.mark.parametrize(
    ("modality", "shape", "sop_class"),
    [
        ("CT", (12, 10, 6), "CT Image Storage"),
        ("CT", (12, 10), "CT Image Storage"),
        ("MR", (12, 10, 3), "MR Image Storage"),
        ("OT", (12, 10), "Secondary Capture Image Storage"),
        ("OT", (12, 10, 3), "Secondary Capture Image Storage"),
    ],
)
def test_every_storage_class_passes_dciodvfy(tmp_path, modality, shape, sop_class):
    values = np.random.RandomState(1).uniform(0, 1, size=shape)
    write_dicom_series(values, tmp_path / "s", spacing=(0.5,) * len(shape), modality=modality)
    slices = read_series(tmp_path / "s")
    assert slices[0].SOPClassUID.name == sop_class
    if sop_class.startswith("Secondary"):
        assert slices[0].ConversionType == "SYN"
    for path in sorted((tmp_path / "s").iterdir()):
        assert dciodvfy_errors(path) == []


def test_mr_values_fill_twelve_bits(tmp_path):
    values = np.linspace(0, 1, 120).reshape(12, 10)
    write_dicom_series(values, tmp_path / "s", spacing=(1, 1), modality="MR")
    pixels = read_series(tmp_path / "s")[0].pixel_array
    assert pixels.min() == 0 and pixels.max() == 4095


def test_nifti_keeps_values_and_spacing(hu_volume, tmp_path):
    path = write_nifti(hu_volume, tmp_path / "x.nii.gz", spacing=(0.7, 0.8, 2.5))
    image = LoadImage(image_only=True)(str(path))
    np.testing.assert_array_equal(np.asarray(image), hu_volume)
    np.testing.assert_allclose(image.pixdim, (0.7, 0.8, 2.5))
