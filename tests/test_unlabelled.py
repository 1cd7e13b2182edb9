"""Rows labelled -1 (scikit-learn's unlabelled rows) in every sampler: dropped, kept
in place, or an ordinary class; never over-sampled, never given a class."""

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.semi_supervised import SelfTrainingClassifier

from ganaug import AugmentedRandomOverSampler, GANOversampler, TranslationOversampler


def _hide(y, every=3):
    """Every ``every``-th label replaced by -1."""
    y = np.asarray(y).copy()
    y[::every] = -1
    return y


def _samplers():
    return [
        AugmentedRandomOverSampler(random_state=0),
        # one epoch: keep every sample, where the defaults would turn them to duplicates
        GANOversampler(epochs=1, random_state=0, verbose=0, reject_outliers=False),
        TranslationOversampler(epochs=1, random_state=0, verbose=0, label_gate=False),
    ]


@pytest.mark.parametrize("sampler", _samplers(), ids=lambda s: type(s).__name__)
def test_drop_leaves_the_unlabelled_rows_out(sampler, breastmnist_small):
    X, y = breastmnist_small
    y_pool = _hide(y)
    labelled = y_pool != -1
    X_res, y_res = sampler.fit_resample(X, y_pool)
    # sampling_strategy_ counts the labelled rows only: every class ends at the majority
    counts = Counter(y_pool[labelled].tolist())
    assert sampler.sampling_strategy_ == {0: counts[1] - counts[0]}
    assert -1 not in y_res
    assert Counter(y_res.tolist())[0] == Counter(y_res.tolist())[1] >= counts[1]
    assert np.array_equal(X_res[: labelled.sum()], X[labelled])
    # source_indices_ index the input rows; a copy is never of an unlabelled one (a
    # translation may be: the translator takes the pool's rows as sources too)
    sources = sampler.source_indices_
    assert len(sources) == len(y_res) == len(sampler.synthetic_mask_)
    copies = ~sampler.synthetic_mask_  # originals and duplicates: their source's label
    assert labelled[sources[copies]].all()
    if not isinstance(sampler, TranslationOversampler):
        assert labelled[sources[sources >= 0]].all()
    assert np.array_equal(y_pool[sources[copies]], y_res[copies])


def test_drop_matches_a_fit_on_the_labelled_rows(breastmnist_small):
    X, y = breastmnist_small
    y_pool = _hide(y)
    labelled = y_pool != -1
    X_a, y_a = AugmentedRandomOverSampler(random_state=0).fit_resample(X, y_pool)
    X_b, y_b = AugmentedRandomOverSampler(random_state=0).fit_resample(
        X[labelled], y_pool[labelled]
    )
    assert np.array_equal(X_a, X_b) and np.array_equal(y_a, y_b)


@pytest.mark.parametrize("sampler", _samplers()[:2], ids=lambda s: type(s).__name__)
def test_keep_returns_the_input_whole_in_front(sampler, breastmnist_small):
    X, y = breastmnist_small
    y_pool = _hide(y)
    X_res, y_res = sampler.set_params(unlabelled="keep").fit_resample(X, y_pool)
    n = len(y_pool)
    assert np.array_equal(X_res[:n], X) and np.array_equal(y_res[:n], y_pool)
    assert -1 not in y_res[n:]  # never over-sampled
    assert np.array_equal(sampler.source_indices_[:n], np.arange(n))
    assert not sampler.synthetic_mask_[:n].any() and sampler.synthetic_mask_[n:].any()
    new = sampler.source_indices_[n:]
    assert (y_pool[new[new >= 0]] != -1).all()


def test_keep_feeds_a_self_training_classifier(breast_cancer):
    X, y = breast_cancer
    y_pool = _hide(y, every=2)
    sampler = GANOversampler(epochs=1, random_state=0, verbose=0, unlabelled="keep")
    X_res, y_res = sampler.fit_resample(X, y_pool)
    assert (y_res == -1).sum() == (y_pool == -1).sum()
    model = SelfTrainingClassifier(make_pipeline(StandardScaler(), LogisticRegression())).fit(
        X_res, y_res
    )
    assert set(model.classes_) == {0, 1}
    assert (model.transduction_[y_res == -1] != -1).any()


def test_none_makes_minus_one_a_class(breastmnist_small):
    X, y = breastmnist_small
    y_pool = _hide(y)
    sampler = AugmentedRandomOverSampler(random_state=0, unlabelled=None)
    _, y_res = sampler.fit_resample(X, y_pool)
    assert -1 in sampler.sampling_strategy_
    assert len(set(Counter(y_res.tolist()).values())) == 1  # three balanced classes


def test_pandas_table_keeps_its_form(breast_cancer):
    X, y = breast_cancer
    frame = pd.DataFrame(X[:, :5], columns=[f"c{i}" for i in range(5)])
    target = pd.Series(_hide(y, every=4), name="diagnosis")
    sampler = GANOversampler(epochs=1, random_state=0, verbose=0, unlabelled="keep")
    X_res, y_res = sampler.fit_resample(frame, target)
    assert isinstance(X_res, pd.DataFrame) and list(X_res.columns) == list(frame.columns)
    assert isinstance(y_res, pd.Series) and y_res.name == "diagnosis"
    assert X_res.iloc[: len(frame)].equals(frame)
    assert (y_res.iloc[len(frame) :] != -1).all()


def test_volumes(adrenal_small):
    X, y = adrenal_small
    y_pool = _hide(y)
    sampler = AugmentedRandomOverSampler(random_state=0, elastic=0.0)
    X_res, y_res = sampler.fit_resample(X[:40], y_pool[:40])
    assert X_res.shape[1:] == X.shape[1:] and -1 not in y_res


def test_training_only_fit_ignores_the_unlabelled_rows(breastmnist_small):
    X, y = breastmnist_small
    sampler = GANOversampler(epochs=1, random_state=0, verbose=0).fit_generator(X, _hide(y))
    assert sampler.classes_.tolist() == [0, 1]
    assert not hasattr(sampler, "_X_unlabelled")


def test_the_pool_reaches_the_fit(breastmnist_small):
    """Subclasses find the unlabelled rows, checked, in _X_unlabelled while fitting."""
    X, y = breastmnist_small
    y_pool = _hide(y)
    seen = {}

    class Spy(AugmentedRandomOverSampler):
        def _fit_synthesis(self, X, y, rng):
            seen["pool"], seen["labels"] = self._X_unlabelled, set(y.tolist())
            super()._fit_synthesis(X, y, rng)

    Spy(random_state=0).fit_resample(X, y_pool)
    assert np.array_equal(seen["pool"], X[y_pool == -1]) and seen["labels"] == {0, 1}


def test_one_labelled_class_is_refused_with_the_fix(breastmnist_small):
    X, y = breastmnist_small
    y_pool = np.where(y == 0, -1, y)
    with pytest.raises(ValueError, match="set unlabelled=None"):
        AugmentedRandomOverSampler().fit_resample(X, y_pool)


def test_bad_setting_is_refused(breastmnist_small):
    X, y = breastmnist_small
    with pytest.raises(ValueError, match="unlabelled"):
        AugmentedRandomOverSampler(unlabelled="ignore").fit_resample(X, y)


def test_a_synthetic_row_may_come_from_an_unlabelled_one(breastmnist_small):
    """A source past the labelled rows names an unlabelled row: source_indices_ say
    which input row it was, in "drop" and in "keep"."""
    X, y = breastmnist_small
    y_pool = _hide(y)

    class FromThePool(AugmentedRandomOverSampler):
        def _synthetic_rows(self, X, y, cls, n_samples, rng):
            j = rng.randint(len(self._X_unlabelled), size=n_samples)
            return self._X_unlabelled[j], len(X) + j

    for mode in ("drop", "keep"):
        sampler = FromThePool(random_state=0, balance_synthetic=None, unlabelled=mode)
        X_res, _ = sampler.fit_resample(X, y_pool)
        made = sampler.synthetic_mask_
        sources = sampler.source_indices_[made]
        assert made.any() and (y_pool[sources] == -1).all()
        assert np.array_equal(X_res[made], X[sources])
