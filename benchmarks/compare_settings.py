"""Compare GANOversampler settings on BreastMNIST 1:10 by what the samples look like.

    .venv/bin/python benchmarks/compare_settings.py

The malignant class of the BreastMNIST training split is sub-sampled to 40
images (399 benign). For each setting the sampler is fitted with default
epochs and measured by:

- ``mal->mal``: share of 200 synthetic malignant images that a class-weighted
  logistic regression trained on all 546 real training images labels
  malignant (real validation malignant images score the reference value);
- ``ben->mal``: the same share for 200 synthetic benign images (lower is
  better; real validation benign images give the reference);
- ``diversity``: mean pairwise pixel distance among synthetic images of a
  class over the same among real images of that class (1.0 = as varied as
  real data; a collapsed generator scores near 0).

This checks sample fidelity only; whether the samples help a downstream
classifier is for the evaluation protocol.
"""

from __future__ import annotations

import time

import numpy as np
from scipy.spatial.distance import pdist
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from ganaug import GANOversampler
from ganaug.datasets import load_breastmnist

SETTINGS = {
    "defaults": {},
    "train_on='target'": {"train_on": "target"},
    "equal learning rates 2e-4": {"generator_lr": 2e-4, "discriminator_lr": 2e-4},
    "class_loss_weight=0": {"class_loss_weight": 0.0},
    "augment=None": {"augment": None},
}


def diversity(samples: np.ndarray, real: np.ndarray) -> float:
    flat = lambda a: a.reshape(len(a), -1).astype(float)[:200]  # noqa: E731
    return float(pdist(flat(samples)).mean() / pdist(flat(real)).mean())


def main() -> None:
    train, val = load_breastmnist("train"), load_breastmnist("val")
    rng = np.random.RandomState(0)
    malignant = np.flatnonzero(train.target == 0)
    keep = np.sort(np.r_[rng.choice(malignant, 40, replace=False), np.flatnonzero(train.target)])
    X, y = train.images[keep], train.target[keep]
    judge = make_pipeline(
        StandardScaler(), LogisticRegression(C=0.01, class_weight="balanced", max_iter=2000)
    ).fit(train.images.reshape(len(train.images), -1) / 255.0, train.target)

    def share_malignant(images: np.ndarray) -> float:
        return float(np.mean(judge.predict(images.reshape(len(images), -1) / 255.0) == 0))

    print("| setting | fit (s) | mal->mal | ben->mal | diversity mal | diversity benign |")
    print("|---|---|---|---|---|---|")
    print(
        f"| real validation images | | {share_malignant(val.images[val.target == 0]):.2f} "
        f"| {share_malignant(val.images[val.target == 1]):.2f} | 1.00 | 1.00 |"
    )
    for name, params in SETTINGS.items():
        sampler = GANOversampler(random_state=0, verbose=0, **params)
        started = time.perf_counter()
        sampler.fit_resample(X, y)
        seconds = time.perf_counter() - started
        fake_malignant = sampler.generate(200, 0, random_state=1)
        benign = ["n/a (not trained)"] * 2
        if sampler.train_on == "all":
            fake_benign = sampler.generate(200, 1, random_state=1)
            benign = [
                f"{share_malignant(fake_benign):.2f}",
                f"{diversity(fake_benign, X[y == 1]):.2f}",
            ]
        print(
            f"| {name} | {seconds:.0f} | {share_malignant(fake_malignant):.2f} | {benign[0]} "
            f"| {diversity(fake_malignant, X[y == 0]):.2f} | {benign[1]} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
