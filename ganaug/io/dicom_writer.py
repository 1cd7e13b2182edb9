"""Synthetic DICOM series: new identities, marked as synthetic, consistent geometry.

Each synthetic sample becomes one series of single-frame images (one file per
slice) of the input's storage class: CT Image for CT, MR Image for MR, and
Secondary Capture (Conversion Type SYN) for anything else, and for colour
(8-bit RGB). Nothing is copied
from an input file: patient, study and equipment attributes are synthetic or
empty, and no date is written.

Every UID of a run lies under the run's own root, a UUID-derived ``2.25.`` UID
made afresh for each run (:func:`new_uid_root`): two runs never share a Study,
Series, SOP Instance or Frame of Reference UID, nor a synthetic PatientID,
whatever their seeds. The seed fixes the pixels, never the identities.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

STORED_MAX = 4095  # 12 significant bits for values without a physical unit
DERIVATION = "from a generative model; no pixel copied from any input image."


# The arc under a sample's root that each of its UIDs takes.
UID_ARCS = {"study": 1, "series": 2, "frame": 3, "instance": 4}


def new_uid_root() -> str:
    """A new UID root for one run: ``2.25.`` and a random UUID as an integer (ITU-T X.667).

    Returns
    -------
    root : str
        At most 44 characters, leaving room for the arcs :func:`write_dicom_series`
        adds (a UID has at most 64).
    """
    from pydicom.uid import generate_uid

    return str(generate_uid(prefix=None))


def synthetic_patient_id(uid_root: str, index: int) -> str:
    """The PatientID of a run's synthetic sample: ``GANAUG-`` and 16 hex digits of the
    run's root, then the sample's number; unique to the run as its root is.

    Parameters
    ----------
    uid_root : str
        The run's UID root (:func:`new_uid_root`).
    index : int
        Number of the sample within the run.

    Returns
    -------
    patient_id : str
    """
    token = hashlib.sha256(uid_root.encode()).hexdigest()[:16]
    return f"GANAUG-{token}-{index:06d}"


def _uid(uid_root: str, index: int, kind: str, *more: int) -> str:
    """The UID of one study, series, frame of reference or instance of a sample."""
    uid = ".".join(str(arc) for arc in (uid_root, index, UID_ARCS[kind], *more))
    if len(uid) > 64:
        raise ValueError(f"{uid} is longer than a UID may be (64 characters).")
    return uid


def _ds(values: Sequence[float]) -> list:
    from pydicom.valuerep import DSfloat

    return [DSfloat(float(v), auto_format=True) for v in values]


def _rescale(values: np.ndarray, modality: str) -> tuple[float, float]:
    """(slope, intercept) so that ``stored * slope + intercept`` gives ``values``.

    CT keeps whole HU (slope 1, intercept at most -1024, as scanners write);
    other data use 12 bits over their own range.
    """
    low, high = float(values.min()), float(values.max())
    if modality == "CT":
        intercept = min(-1024.0, np.floor(low))
        return max(1.0, float(np.ceil((high - intercept) / 65535))), intercept
    return (high - low) / STORED_MAX if high > low else 1.0, low


def _modality_attributes(ds, modality: str, dims: int, slope: float, intercept: float) -> None:
    """The attributes that differ between the CT, MR and Secondary Capture IODs
    (``modality`` "RGB": colour Secondary Capture, which has no rescale)."""
    from pydicom.uid import CTImageStorage, MRImageStorage, SecondaryCaptureImageStorage

    ds.ImageType = ["DERIVED", "SECONDARY"]
    if modality == "CT":
        ds.SOPClassUID = CTImageStorage
        ds.ImageType = ["DERIVED", "SECONDARY", "AXIAL"]
        ds.KVP = None
        ds.AcquisitionNumber = None
    elif modality == "MR":
        ds.SOPClassUID = MRImageStorage
        ds.ImageType = ["DERIVED", "SECONDARY", "OTHER"]
        ds.ScanningSequence = "RM"  # research mode: no real acquisition
        ds.SequenceVariant = "NONE"
        ds.ScanOptions = None
        ds.MRAcquisitionType = f"{dims}D"
        ds.RepetitionTime = None
        ds.EchoTime = None
        ds.EchoTrainLength = None
    else:
        ds.SOPClassUID = SecondaryCaptureImageStorage
        ds.ConversionType = "SYN"
        ds.PatientOrientation = None
    if modality not in ("MR", "RGB"):  # MR Image and colour have no Modality LUT module
        ds.RescaleType = "HU" if modality == "CT" else "US"  # US: unspecified units
        ds.RescaleIntercept = _ds([intercept])[0]
        ds.RescaleSlope = _ds([slope])[0]


def _base_dataset(
    modality: str, seed: int, index: int, label: object, root: str, derivation: str, version: str
):
    """Patient, study, series, equipment and image attributes shared by all slices."""
    from pydicom.dataset import Dataset

    ds = Dataset()
    ds.SyntheticData = "YES"
    ds.PatientName = f"SYNTHETIC^{index:06d}"
    ds.PatientID = synthetic_patient_id(root, index)
    ds.PatientBirthDate = None
    ds.PatientSex = None
    ds.StudyInstanceUID = _uid(root, index, "study")
    ds.StudyDate = None
    ds.StudyTime = None
    ds.ReferringPhysicianName = None
    ds.StudyID = None
    ds.AccessionNumber = None
    ds.StudyDescription = "Synthetic study (ganaug)"
    ds.Modality = modality if modality in ("CT", "MR") else "OT"
    ds.SeriesInstanceUID = _uid(root, index, "series")
    ds.SeriesNumber = 1
    ds.Laterality = None
    ds.PatientPosition = None
    ds.SeriesDescription = f"SYNTHETIC ganaug {version} seed {seed} class {label}"[:64]
    ds.FrameOfReferenceUID = _uid(root, index, "frame")
    ds.PositionReferenceIndicator = None
    ds.Manufacturer = "ganaug"
    ds.ManufacturerModelName = "GANOversampler"
    ds.SoftwareVersions = version
    ds.DerivationDescription = (
        f"Synthetic image generated by ganaug {version} (GANOversampler, seed {seed}, "
        f"sample {index}, class {label}) {derivation}"
    )[:1024]
    ds.BurnedInAnnotation = "NO"
    if modality == "RGB":
        ds.SamplesPerPixel = 3
        ds.PhotometricInterpretation = "RGB"
        ds.PlanarConfiguration = 0  # R, G, B of each pixel together
        ds.BitsAllocated = ds.BitsStored = 8
        ds.HighBit = 7
    else:
        ds.SamplesPerPixel = 1
        ds.PhotometricInterpretation = "MONOCHROME2"
        ds.BitsAllocated = ds.BitsStored = 16
        ds.HighBit = 15
    ds.PixelRepresentation = 0
    return ds


def _planes(values: np.ndarray, spacing: Sequence[float], dims: int):
    """Yield (pixel rows x columns[, RGB], ImagePositionPatient) per slice, plus the
    geometry.

    A volume comes in RAS index order (MONAI's): flipping the first two axes
    puts it in LPS, so slices are axial with ImageOrientationPatient
    1\\0\\0\\0\\1\\0 (rows run to the patient's posterior, columns to the
    left) and positions rise along the feet-to-head axis, centred on 0.
    """
    if dims == 2:
        return [(np.swapaxes(values, 0, 1), [0.0, 0.0, 0.0])], [spacing[1], spacing[0]], 1.0
    lps = np.flip(values, axis=(0, 1))
    extent = (np.asarray(lps.shape[:3]) - 1) * np.asarray(spacing, float)
    origin = -extent / 2
    planes = [
        (np.swapaxes(lps[:, :, k], 0, 1), [origin[0], origin[1], origin[2] + k * spacing[2]])
        for k in range(lps.shape[2])
    ]
    return planes, [spacing[1], spacing[0]], spacing[2]


def write_dicom_series(
    values: np.ndarray,
    folder: str | os.PathLike,
    *,
    spacing: Sequence[float],
    modality: str = "OT",
    seed: int = 0,
    index: int = 0,
    label: object = None,
    window: tuple[float, float] | None = None,
    colour: bool = False,
    uid_root: str | None = None,
    derivation: str = DERIVATION,
) -> str:
    """Write one synthetic image or volume as a new DICOM series, one file per slice.

    Parameters
    ----------
    values : ndarray
        A 2D image ``(columns, rows)`` or a volume in RAS index order, in the
        image's units (HU for CT); with ``colour``, a last axis of red,
        green and blue on the 8-bit scale (clipped to 0-255).
    folder : str or os.PathLike
        New folder for the series' files (``slice-0001.dcm``, ...).
    spacing : sequence of float
        Voxel spacing in mm along the axes of ``values``.
    modality : str, default="OT"
        ``"CT"`` writes CT Image Storage (values stored as whole HU),
        ``"MR"`` MR Image Storage, anything else Secondary Capture.
    seed : int, default=0
        The run's seed, recorded in the descriptions; it does not enter the
        UIDs.
    index : int, default=0
        Number of the synthetic sample within the run; with ``uid_root``,
        the source of every UID and of the PatientID.
    label : object, optional
        Class of the sample, recorded in the descriptions.
    window : (float, float), optional
        Default display window (Window Center/Width), e.g. the training
        window; not written for colour.
    colour : bool, default=False
        Write 8-bit RGB Secondary Capture, whatever ``modality`` says.
    uid_root : str, optional
        The run's UID root (:func:`new_uid_root`): every UID of the series
        lies under ``ROOT.INDEX``, and the PatientID derives from it. Pass
        the same root for every series of a run; None makes a new one.
    derivation : str, optional
        How the image came to be, after "generated by ganaug ... (...)" in
        DerivationDescription, e.g. "from a model trained on 40 series of 12
        patients; no pixel copied from them."

    Returns
    -------
    series_uid : str
        The new SeriesInstanceUID.
    """
    from pydicom.dataset import FileMetaDataset
    from pydicom.uid import PYDICOM_IMPLEMENTATION_UID, ExplicitVRLittleEndian

    from .._version import __version__

    values = np.asarray(values, dtype=np.float64)
    folder = Path(folder)
    folder.mkdir(parents=True)
    dims = values.ndim - colour
    if colour:
        modality, slope, intercept, stored_max, dtype = "RGB", 1.0, 0.0, 255, np.uint8
    else:
        slope, intercept = _rescale(values, modality)
        stored_max, dtype = (65535 if modality == "CT" else STORED_MAX), np.dtype("<u2")
    planes, pixel_spacing, thickness = _planes(values, spacing, dims)
    root = new_uid_root() if uid_root is None else uid_root
    base = _base_dataset(modality, seed, index, label, root, derivation, __version__)
    _modality_attributes(base, modality, dims, slope, intercept)
    base.ImageOrientationPatient = _ds([1, 0, 0, 0, 1, 0])
    base.PixelSpacing = _ds(pixel_spacing)
    base.SliceThickness = _ds([thickness])[0]
    if window is not None and not colour:
        base.WindowCenter = _ds([(window[0] + window[1]) / 2])[0]
        base.WindowWidth = _ds([window[1] - window[0]])[0]
    for number, (plane, position) in enumerate(planes, start=1):
        ds = base.copy()
        ds.SOPInstanceUID = _uid(root, index, "instance", number)
        ds.InstanceNumber = number
        ds.ImagePositionPatient = _ds(position)
        ds.SliceLocation = _ds([position[2]])[0]
        ds.Rows, ds.Columns = plane.shape[:2]
        stored = np.clip(np.round((plane - intercept) / slope), 0, stored_max)
        ds.PixelData = np.ascontiguousarray(stored, dtype=dtype).tobytes()
        ds.file_meta = FileMetaDataset()
        ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
        ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
        ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds.file_meta.ImplementationClassUID = PYDICOM_IMPLEMENTATION_UID
        ds.save_as(folder / f"slice-{number:04d}.dcm", enforce_file_format=True)
    return str(base.SeriesInstanceUID)
