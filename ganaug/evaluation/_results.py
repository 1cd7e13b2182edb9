"""The result of :func:`evaluate_lift`: its tables, their summaries and verdicts."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ._metrics import METRICS
from ._pool import POOL_COLUMNS
from ._report import write_report
from ._stats import paired_lift, summarize
from ._verdicts import verdicts

FIDELITY_COLUMNS = [
    "fid",
    "kid",
    "precision",
    "recall",
    "density",
    "coverage",
    "inception_score",
    "class_probability",
]
# Memorization columns beyond the near-copy check: whether samples carry a signature,
# and for samples made from real ones, how far (and how alike) they moved.
SOURCE_COLUMNS = [
    "signature_auroc",
    "source_distance_ratio",
    "unchanged_share",
    "change_correlation",
]


@dataclass
class LiftReport:
    """Everything one run of the evaluation protocol measured.

    Read more in the :ref:`User Guide <reading-a-report>`.

    Parameters
    ----------
    scores : pandas.DataFrame
        One row per seed and method: the test-split metrics of
        :data:`~ganaug.evaluation.METRICS`, ``n_train`` (rows the classifier
        trained on) and timings; with an unlabelled pool also ``pool_used``
        (pool rows the method was given), ``pool_labelled`` (those it gave a
        label: self-training's pseudo-labels, the oracle's true ones) and
        ``pool_correct`` (of those, the right ones, among the rows whose
        labels the protocol hid).
    fidelity : pandas.DataFrame
        One row per seed, sample source (a resampler's added samples, or
        ``real-train``, the real training samples: the floor), minority class
        and feature space: FID, KID, precision, recall, density, coverage
        against the real test samples of that class; for images, the
        in-domain Inception Score and ``class_probability`` (the mean
        probability the feature space's classifier gives the intended
        class); for tables, the correlation difference.
    memorization : pandas.DataFrame
        One row per seed, resampler and class: near-copy share, median
        distance ratio, threshold and flag (see
        :func:`~ganaug.evaluation.check_memorization`).
    column_distances : pandas.DataFrame
        Tables only: per-column distances to the real test samples.
    histories : dict
        Training history of each resampler that has one (first seed).
    samples : dict
        Per class, a few real and added samples of the first seed, by source;
        for images, generated samples are followed by the closest real
        training image of the class (``"<source> (closest real)"``), samples
        made from real ones come with their sources (``"<source> (source)"``)
        and the change (``"<source> (change)"``, sample minus source).
    distances : dict
        Per (resampler, class), the synthetic and held-out distances to the
        closest training sample (first seed).
    sample_shape : tuple of int or None
        Shape of one image or volume; None for tables.
    settings : dict
        The protocol's settings and data sizes.
    """

    scores: pd.DataFrame
    fidelity: pd.DataFrame
    memorization: pd.DataFrame
    column_distances: pd.DataFrame
    histories: dict = field(default_factory=dict)
    samples: dict = field(default_factory=dict)
    distances: dict = field(default_factory=dict)
    sample_shape: tuple | None = None
    settings: dict = field(default_factory=dict)

    def summary(self) -> pd.DataFrame:
        """Mean and standard deviation over seeds of every metric, per method.

        With an unlabelled pool, also of what each method did with it.

        Returns
        -------
        summary : pandas.DataFrame
        """
        pool = [c for c in POOL_COLUMNS if c in self.scores]
        return summarize(self.scores, [*METRICS, *pool])

    def lift(self, metric: str = "auroc", baseline: str = "none") -> pd.DataFrame:
        """Paired lift of every method over ``baseline`` on ``metric``.

        Parameters
        ----------
        metric : str, default="auroc"
            One of :data:`~ganaug.evaluation.METRICS`.
        baseline : str, default="none"
            The method to compare against.

        Returns
        -------
        lift : pandas.DataFrame
            See :func:`~ganaug.evaluation.paired_lift`.
        """
        if metric not in METRICS:
            raise ValueError(f"metric must be one of {METRICS}, got {metric!r}.")
        return paired_lift(self.scores, metric, baseline=baseline)

    def fidelity_summary(self) -> pd.DataFrame:
        """Fidelity averaged over seeds, per source, class and feature space.

        For volumes, a ``planes`` space averages the three slice planes.

        Returns
        -------
        summary : pandas.DataFrame
        """
        if self.fidelity.empty:
            return self.fidelity
        frame = self.fidelity
        planes = frame[frame["space"].str.startswith("plane-")]
        if not planes.empty:
            keys = ["seed", "method", "class"]
            mean = planes.groupby(keys, sort=False).mean(numeric_only=True).reset_index()
            frame = pd.concat([frame, mean.assign(space="planes")], ignore_index=True)
        columns = [c for c in [*FIDELITY_COLUMNS, "correlation_difference"] if c in frame]
        return frame.groupby(["class", "space", "method"], sort=False)[columns].mean()

    def memorization_summary(self) -> pd.DataFrame:
        """Memorization averaged over seeds, per resampler and class.

        Returns
        -------
        summary : pandas.DataFrame
            ``near_copy_share``, ``distance_ratio`` (means) and ``flagged``
            (true if any seed was flagged), ``signature_auroc`` (how well a
            linear classifier tells the samples from real ones of the class);
            for samples made from real ones (translations, augmented copies)
            also ``source_distance_ratio``, ``unchanged_share`` and
            ``change_correlation`` (means over seeds; empty for the others).
        """
        if self.memorization.empty:
            return self.memorization
        grouped = self.memorization.groupby(["method", "class"], sort=False)
        columns = {
            "near_copy_share": ("near_copy_share", "mean"),
            "distance_ratio": ("distance_ratio", "mean"),
            "flagged": ("flagged", "any"),
        }
        for name in SOURCE_COLUMNS:
            if name in self.memorization:
                columns[name] = (name, "mean")
        return grouped.agg(**columns)

    def verdicts(self) -> list[str]:
        """Plain sentences: does each synthetic method beat the best simple alternative?

        Each method that adds synthetic samples is compared, paired by seed,
        with the best-scoring of class weighting, threshold tuning, ROS,
        augmented ROS and SMOTE, on AUROC and balanced accuracy: it beats it,
        is worse, or is not distinguishable (the 95% interval of the
        difference contains 0).

        Returns
        -------
        sentences : list of str
        """
        return verdicts(self)

    def write(self, out_dir: str | os.PathLike, title: str = "ganaug lift report") -> Path:
        """Write ``report.md``, ``report.html`` and the raw tables to a new folder.

        The folder is written under a temporary name and renamed at the end,
        so an interrupted run leaves no half-written report; an existing
        folder is never overwritten.

        Parameters
        ----------
        out_dir : str or os.PathLike
            New folder.
        title : str, default="ganaug lift report"
            Heading of the report.

        Returns
        -------
        out_dir : pathlib.Path
        """
        return write_report(self, Path(out_dir), title)
