"""Folders as archives export them: cohort spreadsheets as labels CSVs (several
identifier columns, checked against the files), compressed transfer syntaxes, and
what loading says about the files it skips."""

import shutil
from pathlib import Path

import pandas as pd
import pytest
from _dicom_inputs import ct_volume, write_ct_series
from pydicom.data import get_testdata_file
from pydicom.uid import generate_uid

from ganaug.io import load_labelled_images
from ganaug.io.labels import read_labels


@pytest.fixture
def cohort(tmp_path):
    """Three patients, two CT series each (different studies); a cohort spreadsheet."""
    root, rows = tmp_path / "in", []
    for p, label in enumerate([0, 0, 1]):
        for s in range(2):
            study = generate_uid()
            uid = write_ct_series(
                root / f"P{p}" / f"S{s}",
                ct_volume(label, seed=2 * p + s),
                patient_id=f"PAT{p}",
                study_uid=study,
            )
            rows.append(
                {
                    "PatientID": f"PAT{p}",
                    "StudyInstanceUID": study,
                    "SeriesInstanceUID": uid,
                    "age": 50 + p,
                    "label": label,
                }
            )
    return root, pd.DataFrame(rows)


def test_a_cohort_spreadsheet_labels_by_its_most_specific_identifier(cohort, tmp_path):
    root, table = cohort
    table.to_csv(tmp_path / "cohort.csv", index=False)
    assert read_labels(tmp_path / "cohort.csv").key == "SeriesInstanceUID"
    data = load_labelled_images(root, tmp_path / "cohort.csv", verbose=0)
    by_series = dict(zip(table["SeriesInstanceUID"], table["label"], strict=True))
    assert len(data.labels) == 6
    assert [by_series[u] for u in data.records["series_uid"]] == data.labels.tolist()
    assert set(data.records["patient_id"]) == {"PAT0", "PAT1", "PAT2"}


def test_the_issue_s_spreadsheet_loads(cohort, tmp_path):
    # SeriesInstanceUID, PatientID, label: refused before, with a message that
    # contradicted itself.
    root, table = cohort
    table[["SeriesInstanceUID", "PatientID", "label"]].to_csv(tmp_path / "l.csv", index=False)
    assert len(load_labelled_images(root, tmp_path / "l.csv", verbose=0).labels) == 6


def test_key_chooses_the_identifier(cohort, tmp_path):
    root, table = cohort
    per_patient = table.drop_duplicates("PatientID")[["PatientID", "label"]]
    per_patient.to_csv(tmp_path / "patients.csv", index=False)
    data = load_labelled_images(root, tmp_path / "patients.csv", verbose=0)
    assert data.labels.tolist().count(1) == 2  # both series of the malignant patient
    table.to_csv(tmp_path / "cohort.csv", index=False)
    with pytest.raises(ValueError, match=r"PatientID values repeat .*more specific column"):
        load_labelled_images(root, tmp_path / "cohort.csv", key="PatientID", verbose=0)
    with pytest.raises(ValueError, match="key column 'path' is not among"):
        load_labelled_images(root, tmp_path / "cohort.csv", key="path", verbose=0)


def test_an_identifier_that_disagrees_with_the_files_names_the_row(cohort, tmp_path):
    root, table = cohort
    table.loc[3, "PatientID"] = "PAT9"
    table.to_csv(tmp_path / "cohort.csv", index=False)
    uid = table.loc[3, "SeriesInstanceUID"]
    with pytest.raises(
        ValueError,
        match=rf"cohort.csv, line 5 \(SeriesInstanceUID {uid}\): PatientID is 'PAT9', "
        r"but the files of .* say PAT1; correct the row, or drop the PatientID column",
    ):
        load_labelled_images(root, tmp_path / "cohort.csv", verbose=0)


def test_a_path_that_disagrees_with_the_uid_names_the_row(cohort, tmp_path):
    root, table = cohort
    table["path"] = [f"P{i // 2}/S{i % 2}" for i in range(6)]
    table.loc[0, "path"] = "P0/S1"  # the other series of the same patient
    table = table.drop(index=1)
    table.to_csv(tmp_path / "cohort.csv", index=False)
    with pytest.raises(ValueError, match=r"line 2 \(path P0/S1\): SeriesInstanceUID is"):
        load_labelled_images(root, tmp_path / "cohort.csv", verbose=0)


def test_a_class_lost_to_skipping_says_what_was_skipped_and_why(tmp_path):
    # pydicom's JPEG-lossy.dcm, which no installed decoder reads, beside a readable
    # CT image: the error counts the skips and keeps every decoder's reason (once
    # cut off after its first line).
    root = tmp_path / "in"
    for folder, name in (("a", "JPEG-lossy.dcm"), ("b", "CT_small.dcm")):
        (root / folder).mkdir(parents=True)
        shutil.copy(get_testdata_file(name), root / folder / name)
    labels = tmp_path / "labels.csv"
    pd.DataFrame({"path": ["a/JPEG-lossy.dcm", "b/CT_small.dcm"], "label": [0, 1]}).to_csv(
        labels, index=False
    )
    with pytest.raises(ValueError) as caught:
        load_labelled_images(root, labels, verbose=0)
    message = str(caught.value)
    assert "images left after skipping unreadable ones are of one class" not in message
    assert message.startswith("only class 1 is left (1 image(s)); skipped 1 file(s)")
    assert "1 x unreadable (RuntimeError: Unable to decode" in message
    assert "pylibjpeg: " in message and "pillow: " in message  # each decoder's reason
    assert str(Path(root / "a" / "JPEG-lossy.dcm")) in message


@pytest.mark.parametrize(
    "name",
    [
        "JPGExtended.dcm",  # JPEG Extended (12-bit)
        "MR_small_jpeg_ls_lossless.dcm",  # JPEG-LS
        "MR_small_jp2klossless.dcm",  # JPEG 2000 lossless
        "JPEG2000.dcm",  # JPEG 2000
        "MR_small_RLE.dcm",  # RLE
        "image_dfl.dcm",  # deflated
    ],
)
def test_compressed_transfer_syntaxes_decode_out_of_the_box(tmp_path, name):
    import pydicom

    root = tmp_path / "in"
    for folder, file in (("a", name), ("b", "CT_small.dcm")):
        (root / folder).mkdir(parents=True)
        shutil.copy(get_testdata_file(file), root / folder / file)
    labels = tmp_path / "labels.csv"
    pd.DataFrame({"path": [f"a/{name}", "b/CT_small.dcm"], "label": [0, 1]}).to_csv(
        labels, index=False
    )
    data = load_labelled_images(root, labels, target_shape=(32, 32), verbose=0)
    assert data.skipped == []
    assert sorted(data.labels.tolist()) == [0, 1]
    decoded = pydicom.dcmread(root / "a" / name).pixel_array
    shape = data.records.set_index("label").loc[0, "original_shape"]
    assert sorted(shape[-2:]) == sorted(decoded.shape)


def test_series_hygiene_leaves_out_localizers_duplicates_and_gapped_volumes(tmp_path):
    import pydicom

    root = tmp_path / "in"
    write_ct_series(root / "clean", ct_volume(0, seed=0), patient_id="A")
    messy = write_ct_series(root / "messy", ct_volume(0, seed=1), patient_id="B")
    files = sorted((root / "messy").iterdir())
    # A localizer in the series (another orientation), and a duplicate slice.
    scout = pydicom.dcmread(files[0])
    scout.ImageType = ["ORIGINAL", "PRIMARY", "LOCALIZER"]
    scout.ImageOrientationPatient = [1, 0, 0, 0, 0, -1]
    scout.SOPInstanceUID = generate_uid()
    scout.save_as(root / "messy" / "scout.dcm")
    duplicate = pydicom.dcmread(files[1])
    duplicate.SOPInstanceUID, duplicate.InstanceNumber = generate_uid(), 99
    duplicate.save_as(root / "messy" / "again.dcm")
    # A volume with a missing slice.
    write_ct_series(root / "gap", ct_volume(1, seed=2), patient_id="C")
    (sorted((root / "gap").iterdir(), key=lambda p: pydicom.dcmread(p).InstanceNumber)[3]).unlink()
    write_ct_series(root / "other", ct_volume(1, seed=3), patient_id="D")
    (root / "DICOMDIR").write_bytes(b"")  # empty: not a readable DICOM file
    labels = tmp_path / "labels.csv"
    pd.DataFrame({"PatientID": ["A", "B", "C", "D"], "label": [0, 0, 1, 1]}).to_csv(
        labels, index=False
    )
    before = sorted(p.name for p in root.rglob("*"))
    data = load_labelled_images(root, labels, verbose=0)
    reasons = dict(data.skipped)
    assert reasons[str(root / "messy" / "scout.dcm")] == "localizer (scout) image inside a series"
    assert reasons[str(root / "messy" / "again.dcm")].startswith("duplicate slice position")
    assert reasons[str(root / "gap")].startswith("missing slices or uneven spacing")
    assert str(root / "DICOMDIR") in reasons
    assert sorted(data.records["patient_id"]) == ["A", "B", "D"]
    assert data.records.set_index("patient_id").loc["B", "files"] == 8  # the series, cleaned
    assert messy in set(data.records["series_uid"])
    assert sorted(p.name for p in root.rglob("*")) == before  # nothing in the input changes
