"""Does a sampler leave a signature? Measures of what marks samples as synthetic."""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

# Folds of the real-against-synthetic classifier, and most samples per side.
SIGNATURE_FOLDS = 3
SIGNATURE_SAMPLES = 500


def change_correlation(changes: np.ndarray) -> float:
    """Mean pairwise correlation of the changes samples made to their sources.

    Parameters
    ----------
    changes : ndarray of shape (n, d)
        Per sample, the sample minus the real sample it was made from.

    Returns
    -------
    correlation : float
        Near 1 when one pattern is stamped on every source (a fingerprint
        the classifier can learn instead of the class); near 0 when every
        change is the source's own. NaN for fewer than two samples.
    """
    changes = np.asarray(changes, dtype=np.float64)
    varying = changes.std(axis=1) > 0
    if varying.sum() < 2:
        return float("nan")
    correlations = np.corrcoef(changes[varying])
    return float(correlations[np.triu_indices(len(correlations), 1)].mean())


def signature_auroc(synthetic: np.ndarray, real: np.ndarray, seed: int = 0) -> float:
    """How well a linear classifier tells synthetic samples from real ones of a class.

    Cross-validated AUROC of a standardised logistic regression, with as many
    samples of each side (at most 500, drawn at random).

    Parameters
    ----------
    synthetic, real : ndarray of shape (n, d)
        Samples of one class, flattened, on the same scale.
    seed : int, default=0
        Draws the samples and the folds.

    Returns
    -------
    auroc : float
        About 0.5 when nothing in the samples marks them as synthetic; near 1
        when something does, which a classifier trained on them can learn as
        a cue to the class. NaN with fewer than 3 samples on a side.
    """
    n = min(len(synthetic), len(real), SIGNATURE_SAMPLES)
    if n < SIGNATURE_FOLDS:
        return float("nan")
    rng = np.random.RandomState(seed)
    X = np.concatenate(
        [
            np.asarray(synthetic, dtype=np.float64)[rng.choice(len(synthetic), n, replace=False)],
            np.asarray(real, dtype=np.float64)[rng.choice(len(real), n, replace=False)],
        ]
    )
    y = np.r_[np.ones(n), np.zeros(n)]
    model = make_pipeline(StandardScaler(), LogisticRegression(C=0.01, max_iter=2000))
    folds = StratifiedKFold(SIGNATURE_FOLDS, shuffle=True, random_state=seed)
    return float(cross_val_score(model, X, y, cv=folds, scoring="roc_auc").mean())
