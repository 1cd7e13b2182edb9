import pytest
import torch
from torch import nn

from ganaug.ema import EMA


def test_half_life_halves_the_weight_of_old_parameters():
    model = nn.Linear(1, 1, bias=False)
    nn.init.zeros_(model.weight)
    ema = EMA(model, half_life=100, rampup=None)
    with torch.no_grad():
        model.weight.fill_(1.0)
    for _ in range(10):  # 10 steps of 10 samples: one half-life
        ema.update(model, batch_size=10)
    assert ema.model.weight.item() == pytest.approx(0.5)
    assert ema.samples_seen.item() == 100


def test_rampup_caps_the_half_life_early_in_training():
    ema = EMA(nn.Linear(1, 1), half_life=10_000, rampup=0.05)
    # after 100 samples the half-life is at most 5 samples
    assert ema.beta(batch_size=100) == pytest.approx(0.5 ** (100 / 5))


def test_the_average_is_frozen_and_copies_buffers():
    model = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
    ema = EMA(model, half_life=1000)
    assert not any(p.requires_grad for p in ema.model.parameters())
    assert not ema.model.training
    model.train()
    model(torch.randn(16, 2) + 5.0)
    ema.update(model, batch_size=16)
    assert torch.equal(ema.model[1].running_mean, model[1].running_mean)
