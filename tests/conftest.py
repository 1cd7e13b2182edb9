"""Shared fixtures: real data sub-sets, seeded RNGs, markers."""

import numpy as np
import pytest
import torch
from sklearn.datasets import load_breast_cancer

from ganaug.datasets import load_adrenalmnist3d, load_breastmnist


@pytest.fixture(autouse=True)
def _fixed_seeds():
    """Tests must not depend on, or leak into, the global RNGs."""
    np.random.seed(0)
    torch.manual_seed(0)


def subsample_minority(images, target, minority_class, n_minority, seed=0):
    """Keep ``n_minority`` samples of one class and every sample of the others."""
    rng = np.random.RandomState(seed)
    minority = np.flatnonzero(target == minority_class)
    keep = np.sort(
        np.concatenate(
            [
                rng.choice(minority, n_minority, replace=False),
                np.flatnonzero(target != minority_class),
            ]
        )
    )
    return images[keep], target[keep]


@pytest.fixture(scope="session")
def breast_cancer():
    """sklearn's breast-cancer table: 569 rows, 30 features, 212 malignant (0)."""
    return load_breast_cancer(return_X_y=True)


@pytest.fixture(scope="session")
def breastmnist_small():
    """BreastMNIST train at 1:5: 40 malignant (0) and 200 benign (1) 28x28 images."""
    data = load_breastmnist("train")
    images, target = subsample_minority(data.images, data.target, 0, 40)
    benign = np.flatnonzero(target == 1)[:200]
    keep = np.sort(np.concatenate([np.flatnonzero(target == 0), benign]))
    return images[keep], target[keep]


@pytest.fixture(scope="session")
def adrenal_small():
    """AdrenalMNIST3D validation split: 76 normal (0), 22 hyperplasia (1), 28^3."""
    data = load_adrenalmnist3d("val")
    return data.images, data.target


def pytest_collection_modifyitems(config, items):
    """Skip tests marked ``gpu`` where CUDA is absent."""
    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="needs CUDA")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)
