"""Speed of a fit with an unlabelled pool twice the labelled size against the fit
without (issue 34's bound: at most 2x). BreastMNIST train split: a stratified third
labelled, the other two thirds the pool; every sampler at its defaults (epochs
"auto": the pool does not change the number of steps). One process:

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/pool_speed.py [EPOCHS] [gan translation]

Each semi-supervised design is timed with the pool against the plain fit without it.
"""

import sys
import time

import numpy as np
from sklearn.model_selection import train_test_split

from ganaug import GANOversampler, TranslationOversampler
from ganaug.datasets import load_breastmnist

d = load_breastmnist("train")
rows = np.arange(len(d.target))
lab, pool = train_test_split(rows, test_size=2 / 3, stratify=d.target, random_state=0)
X_lab, y_lab = d.images[lab], d.target[lab]
X_in = np.concatenate([X_lab, d.images[pool]])
y_in = np.r_[y_lab, np.full(len(pool), -1)]
epochs = None if len(sys.argv) < 2 else int(sys.argv[1])
which = sys.argv[2:] or ["gan", "translation"]
print(f"labelled {len(lab)} ({np.bincount(y_lab).tolist()}), pool {len(pool)}")
for name in which:
    S = {"gan": GANOversampler, "translation": TranslationOversampler}[name]
    for ss in (None, "pseudo-labels", "k-plus-one"):
        params = {"random_state": 0, "verbose": 0, "semi_supervised": ss}
        if epochs:
            params["epochs"] = epochs
        times = {}
        for arm, (X, y) in (("without", (X_lab, y_lab)), ("with", (X_in, y_in))):
            if ss is not None and arm == "without":
                continue
            t = time.perf_counter()
            S(**params).fit_resample(X, y)
            times[arm] = time.perf_counter() - t
        if ss is None:
            base = times["without"]
        with_pool = times["with"]
        print(
            f"{name} {ss}: without {base:.1f} s, with pool {with_pool:.1f} s "
            f"-> {with_pool / base:.2f}x",
            flush=True,
        )
