"""Realistic DICOM inputs built with pydicom, and checks that every output must pass."""

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.pixels import convert_color_space
from pydicom.uid import (
    CTImageStorage,
    EnhancedCTImageStorage,
    ExplicitVRLittleEndian,
    MRImageStorage,
    SecondaryCaptureImageStorage,
    generate_uid,
)

RECIPE = Path(__file__).resolve().parents[2] / "recipes" / "dicom-folder.yaml"
# Identifiers of the made-up input patients: none may appear in any output byte.
PATIENT = {"PatientName": "Doe^Jane^Q", "PatientID": "PAT-8812345", "PatientBirthDate": "19610214"}
# The one dciodvfy error allowed: this dicom3tools predates Synthetic Data (0008,001C).
SYNTHETIC_DATA_ERROR = (
    "Error - Attribute with an even group number is not a recognized standard "
    "attribute - (0x0008,0x001c)  ? "
)


def _slice(sop_class, series_uid, study_uid, frame_uid, modality, pixels, **attrs):
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = generate_uid()
    ds.file_meta.MediaStorageSOPClassUID = sop_class
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    for key, value in PATIENT.items():
        setattr(ds, key, value)
    ds.StudyInstanceUID, ds.SeriesInstanceUID = study_uid, series_uid
    ds.FrameOfReferenceUID = frame_uid
    ds.StudyDate, ds.Modality = "20240102", modality
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.Rows, ds.Columns = pixels.shape
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = 16, 16, 15
    ds.PixelRepresentation = 1 if pixels.dtype == np.int16 else 0
    ds.PixelData = pixels.tobytes()
    for key, value in attrs.items():
        setattr(ds, key, value)
    return ds


def write_ct_series(folder, hu, spacing=(0.7, 0.8, 2.5), origin=(-40.0, -50.0, 100.0), **ids):
    """Write ``hu`` (rows, columns, slices) as an axial CT series; return its UID.

    ``ids`` may set ``series_uid``, ``study_uid`` and ``patient_id``.

    Slices are stored from head to feet (InstanceNumber 1 is the highest
    position) under shuffled file names, so order must come from positions.
    """
    folder = Path(folder)
    folder.mkdir(parents=True)
    series_uid = ids.get("series_uid", generate_uid())
    study_uid = ids.get("study_uid", generate_uid())
    frame_uid = generate_uid()
    n = hu.shape[2]
    for number, k in enumerate(reversed(range(n)), start=1):
        stored = np.round(hu[:, :, k] + 1024).astype(np.uint16)
        ds = _slice(
            CTImageStorage,
            series_uid,
            study_uid,
            frame_uid,
            "CT",
            stored,
            ImagePositionPatient=[origin[0], origin[1], origin[2] + k * spacing[2]],
            ImageOrientationPatient=[1, 0, 0, 0, 1, 0],
            PixelSpacing=[spacing[1], spacing[0]],
            SliceThickness=spacing[2],
            RescaleSlope=1,
            RescaleIntercept=-1024,
            InstanceNumber=number,
            **({"PatientID": ids["patient_id"]} if "patient_id" in ids else {}),
        )
        ds.save_as(folder / f"IM{(number * 7919) % 1000:03d}", enforce_file_format=True)
    return series_uid


def write_enhanced_ct(path, hu, spacing=(0.7, 0.8, 2.5), origin=(-40.0, -50.0, 100.0), **ids):
    """Write ``hu`` (rows, columns, slices) as one enhanced (multi-frame) CT file.

    Frames are stored from head to feet, each with its position in the
    Plane Position functional group; orientation, pixel spacing and rescale
    (intercept -1024) are shared groups. ``ids`` may set ``patient_id``,
    ``study_uid`` and ``series_uid``; ``positions`` replaces the frames' positions (None drops
    them: a cine loop).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    n = hu.shape[2]
    frames = [np.round(hu[:, :, k] + 1024).astype(np.uint16) for k in reversed(range(n))]
    ds = _slice(
        EnhancedCTImageStorage,
        ids.get("series_uid", generate_uid()),
        ids.get("study_uid", generate_uid()),
        generate_uid(),
        "CT",
        frames[0],
        NumberOfFrames=n,
        InstanceNumber=1,
        ImageType=["ORIGINAL", "PRIMARY", "AXIAL", "NONE"],
        **({"PatientID": ids["patient_id"]} if "patient_id" in ids else {}),
    )
    ds.PixelData = np.stack(frames).tobytes()
    shared = Dataset()
    shared.PlaneOrientationSequence = [Dataset()]
    shared.PlaneOrientationSequence[0].ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    shared.PixelMeasuresSequence = [Dataset()]
    shared.PixelMeasuresSequence[0].PixelSpacing = [spacing[1], spacing[0]]
    shared.PixelMeasuresSequence[0].SliceThickness = spacing[2]
    shared.PixelValueTransformationSequence = [Dataset()]
    shared.PixelValueTransformationSequence[0].RescaleSlope = 1
    shared.PixelValueTransformationSequence[0].RescaleIntercept = -1024
    ds.SharedFunctionalGroupsSequence = [shared]
    positions = ids.get(
        "positions",
        [[origin[0], origin[1], origin[2] + k * spacing[2]] for k in reversed(range(n))],
    )
    per_frame = []
    for frame in range(n):
        item = Dataset()
        if positions is not None:
            item.PlanePositionSequence = [Dataset()]
            item.PlanePositionSequence[0].ImagePositionPatient = positions[frame]
        per_frame.append(item)
    ds.PerFrameFunctionalGroupsSequence = per_frame
    ds.save_as(path, enforce_file_format=True)
    return ds.SeriesInstanceUID


def write_colour_image(path, rgb, photometric="RGB", **ids):
    """Write ``rgb`` (rows, columns, 3) of uint8 as a colour Secondary Capture image,
    stored as RGB or converted to ``photometric`` (e.g. "YBR_FULL"); return its
    series UID. ``ids`` may set ``patient_id``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    stored = rgb if photometric == "RGB" else convert_color_space(rgb, "RGB", photometric)
    ds = _slice(
        SecondaryCaptureImageStorage,
        generate_uid(),
        generate_uid(),
        generate_uid(),
        "XC",
        stored[..., 0],
        ConversionType="DV",
        InstanceNumber=1,
        **({"PatientID": ids["patient_id"]} if "patient_id" in ids else {}),
    )
    ds.SamplesPerPixel, ds.PhotometricInterpretation, ds.PlanarConfiguration = 3, photometric, 0
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 8, 8, 7, 0
    ds.PixelData = np.ascontiguousarray(stored, np.uint8).tobytes()
    ds.save_as(path, enforce_file_format=True)
    return ds.SeriesInstanceUID


def colour_image(label, shape=(16, 16), seed=0):
    """An 8-bit RGB image: a skin-toned field with a lesion, reddish for class 1."""
    rng = np.random.RandomState(seed)
    rgb = np.empty((*shape, 3))
    rgb[:] = (200, 160, 140)
    rgb[5:-5, 5:-5] = (150, 60, 50) if label else (120, 100, 90)
    return np.clip(np.round(rgb + rng.normal(0, 8, rgb.shape)), 0, 255).astype(np.uint8)


def write_mr_slice(path, values, spacing=(0.9, 0.9)):
    """Write one MR slice (rows, columns) of int16 values; return its series UID."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    ds = _slice(
        MRImageStorage,
        generate_uid(),
        generate_uid(),
        generate_uid(),
        "MR",
        values.astype(np.int16),
        ImagePositionPatient=[0, 0, 0],
        ImageOrientationPatient=[1, 0, 0, 0, 1, 0],
        PixelSpacing=list(spacing),
        InstanceNumber=1,
    )
    ds.save_as(path, enforce_file_format=True)
    return ds.SeriesInstanceUID


def ct_volume(label, shape=(16, 16, 8), seed=0):
    """HU volume: air around a body whose centre is brighter for class 1."""
    rng = np.random.RandomState(seed)
    hu = np.full(shape, -1000.0)
    hu[3:-3, 3:-3, :] = rng.normal(40, 10, (shape[0] - 6, shape[1] - 6, shape[2]))
    hu[6:-6, 6:-6, :] += 200.0 * label
    return np.round(hu)


def dicom_recipe_argv(root, labels, out, *settings):
    """``ganaug run`` arguments for recipes/dicom-folder.yaml on a built 16x16x8 CT
    folder with tiny budgets; ``settings`` (``KEY=VALUE``) come last and override."""
    tiny = [
        f"data.source={root}",
        f"data.labels={labels}",
        "data.target_shape=[16, 16, 8]",
        "data.spacing=null",
        "data.window=[-200, 300]",
        "sampler.epochs=2",
        "classifier.n_steps=3",
        "classifier.eval_every=1",
        "evaluation.verbose=0",
        *settings,
    ]
    return ["run", str(RECIPE), "--out", str(out)] + [a for s in tiny for a in ("--set", s)]


def snapshot(folder):
    """Every file under ``folder`` with its bytes, to show nothing changed."""
    return {p: p.read_bytes() for p in sorted(Path(folder).rglob("*")) if p.is_file()}


def dciodvfy_errors(path):
    """dciodvfy's error lines for one file, less the Synthetic Data one."""
    tool = shutil.which("dciodvfy")
    assert tool, "dciodvfy is missing: apt-get install dicom3tools (.ci/run does)"
    result = subprocess.run([tool, str(path)], capture_output=True, text=True, check=False)
    lines = (result.stdout + result.stderr).splitlines()
    return [line for line in lines if line.startswith("Error") and line != SYNTHETIC_DATA_ERROR]


def read_series(folder):
    """The files of a written series, read with pydicom, ordered by InstanceNumber."""
    slices = [pydicom.dcmread(p) for p in Path(folder).glob("*.dcm")]
    return sorted(slices, key=lambda ds: ds.InstanceNumber)
