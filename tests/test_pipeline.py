"""GANOversampler as imblearn users use SMOTE: pipelines, search, clone, pickle."""

import pickle

import joblib
import numpy as np
import pytest
from imblearn.pipeline import Pipeline
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.preprocessing import StandardScaler

from ganaug import GANOversampler


def _pipeline():
    return Pipeline(
        [
            ("scale", StandardScaler()),
            ("gan", GANOversampler(epochs=1, random_state=0, verbose=0)),
            ("clf", LogisticRegression(max_iter=2000)),
        ]
    )


def test_cross_val_score_in_an_imblearn_pipeline(breast_cancer):
    X, y = breast_cancer
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    scores = cross_val_score(_pipeline(), X, y, cv=cv, scoring="balanced_accuracy")
    assert scores.shape == (3,)
    assert (scores > 0.85).all()  # the table is easy; broken samples would wreck this


def test_grid_search_over_sampler_parameters(breast_cancer):
    X, y = breast_cancer
    search = GridSearchCV(
        _pipeline(),
        {"gan__loss": ["hinge", "lsgan"], "gan__sampling_strategy": [0.8, 1.0]},
        cv=StratifiedKFold(2, shuffle=True, random_state=0),
        scoring="roc_auc",
    )
    search.fit(X, y)
    assert set(search.best_params_) == {"gan__loss", "gan__sampling_strategy"}
    assert search.best_score_ > 0.9
    # samplers act only during fit: predictions use the real rows only
    assert search.predict(X).shape == y.shape


def test_clone_gives_an_unfitted_copy_with_the_same_parameters(breast_cancer):
    X, y = breast_cancer
    sampler = GANOversampler(epochs=1, loss="lsgan", random_state=3, verbose=0)
    sampler.fit_resample(X, y)
    copy = clone(sampler)
    assert copy.get_params() == sampler.get_params()
    assert not hasattr(copy, "generator_")


@pytest.mark.parametrize("dump", ["pickle", "joblib"])
def test_pickle_and_joblib_round_trips_generate_the_same_samples(breast_cancer, tmp_path, dump):
    X, y = breast_cancer
    sampler = GANOversampler(epochs=1, random_state=0, verbose=0)
    sampler.fit_resample(X, y)
    if dump == "pickle":
        restored = pickle.loads(pickle.dumps(sampler))
    else:
        joblib.dump(sampler, tmp_path / "sampler.joblib")
        restored = joblib.load(tmp_path / "sampler.joblib")
    np.testing.assert_array_equal(
        restored.generate(50, 0, random_state=1), sampler.generate(50, 0, random_state=1)
    )


def test_save_and_load_without_unpickling_code(breast_cancer, tmp_path):
    X, y = breast_cancer
    sampler = GANOversampler(epochs=1, random_state=0, verbose=0)
    sampler.fit_resample(X.astype(np.float32), y)
    path = sampler.save(tmp_path / "sampler.pt")
    loaded = GANOversampler.load(path, device="cpu")
    assert loaded.get_params() == sampler.get_params()
    assert loaded.classes_.tolist() == [0, 1]
    assert len(loaded.history_) == len(sampler.history_)
    a = loaded.generate(40, 0, random_state=2)
    assert a.dtype == np.float32
    np.testing.assert_array_equal(a, sampler.generate(40, 0, random_state=2))


def test_load_refuses_other_files(tmp_path):
    import torch

    torch.save({"weights": torch.ones(1)}, tmp_path / "other.pt")
    with pytest.raises(ValueError, match="not a GANOversampler checkpoint"):
        GANOversampler.load(tmp_path / "other.pt")


def test_save_and_load_keep_image_shape_and_flat_output(breastmnist_small, tmp_path):
    X, y = breastmnist_small
    sampler = GANOversampler(image_shape=(28, 28), epochs=1, random_state=0, verbose=0)
    sampler.fit_resample(X.reshape(len(X), -1), y)
    loaded = GANOversampler.load(sampler.save(tmp_path / "flat.pt"), device="cpu")
    assert loaded.get_params() == sampler.get_params()  # (28, 28) stays a tuple
    np.testing.assert_array_equal(
        loaded.generate(4, 0, random_state=0), sampler.generate(4, 0, random_state=0)
    )
    assert loaded.generate(4, 0).shape == (4, 784)
