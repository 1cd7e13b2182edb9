"""sklearn's and imbalanced-learn's estimator checks on cheap configurations, and the
same contract checked on images for the samplers that take images only."""

from collections import Counter

import numpy as np
import pytest
from imblearn.utils.estimator_checks import parametrize_with_checks as imblearn_checks
from sklearn.base import clone
from sklearn.utils.estimator_checks import parametrize_with_checks as sklearn_checks

from ganaug import AugmentedRandomOverSampler, GANOversampler, TranslationOversampler

ESTIMATORS = [
    GANOversampler(epochs=1, batch_size=64, random_state=0, verbose=0),
    GANOversampler(
        epochs=1, batch_size=64, loss="wgan-gp", spectral_norm=False, random_state=0, verbose=0
    ),
    AugmentedRandomOverSampler(random_state=0),
    TranslationOversampler(epochs=1, random_state=0, verbose=0),
]
IMAGE_ONLY = (AugmentedRandomOverSampler, TranslationOversampler)

# The checks that feed a table (2-D X of a few features): an image-only sampler
# refuses it with a ValueError that names the fix, so these cannot pass. The same
# contract is checked on images below.
TABLE_INPUT_CHECKS = (
    "check_complex_data",
    "check_dict_unchanged",
    "check_dont_overwrite_parameters",
    "check_dtype_object",
    "check_estimators_dtypes",
    "check_estimators_empty_data_messages",
    "check_estimators_fit_returns_self",
    "check_estimators_nan_inf",
    "check_estimators_overwrite_params",
    "check_estimators_pickle",
    "check_estimators_pickle(readonly_memmap=True)",
    "check_f_contiguous_array_estimator",
    "check_fit2d_1feature",
    "check_fit2d_1sample",
    "check_fit2d_predict1d",
    "check_fit_check_is_fitted",
    "check_fit_idempotent",
    "check_fit_score_takes_y",
    "check_methods_sample_order_invariance",
    "check_methods_subset_invariance",
    "check_n_features_in",
    "check_n_features_in_after_fitting",
    "check_pipeline_consistency",
    "check_positive_only_tag_during_fit",
    "check_readonly_memmap_input",
    "check_requires_y_none",
    "check_sampler_get_feature_names_out",
    "check_sampler_get_feature_names_out_pandas",
    "check_samplers_2d_target",
    "check_samplers_fit",
    "check_samplers_fit_resample",
    "check_samplers_list",
    "check_samplers_multiclass_ova",
    "check_samplers_one_label",
    "check_samplers_pandas",
    "check_samplers_pandas_sparse",
    "check_samplers_preserve_dtype",
    "check_samplers_sample_indices",
    "check_samplers_sampling_strategy_fit_resample",
)


def expected_failed_checks(estimator):
    """GANOversampler passes every check; image-only samplers fail those fed tables."""
    if isinstance(estimator, IMAGE_ONLY):
        return dict.fromkeys(TABLE_INPUT_CHECKS, "takes images only; the check feeds a table")
    return {}


@imblearn_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_imblearn_compatible(estimator, check):
    check(estimator)


@sklearn_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible(estimator, check):
    check(estimator)


IMAGE_SAMPLERS = [
    AugmentedRandomOverSampler(random_state=0),
    GANOversampler(epochs=1, random_state=0, verbose=0),
    TranslationOversampler(epochs=1, label_gate=False, random_state=0, verbose=0),
]


@pytest.fixture(scope="module")
def three_classes(breastmnist_small):
    """Real 28x28 images in three classes of 20, 40 and 60 BreastMNIST images."""
    X, y = breastmnist_small
    X = np.concatenate([X[y == 0][:20], X[y == 1][:100]])
    return X, np.r_[[0] * 20, [1] * 40, [2] * 60]


@pytest.mark.parametrize("sampler", IMAGE_SAMPLERS, ids=lambda s: type(s).__name__)
def test_image_contract_strategies_and_counts(sampler, three_classes):
    X, y = three_classes
    for strategy, expected in [
        ("auto", {0: 60, 1: 60, 2: 60}),
        ("minority", {0: 60, 1: 40, 2: 60}),
        ({0: 30, 1: 45}, {0: 30, 1: 45, 2: 60}),
    ]:
        fitted = clone(sampler).set_params(sampling_strategy=strategy, balance_synthetic=None)
        X_res, y_res = fitted.fit_resample(X, y)
        assert dict(Counter(y_res.tolist())) == expected, strategy
        assert X_res.shape == (len(y_res), 28, 28)
        np.testing.assert_array_equal(X_res[: len(X)], X)


@pytest.mark.parametrize("sampler", IMAGE_SAMPLERS, ids=lambda s: type(s).__name__)
def test_image_contract_dtypes_lists_one_hot_and_determinism(sampler, three_classes):
    X, y = three_classes
    for dtype in (np.uint8, np.float32, np.float64):
        X_res, _ = clone(sampler).fit_resample(X.astype(dtype), y)
        assert X_res.dtype == dtype
    X_list, y_list = clone(sampler).fit_resample(X[:, None].tolist(), y.tolist())
    assert np.shape(X_list)[1:] == (1, 28, 28) and isinstance(y_list, list)
    one_hot = np.eye(3, dtype=int)[y]
    _, y_hot = clone(sampler).fit_resample(X, one_hot)
    assert y_hot.shape[1] == 3 and (y_hot.sum(axis=1) == 1).all()
    first, _ = clone(sampler).fit_resample(X, y)
    again, _ = clone(sampler).fit_resample(X, y)
    np.testing.assert_array_equal(first, again)


@pytest.mark.parametrize("sampler", IMAGE_SAMPLERS, ids=lambda s: type(s).__name__)
def test_image_contract_refuses_one_class_and_non_finite_values(sampler, three_classes):
    X, y = three_classes
    with pytest.raises(ValueError, match="class"):
        clone(sampler).fit_resample(X, np.zeros(len(y), dtype=int))
    bad = X.astype(float)
    bad[0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        clone(sampler).fit_resample(bad, y)
