"""Case 1 of issue 36: synthetic DICOM identities are unique to each run.

Two ``augment-dicom`` runs of the same folder with the same seed share no Study,
Series, SOP Instance or Frame of Reference UID and no PatientID, while their
pixels are identical; ``--resume`` keeps the interrupted run's own identities.
"""

import json

import pandas as pd
import pydicom
import pytest
from _hostile import augment, tree


def _identities(out):
    """Every UID and PatientID the series of a run carry, and their pixels by file."""
    uids, patients, pixels = set(), set(), {}
    for path in sorted(out.glob("synthetic-*/*.dcm")):
        ds = pydicom.dcmread(path)
        uids |= {ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.SOPInstanceUID}
        uids.add(ds.FrameOfReferenceUID)
        patients.add(ds.PatientID)
        pixels[path.relative_to(out)] = ds.PixelData
    return uids, patients, pixels


def test_two_runs_with_the_same_seed_share_no_identity_and_the_same_pixels(ct_cohort, tmp_path):
    root, labels, _ = ct_cohort
    before = tree(root)
    for name in ("first", "second"):
        assert augment(root, labels, tmp_path / name, "--seed", "0") == 0
    first, second = _identities(tmp_path / "first"), _identities(tmp_path / "second")
    assert len(first[2]) == 16  # 2 series of 8 slices
    assert not first[0] & second[0]  # no Study, Series, SOP Instance or Frame UID
    assert not first[1] & second[1] and len(first[1]) == 2  # no PatientID
    assert first[2] == second[2]  # the seed fixes the pixels
    # Each run records its root; every UID of the run lies under it.
    for name, (uids, patients, _) in (("first", first), ("second", second)):
        run = json.loads((tmp_path / name / "run.json").read_text())
        manifest = pd.read_csv(tmp_path / name / "manifest.csv")
        assert set(manifest["uid_root"]) == {run["uid_root"]}
        assert run["uid_root"].startswith("2.25.")
        assert all(uid.startswith(run["uid_root"] + ".") for uid in uids)
        assert set(manifest["PatientID"]) == patients
    assert tree(root) == before


def test_resume_keeps_the_runs_own_identities(ct_cohort, tmp_path, monkeypatch):
    root, labels, _ = ct_cohort
    out = tmp_path / "out"

    def interrupted(*args, **kwargs):  # Ctrl-C as the first synthetic file is written
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(pydicom.dataset.Dataset, "save_as", interrupted)
        with pytest.raises(KeyboardInterrupt):
            augment(root, labels, out)
    partial = tmp_path / ".out.partial"
    kept = json.loads((partial / "identity.json").read_text())["uid_root"]
    assert (partial / "checkpoint.pt").is_file() and not out.exists()

    assert augment(root, labels, out, "--resume") == 0
    assert json.loads((out / "run.json").read_text())["uid_root"] == kept
    uids, _, _ = _identities(out)
    assert uids and all(uid.startswith(kept + ".") for uid in uids)
    assert not (out / "identity.json").exists() and not partial.exists()
