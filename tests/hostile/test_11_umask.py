"""Case 11 of issue 36: run folders and files follow the umask (a shared group can read
them), not mkdtemp's 0700 and mkstemp's 0600."""

import os
import stat

import pytest
from _hostile import train as _train

from ganaug.cli import main


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
