"""Over-samplers that follow imbalanced-learn's API."""

from ._augmented import AugmentedRandomOverSampler
from ._gan import GANOversampler
from ._translation import TranslationOversampler

__all__ = ["AugmentedRandomOverSampler", "GANOversampler", "TranslationOversampler"]
