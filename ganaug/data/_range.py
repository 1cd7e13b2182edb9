"""The one check on a value range that the encoders scale by."""

from __future__ import annotations

import numpy as np


def check_value_range(low: float, high: float, what: str = "X") -> None:
    """Refuse values whose range is too wide to scale: its width overflows float64.

    Parameters
    ----------
    low, high : float
        The smallest and largest value.
    what : str, default="X"
        What holds them, for the message (e.g. "X's column 3").

    Raises
    ------
    ValueError
        If ``high - low`` is not finite (values near ±1.8e308).
    """
    with np.errstate(over="ignore"):
        width = np.float64(high) - np.float64(low)
    if not np.isfinite(width):
        raise ValueError(
            f"{what} holds values from {low:.3g} to {high:.3g}, a range wider than float64 "
            "can hold, which ganaug cannot scale; rescale it first (e.g. divide it by its "
            "largest absolute value)."
        )
