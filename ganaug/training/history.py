"""Training history: one record per epoch, with the step losses inside."""

from __future__ import annotations

from typing import Any

import numpy as np


class History(list):
    """A list of per-epoch dicts, as skorch keeps it.

    Each record holds ``epoch``, the epoch means of ``d_loss``, ``g_loss``,
    ``real_score`` and ``fake_score`` (and ``unlabelled_score``, the mean
    score of the unlabelled rows, when the run had an unlabelled pool),
    ``duration`` in seconds and ``steps``: the list of per-step dicts with
    the same losses.
    """

    def column(self, key: str) -> np.ndarray:
        """Return ``key`` from every epoch record as an array."""
        return np.array([record[key] for record in self])

    def to_dataframe(self) -> Any:
        """Return the epoch records (without steps) as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame([{k: v for k, v in r.items() if k != "steps"} for r in self])
