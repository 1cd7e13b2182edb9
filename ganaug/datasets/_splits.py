"""Named data sources as train / validation / test splits, for the CLI and recipes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

from ._medmnist import load_adrenalmnist3d, load_breastmnist

BUNDLED = {
    "breastmnist": load_breastmnist,
    "adrenalmnist3d": load_adrenalmnist3d,
}
TABLES = (".csv", ".parquet")


@dataclass
class Splits:
    """Training, validation and test data; ``X_val`` is None when none was given.

    Attributes
    ----------
    X, y, X_val, y_val, X_test, y_test : array-like or None
        The splits.
    name : str
        Where they came from.
    groups, test_groups : ndarray or None
        The group (e.g. patient) of each training and test sample when the
        test split was made by whole groups; None otherwise.
    X_unlabelled : array-like or None
        Samples without labels, for methods that learn from them; None when
        none were asked for.
    """

    X: Any
    y: np.ndarray
    X_val: Any
    y_val: np.ndarray | None
    X_test: Any
    y_test: np.ndarray
    name: str
    groups: np.ndarray | None = None
    test_groups: np.ndarray | None = None
    X_unlabelled: Any = None


def take_rows(X, index: np.ndarray):
    """Rows of an array, a sequence or a DataFrame (renumbered from 0)."""
    return X.iloc[index].reset_index(drop=True) if hasattr(X, "iloc") else np.asarray(X)[index]


def check_groups(groups, n_samples: int) -> np.ndarray:
    """``groups`` as an array, one per sample, or a one-line error."""
    groups = np.asarray(groups)
    if len(groups) != n_samples:
        raise ValueError(
            f"groups has {len(groups)} entries for {n_samples} samples; give one group "
            "(e.g. a patient ID) per sample."
        )
    return groups


def grouped_split(
    y: np.ndarray, groups: np.ndarray, test_size: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """A stratified split that keeps every group (e.g. a patient) on one side.

    scikit-learn's :class:`~sklearn.model_selection.StratifiedGroupKFold`
    with ``round(1 / test_size)`` folds; its first fold is held out, so the
    held-out share is close to ``test_size`` as whole groups allow.

    Parameters
    ----------
    y : ndarray of shape (n,)
        Labels, to stratify by.
    groups : ndarray of shape (n,)
        Group of each sample.
    test_size : float
        Share to hold out.
    seed : int
        Seeds the shuffle of the groups.

    Returns
    -------
    kept, held_out : ndarray of int
        Indices of the two sides.
    """
    from sklearn.model_selection import StratifiedGroupKFold

    groups = check_groups(groups, len(y))
    n_splits = max(2, round(1 / test_size))
    n_groups = len(np.unique(groups))
    if n_groups < n_splits:
        raise ValueError(
            f"{n_groups} groups cannot hold out {test_size:.0%} as whole groups; that "
            f"needs at least {n_splits} groups (or split without grouping)."
        )
    splitter = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    return next(splitter.split(np.zeros(len(y)), y, groups))


def split_off_test(X, y, name: str, test_size: float, seed: int, groups=None) -> Splits:
    """Hold out a stratified ``test_size`` share as the test split; no validation split.

    With ``groups``, by whole groups (see :func:`grouped_split`).
    """
    if groups is None:
        X, X_test, y, y_test = train_test_split(
            X, y, test_size=test_size, stratify=y, random_state=seed
        )
        return Splits(X, np.asarray(y), None, None, X_test, np.asarray(y_test), name)
    y, groups = np.asarray(y), np.asarray(groups)
    kept, held_out = grouped_split(y, groups, test_size, seed)
    return Splits(
        take_rows(X, kept),
        y[kept],
        None,
        None,
        take_rows(X, held_out),
        y[held_out],
        name,
        groups[kept],
        groups[held_out],
    )


def _from_npz(path: Path, test_size: float, seed: int) -> Splits:
    with np.load(path, allow_pickle=False) as archive:
        keys = set(archive.files)
        if {"train_images", "train_labels", "test_images", "test_labels"} <= keys:
            part = {k: archive[k] for k in keys}
            label = {k: part[k].reshape(-1) for k in keys if k.endswith("_labels")}
            has_val = "val_images" in keys
            return Splits(
                part["train_images"],
                label["train_labels"],
                part["val_images"] if has_val else None,
                label.get("val_labels"),
                part["test_images"],
                label["test_labels"],
                str(path),
            )
        if {"X", "y"} <= keys:
            return split_off_test(archive["X"], archive["y"], str(path), test_size, seed)
    raise ValueError(
        f"{path} holds arrays {sorted(keys)}; expected MedMNIST keys (train_images, "
        "train_labels, [val_images, val_labels,] test_images, test_labels) or X and y."
    )


def read_table(path: Path) -> pd.DataFrame:
    """A ``.csv`` or ``.parquet`` file as a DataFrame."""
    return pd.read_csv(path) if path.suffix == ".csv" else pd.read_parquet(path)


def unlabelled_rows(frame: pd.DataFrame, target, group, test_groups) -> pd.DataFrame:
    """A table's unlabelled rows as features: without the label and group columns,
    and without the rows of a group in the test split (its patients' other rows)."""
    if group is not None and group in frame and test_groups is not None:
        frame = frame[~frame[group].isin(test_groups)]
    return frame.drop(columns=[c for c in (target, group) if c in frame]).reset_index(drop=True)


def load_splits(
    source: str,
    *,
    target: str | None = None,
    group: str | None = None,
    test_size: float = 0.3,
    random_state: int = 0,
    unlabelled: bool = False,
) -> Splits:
    """Load a data source as splits.

    Parameters
    ----------
    source : str
        ``"breastmnist"`` or ``"adrenalmnist3d"`` (bundled, official splits),
        ``"breast-cancer"`` (sklearn's table), a ``.npz`` file (MedMNIST keys
        ``train_images``/``train_labels``/``val_*``/``test_*``, or ``X`` and
        ``y``), or a ``.csv``/``.parquet`` table with a ``target`` column.
    target : str, optional
        Label column of a table file.
    group : str, optional
        Column of a table file naming each row's group (e.g. a patient ID):
        the test split then keeps every group on one side, and the column is
        not a feature.
    test_size : float, default=0.3
        Share held out as the test split (stratified) when the source has no
        test split of its own.
    random_state : int, default=0
        Seeds that split.
    unlabelled : bool, default=False
        For a table file: its rows whose label is empty become
        ``X_unlabelled`` (in no split; with ``group``, less those of a group
        in the test split) instead of an error.

    Returns
    -------
    splits : Splits
    """
    if source in BUNDLED:
        train, val, test = (BUNDLED[source](s) for s in ("train", "val", "test"))
        return Splits(
            train.images, train.target, val.images, val.target, test.images, test.target, source
        )
    if source == "breast-cancer":
        frame = load_breast_cancer(as_frame=True)
        return split_off_test(frame.data, frame.target.to_numpy(), source, test_size, random_state)
    path = Path(source)
    if not path.is_file():
        raise FileNotFoundError(
            f"Data source {source!r} is neither a bundled data set "
            f"({', '.join([*BUNDLED, 'breast-cancer'])}) nor an existing file."
        )
    if path.suffix == ".npz":
        return _from_npz(path, test_size, random_state)
    if path.suffix in TABLES:
        frame = read_table(path)
        if target is None or target not in frame:
            raise ValueError(
                f"Name the label column of {path} with target=...; its columns are "
                f"{list(frame.columns)}."
            )
        empty = frame[target].isna().to_numpy()
        if empty.any() and not unlabelled:
            raise ValueError(
                f"{path}: {int(empty.sum())} row(s) have an empty {target!r}; label them, "
                "drop them, or pass unlabelled=True (recipe: data.unlabelled: true) to "
                "learn from them as unlabelled rows."
            )
        pool, frame = frame[empty], frame[~empty].reset_index(drop=True)
        y = frame.pop(target).to_numpy()
        if empty.any() and y.dtype.kind == "f" and np.all(np.mod(y, 1) == 0):
            y = y.astype(int)  # integers, read as floats beside the empty cells
        if group is not None and group not in frame:
            raise ValueError(
                f"group column {group!r} is not in {path}; its columns are {list(frame)}."
            )
        groups = frame.pop(group).to_numpy() if group is not None else None
        splits = split_off_test(frame, y, str(path), test_size, random_state, groups)
        if unlabelled:
            splits.X_unlabelled = unlabelled_rows(pool, target, group, splits.test_groups)
        return splits
    raise ValueError(
        f"Cannot read {path}: use a .npz, .csv or .parquet file, or a bundled data set."
    )
