"""Exponential moving average of generator weights, measured in samples seen."""

from __future__ import annotations

import copy

import torch
from torch import nn


class EMA(nn.Module):
    """Keep an averaged copy of a model, as StyleGAN2-ADA does for its generator.

    After each generator step, :meth:`update` moves every parameter of the copy
    towards the live model with ``beta = 0.5 ** (batch_size / half_life)``:
    a sample seen ``half_life`` samples ago weighs half as much as the latest.
    With ``rampup``, the half-life is capped at ``rampup * samples_seen`` so
    short runs are not dominated by the random initial weights. Buffers (batch
    norm statistics) are copied, not averaged.

    Parameters
    ----------
    model : torch.nn.Module
        The live model; it is deep-copied.
    half_life : float
        Half-life of the average, in samples.
    rampup : float or None, default=0.05
        Cap on the half-life as a fraction of the samples seen; None for none.

    Attributes
    ----------
    model : torch.nn.Module
        The averaged copy, in eval mode, with gradients off.
    """

    def __init__(self, model: nn.Module, half_life: float, rampup: float | None = 0.05):
        super().__init__()
        self.model = copy.deepcopy(model).eval().requires_grad_(False)
        self.half_life = half_life
        self.rampup = rampup
        self.register_buffer("samples_seen", torch.zeros((), dtype=torch.float64))

    def beta(self, batch_size: int) -> float:
        """Weight kept by the average at this step, before ``samples_seen`` grows."""
        half_life = self.half_life
        if self.rampup is not None:
            half_life = min(half_life, float(self.samples_seen + batch_size) * self.rampup)
        if half_life <= 0:
            return 0.0
        return 0.5 ** (batch_size / half_life)

    @torch.no_grad()
    def update(self, model: nn.Module, batch_size: int) -> None:
        """Move the average towards ``model`` after a step on ``batch_size`` samples."""
        beta = self.beta(batch_size)
        for averaged, live in zip(self.model.parameters(), model.parameters(), strict=True):
            averaged.lerp_(live.detach().to(averaged.dtype), 1.0 - beta)
        for averaged, live in zip(self.model.buffers(), model.buffers(), strict=True):
            averaged.copy_(live)
        self.samples_seen += batch_size
