"""AugmentedRandomOverSampler: random over-sampling with classical image augmentation."""

from __future__ import annotations

import math
from numbers import Real
from typing import Any

import numpy as np
import torch
from imblearn.over_sampling.base import BaseOverSampler
from imblearn.utils import Substitution
from sklearn.utils._param_validation import Interval

from ..data.images import ImageEncoder
from ..data.values import value_kind
from ..utils._docstring import parameter_docs
from ._base import SyntheticOversampler

# Probability that a copy's contrast, and its noise, are changed.
GAMMA_PROB = NOISE_PROB = 0.5


@Substitution(
    sampling_strategy=BaseOverSampler._sampling_strategy_docstring,
    **parameter_docs(
        SyntheticOversampler._parameters_docstring,
        balance_default="1.0",
        unbalanced="every new sample is an augmented copy of a real one.",
        balanced="Keep the default for a CNN: augmented copies in the minority alone\n"
        "        (None) teach it augmentation as a cue to the class. A linear model\n"
        "        on pixels may read it the other way round: measure both (see\n"
        "        :ref:`evidence-signature`).",
        and_tables="",
    ),
)
class AugmentedRandomOverSampler(SyntheticOversampler):
    """Over-sample images with randomly transformed copies of real ones.

    What a careful researcher does without a generator: duplicate real
    images, as ``RandomOverSampler`` does, and transform the copies with
    classical augmentation (MONAI's random affine and elastic deformations,
    gamma contrast and Gaussian noise), in 2D or 3D. With the default
    ``balance_synthetic=1.0`` every class, the majority included, receives
    as many augmented copies as it has samples after over-sampling, so
    augmentation is no cue to the class. It is the honest baseline for every
    generative sampler, and an over-sampler in its own right.

    Masks (``X`` holding two values, e.g. 0 and 255; see
    :func:`ganaug.data.values.value_kind`) are only moved: the affine and
    elastic transforms resample them with nearest-neighbour interpolation
    and the contrast and noise steps are left out, so every copy holds the
    same two values as the real samples. Values no real sample holds would
    be a cue to the copies.

    ``X`` holds images ``(n, H, W)`` / ``(n, C, H, W)``, volumes
    ``(n, D, H, W)`` / ``(n, C, D, H, W)``, or flat rows folded by
    ``image_shape``; the output has the input's shape, dtype and value range.

    Read more in the :ref:`User Guide <augmented-ros>`.

    Parameters
    ----------
    {sampling_strategy}

    random_state : int, RandomState instance or None, default=None
        Chooses the copied samples and seeds their transforms.

    rotation : float, default=15.0
        Largest rotation, in degrees, about each spatial axis.

    scale : float, default=0.1
        Largest relative zoom in or out, per axis.

    translation : float, default=0.1
        Largest shift, as a share of the image size, per axis.

    elastic : float, default=0.5
        Probability of a smooth elastic deformation (a few pixels) of a copy.

    gamma : float, default=0.25
        With probability 0.5, contrast is changed by a gamma drawn from
        ``[1 / (1 + gamma), 1 + gamma]``; 0 disables it. Not for masks.

    noise : float, default=0.02
        With probability 0.5, Gaussian noise of this standard deviation, as a
        share of the data's value range, is added; 0 disables it. Not for
        masks.

    {balance_synthetic}

    {image_shape}

    {spatial_dims}

    {unlabelled}

    Attributes
    ----------
    sampling_strategy_ : dict
        Number of samples to add per class.

    source_indices_ : ndarray of int
        For every returned sample, the input row it is or was transformed from.

    synthetic_mask_ : ndarray of bool
        True for every returned sample that is a transformed copy.

    n_features_in_ : int
        Number of values per sample (pixels).

    sample_shape_ : tuple of int
        Shape of one sample.

    value_kind_ : str
        ``"mask"``, ``"discrete"`` or ``"continuous"``: the kind of values
        of ``X``; copies of masks are only moved, with nearest-neighbour
        resampling.

    See Also
    --------
    GANOversampler : Synthetic samples from a conditional GAN.
    imblearn.over_sampling.RandomOverSampler : Duplication without augmentation.

    Examples
    --------
    >>> from collections import Counter
    >>> from ganaug import AugmentedRandomOverSampler
    >>> from ganaug.datasets import load_breastmnist
    >>> data = load_breastmnist("val")
    >>> sorted(Counter(data.target.tolist()).items())
    [(0, 21), (1, 57)]
    >>> sampler = AugmentedRandomOverSampler(random_state=0)
    >>> X_res, y_res = sampler.fit_resample(data.images, data.target)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 114), (1, 114)]
    >>> int(sampler.synthetic_mask_.sum())
    114
    """

    _parameter_constraints: dict = {
        **SyntheticOversampler._parameter_constraints,
        "rotation": [Interval(Real, 0, 180, closed="both")],
        "scale": [Interval(Real, 0, 1, closed="left")],
        "translation": [Interval(Real, 0, 1, closed="left")],
        "elastic": [Interval(Real, 0, 1, closed="both")],
        "gamma": [Interval(Real, 0, None, closed="left")],
        "noise": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(
        self,
        *,
        sampling_strategy="auto",
        random_state=None,
        rotation=15.0,
        scale=0.1,
        translation=0.1,
        elastic=0.5,
        gamma=0.25,
        noise=0.02,
        balance_synthetic=1.0,
        image_shape=None,
        spatial_dims=None,
        unlabelled="drop",
    ):
        super().__init__(sampling_strategy=sampling_strategy)
        self.random_state = random_state
        self.rotation = rotation
        self.scale = scale
        self.translation = translation
        self.elastic = elastic
        self.gamma = gamma
        self.noise = noise
        self.balance_synthetic = balance_synthetic
        self.image_shape = image_shape
        self.spatial_dims = spatial_dims
        self.unlabelled = unlabelled

    def _fit_synthesis(self, X: np.ndarray, y: np.ndarray, rng) -> None:
        self._encoder = ImageEncoder(self.sample_shape_, self.spatial_dims).fit(X)
        self.value_kind_ = value_kind(X)

    def _unbalanced_share(self) -> float:
        return 1.0

    def _synthetic_rows(self, X: np.ndarray, y: np.ndarray, cls: Any, n_samples: int, rng):
        """``n_samples`` transformed copies of randomly chosen real samples of ``cls``."""
        sources = rng.choice(np.flatnonzero(y == cls), n_samples)
        transform = self._transform()
        transform.set_random_state(int(rng.randint(2**31 - 1)))
        Z = self._encoder.transform(X[sources])
        Z = np.stack([np.asarray(transform(torch.from_numpy(z))) for z in Z])
        return self._encoder.inverse_transform(Z).reshape(len(Z), *X.shape[1:]), sources

    def _transform(self):
        """MONAI's random transforms for one channel-first sample in [-1, 1]."""
        from monai.transforms import (
            Compose,
            Rand2DElastic,
            Rand3DElastic,
            RandAdjustContrast,
            RandAffine,
            RandGaussianNoise,
        )

        spatial = self._encoder.spatial_shape
        dims = len(spatial)
        # Masks keep their two values: nearest-neighbour resampling, geometry only.
        mask = self.value_kind_ == "mask"
        geometry = {"padding_mode": "border", **({"mode": "nearest"} if mask else {})}
        steps = [
            RandAffine(
                prob=1.0,
                rotate_range=(math.radians(self.rotation),) * (1 if dims == 2 else 3),
                scale_range=(self.scale,) * dims,
                translate_range=tuple(self.translation * s for s in spatial),
                **geometry,
            )
        ]
        if self.elastic > 0:
            if dims == 2:
                spacing = tuple(max(4, s // 4) for s in spatial)
                steps.append(Rand2DElastic(spacing, (1, 2), prob=self.elastic, **geometry))
            else:
                steps.append(Rand3DElastic((3, 4), (20, 40), prob=self.elastic, **geometry))
        if mask:
            return Compose(steps)
        if self.gamma > 0:
            gammas = (1 / (1 + self.gamma), 1 + self.gamma)
            steps.append(RandAdjustContrast(prob=GAMMA_PROB, gamma=gammas))
        if self.noise > 0:  # the data's range is 2 wide in [-1, 1]
            steps.append(RandGaussianNoise(prob=NOISE_PROB, std=2 * self.noise))
        return Compose(steps)
