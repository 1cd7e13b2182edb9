"""Which new samples fit_resample returns: synthetic ones inside the real class's
manifold, with its per-pixel/column moments, mixed with real duplicates by
``synthetic_share``."""

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_breast_cancer

from ganaug import GANOversampler
from ganaug.evaluation._protocol import _appended_rows
from ganaug.over_sampling._sample_choice import inside_real_manifold, match_moments


def test_manifold_keeps_real_like_candidates_and_rejects_planted_outliers():
    rng = np.random.RandomState(0)
    real = rng.normal(size=(60, 8))
    like_real = rng.normal(size=(300, 8))
    outliers = rng.normal(size=(40, 8)) + 5.0
    inside = inside_real_manifold(np.vstack([like_real, outliers]), real)
    assert not inside[300:].any()
    assert inside[:300].mean() > 0.8


def test_manifold_needs_two_real_samples_to_reject_anything():
    candidates = np.array([[0.0], [100.0]])
    assert inside_real_manifold(candidates, np.array([[0.0]])).all()
    assert inside_real_manifold(candidates, np.array([[0.0], [1.0]])).tolist() == [True, False]


@pytest.mark.parametrize("share", [0.0, 0.3, 1.0])
def test_synthetic_share_sets_how_many_new_rows_are_synthetic(breast_cancer, share):
    X, y = breast_cancer
    sampler = GANOversampler(
        epochs=1, synthetic_share=share, reject_outliers=False, random_state=0, verbose=0
    )
    X_res, y_res = sampler.fit_resample(X, y)
    n, new = len(X), len(X_res) - len(X)
    sources = sampler.source_indices_
    assert len(sources) == len(X_res)
    np.testing.assert_array_equal(sources[:n], np.arange(n))
    assert np.sum(sources < 0) == round(share * new)
    duplicates = np.flatnonzero(sources >= 0)
    np.testing.assert_array_equal(X_res[duplicates], X[sources[duplicates]])
    assert (y[sources[n:][sources[n:] >= 0]] == 0).all()  # duplicates of the minority only
    assert (y_res[n:] == 0).all()


def _planted_generator(X, y, far_share):
    """A stand-in for ``_generate_codes`` that returns encoded real minority rows,
    every ``1 / far_share``-th of them moved far away (an implausible sample)."""

    def generate_codes(self, n_samples, cls, rng):
        real = self._encode(X[y == cls]).numpy()
        codes = real[np.arange(n_samples) % len(real)].copy()
        far = np.arange(n_samples) % round(1 / far_share) == 0 if far_share else []
        codes[far] += 50.0
        return codes

    return generate_codes


def test_filter_drops_planted_outliers_and_keeps_plausible_samples(breast_cancer, monkeypatch):
    X, y = breast_cancer
    monkeypatch.setattr(GANOversampler, "_generate_codes", _planted_generator(X, y, 0.5))
    sampler = GANOversampler(
        epochs=1, synthetic_share=1.0, match_moments=False, random_state=0, verbose=0
    )
    X_res, _ = sampler.fit_resample(X, y)
    assert sampler.acceptance_rate_ == {0: 0.5}
    synthetic = X_res[sampler.source_indices_ < 0]
    assert len(synthetic) == len(X_res) - len(X)  # twice the candidates: enough inside
    # every synthetic row decodes from a real malignant row, none from a moved one
    nearest = np.min(np.linalg.norm(synthetic[:, None] - X[y == 0][None], axis=2), axis=1)
    assert nearest.max() < 1e-3 * np.linalg.norm(X, axis=1).mean()


def test_a_generator_that_makes_only_outliers_degrades_to_random_oversampling(
    breast_cancer, monkeypatch
):
    """Every candidate is a real row moved far away; matching would move them
    back, but the filter judges them as drawn, before matching."""
    X, y = breast_cancer
    monkeypatch.setattr(GANOversampler, "_generate_codes", _planted_generator(X, y, 1.0))
    sampler = GANOversampler(epochs=1, random_state=0, verbose=0)
    with pytest.warns(UserWarning, match=r"Only 0% .* so 36 of the 36 synthetic samples"):
        X_res, y_res = sampler.fit_resample(X, y)
    assert sampler.acceptance_rate_ == {0: 0.0}
    assert (sampler.source_indices_ >= 0).all()
    np.testing.assert_array_equal(X_res, X[sampler.source_indices_])
    assert np.sum(y_res == 0) == np.sum(y_res == 1)


def test_match_moments_gives_each_chosen_column_the_real_mean_and_spread():
    rng = np.random.RandomState(0)
    real = rng.normal(loc=[0.0, 5.0, 1.0], scale=[1.0, 2.0, 0.5], size=(30, 3))
    samples = rng.normal(loc=[1.0, 4.0, 0.0], scale=[0.2, 3.0, 1.0], size=(100, 3))
    samples[:, 1] = 7.0  # a column the samples do not vary in
    columns = np.array([True, True, False])
    matched = match_moments(samples, real, columns)
    np.testing.assert_allclose(matched[:, 0].mean(), real[:, 0].mean())
    np.testing.assert_allclose(matched[:, 0].std(), real[:, 0].std())
    np.testing.assert_array_equal(np.argsort(matched[:, 0]), np.argsort(samples[:, 0]))
    np.testing.assert_allclose(matched[:, 1], real[:, 1].mean())  # shifted only
    np.testing.assert_array_equal(matched[:, 2], samples[:, 2])  # not chosen: untouched
    assert samples[0, 1] == 7.0  # the input is not modified


def test_match_moments_leaves_samples_alone_when_no_spread_can_be_estimated():
    samples = np.array([[3.0, 4.0], [5.0, 6.0]])
    assert match_moments(samples, np.array([[0.0, 0.0]])) is samples  # one real sample
    np.testing.assert_array_equal(match_moments(samples[:1], samples), samples[:1])


def test_an_undertrained_generator_gets_the_real_class_pixel_means(breastmnist_small):
    """One epoch leaves the malignant samples far from the real malignant mean
    image; matching moves their mean onto it (to within uint8 rounding and
    clipping) and their per-pixel spread close to the real one."""
    images, target = breastmnist_small
    malignant = images[target == 0].reshape(-1, 784).astype(float)
    params = {"epochs": 1, "synthetic_share": 1.0, "reject_outliers": False}

    def synthetic(match: bool) -> np.ndarray:
        sampler = GANOversampler(**params, match_moments=match, random_state=0, verbose=0)
        X_res, _ = sampler.fit_resample(images, target)
        return X_res[sampler.source_indices_ < 0].reshape(-1, 784).astype(float)

    def gap(samples: np.ndarray) -> float:
        return np.abs(samples.reshape(-1, 784).mean(0) - malignant.mean(0)).mean()

    raw, matched = synthetic(False), synthetic(True)
    assert gap(raw) > 10.0  # grey levels: the generator has not found the class yet
    assert gap(matched) < 1.0
    spread_ratio = matched.std(0).mean() / malignant.std(0).mean()
    assert 0.9 < spread_ratio < 1.1
    # generate() draws raw samples, and matched ones when given the real class
    sampler = GANOversampler(**params, random_state=0, verbose=0).fit_generator(images, target)
    assert gap(sampler.generate(100, 0, random_state=1).astype(float)) > 10.0
    drawn = sampler.generate(100, 0, random_state=1, match_to=images[target == 0])
    assert drawn.shape == (100, 28, 28) and drawn.dtype == images.dtype
    assert gap(drawn.astype(float)) < 1.0


def test_moment_matching_on_a_table_moves_continuous_columns_and_keeps_categories():
    """Three epochs leave the malignant rows' means off by up to 0.8 standard
    deviations; matched (in the quantile-normal encoded space), they are within
    0.1 of the real class's, and the categorical column still holds its
    categories."""
    data = load_breast_cancer(as_frame=True)
    X = data.data.iloc[:, :4].copy()
    X["size"] = pd.Categorical(np.where(data.data["mean area"] > 700, "large", "small"))
    y = data.target.to_numpy()
    real = X[y == 0].iloc[:, :4]
    gaps = {}
    for match in (False, True):
        sampler = GANOversampler(
            epochs=3,
            synthetic_share=1.0,
            reject_outliers=False,
            match_moments=match,
            random_state=0,
            verbose=0,
        )
        X_res, _ = sampler.fit_resample(X, y)
        synthetic = X_res[sampler.source_indices_ < 0]
        gaps[match] = ((synthetic.iloc[:, :4].mean() - real.mean()) / real.std()).abs()
        assert set(synthetic["size"]) <= {"large", "small"}
        assert synthetic["size"].dtype == X["size"].dtype
    assert gaps[False].max() > 0.3
    assert gaps[True].max() < 0.1
    drawn = sampler.generate(200, 0, random_state=1, match_to=X[y == 0])
    assert (((drawn.iloc[:, :4].mean() - real.mean()) / real.std()).abs() < 0.1).all()
    assert drawn["size"].dtype == X["size"].dtype


def test_evaluation_judges_only_the_synthetic_rows_of_a_mixing_sampler():
    class Mixing:
        synthetic_mask_ = np.array([False, False, False, True, False, True])

    X_fit = np.array([[0.0], [1.0], [2.0]])
    X_res = np.array([[0.0], [1.0], [2.0], [9.0], [0.0], [8.0]])
    y_res = np.array([1, 1, 0, 0, 0, 0])
    X_new, y_new, sources = _appended_rows(Mixing(), X_fit, X_res, y_res)
    np.testing.assert_array_equal(X_new, [[9.0], [8.0]])
    np.testing.assert_array_equal(y_new, [0, 0])
    np.testing.assert_array_equal(sources, [-1, -1])  # no source_indices_: unknown
