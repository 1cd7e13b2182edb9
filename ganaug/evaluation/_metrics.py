"""Test-split scores of a downstream classifier, with the minority classes in focus."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.metrics import (
    average_precision_score,
    balanced_accuracy_score,
    precision_recall_fscore_support,
    roc_auc_score,
)

TUNED = "balanced_accuracy_tuned"
METRICS = (
    "balanced_accuracy",
    "auroc",
    "auprc",
    "minority_recall",
    "minority_precision",
    "minority_f1",
    TUNED,
)
"""The test-split metrics, in the order of the score tables. ``balanced_accuracy`` is
at the classifier's own decision rule (the most probable class);
``balanced_accuracy_tuned`` at the decision threshold that maximises balanced
accuracy on the validation split (two classes only; NaN otherwise), so a
classifier whose scores rank well but whose default threshold falls anywhere
(a CNN trained on duplicated minority samples) is not judged by that lottery."""


def classification_scores(
    y_true: np.ndarray,
    proba: np.ndarray,
    y_pred: np.ndarray,
    classes: Sequence,
    minority_classes: Sequence,
    y_pred_tuned: np.ndarray | None = None,
) -> dict[str, float]:
    """Score predictions with the metrics in :data:`METRICS`.

    Parameters
    ----------
    y_true : ndarray of shape (n_samples,)
        True labels.
    proba : ndarray of shape (n_samples, n_classes)
        Predicted class probabilities, columns in the order of ``classes``.
    y_pred : ndarray of shape (n_samples,)
        Predicted labels (after any decision threshold).
    classes : sequence
        All class labels, in the column order of ``proba``.
    minority_classes : sequence
        The classes that were over-sampled. AUPRC, recall, precision and F1
        are computed one-vs-rest for each and averaged over them.
    y_pred_tuned : ndarray of shape (n_samples,), optional
        Predicted labels at a decision threshold tuned on validation data,
        for ``balanced_accuracy_tuned`` (NaN without them).

    Returns
    -------
    scores : dict
        One float per name in :data:`METRICS`.
    """
    classes = list(classes)
    columns = [classes.index(c) for c in minority_classes]
    if len(classes) == 2:
        positive = columns[0]
        auroc = roc_auc_score(y_true == classes[positive], proba[:, positive])
    else:
        auroc = roc_auc_score(y_true, proba, multi_class="ovr", labels=classes)
    auprc = np.mean([average_precision_score(y_true == classes[c], proba[:, c]) for c in columns])
    precision, recall, f1, _ = precision_recall_fscore_support(
        y_true, y_pred, labels=list(minority_classes), zero_division=0.0
    )
    return {
        "balanced_accuracy": float(balanced_accuracy_score(y_true, y_pred)),
        "auroc": float(auroc),
        "auprc": float(auprc),
        "minority_recall": float(np.mean(recall)),
        "minority_precision": float(np.mean(precision)),
        "minority_f1": float(np.mean(f1)),
        TUNED: np.nan
        if y_pred_tuned is None
        else float(balanced_accuracy_score(y_true, y_pred_tuned)),
    }
