"""The downstream CNN: learns real images, selects its step on validation, is deterministic."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.metrics import roc_auc_score

from ganaug.datasets import load_adrenalmnist3d, load_breastmnist
from ganaug.evaluation import CNNClassifier


@pytest.fixture(scope="module")
def breast():
    return [load_breastmnist(s) for s in ("train", "val", "test")]


@pytest.fixture(scope="module")
def fitted(breast):
    train, val, _ = breast
    return CNNClassifier(n_steps=120, eval_every=20, random_state=0).fit(
        train.images, train.target, val.images, val.target
    )


def test_learns_breastmnist(fitted, breast):
    test = breast[2]
    proba = fitted.predict_proba(test.images)
    assert proba.shape == (len(test.images), 2)
    assert np.allclose(proba.sum(axis=1), 1, atol=1e-5)
    assert roc_auc_score(test.target, proba[:, 1]) > 0.75
    assert fitted.transform(test.images[:3]).shape == (3, fitted.model_.n_features)


def test_keeps_the_step_that_scored_best_on_validation(fitted, breast):
    val = breast[1]
    steps, scores = zip(*fitted.validation_scores_, strict=True)
    assert list(steps) == [20, 40, 60, 80, 100, 120]
    assert fitted.best_step_ == steps[int(np.argmax(scores))]
    kept = roc_auc_score(val.target, fitted.predict_proba(val.images)[:, 1])
    assert kept == pytest.approx(max(scores), abs=1e-6)


def test_same_seed_same_model_flat_rows_too(breast):
    train = breast[0]
    images, target = train.images[:200], train.target[:200]
    first = CNNClassifier(n_steps=5, random_state=3).fit(images, target)
    flat = CNNClassifier(n_steps=5, random_state=3, image_shape=(28, 28))
    flat.fit(images.reshape(200, -1), target)
    assert np.array_equal(first.predict_proba(images), flat.predict_proba(images.reshape(200, -1)))
    assert first.best_step_ == 5 and first.validation_scores_ == []
    other = clone(first).set_params(random_state=4).fit(images, target)
    assert not np.allclose(first.predict_proba(images), other.predict_proba(images))


def test_volumes_and_class_weights():
    val = load_adrenalmnist3d("val")
    cnn = CNNClassifier(n_steps=3, batch_size=16, class_weight="balanced", random_state=0)
    cnn.fit(val.images, val.target)
    assert cnn.predict_proba(val.images[:4]).shape == (4, 2)
    assert cnn.spatial_ == (28, 28, 28)


def test_wrong_shape_and_bad_class_weight(fitted):
    with pytest.raises(ValueError, match="do not match the shape seen in fit"):
        fitted.predict_proba(np.zeros((2, 32, 32)))
    with pytest.raises(ValueError, match="'class_weight' parameter of CNNClassifier must be"):
        CNNClassifier(class_weight="inverse", n_steps=1).fit(np.zeros((4, 8, 8)), [0, 1, 0, 1])
