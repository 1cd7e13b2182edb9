"""Issue 23's acceptance: an archive-like export (Patient/Study/Series folders with a
DICOMDIR, several series per patient, a cohort spreadsheet, compressed series and
messy ones) runs through the DICOM recipe and augment-dicom, which say what they
skipped and why; the synthetic series pass dciodvfy and the input never changes."""

import json
import shutil
from pathlib import Path

import pandas as pd
import pydicom
import pytest
from _dicom_inputs import (
    ct_volume,
    dciodvfy_errors,
    dicom_recipe_argv,
    snapshot,
    write_ct_series,
    write_enhanced_ct,
)
from pydicom.data import get_testdata_file
from pydicom.fileset import FileSet
from pydicom.uid import (
    DeflatedExplicitVRLittleEndian,
    RLELossless,
    generate_uid,
)

from ganaug.cli import main

LABELS = [0] * 8 + [1] * 4  # one per patient; two studies of one series each


@pytest.fixture
def archive(tmp_path):
    staging, rows = tmp_path / "staging", []
    for p, label in enumerate(LABELS):
        for s in range(2):
            study, series = generate_uid(), generate_uid()
            write_ct_series(
                staging / f"{p}-{s}",
                ct_volume(label, seed=10 * p + s),
                patient_id=f"PAT{p}",
                study_uid=study,
                series_uid=series,
            )
            rows.append((f"PAT{p}", study, series, label))
    fileset = FileSet()
    for path in sorted(staging.rglob("IM*")):
        ds = pydicom.dcmread(path)
        ds.StudyTime, ds.StudyID, ds.AccessionNumber, ds.SeriesNumber = "120000", "1", "", 1
        if path.parent.name == "0-0":  # one patient's series compressed (RLE) ...
            ds.compress(RLELossless)
        elif path.parent.name == "1-0":  # ... another's deflated
            ds.file_meta.TransferSyntaxUID = DeflatedExplicitVRLittleEndian
        fileset.add(ds)
    root = tmp_path / "export"
    fileset.write(root)  # PT000000/ST000000/SE000000/IM000000 ... and DICOMDIR
    series_folders = {
        pydicom.dcmread(next(folder.iterdir())).SeriesInstanceUID: folder
        for folder in root.glob("PT*/ST*/SE*")
    }
    # A localizer inside one series, a missing slice in another, a truncated file.
    messy = {name: series_folders[rows[i][2]] for name, i in (("scout", 6), ("gap", 9))}
    scout = pydicom.dcmread(next(messy["scout"].iterdir()))
    scout.ImageType = ["ORIGINAL", "PRIMARY", "LOCALIZER"]
    scout.ImageOrientationPatient = [1, 0, 0, 0, 0, -1]
    scout.SOPInstanceUID = generate_uid()
    scout.save_as(messy["scout"] / "SCOUT", enforce_file_format=True)
    sorted(messy["gap"].iterdir())[3].unlink()
    truncated = messy["truncated"] = sorted(series_folders[rows[12][2]].iterdir())[2]
    truncated.write_bytes(truncated.read_bytes()[:400])  # an interrupted transfer
    # A colour (RGB) Secondary Capture, an enhanced (multi-frame) CT volume of a 13th
    # patient, a multi-frame file without positions (not a volume), a text file.
    (root / "OTHER").mkdir()
    shutil.copy(get_testdata_file("SC_rgb_small_odd.dcm"), root / "OTHER" / "RGB")
    study = generate_uid()
    enhanced = write_enhanced_ct(
        root / "OTHER" / "ENHANCED", ct_volume(1), patient_id="PAT-E", study_uid=study
    )
    rows.append(("PAT-E", study, enhanced, 1))
    write_enhanced_ct(root / "OTHER" / "CINE", ct_volume(0), positions=None)
    (root / "README.txt").write_text("exported from PACS")
    labels = tmp_path / "cohort.csv"
    pd.DataFrame(
        rows, columns=["PatientID", "StudyInstanceUID", "SeriesInstanceUID", "label"]
    ).to_csv(labels, index=False)
    return root, labels, messy


def _check_skipped(skipped: pd.DataFrame, root: Path, messy: dict) -> None:
    reasons = dict(zip(skipped["path"], skipped["reason"], strict=True))
    assert reasons[str(root / "DICOMDIR")] == "DICOM file without an image"
    assert reasons[str(root / "README.txt")].startswith("not a readable DICOM file")
    assert reasons[str(messy["scout"] / "SCOUT")] == "localizer (scout) image inside a series"
    assert reasons[str(messy["gap"])].startswith("missing slices or uneven spacing")
    assert reasons[str(root / "OTHER" / "RGB")] == "a 2D image; target_shape is 3D"
    assert reasons[str(root / "OTHER" / "CINE")].startswith("multi-frame image without a position")
    assert str(root / "OTHER" / "ENHANCED") not in reasons
    assert reasons[str(messy["truncated"])].startswith("truncated or damaged image file")
    # ... and the series it belonged to now misses a slice
    assert reasons[str(messy["truncated"].parent)].startswith("missing slices")


def test_the_recipe_runs_on_an_archive_export(archive, tmp_path, capsys):
    root, labels, messy = archive
    before = snapshot(root)
    out = tmp_path / "run"
    argv = dicom_recipe_argv(
        root, labels, out, "evaluation.n_seeds=1", "evaluation.methods=[none, ros, gan]"
    )
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "skipped 8 file(s) or series" in printed and "skipped.csv" in printed
    _check_skipped(pd.read_csv(out / "skipped.csv"), root, messy)
    run = json.loads((out / "run.json").read_text())
    assert run["grouping"]["by"] == "PatientID"
    assert run["grouping"]["groups_train_and_val"] + run["grouping"]["groups_test"] == 13
    assert "Grouped splits" in (out / "report.md").read_text()
    assert snapshot(root) == before


def test_augment_dicom_runs_on_an_archive_export(archive, tmp_path, capsys):
    root, labels, messy = archive
    before = snapshot(root)
    out = tmp_path / "out"
    argv = ["augment-dicom", str(root), "--labels", str(labels), "--out", str(out)]
    argv += ["--target-shape", "16,16,8", "--window", "soft-tissue", "--epochs", "1"]
    argv += ["--skipped-paths", str(tmp_path / "skipped-paths.csv")]
    assert main([*argv, "--quiet", "--sampling-strategy", "1:18"]) == 0
    printed = capsys.readouterr().out
    assert "skipped 8 file(s) or series" in printed
    # The paths go to the file named outside the output; the output has their hashes.
    _check_skipped(pd.read_csv(tmp_path / "skipped-paths.csv"), root, messy)
    assert pd.read_csv(out / "skipped.csv").columns.tolist() == ["path_hash", "reason"]
    manifest = pd.read_csv(out / "manifest.csv")
    assert len(manifest) > 0 and set(manifest["label"]) == {1}
    for folder in manifest["path"]:
        first = sorted((out / folder).glob("*.dcm"))[0]
        assert dciodvfy_errors(first) == []
    assert snapshot(root) == before
