"""Per-seed quality records: fidelity of each source's samples to the real test samples
of their class, and memorization of the real training samples."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ..datasets._splits import take_rows
from ..distances import kernel_distance
from ._cnn import CNNClassifier
from ._data import PreparedData, class_rows
from ._features import FeatureSpace, learned_feature_spaces, user_feature_space
from ._fidelity import (
    column_distances,
    correlation_difference,
    frechet_distance,
    inception_score,
    precision_recall_coverage,
)
from ._memorization import MemorizationCheck, check_memorization
from ._signature import change_correlation, signature_auroc

# The source name of a latent sampler's real samples passed through its autoencoder.
RECONSTRUCTED = " (reconstructed)"


def feature_spaces(
    data: PreparedData,
    fidelity: bool,
    feature_extractor: Callable | str | None,
    classifier: Any,
    device: str,
    seed: int,
) -> list[FeatureSpace]:
    """The spaces fidelity is measured in: the user's extractor, or spaces learned from
    the real training split (a CNN of the classifier's settings when it is one)."""
    if not fidelity:
        return []
    if feature_extractor is not None:
        return [user_feature_space(feature_extractor, data.sample_shape, data.spatial_dims)]
    return learned_feature_spaces(
        data.X,
        data.y,
        data.X_val,
        data.y_val,
        sample_shape=data.sample_shape,
        spatial_dims=data.spatial_dims,
        seed=seed,
        cnn=classifier if isinstance(classifier, CNNClassifier) else CNNClassifier(device=device),
    )


def _as_frame(X) -> pd.DataFrame:
    if hasattr(X, "columns"):
        return X
    return pd.DataFrame(X, columns=[f"x{i}" for i in range(np.shape(X)[1])])


class QualityRecords:
    """The fidelity, column-distance and memorization rows of one evaluation.

    Parameters
    ----------
    data : PreparedData
        The splits; the real test samples of each minority class are the
        fidelity reference.
    spaces : list of FeatureSpace
        Where fidelity is measured (none: fidelity is off).
    minority : list
        The minority classes.
    """

    def __init__(self, data: PreparedData, spaces: list[FeatureSpace], minority: list):
        self.data, self.spaces = data, spaces
        self.test_features = {
            c: {s.name: s.extract(class_rows(data.X_test, data.y_test, c)) for s in spaces}
            for c in minority
        }
        self.fidelity: list[dict] = []
        self.memorization: list[dict] = []
        self.columns: list[dict] = []
        self.distances: dict = {}  # (source, class) -> first seed's distances

    def _memorization_space(self, rows):
        if self.data.sample_shape is not None:
            return np.asarray(rows, dtype=np.float64)
        return self.spaces[0].extract(rows)

    def add_fidelity(self, seed: int, label: str, cls, samples) -> None:
        """Compare ``samples`` of class ``cls`` with the real test samples of that class."""
        if not self.spaces:
            return
        real_test = class_rows(self.data.X_test, self.data.y_test, cls)
        extra = {}
        if self.data.sample_shape is None:
            real_table, fake_table = _as_frame(real_test), _as_frame(samples)
            extra["correlation_difference"] = correlation_difference(real_table, fake_table)
            distances = column_distances(real_table, fake_table, self.data.categorical)
            self.columns += [
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
            self.fidelity.append(
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

    def add_memorization(
        self,
        seed: int,
        first: bool,
        label: str,
        cls,
        synthetic,
        real,
        holdout,
        derived_from,
        X_train,
    ) -> None:
        """How close a source's samples of class ``cls`` sit to the real training samples
        (``real``), against real samples the source never saw (``holdout``); ``X_train`` is
        what ``derived_from`` indexes: the rows the source was given (with an unlabelled
        pool, the training split's and then the pool's)."""
        if len(holdout) < 2 or not (self.spaces or self.data.sample_shape is not None):
            return
        space = self._memorization_space(synthetic)
        real_space = self._memorization_space(real)
        holdout_space = self._memorization_space(holdout)
        check = check_memorization(space, real_space, holdout_space)
        self.memorization.append(
            {
                "seed": seed,
                "method": label,
                "class": cls,
                "near_copy_share": check.near_copy_share,
                "distance_ratio": check.distance_ratio,
                "threshold": check.threshold,
                "flagged": check.flagged,
                "signature_auroc": signature_auroc(
                    space, np.concatenate([real_space, holdout_space]), seed
                ),
                **self._source_distances(check, space, derived_from, X_train),
            }
        )
        if first:
            self.distances[(label, cls)] = (check.synthetic_distances, check.holdout_distances)

    def add_reconstructions(
        self, seed: int, label: str, sampler, cls, real, holdout, real_rows, X_sources
    ) -> None:
        """The latent path's floor: the real samples ``real`` of class ``cls`` passed
        through a latent sampler's autoencoder (``sampler.reconstruct``, values matched
        as its samples' are), judged as its synthetic samples are, as
        ``"<label> (reconstructed)"``; ``real_rows`` index them in ``X_sources``.
        Nothing for a sampler without the latent path."""
        if not getattr(sampler, "latent_", False):
            return
        rebuilt, name = sampler.reconstruct(real), f"{label}{RECONSTRUCTED}"
        self.add_fidelity(seed, name, cls, rebuilt)
        self.add_memorization(seed, False, name, cls, rebuilt, real, holdout, real_rows, X_sources)

    def _source_distances(self, check: MemorizationCheck, space, derived_from, X_train) -> dict:
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
