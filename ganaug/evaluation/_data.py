"""Data preparation for the protocol: the splits in one form, the minority classes,
and the per-seed sub-sampling of the minority."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.utils.multiclass import unique_labels

from ..data.images import image_layout
from ..datasets._splits import check_groups, grouped_split, take_rows
from ..utils._validation import check_images


@dataclass
class PreparedData:
    """The inputs in the form the protocol works on."""

    X: Any  # flat float rows for images, a float array or a DataFrame for tables
    y: np.ndarray
    X_val: Any
    y_val: np.ndarray
    X_test: Any
    y_test: np.ndarray
    sample_shape: tuple[int, ...] | None  # None for tables
    spatial_dims: int | None
    categorical: list | None
    groups: np.ndarray | None = None  # of the training rows
    n_val_groups: int | None = None  # when the validation split was made by groups
    X_unlabelled: Any = None  # rows given without labels, in the form of X


def concat_rows(parts: list) -> Any:
    """Stack arrays, or DataFrames with a fresh index."""
    return (
        pd.concat(parts, ignore_index=True) if hasattr(parts[0], "iloc") else np.concatenate(parts)
    )


def class_rows(X: Any, y: np.ndarray, cls: Any) -> Any:
    """The rows of ``X`` whose label is ``cls``."""
    return take_rows(X, np.flatnonzero(y == cls))


def prepare_data(
    X,
    y,
    X_val,
    y_val,
    X_test,
    y_test,
    image_shape,
    spatial_dims,
    val_size,
    seed,
    groups=None,
    X_unlabelled=None,
) -> PreparedData:
    """Hold out the validation split when none is given (by group when groups are),
    then bring the three splits, and any unlabelled rows, into one form (see
    :func:`_prepare_arrays`)."""
    y = np.asarray(y)
    n_val_groups = None
    if groups is not None:
        groups = check_groups(groups, len(y))
    if X_val is None and groups is None:
        X, X_val, y, y_val = train_test_split(
            X, y, test_size=val_size, stratify=y, random_state=seed
        )
    elif X_val is None:  # whole groups on each side
        kept, held_out = grouped_split(y, groups, val_size, seed)
        n_val_groups = len(np.unique(groups[held_out]))
        X, X_val, y, y_val = take_rows(X, kept), take_rows(X, held_out), y[kept], y[held_out]
        groups = groups[kept]
    data = _prepare_arrays(
        X, y, X_val, y_val, X_test, y_test, image_shape, spatial_dims, X_unlabelled
    )
    data.groups, data.n_val_groups = groups, n_val_groups
    return data


def _prepare_arrays(
    X, y, X_val, y_val, X_test, y_test, image_shape, spatial_dims, X_unlabelled=None
) -> PreparedData:
    """Images as flat float rows; tables with categorical columns as DataFrames;
    numeric tables standardized with the training split's statistics. The
    unlabelled rows, when given, take the training split's form."""
    y, y_test = np.asarray(y), np.asarray(y_test)
    y_val = np.asarray(y_val)
    sources = (X, X_val, X_test) + (() if X_unlabelled is None else (X_unlabelled,))
    as_images = image_shape is not None or np.ndim(X) > 2
    if as_images:
        arrays = [check_images(a, image_shape, spatial_dims) for a in sources]
        shapes = {shape for _, shape in arrays}
        if len(shapes) != 1:
            raise ValueError(
                f"Training, validation, test (and unlabelled) samples differ in shape: {shapes}."
            )
        sample_shape = shapes.pop()
        dims = len(image_layout(sample_shape, spatial_dims)[1])
        out = [np.asarray(a, dtype=np.float32).reshape(len(a), -1) for a, _ in arrays]
        categorical = None
    elif hasattr(X, "columns") and any(not pd.api.types.is_numeric_dtype(X[c]) for c in X):
        categorical = [c for c in X if not pd.api.types.is_numeric_dtype(X[c])]
        out = [pd.DataFrame(a, columns=X.columns).reset_index(drop=True) for a in sources]
        sample_shape = dims = None
    else:
        # Numeric tables are standardized with training statistics, as a StandardScaler
        # at the head of the pipeline would do, so SMOTE's neighbours are not ruled by
        # the column with the largest unit.
        scaler = StandardScaler().fit(np.asarray(X, dtype=np.float64))
        out = [scaler.transform(np.asarray(a, dtype=np.float64)) for a in sources]
        sample_shape = dims = categorical = None
    data = PreparedData(out[0], y, out[1], y_val, out[2], y_test, sample_shape, dims, categorical)
    data.X_unlabelled = out[3] if X_unlabelled is not None else None
    return data


def class_sizes(y: np.ndarray) -> tuple[dict, list]:
    """Samples per class, and the minority classes: every class smaller than the largest.

    Raises a ValueError when the classes are balanced: the protocol measures
    over-sampling of imbalanced data.
    """
    classes = unique_labels(y)
    counts = {c: int(np.sum(y == c)) for c in classes}
    majority = max(counts.values())
    minority = [c for c in classes if counts[c] < majority]
    if not minority:
        raise ValueError(
            f"The training labels {counts} have no minority class; the protocol "
            "measures over-sampling of imbalanced data."
        )
    return counts, minority


def minority_target(n_majority: int, ratio: float) -> int:
    """Size of a minority class sub-sampled to ``1:ratio``: ``n_majority / ratio``, rounded."""
    return max(2, round(n_majority / ratio))


def subsample_minority(
    y: np.ndarray,
    minority_classes: Sequence,
    ratio: float | None,
    rng: np.random.RandomState,
    groups: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Keep ``round(n_majority / ratio)`` samples of each minority class.

    With ``groups`` (e.g. patient IDs), whole groups are removed, so the
    kept samples and the removed ones (the oracle pool, and real samples the
    memorization check treats as unseen) never share a group: each class
    keeps as many samples as whole groups allow without exceeding the target
    (at least one group), and the other samples of a removed group leave the
    training set too.

    Parameters
    ----------
    y : ndarray of shape (n_samples,)
        Training labels.
    minority_classes : sequence
        Classes to sub-sample.
    ratio : float or None
        Target imbalance ``1:ratio``; None keeps everything.
    rng : numpy.random.RandomState
        Chooses which samples (or groups) stay.
    groups : ndarray of shape (n_samples,), optional
        Group of each sample.

    Returns
    -------
    kept : ndarray of int
        Indices of the sub-sampled training set, sorted.
    removed : ndarray of int
        Indices of the removed real minority samples: the oracle pool.
    """
    if ratio is None:
        return np.arange(len(y)), np.array([], dtype=int)
    target = minority_target(max(np.sum(y == c) for c in np.unique(y)), ratio)
    removed, left_out = [], []
    for cls in minority_classes:
        members = np.flatnonzero(y == cls)
        if len(members) <= target:
            continue
        if groups is None:
            removed.append(rng.choice(members, len(members) - target, replace=False))
            continue
        gone = _groups_to_remove(groups[members], target, rng)
        removed.append(members[np.isin(groups[members], gone)])
        left_out.append(np.flatnonzero(np.isin(groups, gone) & (y != cls)))
    removed = np.sort(np.concatenate(removed)) if removed else np.array([], dtype=int)
    dropped = np.concatenate([removed, *left_out]) if left_out else removed
    return np.setdiff1d(np.arange(len(y)), dropped), removed


def _groups_to_remove(member_groups: np.ndarray, target: int, rng) -> np.ndarray:
    """Groups of one class to remove so that at most ``target`` of its samples stay
    (at least one group), visiting the groups in a random order."""
    names, sizes = np.unique(member_groups, return_counts=True)
    kept, gone = 0, []
    for i in rng.permutation(len(names)):
        if kept == 0 or kept + sizes[i] <= target:
            kept += sizes[i]
        else:
            gone.append(names[i])
    return np.asarray(gone, dtype=names.dtype)
