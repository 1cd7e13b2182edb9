"""TranslationOversampler: new minority images translated from real images of other classes."""

import math
import pickle
import warnings
from collections import Counter

import numpy as np
import pytest
import torch
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from ganaug import TranslationOversampler
from ganaug.nets.translation import TranslationGenerator
from ganaug.training.translation import other_classes

# Translations only (not the default quarter), so every new row is one to check.
QUICK = {"epochs": 1, "synthetic_share": 1.0, "random_state": 0, "verbose": 0}


@pytest.fixture(scope="module")
def fitted(breastmnist_small):
    X, y = breastmnist_small
    sampler = TranslationOversampler(label_gate=False, **QUICK)
    X_res, y_res = sampler.fit_resample(X, y)
    return sampler, X_res, y_res


def test_translations_come_from_other_classes_spread_evenly(fitted, breastmnist_small):
    X, y = breastmnist_small  # 40 malignant (0), 200 benign (1)
    sampler, X_res, y_res = fitted
    assert Counter(y_res.tolist()) == {0: 200, 1: 200}
    assert X_res.shape == (400, 28, 28) and X_res.dtype == np.uint8
    np.testing.assert_array_equal(X_res[: len(X)], X)
    mask = sampler.synthetic_mask_
    assert mask.sum() == 160 and (y_res[mask] == 0).all()
    sources = sampler.source_indices_[mask]
    assert (y[sources] == 1).all()  # benign images, translated to malignant
    assert max(Counter(sources.tolist()).values()) <= math.ceil(160 / 200)


def test_generator_shapes_for_images_odd_sizes_and_volumes():
    for shape in [(28, 28), (50, 70), (12, 16, 20)]:
        generator = TranslationGenerator(2, 3, shape, width=4)
        x = torch.rand(2, 2, *shape) * 2 - 1
        out = generator(x, torch.tensor([0, 2]))
        assert out.shape == x.shape and out.min() >= -1 and out.max() <= 1


def test_other_classes_never_draws_the_own_class():
    y = torch.randint(0, 4, (1000,))
    targets = other_classes(y, 4)
    assert (targets != y).all() and set(targets.tolist()) == {0, 1, 2, 3}


def test_label_gate_keeps_only_what_the_classifier_calls_the_target(breastmnist_small):
    X, y = breastmnist_small
    # X_res is decoded to uint8; the gate judged the translations before rounding
    sampler = TranslationOversampler(**QUICK)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # a 1-epoch classifier calls few
        sampler.fit_resample(X, y)
    called = round(sampler.acceptance_rate_[0] * 320)  # twice the 160 asked for
    assert sampler.synthetic_mask_.sum() == min(160, called)
    sources = X[sampler.source_indices_[sampler.synthetic_mask_]]
    codes = sampler._translate_codes(sampler.encoder_.transform(sources), 0)
    # The discriminator sees a minibatch statistic, so a borderline call can flip
    # when the kept translations are judged without the rejected ones.
    assert sampler._called(codes, 0).mean() > 0.95


def test_translations_the_gate_rejects_become_duplicates_with_a_warning(
    breastmnist_small, monkeypatch
):
    X, y = breastmnist_small
    monkeypatch.setattr(  # the gate calls no translation the target class
        TranslationOversampler, "_called", lambda self, Z, code: np.zeros(len(Z), dtype=bool)
    )
    sampler = TranslationOversampler(**QUICK)
    # the class as the user wrote it (0), not numpy's repr (np.int64(0))
    message = r"called only 0% of the translations to class 0 that class, so 160 of the 160"
    with pytest.warns(UserWarning, match=message):
        X_res, y_res = sampler.fit_resample(X, y)
    assert sampler.synthetic_mask_.sum() == 0 and Counter(y_res.tolist()) == {0: 200, 1: 200}
    duplicated = sampler.source_indices_[len(X) :]
    assert (y[duplicated] == 0).all()
    np.testing.assert_array_equal(X_res[len(X) :], X[duplicated])


def test_same_seed_same_translations_and_save_load_pickle(fitted, breastmnist_small, tmp_path):
    X, y = breastmnist_small
    sampler, X_res, _ = fitted
    again, _ = TranslationOversampler(label_gate=False, **QUICK).fit_resample(X, y)
    np.testing.assert_array_equal(X_res, again)
    expected = sampler.translate(X[:5], 0)
    loaded = TranslationOversampler.load(sampler.save(tmp_path / "t.pt"), device="cpu")
    np.testing.assert_array_equal(loaded.translate(X[:5], 0), expected)
    unpickled = pickle.loads(pickle.dumps(sampler))
    np.testing.assert_array_equal(unpickled.translate(X[:5], 0), expected)


def test_translate_refuses_unknown_classes_and_other_shapes(fitted, breastmnist_small):
    X, _ = breastmnist_small
    sampler, _, _ = fitted
    with pytest.raises(ValueError, match="not a class seen during fit"):
        sampler.translate(X[:2], 7)
    with pytest.raises(ValueError, match="samples of shape"):
        sampler.translate(X[:2, :20, :20], 0)


def test_volumes(adrenal_small):
    X, y = adrenal_small
    sampler = TranslationOversampler(label_gate=False, batch_size=8, **QUICK)
    X_res, _ = sampler.fit_resample(X[:, None], y)
    assert X_res.shape == (152, 1, 28, 28, 28) and X_res.dtype == X.dtype
    assert (y[sampler.source_indices_[sampler.synthetic_mask_]] == 0).all()


@pytest.mark.slow
def test_translations_move_towards_the_minority_under_an_independent_classifier(
    breastmnist_small,
):
    """After real training, a classifier fitted on real images only (logistic
    regression on pixels) gives benign images translated to malignant a higher
    malignant probability than it gives their sources, and the generator's
    output depends on the class it is asked for."""
    X, y = breastmnist_small
    classifier = make_pipeline(StandardScaler(), LogisticRegression(C=0.01, max_iter=2000))
    classifier.fit(X.reshape(len(X), -1), y)
    sampler = TranslationOversampler(epochs=100, label_gate=False, random_state=0, verbose=0)
    sampler.fit_resample(X, y)
    benign = X[y == 1][:100]
    to_malignant = sampler.translate(benign, 0)

    def malignant(images):
        return classifier.predict_proba(images.reshape(len(images), -1))[:, 0]

    assert malignant(to_malignant).mean() > malignant(benign).mean() + 0.05
    to_benign = sampler.translate(benign, 1).astype(float)
    assert np.abs(to_malignant - to_benign).mean() > 5  # grey levels out of 255
