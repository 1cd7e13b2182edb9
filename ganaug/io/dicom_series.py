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
    "ImageType",
]
# Slice steps may differ from the series' median by this share before the series
# counts as having missing slices or uneven spacing.
STEP_TOLERANCE = 0.1
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
        InstanceNumber when a slice lacks position or orientation).
    folder : str
        The folder holding the first slice.
    """

    series_uid: str
    study_uid: str
    patient_id: str
    modality: str
    files: tuple[str, ...]
    folder: str


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
    if int(ds.get("NumberOfFrames", 1) or 1) > 1:
        return None, "multi-frame DICOM images are not supported"
    if int(ds.get("SamplesPerPixel", 1) or 1) != 1:
        return None, "colour DICOM images are not supported"
    return ds, None


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
    if len(unique) >= 3 and None not in positions:
        steps = np.diff(sorted(positions))
        median = float(np.median(steps))
        if np.any(np.abs(steps - median) > STEP_TOLERANCE * median):
            return (
                unique,
                skipped,
                f"missing slices or uneven spacing (steps of {steps.min():.2f} to "
                f"{steps.max():.2f} mm)",
            )
    return unique, skipped, None


def scan_dicom_folder(root: str | os.PathLike) -> tuple[list[DicomSeries], list[tuple[str, str]]]:
    """Group the DICOM images under ``root`` into series, reading headers only.

    Series hygiene (see ``_clean``): localizers, slices of another size or
    orientation and duplicate positions are left out of their series, with a
    reason; a volume with missing slices or uneven spacing is skipped whole.

    Parameters
    ----------
    root : str or os.PathLike
        Folder searched recursively; files of any name are tried.

    Returns
    -------
    series : list of DicomSeries
        One per SeriesInstanceUID, ordered by first file path.
    skipped : list of (str, str)
        Files that are not readable DICOM images, with the reason.
    """
    groups: dict[str, list] = {}
    skipped = []
    for path in _iter_files(Path(root)):
        ds, reason = _read_header(path)
        if ds is None:
            skipped.append((str(path), reason))
        else:
            groups.setdefault(str(ds.SeriesInstanceUID), []).append((str(path), ds))
    series = []
    for uid, found in groups.items():
        headers, left_out, reason = _clean(found)
        skipped += left_out
        if reason is not None:
            skipped.append((str(Path(headers[0][0]).parent), reason))
        if reason is not None or not headers:
            continue
        ordered = _order(headers)
        first = ordered[0][1]
        series.append(
            DicomSeries(
                series_uid=uid,
                study_uid=str(first.get("StudyInstanceUID", "")),
                patient_id=str(first.get("PatientID", "")),
                modality=str(first.get("Modality", "")),
                files=tuple(path for path, _ in ordered),
                folder=str(Path(ordered[0][0]).parent),
            )
        )
    return sorted(series, key=lambda s: s.files[0]), skipped


def _affine_lps(slices: Sequence) -> np.ndarray:
    """Voxel (column, row, slice) -> patient LPS millimetres for ordered slices."""
    first = slices[0]
    orientation = np.asarray(first.get("ImageOrientationPatient", [1, 0, 0, 0, 1, 0]), float)
    row_spacing, col_spacing = (float(v) for v in first.get("PixelSpacing", [1.0, 1.0]))
    origin = np.asarray(first.get("ImagePositionPatient", [0.0, 0.0, 0.0]), float)
    normal = np.cross(orientation[:3], orientation[3:])
    if len(slices) > 1 and "ImagePositionPatient" in slices[-1]:
        step = (np.asarray(slices[-1].ImagePositionPatient, float) - origin) / (len(slices) - 1)
    else:
        step = normal * float(first.get("SliceThickness", 1.0) or 1.0)
    affine = np.eye(4)
    affine[:3, 0] = orientation[:3] * col_spacing
    affine[:3, 1] = orientation[3:] * row_spacing
    affine[:3, 2] = step
    affine[:3, 3] = origin
    return affine


class DicomSeriesReader(ImageReader):
    """A MONAI image reader for one DICOM series given as its ordered files.

    Pass the files of one :class:`DicomSeries` (already ordered along the
    slice normal). The reader applies the modality LUT (rescale slope and
    intercept, so CT comes out in HU) and builds the affine from
    ImagePositionPatient, ImageOrientationPatient and PixelSpacing, in RAS
    like MONAI's other readers: a volume of shape ``(columns, rows, slices)``.
    A single slice gives a 2D image ``(columns, rows)`` with its pixel
    spacing, in stored layout (a 2D slice of any plane has no RAS form).
    """

    def verify_suffix(self, filename: Sequence[str] | str) -> bool:
        """Any file name may hold DICOM."""
        return True

    def read(self, data: Sequence[str] | str, **kwargs) -> list:
        """Read the slices (with pixel data) of one series."""
        import pydicom

        return [pydicom.dcmread(path) for path in ([data] if isinstance(data, str) else data)]

    def get_data(self, img: list) -> tuple[np.ndarray, dict]:
        """Stack the slices in HU (or stored units) and compute the RAS affine."""
        from pydicom.pixels import apply_modality_lut

        shape = (img[0].Rows, img[0].Columns)
        planes = []
        for ds in img:
            if (ds.Rows, ds.Columns) != shape:
                raise ValueError(f"slices of {shape} and {(ds.Rows, ds.Columns)} pixels mix")
            planes.append(apply_modality_lut(ds.pixel_array, ds).astype(np.float32).T)
        if len(planes) == 1:  # a 2D image: its pixel grid, in stored layout
            data = planes[0]
            row_spacing, col_spacing = (float(v) for v in img[0].get("PixelSpacing", [1, 1]))
            affine = np.diag([col_spacing, row_spacing, 1.0])
        else:
            data = np.stack(planes, axis=-1)
            affine = np.diag([-1.0, -1.0, 1.0, 1.0]) @ _affine_lps(img)  # LPS -> RAS
        meta = {
            MetaKeys.AFFINE: affine,
            MetaKeys.ORIGINAL_AFFINE: affine.copy(),
            MetaKeys.SPATIAL_SHAPE: np.asarray(data.shape),
            MetaKeys.SPACE: SpaceKeys.RAS,
            MetaKeys.ORIGINAL_CHANNEL_DIM: float("nan"),
        }
        return data, meta
