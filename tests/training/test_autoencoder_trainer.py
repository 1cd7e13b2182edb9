import io

import numpy as np
import pytest
import torch
from scipy.ndimage import gaussian_filter

from ganaug.data.values import match_values
from ganaug.nets.autoencoder import LatentAutoencoder
from ganaug.training.autoencoder import AutoencoderTrainer, fit_autoencoder

SMALL = {"channels": (8, 16, 16)}  # a 4 x 7^3 latent for 28^3, a third of the default's cost


def dice(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a > 0, b > 0
    return float(2 * (a & b).sum() / (a.sum() + b.sum()))


@pytest.fixture(scope="module")
def volumes(adrenal_small):
    images, _ = adrenal_small
    return images[:, None]  # 98 AdrenalMNIST3D masks, (n, 1, 28, 28, 28), 0 and 255


def grey_volumes(n: int = 24, shape=(13, 15, 11), seed: int = 0) -> np.ndarray:
    """Smooth grey-valued volumes (CT-like: int16 with a wide value range), odd sizes."""
    rng = np.random.default_rng(seed)
    noise = gaussian_filter(rng.normal(size=(n, *shape)), (0, *[2] * len(shape)))
    return np.round(noise / noise.std() * 300 + 40).astype(np.int16)[:, None]


def test_a_short_fit_on_real_masks_reduces_the_loss_and_improves_reconstructions(volumes):
    train, held_out = volumes[:80], volumes[80:]
    trainer = fit_autoencoder(
        train, 1, random_state=0, batch_size=8, learning_rate=3e-3, verbose=0, **SMALL
    )
    assert trainer.kind_ == "mask" and trainer.loss_ == "mask"
    before = dice(match_values(trainer.reconstruct(held_out), held_out), held_out)
    trainer.fit(train, 25)
    losses = [record["loss"] for record in trainer.history]
    assert np.mean(losses[-5:]) < 0.8 * np.mean(losses[:5])
    reconstruction = trainer.reconstruct(held_out)
    assert reconstruction.shape == held_out.shape
    assert reconstruction.min() >= 0 and reconstruction.max() <= 255
    after = dice(match_values(reconstruction, held_out), held_out)
    assert after > before + 0.1


def test_grey_volumes_of_odd_size_train_with_l1():
    X = grey_volumes()
    trainer = fit_autoencoder(
        X, 30, random_state=0, batch_size=8, learning_rate=3e-3, verbose=0, channels=(8, 16)
    )
    assert trainer.kind_ == "discrete" and trainer.loss_ == "l1"
    losses = [record["reconstruction"] for record in trainer.history]
    assert np.mean(losses[-5:]) < 0.7 * np.mean(losses[:5])
    reconstruction = trainer.reconstruct(X)
    assert reconstruction.shape == X.shape
    assert X.min() <= reconstruction.min() and reconstruction.max() <= X.max()


def test_the_same_seed_gives_the_same_fit_and_the_global_rng_is_untouched(volumes):
    X = volumes[:20, :, :16, :16, :16]
    state = torch.get_rng_state()
    first = fit_autoencoder(X, 3, random_state=7, batch_size=4, verbose=0, channels=(8, 8))
    assert torch.equal(torch.get_rng_state(), state)
    again = fit_autoencoder(X, 3, random_state=7, batch_size=4, verbose=0, channels=(8, 8))
    other = fit_autoencoder(X, 3, random_state=8, batch_size=4, verbose=0, channels=(8, 8))
    assert [r["loss"] for r in first.history] == [r["loss"] for r in again.history]
    np.testing.assert_array_equal(first.encode(X), again.encode(X))
    assert not np.array_equal(first.encode(X), other.encode(X))


@pytest.mark.parametrize("adversarial_weight", [0.0, 0.1])
def test_state_round_trip_resumes_exactly(volumes, adversarial_weight):
    X = volumes[:20, :, :16, :16, :16]
    params = {"batch_size": 4, "verbose": 0, "adversarial_weight": adversarial_weight}
    params["adversarial_warmup"] = 2
    whole = fit_autoencoder(X, 6, random_state=3, channels=(8, 8), **params)
    half = fit_autoencoder(X, 3, random_state=3, channels=(8, 8), **params)
    buffer = io.BytesIO()
    torch.save(half.state_dict(), buffer)
    buffer.seek(0)
    state = torch.load(buffer, weights_only=True)
    # A fresh trainer with other weights and seed takes everything from the state.
    resumed = AutoencoderTrainer(
        LatentAutoencoder((16, 16, 16), channels=(8, 8)), random_state=99, **params
    )
    resumed.load_state_dict(state)
    np.testing.assert_array_equal(resumed.encode(X), half.encode(X))
    resumed.fit(X, 6)
    assert [r["loss"] for r in resumed.history] == [r["loss"] for r in whole.history]
    np.testing.assert_array_equal(resumed.decode(resumed.encode(X)), whole.reconstruct(X))
    if adversarial_weight:  # the discriminator trains after the warm-up
        assert "discriminator" in whole.history[-1] and "discriminator" not in whole.history[0]


def test_sampled_latents_and_the_explicit_loss():
    X = grey_volumes(8, (12, 12))
    trainer = fit_autoencoder(X, 2, loss="mask", batch_size=4, verbose=0, channels=(8, 8))
    assert trainer.loss_ == "mask"
    mean = trainer.encode(X)
    assert mean.shape == (8, 4, 6, 6)
    assert not np.array_equal(trainer.encode(X, sample=True), mean)
    assert trainer.decode(mean[:0]).shape == (0, 1, 12, 12)
    with pytest.raises(ValueError, match="loss must be"):
        AutoencoderTrainer(trainer.autoencoder, loss="bce")
