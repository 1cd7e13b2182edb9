"""Drawing from a trained generator: noise in bounded chunks, and walks between codes."""

from __future__ import annotations

import numpy as np
import torch

from ..utils._random import seeded_torch

# Elements generated per forward pass when sampling (bounds memory).
GENERATION_ELEMENTS = 2**22


def slerp(start: torch.Tensor, end: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """Spherical interpolation between two vectors at fractions ``t`` (a column)."""
    cos = torch.dot(start, end) / (start.norm() * end.norm())
    angle = torch.arccos(cos.clamp(-1 + 1e-7, 1 - 1e-7))
    return (torch.sin((1 - t) * angle) * start + torch.sin(t * angle) * end) / torch.sin(angle)


@torch.inference_mode()
def generate_codes(
    generator: torch.nn.Module,
    n_samples: int,
    code: int,
    seed: int,
    device: torch.device,
    n_features: int,
    **kwargs,
) -> np.ndarray:
    """``n_samples`` outputs of ``generator`` for class index ``code``.

    Generated in chunks of at most ``GENERATION_ELEMENTS`` values, counting
    ``n_features`` per sample; ``kwargs`` go to the generator.
    """
    chunk = max(1, min(2048, GENERATION_ELEMENTS // n_features))
    parts = []
    with seeded_torch(seed, device):
        for start in range(0, n_samples, chunk):
            n = min(chunk, n_samples - start)
            z = torch.randn(n, generator.latent_dim, device=device)
            labels = torch.full((n,), code, dtype=torch.long, device=device)
            parts.append(generator(z, labels, **kwargs).float().cpu().numpy())
    return np.concatenate(parts)
