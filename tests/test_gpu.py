"""The CUDA path: mixed-precision training, and a CUDA-made model used on a CPU."""

import pickle
from unittest import mock

import numpy as np
import pytest

from ganaug import GANOversampler


@pytest.mark.gpu
def test_cuda_amp_training_and_cpu_unpickling(breastmnist_small, tmp_path):
    X, y = breastmnist_small
    sampler = GANOversampler(epochs=2, device="cuda", amp=True, random_state=0, verbose=0)
    X_res, _ = sampler.fit_resample(X, y)
    assert sampler.device_.type == "cuda"
    assert X_res.shape == (400, 28, 28) and X_res.dtype == np.uint8
    again, _ = GANOversampler(**sampler.get_params()).fit_resample(X, y)
    np.testing.assert_array_equal(X_res, again)  # same seed, same device, same samples

    blob = pickle.dumps(sampler)
    path = sampler.save(tmp_path / "sampler.pt")
    with mock.patch("torch.cuda.is_available", return_value=False):
        restored = pickle.loads(blob)
        assert restored.device_.type == "cpu"
        assert restored.generate(5, 0, random_state=0).shape == (5, 28, 28)
        loaded = GANOversampler.load(path, device="cpu")
        assert loaded.generate(5, 0, random_state=0).shape == (5, 28, 28)


@pytest.mark.gpu
def test_cuda_latent_path_with_amp(adrenal_small, tmp_path):
    """The autoencoder trains and codes under AMP on CUDA; the model loads on a CPU."""
    X, y = adrenal_small
    params = {"latent": True, "autoencoder_steps": 20, "epochs": 5, "random_state": 0}
    sampler = GANOversampler(**params, device="cuda", amp=True, verbose=0)
    X_res, _ = sampler.fit_resample(X, y)
    assert sampler.encoder_.device.type == "cuda" and sampler.encoder_.trainer_.dtype is not None
    assert set(np.unique(X_res[sampler.synthetic_mask_]).tolist()) <= {0, 255}
    assert np.isfinite([r["loss"] for r in sampler.autoencoder_history_]).all()
    path = sampler.save(tmp_path / "sampler.pt")
    with mock.patch("torch.cuda.is_available", return_value=False):
        loaded = GANOversampler.load(path, device="cpu")
        samples = loaded.generate(4, 1, random_state=0, match_to=X[y == 1])
        assert samples.shape == (4, 28, 28, 28) and set(np.unique(samples).tolist()) <= {0, 255}
        restored = pickle.loads(pickle.dumps(sampler))
        assert restored.encoder_.device.type == "cpu"
        assert restored.reconstruct(X[:2]).shape == (2, 28, 28, 28)
