"""Input checks with errors that name the problem and the fix."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.utils import check_array

from ..data.images import image_layout
from ..data.tabular import categorical_mask


def check_not_sparse(X: Any) -> None:
    """Refuse scipy sparse input with a message that says how to convert it."""
    if sparse.issparse(X):
        raise TypeError(
            "ganaug's samplers need dense data but got a sparse matrix; convert it "
            "with X.toarray() first."
        )


def plain_scalar(value: Any) -> Any:
    """A numpy scalar as the Python value it holds (``np.int64(1)`` -> ``1``); other
    values unchanged."""
    return value.item() if isinstance(value, np.generic) else value


def class_label(cls: Any) -> str:
    """A class label as messages show it: ``1`` or ``'benign'``, not ``np.int64(1)``."""
    return repr(plain_scalar(cls))


def check_min_class_size(y: np.ndarray, targets: Any, minimum: int = 2) -> None:
    """Every class to over-sample needs ``minimum`` samples to learn from."""
    counts = Counter(y.tolist())
    targets = [plain_scalar(cls) for cls in targets]
    small = sorted((cls, counts[cls]) for cls in targets if counts[cls] < minimum)
    if small:
        described = ", ".join(
            f"class {cls!r} has {n} sample{'s' if n != 1 else ''}" for cls, n in small
        )
        raise ValueError(
            f"Every class to over-sample needs at least {minimum} samples to learn a "
            f"generator from, but {described}. Collect more samples, or leave the "
            "class out with a dict sampling_strategy."
        )


def check_tabular(X: Any, categorical_features: Any) -> tuple[np.ndarray, np.ndarray]:
    """Validate a table; return it as an array and the mask of categorical columns.

    Arrays with only numeric columns keep their dtype; tables with categorical
    columns become object arrays. Missing values are refused.
    """
    if isinstance(X, pd.DataFrame):
        if any(isinstance(dtype, pd.SparseDtype) for dtype in X.dtypes):
            X = X.sparse.to_dense()
        if X.isna().to_numpy().any():
            raise ValueError(
                "Input X contains missing values (NaN/None) in columns "
                f"{X.columns[X.isna().any()].tolist()}; GANOversampler cannot learn "
                "from them: impute them first (e.g. sklearn.impute.SimpleImputer)."
            )
        mask = categorical_mask(X, categorical_features)
        if mask.any():
            return X.to_numpy(dtype=object), mask
        return check_array(X, dtype="numeric"), mask
    X = check_array(X, dtype=None, ensure_all_finite=False)
    mask = categorical_mask(X, categorical_features)
    if X.dtype.kind == "O" and not mask.any():
        X = X.astype(np.float64)
    if mask.any():
        if pd.isna(X).any():
            raise ValueError(
                "Input X contains missing values (NaN/None); GANOversampler cannot "
                "learn from them: impute them first (e.g. sklearn.impute.SimpleImputer)."
            )
        numeric = X[:, ~mask].astype(np.float64)
        check_array(numeric, ensure_min_features=0)
        return X, mask
    return check_array(X, dtype="numeric"), mask


def check_images(
    X: Any, image_shape: tuple[int, ...] | None, spatial_dims: int | None
) -> tuple[np.ndarray, tuple[int, ...]]:
    """Validate images or volumes; return them and the shape of one sample.

    ``X`` is ``(n, *sample_shape)``, or flat ``(n, n_features)`` with
    ``image_shape`` saying how to fold each row.
    """
    X = check_array(X, allow_nd=True, dtype="numeric")
    if X.dtype.kind not in "biuf":
        raise TypeError(f"Images must hold numbers; got dtype {X.dtype}.")
    if X.ndim == 2:
        if image_shape is None:
            raise ValueError("Flat rows need image_shape to be read as images.")
        sample_shape = tuple(int(s) for s in image_shape)
        if math.prod(sample_shape) != X.shape[1]:
            raise ValueError(
                f"image_shape={sample_shape} holds {math.prod(sample_shape)} values "
                f"but X has {X.shape[1]} features per row; pass the shape of one "
                "image, e.g. image_shape=(28, 28) for 784 features."
            )
    else:
        sample_shape = X.shape[1:]
        if image_shape is not None and tuple(image_shape) != sample_shape:
            raise ValueError(
                f"image_shape={tuple(image_shape)} does not match the shape of the "
                f"samples in X, {sample_shape}; leave image_shape=None for arrays "
                "that already have image axes."
            )
    if X.ndim > 6:
        raise ValueError(
            f"X has {X.ndim} axes; images are (n, [C,] H, W) and volumes (n, [C,] D, H, W)."
        )
    image_layout(sample_shape, spatial_dims)
    return X, sample_shape
