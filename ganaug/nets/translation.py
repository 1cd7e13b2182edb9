"""A class-conditional image-to-image generator: a small U-Net with a residual output."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import torch
import torch.nn.functional as F
from monai.networks.layers.factories import Conv, Norm
from torch import nn

from .conv import n_resolution_steps

# The encoder halves the size down to about this many pixels per axis.
SMALLEST_GRID = 7
# Largest change the generator can make to a value in [-1, 1].
MAX_CHANGE = 2.0


class ClassConditionalNorm(nn.Module):
    """Instance normalisation whose scale and shift depend on the class.

    A class given as constant input channels is a constant offset after a
    convolution, which instance normalisation subtracts again; here the
    class sets each channel's scale and shift after normalising (conditional
    instance norm, Dumoulin et al. 2017), so it reaches every layer.
    """

    def __init__(self, spatial_dims: int, channels: int, n_classes: int) -> None:
        super().__init__()
        self.norm = Norm[Norm.INSTANCE, spatial_dims](channels, affine=False)
        self.scale = nn.Embedding(n_classes, channels)
        self.shift = nn.Embedding(n_classes, channels)
        nn.init.ones_(self.scale.weight)
        nn.init.zeros_(self.shift.weight)

    def forward(self, h: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
        shape = (len(c), -1) + (1,) * (h.dim() - 2)
        return self.norm(h) * self.scale(c).view(shape) + self.shift(c).view(shape)


class _Block(nn.Module):
    """Convolution, class-conditional instance norm, LeakyReLU."""

    def __init__(self, dims: int, n_in: int, n_out: int, n_classes: int, stride: int = 1):
        super().__init__()
        self.conv = Conv[Conv.CONV, dims](n_in, n_out, 3, stride, 1)
        self.norm = ClassConditionalNorm(dims, n_out, n_classes)

    def forward(self, h: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
        return F.leaky_relu(self.norm(self.conv(h), c), 0.2)


class TranslationGenerator(nn.Module):
    """Turn an image or volume into one of a target class: ``G(x, c) = x + delta``.

    An encoder of strided convolutions halves the size down to about 7
    pixels, two residual blocks work at that scale, and a decoder upsamples
    to each skip connection's size (any spatial size works) and ends in
    ``delta``; the target class sets the scale and shift of every
    normalisation layer (:class:`ClassConditionalNorm`). The output is
    ``x + delta`` clipped to [-1, 1], so "change nothing" is the easy
    solution a fixed-point (identity) loss asks for when ``c`` is ``x``'s own
    class (Fixed-Point GAN, Siddiquee et al. 2019). 2D or 3D by the length of
    ``spatial_shape``, through MONAI's layer factories.

    Parameters
    ----------
    channels : int
        Channels of the images.
    n_classes : int
        Number of class labels.
    spatial_shape : sequence of int
        Spatial size of the images (2 or 3 axes).
    width : int, default=8
        Channels of the full-resolution level; each downsampling doubles them.
    residual : bool, default=True
        Output ``x + delta``; False outputs ``tanh`` of the last layer
        instead (StarGAN's full output), for comparison.
    """

    def __init__(
        self,
        channels: int,
        n_classes: int,
        spatial_shape: Sequence[int],
        width: int = 8,
        residual: bool = True,
    ) -> None:
        super().__init__()
        dims = len(spatial_shape)
        self.n_classes = n_classes
        self.residual = residual
        steps = n_resolution_steps(spatial_shape, smallest=SMALLEST_GRID)
        widths = [width * 2**level for level in range(steps + 1)]
        self.stem = _Block(dims, channels, width, n_classes)
        self.down = nn.ModuleList(_Block(dims, a, b, n_classes, 2) for a, b in pairwise(widths))
        deepest = widths[-1]
        self.middle = nn.ModuleList(_Block(dims, deepest, deepest, n_classes) for _ in range(2))
        self.up = nn.ModuleList(
            _Block(dims, a + b, b, n_classes) for a, b in pairwise(widths[::-1])
        )
        self.delta = Conv[Conv.CONV, dims](width, channels, 3, 1, 1)

    def forward(self, x: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
        """Return ``x`` translated to classes ``c``, same shape, in [-1, 1]."""
        h = self.stem(x, c)
        skips = [h]
        for down in self.down:
            h = down(h, c)
            skips.append(h)
        for block in self.middle:
            h = h + block(h, c)
        for up, skip in zip(self.up, skips[-2::-1], strict=True):
            h = F.interpolate(h, size=skip.shape[2:], mode="nearest")
            h = up(torch.cat([h, skip], dim=1), c)
        if not self.residual:
            return torch.tanh(self.delta(h))
        delta = MAX_CHANGE * torch.tanh(self.delta(h))
        return (x + delta).clamp(-1.0, 1.0)
