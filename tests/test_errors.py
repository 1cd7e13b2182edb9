"""Bad input gets a clear sklearn-style error that names the problem and the fix."""

import numpy as np
import pandas as pd
import pytest
import torch
from scipy import sparse

from ganaug import GANOversampler
from ganaug.over_sampling import _gan


def _sampler(**params):
    return GANOversampler(**{"epochs": 1, "random_state": 0, "verbose": 0, **params})


@pytest.fixture
def table():
    rng = np.random.RandomState(0)
    return rng.normal(size=(40, 3)), np.r_[np.zeros(10, dtype=int), np.ones(30, dtype=int)]


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_and_inf_are_refused(table, bad):
    X, y = table
    X = X.copy()
    X[3, 1] = bad
    with pytest.raises(ValueError, match=r"NaN|infinity"):
        _sampler().fit_resample(X, y)


def test_missing_values_in_a_dataframe_name_the_column(table):
    X, y = table
    frame = pd.DataFrame(X, columns=["a", "b", "c"]).assign(site=["x"] * 40)
    frame.loc[5, "site"] = None
    with pytest.raises(ValueError, match=r"\['site'\].*impute"):
        _sampler().fit_resample(frame, y)


def test_a_class_to_oversample_with_one_sample_is_refused(table):
    X, y = table
    y = y.copy()
    y[:9] = 1  # class 0 keeps a single sample
    with pytest.raises(ValueError, match="class 0 has 1 sample"):
        _sampler().fit_resample(X, y)


def test_a_single_class_is_refused(table):
    X, _ = table
    with pytest.raises(ValueError, match="more than 1 class"):
        _sampler().fit_resample(X, np.zeros(40))


def test_image_shape_that_does_not_fit_the_features(table):
    X, y = np.zeros((40, 100)), table[1]
    with pytest.raises(ValueError, match=r"image_shape=\(9, 9\) holds 81 values"):
        _sampler(image_shape=(9, 9)).fit_resample(X, y)


def test_too_many_axes_and_tiny_images_are_refused(table):
    y = table[1]
    with pytest.raises(ValueError, match="axes"):
        _sampler().fit_resample(np.zeros((40, 1, 1, 4, 4, 4, 4)), y)
    with pytest.raises(ValueError, match="too small"):
        _sampler().fit_resample(np.zeros((40, 2, 2)), y)


def test_non_numeric_images_and_sparse_tables_are_refused(table):
    X, y = table
    with pytest.raises((TypeError, ValueError)):
        _sampler().fit_resample(np.full((40, 8, 8), "a", dtype=object), y)
    with pytest.raises(TypeError, match="toarray"):
        _sampler().fit_resample(sparse.csr_matrix(X), y)


def test_conv_architecture_on_a_table_names_the_fix(table):
    with pytest.raises(ValueError, match="architecture='mlp'"):
        _sampler(architecture="conv").fit_resample(*table)


def test_invalid_parameters_are_named(table):
    with pytest.raises(ValueError, match="'loss' parameter"):
        _sampler(loss="wasserstein").fit_resample(*table)
    with pytest.raises(ValueError, match="applies to images"):
        _sampler(augment="translation").fit_resample(*table)
    with pytest.raises(ValueError, match="rotate"):
        _sampler(augment="translation,rotate").fit_resample(np.zeros((40, 8, 8)), table[1])


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the no-CUDA message")
def test_cuda_without_a_gpu_says_what_to_use(table):
    with pytest.raises(ValueError, match="device='auto' or device='cpu'"):
        _sampler(device="cuda").fit_resample(*table)


def test_generate_match_to_in_another_form_names_the_fix(table):
    X, y = table
    sampler = _sampler()
    sampler.fit_resample(X, y)
    with pytest.raises(ValueError, match=r"shape \(2,\), but the sampler was fitted on .*\(3,\)"):
        sampler.generate(4, 0, match_to=X[y == 0, :2])
    with pytest.raises(ValueError, match="a DataFrame with the same columns"):
        sampler.generate(4, 0, match_to=pd.DataFrame(X[y == 0]))


def test_samples_outside_the_real_class_become_duplicates_with_a_warning(table, monkeypatch):
    X, y = table
    monkeypatch.setattr(  # the filter finds no candidate inside the real class
        _gan, "inside_real_manifold", lambda codes, real: np.zeros(len(codes), dtype=bool)
    )
    # the class as the user wrote it (0), not numpy's repr (np.int64(0))
    message = r"Only 0% of the generated candidates for class 0 lay inside .* so 5 of the 5"
    sampler = _sampler()
    with pytest.warns(UserWarning, match=message):
        X_res, y_res = sampler.fit_resample(X, y)
    assert np.bincount(y_res).tolist() == [30, 30] and sampler.synthetic_mask_.sum() == 0
    np.testing.assert_array_equal(X_res[len(X) :], X[sampler.source_indices_[len(X) :]])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"params": {"epochs": 0}}, r"The 'epochs' parameter"),
        ({"y": "continuous"}, r"Unknown label type"),
        ({"y": "one class"}, r"class"),
        ({"X": "nan"}, r"NaN"),
    ],
)
def test_fit_generator_checks_its_input_as_fit_resample_does(table, change, message):
    X, y = table
    if change.get("y") == "continuous":
        y = np.linspace(0, 1, len(y))
    elif change.get("y") == "one class":
        y = np.zeros(len(y), dtype=int)
    if change.get("X") == "nan":
        X = X.copy()
        X[0, 0] = np.nan
    for fit in ("fit_resample", "fit_generator"):
        with pytest.raises(ValueError, match=message):
            getattr(_sampler(**change.get("params", {})), fit)(X, y)
