"""Ablation of GANOversampler's sample selection and training on the lift protocol (issue 7).

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/ablate_quality.py --data breastmnist --ratio 10
    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/ablate_quality.py --data adrenalmnist3d \
        --ratio 10 --classifiers auto --variants gan-pure gan-mix-filter gan-mix25-filter

BENCHMARKS.md lists every command behind its tables. The variants (``VARIANTS``)
differ in which new samples ``fit_resample`` returns (``synthetic_share``,
``reject_outliers``, ``match_moments``, the order of filter and matching) or
in training: no class loss, checkpoint selection, two or ten times the steps
(``steps_factor``, turned into ``epochs`` for the data and ratio), LeCam, mode
seeking, training on the minority alone. Variants with the
same training settings train the same generator, so one fit per seed serves
them all (``SharedFitGAN``). Each is scored on the same paired seeds as the
simple baselines, for the CNN (``auto``) and the logistic-regression pipeline,
and compared with ROS by a paired t-test; ``--out`` also writes the reports,
whose ``scores.csv`` allows other paired comparisons.

The latent arms (``LATENT``, issue 33) are the product samplers on the latent
path. ``--autoencoder-cache DIR`` keeps each fitted autoencoder on disk, keyed
by the data, its seed and settings, so the arms of one seed (and later runs)
fit it once; the samples and scores are bitwise those of an uncached run.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from bench_lift import LOGISTIC, LOGISTIC_GRID  # the same pipeline as the lift benchmark
from m2m import M2mOversampler  # issue 22's classifier-guided arm

from ganaug import AugmentedRandomOverSampler, GANOversampler, TranslationOversampler
from ganaug.datasets import load_splits
from ganaug.evaluation import CNNClassifier, evaluate_lift
from ganaug.evaluation._data import minority_target
from ganaug.nets import CHANNELS_LAST
from ganaug.nets.translation import TranslationGenerator
from ganaug.over_sampling import _network
from ganaug.over_sampling._gan import AUTO_STEPS
from ganaug.over_sampling._latent import LatentEncoder, _digest
from ganaug.over_sampling._sample_choice import match_moments

VARIANTS = {  # name: GANOversampler parameters
    "gan-pure": {"synthetic_share": 1.0, "reject_outliers": False},
    "gan-filter": {"synthetic_share": 1.0, "reject_outliers": True},
    "gan-mix": {"synthetic_share": 0.5, "reject_outliers": False},
    "gan-mix-filter": {"synthetic_share": 0.5, "reject_outliers": True},
    "gan-mix25-filter": {"synthetic_share": 0.25, "reject_outliers": True},
    "gan-mix10-filter": {"synthetic_share": 0.1, "reject_outliers": True},
    # the defaults without moment matching (the defaults before 2026-12-02)
    "gan-mix25-filter-unmatched": {"match_moments": False},
    # the defaults, matching candidates before the filter (MatchFirstGAN)
    "gan-mix25-match-first": {},
    # a training change: no auxiliary class loss (samples less class-typical)
    "gan-noaux-mix-filter": {"synthetic_share": 0.5, "class_loss_weight": 0.0},
    "gan-noaux-mix25-filter": {"synthetic_share": 0.25, "class_loss_weight": 0.0},
    # training changes: keep the generator closest to the real class (KID), train longer
    "gan-kid": {"checkpoint_selection": "kid"},
    "gan-long": {"steps_factor": 2},
    "gan-10x": {"steps_factor": 10},  # 4 min a BreastMNIST fit here; 3D: scripts/gpu_check
    "gan-long-kid": {"steps_factor": 2, "checkpoint_selection": "kid"},
    "gan-lecam": {"lecam_weight": 0.3},  # the weight LeCam-GAN used with DiffAugment
    "gan-long-lecam": {"steps_factor": 2, "lecam_weight": 0.3},
    "gan-target": {"train_on": "target"},  # the minority class alone
    "gan-mode-seeking": {"mode_seeking_weight": 1.0},  # the weight MSGAN used
    # signature balancing (issue 22): every class gets raw generator samples ...
    "gan-balanced": {"balance_synthetic": 1.0, "reject_outliers": False, "match_moments": False},
    "gan-balanced-half": {
        "balance_synthetic": 0.5,
        "reject_outliers": False,
        "match_moments": False,
    },
    # ... or filtered and matched ones, each class against its own real samples
    "gan-balanced-select": {"balance_synthetic": 1.0},
    # issue 25: the DCGAN-style defaults against the style-based generator at the same
    # steps (a style step costs about 1.1x: near equal time)
    "gan-defaults": {},
    "style": {"architecture": "style"},
}
TRANSLATION = {  # name: TranslationOversampler parameters (issue 22's second design)
    "trans": {"class_loss_weight": 1.0, "steps": 600},  # the first defaults
    # the defaults' training (in 2D the same as trans-c5; in 3D, 200 steps)
    "trans-defaults": {},
    "trans-defaults-mix25": {"synthetic_share": 0.25},  # the sampler's defaults
    "trans-c5": {"class_loss_weight": 5.0, "steps": 1000},
    "trans-c5-balanced": {"class_loss_weight": 5.0, "steps": 1000, "balance_synthetic": 1.0},
    "trans-c5-mix25": {"class_loss_weight": 5.0, "steps": 1000, "synthetic_share": 0.25},
    "trans-c5-nogate": {"class_loss_weight": 5.0, "steps": 1000, "label_gate": False},
    "trans-c5-all": {"class_loss_weight": 5.0, "steps": 1000, "translate_from": "all"},
    "trans-c5-id10": {
        "class_loss_weight": 5.0,
        "steps": 1000,
        "identity_weight": 10.0,
        "cycle_weight": 10.0,
    },
    "trans-c5-noid": {
        "class_loss_weight": 5.0,
        "steps": 1000,
        "identity_weight": 0.0,
        "cycle_weight": 0.0,
    },
    "trans-c5-full": {"class_loss_weight": 5.0, "steps": 1000},  # FullOutputTranslation
    "trans-c5-3x": {"class_loss_weight": 5.0, "steps": 3000},
    "trans-c5-3x-mix25": {"class_loss_weight": 5.0, "steps": 3000, "synthetic_share": 0.25},
    "trans-c5-3x-mix50": {"class_loss_weight": 5.0, "steps": 3000, "synthetic_share": 0.5},
    "trans-c5-10x-mix25": {"class_loss_weight": 5.0, "steps": 10000, "synthetic_share": 0.25},
    # the translations further transformed by classical augmentation (AugmentedTranslation)
    "trans-c5-3x-mix25-aug": {"class_loss_weight": 5.0, "steps": 3000, "synthetic_share": 0.25},
}
AUGMENTED = {  # name: AugmentedRandomOverSampler parameters (classical augmentation)
    "ros-augment": {"balance_synthetic": None},  # the minority's copies only
    "ros-augment-balanced": {"balance_synthetic": 1.0},
    # geometry only: no gamma or noise (AdrenalMNIST3D's volumes are binary masks)
    "ros-augment-geometric": {"balance_synthetic": 1.0, "gamma": 0.0, "noise": 0.0},
}
# The latent path (issue 33): name -> (GAN or translation, parameters). The screens'
# latent SMOTE mixed a quarter, no outlier filter and no moment matching of the codes;
# its twin with the sampler's defaults for those two; the latent GAN and translator
# with the samplers' defaults on the latent path (and the GAN's samples raw).
LATENT = {
    "latent-interp-mix25": (
        "gan",
        {
            "architecture": "interpolation",
            "reject_outliers": False,
            "match_moments": False,
            "synthetic_share": 0.25,
        },
    ),
    "latent-interp-defaults": ("gan", {"architecture": "interpolation"}),
    "latent-gan-mix25": ("gan", {}),
    "latent-gan-mix25-raw": ("gan", {"reject_outliers": False, "match_moments": False}),
    "latent-trans-mix25": ("translation", {}),
}
BASELINES = ["none", "class-weight", "ros", "smote", "oracle"]

_FITS: dict = {}
ACCEPTANCE: dict = defaultdict(list)
SELECTED: dict = defaultdict(list)  # epochs -> step kept by checkpoint_selection="kid"


def batches_per_epoch(splits, ratio: float) -> int:
    """Training batches per epoch at this ratio (the training split sub-sampled)."""
    counts = np.bincount(np.unique(splits.y, return_inverse=True)[1])
    n_major = counts.max()
    n_train = n_major + (len(counts) - 1) * minority_target(n_major, ratio)
    return -(-n_train // GANOversampler().batch_size)


def epochs_for(splits, ratio: float, factor: float) -> int:
    """``factor`` times the epochs GANOversampler's ``epochs="auto"`` trains for."""
    kind = {2: "table", 3: "image", 4: "volume"}[np.ndim(splits.X)]
    return round(factor * -(-AUTO_STEPS[kind] // batches_per_epoch(splits, ratio)))


class SharedFit:
    """Mixin for a network sampler that reuses the networks of an identical earlier fit.

    Variants that differ only in ``SAMPLE_CHOICE_PARAMS`` train the same networks;
    the first fit is kept and later ones take it (leaving the random state where
    the fit left it: one draw for the training seed, two on the latent path, so
    the samples are those a fresh fit would give).
    """

    def fit_family(self) -> str:
        """Samplers of one family with the same training parameters share fits:
        by default the ganaug class (MatchFirstGAN shares SharedFitGAN's)."""
        return next(c for c in type(self).__mro__ if c.__module__.startswith("ganaug")).__name__

    def _fit_generator(self, X, y, rng, run):
        training = {
            k: v for k, v in self.get_params().items() if k not in self.SAMPLE_CHOICE_PARAMS
        }
        key = (
            self.fit_family(),
            hashlib.sha1(X.tobytes() + y.tobytes()).hexdigest(),
            repr(sorted(training.items())),
        )
        if key in _FITS:
            fitted, state = _FITS[key]
            rng.set_state(state)  # the draws the fit made (its seeds)
            for name, value in fitted.items():
                setattr(self, name, value)
            return
        before = set(vars(self))
        super()._fit_generator(X, y, rng, run)
        fitted = {name: getattr(self, name) for name in set(vars(self)) - before}
        _FITS[key] = (fitted, rng.get_state())


class SharedFitTranslation(SharedFit, TranslationOversampler):
    """TranslationOversampler with shared fits (see :class:`SharedFit`)."""

    def _fit_resample(self, X, y):
        result = super()._fit_resample(X, y)
        ACCEPTANCE[
            (type(self).__name__, self.synthetic_share, self.balance_synthetic, None, 0)
        ].extend(self.acceptance_rate_.values())
        return result


class FullOutputTranslation(SharedFitTranslation):
    """The translation sampler with StarGAN's full output instead of ``x + delta``."""

    def fit_family(self) -> str:
        return type(self).__name__  # other networks: never shares a fit

    def _build_networks(self):
        generator, discriminator = super()._build_networks()
        spatial = self.encoder_.spatial_shape
        full = TranslationGenerator(
            self.encoder_.channels,
            len(self.classes_),
            spatial,
            generator.stem.conv.out_channels,
            residual=False,
        )
        return full.to(memory_format=CHANNELS_LAST[len(spatial)]), discriminator


class AugmentedTranslation(SharedFitTranslation):
    """Translations further transformed by AugmentedRandomOverSampler's default
    augmentation (affine, elastic, gamma, noise); the duplicates stay plain and
    the same as the plain translation's (the transforms' seed comes from the
    sources, not from the sampler's random state)."""

    def _synthetic_rows(self, X, y, cls, n_samples, rng):
        rows, sources = super()._synthetic_rows(X, y, cls, n_samples, rng)
        augmenter = AugmentedRandomOverSampler()
        augmenter._encoder = self.encoder_
        transform = augmenter._transform()
        transform.set_random_state(int(np.random.default_rng(sources).integers(2**31 - 1)))
        Z = self.encoder_.transform(rows)
        Z = np.stack([np.asarray(transform(torch.from_numpy(z))) for z in Z])
        return self.encoder_.inverse_transform(Z).reshape(rows.shape), sources


class SharedFitGAN(SharedFit, GANOversampler):
    """GANOversampler with shared fits (see :class:`SharedFit`)."""

    def _fit_generator(self, X, y, rng, run):
        super()._fit_generator(X, y, rng, run)
        if self.checkpoint_selection == "kid":
            SELECTED[self.epochs].append(self.selected_step_)

    def _fit_resample(self, X, y):
        result = super()._fit_resample(X, y)
        variant = (
            type(self).__name__,
            self.synthetic_share,
            self.balance_synthetic,
            self.reject_outliers,
            self.class_loss_weight,
        )
        ACCEPTANCE[variant].extend(self.acceptance_rate_.values())
        return result


class MatchFirstGAN(SharedFitGAN):
    """Moment-matches the candidates before the manifold filter judges them
    (then, as the defaults, filters and matches the kept ones); not kept."""

    def _chosen_codes(self, codes, real, n_synthetic, cls):
        if self.match_moments:
            codes = match_moments(codes, real, self._continuous_codes())
        return super()._chosen_codes(codes, real, n_synthetic, cls)


class CachedLatentEncoder(LatentEncoder):
    """LatentEncoder whose fitted autoencoders are kept on disk (benchmarks only).

    The key is the data, the autoencoder's seed and steps, the image encoder's
    state, AMP, the device type and torch's thread count: every input of the
    fit. A hit restores the weights and the codes of the fitted samples
    computed during the fit, so later samples and scores are bitwise those of
    an uncached fit.
    """

    folder: Path | None = None

    def _key(self, X) -> str:
        parts = (
            _digest(X),
            self.steps,
            self.random_state,
            repr(self.images.to_state()),
            self.amp,
            self.device.type,
            torch.get_num_threads(),
            torch.__version__,
        )
        return hashlib.sha1(repr(parts).encode()).hexdigest()[:20]

    def fit(self, X, distributed=None):
        path = self.folder / f"autoencoder-{self._key(X)}.pt"
        if path.exists():
            saved = torch.load(path, weights_only=True)
            fitted = LatentEncoder.from_state(saved["state"], self.device)
            self.trainer_, self.mean_, self.std_ = fitted.trainer_, fitted.mean_, fitted.std_
            self._cache = (_digest(X), saved["codes"].numpy())
            self.loaded_ = True
            return self
        super().fit(X, distributed)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        torch.save({"state": self.to_state(), "codes": torch.from_numpy(self._cache[1])}, tmp)
        tmp.replace(path)
        return self


def cache_autoencoders(folder: str) -> None:
    """Make the network samplers' latent path fit through :class:`CachedLatentEncoder`."""
    CachedLatentEncoder.folder = Path(folder)
    CachedLatentEncoder.folder.mkdir(parents=True, exist_ok=True)
    _network.LatentEncoder = CachedLatentEncoder


# others: SharedFitGAN, SharedFitTranslation
SAMPLER_CLASSES = {
    "gan-mix25-match-first": MatchFirstGAN,
    "trans-c5-full": FullOutputTranslation,
    "trans-c5-3x-mix25-aug": AugmentedTranslation,
}


def versus_ros(report, metric: str) -> pd.DataFrame:
    """Mean of each method and its paired difference to ROS."""
    lift = report.lift(metric, baseline="ros")
    mean = report.summary()[f"{metric}_mean"]
    return pd.DataFrame(
        {
            metric: mean,
            "vs ROS": lift.mean_lift,
            "95% CI": [
                f"[{a:+.3f}, {b:+.3f}]" for a, b in zip(lift.ci_low, lift.ci_high, strict=True)
            ],
            "p": lift.p_value,
        }
    )


def table(report) -> str:
    """Markdown table: AUROC, balanced accuracy at the classifier's threshold and at
    the one tuned on the validation split, each against ROS."""
    metrics = ["auroc", "balanced_accuracy", "balanced_accuracy_tuned"]
    frames = [versus_ros(report, metric) for metric in metrics]
    lines = [
        "| method | AUROC | vs ROS [95% CI] | p | balanced acc. | vs ROS [95% CI] | p "
        "| BA tuned | vs ROS [95% CI] | p |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for method in frames[0].index:
        cells = [
            f"{f.loc[method, m]:.3f} | {f.loc[method, 'vs ROS']:+.3f} "
            f"{f.loc[method, '95% CI']} | {f.loc[method, 'p']:.3f}"
            for m, f in zip(metrics, frames, strict=True)
        ]
        lines.append(f"| {method} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    """Run the ablation on one data set and ratio; print one table per classifier."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="breastmnist")
    parser.add_argument("--ratio", type=float, default=10.0)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--first-seed", type=int, default=0, help="seeds run from this one on")
    parser.add_argument(
        "--classifiers", nargs="+", default=["auto", "logistic"], choices=["auto", "logistic"]
    )
    parser.add_argument(
        "--variants",
        nargs="+",
        default=list(VARIANTS),
        choices=[*VARIANTS, *AUGMENTED, *TRANSLATION, *LATENT, "m2m"],
    )
    parser.add_argument(
        "--autoencoder-steps",
        type=int,
        default=None,
        help="the latent arms' autoencoder_steps (default: theirs, 'auto')",
    )
    parser.add_argument(
        "--autoencoder-cache",
        default=None,
        help="keep the latent arms' fitted autoencoders in this folder (see CachedLatentEncoder)",
    )
    parser.add_argument(
        "--cnn-steps", type=int, default=None, help="the CNN's steps (default: its own)"
    )
    parser.add_argument(
        "--no-fidelity", action="store_true", help="skip fidelity (FID etc.) for speed"
    )
    parser.add_argument(
        "--out", default=None, help="also write each classifier's report to OUT-<classifier>"
    )
    args = parser.parse_args()
    splits = load_splits(args.data)
    if args.autoencoder_cache:
        cache_autoencoders(args.autoencoder_cache)
    samplers = {}
    for name in args.variants:
        if name in LATENT:
            family, params = LATENT[name]
            params = {"latent": True, **params}
            if args.autoencoder_steps is not None:
                params["autoencoder_steps"] = args.autoencoder_steps
            cls = SharedFitGAN if family == "gan" else SharedFitTranslation
            samplers[name] = cls(**params)
            continue
        if name in AUGMENTED:
            samplers[name] = AugmentedRandomOverSampler(**AUGMENTED[name])
            continue
        if name == "m2m":
            samplers[name] = M2mOversampler()
            continue
        if name in TRANSLATION:
            # translations only unless a variant says otherwise: the setting every
            # screen before the default became a quarter (synthetic_share=0.25)
            params = {"synthetic_share": 1.0, **TRANSLATION[name]}
            if "steps" in params:  # generator steps, as epochs for this data and ratio
                batches = batches_per_epoch(splits, args.ratio)
                params["epochs"] = -(-params.pop("steps") // batches)  # as epochs="auto"
            samplers[name] = SAMPLER_CLASSES.get(name, SharedFitTranslation)(**params)
            continue
        params = dict(VARIANTS[name])
        if "steps_factor" in params:
            params["epochs"] = epochs_for(splits, args.ratio, params.pop("steps_factor"))
        samplers[name] = SAMPLER_CLASSES.get(name, SharedFitGAN)(**params)
    methods = BASELINES[:-1] + list(samplers) + BASELINES[-1:]
    cnn = "auto" if args.cnn_steps is None else CNNClassifier(n_steps=args.cnn_steps)
    for classifier in args.classifiers:
        ACCEPTANCE.clear()
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
            classifier=LOGISTIC if classifier == "logistic" else cnn,
            param_grid=LOGISTIC_GRID if classifier == "logistic" else None,
            imbalance_ratio=args.ratio,
            n_seeds=args.seeds,
            random_state=args.first_seed,
            fidelity=not args.no_fidelity,
        )
        minutes = (time.perf_counter() - started) / 60
        seeds = f"seeds {args.first_seed}-{args.first_seed + args.seeds - 1}"
        case = f"{args.data}, {classifier}, 1:{args.ratio:g}, {seeds}"
        if args.out:
            report.write(f"{args.out}-{classifier}", title=case)
        print(f"\n### {case} ({minutes:.0f} min)\n")
        print(table(report))
        accepted = {
            f"{sampler}, share {s:g}, balance {b}, aux {w:g}": round(float(np.mean(v)), 3)
            for (sampler, s, b, _, w), v in ACCEPTANCE.items()
            if v
        }
        print(f"\nshare of candidates inside the real manifold: {accepted}")
        print(f"steps kept by checkpoint_selection='kid' (epochs: steps): {dict(SELECTED)}")
        fidelity = report.fidelity_summary()
        print(
            "\n" + fidelity[["fid", "kid", "precision", "recall", "coverage"]].round(3).to_string()
        )


if __name__ == "__main__":
    main()
