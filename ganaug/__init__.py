"""ganaug: synthetic minority samples from conditional GANs.

``GANOversampler`` is an imbalanced-learn over-sampler for tables, 2D images
and 3D volumes; see the README for the evaluation protocol and CLI.
"""

from ._version import __version__
from .over_sampling import AugmentedRandomOverSampler, GANOversampler, TranslationOversampler

__all__ = [
    "AugmentedRandomOverSampler",
    "GANOversampler",
    "TranslationOversampler",
    "__version__",
]
