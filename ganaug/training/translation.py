"""The translation training loop: StarGAN's losses with a fixed-point (identity) term."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .trainer import GANTrainer


def other_classes(y: torch.Tensor, n_classes: int) -> torch.Tensor:
    """A class other than ``y``'s for every row, uniformly (torch's global RNG)."""
    shift = torch.randint(1, n_classes, y.shape, device=y.device)
    return (y + shift) % n_classes


class TranslationTrainer(GANTrainer):
    """Train ``generator(x, c)`` to turn real samples into samples of class ``c``.

    Every real sample of a batch is translated to another class, drawn
    uniformly; the discriminator scores the translations as samples of that
    class (projection) and its classifier learns the real classes. The
    generator's loss adds to the adversarial and class terms (StarGAN, Choi
    et al. 2018):

    - cycle reconstruction: translating the result back to the source's
      class returns the source, ``|G(G(x, c), c_x) - x|``;
    - fixed point (identity): translating a sample to its own class changes
      nothing, ``|G(x, c_x) - x|`` (Fixed-Point GAN, Siddiquee et al. 2019);
    - change: ``|G(x, c) - x|``, which keeps translations close to their
      source.

    Unlabelled real samples in a batch (``x_unlabelled``) are translated too,
    each to a class drawn uniformly, and take part in the change term; the
    cycle and identity terms, which need the source's class, are left to the
    labelled samples.

    Every other setting is :class:`GANTrainer`'s (losses, R1, DiffAugment,
    EMA, AMP, DDP, checkpoints, callbacks).

    Parameters
    ----------
    generator, discriminator : torch.nn.Module
        ``generator(x, c)`` and ``discriminator(x, c) -> (logits, class_logits)``;
        ``generator.n_classes`` gives the number of classes (at least 2).
    class_loss_weight : float, default=5.0
        Weight of the classification loss (see :class:`GANTrainer`).
    cycle_weight : float, default=5.0
        Weight of the cycle reconstruction term.
    identity_weight : float, default=1.0
        Weight of the fixed-point term.
    change_weight : float, default=0.0
        Weight of the change term.
    **kwargs
        :class:`GANTrainer`'s other parameters. ``mode_seeking_weight`` has
        no noise to act on and is not used.
    """

    def __init__(
        self,
        generator: nn.Module,
        discriminator: nn.Module,
        *,
        class_loss_weight: float = 5.0,
        cycle_weight: float = 5.0,
        identity_weight: float = 1.0,
        change_weight: float = 0.0,
        **kwargs,
    ) -> None:
        super().__init__(generator, discriminator, class_loss_weight=class_loss_weight, **kwargs)
        self.cycle_weight = cycle_weight
        self.identity_weight = identity_weight
        self.change_weight = change_weight

    def _fakes(
        self,
        generator: nn.Module,
        x: torch.Tensor,
        y: torch.Tensor,
        x_pool: torch.Tensor | None = None,
    ):
        targets = other_classes(y, self.generator.n_classes)
        if x_pool is not None:  # any class: theirs is unknown
            n_classes, n = self.generator.n_classes, len(x_pool)
            x = torch.cat([x, x_pool])
            targets = torch.cat([targets, torch.randint(n_classes, (n,), device=y.device)])
        return generator(x, targets), targets, None

    def _generator_penalty(
        self,
        generator: nn.Module,
        x: torch.Tensor,
        y: torch.Tensor,
        fake: torch.Tensor,
        x_pool: torch.Tensor | None = None,
    ) -> torch.Tensor | None:
        penalty = torch.zeros((), device=x.device)
        labelled = fake if x_pool is None else fake[: len(x)]
        if self.cycle_weight > 0:
            penalty = penalty + self.cycle_weight * F.l1_loss(generator(labelled, y).float(), x)
        if self.identity_weight > 0:
            penalty = penalty + self.identity_weight * F.l1_loss(generator(x, y).float(), x)
        if self.change_weight > 0:
            sources = x if x_pool is None else torch.cat([x, x_pool])
            penalty = penalty + self.change_weight * F.l1_loss(fake.float(), sources)
        return penalty
