"""Case 2 of issue 36: every command checks where it will write before it reads data or
trains (run, --dry-run, augment-dicom, train): output under a file, inside the input,
unwritable; OS errors are one line with exit 2."""

import os
from pathlib import Path

from _hostile import one_line_error as _one_line_error
from _hostile import train as _train
from _hostile import tree as _tree

from ganaug.cli import main

RECIPES = Path(__file__).resolve().parents[2] / "recipes"
TINY_RUN = ["--set", "evaluation.n_seeds=1", "--set", "evaluation.verbose=0"]
TINY_RUN += ["--set", "sampler.epochs=1", "--set", "evaluation.fidelity=false"]


def test_run_with_output_under_a_file_exits_2_before_reading_data(
    tmp_path, afile, capsys, no_data_read, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    before = _tree(tmp_path)
    argv = ["run", str(RECIPES / "breast-cancer.yaml"), "--set", "output=afile/sub", *TINY_RUN]
    assert main(argv) == 2
    _one_line_error(capsys, "afile", "is a file")
    assert _tree(tmp_path) == before


def test_run_out_under_a_file_names_the_file_not_errno_17(tmp_path, afile, capsys, no_data_read):
    before = _tree(tmp_path)
    argv = ["run", str(RECIPES / "breast-cancer.yaml"), "--out", str(afile / "sub2"), *TINY_RUN]
    assert main(argv) == 2
    err = _one_line_error(capsys, afile, "is a file")
    assert "Errno" not in err
    assert _tree(tmp_path) == before


def test_dry_run_makes_the_same_checks(tmp_path, afile, capsys, no_data_read):
    argv = ["run", str(RECIPES / "breast-cancer.yaml"), "--dry-run", "--out", str(afile / "x")]
    assert main(argv) == 2
    _one_line_error(capsys, afile, "is a file")
    taken = tmp_path / "taken"
    taken.mkdir()
    argv = ["run", str(RECIPES / "breast-cancer.yaml"), "--dry-run", "--out", str(taken)]
    assert main(argv) == 2
    _one_line_error(capsys, taken, "already exists")
    assert list(taken.iterdir()) == []


def test_run_output_inside_the_data_folder_is_refused(tmp_path, capsys):
    folder = tmp_path / "dicom"
    folder.mkdir()
    (folder / "IM0001").write_bytes(b"precious")
    labels = tmp_path / "labels.csv"
    labels.write_text("path,label\nIM0001,1\n")
    before = _tree(tmp_path)
    argv = ["run", str(RECIPES / "dicom-folder.yaml"), "--set", f"data.source={folder}"]
    argv += ["--set", f"data.labels={labels}", "--out", str(folder / "run")]
    assert main(argv) == 2
    _one_line_error(capsys, "is inside the input")
    assert _tree(tmp_path) == before


def test_augment_dicom_out_under_a_file_exits_2_with_one_line(
    tmp_path, afile, medmnist_npz, capsys
):
    before = _tree(tmp_path)
    argv = ["augment-dicom", str(medmnist_npz), "--out", str(afile / "x"), "--quiet"]
    assert main([*argv, "--epochs", "1", "--batch-size", "8"]) == 2
    _one_line_error(capsys, afile, "is a file")
    assert _tree(tmp_path) == before


def test_train_out_under_a_file_exits_2_before_training(tmp_path, afile, train_npz, capsys):
    before = _tree(tmp_path)
    assert _train(train_npz, afile / "run") == 2
    _one_line_error(capsys, afile, "is a file")
    assert _tree(tmp_path) == before


def test_an_unwritable_folder_is_named_before_training(tmp_path, train_npz, capsys, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir()
    real_access = os.access

    def access(path, mode, **kwargs):  # as for a user without write permission there
        if Path(path) == locked and mode & os.W_OK:
            return False
        return real_access(path, mode, **kwargs)

    monkeypatch.setattr(os, "access", access)
    assert _train(train_npz, locked / "run") == 2
    _one_line_error(capsys, locked, "not writable")
    assert list(locked.iterdir()) == []


def test_an_os_error_is_one_line_with_exit_2(tmp_path, capsys, monkeypatch):
    from ganaug.commands import recipes

    def denied(args):
        raise PermissionError(13, "Permission denied", str(tmp_path / "x"))

    monkeypatch.setattr(recipes, "_recipes", denied)
    assert main(["recipes"]) == 2
    err = _one_line_error(capsys, tmp_path / "x", "Permission denied")
    assert "Traceback" not in err
