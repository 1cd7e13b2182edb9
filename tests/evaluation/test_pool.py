"""The unlabelled pool in the lift protocol: a hidden share of the training split,
self-training, samplers given the pool, the oracle, and what the report says."""

import json

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.utils._param_validation import InvalidParameterError

from ganaug import AugmentedRandomOverSampler, GANOversampler
from ganaug.datasets import load_breastmnist
from ganaug.evaluation import CNNClassifier, evaluate_lift
from ganaug.evaluation._pool import PseudoLabelling, pool_counts, split_pool

SHARE = 0.3
METHODS = [
    "none",
    "class-weight",
    "ros",
    "self-training+class-weight",
    "gan+class-weight",
    "gan+pool+class-weight",
    "oracle",
]


class PoolSpy(GANOversampler):
    """A GANOversampler that records how many unlabelled rows each fit saw."""

    seen: list = []

    def _fit_synthesis(self, X, y, rng):
        PoolSpy.seen.append((len(self._X_unlabelled), sorted(set(y.tolist()))))
        super()._fit_synthesis(X, y, rng)


class FromThePool(AugmentedRandomOverSampler):
    """New rows that are copies of unlabelled ones: their sources lie in the pool."""

    def _synthetic_rows(self, X, y, cls, n_samples, rng):
        j = rng.randint(len(self._X_unlabelled), size=n_samples)
        return self._X_unlabelled[j], len(X) + j


@pytest.fixture(scope="module")
def cancer():
    X, y = load_breast_cancer(return_X_y=True)
    return train_test_split(X, y, stratify=y, random_state=0)


@pytest.fixture(scope="module")
def report(cancer):
    X, X_test, y, y_test = cancer
    PoolSpy.seen.clear()
    return evaluate_lift(
        X,
        y,
        X_test,
        y_test,
        methods=METHODS,
        samplers={"gan": PoolSpy(epochs=1, verbose=0)},
        imbalance_ratio=10,
        unlabelled_share=SHARE,
        n_seeds=2,
        fidelity=False,
        verbose=0,
    )


def _pool_size(report):
    n_train = report.settings["n_train"]
    return int(np.ceil(SHARE * n_train))


def test_every_method_says_what_it_did_with_the_pool(report):
    scores = report.scores.set_index(["seed", "method"])
    n_pool = _pool_size(report)
    for seed in (0, 1):
        row = scores.loc[seed]
        for method in ("none", "class-weight", "ros", "gan+class-weight"):
            assert row.loc[method, ["pool_used", "pool_labelled", "pool_correct"]].sum() == 0
        assert row.loc["gan+pool+class-weight", "pool_used"] == n_pool
        assert row.loc["gan+pool+class-weight", "pool_labelled"] == 0
        self_trained = row.loc["self-training+class-weight"]
        assert self_trained.pool_used == n_pool
        assert 0 < self_trained.pool_labelled <= n_pool
        assert self_trained.pool_correct <= self_trained.pool_labelled
        # the oracle has the hidden share with its true labels
        assert (
            row.loc["oracle", ["pool_used", "pool_labelled", "pool_correct"]].tolist()
            == [n_pool] * 3
        )


def test_the_labelled_part_is_sub_sampled_and_the_oracle_adds_the_pool(report):
    scores = report.scores.set_index(["seed", "method"])
    n_labelled = report.settings["n_train"] - _pool_size(report)
    for seed in (0, 1):
        n_none = scores.loc[(seed, "none"), "n_train"]
        assert n_none < n_labelled  # the minority of the labelled part was sub-sampled
        assert scores.loc[(seed, "oracle"), "n_train"] == n_none + _pool_size(report)


def test_the_sampler_gets_the_pool_only_with_plus_pool(report):
    n_pool = _pool_size(report)
    # per seed: gan (no pool, -1 never a row) then gan+pool (the pool apart, two classes)
    assert PoolSpy.seen == [(0, [0, 1]), (n_pool, [0, 1])] * 2


def test_summary_report_and_verdicts_show_the_pool(report, tmp_path):
    summary = report.summary()
    assert summary.loc["oracle", "pool_correct_mean"] == _pool_size(report)
    out = report.write(tmp_path / "report")
    text = (out / "report.md").read_text()
    assert "Unlabelled pool per seed: a stratified 30% of the training split, labels" in text
    assert "| pool used | pseudo-labelled (correct) |" in text
    results = json.loads((out / "results.json").read_text())
    assert results["settings"]["unlabelled"] == {"share": SHARE, "n_given": 0}
    assert any("the same without the pool, gan+class-weight" in s for s in report.verdicts())
    # self-training is a simple alternative a synthetic method must beat
    assert any("gan+class-weight" in s and "best simple" in s for s in report.verdicts())


def test_rows_given_without_labels_join_every_pool(cancer):
    X, X_test, y, y_test = cancer
    extra = X_test[:15]  # stands in for rows nobody has labelled
    report = evaluate_lift(
        X,
        y,
        X_test,
        y_test,
        X_unlabelled=extra,
        methods=["none", "self-training"],
        n_seeds=1,
        fidelity=False,
        verbose=0,
    )
    row = report.scores.set_index("method").loc["self-training"]
    assert row.pool_used == 15 and row.pool_correct == 0  # nobody knows their labels
    assert report.settings["unlabelled"] == {"share": None, "n_given": 15}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"methods": ["none", "self-training"]}, "learns from unlabelled rows"),
        ({"methods": ["none", "ros+pool"], "unlabelled_share": 0.3}, "has no unlabelled"),
        ({"methods": ["none", "none+pool"], "unlabelled_share": 0.3}, "put it after a sampler"),
        ({"labels": "text", "unlabelled_share": 0.3}, "numeric class labels"),
        ({"labels": "minus-one", "unlabelled_share": 0.3}, "class -1"),
    ],
)
def test_pool_mistakes_are_refused_with_the_fix(cancer, kwargs, message):
    X, X_test, y, y_test = cancer
    labels = kwargs.pop("labels", None)
    if labels == "text":
        y, y_test = np.where(y == 1, "benign", "malignant"), np.where(y_test == 1, "b", "m")
    elif labels == "minus-one":
        y, y_test = np.where(y == 0, -1, y), np.where(y_test == 0, -1, y_test)
    with pytest.raises(ValueError, match=message):
        evaluate_lift(X, y, X_test, y_test, n_seeds=1, fidelity=False, verbose=0, **kwargs)


def test_share_is_bounded(cancer):
    X, X_test, y, y_test = cancer
    with pytest.raises(InvalidParameterError, match="unlabelled_share"):
        evaluate_lift(X, y, X_test, y_test, unlabelled_share=1.0, verbose=0)


def test_split_pool_is_stratified_and_keeps_groups_whole():
    y = np.r_[[0] * 80, [1] * 20]
    labelled, pool = split_pool(y, 0.3, seed=0)
    assert len(pool) == 30 and np.sum(y[pool] == 1) == 6
    assert not set(labelled) & set(pool) and len(labelled) + len(pool) == 100
    groups = np.repeat(np.arange(50), 2)
    for share in (0.3, 0.8):
        labelled, pool = split_pool(y, share, seed=1, groups=groups)
        assert not set(groups[labelled]) & set(groups[pool])
        assert abs(len(pool) / 100 - share) < 0.2
    assert len(split_pool(y, None, 0)[1]) == 0


def test_pseudo_labelling_rounds_around_the_cnn():
    data = load_breastmnist("val")
    X, y = data.images.reshape(len(data.images), -1).astype(np.float32), data.target.copy()
    y_pool = y.copy()
    y_pool[::2] = -1
    cnn = CNNClassifier(image_shape=(28, 28), n_steps=5, random_state=0)
    model = PseudoLabelling(cnn, threshold=0.5, n_rounds=1).fit(X, y_pool, X_val=X, y_val=y)
    # threshold 0.5 on two classes: every pool row is given its predicted class
    assert (model.transduction_ != -1).all()
    assert np.array_equal(model.transduction_[1::2], y[1::2])
    assert model.predict_proba(X[:3]).shape == (3, 2)
    counts = pool_counts(model, int((y_pool == -1).sum()), y[y_pool == -1])
    assert counts["pool_used"] == counts["pool_labelled"] == 39
    assert 0 <= counts["pool_correct"] <= 39


def test_sources_in_the_pool_are_judged_against_the_pool_rows():
    train, test = load_breastmnist("train"), load_breastmnist("test")
    report = evaluate_lift(
        train.images,
        train.target,
        test.images,
        test.target,
        methods=["none", "copier+pool"],
        samplers={"copier": FromThePool(balance_synthetic=None)},
        classifier=CNNClassifier(n_steps=2),
        imbalance_ratio=10,
        unlabelled_share=SHARE,
        n_seeds=1,
        fidelity=False,
        verbose=0,
    )
    row = report.memorization.set_index("method").loc["copier+pool"]
    # copies of the pool rows they name: no distance to their sources
    assert row.source_distance_ratio == 0 and row.unchanged_share == 1
