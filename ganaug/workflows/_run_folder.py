"""The run folder every workflow writes: its file names, and the checks made on it
before any data is read or any network trained.

Folders and files are written whole (:func:`~ganaug.utils._files.atomic_folder`,
:func:`~ganaug.utils._files.write_json`, kept below so that the evaluation's
report can use them too) and with the permissions the umask gives.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable
from pathlib import Path

from ..io.skipped import SKIPPED_FILE
from ..utils._files import atomic_folder, check_partial, remove_stale_temps, write_json
from ..utils._versions import environment_record

MODEL_FILE = "model.pt"  # the trained sampler, for GANOversampler.load
RUN_FILE = "run.json"  # the run's settings and environment
CHECKPOINT_FILE = "checkpoint.pt"  # the training state to resume from
IDENTITY_FILE = "identity.json"  # beside the checkpoint: the run's UID root, kept on resume
RECIPE_FILE = "recipe.yaml"
MANIFEST_FILE = "manifest.csv"
SUMMARY_FILE = "summary.json"
RESAMPLED_FILE = "resampled.npz"
TENSORBOARD_DIR = "tensorboard"
# What ``ganaug train`` and the demo called the model and the settings in ganaug
# 0.1 (augment-dicom said model.json); read, with a warning, for one release.
LEGACY_NAMES = {MODEL_FILE: "sampler.pt", RUN_FILE: "config.json"}

__all__ = [
    "CHECKPOINT_FILE",
    "IDENTITY_FILE",
    "LEGACY_NAMES",
    "MANIFEST_FILE",
    "MODEL_FILE",
    "RECIPE_FILE",
    "RESAMPLED_FILE",
    "RUN_FILE",
    "SKIPPED_FILE",
    "SUMMARY_FILE",
    "TENSORBOARD_DIR",
    "OutputError",
    "atomic_folder",
    "check_output",
    "environment_record",
    "find_run_file",
    "os_error_line",
    "remove_stale_temps",
    "write_json",
]


class OutputError(ValueError):
    """An output location that cannot be written: one line naming it and why."""


def os_error_line(exc: OSError) -> str:
    """One line naming the path an :class:`OSError` is about and its cause.

    Parameters
    ----------
    exc : OSError

    Returns
    -------
    line : str
        ``PATH: cause`` (``PATH -> OTHER: cause`` for a rename); the message
        itself for errors raised with a message of their own.
    """
    if exc.filename is None:
        return str(exc)
    path = str(exc.filename)
    if exc.filename2 is not None:
        path += f" -> {exc.filename2}"
    return f"{path}: {exc.strerror or type(exc).__name__}"


def _first_existing(path: Path) -> Path:
    while not (path.exists() or path.is_symlink()) and path != path.parent:
        path = path.parent
    return path


def _check_writable(out: Path) -> None:
    """``out``'s nearest existing folder (itself or a parent) is a writable folder."""
    existing = _first_existing(out.absolute())
    if not existing.is_dir():
        raise OutputError(f"cannot create {out}: {existing} is a file, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(f"cannot create {out}: {existing} is not writable (permission denied)")


def check_output(
    out: str | os.PathLike,
    *,
    inputs: Iterable[str | os.PathLike] = (),
    in_place: bool = False,
) -> Path:
    """Check where a workflow will write, before it reads any data or trains.

    Parameters
    ----------
    out : str or os.PathLike
        The output folder.
    inputs : iterable of str or os.PathLike, default=()
        Folders or files the workflow reads; ``out`` must not lie inside one.
    in_place : bool, default=False
        The workflow writes straight into ``out`` (``ganaug train``): an
        existing folder is accepted, the caller deciding whether it is one of
        its own runs. Otherwise ``out`` must not exist, and is written as a
        ``.NAME.partial`` folder beside it (see
        :func:`~ganaug.utils._files.atomic_folder`).

    Returns
    -------
    out : pathlib.Path

    Raises
    ------
    FileExistsError
        If ``out`` exists (unless ``in_place``), or a ``.NAME.partial``
        folder beside it was not left by ganaug.
    OutputError
        If ``out`` lies inside an input, under a file, or where the user
        cannot write; an OS error met while checking, in one line.
    """
    out = Path(out)
    try:
        for source in inputs:
            if out.resolve().is_relative_to(Path(source).resolve()):
                raise OutputError(
                    f"the output {out} is inside the input {source}; write elsewhere."
                )
        if out.exists() or out.is_symlink():
            if not in_place:
                raise FileExistsError(
                    f"{out} already exists; choose a new output folder so the earlier one is kept."
                )
            if not out.is_dir():
                raise OutputError(f"cannot write into {out}: it is a file, not a folder")
        _check_writable(out)
        if not in_place:
            check_partial(out)
    except (FileExistsError, OutputError):
        raise
    except OSError as exc:
        raise OutputError(f"cannot write {out}: {os_error_line(exc)}") from None
    return out


def find_run_file(folder: str | os.PathLike, name: str) -> Path | None:
    """A file of a run folder by its name, or by the name ganaug 0.1 gave it.

    Parameters
    ----------
    folder : str or os.PathLike
        The run folder.
    name : str
        :data:`MODEL_FILE` or :data:`RUN_FILE` (any other name is looked up
        as it is).

    Returns
    -------
    path : pathlib.Path or None
        The file, or None if the folder has it under neither name. An old
        name is read with a :class:`FutureWarning`.
    """
    folder = Path(folder)
    if (folder / name).exists():
        return folder / name
    old = LEGACY_NAMES.get(name)
    if old is None or not (folder / old).exists():
        return None
    warnings.warn(
        f"{folder / old} has the name ganaug 0.1 gave it; it is read now, and the run is "
        f"saved as {name} from here on. Old names are not read after the next release.",
        FutureWarning,
        stacklevel=2,
    )
    return folder / old
