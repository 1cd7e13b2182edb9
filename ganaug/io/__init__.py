"""Reading and writing files: checkpoints, and medical images (DICOM, NIfTI, MedMNIST)."""

from .augment import AugmentSummary, augment_folder
from .checkpoint import load_checkpoint, save_checkpoint
from .dicom_writer import write_dicom_series
from .loading import LabelledImages, load_labelled_images
from .nifti_writer import write_nifti

__all__ = [
    "AugmentSummary",
    "LabelledImages",
    "augment_folder",
    "load_checkpoint",
    "load_labelled_images",
    "save_checkpoint",
    "write_dicom_series",
    "write_nifti",
]
