import pytest
import torch

from ganaug.nets.autoencoder import (
    LatentAutoencoder,
    default_levels,
    kl_divergence,
    reparameterize,
)

CASES = [
    # (channels, spatial shape, levels' channels, latent shape)
    (1, (28, 28), (8, 16, 16), (4, 7, 7)),
    (3, (27, 30), (8, 16, 16), (4, 7, 8)),  # odd sizes: padded to 28 x 32
    (1, (28, 28, 28), (8, 8, 16), (4, 7, 7, 7)),
    (2, (13, 17, 9), (8, 16), (4, 7, 9, 5)),  # odd sizes, one downsampling
]


@pytest.mark.parametrize(("channels", "spatial", "levels", "latent"), CASES)
def test_encode_decode_keep_the_shape_for_2d_3d_and_odd_sizes(channels, spatial, levels, latent):
    ae = LatentAutoencoder(spatial, channels, channels=levels)
    x = torch.rand(2, channels, *spatial)
    z = ae.encode(x)
    assert ae.latent_shape == latent
    assert z.shape == (2, *latent)
    assert ae.decode(z).shape == x.shape
    reconstruction, mu, sigma = ae(x)
    assert reconstruction.shape == x.shape
    assert mu.shape == sigma.shape == z.shape
    assert torch.all(sigma > 0)


def test_default_volume_autoencoder_has_a_7_cubed_latent_and_no_attention():
    ae = LatentAutoencoder((28, 28, 28))
    assert ae.latent_shape == (4, 7, 7, 7)
    assert ae.downsampling == 4
    names = [type(m).__name__ for m in ae.modules()]
    assert not any("Attention" in name or "Attn" in name for name in names)


@pytest.mark.parametrize(
    ("spatial", "channels", "res_blocks", "latent"),
    [
        ((16, 16, 16), (16, 32, 32), (1, 1, 1), (4, 4, 4, 4)),
        ((28, 28), (32, 64, 64), (1, 1, 1), (4, 7, 7)),
        ((64, 64, 64), (8, 16, 32, 32), (0, 1, 1, 1), (4, 8, 8, 8)),
        ((128, 128, 96), (8, 8, 16, 32, 32), (0, 0, 1, 1, 1), (4, 8, 8, 6)),
        ((64, 64), (16, 32, 64, 64), (0, 1, 1, 1), (4, 8, 8)),
    ],
)
def test_larger_samples_get_strided_entry_levels_down_to_an_8_sided_latent(
    spatial, channels, res_blocks, latent
):
    assert default_levels(spatial) == (channels, res_blocks)
    ae = LatentAutoencoder(spatial)
    assert (ae.channels, ae.num_res_blocks, ae.latent_shape) == (channels, res_blocks, latent)
    blocks = sum(type(m).__name__ == "AEKLResBlock" for m in ae.autoencoder.encoder.modules())
    assert blocks == sum(res_blocks)


def test_explicit_channels_get_one_residual_block_per_level_unless_told():
    assert LatentAutoencoder((16, 16), channels=(8, 8)).num_res_blocks == (1, 1)
    assert LatentAutoencoder((16, 16), channels=(8, 8), num_res_blocks=2).num_res_blocks == (2, 2)


def test_a_sampled_latent_follows_its_generator_and_the_mean_does_not():
    ae = LatentAutoencoder((16, 16), channels=(8, 8)).eval()
    x = torch.rand(3, 1, 16, 16)
    with torch.no_grad():
        mean = ae.encode(x)
        first = ae.encode(x, sample=True, generator=torch.Generator().manual_seed(1))
        again = ae.encode(x, sample=True, generator=torch.Generator().manual_seed(1))
        other = ae.encode(x, sample=True, generator=torch.Generator().manual_seed(2))
    assert torch.equal(first, again)
    assert not torch.equal(first, other)
    assert not torch.equal(first, mean)
    assert torch.equal(mean, ae.encode_distribution(x)[0])


def test_wrong_spatial_shape_is_refused():
    ae = LatentAutoencoder((16, 16), channels=(8, 8))
    with pytest.raises(ValueError, match="built for"):
        ae.encode(torch.rand(1, 1, 16, 20))


def test_kl_is_zero_for_the_unit_gaussian_and_positive_otherwise():
    mu, sigma = torch.zeros(2, 4, 3, 3), torch.ones(2, 4, 3, 3)
    assert kl_divergence(mu, sigma).item() == pytest.approx(0.0)
    assert kl_divergence(mu + 1, sigma).item() == pytest.approx(0.5 * 36)
    assert reparameterize(mu, 0 * sigma).abs().max() == 0
