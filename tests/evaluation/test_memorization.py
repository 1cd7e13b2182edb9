"""The memorization check flags copies of training patients, not new real patients."""

import numpy as np
import pytest

from ganaug.datasets import load_breastmnist
from ganaug.evaluation import (
    change_correlation,
    check_memorization,
    distance_to_closest_record,
    signature_auroc,
)


@pytest.fixture(scope="module")
def malignant():
    def rows(split):
        data = load_breastmnist(split)
        return data.images[data.target == 0].reshape(-1, 784) / 255.0

    return rows("train"), rows("val"), rows("test")


def test_distance_to_closest_record():
    reference = np.array([[0.0, 0.0], [3.0, 4.0]])
    assert distance_to_closest_record(np.array([[0.0, 1.0], [3.0, 4.0]]), reference) == (
        pytest.approx([1.0, 0.0])
    )


def test_training_copies_are_flagged(malignant):
    train, val, _ = malignant
    rng = np.random.RandomState(0)
    copies = train[rng.randint(len(train), size=60)] + rng.normal(0, 1e-3, (60, 784))
    check = check_memorization(copies, train, val)
    assert check.flagged
    assert check.near_copy_share == 1.0
    assert check.distance_ratio < 0.05


def test_new_real_patients_are_not_flagged(malignant):
    train, val, test = malignant
    check = check_memorization(test, train, val)
    assert not check.flagged
    assert check.near_copy_share <= 0.05
    assert 0.5 < check.distance_ratio < 2.0


def test_too_few_held_out_samples_is_a_clear_error(malignant):
    train, val, _ = malignant
    with pytest.raises(ValueError, match="at least 2 held-out"):
        check_memorization(train[:5], train, val[:1])


def test_signature_measures_see_a_stamp_and_ignore_plain_noise():
    rng = np.random.RandomState(0)
    real = rng.normal(size=(300, 50))
    stamp = rng.normal(size=50)
    stamped = rng.normal(size=(300, 50)) + 0.5 * stamp  # every sample carries one pattern
    fresh = rng.normal(size=(300, 50))  # samples of the same distribution
    assert signature_auroc(stamped, real) > 0.9
    assert 0.35 < signature_auroc(fresh, real) < 0.65
    sources = rng.normal(size=(100, 50))
    assert change_correlation((sources + stamp) - sources) > 0.99
    assert abs(change_correlation(rng.normal(size=(100, 50)))) < 0.05
