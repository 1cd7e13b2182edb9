"""The report's sample grid: a few samples of the first seed per class and source, each
beside what explains it (its source, its closest real image, a latent walk)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..datasets._splits import take_rows

GRID_SAMPLES = 8


class SampleGrid:
    """The rows the report shows, per class: ``rows[cls][source] = samples``.

    Parameters
    ----------
    sample_shape : tuple of int or None
        Shape of one image or volume; None for tables, whose rows are kept
        as they are.
    """

    def __init__(self, sample_shape: tuple[int, ...] | None):
        self.sample_shape = sample_shape
        self.rows: dict = {}

    def keep(self, cls, label: str, real, synthetic, derived_from, X_train) -> None:
        """Keep the first samples of class ``cls`` from source ``label``.

        Samples made from real ones come between their sources and the
        change (sample minus source); generated samples above the real
        training image of the class closest to each.
        """
        rows = self.rows.setdefault(
            cls, {"real": take_rows(real, np.arange(min(GRID_SAMPLES, len(real))))}
        )
        first = np.arange(min(GRID_SAMPLES, len(synthetic)))
        if self.sample_shape is None:  # a table's rows, its categories kept
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

    def keep_walk(self, sampler: Any, label: str, seed: int) -> None:
        """For generators of images: a latent walk per class, shown under its samples."""
        if self.sample_shape is None or not hasattr(sampler, "interpolate"):
            return
        for cls, rows in self.rows.items():
            if label in rows:
                walk = sampler.interpolate(cls, GRID_SAMPLES, random_state=seed)
                rows[f"{label} (latent walk)"] = np.asarray(walk, dtype=np.float64)
