"""Generator and discriminator families, chosen by data kind."""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn

from .style import StyleGenerator

# Channel widths (generator, discriminator) per number of spatial axes, sized so
# the default fits and generation stay within the CPU budgets in BENCHMARKS.md.
CONV_WIDTHS = {2: (64, 32), 3: (64, 16)}
# Channels-last layouts run the CPU (oneDNN) and GPU convolution kernels
# 1.5-2x faster than the default layout (measured in BENCHMARKS.md).
CHANNELS_LAST = {2: torch.channels_last, 3: torch.channels_last_3d}


def build_networks(
    architecture: str,
    *,
    n_classes: int,
    latent_dim: int,
    spectral_norm: bool,
    output_spans: Sequence[tuple[str, int]] | None = None,
    channels: int | None = None,
    spatial_shape: Sequence[int] | None = None,
    style_mixing: float = 0.9,
) -> tuple[nn.Module, nn.Module]:
    """Build a conditional generator and discriminator.

    Parameters
    ----------
    architecture : {"mlp", "conv", "style"}
        ``"mlp"`` for encoded table rows (or flattened images), ``"conv"``
        (DCGAN-style) or ``"style"`` (StyleGAN2-style generator, the same
        discriminator) for images and volumes.
    n_classes : int
        Number of class labels.
    latent_dim : int
        Size of the noise vector.
    spectral_norm : bool
        Spectral normalisation in the discriminator.
    output_spans : sequence of (str, int), optional
        Column spans of an encoded row; needed for ``"mlp"`` with tables.
    channels, spatial_shape : int and sequence of int, optional
        Sample layout; needed for ``"conv"`` and ``"style"``, and for
        ``"mlp"`` on images.
    style_mixing : float, default=0.9
        Style mixing regularisation of the ``"style"`` generator.

    Returns
    -------
    generator, discriminator : torch.nn.Module
    """
    if architecture in ("conv", "style"):
        from .conv import ConvDiscriminator, ConvGenerator

        g_width, d_width = CONV_WIDTHS[len(spatial_shape)]
        layout = CHANNELS_LAST[len(spatial_shape)]
        discriminator = ConvDiscriminator(
            channels, n_classes, spatial_shape, width=d_width, spectral_norm=spectral_norm
        ).to(memory_format=layout)
        if architecture == "style":
            generator = StyleGenerator(
                latent_dim, n_classes, channels, spatial_shape, g_width, style_mixing=style_mixing
            )
        else:
            generator = ConvGenerator(latent_dim, n_classes, channels, spatial_shape, g_width)
        return generator.to(memory_format=layout), discriminator

    from .mlp import MLPDiscriminator, MLPGenerator

    if output_spans is None:
        output_spans = [("continuous", channels * math.prod(spatial_shape))]
    generator = MLPGenerator(latent_dim, n_classes, output_spans)
    discriminator = MLPDiscriminator(
        sum(w for _, w in output_spans), n_classes, spectral_norm=spectral_norm
    )
    return generator, discriminator


__all__ = ["StyleGenerator", "build_networks"]
