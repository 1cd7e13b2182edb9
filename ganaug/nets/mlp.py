"""Conditional generator and discriminator for table rows."""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from ._conditioning import ProjectionHead, maybe_spectral_norm

GUMBEL_TAU = 0.2


class MLPGenerator(nn.Module):
    """Map noise and a class label to one encoded table row.

    The head applies one activation per output span: identity for continuous
    columns and, for a categorical column, Gumbel-softmax while training (so
    samples look one-hot to the discriminator, as in CTGAN) and an exact
    one-hot of the most likely category in eval mode.

    Parameters
    ----------
    latent_dim : int
        Size of the noise vector.
    n_classes : int
        Number of class labels the generator is conditioned on.
    output_spans : sequence of (str, int)
        ``("continuous", 1)`` or ``("categorical", k)`` per column.
    hidden : sequence of int, default=(256, 256)
        Widths of the hidden layers.
    """

    def __init__(
        self,
        latent_dim: int,
        n_classes: int,
        output_spans: Sequence[tuple[str, int]],
        hidden: Sequence[int] = (256, 256),
    ) -> None:
        super().__init__()
        self.latent_dim = latent_dim
        self.output_spans = [tuple(span) for span in output_spans]
        self.embed = nn.Embedding(n_classes, latent_dim)
        layers: list[nn.Module] = []
        width = 2 * latent_dim
        for size in hidden:
            layers += [nn.Linear(width, size), nn.BatchNorm1d(size), nn.ReLU()]
            width = size
        self.body = nn.Sequential(*layers)
        self.out = nn.Linear(width, sum(w for _, w in self.output_spans))

    def forward(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Return encoded rows of shape ``(n, sum of span widths)``."""
        raw = self.out(self.body(torch.cat([z, self.embed(y)], dim=1)))
        pieces, start = [], 0
        for kind, width in self.output_spans:
            piece = raw[:, start : start + width]
            if kind == "categorical":
                if self.training:
                    piece = F.gumbel_softmax(piece.float(), tau=GUMBEL_TAU).to(raw.dtype)
                else:
                    piece = F.one_hot(piece.argmax(dim=1), width).to(raw.dtype)
            pieces.append(piece)
            start += width
        return torch.cat(pieces, dim=1)


class MLPDiscriminator(nn.Module):
    """Score encoded rows as real or generated, given their class.

    A projection discriminator (Miyato & Koyama, 2018): the class enters as
    the inner product of a class embedding with the last hidden features.

    Parameters
    ----------
    input_dim : int
        Width of an encoded row.
    n_classes : int
        Number of class labels.
    hidden : sequence of int, default=(256, 256)
        Widths of the hidden layers.
    spectral_norm : bool, default=True
        Apply spectral normalisation to every linear layer.
    """

    def __init__(
        self,
        input_dim: int,
        n_classes: int,
        hidden: Sequence[int] = (256, 256),
        spectral_norm: bool = True,
    ) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        width = input_dim
        for size in hidden:
            layers += [
                maybe_spectral_norm(nn.Linear(width, size), spectral_norm),
                nn.LeakyReLU(0.2),
            ]
            width = size
        self.body = nn.Sequential(*layers)
        self.head = ProjectionHead(width, n_classes, spectral_norm)

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Return adversarial logits ``(n,)`` and class logits ``(n, n_classes)``."""
        return self.head(self.body(x), y)
