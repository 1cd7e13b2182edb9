import pytest
import torch

from ganaug.nets import build_networks
from ganaug.nets.conv import ConvDiscriminator, ConvGenerator
from ganaug.nets.translation import TranslationGenerator

CASES = [
    # (channels, spatial shape)
    (1, (28, 28)),
    (3, (32, 32)),
    (1, (50, 70)),
    (1, (28, 28, 28)),
    (2, (16, 20, 24)),
]


@pytest.mark.parametrize(("channels", "spatial"), CASES)
def test_generator_makes_the_exact_shape_in_tanh_range(channels, spatial):
    generator = ConvGenerator(8, 3, channels, spatial, width=16)
    out = generator(torch.randn(4, 8), torch.tensor([0, 1, 2, 0]))
    assert out.shape == (4, channels, *spatial)
    assert out.min() >= -1 and out.max() <= 1


@pytest.mark.parametrize(("channels", "spatial"), CASES)
def test_discriminator_gives_one_logit_and_class_logits_per_sample(channels, spatial):
    discriminator = ConvDiscriminator(channels, 3, spatial, width=8)
    logits, classes = discriminator(torch.randn(4, channels, *spatial), torch.tensor([0, 1, 2, 0]))
    assert logits.shape == (4,)
    assert classes.shape == (4, 3)


def test_the_label_changes_the_generated_sample():
    generator = ConvGenerator(8, 2, 1, (16, 16), width=16).eval()
    z = torch.randn(1, 8)
    assert not torch.allclose(generator(z, torch.tensor([0])), generator(z, torch.tensor([1])))


def test_build_networks_picks_mlp_for_tables():
    generator, discriminator = build_networks(
        "mlp",
        n_classes=2,
        latent_dim=4,
        spectral_norm=False,
        output_spans=[("continuous", 1), ("categorical", 3)],
    )
    generator.eval()
    rows = generator(torch.randn(5, 4), torch.zeros(5, dtype=torch.long))
    assert rows.shape == (5, 4)
    # categorical span decoded to an exact one-hot in eval mode
    assert torch.equal(rows[:, 1:].sum(dim=1), torch.ones(5))
    assert discriminator(rows, torch.zeros(5, dtype=torch.long))[0].shape == (5,)


@pytest.mark.parametrize("spatial_shape", [(28, 28), (12, 12, 12)])
def test_build_networks_builds_the_translation_unet_with_the_conv_discriminator(spatial_shape):
    generator, discriminator = build_networks(
        "translation", n_classes=3, spectral_norm=True, channels=1, spatial_shape=spatial_shape
    )
    assert isinstance(generator, TranslationGenerator)
    assert isinstance(discriminator, ConvDiscriminator)
    x, c = torch.rand(2, 1, *spatial_shape) * 2 - 1, torch.tensor([0, 2])
    assert generator(x, c).shape == x.shape
    logits, classes = discriminator(x, c)
    assert logits.shape == (2,) and classes.shape == (2, 3)


def test_build_networks_refuses_an_unknown_family_and_a_missing_latent_dim():
    with pytest.raises(ValueError, match="not a network family"):
        build_networks("unet", n_classes=2, latent_dim=4, spectral_norm=True)
    with pytest.raises(ValueError, match="needs latent_dim"):
        build_networks("conv", n_classes=2, spectral_norm=True, channels=1, spatial_shape=(8, 8))
