"""Issue 7's goal table from lift reports.

    .venv/bin/python benchmarks/goal_table.py benchmarks/results/share-1to25-auto \
        benchmarks/results/order-1to50-auto

Each argument is a report folder written by ``ablate_quality.py --out`` (its
``scores.csv`` and the case in the first line of ``report.md``). One row per
folder: each method's mean AUROC (balanced accuracy), then the three goals
for the GAN (``--gan``, the defaults' variant unless told), each judged by a
paired t-test over the folder's seeds:

- **never does harm**: GAN minus ROS, AUROC and balanced accuracy; "harm"
  when either is significantly below zero (p < 0.05);
- **AUROC**: at 1:25 and scarcer, half the ROS-to-oracle gap above ROS, judged
  per seed (the GAN minus the midpoint of ROS and the oracle); at 1:10, the
  best of ROS, SMOTE and class weights (GAN minus that method);
- **balanced accuracy**: the best of class weights and ROS (at 1:10, also
  SMOTE); GAN minus that method.

A goal reads "met" when the mean difference is at least 0, "below, n.s." when
it is below 0 but not significantly (for a method as the goal: a match), and
"below" when significantly below. Folders whose GAN goes by another method
name need their own call with ``--gan``.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pandas as pd
from scipy import stats

SIMPLE = ["none", "class-weight", "ros", "smote"]
METRICS = ["auroc", "balanced_accuracy"]


def p_value(differences: pd.Series) -> float:
    """Two-sided one-sample t-test of per-seed differences against 0."""
    return float(stats.ttest_1samp(differences, 0.0).pvalue) if differences.std() > 0 else 1.0


def significant(differences: pd.Series) -> bool:
    return p_value(differences) < 0.05


def verdict(differences: pd.Series) -> str:
    """Mean per-seed difference to the goal, its p-value, and the reading."""
    mean = differences.mean()
    reading = "met" if mean >= 0 else ("below" if significant(differences) else "below, n.s.")
    return f"{mean:+.3f} (p = {p_value(differences):.2f}): {reading}"


def goal_row(folder: Path, gan: str) -> dict:
    scores = pd.read_csv(folder / "scores.csv")
    case = (folder / "report.md").read_text().splitlines()[0].lstrip("# ")
    ratio = float(re.search(r"1:([\d.]+)", case).group(1))
    wide = {
        metric: scores.pivot(index="seed", columns="method", values=metric) for metric in METRICS
    }
    auroc, balanced = wide["auroc"], wide["balanced_accuracy"]
    methods = [m for m in [*SIMPLE, gan, "oracle"] if m in auroc]
    row = {"case": case}
    row.update({m: f"{auroc[m].mean():.3f} ({balanced[m].mean():.3f})" for m in methods})
    auroc_lift, balanced_lift = auroc[gan] - auroc["ros"], balanced[gan] - balanced["ros"]
    harm = any(lift.mean() < 0 and significant(lift) for lift in (auroc_lift, balanced_lift))
    row["GAN - ROS, AUROC (BA)"] = (
        f"{auroc_lift.mean():+.3f} ({balanced_lift.mean():+.3f}): {'harm' if harm else 'no harm'}"
    )
    if ratio >= 25:
        row["AUROC goal"] = "half the gap to the oracle: " + verdict(
            auroc[gan] - (auroc["ros"] + auroc["oracle"]) / 2
        )
        rivals = ["class-weight", "ros"]
    else:
        best = max(["ros", "smote", "class-weight"], key=lambda m: auroc[m].mean())
        row["AUROC goal"] = f"{best}: " + verdict(auroc[gan] - auroc[best])
        rivals = ["class-weight", "ros", "smote"]
    best = max(rivals, key=lambda m: balanced[m].mean())
    row["BA goal"] = f"{best}: " + verdict(balanced[gan] - balanced[best])
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--gan", default="gan-mix25-filter", help="the GAN's method name")
    args = parser.parse_args()
    table = pd.DataFrame([goal_row(folder, args.gan) for folder in args.folders]).fillna("")
    print("| " + " | ".join(table.columns) + " |")
    print("|" + "---|" * len(table.columns))
    for values in table.itertuples(index=False):
        print("| " + " | ".join(values) + " |")


if __name__ == "__main__":
    main()
