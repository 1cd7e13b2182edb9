"""The protocol on tables: categorical columns reach the logistic regression one-hot encoded."""

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from ganaug.evaluation import evaluate_lift


def _patients(n=300, seed=0):
    rng = np.random.RandomState(seed)
    frame = pd.DataFrame(
        {
            "age": rng.normal(60, 10, n),
            "marker": rng.normal(size=n) * 5,
            "site": rng.choice(["left", "right", "both"], n),
        }
    )
    signal = frame["marker"] / 5 + (frame["site"] == "both") + rng.normal(size=n)
    return frame, (signal > 1.4).astype(int).to_numpy()


def test_a_table_with_categorical_columns_is_evaluated_and_keeps_its_sample_rows():
    X, y = _patients()
    X, X_test, y, y_test = train_test_split(X, y, stratify=y, random_state=0)
    report = evaluate_lift(
        X, y, X_test, y_test, methods=["ros", "smote"], n_seeds=1, fidelity=False, verbose=0
    )
    assert list(report.scores["method"]) == ["none", "ros", "smote"]
    assert "OneHotEncoder" in report.settings["classifier"]
    kept = report.samples[1]
    assert set(kept) == {"real", "ros", "smote"}
    # A table's rows stay rows of the table: the category names are kept.
    assert set(kept["smote"]["site"]) <= {"left", "right", "both"}
