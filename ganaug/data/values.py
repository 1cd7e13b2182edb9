"""Synthetic samples in the real data's own values: value kinds and per-class value matching.

A generator's outputs lie between the values real samples take: a decoded
mask holds every value between background and foreground, a decoded CT a
smoothed histogram. Those in-between values are a signature a classifier can
read. :func:`match_values` maps synthetic samples onto the real class's value
distribution (histogram specification, which generalises matching the mean
and spread): on masks it thresholds to the real foreground share and returns
exactly the two real values; on integer data (uint8 images, CT in HU) it
returns real values in the real shares; on continuous data it maps the
synthetic quantiles onto the real ones.
"""

from __future__ import annotations

import numpy as np

VALUE_KINDS = ("mask", "discrete", "continuous")
# Quantile levels of the piecewise-linear map for continuous values.
N_QUANTILES = 1024


def value_kind(X: np.ndarray) -> str:
    """What values a sample set holds: ``"mask"``, ``"discrete"`` or ``"continuous"``.

    Parameters
    ----------
    X : array-like
        Samples of any shape (the values are pooled).

    Returns
    -------
    kind : {"mask", "discrete", "continuous"}
        ``"mask"``: at most two distinct values (binary masks, whatever the
        two values are); ``"discrete"``: more, all whole numbers (uint8
        images, CT in HU, label maps); ``"continuous"``: anything else.

    Examples
    --------
    >>> import numpy as np
    >>> from ganaug.data.values import value_kind
    >>> value_kind(np.array([0, 255, 0])), value_kind(np.arange(5)), value_kind([0.5, 1.0, 2.0])
    ('mask', 'discrete', 'continuous')
    """
    X = np.asarray(X)
    if X.dtype.kind == "b":
        return "mask"
    flat = X.reshape(-1)
    first = flat[:1]
    # Cheap test first: a third distinct value anywhere rules out a mask.
    others = flat[flat != first[0]] if flat.size else flat
    if others.size == 0 or np.all(others == others[0]):
        return "mask"
    if X.dtype.kind in "iu" or bool(np.all(np.mod(flat, 1) == 0)):
        return "discrete"
    return "continuous"


def match_values(
    samples: np.ndarray,
    real: np.ndarray,
    *,
    kind: str | None = None,
    per: str = "set",
    n_quantiles: int = N_QUANTILES,
) -> np.ndarray:
    """Map synthetic samples onto the value distribution of real samples of their class.

    Histogram specification: every synthetic value is replaced by the real
    value at the same quantile, so the ranking of values (which voxels are
    brighter than which) is kept and the distribution becomes the real one.

    - ``"mask"`` and ``"discrete"`` real data: the output holds real values
      only, each in the share the real samples hold it. On a mask that is a
      threshold: the highest-valued share of synthetic voxels, the real
      foreground share, gets the real foreground value and the rest the
      background value. Tied synthetic values get one value, so where ties
      straddle a threshold the shares differ from the real ones by the ties.
    - ``"continuous"``: a piecewise-linear map from ``n_quantiles`` quantiles
      of the synthetic values to the same quantiles of the real ones.

    Parameters
    ----------
    samples : ndarray of shape (n, ...)
        Synthetic samples of one class, on the real samples' scale.
    real : ndarray of shape (m, ...)
        Real samples of the same class (any number of samples; each of
        ``samples``' shape).
    kind : {"mask", "discrete", "continuous"}, optional
        Value kind of the data; default :func:`value_kind` of ``real``. Pass
        the kind of the whole data set when a class alone could mislead.
    per : {"set", "sample"}, default="set"
        ``"set"``: the synthetic values are pooled and mapped together, so
        the set as a whole takes the real distribution and samples keep
        their differences (a sample with more bright voxels keeps more
        foreground). ``"sample"``: each sample is mapped on its own, so each
        takes the real class's pooled distribution (every mask the mean real
        foreground share).
    n_quantiles : int, default=1024
        Quantile levels of the continuous map.

    Returns
    -------
    matched : ndarray of ``samples``' shape and ``real``'s dtype

    Examples
    --------
    >>> import numpy as np
    >>> from ganaug.data.values import match_values
    >>> real = np.array([[0, 0, 0, 255], [0, 0, 255, 255]], dtype=np.uint8)
    >>> match_values(np.array([[0.1, 0.7, 0.2, 0.4], [0.9, 0.0, 0.3, 0.6]]), real)
    array([[  0, 255,   0,   0],
           [255,   0,   0, 255]], dtype=uint8)
    """
    samples, real = np.asarray(samples), np.asarray(real)
    if per not in ("set", "sample"):
        raise ValueError(f"per must be 'set' or 'sample', got {per!r}.")
    kind = value_kind(real) if kind is None else kind
    if kind not in VALUE_KINDS:
        raise ValueError(f"kind must be one of {VALUE_KINDS}, got {kind!r}.")
    if samples.size == 0:
        return samples.astype(real.dtype)
    rows = samples.reshape(1 if per == "set" else len(samples), -1).astype(np.float64)
    if kind == "continuous":
        matched = _map_quantiles(rows, real.reshape(-1), n_quantiles)
    else:
        matched = _assign_levels(rows, real.reshape(-1))
    return matched.reshape(samples.shape).astype(real.dtype)


def _assign_levels(rows: np.ndarray, real: np.ndarray) -> np.ndarray:
    """Each row's values replaced by real values in the real shares (ranks decide)."""
    levels, counts = np.unique(real, return_counts=True)
    width = rows.shape[1]
    # How many of a row's values fall below each boundary between real levels.
    below = np.round(np.cumsum(counts)[:-1] / len(real) * width).astype(np.int64)
    if len(levels) == 1:
        return np.full(rows.shape, levels[0])
    # Per boundary between real levels, the largest value that stays below it
    # (-inf where no value does, +inf where all do).
    has = (below > 0) & (below < width)
    bounds = np.where(below >= width, np.inf, -np.inf) * np.ones((len(rows), 1))
    if has.any():
        kth = np.unique(below[has] - 1)
        bounds[:, has] = np.partition(rows, kth, axis=1)[:, below[has] - 1]
    if len(levels) == 2:  # masks: one threshold, vectorised over rows
        return np.where(rows > bounds, levels[1], levels[0])
    out = np.empty(rows.shape, dtype=levels.dtype)
    for i, row in enumerate(rows):
        out[i] = levels[np.searchsorted(bounds[i], row, side="left")]
    return out


def _map_quantiles(rows: np.ndarray, real: np.ndarray, n_quantiles: int) -> np.ndarray:
    """Each row mapped piecewise-linearly from its quantiles onto the real quantiles."""
    n_quantiles = max(2, min(n_quantiles, rows.shape[1], len(real)))
    q = np.linspace(0.0, 1.0, n_quantiles)
    target = np.quantile(real, q)
    sources = np.quantile(rows, q, axis=1).T  # (n_rows, n_quantiles)
    out = np.empty_like(rows)
    for i, (row, source) in enumerate(zip(rows, sources, strict=True)):
        # Equal source quantiles (ties) take the mean of their targets.
        knots, inverse = np.unique(source, return_inverse=True)
        values = np.bincount(inverse, target) / np.bincount(inverse)
        out[i] = np.interp(row, knots, values) if len(knots) > 1 else values[0]
    return out
