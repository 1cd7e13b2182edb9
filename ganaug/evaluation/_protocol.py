"""The evaluation protocol: paired seeds, every method, one downstream classifier budget.

:func:`evaluate_lift` checks its arguments, prepares the data (:mod:`._data`),
chooses the classifier (:mod:`._classifiers`) and the methods (:mod:`._methods`),
then runs the seed loop here; the quality of each source's samples is recorded
by :mod:`._quality` and the report's sample grid kept by :mod:`._grid`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd
import torch
from sklearn.base import clone
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    StrOptions,
    validate_parameter_constraints,
)
from tqdm.auto import tqdm

from ..datasets._splits import take_rows
from ._classifiers import choose_classifier, fit_classifier, tuned_predictions
from ._data import (
    PreparedData,
    class_rows,
    class_sizes,
    concat_rows,
    minority_target,
    prepare_data,
    subsample_minority,
)
from ._grid import SampleGrid
from ._methods import Method, method_table
from ._metrics import classification_scores
from ._pool import POOL_COLUMNS, check_pool_labels, pool_counts, split_pool, with_pool
from ._quality import QualityRecords, feature_spaces
from ._results import LiftReport

# At most a thousand seeds: paired-seed studies use 3 to 30, and a thousand runs of
# even the cheapest method take days; more is a typo (n_seeds: 1000000000 once
# filled 18 GB with the seed list before the first seed ran).
MAX_SEEDS = 1000

# What evaluate_lift accepts; the recipe schema checks a recipe's evaluation keys
# against these too.
LIFT_CONSTRAINTS = {
    "X": ["array-like"],
    "y": ["array-like"],
    "X_test": ["array-like"],
    "y_test": ["array-like"],
    "X_val": ["array-like", None],
    "y_val": ["array-like", None],
    "X_unlabelled": ["array-like", None],
    "methods": [list, tuple, None],
    "samplers": [dict, None],
    "classifier": [StrOptions({"auto"}), HasMethods(["fit", "predict_proba"])],
    "param_grid": [dict, list, None],
    "imbalance_ratio": [Interval(Real, 1, None, closed="left"), None],
    "unlabelled_share": [Interval(Real, 0, 1, closed="neither"), None],
    "n_seeds": [Interval(Integral, 1, MAX_SEEDS, closed="both")],
    "random_state": [Interval(Integral, 0, None, closed="left")],
    "val_size": [Interval(Real, 0, 1, closed="neither")],
    "groups": ["array-like", None],
    "image_shape": [tuple, list, None],
    "spatial_dims": [Interval(Integral, 2, 3, closed="both"), None],
    "fidelity": ["boolean"],
    "feature_extractor": [str, os.PathLike, callable, None],
    "device": [str, torch.device],
    "verbose": ["verbose"],
}


def _configure_sampler(
    sampler, data: PreparedData, seed: int, device: str, verbose: int, pool: bool = False
):
    sampler = clone(sampler)
    params = sampler.get_params()
    # Rows labelled -1 are the pool's when the method is given it; otherwise -1 is a class.
    settings = {"random_state": seed, "unlabelled": "drop" if pool else None}
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


class _Protocol:
    """State shared by the seeds of one :func:`evaluate_lift` call."""

    def __init__(
        self,
        data,
        methods,
        samplers,
        classifier,
        grid,
        minority,
        ratio,
        spaces,
        device,
        verbose,
        share=None,
    ):
        self.data, self.methods, self.samplers = data, methods, samplers
        self.classifier, self.grid = classifier, grid
        self.minority, self.ratio, self.share = minority, ratio, share
        self.pooled = share is not None or data.X_unlabelled is not None
        self.device, self.verbose = device, verbose
        self.quality = QualityRecords(data, spaces, minority)
        self.sample_grid = SampleGrid(data.sample_shape)
        self.scores: list[dict] = []
        self.histories: dict = {}

    def run_seed(self, seed: int, first: bool, progress) -> None:
        data = self.data
        # The pool's share first, by its own draw: without one, the sub-sample is as before.
        rows, hidden = split_pool(data.y, self.share, seed, data.groups)
        groups = None if data.groups is None else data.groups[rows]
        kept, removed = subsample_minority(
            data.y[rows], self.minority, self.ratio, np.random.RandomState(seed), groups
        )
        kept, removed = rows[kept], rows[removed]
        X_train, y_train = take_rows(data.X, kept), data.y[kept]
        X_removed, y_removed = take_rows(data.X, removed), data.y[removed]
        # The pool: the hidden share, then the rows given without labels.
        X_hidden, y_hidden = take_rows(data.X, hidden), data.y[hidden]
        X_pool = X_hidden
        if data.X_unlabelled is not None:
            X_pool = concat_rows([X_hidden, data.X_unlabelled])
        # The oracle learns what the seed hid, with its labels: the pool's share, else
        # the removed minority.
        X_known, y_known = (
            (X_hidden, y_hidden) if self.share is not None else (X_removed, y_removed)
        )
        for cls in self.minority:
            self.quality.add_fidelity(seed, "real-train", cls, class_rows(X_train, y_train, cls))
        resampled = {}
        for method in self.methods:
            progress.set_postfix_str(f"seed {seed}, {method.name}")
            X_fit, y_fit = X_train, y_train
            if method.oracle:
                X_fit, y_fit = concat_rows([X_train, X_known]), np.concatenate([y_train, y_known])
            key = (method.sampler, method.oracle, method.pool)
            if method.sampler is None:
                resampled[key] = (X_fit, y_fit, 0.0, None)
            elif key not in resampled:  # "gan" and "gan+class-weight" share one fit
                sampler = _configure_sampler(
                    self.samplers[method.sampler],
                    data,
                    seed,
                    self.device,
                    self.verbose,
                    method.pool,
                )
                started = time.perf_counter()
                X_in, y_in = with_pool(X_fit, y_fit, X_pool) if method.pool else (X_fit, y_fit)
                X_res, y_res = sampler.fit_resample(X_in, y_in)
                seconds = time.perf_counter() - started
                resampled[key] = (X_res, np.asarray(y_res), seconds, sampler)
                if first and hasattr(sampler, "history_"):
                    self.histories[method.label] = sampler.history_.to_dataframe()
                # The pool comes after the labelled rows: source_indices_ below len(X_fit)
                # are X_fit's rows.
                added = _appended_rows(sampler, X_fit, X_res, np.asarray(y_res))
                if added is not None and not method.oracle:
                    self._judge(
                        seed,
                        first,
                        method.label,
                        sampler,
                        added,
                        (X_train, y_train),
                        (X_removed, y_removed),
                        X_in,
                    )
                    if first:
                        self.sample_grid.keep_walk(sampler, method.label, seed)
            pool = (X_pool, y_hidden, X_known if method.oracle else None)
            self._score(seed, method, *resampled[key], pool)
            progress.update()

    def _score(
        self, seed: int, method: Method, X_res, y_res, resample_seconds: float, sampler, pool
    ) -> None:
        """Train the classifier on what the method gives and score it on the test split;
        with a pool, record what the method did with it."""
        data = self.data
        X_pool, y_hidden, X_known = pool
        started = time.perf_counter()
        model = fit_classifier(
            self.classifier, self.grid, X_res, y_res, data, method, seed, X_pool
        )
        proba = model.predict_proba(data.X_test)
        y_pred = model.predict(data.X_test)
        tuned = tuned_predictions(model, data, method)
        scores = classification_scores(
            data.y_test, proba, y_pred, model.classes_, self.minority, tuned
        )
        row = {
            "seed": seed,
            "method": method.name,
            **scores,
            "n_train": len(y_res),
            "resample_seconds": resample_seconds,
            "classifier_seconds": time.perf_counter() - started,
        }
        if self.pooled:
            n_pool = len(X_pool) if method.pool else 0
            counts = pool_counts(model if method.self_training else sampler, n_pool, y_hidden)
            if method.oracle and self.share is not None:  # the hidden share with its true labels
                counts = dict.fromkeys(POOL_COLUMNS, len(X_known))
            row.update(counts)
        self.scores.append(row)

    def _judge(self, seed, first, label, sampler, added, train, removed, X_sources) -> None:
        """Fidelity and memorization of the samples a resampler added, per class (and
        of the real ones passed through a latent sampler's autoencoder); on the first
        seed, a few of them for the report's grid. ``X_sources``: the rows the
        resampler was given, which its ``source_indices_`` index (with the pool, the
        training rows and then the pool's)."""
        X_added, y_added, sources = added
        (X_train, y_train), (X_pool, y_pool) = train, removed
        data = self.data
        for cls in self.minority:
            synthetic = class_rows(X_added, y_added, cls)
            derived_from = sources[y_added == cls]
            if len(synthetic) < 2:
                continue
            real = class_rows(X_train, y_train, cls)
            self.quality.add_fidelity(seed, label, cls, synthetic)
            holdout = concat_rows(
                [class_rows(data.X_val, data.y_val, cls), class_rows(X_pool, y_pool, cls)]
            )
            self.quality.add_memorization(
                seed, first, label, cls, synthetic, real, holdout, derived_from, X_sources
            )
            self.quality.add_reconstructions(
                seed, label, sampler, cls, real, holdout, np.flatnonzero(y_train == cls), X_sources
            )
            if first:
                self.sample_grid.keep(cls, label, real, synthetic, derived_from, X_sources)


def evaluate_lift(
    X,
    y,
    X_test,
    y_test,
    *,
    X_val=None,
    y_val=None,
    X_unlabelled=None,
    methods: Sequence[str] | None = None,
    samplers: dict[str, Any] | None = None,
    classifier: Any = "auto",
    param_grid: dict | None = None,
    imbalance_ratio: float | None = None,
    unlabelled_share: float | None = None,
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
    design). With ``unlabelled_share``, a stratified share of the training
    split first becomes an unlabelled pool, its labels hidden from every
    method, and the rest is sub-sampled; methods that learn from unlabelled
    rows (``self-training``, ``+pool``) are given the pool. Classifier
    settings are chosen on the validation split; scores come from the test
    split only. Resamplers are fitted once per seed and method, on the
    training split only: validation and test data are always real and never
    resampled.

    Read more in the :ref:`User Guide <measuring-lift>`.

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
    X_unlabelled : array-like, optional
        Samples without labels, in the form of ``X`` (e.g. the scans nobody
        has read): added to every seed's unlabelled pool. Nobody knows their
        labels, so the oracle cannot use them and the report cannot check
        the pseudo-labels given to them.
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
        (``"class-weight"``) or combined (``"gan+class-weight"``). With an
        unlabelled pool (``unlabelled_share`` or ``X_unlabelled``): the base
        ``self-training`` (the classifier labels the pool rows it predicts
        with probability 0.9 or more and learns from them too:
        scikit-learn's ``SelfTrainingClassifier``, or for a classifier whose
        fit takes a validation split, as the CNN's, two rounds of refits),
        and the modifier ``+pool`` (``"gan+pool"``: the sampler is also given
        the pool, as rows labelled -1; ganaug's samplers only); the oracle is
        then the labelled part plus the pool's share with its labels.
        Default: none, class-weight, threshold, ros, ros-augment (images),
        smote, gan and, when ``imbalance_ratio`` or ``unlabelled_share`` is
        set, oracle; with a pool also self-training and gan+pool. ``none``
        is always included.
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
        samples (of the labelled part, with ``unlabelled_share``); needed for
        the oracle without a pool.
    unlabelled_share : float, optional
        Share of the training split, stratified (by group with ``groups``),
        that becomes each seed's unlabelled pool; its labels are known to
        the protocol only, which reports how many of them each method's
        pseudo-labels got right (``pool_used``, ``pool_labelled`` and
        ``pool_correct`` in the scores). Needs integer labels, none of them
        -1 (the mark of an unlabelled row).
    n_seeds : int, default=5
        Repetitions, at most 1000; seeds are ``random_state, random_state + 1,
        ...``.
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
    # sklearn's check (validate_params' own), called here rather than as its decorator:
    # the decorator renames the errors of the estimators fitted inside the call, so a
    # bad GANOversampler(epochs=0) in samplers would read "parameter of evaluate_lift".
    validate_parameter_constraints(LIFT_CONSTRAINTS, locals(), caller_name="evaluate_lift")
    data = prepare_data(
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
        X_unlabelled,
    )
    counts, minority = class_sizes(data.y)
    pooled = unlabelled_share is not None or X_unlabelled is not None
    if pooled:
        check_pool_labels(data.y)
    parsed, table = method_table(
        methods,
        samplers,
        categorical=data.categorical,
        smallest_minority=_smallest_minority(data, minority, imbalance_ratio, unlabelled_share),
        images=data.sample_shape is not None,
        subsampled=imbalance_ratio is not None or unlabelled_share is not None,
        pool=pooled,
    )
    classifier, param_grid = choose_classifier(classifier, param_grid, data, device)
    spaces = feature_spaces(data, fidelity, feature_extractor, classifier, device, random_state)
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
        unlabelled_share,
    )
    seeds = range(random_state, random_state + n_seeds)
    with tqdm(total=len(seeds) * len(parsed), disable=not verbose, desc="evaluate") as progress:
        for seed in seeds:
            protocol.run_seed(seed, seed == seeds[0], progress)
    quality = protocol.quality
    return LiftReport(
        scores=pd.DataFrame(protocol.scores),
        fidelity=pd.DataFrame(quality.fidelity),
        memorization=pd.DataFrame(quality.memorization),
        column_distances=pd.DataFrame(quality.columns),
        histories=protocol.histories,
        samples=protocol.sample_grid.rows,
        distances=quality.distances,
        sample_shape=data.sample_shape,
        settings={
            "n_train": len(data.y),
            "n_val": len(data.y_val),
            "n_test": len(data.y_test),
            "class_counts": {str(k): v for k, v in counts.items()},
            "minority_classes": [str(c) for c in minority],
            "imbalance_ratio": imbalance_ratio,
            "unlabelled": None
            if not pooled
            else {
                "share": unlabelled_share,
                "n_given": 0 if data.X_unlabelled is None else len(data.X_unlabelled),
            },
            "seeds": list(seeds),
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


def _smallest_minority(data: PreparedData, minority: list, ratio, share) -> int:
    """The fewest samples a class to over-sample will have (SMOTE's neighbours fit
    below it): after the pool's share (as on the first seed, less one for the others'
    rounding) and the sub-sampling."""
    y = data.y
    if share is not None:
        rows, _ = split_pool(y, share, 0, data.groups)
        y = y[rows]
    counts = {c: int(np.sum(y == c)) - (share is not None) for c in np.unique(y)}
    smallest = min(counts[c] for c in minority)
    if ratio is not None:
        smallest = min(smallest, minority_target(max(counts.values()), ratio))
    return smallest


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
