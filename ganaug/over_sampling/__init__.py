"""Over-samplers that follow imbalanced-learn's API."""

from ._gan import GANOversampler

__all__ = ["GANOversampler"]
