"""FID, KID and precision/recall on real image features."""

import numpy as np
import pandas as pd
import pytest
from sklearn.decomposition import PCA

from ganaug.datasets import load_breastmnist
from ganaug.evaluation import (
    column_distances,
    correlation_difference,
    frechet_distance,
    inception_score,
    kernel_distance,
    precision_recall_coverage,
)


@pytest.fixture(scope="module")
def features():
    """16 PCA features of every BreastMNIST training image."""
    images = load_breastmnist("train").images.reshape(-1, 784) / 255.0
    return PCA(16, random_state=0).fit_transform(images)


def test_fid_of_a_set_with_itself_is_zero(features):
    assert frechet_distance(features, features) == pytest.approx(0.0, abs=1e-6)


def test_fid_grows_with_a_shift(features):
    small = frechet_distance(features, features + 0.1)
    large = frechet_distance(features, features + 1.0)
    assert 0 < small < large
    assert large == pytest.approx(16 * 1.0**2, rel=1e-4)  # mean term only: ||shift||^2


def test_kid_is_unbiased_on_two_draws_of_one_distribution(features):
    rng = np.random.RandomState(0)
    kids, biased = [], []
    for _ in range(200):
        order = rng.permutation(len(features))
        a, b = features[order[:30]], features[order[30:60]]
        kids.append(kernel_distance(a, b))
        both = np.vstack([a, b])
        k = (both @ both.T / both.shape[1] + 1) ** 3  # the biased V-statistic keeps diagonals
        biased.append(k[:30, :30].mean() + k[30:, 30:].mean() - 2 * k[:30, 30:].mean())
    kids = np.array(kids)
    assert abs(kids.mean()) < 3 * kids.std(ddof=1) / np.sqrt(len(kids))
    assert np.mean(biased) > 10 * kids.std(ddof=1) / np.sqrt(len(kids))


def test_kid_detects_a_different_distribution(features):
    assert kernel_distance(features[:100], features[100:200] + 0.5) > 0.1


def test_precision_recall_coverage_bounds(features):
    same = precision_recall_coverage(features[:200], features[:200])
    assert same["precision"] == same["recall"] == same["coverage"] == 1.0
    far = precision_recall_coverage(features[:200], features[:200] + 100.0)
    assert far["precision"] == far["recall"] == far["coverage"] == far["density"] == 0.0
    collapsed = precision_recall_coverage(features[:200], np.repeat(features[:1], 50, axis=0))
    assert collapsed["recall"] < 0.1 and collapsed["coverage"] < 0.1


def test_mismatched_features_are_refused():
    with pytest.raises(ValueError, match="same d"):
        frechet_distance(np.zeros((5, 3)), np.zeros((5, 4)))
    with pytest.raises(ValueError, match="at least 2"):
        kernel_distance(np.zeros((1, 3)), np.zeros((5, 3)))


def test_column_distances_and_correlations():
    rng = np.random.RandomState(0)
    real = pd.DataFrame({"age": rng.normal(60, 10, 500), "sex": rng.choice(["f", "m"], 500)})
    real["bp"] = real["age"] * 2 + rng.normal(0, 5, 500)
    same = column_distances(real, real)
    assert (same["distance"] == 0).all()
    assert same.loc["sex", "kind"] == "categorical"
    shifted = real.assign(age=real["age"] + 10, sex="f")
    moved = column_distances(real, shifted)
    assert moved.loc["age", "distance"] == pytest.approx(10 / real["age"].std(ddof=0), rel=1e-6)
    assert moved.loc["sex", "distance"] == pytest.approx((real["sex"] == "m").mean())
    assert correlation_difference(real, real) == 0
    shuffled = real.assign(bp=rng.permutation(real["bp"].to_numpy()))
    assert correlation_difference(real, shuffled) > 0.5


def test_inception_score_from_its_definition():
    same = np.tile([0.9, 0.1], (10, 1))
    assert inception_score(same) == pytest.approx(1.0)  # one judgement for all
    split = np.array([[1.0, 0.0], [0.0, 1.0]] * 5)
    assert inception_score(split) == pytest.approx(2.0, rel=1e-6)  # confident, even
    mixed = np.array([[0.8, 0.2], [0.3, 0.7]])
    marginal = mixed.mean(axis=0)
    kl = (mixed * np.log(mixed / marginal)).sum(axis=1).mean()
    assert inception_score(mixed) == pytest.approx(np.exp(kl))
    assert 1.0 < inception_score(mixed) < 2.0
