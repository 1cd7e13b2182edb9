"""What loading left out: skipped files, series and labels rows, counted, named and written.

Each skip is a ``(path, reason)`` pair. A labels row that matches no image is
a skip too: its "path" names the row (file, line, key value). In a folder
meant to be shared (``augment-dicom``'s synthetic output) a skip is named by
a keyed hash of its path instead of the path, since real exports name folders
by patient name or record number.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections import Counter

import pandas as pd

SKIPPED_FILE = "skipped.csv"  # what augment-dicom and recipe runs write the skips to
UNMATCHED_ROW = "no image matches this labels row"
# How many skips a finished run lists on the terminal; the rest go to a file the user names.
LISTED = 20


class SkippedInputError(ValueError):
    """A load that failed, or left too little, while inputs were skipped.

    The message says so, with the skips counted by reason; ``skipped`` holds
    them all (``(path, reason)`` pairs), for the caller to list.

    Parameters
    ----------
    message : str
        The error, naming the skips.
    skipped : list of (str, str)
        The skipped inputs and their reasons.
    """

    def __init__(self, message: str, skipped: list):
        super().__init__(message)
        self.skipped = list(skipped)


def summarize_skipped(skipped: list, reasons: int = 3) -> str:
    """One line: the number of skipped files or series and the commonest reasons,
    and the labels rows that matched no image.

    Parameters
    ----------
    skipped : list of (str, str)
        Paths and reasons, as :attr:`~ganaug.io.LabelledImages.skipped`.
    reasons : int, default=3
        How many distinct reasons to name.

    Returns
    -------
    summary : str
    """
    if not skipped:
        return "nothing skipped"
    rows = sum(reason == UNMATCHED_ROW for _, reason in skipped)
    counts = Counter(reason for _, reason in skipped if reason != UNMATCHED_ROW).most_common()
    parts = []
    if counts:
        named = "; ".join(f"{n} x {reason}" for reason, n in counts[:reasons])
        more = f"; {len(counts) - reasons} other reason(s)" if len(counts) > reasons else ""
        parts.append(f"skipped {len(skipped) - rows} file(s) or series: {named}{more}")
    if rows:
        parts.append(f"{rows} labels row(s) matched no image")
    return "; ".join(parts)


def skip_error(message: str, skipped: list) -> ValueError:
    """The error for ``message``: a :class:`SkippedInputError` naming the skips when
    there were any, else a plain :class:`ValueError`.

    Parameters
    ----------
    message : str
    skipped : list of (str, str)

    Returns
    -------
    error : ValueError
    """
    if not skipped:
        return ValueError(message)
    return SkippedInputError(f"{message.rstrip('.')}; {summarize_skipped(skipped)}.", skipped)


def new_path_key() -> bytes:
    """A fresh secret key for :func:`path_hash`, kept in memory only.

    Returns
    -------
    key : bytes
    """
    return secrets.token_bytes(32)


def path_hash(path: str, key: bytes) -> str:
    """A keyed hash (HMAC-SHA256, 16 hex digits) naming ``path`` without showing it.

    A plain hash of a path built from a record number could be reversed by
    hashing every number; with a key that is never written down, the hash
    matches the path only where the run itself printed or saved both.

    Parameters
    ----------
    path : str
    key : bytes

    Returns
    -------
    digest : str
    """
    return hmac.new(key, path.encode(), hashlib.sha256).hexdigest()[:16]


def skipped_table(skipped: list, *, key: bytes | None = None, paths: bool = True):
    """The skips as a table: ``path_hash`` (with ``key``), ``path`` (with ``paths``)
    and ``reason``.

    Parameters
    ----------
    skipped : list of (str, str)
    key : bytes, optional
        The run's key for :func:`path_hash`.
    paths : bool, default=True
        Whether to show the paths themselves.

    Returns
    -------
    table : pandas.DataFrame
    """
    table = pd.DataFrame(skipped, columns=["path", "reason"])
    if key is not None:
        table.insert(0, "path_hash", [path_hash(p, key) for p in table["path"]])
    return table if paths else table.drop(columns="path")


def write_skipped(
    skipped: list, path: str | os.PathLike, *, key: bytes | None = None, paths: bool = True
) -> None:
    """Write :func:`skipped_table` to a CSV file.

    Parameters
    ----------
    skipped : list of (str, str)
    path : str or os.PathLike
    key : bytes, optional
    paths : bool, default=True
    """
    skipped_table(skipped, key=key, paths=paths).to_csv(path, index=False)


def list_skipped(skipped: list, key: bytes, limit: int = LISTED) -> list[str]:
    """Lines for the terminal: the hash, the path and the reason of the first ``limit`` skips.

    Parameters
    ----------
    skipped : list of (str, str)
    key : bytes
    limit : int, default=20

    Returns
    -------
    lines : list of str
    """
    return [f"  {path_hash(p, key)}  {p}: {reason}" for p, reason in skipped[:limit]]
