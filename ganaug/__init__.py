"""ganaug: synthetic minority samples from conditional GANs.

``GANOversampler`` is an imbalanced-learn over-sampler for tables, 2D images
and 3D volumes; see the README for the evaluation protocol and CLI.
"""

from importlib.metadata import PackageNotFoundError, version

from .over_sampling import AugmentedRandomOverSampler, GANOversampler, TranslationOversampler

try:
    __version__ = version("ganaug")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

__all__ = [
    "AugmentedRandomOverSampler",
    "GANOversampler",
    "TranslationOversampler",
    "__version__",
]
