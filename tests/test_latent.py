"""The samplers' latent path (issue 33): an autoencoder fitted inside the fit, networks
trained on its codes, samples decoded and mapped onto the real class's values."""

import pickle
from collections import Counter

import numpy as np
import pytest
import torch
from _interrupt import Crash
from scipy.ndimage import gaussian_filter
from sklearn.base import clone

from ganaug import GANOversampler, TranslationOversampler
from ganaug.datasets import load_breastmnist
from ganaug.io.checkpoint import load_checkpoint
from ganaug.over_sampling import _latent
from ganaug.over_sampling._latent import LatentEncoder, LatentInterpolation, auto_autoencoder_steps
from ganaug.training.callbacks import load_training_state, read_training_checkpoint
from ganaug.workflows.dry_run import _time_network

FAST = {"autoencoder_steps": 3, "random_state": 0, "verbose": 0}
GAN = {**FAST, "latent": True, "epochs": 2, "batch_size": 16}


@pytest.fixture(scope="module")
def masks(adrenal_small):
    """60 AdrenalMNIST3D masks (0 and 255), 46 normal (0) and 14 hyperplasia (1)."""
    images, target = adrenal_small
    return images[:60], target[:60]


@pytest.fixture(scope="module")
def fitted(masks):
    """A latent GAN fitted on the masks (the fit is shared by the tests that only read it)."""
    X, y = masks
    sampler = GANOversampler(**GAN, synthetic_share=1.0, reject_outliers=False)
    return sampler, *sampler.fit_resample(X, y)


def grey_volumes(n: int = 40, shape=(16, 16, 16), seed: int = 0) -> np.ndarray:
    """Smooth grey-valued volumes (CT-like int16 values over a wide range)."""
    rng = np.random.default_rng(seed)
    noise = gaussian_filter(rng.normal(size=(n, *shape)), (0, 2, 2, 2))
    return np.round(noise / noise.std() * 300 + 40).astype(np.int16)


def check_resampled(sampler, X, y, X_res, y_res):
    assert X_res.shape == (2 * (y == 0).sum(), *X.shape[1:]) and X_res.dtype == X.dtype
    assert Counter(y_res.tolist()) == {0: (y == 0).sum(), 1: (y == 0).sum()}
    np.testing.assert_array_equal(X_res[: len(X)], X)
    new = X_res[sampler.synthetic_mask_]
    assert len(new) and set(np.unique(new).tolist()) <= {0, 255}  # the real two values


def test_the_gan_trains_on_codes_and_returns_masks(masks, fitted):
    X, y = masks
    sampler, X_res, y_res = fitted
    check_resampled(sampler, X, y, X_res, y_res)
    assert sampler.latent_ and sampler.match_values_ and sampler.value_kind_ == "mask"
    assert isinstance(sampler.encoder_, LatentEncoder)
    assert (sampler.encoder_.channels, sampler.encoder_.spatial_shape) == (4, (7, 7, 7))
    assert sampler.generator_.spatial_shape == (7, 7, 7) and sampler.architecture_ == "conv"
    history = sampler.autoencoder_history_
    assert [r["step"] for r in history] == [0, 1, 2] and all(r["seconds"] > 0 for r in history)
    # The networks took 2 epochs of 4 class-balanced batches of 16 codes.
    assert sum(len(r["steps"]) for r in sampler.history_) == 8


def test_reconstruct_passes_real_samples_through_the_autoencoder(masks, fitted):
    X, _ = masks
    sampler = fitted[0]
    matched = sampler.reconstruct(X[:6])
    assert matched.shape == (6, 28, 28, 28) and matched.dtype == np.uint8
    assert set(np.unique(matched).tolist()) <= {0, 255}
    assert (matched == 255).mean() == pytest.approx((X[:6] == 255).mean(), rel=0.05)
    raw = sampler.reconstruct(X[:6], match=False)
    assert len(np.unique(raw)) > 2  # the decoder's in-between values
    with pytest.raises(ValueError, match="latent=True"):
        GANOversampler(epochs=1, random_state=0, verbose=0).fit_generator(X, masks[1]).reconstruct(
            X
        )


def test_interpolation_trains_only_the_autoencoder_and_repeats_under_a_seed(masks):
    X, y = masks
    params = {**FAST, "latent": True, "architecture": "interpolation", "synthetic_share": 1.0}
    state = torch.get_rng_state()
    sampler = GANOversampler(**params)
    X_res, y_res = sampler.fit_resample(X, y)
    assert torch.equal(torch.get_rng_state(), state)  # the global RNG untouched
    check_resampled(sampler, X, y, X_res, y_res)
    assert isinstance(sampler.generator_, LatentInterpolation) and len(sampler.history_) == 0
    assert sampler.selected_step_ is None and sampler.checkpoint_scores_ == []
    again = GANOversampler(**params).fit_resample(X, y)
    np.testing.assert_array_equal(X_res, again[0])
    other = GANOversampler(**{**params, "random_state": 1}).fit_resample(X, y)
    assert not np.array_equal(X_res, other[0])
    walk = sampler.interpolate(1, n_steps=3, random_state=0)
    assert walk.shape == (3, 28, 28, 28) and walk.dtype == np.uint8


def test_interpolation_draws_between_two_different_codes_of_the_class():
    codes = torch.arange(5, dtype=torch.float32)[:, None] * torch.ones(5, 2)
    interpolation = LatentInterpolation(codes, torch.tensor([0, 0, 1, 1, 1]))
    z = torch.randn(200, 3, generator=torch.Generator().manual_seed(0))
    out = interpolation(z, torch.tensor([0] * 100 + [1] * 100))
    assert out.shape == (200, 2) and (out[:, 0] == out[:, 1]).all()
    assert out[:100, 0].min() >= 0 and out[:100, 0].max() <= 1
    assert out[100:, 0].min() >= 2 and out[100:, 0].max() <= 4 and out[100:, 0].std() > 0.3
    ends = torch.tensor([[0.3, -0.2, float("-inf")], [0.3, -0.2, float("inf")]])
    walk = interpolation(ends, torch.tensor([1, 1]))
    assert walk[0, 0] != walk[1, 0]  # a walk from one real code to another


def test_the_translator_takes_the_latent_path_too(masks):
    X, y = masks
    sampler = TranslationOversampler(**GAN, label_gate=False, synthetic_share=1.0)
    X_res, y_res = sampler.fit_resample(X, y)
    check_resampled(sampler, X, y, X_res, y_res)
    assert sampler.latent_ and sampler.encoder_.spatial_shape == (7, 7, 7)
    assert (y[sampler.source_indices_[sampler.synthetic_mask_]] == 0).all()
    translated = sampler.translate(X[:3], 1)
    assert translated.shape == (3, 28, 28, 28) and translated.dtype == np.uint8


@pytest.mark.parametrize("architecture", ["conv", "interpolation"])
def test_save_and_load_give_the_same_samples(masks, tmp_path, architecture):
    X, y = masks
    sampler = GANOversampler(**{**GAN, "architecture": architecture}).fit_generator(X, y)
    path = sampler.save(tmp_path / "sampler.pt")
    payload = load_checkpoint(path)  # weights_only: tensors and plain values only
    assert payload["encoder"]["kind"] == "latent"
    loaded = GANOversampler.load(path, device="cpu")
    assert loaded.latent_ and loaded.match_values_ and loaded.value_kind_ == "mask"
    assert len(loaded.autoencoder_history_) == 3
    for real in (None, X[y == 1]):
        first = sampler.generate(5, 1, random_state=3, match_to=real)
        np.testing.assert_array_equal(first, loaded.generate(5, 1, random_state=3, match_to=real))
    np.testing.assert_array_equal(sampler.reconstruct(X[:4]), loaded.reconstruct(X[:4]))


def test_large_volumes_get_a_strided_entry_level_that_saves_and_loads(tmp_path):
    X = grey_volumes(12, shape=(36, 40, 33))
    y = np.array([0] * 8 + [1] * 4)
    params = {**FAST, "autoencoder_steps": 2, "architecture": "interpolation"}
    sampler = GANOversampler(**params, latent=True).fit_generator(X, y)
    autoencoder = sampler.encoder_.trainer_.autoencoder
    assert autoencoder.channels == (8, 16, 32, 32) and autoencoder.num_res_blocks == (0, 1, 1, 1)
    assert sampler.encoder_.spatial_shape == (5, 5, 5)  # padded to 40^3, halved three times
    loaded = GANOversampler.load(sampler.save(tmp_path / "sampler.pt"), device="cpu")
    first = sampler.generate(3, 1, random_state=0)
    assert first.shape == (3, 36, 40, 33) and first.dtype == np.int16
    np.testing.assert_array_equal(first, loaded.generate(3, 1, random_state=0))


def test_pickling_and_cloning(fitted):
    sampler = fitted[0]
    copy = pickle.loads(pickle.dumps(sampler))
    np.testing.assert_array_equal(
        copy.generate(4, 1, random_state=0), sampler.generate(4, 1, random_state=0)
    )
    fresh = clone(sampler)
    assert fresh.get_params() == sampler.get_params() and not hasattr(fresh, "encoder_")


@pytest.mark.parametrize("crash_at", [1, 5])  # before the networks' first checkpoint, after
def test_resume_reuses_the_autoencoder_and_ends_as_an_uninterrupted_run(
    masks, tmp_path, monkeypatch, crash_at
):
    X, y = masks
    path = tmp_path / "checkpoint.pt"
    params = {**GAN, "epochs": 3}  # 12 steps
    reference = GANOversampler(**params).fit_generator(X, y)
    fits = []
    fit_autoencoder = _latent.fit_autoencoder
    monkeypatch.setattr(
        _latent, "fit_autoencoder", lambda *a, **k: fits.append(1) or fit_autoencoder(*a, **k)
    )
    with pytest.raises(KeyboardInterrupt):
        GANOversampler(**params).fit_generator(
            X, y, checkpoint=path, checkpoint_every=4, callbacks=[Crash(crash_at)]
        )
    state, _ = load_training_state(path)
    assert (state is None) == (crash_at < 4)  # the stage alone, or the networks at step 4
    assert "autoencoder" in read_training_checkpoint(path)["stages"]
    resumed = GANOversampler(**params).fit_generator(X, y, checkpoint=path, resume=True)
    assert len(fits) == 1  # the autoencoder trained once, before the interruption
    expected = reference.generator_.state_dict()
    for name, tensor in resumed.generator_.state_dict().items():
        assert torch.equal(tensor, expected[name]), name
    np.testing.assert_array_equal(
        resumed.generate(3, 1, random_state=1), reference.generate(3, 1, random_state=1)
    )

    def losses(sampler):
        return [
            {k: v for k, v in r.items() if k != "seconds"} for r in sampler.autoencoder_history_
        ]

    assert losses(resumed) == losses(reference)
    with pytest.raises(ValueError, match=r"different parameters \['autoencoder_steps'\]"):
        GANOversampler(**{**params, "autoencoder_steps": 4}).fit_generator(
            X, y, checkpoint=path, resume=True
        )


def test_grey_volumes_keep_the_real_histogram():
    X = grey_volumes()
    y = np.array([0] * 30 + [1] * 10)
    params = {**FAST, "latent": True, "architecture": "interpolation", "synthetic_share": 1.0}
    params["autoencoder_steps"] = 10
    sampler = GANOversampler(**params)
    X_res, _ = sampler.fit_resample(X, y)
    assert sampler.value_kind_ == "discrete" and X_res.dtype == np.int16
    new, real = X_res[sampler.synthetic_mask_], X[y == 1]
    assert set(np.unique(new).tolist()) <= set(np.unique(real).tolist())  # real values only
    q = np.linspace(0.01, 0.99, 25)
    spread = np.quantile(real, 0.99) - np.quantile(real, 0.01)
    assert np.abs(np.quantile(new, q) - np.quantile(real, q)).max() < 0.02 * spread
    raw = GANOversampler(**params, match_values=False)
    raw_new = raw.fit_resample(X, y)[0][raw.synthetic_mask_]
    assert np.abs(np.quantile(raw_new, q) - np.quantile(real, q)).max() > 0.05 * spread


@pytest.mark.slow
def test_interpolations_of_the_minority_move_toward_the_real_minority(adrenal_small):
    """A fixed feature, the projection onto the difference of the real class means,
    is 0 for the mean real normal mask and 1 for the mean hyperplasia mask."""
    X, y = adrenal_small
    foreground = (X > 0).reshape(len(X), -1).astype(float)
    mean0, mean1 = foreground[y == 0].mean(0), foreground[y == 1].mean(0)
    direction = mean1 - mean0

    def feature(volumes):
        return float((((volumes > 0).reshape(len(volumes), -1) - mean0) @ direction).mean())

    scale = feature(X[y == 1])
    params = {**FAST, "latent": True, "architecture": "interpolation", "autoencoder_steps": 15}
    sampler = GANOversampler(**params, reject_outliers=False)
    sampler.fit_generator(X, y)
    minority = feature(sampler.generate(40, 1, random_state=0, match_to=X[y == 1])) / scale
    majority = feature(sampler.generate(40, 0, random_state=0, match_to=X[y == 0])) / scale
    assert minority > majority + 0.2 and minority > 0.4


def test_latent_is_off_for_images_and_tables_unless_asked(breast_cancer):
    images, target = load_breastmnist("val").images[:40], load_breastmnist("val").target[:40]
    auto = GANOversampler(latent="auto", epochs=1, random_state=0, verbose=0)
    auto.fit_resample(images, target)
    assert not auto.latent_ and not auto.match_values_
    on = GANOversampler(latent=True, autoencoder_steps=2, epochs=1, random_state=0, verbose=0)
    X_res, _ = on.fit_resample(images, target)
    assert on.latent_ and on.value_kind_ == "discrete" and on.encoder_.spatial_shape == (7, 7)
    new = X_res[on.synthetic_mask_]
    assert X_res.dtype == np.uint8 and set(np.unique(new)) <= set(np.unique(images[target == 0]))
    X, y = breast_cancer
    with pytest.raises(ValueError, match=r"latent=True .* X is a table"):
        GANOversampler(latent=True, verbose=0).fit_resample(X, y)
    with pytest.raises(ValueError, match=r"match_values=True .* X is a table"):
        GANOversampler(match_values=True, verbose=0).fit_resample(X, y)
    with pytest.raises(ValueError, match=r"architecture='interpolation' .* latent=True"):
        GANOversampler(architecture="interpolation", verbose=0).fit_resample(images, target)


def test_auto_autoencoder_steps_scale_with_the_sample_size():
    assert auto_autoencoder_steps(1188, (28, 28, 28), 16) == 300
    assert auto_autoencoder_steps(1188, (64, 64, 64), 16) == 87
    assert auto_autoencoder_steps(40, (28, 28, 28), 16) == 150  # at most 50 passes
    assert auto_autoencoder_steps(4, (64, 64, 64), 16) == 50
    assert auto_autoencoder_steps(1, (256, 256, 256), 16) == 20  # the floor


def test_the_dry_run_times_a_fit_without_networks(masks):
    """architecture="interpolation" trains no network: the dry run times the whole fit."""
    X, y = masks
    sampler = GANOversampler(**FAST, latent=True, architecture="interpolation")
    seconds, steps, _ = _time_network(sampler, X, y, 3)
    assert seconds > 0 and steps == 1


def test_the_autoencoder_shows_its_progress_unless_silenced(masks, capfd):
    X, y = masks
    params = {**FAST, "latent": True, "architecture": "interpolation", "autoencoder_steps": 1}
    GANOversampler(**{**params, "verbose": 1}).fit_generator(X[:30], y[:30])
    assert "ganaug autoencoder" in capfd.readouterr().err
    GANOversampler(**params).fit_generator(X[:30], y[:30])
    assert "ganaug autoencoder" not in capfd.readouterr().err
