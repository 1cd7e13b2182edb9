"""ganaug: synthetic minority samples from conditional GANs.

``GANOversampler``, ``TranslationOversampler`` and ``AugmentedRandomOverSampler``
are imbalanced-learn over-samplers for tables, 2D images and 3D volumes;
``ganaug.evaluation`` measures whether they help a classifier. The user guide
(``docs/``) describes the evaluation protocol and the command line.
"""

from ._version import __version__
from .over_sampling import AugmentedRandomOverSampler, GANOversampler, TranslationOversampler

__all__ = [
    "AugmentedRandomOverSampler",
    "GANOversampler",
    "TranslationOversampler",
    "__version__",
]
