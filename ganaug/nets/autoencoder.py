"""A latent space for images and volumes: MONAI's ``AutoencoderKL``, for any spatial size.

The autoencoder is MONAI's (``monai.networks.nets.AutoencoderKL``, the first
stage of MONAI's latent diffusion tutorials and of MAISI); this module only
sizes it for ganaug's CPU budgets and makes it take any spatial size: inputs
are padded (edge values repeated) to a multiple of the downsampling factor
and outputs cropped back.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from monai.networks.nets import AutoencoderKL
from torch import nn

# Channels of the last three levels; each level but the last halves every
# spatial axis. Small for volumes (MONAI's BraTS tutorial uses 32/64/64 on a
# GPU), so a 28^3 fit stays within minutes on a CPU: a 28^3 volume becomes a
# 4 x 7^3 latent.
DEFAULT_CHANNELS = {2: (32, 64, 64), 3: (16, 32, 32)}
DEFAULT_LATENT_CHANNELS = 4
# Larger samples get a level in front for every further halving their
# longest side needs to reach LATENT_SIDE in the latent: a strided entry
# level with half the next level's channels (at least MIN_CHANNELS) and no
# residual block, since a full-resolution block costs most. A 64^3 volume
# becomes 4 x 8^3 through 8/16/32/32 channels, the 28^3 network behind a
# strided entry (11.5 s a step on one CPU thread against 41 s for 16/32/32
# with a residual block at 64^3, whose latent would be 4 x 16^3).
LATENT_SIDE = 8
MIN_CHANNELS = 8


def default_levels(spatial_shape: Sequence[int]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Channels and residual blocks per level of the default autoencoder.

    Parameters
    ----------
    spatial_shape : sequence of int
        Spatial size of the samples (2 or 3 axes).

    Returns
    -------
    channels, res_blocks : tuple of int
        ``DEFAULT_CHANNELS`` with one residual block each (two halvings:
        28 becomes 7), behind an entry level of half the channels (at least
        ``MIN_CHANNELS``) and no residual block for every further halving
        the longest side needs to reach ``LATENT_SIDE``.

    Examples
    --------
    >>> from ganaug.nets.autoencoder import default_levels
    >>> default_levels((28, 28, 28))
    ((16, 32, 32), (1, 1, 1))
    >>> default_levels((64, 64, 64))
    ((8, 16, 32, 32), (0, 1, 1, 1))
    """
    channels = DEFAULT_CHANNELS[len(spatial_shape)]
    res_blocks = (1,) * len(channels)
    halvings = math.ceil(math.log2(max(max(spatial_shape) / LATENT_SIDE, 1)))
    for _ in range(halvings - (len(channels) - 1)):
        channels = (max(channels[0] // 2, MIN_CHANNELS), *channels)
        res_blocks = (0, *res_blocks)
    return channels, res_blocks


class LatentAutoencoder(nn.Module):
    """MONAI's ``AutoencoderKL`` for samples of one spatial shape, any size.

    No attention blocks (they cost most at the high resolutions, and the
    latents here are small), one residual block per level. Samples are
    padded by repeating their edge values to a multiple of
    ``downsampling`` on every axis, and decoded samples are cropped back.

    Parameters
    ----------
    spatial_shape : sequence of int
        Spatial size of the samples (2 or 3 axes).
    in_channels : int, default=1
        Channels of the samples; the decoder outputs as many.
    channels : sequence of int, optional
        Channels per level (each a multiple of ``norm_num_groups``); each
        level but the last halves the spatial size. Default (with
        ``num_res_blocks``): :func:`default_levels`, 32/64/64 for images and
        16/32/32 for volumes up to 32 on a side, strided entry levels in
        front for larger ones.
    latent_channels : int, default=4
        Channels of the latent.
    num_res_blocks : int or sequence of int, optional
        Residual blocks per level (one number for every level). Default: the
        default levels' when ``channels`` is None, else one per level.
    norm_num_groups : int, default=8
        Groups of the group normalisation layers.

    Attributes
    ----------
    autoencoder : monai.networks.nets.AutoencoderKL
    channels : tuple of int
        Channels per level (the defaults filled in).
    num_res_blocks : tuple of int
        Residual blocks per level (the defaults filled in).
    downsampling : int
        Factor by which every spatial axis shrinks, ``2 ** (len(channels) - 1)``.
    latent_shape : tuple of int
        Shape of one latent, ``(latent_channels, *padded spatial / downsampling)``.

    Examples
    --------
    >>> import torch
    >>> from ganaug.nets.autoencoder import LatentAutoencoder
    >>> ae = LatentAutoencoder((28, 28, 28))
    >>> ae.latent_shape
    (4, 7, 7, 7)
    >>> ae.decode(ae.encode(torch.zeros(2, 1, 28, 28, 28))).shape
    torch.Size([2, 1, 28, 28, 28])
    """

    def __init__(
        self,
        spatial_shape: Sequence[int],
        in_channels: int = 1,
        channels: Sequence[int] | None = None,
        latent_channels: int = DEFAULT_LATENT_CHANNELS,
        num_res_blocks: int | Sequence[int] | None = None,
        norm_num_groups: int = 8,
    ) -> None:
        super().__init__()
        dims = len(spatial_shape)
        if dims not in (2, 3):
            raise ValueError(f"spatial_shape {tuple(spatial_shape)} must have 2 or 3 axes.")
        if channels is None:
            channels, default_blocks = default_levels(spatial_shape)
        else:
            channels, default_blocks = tuple(channels), (1,) * len(channels)
        if num_res_blocks is None:
            num_res_blocks = default_blocks
        elif isinstance(num_res_blocks, int):
            num_res_blocks = (num_res_blocks,) * len(channels)
        self.num_res_blocks = tuple(num_res_blocks)
        self.spatial_shape = tuple(int(s) for s in spatial_shape)
        self.in_channels = in_channels
        self.channels, self.latent_channels = channels, latent_channels
        self.downsampling = 2 ** (len(channels) - 1)
        self.padded_shape = tuple(
            math.ceil(s / self.downsampling) * self.downsampling for s in self.spatial_shape
        )
        self.latent_shape = (
            latent_channels,
            *(s // self.downsampling for s in self.padded_shape),
        )
        self.autoencoder = AutoencoderKL(
            spatial_dims=dims,
            in_channels=in_channels,
            out_channels=in_channels,
            num_res_blocks=self.num_res_blocks,
            channels=channels,
            attention_levels=(False,) * len(channels),
            latent_channels=latent_channels,
            norm_num_groups=norm_num_groups,
            with_encoder_nonlocal_attn=False,
            with_decoder_nonlocal_attn=False,
        )

    def _pad(self, x: torch.Tensor) -> torch.Tensor:
        if tuple(x.shape[2:]) != self.spatial_shape:
            raise ValueError(
                f"Samples of spatial shape {tuple(x.shape[2:])}; this autoencoder was built "
                f"for {self.spatial_shape}."
            )
        widths: list[int] = []
        for size, padded in zip(
            reversed(self.spatial_shape), reversed(self.padded_shape), strict=True
        ):
            before = (padded - size) // 2
            widths += [before, padded - size - before]
        return F.pad(x, widths, mode="replicate") if any(widths) else x

    def _crop(self, x: torch.Tensor) -> torch.Tensor:
        crops = tuple(
            slice((padded - size) // 2, (padded - size) // 2 + size)
            for size, padded in zip(self.spatial_shape, self.padded_shape, strict=True)
        )
        return x[(slice(None), slice(None), *crops)]

    def encode_distribution(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Mean and standard deviation of the latent of each sample in ``x``.

        Parameters
        ----------
        x : torch.Tensor of shape (n, in_channels, *spatial_shape)

        Returns
        -------
        mu, sigma : torch.Tensor of shape (n, *latent_shape)
        """
        return self.autoencoder.encode(self._pad(x))

    def encode(
        self, x: torch.Tensor, sample: bool = False, generator: torch.Generator | None = None
    ) -> torch.Tensor:
        """The latent of each sample: its mean, or a draw around it.

        Parameters
        ----------
        x : torch.Tensor of shape (n, in_channels, *spatial_shape)
        sample : bool, default=False
            Draw from the latent distribution instead of taking its mean.
        generator : torch.Generator, optional
            Source of the draw's noise (torch's global RNG when None).

        Returns
        -------
        z : torch.Tensor of shape (n, *latent_shape)
        """
        mu, sigma = self.encode_distribution(x)
        return reparameterize(mu, sigma, generator) if sample else mu

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Samples from latents.

        Parameters
        ----------
        z : torch.Tensor of shape (n, *latent_shape)

        Returns
        -------
        x : torch.Tensor of shape (n, in_channels, *spatial_shape)
            The decoder's raw output (logits for data fitted with a BCE loss).
        """
        return self._crop(self.autoencoder.decode(z))

    def forward(
        self, x: torch.Tensor, generator: torch.Generator | None = None
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Reconstruct ``x`` through a latent drawn around its mean (training).

        Parameters
        ----------
        x : torch.Tensor of shape (n, in_channels, *spatial_shape)
        generator : torch.Generator, optional
            Source of the draw's noise (torch's global RNG when None).

        Returns
        -------
        reconstruction, mu, sigma : torch.Tensor
        """
        mu, sigma = self.encode_distribution(x)
        return self.decode(reparameterize(mu, sigma, generator)), mu, sigma


def reparameterize(
    mu: torch.Tensor, sigma: torch.Tensor, generator: torch.Generator | None = None
) -> torch.Tensor:
    """A draw ``mu + sigma * eps`` with ``eps`` from ``generator`` (differentiable)."""
    eps = torch.randn(mu.shape, generator=generator, device=mu.device, dtype=mu.dtype)
    return mu + sigma * eps


def kl_divergence(mu: torch.Tensor, sigma: torch.Tensor) -> torch.Tensor:
    """KL divergence of ``N(mu, sigma^2)`` from ``N(0, 1)``, summed per sample, batch mean."""
    var = sigma.float().pow(2)
    per_sample = 0.5 * (mu.float().pow(2) + var - torch.log(var) - 1).flatten(1).sum(1)
    return per_sample.mean()
