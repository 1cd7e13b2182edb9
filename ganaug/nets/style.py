"""A style-based conditional generator (StyleGAN2-style) for 2D images and 3D volumes.

A mapping network turns noise and a class label into a style vector ``w``; a
synthesis network grows a learned constant grid by factor-2 upsampling, each
convolution's weights modulated by ``w`` and demodulated (StyleGAN2, Karras et
al. 2020), with per-layer noise of learned strength, and sums the image made
at each resolution (the "skip" design that replaced progressive growing).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import partial

import torch
import torch.nn.functional as F
from torch import nn

from .conv import MIN_CHANNELS, base_shape, centre_crop, n_resolution_steps

W_AVG_BETA = 0.995  # how slowly each class's running mean style follows training
LEAK = 0.2


def _pixel_norm(x: torch.Tensor) -> torch.Tensor:
    return x * torch.rsqrt(x.pow(2).mean(dim=1, keepdim=True) + 1e-8)


class MappingNetwork(nn.Module):
    """(z, class) -> style ``w``: both normalised, concatenated, then an MLP.

    Parameters
    ----------
    latent_dim : int
        Size of the noise vector.
    n_classes : int
        Number of class labels.
    w_dim : int
        Size of the style vector.
    n_layers : int, default=4
        Fully connected layers (StyleGAN uses 8; small data sets need fewer).
    """

    def __init__(self, latent_dim: int, n_classes: int, w_dim: int, n_layers: int = 4) -> None:
        super().__init__()
        self.embed = nn.Embedding(n_classes, latent_dim)
        layers: list[nn.Module] = []
        width = 2 * latent_dim
        for _ in range(n_layers):
            linear = nn.Linear(width, w_dim)
            nn.init.kaiming_normal_(linear.weight, a=LEAK, nonlinearity="leaky_relu")
            nn.init.zeros_(linear.bias)  # unit-scale styles at every depth
            layers += [linear, nn.LeakyReLU(LEAK)]
            width = w_dim
        self.net = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Return styles of shape ``(n, w_dim)``."""
        return self.net(torch.cat([_pixel_norm(z), _pixel_norm(self.embed(y))], dim=1))


class ModulatedConv(nn.Module):
    """A convolution whose weights each sample's style scales per input channel.

    The weights are scaled at run time by ``1 / sqrt(fan_in)`` (equalised
    learning rate), modulated by an affine map of ``w`` and, unless
    ``demodulate`` is False, normalised back to unit output variance.

    Parameters
    ----------
    in_channels, out_channels : int
        Channels in and out.
    kernel_size : int
        Odd kernel size (same padding).
    w_dim : int
        Size of the style vector.
    dims : {2, 3}
        Spatial axes.
    demodulate : bool, default=True
        Normalise each output channel (False for the image-making layers).
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int,
        w_dim: int,
        dims: int,
        demodulate: bool = True,
        up: bool = False,
    ) -> None:
        super().__init__()
        shape = (out_channels, in_channels) if not up else (in_channels, out_channels)
        self.weight = nn.Parameter(torch.randn(*shape, *(kernel_size,) * dims))
        self.scale = 1 / math.sqrt(in_channels * kernel_size**dims)
        self.affine = nn.Linear(w_dim, in_channels)
        nn.init.normal_(self.affine.weight, std=1 / math.sqrt(w_dim))
        nn.init.ones_(self.affine.bias)  # styles of 1 +- about 1, as StyleGAN2's
        self.demodulate = demodulate
        self.up = up
        if up:  # kernel 4, stride 2: twice the size, as DCGAN's transposed convolutions
            transpose = F.conv_transpose2d if dims == 2 else F.conv_transpose3d
            self.conv = partial(transpose, stride=2, padding=(kernel_size - 2) // 2)
        else:
            same = F.conv2d if dims == 2 else F.conv3d
            self.conv = partial(same, padding=kernel_size // 2)

    def forward(self, x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        """Convolve each sample of ``x`` with its style ``w``'s weights.

        Computed as StyleGAN2's non-fused path: scaling the input channels
        by the style and the output channels by the demodulation factors
        equals convolving with modulated weights, and runs as one ordinary
        convolution (faster on CPUs than a grouped one per sample).
        """
        expand = (len(x), -1, *(1,) * (x.ndim - 2))
        style = self.affine(w)
        weight = self.weight * self.scale
        out = self.conv(x * style.view(expand), weight)
        if self.demodulate:
            energy = weight.pow(2).sum(dim=tuple(range(2, weight.ndim)))
            energy = energy if self.up else energy.T  # (in, out)
            out = out * torch.rsqrt(style.pow(2) @ energy + 1e-8).view(expand)
        return out


class StyleLayer(nn.Module):
    """Modulated transposed convolution doubling the size (kernel 4, stride 2),
    per-pixel noise of learned strength, bias, leaky ReLU."""

    def __init__(self, in_channels: int, out_channels: int, w_dim: int, dims: int) -> None:
        super().__init__()
        self.conv = ModulatedConv(in_channels, out_channels, 4, w_dim, dims, up=True)
        self.noise_strength = nn.Parameter(torch.zeros(out_channels))
        self.bias = nn.Parameter(torch.zeros(out_channels))

    def forward(self, x: torch.Tensor, w: torch.Tensor, noise: bool) -> torch.Tensor:
        """One layer; ``noise`` False leaves the per-pixel noise out."""
        x = self.conv(x, w)
        expand = (1, -1, *(1,) * (x.ndim - 2))
        if noise:
            grain = torch.randn(len(x), 1, *x.shape[2:], device=x.device, dtype=x.dtype)
            x = x + self.noise_strength.view(expand) * grain
        return F.leaky_relu(x + self.bias.view(expand), LEAK)


class ToImage(nn.Module):
    """Modulated 1x1 convolution (not demodulated) to the output channels."""

    def __init__(self, in_channels: int, out_channels: int, w_dim: int, dims: int) -> None:
        super().__init__()
        self.conv = ModulatedConv(in_channels, out_channels, 1, w_dim, dims, demodulate=False)
        self.bias = nn.Parameter(torch.zeros(out_channels))

    def forward(self, x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        """The image this resolution adds."""
        return self.conv(x, w) + self.bias.view(1, -1, *(1,) * (x.ndim - 2))


class StyleGenerator(nn.Module):
    """Map noise and a class label to an image or volume in [-1, 1], StyleGAN2-style.

    The mapping network gives a style ``w`` per sample; from a learned
    constant grid, each resolution doubles the size with one
    :class:`StyleLayer` (a modulated transposed convolution, so the cost
    stays near the DCGAN generator's) and adds its :class:`ToImage` output
    to the image so far, upsampled (bilinear or trilinear). Any spatial size
    works, as for :class:`~ganaug.nets.conv.ConvGenerator`: the grid is sized
    so the last resolution covers the target, which is then centre-cropped.
    Each class's running mean style (``w_avg``, a buffer updated while
    training) is what truncation pulls towards.

    Parameters
    ----------
    latent_dim : int
        Size of the noise vector.
    n_classes : int
        Number of class labels.
    out_channels : int
        Channels of the generated samples.
    spatial_shape : sequence of int
        Spatial size of the generated samples (2 or 3 axes).
    width : int, default=64
        Channels at the constant grid; each upsampling halves them (at least 16).
    w_dim : int, optional
        Size of the style vector; default ``latent_dim``.
    mapping_layers : int, default=4
        Layers of the mapping network.
    style_mixing : float, default=0.9
        While training, the share of batches in which the layers from a
        random one on take the style of a second noise vector (style mixing
        regularisation; 0 turns it off).
    """

    def __init__(
        self,
        latent_dim: int,
        n_classes: int,
        out_channels: int,
        spatial_shape: Sequence[int],
        width: int = 64,
        w_dim: int | None = None,
        mapping_layers: int = 4,
        style_mixing: float = 0.9,
    ) -> None:
        super().__init__()
        dims = len(spatial_shape)
        w_dim = w_dim or latent_dim
        self.latent_dim = latent_dim
        self.spatial_shape = tuple(spatial_shape)
        self.style_mixing = style_mixing
        steps = n_resolution_steps(spatial_shape)
        self.mapping = MappingNetwork(latent_dim, n_classes, w_dim, mapping_layers)
        self.register_buffer("w_avg", torch.zeros(n_classes, w_dim))
        self.register_buffer("w_avg_updates", torch.zeros(n_classes))
        grid = base_shape(spatial_shape, steps)
        self.const = nn.Parameter(torch.randn(1, width, *grid))  # batch axis: layouts
        self.layers, self.to_images = nn.ModuleList(), nn.ModuleList()
        channels = width
        for _ in range(steps):
            out = max(channels // 2, MIN_CHANNELS)
            self.layers.append(StyleLayer(channels, out, w_dim, dims))
            self.to_images.append(ToImage(out, out_channels, w_dim, dims))
            channels = out
        self.upsample_mode = "bilinear" if dims == 2 else "trilinear"

    def styles(self, z: torch.Tensor, y: torch.Tensor, psi: float = 1.0) -> list:
        """One style per layer: mixed while training, truncated when sampling."""
        w = self.mapping(z, y)
        styles = [w] * len(self.layers)
        if self.training:
            self._update_mean_styles(w.detach(), y)
            mix = self.style_mixing > 0 and len(self.layers) > 1
            if mix and float(torch.rand(())) < self.style_mixing:
                other = self.mapping(torch.randn_like(z), y)
                cut = int(torch.randint(1, len(self.layers), ()))
                styles = styles[:cut] + [other] * (len(self.layers) - cut)
            return styles
        if psi != 1:
            mean = self.w_avg[y].to(w.dtype)
            styles = [torch.lerp(mean, s, psi) for s in styles]
        return styles

    @torch.no_grad()
    def _update_mean_styles(self, w: torch.Tensor, y: torch.Tensor) -> None:
        """Move each class's running mean style towards the batch's (exact at a class's
        first batch), on the device, without a loop or a host sync per step."""
        counts = torch.bincount(y, minlength=len(self.w_avg)).to(self.w_avg.dtype)
        sums = torch.zeros_like(self.w_avg).index_add_(0, y, w.to(self.w_avg.dtype))
        means = sums / counts.clamp(min=1)[:, None]
        seen = self.w_avg_updates
        beta = torch.clamp(seen / (seen + 1), max=W_AVG_BETA)[:, None]
        present = (counts > 0)[:, None]
        self.w_avg.copy_(torch.where(present, torch.lerp(means, self.w_avg, beta), self.w_avg))
        self.w_avg_updates += present[:, 0]

    def forward(
        self,
        z: torch.Tensor,
        y: torch.Tensor,
        *,
        psi: float = 1.0,
        noise: bool = True,
    ) -> torch.Tensor:
        """Return samples of shape ``(n, out_channels, *spatial_shape)``.

        Parameters
        ----------
        z : torch.Tensor of shape (n, latent_dim)
            Noise.
        y : torch.Tensor of shape (n,)
            Class indices.
        psi : float, default=1.0
            Truncation when sampling: styles are pulled towards their class's
            running mean style by this factor (1: not at all; 0: every
            sample of a class has the mean style). Ignored while training.
        noise : bool, default=True
            Per-pixel noise; False draws without it (detail fixed by ``z``).
        """
        styles = self.styles(z, y, psi)
        x = self.const.expand(len(z), *self.const.shape[1:])
        image = None
        for layer, to_image, style in zip(self.layers, self.to_images, styles, strict=True):
            x = layer(x, style, noise)
            if image is not None:
                image = F.interpolate(
                    image, scale_factor=2, mode=self.upsample_mode, align_corners=False
                )
            image = to_image(x, style) + (0 if image is None else image)
        return torch.tanh(centre_crop(image, self.spatial_shape))
