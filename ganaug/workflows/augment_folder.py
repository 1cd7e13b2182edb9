"""``augment_folder``: from a labelled imaging folder to a folder of synthetic series."""

from __future__ import annotations

import hashlib
import os
import shutil
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..io.dicom_writer import write_dicom_series
from ..io.loading import LabelledImages, load_labelled_images
from ..io.nifti_writer import write_nifti
from ..over_sampling import GANOversampler
from ..utils._files import PARTIAL_MARKER
from ._run_folder import (
    CHECKPOINT_FILE,
    MANIFEST_FILE,
    MODEL_FILE,
    RUN_FILE,
    SKIPPED_FILE,
    atomic_folder,
    check_output,
    environment_record,
    write_json,
)
from ._sampler import build_sampler

FORMATS = ("dicom", "nifti")
CHUNK = 16  # samples generated at a time


@dataclass
class AugmentSummary:
    """What :func:`augment_folder` wrote.

    Parameters
    ----------
    out_dir : str
        The finished output folder.
    n_loaded : int
        Images the model was trained on.
    n_skipped : int
        Files or series left out while loading (each with its reason in
        ``skipped.csv``).
    manifest : pandas.DataFrame
        One row per synthetic series or file, as in ``manifest.csv``.
    skipped_summary : str
        The skipped files or series, counted by reason.
    """

    out_dir: str
    n_loaded: int
    n_skipped: int
    manifest: pd.DataFrame
    skipped_summary: str = "nothing skipped"

    def text(self) -> str:
        """A short human-readable report.

        Returns
        -------
        text : str
        """
        counts = self.manifest["label"].value_counts().sort_index()
        per_class = ", ".join(f"{count} of class {label}" for label, count in counts.items())
        text = (
            f"trained on {self.n_loaded} images ({self.n_skipped} file(s) skipped); wrote "
            f"{len(self.manifest)} synthetic series ({per_class or 'none'}) to {self.out_dir}"
        )
        if self.n_skipped:
            text += f"\n{self.skipped_summary} (all in {self.out_dir}/{SKIPPED_FILE})"
        return text


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_one(
    sample, folder: Path, index: int, label, data: LabelledImages, fmt: str, random_state: int
):
    """Write one synthetic sample; return its manifest row."""
    name = f"synthetic-{index:05d}"
    if fmt == "nifti":
        name += ".nii.gz"
        about = f"synthetic (ganaug seed {random_state}, class {label})"
        write_nifti(sample[0], folder / name, spacing=data.spacing, description=about)
        return {"path": name, "label": label, "SeriesInstanceUID": ""}
    # MR-style percentile values have lost CT's unit (HU): store them as Secondary Capture.
    modality = "OT" if data.window == "mr" and data.modality == "CT" else data.modality
    uid = write_dicom_series(
        np.moveaxis(sample, 0, -1) if data.colour else sample[0],
        folder / name,
        spacing=data.spacing,
        modality=modality,
        seed=random_state,
        index=index,
        label=label,
        window=data.window if isinstance(data.window, tuple) else None,
        colour=data.colour,
    )
    return {"path": name, "label": label, "SeriesInstanceUID": uid}


def _write_samples(
    sampler, data: LabelledImages, folder: Path, fmt: str, random_state: int, verbose: int
) -> list[dict]:
    """Generate each class's samples in chunks and write one series (or file) each.

    With ``sampler.match_moments``, each chunk is matched to the real class's
    voxel means and spreads, as ``fit_resample`` matches its samples; the
    chunks are of near-equal size, so none is a single unmatched sample.
    """
    from tqdm.auto import tqdm

    rng = np.random.RandomState(random_state)
    todo = [(cls, n) for cls, n in sampler.sampling_strategy_.items() if n > 0]
    total = sum(n for _, n in todo)
    rows = []
    with tqdm(total=total, desc="writing", unit="series", disable=not verbose) as progress:
        for cls, n_samples in todo:
            real = data.images[data.labels == cls] if sampler.match_moments else None
            for chunk in np.array_split(np.arange(n_samples), -(-n_samples // CHUNK)):
                batch = sampler.generate(len(chunk), cls, rng.randint(2**31 - 1), match_to=real)
                for sample in data.to_physical(batch):
                    rows.append(
                        _write_one(sample, folder, len(rows) + 1, cls, data, fmt, random_state)
                    )
                    progress.update()
    return rows


def augment_folder(
    in_dir: str | os.PathLike,
    labels: str | os.PathLike | None,
    out_dir: str | os.PathLike,
    *,
    target_shape: Sequence[int] | None = None,
    resize: str = "crop",
    window: str | Sequence[float] | None = None,
    spacing: Sequence[float] | None = None,
    key: str | None = None,
    colour: str = "rgb",
    sampling_strategy: str | float | dict = "auto",
    epochs: int | str = "auto",
    batch_size: int = 32,
    device: str = "auto",
    random_state: int = 0,
    params: dict | None = None,
    output_format: str = "dicom",
    resume: bool = False,
    checkpoint_every: int = 200,
    strict: bool = False,
    verbose: int = 1,
    seed: int | None = None,
) -> AugmentSummary:
    """Train a :class:`~ganaug.GANOversampler` on a labelled folder and write synthetic series.

    Loads ``in_dir`` with :func:`~ganaug.io.load_labelled_images`, trains
    the sampler, and writes one new DICOM series (or NIfTI file) per
    synthetic sample (shifted and scaled to the real class's voxel means and
    spreads, as :meth:`GANOversampler.fit_resample` does; never a copy of a
    real image), plus ``manifest.csv`` (``path``, ``label``, ``seed``,
    ``model_sha256``, ``SeriesInstanceUID``; itself a labels CSV),
    ``skipped.csv`` (each input file or series left out, and why), the model
    (``model.pt``, for :meth:`GANOversampler.load`) and ``run.json`` (the
    settings and package versions). All of it is written to a hidden
    ``.NAME.partial`` folder beside ``out_dir`` that is renamed to
    ``out_dir`` at the end: an interrupted run leaves no ``out_dir``, and its
    training checkpoint stays in that folder for ``resume``. Where it writes,
    and the sampler's parameters, are checked before any file is read.

    Parameters
    ----------
    in_dir : str or os.PathLike
        DICOM folder, NIfTI folder or MedMNIST ``.npz``; never written to.
    labels : str or os.PathLike or None
        Labels CSV (see :func:`~ganaug.io.load_labelled_images`); None for
        ``.npz``.
    out_dir : str or os.PathLike
        New output folder; must not exist, nor lie inside ``in_dir``.
    target_shape : sequence of int, optional
        Spatial shape to bring the images to, in MONAI's index order: ``(x,
        y)`` for 2D images, ``(x, y, z)`` in RAS for volumes (see
        :func:`~ganaug.io.load_labelled_images`).
    resize : {"crop", "interpolate"}, default="crop"
        Crop or pad to ``target_shape`` (the voxel size kept), or interpolate
        to it (the field of view kept).
    window : str, pair of float or None, default=None
        Intensity window (see :func:`~ganaug.io.load_labelled_images`).
    spacing : sequence of float, optional
        Voxel spacing in mm to resample to.
    key : str, optional
        The labels CSV's identifier column to name images by (see
        :func:`~ganaug.io.load_labelled_images`).
    colour : {"rgb", "grey"}, default="rgb"
        Keep colour images' channels (written back as RGB Secondary
        Capture) or convert them to grey (see
        :func:`~ganaug.io.load_labelled_images`).
    sampling_strategy : str, float or dict, default="auto"
        How many samples to make per class, as in imbalanced-learn.
    epochs : int or "auto", default="auto"
        Training epochs.
    batch_size : int, default=32
        Training batch size.
    device : str, default="auto"
        ``"auto"``, ``"cpu"`` or ``"cuda"``.
    random_state : int, default=0
        Seeds training and generation, and the UIDs written.
    params : dict, optional
        Any other :class:`~ganaug.GANOversampler` parameter, e.g.
        ``{"r1_gamma": 1.0}``.
    output_format : {"dicom", "nifti"}, default="dicom"
        What to write.
    resume : bool, default=False
        Continue training from the checkpoint an interrupted run with the
        same settings left.
    checkpoint_every : int, default=200
        Training steps between checkpoints.
    strict : bool, default=False
        Fail on unreadable or non-image files instead of skipping them.
    verbose : int, default=1
        Progress bars for loading, training and writing; 0 silences them.
    seed : int, optional
        Deprecated spelling of ``random_state``, accepted with a
        :class:`FutureWarning` until the next release.

    Returns
    -------
    summary : AugmentSummary

    Raises
    ------
    FileExistsError
        If ``out_dir`` exists, or a ``.NAME.partial`` folder beside it was
        not left by ganaug.
    ValueError
        For an output inside the input or under a file, an unknown format or
        sampler parameter, or data that cannot be loaded (see
        :func:`~ganaug.io.load_labelled_images`).
    """
    if seed is not None:
        warnings.warn(
            "augment_folder(seed=...) is now augment_folder(random_state=...); seed= is "
            "accepted until the next release.",
            FutureWarning,
            stacklevel=2,
        )
        random_state = seed
    if output_format not in FORMATS:
        raise ValueError(f"unknown format {output_format!r}; use one of {FORMATS}.")
    given = {
        "sampling_strategy": sampling_strategy,
        "epochs": epochs,
        "batch_size": batch_size,
        "device": device,
        "random_state": random_state,
        "verbose": verbose,
    }
    twice = sorted(set(given) & set(params or {}))
    if twice:
        raise ValueError(f"params sets {twice}, which augment_folder takes as arguments.")
    sampler = build_sampler(GANOversampler, {**given, **(params or {})})
    in_dir, out_dir = Path(in_dir), Path(out_dir)
    check_output(out_dir, inputs=[in_dir])
    data = load_labelled_images(
        in_dir,
        labels,
        target_shape=target_shape,
        resize=resize,
        window=window,
        spacing=spacing,
        key=key,
        colour=colour,
        strict=strict,
        verbose=verbose,
    )
    if data.colour and output_format == "nifti":
        raise ValueError("colour images are written as DICOM only; use output_format='dicom'.")
    sampler.set_params(spatial_dims=data.images.ndim - 2)
    with atomic_folder(out_dir, resume=resume, keep=CHECKPOINT_FILE) as partial:
        checkpoint = partial / CHECKPOINT_FILE
        sampler.fit_generator(
            data.images,
            data.labels,
            checkpoint=checkpoint,
            checkpoint_every=checkpoint_every,
            resume=resume,
        )
        for stale in partial.iterdir():  # samples of an interrupted run are written anew
            if stale.name not in (CHECKPOINT_FILE, PARTIAL_MARKER):
                shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
        checksum = _sha256(sampler.save(partial / MODEL_FILE))
        record = {
            "random_state": random_state,
            "format": output_format,
            "modality": data.modality,
            "window": data.window,
            "spacing": data.spacing,
            "image_shape": list(data.images.shape[1:]),
            "classes": sampler.classes_.tolist(),
            "params": sampler.get_params(deep=False),
            "model_sha256": checksum,
            "versions": environment_record(),
        }
        write_json(record, partial / RUN_FILE)
        rows = _write_samples(sampler, data, partial, output_format, random_state, verbose)
        manifest = pd.DataFrame(rows, columns=["path", "label", "SeriesInstanceUID"])
        manifest.insert(2, "seed", random_state)
        manifest.insert(3, "model_sha256", checksum)
        manifest.to_csv(partial / MANIFEST_FILE, index=False)
        data.write_skipped(partial / SKIPPED_FILE)
        checkpoint.unlink()
    return AugmentSummary(
        str(out_dir), len(data.labels), len(data.skipped), manifest, data.skipped_summary()
    )
