"""The labels CSV: one key column that names images, and a ``label`` column."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

KEY_COLUMNS = ("path", "SeriesInstanceUID", "StudyInstanceUID", "PatientID")
DICOM_KEYS = KEY_COLUMNS[1:]


def read_labels(path: str | os.PathLike) -> tuple[str, dict[str, object]]:
    """Read a labels CSV into its key column and a ``{key: label}`` mapping.

    The file needs a ``label`` column and exactly one key column among
    ``path`` (a file or folder, relative to the data folder or absolute),
    ``SeriesInstanceUID``, ``StudyInstanceUID`` and ``PatientID``.

    Parameters
    ----------
    path : str or os.PathLike
        The CSV file.

    Returns
    -------
    key : str
        The key column's name.
    labels : dict
        Label of each key (keys as text).

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        If the columns are not as above, a key repeats or a label is missing.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"labels file {path} does not exist.")
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    keys = [c for c in table.columns if c in KEY_COLUMNS]
    if "label" not in table.columns or len(keys) != 1:
        raise ValueError(
            f"{path} must have a 'label' column and one key column among {list(KEY_COLUMNS)}; "
            f"it has {list(table.columns)}."
        )
    key = keys[0]
    values = table[key].str.strip()
    repeated = values[values.duplicated()].unique().tolist()
    if repeated:
        shown = ", ".join(repeated[:3])
        raise ValueError(f"{path}: {key} values repeat ({shown}); list each once.")
    empty = table["label"].str.strip() == ""
    if empty.any():
        raise ValueError(f"{path}: {int(empty.sum())} row(s) have an empty label.")
    return key, dict(zip(values, _typed(table["label"].str.strip()), strict=True))


def _typed(labels: pd.Series) -> list:
    """Integer labels when every label is an integer, else the text."""
    numeric = pd.to_numeric(labels, errors="coerce")
    if numeric.notna().all() and (numeric == numeric.round()).all():
        return numeric.astype(int).tolist()
    return labels.tolist()


def path_keys(item_paths: list[str], root: Path) -> set[str]:
    """The texts by which a ``path`` key column may name an item.

    Parameters
    ----------
    item_paths : list of str
        The files of the item (or one NIfTI file) and, for a DICOM series,
        its folder.
    root : pathlib.Path
        The data folder, to which relative keys refer.

    Returns
    -------
    keys : set of str
        Absolute and root-relative forms, in POSIX style.
    """
    keys = set()
    for item in item_paths:
        absolute = Path(item).resolve()
        keys.add(absolute.as_posix())
        if absolute.is_relative_to(root.resolve()):
            keys.add(absolute.relative_to(root.resolve()).as_posix())
    return keys
