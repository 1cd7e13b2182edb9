"""Screen of a latent space for volumes (issue 33): latent SMOTE and a latent GAN.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/latent_screen.py --ratio 50 --seeds 3

For each seed of the lift protocol (AdrenalMNIST3D, the 3D CNN, the minority
sub-sampled to 1:``--ratio``, paired seeds as in ``ablate_quality.py``), one
autoencoder (MONAI's AutoencoderKL, :mod:`ganaug.training.autoencoder`) is
fitted on the seed's training volumes, all classes, and shared by every
latent arm of that seed:

- ``lsmote-mix25`` / ``lsmote-all``: new minority volumes decoded from
  interpolations between random pairs of the class's latent codes (SMOTE in
  the latent space), value-matched onto the class's real volumes
  (:func:`ganaug.data.values.match_values`); a quarter of the new volumes,
  the rest duplicates, or all of them;
- ``lgan-mix25`` / ``lgan-all``: the same from a conditional GAN (ganaug's
  ConvGenerator / ConvDiscriminator and GANTrainer) trained on the cached,
  standardised latents of all classes.

Beside the lift (ROS, the oracle) it reports per seed the autoencoder's cost
(time per step, reconstruction Dice and MAE on the validation volumes), the
share of synthetic minority volumes that a 3D CNN fitted on the whole real
training split calls minority (beside the real test minority volumes), and
the signature AUROC (:func:`ganaug.evaluation.signature_auroc`) of the
synthetic minority before and after value matching, against held-out real
minority volumes (ROS's duplicates and the seed's own real minority volumes
beside them) and against the seed's minority volumes they derive from. Scores,
per-seed diagnostics and a summary go to ``benchmarks/results/latent-screen-*``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from sklearn.base import clone
from sklearn.model_selection import TunedThresholdClassifierCV

from ganaug.data.conditions import ClassBalancedBatches
from ganaug.data.images import image_layout
from ganaug.data.values import match_values, value_kind
from ganaug.datasets import load_splits
from ganaug.evaluation import CNNClassifier, evaluate_lift, paired_lift, signature_auroc
from ganaug.evaluation._protocol import subsample_minority
from ganaug.nets.conv import ConvDiscriminator, ConvGenerator
from ganaug.over_sampling._base import ImageInputMixin, SyntheticOversampler
from ganaug.training.autoencoder import fit_autoencoder
from ganaug.training.trainer import GANTrainer
from ganaug.utils._random import draw_seed, seeded_torch

ARMS = {  # name: LatentOversampler parameters
    "lsmote-mix25": {"generator": "smote", "synthetic_share": 0.25},
    "lsmote-all": {"generator": "smote", "synthetic_share": 1.0},
    "lgan-mix25": {"generator": "gan", "synthetic_share": 0.25},
    "lgan-all": {"generator": "gan", "synthetic_share": 1.0},
}
LATENT_RANGE = 3.0  # standardised latents are generated as 3 * tanh(...)
KEPT = 500  # synthetic volumes kept per seed and arm for the diagnostics

_FITS: dict = {}  # (data hash, settings) -> fitted autoencoder / latent GAN
DIAGNOSTICS: dict = {}  # seed -> what the autoencoder and the generators did
SYNTHETIC: dict = {}  # (seed, generator) -> {"raw": volumes, "matched": volumes}


class _ScaledGenerator(torch.nn.Module):
    """A ConvGenerator whose tanh output spans +-LATENT_RANGE standardised units."""

    def __init__(self, generator: ConvGenerator) -> None:
        super().__init__()
        self.generator = generator
        self.latent_dim = generator.latent_dim

    def forward(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return LATENT_RANGE * self.generator(z, y)


class LatentOversampler(ImageInputMixin, SyntheticOversampler):
    """Benchmark-only sampler: new volumes from an autoencoder's latent space.

    ``generator="smote"``: decoded interpolations between random pairs of a
    class's latent codes; ``"gan"``: decoded samples of a conditional GAN
    trained on the standardised latents of all classes. Both value-matched
    onto the class's real volumes (``match``: ``"set"``, ``"sample"`` or None).
    Fits with the same data and settings are shared between arms.
    """

    _parameter_constraints: dict = {**SyntheticOversampler._parameter_constraints}

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        generator="smote",
        synthetic_share=0.25,
        ae_steps=240,
        gan_steps=2000,
        match="set",
        image_shape=None,
        spatial_dims=None,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.generator = generator
        self.synthetic_share = synthetic_share
        self.ae_steps = ae_steps
        self.gan_steps = gan_steps
        self.match = match
        self.image_shape = image_shape
        self.spatial_dims = spatial_dims
        self.balance_synthetic = None

    def _unbalanced_share(self) -> float:
        return self.synthetic_share

    def _fit_synthesis(self, X, y, rng) -> None:
        seed = draw_seed(rng)  # the same draw for every arm of a seed: shared fits
        channels, spatial = image_layout(self.sample_shape_, self.spatial_dims)
        volumes = X.reshape(len(X), channels, *spatial)  # X may hold flat rows
        digest = hashlib.sha1(X.tobytes() + y.tobytes()).hexdigest()
        self.kind_ = value_kind(X)
        self.autoencoder_ = _shared(
            (digest, "ae", self.ae_steps), lambda: _fit_ae(volumes, self.ae_steps, seed)
        )
        self.latents_ = _shared(
            (digest, "latents", self.ae_steps), lambda: self.autoencoder_.encode(volumes)
        )
        if self.generator == "gan":
            self.gan_ = _shared(
                (digest, "gan", self.ae_steps, self.gan_steps),
                lambda: _fit_latent_gan(self.latents_, y, self.gan_steps, seed),
            )

    def _synthetic_rows(self, X, y, cls, n_samples, rng):
        members = np.flatnonzero(y == cls)
        if self.generator == "smote":
            first = rng.choice(members, n_samples)
            offset = rng.randint(1, len(members), n_samples) if len(members) > 1 else 0
            second = members[(np.searchsorted(members, first) + offset) % len(members)]
            lam = rng.uniform(size=(n_samples,) + (1,) * (self.latents_.ndim - 1))
            codes = self.latents_[first] + lam * (self.latents_[second] - self.latents_[first])
            sources = first
        else:
            codes = self.gan_.sample(cls, n_samples, draw_seed(rng))
            sources = np.full(n_samples, -1)
        raw = self.autoencoder_.decode(codes.astype(np.float32)).reshape(n_samples, *X.shape[1:])
        if self.match is None:
            rows = np.clip(np.round(raw), X.min(), X.max()).astype(X.dtype)
        else:
            rows = match_values(raw, X[members], kind=self.kind_, per=self.match)
        key = (self.random_state, self.generator)
        if key not in SYNTHETIC or n_samples > len(SYNTHETIC[key]["raw"]):
            shape = (-1, *self.sample_shape_)
            SYNTHETIC[key] = {
                "raw": raw[:KEPT].reshape(shape),
                "matched": rows[:KEPT].reshape(shape),
            }
        return rows, sources


def _shared(key, make):
    if key not in _FITS:
        _FITS[key] = make()
    return _FITS[key]


def _fit_ae(volumes: np.ndarray, steps: int, seed: int):
    started = time.perf_counter()
    trainer = fit_autoencoder(volumes, steps, random_state=seed % 2**31, verbose=0)
    seconds = time.perf_counter() - started
    step_seconds = [r["seconds"] for r in trainer.history]
    CURRENT["ae"] = {
        "steps": steps,
        "fit_seconds": seconds,
        "seconds_per_step": float(np.median(step_seconds)),
        "loss_first10": float(np.mean([r["loss"] for r in trainer.history[:10]])),
        "loss_last10": float(np.mean([r["loss"] for r in trainer.history[-10:]])),
    }
    return trainer


class _LatentGAN:
    """A conditional GAN on standardised latents (ganaug's conv networks and trainer)."""

    def __init__(self, latents: np.ndarray, y: np.ndarray, steps: int, seed: int) -> None:
        self.classes = np.unique(y)
        codes = np.searchsorted(self.classes, y)
        axes = (0, *range(2, latents.ndim))
        self.mean = latents.mean(axis=axes, keepdims=True)
        self.std = latents.std(axis=axes, keepdims=True) + 1e-6
        standard = np.clip((latents - self.mean) / self.std, -LATENT_RANGE, LATENT_RANGE)
        shape = latents.shape[2:]
        started = time.perf_counter()
        with seeded_torch(seed % 2**31, torch.device("cpu")):
            generator = _ScaledGenerator(
                ConvGenerator(64, len(self.classes), latents.shape[1], shape, width=64)
            )
            discriminator = ConvDiscriminator(latents.shape[1], len(self.classes), shape, width=32)
            self.trainer = GANTrainer(
                generator,
                discriminator,
                generator_lr=1e-4,
                discriminator_lr=4e-4,
                class_loss_weight=1.0,
                ema_half_life=10_000,
                verbose=0,
            )
            batches = ClassBalancedBatches(
                torch.from_numpy(standard.astype(np.float32)),
                torch.from_numpy(codes),
                batch_size=64,
                n_batches=100,
            )
            self.trainer.fit(batches, epochs=max(1, steps // 100))
        history = self.trainer.history
        CURRENT["gan"] = {
            "steps": self.trainer.step,
            "fit_seconds": time.perf_counter() - started,
            "d_loss_last": history[-1]["d_loss"],
            "g_loss_last": history[-1]["g_loss"],
        }

    @torch.no_grad()
    def sample(self, cls, n: int, seed: int) -> np.ndarray:
        generator = self.trainer.ema.model.eval()
        rng = torch.Generator().manual_seed(seed % 2**63)
        z = torch.randn(n, generator.latent_dim, generator=rng)
        label = torch.full((n,), int(np.searchsorted(self.classes, cls)))
        standard = torch.cat(
            [generator(z[i : i + 256], label[i : i + 256]) for i in range(0, n, 256)]
        )
        return standard.numpy() * self.std + self.mean


def _fit_latent_gan(latents, y, steps, seed):
    return _LatentGAN(latents, y, steps, seed)


CURRENT: dict = {}  # diagnostics of the fits made while one seed runs


def _dice(a: np.ndarray, b: np.ndarray) -> float:
    axes = tuple(range(1, a.ndim))
    return float(np.mean(2 * (a & b).sum(axes) / (a.sum(axes) + b.sum(axes) + 1e-9)))


def reconstruction_quality(trainer, X_val: np.ndarray, X_train: np.ndarray) -> dict:
    """The autoencoder's floor on validation volumes: MAE (on the 0-1 scale), Dice of
    the reconstructions thresholded halfway and value-matched onto the training volumes."""
    low, high = float(X_train.min()), float(X_train.max())
    decoded = trainer.reconstruct(X_val[:, None])[:, 0]
    truth = X_val == high
    matched = match_values(decoded, X_train, kind=value_kind(X_train)) == high
    return {
        "val_mae": float(np.abs(decoded - X_val).mean() / (high - low)),
        "val_dice_half": _dice(decoded > (low + high) / 2, truth),
        "val_dice_matched": _dice(matched, truth),
    }


def seed_diagnostics(seed: int, splits, ratio: float, judge, minority: int) -> dict:
    """What the seed's autoencoder and generators did, judged against real volumes."""
    kept, pool = subsample_minority(splits.y, [minority], ratio, np.random.RandomState(seed))
    X_train, y_train = splits.X[kept], splits.y[kept]
    real = X_train[y_train == minority]
    held_out = splits.X[pool][splits.y[pool] == minority]  # removed real minority volumes
    trainer = next(fit for key, fit in _FITS.items() if key[1] == "ae")
    diag = {
        "n_minority": len(real),
        "n_held_out": len(held_out),
        **reconstruction_quality(trainer, splits.X_val, X_train),
    }
    # References. Against held-out real volumes, anything derived from the seed's few
    # minority volumes is told apart by where its foreground lies (ROS's duplicates
    # too); against those source volumes, only by how it was made.
    flat = {"held_out": held_out.reshape(len(held_out), -1), "source": real.reshape(len(real), -1)}
    duplicates = real[np.random.RandomState(seed).choice(len(real), KEPT)].reshape(KEPT, -1)
    diag["signature_real"] = signature_auroc(flat["source"], flat["held_out"], seed)
    diag["signature_ros"] = signature_auroc(duplicates, flat["held_out"], seed)
    passed = trainer.reconstruct(held_out[:, None])[:, 0]  # real volumes through the autoencoder
    for label, volumes in (("ae_raw", passed), ("ae_matched", match_values(passed, real))):
        diag[f"signature_{label}"] = signature_auroc(
            volumes.reshape(len(volumes), -1), flat["held_out"], seed
        )
    for (sampler_seed, generator), kept_volumes in SYNTHETIC.items():
        if sampler_seed != seed:
            continue
        for stage in ("raw", "matched"):
            volumes = kept_volumes[stage]
            diag[f"judge_{generator}_{stage}"] = float(np.mean(judge.predict(volumes) == minority))
            for reference, real_flat in flat.items():
                diag[f"signature_{generator}_{stage}_vs_{reference}"] = signature_auroc(
                    volumes.reshape(len(volumes), -1), real_flat, seed
                )
    gan = next((fit for key, fit in _FITS.items() if key[1] == "gan"), None)
    if gan is not None:  # does the label change what the GAN makes?
        for cls in gan.classes:
            codes = gan.sample(cls, 200, seed)
            volumes = trainer.decode(codes)[:, 0]
            matched = match_values(volumes, X_train[y_train == cls])
            diag[f"judge_gan_class{cls}"] = float(np.mean(judge.predict(matched) == minority))
    return diag


def markdown_table(frame: pd.DataFrame) -> str:
    """A frame as a markdown table, numbers to 3 decimals (no tabulate needed)."""

    def cell(value) -> str:
        return f"{value:.3f}" if isinstance(value, (float, np.floating)) else str(value)

    lines = ["| | " + " | ".join(f"seed {c}" for c in frame.columns) + " |"]
    lines.append("|---" * (len(frame.columns) + 1) + "|")
    for name, row in frame.iterrows():
        lines.append(f"| {name} | " + " | ".join(cell(v) for v in row) + " |")
    return "\n".join(lines)


def summarize(scores: pd.DataFrame, diagnostics: dict, judge_real: tuple, command: str) -> str:
    """Markdown: per seed and method AUROC / balanced accuracy, paired differences to ROS,
    and the diagnostics per seed."""
    lines = [f"`{command}`", ""]
    for metric in ("auroc", "balanced_accuracy"):
        order = list(dict.fromkeys(scores["method"]))
        wide = scores.pivot(index="seed", columns="method", values=metric)[order]
        lift = paired_lift(scores, metric, baseline="ros")
        lines += [
            f"### {metric}",
            "",
            "| method | "
            + " | ".join(f"seed {s}" for s in wide.index)
            + " | mean | - ROS per seed | mean - ROS [95% CI] | W/T/L | p |",
            "|---" * (len(wide.index) + 6) + "|",
        ]
        for method in wide.columns:
            diff = wide[method] - wide["ros"]
            row = lift.loc[method]
            lines.append(
                f"| {method} | "
                + " | ".join(f"{v:.3f}" for v in wide[method])
                + f" | {wide[method].mean():.3f} | "
                + ", ".join(f"{d:+.3f}" for d in diff)
                + f" | {row.mean_lift:+.3f} [{row.ci_low:+.3f}, {row.ci_high:+.3f}]"
                + f" | {row.wins:.0f}/{row.ties:.0f}/{row.losses:.0f} | {row.p_value:.3f} |"
            )
        lines.append("")
    frame = pd.DataFrame(diagnostics).T
    flat = frame.drop(columns=[c for c in frame if isinstance(frame[c].iloc[0], dict)])
    for key in ("ae", "gan"):
        if key in frame:
            nested = pd.DataFrame(list(frame[key]), index=frame.index).add_prefix(f"{key}_")
            flat = flat.join(nested)
    lines += [
        "### diagnostics per seed",
        "",
        "judge (3D CNN on the whole real training split, balanced class weights, threshold "
        "tuned for balanced accuracy on the validation split) calls "
        f"{judge_real[0]:.2f} of the real test minority volumes minority "
        f"(and {judge_real[1]:.2f} of the real test majority volumes)",
        "",
        markdown_table(flat.T),
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    """Run the screen, one seed at a time (each seed's results written as it ends)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ratio", type=float, default=50.0)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--ae-steps", type=int, default=240, help="about 5 min on one thread")
    parser.add_argument("--gan-steps", type=int, default=2000)
    parser.add_argument("--arms", nargs="+", default=list(ARMS), choices=list(ARMS))
    parser.add_argument(
        "--cnn-steps", type=int, default=300, help="the 3D CNN's steps (300: the protocol's)"
    )
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    torch.set_num_threads(1)
    splits = load_splits("adrenalmnist3d")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = Path(args.out or f"benchmarks/results/latent-screen-1to{args.ratio:g}-{stamp}")
    out.mkdir(parents=True, exist_ok=True)
    samplers = {
        name: LatentOversampler(ae_steps=args.ae_steps, gan_steps=args.gan_steps, **ARMS[name])
        for name in args.arms
    }
    minority = 1
    started = time.perf_counter()
    # Balanced class weights and a decision threshold tuned on the validation split for
    # balanced accuracy: at 929:259 a plain CNN calls almost nothing minority.
    cnn = CNNClassifier(n_steps=args.cnn_steps, device="cpu")
    judge = clone(cnn).set_params(class_weight="balanced", random_state=0)
    judge.fit(splits.X, splits.y, splits.X_val, splits.y_val)
    judge = TunedThresholdClassifierCV(
        judge, scoring="balanced_accuracy", cv="prefit", refit=False
    ).fit(splits.X_val, splits.y_val)
    test_minority = splits.X_test[splits.y_test == minority]
    judge_real = float(np.mean(judge.predict(test_minority) == minority))
    test_majority = splits.X_test[splits.y_test != minority]
    judge_majority = float(np.mean(judge.predict(test_majority) == minority))
    print(f"judge calls {judge_majority:.2f} of the real test majority minority")
    print(f"judge: {time.perf_counter() - started:.0f} s; minority share {judge_real:.2f}")
    all_scores = []
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        CURRENT.clear()
        started = time.perf_counter()
        report = evaluate_lift(
            splits.X,
            splits.y,
            splits.X_test,
            splits.y_test,
            X_val=splits.X_val,
            y_val=splits.y_val,
            methods=["ros", *samplers, "oracle"],
            samplers=samplers,
            imbalance_ratio=args.ratio,
            n_seeds=1,
            random_state=seed,
            classifier=cnn,
            fidelity=False,
            device="cpu",
            verbose=0,
        )
        diag = {"lift_minutes": (time.perf_counter() - started) / 60, **CURRENT}
        diag.update(seed_diagnostics(seed, splits, args.ratio, judge, minority))
        DIAGNOSTICS[seed] = diag
        report.scores.to_csv(out / f"scores-seed{seed}.csv", index=False)
        (out / f"diagnostics-seed{seed}.json").write_text(
            json.dumps(diag, indent=2, default=float)
        )
        print(json.dumps(diag, indent=2, default=float), flush=True)
        print(report.scores[["method", "auroc", "balanced_accuracy"]].to_string(index=False))
        all_scores.append(report.scores)
        _FITS.clear()
        SYNTHETIC.clear()
    scores = pd.concat(all_scores, ignore_index=True)
    scores.to_csv(out / "scores.csv", index=False)
    command = "OMP_NUM_THREADS=1 .venv/bin/python benchmarks/latent_screen.py " + " ".join(
        f"--{k.replace('_', '-')} {' '.join(v) if isinstance(v, list) else v}"
        for k, v in vars(args).items()
        if v is not None
    )
    summary = summarize(scores, DIAGNOSTICS, (judge_real, judge_majority), command)
    (out / "summary.md").write_text(summary)
    print(summary)
    print(f"results: {out}")


if __name__ == "__main__":
    main()
