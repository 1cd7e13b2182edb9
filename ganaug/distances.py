"""Distances between sets of samples, used both to choose samples and to judge them.

The samplers (checkpoint selection, the manifold filter) and the evaluation
(fidelity) share these; this module imports neither, so neither imports the
other through it.
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics.pairwise import polynomial_kernel
from sklearn.neighbors import NearestNeighbors


def check_feature_pair(real: np.ndarray, fake: np.ndarray, minimum: int = 2) -> None:
    """Refuse anything but two ``(n, d)`` arrays of the same ``d`` with ``minimum`` rows."""
    if real.ndim != 2 or fake.ndim != 2 or real.shape[1] != fake.shape[1]:
        raise ValueError(
            f"Expected two (n, d) feature arrays with the same d, got {real.shape} "
            f"and {fake.shape}; extract features first."
        )
    if min(len(real), len(fake)) < minimum:
        raise ValueError(
            f"Need at least {minimum} samples in each set, got {len(real)} and {len(fake)}."
        )


def kth_neighbour_radius(X: np.ndarray, k: int) -> np.ndarray:
    """Distance from each row of ``X`` to its ``k``-th nearest other row.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Samples; ``k`` must be below ``n_samples``.
    k : int
        Which neighbour; the sample itself is not counted.

    Returns
    -------
    radius : ndarray of shape (n_samples,)
    """
    distances, _ = NearestNeighbors(n_neighbors=k + 1).fit(X).kneighbors(X)
    return distances[:, k]  # column 0 is the sample itself


def kernel_distance(real: np.ndarray, fake: np.ndarray) -> float:
    """Kernel (KID-style) distance: the unbiased squared MMD, cubic polynomial kernel.

    Parameters
    ----------
    real, fake : ndarray of shape (n, d)
        Features of real and synthetic samples.

    Returns
    -------
    kid : float
        Unbiased estimate of MMD^2 with ``k(x, y) = (x.y / d + 1)^3``: its
        expectation is 0 when both sets come from one distribution, so it can
        be slightly negative.
    """
    check_feature_pair(real, fake)
    real, fake = np.asarray(real, dtype=np.float64), np.asarray(fake, dtype=np.float64)
    m, n = len(real), len(fake)
    k_rr, k_ff = polynomial_kernel(real, degree=3), polynomial_kernel(fake, degree=3)
    k_rf = polynomial_kernel(real, fake, degree=3)
    within_real = (k_rr.sum() - np.trace(k_rr)) / (m * (m - 1))
    within_fake = (k_ff.sum() - np.trace(k_ff)) / (n * (n - 1))
    return float(within_real + within_fake - 2 * k_rf.mean())
