"""Paired lift statistics: the interval and test come from per-seed differences."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from ganaug.evaluation import paired_lift, summarize


def _scores(**methods):
    rows = []
    for method, values in methods.items():
        rows += [{"seed": s, "method": method, "auroc": v} for s, v in enumerate(values)]
    return pd.DataFrame(rows)


def test_interval_and_p_value_come_from_paired_differences():
    # Seeds differ a lot (a shared seed effect), the method adds ~0.02 on every seed:
    # paired, that is a clear gain; unpaired, it would drown in the seed spread.
    base = np.array([0.60, 0.70, 0.80, 0.65, 0.75])
    lifted = base + np.array([0.021, 0.019, 0.020, 0.022, 0.018])
    lift = paired_lift(_scores(none=base, gan=lifted), "auroc")
    diff = lifted - base
    half = stats.t.ppf(0.975, 4) * diff.std(ddof=1) / np.sqrt(5)
    assert lift.loc["gan", "mean_lift"] == pytest.approx(diff.mean())
    assert lift.loc["gan", "ci_low"] == pytest.approx(diff.mean() - half)
    assert lift.loc["gan", "ci_high"] == pytest.approx(diff.mean() + half)
    assert lift.loc["gan", "p_value"] == pytest.approx(stats.ttest_rel(lifted, base).pvalue)
    assert lift.loc["gan", "ci_low"] > 0
    assert stats.ttest_ind(lifted, base).pvalue > 0.5  # unpaired: nothing to see
    assert (lift.loc["gan", ["wins", "ties", "losses"]] == [5, 0, 0]).all()


def test_pairs_by_seed_not_by_row_order():
    scores = _scores(none=[0.5, 0.9], ros=[0.6, 1.0])
    shuffled = scores.sample(frac=1.0, random_state=1)
    lift = paired_lift(shuffled, "auroc")
    assert lift.loc["ros", "mean_lift"] == pytest.approx(0.1)
    assert lift.loc["ros", "ci_low"] == pytest.approx(0.1)  # constant difference: no spread


def test_ties_losses_and_oracle_share():
    lift = paired_lift(
        _scores(none=[0.5] * 4, ros=[0.5, 0.503, 0.45, 0.56], oracle=[0.6, 0.6, 0.6, 0.6]),
        "auroc",
    )
    assert (lift.loc["ros", ["wins", "ties", "losses"]] == [1, 2, 1]).all()
    assert lift.loc["oracle", "oracle_share"] == pytest.approx(1.0)
    assert lift.loc["ros", "oracle_share"] == pytest.approx(lift.loc["ros", "mean_lift"] / 0.1)
    assert list(lift.index) == ["none", "ros", "oracle"]  # order of appearance
    assert (lift.loc["none", ["wins", "ties", "losses", "n_seeds"]] == [0, 4, 0, 4]).all()


def test_unknown_baseline_is_a_clear_error():
    with pytest.raises(ValueError, match="baseline 'nothing'"):
        paired_lift(_scores(none=[0.5, 0.6]), "auroc", baseline="nothing")


def test_summarize_mean_and_std():
    summary = summarize(_scores(none=[0.5, 0.7], gan=[0.6, 0.6]), ["auroc"])
    assert summary.loc["none", "auroc_mean"] == pytest.approx(0.6)
    assert summary.loc["none", "auroc_std"] == pytest.approx(np.std([0.5, 0.7], ddof=1))
    assert summary.loc["gan", "auroc_std"] == 0
