"""Case 7 of issue 36: an error caused by skips names them.

A slice with truncated pixel data drops its series; when that leaves one sample in a
class, the error says so (the class count and the skips, counted by reason), no
``.OUT.partial`` is left behind, and the skipped paths are reachable.
"""

import pandas as pd
from _hostile import augment, one_line_error, tree


def _truncate_a_malignant_slice(series):
    folder = list(series)[5]  # one of the two class-1 series
    victim = sorted(folder.iterdir())[3]
    victim.write_bytes(victim.read_bytes()[:-200])  # an interrupted transfer
    return folder, victim


def test_a_class_left_too_small_by_a_skip_names_the_skip(ct_cohort, tmp_path, capsys):
    root, labels, series = ct_cohort
    _truncate_a_malignant_slice(series)
    before = tree(tmp_path)
    assert augment(root, labels, tmp_path / "out") == 2
    one_line_error(
        capsys,
        "class 1 has 1 sample",
        "skipped 1 file(s) or series: 1 x unreadable",
        "--skipped-paths FILE",
    )
    assert tree(tmp_path) == before  # no out, no .out.partial


def test_the_skipped_paths_are_written_where_the_user_asked(ct_cohort, tmp_path, capsys):
    root, labels, series = ct_cohort
    folder, _ = _truncate_a_malignant_slice(series)
    paths = tmp_path / "skipped-paths.csv"
    assert augment(root, labels, tmp_path / "out", "--skipped-paths", str(paths)) == 2
    one_line_error(capsys, "class 1 has 1 sample", f"the skipped paths are in {paths}")
    listed = pd.read_csv(paths)
    assert listed["path"].tolist() == [str(folder)]
    assert listed["reason"][0].startswith("unreadable")
    assert not (tmp_path / "out").exists() and not (tmp_path / ".out.partial").exists()
