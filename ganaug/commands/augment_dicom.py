"""``ganaug augment-dicom``: a labelled DICOM (or NIfTI) folder in, synthetic series out."""

from __future__ import annotations

import argparse

from ..io.dicom_series import COLOUR_MODES
from ..io.labels import KEY_COLUMNS
from ..io.preprocess import RESIZE_MODES
from . import _options


def _shape(text: str) -> tuple[int, ...]:
    try:
        shape = tuple(int(v) for v in text.replace("x", ",").split(","))
    except ValueError:
        shape = ()
    if len(shape) not in (2, 3) or min(shape) < 4:
        raise argparse.ArgumentTypeError(
            f"expected X,Y or X,Y,Z, sizes of at least 4, got {text!r}"
        )
    return shape


def _window(text: str) -> str | tuple[float, float]:
    if "," not in text:
        return text  # a preset name, checked when loading
    try:
        low, high = (float(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a preset or LOW,HIGH, got {text!r}") from None
    return low, high


def _floats(text: str) -> tuple[float, ...]:
    try:
        return tuple(float(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected numbers such as 1,1,2, got {text!r}") from None


def _strategy(text: str) -> str | float | dict:
    """``auto``/``minority``/..., a float ratio, or ``LABEL:N,LABEL:N``."""
    if ":" in text:
        pairs = (item.split(":") for item in text.split(","))
        return {int(k) if k.lstrip("-").isdigit() else k: int(n) for k, n in pairs}
    try:
        return float(text)
    except ValueError:
        return text


def _run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..workflows import augment_folder

    if args.labels is None and Path(args.in_dir).is_dir():
        raise ValueError(
            f"--labels is required when IN_DIR is a folder ({args.in_dir}): a CSV with a "
            "'label' column and one of path, SeriesInstanceUID, StudyInstanceUID, PatientID"
        )
    summary = augment_folder(
        args.in_dir,
        args.labels,
        args.out,
        target_shape=args.target_shape,
        resize=args.resize,
        window=args.window,
        spacing=args.spacing,
        key=args.key,
        colour=args.colour,
        sampling_strategy=args.sampling_strategy,
        epochs=args.epochs,
        batch_size=args.batch_size,
        device=args.device,
        random_state=args.seed,
        params=dict(args.set) or None,
        output_format=args.format,
        resume=args.resume,
        checkpoint_every=args.checkpoint_every,
        strict=args.strict,
        skipped_paths=args.skipped_paths,
        unlabelled=args.unlabelled,
        verbose=_options.verbosity(args),
    )
    print(summary.text())
    return 0


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``augment-dicom`` to the ``ganaug`` sub-commands.

    Parameters
    ----------
    commands : argparse._SubParsersAction
        What ``ArgumentParser.add_subparsers`` returned.

    Returns
    -------
    parser : argparse.ArgumentParser
    """
    parser = _options.add_command(
        commands,
        "augment-dicom",
        help="learn the minority classes of a labelled DICOM folder; write synthetic series",
        usage=(
            "%(prog)s FOLDER --labels CSV --out OUT [options]   (a DICOM or NIfTI folder)\n"
            "       %(prog)s FILE.npz --out OUT [options]       (a MedMNIST .npz: labels inside)"
        ),
        description=(
            "Load a folder of DICOM series (or NIfTI files, or a MedMNIST .npz) with "
            "a labels CSV, train GANOversampler, and write one new DICOM series (or "
            "NIfTI file) per synthetic sample to OUT, marked as synthetic and free "
            "of patient data, with manifest.csv and the model. OUT appears only "
            "when everything is written; IN_DIR is never written to. Measure first "
            "('ganaug run dicom-folder --dry-run', then 'ganaug run'): the report says "
            "whether the synthetic series help."
        ),
    )
    parser.add_argument(
        "in_dir", metavar="IN_DIR", help="DICOM or NIfTI folder, or .npz; recipe key data.source"
    )
    parser.add_argument("--out", required=True, metavar="DIR", help="new output folder")
    parser.add_argument(
        "--format",
        choices=("dicom", "nifti"),
        default="dicom",
        help="write DICOM series, or NIfTI files (greyscale only)",
    )
    folder = parser.add_argument_group(
        "the images (a recipe's data section)",
        "--labels is required when IN_DIR is a folder. Shapes and spacings are in "
        "MONAI's index order: x, y for 2D images (columns, rows); x, y, z in RAS for "
        "volumes (towards the patient's right, front, head: for an axial series "
        "columns, rows, slices).",
    )
    folder.add_argument(
        "--labels",
        metavar="CSV",
        help="required for a folder: a CSV with a 'label' column and identifier columns "
        "among path, SeriesInstanceUID, StudyInstanceUID, PatientID (a cohort spreadsheet)",
    )
    folder.add_argument(
        "--key",
        choices=KEY_COLUMNS,
        help="the labels CSV column that names images (default: the most specific one "
        "it has; the others are checked against the files)",
    )
    folder.add_argument(
        "--colour",
        choices=COLOUR_MODES,
        default="rgb",
        help="colour images: keep red, green and blue (written back as RGB) or convert "
        "to grey (BT.601 luma)",
    )
    folder.add_argument(
        "--target-shape",
        type=_shape,
        metavar="X,Y[,Z]",
        help="bring every image to this shape, e.g. 64,64,32: 32 axial slices of 64 x 64 "
        "(default: the images' own, which must then agree)",
    )
    folder.add_argument(
        "--resize",
        choices=RESIZE_MODES,
        default="crop",
        help="how images reach --target-shape: crop or pad around the centre (the voxel "
        "size kept), or interpolate (the field of view kept)",
    )
    folder.add_argument(
        "--window",
        type=_window,
        help="soft-tissue, lung, bone, brain (CT, HU), mr (percentiles) or LOW,HIGH "
        "(default: values as read)",
    )
    folder.add_argument(
        "--spacing",
        type=_floats,
        metavar="X,Y[,Z]",
        help="resample to this voxel spacing in mm, e.g. 1,1,2 (default: each image's own)",
    )
    folder.add_argument(
        "--unlabelled",
        action="store_true",
        help="learn also from the series the labels CSV does not list, as unlabelled "
        "images (never written out, nor given a class; integer labels only); without "
        "it such a series is an error (recipe key data.unlabelled)",
    )
    folder.add_argument(
        "--strict",
        action="store_true",
        help="fail on unreadable files and on labels rows that match no image, instead of "
        "skipping them",
    )
    training = parser.add_argument_group("training (a recipe's sampler section)")
    training.add_argument(
        "--sampling-strategy",
        type=_strategy,
        metavar="STRATEGY",
        default="auto",
        help="auto, minority, not majority, a ratio such as 0.5, or LABEL:N,... "
        "(N: the class size wanted)",
    )
    _options.add_epochs(training)
    _options.add_batch_size(training)
    _options.add_set(training, sampler_only=True)
    _options.add_device(training)
    _options.add_seed(training, "seeds training and samples (UIDs are new every run)")
    _options.add_checkpoints(training, every=200, resume="continue an interrupted run's training")
    parser.add_argument(
        "--skipped-paths",
        metavar="FILE",
        help="new CSV file, outside OUT, listing every skipped file, series or labels row "
        "with its path (OUT's skipped.csv names them by a hash of the path only)",
    )
    _options.add_output(parser)
    parser.set_defaults(handler=_run)
    return parser
