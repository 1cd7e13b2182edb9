"""Loading a DICOM folder: throughput (slices/s) and peak memory of load_labelled_images.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_io.py                # markdown table
    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_io.py --series 40 --slices 100

Writes a folder of CT series with pydicom (default 20 series of 50 axial
128x128 slices, 1,000 files, with real geometry and rescale) and a labels
CSV into a temporary folder, then loads it in a fresh process per case, so
each case's peak resident memory (ru_maxrss) is its own. "Peak over
imports" is that peak less the process's resident size just before loading
(after importing ganaug, torch and MONAI); compare it with "output", the
size of the returned float32 array.

Cases:

  as-read       HU as read, native 128x128x50 shape
  window-crop   soft-tissue window, cropped/padded to 96x96x48
  resample      resampled to 1.5 mm x 1.5 mm x 3 mm (bilinear), then cropped to 96x96x48
  cached-cold   as window-crop, filling a MONAI PersistentDataset cache
  cached-warm   the same load again, served from that cache
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

CASES = {
    "as-read": {},
    "window-crop": {"window": "soft-tissue", "target_shape": (96, 96, 48)},
    "resample": {"spacing": (1.5, 1.5, 3.0), "target_shape": (96, 96, 48)},
    "cached-cold": {"window": "soft-tissue", "target_shape": (96, 96, 48), "cache": True},
    "cached-warm": {"window": "soft-tissue", "target_shape": (96, 96, 48), "cache": True},
}


def write_folder(root: Path, n_series: int, n_slices: int, side: int = 128) -> Path:
    """Write ``n_series`` CT series and a labels CSV under ``root``; return the CSV."""
    import pydicom
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, generate_uid

    rng = np.random.default_rng(0)
    rows = ["SeriesInstanceUID,label"]
    for s in range(n_series):
        series_uid, study_uid, frame_uid = generate_uid(), generate_uid(), generate_uid()
        folder = root / f"patient{s:03d}"
        folder.mkdir(parents=True)
        for k in range(n_slices):
            ds = Dataset()
            ds.file_meta = FileMetaDataset()
            ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
            ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID = CTImageStorage
            ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
            ds.PatientName, ds.PatientID = f"Bench^{s}", f"B{s:04d}"
            ds.StudyInstanceUID, ds.SeriesInstanceUID = study_uid, series_uid
            ds.FrameOfReferenceUID, ds.Modality = frame_uid, "CT"
            ds.ImagePositionPatient = [-80.0, -80.0, 2.5 * k]
            ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
            ds.PixelSpacing, ds.SliceThickness = [1.25, 1.25], 2.5
            ds.RescaleSlope, ds.RescaleIntercept = 1, -1024
            ds.InstanceNumber = k + 1
            ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
            ds.Rows = ds.Columns = side
            ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
            ds.PixelData = rng.integers(0, 2000, (side, side), dtype=np.uint16).tobytes()
            pydicom.dcmwrite(folder / f"IM{k:04d}.dcm", ds, enforce_file_format=True)
        rows.append(f"{series_uid},{s % 2}")
    labels = root.parent / "labels.csv"
    labels.write_text("\n".join(rows) + "\n")
    return labels


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _current_rss_mb() -> float:
    with open("/proc/self/statm") as file:
        return int(file.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def run_case(case: str, root: str, labels: str, cache: str) -> dict:
    """Load the folder once as ``case`` says (in this process); return the measures."""
    from ganaug.io import load_labelled_images

    settings = dict(CASES[case])
    cache_dir = cache if settings.pop("cache", False) else None
    before = _current_rss_mb()
    start = time.perf_counter()
    data = load_labelled_images(root, labels, cache_dir=cache_dir, verbose=0, **settings)
    seconds = time.perf_counter() - start
    n_slices = int(data.records["files"].sum())
    return {
        "case": case,
        "series": len(data.labels),
        "slices": n_slices,
        "seconds": seconds,
        "slices_per_s": n_slices / seconds,
        "output_mb": data.images.nbytes / 2**20,
        "peak_over_imports_mb": _rss_mb() - before,
        "peak_mb": _rss_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=20)
    parser.add_argument("--slices", type=int, default=50)
    parser.add_argument("--case", choices=list(CASES), help="run one case in this process")
    parser.add_argument("--root", help=argparse.SUPPRESS)
    parser.add_argument("--labels", help=argparse.SUPPRESS)
    parser.add_argument("--cache", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case, args.root, args.labels, args.cache)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        labels = write_folder(Path(tmp) / "dicom", args.series, args.slices)
        print(f"wrote {args.series * args.slices} slices in {time.perf_counter() - start:.1f} s")
        print("| case | series | slices | s | slices/s | output MB | peak over imports MB |")
        print("|---|---|---|---|---|---|---|")
        for case in CASES:
            command = [sys.executable, __file__, "--case", case, "--root", f"{tmp}/dicom"]
            command += ["--labels", str(labels), "--cache", f"{tmp}/cache"]
            result = json.loads(subprocess.run(command, capture_output=True, check=True).stdout)
            print(
                f"| {case} | {result['series']} | {result['slices']} | {result['seconds']:.1f} "
                f"| {result['slices_per_s']:.0f} | {result['output_mb']:.0f} "
                f"| {result['peak_over_imports_mb']:.0f} |"
            )


if __name__ == "__main__":
    main()
