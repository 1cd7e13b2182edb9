"""Memorization check: are synthetic samples closer to training samples than new patients are?"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.neighbors import NearestNeighbors

HOLDOUT_QUANTILE = 0.05
COPY_FACTOR = 0.5
MAX_NEAR_COPY_SHARE = 0.05


def distance_to_closest_record(samples: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Euclidean distance from each row of ``samples`` to its nearest row of ``reference``.

    Parameters
    ----------
    samples : ndarray of shape (n, d)
        Rows to look up.
    reference : ndarray of shape (m, d)
        Rows to search, e.g. the real training samples.

    Returns
    -------
    distances : ndarray of shape (n,)
    """
    nn = NearestNeighbors(n_neighbors=1).fit(np.asarray(reference, dtype=np.float64))
    return nn.kneighbors(np.asarray(samples, dtype=np.float64))[0][:, 0]


@dataclass
class MemorizationCheck:
    """Distances to the closest training sample, synthetic against held-out real.

    Attributes
    ----------
    synthetic_distances, holdout_distances : ndarray
        Distance of every synthetic and every held-out real sample to its
        closest real training sample.
    threshold : float
        A synthetic sample closer than this is a near-copy: ``COPY_FACTOR``
        times the ``HOLDOUT_QUANTILE`` quantile of the held-out distances,
        i.e. far closer than all but the closest few new real patients.
    near_copy_share : float
        Share of synthetic samples below ``threshold``.
    distance_ratio : float
        Median synthetic distance over median held-out distance; below 1 the
        synthetic samples sit closer to training samples than new patients do.
    flagged : bool
        True when ``near_copy_share`` exceeds ``MAX_NEAR_COPY_SHARE``.
    """

    synthetic_distances: np.ndarray
    holdout_distances: np.ndarray
    threshold: float
    near_copy_share: float
    distance_ratio: float
    flagged: bool


def check_memorization(
    synthetic: np.ndarray, train: np.ndarray, holdout: np.ndarray
) -> MemorizationCheck:
    """Compare synthetic samples' closeness to training data with real held-out samples'.

    Parameters
    ----------
    synthetic : ndarray of shape (n, d)
        Synthetic samples, flattened, in the same scale as ``train``.
    train : ndarray of shape (m, d)
        The real samples the generator was trained on (of the same class).
    holdout : ndarray of shape (h, d)
        Real samples of the same class the generator never saw.

    Returns
    -------
    check : MemorizationCheck
    """
    if len(holdout) < 2 or len(train) < 1 or len(synthetic) < 1:
        raise ValueError(
            "The memorization check needs synthetic samples, training samples and at "
            f"least 2 held-out real samples; got {len(synthetic)}, {len(train)} and "
            f"{len(holdout)}."
        )
    synthetic_distances = distance_to_closest_record(synthetic, train)
    holdout_distances = distance_to_closest_record(holdout, train)
    threshold = COPY_FACTOR * float(np.quantile(holdout_distances, HOLDOUT_QUANTILE))
    share = float(np.mean(synthetic_distances < threshold))
    median_holdout = float(np.median(holdout_distances))
    ratio = float(np.median(synthetic_distances)) / median_holdout if median_holdout else np.nan
    return MemorizationCheck(
        synthetic_distances=synthetic_distances,
        holdout_distances=holdout_distances,
        threshold=threshold,
        near_copy_share=share,
        distance_ratio=ratio,
        flagged=share > MAX_NEAR_COPY_SHARE,
    )
