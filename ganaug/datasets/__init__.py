"""Real medical data sets that ship with ganaug (MedMNIST v2, CC BY 4.0), and data sources."""

from ._medmnist import load_adrenalmnist3d, load_breastmnist
from ._splits import Splits, load_splits

__all__ = ["Splits", "load_adrenalmnist3d", "load_breastmnist", "load_splits"]
