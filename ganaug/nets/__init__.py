"""Generator and discriminator families, chosen by data kind."""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn

from .style import StyleGenerator

# Channel widths (generator, discriminator) per convolutional family and number of
# spatial axes, sized so the defaults' fits and generation stay within the CPU
# budgets in BENCHMARKS.md. The style generator shares the conv family's widths.
WIDTHS = {
    "conv": {2: (64, 32), 3: (64, 16)},
    "style": {2: (64, 32), 3: (64, 16)},
    "translation": {2: (8, 32), 3: (4, 16)},
}
# Channels-last layouts run the CPU (oneDNN) and GPU convolution kernels
# 1.5-2x faster than the default layout (measured in BENCHMARKS.md).
CHANNELS_LAST = {2: torch.channels_last, 3: torch.channels_last_3d}


def build_networks(
    architecture: str,
    *,
    n_classes: int,
    spectral_norm: bool,
    latent_dim: int | None = None,
    output_spans: Sequence[tuple[str, int]] | None = None,
    channels: int | None = None,
    spatial_shape: Sequence[int] | None = None,
    style_mixing: float = 0.9,
) -> tuple[nn.Module, nn.Module]:
    """Build a conditional generator and discriminator.

    Parameters
    ----------
    architecture : {"mlp", "conv", "style", "translation"}
        ``"mlp"`` for encoded table rows (or flattened images), ``"conv"``
        (DCGAN-style) or ``"style"`` (StyleGAN2-style generator, the same
        discriminator) for images and volumes, ``"translation"`` (a U-Net
        ``G(x, c)`` that translates images and volumes to class ``c``, see
        :class:`ganaug.nets.translation.TranslationGenerator`; the conv
        discriminator) for image-to-image translation.
    n_classes : int
        Number of class labels.
    spectral_norm : bool
        Spectral normalisation in the discriminator.
    latent_dim : int, optional
        Size of the noise vector; needed for every family but
        ``"translation"``, which takes images instead of noise.
    output_spans : sequence of (str, int), optional
        Column spans of an encoded row; needed for ``"mlp"`` with tables.
    channels, spatial_shape : int and sequence of int, optional
        Sample layout; needed for ``"conv"``, ``"style"`` and
        ``"translation"``, and for ``"mlp"`` on images.
    style_mixing : float, default=0.9
        Style mixing regularisation of the ``"style"`` generator.

    Returns
    -------
    generator, discriminator : torch.nn.Module
    """
    if architecture not in (*WIDTHS, "mlp"):
        raise ValueError(
            f"architecture={architecture!r} is not a network family; choose one of "
            f"{sorted((*WIDTHS, 'mlp'))}."
        )
    if latent_dim is None and architecture != "translation":
        raise ValueError(f"architecture={architecture!r} needs latent_dim, the noise size.")
    if architecture == "mlp":
        return _mlp_networks(
            n_classes, latent_dim, spectral_norm, output_spans, channels, spatial_shape
        )
    from .conv import ConvDiscriminator, ConvGenerator
    from .translation import TranslationGenerator

    g_width, d_width = WIDTHS[architecture][len(spatial_shape)]
    layout = CHANNELS_LAST[len(spatial_shape)]

    def discriminator() -> nn.Module:
        return ConvDiscriminator(
            channels, n_classes, spatial_shape, width=d_width, spectral_norm=spectral_norm
        ).to(memory_format=layout)

    # Each family draws its initial weights in its own order (seeded fits stay the same).
    if architecture == "translation":
        generator = TranslationGenerator(channels, n_classes, spatial_shape, width=g_width)
        return generator.to(memory_format=layout), discriminator()
    critic = discriminator()
    if architecture == "style":
        generator = StyleGenerator(
            latent_dim, n_classes, channels, spatial_shape, g_width, style_mixing=style_mixing
        )
    else:
        generator = ConvGenerator(latent_dim, n_classes, channels, spatial_shape, g_width)
    return generator.to(memory_format=layout), critic


def _mlp_networks(
    n_classes: int,
    latent_dim: int,
    spectral_norm: bool,
    output_spans: Sequence[tuple[str, int]] | None,
    channels: int | None,
    spatial_shape: Sequence[int] | None,
) -> tuple[nn.Module, nn.Module]:
    from .mlp import MLPDiscriminator, MLPGenerator

    if output_spans is None:
        output_spans = [("continuous", channels * math.prod(spatial_shape))]
    generator = MLPGenerator(latent_dim, n_classes, output_spans)
    discriminator = MLPDiscriminator(
        sum(w for _, w in output_spans), n_classes, spectral_norm=spectral_norm
    )
    return generator, discriminator


__all__ = ["StyleGenerator", "build_networks"]
