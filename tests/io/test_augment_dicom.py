"""``ganaug augment-dicom``: outputs, privacy, validity, user errors, interruption."""

import hashlib
import importlib

import numpy as np
import pandas as pd
import pydicom
import pytest
from _dicom_inputs import PATIENT, dciodvfy_errors, snapshot
from monai.transforms import LoadImage

from ganaug import GANOversampler
from ganaug.cli import main
from ganaug.io import load_labelled_images
from ganaug.io.labels import read_labels

FAST = ["--epochs", "1", "--batch-size", "4", "--quiet", "--target-shape", "16,16,8"]


def _run(root, labels, out, *extra):
    return main(
        ["augment-dicom", str(root), "--labels", str(labels), "--out", str(out), *FAST, *extra]
    )


def test_writes_valid_synthetic_series_and_leaves_the_input_alone(ct_folder, tmp_path, capsys):
    root, labels = ct_folder
    before = snapshot(root)
    out = tmp_path / "out"
    assert _run(root, labels, out, "--window", "soft-tissue", "--sampling-strategy", "1:6") == 0
    printed = capsys.readouterr().out
    assert "wrote 4 synthetic series (4 of class 1)" in printed
    assert "skipped 1 file(s) or series: 1 x not a readable DICOM file" in printed
    # The output names the skipped file by a keyed hash only; the terminal has the path.
    skipped = pd.read_csv(out / "skipped.csv")
    assert skipped.columns.tolist() == ["path_hash", "reason"]
    assert f"  {skipped['path_hash'][0]}  {root / 'notes.txt'}: " in printed
    assert snapshot(root) == before

    manifest = pd.read_csv(out / "manifest.csv")
    assert manifest.columns.tolist() == [
        "path",
        "label",
        "seed",
        "model_sha256",
        "SeriesInstanceUID",
        "PatientID",
        "uid_root",
        "derivation",
    ]
    assert manifest["label"].tolist() == [1] * 4 and set(manifest["seed"]) == {0}
    digest = hashlib.sha256((out / "model.pt").read_bytes()).hexdigest()
    assert set(manifest["model_sha256"]) == {digest}
    assert GANOversampler.load(out / "model.pt").generate(1, 1).shape == (1, 1, 16, 16, 8)
    # The manifest is a labels CSV: by path, its UIDs agreeing with the files (one
    # class only, so loading stops after labelling every series).
    assert read_labels(out / "manifest.csv").key == "path"
    with pytest.raises(ValueError, match="all images have the label 1"):
        load_labelled_images(out, out / "manifest.csv", verbose=0)

    inputs = [pydicom.dcmread(p) for p in root.rglob("IM*")]
    input_uids = {
        uid
        for ds in inputs
        for uid in (
            ds.StudyInstanceUID,
            ds.SeriesInstanceUID,
            ds.SOPInstanceUID,
            ds.FrameOfReferenceUID,
        )
    }
    written_uids = []
    for row in manifest.itertuples():
        slices = [pydicom.dcmread(p) for p in sorted((out / row.path).glob("*.dcm"))]
        assert len(slices) == 8 and {ds.SeriesInstanceUID for ds in slices} == {
            row.SeriesInstanceUID
        }
        head = slices[0]
        written_uids += [head.StudyInstanceUID, head.SeriesInstanceUID, head.FrameOfReferenceUID]
        written_uids += [ds.SOPInstanceUID for ds in slices]
        hu = np.stack(
            [ds.pixel_array * float(ds.RescaleSlope) + float(ds.RescaleIntercept) for ds in slices]
        )
        assert hu.min() >= -160 and hu.max() <= 240  # inside the training window
        assert head.Modality == "CT" and head.SyntheticData == "YES"
        assert [float(v) for v in head.PixelSpacing] == [0.8, 0.7] and float(
            head.SliceThickness
        ) == 2.5
        image = LoadImage(reader="PydicomReader", image_only=True)(str(out / row.path))
        assert tuple(image.shape) == (16, 16, 8)
        np.testing.assert_allclose(image.pixdim, (0.7, 0.8, 2.5))
    assert len(set(written_uids)) == len(written_uids) and not set(written_uids) & input_uids

    for path in out.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for value in PATIENT.values():
                for text in {value, value.replace("^", " ")}:
                    assert text.encode() not in data, (text, path)
    for path in sorted((out / manifest["path"][0]).iterdir())[:2]:
        assert dciodvfy_errors(path) == []


def test_nifti_format(ct_folder, tmp_path):
    root, labels = ct_folder
    assert _run(root, labels, tmp_path / "out", "--format", "nifti") == 0
    manifest = pd.read_csv(tmp_path / "out" / "manifest.csv")
    assert len(manifest) == 2 and manifest["path"].str.endswith(".nii.gz").all()
    image = LoadImage(image_only=True)(str(tmp_path / "out" / manifest["path"][0]))
    assert tuple(image.shape) == (16, 16, 8)
    np.testing.assert_allclose(image.pixdim, (0.7, 0.8, 2.5))


def test_ct_normalised_like_mr_is_written_as_secondary_capture(ct_folder, tmp_path):
    root, labels = ct_folder
    assert _run(root, labels, tmp_path / "out", "--window", "mr") == 0
    first = sorted((tmp_path / "out" / "synthetic-00001").iterdir())[0]
    ds = pydicom.dcmread(first)
    assert ds.SOPClassUID.name == "Secondary Capture Image Storage" and ds.ConversionType == "SYN"
    assert dciodvfy_errors(first) == []


def _one_line_error(capsys, message):
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1, err


def test_user_errors_exit_2_with_one_line(ct_folder, tmp_path, capsys):
    root, labels = ct_folder
    (tmp_path / "empty").mkdir()
    assert _run(tmp_path / "empty", labels, tmp_path / "o1") == 2
    _one_line_error(capsys, "holds no DICOM or NIfTI image")
    assert _run(root, tmp_path / "missing.csv", tmp_path / "o2") == 2
    _one_line_error(capsys, "missing.csv does not exist")
    single = tmp_path / "single.csv"
    pd.DataFrame({"PatientID": [PATIENT["PatientID"]], "label": [1]}).to_csv(single, index=False)
    assert _run(root, single, tmp_path / "o3") == 2
    _one_line_error(capsys, "need two classes")
    (tmp_path / "exists").mkdir()
    assert _run(root, labels, tmp_path / "exists") == 2
    _one_line_error(capsys, "already exists")
    assert _run(root, labels, root / "out") == 2
    _one_line_error(capsys, "is inside the input")
    assert _run(root, labels, tmp_path / "o4", "--strict") == 2
    _one_line_error(capsys, "notes.txt: not a readable DICOM file")
    assert not any((tmp_path / name).exists() for name in ("o1", "o2", "o3", "o4"))


def test_interrupted_run_leaves_no_output_and_resumes(ct_folder, tmp_path, monkeypatch):
    root, labels = ct_folder
    assert _run(root, labels, tmp_path / "reference") == 0

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    out = tmp_path / "out"
    with monkeypatch.context() as patch:
        # the module, which ganaug.workflows.augment_folder (the function) shadows
        module = importlib.import_module("ganaug.workflows.augment_folder")
        patch.setattr(module, "write_dicom_series", interrupted)
        with pytest.raises(KeyboardInterrupt):
            _run(root, labels, out)
    assert not out.exists()
    assert (tmp_path / ".out.partial" / "checkpoint.pt").is_file()
    assert _run(root, labels, out, "--resume") == 0
    assert not (tmp_path / ".out.partial").exists()
    # The resumed run writes what an uninterrupted one does (the model file differs
    # only in its recorded timings, hence in checksum).
    reference = pd.read_csv(tmp_path / "reference" / "manifest.csv")
    manifest = pd.read_csv(out / "manifest.csv")
    # (Two runs share no identity: the UIDs and patient IDs differ, by design.)
    differ = ["model_sha256", "SeriesInstanceUID", "PatientID", "uid_root"]
    pd.testing.assert_frame_equal(manifest.drop(columns=differ), reference.drop(columns=differ))
    for name in manifest["path"]:
        for path in sorted((out / name).iterdir()):
            expected = pydicom.dcmread(tmp_path / "reference" / name / path.name).PixelData
            assert pydicom.dcmread(path).PixelData == expected


def test_series_have_the_real_class_voxel_means(ct_folder, tmp_path):
    """One epoch leaves the generator's class-1 volumes 148 HU per voxel from
    the real mean volume (inside the window); the written series are matched
    to it, to within 3 HU (the clipping at the window's edges)."""
    root, labels = ct_folder
    out = tmp_path / "out"
    assert _run(root, labels, out, "--window", "soft-tissue", "--sampling-strategy", "1:6") == 0
    read = LoadImage(reader="PydicomReader", image_only=True)
    low, high = -160, 240  # the soft-tissue window
    real = [np.clip(read(str(root / f"patient{i}" / "ct")), low, high) for i in (4, 5)]
    manifest = pd.read_csv(out / "manifest.csv")
    written = np.stack([read(str(out / path)) for path in manifest["path"]])
    raw = GANOversampler.load(out / "model.pt").generate(4, 1, random_state=0)[:, 0]

    def gap(volumes):
        return np.abs(np.mean(volumes, axis=0) - np.mean(real, axis=0)).mean()

    assert gap(raw * (high - low) + low) > 40.0
    assert gap(written) < 5.0
