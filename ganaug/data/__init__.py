"""Encoders between user data and the value ranges the networks work in."""

from .images import ImageEncoder, image_layout
from .tabular import TabularEncoder, categorical_mask

__all__ = ["ImageEncoder", "TabularEncoder", "categorical_mask", "image_layout"]
