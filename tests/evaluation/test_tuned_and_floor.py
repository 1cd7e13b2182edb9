"""Two additions to the protocol (issue 33's confirmation): balanced accuracy at a
threshold tuned on the validation split for every method, and the latent path's floor
(real samples through a latent sampler's autoencoder) beside its samples."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from ganaug import GANOversampler
from ganaug.evaluation import METRICS, evaluate_lift

TUNED = "balanced_accuracy_tuned"


@pytest.fixture(scope="module")
def table(breast_cancer):
    X, y = breast_cancer
    X = StandardScaler().fit_transform(X)
    X, X_test, y, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
    X, X_val, y, y_val = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
    return X, y, X_val, y_val, X_test, y_test


def lift(table, y_val=None, **kwargs):
    X, y, X_val, y_val_real, X_test, y_test = table
    return evaluate_lift(
        X,
        y,
        X_test,
        y_test,
        X_val=X_val,
        y_val=y_val_real if y_val is None else y_val,
        methods=["none", "threshold", "ros"],
        classifier=LogisticRegression(C=0.001, max_iter=1000),
        imbalance_ratio=20,
        n_seeds=2,
        fidelity=False,
        verbose=0,
        **kwargs,
    )


def test_every_method_is_also_scored_at_a_threshold_tuned_on_validation(table):
    assert TUNED in METRICS
    scores = lift(table).scores.set_index(["seed", "method"])
    assert scores[TUNED].between(0, 1).all()
    # the threshold method is tuned already: its tuned score is its score
    threshold = scores.xs("threshold", level="method")
    np.testing.assert_array_equal(threshold[TUNED], threshold["balanced_accuracy"])
    # a heavily regularised model at 1:20 calls almost nothing minority at 0.5;
    # the validation-tuned threshold repairs that
    none = scores.xs("none", level="method")
    assert (none[TUNED] > none["balanced_accuracy"]).all()


def test_the_tuned_threshold_comes_from_the_validation_labels(table):
    scores = lift(table).scores
    # the same validation samples with shuffled labels: the same models and
    # test-split scores, another threshold
    y_val = np.random.default_rng(0).permutation(table[3])
    shuffled = lift(table, y_val=y_val).scores
    np.testing.assert_array_equal(scores["auroc"], shuffled["auroc"])
    np.testing.assert_array_equal(
        scores["balanced_accuracy"][scores.method != "threshold"],
        shuffled["balanced_accuracy"][scores.method != "threshold"],
    )
    assert not np.array_equal(scores[TUNED], shuffled[TUNED])


class ConstantOnValidation(LogisticRegression):
    """A classifier whose probabilities saturate on the validation split, as a float32
    softmax CNN's do at 1:50."""

    def predict_proba(self, X):
        proba = super().predict_proba(X)
        return np.tile([1.0, 0.0], (len(X), 1)) if len(X) == self.n_validation else proba


def test_a_saturated_classifier_keeps_its_own_predictions_as_the_tuned_ones(table):
    X, y, X_val, y_val, X_test, y_test = table
    ConstantOnValidation.n_validation = len(X_val)  # a class attribute survives clone
    classifier = ConstantOnValidation(C=0.001, max_iter=1000)
    scores = evaluate_lift(
        X,
        y,
        X_test,
        y_test,
        X_val=X_val,
        y_val=y_val,
        methods=["none"],
        classifier=classifier,
        imbalance_ratio=20,
        n_seeds=1,
        fidelity=False,
        verbose=0,
    ).scores
    np.testing.assert_array_equal(scores[TUNED], scores["balanced_accuracy"])


def test_more_than_two_classes_have_no_tuned_score(tmp_path):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(300, 5)), np.repeat([0, 1, 2], [200, 60, 40])
    X[:, 0] += y
    report = evaluate_lift(
        X, y, X, y, methods=["none", "ros"], n_seeds=2, fidelity=False, verbose=0
    )
    assert report.scores[TUNED].isna().all()
    report.write(tmp_path / "r")
    assert TUNED not in (tmp_path / "r" / "report.md").read_text()


def test_a_latent_sampler_shows_its_autoencoders_floor(adrenal_small, tmp_path):
    X, y = adrenal_small
    sampler = GANOversampler(
        latent=True,
        architecture="interpolation",
        autoencoder_steps=2,
        reject_outliers=False,
        verbose=0,
    )
    report = evaluate_lift(
        X[:70],
        y[:70],
        X[70:],
        y[70:],
        X_val=X[70:],
        y_val=y[70:],
        methods=["none", "ros", "interp"],
        samplers={"interp": sampler},
        classifier=LogisticRegression(max_iter=200),
        n_seeds=1,
        feature_extractor=lambda V: np.asarray(V, dtype=float).reshape(len(V), -1)[:, ::997],
        verbose=0,
    )
    rebuilt = "interp (reconstructed)"
    assert {"interp", rebuilt} <= set(report.fidelity["method"])
    assert "ros (reconstructed)" not in set(report.fidelity["method"])
    row = report.memorization.set_index("method").loc[rebuilt]
    # the training minority's 14 volumes of the 70, each through the autoencoder
    assert report.fidelity.set_index("method").loc[rebuilt, "n_samples"] == (y[:70] == 1).sum()
    assert 0 <= row["signature_auroc"] <= 1 and row["source_distance_ratio"] > 0
    report.write(tmp_path / "r")
    assert "(reconstructed) rows" in (tmp_path / "r" / "report.md").read_text()
