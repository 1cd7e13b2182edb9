import pytest
import torch

from ganaug.losses import (
    LOSSES,
    d_hinge,
    d_least_squares,
    d_logistic,
    g_hinge,
    g_nonsaturating,
    gradient_penalty,
    lecam_penalty,
    mode_seeking_penalty,
    r1_penalty,
)


def test_hinge_is_zero_once_margins_are_met_and_grows_linearly_inside():
    assert d_hinge(torch.tensor([1.5, 2.0]), torch.tensor([-1.0, -3.0])) == 0
    assert d_hinge(torch.tensor([0.0]), torch.tensor([0.0])) == pytest.approx(2.0)
    assert g_hinge(torch.tensor([1.0, 3.0])) == pytest.approx(-2.0)


def test_logistic_losses_match_binary_cross_entropy():
    real, fake = torch.tensor([0.3, -1.2]), torch.tensor([0.5, 2.0])
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    expected = bce(real, torch.ones(2)) + bce(fake, torch.zeros(2))
    assert d_logistic(real, fake) == pytest.approx(expected.item())
    assert g_nonsaturating(fake) == pytest.approx(bce(fake, torch.ones(2)).item())


def test_least_squares_targets_one_and_zero():
    assert d_least_squares(torch.ones(3), torch.zeros(3)) == 0
    assert d_least_squares(torch.zeros(1), torch.ones(1)) == pytest.approx(1.0)


def test_every_named_loss_lowers_when_the_discriminator_separates_better():
    for name, (d_loss, _) in LOSSES.items():
        confused = d_loss(torch.zeros(4), torch.zeros(4))
        separating = d_loss(torch.full((4,), 0.5), torch.full((4,), -0.5))
        assert separating < confused, name


def test_r1_penalty_is_the_squared_gradient_norm():
    x = torch.randn(5, 3, requires_grad=True)
    w = torch.tensor([1.0, -2.0, 2.0])
    logits = x @ w  # gradient w for every sample, squared norm 9
    assert r1_penalty(logits, x).item() == pytest.approx(9.0)


def test_gradient_penalty_vanishes_for_a_unit_gradient_critic():
    w = torch.tensor([0.6, 0.8])
    penalty = gradient_penalty(lambda t: t @ w, torch.randn(8, 2), torch.randn(8, 2))
    assert penalty.item() == pytest.approx(0.0, abs=1e-10)
    steep = gradient_penalty(lambda t: t @ (3 * w), torch.randn(8, 2), torch.randn(8, 2))
    assert steep.item() == pytest.approx(4.0)


def test_lecam_penalises_only_scores_past_the_other_sides_average():
    # real scores at or below the fake average and fake scores at or above
    # the real average cost nothing
    assert lecam_penalty(torch.tensor([0.0, -1.0]), torch.tensor([2.0, 3.0]), 1.0, 0.5) == 0
    # real 2.0 is 1.5 past the fake average 0.5; fake -1.0 is 2.0 short of the real average 1.0
    penalty = lecam_penalty(torch.tensor([2.0, 0.5]), torch.tensor([-1.0, 1.0]), 1.0, 0.5)
    assert penalty.item() == pytest.approx(1.5**2 / 2 + 2.0**2 / 2)


def test_mode_seeking_penalty_is_the_inverse_of_the_sample_to_noise_distance_ratio():
    z_a, z_b = torch.zeros(2, 4), torch.tensor([[1.0] * 4, [2.0] * 4])  # noise distances 1, 2
    fake_a = torch.zeros(2, 1, 3, 3)
    fake_b = torch.stack([torch.full((1, 3, 3), 3.0), torch.full((1, 3, 3), 2.0)])
    # ratios 3/1 and 2/2: mean 2, so the penalty is 1/2
    assert mode_seeking_penalty(fake_a, fake_b, z_a, z_b).item() == pytest.approx(0.5, rel=1e-4)
    # collapsed pairs (same sample from different noise) cost the most
    collapsed = mode_seeking_penalty(fake_a, fake_a, z_a, z_b)
    assert collapsed.item() == pytest.approx(1e5)
