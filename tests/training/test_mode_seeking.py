"""The mode-seeking term makes the generator's samples of a class more varied."""

import numpy as np
import torch
from sklearn.metrics import pairwise_distances

from ganaug import GANOversampler
from ganaug.training.trainer import same_class_pairs


def test_same_class_pairs_pair_each_row_with_the_next_of_its_label():
    y = torch.tensor([1, 0, 1, 2, 0, 1])
    a, b = same_class_pairs(y)
    assert (y[a] == y[b]).all()
    pairs = {tuple(sorted(pair)) for pair in zip(a.tolist(), b.tolist(), strict=True)}
    assert pairs == {(1, 4), (0, 2), (2, 5)}  # label 2 has a single row: no pair
    assert len(same_class_pairs(torch.tensor([0, 1]))[0]) == 0


def _mean_pairwise_distance(samples: np.ndarray) -> float:
    """Mean absolute pixel difference over all pairs of distinct samples."""
    flat = samples.reshape(len(samples), -1).astype(float)
    distances = pairwise_distances(flat, metric="manhattan") / flat.shape[1]
    return float(distances[np.triu_indices(len(flat), 1)].mean())


def test_mode_seeking_spreads_the_minority_samples_towards_the_real_variety(breastmnist_small):
    X, y = breastmnist_small
    params = {"epochs": 8, "random_state": 0, "verbose": 0}
    real = _mean_pairwise_distance(X[y == 0])
    spread = {}
    for weight in (0.0, 1.0):
        sampler = GANOversampler(mode_seeking_weight=weight, **params).fit_generator(X, y)
        spread[weight] = _mean_pairwise_distance(sampler.generate(100, 0, random_state=0))
    # Early in training the plain generator's malignant images are near copies
    # of one another; with the term they vary about as much as the real ones.
    assert spread[1.0] > 1.5 * spread[0.0]
    assert 0.5 * real < spread[1.0] < 1.5 * real
