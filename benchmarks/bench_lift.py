"""The evaluation protocol on the bundled data: does GANOversampler add anything?

    .venv/bin/python benchmarks/bench_lift.py --case breastmnist-cnn
    .venv/bin/python benchmarks/bench_lift.py --case breastmnist-logistic
    .venv/bin/python benchmarks/bench_lift.py --case adrenal3d --seeds 3
    .venv-ctgan/bin/python benchmarks/bench_lift.py --case breast-cancer

Each case sub-samples the minority class to 1:10 (``--ratio``), runs
:func:`ganaug.evaluation.evaluate_lift` with default settings on paired seeds,
writes the full report under ``benchmarks/results/`` and prints the markdown
rows for BENCHMARKS.md. The breast-cancer case adds CTGAN's synthesizer side by
side when the ``ctgan`` package is importable; it is installed for this
benchmark only (in a separate venv, since it pins an older pandas) and is
never a dependency of ganaug.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
from imblearn.over_sampling.base import BaseOverSampler
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from ganaug.datasets import load_splits
from ganaug.evaluation import evaluate_lift
from ganaug.evaluation._verdicts import verdicts

LOGISTIC = make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000))
LOGISTIC_GRID = {"logisticregression__C": [0.001, 0.01, 0.1]}
CASES = {
    "breastmnist-cnn": ("breastmnist", "auto"),
    "breastmnist-logistic": ("breastmnist", "logistic"),
    "adrenal3d": ("adrenalmnist3d", "auto"),
    "breast-cancer": ("breast-cancer", "auto"),
}


class CTGANSampler(BaseOverSampler):
    """CTGAN's synthesizer as an imblearn over-sampler (benchmark only).

    One conditional CTGAN is trained on all rows with the label as a discrete
    column; each class's new rows are sampled conditioned on that label.
    """

    _sampling_type = "over-sampling"

    def __init__(self, *, sampling_strategy="auto", epochs=300, random_state=None):
        super().__init__(sampling_strategy=sampling_strategy)
        self.epochs = epochs
        self.random_state = random_state

    def _fit_resample(self, X, y):
        import torch
        from ctgan import CTGAN

        # CTGAN draws from the global RNGs; seed them so the benchmark repeats.
        torch.manual_seed(self.random_state or 0)
        np.random.seed(self.random_state or 0)  # noqa: NPY002
        frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
        frame["label"] = y.astype(str)
        model = CTGAN(epochs=self.epochs, verbose=False)
        model.fit(frame, discrete_columns=["label"])
        parts_X, parts_y = [X], [y]
        for cls, n in self.sampling_strategy_.items():
            if n:
                rows = model.sample(n, condition_column="label", condition_value=str(cls))
                parts_X.append(rows.drop(columns="label").to_numpy(X.dtype))
                parts_y.append(np.full(n, cls, dtype=y.dtype))
        return np.concatenate(parts_X), np.concatenate(parts_y)


def lift_rows(report) -> str:
    """Markdown rows: per method, AUROC and balanced accuracy with their paired lift."""
    summary = report.summary()
    auroc, ba = report.lift("auroc"), report.lift("balanced_accuracy")
    seconds = report.scores.groupby("method", sort=False)["resample_seconds"].mean()
    lines = [
        "| method | AUROC | lift [95% CI] | balanced acc. | lift [95% CI] | W/T/L (AUROC) "
        "| oracle share (AUROC) | resample (s) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for method in auroc.index:
        a, b = auroc.loc[method], ba.loc[method]
        share = "" if np.isnan(a.oracle_share) else f"{a.oracle_share:.2f}"
        lines.append(
            f"| {method} | {summary.loc[method, 'auroc_mean']:.3f} ± "
            f"{summary.loc[method, 'auroc_std']:.3f} | {a.mean_lift:+.3f} [{a.ci_low:+.3f}, "
            f"{a.ci_high:+.3f}] | {summary.loc[method, 'balanced_accuracy_mean']:.3f} ± "
            f"{summary.loc[method, 'balanced_accuracy_std']:.3f} | {b.mean_lift:+.3f} "
            f"[{b.ci_low:+.3f}, {b.ci_high:+.3f}] | {a.wins:.0f}/{a.ties:.0f}/{a.losses:.0f} "
            f"| {share} | {seconds[method]:.1f} |"
        )
    return "\n".join(lines)


def main() -> None:
    """Run one case and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=CASES, required=True)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--ratio", type=float, default=10.0)
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    source, classifier = CASES[args.case]
    splits = load_splits(source)
    methods = ["none", "class-weight", "threshold", "ros", "smote", "gan", "oracle"]
    samplers = {}
    if args.case == "breast-cancer":
        try:
            import ctgan  # noqa: F401

            samplers["ctgan"] = CTGANSampler()
            methods.insert(-1, "ctgan")
        except ImportError:
            print("ctgan is not installed: running without it")
    started = time.perf_counter()
    report = evaluate_lift(
        splits.X,
        splits.y,
        splits.X_test,
        splits.y_test,
        X_val=splits.X_val,
        y_val=splits.y_val,
        methods=methods,
        samplers=samplers,
        classifier=LOGISTIC if classifier == "logistic" else "auto",
        param_grid=LOGISTIC_GRID if classifier == "logistic" else None,
        imbalance_ratio=args.ratio,
        n_seeds=args.seeds,
    )
    minutes = (time.perf_counter() - started) / 60
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = Path(args.out or f"benchmarks/results/lift-{args.case}-1to{args.ratio:g}-{stamp}")
    report.write(out, title=f"{args.case}, 1:{args.ratio:g}, {args.seeds} seeds")
    print(f"\n### {args.case}, 1:{args.ratio:g}, {args.seeds} seeds ({minutes:.0f} min)\n")
    print(lift_rows(report))
    print()
    print("\n".join(f"- {s}" for s in verdicts(report)))
    fidelity = report.fidelity_summary()
    columns = ["fid", "kid", "precision", "recall", "coverage"]
    print("\n" + fidelity[columns].round(3).to_string())
    print("\n" + report.memorization_summary().round(3).to_string())
    print(f"\nreport: {out}")


if __name__ == "__main__":
    main()
