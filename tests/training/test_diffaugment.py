import pytest
import torch

from ganaug.training.diffaugment import cutout, diff_augment, parse_policy, translation


@pytest.mark.parametrize("shape", [(6, 1, 28, 28), (4, 2, 12, 16, 20)])
def test_augmentation_keeps_shape_and_lets_gradients_through(shape):
    x = (torch.rand(shape) * 2 - 1).requires_grad_(True)
    out = diff_augment(x, parse_policy("translation,cutout,intensity"))
    assert out.shape == x.shape
    out.sum().backward()
    assert x.grad is not None and torch.isfinite(x.grad).all()


def test_empty_policy_is_the_identity():
    x = torch.rand(3, 1, 8, 8)
    assert torch.equal(diff_augment(x, parse_policy(None)), x)
    assert torch.equal(diff_augment(x, parse_policy("")), x)


def test_same_generator_state_gives_the_same_augmentation():
    x = torch.rand(8, 1, 16, 16) * 2 - 1
    policy = parse_policy("translation,cutout,intensity")
    a = diff_augment(x, policy, torch.Generator().manual_seed(3))
    b = diff_augment(x, policy, torch.Generator().manual_seed(3))
    c = diff_augment(x, policy, torch.Generator().manual_seed(4))
    assert torch.equal(a, b)
    assert not torch.equal(a, c)


def test_translation_moves_whole_pixels_and_fills_with_black():
    x = torch.zeros(64, 1, 16, 16)
    x[:, :, 8, 8] = 1.0
    out = translation(x, torch.Generator().manual_seed(0))
    # one bright pixel per sample, the rest untouched or filled with -1
    assert ((out == 1.0).flatten(1).sum(dim=1) <= 1).all()
    assert set(out.unique().tolist()) <= {-1.0, 0.0, 1.0}
    moved = (out[:, 0, 8, 8] != 1.0).float().mean()
    assert moved > 0.5  # shifts of up to 2 pixels on each axis, zero shift is rare


def test_cutout_blanks_a_box_of_about_a_quarter_of_an_image():
    x = torch.ones(200, 1, 16, 16)
    out = cutout(x, torch.Generator().manual_seed(0))
    blanked = (out == 0).float().mean().item()
    assert 0.1 < blanked < 0.3


def test_unknown_policy_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="cutout"):
        parse_policy("translation,rotate")
