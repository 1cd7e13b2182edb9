"""``augment_folder``: from a labelled imaging folder to a folder of synthetic series."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..io.dicom_writer import new_uid_root, synthetic_patient_id, write_dicom_series
from ..io.loading import LabelledImages, load_labelled_images
from ..io.nifti_writer import write_nifti
from ..io.skipped import (
    LISTED,
    SkippedInputError,
    new_path_key,
    skip_error,
    skipped_table,
    write_skipped,
)
from ..over_sampling import GANOversampler
from ..utils._files import PARTIAL_MARKER, atomic_file, partial_path
from ..utils._validation import check_min_class_size
from ._run_folder import (
    CHECKPOINT_FILE,
    IDENTITY_FILE,
    MANIFEST_FILE,
    MODEL_FILE,
    RUN_FILE,
    SKIPPED_FILE,
    OutputError,
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
        Files, series and labels rows left out while loading (each with its
        reason in ``skipped.csv``).
    manifest : pandas.DataFrame
        One row per synthetic series or file, as in ``manifest.csv``.
    skipped_summary : str
        The skips, counted by reason.
    skipped : list of (str, str, str)
        Each skip's path hash (as in ``skipped.csv``), path and reason.
    skipped_paths : str, optional
        The file the paths were written to, if one was named.
    n_unlabelled : int, default=0
        Unlabelled images given to the sampler (``unlabelled=True``).
    """

    out_dir: str
    n_loaded: int
    n_skipped: int
    manifest: pd.DataFrame
    skipped_summary: str = "nothing skipped"
    skipped: list = field(default_factory=list)
    skipped_paths: str | None = None
    n_unlabelled: int = 0

    def text(self) -> str:
        """A short human-readable report: what was written, and every skip up to 20,
        by path hash, path and reason.

        Returns
        -------
        text : str
        """
        counts = self.manifest["label"].value_counts().sort_index()
        per_class = ", ".join(f"{count} of class {label}" for label, count in counts.items())
        pool = f" and {self.n_unlabelled} unlabelled ones" if self.n_unlabelled else ""
        lines = [
            f"trained on {self.n_loaded} images{pool} ({self.n_skipped} skipped); wrote "
            f"{len(self.manifest)} synthetic series ({per_class or 'none'}) to {self.out_dir}"
        ]
        if self.n_skipped:
            where = f"; paths in {self.skipped_paths}" if self.skipped_paths else ""
            lines.append(
                f"{self.skipped_summary} (path hashes and reasons in "
                f"{self.out_dir}/{SKIPPED_FILE}{where}):"
            )
            lines += [f"  {h}  {p}: {reason}" for h, p, reason in self.skipped[:LISTED]]
            if self.n_skipped > LISTED and not self.skipped_paths:
                lines.append(
                    f"  ... and {self.n_skipped - LISTED} more: --skipped-paths FILE "
                    "(skipped_paths=) lists them all"
                )
        return "\n".join(lines)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_one(sample, folder: Path, index: int, label, data: LabelledImages, run: dict):
    """Write one synthetic sample; return its manifest row."""
    name = f"synthetic-{index:05d}"
    random_state = run["random_state"]
    if run["format"] == "nifti":
        name += ".nii.gz"
        about = f"synthetic (ganaug seed {random_state}, class {label})"
        write_nifti(sample[0], folder / name, spacing=data.spacing, description=about)
        return {"path": name, "label": label}
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
        uid_root=run["uid_root"],
        derivation=run["derivation"],
    )
    return {
        "path": name,
        "label": label,
        "SeriesInstanceUID": uid,
        "PatientID": synthetic_patient_id(run["uid_root"], index),
    }


def _write_samples(sampler, data: LabelledImages, folder: Path, run: dict, verbose: int):
    """Generate each class's samples in chunks and write one series (or file) each.

    With ``sampler.match_moments``, each chunk is matched to the real class's
    voxel means and spreads (with ``match_values_``, to its values), as
    ``fit_resample`` matches its samples; the chunks are of near-equal size,
    so none is a single unmatched sample.
    """
    from tqdm.auto import tqdm

    rng = np.random.RandomState(run["random_state"])
    todo = [(cls, n) for cls, n in sampler.sampling_strategy_.items() if n > 0]
    total = sum(n for _, n in todo)
    rows = []
    with tqdm(total=total, desc="writing", unit="series", disable=not verbose) as progress:
        for cls, n_samples in todo:
            matched = sampler.match_moments or sampler.match_values_
            real = data.images[data.labels == cls] if matched else None
            for chunk in np.array_split(np.arange(n_samples), -(-n_samples // CHUNK)):
                batch = sampler.generate(len(chunk), cls, rng.randint(2**31 - 1), match_to=real)
                for sample in data.to_physical(batch):
                    rows.append(_write_one(sample, folder, len(rows) + 1, cls, data, run))
                    progress.update()
    return rows


PATHS_HEADER = "path_hash,path,reason"  # the first line of a --skipped-paths file


def _check_paths_file(path: Path, in_dir: Path, out_dir: Path) -> Path:
    """Where the skipped paths go: outside the output (which holds no input path) and
    the input, and not over any file but one this option wrote before."""
    for folder in (out_dir, partial_path(out_dir)):
        if path.resolve().is_relative_to(folder.resolve()):
            raise OutputError(
                f"--skipped-paths {path} is inside the output {out_dir}, which is to hold no "
                "input path; name a file outside it."
            )
    if path.exists() or path.is_symlink():
        try:
            ours = path.is_file() and path.read_text().startswith(PATHS_HEADER + "\n")
        except (OSError, UnicodeDecodeError):
            ours = False
        if not ours:
            raise FileExistsError(
                f"--skipped-paths {path} already exists and is not a list of skipped paths; "
                "name a new file so it is kept."
            )
        return path
    check_output(path, inputs=[in_dir])
    return path


def _write_paths_file(skipped: list, path: Path, key: bytes) -> None:
    """The skips with their paths, for the user (never into the output)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(path) as file:
        skipped_table(skipped, key=key).to_csv(file, index=False)


def _listed(exc: SkippedInputError, paths_file: Path | None, key: bytes) -> SkippedInputError:
    """``exc``, saying where its skips are listed (writing them there) or how to list them."""
    if paths_file is not None:
        _write_paths_file(exc.skipped, paths_file, key)
        where = f"the skipped paths are in {paths_file}"
    else:
        where = "--skipped-paths FILE (skipped_paths=) lists the skipped paths"
    return SkippedInputError(f"{str(exc).rstrip('.')}; {where}.", exc.skipped)


def _check_classes(sampler, data: LabelledImages) -> list:
    """The classes to over-sample, each with enough samples, checked before any
    folder is made; an error says what loading skipped."""
    from imblearn.utils import check_sampling_strategy

    try:
        strategy = check_sampling_strategy(sampler.sampling_strategy, data.labels, "over-sampling")
        targets = [cls for cls, n in strategy.items() if n > 0]
        check_min_class_size(data.labels, targets, minimum=sampler._min_class_size)
    except ValueError as exc:
        raise skip_error(str(exc), data.skipped) from None
    return targets


def _with_unlabelled(data: LabelledImages) -> tuple[np.ndarray, np.ndarray]:
    """The labelled images, then the unlabelled ones labelled -1 (scikit-learn's mark)."""
    if data.unlabelled is None or not len(data.unlabelled):
        return data.images, data.labels
    if data.labels.dtype.kind not in "iu" or (data.labels == -1).any():
        raise ValueError(
            "unlabelled images are passed on labelled -1, so the labels CSV's labels must "
            f"be integers other than -1; got {sorted(set(data.labels.tolist()), key=str)}. "
            "Number the classes 0, 1, ..."
        )
    labels = np.concatenate([data.labels, np.full(len(data.unlabelled), -1)])
    return np.concatenate([data.images, data.unlabelled]), labels


def _identity(partial: Path, resume: bool) -> str:
    """The run's UID root: the one an interrupted run left beside its checkpoint when
    resuming, else a new one, saved there."""
    file = partial / IDENTITY_FILE
    if resume and file.is_file():
        try:
            return str(json.loads(file.read_text())["uid_root"])
        except (ValueError, KeyError, TypeError):
            pass  # damaged: nothing written under it survives, so a new root does
    uid_root = new_uid_root()
    write_json({"uid_root": uid_root}, file)
    return uid_root


def _trained_on(data: LabelledImages, rows) -> dict:
    """How many series (or images) of how many patients the generator learned from."""
    records = data.records.iloc[np.arange(len(data.records))[rows]]
    if "patient_id" not in records or records["patient_id"].isna().all():
        return {"images": len(records)}
    return {"series": len(records), "patients": int(records["patient_id"].nunique())}


def _derivation(trained_on: dict, matched: bool) -> str:
    """What DerivationDescription and the manifest say the images came from."""

    def counted(n: int, noun: str) -> str:
        return f"{n} {noun}{'s' if n != 1 and noun != 'series' else ''}"

    if "series" in trained_on:
        source = f"{counted(trained_on['series'], 'series')} of "
        source += counted(trained_on["patients"], "patient")
    else:
        source = counted(trained_on["images"], "image")
    text = f"from a model trained on {source}; no pixel copied from them"
    if matched:
        text += " (voxel means and spreads matched to their class's)"
    return text + "."


def _scrubbed(skipped: list, in_dir: Path) -> list:
    """The skips with their paths, and the input folder, taken out of the reasons
    (a reader's error may quote the file it failed on)."""
    roots = sorted({str(in_dir), str(in_dir.resolve())}, key=len, reverse=True)
    scrubbed = []
    for path, reason in skipped:
        reason = reason.replace(path, "<path>")
        for root in roots:
            reason = reason.replace(root, "<input>")
        scrubbed.append((path, reason))
    return scrubbed


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
    skipped_paths: str | os.PathLike | None = None,
    unlabelled: bool = False,
    verbose: int = 1,
    seed: int | None = None,
) -> AugmentSummary:
    """Train a :class:`~ganaug.GANOversampler` on a labelled folder and write synthetic series.

    Loads ``in_dir`` with :func:`~ganaug.io.load_labelled_images`, trains
    the sampler, and writes one new DICOM series (or NIfTI file) per
    synthetic sample (shifted and scaled to the real class's voxel means and
    spreads, as :meth:`GANOversampler.fit_resample` does; never a copy of a
    real image), plus ``manifest.csv`` (``path``, ``label``, ``seed``,
    ``model_sha256``, ``SeriesInstanceUID``, ``PatientID``, ``uid_root``,
    ``derivation``; itself a labels CSV), ``skipped.csv`` (each input file,
    series or labels row left out, named by a keyed hash of its path, and
    why), the model (``model.pt``, for :meth:`GANOversampler.load`) and
    ``run.json`` (the settings, the UID root, what the model was trained on
    and package versions). The output holds no input path: the skipped
    paths are listed on :attr:`AugmentSummary.skipped` and, with
    ``skipped_paths``, written to a file outside it.

    Every run draws a new UID root (a UUID-derived ``2.25.`` UID): two runs
    share no Study, Series or SOP Instance UID and no PatientID, whatever
    their seeds; the seed fixes the pixels only. All of it is written to a
    hidden ``.NAME.partial`` folder beside ``out_dir`` that is renamed to
    ``out_dir`` at the end: an interrupted run leaves no ``out_dir``, and its
    training checkpoint and UID root stay in that folder for ``resume``.
    Where it writes, the sampler's parameters and, once loaded, the class
    sizes are checked before any folder is made.

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
        Seeds training and generation (the pixels), not the UIDs.
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
        Fail on unreadable or non-image files, and labels rows that match no
        image, instead of skipping them.
    skipped_paths : str or os.PathLike, optional
        A CSV file (``path_hash``, ``path``, ``reason``) to list the skips
        in, with their paths; not inside ``out_dir`` nor ``in_dir``, and new
        (or one this option wrote before). Written also when skips leave
        too little to train on.
    unlabelled : bool, default=False
        Load the images the labels CSV does not name as unlabelled ones (see
        :func:`~ganaug.io.load_labelled_images`) and give them to the sampler
        as rows labelled -1; they are never written out, nor given a class.
        Needs integer labels. False: an image without a label is an error.
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
        sampler parameter, data that cannot be loaded (see
        :func:`~ganaug.io.load_labelled_images`) or a class too small to
        learn from; where inputs were skipped, a
        :class:`~ganaug.io.skipped.SkippedInputError` that counts them by
        reason and says where they are listed.
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
    if skipped_paths is not None:
        skipped_paths = _check_paths_file(Path(skipped_paths), in_dir, out_dir)
    path_key = new_path_key()  # in memory only: see ganaug.io.skipped.path_hash
    try:
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
            unlabelled=unlabelled,
            verbose=verbose,
        )
        targets = _check_classes(sampler, data)
        X_fit, y_fit = _with_unlabelled(data)
    except SkippedInputError as exc:
        raise _listed(exc, skipped_paths, path_key) from None
    if data.colour and output_format == "nifti":
        raise ValueError("colour images are written as DICOM only; use output_format='dicom'.")
    sampler.set_params(spatial_dims=data.images.ndim - 2)
    with atomic_folder(out_dir, resume=resume, keep=CHECKPOINT_FILE) as partial:
        checkpoint = partial / CHECKPOINT_FILE
        uid_root = _identity(partial, resume) if output_format == "dicom" else None
        sampler.fit_generator(
            X_fit,
            y_fit,
            checkpoint=checkpoint,
            checkpoint_every=checkpoint_every,
            resume=resume,
        )
        for stale in partial.iterdir():  # samples of an interrupted run are written anew
            if stale.name not in (CHECKPOINT_FILE, IDENTITY_FILE, PARTIAL_MARKER):
                shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
        checksum = _sha256(sampler.save(partial / MODEL_FILE))
        trained_on = _trained_on(data, sampler._training_rows(data.labels, targets))
        record = {
            "random_state": random_state,
            "format": output_format,
            "uid_root": uid_root,
            "trained_on": trained_on,
            "unlabelled": len(y_fit) - len(data.labels),
            "derivation": _derivation(trained_on, sampler.match_moments),
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
        rows = _write_samples(sampler, data, partial, record, verbose)
        manifest = pd.DataFrame(rows, columns=["path", "label", "SeriesInstanceUID", "PatientID"])
        manifest.insert(2, "seed", random_state)
        manifest.insert(3, "model_sha256", checksum)
        manifest["uid_root"] = uid_root
        manifest["derivation"] = record["derivation"]
        manifest.to_csv(partial / MANIFEST_FILE, index=False)
        shared = _scrubbed(data.skipped, in_dir)
        write_skipped(shared, partial / SKIPPED_FILE, key=path_key, paths=False)
        checkpoint.unlink()
        (partial / IDENTITY_FILE).unlink(missing_ok=True)
    if skipped_paths is not None:
        _write_paths_file(data.skipped, skipped_paths, path_key)
    return AugmentSummary(
        str(out_dir),
        len(data.labels),
        len(data.skipped),
        manifest,
        data.skipped_summary(),
        list(skipped_table(data.skipped, key=path_key).itertuples(index=False, name=None)),
        None if skipped_paths is None else str(skipped_paths),
        len(y_fit) - len(data.labels),
    )
