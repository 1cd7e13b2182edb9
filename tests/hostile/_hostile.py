"""Assertions every hostile-input test makes."""

from pathlib import Path

from ganaug.cli import main

FAST_DICOM = ["--epochs", "1", "--batch-size", "4", "--quiet", "--target-shape", "16,16,8"]


def one_line_error(capsys, *parts) -> str:
    """stderr holds exactly one line, naming every one of ``parts``."""
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    for part in parts:
        assert str(part) in err, err
    assert "Traceback" not in err
    return err


def tree(root: Path) -> dict:
    """Every path under ``root`` with its bytes (None for folders)."""
    return {
        p.relative_to(root): (p.read_bytes() if p.is_file() else None)
        for p in sorted(root.rglob("*"))
    }


def augment(root, labels, out, *extra) -> int:
    """``ganaug augment-dicom`` on a small CT folder, one quick epoch."""
    argv = ["augment-dicom", str(root), "--labels", str(labels), "--out", str(out)]
    return main([*argv, *FAST_DICOM, *extra])


def train(data, out, *extra) -> int:
    """``ganaug train`` on a tiny .npz, one epoch."""
    args = ["train", "--data", str(data), "--out", str(out), "--quiet", "--epochs", "1"]
    return main([*args, "--batch-size", "8", *extra])
