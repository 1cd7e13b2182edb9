"""Fidelity of synthetic samples in a feature space: FID, KID, precision/recall, coverage.

All functions take two ``(n, d)`` feature arrays, real first. FID comes from
MONAI's :class:`~monai.metrics.FIDMetric`; KID
(:func:`ganaug.distances.kernel_distance`) is the unbiased squared MMD with the
cubic polynomial kernel of Binkowski et al. (2018), which, unlike FID, has no
bias at the small sample sizes of minority classes; precision, recall,
density and coverage follow Kynkaanniemi et al. (2019) and Naeem et al. (2020).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch
from monai.metrics import FIDMetric
from scipy.stats import wasserstein_distance
from sklearn.metrics import pairwise_distances

from ..distances import check_feature_pair, kth_neighbour_radius


def frechet_distance(real: np.ndarray, fake: np.ndarray) -> float:
    """Frechet (FID-style) distance between two feature sets, via MONAI.

    Parameters
    ----------
    real, fake : ndarray of shape (n, d)
        Features of real and synthetic samples.

    Returns
    -------
    fid : float
        0 for identical sets; biased upwards at small n.
    """
    check_feature_pair(real, fake)
    score = FIDMetric()(torch.as_tensor(fake, dtype=torch.float64), torch.as_tensor(real))
    return max(float(score), 0.0)


def inception_score(probabilities: np.ndarray) -> float:
    """Inception Score of class probabilities: ``exp(mean KL(p(y|x) || p(y)))``.

    Defined (Salimans et al. 2016) on an ImageNet Inception network's
    predictions; ganaug passes an in-domain classifier's instead (the CNN
    the fidelity features come from), so this is the in-domain analogue, not
    comparable with published ImageNet scores. ``p(y)`` is the mean of the
    rows. It is 1 when every sample gets the same prediction and at most the
    number of classes, reached when predictions are confident and spread
    evenly over the classes.

    Parameters
    ----------
    probabilities : ndarray of shape (n, n_classes)
        ``p(y|x)`` per sample; rows sum to 1.

    Returns
    -------
    score : float
    """
    p = np.clip(np.asarray(probabilities, dtype=np.float64), 1e-12, 1.0)
    marginal = p.mean(axis=0, keepdims=True)
    return float(np.exp(np.mean(np.sum(p * (np.log(p) - np.log(marginal)), axis=1))))


def precision_recall_coverage(real: np.ndarray, fake: np.ndarray, k: int = 5) -> dict[str, float]:
    """k-NN precision, recall, density and coverage of ``fake`` against ``real``.

    Parameters
    ----------
    real, fake : ndarray of shape (n, d)
        Features of real and synthetic samples.
    k : int, default=5
        Neighbourhood size; lowered to ``n - 1`` for sets of ``n <= k`` samples.

    Returns
    -------
    scores : dict
        ``precision`` (share of synthetic samples inside the real manifold),
        ``recall`` (share of real samples inside the synthetic manifold),
        ``density`` (about 1 when synthetic samples are as concentrated as the
        real ones) and ``coverage`` (share of real samples with a synthetic
        sample in their neighbourhood).
    """
    check_feature_pair(real, fake)
    k = min(k, len(real) - 1, len(fake) - 1)
    real_radius, fake_radius = kth_neighbour_radius(real, k), kth_neighbour_radius(fake, k)
    cross = pairwise_distances(real, fake)  # (n_real, n_fake)
    inside_real = cross <= real_radius[:, None]
    return {
        "precision": float(inside_real.any(axis=0).mean()),
        "recall": float((cross <= fake_radius[None, :]).any(axis=1).mean()),
        "density": float(inside_real.sum() / (k * len(fake))),
        "coverage": float((cross.min(axis=1) <= real_radius).mean()),
    }


def column_distances(
    real: pd.DataFrame, fake: pd.DataFrame, categorical: list[str] | None = None
) -> pd.DataFrame:
    """Per-column distance between the marginal distributions of two tables.

    Parameters
    ----------
    real, fake : pandas.DataFrame
        Tables with the same columns.
    categorical : list of str, optional
        Columns compared as categories; by default the non-numeric ones.

    Returns
    -------
    distances : pandas.DataFrame
        Indexed by column: ``kind`` and ``distance``, the Wasserstein distance
        in units of the real column's standard deviation for numeric columns,
        the total variation distance for categorical ones.
    """
    if list(real.columns) != list(fake.columns):
        raise ValueError("real and fake must have the same columns in the same order.")
    if categorical is None:
        categorical = [c for c in real if not pd.api.types.is_numeric_dtype(real[c])]
    rows = {}
    for column in real:
        if column in categorical:
            p = real[column].value_counts(normalize=True)
            q = fake[column].value_counts(normalize=True)
            distance = 0.5 * p.subtract(q, fill_value=0).abs().sum()
            rows[column] = ("categorical", float(distance))
        else:
            r, f = real[column].to_numpy(float), fake[column].to_numpy(float)
            scale = r.std() or 1.0
            rows[column] = ("numeric", float(wasserstein_distance(r / scale, f / scale)))
    table = pd.DataFrame.from_dict(rows, orient="index", columns=["kind", "distance"])
    table.index.name = "column"
    return table


def correlation_difference(real: pd.DataFrame, fake: pd.DataFrame) -> float:
    """Mean absolute difference between the Pearson correlation matrices.

    Parameters
    ----------
    real, fake : pandas.DataFrame
        Tables with the same columns; only numeric columns are used.

    Returns
    -------
    difference : float
        Mean over column pairs (off the diagonal) of ``|corr_real - corr_fake|``;
        0 when the synthetic table keeps every pairwise correlation.
    """
    numeric = [c for c in real if pd.api.types.is_numeric_dtype(real[c])]
    if len(numeric) < 2:
        return float("nan")
    c_real = real[numeric].astype(float).corr().to_numpy()
    c_fake = fake[numeric].astype(float).corr().to_numpy()
    off_diagonal = ~np.eye(len(numeric), dtype=bool)
    return float(np.nanmean(np.abs(c_real - c_fake)[off_diagonal]))
