"""The LeCam regulariser keeps the discriminator's real and fake scores close."""

import numpy as np

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
