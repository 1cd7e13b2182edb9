"""Classifier choice: the downstream classifier and its settings grid, and fitting it
for one method and seed with the settings that score best on the validation split."""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.compose import make_column_transformer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import ParameterGrid, TunedThresholdClassifierCV
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from ._cnn import CNNClassifier
from ._data import PreparedData
from ._methods import Method
from ._pool import self_training, with_pool

# The logistic regression's C values, one chosen per fit on the validation split (AUROC).
# Pixels need the strongest regularization: on BreastMNIST's 784 pixels at 1:10 (3 seeds,
# none and ROS) C = 0.001 won 4 of 6 fits, and without it ROS's mean AUROC fell from
# 0.785 to 0.763. A standardized table does not: on breast-cancer's 30 columns at 1:10
# (10 seeds, 6 methods) C = 0.001 won 4 of 60 fits and raised no method's mean AUROC, so
# evaluate_lift's default for tables keeps its documented grid, without it.
LOGISTIC_C = (0.001, 0.01, 0.1, 1.0)
TABLE_LOGISTIC_C = LOGISTIC_C[1:]


def logistic_pipeline(
    categorical: Sequence | None = None,
    *,
    standardize: bool = True,
    C: Sequence[float] = LOGISTIC_C,
) -> tuple[Any, dict[str, list[float]]]:
    """A logistic regression behind its encoding, and the grid of ``C`` to choose from.

    Parameters
    ----------
    categorical : sequence, optional
        Categorical columns of a table: one-hot encoded (unknown categories
        ignored), the other columns standardized or passed through.
    standardize : bool, default=True
        Standardize the numeric columns first (False for rows that already
        are, as the protocol's numeric tables).
    C : sequence of float, default=LOGISTIC_C
        Inverse regularization strengths to choose from.

    Returns
    -------
    classifier : estimator
        ``LogisticRegression(max_iter=5000)``, in a pipeline when anything
        comes before it.
    param_grid : dict
        ``C`` under the name the classifier's ``set_params`` takes.
    """
    model = LogisticRegression(max_iter=5000)
    numeric = StandardScaler() if standardize else "passthrough"
    if categorical:
        columns = make_column_transformer(
            (OneHotEncoder(handle_unknown="ignore"), list(categorical)), remainder=numeric
        )
        model = make_pipeline(columns, model)
    elif standardize:
        model = make_pipeline(numeric, model)
    key = "logisticregression__C" if isinstance(model, Pipeline) else "C"
    return model, {key: list(C)}


def choose_classifier(
    classifier: Any, param_grid: dict | list | None, data: PreparedData, device: str
) -> tuple[Any, dict | list | None]:
    """The downstream classifier and its grid: for ``"auto"``, a CNN for images and
    volumes (no grid: it picks its checkpoint on the validation split) and a logistic
    regression for tables; a CNN given without ``image_shape`` gets the data's."""
    if isinstance(classifier, str) and classifier == "auto":
        if data.sample_shape is not None:
            cnn = CNNClassifier(
                image_shape=data.sample_shape, spatial_dims=data.spatial_dims, device=device
            )
            return cnn, {} if param_grid is None else param_grid
        # Numeric tables come standardized, categorical ones as they are.
        logistic, grid = logistic_pipeline(
            data.categorical, standardize=bool(data.categorical), C=TABLE_LOGISTIC_C
        )
        return logistic, grid if param_grid is None else param_grid
    if data.sample_shape is not None and classifier.get_params().get("image_shape", 0) is None:
        classifier = clone(classifier).set_params(
            image_shape=data.sample_shape, spatial_dims=data.spatial_dims
        )
    return classifier, param_grid


def _set_matching(estimator, suffix: str, value) -> list[str]:
    keys = [k for k in estimator.get_params() if k == suffix or k.endswith(f"__{suffix}")]
    if keys:
        estimator.set_params(**dict.fromkeys(keys, value))
    return keys


def _validation_auroc(model, X_val, y_val) -> float:
    proba = model.predict_proba(X_val)
    if len(model.classes_) == 2:
        return roc_auc_score(y_val == model.classes_[1], proba[:, 1])
    return roc_auc_score(y_val, proba, multi_class="ovr", labels=model.classes_)


def fit_classifier(base, grid, X, y, data: PreparedData, method: Method, seed: int, X_pool=None):
    """Fit one classifier per grid point on (X, y); keep the best on validation.

    A self-training method wraps each (see :func:`~._pool.self_training`) and
    fits it on ``X, y`` followed by the pool ``X_pool``, labelled -1.
    """
    best, best_score = None, -np.inf
    if method.self_training:
        X, y = with_pool(X, y, X_pool)
    for params in ParameterGrid(grid or [{}]):
        model = clone(base).set_params(**params)
        if method.self_training:
            model = self_training(model)
        _set_matching(model, "random_state", seed)
        if method.class_weight and not _set_matching(model, "class_weight", "balanced"):
            raise ValueError(
                f"Method {method.name!r} needs class weights but the classifier "
                f"{type(model).__name__} has no class_weight parameter; use a classifier "
                "that has one or drop the class-weight methods."
            )
        fit_params = {}
        if "X_val" in inspect.signature(model.fit).parameters:
            fit_params = {"X_val": data.X_val, "y_val": data.y_val}
        model.fit(X, y, **fit_params)
        score = _validation_auroc(model, data.X_val, data.y_val) if len(grid or {}) else 0.0
        if score > best_score:
            best, best_score = model, score
    if method.threshold:
        if len(best.classes_) != 2:
            raise ValueError(
                f"Method {method.name!r} tunes a decision threshold, which needs two "
                "classes; drop the threshold methods for multi-class data."
            )
        best = _tuned_threshold(best, data)
    return best


def _tuned_threshold(model, data: PreparedData) -> TunedThresholdClassifierCV:
    """The fitted two-class ``model`` at the decision threshold that maximises balanced
    accuracy on the validation split (the model itself is not refitted)."""
    return TunedThresholdClassifierCV(
        model, scoring="balanced_accuracy", cv="prefit", refit=False
    ).fit(data.X_val, data.y_val)


def tuned_predictions(model, data: PreparedData, method: Method) -> np.ndarray | None:
    """Test-split predictions of a fitted classifier at the decision threshold tuned for
    balanced accuracy on the validation split (never the test split): every method's
    ``balanced_accuracy_tuned``. None for more than two classes."""
    if len(model.classes_) != 2:
        return None
    if method.threshold:
        return model.predict(data.X_test)
    try:
        return _tuned_threshold(model, data).predict(data.X_test)
    except ValueError as error:
        if "constant predictions" not in str(error):
            raise
        # Every validation score is the same (a saturated CNN): no threshold separates
        # them, so the classifier's own predictions are the tuned ones.
        return model.predict(data.X_test)
