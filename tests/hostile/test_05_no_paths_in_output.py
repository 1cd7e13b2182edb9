"""Case 5 of issue 36: the synthetic output holds no input path, and says truthfully
what its images came from.

Real exports name folders by patient name or record number: ``skipped.csv`` in
the output names each skip by a keyed hash of its path; the paths go to the
terminal, or to a file the user names outside the output (``--skipped-paths``).
DerivationDescription and the manifest say the images come from a model trained on
N series of M patients, no pixel copied.
"""

import json

import pandas as pd
import pydicom
import pytest
from _hostile import augment, one_line_error, tree


def _broken_file(series):
    folder = next(iter(series))
    broken = folder / "IM_BROKEN"
    broken.write_bytes(b"DICM not really")  # skipped: not a readable DICOM file
    return broken


def test_the_output_holds_no_input_path_and_says_what_it_came_from(ct_cohort, tmp_path, capsys):
    root, labels, series = ct_cohort
    broken = _broken_file(series)
    out, paths = tmp_path / "out", tmp_path / "private" / "skipped-paths.csv"
    assert augment(root, labels, out, "--skipped-paths", str(paths)) == 0
    printed = capsys.readouterr().out
    for path in out.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for text in (str(tmp_path), "DOE_JANE", "MRN88123"):
                assert text.encode() not in data, (text, path)
    skipped = pd.read_csv(out / "skipped.csv")
    assert skipped.columns.tolist() == ["path_hash", "reason"]
    listed = pd.read_csv(paths)
    assert listed["path"].tolist() == [str(broken)]
    assert listed["path_hash"].tolist() == skipped["path_hash"].tolist()
    assert f"  {skipped['path_hash'][0]}  {broken}: not a readable DICOM file" in printed

    derivation = "from a model trained on 6 series of 6 patients; no pixel copied from them"
    for path in sorted(out.glob("synthetic-*/*.dcm"))[:3]:
        text = pydicom.dcmread(path).DerivationDescription
        assert derivation in text and "not derived" not in text
    assert pd.read_csv(out / "manifest.csv")["derivation"].str.startswith(derivation).all()
    run = json.loads((out / "run.json").read_text())
    assert run["trained_on"] == {"series": 6, "patients": 6}


@pytest.mark.parametrize("where", ["output", "input", "labels"])
def test_a_bad_skipped_paths_file_is_refused_before_reading(ct_cohort, tmp_path, capsys, where):
    root, labels, series = ct_cohort
    _broken_file(series)
    out = tmp_path / "out"
    target, message = {
        "output": (out / "skipped-paths.csv", "is inside the output"),
        "input": (root / "skipped-paths.csv", "is inside the input"),
        "labels": (labels, "already exists"),
    }[where]
    before = tree(tmp_path)
    assert augment(root, labels, out, "--skipped-paths", str(target)) == 2
    one_line_error(capsys, target, message)
    assert tree(tmp_path) == before
