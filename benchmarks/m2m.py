"""M2m (Kim, Jeong and Shin, CVPR 2020) as an imblearn over-sampler: a benchmark arm.

Issue 22 asks for a classifier-guided refinement beside the translation
sampler: majority images pushed toward the minority class under a classifier
fitted on the training split. M2m trains that classifier on the imbalanced
data, then, for every new minority sample, starts from a random image of
another class ``x0`` and takes ``steps`` normalised gradient steps on

    cross_entropy(g(x), minority) + lam * g(x)[source class]

keeping the result if ``g`` gives it the minority class with probability of
at least ``accept``; rejected ones are replaced by duplicates of real
minority images, as in the paper. It is a benchmark arm, not shipped: it
changes pixels along one classifier's gradients (adversarial directions)
and measured no better than the shipped samplers (BENCHMARKS.md).
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from imblearn.over_sampling.base import BaseOverSampler
from sklearn.utils import check_random_state

from ganaug.evaluation import CNNClassifier


class M2mOversampler(BaseOverSampler):
    """Translate random images of other classes toward the minority under a classifier.

    Parameters
    ----------
    sampling_strategy : str, float, dict or callable, default="auto"
        As imblearn's.
    random_state : int, RandomState or None, default=None
        Seeds the classifier, the starting images and the duplicates.
    image_shape : tuple of int, default=None
        Shape of one image when ``X`` holds flat rows.
    spatial_dims : {2, 3} or None, default=None
        As for ganaug's samplers.
    steps : int, default=20
        Gradient steps per image (the paper's T).
    step_size : float, default=1.0
        L2 length of each step, per image, in the classifier's [-1, 1] input scale.
    lam : float, default=0.1
        Weight of the source class's logit (the paper's lambda).
    accept : float, default=0.5
        Minority probability a refined image needs to be kept. On BreastMNIST
        at 1:25 (seed 0), 10 steps of 0.1 and a threshold of 0.9 kept none;
        these defaults keep 89%, each image changed by 22 grey levels on
        average.
    n_steps : int, default=300
        Training steps of the classifier (a :class:`CNNClassifier`).
    """

    _sampling_type = "over-sampling"

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        image_shape=None,
        spatial_dims=None,
        steps=20,
        step_size=1.0,
        lam=0.1,
        accept=0.5,
        n_steps=300,
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.image_shape = image_shape
        self.spatial_dims = spatial_dims
        self.steps = steps
        self.step_size = step_size
        self.lam = lam
        self.accept = accept
        self.n_steps = n_steps

    def _fit_resample(self, X, y):
        rng = check_random_state(self.random_state)
        classifier = CNNClassifier(
            image_shape=self.image_shape,
            spatial_dims=self.spatial_dims,
            n_steps=self.n_steps,
            random_state=rng.randint(2**31 - 1),
            device="cpu",
        ).fit(X, y)
        model = classifier.model_.eval().requires_grad_(False)
        parts_X, parts_y, sources, synthetic = (
            [X],
            [y],
            [np.arange(len(y))],
            [np.zeros(len(y), bool)],
        )
        self.acceptance_rate_ = {}
        for cls, n in self.sampling_strategy_.items():
            if n == 0:
                continue
            target = int(np.searchsorted(classifier.classes_, cls))
            seeds = rng.choice(np.flatnonzero(y != cls), n)
            codes = np.searchsorted(classifier.classes_, y[seeds])
            refined, kept = self._refine(classifier, model, X[seeds], codes, target)
            self.acceptance_rate_[cls] = float(kept.mean())
            duplicates = rng.choice(np.flatnonzero(y == cls), n - int(kept.sum()))
            new = np.concatenate([refined[kept], X[duplicates]])
            parts_X.append(new)
            parts_y.append(np.full(n, cls, dtype=y.dtype))
            sources.append(np.concatenate([seeds[kept], duplicates]))
            synthetic.append(np.arange(n) < kept.sum())
        self.source_indices_ = np.concatenate(sources)
        self.synthetic_mask_ = np.concatenate(synthetic)
        return np.concatenate(parts_X), np.concatenate(parts_y)

    def _refine(self, classifier, model, X_seed, source_codes, target):
        """The seeds moved toward class index ``target``; which the classifier accepts."""
        x = classifier._to_tensor(X_seed).clone()
        rows = torch.arange(len(x))
        source = torch.as_tensor(source_codes)
        goal = torch.full((len(x),), target, dtype=torch.long)
        for _ in range(self.steps):
            x.requires_grad_(True)
            logits = model(x)
            loss = F.cross_entropy(logits, goal, reduction="sum")
            loss = loss + self.lam * logits[rows, source].sum()
            (grad,) = torch.autograd.grad(loss, x)
            norm = grad.flatten(1).norm(dim=1).clamp_min(1e-12)
            step = grad / norm.view(-1, *([1] * (grad.dim() - 1)))
            x = (x.detach() - self.step_size * step).clamp(-1.0, 1.0)
        with torch.no_grad():
            kept = model(x).softmax(dim=1)[:, target].numpy() >= self.accept
        pixels = (x.numpy() + 1.0) / classifier.scale_ + classifier.offset_
        shape = X_seed.shape
        if np.asarray(X_seed).dtype.kind in "iub":
            low, high = np.iinfo(X_seed.dtype).min, np.iinfo(X_seed.dtype).max
            pixels = np.clip(np.round(pixels), low, high)
        return pixels.reshape(shape).astype(X_seed.dtype), kept
