"""``load_labelled_images``: a DICOM tree, NIfTI folder or MedMNIST ``.npz`` as arrays."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .dicom_series import DicomSeriesReader, check_colour, scan_dicom_folder
from .labels import DICOM_KEYS, normalize_path, path_keys, read_labels
from .preprocess import RESIZE_MODES, build_transform, check_window
from .skipped import (
    SKIPPED_FILE,
    UNMATCHED_ROW,
    SkippedInputError,
    skip_error,
    summarize_skipped,
    write_skipped,
)

NIFTI_SUFFIXES = (".nii", ".nii.gz")
__all__ = ["SKIPPED_FILE", "LabelledImages", "load_labelled_images", "summarize_skipped"]


@dataclass
class LabelledImages:
    """Preprocessed images with their labels and where each came from.

    Parameters
    ----------
    images : ndarray of float32, shape (n, C, X, Y) or (n, C, X, Y, Z)
        Channel-first images (columns, rows), or volumes in RAS orientation
        and index order (for an axial series: columns, rows, slices); one
        channel, or three (red, green, blue) for colour images. With a window the
        values are in [0, 1]; without one they are as read (HU for CT,
        0-255 for colour).
    labels : ndarray of shape (n,)
        Class of each image.
    records : pandas.DataFrame
        One row per image: ``source`` (series folder or file), ``files``,
        ``series_uid``, ``study_uid``, ``patient_id``, ``modality``,
        ``colour``, ``original_shape``, ``spacing`` (mm, as loaded: changed
        by ``target_shape`` only when interpolated) and ``label``.
    skipped : list of (str, str)
        Files or series left out, and labels rows that matched no image
        (named by file, line and value), with the reason.
    spacing : tuple of float
        Voxel spacing of ``images`` in mm: the requested spacing, else (or
        when interpolated to ``target_shape``) the median over the images.
    window : (float, float), "mr" or None
        The intensity window applied: ``images`` of 0 and 1 stand for its
        low and high values.
    modality : str
        The most common DICOM Modality, ``"OT"`` for NIfTI and ``.npz``.
    unlabelled : ndarray of float32 or None
        With ``unlabelled=True``: the images the labels CSV does not name,
        preprocessed as :attr:`images` are (none: an empty array); None
        otherwise.
    unlabelled_records : pandas.DataFrame or None
        Their rows, as in :attr:`records` (without ``label``).
    """

    images: np.ndarray
    labels: np.ndarray
    records: pd.DataFrame
    skipped: list = field(default_factory=list)
    spacing: tuple = ()
    window: tuple | str | None = None
    modality: str = "OT"
    unlabelled: np.ndarray | None = None
    unlabelled_records: pd.DataFrame | None = None

    @property
    def colour(self) -> bool:
        """Whether :attr:`images` are colour (three channels)."""
        return self.images.shape[1] == 3

    def skipped_summary(self) -> str:
        """One line: how many files or series were skipped, by reason.

        Returns
        -------
        summary : str
        """
        return summarize_skipped(self.skipped)

    def write_skipped(
        self, path: str | os.PathLike, *, key: bytes | None = None, paths: bool = True
    ) -> None:
        """Write every skip and its reason to a CSV (``path``, ``reason``).

        Parameters
        ----------
        path : str or os.PathLike
            The CSV file to write.
        key : bytes, optional
            A secret key: adds a ``path_hash`` column, a keyed hash of each
            path (see :func:`ganaug.io.skipped.path_hash`).
        paths : bool, default=True
            Whether to write the paths; False leaves only their hashes, for
            a folder that is to be shared.
        """
        write_skipped(self.skipped, path, key=key, paths=paths)

    def to_physical(self, images: np.ndarray) -> np.ndarray:
        """Undo a ``(low, high)`` window: values in the image's units (HU for CT).

        Parameters
        ----------
        images : ndarray
            Images on the scale of :attr:`images`.

        Returns
        -------
        values : ndarray of float32
            Unchanged for ``window`` None or ``"mr"``.
        """
        if isinstance(self.window, tuple):
            low, high = self.window
            return (np.asarray(images, np.float32) * (high - low) + low).astype(np.float32)
        return np.asarray(images, np.float32)


@dataclass
class _Item:
    """One image to load: what to read, and how a labels CSV may name it."""

    source: object
    keys: dict
    record: dict
    dims: int


def _refuse(path: str, reason: str) -> None:
    raise ValueError(f"{path}: {reason} (strict: such files are not skipped).")


def _skip_or_raise(skipped: list, path: str, reason: str, strict: bool) -> None:
    if strict:
        _refuse(path, reason)
    skipped.append((path, reason))


def _dicom_items(root: Path, strict: bool) -> tuple[list[_Item], list]:
    series, skipped = scan_dicom_folder(root)
    if strict and skipped:
        _refuse(*skipped[0])
    items = []
    for s in series:
        items.append(
            _Item(
                source=s.files,
                keys={
                    "path": path_keys([*s.files, s.folder], root),
                    "SeriesInstanceUID": {s.series_uid},
                    "StudyInstanceUID": {s.study_uid},
                    "PatientID": {s.patient_id},
                },
                record={
                    "source": s.folder if len(s.files) > 1 else s.files[0],
                    "files": len(s.files),
                    "series_uid": s.series_uid,
                    "study_uid": s.study_uid,
                    "patient_id": s.patient_id,
                    "modality": s.modality,
                    "colour": s.colour,
                },
                dims=s.dims,
            )
        )
    return items, skipped


def _nifti_items(root: Path) -> tuple[list[_Item], list]:
    import nibabel

    items = []
    for path in sorted(p for p in root.rglob("*") if p.name.endswith(NIFTI_SUFFIXES)):
        shape = nibabel.load(path).shape
        items.append(
            _Item(
                source=str(path),
                keys={"path": path_keys([str(path)], root)},
                record={"source": str(path), "files": 1, "modality": "OT", "colour": False},
                dims=3 if len(shape) > 2 and shape[2] > 1 else 2,
            )
        )
    return items, []


def _nifti_reader():
    from monai.data import NibabelReader

    return NibabelReader()


def _one_kind(items: list[_Item], target_shape, skipped: list, strict: bool) -> list[_Item]:
    """Keep the items with as many spatial axes as ``target_shape`` (or refuse a mix)."""
    if target_shape is None:
        if len({item.dims for item in items}) > 1:
            raise ValueError(
                "the folder mixes 2D images and 3D volumes; pass a 2-value (x,y) or "
                "3-value (x,y,z) target_shape (--target-shape) to load one kind."
            )
        return items
    kept = []
    for item in items:
        if item.dims == len(target_shape):
            kept.append(item)
        else:
            reason = f"a {item.dims}D image; target_shape is {len(target_shape)}D"
            _skip_or_raise(skipped, item.record["source"], reason, strict)
    return kept


def _check_colour(items: list[_Item], colour: str) -> None:
    """Refuse colour and greyscale images in one load unless colour becomes grey."""
    n_colour = sum(item.record["colour"] for item in items)
    if colour == "rgb" and 0 < n_colour < len(items):
        example = next(item.record["source"] for item in items if item.record["colour"])
        raise ValueError(
            f"{n_colour} colour and {len(items) - n_colour} greyscale images mix (e.g. "
            f"{example} is colour); pass colour='grey' (--colour grey) to load colour "
            "images as grey (ITU-R BT.601 luma), or load the two kinds apart."
        )


def _attach_labels(
    items: list[_Item],
    labels_path,
    root: Path,
    is_dicom: bool,
    key: str | None,
    left_out: list[_Item],
    skipped: list,
    pool: bool = False,
) -> list:
    """Label each item from the labels CSV, checking the row's other identifiers.

    An item the CSV does not name is an error, or with ``pool`` an unlabelled
    one (its label None; every item, without a CSV). Returns the rows that
    name no image (not even one of ``left_out``, the items of another kind,
    nor a file among ``skipped``), as skips.
    """
    if labels_path is None and pool:
        for item in items:
            item.record["label"] = None
        return []
    if labels_path is None:
        raise ValueError("a labels CSV is needed for a DICOM or NIfTI folder (--labels).")
    table = read_labels(labels_path, key)
    key, mapping = table.key, table.labels
    if key in DICOM_KEYS and not is_dicom:
        raise ValueError(f"key column {key} needs DICOM input; use 'path' for NIfTI files.")
    unlabelled = []
    for item in items:
        matched = [k for k in item.keys[key] if k in mapping]
        found = {mapping[k] for k in matched}
        if len(found) > 1:  # e.g. a series folder and one of its files
            raise ValueError(f"{item.record['source']} has labels {sorted(found, key=str)}.")
        if not found:
            unlabelled.append(item.record["source"])
            item.record["label"] = None
            continue
        item.record["label"] = found.pop()
        if is_dicom:
            for value in matched:
                _check_identifiers(item, table, value)
    if unlabelled and not pool:
        raise ValueError(
            f"{len(unlabelled)} image(s) have no label in {labels_path} by {key}, "
            f"e.g. {unlabelled[0]}; pass unlabelled=True (--unlabelled) to learn from "
            "them as unlabelled images."
        )
    named = set().union(*(item.keys[key] for item in [*items, *left_out]))
    if key == "path":
        named |= path_keys([path for path, _ in skipped], root)
    return [
        (f"{table.path}, line {table.rows[value]}: {key} {value}", UNMATCHED_ROW)
        for value in mapping
        if value not in named
    ]


def _unmatched_rows(rows: list, skipped: list, strict: bool) -> None:
    """Add the labels rows that match no image to ``skipped``, or refuse them."""
    if strict and rows:
        raise ValueError(
            f"{rows[0][0]} names no image in the folder (strict: labels rows that match "
            f"no image are not skipped; {len(rows)} such row(s))."
        )
    skipped.extend(rows)


def _check_identifiers(item: _Item, table, value: str) -> None:
    """The row's other identifiers must be what the item's files say."""
    for column, text in table.identifiers.get(value, {}).items():
        said = item.keys[column]
        if (normalize_path(text) if column == "path" else text) not in said:
            truth = "lie elsewhere" if column == "path" else f"say {', '.join(sorted(said))}"
            raise ValueError(
                f"{table.path}, line {table.rows[value]} ({table.key} {value}): {column} "
                f"is {text!r}, but the files of {item.record['source']} {truth}; correct "
                f"the row, or drop the {column} column."
            )


def _npz_items(path: Path) -> list[_Item]:
    with np.load(path, allow_pickle=False) as archive:
        if not {"train_images", "train_labels"} <= set(archive.files):
            raise ValueError(
                f"{path} is not in the MedMNIST layout: it lacks train_images/train_labels."
            )
        images, labels = archive["train_images"], archive["train_labels"].reshape(-1)
    if images.ndim not in (3, 4):
        raise ValueError(f"{path}: train_images of shape {images.shape} are not greyscale.")
    return [
        _Item(
            source=image,
            keys={},
            record={
                "source": f"{path}[{i}]",
                "files": 1,
                "modality": "OT",
                "colour": False,
                "label": label,
            },
            dims=images.ndim - 1,
        )
        for i, (image, label) in enumerate(zip(images, labels.tolist(), strict=True))
    ]


def _dataset(items: list[_Item], transform, cache_dir):
    from monai.data import Dataset, PersistentDataset
    from monai.data.utils import pickle_hashing

    data = [{"image": item.source} for item in items]
    if cache_dir is None or isinstance(items[0].source, np.ndarray):
        return Dataset(data, transform)
    return PersistentDataset(data, transform, cache_dir=cache_dir, hash_transform=pickle_hashing)


def _root_cause(exc: BaseException, limit: int = 400) -> str:
    """The innermost error's whole message on one line (MONAI wraps transform
    errors; pydicom names the packages a codec needs on the lines after the first)."""
    while exc.__cause__ is not None:
        exc = exc.__cause__
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    text = " ".join([lines[0], "; ".join(lines[1:])] if len(lines) > 1 else lines)
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return f"{type(exc).__name__}: {text}"


def _collect(items, dataset, strict: bool, verbose: int):
    """Transform the items one at a time into one preallocated array."""
    from tqdm.auto import tqdm

    out, kept, skipped = None, [], []
    for i in tqdm(range(len(items)), desc="loading", unit="image", disable=not verbose):
        record = items[i].record
        try:
            item = dataset[i]
        except Exception as exc:  # unreadable pixel data, codecs, bad geometry
            _skip_or_raise(skipped, record["source"], f"unreadable ({_root_cause(exc)})", strict)
            continue
        image = np.asarray(item["image"])
        if out is None:
            out = np.empty((len(items), *image.shape), dtype=np.float32)
        elif image.shape != out.shape[1:]:
            raise ValueError(
                f"{record['source']} has shape {image.shape[1:]}, others "
                f"{out.shape[2:]} (x, y[, z]); pass target_shape (--target-shape) to crop "
                "or pad them to one shape (or resize='interpolate' to interpolate)."
            )
        out[len(kept)] = image
        record["original_shape"] = tuple(int(s) for s in item["original_shape"])
        record["spacing"] = tuple(round(float(s), 4) for s in item["spacing"])
        kept.append(record)
    if not kept:
        path, reason = skipped[0]
        raise skip_error(f"no image could be read, e.g. {path}: {reason}", skipped)
    return out[: len(kept)], kept, skipped


def load_labelled_images(
    source: str | os.PathLike,
    labels: str | os.PathLike | None = None,
    *,
    target_shape: Sequence[int] | None = None,
    resize: str = "crop",
    window: str | Sequence[float] | None = None,
    spacing: Sequence[float] | None = None,
    key: str | None = None,
    colour: str = "rgb",
    strict: bool = False,
    cache_dir: str | os.PathLike | None = None,
    unlabelled: bool = False,
    verbose: int = 1,
) -> LabelledImages:
    """Load a labelled imaging data set, preprocessed with MONAI, one image at a time.

    ``source`` may be a folder of DICOM files (searched recursively and
    grouped into series by SeriesInstanceUID: a single-slice series is a 2D
    image, a multi-slice series a volume with its slices ordered along the
    slice normal, rescale slope and intercept applied; a multi-frame file
    whose frames form a volume, such as enhanced CT or MR, is a volume with
    its per-frame geometry; colour images have three channels), a folder of NIfTI
    files (``.nii``, ``.nii.gz``; 4D files keep their first volume), or a
    MedMNIST ``.npz`` (its ``train_images`` and ``train_labels``).

    Each image is read, oriented to RAS, resampled to ``spacing``, windowed
    and cropped or padded (or interpolated) to ``target_shape``, then copied into one
    preallocated array, so a large folder is held in memory once.

    Parameters
    ----------
    source : str or os.PathLike
        The DICOM folder, NIfTI folder or ``.npz`` file.
    labels : str or os.PathLike, optional
        Labels CSV for a folder: a ``label`` column and identifier columns
        among ``path``, ``SeriesInstanceUID``, ``StudyInstanceUID`` and
        ``PatientID`` (a cohort spreadsheet; other columns are ignored). The
        most specific one present names the images, and the others must
        agree with what the DICOM files say (see
        :func:`ganaug.io.labels.read_labels`). A row that names no image
        is skipped (see ``strict``). Not used for ``.npz`` files, which
        carry their labels.
    target_shape : sequence of int, optional
        Spatial shape, in MONAI's index order: ``(x, y)`` (columns, rows) for
        2D images, ``(x, y, z)`` in RAS for volumes (towards the patient's
        right, anterior, superior; for an axial series columns, rows,
        slices), e.g. ``(64, 64, 32)``: 32 axial slices of 64 x 64. Needed
        when the images differ in shape.
    resize : {"crop", "interpolate"}, default="crop"
        How images reach ``target_shape``: ``"crop"`` crops or pads around
        the centre (border replicated), keeping the voxel size, so choose
        ``spacing`` to fit what matters in the field of view;
        ``"interpolate"`` resamples the whole image to that shape (anti-aliased),
        keeping the field of view and changing the voxel size (and, unless
        the shapes are in proportion, the aspect).
    window : str, pair of float or None, default=None
        ``"soft-tissue"``, ``"lung"``, ``"bone"``, ``"brain"`` (CT presets
        in HU), ``"mr"`` (1st-99th percentile of each image) or
        ``(low, high)``: maps that range to [0, 1], clipping outside it.
        None keeps the values as read.
    spacing : sequence of float, optional
        Voxel spacing in mm to resample to; None keeps each image's own.
    key : str, optional
        The labels CSV's identifier column to name images by (e.g.
        ``"PatientID"``, to label every series of a patient); default: the
        most specific one it has.
    colour : {"rgb", "grey"}, default="rgb"
        Colour DICOM images (RGB, YBR, palette colour): keep their red,
        green and blue channels (on the 8-bit scale, 0-255), or convert them
        to one grey channel (ITU-R BT.601 luma, ``0.299 R + 0.587 G + 0.114
        B``). With "rgb" a folder may not mix colour and greyscale images.
    strict : bool, default=False
        Raise on the first unreadable or non-image file, or labels row that
        matches no image, instead of skipping it and listing it in
        ``skipped``.
    cache_dir : str or os.PathLike, optional
        Folder for MONAI's ``PersistentDataset`` cache of preprocessed
        images (keyed by file paths and settings), so later loads of the
        same folder skip decoding.
    unlabelled : bool, default=False
        For a folder: the images the labels CSV does not name (every image,
        without a CSV) are loaded as unlabelled images, preprocessed alike,
        into :attr:`LabelledImages.unlabelled`, for samplers that learn from
        unlabelled rows; False refuses them.
    verbose : int, default=1
        Progress bar while loading; 0 silences it.

    Returns
    -------
    data : LabelledImages

    Raises
    ------
    FileNotFoundError
        If ``source`` or ``labels`` does not exist.
    ValueError
        If the folder holds no image, the labels do not cover every image
        (without ``unlabelled``), only one class is present, the images differ in shape without
        ``target_shape``, or colour and greyscale images mix with
        ``colour="rgb"``. Where inputs were skipped, a
        :class:`~ganaug.io.skipped.SkippedInputError` that says so, with the
        skips counted by reason (and listed in its ``skipped``).
    """
    root = Path(source)
    if not root.exists():
        raise FileNotFoundError(f"{root} does not exist.")
    window, colour = check_window(window), check_colour(colour)
    if resize not in RESIZE_MODES:
        raise ValueError(f"resize must be one of {', '.join(RESIZE_MODES)}; got {resize!r}.")
    if root.is_file() and root.suffix == ".npz":
        if labels is not None or unlabelled:
            raise ValueError(
                f"{root} carries its own labels; do not pass a labels CSV or unlabelled."
            )
        items, skipped, reader = _npz_items(root), [], None
    elif root.is_dir():
        has_nifti = any(p.name.endswith(NIFTI_SUFFIXES) for p in root.rglob("*"))
        items, skipped = _nifti_items(root) if has_nifti else _dicom_items(root, strict)
        reader = _nifti_reader() if has_nifti else DicomSeriesReader(colour)
    else:
        raise ValueError(f"{root} is neither a folder nor a MedMNIST .npz file.")
    found, items = items, _one_kind(items, target_shape, skipped, strict)
    if not items:
        raise skip_error(f"{root} holds no DICOM or NIfTI image to load.", skipped)
    _check_colour(items, colour)
    if reader is not None:
        kept = {id(item) for item in items}
        left_out = [item for item in found if id(item) not in kept]
        rows = _attach_labels(
            items, labels, root, not has_nifti, key, left_out, skipped, unlabelled
        )
        _unmatched_rows(rows, skipped, strict)
    counts = Counter(item.record["label"] for item in items if item.record["label"] is not None)
    if len(counts) < 2 and (labels is not None or not unlabelled):  # not a pool alone
        said = (
            f"all images have the label {next(iter(counts))!r}" if counts else "none is labelled"
        )
        raise skip_error(f"{said}; need two classes.", skipped)
    transform = build_transform(
        reader,
        items[0].dims,
        target_shape=target_shape,
        window=window,
        spacing=spacing,
        keep_channels=isinstance(reader, DicomSeriesReader),
        resize=resize,
    )
    images, kept, failed = _collect(items, _dataset(items, transform, cache_dir), strict, verbose)
    pool = np.array([record["label"] is None for record in kept], dtype=bool)
    pool_records = pd.DataFrame([r for r in kept if r["label"] is None]).drop(
        columns="label", errors="ignore"
    )
    records = pd.DataFrame([r for r in kept if r["label"] is not None], columns=list(kept[0]))
    if counts and records["label"].nunique() < 2:
        raise SkippedInputError(
            f"only class {records['label'].tolist()[0]!r} is left ({len(records)} image(s)); "
            f"{summarize_skipped(skipped + failed)}, e.g. {failed[0][0]}. Two classes are "
            "needed: make the skipped files readable, or label more images.",
            skipped + failed,
        )
    every = pd.DataFrame(kept)
    modality = every["modality"].mode().iloc[0] or "OT"
    median = tuple(float(v) for v in np.median(np.array(list(every["spacing"])), axis=0))
    return LabelledImages(
        images=images[~pool] if pool.any() else images,  # a copy only with a pool
        labels=np.asarray(records["label"].tolist()),
        records=records,
        skipped=skipped + failed,
        spacing=tuple(float(v) for v in spacing)
        if spacing is not None and resize == "crop"
        else median,
        window=window,
        modality=modality,
        unlabelled=images[pool] if unlabelled else None,
        unlabelled_records=pool_records if unlabelled else None,
    )
