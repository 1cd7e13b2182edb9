"""Evaluation: does over-sampling help a downstream classifier, and are the samples sound?

:func:`evaluate_lift` runs the paired protocol and returns a
:class:`LiftReport`; the metric, fidelity and memorization functions are
public so they can be used on their own.
"""

from ..distances import kernel_distance
from ._cnn import CNNClassifier
from ._data import subsample_minority
from ._fidelity import (
    column_distances,
    correlation_difference,
    frechet_distance,
    inception_score,
    precision_recall_coverage,
)
from ._memorization import MemorizationCheck, check_memorization, distance_to_closest_record
from ._metrics import METRICS, classification_scores
from ._protocol import evaluate_lift
from ._results import LiftReport
from ._signature import change_correlation, signature_auroc
from ._stats import paired_lift, summarize

__all__ = [
    "METRICS",
    "CNNClassifier",
    "LiftReport",
    "MemorizationCheck",
    "change_correlation",
    "check_memorization",
    "classification_scores",
    "column_distances",
    "correlation_difference",
    "distance_to_closest_record",
    "evaluate_lift",
    "frechet_distance",
    "inception_score",
    "kernel_distance",
    "paired_lift",
    "precision_recall_coverage",
    "signature_auroc",
    "subsample_minority",
    "summarize",
]
