"""Checkpoint selection: the best-scoring generator is the one kept; early stopping."""

import copy

import numpy as np
import pytest
import torch
from sklearn.datasets import load_breast_cancer

from ganaug import GANOversampler
from ganaug.training.callbacks import Callback
from ganaug.training.checkpoint_selection import BestGenerator

# breast-cancer table, 398 rows, batches of 32: 13 steps per epoch.
EPOCHS = 5
PARAMS = {"epochs": EPOCHS, "random_state": 0, "verbose": 0}


@pytest.fixture(scope="module")
def table():
    X, y = load_breast_cancer(return_X_y=True)
    rows = np.concatenate([np.flatnonzero(y == 1), np.flatnonzero(y == 0)[:41]])
    return X[rows], y[rows]  # 357 benign, 41 malignant


class _States(Callback):
    """Record the averaged generator's weights after every step."""

    def __init__(self):
        self.states = {}

    def on_step_end(self, trainer, record):
        self.states[trainer.step] = copy.deepcopy(trainer.ema.model.state_dict())


class _Planted:
    """A score that returns planted values in turn (the constructed case)."""

    def __init__(self, values):
        self.values = iter(values)

    def __call__(self, generator):
        return next(self.values)


def _equal_weights(module, state):
    return all(torch.equal(t, state[name]) for name, t in module.state_dict().items())


def _fit(X, y, callbacks=(), **params):
    return GANOversampler(**{**PARAMS, **params}).fit_generator(X, y, callbacks=list(callbacks))


def test_the_best_scoring_step_is_restored_on_a_constructed_case(table, monkeypatch):
    X, y = table
    # 65 steps, scored every 3 (65 // 20): at steps 3, 6, ..., 63 and the last, 65.
    planted = [5.0, 4.0, 3.0, 0.5, 2.0] + [1.0 + i for i in range(17)]
    monkeypatch.setattr(GANOversampler, "_kid_to_real", lambda *a: _Planted(planted))
    states = _States()
    sampler = _fit(X, y, [states], checkpoint_selection="kid")

    assert [step for step, _ in sampler.checkpoint_scores_] == [*range(3, 64, 3), 65]
    assert [score for _, score in sampler.checkpoint_scores_] == planted
    assert sampler.selected_step_ == 12  # the 4th score, 0.5
    assert _equal_weights(sampler.generator_, states.states[12])
    assert not _equal_weights(sampler.generator_, states.states[65])
    assert len(sampler.history_) == EPOCHS  # selection does not shorten training


def test_scoring_does_not_change_training(table):
    X, y = table
    states = _States()
    _fit(X, y, [states], checkpoint_selection="kid")
    plain = _fit(X, y)
    assert _equal_weights(plain.generator_, states.states[65])


def test_training_stops_after_n_iter_no_change_scores_without_improvement(table, monkeypatch):
    X, y = table
    planted = [5.0, 4.0, 3.0, 3.5, 3.0, 2.5, 2.6, 2.7, 2.8, 1.0]
    monkeypatch.setattr(GANOversampler, "_kid_to_real", lambda *a: _Planted(planted))
    sampler = _fit(X, y, checkpoint_selection="kid", n_iter_no_change=3)

    assert sampler.selected_step_ == 18  # 2.5, the 6th score
    assert sampler.checkpoint_scores_[-1][0] == 27  # three scores later
    assert sum(len(record["steps"]) for record in sampler.history_) == 27
    assert len(sampler.history_) == 3  # the third epoch ended early, after its first step


def test_a_run_that_stopped_early_stays_stopped_when_resumed(table, monkeypatch, tmp_path):
    X, y = table
    planted = [5.0, 4.0, 3.0, 3.5, 3.0, 2.5, 2.6, 2.7, 2.8, 1.0]
    monkeypatch.setattr(GANOversampler, "_kid_to_real", lambda *a: _Planted(planted))
    params = {**PARAMS, "checkpoint_selection": "kid", "n_iter_no_change": 3}
    path = tmp_path / "checkpoint.pt"
    stopped = GANOversampler(**params).fit_generator(X, y, checkpoint=path)
    resumed = GANOversampler(**params).fit_generator(X, y, checkpoint=path, resume=True)

    assert sum(len(record["steps"]) for record in resumed.history_) == 27  # no step more
    assert resumed.checkpoint_scores_ == stopped.checkpoint_scores_
    assert resumed.selected_step_ == 18
    assert _equal_weights(resumed.generator_, stopped.generator_.state_dict())


def test_kid_selection_keeps_the_generator_closest_to_the_real_class(table):
    X, y = table
    sampler = _fit(X, y, checkpoint_selection="kid", epochs=20)
    steps, scores = zip(*sampler.checkpoint_scores_, strict=True)
    assert len(scores) == 20 and np.isfinite(scores).all()  # every 13 steps
    assert sampler.selected_step_ == steps[int(np.argmin(scores))]
    # Training moved the generator towards the malignant rows: the first
    # score (after 13 steps) is the worst, the kept one far better.
    assert scores[0] == max(scores)
    assert min(scores) < 0.5 * scores[0]


def test_no_finite_score_keeps_the_last_generator(table, monkeypatch):
    X, y = table
    monkeypatch.setattr(GANOversampler, "_kid_to_real", lambda *a: lambda g: float("nan"))
    sampler = _fit(X, y, checkpoint_selection="kid", epochs=1)
    plain = _fit(X, y, epochs=1)
    assert sampler.selected_step_ is None
    assert _equal_weights(sampler.generator_, plain.generator_.state_dict())


def test_n_iter_no_change_needs_kid_selection(table):
    X, y = table
    with pytest.raises(ValueError, match="needs checkpoint_selection='kid'"):
        _fit(X, y, n_iter_no_change=3)
    with pytest.raises(ValueError, match="every must be a positive"):
        BestGenerator(lambda g: 0.0, every=0)
