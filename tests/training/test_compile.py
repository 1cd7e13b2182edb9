"""``torch.compile`` is opt-in and leaves the penalties' double backward eager."""

import pytest
import torch

from ganaug.nets import build_networks
from ganaug.training import GANTrainer


def _networks():
    torch.manual_seed(0)
    return build_networks(
        "mlp", n_classes=2, latent_dim=4, spectral_norm=True, output_spans=[("continuous", 3)]
    )


def test_compile_wraps_forwards_once_each(monkeypatch):
    compiled = []
    monkeypatch.setattr(torch, "compile", lambda module: compiled.append(module) or module)
    GANTrainer(*_networks(), verbose=0)
    assert compiled == []
    trainer = GANTrainer(*_networks(), compile=True, r1_gamma=1.0, verbose=0)
    # one process: G and D are each compiled once, shared by both phases
    assert compiled == [trainer.generator, trainer.discriminator]


@pytest.mark.slow
def test_compiled_training_runs_with_r1():
    x, y = torch.randn(16, 3), torch.arange(16) % 2
    trainer = GANTrainer(*_networks(), compile=True, r1_gamma=1.0, r1_interval=1, verbose=0)
    history = trainer.fit([(x, y)] * 2, epochs=1)
    assert trainer.step == 2 and history[0]["d_loss"] == history[0]["d_loss"]  # not NaN
