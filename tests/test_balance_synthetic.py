"""Signature balancing: with ``balance_synthetic`` every class holds the same share
of synthetic samples, so being synthetic is no cue to the class."""

from collections import Counter

import numpy as np
import pytest

from ganaug import AugmentedRandomOverSampler, GANOversampler

QUICK = {"epochs": 1, "random_state": 0, "verbose": 0}
RAW = {"reject_outliers": False, **QUICK}  # every candidate kept: exact counts


def _synthetic_counts(sampler, y_res):
    return Counter(y_res[sampler.synthetic_mask_].tolist())


@pytest.mark.parametrize("share", [1.0, 0.5])
def test_every_class_gets_the_same_share_of_synthetic_rows(breast_cancer, share):
    X, y = breast_cancer  # 212 malignant (0), 357 benign (1)
    sampler = GANOversampler(balance_synthetic=share, **RAW)
    X_res, y_res = sampler.fit_resample(X, y)
    after_strategy = 357
    assert Counter(y_res.tolist()) == dict.fromkeys([0, 1], after_strategy + round(share * 357))
    assert _synthetic_counts(sampler, y_res) == dict.fromkeys([0, 1], round(share * 357))
    # the strategy's 145 new malignant rows are duplicates of real malignant rows
    n = len(X)
    rows = np.arange(n, len(X_res))
    duplicates = rows[~sampler.synthetic_mask_[n:]]
    assert len(duplicates) == 145
    np.testing.assert_array_equal(X_res[duplicates], X[sampler.source_indices_[duplicates]])
    assert (y[sampler.source_indices_[duplicates]] == 0).all()
    np.testing.assert_array_equal(sampler.source_indices_[sampler.synthetic_mask_], -1)
    np.testing.assert_array_equal(X_res[:n], X)


def test_balancing_follows_a_partial_sampling_strategy(breast_cancer):
    X, y = breast_cancer
    sampler = GANOversampler(sampling_strategy={0: 300, 1: 357}, balance_synthetic=0.5, **RAW)
    _, y_res = sampler.fit_resample(X, y)
    assert _synthetic_counts(sampler, y_res) == {0: 150, 1: round(0.5 * 357)}
    assert Counter(y_res.tolist()) == {0: 450, 1: 357 + 178}


def test_without_balancing_only_the_minority_gets_synthetic_rows(breast_cancer):
    X, y = breast_cancer
    sampler = GANOversampler(synthetic_share=1.0, **RAW)
    _, y_res = sampler.fit_resample(X, y)
    assert _synthetic_counts(sampler, y_res) == {0: 145}


def test_balanced_samples_of_each_class_are_matched_to_that_class(breastmnist_small):
    X, y = breastmnist_small
    sampler = GANOversampler(balance_synthetic=1.0, **RAW)
    X_res, y_res = sampler.fit_resample(X, y)
    for cls in (0, 1):
        synthetic = X_res[sampler.synthetic_mask_ & (y_res == cls)].astype(float)
        real = X[y == cls].astype(float)
        # matched to its own class: the mean image is the class's, far from the other's
        own = np.abs(synthetic.mean(0) - real.mean(0)).mean()
        other = np.abs(synthetic.mean(0) - X[y != cls].astype(float).mean(0)).mean()
        assert own < 2.0 < other, (cls, own, other)


def test_balancing_needs_a_generator_of_every_class(breast_cancer):
    X, y = breast_cancer
    sampler = GANOversampler(balance_synthetic=1.0, train_on="target", **QUICK)
    with pytest.raises(ValueError, match="train_on='all'"):
        sampler.fit_resample(X, y)


def test_augmented_copies_balance_by_default(breastmnist_small):
    X, y = breastmnist_small  # 40 malignant, 200 benign
    sampler = AugmentedRandomOverSampler(random_state=0)
    _, y_res = sampler.fit_resample(X, y)
    assert Counter(y_res.tolist()) == {0: 400, 1: 400}
    assert _synthetic_counts(sampler, y_res) == {0: 200, 1: 200}
    sources = sampler.source_indices_
    assert (y[sources] == y_res).all()  # every row comes from a real sample of its class


def test_minority_only_augmentation_when_not_balanced(breastmnist_small):
    X, y = breastmnist_small
    sampler = AugmentedRandomOverSampler(balance_synthetic=None, random_state=0)
    _, y_res = sampler.fit_resample(X, y)
    assert Counter(y_res.tolist()) == {0: 200, 1: 200}
    assert _synthetic_counts(sampler, y_res) == {0: 160}
