"""The main job on bundled data: over-sample BreastMNIST and check the samples."""

from __future__ import annotations

import os
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from ..datasets import load_breastmnist
from ..over_sampling import GANOversampler
from ._run_folder import (
    MODEL_FILE,
    RESAMPLED_FILE,
    SUMMARY_FILE,
    atomic_folder,
    check_output,
    write_json,
)
from ._sampler import build_sampler

MALIGNANT = 0


@dataclass
class DemoSummary:
    """What :func:`run_demo` did and measured.

    Parameters
    ----------
    out_dir : str
        The folder written.
    counts_before, counts_after : dict
        Class sizes before and after over-sampling.
    fit_seconds : float
        Training time.
    n_synthetic : int
        Synthetic malignant images made (the rest of the new ones are
        duplicates of real ones).
    synthetic_labelled_malignant : float
        Share of the synthetic malignant images that a classifier trained on
        all real training images labels malignant.
    real_val_labelled_malignant : float
        The same share for the real malignant validation images.
    noise_labelled_malignant : float
        The same share for uniform noise images.
    files : list of str
        The files written.
    """

    out_dir: str
    counts_before: dict
    counts_after: dict
    fit_seconds: float
    n_synthetic: int
    synthetic_labelled_malignant: float
    real_val_labelled_malignant: float
    noise_labelled_malignant: float
    files: list = field(default_factory=list)

    def text(self) -> str:
        """A short human-readable report.

        Returns
        -------
        text : str
        """
        return "\n".join(
            [
                f"BreastMNIST train, malignant sub-sampled: {self.counts_before}",
                f"after GANOversampler ({self.fit_seconds:.1f} s): {self.counts_after}, "
                f"of which {self.n_synthetic} synthetic (the rest real duplicates)",
                "share labelled malignant by a classifier trained on all real images:",
                f"  synthetic malignant images      {self.synthetic_labelled_malignant:.2f}",
                f"  real malignant images (val)     {self.real_val_labelled_malignant:.2f}",
                f"  uniform noise images            {self.noise_labelled_malignant:.2f}",
                f"written to {self.out_dir}: {', '.join(self.files)}",
            ]
        )


def run_demo(
    out_dir: str | os.PathLike | None = None,
    *,
    minority: int = 40,
    epochs: int | str = "auto",
    random_state: int = 0,
    device: str = "auto",
    verbose: int = 1,
) -> DemoSummary:
    """Over-sample BreastMNIST's malignant class and check the synthetic images.

    The malignant class of the bundled training split is sub-sampled to
    ``minority`` images (a 1:10 ratio by default), ``GANOversampler`` balances
    the classes, and a logistic regression trained on all real training
    images tells what share of the synthetic malignant images it labels
    malignant, beside the same share for real validation images and noise.
    This checks the samples; whether they help a classifier is the job of the
    evaluation protocol.

    Read more in the :ref:`User Guide <getting-started>`.

    Parameters
    ----------
    out_dir : str or os.PathLike, optional
        New folder for ``resampled.npz``, ``model.pt`` and ``summary.json``;
        written atomically. Default: ``runs/demo-<time>``.
    minority : int, default=40
        Malignant training images kept.
    epochs : int or "auto", default="auto"
        Passed to :class:`~ganaug.GANOversampler`.
    random_state : int, default=0
        Seed for the sub-sample and the sampler.
    device : str, default="auto"
        Passed to :class:`~ganaug.GANOversampler`.
    verbose : int, default=1
        0 silences the progress bar.

    Returns
    -------
    summary : DemoSummary
    """
    if isinstance(epochs, str) and epochs != "auto":
        epochs = int(epochs)
    sampler = build_sampler(
        GANOversampler,
        {"epochs": epochs, "random_state": random_state, "device": device, "verbose": verbose},
    )
    if out_dir is None:
        out_dir = Path("runs") / time.strftime("demo-%Y%m%d-%H%M%S")
    out_dir = check_output(out_dir)
    train, val = load_breastmnist("train"), load_breastmnist("val")
    rng = np.random.RandomState(random_state)
    malignant = np.flatnonzero(train.target == MALIGNANT)
    if not 2 <= minority <= len(malignant):
        raise ValueError(f"minority must be between 2 and {len(malignant)}, got {minority}.")
    keep = np.sort(
        np.concatenate(
            [
                rng.choice(malignant, minority, replace=False),
                np.flatnonzero(train.target != MALIGNANT),
            ]
        )
    )
    X, y = train.images[keep], train.target[keep]

    started = time.perf_counter()
    X_res, y_res = sampler.fit_resample(X, y)
    fit_seconds = time.perf_counter() - started

    judge = make_pipeline(
        StandardScaler(), LogisticRegression(C=0.01, class_weight="balanced", max_iter=2000)
    )
    judge.fit(train.images.reshape(len(train.images), -1) / 255.0, train.target)

    def share_malignant(images: np.ndarray) -> float:
        predicted = judge.predict(images.reshape(len(images), -1) / 255.0)
        return float(np.mean(predicted == MALIGNANT))

    synthetic = X_res[(sampler.source_indices_ < 0) & (y_res == MALIGNANT)]
    noise = rng.randint(0, 256, size=synthetic.shape).astype(np.uint8)
    summary = DemoSummary(
        out_dir=str(out_dir),
        counts_before=dict(sorted(Counter(y.tolist()).items())),
        counts_after=dict(sorted(Counter(y_res.tolist()).items())),
        fit_seconds=fit_seconds,
        n_synthetic=len(synthetic),
        synthetic_labelled_malignant=share_malignant(synthetic) if len(synthetic) else np.nan,
        real_val_labelled_malignant=share_malignant(val.images[val.target == MALIGNANT]),
        noise_labelled_malignant=share_malignant(noise),
        files=[RESAMPLED_FILE, MODEL_FILE, SUMMARY_FILE],
    )
    with atomic_folder(out_dir) as tmp:
        np.savez_compressed(tmp / RESAMPLED_FILE, X=X_res, y=y_res)
        sampler.save(tmp / MODEL_FILE)
        write_json(asdict(summary), tmp / SUMMARY_FILE)
    return summary
