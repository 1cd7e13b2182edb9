"""The ``ganaug`` command line: thin argparse layer over library functions."""

from __future__ import annotations

import argparse
import logging
import sys
import warnings
from collections.abc import Sequence

from ._version import __version__
from .commands import augment_dicom, evaluate, recipes, run, train


class UserError(Exception):
    """A problem with the user's input: printed as one line, exit code 2."""


def _demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    summary = run_demo(
        out_dir=args.out,
        minority=args.minority,
        epochs=args.epochs,
        random_state=args.seed,
        device=args.device,
        verbose=0 if args.quiet else 1,
    )
    print(summary.text())
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for ``ganaug``, one sub-command per task."""
    parser = argparse.ArgumentParser(
        prog="ganaug",
        description="Synthetic minority samples from conditional GANs.",
    )
    parser.add_argument("--version", action="version", version=f"ganaug {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser(
        "demo",
        help="over-sample the bundled BreastMNIST at 1:10 and check the samples",
        description=(
            "Train GANOversampler on the bundled BreastMNIST training split with "
            "the malignant class sub-sampled, write the resampled data and the "
            "model, and report how a classifier trained on real images labels "
            "the synthetic ones."
        ),
    )
    demo.add_argument("--out", default=None, help="output folder (default: runs/demo-TIME)")
    demo.add_argument("--minority", type=int, default=40, help="malignant images kept")
    demo.add_argument("--epochs", default="auto", help="training epochs, or 'auto'")
    demo.add_argument("--seed", type=int, default=0, help="random seed")
    demo.add_argument("--device", default="auto", help="'auto', 'cpu' or 'cuda'")
    demo.add_argument("--quiet", action="store_true", help="no progress bar")
    demo.set_defaults(handler=_demo)
    augment_dicom.add_parser(commands)
    evaluate.add_parser(commands)
    train.add_parser(commands)
    run.add_parser(commands)
    recipes.add_parser(commands)
    for command in commands.choices.values():
        command.add_argument(
            "-v",
            "--verbose",
            action="store_true",
            help="also show the warnings of MONAI, nibabel, torch and scikit-learn, "
            "silenced by default: they are about those libraries, not your data",
        )
    return parser


# Libraries whose warnings speak of their own internals (optional GPU codecs,
# deprecations), not of the user's data; ganaug's and pydicom's (about the
# files) always show.
THIRD_PARTY = r"(monai|nibabel|torch|sklearn|imblearn)(\.|$)"


def quiet_third_party() -> None:
    """Silence warnings and log messages below ERROR raised inside third-party libraries."""
    for category in (UserWarning, DeprecationWarning, FutureWarning, RuntimeWarning):
        warnings.filterwarnings("ignore", category=category, module=THIRD_PARTY)
    for name in ("monai", "nibabel"):
        logging.getLogger(name).setLevel(logging.ERROR)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``ganaug``; returns the exit code (2 for a user error)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.verbose:
        quiet_third_party()
    try:
        return args.handler(args)
    except (UserError, ValueError, FileExistsError, FileNotFoundError) as exc:
        print(f"ganaug {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
