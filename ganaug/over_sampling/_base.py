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

Rows labelled -1 (scikit-learn's mark of an unlabelled sample) are set apart
before any of that, unless ``unlabelled=None``: the subclass fits and
resamples the labelled rows only, and finds the unlabelled ones, checked, in
``_X_unlabelled`` for the length of the fit (see
:meth:`SyntheticOversampler.fit_resample`).
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
from imblearn.utils import check_sampling_strategy, check_target_type
from imblearn.utils._validation import ArraysTransformer
from sklearn.base import _fit_context
from sklearn.preprocessing import label_binarize
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
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

unlabelled : {{"drop", "keep"}} or None, default="drop"
        What rows labelled -1 are: scikit-learn's mark of an unlabelled
        sample (as for ``SelfTrainingClassifier``), e.g. the scans nobody has
        read yet. They are never over-sampled and never come back with a
        class, and ``sampling_strategy`` counts the labelled rows only.
        ``"drop"``: they are left out of what ``fit_resample`` returns.
        ``"keep"``: they are returned, still labelled -1, where they stood
        among the original rows (the first ``len(X)`` rows returned are ``X``
        itself), so a semi-supervised classifier downstream still sees them.
        None: -1 is a class like any other. Labels must be numbers for -1 to
        mark a row (scikit-learn cannot mix -1 with text labels). Set None
        when -1 is one of your classes (e.g. labels -1 and 1).
"""


class SyntheticOversampler(BaseOverSampler):
    """Base of ganaug's over-samplers: input checks; originals, duplicates and synthetic rows.

    Subclasses set ``balance_synthetic``, ``image_shape``, ``spatial_dims``
    and ``unlabelled`` and implement :meth:`_fit_synthesis`,
    :meth:`_synthetic_rows` and :meth:`_unbalanced_share`; one that also takes
    tables sets ``_takes_tables`` and has ``categorical_features``.

    :meth:`fit_resample` hands :meth:`_fit_resample` the labelled rows only.
    For the length of that call ``self._X_unlabelled`` holds the unlabelled
    ones (rows labelled -1, checked as ``X`` is; none with
    ``unlabelled=None``): whatever learns without labels (an autoencoder, a
    discriminator's real/fake head) may read it there, on both paths that fit
    (:meth:`_fit_synthesis`, and a network sampler's training-only fit). A
    subclass that gives unlabelled rows a class leaves, per unlabelled row,
    its class or -1 in ``self._pool_labels``; ``transduction_`` then labels
    every input row.
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
        "unlabelled": [StrOptions({"drop", "keep"}), None],
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
        """Fit what makes synthetic rows (a generator, an augmentation) on checked,
        labelled X, y; the unlabelled rows are in ``self._X_unlabelled``."""
        raise NotImplementedError

    def _synthetic_rows(
        self, X: np.ndarray, y: np.ndarray, cls: Any, n_samples: int, rng
    ) -> tuple[np.ndarray, np.ndarray]:
        """At most ``n_samples`` synthetic rows of ``cls``, and the row each derives from.

        Returns the rows (``X[:0]`` when none) and, per row, the index of the
        input row it was made from, or -1 when it comes from noise alone; a
        row made from the ``j``-th unlabelled row (``self._X_unlabelled``)
        says ``len(X) + j``. Fewer rows than asked mean the rest are to be
        duplicates.
        """
        raise NotImplementedError

    def _unbalanced_share(self) -> float:
        """Share of ``sampling_strategy``'s new rows that are synthetic, when not balanced."""
        raise NotImplementedError

    # -- labelled and unlabelled rows --------------------------------------------
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, **params):
        """Check the inputs and set ``sampling_strategy_``; use :meth:`fit_resample`.

        Parameters
        ----------
        X : array-like or pandas.DataFrame
            Samples, as for :meth:`fit_resample`.
        y : array-like of shape (n_samples,)
            Class labels; -1 marks an unlabelled row (see ``unlabelled``).
        **params : dict
            Not used.

        Returns
        -------
        self : object
        """
        self._check_labelled(X, y)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_resample(self, X, y, **params):
        """Fit, and return the original samples followed by the new ones.

        imbalanced-learn's ``fit_resample``, with the rows labelled -1 set
        apart as ``unlabelled`` says: the new samples, and
        ``sampling_strategy_``, come from the labelled rows alone.

        Parameters
        ----------
        X : array-like or pandas.DataFrame
            Samples: images ``(n, [C,] H, W)``, volumes ``(n, [C,] D, H, W)``,
            flat rows with ``image_shape`` or, where the sampler takes them,
            a table.
        y : array-like of shape (n_samples,)
            Class labels; -1 marks an unlabelled row (see ``unlabelled``).
        **params : dict
            Passed on to the fit (``training_run`` for :meth:`fit_generator`).

        Returns
        -------
        X_resampled : ndarray or pandas.DataFrame
            The original samples (with ``unlabelled="drop"``, the labelled
            ones), then the new ones; in the form of ``X``.
        y_resampled : ndarray or pandas.Series
            Their labels.
        """
        check_classification_targets(y)
        arrays = ArraysTransformer(X, y)
        X, y, binarize_y, unlabelled = self._check_labelled(X, y)
        # They describe this call's output only (a training-only fit returns none).
        for name in ("source_indices_", "synthetic_mask_", "transduction_"):
            self.__dict__.pop(name, None)
        self._X_unlabelled = X[unlabelled]
        labelled = ~unlabelled if unlabelled.any() else slice(None)  # no copy without any
        try:
            output = self._fit_resample(X[labelled], y[labelled], **params)
        finally:
            del self._X_unlabelled
            pool_labels = self.__dict__.pop("_pool_labels", None)
        if pool_labels is not None:  # as SelfTrainingClassifier's: every input row's label
            self.transduction_ = y.copy()
            self.transduction_[unlabelled] = pool_labels
        X_res, y_res = self._place_unlabelled(X, y, unlabelled, *output[:2])
        if binarize_y:
            y_res = label_binarize(y_res, classes=np.unique(y[~unlabelled]))
        X_res, y_res = arrays.transform(X_res, y_res)
        return (X_res, y_res) if len(output) == 2 else (X_res, y_res, output[2])

    def _check_labelled(self, X, y) -> tuple[np.ndarray, np.ndarray, bool, np.ndarray]:
        """Checked ``X, y``, whether ``y`` was one-vs-all, and which rows are
        unlabelled; sets ``sampling_strategy_`` from the labelled rows."""
        X, y, binarize_y = self._check_X_y(X, y)
        unlabelled = self._unlabelled_rows(y)
        labelled = y[~unlabelled]
        if unlabelled.any() and len(np.unique(labelled)) < 2:
            raise ValueError(
                f"y marks {int(unlabelled.sum())} row(s) unlabelled (-1) and leaves "
                f"{len(np.unique(labelled))} labelled class(es); over-sampling needs two. "
                "If -1 is one of your classes, set unlabelled=None."
            )
        self.sampling_strategy_ = check_sampling_strategy(
            self.sampling_strategy, labelled, self._sampling_type
        )
        return X, y, binarize_y, unlabelled

    def _unlabelled_rows(self, y: np.ndarray) -> np.ndarray:
        """Whether each label is -1, the mark of an unlabelled row (none with
        ``unlabelled=None``, nor among text labels)."""
        if self.unlabelled is None or y.dtype.kind not in "iufO":
            return np.zeros(len(y), dtype=bool)
        if y.dtype.kind == "O":
            return np.array([isinstance(v, Real) and v == -1 for v in y], dtype=bool)
        return y == -1

    def _place_unlabelled(self, X, y, unlabelled, X_res, y_res):
        """The labelled rows' output in terms of the input: ``source_indices_``
        index the input's rows and, with ``unlabelled="keep"``, the input comes
        back whole in front, its unlabelled rows in their places."""
        if not unlabelled.any():
            return X_res, y_res
        n = int((~unlabelled).sum())
        # the labelled rows' indices, then the unlabelled rows' (sources named past n)
        rows = np.concatenate([np.flatnonzero(~unlabelled), np.flatnonzero(unlabelled)])
        fitted = hasattr(self, "source_indices_")
        if fitted:  # -1 stays -1: made from noise alone
            sources = self.source_indices_
            self.source_indices_ = np.where(sources >= 0, rows[np.maximum(sources, 0)], -1)
        if self.unlabelled == "drop":
            return X_res, y_res
        if fitted:
            self.source_indices_ = np.concatenate([np.arange(len(y)), self.source_indices_[n:]])
            self.synthetic_mask_ = np.concatenate(
                [np.zeros(len(y), dtype=bool), self.synthetic_mask_[n:]]
            )
        return np.concatenate([X, X_res[n:]]), np.concatenate([y, y_res[n:]])

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
