"""Reading and writing files: checkpoints, and medical images (DICOM, NIfTI, MedMNIST)."""

from ..utils._deprecation import moved_names
from .checkpoint import load_checkpoint, save_checkpoint
from .dicom_writer import write_dicom_series
from .loading import LabelledImages, load_labelled_images
from .nifti_writer import write_nifti

__all__ = [
    "LabelledImages",
    "load_checkpoint",
    "load_labelled_images",
    "save_checkpoint",
    "write_dicom_series",
    "write_nifti",
]

# The DICOM folder workflow moved up to ganaug.workflows (issue 32).
__getattr__ = moved_names(
    __name__, {"AugmentSummary": "ganaug.workflows", "augment_folder": "ganaug.workflows"}
)
