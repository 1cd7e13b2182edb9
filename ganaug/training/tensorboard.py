"""Optional TensorBoard logging of a training run (needs ``pip install tensorboard``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch

from .callbacks import Callback

if TYPE_CHECKING:
    from .trainer import GANTrainer

SCALAR_TAGS = {
    "d_loss": "loss/discriminator",
    "g_loss": "loss/generator",
    "real_score": "discriminator/real_score",
    "fake_score": "discriminator/fake_score",
    "unlabelled_score": "discriminator/unlabelled_score",
}


def _summary_writer_class() -> type:
    try:
        from torch.utils.tensorboard import SummaryWriter
    except ImportError as exc:
        raise ImportError(
            "TensorBoard logging needs the tensorboard package, which ganaug does not "
            "install: pip install tensorboard"
        ) from exc
    return SummaryWriter


class TensorBoardLogger(Callback):
    """Log losses, discriminator scores and sample grids for TensorBoard.

    Scalars: ``loss/discriminator``, ``loss/generator`` and the mean
    discriminator logits ``discriminator/real_score`` and
    ``discriminator/fake_score`` (averaged over processes), and
    ``discriminator/unlabelled_score`` with an unlabelled pool. Images: for each
    class, samples of the averaged (EMA) generator from fixed noise (the
    middle slice of volumes), so successive grids show the same draws
    evolving. The augmentation policy is logged as text; it has a fixed
    strength, so there is no strength curve. Only rank 0 writes, and the
    training RNG is not touched, so logging does not change the samples.

    Parameters
    ----------
    log_dir : str or os.PathLike
        Event-file folder (``tensorboard --logdir`` it).
    log_every : int, default=10
        Steps between scalar points.
    sample_every : int, default=200
        Steps between sample grids (and one at the end).
    n_samples : int, default=8
        Samples per class in a grid.

    Raises
    ------
    ImportError
        If the ``tensorboard`` package is not installed.
    """

    def __init__(
        self,
        log_dir: str | os.PathLike,
        log_every: int = 10,
        sample_every: int = 200,
        n_samples: int = 8,
    ) -> None:
        self._writer_class = _summary_writer_class()  # fail before training, not after
        self.log_dir = Path(log_dir)
        self.log_every = log_every
        self.sample_every = sample_every
        self.n_samples = n_samples
        self.writer: Any = None

    def on_train_begin(self, trainer: GANTrainer) -> None:
        """Open the event file on rank 0 and log the augmentation policy."""
        if not trainer.is_main:
            return
        self.writer = self._writer_class(log_dir=str(self.log_dir))
        policy = ", ".join(trainer.augment) or "none"
        self.writer.add_text("augment/policy", policy, trainer.step)

    def on_step_end(self, trainer: GANTrainer, record: dict[str, torch.Tensor]) -> None:
        """Log scalars every ``log_every`` steps, samples every ``sample_every``."""
        if self.writer is None:
            return
        if trainer.step % self.log_every == 0:
            for key, value in record.items():
                self.writer.add_scalar(SCALAR_TAGS.get(key, key), float(value), trainer.step)
        if trainer.step % self.sample_every == 0:
            self._log_samples(trainer)

    def on_train_end(self, trainer: GANTrainer) -> None:
        """Log a last sample grid and close the event file."""
        if self.writer is None:
            return
        if trainer.step % self.sample_every != 0:
            self._log_samples(trainer)
        self.writer.close()
        self.writer = None

    @torch.no_grad()
    def _log_samples(self, trainer: GANTrainer) -> None:
        generator = trainer.ema.model
        embed = getattr(generator, "embed", None)
        if not isinstance(embed, torch.nn.Embedding):
            return
        # Fixed noise from a private generator: the training RNG stream is untouched.
        noise = torch.randn(
            self.n_samples, generator.latent_dim, generator=torch.Generator().manual_seed(0)
        ).to(trainer.device)
        for code in range(embed.num_embeddings):
            labels = torch.full((self.n_samples,), code, dtype=torch.long, device=trainer.device)
            images = _as_images(generator(noise, labels))
            if images is None:
                return  # table rows: nothing to draw
            self.writer.add_images(f"samples/class_{code}", images, trainer.step)


def _as_images(x: torch.Tensor) -> torch.Tensor | None:
    """Generator output in [-1, 1] as ``(n, C, H, W)`` in [0, 1], or None for rows."""
    if x.dim() < 4:
        return None
    if x.dim() == 5:  # volumes: the middle slice along depth
        x = x[:, :, x.shape[2] // 2]
    if x.shape[1] not in (1, 3):
        x = x[:, :1]
    return ((x.float() + 1.0) / 2.0).clamp(0.0, 1.0).cpu()
