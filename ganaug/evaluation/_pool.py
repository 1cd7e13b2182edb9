"""The unlabelled pool of the protocol: per seed, a share of the training split whose
labels every method is denied; self-training around the downstream classifier; and
what each method did with the pool, which only the protocol can check.

A method is given the pool as rows labelled -1 (scikit-learn's mark of an
unlabelled sample), after the labelled rows. A model or resampler that labels
some of them says so in ``transduction_``, scikit-learn's name (as in
``SelfTrainingClassifier``): the label it gave each row it was fitted on, -1
for none.
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.model_selection import train_test_split
from sklearn.semi_supervised import SelfTrainingClassifier
from sklearn.utils.validation import check_is_fitted

from ..datasets._splits import grouped_split, take_rows
from ._data import concat_rows

UNLABELLED = -1
# The confidence a pseudo-label needs. The issue behind the pool (BreastMNIST pixels,
# logistic regression, 10 paired seeds) measured SelfTrainingClassifier at 0.9 and at
# sklearn's default 0.75: 0.75 lost three times as much AUROC against ROS.
SELF_TRAINING_THRESHOLD = 0.9
# Refits after the first fit, for a classifier that self-trains in rounds (the CNN).
PSEUDO_LABEL_ROUNDS = 2
# What the scores table holds per method and seed when there is a pool.
POOL_COLUMNS = ("pool_used", "pool_labelled", "pool_correct")


def split_pool(
    y: np.ndarray, share: float | None, seed: int, groups: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Rows that stay labelled, and a stratified ``share`` that becomes the pool.

    Parameters
    ----------
    y : ndarray of shape (n,)
        Training labels, to stratify by.
    share : float or None
        Share of the rows for the pool; None keeps every row labelled.
    seed : int
        Chooses the rows.
    groups : ndarray of shape (n,), optional
        Group of each row: whole groups go to one side.

    Returns
    -------
    labelled, pool : ndarray of int
        Sorted indices of the two sides.
    """
    rows = np.arange(len(y))
    if share is None:
        return rows, rows[:0]
    if groups is None:
        labelled, pool = train_test_split(rows, test_size=share, stratify=y, random_state=seed)
        return np.sort(labelled), np.sort(pool)
    # StratifiedGroupKFold holds out one fold of round(1 / size): the smaller side.
    if share <= 0.5:
        labelled, pool = grouped_split(y, groups, share, seed)
    else:
        pool, labelled = grouped_split(y, groups, 1 - share, seed)
    return np.sort(labelled), np.sort(pool)


def check_pool_labels(y: np.ndarray) -> None:
    """Refuse labels that cannot sit beside -1, the mark of an unlabelled row."""
    if y.dtype.kind not in "iuf":
        raise ValueError(
            "An unlabelled pool needs numeric class labels: its rows are passed on labelled "
            "-1, scikit-learn's mark of an unlabelled sample, which text labels cannot sit "
            "beside. Encode the labels as integers (e.g. sklearn's LabelEncoder)."
        )
    if np.any(y == UNLABELLED):
        raise ValueError(
            "The labels hold the class -1, which marks an unlabelled row once there is an "
            "unlabelled pool; renumber the classes (e.g. sklearn's LabelEncoder)."
        )


def with_pool(X, y: np.ndarray, X_pool) -> tuple[Any, np.ndarray]:
    """The labelled rows, then the pool's, labelled -1."""
    if not len(X_pool):
        return X, y
    return concat_rows([X, X_pool]), np.concatenate([y, np.full(len(X_pool), UNLABELLED)])


def self_training(model) -> Any:
    """``model`` wrapped to self-train on rows labelled -1: in rounds that keep its
    validation split when its fit takes one (the CNN), else scikit-learn's
    ``SelfTrainingClassifier``."""
    if "X_val" in inspect.signature(model.fit).parameters:
        return PseudoLabelling(model)
    return SelfTrainingClassifier(model, threshold=SELF_TRAINING_THRESHOLD)


class PseudoLabelling(ClassifierMixin, BaseEstimator):
    """Self-training in rounds, for a classifier whose fit takes a validation split.

    Fit on the labelled rows; then, ``n_rounds`` times, predict the rows
    labelled -1 still without a label, give those predicted with probability
    at least ``threshold`` the predicted class, and refit a fresh copy on
    the labelled rows and all labels given so far. ``SelfTrainingClassifier``
    does the same, but refits up to ten times and drops the validation split
    that the CNN selects its checkpoint on.

    Parameters
    ----------
    estimator : classifier
        Has ``fit(X, y, X_val=None, y_val=None)`` and ``predict_proba``.
    threshold : float, default=SELF_TRAINING_THRESHOLD
        Probability a pseudo-label needs.
    n_rounds : int, default=PSEUDO_LABEL_ROUNDS
        Refits after the first fit, at most.

    Attributes
    ----------
    estimator_ : classifier
        The last fit.
    classes_ : ndarray
        Its classes.
    transduction_ : ndarray of shape (n_samples,)
        The label of every row fitted on: given, pseudo, or -1 for none.
    """

    def __init__(self, estimator, threshold=SELF_TRAINING_THRESHOLD, n_rounds=PSEUDO_LABEL_ROUNDS):
        self.estimator = estimator
        self.threshold = threshold
        self.n_rounds = n_rounds

    def fit(self, X, y, X_val=None, y_val=None) -> PseudoLabelling:
        """Fit on the labelled rows of ``X, y``, then self-train on the others.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Rows.
        y : array-like of shape (n_samples,)
            Labels; -1 for an unlabelled row.
        X_val, y_val : array-like, optional
            Passed on to every fit.

        Returns
        -------
        self : PseudoLabelling
        """
        labels = np.asarray(y).copy()
        for round_ in range(self.n_rounds + 1):
            known = np.flatnonzero(labels != UNLABELLED)
            model = clone(self.estimator).fit(
                take_rows(X, known), labels[known], X_val=X_val, y_val=y_val
            )
            rest = np.flatnonzero(labels == UNLABELLED)
            if round_ == self.n_rounds or not len(rest):
                break
            proba = model.predict_proba(take_rows(X, rest))
            confident = proba.max(axis=1) >= self.threshold
            if not confident.any():
                break
            labels[rest[confident]] = model.classes_[proba.argmax(axis=1)[confident]]
        self.estimator_, self.classes_, self.transduction_ = model, model.classes_, labels
        return self

    def predict_proba(self, X) -> np.ndarray:
        """The last fit's class probabilities.

        Parameters
        ----------
        X : array-like
            Rows.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict_proba(X)

    def predict(self, X) -> np.ndarray:
        """The last fit's classes.

        Parameters
        ----------
        X : array-like
            Rows.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


def pool_counts(fitted: Any, n_pool: int, y_hidden: np.ndarray | None) -> dict[str, float]:
    """What a method did with the pool: rows it was given, rows it gave a label,
    and how many of those labels were right.

    Parameters
    ----------
    fitted : object or None
        The fitted model or resampler; its ``transduction_`` (when it has
        one) labels the rows it was fitted on, the pool's last.
    n_pool : int
        Pool rows the method was given (0 for a method without the pool).
    y_hidden : ndarray or None
        The hidden labels of the pool's first rows (those split off the
        training split); rows given without labels come after them.

    Returns
    -------
    counts : dict
        ``pool_used``, ``pool_labelled`` and ``pool_correct`` (among the
        rows whose hidden label the protocol knows).
    """
    given = getattr(fitted, "transduction_", None)
    if given is None:  # a tuned threshold around the self-trained model
        given = getattr(getattr(fitted, "estimator", None), "transduction_", None)
    if not n_pool or given is None:
        return dict.fromkeys(POOL_COLUMNS, 0) | {"pool_used": n_pool}
    given = np.asarray(given)[-n_pool:]
    labelled = given != UNLABELLED
    known = np.zeros(n_pool, dtype=bool)
    hidden = np.full(n_pool, UNLABELLED)
    if y_hidden is not None:
        known[: len(y_hidden)], hidden[: len(y_hidden)] = True, y_hidden
    return {
        "pool_used": n_pool,
        "pool_labelled": int(labelled.sum()),
        "pool_correct": int((labelled & known & (given == hidden)).sum()),
    }
