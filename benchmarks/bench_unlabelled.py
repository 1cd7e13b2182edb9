"""The unlabelled pool on the lift protocol (issue 34): does a sampler given the pool
get where self-training cannot?

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_unlabelled.py --case breastmnist-cnn \
        --out benchmarks/results/unlabelled-cnn
    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_unlabelled.py \
        --case breastmnist-logistic --out benchmarks/results/unlabelled-logistic
    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_unlabelled.py --case adrenal3d \
        --out benchmarks/results/unlabelled-adrenal

Per ratio and pool share (the issue's judgement rows: BreastMNIST at 1:50 and 1:25
with u = 0.3 and 0.5, 10 paired seeds, with the CNN and with the logistic pipeline;
AdrenalMNIST3D at 1:50, 6 seeds), :func:`ganaug.evaluation.evaluate_lift` with
``unlabelled_share=u`` makes a stratified share u of the training split each seed's
unlabelled pool, its labels hidden from every method, and sub-samples the labelled
rest to the ratio. Every arm uses class weights, as the issue measured them: none,
ROS, self-training (``SelfTrainingClassifier`` at 0.9 around the logistic pipeline,
two pseudo-labelling refits of the CNN), each sampler without and with the pool
(``+pool``: the pool passed as rows labelled -1) and the oracle (the labelled part
plus the pool with its labels). It writes each report under ``--out`` and prints the
markdown rows for BENCHMARKS.md and the issue's four judgements:

- the best arm that uses the pool (a ``+pool`` sampler) reaches half of oracle - ROS;
- it beats self-training, and the same sampler without the pool (paired, p < 0.05);
- it is never significantly below ROS;
- speed: its fit with the pool against the fit without (pool size over labelled size).

The semi-supervised designs are samplers of their own: ``gan-pseudo`` and
``translation-pseudo`` (``semi_supervised="pseudo-labels"``), ``gan-k1`` and
``translation-k1`` (``"k-plus-one"``). Name them in ``--pool-only`` to run only
their ``+pool`` arm, judged against the plain sampler without the pool (pseudo-labels
without a pool train as the plain sampler, bitwise). A screen:

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_unlabelled.py \
        --case breastmnist-cnn --ratios 50 --shares 0.3 --seeds 3 \
        --samplers gan gan-pseudo gan-k1 translation --pool-only gan-pseudo gan-k1

The issue's levers before "blocked": ``--shares 0.8`` (pool size),
``--pool-prevalence 0.05`` (a pool holding 5% of the minority class, the clinically
common case), ``--pseudo-threshold``, ``translation-balanced`` (signature balancing),
``translation-3x`` (three times the steps), and which part of the translator the pool
reaches: ``translation-dpool`` (the discriminator's real/fake head only),
``translation-trainpool`` (training only, never a source of new samples),
``translation-sources`` (sources of new samples only, never in training); plain
``translation`` with the pool uses it for all three. A lever screen:

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_unlabelled.py \
        --case breastmnist-cnn --ratios 50 --shares 0.5 --seeds 2 \
        --pseudo-threshold 0.97 --samplers translation translation-pseudo \
        translation-dpool translation-sources translation-trainpool --pool-only \
        translation-pseudo translation-dpool translation-sources translation-trainpool

``--seeds 1 --epochs 1 --cnn-steps 5`` is a smoke test of the script, not a result.
"""

from __future__ import annotations

import argparse
import time
from functools import partial
from pathlib import Path

import numpy as np
from bench_lift import LOGISTIC, LOGISTIC_GRID  # the same pipeline as the lift benchmark

from ganaug import AugmentedRandomOverSampler, GANOversampler, TranslationOversampler
from ganaug.datasets import load_splits
from ganaug.evaluation import CNNClassifier, _protocol, evaluate_lift, paired_lift
from ganaug.over_sampling._translation import AUTO_STEPS
from ganaug.training.translation import TranslationTrainer

CASES = {  # data, classifier, ratios, shares, seeds: the judgement rows
    "breastmnist-cnn": ("breastmnist", "cnn", (50, 25), (0.3, 0.5), 10),
    "breastmnist-logistic": ("breastmnist", "logistic", (50, 25), (0.3, 0.5), 10),
    "adrenal3d": ("adrenalmnist3d", "cnn", (50,), (0.3, 0.5), 6),
}


class _DiscriminatorPoolTrainer(TranslationTrainer):
    """The pool as real rows for the discriminator's real/fake head only: never
    translated in training."""

    def _fakes(self, generator, x, y, x_pool=None):
        return super()._fakes(generator, x, y)

    def _generator_penalty(self, generator, x, y, fake, x_pool=None):
        return super()._generator_penalty(generator, x, y, fake)


class _NoPoolTrainer(TranslationTrainer):
    """Training without the pool (its batches' pool rows ignored)."""

    def discriminator_step(self, x, y, x_pool=None):
        return super().discriminator_step(x, y)

    def generator_step(self, x, y, x_pool=None):
        return super().generator_step(x, y)


class _PartPoolTranslation(TranslationOversampler):
    """A lever of the issue's list: the pool for one part of the translator only.
    ``_trainer`` trains with it or not; ``_pool_sources`` says whether its rows are
    translated into new samples."""

    _trainer, _pool_sources = TranslationTrainer, True

    def _make_trainer(self, generator, discriminator, policy, context):
        return self._trainer(
            generator,
            discriminator,
            cycle_weight=self.cycle_weight,
            identity_weight=self.identity_weight,
            change_weight=self.change_weight,
            **self._common_trainer_kwargs(policy, context),
        )

    def _synthetic_rows(self, X, y, cls, n_samples, rng):
        if self._pool_sources:
            return super()._synthetic_rows(X, y, cls, n_samples, rng)
        pool, self._X_unlabelled = self._X_unlabelled, None
        try:
            return super()._synthetic_rows(X, y, cls, n_samples, rng)
        finally:
            self._X_unlabelled = pool


class DiscriminatorPoolTranslation(_PartPoolTranslation):
    """The pool for the discriminator only: not translated in training, no source."""

    _trainer, _pool_sources = _DiscriminatorPoolTrainer, False


class SourcePoolTranslation(_PartPoolTranslation):
    """The pool as translation sources only (and the label gate's feature space):
    training never sees it."""

    _trainer = _NoPoolTrainer


class TrainingPoolTranslation(_PartPoolTranslation):
    """The pool in training only (the discriminator and the translator): no source."""

    _pool_sources = False


class Translation3x(TranslationOversampler):
    """Three times the translator's "auto" steps (the issue's "3x steps")."""

    _auto_steps_by_kind = {kind: 3 * steps for kind, steps in AUTO_STEPS.items()}


SAMPLERS = {
    "gan": GANOversampler,
    "gan-pseudo": partial(GANOversampler, semi_supervised="pseudo-labels"),
    "gan-k1": partial(GANOversampler, semi_supervised="k-plus-one"),
    "translation": TranslationOversampler,
    "translation-pseudo": partial(TranslationOversampler, semi_supervised="pseudo-labels"),
    "translation-k1": partial(TranslationOversampler, semi_supervised="k-plus-one"),
    # the levers before "blocked": which part of the translator the pool reaches,
    # signature balancing, 3x steps
    "translation-dpool": DiscriminatorPoolTranslation,
    "translation-sources": SourcePoolTranslation,
    "translation-trainpool": TrainingPoolTranslation,
    "translation-balanced": partial(TranslationOversampler, balance_synthetic=0.25),
    "translation-3x": Translation3x,
    "ros-augment": AugmentedRandomOverSampler,
}
CW = "+class-weight"
REFERENCE, SELF_TRAINING = f"ros{CW}", f"self-training{CW}"


def methods_for(samplers: list[str], pool_only: tuple[str, ...] = ()) -> list[str]:
    """Every arm with class weights: the references, each sampler without (unless
    ``pool_only`` names it) and with the pool, the oracle."""
    arms = ["none", "class-weight", REFERENCE, SELF_TRAINING]
    for name in samplers:
        arms += [f"{name}{CW}", f"{name}+pool{CW}"][name in pool_only :]
    return [*arms, "oracle"]


def _twin(name: str, arms) -> str:
    """The arm without the pool that sampler ``name``'s pool arm is judged against:
    its own, or the plain sampler's for a design run with the pool only."""
    own = f"{name}{CW}"
    return own if own in arms else f"{name.split('-')[0]}{CW}"


def rows(report) -> str:
    """Markdown rows: AUROC, its paired lift over ROS, and what each arm did with the pool."""
    summary = report.summary()
    lift = report.lift("auroc", baseline=REFERENCE)
    seconds = report.scores.groupby("method", sort=False)["resample_seconds"].mean()
    lines = [
        "| method | AUROC | vs ROS [95% CI] | p | pool used | pseudo-labelled (correct) "
        "| resample (s) |",
        "|---|---|---|---|---|---|---|",
    ]
    for method in lift.index:
        r, s = lift.loc[method], summary.loc[method]
        p = "" if np.isnan(r.p_value) else f"{r.p_value:.3f}"
        lines.append(
            f"| {method} | {s.auroc_mean:.3f} ± {s.auroc_std:.3f} | {r.mean_lift:+.3f} "
            f"[{r.ci_low:+.3f}, {r.ci_high:+.3f}] | {p} | {s.pool_used_mean:.0f} "
            f"| {s.pool_labelled_mean:.0f} ({s.pool_correct_mean:.0f}) "
            f"| {seconds[method]:.1f} |"
        )
    return "\n".join(lines)


def _versus(scores, method: str, other: str) -> str:
    row = paired_lift(scores, "auroc", baseline=other).loc[method]
    word = "beats" if row.ci_low > 0 else "is below" if row.ci_high < 0 else "ties"
    p = "n/a" if np.isnan(row.p_value) else f"{row.p_value:.3f}"
    return f"{word} {other}: {row.mean_lift:+.3f} [{row.ci_low:+.3f}, {row.ci_high:+.3f}], p {p}"


def judgements(report, samplers: list[str]) -> list[str]:
    """The issue's four judgements, for the best arm that uses the pool."""
    scores = report.scores
    means = scores.groupby("method")["auroc"].mean()
    pooled = [f"{name}+pool{CW}" for name in samplers]
    best = max(pooled, key=lambda m: means[m])
    gap = means["oracle"] - means[REFERENCE]
    reached = means[best] - means[REFERENCE]
    twin = _twin(best.split("+")[0], means.index)
    lines = [
        f"best arm with the pool: {best} ({means[best]:.3f}); oracle - ROS {gap:+.3f}, "
        f"{best} - ROS {reached:+.3f}: "
        + (f"{reached / gap:.0%} of the gap" if gap > 0 else "no gap to close")
        + f" (goal: 50%) -> {'met' if gap > 0 and reached >= gap / 2 else 'not met'}",
        f"{best} {_versus(scores, best, SELF_TRAINING)}",
        f"{best} {_versus(scores, best, twin)}",
        f"{best} {_versus(scores, best, REFERENCE)} (goal: never significantly below)",
    ]
    seconds = scores.groupby("method")["resample_seconds"].mean()
    pool = scores.groupby("method")["pool_used"].mean()
    n_labelled = scores.groupby("method")["n_train"].mean()["none"]
    for name in samplers:
        with_pool, without = seconds[f"{name}+pool{CW}"], seconds[_twin(name, seconds.index)]
        lines.append(
            f"speed, {name}: {with_pool:.1f} s with a pool of {pool[f'{name}+pool{CW}']:.0f} "
            f"({pool[f'{name}+pool{CW}'] / n_labelled:.1f}x the {n_labelled:.0f} labelled "
            f"rows) against {without:.1f} s without: {with_pool / without:.2f}x (goal: at "
            "most 2x for a pool twice the labelled size)"
        )
    return lines


def _samplers(names: list[str], epochs, threshold) -> dict:
    params = {} if epochs is None else {"epochs": epochs}
    pseudo = {} if threshold is None else {"pseudo_label_threshold": threshold}
    return {
        name: SAMPLERS[name]()
        if name == "ros-augment"
        else SAMPLERS[name](**params, **(pseudo if name.endswith("-pseudo") else {}))
        for name in names
    }


def pool_at_prevalence(prevalence: float, minority) -> None:
    """Make every seed's pool hold ``prevalence`` of the ``minority`` class (the
    issue's 5%, the clinically common case): after the protocol's stratified split,
    a seeded draw of the pool's minority rows leaves the run (neither labelled nor
    pooled; the oracle learns the smaller pool)."""
    split = _protocol.split_pool

    def split_at_prevalence(y, share, seed, groups=None):
        labelled, pool = split(y, share, seed, groups)
        rare = pool[np.isin(y[pool], minority)]
        keep = round(prevalence * (len(pool) - len(rare)) / (1 - prevalence))
        left_out = np.random.RandomState(seed).choice(rare, max(len(rare) - keep, 0), False)
        return labelled, np.setdiff1d(pool, left_out)

    _protocol.split_pool = split_at_prevalence


def main() -> None:
    """Run one case over its ratios and shares; print the rows and the judgements."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=CASES, required=True)
    parser.add_argument("--ratios", type=float, nargs="+", help="default: the case's")
    parser.add_argument("--shares", type=float, nargs="+", help="default: 0.3 0.5")
    parser.add_argument("--seeds", type=int, help="default: the case's (10, or 6 in 3D)")
    parser.add_argument("--first-seed", type=int, default=0, help="seeds run from this one on")
    parser.add_argument("--samplers", nargs="+", default=["gan", "translation"], choices=SAMPLERS)
    parser.add_argument(
        "--pool-only", nargs="*", default=(), choices=SAMPLERS, help="only their +pool arm"
    )
    parser.add_argument("--epochs", type=int, help="sampler epochs (default: 'auto')")
    parser.add_argument("--cnn-steps", type=int, help="CNN steps (default: its own, 300)")
    parser.add_argument(
        "--pseudo-threshold", type=float, help="pseudo_label_threshold (default: 0.9)"
    )
    parser.add_argument(
        "--pool-prevalence",
        type=float,
        help="the pool's minority share (default: the data's, by the stratified split)",
    )
    parser.add_argument("--device", default="auto")
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    source, kind, ratios, shares, seeds = CASES[args.case]
    ratios, shares, seeds = args.ratios or ratios, args.shares or shares, args.seeds or seeds
    splits = load_splits(source)
    if args.pool_prevalence is not None:
        counts = np.unique(splits.y, return_counts=True)
        pool_at_prevalence(args.pool_prevalence, counts[0][np.argmin(counts[1])])
    if kind == "logistic":
        classifier, grid = LOGISTIC, LOGISTIC_GRID
    else:
        steps = {} if args.cnn_steps is None else {"n_steps": args.cnn_steps}
        classifier, grid = CNNClassifier(device=args.device, **steps), None
    stamp = time.strftime("%Y%m%d-%H%M%S")
    root = Path(args.out or f"benchmarks/results/unlabelled-{args.case}-{stamp}")
    for ratio in ratios:
        for share in shares:
            started = time.perf_counter()
            report = evaluate_lift(
                splits.X,
                splits.y,
                splits.X_test,
                splits.y_test,
                X_val=splits.X_val,
                y_val=splits.y_val,
                methods=methods_for(args.samplers, tuple(args.pool_only)),
                samplers=_samplers(args.samplers, args.epochs, args.pseudo_threshold),
                classifier=classifier,
                param_grid=grid,
                imbalance_ratio=ratio,
                unlabelled_share=share,
                n_seeds=seeds,
                random_state=args.first_seed,
                device=args.device,
            )
            minutes = (time.perf_counter() - started) / 60
            last = args.first_seed + seeds - 1
            title = f"{args.case}, 1:{ratio:g}, u = {share:g}, seeds {args.first_seed}-{last}"
            out = report.write(root / f"1to{ratio:g}-u{share:g}", title=title)
            print(f"\n### {title} ({minutes:.0f} min)\n")
            print(rows(report))
            print()
            print("\n".join(f"- {line}" for line in judgements(report, args.samplers)))
            print(f"\nreport: {out}")


if __name__ == "__main__":
    main()
