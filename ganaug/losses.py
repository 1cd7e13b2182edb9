"""Adversarial losses as pure functions of discriminator logits, and penalties.

Each ``d_*`` function trains the discriminator from the logits of real and
generated samples; each ``g_*`` trains the generator from the logits of its
samples. ``LOSSES`` maps the sampler's ``loss`` parameter to a pair.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F


def d_hinge(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """Hinge loss for the discriminator (Lim & Ye 2017; SNGAN, BigGAN)."""
    return F.relu(1.0 - real_logits).mean() + F.relu(1.0 + fake_logits).mean()


def g_hinge(fake_logits: torch.Tensor) -> torch.Tensor:
    """Hinge loss for the generator: raise the discriminator's score."""
    return -fake_logits.mean()


def d_logistic(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy for the discriminator (the original GAN loss)."""
    return F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()


def g_nonsaturating(fake_logits: torch.Tensor) -> torch.Tensor:
    """Non-saturating BCE for the generator: ``-log sigmoid(D(G(z)))``."""
    return F.softplus(-fake_logits).mean()


def d_wasserstein(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """Wasserstein critic loss; pair it with :func:`gradient_penalty`."""
    return fake_logits.mean() - real_logits.mean()


def g_wasserstein(fake_logits: torch.Tensor) -> torch.Tensor:
    """Wasserstein generator loss."""
    return -fake_logits.mean()


def d_least_squares(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """Least-squares loss for the discriminator (LSGAN, targets 1 and 0)."""
    return 0.5 * ((real_logits - 1.0) ** 2).mean() + 0.5 * (fake_logits**2).mean()


def g_least_squares(fake_logits: torch.Tensor) -> torch.Tensor:
    """Least-squares loss for the generator."""
    return 0.5 * ((fake_logits - 1.0) ** 2).mean()


def lecam_penalty(
    real_logits: torch.Tensor,
    fake_logits: torch.Tensor,
    real_average: float | torch.Tensor,
    fake_average: float | torch.Tensor,
) -> torch.Tensor:
    """LeCam regulariser (Tseng et al. 2021) for GANs trained on little data.

    Penalises real scores above the moving average of fake scores and fake
    scores below the moving average of real scores, which keeps an
    overfitting discriminator's scores from drifting apart.
    """
    return (
        F.relu(real_logits - fake_average).pow(2).mean()
        + F.relu(real_average - fake_logits).pow(2).mean()
    )


def mode_seeking_penalty(
    fake_a: torch.Tensor, fake_b: torch.Tensor, z_a: torch.Tensor, z_b: torch.Tensor
) -> torch.Tensor:
    """Mode-seeking term (MSGAN, Mao et al. 2019) for pairs of generated samples.

    ``fake_a[i]`` and ``fake_b[i]`` come from noise ``z_a[i]`` and ``z_b[i]``
    under the same condition. The penalty is the inverse of the mean ratio of
    their distance to their noise's distance (mean absolute differences), so
    the generator is pushed to make different noise give different samples
    instead of collapsing onto a few modes.
    """
    sample_distance = (fake_a - fake_b).abs().flatten(1).mean(dim=1)
    noise_distance = (z_a - z_b).abs().mean(dim=1)
    return 1.0 / ((sample_distance / noise_distance).mean() + 1e-5)


def k_plus_one_real(class_logits: torch.Tensor) -> torch.Tensor:
    """Semi-supervised GAN (Salimans et al. 2016): real samples are not of the fake class.

    ``class_logits`` are the ``K`` real classes' logits; the fake class's
    logit is fixed at 0, so a sample is real with probability
    ``Z / (Z + 1)``, ``Z = sum(exp(logits))``. The loss is that probability's
    negative log, which needs no label: an unlabelled real sample pushes
    probability onto the real classes, whichever they are.
    """
    return F.softplus(-torch.logsumexp(class_logits, dim=1)).mean()


def k_plus_one_fake(class_logits: torch.Tensor) -> torch.Tensor:
    """Semi-supervised GAN (Salimans et al. 2016): generated samples are of the fake class.

    The negative log of the fake class's probability ``1 / (Z + 1)`` (see
    :func:`k_plus_one_real`).
    """
    return F.softplus(torch.logsumexp(class_logits, dim=1)).mean()


def r1_penalty(real_logits: torch.Tensor, real_inputs: torch.Tensor) -> torch.Tensor:
    """R1: mean squared gradient norm of D at real samples (Mescheder et al. 2018).

    ``real_inputs`` must have ``requires_grad=True`` and ``real_logits`` must
    be computed from them. Call it outside autocast so it runs in float32.
    """
    (grad,) = torch.autograd.grad(real_logits.sum(), real_inputs, create_graph=True)
    return grad.pow(2).flatten(1).sum(dim=1).mean()


def gradient_penalty(
    critic: Callable[[torch.Tensor], torch.Tensor],
    real: torch.Tensor,
    fake: torch.Tensor,
) -> torch.Tensor:
    """WGAN-GP: ``(||grad D(x_hat)|| - 1)^2`` on random interpolates (Gulrajani 2017).

    ``critic`` maps samples to logits (with the labels already bound).
    """
    alpha = torch.rand(real.shape[0], *([1] * (real.dim() - 1)), device=real.device)
    mixed = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(mixed).sum(), mixed, create_graph=True)
    return ((grad.flatten(1).norm(dim=1) - 1.0) ** 2).mean()


LossPair = tuple[
    Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    Callable[[torch.Tensor], torch.Tensor],
]

LOSSES: dict[str, LossPair] = {
    "hinge": (d_hinge, g_hinge),
    "bce": (d_logistic, g_nonsaturating),
    "wgan-gp": (d_wasserstein, g_wasserstein),
    "lsgan": (d_least_squares, g_least_squares),
}
