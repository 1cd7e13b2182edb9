"""Reading and writing files: checkpoints, and medical images (DICOM, NIfTI, MedMNIST)."""

from .checkpoint import load_checkpoint, save_checkpoint
from .loading import LabelledImages, load_labelled_images

__all__ = ["LabelledImages", "load_checkpoint", "load_labelled_images", "save_checkpoint"]
