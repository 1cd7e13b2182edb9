"""Issue 7's and issue 22's goal table from lift reports.

    .venv/bin/python benchmarks/goal_table.py benchmarks/results/share-1to25-auto \
        benchmarks/results/order-1to50-auto

Each argument is a report folder written by ``ablate_quality.py --out`` (its
``scores.csv`` and the case in the first line of ``report.md``), or folders
joined by ``+``: runs of the same case on disjoint seeds, pooled. One row per
folder and arm (``--gan``, the GAN's defaults unless told) that the folder
holds: each method's
mean AUROC (balanced accuracy), then the three goals for the arm, each
judged by a paired t-test over the folder's seeds:

- **never does harm**: the arm minus ROS, and minus augmented ROS
  (``ros-augment-balanced``, ``ros-augment``) where the folder has it, AUROC
  and balanced accuracy; "harm" when either is significantly below zero
  (p < 0.05);
- **AUROC**: at 1:25 and scarcer, half the ROS-to-oracle gap above ROS, judged
  per seed (the arm minus the midpoint of ROS and the oracle); at 1:10, the
  best of ROS, SMOTE, class weights and augmented ROS (the arm minus that
  method);
- **balanced accuracy**: the best of class weights and ROS (at 1:10, also
  SMOTE); GAN minus that method.

A goal reads "met" when the mean difference is at least 0, "below, n.s." when
it is below 0 but not significantly (for a method as the goal: a match), and
"below" when significantly below; each difference comes with its paired 95% CI.

Where the scores have ``balanced_accuracy_tuned`` (balanced accuracy at the
decision threshold tuned on the validation split; issue 33), the row also
judges it: against ROS (and augmented ROS), and as a third goal against the
best of class weights and ROS by that metric. At 1:25 and scarcer the row also
gives the arm against the best simple alternative's AUROC (ROS, SMOTE, class
weights, augmented ROS), issue 33's goal at 1:25.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pandas as pd
from scipy import stats

SIMPLE = ["none", "class-weight", "ros", "smote"]
# ablate_quality's names for AugmentedRandomOverSampler (augmented copies in every
# class; the minority's only): a floor like ROS and a rival, where a folder has it.
AUGMENTED_ROS = ("ros-augment-balanced", "ros-augment")
METRICS = ["auroc", "balanced_accuracy", "balanced_accuracy_tuned"]


def p_value(differences: pd.Series) -> float:
    """Two-sided one-sample t-test of per-seed differences against 0."""
    return float(stats.ttest_1samp(differences, 0.0).pvalue) if differences.std() > 0 else 1.0


def significant(differences: pd.Series) -> bool:
    return p_value(differences) < 0.05


def interval(differences: pd.Series) -> str:
    """Mean per-seed difference and its paired Student t 95% interval."""
    mean, n = differences.mean(), len(differences)
    half = stats.t.ppf(0.975, n - 1) * differences.std(ddof=1) / n**0.5 if n > 1 else 0.0
    return f"{mean:+.3f} [{mean - half:+.3f}, {mean + half:+.3f}]"


def verdict(differences: pd.Series) -> str:
    """Mean per-seed difference to the goal, its CI and p-value, and the reading."""
    mean = differences.mean()
    reading = "met" if mean >= 0 else ("below" if significant(differences) else "below, n.s.")
    return f"{interval(differences)} (p = {p_value(differences):.2f}): {reading}"


def read_scores(folder: str) -> tuple[pd.DataFrame, str]:
    """A folder's per-seed scores and case; ``A+B`` pools folders run on other seeds
    of the same case (the methods they share)."""
    parts = [Path(p) for p in folder.split("+")]
    tables = [pd.read_csv(p / "scores.csv") for p in parts]
    shared = set.intersection(*(set(t["method"]) for t in tables))
    scores = pd.concat([t[t["method"].isin(shared)] for t in tables], ignore_index=True)
    if scores.duplicated(["seed", "method"]).any():
        raise SystemExit(f"{folder}: pooled folders share seeds; pool disjoint seed ranges")
    case = (parts[0] / "report.md").read_text().splitlines()[0].lstrip("# ")
    if len(parts) > 1:
        seeds = sorted(scores["seed"].unique())
        case = re.sub(r"seeds [\d-]+", f"seeds {seeds[0]}-{seeds[-1]} pooled", case)
    return scores, case


def goal_row(folder: str, gan: str) -> dict | None:
    """The goal row of one arm in one folder, or None where the folder lacks the arm."""
    scores, case = read_scores(folder)
    if gan not in set(scores["method"]):
        return None
    ratio = float(re.search(r"1:([\d.]+)", case).group(1))
    metrics = [m for m in METRICS if m in scores and scores[m].notna().any()]
    wide = {
        metric: scores.pivot(index="seed", columns="method", values=metric) for metric in metrics
    }
    auroc, balanced = wide["auroc"], wide["balanced_accuracy"]
    tuned = wide.get("balanced_accuracy_tuned")
    augmented = [m for m in AUGMENTED_ROS if m in auroc]
    methods = [m for m in [*SIMPLE, *augmented, "oracle"] if m in auroc]
    names = "AUROC (BA" + (", BA tuned)" if tuned is not None else ")")
    row = {"case": case, "arm": gan, "means": names}
    row.update({m: _means(wide, m) for m in methods})
    row[f"arm {names}"] = _means(wide, gan)
    for floor in ["ros", *augmented]:
        lifts = [table[gan] - table[floor] for table in wide.values()]
        harm = any(lift.mean() < 0 and significant(lift) for lift in lifts)
        row[f"arm - {floor}, {names}"] = (
            " / ".join(interval(lift) for lift in lifts) + f": {'harm' if harm else 'no harm'}"
        )
    simple = ["ros", "smote", "class-weight", *augmented]
    best = max(simple, key=lambda m: auroc[m].mean())
    if ratio >= 25:
        row["AUROC goal"] = "half the gap to the oracle: " + verdict(
            auroc[gan] - (auroc["ros"] + auroc["oracle"]) / 2
        )
        row["AUROC vs best simple"] = f"{best}: " + verdict(auroc[gan] - auroc[best])
        rivals = ["class-weight", "ros"]
    else:
        row["AUROC goal"] = f"{best}: " + verdict(auroc[gan] - auroc[best])
        rivals = ["class-weight", "ros", "smote"]
    best = max(rivals, key=lambda m: balanced[m].mean())
    row["BA goal"] = f"{best}: " + verdict(balanced[gan] - balanced[best])
    if tuned is not None:
        best = max(rivals, key=lambda m: tuned[m].mean())
        row["BA tuned goal"] = f"{best}: " + verdict(tuned[gan] - tuned[best])
    return row


def _means(wide: dict, method: str) -> str:
    """A method's mean AUROC (balanced accuracy[, tuned])."""
    auroc, *others = (f"{table[method].mean():.3f}" for table in wide.values())
    return f"{auroc} ({', '.join(others)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "folders", nargs="+", help="report folders; A+B pools folders of the same case"
    )
    parser.add_argument(
        "--gan",
        nargs="+",
        default=["gan-mix25-filter"],
        help="the method names of the arms to judge (default: the GAN's defaults)",
    )
    args = parser.parse_args()
    rows = [goal_row(folder, arm) for folder in args.folders for arm in args.gan]
    rows = [row for row in rows if row is not None]
    if not rows:
        raise SystemExit(f"none of the folders holds any of the arms {args.gan}")
    table = pd.DataFrame(rows).fillna("")
    print("| " + " | ".join(table.columns) + " |")
    print("|" + "---|" * len(table.columns))
    for values in table.itertuples(index=False):
        print("| " + " | ".join(values) + " |")


if __name__ == "__main__":
    main()
