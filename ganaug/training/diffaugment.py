"""Differentiable augmentation of images and volumes, applied before the discriminator.

DiffAugment (Zhao et al., 2020) shows that augmenting *both* real and generated
samples the same way before the discriminator keeps it from memorising a small
training set, without the augmentations leaking into generated samples. The ops
here work on channel-first tensors with 2 or 3 spatial axes, values in [-1, 1],
and draw their randomness from ``generator`` (or torch's global RNG when None).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F

TRANSLATION_RATIO = 0.125
CUTOUT_RATIO = 0.5


def _uniform(x: torch.Tensor, generator: torch.Generator | None, *shape: int) -> torch.Tensor:
    device = generator.device if generator is not None else x.device
    return torch.rand(*shape, generator=generator, device=device).to(x.device)


def brightness(x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """Add one random offset in [-0.5, 0.5) per sample."""
    offset = _uniform(x, generator, len(x)) - 0.5
    return x + offset.view(-1, *([1] * (x.dim() - 1))).to(x.dtype)


def contrast(x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """Scale each sample around its mean by a random factor in [0.5, 1.5)."""
    factor = (_uniform(x, generator, len(x)) + 0.5).view(-1, *([1] * (x.dim() - 1)))
    mean = x.mean(dim=tuple(range(1, x.dim())), keepdim=True)
    return (x - mean) * factor.to(x.dtype) + mean


def translation(x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """Shift each sample by whole pixels, up to 1/8 of each axis, filling with -1."""
    spatial = x.shape[2:]
    n, dims = len(x), len(spatial)
    theta = torch.zeros(n, dims, dims + 1, device=x.device)
    theta[:, :, :dims] = torch.eye(dims, device=x.device)
    # affine_grid orders coordinates (W, H[, D]): last spatial axis first.
    for k, size in enumerate(reversed(spatial)):
        limit = int(size * TRANSLATION_RATIO)
        shift = torch.floor(_uniform(x, generator, n) * (2 * limit + 1)) - limit
        theta[:, k, dims] = 2.0 * shift / size
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    shifted = F.grid_sample(
        x.float() + 1.0,
        grid.float(),
        mode="nearest",
        padding_mode="zeros",
        align_corners=False,
    )
    return (shifted - 1.0).to(x.dtype)


def cutout(x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """Zero one random box per sample, half the size of each axis."""
    spatial = x.shape[2:]
    n = len(x)
    in_box = torch.ones(n, *spatial, dtype=torch.bool, device=x.device)
    for axis, size in enumerate(spatial):
        half = int(size * CUTOUT_RATIO) // 2
        centre = torch.floor(_uniform(x, generator, n) * size).view(n, 1)
        coords = torch.arange(size, device=x.device).view(1, size)
        inside = (coords >= centre - half) & (coords < centre + half)
        shape = [n] + [1] * len(spatial)
        shape[axis + 1] = size
        in_box = in_box & inside.view(shape)
    return x * (~in_box).unsqueeze(1).to(x.dtype)


AUGMENT_FNS: dict[str, list[Callable[..., torch.Tensor]]] = {
    "intensity": [brightness, contrast],
    "translation": [translation],
    "cutout": [cutout],
}


def parse_policy(policy: str | None) -> tuple[str, ...]:
    """Split ``"translation,cutout"`` into names, checking each one."""
    if not policy:
        return ()
    names = tuple(name.strip() for name in policy.split(",") if name.strip())
    unknown = sorted(set(names) - set(AUGMENT_FNS))
    if unknown:
        raise ValueError(
            f"Unknown augmentation {unknown} in augment={policy!r}; choose a "
            f"comma-separated subset of {sorted(AUGMENT_FNS)}, or None."
        )
    return names


def diff_augment(
    x: torch.Tensor,
    policy: tuple[str, ...],
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Apply every op of ``policy`` (names from :func:`parse_policy`) to ``x``."""
    for name in policy:
        for fn in AUGMENT_FNS[name]:
            x = fn(x, generator)
    return x
