"""AugmentedRandomOverSampler: transformed copies of real images and volumes."""

import pickle

import numpy as np
import pytest
from imblearn.pipeline import make_pipeline
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score

from ganaug import AugmentedRandomOverSampler


def _copies_and_sources(sampler, X, X_res):
    mask = sampler.synthetic_mask_
    return X_res[mask].astype(float), X[sampler.source_indices_[mask]].astype(float)


def test_copies_keep_shape_dtype_and_range_and_resemble_their_source(breastmnist_small):
    X, y = breastmnist_small
    X_before = X.copy()
    sampler = AugmentedRandomOverSampler(random_state=0)
    X_res, _ = sampler.fit_resample(X, y)
    assert X_res.dtype == np.uint8 and X_res.shape[1:] == (28, 28)
    np.testing.assert_array_equal(X, X_before)
    copies, sources = _copies_and_sources(sampler, X, X_res)
    assert not np.array_equal(copies, sources)
    # each copy is closer to its own source than to another image of the data set
    own = np.abs(copies - sources).mean(axis=(1, 2))
    shuffled = np.abs(copies - np.roll(sources, 1, axis=0)).mean(axis=(1, 2))
    assert np.mean(own < shuffled) > 0.9
    assert 2 < own.mean() < 40  # changed, on a 0-255 scale, but not beyond recognition


def test_no_transform_at_all_returns_duplicates(breastmnist_small):
    X, y = breastmnist_small
    sampler = AugmentedRandomOverSampler(
        rotation=0, scale=0, translation=0, elastic=0, gamma=0, noise=0, random_state=0
    )
    X_res, _ = sampler.fit_resample(X, y)
    copies, sources = _copies_and_sources(sampler, X, X_res)
    assert np.abs(copies - sources).max() <= 1  # resampled on the same grid: rounding only


def test_same_seed_same_copies_other_seed_other_copies(breastmnist_small):
    X, y = breastmnist_small
    first, _ = AugmentedRandomOverSampler(random_state=3).fit_resample(X, y)
    again, _ = AugmentedRandomOverSampler(random_state=3).fit_resample(X, y)
    other, _ = AugmentedRandomOverSampler(random_state=4).fit_resample(X, y)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


def test_volumes_and_flat_rows(adrenal_small, breastmnist_small):
    X, y = adrenal_small
    X_res, _ = AugmentedRandomOverSampler(random_state=0).fit_resample(X[:, None], y)
    assert X_res.shape == (2 * 2 * 76, 1, 28, 28, 28) and X_res.dtype == X.dtype
    images, target = breastmnist_small
    flat = images.reshape(len(images), -1)
    sampler = AugmentedRandomOverSampler(image_shape=(28, 28), random_state=0)
    X_flat, _ = sampler.fit_resample(flat, target)
    folded, _ = AugmentedRandomOverSampler(random_state=0).fit_resample(images, target)
    np.testing.assert_array_equal(X_flat.reshape(folded.shape), folded)


def test_copies_of_masks_keep_the_two_values_and_are_only_moved(adrenal_small, breastmnist_small):
    X, y = adrenal_small  # masks: 0 and 255
    sampler = AugmentedRandomOverSampler(random_state=0)
    X_res, _ = sampler.fit_resample(X[:30], y[:30])
    assert sampler.value_kind_ == "mask"
    copies, sources = _copies_and_sources(sampler, X[:30], X_res)
    assert set(np.unique(copies).tolist()) == {0, 255}
    assert not np.array_equal(copies, sources)
    share = (copies == 255).mean(axis=(1, 2, 3)) / (sources == 255).mean(axis=(1, 2, 3))
    assert 0.6 < np.median(share) < 1.6  # moved and reshaped, not emptied or filled
    steps = [type(step).__name__ for step in sampler._transform().transforms]
    assert steps == ["RandAffine", "Rand3DElastic"]  # no contrast, no noise
    grey = AugmentedRandomOverSampler(random_state=0)
    grey.fit_resample(*breastmnist_small)
    assert grey.value_kind_ == "discrete" and len(grey._transform().transforms) == 4


def test_a_table_is_refused_with_the_fix(breast_cancer):
    X, y = breast_cancer
    with pytest.raises(ValueError, match=r"takes images or volumes.*RandomOverSampler"):
        AugmentedRandomOverSampler().fit_resample(X, y)


def test_pipeline_clone_and_pickle(breastmnist_small):
    X, y = breastmnist_small
    flat = X.reshape(len(X), -1) / 255.0
    sampler = AugmentedRandomOverSampler(image_shape=(28, 28), random_state=0)
    model = make_pipeline(sampler, LogisticRegression(max_iter=200))
    scores = cross_val_score(model, flat, y, cv=2, scoring="roc_auc")
    assert scores.shape == (2,) and np.isfinite(scores).all()
    assert len(model.fit(flat, y).predict(flat)) == len(y)  # resampled in fit only
    assert clone(sampler).get_params() == sampler.get_params()
    fitted = pickle.loads(pickle.dumps(sampler.fit(flat, y)))
    assert fitted.sample_shape_ == (28, 28)
