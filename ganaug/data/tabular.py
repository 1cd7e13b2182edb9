"""Tabular rows <-> generator space: quantile-normalised numbers, one-hot categories."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.preprocessing import QuantileTransformer
from sklearn.utils.validation import check_is_fitted

from ._range import check_value_range

CONTINUOUS, CATEGORICAL = "continuous", "categorical"


def _is_numeric_column(values: np.ndarray) -> bool:
    if values.dtype.kind in "biuf":
        return True
    try:
        values.astype(np.float64)
    except (TypeError, ValueError):
        return False
    return not any(isinstance(v, (str, bytes, bool, np.bool_)) for v in values)


def categorical_mask(X: Any, categorical_features: Any) -> np.ndarray:
    """Decide which columns of ``X`` are categorical.

    Parameters
    ----------
    X : array-like or pandas.DataFrame of shape (n_samples, n_features)
        The data as the user gave it.
    categorical_features : "auto", None, array-like of int, str or bool
        ``"auto"`` (or None): in a DataFrame, columns whose dtype is not
        numeric (category, object, string, bool); in an array, columns holding
        non-numeric values. Otherwise column indices, column names (DataFrame
        only) or a boolean mask, as in imblearn's ``SMOTENC``.

    Returns
    -------
    mask : ndarray of bool, shape (n_features,)
    """
    n_features = X.shape[1]
    if categorical_features is None or (
        isinstance(categorical_features, str) and categorical_features == "auto"
    ):
        if isinstance(X, pd.DataFrame):
            return np.array(
                [
                    not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)
                    for dtype in X.dtypes
                ]
            )
        array = np.asarray(X)
        if array.dtype.kind != "O":
            return np.zeros(n_features, dtype=bool)
        return np.array([not _is_numeric_column(array[:, j]) for j in range(n_features)])

    selection = np.asarray(categorical_features)
    if selection.dtype.kind == "b":
        if selection.shape != (n_features,):
            raise ValueError(
                f"categorical_features as a boolean mask must have one entry per "
                f"feature ({n_features}), got shape {selection.shape}."
            )
        return selection.copy()
    mask = np.zeros(n_features, dtype=bool)
    if selection.dtype.kind in "OUS":
        if not isinstance(X, pd.DataFrame):
            raise ValueError(
                "categorical_features names columns, which needs X to be a pandas "
                "DataFrame; pass column indices for arrays."
            )
        unknown = sorted(set(selection.tolist()) - set(map(str, X.columns)))
        if unknown:
            raise ValueError(
                f"categorical_features names columns that X does not have: {unknown}."
            )
        columns = [str(c) for c in X.columns]
        mask[[columns.index(name) for name in selection.tolist()]] = True
        return mask
    if selection.dtype.kind not in "iu":
        raise TypeError(
            "categorical_features must be 'auto', column indices, column names or "
            f"a boolean mask; got values of dtype {selection.dtype}."
        )
    if selection.size and (selection.min() < -n_features or selection.max() >= n_features):
        raise ValueError(
            f"categorical_features holds indices outside [0, {n_features}): {selection.tolist()}."
        )
    mask[selection] = True
    return mask


def _sorted_categories(values: np.ndarray) -> list:
    uniques = pd.unique(values)
    try:
        return sorted(uniques.tolist())
    except TypeError:  # mixed types, e.g. str and int
        return sorted(uniques.tolist(), key=repr)


class TabularEncoder(TransformerMixin, BaseEstimator):
    """Encode table rows for a generator, and decode generated rows back.

    Continuous columns are mapped to a standard normal through their empirical
    quantiles (``QuantileTransformer``), which handles skewed and multi-modal
    columns (the reason CTGAN uses mode-specific normalisation) in a few
    milliseconds per column, and bounds decoded values to the observed range.
    Columns whose values are all whole numbers are rounded when decoded.
    Categorical columns are one-hot encoded; decoding takes the most likely
    category, so every decoded value is a category seen in training.

    Parameters
    ----------
    categorical : array-like of bool, default=None
        Which columns are categorical; None means none.
    n_quantiles : int, default=1000
        Upper bound on the number of quantiles kept per continuous column.

    Attributes
    ----------
    n_features_in_ : int
        Number of columns.
    categories_ : list of list
        The categories of each categorical column, in encoding order.
    output_spans_ : list of tuple of (str, int)
        ``("continuous", 1)`` or ``("categorical", n_categories)`` per column,
        in output order: the generator's head applies one activation per span.
    quantile_transformer_ : QuantileTransformer or None
        The fitted transformer of the continuous columns (None if there are none).
    integral_ : ndarray of bool
        Continuous columns holding whole numbers only, rounded on decoding.
    dtype_ : numpy.dtype
        The dtype of the fitted array, restored on decoding.
    """

    def __init__(self, categorical: Any = None, n_quantiles: int = 1000) -> None:
        self.categorical = categorical
        self.n_quantiles = n_quantiles

    def _mask(self) -> np.ndarray:
        if self.categorical is None:
            return np.zeros(self.n_features_in_, dtype=bool)
        return np.asarray(self.categorical, dtype=bool)

    def fit(self, X: np.ndarray, y: Any = None) -> TabularEncoder:
        """Learn quantiles and categories from ``X``.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_features)
            Numeric or object array without missing values.
        y : None
            Ignored.

        Returns
        -------
        self : TabularEncoder
        """
        X = np.asarray(X)
        self.n_features_in_ = X.shape[1]
        self.dtype_ = X.dtype
        mask = self._mask()
        self.categories_ = [_sorted_categories(X[:, j]) for j in np.flatnonzero(mask)]
        continuous = X[:, ~mask].astype(np.float64)
        for j, column in zip(np.flatnonzero(~mask), continuous.T, strict=True):
            if len(column):
                check_value_range(column.min(), column.max(), f"X's column {j}")
        self.integral_ = np.all(np.equal(np.mod(continuous, 1), 0), axis=0)
        self.quantile_transformer_ = None
        if continuous.shape[1]:
            self.quantile_transformer_ = QuantileTransformer(
                n_quantiles=min(self.n_quantiles, X.shape[0]),
                output_distribution="normal",
                subsample=None,
            ).fit(continuous)
        spans = []
        categories = iter(self.categories_)
        for is_categorical in mask:
            if is_categorical:
                spans.append((CATEGORICAL, len(next(categories))))
            else:
                spans.append((CONTINUOUS, 1))
        self.output_spans_ = spans
        return self

    def continuous_outputs(self) -> np.ndarray:
        """Which encoded columns hold continuous values (the others are one-hot codes).

        Returns
        -------
        mask : ndarray of bool of shape (sum of span widths,)
        """
        check_is_fitted(self)
        kinds, widths = zip(*self.output_spans_, strict=True)
        return np.repeat(np.array(kinds) == CONTINUOUS, widths)

    def transform(self, X: np.ndarray) -> np.ndarray:
        """Encode rows into float32 generator space.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_features)

        Returns
        -------
        Z : ndarray of float32, shape (n_samples, sum of span widths)
        """
        check_is_fitted(self)
        X = np.asarray(X)
        mask = self._mask()
        continuous = (
            self.quantile_transformer_.transform(X[:, ~mask].astype(np.float64))
            if self.quantile_transformer_ is not None
            else None
        )
        blocks, i_cont, i_cat = [], 0, 0
        for j, (kind, width) in enumerate(self.output_spans_):
            if kind == CONTINUOUS:
                blocks.append(continuous[:, i_cont : i_cont + 1])
                i_cont += 1
            else:
                lookup = {c: k for k, c in enumerate(self.categories_[i_cat])}
                codes = np.array([lookup[v] for v in X[:, j]])
                blocks.append(np.eye(width)[codes])
                i_cat += 1
        return np.hstack(blocks).astype(np.float32)

    def inverse_transform(self, Z: np.ndarray) -> np.ndarray:
        """Decode generator output into rows with valid values.

        Parameters
        ----------
        Z : ndarray of shape (n_samples, sum of span widths)

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
            Of the dtype seen in :meth:`fit`.
        """
        check_is_fitted(self)
        Z = np.asarray(Z, dtype=np.float64)
        mask = self._mask()
        n = Z.shape[0]
        out = np.empty((n, self.n_features_in_), dtype=object if mask.any() else np.float64)
        starts = np.cumsum([0] + [w for _, w in self.output_spans_])
        cont_columns = np.flatnonzero(~mask)
        if cont_columns.size:
            values = self.quantile_transformer_.inverse_transform(Z[:, starts[cont_columns]])
            values[:, self.integral_] = np.round(values[:, self.integral_])
            for k, j in enumerate(cont_columns):
                out[:, j] = values[:, k]
        for categories, j in zip(self.categories_, np.flatnonzero(mask), strict=True):
            codes = Z[:, starts[j] : starts[j + 1]].argmax(axis=1)
            out[:, j] = np.asarray(categories, dtype=object)[codes]
        return out.astype(self.dtype_, copy=False)

    def to_state(self) -> dict:
        """Fitted state as plain lists and numbers (loadable with ``weights_only``)."""
        check_is_fitted(self)
        qt = self.quantile_transformer_
        return {
            "categorical": self._mask().tolist(),
            "n_quantiles": self.n_quantiles,
            "n_features_in": self.n_features_in_,
            "dtype": self.dtype_.str,
            "categories": [list(c) for c in self.categories_],
            "integral": self.integral_.tolist(),
            "quantiles": None if qt is None else qt.quantiles_.tolist(),
            "references": None if qt is None else qt.references_.tolist(),
            "output_spans": [list(span) for span in self.output_spans_],
        }

    @classmethod
    def from_state(cls, state: dict) -> TabularEncoder:
        """Rebuild a fitted encoder from :meth:`to_state`'s output."""
        encoder = cls(categorical=state["categorical"], n_quantiles=state["n_quantiles"])
        encoder.n_features_in_ = state["n_features_in"]
        encoder.dtype_ = np.dtype(state["dtype"])
        encoder.categories_ = [list(c) for c in state["categories"]]
        encoder.integral_ = np.asarray(state["integral"], dtype=bool)
        encoder.output_spans_ = [tuple(span) for span in state["output_spans"]]
        encoder.quantile_transformer_ = None
        if state["quantiles"] is not None:
            quantiles = np.asarray(state["quantiles"], dtype=np.float64)
            qt = QuantileTransformer(n_quantiles=quantiles.shape[0], output_distribution="normal")
            qt.quantiles_ = quantiles
            qt.references_ = np.asarray(state["references"], dtype=np.float64)
            qt.n_quantiles_ = quantiles.shape[0]
            qt.n_features_in_ = quantiles.shape[1]
            encoder.quantile_transformer_ = qt
        return encoder
