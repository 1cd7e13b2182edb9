"""Conditional convolutional generator and discriminator for 2D images and 3D volumes."""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from monai.networks.layers.factories import Conv, Norm
from torch import nn

from ._conditioning import ProjectionHead, maybe_spectral_norm, minibatch_std

MIN_CHANNELS = 16


def n_resolution_steps(spatial_shape: Sequence[int], smallest: int = 4) -> int:
    """How many factor-2 steps take ``spatial_shape`` down to about ``smallest``."""
    return max(1, math.floor(math.log2(min(spatial_shape) / smallest)))


def base_shape(spatial_shape: Sequence[int], steps: int) -> tuple[int, ...]:
    """The grid that ``steps`` doublings grow to cover ``spatial_shape``."""
    return tuple(math.ceil(s / 2**steps) for s in spatial_shape)


def centre_crop(x: torch.Tensor, spatial_shape: Sequence[int]) -> torch.Tensor:
    """The centre ``spatial_shape`` of channel-first ``x``."""
    crops = tuple(
        slice((full - want) // 2, (full - want) // 2 + want)
        for full, want in zip(x.shape[2:], spatial_shape, strict=True)
    )
    return x[(slice(None), slice(None), *crops)]


class ConvGenerator(nn.Module):
    """Map noise and a class label to an image or volume in [-1, 1].

    A DCGAN-style stack: a linear layer to a small grid, then transposed
    convolutions that double the size, batch norm and ReLU, and a final
    convolution with ``tanh``. Any spatial size works: the grid is sized so
    the last layer covers the target, which is then centre-cropped.

    Parameters
    ----------
    latent_dim : int
        Size of the noise vector.
    n_classes : int
        Number of class labels the generator is conditioned on.
    out_channels : int
        Channels of the generated samples.
    spatial_shape : sequence of int
        Spatial size of the generated samples (2 or 3 axes).
    width : int, default=64
        Channels of the first grid; each upsampling halves them (at least 16).
    """

    def __init__(
        self,
        latent_dim: int,
        n_classes: int,
        out_channels: int,
        spatial_shape: Sequence[int],
        width: int = 64,
    ) -> None:
        super().__init__()
        dims = len(spatial_shape)
        self.latent_dim = latent_dim
        self.spatial_shape = tuple(spatial_shape)
        steps = n_resolution_steps(spatial_shape)
        self.base_shape = base_shape(spatial_shape, steps)
        self.width = width
        self.memory_format = torch.channels_last if dims == 2 else torch.channels_last_3d
        self.embed = nn.Embedding(n_classes, latent_dim)
        self.project = nn.Linear(2 * latent_dim, width * math.prod(self.base_shape))
        conv_t, norm = Conv[Conv.CONVTRANS, dims], Norm[Norm.BATCH, dims]
        layers: list[nn.Module] = [norm(width), nn.ReLU()]
        channels = width
        for _ in range(steps):
            out = max(channels // 2, MIN_CHANNELS)
            layers += [conv_t(channels, out, 4, 2, 1, bias=False), norm(out), nn.ReLU()]
            channels = out
        layers += [Conv[Conv.CONV, dims](channels, out_channels, 3, 1, 1), nn.Tanh()]
        self.body = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Return samples of shape ``(n, out_channels, *spatial_shape)``."""
        h = self.project(torch.cat([z, self.embed(y)], dim=1))
        grid = h.view(len(z), self.width, *self.base_shape)
        x = self.body(grid.contiguous(memory_format=self.memory_format))
        return centre_crop(x, self.spatial_shape)


class ConvDiscriminator(nn.Module):
    """Score images or volumes as real or generated, given their class.

    Strided convolutions with LeakyReLU halve the size down to about 4 pixels,
    features are summed over space, their minibatch standard deviation is
    appended (so a collapsed generator is visible) and mixed in by a linear
    layer, and a projection head adds the class.

    Parameters
    ----------
    in_channels : int
        Channels of the samples.
    n_classes : int
        Number of class labels.
    spatial_shape : sequence of int
        Spatial size of the samples (2 or 3 axes).
    width : int, default=32
        Channels of the first layer; each downsampling doubles them.
    spectral_norm : bool, default=True
        Apply spectral normalisation to every convolution and linear layer.
    """

    def __init__(
        self,
        in_channels: int,
        n_classes: int,
        spatial_shape: Sequence[int],
        width: int = 32,
        spectral_norm: bool = True,
    ) -> None:
        super().__init__()
        conv = Conv[Conv.CONV, len(spatial_shape)]
        layers: list[nn.Module] = []
        channels = in_channels
        for step in range(n_resolution_steps(spatial_shape)):
            out = width * 2**step
            layers += [
                maybe_spectral_norm(conv(channels, out, 4, 2, 1), spectral_norm),
                nn.LeakyReLU(0.2),
            ]
            channels = out
        self.body = nn.Sequential(*layers)
        self.final = nn.Sequential(
            maybe_spectral_norm(nn.Linear(channels + 1, channels), spectral_norm),
            nn.LeakyReLU(0.2),
        )
        self.head = ProjectionHead(channels, n_classes, spectral_norm)

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Return adversarial logits ``(n,)`` and class logits ``(n, n_classes)``."""
        layout = torch.channels_last if x.dim() == 4 else torch.channels_last_3d
        h = self.body(x.contiguous(memory_format=layout)).flatten(2).sum(dim=2)
        return self.head(self.final(minibatch_std(h)), y)
