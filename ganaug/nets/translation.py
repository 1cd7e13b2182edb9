"""A class-conditional image-to-image generator: a small U-Net with a residual output."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import torch
import torch.nn.functional as F
from monai.networks.blocks import Convolution, ResidualUnit
from torch import nn

from .conv import n_resolution_steps

NORM = ("instance", {"affine": True})
ACT = ("leakyrelu", {"negative_slope": 0.2})
# The encoder halves the size down to about this many pixels per axis.
SMALLEST_GRID = 7
# Largest change the generator can make to a value in [-1, 1].
MAX_CHANGE = 2.0


class TranslationGenerator(nn.Module):
    """Turn an image or volume into one of a target class: ``G(x, c) = x + delta``.

    The target class enters as one-hot input channels (StarGAN's conditioning)
    and again at the bottleneck. An encoder of strided convolutions halves the
    size down to about 7 pixels, residual units work at that scale, and a
    decoder upsamples to each skip connection's size (any spatial size works)
    and ends in ``delta``. The output is ``x + delta`` clipped to [-1, 1], so
    "change nothing" is the easy solution a fixed-point (identity) loss asks
    for when ``c`` is ``x``'s own class (Fixed-Point GAN, Siddiquee et al.
    2019). Built from MONAI's blocks, 2D or 3D by the length of
    ``spatial_shape``.

    Parameters
    ----------
    channels : int
        Channels of the images.
    n_classes : int
        Number of class labels.
    spatial_shape : sequence of int
        Spatial size of the images (2 or 3 axes).
    width : int, default=32
        Channels of the first level; each downsampling doubles them.
    """

    def __init__(
        self, channels: int, n_classes: int, spatial_shape: Sequence[int], width: int = 32
    ) -> None:
        super().__init__()
        dims = len(spatial_shape)
        self.n_classes = n_classes
        steps = n_resolution_steps(spatial_shape, smallest=SMALLEST_GRID)
        widths = [width * 2**level for level in range(steps + 1)]
        self.stem = Convolution(dims, channels + n_classes, width, norm=NORM, act=ACT)
        self.down = nn.ModuleList(
            Convolution(dims, a, b, strides=2, kernel_size=3, norm=NORM, act=ACT)
            for a, b in pairwise(widths)
        )
        deepest = widths[-1]
        self.class_bias = nn.Embedding(n_classes, deepest)
        self.middle = nn.Sequential(
            ResidualUnit(dims, deepest, deepest, norm=NORM, act=ACT),
            ResidualUnit(dims, deepest, deepest, norm=NORM, act=ACT),
        )
        self.up = nn.ModuleList(
            Convolution(dims, a + b, b, norm=NORM, act=ACT)
            for a, b in zip(widths[:0:-1], widths[-2::-1], strict=True)
        )
        self.delta = Convolution(dims, width, channels, conv_only=True)

    def forward(self, x: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
        """Return ``x`` translated to classes ``c``, same shape, in [-1, 1]."""
        spatial = [1] * (x.dim() - 2)
        onehot = F.one_hot(c, self.n_classes).to(x.dtype).view(len(c), -1, *spatial)
        h = self.stem(torch.cat([x, onehot.expand(-1, -1, *x.shape[2:])], dim=1))
        skips = [h]
        for down in self.down:
            h = down(h)
            skips.append(h)
        h = self.middle(h + self.class_bias(c).to(h.dtype).view(len(c), -1, *spatial))
        for up, skip in zip(self.up, skips[-2::-1], strict=True):
            h = F.interpolate(h, size=skip.shape[2:], mode="nearest")
            h = up(torch.cat([h, skip], dim=1))
        delta = MAX_CHANGE * torch.tanh(self.delta(h))
        return (x + delta).clamp(-1.0, 1.0)
