"""The evaluation protocol: paired seeds, every method, one downstream classifier budget."""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import ParameterGrid, TunedThresholdClassifierCV, train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.utils.multiclass import unique_labels
from tqdm.auto import tqdm

from ..data.images import image_layout
from ..datasets._splits import check_groups, grouped_split, take_rows
from ..metrics import kernel_distance
from ..utils._validation import check_images
from ._cnn import CNNClassifier
from ._features import FeatureSpace, learned_feature_spaces, user_feature_space
from ._fidelity import (
    column_distances,
    correlation_difference,
    frechet_distance,
    inception_score,
    precision_recall_coverage,
)
from ._memorization import check_memorization
from ._methods import Method, default_methods, default_samplers, parse_method
from ._metrics import classification_scores
from ._results import LiftReport
from ._signature import change_correlation, signature_auroc

GRID_SAMPLES = 8
DEFAULT_LOGISTIC_GRID = {"C": [0.01, 0.1, 1.0]}


@dataclass
class _Dataset:
    """The inputs in the form the protocol works on."""

    X: Any  # flat float rows for images, a float array or a DataFrame for tables
    y: np.ndarray
    X_val: Any
    y_val: np.ndarray
    X_test: Any
    y_test: np.ndarray
    sample_shape: tuple[int, ...] | None  # None for tables
    spatial_dims: int | None
    categorical: list | None
    groups: np.ndarray | None = None  # of the training rows
    n_val_groups: int | None = None  # when the validation split was made by groups


def _concat(parts):
    return (
        pd.concat(parts, ignore_index=True) if hasattr(parts[0], "iloc") else np.concatenate(parts)
    )


def _prepare(
    X, y, X_val, y_val, X_test, y_test, image_shape, spatial_dims, val_size, seed, groups=None
) -> _Dataset:
    y = np.asarray(y)
    n_val_groups = None
    if groups is not None:
        groups = check_groups(groups, len(y))
    if X_val is None and groups is None:
        X, X_val, y, y_val = train_test_split(
            X, y, test_size=val_size, stratify=y, random_state=seed
        )
    elif X_val is None:  # whole groups on each side
        kept, held_out = grouped_split(y, groups, val_size, seed)
        n_val_groups = len(np.unique(groups[held_out]))
        X, X_val, y, y_val = take_rows(X, kept), take_rows(X, held_out), y[kept], y[held_out]
        groups = groups[kept]
    data = _prepare_arrays(X, y, X_val, y_val, X_test, y_test, image_shape, spatial_dims)
    data.groups, data.n_val_groups = groups, n_val_groups
    return data


def _prepare_arrays(X, y, X_val, y_val, X_test, y_test, image_shape, spatial_dims) -> _Dataset:
    y, y_test = np.asarray(y), np.asarray(y_test)
    y_val = np.asarray(y_val)
    as_images = image_shape is not None or np.ndim(X) > 2
    if as_images:
        arrays = [check_images(a, image_shape, spatial_dims) for a in (X, X_val, X_test)]
        shapes = {shape for _, shape in arrays}
        if len(shapes) != 1:
            raise ValueError(f"Training, validation and test samples differ in shape: {shapes}.")
        sample_shape = shapes.pop()
        dims = len(image_layout(sample_shape, spatial_dims)[1])
        flat = [np.asarray(a, dtype=np.float32).reshape(len(a), -1) for a, _ in arrays]
        return _Dataset(flat[0], y, flat[1], y_val, flat[2], y_test, sample_shape, dims, None)
    if hasattr(X, "columns"):
        categorical = [c for c in X if not pd.api.types.is_numeric_dtype(X[c])]
        if categorical:
            frames = [
                pd.DataFrame(a, columns=X.columns).reset_index(drop=True)
                for a in (X, X_val, X_test)
            ]
            return _Dataset(
                frames[0], y, frames[1], y_val, frames[2], y_test, None, None, categorical
            )
    # Numeric tables are standardized with training statistics, as a StandardScaler
    # at the head of the pipeline would do, so SMOTE's neighbours are not ruled by
    # the column with the largest unit.
    scaler = StandardScaler().fit(np.asarray(X, dtype=np.float64))
    X, X_val, X_test = (
        scaler.transform(np.asarray(a, dtype=np.float64)) for a in (X, X_val, X_test)
    )
    return _Dataset(X, y, X_val, y_val, X_test, y_test, None, None, None)


def minority_target(n_majority: int, ratio: float) -> int:
    """Size of a minority class sub-sampled to ``1:ratio``: ``n_majority / ratio``, rounded."""
    return max(2, round(n_majority / ratio))


def subsample_minority(
    y: np.ndarray,
    minority_classes: Sequence,
    ratio: float | None,
    rng: np.random.RandomState,
    groups: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Keep ``round(n_majority / ratio)`` samples of each minority class.

    With ``groups`` (e.g. patient IDs), whole groups are removed, so the
    kept samples and the removed ones (the oracle pool, and real samples the
    memorization check treats as unseen) never share a group: each class
    keeps as many samples as whole groups allow without exceeding the target
    (at least one group), and the other samples of a removed group leave the
    training set too.

    Parameters
    ----------
    y : ndarray of shape (n_samples,)
        Training labels.
    minority_classes : sequence
        Classes to sub-sample.
    ratio : float or None
        Target imbalance ``1:ratio``; None keeps everything.
    rng : numpy.random.RandomState
        Chooses which samples (or groups) stay.
    groups : ndarray of shape (n_samples,), optional
        Group of each sample.

    Returns
    -------
    kept : ndarray of int
        Indices of the sub-sampled training set, sorted.
    removed : ndarray of int
        Indices of the removed real minority samples: the oracle pool.
    """
    if ratio is None:
        return np.arange(len(y)), np.array([], dtype=int)
    target = minority_target(max(np.sum(y == c) for c in np.unique(y)), ratio)
    removed, left_out = [], []
    for cls in minority_classes:
        members = np.flatnonzero(y == cls)
        if len(members) <= target:
            continue
        if groups is None:
            removed.append(rng.choice(members, len(members) - target, replace=False))
            continue
        gone = _groups_to_remove(groups[members], target, rng)
        removed.append(members[np.isin(groups[members], gone)])
        left_out.append(np.flatnonzero(np.isin(groups, gone) & (y != cls)))
    removed = np.sort(np.concatenate(removed)) if removed else np.array([], dtype=int)
    dropped = np.concatenate([removed, *left_out]) if left_out else removed
    return np.setdiff1d(np.arange(len(y)), dropped), removed


def _groups_to_remove(member_groups: np.ndarray, target: int, rng) -> np.ndarray:
    """Groups of one class to remove so that at most ``target`` of its samples stay
    (at least one group), visiting the groups in a random order."""
    names, sizes = np.unique(member_groups, return_counts=True)
    kept, gone = 0, []
    for i in rng.permutation(len(names)):
        if kept == 0 or kept + sizes[i] <= target:
            kept += sizes[i]
        else:
            gone.append(names[i])
    return np.asarray(gone, dtype=names.dtype)


def _set_matching(estimator, suffix: str, value) -> list[str]:
    keys = [k for k in estimator.get_params() if k == suffix or k.endswith(f"__{suffix}")]
    if keys:
        estimator.set_params(**dict.fromkeys(keys, value))
    return keys


def _default_classifier(data: _Dataset, device: str):
    if data.sample_shape is not None:
        return CNNClassifier(
            image_shape=data.sample_shape, spatial_dims=data.spatial_dims, device=device
        ), {}
    if data.categorical:
        from sklearn.compose import make_column_transformer
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import OneHotEncoder

        columns = make_column_transformer(
            (OneHotEncoder(handle_unknown="ignore"), data.categorical),
            remainder=StandardScaler(),
        )
        grid = {f"logisticregression__{k}": v for k, v in DEFAULT_LOGISTIC_GRID.items()}
        return make_pipeline(columns, LogisticRegression(max_iter=5000)), grid
    return LogisticRegression(max_iter=5000), dict(DEFAULT_LOGISTIC_GRID)


def _validation_auroc(model, X_val, y_val) -> float:
    proba = model.predict_proba(X_val)
    if len(model.classes_) == 2:
        return roc_auc_score(y_val == model.classes_[1], proba[:, 1])
    return roc_auc_score(y_val, proba, multi_class="ovr", labels=model.classes_)


def _fit_classifier(base, grid, X, y, data: _Dataset, method: Method, seed: int):
    """Fit one classifier per grid point on (X, y); keep the best on validation."""
    best, best_score = None, -np.inf
    for params in ParameterGrid(grid or [{}]):
        model = clone(base).set_params(**params)
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
        best = TunedThresholdClassifierCV(
            best, scoring="balanced_accuracy", cv="prefit", refit=False
        ).fit(data.X_val, data.y_val)
    return best


def _configure_sampler(sampler, data: _Dataset, seed: int, device: str, verbose: int):
    sampler = clone(sampler)
    params = sampler.get_params()
    settings = {"random_state": seed}
    if "image_shape" in params and data.sample_shape is not None and params["image_shape"] is None:
        settings.update(image_shape=data.sample_shape, spatial_dims=data.spatial_dims)
    if "device" in params:
        settings["device"] = device
    if "verbose" in params:
        settings["verbose"] = int(verbose > 1)
    return sampler.set_params(**{k: v for k, v in settings.items() if k in params})


def _appended_rows(sampler, X_fit, X_res, y_res):
    """The new rows a sampler made, when it kept the input rows in front (imblearn's way).

    A sampler that says which rows it made rather than copied (ganaug's
    ``synthetic_mask_``) has only those returned, so fidelity and
    memorization judge what its generator made. Returns the rows, their
    labels and, per row, the input row it was made from (ganaug's
    ``source_indices_``; -1 when none or unknown).
    """
    n = len(X_fit)
    if len(X_res) <= n:
        return None
    head = X_res.iloc[:n] if hasattr(X_res, "iloc") else X_res[:n]
    same = head.equals(X_fit) if hasattr(head, "equals") else np.array_equal(head, X_fit)
    if not same:
        return None
    rows = np.arange(n, len(X_res))
    synthetic = getattr(sampler, "synthetic_mask_", None)
    sources = np.full(len(X_res), -1)
    if synthetic is not None and len(synthetic) == len(X_res):
        rows = rows[synthetic[n:]]
        sources = getattr(sampler, "source_indices_", sources)
    return take_rows(X_res, rows), y_res[rows], sources[rows]


@dataclass
class _Collected:
    """What the seeds produce, gathered into the report at the end."""

    scores: list = field(default_factory=list)
    fidelity: list = field(default_factory=list)
    memorization: list = field(default_factory=list)
    columns: list = field(default_factory=list)
    samples: dict = field(default_factory=dict)
    distances: dict = field(default_factory=dict)
    histories: dict = field(default_factory=dict)


class _Protocol:
    """State shared by the seeds of one :func:`evaluate_lift` call."""

    def __init__(
        self, data, methods, samplers, classifier, grid, minority, ratio, spaces, device, verbose
    ):
        self.data, self.methods, self.samplers = data, methods, samplers
        self.classifier, self.grid = classifier, grid
        self.minority, self.ratio, self.spaces = minority, ratio, spaces
        self.device, self.verbose = device, verbose
        self.test_features = {
            c: {s.name: s.extract(self._class_rows(data.X_test, data.y_test, c)) for s in spaces}
            for c in minority
        }
        self.out = _Collected()

    @staticmethod
    def _class_rows(X, y, cls):
        return take_rows(X, np.flatnonzero(y == cls))

    def _memorization_space(self, rows):
        if self.data.sample_shape is not None:
            return np.asarray(rows, dtype=np.float64)
        return self.spaces[0].extract(rows)

    def run_seed(self, seed: int, first: bool, progress) -> None:
        data = self.data
        kept, pool = subsample_minority(
            data.y, self.minority, self.ratio, np.random.RandomState(seed), data.groups
        )
        X_train, y_train = take_rows(data.X, kept), data.y[kept]
        X_pool, y_pool = take_rows(data.X, pool), data.y[pool]
        for cls in self.minority:
            self._fidelity(seed, "real-train", cls, self._class_rows(X_train, y_train, cls))
        resampled = {}
        for method in self.methods:
            progress.set_postfix_str(f"seed {seed}, {method.name}")
            X_fit, y_fit = X_train, y_train
            if method.oracle:
                X_fit, y_fit = _concat([X_train, X_pool]), np.concatenate([y_train, y_pool])
            key = (method.sampler, method.oracle)
            if method.sampler is None:
                resampled[key] = (X_fit, y_fit, 0.0)
            elif key not in resampled:  # "gan" and "gan+class-weight" share one fit
                sampler = _configure_sampler(
                    self.samplers[method.sampler], data, seed, self.device, self.verbose
                )
                started = time.perf_counter()
                X_res, y_res = sampler.fit_resample(X_fit, y_fit)
                resampled[key] = (X_res, np.asarray(y_res), time.perf_counter() - started)
                if first and hasattr(sampler, "history_"):
                    self.out.histories[method.sampler] = sampler.history_.to_dataframe()
                added = _appended_rows(sampler, X_fit, X_res, np.asarray(y_res))
                if added is not None and not method.oracle:
                    self._check_samples(
                        seed, first, method.sampler, added, X_train, y_train, X_pool, y_pool
                    )
                    if first:
                        self._keep_walk(sampler, method.sampler, seed)
            X_res, y_res, resample_seconds = resampled[key]
            started = time.perf_counter()
            model = _fit_classifier(self.classifier, self.grid, X_res, y_res, data, method, seed)
            proba = model.predict_proba(data.X_test)
            y_pred = model.predict(data.X_test)
            self.out.scores.append(
                {
                    "seed": seed,
                    "method": method.name,
                    **classification_scores(
                        data.y_test, proba, y_pred, model.classes_, self.minority
                    ),
                    "n_train": len(y_res),
                    "resample_seconds": resample_seconds,
                    "classifier_seconds": time.perf_counter() - started,
                }
            )
            progress.update()

    def _check_samples(self, seed, first, label, added, X_train, y_train, X_pool, y_pool) -> None:
        """Fidelity and memorization of the samples a resampler added, per class."""
        X_added, y_added, sources = added
        data = self.data
        for cls in self.minority:
            synthetic = self._class_rows(X_added, y_added, cls)
            derived_from = sources[y_added == cls]
            if len(synthetic) < 2:
                continue
            real = self._class_rows(X_train, y_train, cls)
            self._fidelity(seed, label, cls, synthetic)
            holdout = _concat(
                [
                    self._class_rows(data.X_val, data.y_val, cls),
                    self._class_rows(X_pool, y_pool, cls),
                ]
            )
            if len(holdout) >= 2 and (self.spaces or data.sample_shape is not None):
                space = self._memorization_space(synthetic)
                holdout_space = self._memorization_space(holdout)
                check = check_memorization(space, self._memorization_space(real), holdout_space)
                self.out.memorization.append(
                    {
                        "seed": seed,
                        "method": label,
                        "class": cls,
                        "near_copy_share": check.near_copy_share,
                        "distance_ratio": check.distance_ratio,
                        "threshold": check.threshold,
                        "flagged": check.flagged,
                        "signature_auroc": signature_auroc(
                            space,
                            np.concatenate([self._memorization_space(real), holdout_space]),
                            seed,
                        ),
                        **self._source_distances(check, space, derived_from, X_train),
                    }
                )
                if first:
                    self.out.distances[(label, cls)] = (
                        check.synthetic_distances,
                        check.holdout_distances,
                    )
            if first:
                self._keep_samples(cls, label, real, synthetic, derived_from, X_train)

    def _keep_samples(self, cls, label, real, synthetic, derived_from, X_train) -> None:
        """The first seed's samples for the report's grid. Samples made from real ones
        come between their sources and the change (sample minus source); generated
        samples above the real training image of the class closest to each."""
        rows = self.out.samples.setdefault(
            cls, {"real": take_rows(real, np.arange(min(GRID_SAMPLES, len(real))))}
        )
        first = np.arange(min(GRID_SAMPLES, len(synthetic)))
        if self.data.sample_shape is None:  # a table's rows, its categories kept
            rows[label] = take_rows(synthetic, first)
            return
        made = np.asarray(take_rows(synthetic, first), dtype=np.float64)
        if len(first) == 0:
            rows[label] = made
        elif (derived_from < 0).any():
            training = np.asarray(real, dtype=np.float64)
            closest = [np.argmin(((training - sample) ** 2).sum(axis=1)) for sample in made]
            rows[label] = made
            rows[f"{label} (closest real)"] = training[closest]
        else:
            source = np.asarray(take_rows(X_train, derived_from[first]), dtype=np.float64)
            rows[f"{label} (source)"] = source
            rows[label] = made
            rows[f"{label} (change)"] = made - source

    def _keep_walk(self, sampler, label: str, seed: int) -> None:
        """For generators of images: a latent walk per class, shown under its samples."""
        if self.data.sample_shape is None or not hasattr(sampler, "interpolate"):
            return
        for cls, rows in self.out.samples.items():
            if label in rows:
                walk = sampler.interpolate(cls, GRID_SAMPLES, random_state=seed)
                rows[f"{label} (latent walk)"] = np.asarray(walk, dtype=np.float64)

    def _source_distances(self, check, space, derived_from, X_train) -> dict:
        """How far samples made from real ones (translations, augmented copies) moved.

        ``source_distance_ratio``: median distance to the source over the
        median distance of a held-out real sample to its closest training
        record; ``unchanged_share``: share of samples within the near-copy
        threshold of their source (label noise, when the source is of
        another class); ``change_correlation``: mean pairwise correlation of
        the changes (near 1: one pattern stamped on every source). Empty for
        samples made from noise.
        """
        if len(derived_from) == 0 or (derived_from < 0).any():
            return {}
        source = self._memorization_space(take_rows(X_train, derived_from))
        distances = np.linalg.norm(space - source, axis=1)
        median_holdout = float(np.median(check.holdout_distances))
        return {
            "source_distance_ratio": float(np.median(distances)) / median_holdout,
            "unchanged_share": float(np.mean(distances < check.threshold)),
            "change_correlation": change_correlation(space - source),
        }

    def _fidelity(self, seed: int, label: str, cls, samples) -> None:
        """Compare ``samples`` of class ``cls`` with the real test samples of that class."""
        if not self.spaces:
            return
        real_test = self._class_rows(self.data.X_test, self.data.y_test, cls)
        extra = {}
        if self.data.sample_shape is None:
            real_table, fake_table = _as_frame(real_test), _as_frame(samples)
            extra["correlation_difference"] = correlation_difference(real_table, fake_table)
            distances = column_distances(real_table, fake_table, self.data.categorical)
            self.out.columns += [
                {"seed": seed, "method": label, "class": cls, "column": column, **row}
                for column, row in distances.to_dict("index").items()
            ]
        for space in self.spaces:
            real, fake = self.test_features[cls][space.name], space.extract(samples)
            judged = {}
            if space.predict_proba is not None:  # the in-domain classifier's verdict
                proba = space.predict_proba(samples)
                column = int(np.searchsorted(space.classes, cls))
                judged = {
                    "inception_score": inception_score(proba),
                    "class_probability": float(proba[:, column].mean()),
                }
            self.out.fidelity.append(
                {
                    "seed": seed,
                    "method": label,
                    "class": cls,
                    "space": space.name,
                    "n_samples": len(fake),
                    "fid": frechet_distance(real, fake),
                    "kid": kernel_distance(real, fake),
                    **precision_recall_coverage(real, fake),
                    **judged,
                    **extra,
                }
            )


def _as_frame(X) -> pd.DataFrame:
    if hasattr(X, "columns"):
        return X
    return pd.DataFrame(X, columns=[f"x{i}" for i in range(np.shape(X)[1])])


def evaluate_lift(
    X,
    y,
    X_test,
    y_test,
    *,
    X_val=None,
    y_val=None,
    methods: Sequence[str] | None = None,
    samplers: dict[str, Any] | None = None,
    classifier: Any = "auto",
    param_grid: dict | None = None,
    imbalance_ratio: float | None = None,
    n_seeds: int = 5,
    random_state: int = 0,
    val_size: float = 0.2,
    groups=None,
    image_shape: tuple[int, ...] | None = None,
    spatial_dims: int | None = None,
    fidelity: bool = True,
    feature_extractor: Callable | str | None = None,
    device: str = "auto",
    verbose: int = 1,
) -> LiftReport:
    """Measure what synthetic minority samples add to a downstream classifier.

    For each of ``n_seeds`` seeds the minority classes of the training split
    are optionally sub-sampled to ``1:imbalance_ratio`` (the removed real
    samples form the oracle pool), and every method trains the same
    classifier with the same budget on that same sub-sample (a paired
    design). Classifier settings are chosen on the validation split; scores
    come from the test split only. Resamplers are fitted once per seed and
    method, on the training split only: validation and test data are always
    real and never resampled.

    Parameters
    ----------
    X : array-like, pandas.DataFrame, or ndarray of images or volumes
        Training split: a table ``(n, d)``, images ``(n, [C,] H, W)``,
        volumes ``(n, [C,] D, H, W)``, or flat rows with ``image_shape``.
    y : array-like of shape (n,)
        Training labels.
    X_test, y_test : array-like
        Test split, in the same form; used for the reported scores and as the
        fidelity reference only.
    X_val, y_val : array-like, optional
        Validation split for model selection. Default: a stratified
        ``val_size`` share of the training split, the same for every seed.
    methods : sequence of str, optional
        Methods to compare. Bases: ``none``, ``oracle`` (removed real minority
        samples added back, with class weights: the attainable upper bound),
        ``ros`` (RandomOverSampler), ``ros-augment`` (images only:
        :class:`~ganaug.AugmentedRandomOverSampler`, augmented copies in every
        class), ``translation`` (images only:
        :class:`~ganaug.TranslationOversampler`), ``smote`` (SMOTE, SMOTENC
        for categorical tables), ``gan`` (GANOversampler) and any key of
        ``samplers``;
        modifiers ``+class-weight`` and ``+threshold`` (decision threshold
        tuned for balanced accuracy on the validation split), alone
        (``"class-weight"``) or combined (``"gan+class-weight"``). Default:
        none, class-weight, threshold, ros, ros-augment (images), smote, gan
        and, when ``imbalance_ratio`` is set, oracle. ``none`` is always
        included.
    samplers : dict, optional
        Resamplers by name, adding to or replacing the built-in ``ros``,
        ``smote`` and ``gan`` (e.g. ``{"gan": GANOversampler(epochs=50)}``).
        Each is cloned per seed with ``random_state`` set to the seed.
    classifier : estimator or "auto", default="auto"
        Downstream classifier. ``"auto"``: :class:`CNNClassifier` for images
        and volumes, logistic regression for tables. Any sklearn classifier
        with ``predict_proba`` works (images reach it as flat rows); class
        weights set its ``class_weight`` parameter.
    param_grid : dict, optional
        Classifier settings to choose from on the validation split (by AUROC).
        Default: ``C`` in (0.01, 0.1, 1) for the logistic regression, none for
        the CNN (which selects its checkpoint on the validation split).
    imbalance_ratio : float, optional
        Sub-sample every minority class to ``round(n_majority / ratio)``
        samples; needed for the oracle.
    n_seeds : int, default=5
        Repetitions; seeds are ``random_state, random_state + 1, ...``.
    random_state : int, default=0
        First seed; also seeds the validation split when one is made.
    val_size : float, default=0.2
        Share of the training split held out when ``X_val`` is None.
    groups : array-like of shape (n,), optional
        Group of each training sample, e.g. its patient: the validation split
        (when one is made) and the minority sub-sampling then keep every
        group on one side, so no patient is both trained on and held out
        (sklearn's ``StratifiedGroupKFold``; see :func:`subsample_minority`).
        Keep the test split apart from the training groups yourself (the
        recipes do).
    image_shape : tuple of int, optional
        Shape of one image when ``X`` holds flat rows.
    spatial_dims : {2, 3}, optional
        Images or volumes, when the shape alone is ambiguous.
    fidelity : bool, default=True
        Measure FID, KID, precision/recall/density/coverage and memorization
        of every resampler's added samples, per minority class and seed.
    feature_extractor : callable or path, optional
        Feature space for fidelity instead of the learned one: a callable on
        arrays of samples, or a TorchScript file.
    device : str, default="auto"
        Device for the GAN and the CNN.
    verbose : int, default=1
        0 silences the progress bar; 2 also shows each GAN's training bar.

    Returns
    -------
    report : LiftReport
        Scores per seed and method, the paired lift, fidelity and
        memorization tables; ``report.write(folder)`` writes the report.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.model_selection import train_test_split
    >>> from ganaug.evaluation import evaluate_lift
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> X, X_test, y, y_test = train_test_split(X, y, stratify=y, random_state=0)
    >>> report = evaluate_lift(
    ...     X, y, X_test, y_test, methods=["none", "class-weight", "ros"],
    ...     n_seeds=2, imbalance_ratio=10, fidelity=False, verbose=0,
    ... )
    >>> report.lift("auroc").loc["ros", "n_seeds"]
    np.int64(2)
    """
    data = _prepare(
        X,
        y,
        X_val,
        y_val,
        X_test,
        y_test,
        image_shape,
        spatial_dims,
        val_size,
        random_state,
        groups,
    )
    classes = unique_labels(data.y)
    counts = {c: int(np.sum(data.y == c)) for c in classes}
    majority = max(counts.values())
    minority = [c for c in classes if counts[c] < majority]
    if not minority:
        raise ValueError(
            f"The training labels {counts} have no minority class; the protocol "
            "measures over-sampling of imbalanced data."
        )
    smallest = min(counts[c] for c in minority)
    if imbalance_ratio is not None:
        smallest = min(smallest, minority_target(majority, imbalance_ratio))
    joined = [name for name in samplers or {} if "+" in str(name)]
    if joined:
        raise ValueError(
            f"Sampler names {joined} contain '+', which joins a base and modifiers in a "
            "method name ('gan+class-weight'); rename them, e.g. with '-'."
        )
    images = data.sample_shape is not None
    table = {**default_samplers(data.categorical, smallest, images), **(samplers or {})}
    if methods is None:
        methods = default_methods(images, oracle=imbalance_ratio is not None)
    parsed = [parse_method(m, table) for m in methods]
    if any(m.oracle for m in parsed) and imbalance_ratio is None:
        raise ValueError(
            "The oracle adds back real minority samples removed by sub-sampling; "
            "set imbalance_ratio (e.g. 10) or drop 'oracle' from methods."
        )
    if "none" not in [m.name for m in parsed]:
        parsed.insert(0, parse_method("none", table))
    if isinstance(classifier, str) and classifier == "auto":
        classifier, default_grid = _default_classifier(data, device)
        param_grid = default_grid if param_grid is None else param_grid
    elif data.sample_shape is not None and classifier.get_params().get("image_shape", 0) is None:
        classifier = clone(classifier).set_params(
            image_shape=data.sample_shape, spatial_dims=data.spatial_dims
        )

    spaces: list[FeatureSpace] = []
    if fidelity and feature_extractor is not None:
        spaces = [user_feature_space(feature_extractor, data.sample_shape, data.spatial_dims)]
    elif fidelity:
        spaces = learned_feature_spaces(
            data.X,
            data.y,
            data.X_val,
            data.y_val,
            sample_shape=data.sample_shape,
            spatial_dims=data.spatial_dims,
            seed=random_state,
            cnn=classifier
            if isinstance(classifier, CNNClassifier)
            else CNNClassifier(device=device),
        )
    protocol = _Protocol(
        data,
        parsed,
        table,
        classifier,
        param_grid,
        minority,
        imbalance_ratio,
        spaces,
        device,
        verbose,
    )
    seeds = [random_state + i for i in range(n_seeds)]
    with tqdm(total=len(seeds) * len(parsed), disable=not verbose, desc="evaluate") as progress:
        for seed in seeds:
            protocol.run_seed(seed, seed == seeds[0], progress)
    out = protocol.out
    return LiftReport(
        scores=pd.DataFrame(out.scores),
        fidelity=pd.DataFrame(out.fidelity),
        memorization=pd.DataFrame(out.memorization),
        column_distances=pd.DataFrame(out.columns),
        histories=out.histories,
        samples=out.samples,
        distances=out.distances,
        sample_shape=data.sample_shape,
        settings={
            "n_train": len(data.y),
            "n_val": len(data.y_val),
            "n_test": len(data.y_test),
            "class_counts": {str(k): v for k, v in counts.items()},
            "minority_classes": [str(c) for c in minority],
            "imbalance_ratio": imbalance_ratio,
            "seeds": seeds,
            "methods": [m.name for m in parsed],
            "classifier": repr(classifier),
            "param_grid": param_grid,
            "feature_spaces": [s.name for s in spaces],
            "sample_shape": data.sample_shape,
            "budget": _budget(classifier, parsed, table),
            "grouping": None
            if data.groups is None
            else {
                "n_groups_train": len(np.unique(data.groups)),
                "n_groups_val": data.n_val_groups,
            },
        },
    )


def _budget(classifier, parsed: list, table: dict) -> dict:
    """What the report compares with the benchmarks' budget: the classifier's steps
    (a CNN's) and each trained sampler's epochs."""

    def params(estimator) -> dict:
        return estimator.get_params() if hasattr(estimator, "get_params") else {}

    epochs = {
        m.sampler: params(table[m.sampler])["epochs"]
        for m in parsed
        if m.sampler is not None and "epochs" in params(table[m.sampler])
    }
    return {"classifier_steps": params(classifier).get("n_steps"), "sampler_epochs": epochs}
