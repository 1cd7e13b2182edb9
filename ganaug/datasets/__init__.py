"""Real medical data sets that ship with ganaug (MedMNIST v2, CC BY 4.0)."""

from ._medmnist import load_adrenalmnist3d, load_breastmnist

__all__ = ["load_adrenalmnist3d", "load_breastmnist"]
