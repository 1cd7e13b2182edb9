"""The latent path of the network samplers: an autoencoder's latent space as their "images".

:class:`LatentEncoder` has :class:`~ganaug.data.images.ImageEncoder`'s
interface and wraps one: it fits a
:class:`~ganaug.nets.autoencoder.LatentAutoencoder`
(:func:`~ganaug.training.autoencoder.fit_autoencoder`, the loss chosen from
the data's values) on every sample the sampler is given, and encodes samples
as their standardised latent means, scaled into a generator's ``[-1, 1]``.
The GAN and the translator then train on ``(4, 7, 7, 7)`` "images" instead of
28^3 volumes, unchanged. :class:`LatentInterpolation` is the simplest latent
generator: SMOTE between real latent codes of a class, no training.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from ..data.images import ImageEncoder
from ..nets.autoencoder import LatentAutoencoder
from ..training.autoencoder import AutoencoderTrainer, fit_autoencoder
from ..training.distributed import DistributedContext, broadcast_module
from ..utils._random import seeded_torch

# autoencoder_steps="auto": this many steps (batches of 16) for samples of
# REFERENCE_VALUES spatial values (28^3, about 6 minutes on one CPU core),
# scaled by the square root of the values' ratio, at most MAX_EPOCHS passes
# over the data and at least MIN_STEPS.
REFERENCE_STEPS = 300
REFERENCE_VALUES = 28**3
MAX_EPOCHS = 50
MIN_STEPS = 20
# Standardised latents are divided by this and clipped to [-1, 1]: three
# standard deviations span a generator's tanh output.
LATENT_RANGE = 3.0


def auto_autoencoder_steps(n_samples: int, spatial_shape: Sequence[int], batch_size: int) -> int:
    """The autoencoder steps ``autoencoder_steps="auto"`` stands for.

    Parameters
    ----------
    n_samples : int
        Samples the autoencoder learns from.
    spatial_shape : sequence of int
        Spatial size of one sample.
    batch_size : int
        Samples per autoencoder step.

    Returns
    -------
    steps : int
        ``REFERENCE_STEPS * sqrt(REFERENCE_VALUES / values)``, at most
        ``MAX_EPOCHS`` passes over the samples and at least ``MIN_STEPS``:
        300 at 28^3, 87 at 64^3, about 1600 for 28x28 images.
    """
    values = math.prod(spatial_shape)
    steps = REFERENCE_STEPS * math.sqrt(REFERENCE_VALUES / values)
    steps = min(steps, MAX_EPOCHS * math.ceil(n_samples / batch_size))
    return max(MIN_STEPS, round(steps))


class LatentEncoder:
    """Samples <-> scaled latent codes of an autoencoder fitted on them.

    Parameters
    ----------
    images : ImageEncoder
        Fitted; maps the samples to ``[-1, 1]``, the autoencoder's input,
        and decoded samples back to the data's dtype and range.
    steps : int
        Training steps of the autoencoder.
    random_state : int, default=0
        Seeds its initial weights, batches and latent draws (torch's global
        RNG is left as it was).
    device : torch.device, optional
        Default: the CPU.
    amp : bool, default=True
        Mixed precision on CUDA.
    verbose : int, default=1
        0 silences the autoencoder's progress bar.

    Attributes
    ----------
    trainer_ : AutoencoderTrainer
        The fitted autoencoder and what maps the data to it.
    mean_, std_ : ndarray of shape (latent_channels,)
        Per latent channel, the mean and spread of the training samples'
        latent means.
    """

    # Samples per encoder or decoder pass.
    batch_size = 64

    def __init__(
        self,
        images: ImageEncoder,
        steps: int,
        *,
        random_state: int = 0,
        device: torch.device | None = None,
        amp: bool = True,
        verbose: int = 1,
    ) -> None:
        self.images = images
        self.steps = steps
        self.random_state = random_state
        self.device = device or torch.device("cpu")
        self.amp = amp
        self.verbose = verbose
        self._cache: tuple[str, np.ndarray] | None = None

    # -- ImageEncoder's interface -------------------------------------------
    @property
    def sample_shape(self) -> tuple[int, ...]:
        """Shape of one sample as the user holds it."""
        return self.images.sample_shape

    @property
    def channels(self) -> int:
        """Channels of a latent code."""
        return self.trainer_.autoencoder.latent_shape[0]

    @property
    def spatial_shape(self) -> tuple[int, ...]:
        """Spatial size of a latent code."""
        return tuple(self.trainer_.autoencoder.latent_shape[1:])

    @property
    def history(self) -> list[dict]:
        """The autoencoder's training, one record per step (see :class:`AutoencoderTrainer`)."""
        return self.trainer_.history

    def fit(self, X: np.ndarray, distributed: DistributedContext | None = None) -> LatentEncoder:
        """Train the autoencoder on ``X`` and standardise its latents.

        Parameters
        ----------
        X : ndarray of shape (n, *sample_shape)
            Every sample, all classes, in the data's units.
        distributed : DistributedContext, optional
            Under ``torchrun`` every process trains on all of ``X`` with the
            same seed; rank 0's weights are then copied to the others.

        Returns
        -------
        self : LatentEncoder
        """
        volumes = self.images.transform(X)
        with seeded_torch(self.random_state, self.device):  # deterministic cuDNN kernels
            self.trainer_ = fit_autoencoder(
                volumes,
                self.steps,
                random_state=self.random_state,
                device=self.device,
                amp=self.amp,
                verbose=self.verbose,
            )
        broadcast_module(self.trainer_.autoencoder, distributed)
        latents = self.trainer_.encode(volumes, batch_size=self.batch_size)
        axes = (0, *range(2, latents.ndim))
        self.mean_ = latents.mean(axis=axes, dtype=np.float64)
        self.std_ = latents.std(axis=axes, dtype=np.float64) + 1e-6
        self._cache = (_digest(X), self._scale(latents))
        return self

    def _scale(self, latents: np.ndarray) -> np.ndarray:
        shape = (1, -1) + (1,) * (latents.ndim - 2)
        mean, std = self.mean_.reshape(shape), self.std_.reshape(shape)
        return np.clip((latents - mean) / (LATENT_RANGE * std), -1, 1).astype(np.float32)

    def transform(self, X: np.ndarray) -> np.ndarray:
        """Scaled latent means ``(n, latent_channels, *latent spatial)`` in [-1, 1].

        The samples the encoder was fitted on come back as computed during
        :meth:`fit` (the same computation, not repeated).
        """
        if self._cache is not None and self._cache[0] == _digest(X):
            return self._cache[1].copy()
        volumes = self.images.transform(X)
        return self._scale(self.trainer_.encode(volumes, batch_size=self.batch_size))

    def decode(self, Z: np.ndarray) -> np.ndarray:
        """Decoded samples in the image encoder's ``[-1, 1]``: ``(n, C, *spatial)``."""
        shape = (1, -1) + (1,) * (np.ndim(Z) - 2)
        latents = np.asarray(Z, dtype=np.float64) * LATENT_RANGE * self.std_.reshape(shape)
        latents = (latents + self.mean_.reshape(shape)).astype(np.float32)
        return self.trainer_.decode(latents, batch_size=self.batch_size)

    def unscale(self, Z: np.ndarray) -> np.ndarray:
        """Decoded samples in the data's units, float64 ``(n, *sample_shape)`` (unrounded)."""
        return self.images.unscale(self.decode(Z))

    def inverse_transform(self, Z: np.ndarray) -> np.ndarray:
        """Decoded samples ``(n, *sample_shape)`` in the data's dtype and range."""
        return self.images.inverse_transform(self.decode(Z))

    # -- state ----------------------------------------------------------------
    def to_state(self) -> dict:
        """Fitted state as tensors and plain values (loadable with ``weights_only``)."""
        autoencoder = self.trainer_.autoencoder
        return {
            "images": self.images.to_state(),
            "autoencoder": {
                "spatial_shape": list(autoencoder.spatial_shape),
                "in_channels": autoencoder.in_channels,
                "channels": list(autoencoder.channels),
                "num_res_blocks": list(autoencoder.num_res_blocks),
                "latent_channels": autoencoder.latent_channels,
            },
            "trainer": self.trainer_.state_dict(training=False),
            "steps": self.steps,
            "random_state": self.random_state,
            "amp": self.amp,
            "mean": self.mean_.tolist(),
            "std": self.std_.tolist(),
        }

    @classmethod
    def from_state(cls, state: dict, device: torch.device | None = None) -> LatentEncoder:
        """Rebuild a fitted encoder from :meth:`to_state`'s output, on ``device``."""
        encoder = cls(
            ImageEncoder.from_state(state["images"]),
            state["steps"],
            random_state=state["random_state"],
            device=device,
            amp=state["amp"],
            verbose=0,
        )
        with seeded_torch(0, torch.device("cpu")):  # initial weights, overwritten below
            autoencoder = LatentAutoencoder(**state["autoencoder"])
        encoder.trainer_ = AutoencoderTrainer(
            autoencoder, device=encoder.device, amp=encoder.amp, verbose=0
        )
        encoder.trainer_.load_state_dict(state["trainer"])
        encoder.mean_ = np.asarray(state["mean"], dtype=np.float64)
        encoder.std_ = np.asarray(state["std"], dtype=np.float64)
        return encoder

    def __getstate__(self) -> dict:
        return {"state": self.to_state(), "device": str(self.device)}

    def __setstate__(self, pickled: dict) -> None:
        device = torch.device(pickled["device"])
        if device.type == "cuda" and not torch.cuda.is_available():
            device = torch.device("cpu")
        self.__dict__.update(vars(LatentEncoder.from_state(pickled["state"], device)))


def _digest(X: np.ndarray) -> str:
    X = np.ascontiguousarray(X)
    return hashlib.sha1(X.view(np.uint8).reshape(-1)).hexdigest() + str((X.shape, X.dtype))


class LatentInterpolation(nn.Module):
    """SMOTE in a latent space: codes on the line between two real codes of a class.

    A generator without training, called as the GAN's generator is,
    ``generator(z, labels)``: each noise row ``z`` of :attr:`latent_dim`
    standard normal values picks, through the normal CDF, a real code of the
    class, a second different one, and the point between them (uniform).

    Parameters
    ----------
    codes : torch.Tensor of shape (n, *code_shape), optional
        The real samples' codes (empty when built to load weights into).
    labels : torch.Tensor of int of shape (n,), optional
        The class index of each code.
    """

    latent_dim = 3

    def __init__(self, codes: torch.Tensor | None = None, labels: torch.Tensor | None = None):
        super().__init__()
        self.register_buffer("codes", torch.zeros(0) if codes is None else codes.float())
        self.register_buffer(
            "labels", torch.zeros(0, dtype=torch.long) if labels is None else labels.long()
        )

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        for name in ("codes", "labels"):  # the saved codes decide the buffers' sizes
            if prefix + name in state_dict:
                setattr(self, name, torch.empty_like(state_dict[prefix + name]))
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    def forward(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Codes between pairs of real codes of classes ``y``, drawn by the noise ``z``."""
        uniform = torch.special.ndtr(z.double())
        out = torch.empty(len(z), *self.codes.shape[1:], device=self.codes.device)
        for label in torch.unique(y).tolist():
            members = torch.nonzero(self.labels == label).flatten()
            if not len(members):
                raise ValueError(f"Class index {label} has no codes to interpolate between.")
            rows = torch.nonzero(y == label).flatten()
            u, n = uniform[rows], len(members)
            first = (u[:, 0] * n).long().clamp(max=n - 1)
            offset = 1 + (u[:, 1] * (n - 1)).long().clamp(max=max(n - 2, 0))
            second = (first + offset) % n
            weight = u[:, 2].float().reshape(-1, *[1] * (self.codes.ndim - 1))
            start, end = self.codes[members[first]], self.codes[members[second]]
            out[rows] = start + weight * (end - start)
        return out
