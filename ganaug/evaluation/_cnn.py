"""A small CNN classifier for 2D images and 3D volumes, as an sklearn estimator.

The downstream classifier of the evaluation protocol for image data. It reads
flat rows (with ``image_shape``) or arrays with image axes, trains a fixed
number of steps with random flips and shifts, and keeps the weights of the
step that scored best on a validation split, when one is passed to ``fit``.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from numbers import Integral, Real

import numpy as np
import torch
import torch.nn.functional as F
from monai.networks.layers.factories import Conv, Norm
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.metrics import roc_auc_score
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import unique_labels
from sklearn.utils.validation import check_is_fitted, check_random_state
from torch import nn
from tqdm.auto import tqdm

from ..data.images import image_layout
from ..training.diffaugment import translation
from ..training.runtime import resolve_device
from ..utils._random import draw_seed, seeded_torch
from ..utils._validation import check_images

WIDTHS = {2: (16, 32, 64), 3: (8, 16, 32)}
PREDICT_BATCH = 256


class SmallCNN(nn.Module):
    """Three convolution blocks (strided after the first), global average pooling, a linear head.

    Parameters
    ----------
    in_channels : int
        Channels of the input.
    n_classes : int
        Number of output logits.
    spatial_dims : {2, 3}
        Images or volumes.
    widths : sequence of int, optional
        Channels of the blocks; default ``WIDTHS[spatial_dims]``.
    """

    def __init__(
        self,
        in_channels: int,
        n_classes: int,
        spatial_dims: int,
        widths: Sequence[int] | None = None,
    ) -> None:
        super().__init__()
        conv, norm = Conv[Conv.CONV, spatial_dims], Norm[Norm.BATCH, spatial_dims]
        layers: list[nn.Module] = []
        channels = in_channels
        for i, width in enumerate(widths or WIDTHS[spatial_dims]):
            stride = 1 if i == 0 and spatial_dims == 2 else 2
            layers += [
                conv(channels, width, 3, stride=stride, padding=1, bias=False),
                norm(width),
                nn.ReLU(inplace=True),
            ]
            channels = width
        self.body = nn.Sequential(*layers)
        self.head = nn.Sequential(nn.Dropout(0.2), nn.Linear(channels, n_classes))
        self.n_features = channels

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """Globally pooled features of the last block, shape ``(n, n_features)``."""
        return self.body(x).flatten(2).mean(dim=2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Class logits, shape ``(n, n_classes)``."""
        return self.head(self.features(x))


def _flip_and_shift(x: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    flip = torch.rand(len(x), generator=generator) < 0.5
    x = torch.where(flip.view(-1, *[1] * (x.dim() - 1)), x.flip(-1), x)
    return translation(x, generator)


class CNNClassifier(ClassifierMixin, BaseEstimator):
    """Small CNN for images or volumes with validation-based checkpoint selection.

    Read more in the :ref:`User Guide <measuring-lift>`.

    Parameters
    ----------
    image_shape : tuple of int, optional
        Shape of one sample, e.g. ``(28, 28)``; needed when ``X`` holds flat
        rows, inferred from ``X`` otherwise.
    spatial_dims : {2, 3}, optional
        Images or volumes, when the shape alone is ambiguous.
    n_steps : int, default=300
        Optimiser steps: the training budget, the same whatever the size of
        the (resampled) training set.
    batch_size : int, default=64
        Samples per step, drawn by shuffled passes over the training set.
    learning_rate : float, default=1e-3
        Adam learning rate (weight decay 1e-4).
    class_weight : {"balanced"} or None, default=None
        Weight the loss by inverse class frequency.
    augment : bool, default=True
        Random horizontal flips and shifts of up to 1/8 of each axis.
    eval_every : int, default=15
        With a validation split, score it every ``eval_every`` steps and keep
        the weights with the best validation AUROC.
    random_state : int, RandomState instance or None, default=None
        Seeds weights, batches and augmentation.
    device : str, default="auto"
        ``"auto"``, ``"cpu"`` or ``"cuda"``.
    verbose : int, default=0
        1 shows a progress bar.

    Attributes
    ----------
    classes_ : ndarray
        Class labels.
    model_ : SmallCNN
        The network at the selected step, in eval mode on the CPU.
    best_step_ : int
        The step whose weights were kept (``n_steps`` without validation).
    validation_scores_ : list of tuple
        ``(step, validation AUROC)`` at every evaluation.
    """

    _parameter_constraints: dict = {
        "image_shape": [tuple, list, None],
        "spatial_dims": [Interval(Integral, 2, 3, closed="both"), None],
        "n_steps": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "class_weight": [StrOptions({"balanced"}), None],
        "augment": ["boolean"],
        "eval_every": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
        "device": [str, torch.device],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        *,
        image_shape: tuple[int, ...] | None = None,
        spatial_dims: int | None = None,
        n_steps: int = 300,
        batch_size: int = 64,
        learning_rate: float = 1e-3,
        class_weight: str | None = None,
        augment: bool = True,
        eval_every: int = 15,
        random_state=None,
        device: str = "auto",
        verbose: int = 0,
    ) -> None:
        self.image_shape = image_shape
        self.spatial_dims = spatial_dims
        self.n_steps = n_steps
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.class_weight = class_weight
        self.augment = augment
        self.eval_every = eval_every
        self.random_state = random_state
        self.device = device
        self.verbose = verbose

    def _to_tensor(self, X) -> torch.Tensor:
        X, sample_shape = check_images(X, self.image_shape, self.spatial_dims)
        if sample_shape != self.sample_shape_:
            raise ValueError(
                f"Samples of shape {sample_shape} do not match the shape seen in fit, "
                f"{self.sample_shape_}."
            )
        X = np.asarray(X, dtype=np.float32).reshape(len(X), self.channels_, *self.spatial_)
        return torch.from_numpy((X - self.offset_) * self.scale_ - 1.0)

    def fit(self, X, y, X_val=None, y_val=None) -> CNNClassifier:
        """Train on ``(X, y)``, selecting the step on ``(X_val, y_val)`` when given.

        Parameters
        ----------
        X : array-like of shape (n_samples, [C,] [D,] H, W) or (n_samples, n_features)
            Training images.
        y : array-like of shape (n_samples,)
            Labels.
        X_val, y_val : array-like, optional
            Validation split for checkpoint selection; never trained on.

        Returns
        -------
        self : CNNClassifier
        """
        self._validate_params()
        X_checked, self.sample_shape_ = check_images(X, self.image_shape, self.spatial_dims)
        self.channels_, self.spatial_ = image_layout(self.sample_shape_, self.spatial_dims)
        self.classes_ = unique_labels(y)
        y_codes = np.searchsorted(self.classes_, np.asarray(y))
        low, high = float(np.min(X_checked)), float(np.max(X_checked))
        self.offset_, self.scale_ = low, 2.0 / (high - low) if high > low else 1.0
        X_t = self._to_tensor(X_checked)
        device = resolve_device(self.device)
        rng = check_random_state(self.random_state)
        weights = None
        if self.class_weight == "balanced":
            weights = compute_class_weight("balanced", classes=self.classes_, y=np.asarray(y))
            weights = torch.tensor(weights, dtype=torch.float32, device=device)
        with seeded_torch(draw_seed(rng), device):
            model = SmallCNN(self.channels_, len(self.classes_), len(self.spatial_)).to(device)
            optimizer = torch.optim.Adam(
                model.parameters(), lr=self.learning_rate, weight_decay=1e-4
            )
            augment_rng = torch.Generator().manual_seed(draw_seed(rng))
            order = np.empty(0, dtype=np.int64)
            self.validation_scores_, best = [], (-math.inf, self.n_steps, None)
            steps = tqdm(range(1, self.n_steps + 1), disable=not self.verbose, desc="CNN")
            for step in steps:
                if len(order) < self.batch_size:
                    order = np.concatenate([order, rng.permutation(len(X_t))])
                batch, order = order[: self.batch_size], order[self.batch_size :]
                x = X_t[batch]
                if self.augment:
                    x = _flip_and_shift(x, augment_rng)
                target = torch.from_numpy(y_codes[batch]).to(device)
                model.train()
                loss = F.cross_entropy(model(x.to(device)), target, weight=weights)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                if X_val is not None and (step % self.eval_every == 0 or step == self.n_steps):
                    score = self._validation_auroc(model, X_val, y_val, device)
                    self.validation_scores_.append((step, score))
                    if score > best[0]:
                        best = (score, step, copy.deepcopy(model.state_dict()))
        if best[2] is not None:
            model.load_state_dict(best[2])
        self.best_step_ = best[1]
        self.model_ = model.cpu().eval()
        return self

    def _validation_auroc(self, model, X_val, y_val, device) -> float:
        proba = self._predict_with(model, self._to_tensor(X_val), device)
        y_val = np.asarray(y_val)
        if len(self.classes_) == 2:
            return float(roc_auc_score(y_val == self.classes_[1], proba[:, 1]))
        return float(roc_auc_score(y_val, proba, multi_class="ovr", labels=self.classes_))

    @torch.inference_mode()
    def _predict_with(self, model, X_t: torch.Tensor, device, features: bool = False):
        model.eval()
        parts = []
        for start in range(0, len(X_t), PREDICT_BATCH):
            x = X_t[start : start + PREDICT_BATCH].to(device)
            out = model.features(x) if features else model(x).softmax(dim=1)
            parts.append(out.float().cpu().numpy())
        return np.concatenate(parts)

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, columns in the order of ``classes_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, [C,] [D,] H, W) or (n_samples, n_features)
            Images.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        check_is_fitted(self, "model_")
        return self._predict_with(self.model_, self._to_tensor(X), torch.device("cpu"))

    def predict(self, X) -> np.ndarray:
        """Most probable class of each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, [C,] [D,] H, W) or (n_samples, n_features)
            Images.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def transform(self, X) -> np.ndarray:
        """Pooled features of the last convolution block (a feature space for FID).

        Parameters
        ----------
        X : array-like of shape (n_samples, [C,] [D,] H, W) or (n_samples, n_features)
            Images.

        Returns
        -------
        features : ndarray of shape (n_samples, n_features)
        """
        check_is_fitted(self, "model_")
        return self._predict_with(
            self.model_, self._to_tensor(X), torch.device("cpu"), features=True
        )
