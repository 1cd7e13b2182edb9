"""Training of the latent autoencoder, with the loss its data's values call for.

Stage one of a latent generator (MONAI's latent diffusion tutorials, MAISI):
an autoencoder fitted on every sample, all classes, no labels. The loss is
chosen from the data (:func:`ganaug.data.values.value_kind`):

- masks (two values): the decoder's output is read as logits, with binary
  cross-entropy plus MONAI's soft Dice loss. A plain L1 autoencoder on sparse
  masks learns the background and returns near-empty volumes;
- grey values: L1, optionally with MONAI's ``PatchDiscriminator`` and its
  ``PatchAdversarialLoss`` after a warm-up (``adversarial_weight``).

Both add a small KL term (weight about 1e-6) that keeps the latents near a
unit Gaussian. No perceptual loss: it needs downloaded weights.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
import torch
import torch.nn.functional as F
from monai.losses import DiceLoss, PatchAdversarialLoss
from monai.networks.nets import PatchDiscriminator
from tqdm.auto import tqdm

from ..data.values import value_kind
from ..nets.autoencoder import LatentAutoencoder, kl_divergence
from ..utils._random import seeded_torch
from .runtime import amp_dtype, autocast, grad_scaler

LOSSES = ("auto", "mask", "l1")
# Channels of the first layer and strided layers of the patch discriminator.
DISCRIMINATOR_CHANNELS = {2: 32, 3: 16}
DISCRIMINATOR_LAYERS = 2


class AutoencoderTrainer:
    """Fit a :class:`~ganaug.nets.autoencoder.LatentAutoencoder` on samples of any values.

    The trainer maps the data to the network's range itself (masks to 0/1,
    grey values linearly to [0, 1] by the data's minimum and maximum) and
    :meth:`decode` maps back, so callers work in the data's own units.
    Everything random (batches, latent draws) comes from a local generator
    seeded by ``random_state``; torch's global RNG is left untouched.

    Parameters
    ----------
    autoencoder : LatentAutoencoder
        Build it under :func:`ganaug.utils._random.seeded_torch` (or use
        :func:`fit_autoencoder`) for reproducible initial weights.
    loss : {"auto", "mask", "l1"}, default="auto"
        ``"mask"``: logits, binary cross-entropy + soft Dice; ``"l1"``:
        mean absolute error; ``"auto"``: ``"mask"`` for data with at most two
        values, else ``"l1"``.
    kl_weight : float, default=1e-6
        Weight of the KL divergence of the latents from a unit Gaussian.
    learning_rate : float, default=1e-3
        Adam learning rate of the autoencoder (and the discriminator).
    batch_size : int, default=16
        Samples per step, drawn with replacement.
    adversarial_weight : float, default=0.0
        Weight of MONAI's patch adversarial loss (least squares) in the
        autoencoder's loss; 0 trains no discriminator.
    adversarial_warmup : int, default=100
        Steps of reconstruction (and KL) loss alone before the adversarial
        loss starts.
    random_state : int, default=0
        Seeds batches, latent draws and the discriminator's initial weights.
    device : torch.device, optional
        Default: the CPU.
    amp : bool, default=True
        Mixed precision on CUDA (no effect on the CPU).
    verbose : int, default=1
        0 silences the progress bar.

    Attributes
    ----------
    step : int
        Steps done so far.
    history : list of dict
        Per step: ``step``, ``loss``, ``reconstruction``, ``kl``,
        ``seconds`` (and ``adversarial``, ``discriminator`` once it trains).
    kind_, loss_ : str
        The data's value kind and the loss resolved from it (set by :meth:`fit`).
    """

    def __init__(
        self,
        autoencoder: LatentAutoencoder,
        *,
        loss: str = "auto",
        kl_weight: float = 1e-6,
        learning_rate: float = 1e-3,
        batch_size: int = 16,
        adversarial_weight: float = 0.0,
        adversarial_warmup: int = 100,
        random_state: int = 0,
        device: torch.device | None = None,
        amp: bool = True,
        verbose: int = 1,
    ) -> None:
        if loss not in LOSSES:
            raise ValueError(f"loss must be one of {LOSSES}, got {loss!r}.")
        self.device = device or torch.device("cpu")
        self.autoencoder = autoencoder.to(self.device)
        self.loss, self.kl_weight = loss, kl_weight
        self.batch_size = batch_size
        self.adversarial_weight = adversarial_weight
        self.adversarial_warmup = adversarial_warmup
        self.verbose = verbose
        self.dtype = amp_dtype(self.device, amp)
        self.optimizer = torch.optim.Adam(autoencoder.parameters(), learning_rate)
        self.scaler = grad_scaler(self.device, self.dtype)
        self.discriminator = self.d_optimizer = self.d_scaler = None
        if adversarial_weight > 0:
            dims = len(autoencoder.spatial_shape)
            with seeded_torch(random_state + 1, self.device):
                self.discriminator = PatchDiscriminator(
                    spatial_dims=dims,
                    channels=DISCRIMINATOR_CHANNELS[dims],
                    in_channels=autoencoder.in_channels,
                    num_layers_d=DISCRIMINATOR_LAYERS,
                ).to(self.device)
            self.d_optimizer = torch.optim.Adam(self.discriminator.parameters(), learning_rate)
            self.d_scaler = grad_scaler(self.device, self.dtype)
            self.adversarial_loss = PatchAdversarialLoss(criterion="least_squares")
        self.dice = DiceLoss(sigmoid=True, batch=True)
        self.rng = torch.Generator(self.device).manual_seed(random_state)
        self.step = 0
        self.history: list[dict] = []
        self.kind_: str | None = None
        self.loss_: str | None = None
        self.low_ = self.high_ = 0.0

    # -- data <-> network range ----------------------------------------------
    def _fit_values(self, X: np.ndarray) -> None:
        if self.kind_ is None:
            self.kind_ = value_kind(X)
            self.low_, self.high_ = float(np.min(X)), float(np.max(X))
        if self.loss_ is None:
            self.loss_ = self.loss if self.loss != "auto" else _loss_for(self.kind_)

    def _to_network(self, X: np.ndarray) -> torch.Tensor:
        """Samples ``(n, C, *spatial)`` in data units to network inputs in [0, 1]."""
        x = torch.as_tensor(np.asarray(X, dtype=np.float32), device=self.device)
        if self.loss_ == "mask":
            return (x > (self.low_ + self.high_) / 2).float()
        return (x - self.low_) / max(self.high_ - self.low_, 1e-8)

    def _from_network(self, out: torch.Tensor) -> torch.Tensor:
        """Decoder outputs to data units (a mask's foreground probability scaled)."""
        unit = torch.sigmoid(out) if self.loss_ == "mask" else out.clamp(0, 1)
        return unit * (self.high_ - self.low_) + self.low_

    # -- training ---------------------------------------------------------------
    def fit(self, X: np.ndarray, steps: int) -> list[dict]:
        """Train until ``steps`` steps are done in all (a restored trainer continues).

        Parameters
        ----------
        X : ndarray of shape (n, C, *spatial_shape)
            Training samples in their own units (every class).
        steps : int
            Total number of steps, those of earlier calls included.

        Returns
        -------
        history : list of dict
            One record per step.
        """
        self._fit_values(X)
        data = self._to_network(X)
        self.autoencoder.train()
        with tqdm(
            total=steps,
            initial=self.step,
            disable=self.verbose == 0,
            desc="ganaug autoencoder",
            unit="step",
        ) as progress:
            while self.step < steps:
                started = time.perf_counter()
                rows = torch.randint(
                    len(data), (self.batch_size,), generator=self.rng, device=self.device
                )
                record = self._train_batch(data[rows], self.step >= self.adversarial_warmup)
                record.update(step=self.step, seconds=time.perf_counter() - started)
                self.history.append(record)
                self.step += 1
                progress.update()
                progress.set_postfix(loss=f"{record['loss']:.4f}")
        return self.history

    def _reconstruction_loss(self, out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        if self.loss_ == "mask":
            return F.binary_cross_entropy_with_logits(out, target) + self.dice(out, target)
        return F.l1_loss(out, target)

    def _train_batch(self, x: torch.Tensor, adversarial: bool) -> dict:
        adversarial = adversarial and self.discriminator is not None
        with autocast(self.device, self.dtype):
            out, mu, sigma = self.autoencoder(x, self.rng)
        out = out.float()
        reconstruction = self._reconstruction_loss(out, x)
        kl = kl_divergence(mu, sigma)
        loss = reconstruction + self.kl_weight * kl
        record = {}
        if adversarial:
            fake = torch.sigmoid(out) if self.loss_ == "mask" else out
            self.discriminator.requires_grad_(False)
            with autocast(self.device, self.dtype):
                logits = self.discriminator(fake)[-1]
            self.discriminator.requires_grad_(True)
            g_adv = self.adversarial_loss(logits.float(), True, for_discriminator=False)
            loss = loss + self.adversarial_weight * g_adv
            record["adversarial"] = g_adv.item()
        _update(loss, self.optimizer, self.scaler)
        if adversarial:
            with autocast(self.device, self.dtype):
                fake_logits = self.discriminator(fake.detach())[-1]
                real_logits = self.discriminator(x)[-1]
            d_loss = 0.5 * (
                self.adversarial_loss(fake_logits.float(), False, for_discriminator=True)
                + self.adversarial_loss(real_logits.float(), True, for_discriminator=True)
            )
            _update(d_loss, self.d_optimizer, self.d_scaler)
            record["discriminator"] = d_loss.item()
        record.update(loss=loss.item(), reconstruction=reconstruction.item(), kl=kl.item())
        return record

    # -- use ----------------------------------------------------------------------
    @torch.no_grad()
    def encode(self, X: np.ndarray, sample: bool = False, batch_size: int = 64) -> np.ndarray:
        """Latents of samples in data units: their means, or draws around them.

        Parameters
        ----------
        X : ndarray of shape (n, C, *spatial_shape)
        sample : bool, default=False
            Draw from each latent distribution (from the trainer's generator).
        batch_size : int, default=64

        Returns
        -------
        Z : ndarray of float32 of shape (n, *latent_shape)
        """
        self.autoencoder.eval()
        parts = []
        for first in range(0, len(X), batch_size):
            x = self._to_network(X[first : first + batch_size])
            with autocast(self.device, self.dtype):
                z = self.autoencoder.encode(x, sample=sample, generator=self.rng)
            parts.append(z.float().cpu().numpy())
        shape = (0, *self.autoencoder.latent_shape)
        return np.concatenate(parts) if parts else np.zeros(shape, np.float32)

    @torch.no_grad()
    def decode(self, Z: np.ndarray, batch_size: int = 64) -> np.ndarray:
        """Samples in data units from latents.

        Parameters
        ----------
        Z : ndarray of shape (n, *latent_shape)
        batch_size : int, default=64

        Returns
        -------
        X : ndarray of float32 of shape (n, C, *spatial_shape)
            Masks come back as their foreground probability scaled between
            the two values; :func:`ganaug.data.values.match_values` turns
            them into masks.
        """
        self.autoencoder.eval()
        parts = []
        for first in range(0, len(Z), batch_size):
            z = torch.as_tensor(np.asarray(Z[first : first + batch_size]), device=self.device)
            with autocast(self.device, self.dtype):
                out = self.autoencoder.decode(z.float())
            parts.append(self._from_network(out.float()).cpu().numpy())
        ae = self.autoencoder
        shape = (0, ae.in_channels, *ae.spatial_shape)
        return np.concatenate(parts) if parts else np.zeros(shape, np.float32)

    def reconstruct(self, X: np.ndarray, batch_size: int = 64) -> np.ndarray:
        """Samples passed through the latent space: ``decode(encode(X))``.

        Parameters
        ----------
        X : ndarray of shape (n, C, *spatial_shape)
        batch_size : int, default=64

        Returns
        -------
        reconstruction : ndarray of float32 of X's shape
        """
        return self.decode(self.encode(X, batch_size=batch_size), batch_size)

    # -- checkpoints ------------------------------------------------------------
    def state_dict(self, training: bool = True) -> dict:
        """Everything needed to continue training, or to encode and decode.

        Parameters
        ----------
        training : bool, default=True
            Include what only further training needs (optimisers, gradient
            scalers, the generator state, the discriminator). False keeps
            what encoding and decoding need: the autoencoder's weights, the
            step, the history and the data's values.

        Returns
        -------
        state : dict
            Tensors and plain values (loadable with
            ``torch.load(weights_only=True)``): the networks, optimisers,
            gradient scalers, step, history, generator state and the data's
            value kind, loss and range.
        """
        state = {
            "autoencoder": {k: v.detach().cpu() for k, v in self.autoencoder.state_dict().items()},
            "step": self.step,
            "history": [dict(record) for record in self.history],
            "values": {
                "kind": self.kind_,
                "loss": self.loss_,
                "low": self.low_,
                "high": self.high_,
            },
        }
        if not training:
            return state
        state["optimizer"] = self.optimizer.state_dict()
        state["scaler"] = self.scaler.state_dict()
        state["rng"] = self.rng.get_state()
        if self.discriminator is not None:
            state["discriminator"] = self.discriminator.state_dict()
            state["d_optimizer"] = self.d_optimizer.state_dict()
            state["d_scaler"] = self.d_scaler.state_dict()
        return state

    def load_state_dict(self, state: dict) -> None:
        """Restore :meth:`state_dict`'s output.

        Parameters
        ----------
        state : dict
            From :meth:`state_dict` (possibly read from a checkpoint file);
            one made with ``training=False`` restores the weights, step,
            history and values, enough to encode and decode.
        """
        self.autoencoder.load_state_dict(state["autoencoder"])
        self.step = int(state["step"])
        self.history = [dict(record) for record in state["history"]]
        if "optimizer" in state:
            self.optimizer.load_state_dict(state["optimizer"])
            if self.scaler.is_enabled() and state["scaler"]:
                self.scaler.load_state_dict(state["scaler"])
            self.rng.set_state(state["rng"])
        if self.discriminator is not None and "discriminator" in state:
            self.discriminator.load_state_dict(state["discriminator"])
            self.d_optimizer.load_state_dict(state["d_optimizer"])
            if self.d_scaler.is_enabled() and state["d_scaler"]:
                self.d_scaler.load_state_dict(state["d_scaler"])
        values = state["values"]
        self.kind_, self.loss_ = values["kind"], values["loss"]
        self.low_, self.high_ = float(values["low"]), float(values["high"])


def fit_autoencoder(
    X: np.ndarray,
    steps: int,
    *,
    random_state: int = 0,
    channels: Sequence[int] | None = None,
    latent_channels: int = 4,
    device: torch.device | None = None,
    **trainer_params,
) -> AutoencoderTrainer:
    """Build a :class:`LatentAutoencoder` for ``X`` under a seed and train it.

    Parameters
    ----------
    X : ndarray of shape (n, C, *spatial_shape)
        Training samples, channel first, in their own units.
    steps : int
        Training steps.
    random_state : int, default=0
        Seeds the initial weights and the trainer.
    channels, latent_channels
        See :class:`~ganaug.nets.autoencoder.LatentAutoencoder`.
    device : torch.device, optional
    **trainer_params
        Further :class:`AutoencoderTrainer` parameters.

    Returns
    -------
    trainer : AutoencoderTrainer
        Fitted; ``trainer.encode`` and ``trainer.decode`` map to and from
        the latent space.
    """
    device = device or torch.device("cpu")
    with seeded_torch(random_state, device):
        autoencoder = LatentAutoencoder(
            X.shape[2:], X.shape[1], channels=channels, latent_channels=latent_channels
        )
    trainer = AutoencoderTrainer(
        autoencoder, random_state=random_state, device=device, **trainer_params
    )
    trainer.fit(X, steps)
    return trainer


def _loss_for(kind: str) -> str:
    return "mask" if kind == "mask" else "l1"


def _update(loss: torch.Tensor, optimizer, scaler) -> None:
    optimizer.zero_grad(set_to_none=True)
    scaler.scale(loss).backward()
    scaler.step(optimizer)
    scaler.update()
