"""Case 4 of issue 36: labels rows that match no file are counted, reported and listed
in skipped.csv with the reason, and are an error with --strict; an error they cause
says so, with the counts.
"""

import shutil

import pandas as pd
from _hostile import augment, one_line_error, tree

from ganaug.io import load_labelled_images

MISSING_UID = "1.2.826.0.1.3680043.8.498.999"


def _add_row(labels, uid, label):
    table = pd.read_csv(labels, dtype=str)
    table.loc[len(table)] = {"SeriesInstanceUID": uid, "label": str(label)}
    table.to_csv(labels, index=False)
    return len(table) + 1  # the row's line (the header is line 1)


def test_a_row_naming_a_missing_series_is_counted_and_listed(ct_cohort, tmp_path, capsys):
    root, labels, _ = ct_cohort
    line = _add_row(labels, MISSING_UID, 1)  # a malignant case whose series is missing
    before = tree(root)
    out, paths = tmp_path / "out", tmp_path / "skipped-paths.csv"
    assert augment(root, labels, out, "--skipped-paths", str(paths)) == 0
    printed = capsys.readouterr().out
    assert "(1 skipped)" in printed and "1 labels row(s) matched no image" in printed
    assert f"{labels}, line {line}: SeriesInstanceUID {MISSING_UID}" in printed
    skipped = pd.read_csv(out / "skipped.csv")
    assert skipped["reason"].tolist() == ["no image matches this labels row"]
    listed = pd.read_csv(paths)
    assert listed["path"].tolist() == [f"{labels}, line {line}: SeriesInstanceUID {MISSING_UID}"]
    assert listed["path_hash"].tolist() == skipped["path_hash"].tolist()
    assert tree(root) == before


def test_with_strict_such_a_row_is_an_error_and_nothing_is_written(ct_cohort, tmp_path, capsys):
    root, labels, _ = ct_cohort
    line = _add_row(labels, MISSING_UID, 1)
    before = tree(tmp_path)
    assert augment(root, labels, tmp_path / "out", "--strict") == 2
    one_line_error(capsys, f"{labels}, line {line}", MISSING_UID, "strict")
    assert tree(tmp_path) == before


def test_an_error_the_rows_cause_says_so_with_the_counts(ct_cohort, tmp_path, capsys):
    root, labels, series = ct_cohort
    for folder in list(series)[4:]:  # both malignant series are gone; their rows stay
        shutil.rmtree(folder.parent)
    before = tree(tmp_path)
    assert augment(root, labels, tmp_path / "out") == 2
    one_line_error(capsys, "all images have the label 0", "2 labels row(s) matched no image")
    assert tree(tmp_path) == before


def test_the_loader_lists_the_rows_as_skips(ct_cohort):
    root, labels, _ = ct_cohort
    line = _add_row(labels, MISSING_UID, 1)
    data = load_labelled_images(root, labels, verbose=0)
    assert data.skipped == [
        (
            f"{labels}, line {line}: SeriesInstanceUID {MISSING_UID}",
            "no image matches this labels row",
        )
    ]
    assert data.skipped_summary() == "1 labels row(s) matched no image"
    assert len(data.labels) == 6
