"""Which synthetic samples to return, and how: inside the real class's k-NN manifold,
with the real class's per-feature mean and spread."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import pairwise_distances_chunked

from ..distances import kth_neighbour_radius

# Neighbours that set each real sample's ball, as in Kynkäänniemi et al. (2019).
MANIFOLD_NEIGHBOURS = 3


def inside_real_manifold(
    candidates: np.ndarray, real: np.ndarray, k: int = MANIFOLD_NEIGHBOURS
) -> np.ndarray:
    """Whether each candidate lies inside the k-NN manifold of the real samples.

    The manifold is the union of balls around the real samples, each with the
    radius of its distance to its k-th nearest real neighbour (the support
    estimate behind "improved precision", Kynkäänniemi et al. 2019). A
    candidate outside every ball is farther from the real class than the real
    samples are from one another: an implausible sample.

    Parameters
    ----------
    candidates : ndarray of shape (n_candidates, n_features)
        Synthetic samples, in the space the distances are measured in.
    real : ndarray of shape (n_real, n_features)
        Real samples of the same class, in the same space.
    k : int, default=3
        Neighbour that sets each ball's radius; capped at ``n_real - 1``.

    Returns
    -------
    inside : ndarray of bool of shape (n_candidates,)
        True for candidates inside at least one ball. All True when there are
        fewer than two real samples, since no radius can be estimated.
    """
    k = min(k, len(real) - 1)
    if k < 1:
        return np.ones(len(candidates), dtype=bool)
    radii = kth_neighbour_radius(real, k)
    chunks = pairwise_distances_chunked(
        candidates, real, reduce_func=lambda block, start: (block <= radii).any(axis=1)
    )
    return np.concatenate(list(chunks)) if len(candidates) else np.zeros(0, dtype=bool)


def match_moments(samples: np.ndarray, real: np.ndarray, columns: np.ndarray | None = None):
    """Shift and scale samples so each column's mean and standard deviation are real's.

    Per column, ``(samples - mean) * (real_std / std) + real_mean``. Columns
    where the samples do not vary are only shifted. The samples keep their
    ranking along every column; only their location and spread change.

    Parameters
    ----------
    samples : ndarray of shape (n_samples, n_features)
        Synthetic samples, in the space the moments are matched in.
    real : ndarray of shape (n_real, n_features)
        Real samples of the same class, in the same space.
    columns : ndarray of bool of shape (n_features,), default=None
        Which columns to match (e.g. not one-hot codes); None matches all.

    Returns
    -------
    matched : ndarray of shape (n_samples, n_features)
        A new array of ``samples``' dtype. ``samples`` itself when either set
        has fewer than two rows, since no spread can be estimated.
    """
    if len(samples) < 2 or len(real) < 2:
        return samples
    columns = np.ones(samples.shape[1], dtype=bool) if columns is None else columns
    fake, true = samples[:, columns].astype(np.float64), real[:, columns].astype(np.float64)
    spread = fake.std(axis=0)
    scale = np.divide(true.std(axis=0), spread, out=np.ones_like(spread), where=spread > 1e-8)
    matched = samples.copy()
    matched[:, columns] = (fake - fake.mean(axis=0)) * scale + true.mean(axis=0)
    return matched
