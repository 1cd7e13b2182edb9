"""GANOversampler on tables: counts, containers, dtypes, determinism, learning."""

from collections import Counter

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.datasets import load_wine
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from ganaug import GANOversampler

FAST = {"epochs": 2, "random_state": 0, "verbose": 0}


def test_auto_strategy_balances_and_keeps_original_rows_first(breast_cancer):
    X, y = breast_cancer
    X_before, y_before = X.copy(), y.copy()
    X_res, y_res = GANOversampler(**FAST).fit_resample(X, y)
    assert Counter(y_res.tolist()) == {0: 357, 1: 357}
    np.testing.assert_array_equal(X_res[: len(X)], X)
    np.testing.assert_array_equal(y_res[: len(y)], y)
    np.testing.assert_array_equal(X, X_before)  # the user's arrays are untouched
    np.testing.assert_array_equal(y, y_before)


@pytest.mark.parametrize(
    ("strategy", "expected"),
    [(0.8, {0: 285, 1: 357}), ({0: 300}, {0: 300, 1: 357}), ("minority", {0: 357, 1: 357})],
)
def test_sampling_strategy_means_what_it_means_for_smote(breast_cancer, strategy, expected):
    X, y = breast_cancer
    _, y_res = GANOversampler(sampling_strategy=strategy, **FAST).fit_resample(X, y)
    assert Counter(y_res.tolist()) == expected


def test_multiclass_with_two_minorities_gets_exact_counts():
    X, y = load_wine(return_X_y=True)
    keep = np.r_[np.flatnonzero(y == 0)[:15], np.flatnonzero(y == 1), np.flatnonzero(y == 2)[:10]]
    X, y = X[keep], y[keep]
    sampler = GANOversampler(**FAST)
    X_res, y_res = sampler.fit_resample(X, y)
    assert Counter(y_res.tolist()) == {0: 71, 1: 71, 2: 71}
    assert sampler.sampling_strategy_ == {0: 56, 2: 61}
    assert X_res.shape == (213, 13)
    assert np.isfinite(X_res).all()


def test_same_random_state_gives_identical_samples_and_leaves_global_rng_alone(breast_cancer):
    X, y = breast_cancer
    torch_state, numpy_state = torch.get_rng_state(), np.random.get_state()[1].copy()
    first, second = GANOversampler(**FAST), GANOversampler(**FAST)
    a, _ = first.fit_resample(X, y)
    b, _ = second.fit_resample(X, y)
    c, _ = GANOversampler(**{**FAST, "random_state": 1}).fit_resample(X, y)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(first.source_indices_, second.source_indices_)  # same mix
    assert not np.array_equal(a, c)
    assert torch.equal(torch.get_rng_state(), torch_state)
    np.testing.assert_array_equal(np.random.get_state()[1], numpy_state)


def test_float32_and_integer_arrays_keep_their_dtype(breast_cancer):
    X, y = breast_cancer
    X32 = X.astype(np.float32)
    X_res, _ = GANOversampler(**FAST).fit_resample(X32, y)
    assert X_res.dtype == np.float32
    counts = np.round(X[:, :3] * 10).astype(np.int64)
    X_int, _ = GANOversampler(**FAST).fit_resample(counts, y)
    assert X_int.dtype == np.int64
    assert (X_int.min(axis=0) >= counts.min(axis=0)).all()
    assert (X_int.max(axis=0) <= counts.max(axis=0)).all()


@pytest.fixture(scope="module")
def patients():
    """A clinical-style table: numbers, integers, booleans, categories, strings."""
    rng = np.random.RandomState(0)
    n = 240
    y = np.r_[np.zeros(40, dtype=int), np.ones(n - 40, dtype=int)]
    frame = pd.DataFrame(
        {
            "age": np.where(y == 0, rng.normal(65, 8, n), rng.normal(45, 10, n)).round(1),
            "n_lesions": rng.poisson(np.where(y == 0, 4, 1)).astype(np.int64),
            "smoker": rng.rand(n) < np.where(y == 0, 0.7, 0.2),
            "stage": pd.Categorical(
                np.where(y == 0, rng.choice(["II", "III"], n), rng.choice(["I", "II"], n)),
                categories=["I", "II", "III", "IV"],
            ),
            "site": np.where(rng.rand(n) < 0.5, "left", "right").astype(object),
        }
    )
    return frame, pd.Series(y, name="malignant")


def test_dataframe_with_categorical_columns_keeps_columns_dtypes_and_categories(patients):
    frame, y = patients
    before = frame.copy()
    X_res, y_res = GANOversampler(**FAST).fit_resample(frame, y)
    assert isinstance(X_res, pd.DataFrame) and isinstance(y_res, pd.Series)
    assert list(X_res.columns) == list(frame.columns)
    assert X_res.dtypes.to_dict() == frame.dtypes.to_dict()
    assert y_res.name == "malignant"
    new = X_res.iloc[len(frame) :]
    assert len(new) == 160
    assert set(new["stage"]) <= {"I", "II", "III"}  # only categories seen in training
    assert set(new["site"]) <= {"left", "right"}
    assert new["n_lesions"].between(frame["n_lesions"].min(), frame["n_lesions"].max()).all()
    pd.testing.assert_frame_equal(frame, before)


def test_generate_returns_a_dataframe_like_the_input(patients):
    frame, y = patients
    sampler = GANOversampler(**FAST).fit(frame, y)
    with pytest.raises(Exception, match="not fitted"):
        sampler.generate(5, 0)
    sampler.fit_resample(frame, y)
    more = sampler.generate(25, 0, random_state=3)
    assert isinstance(more, pd.DataFrame) and more.shape == (25, 5)
    assert more.dtypes.to_dict() == frame.dtypes.to_dict()
    pd.testing.assert_frame_equal(more, sampler.generate(25, 0, random_state=3))
    with pytest.raises(ValueError, match="not a class seen"):
        sampler.generate(5, 7)


def _standardised_distance(points, reference, scaler):
    return np.linalg.norm(scaler.transform(points) - scaler.transform(reference).mean(0), axis=1)


@pytest.mark.slow
def test_tabular_gan_learns_the_minority_class(breast_cancer):
    """Synthetic malignant rows look malignant to a classifier trained on real rows,
    and sit closer to the real malignant rows than noise or the benign class does."""
    X, y = breast_cancer
    rng = np.random.RandomState(0)
    keep = np.r_[rng.choice(np.flatnonzero(y == 0), 60, replace=False), np.flatnonzero(y == 1)]
    sampler = GANOversampler(
        epochs=80, synthetic_share=1.0, reject_outliers=False, random_state=0, verbose=0
    )
    X_res, y_res = sampler.fit_resample(X[keep], y[keep])
    synthetic = X_res[len(keep) :]
    assert (y_res[len(keep) :] == 0).all()

    judge = make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000)).fit(X, y)
    assert np.mean(judge.predict(synthetic) == 0) > 0.8

    scaler = StandardScaler().fit(X)
    noise = rng.uniform(X.min(0), X.max(0), size=synthetic.shape)
    to_malignant = np.median(_standardised_distance(synthetic, X[y == 0], scaler))
    assert to_malignant < np.median(_standardised_distance(noise, X[y == 0], scaler))
    assert to_malignant < np.median(_standardised_distance(synthetic, X[y == 1], scaler))
