"""Pieces shared by the discriminators: projection head, optional spectral norm."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm as _spectral_norm


def maybe_spectral_norm(layer: nn.Module, enabled: bool) -> nn.Module:
    """Wrap ``layer`` in spectral normalisation when ``enabled``."""
    return _spectral_norm(layer) if enabled else layer


class ProjectionHead(nn.Module):
    """The discriminator's outputs from its last features ``h``.

    The adversarial logit is ``w . h + embed(y) . h`` (projection
    discriminator, Miyato & Koyama 2018); the class logits come from a
    separate linear classifier on the same features (the auxiliary classifier
    of AC-GAN, Odena et al. 2017), which the trainer can use to keep samples
    recognisable as their class.

    A label below 0 marks an unlabelled sample (scikit-learn's -1): its
    adversarial logit is the unconditional part ``w . h`` alone, the
    projection's estimate of how real the sample is whatever its class
    (Miyato & Koyama 2018 split the logit so); its class logits are as for
    any sample.
    """

    def __init__(self, features: int, n_classes: int, spectral_norm: bool) -> None:
        super().__init__()
        self.linear = maybe_spectral_norm(nn.Linear(features, 1), spectral_norm)
        self.embed = maybe_spectral_norm(nn.Embedding(n_classes, features), spectral_norm)
        self.classifier = nn.Linear(features, n_classes)

    def forward(self, h: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Return the adversarial logits ``(n,)`` and class logits ``(n, n_classes)``."""
        # An unlabelled sample's class embedding is zeroed. The mask acts on the
        # embedding, not on h: with every label a class, h's gradients arrive in
        # the order they did without it, so training is bitwise as before.
        embedded = self.embed(y.clamp(min=0))
        embedded = embedded * (y >= 0).unsqueeze(1).to(embedded.dtype)
        logits = self.linear(h).squeeze(1) + (embedded * h).sum(dim=1)
        return logits, self.classifier(h)


def minibatch_std(h: torch.Tensor, group_size: int = 4) -> torch.Tensor:
    """Append the across-sample standard deviation of ``h`` as one more channel.

    Samples are split into groups of ``group_size``; each sample gets the mean
    standard deviation of its group's features. A generator that makes the
    same sample for every noise vector then gives itself away, which a
    discriminator scoring samples one at a time cannot see (ProGAN, Karras
    et al. 2018).
    """
    n = h.shape[0]
    group = min(group_size, n)
    while n % group:
        group -= 1
    # contiguous first: a reduction over the batch axis of a channels-last
    # tensor is a slow strided loop on the CPU
    grouped = h.float().contiguous().reshape(group, n // group, *h.shape[1:])
    std = ((grouped - grouped.mean(dim=0)).square().mean(dim=0) + 1e-8).sqrt()
    std = std.mean(dim=tuple(range(1, std.dim())))  # one value per group member
    feature = std.repeat(group).view(n, 1, *([1] * (h.dim() - 2)))
    return torch.cat([h, feature.to(h.dtype).expand(n, 1, *h.shape[2:])], dim=1)
