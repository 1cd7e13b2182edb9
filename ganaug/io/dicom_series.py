"""DICOM folders as series: scan headers, order slices, read one series for MONAI."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from monai.data import ImageReader
from monai.utils import MetaKeys, SpaceKeys

# Header fields read while scanning (pixel data is left on disk until a series is loaded).
SCAN_TAGS = [
    "SOPClassUID",
    "SeriesInstanceUID",
    "StudyInstanceUID",
    "PatientID",
    "Modality",
    "Rows",
    "Columns",
    "NumberOfFrames",
    "InstanceNumber",
    "ImagePositionPatient",
    "ImageOrientationPatient",
    "PixelSpacing",
    "SliceThickness",
    "SamplesPerPixel",
    "PhotometricInterpretation",
    "ImageType",
    "SharedFunctionalGroupsSequence",  # multi-frame (enhanced) objects: geometry per frame
    "PerFrameFunctionalGroupsSequence",
]
# Slice steps may differ from the series' median by this share before the series
# counts as having missing slices or uneven spacing.
STEP_TOLERANCE = 0.1
# Colour photometric interpretations (pydicom decodes the YBR ones to RGB).
COLOUR_PHOTOMETRICS = ("RGB", "YBR_FULL", "YBR_FULL_422", "YBR_ICT", "YBR_RCT", "PALETTE COLOR")
# What to do with colour images: keep red, green and blue, or turn them grey with the
# ITU-R BT.601 luma weights.
COLOUR_MODES = ("rgb", "grey")
LUMA_WEIGHTS = (0.299, 0.587, 0.114)
# Storage classes that hold no image (DICOMDIR media, reports, presentation states).
NON_IMAGE_PREFIXES = ("1.2.840.10008.1.3.10", "1.2.840.10008.5.1.4.1.1.88.")


@dataclass
class DicomSeries:
    """The files of one series, in slice order, and what their headers say.

    Parameters
    ----------
    series_uid : str
        SeriesInstanceUID.
    study_uid : str
        StudyInstanceUID of the first slice.
    patient_id : str
        PatientID of the first slice.
    modality : str
        Modality of the first slice.
    files : tuple of str
        Slice files ordered by position along the slice normal (by
        InstanceNumber when a slice lacks position or orientation), or the
        one file of a multi-frame volume.
    folder : str
        The folder holding the first slice.
    frames : int, default=1
        Frames in the file of a multi-frame volume (enhanced CT/MR); 1 for
        a series of single-frame slices.
    colour : bool, default=False
        Whether the images are colour (RGB, YBR or palette colour).
    """

    series_uid: str
    study_uid: str
    patient_id: str
    modality: str
    files: tuple[str, ...]
    folder: str
    frames: int = 1
    colour: bool = False

    @property
    def dims(self) -> int:
        """2 for a single image, 3 for a volume."""
        return 3 if len(self.files) > 1 or self.frames > 1 else 2


def _iter_files(root: Path) -> Iterator[Path]:
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            if not name.startswith("."):
                yield Path(folder) / name


def _read_header(path: Path):
    """The scan headers of ``path``, or the reason it is not a usable image slice."""
    import pydicom
    from pydicom.errors import InvalidDicomError

    try:
        ds = pydicom.dcmread(path, stop_before_pixels=True, specific_tags=SCAN_TAGS)
    except (InvalidDicomError, OSError, ValueError, EOFError) as exc:
        return None, f"not a readable DICOM file ({type(exc).__name__})"
    sop_class = str(ds.get("SOPClassUID", ""))
    if sop_class.startswith(NON_IMAGE_PREFIXES):
        return None, "DICOM file without an image"
    if "Rows" not in ds or "Columns" not in ds:
        if "Image Storage" in pydicom.uid.UID(sop_class).name:  # cut short, or damaged
            return None, "truncated or damaged image file (no Rows/Columns)"
        return None, "DICOM file without an image"
    if "SeriesInstanceUID" not in ds:
        return None, "DICOM image without a SeriesInstanceUID"
    samples = int(ds.get("SamplesPerPixel", 1) or 1)
    if samples not in (1, 3):
        return None, f"images with {samples} samples per pixel are not supported"
    if _frame_count(ds) > 1:
        if is_colour(ds):
            return None, "multi-frame colour image (cine or video), not a volume"
        _, reason = frame_geometry(ds)
        if reason is not None:
            return None, reason
    return ds, None


def check_colour(colour: str) -> str:
    """``colour`` if it is one of :data:`COLOUR_MODES`, else a one-line error.

    Parameters
    ----------
    colour : str

    Returns
    -------
    colour : str
    """
    if colour not in COLOUR_MODES:
        raise ValueError(f"colour must be 'rgb' or 'grey'; got {colour!r}.")
    return colour


def _frame_count(ds) -> int:
    return int(ds.get("NumberOfFrames", 1) or 1)


def is_colour(ds) -> bool:
    """Whether a DICOM image is colour: three samples per pixel, or palette colour.

    Parameters
    ----------
    ds : pydicom.Dataset

    Returns
    -------
    colour : bool
    """
    photometric = str(ds.get("PhotometricInterpretation", "MONOCHROME2"))
    return int(ds.get("SamplesPerPixel", 1) or 1) == 3 or photometric in COLOUR_PHOTOMETRICS


def _frame_item(ds, frame: int, sequence: str):
    """The first item of ``sequence`` in one frame's functional groups (that frame's
    own first, then the shared ones), or None."""
    per_frame = ds.get("PerFrameFunctionalGroupsSequence") or []
    shared = ds.get("SharedFunctionalGroupsSequence") or []
    groups = ([per_frame[frame]] if frame < len(per_frame) else []) + list(shared[:1])
    for group in groups:
        found = group.get(sequence)
        if found:
            return found[0]
    return None


@dataclass
class Geometry:
    """Where the slices of a volume lie, in patient (LPS) millimetres.

    Parameters
    ----------
    orientation : ndarray of shape (6,)
        ImageOrientationPatient: the row and column direction cosines.
    pixel_spacing : (float, float)
        PixelSpacing: between rows, then between columns.
    positions : list of ndarray or None
        ImagePositionPatient of each slice, in slice order; None where a
        slice has none.
    thickness : float
        SliceThickness, the slice step when positions are missing.
    """

    orientation: np.ndarray
    pixel_spacing: tuple[float, float]
    positions: list
    thickness: float

    @classmethod
    def of_slices(cls, slices: Sequence) -> Geometry:
        """The geometry of ordered single-frame slices."""
        first = slices[0]
        return cls(
            orientation=np.asarray(
                first.get("ImageOrientationPatient", [1, 0, 0, 0, 1, 0]), float
            ),
            pixel_spacing=tuple(float(v) for v in first.get("PixelSpacing", [1.0, 1.0])),
            positions=[
                np.asarray(ds.ImagePositionPatient, float)
                if "ImagePositionPatient" in ds
                else None
                for ds in slices
            ],
            thickness=float(first.get("SliceThickness", 1.0) or 1.0),
        )

    def affine_lps(self) -> np.ndarray:
        """Voxel (column, row, slice) -> patient LPS millimetres."""
        row_spacing, col_spacing = self.pixel_spacing
        origin = self.positions[0] if self.positions[0] is not None else np.zeros(3)
        normal = np.cross(self.orientation[:3], self.orientation[3:])
        last = self.positions[-1]
        if len(self.positions) > 1 and last is not None:
            step = (last - origin) / (len(self.positions) - 1)
        else:
            step = normal * self.thickness
        affine = np.eye(4)
        affine[:3, 0] = self.orientation[:3] * col_spacing
        affine[:3, 1] = self.orientation[3:] * row_spacing
        affine[:3, 2] = step
        affine[:3, 3] = origin
        return affine


def frame_geometry(ds) -> tuple[tuple[list[int], Geometry] | None, str | None]:
    """The frames of a multi-frame image as one volume, or why they are not one.

    Frames form a volume when each has a position (Plane Position functional
    group), all share one orientation, no two share a position, and the
    steps between them are even (within ``STEP_TOLERANCE``). Cine loops and
    time series fail one of these and are not volumes.

    Parameters
    ----------
    ds : pydicom.Dataset
        A multi-frame image's header (its functional groups).

    Returns
    -------
    volume : (list of int, Geometry) or None
        Frame indices in order along the slice normal, and the geometry.
    reason : str or None
        Why the frames are not a volume; None when they are.
    """
    positions, orientations = [], set()
    for frame in range(_frame_count(ds)):
        plane = _frame_item(ds, frame, "PlanePositionSequence")
        orientation = _frame_item(ds, frame, "PlaneOrientationSequence")
        if plane is None or orientation is None or "ImagePositionPatient" not in plane:
            return None, (
                "multi-frame image without a position and orientation per frame "
                "(cine or a time series), not a volume"
            )
        positions.append(np.asarray(plane.ImagePositionPatient, float))
        orientations.add(_orientation(orientation))
    if len(orientations) > 1:
        return None, "multi-frame image whose frames differ in orientation, not a volume"
    orientation = np.asarray(orientations.pop(), float)
    normal = np.cross(orientation[:3], orientation[3:])
    keys = [float(np.dot(normal, p)) for p in positions]
    if len({round(k, 3) for k in keys}) < len(keys):
        return None, (
            "multi-frame image whose frames repeat positions (a time series or "
            "several stacks), not one volume"
        )
    reason = _uneven_steps(sorted(keys))
    if reason is not None:
        return None, f"multi-frame image with {reason}"
    order = [int(i) for i in np.argsort(keys)]
    measures = _frame_item(ds, 0, "PixelMeasuresSequence") or ds
    geometry = Geometry(
        orientation=orientation,
        pixel_spacing=tuple(float(v) for v in measures.get("PixelSpacing", [1.0, 1.0])),
        positions=[positions[i] for i in order],
        thickness=float(measures.get("SliceThickness", 1.0) or 1.0),
    )
    return (order, geometry), None


def _uneven_steps(positions: Sequence[float]) -> str | None:
    """Why sorted slice positions are not evenly spaced, or None when they are."""
    if len(positions) < 3:
        return None
    steps = np.diff(positions)
    median = float(np.median(steps))
    if np.any(np.abs(steps - median) > STEP_TOLERANCE * median):
        return (
            f"missing slices or uneven spacing (steps of {steps.min():.2f} to "
            f"{steps.max():.2f} mm)"
        )
    return None


def _slice_key(ds) -> float | None:
    """Position along the slice normal, or None when the geometry is missing."""
    if "ImagePositionPatient" not in ds or "ImageOrientationPatient" not in ds:
        return None
    orientation = np.asarray(ds.ImageOrientationPatient, dtype=float)
    normal = np.cross(orientation[:3], orientation[3:])
    return float(np.dot(normal, np.asarray(ds.ImagePositionPatient, dtype=float)))


def _order(headers: list) -> list:
    keys = [_slice_key(ds) for _, ds in headers]
    if all(k is not None for k in keys):
        return [item for _, item in sorted(zip(keys, headers, strict=True), key=lambda p: p[0])]
    return sorted(headers, key=lambda item: int(item[1].get("InstanceNumber", 0) or 0))


def _orientation(ds) -> tuple:
    return tuple(np.round(np.asarray(ds.get("ImageOrientationPatient", []), float), 3))


def _majority(headers: list, value, what: str) -> tuple[list, list]:
    """Keep the slices whose ``value`` is the series' most common; skip the others."""
    values = [value(ds) for _, ds in headers]
    common = max(set(values), key=values.count)
    kept = [item for item, v in zip(headers, values, strict=True) if v == common]
    skipped = [
        (path, f"{what} differs from the rest of its series")
        for (path, _), v in zip(headers, values, strict=True)
        if v != common
    ]
    return kept, skipped


def _clean(headers: list) -> tuple[list, list, str | None]:
    """Series hygiene: the slices to keep, the ones skipped, and a reason to skip the
    whole series (or None).

    Localizer (scout) images are left out; slices of another size or
    orientation than most of the series are left out; a slice at the position
    of an earlier one (by InstanceNumber) is a duplicate and left out. A
    volume whose slice steps differ by more than ``STEP_TOLERANCE`` (a missing
    slice, uneven spacing) is not resampled by guesswork: it is skipped.
    """
    scouts = {
        path
        for path, ds in headers
        if "LOCALIZER" in [str(v).upper() for v in ds.get("ImageType", [])]
    }
    skipped = [(p, "localizer (scout) image inside a series") for p, _ in headers if p in scouts]
    headers = [item for item in headers if item[0] not in scouts]
    if not headers:
        return [], skipped, None
    headers, other = _majority(headers, lambda ds: (ds.Rows, ds.Columns), "slice size")
    skipped += other
    headers, other = _majority(headers, _orientation, "slice orientation")
    skipped += other
    headers, other = _majority(headers, is_colour, "colour (or greyscale)")
    skipped += other
    by_number = sorted(headers, key=lambda item: int(item[1].get("InstanceNumber", 0) or 0))
    positions, unique = set(), []
    for path, ds in by_number:
        key = _slice_key(ds)
        position = None if key is None else round(key, 3)
        if position is not None and position in positions:
            skipped.append((path, f"duplicate slice position ({position} mm along the normal)"))
            continue
        positions.add(position)
        unique.append((path, ds))
    if None not in positions:
        return unique, skipped, _uneven_steps(sorted(positions))
    return unique, skipped, None


def scan_dicom_folder(root: str | os.PathLike) -> tuple[list[DicomSeries], list[tuple[str, str]]]:
    """Group the DICOM images under ``root`` into series, reading headers only.

    Series hygiene (see ``_clean``): localizers, slices of another size,
    orientation or colour and duplicate positions are left out of their
    series, with a reason; a volume with missing slices or uneven spacing
    is skipped whole. A multi-frame file whose frames form a volume
    (enhanced CT/MR; see :func:`frame_geometry`) is a volume of its own;
    other multi-frame files (cine, time series) are skipped with a reason.

    Parameters
    ----------
    root : str or os.PathLike
        Folder searched recursively; files of any name are tried.

    Returns
    -------
    series : list of DicomSeries
        One per SeriesInstanceUID (and one per multi-frame volume), ordered
        by first file path.
    skipped : list of (str, str)
        Files that are not readable DICOM images, with the reason.
    """
    groups: dict[str, list] = {}
    skipped, series = [], []
    for path in _iter_files(Path(root)):
        ds, reason = _read_header(path)
        if ds is None:
            skipped.append((str(path), reason))
        elif _frame_count(ds) > 1:
            series.append(_series(str(ds.SeriesInstanceUID), [(str(path), ds)]))
        else:
            groups.setdefault(str(ds.SeriesInstanceUID), []).append((str(path), ds))
    for uid, found in groups.items():
        headers, left_out, reason = _clean(found)
        skipped += left_out
        if reason is not None:
            skipped.append((str(Path(headers[0][0]).parent), reason))
        elif headers:
            series.append(_series(uid, _order(headers)))
    return sorted(series, key=lambda s: s.files[0]), skipped


def _series(uid: str, ordered: list) -> DicomSeries:
    first = ordered[0][1]
    return DicomSeries(
        series_uid=uid,
        study_uid=str(first.get("StudyInstanceUID", "")),
        patient_id=str(first.get("PatientID", "")),
        modality=str(first.get("Modality", "")),
        files=tuple(path for path, _ in ordered),
        folder=str(Path(ordered[0][0]).parent),
        frames=_frame_count(first),
        colour=is_colour(first),
    )


def _rescale(frame: np.ndarray, ds, index: int | None) -> np.ndarray:
    """Stored values -> the image's units (HU for CT): the frame's Pixel Value
    Transformation functional group in a multi-frame image, else the modality LUT."""
    from pydicom.pixels import apply_modality_lut

    item = None if index is None else _frame_item(ds, index, "PixelValueTransformationSequence")
    if item is not None and "RescaleSlope" in item:
        return frame * float(item.RescaleSlope) + float(item.get("RescaleIntercept", 0.0))
    return apply_modality_lut(frame, ds)


def _colour_8bit(frame: np.ndarray, ds) -> np.ndarray:
    """A colour frame as RGB on the 8-bit scale (palette applied, deeper colour scaled)."""
    from pydicom.pixels import apply_color_lut

    if str(ds.get("PhotometricInterpretation")) == "PALETTE COLOR":
        frame = apply_color_lut(frame, ds)
        bits = 16 if frame.dtype == np.uint16 else 8
    else:
        bits = int(ds.get("BitsStored", 8))
    return frame.astype(np.float32) * (255.0 / (2**bits - 1)) if bits > 8 else frame


class DicomSeriesReader(ImageReader):
    """A MONAI image reader for one DICOM series given as its ordered files.

    Pass the files of one :class:`DicomSeries` (already ordered along the
    slice normal), or the one file of a multi-frame volume. The reader
    applies the modality LUT (rescale slope and intercept, per frame for
    enhanced objects, so CT comes out in HU) and builds the affine from
    the slice positions and orientation and the pixel spacing, in RAS like
    MONAI's other readers: a volume of shape ``(columns, rows, slices)``. A
    single slice gives a 2D image ``(columns, rows)`` with its pixel
    spacing, in stored layout (a 2D slice of any plane has no RAS form).

    Colour images (RGB, YBR decoded to RGB, palette colour) come on the
    8-bit scale (0-255; deeper colour is scaled to it) with a last channel
    axis of 3, or as one grey channel (ITU-R BT.601 luma,
    ``0.299 R + 0.587 G + 0.114 B``) with ``colour="grey"``.

    Parameters
    ----------
    colour : {"rgb", "grey"}, default="rgb"
        Keep colour images' three channels, or convert them to grey.
    """

    def __init__(self, colour: str = "rgb"):
        self.colour = check_colour(colour)

    def verify_suffix(self, filename: Sequence[str] | str) -> bool:
        """Any file name may hold DICOM."""
        return True

    def read(self, data: Sequence[str] | str, **kwargs) -> list:
        """Read the slices (with pixel data) of one series."""
        import pydicom

        return [pydicom.dcmread(path) for path in ([data] if isinstance(data, str) else data)]

    def _plane(self, frame: np.ndarray, ds, index: int | None) -> np.ndarray:
        """One frame as float32 (columns, rows[, 3])."""
        if not is_colour(ds):
            return _rescale(frame, ds, index).astype(np.float32).T
        rgb = np.asarray(_colour_8bit(frame, ds), np.float32)
        if self.colour == "grey":
            return (rgb @ np.asarray(LUMA_WEIGHTS, np.float32)).T
        return rgb.transpose(1, 0, 2)

    def get_data(self, img: list) -> tuple[np.ndarray, dict]:
        """Stack the slices in HU (or stored units) and compute the RAS affine."""
        first = img[0]
        if len(img) == 1 and _frame_count(first) > 1:
            volume, reason = frame_geometry(first)
            if reason is not None:
                raise ValueError(reason)
            order, geometry = volume
            frames = first.pixel_array
            planes = [self._plane(frames[i], first, i) for i in order]
        else:
            shape = (first.Rows, first.Columns)
            for ds in img:
                if (ds.Rows, ds.Columns) != shape:
                    raise ValueError(f"slices of {shape} and {(ds.Rows, ds.Columns)} pixels mix")
            planes = [self._plane(ds.pixel_array, ds, None) for ds in img]
            geometry = Geometry.of_slices(img)
        if len(planes) == 1:  # a 2D image: its pixel grid, in stored layout
            data = planes[0]
            row_spacing, col_spacing = geometry.pixel_spacing
            affine = np.diag([col_spacing, row_spacing, 1.0])
        else:
            data = np.stack(planes, axis=2)
            affine = np.diag([-1.0, -1.0, 1.0, 1.0]) @ geometry.affine_lps()  # LPS -> RAS
        channels = planes[0].ndim == 3  # colour kept: (columns, rows, 3)
        meta = {
            MetaKeys.AFFINE: affine,
            MetaKeys.ORIGINAL_AFFINE: affine.copy(),
            MetaKeys.SPATIAL_SHAPE: np.asarray(data.shape[:-1] if channels else data.shape),
            MetaKeys.SPACE: SpaceKeys.RAS,
            MetaKeys.ORIGINAL_CHANNEL_DIM: -1 if channels else float("nan"),
        }
        return data, meta
