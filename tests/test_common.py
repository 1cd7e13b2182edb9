"""sklearn's and imbalanced-learn's estimator checks on cheap configurations."""

from imblearn.utils.estimator_checks import parametrize_with_checks as imblearn_checks
from sklearn.utils.estimator_checks import parametrize_with_checks as sklearn_checks

from ganaug import GANOversampler

ESTIMATORS = [
    GANOversampler(epochs=1, batch_size=64, random_state=0, verbose=0),
    GANOversampler(
        epochs=1, batch_size=64, loss="wgan-gp", spectral_norm=False, random_state=0, verbose=0
    ),
]


def expected_failed_checks(estimator):
    """No check is expected to fail: GANOversampler passes them all."""
    return {}


@imblearn_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_imblearn_compatible(estimator, check):
    check(estimator)


@sklearn_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible(estimator, check):
    check(estimator)
