"""The style-based generator: shapes, what style and noise each change, truncation,
style mixing; GANOversampler(architecture="style"): determinism, save/load, pickle,
truncation and latent interpolation."""

import pickle

import numpy as np
import pytest
import torch

from ganaug import GANOversampler
from ganaug.nets import build_networks
from ganaug.nets.style import ModulatedConv, StyleGenerator

CASES = [(1, (28, 28)), (3, (32, 32)), (1, (50, 70)), (1, (28, 28, 28)), (2, (16, 20, 24))]


@pytest.mark.parametrize(("channels", "spatial"), CASES)
def test_shapes_range_and_gradients_in_2d_and_3d(channels, spatial):
    generator = StyleGenerator(8, 3, channels, spatial, width=16)
    out = generator(torch.randn(4, 8), torch.tensor([0, 1, 2, 0]))
    assert out.shape == (4, channels, *spatial) and out.dtype == torch.float32
    assert out.min() >= -1 and out.max() <= 1
    out.square().mean().backward()
    assert all(p.grad is not None for p in generator.mapping.parameters())


@pytest.mark.parametrize("up", [False, True])
def test_modulated_convolution_equals_convolving_with_modulated_weights(up):
    torch.manual_seed(0)
    conv = ModulatedConv(6, 4, 4 if up else 3, 5, dims=2, up=up)
    x, w = torch.randn(3, 6, 7, 7), torch.randn(3, 5)
    outputs = []
    for i in range(3):  # each sample with its own modulated, demodulated weights
        style = conv.affine(w[i : i + 1])[0]
        if up:
            weight = conv.weight * conv.scale * style.view(-1, 1, 1, 1)
            weight = weight * torch.rsqrt(weight.pow(2).sum(dim=(0, 2, 3), keepdim=True))
            out = torch.nn.functional.conv_transpose2d(x[i : i + 1], weight, stride=2, padding=1)
        else:
            weight = conv.weight * conv.scale * style.view(1, -1, 1, 1)
            weight = weight * torch.rsqrt(weight.pow(2).sum(dim=(1, 2, 3), keepdim=True))
            out = torch.nn.functional.conv2d(x[i : i + 1], weight, padding=1)
        outputs.append(out)
    torch.testing.assert_close(conv(x, w), torch.cat(outputs), atol=1e-5, rtol=1e-4)


def _trained_generator(steps=5):
    """A generator whose running mean styles and noise strengths are set."""
    torch.manual_seed(0)
    generator = StyleGenerator(16, 2, 1, (16, 16), width=32)
    for _ in range(steps):  # training-mode passes update each class's mean style
        generator(torch.randn(8, 16), torch.tensor([0, 1] * 4))
    with torch.no_grad():
        for layer in generator.layers:
            layer.noise_strength.fill_(0.05)  # learned strengths stay small
    return generator.eval()


def test_the_style_changes_the_image_and_noise_changes_detail():
    generator = _trained_generator()
    y = torch.zeros(1, dtype=torch.long)
    z1, z2 = torch.randn(2, 1, 16)
    torch.manual_seed(1)
    base = generator(z1, y)
    torch.manual_seed(2)
    other_noise = generator(z1, y)
    torch.manual_seed(1)
    other_style = generator(z2, y)
    noise_change = (base - other_noise).abs().mean()
    style_change = (base - other_style).abs().mean()
    assert 0 < noise_change < style_change
    # noise changes neighbouring pixels independently: its change is rougher
    roughness = lambda d: (d[..., 1:, :] - d[..., :-1, :]).abs().mean() / d.abs().mean()  # noqa: E731
    assert roughness(base - other_noise) > roughness(base - other_style)
    # without noise the image is a function of z and the class alone
    torch.testing.assert_close(generator(z1, y, noise=False), generator(z1, y, noise=False))


def test_truncation_psi_zero_gives_each_class_its_average_image():
    generator = _trained_generator()
    z = torch.randn(6, 16)
    zeros, ones = torch.zeros(6, dtype=torch.long), torch.ones(6, dtype=torch.long)
    average = generator(z, zeros, psi=0.0, noise=False)
    torch.testing.assert_close(average, average[:1].expand_as(average))
    assert not torch.allclose(average[0], generator(z, ones, psi=0.0, noise=False)[0])
    spread = lambda psi: generator(z, zeros, psi=psi, noise=False).std(dim=0).mean()  # noqa: E731
    assert 0 < spread(0.5) < spread(1.0)


def test_the_first_update_sets_the_mean_style_exactly_and_eval_leaves_it():
    generator = StyleGenerator(8, 2, 1, (8, 8), width=16)
    z, y = torch.randn(4, 8), torch.tensor([0, 0, 1, 1])
    torch.manual_seed(0)
    generator(z, y)
    w = generator.mapping(z, y)
    torch.testing.assert_close(generator.w_avg[0], w[:2].mean(dim=0))
    before = generator.w_avg.clone()
    generator.eval()(z, y)
    torch.testing.assert_close(generator.w_avg, before)


def test_style_mixing_draws_a_second_style_while_training_only():
    generator = StyleGenerator(8, 2, 1, (16, 16), width=16, style_mixing=1.0)
    z, y = torch.randn(2, 8), torch.tensor([0, 1])

    def twice(model):
        torch.manual_seed(0)
        first = model(z, y, noise=False)
        return first, model(z, y, noise=False)

    first, second = twice(generator)
    assert not torch.allclose(first, second)  # another second style each call
    first, second = twice(generator.eval())
    torch.testing.assert_close(first, second)
    generator = StyleGenerator(8, 2, 1, (16, 16), width=16, style_mixing=0.0)
    generator.load_state_dict(generator.state_dict())
    first, second = twice(generator)
    torch.testing.assert_close(first, second)


def test_build_networks_builds_the_style_generator_with_the_conv_discriminator():
    generator, discriminator = build_networks(
        "style",
        n_classes=2,
        latent_dim=8,
        spectral_norm=True,
        channels=1,
        spatial_shape=(28, 28),
        style_mixing=0.5,
    )
    assert isinstance(generator, StyleGenerator) and generator.style_mixing == 0.5
    logits, _ = discriminator(
        generator(torch.randn(2, 8), torch.tensor([0, 1])), torch.tensor([0, 1])
    )
    assert logits.shape == (2,)


@pytest.fixture(scope="module")
def fitted(breastmnist_small):
    X, y = breastmnist_small
    sampler = GANOversampler(architecture="style", epochs=2, random_state=0, verbose=0)
    sampler.fit_generator(X, y)
    return sampler, X, y


def test_same_seed_same_samples_and_save_load_pickle_round_trips(fitted, tmp_path):
    sampler, X, y = fitted
    again = GANOversampler(architecture="style", epochs=2, random_state=0, verbose=0)
    again.fit_generator(X, y)
    samples = sampler.generate(5, 0, random_state=3)
    np.testing.assert_array_equal(again.generate(5, 0, random_state=3), samples)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(sampler)).generate(5, 0, 3), samples)
    loaded = GANOversampler.load(sampler.save(tmp_path / "style.pt"))
    assert loaded.architecture_ == "style"
    np.testing.assert_array_equal(loaded.generate(5, 0, random_state=3), samples)


def test_truncation_narrows_the_samples(fitted):
    sampler, _, _ = fitted
    spread = {}
    for psi in (0.0, 1.0):
        sampler.set_params(truncation_psi=psi)
        spread[psi] = sampler.generate(16, 0, random_state=0).astype(float).std(axis=0).mean()
    sampler.set_params(truncation_psi=1.0)
    assert spread[0.0] < 0.5 * spread[1.0]


@pytest.mark.parametrize("architecture", ["conv", "style"])
def test_interpolation_walks_smoothly_between_two_codes(breastmnist_small, architecture):
    X, y = breastmnist_small
    sampler = GANOversampler(architecture=architecture, epochs=2, random_state=0, verbose=0)
    sampler.fit_generator(X, y)
    walk = sampler.interpolate(0, n_steps=9, random_state=1)
    assert walk.shape == (9, 28, 28) and walk.dtype == X.dtype
    np.testing.assert_array_equal(sampler.interpolate(0, 9, random_state=1), walk)
    steps = np.abs(np.diff(walk.astype(float), axis=0)).mean(axis=(1, 2))
    ends = np.abs(walk[-1].astype(float) - walk[0]).mean()
    assert ends > 0 and steps.max() < 0.5 * ends  # no jump carries most of the change
    with pytest.raises(ValueError, match="n_steps must be an integer of at least 2"):
        sampler.interpolate(0, n_steps=1)
    with pytest.raises(ValueError, match="not a class seen during fit"):
        sampler.interpolate(7)


def test_style_needs_images(breast_cancer):
    X, y = breast_cancer
    with pytest.raises(ValueError, match="architecture='style' needs images or volumes"):
        GANOversampler(architecture="style", epochs=1, verbose=0).fit_resample(X, y)


def test_interpolation_on_a_table_gives_rows_of_its_form(breast_cancer):
    X, y = breast_cancer
    sampler = GANOversampler(epochs=1, random_state=0, verbose=0)
    sampler.fit_generator(X, y)
    walk = sampler.interpolate(1, n_steps=4, random_state=0)
    assert walk.shape == (4, X.shape[1])
    assert np.isfinite(np.asarray(walk, dtype=float)).all()
