"""The trainers' keyword defaults are the samplers' defaults: one default per setting."""

import inspect

import pytest

from ganaug import GANOversampler, TranslationOversampler
from ganaug.training import GANTrainer
from ganaug.training.translation import TranslationTrainer

# Resolved by the sampler before they reach a trainer ("auto" -> a policy, a device).
RESOLVED = ("augment", "device")


@pytest.mark.parametrize(
    ("sampler", "trainer"),
    [(GANOversampler, GANTrainer), (TranslationOversampler, TranslationTrainer)],
)
def test_trainer_defaults_equal_the_samplers(sampler, trainer):
    sampler_defaults = sampler().get_params()
    parameters = {
        **inspect.signature(GANTrainer).parameters,
        **inspect.signature(trainer).parameters,  # a subclass's own defaults win
    }
    trainer_defaults = {
        name: parameter.default
        for name, parameter in parameters.items()
        if name in sampler_defaults
        and name not in RESOLVED
        and parameter.default is not inspect.Parameter.empty
    }
    assert {"generator_lr", "discriminator_lr", "class_loss_weight"} <= set(trainer_defaults)
    assert trainer_defaults == {name: sampler_defaults[name] for name in trainer_defaults}
