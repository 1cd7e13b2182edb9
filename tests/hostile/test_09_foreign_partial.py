"""Case 9 of issue 36: an existing .OUT.partial folder that ganaug did not make is
refused and kept, never deleted."""

from _hostile import one_line_error as _one_line_error
from _hostile import tree as _tree

from ganaug.cli import main


def test_a_foreign_partial_folder_is_refused_and_kept(tmp_path, medmnist_npz, capsys):
    foreign = tmp_path / ".out.partial"
    foreign.mkdir()
    (foreign / "precious.txt").write_text("someone else's")
    before = _tree(tmp_path)
    argv = ["augment-dicom", str(medmnist_npz), "--out", str(tmp_path / "out"), "--quiet"]
    assert main([*argv, "--epochs", "1", "--batch-size", "8"]) == 2
    _one_line_error(capsys, foreign, "not left by ganaug")
    assert _tree(tmp_path) == before
