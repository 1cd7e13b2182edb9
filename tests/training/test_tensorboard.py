"""Optional TensorBoard logging: what is written, and a clear error without the package."""

import sys

import pytest
import torch

from ganaug import GANOversampler
from ganaug.training.tensorboard import TensorBoardLogger


def test_missing_tensorboard_names_the_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch.utils.tensorboard", None)
    with pytest.raises(ImportError, match="pip install tensorboard"):
        TensorBoardLogger("unused")


def test_losses_scores_and_sample_grids_are_logged(breastmnist_small, tmp_path):
    pytest.importorskip("tensorboard")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    X, y = breastmnist_small
    params = {"epochs": 1, "batch_size": 32, "random_state": 0, "verbose": 0}
    logger = TensorBoardLogger(tmp_path / "tb", log_every=2, sample_every=4, n_samples=3)
    logged = GANOversampler(**params).fit_generator(X[::4], y[::4], callbacks=[logger])
    plain = GANOversampler(**params).fit_generator(X[::4], y[::4])
    for name, tensor in plain.generator_.state_dict().items():  # logging changes nothing
        assert torch.equal(tensor, logged.generator_.state_dict()[name]), name

    events = EventAccumulator(str(tmp_path / "tb"), size_guidance={"images": 0}).Reload()
    tags = events.Tags()
    assert {
        "loss/discriminator",
        "loss/generator",
        "discriminator/real_score",
        "discriminator/fake_score",
    } <= set(tags["scalars"])
    assert [e.step for e in events.Scalars("loss/discriminator")] == [2]
    assert set(tags["images"]) == {"samples/class_0", "samples/class_1"}
    assert logger.writer is None  # closed at the end
