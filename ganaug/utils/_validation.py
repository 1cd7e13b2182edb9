"""Input checks with errors that name the problem and the fix."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.utils import check_array as _sklearn_check_array
from sklearn.utils._param_validation import Options

from ..data.images import image_layout
from ..data.tabular import categorical_mask

# Bounds on the counts that allocate, so that a typo fails at once instead of filling
# memory first. No real use comes near them:
# - a class of at most a hundred million samples after over-sampling (a dict
#   sampling_strategy's values, generate's n_samples): ten times the largest
#   imbalanced tables in use (payment and credit-card fraud sets hold a few million rows);
MAX_SAMPLES = 10**8
# - and at most 2**33 new values (32 GiB of float32) in one call, whatever the sample size:
#   ten thousand 128^3 volumes, or all of the counts above for an 85-feature table.
MAX_NEW_VALUES = 2**33


class ClassSizes(Options):
    """scikit-learn constraint: a mapping of classes to sample counts, none above
    :data:`MAX_SAMPLES` (imbalanced-learn checks the rest of a dict ``sampling_strategy``)."""

    def __init__(self):
        super().__init__(Mapping, set())

    def is_satisfied_by(self, val: Any) -> bool:
        """Whether ``val`` is a mapping whose numeric values are at most the bound."""
        return isinstance(val, Mapping) and not any(
            isinstance(n, Real) and n > MAX_SAMPLES for n in val.values()
        )

    def __str__(self) -> str:
        return f"a dict of class sizes of at most {MAX_SAMPLES:_}"


def check_sample_count(n_samples: Any, name: str = "n_samples") -> None:
    """Refuse a count of new samples that is not an integer from 0 to :data:`MAX_SAMPLES`."""
    if (
        not isinstance(n_samples, Integral)
        or isinstance(n_samples, bool)
        or not 0 <= n_samples <= MAX_SAMPLES
    ):
        raise ValueError(
            f"{name} must be a non-negative integer of at most {MAX_SAMPLES:_}, got {n_samples!r}."
        )


def check_new_values(n_samples: int, n_features: int, fix: str) -> None:
    """Refuse to make more than :data:`MAX_NEW_VALUES` values at once, before allocating."""
    if n_samples * n_features > MAX_NEW_VALUES:
        size = n_samples * n_features * 4 / 2**30
        raise ValueError(
            f"{n_samples:_} new samples of {n_features:_} values each would take "
            f"{size:,.0f} GiB or more, above the {MAX_NEW_VALUES * 4 // 2**30} GiB one call "
            f"may make; {fix}"
        )


def check_array(X: Any, **kwargs: Any) -> np.ndarray:
    """scikit-learn's ``check_array``, without the overflow warning its quick finiteness
    test (a sum) raises for values near the float limits, which are finite."""
    with np.errstate(over="ignore", invalid="ignore"):
        return _sklearn_check_array(X, **kwargs)


def check_finite_samples(X: np.ndarray, maker: str) -> None:
    """Refuse to return synthetic samples holding NaN or infinity (a generator whose
    training diverged), instead of handing them on."""
    values = np.asarray(X)
    if values.dtype.kind in "fc" and not np.isfinite(values).all():
        n_bad = int((~np.isfinite(values)).sum())
        raise ValueError(
            f"{maker} made {n_bad} non-finite value(s) (NaN or infinity) in its synthetic "
            "samples: its training diverged. Lower generator_lr and discriminator_lr, "
            "or train again with another random_state."
        )


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
