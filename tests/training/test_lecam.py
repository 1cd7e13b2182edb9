"""The LeCam regulariser keeps the discriminator's real and fake scores close."""

import numpy as np
import torch

from ganaug import GANOversampler


def _score_gaps(sampler):
    return np.array([record["real_score"] - record["fake_score"] for record in sampler.history_])


def test_lecam_narrows_the_gap_between_real_and_fake_scores(breastmnist_small):
    X, y = breastmnist_small
    X, y = X[::4], y[::4]  # 60 images, 2 steps per epoch
    params = {"epochs": 20, "random_state": 0, "verbose": 0}
    plain = _score_gaps(GANOversampler(lecam_weight=0.0, **params).fit_generator(X, y))
    regularised = _score_gaps(GANOversampler(lecam_weight=1.0, **params).fit_generator(X, y))
    # Without it the discriminator pulls the scores apart as it fits the few
    # real images; with it the gap stays a fraction of that.
    assert plain[10:].mean() > 1.0
    assert regularised[10:].mean() < 0.25 * plain[10:].mean()


def _weights(sampler):
    return sampler.generator_.state_dict()


def _same(a, b):
    return all(torch.equal(t, b[name]) for name, t in a.items())


def test_auto_weight_is_on_for_images_and_off_for_tables_and_volumes(
    breastmnist_small, adrenal_small, breast_cancer
):
    params = {"epochs": 1, "random_state": 0, "verbose": 0}
    X, y = breastmnist_small
    auto = _weights(GANOversampler(**params).fit_generator(X[::4], y[::4]))
    on = _weights(GANOversampler(lecam_weight=0.3, **params).fit_generator(X[::4], y[::4]))
    off = _weights(GANOversampler(lecam_weight=0.0, **params).fit_generator(X[::4], y[::4]))
    assert _same(auto, on) and not _same(auto, off)
    for X, y in (adrenal_small, breast_cancer):
        auto = _weights(GANOversampler(**params).fit_generator(X, y))
        off = _weights(GANOversampler(lecam_weight=0.0, **params).fit_generator(X, y))
        assert _same(auto, off)
