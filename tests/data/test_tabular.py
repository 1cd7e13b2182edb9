import numpy as np
import pandas as pd
import pytest

from ganaug.data.tabular import TabularEncoder, categorical_mask


def test_round_trip_restores_numeric_rows_and_categories(breast_cancer):
    X = breast_cancer[0][:200]
    encoder = TabularEncoder().fit(X)
    Z = encoder.transform(X)
    assert Z.dtype == np.float32 and Z.shape == (200, 30)
    np.testing.assert_allclose(encoder.inverse_transform(Z), X, rtol=1e-4, atol=1e-6)


def test_mixed_table_round_trip_and_valid_categories():
    rng = np.random.RandomState(0)
    X = np.empty((50, 3), dtype=object)
    X[:, 0] = rng.normal(size=50)
    X[:, 1] = rng.choice(["a", "b", "c"], size=50)
    X[:, 2] = rng.randint(0, 5, size=50)
    encoder = TabularEncoder(categorical=[False, True, False]).fit(X)
    assert encoder.output_spans_ == [("continuous", 1), ("categorical", 3), ("continuous", 1)]
    assert encoder.continuous_outputs().tolist() == [True, False, False, False, True]
    Z = encoder.transform(X)
    back = encoder.inverse_transform(Z)
    assert back[:, 1].tolist() == X[:, 1].tolist()
    np.testing.assert_allclose(back[:, 0].astype(float), X[:, 0].astype(float), atol=1e-5)
    # random generator output still decodes to seen categories and whole numbers
    noise = encoder.inverse_transform(rng.normal(size=(100, Z.shape[1])))
    assert set(noise[:, 1]) <= {"a", "b", "c"}
    ints = noise[:, 2].astype(float)
    assert np.array_equal(ints, np.round(ints)) and ints.min() >= 0 and ints.max() <= 4


def test_decoded_values_stay_in_the_observed_range(breast_cancer):
    X = breast_cancer[0]
    encoder = TabularEncoder().fit(X)
    wild = encoder.inverse_transform(np.random.RandomState(0).normal(0, 10, size=(500, 30)))
    assert (wild >= X.min(axis=0) - 1e-9).all() and (wild <= X.max(axis=0) + 1e-9).all()


def test_state_round_trip_gives_the_same_encoder():
    X = np.c_[np.arange(20.0), np.arange(20) % 3]
    encoder = TabularEncoder(categorical=[False, True]).fit(X)
    clone = TabularEncoder.from_state(encoder.to_state())
    Z = encoder.transform(X)
    np.testing.assert_array_equal(clone.transform(X), Z)
    np.testing.assert_array_equal(clone.inverse_transform(Z), encoder.inverse_transform(Z))


def test_categorical_mask_auto_reads_dataframe_dtypes():
    frame = pd.DataFrame(
        {
            "age": [30, 40],
            "sex": pd.Categorical(["f", "m"]),
            "smoker": [True, False],
            "site": ["a", "b"],
            "dose": [0.5, 1.5],
        }
    )
    assert categorical_mask(frame, "auto").tolist() == [False, True, True, True, False]
    assert categorical_mask(frame, ["age"]).tolist() == [True, False, False, False, False]
    assert categorical_mask(frame, [4]).tolist() == [False, False, False, False, True]


def test_categorical_mask_refuses_unknown_names_and_indices():
    frame = pd.DataFrame({"a": [1, 2]})
    with pytest.raises(ValueError, match="does not have"):
        categorical_mask(frame, ["b"])
    with pytest.raises(ValueError, match="outside"):
        categorical_mask(np.zeros((2, 2)), [5])
