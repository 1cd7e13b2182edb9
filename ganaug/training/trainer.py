"""The GAN training loop: discriminator and generator phases, EMA, progress."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sized

import torch
import torch.nn.functional as F
from torch import nn
from tqdm.auto import tqdm

from ..augment import diff_augment
from ..ema import EMA
from ..losses import LOSSES, gradient_penalty, r1_penalty
from .history import History
from .runtime import amp_dtype, autocast, grad_scaler

ADAM_BETAS = (0.5, 0.999)
GP_WEIGHT = 10.0


class GANTrainer:
    """Train a conditional generator against a conditional discriminator.

    The trainer knows nothing of sklearn or of the data's format: it takes two
    modules with ``generator(z, y)`` and ``discriminator(x, y)`` and an
    iterable of ``(x, y)`` batches, and returns a :class:`History`. Generated
    samples are conditioned on the labels of the real batch, so class-balanced
    batches give class-balanced training for both networks.

    Parameters
    ----------
    generator, discriminator : torch.nn.Module
        ``generator.latent_dim`` gives the noise size.
    loss : {"hinge", "bce", "wgan-gp", "lsgan"}, default="hinge"
        Adversarial loss; ``"wgan-gp"`` adds a gradient penalty of weight 10.
    generator_lr, discriminator_lr : float, default=2e-4
        Adam learning rates (betas 0.5, 0.999).
    discriminator_steps : int, default=1
        Discriminator updates per generator update.
    r1_gamma : float, default=0.0
        Weight of the R1 penalty on real samples; applied every ``r1_interval``
        steps in float32 (lazy regularisation, as StyleGAN2 does).
    r1_interval : int, default=4
        Steps between R1 evaluations.
    augment : tuple of str, default=()
        DiffAugment policy applied to real and generated samples before the
        discriminator (see :func:`ganaug.augment.parse_policy`).
    class_loss_weight : float, default=0.0
        Weight of the auxiliary classification loss (AC-GAN): the
        discriminator's classifier learns the real samples' classes, and the
        generator is rewarded when its samples are classified as the class
        they were conditioned on. The discriminator must return
        ``(logits, class_logits)``.
    ema_half_life : float, default=10_000
        Half-life, in samples, of the generator average used for sampling.
    device : torch.device, default=cpu
    amp : bool, default=True
        Mixed precision on CUDA (no effect on the CPU).
    verbose : int, default=1
        0 silences the progress bar.

    Attributes
    ----------
    ema : EMA
        After :meth:`fit`, the averaged generator is ``ema.model``.
    """

    def __init__(
        self,
        generator: nn.Module,
        discriminator: nn.Module,
        *,
        loss: str = "hinge",
        generator_lr: float = 2e-4,
        discriminator_lr: float = 2e-4,
        discriminator_steps: int = 1,
        r1_gamma: float = 0.0,
        r1_interval: int = 4,
        augment: tuple[str, ...] = (),
        class_loss_weight: float = 0.0,
        ema_half_life: float = 10_000,
        device: torch.device | None = None,
        amp: bool = True,
        verbose: int = 1,
    ) -> None:
        self.device = device or torch.device("cpu")
        self.generator = generator.to(self.device)
        self.discriminator = discriminator.to(self.device)
        self.d_loss, self.g_loss = LOSSES[loss]
        self.use_gradient_penalty = loss == "wgan-gp"
        self.discriminator_steps = discriminator_steps
        self.r1_gamma, self.r1_interval = r1_gamma, r1_interval
        self.augment = augment
        self.class_loss_weight = class_loss_weight
        self.verbose = verbose
        self.dtype = amp_dtype(self.device, amp)
        self.g_opt = torch.optim.Adam(generator.parameters(), generator_lr, betas=ADAM_BETAS)
        self.d_opt = torch.optim.Adam(
            discriminator.parameters(), discriminator_lr, betas=ADAM_BETAS
        )
        self.g_scaler = grad_scaler(self.device, self.dtype)
        self.d_scaler = grad_scaler(self.device, self.dtype)
        self.ema = EMA(self.generator, ema_half_life)
        self.step = 0

    def _noise(self, n: int) -> torch.Tensor:
        return torch.randn(n, self.generator.latent_dim, device=self.device)

    def _step(
        self, loss: torch.Tensor, opt: torch.optim.Optimizer, scaler: torch.amp.GradScaler
    ) -> None:
        opt.zero_grad(set_to_none=True)
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()

    def discriminator_step(self, x: torch.Tensor, y: torch.Tensor) -> dict[str, torch.Tensor]:
        """One discriminator update on a real batch and as many generated samples."""
        G, D = self.generator, self.discriminator
        with torch.no_grad(), autocast(self.device, self.dtype):
            fake = G(self._noise(len(y)), y)
        real_in = diff_augment(x, self.augment)
        fake_in = diff_augment(fake, self.augment)
        with autocast(self.device, self.dtype):
            real_logits, real_classes = D(real_in, y)
            fake_logits, _ = D(fake_in, y)
        real_logits, fake_logits = real_logits.float(), fake_logits.float()
        loss = self.d_loss(real_logits, fake_logits)
        if self.class_loss_weight > 0:
            loss = loss + self.class_loss_weight * F.cross_entropy(real_classes.float(), y)
        if self.use_gradient_penalty:
            loss = loss + GP_WEIGHT * gradient_penalty(
                lambda t: D(t, y)[0], real_in.float(), fake_in.float()
            )
        if self.r1_gamma > 0 and self.step % self.r1_interval == 0:
            real = x.detach().float().requires_grad_(True)
            penalty = r1_penalty(D(diff_augment(real, self.augment), y)[0], real)
            loss = loss + 0.5 * self.r1_gamma * self.r1_interval * penalty
        self._step(loss, self.d_opt, self.d_scaler)
        return {
            "d_loss": loss.detach(),
            "real_score": real_logits.detach().mean(),
            "fake_score": fake_logits.detach().mean(),
        }

    def generator_step(self, y: torch.Tensor) -> dict[str, torch.Tensor]:
        """One generator update for the labels ``y``, then the EMA update."""
        with autocast(self.device, self.dtype):
            fake = self.generator(self._noise(len(y)), y)
            logits, classes = self.discriminator(diff_augment(fake, self.augment), y)
        loss = self.g_loss(logits.float())
        if self.class_loss_weight > 0:
            loss = loss + self.class_loss_weight * F.cross_entropy(classes.float(), y)
        self._step(loss, self.g_opt, self.g_scaler)
        self.ema.update(self.generator, len(y))
        return {"g_loss": loss.detach()}

    def fit(self, batches: Iterable, epochs: int) -> History:
        """Train for ``epochs`` passes over ``batches``.

        Parameters
        ----------
        batches : iterable of (torch.Tensor, torch.Tensor)
            Re-iterable source of ``(x, y)`` batches (e.g.
            :class:`ganaug.data.conditions.ClassBalancedBatches` or a
            ``DataLoader``); moved to the trainer's device.
        epochs : int
            Number of passes.

        Returns
        -------
        history : History
            One record per epoch.
        """
        history = History()
        self.generator.train()
        self.discriminator.train()
        total = epochs * len(batches) if isinstance(batches, Sized) else None
        with tqdm(
            total=total, disable=self.verbose == 0, desc="ganaug training", unit="step"
        ) as progress:
            for epoch in range(epochs):
                started = time.perf_counter()
                steps = [self._train_batch(x, y) for x, y in self._on_device(batches, progress)]
                history.append(self._epoch_record(epoch, steps, started))
                progress.set_postfix(
                    d_loss=f"{history[-1]['d_loss']:.3f}",
                    g_loss=f"{history[-1]['g_loss']:.3f}",
                )
        return history

    def _on_device(self, batches: Iterable, progress: tqdm):
        for x, y in batches:
            yield x.to(self.device, non_blocking=True), y.to(self.device, non_blocking=True)
            progress.update()

    def _train_batch(self, x: torch.Tensor, y: torch.Tensor) -> dict[str, torch.Tensor]:
        record = self.discriminator_step(x, y)
        if (self.step + 1) % self.discriminator_steps == 0:
            record.update(self.generator_step(y))
        self.step += 1
        return record

    @staticmethod
    def _epoch_record(epoch: int, steps: list[dict], started: float) -> dict:
        step_values = [{k: float(v) for k, v in step.items()} for step in steps]
        record: dict = {"epoch": epoch}
        for key in ("d_loss", "g_loss", "real_score", "fake_score"):
            values = [s[key] for s in step_values if key in s]
            record[key] = sum(values) / len(values) if values else float("nan")
        record["duration"] = time.perf_counter() - started
        record["steps"] = step_values
        return record
