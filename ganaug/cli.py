"""The ``ganaug`` command line: thin argparse layer over library functions."""

from __future__ import annotations

import argparse
import logging
import sys
import warnings
from collections.abc import Sequence

from ._version import __version__
from .commands import augment_dicom, demo, evaluate, recipes, run, train


class UserError(Exception):
    """A problem with the user's input: printed as one line, exit code 2."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for ``ganaug``, one sub-command per task."""
    parser = argparse.ArgumentParser(
        prog="ganaug",
        description="Synthetic minority samples from conditional GANs.",
    )
    parser.add_argument("--version", action="version", version=f"ganaug {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    demo.add_parser(commands)
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
    except (UserError, ValueError) as exc:
        print(f"ganaug {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a path that cannot be read or written: which, and why
        from .workflows._run_folder import os_error_line

        print(f"ganaug {args.command}: error: {os_error_line(exc)}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
