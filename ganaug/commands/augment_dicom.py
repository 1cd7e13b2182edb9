"""``ganaug augment-dicom``: a labelled DICOM (or NIfTI) folder in, synthetic series out."""

from __future__ import annotations

import argparse

from ..io.dicom_series import COLOUR_MODES
from ..io.labels import KEY_COLUMNS


def _shape(text: str) -> tuple[int, ...]:
    try:
        shape = tuple(int(v) for v in text.replace("x", ",").split(","))
    except ValueError:
        shape = ()
    if len(shape) not in (2, 3) or min(shape) < 4:
        raise argparse.ArgumentTypeError(f"expected 2 or 3 sizes of at least 4, got {text!r}")
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


def _epochs(text: str) -> int | str:
    return text if text == "auto" else int(text)


def _run(args: argparse.Namespace) -> int:
    from ..workflows import augment_folder

    summary = augment_folder(
        args.in_dir,
        args.labels,
        args.out,
        target_shape=args.target_shape,
        window=args.window,
        spacing=args.spacing,
        key=args.key,
        colour=args.colour,
        sampling_strategy=args.sampling_strategy,
        epochs=args.epochs,
        batch_size=args.batch_size,
        device=args.device,
        random_state=args.seed,
        output_format=args.format,
        resume=args.resume,
        checkpoint_every=args.checkpoint_every,
        strict=args.strict,
        skipped_paths=args.skipped_paths,
        verbose=0 if args.quiet else 1,
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
    parser = commands.add_parser(
        "augment-dicom",
        help="learn the minority classes of a labelled DICOM folder; write synthetic series",
        description=(
            "Load a folder of DICOM series (or NIfTI files, or a MedMNIST .npz) with "
            "a labels CSV, train GANOversampler, and write one new DICOM series (or "
            "NIfTI file) per synthetic sample to OUT, marked as synthetic and free "
            "of patient data, with manifest.csv and the model. OUT appears only "
            "when everything is written; IN_DIR is never written to."
        ),
    )
    parser.add_argument("in_dir", metavar="IN_DIR", help="DICOM or NIfTI folder, or .npz")
    parser.add_argument(
        "--labels",
        help="CSV with a 'label' column and identifier columns among path, "
        "SeriesInstanceUID, StudyInstanceUID, PatientID (a cohort spreadsheet)",
    )
    parser.add_argument(
        "--key",
        choices=KEY_COLUMNS,
        help="the labels CSV column that names images (default: the most specific one "
        "it has; the others are checked against the files)",
    )
    parser.add_argument(
        "--colour",
        choices=COLOUR_MODES,
        default="rgb",
        help="colour images: keep red, green and blue (written back as RGB) or convert "
        "to grey (BT.601 luma); default rgb",
    )
    parser.add_argument("--out", required=True, help="new output folder")
    parser.add_argument("--target-shape", type=_shape, help="crop/pad to e.g. 64,64 or 32,64,64")
    parser.add_argument(
        "--window",
        type=_window,
        help="soft-tissue, lung, bone, brain (CT, HU), mr (percentiles) or LOW,HIGH",
    )
    parser.add_argument(
        "--spacing",
        type=_floats,
        help="resample to this voxel spacing in mm, e.g. 1,1,2",
    )
    parser.add_argument(
        "--sampling-strategy",
        type=_strategy,
        default="auto",
        help="auto, minority, not majority, a ratio such as 0.5, or LABEL:N,... "
        "(N: the class size wanted)",
    )
    parser.add_argument("--epochs", type=_epochs, default="auto", help="epochs, or 'auto'")
    parser.add_argument("--batch-size", type=int, default=32, help="training batch size")
    parser.add_argument("--device", default="auto", help="'auto', 'cpu' or 'cuda'")
    parser.add_argument(
        "--seed", type=int, default=0, help="seeds training and samples (UIDs are new every run)"
    )
    parser.add_argument("--format", choices=("dicom", "nifti"), default="dicom")
    parser.add_argument(
        "--resume", action="store_true", help="continue an interrupted run's training"
    )
    parser.add_argument(
        "--checkpoint-every", type=int, default=200, help="training steps between checkpoints"
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="fail on unreadable files and on labels rows that match no image, instead of "
        "skipping them",
    )
    parser.add_argument(
        "--skipped-paths",
        metavar="FILE",
        help="new CSV file, outside OUT, listing every skipped file, series or labels row "
        "with its path (OUT's skipped.csv names them by a hash of the path only)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    parser.set_defaults(handler=_run)
    return parser
