"""Write a :class:`LiftReport` to a folder: report.md, a self-contained report.html, raw tables.

The writer renders what the report's tables and verdicts say; it reads the
report through its interface (:class:`_Report`), so :mod:`._results` can call
it without the two modules importing each other.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Protocol

import numpy as np
import pandas as pd

from .._version import __version__
from ..utils._files import atomic_folder, write_json
from ..utils._validation import plain_scalar
from ..utils._versions import environment_record
from ._figures import (
    fidelity_figure,
    lift_figure,
    loss_figure,
    memorization_figure,
    sample_figure,
    save_figure,
)
from ._memorization import COPY_FACTOR, HOLDOUT_QUANTILE, MAX_NEAR_COPY_SHARE
from ._methods import HEADLINE_METRICS
from ._metrics import METRICS, TUNED
from ._pool import POOL_COLUMNS
from ._quality import RECONSTRUCTED
from ._stats import TIE_TOLERANCE
from ._verdicts import budget_note

TUNED_NOTE = (
    "balanced_accuracy_tuned: balanced accuracy at the decision threshold that maximises "
    "it on the validation split, for every method (balanced_accuracy is at the classifier's own "
    "threshold, which can fall anywhere when a classifier learns from duplicated or "
    "synthetic minority samples)."
)

RECONSTRUCTED_NOTE = (
    " A latent sampler's (reconstructed) rows: the real training samples of the class "
    "passed through its autoencoder and value-matched as its samples are, the floor of "
    "its samples' fidelity (and, in the memorization table, of their signature); "
    "compare them with real-train and with the sampler's own rows."
)


class _Report(Protocol):
    """What the writer reads of a :class:`~ganaug.evaluation.LiftReport`."""

    scores: pd.DataFrame
    fidelity: pd.DataFrame
    memorization: pd.DataFrame
    column_distances: pd.DataFrame
    histories: dict
    samples: dict
    distances: dict
    sample_shape: tuple | None
    settings: dict

    def summary(self) -> pd.DataFrame: ...
    def lift(self, metric: str = "auroc", baseline: str = "none") -> pd.DataFrame: ...
    def fidelity_summary(self) -> pd.DataFrame: ...
    def memorization_summary(self) -> pd.DataFrame: ...
    def verdicts(self) -> list[str]: ...


@dataclass
class _Block:
    kind: str  # "h1", "h2", "p", "note", "table", "figure" (a matplotlib Figure)
    content: object
    name: str = ""


def _fmt(value) -> str:
    if isinstance(value, float | np.floating):
        return "" if np.isnan(value) else f"{value:.3f}"
    return str(value)


def _markdown_table(frame: pd.DataFrame) -> str:
    frame = frame.reset_index()
    lines = [
        "| " + " | ".join(map(str, frame.columns)) + " |",
        "|" + "---|" * len(frame.columns),
    ]
    lines += ["| " + " | ".join(_fmt(v) for v in row) + " |" for row in frame.itertuples(False)]
    return "\n".join(lines)


def _html_table(frame: pd.DataFrame) -> str:
    return frame.reset_index().to_html(index=False, formatters=None, float_format=_fmt, border=0)


def _lift_table(report: _Report, metric: str) -> pd.DataFrame:
    lift = report.lift(metric)
    summary = report.summary()
    return pd.DataFrame(
        {
            metric: [
                f"{summary.loc[m, f'{metric}_mean']:.3f} ± {summary.loc[m, f'{metric}_std']:.3f}"
                for m in lift.index
            ],
            "lift over none [95% CI]": [
                f"{r.mean_lift:+.3f} [{r.ci_low:+.3f}, {r.ci_high:+.3f}]"
                for r in lift.itertuples()
            ],
            "wins/ties/losses": [f"{r.wins}/{r.ties}/{r.losses}" for r in lift.itertuples()],
            "p": [_fmt(p) for p in lift["p_value"]],
            "share of oracle lift": [_fmt(s) for s in lift["oracle_share"]],
        },
        index=lift.index,
    ).drop(index="none")


def _blocks(report: _Report, title: str, versions: dict[str, str | None]) -> list[_Block]:
    settings = report.settings
    note = budget_note(settings)
    blocks = [
        _Block("h1", title),
        *([_Block("note", note)] if note else []),
        _Block(
            "p",
            f"Training split {settings['n_train']} samples {settings['class_counts']}, "
            f"minority classes {settings['minority_classes']}, "
            + (
                f"sub-sampled to 1:{settings['imbalance_ratio']} per seed"
                if settings.get("imbalance_ratio")
                else "not sub-sampled"
            )
            + _pool_sentence(settings.get("unlabelled")),
        ),
        _Block(
            "p",
            f"Validation {settings['n_val']} (model selection), test {settings['n_test']} "
            f"(all scores). Seeds {settings['seeds']}, paired: every method sees the same "
            f"sub-sample and classifier budget per seed. Classifier: {settings['classifier']}.",
        ),
        *_grouping_blocks(settings),
        _Block(
            "p",
            "Made with "
            + ", ".join(f"{name} {v or 'not installed'}" for name, v in versions.items())
            + "; other versions or another CPU may move the scores slightly.",
        ),
        _Block("h2", "Verdict"),
    ]
    blocks += [_Block("p", s) for s in report.verdicts()] or [
        _Block("p", "No method adding synthetic samples was compared with a simple alternative.")
    ]
    for metric in HEADLINE_METRICS:
        lift = report.lift(metric).drop(index="none")
        wide = report.scores.pivot(index="seed", columns="method", values=metric)
        blocks += [
            _Block("h2", f"Lift over doing nothing: {metric}"),
            _Block("table", _lift_table(report, metric)),
            _Block(
                "figure",
                lift_figure(
                    lift, {m: (wide[m] - wide["none"]).tolist() for m in lift.index}, metric
                ),
                f"lift_{metric}",
            ),
        ]
    blocks += [
        _Block(
            "p",
            f"Paired Student t interval and test over seeds; a seed is a tie when the "
            f"difference is within ±{TIE_TOLERANCE}. The share of the oracle lift is a "
            "method's mean lift over the oracle's (the removed real minority samples "
            "added back, with class weights).",
        ),
        _Block("h2", "All metrics (mean ± std over seeds, test split)"),
        _Block("table", _all_metrics(report)),
    ]
    if report.scores[TUNED].notna().any():
        blocks.append(_Block("p", TUNED_NOTE))
    blocks += _fidelity_blocks(report)
    blocks += _memorization_blocks(report)
    blocks += _sample_blocks(report)
    for name, history in report.histories.items():
        if {"d_loss", "g_loss"} & set(history):
            blocks += [
                _Block("h2", f"Training losses: {name} (first seed)"),
                _Block("figure", loss_figure(history, name), f"losses_{name}"),
            ]
    return blocks


def _grouping_blocks(settings: dict) -> list[_Block]:
    grouping = settings.get("grouping")
    if grouping is None:
        return [
            _Block(
                "p",
                "Splits are per sample (no groups given): if a patient has several "
                "samples, they may fall on both sides of a split and inflate every score.",
            )
        ]
    val = grouping["n_groups_val"]
    return [
        _Block(
            "p",
            f"Grouped splits: {grouping['n_groups_train']} groups (e.g. patients) in training"
            + (f", {val} others in validation" if val is not None else "")
            + "; minority sub-sampling removes whole groups, so no group is both "
            "trained on and held out.",
        )
    ]


def _pool_sentence(pool: dict | None) -> str:
    if pool is None:
        return ""
    share, given = pool["share"], pool["n_given"]
    parts = [] if share is None else [f"a stratified {share:.0%} of the training split"]
    if given:
        parts.append(f"{given} samples given without labels")
    return (
        f". Unlabelled pool per seed: {' and '.join(parts)}, labels hidden from every "
        "method; self-training and the +pool methods learn from it, the oracle from the "
        "hidden share with its labels. In the table of all metrics, pool used: pool rows "
        "a method was given; pseudo-labelled (correct): those it gave a label, and how "
        "many were right (known to the protocol only, for the hidden share), means over "
        "seeds."
    )


def _all_metrics(report: _Report) -> pd.DataFrame:
    summary = report.summary()
    table = pd.DataFrame(
        {
            m: [
                f"{a:.3f} ± {b:.3f}"
                for a, b in zip(summary[f"{m}_mean"], summary[f"{m}_std"], strict=True)
            ]
            for m in METRICS
            if summary[f"{m}_mean"].notna().any()  # the tuned one: two classes only
        },
        index=summary.index,
    )
    if all(f"{c}_mean" in summary for c in POOL_COLUMNS):
        used, labelled, correct = (summary[f"{c}_mean"] for c in POOL_COLUMNS)
        table["pool used"] = [f"{v:.0f}" for v in used]
        table["pseudo-labelled (correct)"] = [
            f"{a:.0f} ({b:.0f})" for a, b in zip(labelled, correct, strict=True)
        ]
    return table


def _fidelity_blocks(report: _Report) -> list[_Block]:
    if report.fidelity.empty:
        return []
    spaces = report.settings["feature_spaces"]
    text = (
        "Each source's samples of a minority class against the real test samples of "
        f"that class, in the feature space(s) {spaces}, averaged over seeds. "
        "real-train is the floor (real training samples). FID is biased upwards at "
        "small n; KID is unbiased (about 0 for the same distribution). Precision: share "
        "of samples inside the real manifold; recall and coverage: how much of it they "
        "span. ROS duplicates are real samples, so their fidelity is the floor's: read "
        "it with the memorization check."
    )
    if "inception_score" in report.fidelity:
        text += (
            " class_probability: the mean probability the feature space's CNN (trained on "
            "the real training split) gives the intended class. inception_score: exp of "
            "the mean KL divergence between that CNN's p(y|x) and its mean p(y) over the "
            "samples; IS is defined on ImageNet Inception features, this is its in-domain "
            "analogue, not comparable with published scores. Over samples of one class "
            "it is 1 when the CNN judges them all alike and grows as its judgements "
            "split: compare it with real-train's, not with other data sets'."
        )
    if "planes" in report.fidelity_summary().index.get_level_values("space"):
        text += (
            " Volumes have no agreed 3D FID: cnn-3d uses a 3D CNN's features, "
            "plane-0/1/2 a 2D CNN on the middle slice normal to each axis, and planes "
            "their mean; the verdict above does not depend on either."
        )
    summary = report.fidelity_summary()
    if summary.index.get_level_values("method").str.endswith(RECONSTRUCTED).any():
        text += RECONSTRUCTED_NOTE
    return [
        _Block("h2", "Fidelity"),
        _Block("p", text),
        _Block("table", summary),
        *[
            _Block("figure", fidelity_figure(summary, cls), f"fidelity_{cls}")
            for cls in dict.fromkeys(summary.index.get_level_values("class"))
        ],
    ]


def _memorization_blocks(report: _Report) -> list[_Block]:
    if report.memorization.empty:
        return []
    summary = report.memorization_summary()
    blocks = [
        _Block("h2", "Memorization"),
        _Block(
            "p",
            "Distance of each added sample to its closest real training sample of the "
            "same class, against the same distance for real samples the resampler never "
            f"saw (validation and removed minority samples). A near-copy is closer than "
            f"{COPY_FACTOR} times the {HOLDOUT_QUANTILE:.0%} quantile of the held-out "
            f"distances; a source is flagged when over {MAX_NEAR_COPY_SHARE:.0%} of its "
            "samples are near-copies. distance_ratio is the median distance over the "
            "held-out median: below 1, samples sit closer to training patients than "
            "new patients do. For samples made from a real one (translations, augmented "
            "copies), source_distance_ratio is the median distance to that source over "
            "the same held-out median, and unchanged_share the share within the "
            "near-copy threshold of their source: for a translation from another class, "
            "a sample with the wrong class's content under the new label; "
            "change_correlation is the mean pairwise correlation of their changes (near 1: "
            "one pattern stamped on every source). signature_auroc: how well a linear "
            "classifier on the pixels tells a source's samples from real samples of the "
            "class (cross-validated; 0.5: nothing marks them as synthetic). A signature "
            "that only one class's samples carry is a cue a classifier can learn instead "
            "of the class.",
        ),
        _Block("table", summary),
    ]
    for (method, cls), flagged in summary["flagged"].items():
        if flagged:
            copies = method == "ros" or method.endswith(RECONSTRUCTED)
            share = summary.loc[(method, cls), "near_copy_share"]
            note = " (copies by construction)" if copies else ""
            text = f"{share:.0%} of its samples are near-copies of training samples{note}."
            blocks.append(_Block("p", f"FLAGGED: {method}, class {cls}: {text}"))
    space = "pixels" if report.sample_shape is not None else report.settings["feature_spaces"][0]
    for (method, cls), (synthetic, holdout) in report.distances.items():
        threshold = report.memorization.query("method == @method")["threshold"].iloc[0]
        figure = memorization_figure(
            synthetic, holdout, threshold, f"Memorization: {method}, class {cls}", space
        )
        blocks.append(_Block("figure", figure, f"memorization_{method}_{cls}"))
    return blocks


def _sample_blocks(report: _Report) -> list[_Block]:
    if report.sample_shape is None or not report.samples:
        return []
    shape = tuple(report.sample_shape)
    dims = 3 if len(shape) == 4 or (len(shape) == 3 and shape[0] > 4) else 2
    blocks = [
        _Block("h2", "Samples (first seed): one row per source"),
        _Block(
            "p",
            "real: the class's real training images. Below each generator's samples, the "
            "real training image closest to each one (pixel distance): a sample that "
            "looks like its neighbour is a copy. For samples made from a real image "
            "(translations, augmented copies): its source above it and the change below "
            "it (sample minus source; white: none). A generator's latent walk: its "
            "samples along a path between two noise vectors of the class; a smooth "
            "change from one end to the other is a generator that learned a continuous "
            "class, not a lookup of training images."
            + (" Each volume: its middle slices normal to axes 0, 1, 2." if dims == 3 else ""),
        ),
    ]
    for cls, rows in report.samples.items():
        # ROS adds duplicates of the real row
        rows = {k: v for k, v in rows.items() if k.split(" (")[0] != "ros"}
        real = np.asarray(rows["real"], dtype=float)
        figure = sample_figure(
            rows, shape, dims, (float(real.min()), float(real.max())), f"Class {cls}"
        )
        blocks.append(_Block("figure", figure, f"samples_{cls}"))
    return blocks


def _render_markdown(blocks: list[_Block]) -> str:
    out = []
    for block in blocks:
        if block.kind == "h1":
            out.append(f"# {block.content}")
        elif block.kind == "h2":
            out.append(f"## {block.content}")
        elif block.kind == "p":
            out.append(str(block.content))
        elif block.kind == "note":
            out.append(f"> **{block.content}**")
        elif block.kind == "table":
            out.append(_markdown_table(block.content))
        elif block.kind == "figure":
            out.append(f"![{block.name}]({block.name}.png)")
    return "\n\n".join(out) + "\n"


def _render_html(blocks: list[_Block], title: str, pngs: dict[str, bytes]) -> str:
    out = []
    for block in blocks:
        if block.kind in ("h1", "h2"):
            out.append(f"<{block.kind}>{escape(str(block.content))}</{block.kind}>")
        elif block.kind == "p":
            out.append(f"<p>{escape(str(block.content))}</p>")
        elif block.kind == "note":
            out.append(f'<p class="note">{escape(str(block.content))}</p>')
        elif block.kind == "table":
            out.append(_html_table(block.content))
        elif block.kind == "figure":
            data = base64.b64encode(pngs[block.name]).decode()
            out.append(
                f'<figure><img alt="{block.name}" src="data:image/png;base64,{data}">'
                f"<figcaption>{block.name}.png, {block.name}.svg</figcaption></figure>"
            )
    style = (
        "body{font-family:sans-serif;max-width:1000px;margin:2em auto;padding:0 1em}"
        "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;"
        "padding:3px 6px;text-align:right}img{max-width:100%}"
        "figcaption{font-size:11px;color:#666}"
        ".note{background:#fff3cd;border-left:4px solid #E69F00;padding:8px 12px}"
    )
    return (
        f"<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>{escape(title)}</title>"
        f"<style>{style}</style></head><body>\n" + "\n".join(out) + "\n</body></html>\n"
    )


def _raw_tables(report: _Report) -> dict[str, pd.DataFrame]:
    lift = pd.concat([report.lift(m).assign(metric=m) for m in METRICS], axis=0).reset_index()
    tables = {
        "scores.csv": report.scores,
        "lift.csv": lift,
        "fidelity.csv": report.fidelity,
        "memorization.csv": report.memorization,
        "column_distances.csv": report.column_distances,
    }
    tables.update({f"history_{k}.csv": v for k, v in report.histories.items()})
    return {name: table for name, table in tables.items() if not table.empty}


def write_report(report: _Report, out_dir: Path, title: str) -> Path:
    """Write the report files to a new folder, atomically; see :meth:`LiftReport.write`."""
    # Recorded so a rerun can match them: other versions, or another CPU, may move
    # the scores.
    versions = environment_record()
    blocks = _blocks(report, title, versions)
    with atomic_folder(out_dir) as tmp:
        pngs = {
            block.name: save_figure(block.content, tmp, block.name)
            for block in blocks
            if block.kind == "figure"
        }
        (tmp / "report.md").write_text(_render_markdown(blocks))
        (tmp / "report.html").write_text(_render_html(blocks, title, pngs))
        for name, table in _raw_tables(report).items():
            table.to_csv(tmp / name, index=False)
        results = {
            "ganaug_version": __version__,
            "versions": versions,
            "settings": report.settings,
            "verdicts": report.verdicts(),
            "budget_note": budget_note(report.settings),
            "summary": report.summary().reset_index().to_dict("records"),
            "lift": {m: report.lift(m).reset_index().to_dict("records") for m in METRICS},
            "fidelity": report.fidelity_summary().reset_index().to_dict("records"),
            "memorization": report.memorization_summary().reset_index().to_dict("records"),
        }
        write_json(_jsonable(results), tmp / "results.json")
    return out_dir


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return plain_scalar(value)
