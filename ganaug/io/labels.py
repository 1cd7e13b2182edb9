"""The labels CSV: identifier columns that name images, and a ``label`` column.

A cohort spreadsheet usually holds several identifiers per row (the patient,
the study, the series) beside the label. The most specific one present names
the image (or the one the user chooses); the others are checked against what
the files say.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

# From the most specific identifier to the least.
KEY_COLUMNS = ("path", "SeriesInstanceUID", "StudyInstanceUID", "PatientID")
DICOM_KEYS = KEY_COLUMNS[1:]


@dataclass
class LabelTable:
    """A labels CSV, read and checked.

    Attributes
    ----------
    path : pathlib.Path
        The file.
    key : str
        The identifier column that names the images.
    labels : dict
        Label of each key value (keys as text; paths normalised, see
        :func:`normalize_path`).
    identifiers : dict
        For each key value, the other identifier columns of its row (name to
        text, empty cells left out), to check against the files.
    rows : dict
        For each key value, its line in the file (the header is line 1).
    """

    path: Path
    key: str
    labels: dict
    identifiers: dict
    rows: dict


def read_labels(path: str | os.PathLike, key: str | None = None) -> LabelTable:
    """Read a labels CSV: a ``label`` column and one or more identifier columns.

    Identifier columns are ``path`` (a file or folder, relative to the data
    folder or absolute), ``SeriesInstanceUID``, ``StudyInstanceUID`` and
    ``PatientID``; other columns are ignored. The most specific identifier
    present names the images, in that order, unless ``key`` names another;
    its values must be unique. ``augment-dicom``'s ``manifest.csv`` is itself
    a labels CSV.

    Parameters
    ----------
    path : str or os.PathLike
        The CSV file.
    key : str, optional
        The identifier column to name images by; default: the most specific
        one present.

    Returns
    -------
    table : LabelTable

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        If it has no ``label`` column or no identifier column, ``key`` is not
        one of its identifier columns, a key value repeats or a label is
        missing.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"labels file {path} does not exist.")
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.columns = [str(c).strip() for c in table.columns]
    present = [c for c in KEY_COLUMNS if c in table.columns]
    if "label" not in table.columns:
        raise ValueError(f"{path} needs a 'label' column; it has {list(table.columns)}.")
    if not present:
        raise ValueError(
            f"{path} needs an identifier column among {list(KEY_COLUMNS)} to name the "
            f"images; it has {list(table.columns)}."
        )
    if key is None:
        key = present[0]
    elif key not in present:
        raise ValueError(
            f"key column {key!r} is not among {path}'s identifier columns {present}; "
            f"choose one of them."
        )
    table = table.apply(lambda column: column.str.strip())
    values = table[key]
    if (values == "").any():
        line = int((values == "").to_numpy().argmax()) + 2
        raise ValueError(f"{path}, line {line}: the {key} cell is empty.")
    repeated = values[values.duplicated()].unique().tolist()
    if repeated:
        shown = ", ".join(repeated[:3])
        raise ValueError(
            f"{path}: {key} values repeat ({shown}); list each once, or name images by "
            f"a more specific column (key) if the file has one."
        )
    empty = table["label"] == ""
    if empty.any():
        raise ValueError(f"{path}: {int(empty.sum())} row(s) have an empty label.")
    others = [c for c in present if c != key]
    records = table[others].to_dict("records")
    if key == "path":  # as path_keys writes the items' paths
        values = values.map(normalize_path)
    return LabelTable(
        path=path,
        key=key,
        labels=dict(zip(values, _typed(table["label"]), strict=True)),
        identifiers={
            value: {c: v for c, v in record.items() if v}
            for value, record in zip(values, records, strict=True)
        },
        rows={value: line for line, value in enumerate(values, start=2)},
    )


def normalize_path(text: str) -> str:
    """A ``path`` cell in the form :func:`path_keys` gives: absolute paths resolved,
    relative ones in POSIX style without ``./`` or a trailing slash."""
    path = Path(text)
    if path.is_absolute():
        return path.resolve().as_posix()
    return path.as_posix().rstrip("/").removeprefix("./")


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
