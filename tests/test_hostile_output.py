"""Hostile output locations (issue 36): every command checks where it will write before
it reads data or trains; only ganaug's own ``.OUT.partial`` folders are removed;
files and folders follow the umask; a refused ``train --resume`` rewrites nothing.

Each test asserts the exit code, the one-line message and that nothing was
written or lost.
"""

import json
import os
import stat
from pathlib import Path

import numpy as np
import pytest

from ganaug.cli import main

RECIPES = Path(__file__).resolve().parents[1] / "recipes"
TINY_RUN = ["--set", "evaluation.n_seeds=1", "--set", "evaluation.verbose=0"]
TINY_RUN += ["--set", "sampler.epochs=1", "--set", "evaluation.fidelity=false"]


def _one_line_error(capsys, *parts):
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    for part in parts:
        assert str(part) in err, err
    return err


def _tree(root: Path) -> dict:
    """Every path under ``root`` with its bytes (None for folders)."""
    return {
        p.relative_to(root): (p.read_bytes() if p.is_file() else None)
        for p in sorted(root.rglob("*"))
    }


@pytest.fixture
def afile(tmp_path):
    path = tmp_path / "afile"
    path.write_text("not a folder\n")
    return path


@pytest.fixture
def no_data_read(monkeypatch):
    """Fail the test if the breast-cancer table is loaded: the check comes first."""

    def refuse(*args, **kwargs):
        raise AssertionError("the data were read before the output was checked")

    monkeypatch.setattr("ganaug.datasets._splits.load_breast_cancer", refuse)


@pytest.fixture
def medmnist_npz(tmp_path):
    """A tiny MedMNIST-layout .npz (as augment-dicom reads it), 24 8x8 images."""
    rng = np.random.RandomState(0)
    path = tmp_path / "tiny.npz"
    np.savez(
        path,
        train_images=rng.randint(0, 256, size=(24, 8, 8)).astype(np.uint8),
        train_labels=np.r_[[0] * 8, [1] * 16].reshape(-1, 1),
    )
    return path


@pytest.fixture
def train_npz(tmp_path):
    rng = np.random.RandomState(0)
    path = tmp_path / "data.npz"
    images = rng.randint(0, 256, size=(24, 8, 8)).astype(np.uint8)
    np.savez(path, images=images, labels=np.r_[[0] * 8, [1] * 16])
    return path


def _train(data, out, *extra):
    args = ["train", "--data", str(data), "--out", str(out), "--quiet", "--epochs", "1"]
    return main([*args, "--batch-size", "8", *extra])


# Case 2 of issue 36: a bad output location is found before any data is read.
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


# Case 9: an existing .OUT.partial folder that ganaug did not make is never deleted.
def test_a_foreign_partial_folder_is_refused_and_kept(tmp_path, medmnist_npz, capsys):
    foreign = tmp_path / ".out.partial"
    foreign.mkdir()
    (foreign / "precious.txt").write_text("someone else's")
    before = _tree(tmp_path)
    argv = ["augment-dicom", str(medmnist_npz), "--out", str(tmp_path / "out"), "--quiet"]
    assert main([*argv, "--epochs", "1", "--batch-size", "8"]) == 2
    _one_line_error(capsys, foreign, "not left by ganaug")
    assert _tree(tmp_path) == before


# Case 11: folders and files follow the umask (a shared group can read them).
@pytest.mark.parametrize("command", ["train", "augment-dicom"])
def test_folders_and_files_follow_the_umask(tmp_path, train_npz, medmnist_npz, command):
    out = tmp_path / "shared" / "run"
    old = os.umask(0o002)
    try:
        if command == "train":
            assert _train(train_npz, out) == 0
        else:
            argv = ["augment-dicom", str(medmnist_npz), "--out", str(out), "--quiet"]
            assert main([*argv, "--epochs", "1", "--batch-size", "8", "--format", "nifti"]) == 0
    finally:
        os.umask(old)
    paths = [out, *out.rglob("*")]
    modes = {p.relative_to(tmp_path): stat.S_IMODE(p.stat().st_mode) for p in paths}
    assert {p: m for p, m in modes.items() if m not in (0o775, 0o664)} == {}
    assert stat.S_IMODE(out.stat().st_mode) == 0o775
    assert stat.S_IMODE((out / "model.pt").stat().st_mode) == 0o664


# Case 3: a refused --resume leaves the finished run's record as it was.
def test_a_refused_resume_rewrites_nothing(tmp_path, train_npz, capsys):
    out = tmp_path / "run"
    assert _train(train_npz, out) == 0
    record = next(p for p in (out / "run.json", out / "config.json") if p.exists())
    before = _tree(out)
    capsys.readouterr()

    # other data: the checkpoint sees another number of samples
    assert _train(train_npz, out, "--resume", "--limit", "16") == 2
    _one_line_error(capsys, "limit")
    assert _tree(out) == before
    # other settings
    assert _train(train_npz, out, "--resume", "--set", "r1_gamma=3") == 2
    _one_line_error(capsys, "r1_gamma")
    assert _tree(out) == before
    assert json.loads(record.read_text())["limit"] is None
