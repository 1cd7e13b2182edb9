"""MONAI preprocessing of one image: read, orient, resample, window, crop/pad or resize.

Spatial axes are in MONAI's index order: 2D images ``(x, y)`` (columns,
rows), volumes oriented to RAS ``(x, y, z)`` (towards the patient's right,
anterior, superior: for an axial series, columns, rows, slices). Shapes and
spacings (``target_shape``, ``spacing``) are given in that order.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from monai.transforms import Transform

# CT windows as (lowest, highest) HU: level -/+ width / 2.
WINDOWS: dict[str, tuple[float, float]] = {
    "soft-tissue": (-160.0, 240.0),  # level 40, width 400
    "lung": (-1350.0, 150.0),  # level -600, width 1500
    "bone": (-500.0, 1300.0),  # level 400, width 1800
    "brain": (0.0, 80.0),  # level 40, width 80
}
# "mr": per-image percentiles (MR intensities have no absolute unit).
MR_PERCENTILES = (1.0, 99.0)
# How an image is brought to target_shape: centred crop or pad (border replicated,
# the voxel size kept), or interpolation to that shape (the field of view kept).
RESIZE_MODES = ("crop", "interpolate")


def check_window(window: str | Sequence[float] | None) -> tuple[float, float] | str | None:
    """Resolve a window preset name or ``(low, high)`` pair.

    Parameters
    ----------
    window : str, pair of float or None
        A name in :data:`WINDOWS`, ``"mr"`` (percentile normalisation),
        ``(low, high)`` in the image's units, or None (values unchanged).

    Returns
    -------
    window : (float, float), "mr" or None

    Raises
    ------
    ValueError
        For an unknown name or a pair that is not increasing.
    """
    if window is None or window == "mr":
        return window
    if isinstance(window, str):
        if window not in WINDOWS:
            raise ValueError(
                f"unknown window {window!r}; use one of {[*WINDOWS, 'mr']} or LOW,HIGH."
            )
        return WINDOWS[window]
    low, high = (float(v) for v in window)
    if not low < high:
        raise ValueError(f"window ({low}, {high}) must have low < high.")
    return low, high


class ReadImage(Transform):
    """Read one data set item with a MONAI image reader into a channel-first MetaTensor.

    Items are dicts (so MONAI data sets do not map over a series' files) whose
    ``"image"`` entry names what to read. Multi-channel data keep their first
    channel only (a 4D NIfTI its first volume) unless ``keep_channels``
    (colour DICOM images keep red, green and blue). (MONAI's ``LoadImage`` would do the same
    with the given reader, but it instantiates every reader MONAI knows
    first, each with its import-time warnings.) A MONAI ``Transform``, so
    ``PersistentDataset`` caches its output and what follows.

    Parameters
    ----------
    reader : monai.data.ImageReader or None
        The reader for the items (DICOM series or NIfTI files); None when the
        items are arrays already in memory (unit spacing).
    keep_channels : bool, default=False
        Keep every channel the reader gives.
    """

    def __init__(self, reader, keep_channels: bool = False):
        self.reader = reader
        self.keep_channels = keep_channels

    def __call__(self, item: dict):
        """Read ``item["image"]``: a path, the ordered files of a series, or an array."""
        from monai.data import MetaTensor
        from monai.transforms import EnsureChannelFirst

        source = item["image"]
        if self.reader is None:
            array = np.asarray(source)
            meta = {"spatial_shape": np.asarray(array.shape), "original_channel_dim": "no_channel"}
        else:
            array, meta = self.reader.get_data(self.reader.read(source))
        image = MetaTensor(np.asarray(array, dtype=np.float32), meta=meta)
        image = EnsureChannelFirst()(image)
        return image if self.keep_channels else image[:1]


class ToRecord(Transform):
    """A MetaTensor as plain values: ``image``, ``original_shape`` and ``spacing``.

    Plain tensors cache in ``PersistentDataset`` (which drops MetaTensor
    metadata) and load back with ``weights_only``.
    """

    def __call__(self, image) -> dict:
        """Split ``image`` into its array, original spatial shape and voxel spacing."""
        import torch

        return {
            "image": image.as_tensor(),
            "original_shape": torch.as_tensor(np.asarray(image.meta["spatial_shape"])),
            "spacing": torch.as_tensor(image.pixdim, dtype=torch.float64),
        }


def build_transform(
    reader,
    spatial_dims: int,
    *,
    target_shape: Sequence[int] | None = None,
    window: tuple[float, float] | str | None = None,
    spacing: Sequence[float] | None = None,
    keep_channels: bool = False,
    resize: str = "crop",
):
    """The MONAI pipeline that turns one item into a preprocessed image.

    Read, orient volumes to RAS, resample to ``spacing``, window, then crop or pad
    (replicating the border) or interpolate to ``target_shape``.

    Parameters
    ----------
    reader : monai.data.ImageReader or None
        Reads one item; None for arrays in memory.
    spatial_dims : {2, 3}
        Spatial axes of the images.
    target_shape : sequence of int, optional
        Spatial shape of the output, in index order: ``(x, y)`` for 2D images,
        ``(x, y, z)`` in RAS for volumes (see the module docstring).
    window : (float, float), "mr" or None
        From :func:`check_window`. A pair maps ``[low, high]`` to ``[0, 1]``
        (clipped); ``"mr"`` maps each image's 1st-99th percentiles there.
    spacing : sequence of float, optional
        Voxel spacing in mm to resample to (bilinear).
    keep_channels : bool, default=False
        Keep every channel the reader gives (colour), not the first only.
    resize : {"crop", "interpolate"}, default="crop"
        How to reach ``target_shape``: crop or pad around the centre, or
        interpolate (bilinear or trilinear, anti-aliased).

    Returns
    -------
    transform : monai.transforms.Compose
        Maps an item ``{"image": source}`` to :class:`ToRecord`'s dict: the
        channel-first image (volumes in RAS), its original spatial shape and
        its voxel spacing.
    """
    from monai.transforms import (
        Compose,
        Orientation,
        Resize,
        ResizeWithPadOrCrop,
        ScaleIntensityRange,
        ScaleIntensityRangePercentiles,
        Spacing,
    )

    steps = [ReadImage(reader, keep_channels)]
    if spatial_dims == 3:  # 2D slices of any plane keep their stored layout
        steps.append(Orientation(axcodes="RAS", labels=None))
    if spacing is not None:
        steps.append(Spacing(pixdim=tuple(spacing), mode="bilinear"))
    if window == "mr":
        low, high = MR_PERCENTILES
        steps.append(ScaleIntensityRangePercentiles(low, high, 0.0, 1.0, clip=True))
    elif window is not None:
        steps.append(ScaleIntensityRange(window[0], window[1], 0.0, 1.0, clip=True))
    if target_shape is not None and resize == "interpolate":
        mode = "trilinear" if spatial_dims == 3 else "bilinear"
        steps.append(Resize(tuple(target_shape), mode=mode, anti_aliasing=True))
    elif target_shape is not None:
        steps.append(ResizeWithPadOrCrop(tuple(target_shape), mode="edge"))
    return Compose([*steps, ToRecord()])
