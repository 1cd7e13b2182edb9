"""Checkpoints as plain tensors and containers: never pickled code."""

from __future__ import annotations

import os
from pathlib import Path

import torch

from ..utils._files import atomic_file


def save_checkpoint(payload: dict, path: str | os.PathLike) -> Path:
    """Write ``payload`` to ``path`` atomically (temporary file, then rename).

    ``payload`` may hold tensors, numbers, strings, None, lists and dicts only,
    so :func:`load_checkpoint` can read it with ``weights_only=True``. An
    interrupted save leaves any earlier file at ``path`` untouched.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(path, "wb") as file:
        torch.save(payload, file)
    return path


def load_checkpoint(path: str | os.PathLike) -> dict:
    """Read a checkpoint written by :func:`save_checkpoint` onto the CPU.

    Uses ``torch.load(weights_only=True)``: a file holding anything but
    tensors and plain containers is refused instead of executed.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No checkpoint at {path}.")
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises UnpicklingError or RuntimeError
        raise ValueError(
            f"{path} is not a ganaug checkpoint readable with weights_only=True "
            f"({type(exc).__name__}: {str(exc).splitlines()[0]})."
        ) from exc
