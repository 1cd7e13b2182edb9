"""Paired comparison of methods over seeds: lift, confidence interval, test."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

TIE_TOLERANCE = 0.005
"""Per-seed differences smaller than this count as ties."""


def paired_lift(
    scores: pd.DataFrame,
    metric: str,
    baseline: str = "none",
    oracle: str | None = "oracle",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Lift of every method over ``baseline`` on one metric, paired by seed.

    Parameters
    ----------
    scores : pandas.DataFrame
        One row per (``seed``, ``method``) with a column ``metric``.
    metric : str
        The column to compare.
    baseline : str, default="none"
        The method the lift is measured against.
    oracle : str or None, default="oracle"
        The method whose lift is the attainable maximum; when present,
        ``oracle_share`` is each method's mean lift divided by the oracle's.
    confidence : float, default=0.95
        Level of the two-sided t interval of the mean paired difference.

    Returns
    -------
    lift : pandas.DataFrame
        Indexed by method: ``mean_lift``, ``ci_low``, ``ci_high`` (Student t
        interval of the per-seed differences), ``wins``, ``ties``, ``losses``
        (seeds where the difference is above, within, below
        ``±TIE_TOLERANCE``), ``p_value`` (two-sided paired t-test; NaN with
        fewer than two seeds or constant differences), ``n_seeds`` and
        ``oracle_share``.
    """
    order = list(dict.fromkeys(scores["method"]))
    wide = scores.pivot(index="seed", columns="method", values=metric)[order]
    if baseline not in wide:
        raise ValueError(f"baseline {baseline!r} is not among the methods {list(wide)}.")
    rows = {}
    for method in wide.columns:
        diff = (wide[method] - wide[baseline]).dropna().to_numpy()
        n = len(diff)
        mean = float(diff.mean()) if n else np.nan
        if n >= 2 and np.ptp(diff) > 0:
            sem = diff.std(ddof=1) / np.sqrt(n)
            half = stats.t.ppf(0.5 + confidence / 2, n - 1) * sem
            p_value = float(stats.ttest_1samp(diff, 0.0).pvalue)  # = paired t-test
        else:
            half, p_value = (0.0 if n >= 2 else np.nan), np.nan
        rows[method] = {
            "mean_lift": mean,
            "ci_low": mean - half,
            "ci_high": mean + half,
            "wins": int(np.sum(diff > TIE_TOLERANCE)),
            "ties": int(np.sum(np.abs(diff) <= TIE_TOLERANCE)),
            "losses": int(np.sum(diff < -TIE_TOLERANCE)),
            "p_value": p_value,
            "n_seeds": n,
        }
    lift = pd.DataFrame.from_dict(rows, orient="index")
    lift.index.name = "method"
    oracle_lift = lift["mean_lift"].get(oracle, np.nan) if oracle else np.nan
    lift["oracle_share"] = lift["mean_lift"] / oracle_lift if oracle_lift > 0 else np.nan
    return lift


def summarize(scores: pd.DataFrame, metrics: list[str]) -> pd.DataFrame:
    """Mean and standard deviation over seeds of each metric, per method.

    Parameters
    ----------
    scores : pandas.DataFrame
        One row per (``seed``, ``method``).
    metrics : list of str
        Columns to summarize.

    Returns
    -------
    summary : pandas.DataFrame
        Indexed by method, with columns ``<metric>_mean`` and ``<metric>_std``.
    """
    grouped = scores.groupby("method", sort=False)[metrics]
    mean, std = grouped.mean().add_suffix("_mean"), grouped.std(ddof=1).add_suffix("_std")
    columns = [c for m in metrics for c in (f"{m}_mean", f"{m}_std")]
    return pd.concat([mean, std], axis=1)[columns]
