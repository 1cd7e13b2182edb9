"""Patient-grouped splits: no group on both sides of any split the protocol makes."""

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

from ganaug.datasets._splits import split_off_test
from ganaug.evaluation import evaluate_lift, subsample_minority


@pytest.fixture(scope="module")
def cohort():
    """breast-cancer rows as series of patients: 3 rows each, and one planted patient
    with 30 near-identical malignant rows."""
    X, y = load_breast_cancer(return_X_y=True)
    groups = np.array([f"P{i // 3}" for i in range(len(y))], dtype=object)
    malignant = np.flatnonzero(y == 0)
    rng = np.random.RandomState(0)
    planted = X[malignant[0]] * (1 + rng.normal(0, 1e-3, (30, X.shape[1])))
    X = np.vstack([X, planted])
    y = np.concatenate([y, np.zeros(30, dtype=y.dtype)])
    groups = np.concatenate([groups, np.full(30, "PLANTED", dtype=object)])
    return X, y, groups


def test_split_off_test_keeps_each_patient_on_one_side(cohort):
    X, y, groups = cohort
    splits = split_off_test(X, y, "cohort", 0.3, 0, groups)
    assert not set(splits.groups) & set(splits.test_groups)
    assert len(splits.y) + len(splits.y_test) == len(y)
    assert 0.2 < len(splits.y_test) / len(y) < 0.4
    assert set(splits.y_test) == {0, 1}


def test_subsampling_removes_whole_patients(cohort):
    _, y, groups = cohort
    target = round(np.sum(y == 1) / 10)
    for seed in range(5):
        kept, removed = subsample_minority(y, [0], 10, np.random.RandomState(seed), groups)
        assert not set(groups[kept]) & set(groups[removed])
        assert (y[removed] == 0).all()
        assert 0 < np.sum(y[kept] == 0) <= max(target, 30)
    # Per sample, the planted patient's rows would land on both sides.
    kept, removed = subsample_minority(y, [0], 10, np.random.RandomState(0))
    assert "PLANTED" in set(groups[kept]) & set(groups[removed])


def test_evaluate_lift_splits_validation_by_group_and_says_so(cohort, tmp_path):
    X, y, groups = cohort
    X, X_test, y, y_test, groups, _ = train_test_split(
        X, y, groups, test_size=0.3, stratify=y, random_state=0
    )
    report = evaluate_lift(
        X,
        y,
        X_test,
        y_test,
        groups=groups,
        methods=["none", "ros", "oracle"],
        imbalance_ratio=5,
        n_seeds=2,
        fidelity=False,
        verbose=0,
    )
    grouping = report.settings["grouping"]
    # Disjoint sides: the groups on each side add up to all of them.
    assert grouping["n_groups_train"] + grouping["n_groups_val"] == len(set(groups))
    markdown = (report.write(tmp_path / "r") / "report.md").read_text()
    assert f"Grouped splits: {grouping['n_groups_train']} groups" in markdown
    with pytest.raises(ValueError, match="groups has 3 entries for"):
        evaluate_lift(X, y, X_test, y_test, groups=groups[:3], fidelity=False, verbose=0)


def test_a_table_s_group_column_splits_and_is_no_feature(cohort, tmp_path):
    import pandas as pd

    from ganaug.datasets import load_splits

    X, y, groups = cohort
    frame = pd.DataFrame(X).add_prefix("f").assign(patient=groups, label=y)
    frame.to_csv(tmp_path / "cohort.csv", index=False)
    splits = load_splits(str(tmp_path / "cohort.csv"), target="label", group="patient")
    assert "patient" not in splits.X.columns and splits.X.shape[1] == X.shape[1]
    assert not set(splits.groups) & set(splits.test_groups)
    with pytest.raises(ValueError, match="group column 'site' is not in"):
        load_splits(str(tmp_path / "cohort.csv"), target="label", group="site")
