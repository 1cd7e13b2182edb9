"""Synthetic images as NIfTI files (``--format nifti``)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np


def write_nifti(
    values: np.ndarray,
    path: str | os.PathLike,
    *,
    spacing: Sequence[float],
    description: str = "synthetic (ganaug)",
) -> Path:
    """Write one synthetic image or volume to a NIfTI file, in RAS with its spacing.

    Parameters
    ----------
    values : ndarray
        A 2D image or a volume in RAS index order (as loaded), float values
        in the image's units.
    path : str or os.PathLike
        Destination, ending in ``.nii.gz`` or ``.nii``.
    spacing : sequence of float
        Voxel spacing in mm along the axes of ``values``.
    description : str, default="synthetic (ganaug)"
        Stored in the header's ``descrip`` field (80 bytes at most).

    Returns
    -------
    path : pathlib.Path
    """
    import nibabel

    values = np.asarray(values, dtype=np.float32)
    affine = np.diag([*(float(s) for s in spacing), *[1.0] * (4 - len(spacing))])
    image = nibabel.Nifti1Image(values, affine)
    image.header.set_xyzt_units("mm")
    image.header["descrip"] = description.encode()[:79]
    path = Path(path)
    nibabel.save(image, path)
    return path
