"""What every ganaug over-sampler shares: its input checks, and how the returned
rows are assembled.

A ganaug sampler makes *synthetic* rows (generator samples, augmented or
translated copies) and tops classes up with *duplicates* of real rows, as
``RandomOverSampler`` does. :class:`SyntheticOversampler` does the
bookkeeping once: the originals first, then per class of
``sampling_strategy_`` its new rows, then, with ``balance_synthetic``, the
same share of synthetic rows in every class. A subclass says how to fit
(:meth:`~SyntheticOversampler._fit_synthesis`) and how to make synthetic rows
of one class (:meth:`~SyntheticOversampler._synthetic_rows`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd
from imblearn.over_sampling.base import BaseOverSampler
from imblearn.utils import check_target_type
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_consistent_length, validate_data

from ..utils._validation import (
    ClassSizes,
    check_finite_samples,
    check_images,
    check_new_values,
    check_not_sparse,
    check_tabular,
)

# balance_synthetic's bound: a hundred synthetic samples per sample, where the
# benchmarks use one; more only allocates.
MAX_BALANCE = 100.0

# The parameters every ganaug sampler has, for imblearn's ``Substitution``
# through ``parameter_docs``; each sampler fills in the ``{placeholders}``.
_SYNTHETIC_PARAMETERS = """\
balance_synthetic : float or None, default={balance_default}
        Signature balancing. None: only the classes that ``sampling_strategy``
        over-samples receive synthetic samples:
        {unbalanced}
        A float ``s > 0``: the classes are first brought to the counts
        ``sampling_strategy`` asks for with duplicates of real samples (as
        ``RandomOverSampler`` does); then *every* class, the majority
        included, receives ``round(s * n)`` synthetic samples, where ``n`` is
        its count after that step. Each class then holds the same share of
        synthetic samples, so whatever marks a sample as synthetic (a
        generator's texture, an augmentation's borders) is no cue to its
        class. Every class ends with about ``(1 + s)`` times the count
        ``sampling_strategy`` gives it.
        {balanced}

image_shape : tuple of int, default=None
        Shape of one sample when ``X`` holds flat rows of images, e.g.
        ``(28, 28)`` or ``(1, 28, 28, 28)``; None for ``X`` that already has
        image axes{and_tables}.

spatial_dims : {{2, 3}} or None, default=None
        Spatial axes of a sample. None guesses: ``(A, H, W)`` is a channel-first
        image when ``A <= 4``, else a volume.
"""


class SyntheticOversampler(BaseOverSampler):
    """Base of ganaug's over-samplers: input checks; originals, duplicates and synthetic rows.

    Subclasses set ``balance_synthetic``, ``image_shape`` and ``spatial_dims``
    and implement :meth:`_fit_synthesis`, :meth:`_synthetic_rows` and
    :meth:`_unbalanced_share`; one that also takes tables sets
    ``_takes_tables`` and has ``categorical_features``.
    """

    _parameter_constraints: dict = {
        **BaseOverSampler._parameter_constraints,
        # imblearn's, with a dict's class sizes bounded (utils._validation.MAX_SAMPLES)
        "sampling_strategy": [
            ClassSizes() if constraint is Mapping else constraint
            for constraint in BaseOverSampler._parameter_constraints["sampling_strategy"]
        ],
        "balance_synthetic": [Interval(Real, 0, MAX_BALANCE, closed="right"), None],
        "image_shape": [tuple, list, None],
        "spatial_dims": [Interval(Integral, 2, 3, closed="both"), None],
    }
    _parameters_docstring = _SYNTHETIC_PARAMETERS
    # Whether X may be a table (a 2-D array or a DataFrame) besides images and volumes.
    _takes_tables = False

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.three_d_array = True
        if self._takes_tables:
            tags.input_tags.string = True
            tags.input_tags.categorical = True
            tags.input_tags.allow_nan = False
        return tags

    # -- input checks (imblearn's fit_resample calls _check_X_y) ---------------
    def _is_image_input(self, X: Any) -> bool:
        return not isinstance(X, pd.DataFrame) and (self.image_shape is not None or np.ndim(X) > 2)

    def _check_X_y(self, X, y):
        check_not_sparse(X)
        if not self._takes_tables and (
            isinstance(X, pd.DataFrame) or (np.ndim(X) == 2 and self.image_shape is None)
        ):
            raise ValueError(
                f"{type(self).__name__} takes images or volumes, but X is a table "
                "(2 axes); pass images (n, [C,] H, W), volumes (n, [C,] D, H, W), or flat "
                "rows with image_shape. For tables, use RandomOverSampler or GANOversampler."
            )
        y, binarize_y = check_target_type(y, indicate_one_vs_all=True)
        if isinstance(X, pd.DataFrame):
            self.feature_dtypes_ = X.dtypes.copy()
        elif hasattr(self, "feature_dtypes_"):  # left by an earlier fit on a DataFrame
            del self.feature_dtypes_
        X_checked, self.sample_shape_, categorical = self._check_samples(X)
        if self._takes_tables:
            self.categorical_features_ = categorical
        # Records n_features_in_ and feature_names_in_ the sklearn way.
        validate_data(
            self,
            X=X if isinstance(X, pd.DataFrame) else X_checked,
            reset=True,
            skip_check_array=True,
        )
        self.n_features_in_ = math.prod(self.sample_shape_)
        y = np.asarray(y)
        check_consistent_length(X_checked, y)
        return X_checked, y, binarize_y

    def _check_samples(self, X) -> tuple[np.ndarray, tuple[int, ...], np.ndarray]:
        """Images or a table, checked; with one sample's shape and the categorical columns."""
        if not self._takes_tables or self._is_image_input(X):
            X_checked, shape = check_images(X, self.image_shape, self.spatial_dims)
            return X_checked, shape, np.array([], dtype=int)
        X_checked, mask = check_tabular(X, self.categorical_features)
        return X_checked, (X_checked.shape[1],), np.flatnonzero(mask)

    def _fit_synthesis(self, X: np.ndarray, y: np.ndarray, rng: np.random.RandomState) -> None:
        """Fit what makes synthetic rows (a generator, an augmentation) on checked X, y."""
        raise NotImplementedError

    def _synthetic_rows(
        self, X: np.ndarray, y: np.ndarray, cls: Any, n_samples: int, rng
    ) -> tuple[np.ndarray, np.ndarray]:
        """At most ``n_samples`` synthetic rows of ``cls``, and the row each derives from.

        Returns the rows (``X[:0]`` when none) and, per row, the index of the
        input row it was made from, or -1 when it comes from noise alone.
        Fewer rows than asked mean the rest are to be duplicates.
        """
        raise NotImplementedError

    def _unbalanced_share(self) -> float:
        """Share of ``sampling_strategy``'s new rows that are synthetic, when not balanced."""
        raise NotImplementedError

    def _fit_resample(self, X, y):
        rng = check_random_state(self.random_state)
        self._balancing_rows(y)  # refuses too many new rows before any fitting
        self._fit_synthesis(X, y, rng)
        return self._resample(X, y, rng)

    def _balancing_rows(self, y: np.ndarray) -> dict:
        """The synthetic rows ``balance_synthetic`` adds per class (none when None),
        after checking that all the new rows fit in one call's bound."""
        counts = Counter(y.tolist())
        for cls, n_samples in self.sampling_strategy_.items():
            counts[cls] += n_samples
        extra = {}
        if self.balance_synthetic is not None:
            extra = {cls: round(self.balance_synthetic * n) for cls, n in counts.items()}
        n_new = sum(self.sampling_strategy_.values()) + sum(extra.values())
        check_new_values(n_new, self.n_features_in_, "ask for fewer (sampling_strategy).")
        return extra

    def _resample(self, X: np.ndarray, y: np.ndarray, rng) -> tuple[np.ndarray, np.ndarray]:
        """The originals, then the new rows; sets ``source_indices_``, ``synthetic_mask_``."""
        share = 0.0 if self.balance_synthetic is not None else self._unbalanced_share()
        extra = self._balancing_rows(y)
        parts = [(X, y, np.arange(len(y)), np.zeros(len(y), dtype=bool))]
        for cls, n_samples in self.sampling_strategy_.items():
            if n_samples:
                parts.append(self._class_rows(X, y, cls, n_samples, share, rng))
        for cls in np.unique(y):
            if extra.get(cls):
                parts.append(self._class_rows(X, y, cls, extra[cls], 1.0, rng))
        X_parts, y_parts, sources, synthetic = zip(*parts, strict=True)
        self.source_indices_ = np.concatenate(sources)
        self.synthetic_mask_ = np.concatenate(synthetic)
        return np.concatenate(X_parts), np.concatenate(y_parts)

    def _class_rows(self, X, y, cls, n_samples: int, share: float, rng):
        """``n_samples`` new rows of ``cls``: ``share`` of them synthetic, then duplicates."""
        members = np.flatnonzero(y == cls)
        n_synthetic = round(share * n_samples)
        synthetic, derived_from = X[:0], np.zeros(0, dtype=int)
        if n_synthetic:
            synthetic, derived_from = self._synthetic_rows(X, y, cls, n_synthetic, rng)
            check_finite_samples(synthetic, type(self).__name__)
        duplicates = rng.choice(members, n_samples - len(synthetic))
        return (
            np.concatenate([synthetic, X[duplicates]]),
            np.full(n_samples, cls, dtype=y.dtype),
            np.concatenate([derived_from, duplicates]),
            np.arange(n_samples) < len(synthetic),
        )
