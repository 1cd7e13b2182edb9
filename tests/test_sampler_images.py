"""GANOversampler on 2D images and 3D volumes (BreastMNIST, AdrenalMNIST3D)."""

from collections import Counter

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from ganaug import GANOversampler
from ganaug.datasets import load_breastmnist

# Synthetic samples only, none rejected: these tests are about what the generator makes.
PURE = {"synthetic_share": 1.0, "reject_outliers": False}
QUICK = {"epochs": 1, "random_state": 0, "verbose": 0, **PURE}


def test_breastmnist_images_come_back_as_uint8_images(breastmnist_small):
    X, y = breastmnist_small
    X_before = X.copy()
    sampler = GANOversampler(**QUICK)
    X_res, y_res = sampler.fit_resample(X, y)
    assert X_res.shape == (400, 28, 28) and X_res.dtype == np.uint8
    assert Counter(y_res.tolist()) == {0: 200, 1: 200}
    np.testing.assert_array_equal(X_res[: len(X)], X)
    np.testing.assert_array_equal(X, X_before)
    assert sampler.architecture_ == "conv"
    assert sampler.n_features_in_ == 784 and sampler.sample_shape_ == (28, 28)


def test_channel_first_images_and_flat_rows_with_image_shape(breastmnist_small):
    X, y = breastmnist_small
    X_c, _ = GANOversampler(**QUICK).fit_resample(X[:, None], y)
    assert X_c.shape == (400, 1, 28, 28)
    flat = X.reshape(len(X), -1)
    sampler = GANOversampler(image_shape=(28, 28), **QUICK)
    X_f, _ = sampler.fit_resample(flat, y)
    assert X_f.shape == (400, 784) and X_f.dtype == np.uint8
    assert sampler.generate(3, 0).shape == (3, 784)
    # same seed, same network: folding is only a view of the same data
    np.testing.assert_array_equal(X_f.reshape(-1, 1, 28, 28), X_c)


def test_odd_sized_float_images_keep_their_value_range():
    rng = np.random.RandomState(0)
    X = rng.uniform(0.2, 0.7, size=(30, 50, 70)).astype(np.float32)
    y = np.r_[np.zeros(8, dtype=int), np.ones(22, dtype=int)]
    X_res, _ = GANOversampler(**QUICK).fit_resample(X, y)
    assert X_res.shape == (44, 50, 70) and X_res.dtype == np.float32
    assert X_res.min() >= X.min() and X_res.max() <= X.max()


def test_rgb_images_are_read_as_channels():
    rng = np.random.RandomState(0)
    X = rng.randint(0, 256, size=(24, 3, 32, 32)).astype(np.uint8)
    y = np.r_[np.zeros(6, dtype=int), np.ones(18, dtype=int)]
    sampler = GANOversampler(**QUICK)
    X_res, _ = sampler.fit_resample(X, y)
    assert X_res.shape == (36, 3, 32, 32)
    assert sampler.encoder_.channels == 3 and sampler.encoder_.spatial_shape == (32, 32)


def test_adrenal_volumes_come_back_as_volumes(adrenal_small):
    X, y = adrenal_small
    sampler = GANOversampler(**QUICK)
    X_res, y_res = sampler.fit_resample(X, y)
    assert X_res.shape == (152, 28, 28, 28) and X_res.dtype == np.uint8
    assert Counter(y_res.tolist()) == {0: 76, 1: 76}
    assert sampler.encoder_.spatial_shape == (28, 28, 28)
    assert sampler.generate(2, 1).shape == (2, 28, 28, 28)


def test_same_seed_same_images(breastmnist_small):
    X, y = breastmnist_small
    a, _ = GANOversampler(**QUICK).fit_resample(X, y)
    b, _ = GANOversampler(**QUICK).fit_resample(X, y)
    np.testing.assert_array_equal(a, b)


@pytest.mark.slow
@pytest.mark.parametrize("architecture", ["conv", "style"])
def test_breastmnist_gan_learns_malignant_images(breastmnist_small, architecture):
    """A classifier trained on real images calls synthetic malignant images malignant
    far more often than it calls real benign images malignant, and the synthetic images
    sit closer to real malignant images than noise does.

    The bar is relative on purpose: how many synthetic images pass for malignant varies
    a lot with the seed and the thread count (0.27 to 0.81 at this budget), the
    instability issue 7 is about; a generator that ignores its condition stays near
    the benign rate.
    """
    X, y = breastmnist_small
    sampler = GANOversampler(
        architecture=architecture, epochs=60, random_state=0, verbose=0, **PURE
    )
    X_res, _ = sampler.fit_resample(X, y)
    synthetic = X_res[len(X) :].reshape(160, -1) / 255.0

    train = load_breastmnist("train")
    judge = make_pipeline(
        StandardScaler(), LogisticRegression(C=0.01, class_weight="balanced", max_iter=2000)
    ).fit(train.images.reshape(len(train.images), -1) / 255.0, train.target)
    held_out = [load_breastmnist(split) for split in ("val", "test")]
    real_benign = np.concatenate([d.images[d.target == 1] for d in held_out])
    benign_rate = np.mean(judge.predict(real_benign.reshape(len(real_benign), -1) / 255.0) == 0)
    assert 0.05 < benign_rate < 0.25
    assert np.mean(judge.predict(synthetic) == 0) > 2 * benign_rate

    real_malignant_mean = (train.images[train.target == 0].reshape(-1, 784) / 255.0).mean(0)
    noise = np.random.RandomState(0).uniform(size=synthetic.shape)
    distance = lambda images: np.linalg.norm(images - real_malignant_mean, axis=1).mean()  # noqa: E731
    assert distance(synthetic) < 0.5 * distance(noise)


@pytest.mark.slow
@pytest.mark.parametrize("architecture", ["conv", "style"])
def test_adrenal_gan_moves_volume_statistics_towards_the_minority(adrenal_small, architecture):
    """Foreground fraction and intensity profile of synthetic hyperplasia volumes are
    closer to the real ones than uniform noise is."""
    X, y = adrenal_small
    sampler = GANOversampler(
        architecture=architecture, epochs=25, random_state=0, verbose=0, **PURE
    )
    X_res, _ = sampler.fit_resample(X, y)
    synthetic = X_res[len(X) :].astype(float) / 255.0
    real = X[y == 1].astype(float) / 255.0
    noise = np.random.RandomState(0).uniform(size=synthetic.shape)

    def profile(volumes):
        # fraction of bright voxels per axial slice: a fixed shape statistic
        return (volumes > 0.5).mean(axis=(2, 3)).mean(axis=0)

    gap = lambda volumes: np.abs(profile(volumes) - profile(real)).mean()  # noqa: E731
    assert gap(synthetic) < 0.5 * gap(noise)


def test_mlp_generator_on_images_trained_on_the_target_class_only(breastmnist_small):
    X, y = breastmnist_small
    sampler = GANOversampler(architecture="mlp", train_on="target", **QUICK)
    X_res, y_res = sampler.fit_resample(X, y)
    assert sampler.architecture_ == "mlp"
    assert X_res.shape == (400, 28, 28) and X_res.dtype == np.uint8
    assert Counter(y_res.tolist()) == {0: 200, 1: 200}
    # one epoch over the 40 malignant images in batches of 32: two steps, not the
    # eight that all 240 images would take
    assert sum(len(record["steps"]) for record in sampler.history_) == 2
