"""Files and folders written whole or not at all, with the permissions the umask gives.

A file is written to a temporary name beside it and renamed over it; a folder
is written as a hidden ``.NAME.partial`` folder beside it, marked as ganaug's
by a marker file, and renamed to ``NAME`` when complete. An interrupted write
leaves any earlier file untouched and no half-written folder under the final
name. Only a ``.partial`` folder that carries the marker is ever removed or
resumed.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from .._version import __version__

PARTIAL_MARKER = ".ganaug-partial"


def _writer_alive(marker: Path) -> int | None:
    """The id of another live process on this machine that is writing the folder, if any."""
    try:
        writer = json.loads(marker.read_text())
        pid, host = int(writer["pid"]), writer["host"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if host != socket.gethostname() or pid == os.getpid():
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:  # alive, under another user
        pass
    return pid


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_file(path: str | os.PathLike, mode: str = "w") -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path``; rename it to ``path`` once written.

    The file gets the mode a plain ``open`` would give (``0o666`` less the
    umask), not the ``0o600`` of :func:`tempfile.mkstemp`; it is flushed to
    disk before the rename.

    Parameters
    ----------
    path : str or os.PathLike
        The file to write; its folder must exist.
    mode : {"w", "wb"}, default="w"
        Text or binary.

    Yields
    ------
    file : file object
    """
    path = Path(path)
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, 0o666 & ~_umask())
        with os.fdopen(handle, mode) as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remove_stale_temps(folder: str | os.PathLike) -> None:
    """Delete the temporary files an :func:`atomic_file` killed mid-write left in ``folder``.

    Parameters
    ----------
    folder : str or os.PathLike
    """
    for stale in Path(folder).glob(".*.tmp"):
        stale.unlink()


def write_json(payload: Any, path: str | os.PathLike) -> Path:
    """Write ``payload`` as indented JSON, atomically; values JSON lacks (devices,
    paths) are written as text.

    Parameters
    ----------
    payload : object
        Dicts, lists, strings, numbers, booleans and None.
    path : str or os.PathLike

    Returns
    -------
    path : pathlib.Path
    """
    with atomic_file(path) as file:
        file.write(json.dumps(payload, indent=2, default=str) + "\n")
    return Path(path)


def partial_path(out: str | os.PathLike) -> Path:
    """The hidden folder where ``out`` is written: ``PARENT/.NAME.partial``.

    Parameters
    ----------
    out : str or os.PathLike

    Returns
    -------
    partial : pathlib.Path
    """
    out = Path(out)
    return out.parent / f".{out.name}.partial"


def check_partial(out: str | os.PathLike) -> Path | None:
    """Refuse a ``.NAME.partial`` folder beside ``out`` that ganaug did not make.

    Parameters
    ----------
    out : str or os.PathLike

    Returns
    -------
    partial : pathlib.Path or None
        The partial folder an earlier run of ganaug left, or None.

    Raises
    ------
    FileExistsError
        If ``PARENT/.NAME.partial`` exists without ganaug's marker, or
        another ganaug process on this machine is still writing it.
    """
    partial = partial_path(out)
    if not (partial.exists() or partial.is_symlink()):
        return None
    marker = partial / PARTIAL_MARKER
    if partial.is_symlink() or not marker.is_file():
        raise FileExistsError(
            f"{partial} exists but was not left by ganaug (it has no {PARTIAL_MARKER} "
            "file); move or delete it, or choose another output folder."
        )
    pid = _writer_alive(marker)
    if pid is not None:
        raise FileExistsError(
            f"{partial} is being written by ganaug process {pid}; wait for it to finish, "
            "or choose another output folder."
        )
    return partial


@contextmanager
def atomic_folder(
    out: str | os.PathLike,
    *,
    resume: bool = False,
    keep: str | None = None,
    create: Callable[[Path], Any] | None = None,
) -> Iterator[Path]:
    """Write a new folder under a hidden name; rename it to ``out`` when complete.

    Parameters
    ----------
    out : str or os.PathLike
        The folder to make; must not exist. Missing parents are created.
    resume : bool, default=False
        Keep what an interrupted write of ours left in ``.NAME.partial``
        instead of starting afresh.
    keep : str, optional
        A file inside the folder (e.g. a training checkpoint) that, once
        written, makes an interrupted folder worth resuming: on an error the
        folder is kept if it holds ``keep``, and removed otherwise.
    create : callable, optional
        Makes the folder at the path it is given (e.g. a writer that itself
        writes a folder atomically); default :meth:`pathlib.Path.mkdir`.

    Yields
    ------
    partial : pathlib.Path
        The folder to write into.

    Raises
    ------
    FileExistsError
        If ``out`` exists (before or after the write), or ``.NAME.partial``
        is not ganaug's (see :func:`check_partial`).
    """
    out = Path(out)
    if out.exists() or out.is_symlink():
        raise FileExistsError(
            f"{out} already exists; choose a new folder so the earlier one is kept."
        )
    partial = check_partial(out)
    if partial is not None and not resume:
        shutil.rmtree(partial)  # left by an interrupted run of ours
        partial = None
    if partial is None:
        partial = partial_path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        (create or Path.mkdir)(partial)
        writer = {
            "about": f"ganaug writes {out.name} here; it removes or resumes a .partial "
            "folder only when it holds this file",
            "ganaug": __version__,
            "pid": os.getpid(),
            "host": socket.gethostname(),
        }
        (partial / PARTIAL_MARKER).write_text(json.dumps(writer, indent=2) + "\n")
    try:
        yield partial
    except BaseException:
        if keep is None or not (partial / keep).exists():
            shutil.rmtree(partial, ignore_errors=True)
        raise
    if out.exists():
        raise FileExistsError(
            f"{out} appeared during the run; what it wrote is kept in {partial}."
        )
    (partial / PARTIAL_MARKER).unlink()
    os.rename(partial, out)
