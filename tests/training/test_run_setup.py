"""TrainingRun: batches, epochs="auto", checkpoint selection and the resume checks."""

import numpy as np
import pytest
import torch

from ganaug.nets import build_networks
from ganaug.training import GANTrainer
from ganaug.training.run_setup import TrainingRun, check_same_run


def _make_trainer(context):
    generator, discriminator = build_networks(
        "mlp", n_classes=2, latent_dim=4, spectral_norm=True, output_spans=[("continuous", 3)]
    )
    return GANTrainer(generator, discriminator, distributed=context, verbose=0)


def _fit(run, **kwargs):
    Z = torch.randn(40, 3, generator=torch.Generator().manual_seed(0))
    codes = np.r_[[0] * 30, [1] * 10]
    settings = {"batch_size": 16, "epochs": "auto", "auto_steps": 7, "seed": 0}
    return run.fit(_make_trainer, Z, codes, device=torch.device("cpu"), **settings, **kwargs)


def test_auto_epochs_reach_the_steps_asked_for():
    trainer, selector = _fit(TrainingRun())
    # 40 rows at 16 per batch: 3 batches an epoch, so 3 epochs for 7 steps
    assert selector is None
    assert len(trainer.history) == 3 and trainer.step == 9


def test_the_same_seed_trains_the_same_networks():
    first, _ = _fit(TrainingRun())
    again, _ = _fit(TrainingRun())
    for a, b in zip(first.ema.model.parameters(), again.ema.model.parameters(), strict=True):
        assert torch.equal(a, b)


def test_a_score_adds_checkpoint_selection():
    _, selector = _fit(TrainingRun(), score=lambda generator: 1.0)
    assert selector is not None and selector.scores[-1][0] == 9


def test_a_checkpoint_of_another_run_is_refused(tmp_path):
    path = tmp_path / "checkpoint.pt"
    metadata = {"params": {"epochs": 2}, "n_samples": 40}
    run = TrainingRun(checkpoint=path, checkpoint_every=4)
    run.begin(metadata)
    _fit(run)
    TrainingRun(checkpoint=path, resume=True).begin(metadata)  # the same run resumes
    with pytest.raises(ValueError, match=r"with a different number of samples; resume"):
        TrainingRun(checkpoint=path, resume=True).begin({**metadata, "n_samples": 41})


def test_the_resume_message_names_the_changed_parameters():
    saved = {"params": {"epochs": 2, "loss": "hinge"}, "n_samples": 40}
    with pytest.raises(ValueError, match=r"with different parameters \['epochs'\]; resume"):
        check_same_run(saved, {**saved, "params": {"epochs": 3, "loss": "hinge"}}, "ck.pt")
