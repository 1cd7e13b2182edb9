"""What a finished evaluation says in words: the verdicts and the budget note."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._methods import (
    BENCHMARK_CNN_STEPS,
    BENCHMARK_SEEDS,
    HEADLINE_METRICS,
    NOT_SYNTHETIC,
    REFERENCES,
)
from ._metrics import TUNED
from ._stats import paired_lift


def verdicts(report: Any) -> list[str]:
    """Plain sentences: does each synthetic method beat the best simple alternative?

    For every method that adds synthetic samples (not ``none``, the oracle,
    class weights, threshold tuning, ROS, augmented ROS, SMOTE or
    self-training), and each headline metric, the method is compared, paired
    by seed, with the best-scoring of class weighting, threshold tuning, ROS,
    augmented ROS (``ros-augment``), SMOTE and self-training; a method given
    the unlabelled pool (``gan+pool``) also with the same method without it.

    Parameters
    ----------
    report : LiftReport
        A finished evaluation (its ``scores`` table is read).

    Returns
    -------
    sentences : list of str
    """
    scores = report.scores
    methods = list(dict.fromkeys(scores["method"]))
    candidates = [m for m in methods if m.split("+")[0] not in NOT_SYNTHETIC]
    references = [m for m in methods if m in REFERENCES]
    sentences = []
    for metric in HEADLINE_METRICS:
        means = scores.groupby("method")[metric].mean()
        if references:
            best = max(references, key=lambda m: means[m])
            sentences += [
                _compared(scores, metric, means, method, best, "the best simple alternative")
                for method in candidates
            ]
        for method in candidates:
            twin = "+".join(p for p in method.split("+") if p != "pool")
            if twin != method and twin in methods:
                sentences.append(
                    _compared(scores, metric, means, method, twin, "the same without the pool")
                )
    if references and TUNED in scores and scores[TUNED].notna().any():
        sentences += _tuned_disagreements(scores, candidates, references)
    return sentences


def _tuned_disagreements(scores, candidates: list[str], references: list[str]) -> list[str]:
    """A sentence for each method whose balanced accuracy reads otherwise at the
    decision threshold tuned on the validation split than at the classifier's own."""
    words = {}
    for metric in ("balanced_accuracy", TUNED):
        means = scores.groupby("method")[metric].mean()
        best = max(references, key=lambda m: means[m])
        lift = paired_lift(scores, metric, baseline=best)
        words[metric] = (means, best, {m: _word(lift.loc[m]) for m in candidates})
    means, best, tuned = words[TUNED]
    untuned = words["balanced_accuracy"][2]
    return [
        _compared(scores, TUNED, means, method, best, "the best simple alternative")
        + f" At the classifier's own threshold it {untuned[method]} its best simple alternative."
        for method in candidates
        if tuned[method] != untuned[method]
    ]


def _word(row) -> str:
    """``beats``, ``is worse than`` or ``is not distinguishable from``, by the 95% CI."""
    if row.ci_low > 0:
        return "beats"
    if row.ci_high < 0:
        return "is worse than"
    return "is not distinguishable from"


def _compared(scores, metric: str, means, method: str, other: str, what: str) -> str:
    """One sentence: ``method`` against ``other``, paired by seed, on ``metric``."""
    row = paired_lift(scores, metric, baseline=other).loc[method]
    word = _word(row)
    p_value = "n/a" if np.isnan(row.p_value) else f"{row.p_value:.3f}"
    return (
        f"On {metric}, {method} ({means[method]:.3f}) {word} {what}, {other} "
        f"({means[other]:.3f}): paired difference {row.mean_lift:+.3f}, 95% CI "
        f"[{row.ci_low:+.3f}, {row.ci_high:+.3f}], p = {p_value}, {int(row.n_seeds)} seeds."
    )


def budget_note(settings: dict) -> str | None:
    """A warning when the run's budget is below the one the benchmarks rank methods with.

    Parameters
    ----------
    settings : dict
        :attr:`LiftReport.settings`.

    Returns
    -------
    note : str or None
        None when seeds, CNN steps and sampler epochs are the benchmarks'.
    """
    budget = settings.get("budget", {})
    short = []
    if len(settings["seeds"]) < BENCHMARK_SEEDS:
        short.append(f"{len(settings['seeds'])} seeds (the benchmarks use {BENCHMARK_SEEDS})")
    steps = budget.get("classifier_steps")
    if steps is not None and steps < BENCHMARK_CNN_STEPS:
        short.append(f"a CNN of {steps} steps (its default: {BENCHMARK_CNN_STEPS})")
    short += [
        f"{name} trained for {epochs} epochs (its default: 'auto', sized to the data)"
        for name, epochs in budget.get("sampler_epochs", {}).items()
        if epochs != "auto"
    ]
    if not short:
        return None
    return (
        "Quick budget: " + "; ".join(short) + ". This run shows the workflow and the "
        "report; at this budget the intervals are wide and methods can rank differently "
        "than with the full budget (see BENCHMARKS.md). Do not choose a method from it."
    )
