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


START_HERE = """\
start here:
  ganaug demo                                  a two-minute check that the sampler works
  ganaug run breastmnist                       the BreastMNIST study: is a GAN worth it
                                               for a rare class? (minutes on 2 CPU cores)
your own data:
  ganaug recipes show dicom-folder > my.yaml   copy a recipe (breast-cancer: a table)
  ganaug run my.yaml --dry-run                 edit it, then check: class counts, skips,
                                               patients per split, estimated time
  ganaug run my.yaml                           measure: does a GAN help here?
  ganaug augment-dicom FOLDER --labels CSV --out OUT    write synthetic series

'ganaug COMMAND --help' describes each command and its defaults."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for ``ganaug``, one sub-command per task, in workflow order.

    Also what the documentation's command-line reference is generated from
    (sphinx-argparse: ``:module: ganaug.cli``, ``:func: build_parser``).

    Returns
    -------
    parser : argparse.ArgumentParser
    """
    parser = argparse.ArgumentParser(
        prog="ganaug",
        description="Synthetic minority samples from conditional GANs: measure whether they "
        "help a classifier on your data, then write them.",
        epilog=START_HERE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"ganaug {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in (recipes, run, evaluate, augment_dicom, train, demo):
        command.add_parser(commands)
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
