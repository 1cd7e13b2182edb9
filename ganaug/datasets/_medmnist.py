"""Loaders for the MedMNIST v2 files bundled in ``ganaug/datasets/data``."""

from __future__ import annotations

from importlib.resources import as_file, files

import numpy as np
from sklearn.utils import Bunch

_SPLITS = ("train", "val", "test")

_DESCRIPTIONS = {
    "breastmnist": (
        "BreastMNIST (MedMNIST v2, CC BY 4.0): breast ultrasound, 28x28 uint8. "
        "Class 0 malignant, class 1 benign or normal."
    ),
    "adrenalmnist3d": (
        "AdrenalMNIST3D (MedMNIST v2, CC BY 4.0): adrenal gland shapes from "
        "abdominal CT, 28x28x28 uint8. Class 0 normal, class 1 hyperplasia."
    ),
}


def _load(name: str, split: str) -> Bunch:
    if split not in _SPLITS:
        raise ValueError(f"split must be one of {_SPLITS}, got {split!r}.")
    resource = files("ganaug.datasets") / "data" / f"{name}.npz"
    with as_file(resource) as path, np.load(path) as archive:
        images = archive[f"{split}_images"]
        labels = archive[f"{split}_labels"].reshape(-1).astype(np.int64)
    return Bunch(images=images, target=labels, DESCR=_DESCRIPTIONS[name])


def load_breastmnist(split: str = "train") -> Bunch:
    """Load one split of BreastMNIST (2D breast ultrasound, 28x28).

    Parameters
    ----------
    split : {"train", "val", "test"}, default="train"
        Which official split to return. Keep ``"test"`` for final evaluation.

    Returns
    -------
    data : sklearn.utils.Bunch
        ``images`` (uint8, shape ``(n, 28, 28)``), ``target`` (int64, shape
        ``(n,)``; 0 malignant, 1 benign or normal) and ``DESCR``.

    Examples
    --------
    >>> from collections import Counter
    >>> from ganaug.datasets import load_breastmnist
    >>> data = load_breastmnist()
    >>> data.images.shape, sorted(Counter(data.target.tolist()).items())
    ((546, 28, 28), [(0, 147), (1, 399)])
    """
    return _load("breastmnist", split)


def load_adrenalmnist3d(split: str = "train") -> Bunch:
    """Load one split of AdrenalMNIST3D (3D CT shapes, 28x28x28).

    Parameters
    ----------
    split : {"train", "val", "test"}, default="train"
        Which official split to return. Keep ``"test"`` for final evaluation.

    Returns
    -------
    data : sklearn.utils.Bunch
        ``images`` (uint8, shape ``(n, 28, 28, 28)``), ``target`` (int64,
        shape ``(n,)``; 0 normal, 1 hyperplasia) and ``DESCR``.

    Examples
    --------
    >>> from ganaug.datasets import load_adrenalmnist3d
    >>> load_adrenalmnist3d("val").images.shape
    (98, 28, 28, 28)
    """
    return _load("adrenalmnist3d", split)
