"""Turn an sklearn ``random_state`` into torch seeds without touching global RNGs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import torch


def draw_seed(rng: np.random.RandomState) -> int:
    """Draw a 63-bit torch seed from a numpy ``RandomState``."""
    return int(rng.randint(0, 2**31 - 1)) * 2**32 + int(rng.randint(0, 2**31 - 1))


@contextmanager
def seeded_torch(seed: int, device: torch.device) -> Iterator[None]:
    """Run a block with torch's global RNG seeded, restoring it afterwards.

    Everything random inside (initial weights, noise, dropout, augmentation)
    then depends only on ``seed``, and the caller's RNG state is left as it was.
    On CUDA, cuDNN is held to deterministic kernels for the block and its
    settings are restored afterwards.
    """
    devices = []
    if device.type == "cuda":
        devices = [device.index if device.index is not None else torch.cuda.current_device()]
    cudnn = torch.backends.cudnn
    saved = cudnn.deterministic, cudnn.benchmark
    try:
        with torch.random.fork_rng(devices=devices):
            torch.manual_seed(seed)
            if device.type == "cuda":  # cuDNN picks non-deterministic kernels otherwise
                cudnn.deterministic, cudnn.benchmark = True, False
            yield
    finally:
        cudnn.deterministic, cudnn.benchmark = saved
