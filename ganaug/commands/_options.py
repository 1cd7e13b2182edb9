"""What the ``ganaug`` commands share: the help layout, the common options, value types.

Every option a command shares with another (``--device``, ``--seed``,
``--quiet``, ``-v``, ``--set``, ``--epochs``) is defined here once, under the
name of its recipe key; renamed flags stay as hidden aliases for one release
(:func:`add_renamed`).
"""

from __future__ import annotations

import argparse
import sys
from argparse import SUPPRESS
from collections.abc import Callable

# Where a help text names the recipe key an option sets; the default goes before it.
RECIPE_KEY = "; recipe key "


class HelpFormatter(argparse.HelpFormatter):
    """Help that shows every default.

    An option's default is added as ``(default: VALUE)``, before the
    ``"; recipe key ..."`` that ends the help of options set in a recipe,
    unless the help already says it, the option is off (``False``), or it
    has none (``None``: the help says what happens then).
    """

    def _get_help_string(self, action: argparse.Action) -> str:
        text, default = action.help or "", action.default
        unshown = default is None or default is False or default == [] or default is SUPPRESS
        if "default" in text or unshown or not action.option_strings:
            return text
        head, sep, key = text.partition(RECIPE_KEY)
        return f"{head} (default: {default}){sep}{key}"


def add_command(
    commands: argparse._SubParsersAction,
    name: str,
    *,
    help: str,
    description: str,
    **kwargs,
) -> argparse.ArgumentParser:
    """A ``ganaug`` sub-command with the shared help layout (end it with :func:`add_output`).

    Parameters
    ----------
    commands : argparse._SubParsersAction
        What ``ArgumentParser.add_subparsers`` returned.
    name : str
        The command's name.
    help : str
        One line for ``ganaug --help``.
    description : str
        The paragraph at the top of the command's ``--help``.
    **kwargs
        Passed to ``add_parser`` (``usage``, ``epilog``).

    Returns
    -------
    parser : argparse.ArgumentParser
    """
    return commands.add_parser(
        name, help=help, description=description, formatter_class=HelpFormatter, **kwargs
    )


def add_output(parser: argparse.ArgumentParser, *, progress: bool = True) -> None:
    """The "output" options, last in a command's help: ``-q/--quiet`` and ``-v/--verbose``.

    Parameters
    ----------
    parser : argparse.ArgumentParser
    progress : bool, default=True
        Whether the command shows progress bars, which ``-q/--quiet`` silences.

    Read them with :func:`verbosity`.
    """
    output = parser.add_argument_group("output").add_mutually_exclusive_group()
    if progress:
        output.add_argument(
            "-q", "--quiet", action="store_true", help="no progress bars (verbose: 0)"
        )
    output.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="more output: every training's progress bar, and the warnings of MONAI, "
        "nibabel, torch and scikit-learn (silenced by default: they are about those "
        "libraries, not your data)",
    )


def verbosity(args: argparse.Namespace) -> int:
    """``verbose`` for the library: 0 with ``--quiet``, 1 by default, 2 with ``-v``."""
    return 0 if getattr(args, "quiet", False) else 1 + min(args.verbose, 1)


def positive_int(text: str) -> int:
    """An integer of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def epochs(text: str) -> int | str:
    """A positive number of epochs, or ``auto``."""
    return text if text == "auto" else positive_int(text)


def ratio(text: str) -> float | None:
    """An imbalance ratio of at least 1, or ``none``/``null`` for the data's own."""
    if text.lower() in ("none", "null"):
        return None
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if value < 1:
        raise argparse.ArgumentTypeError(
            f"expected a ratio of at least 1 (10 for 1:10) or none, got {text!r}"
        )
    return value


def _sampler_setting(text: str) -> tuple[str, object]:
    """``sampler.NAME=VALUE`` (or ``NAME=VALUE``); the value read as YAML."""
    from ..recipes._yaml import parse_setting

    try:
        keys, value = parse_setting(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if keys[0] == "sampler" and len(keys) == 2:
        keys = keys[1:]
    if len(keys) != 1:
        raise argparse.ArgumentTypeError(
            f"expected sampler.NAME=VALUE (a sampler parameter), got {text!r}"
        )
    return keys[0], value


def add_set(parser: argparse.ArgumentParser, *, sampler_only: bool = False) -> None:
    """``--set KEY=VALUE``, repeatable, the value read as YAML (the recipes' grammar).

    Parameters
    ----------
    parser : argparse.ArgumentParser
    sampler_only : bool, default=False
        The command has only the recipe's ``sampler`` section: ``--set``
        gives ``(name, value)`` pairs of sampler parameters; otherwise the
        settings are kept as text for :func:`ganaug.recipes.load_recipe`.
    """
    if sampler_only:
        parser.add_argument(
            "--set",
            type=_sampler_setting,
            action="append",
            default=[],
            metavar="sampler.KEY=VALUE",
            help="any other sampler parameter, as in a recipe's sampler section, read as "
            "YAML: --set sampler.r1_gamma=1 --set sampler.loss=bce (the 'sampler.' may be "
            "left out)",
        )
        return
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="SECTION.KEY=VALUE",
        help="override a recipe value, read as YAML: --set sampler.epochs=5 "
        "--set evaluation.methods=[none,ros,gan] --set evaluation.imbalance_ratio=null",
    )


def add_device(parser: argparse.ArgumentParser, default: str | None = "auto") -> None:
    """``--device``: where the networks train (``evaluation.device`` in a recipe)."""
    parser.add_argument(
        "--device",
        default=default,
        help="auto (CUDA when present, else the CPU), cpu, cuda or cuda:N"
        + ("" if default else "; default: the recipe's evaluation.device"),
    )


def add_seed(parser: argparse.ArgumentParser, what: str) -> None:
    """``--seed``: the first random seed (``random_state`` in the library)."""
    parser.add_argument("--seed", type=int, default=0, help=f"random seed: {what}")


def add_epochs(parser: argparse.ArgumentParser, what: str = "the GAN") -> argparse.Action:
    """``--epochs``: the sampler's training epochs (``sampler.epochs`` in a recipe)."""
    return parser.add_argument(
        "--epochs",
        type=epochs,
        default="auto",
        help=f"training epochs of {what}, or auto: enough for a fixed number of steps "
        "whatever the data's size; recipe key sampler.epochs",
    )


def add_batch_size(parser: argparse.ArgumentParser, what: str = "training batch size") -> None:
    """``--batch-size N``: the sampler's batch size (``sampler.batch_size`` in a recipe)."""
    parser.add_argument(
        "--batch-size",
        metavar="N",
        type=positive_int,
        default=32,
        help=f"{what}; recipe key sampler.batch_size",
    )


def add_checkpoints(parser: argparse.ArgumentParser, *, every: int, resume: str) -> None:
    """``--checkpoint-every N`` and ``--resume``, for commands that train for long."""
    parser.add_argument(
        "--checkpoint-every",
        metavar="N",
        type=positive_int,
        default=every,
        help="training steps between checkpoints",
    )
    parser.add_argument("--resume", action="store_true", help=resume)


class _Renamed(argparse.Action):
    """A hidden old flag: says its new name on one line, then sets the new one's value."""

    def __init__(self, option_strings, dest, new: str, convert: Callable | None, **kwargs):
        self.new, self.convert = new, convert
        super().__init__(option_strings, dest, help=SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        print(
            f"{parser.prog}: FutureWarning: {option_string} is now {self.new}; "
            f"{option_string} goes in a future release",
            file=sys.stderr,
        )
        setattr(namespace, self.dest, self.convert(values) if self.convert else values)


def add_renamed(
    parser: argparse.ArgumentParser,
    old: str,
    new: argparse.Action,
    *,
    type: Callable | None = None,
    convert: Callable | None = None,
) -> None:
    """Keep ``old`` working as a hidden alias of the option ``new``, for one release.

    Parameters
    ----------
    parser : argparse.ArgumentParser
    old : str
        The old flag, e.g. ``"--gan-epochs"``.
    new : argparse.Action
        What ``add_argument`` returned for the new flag.
    type : callable, optional
        Parses the old flag's text; default: the new flag's type.
    convert : callable, optional
        Maps the old flag's parsed value to the new flag's (``--ratio 0``
        meant no sub-sampling: ``none``).
    """
    parser.add_argument(
        old,
        dest=new.dest,
        action=_Renamed,
        new=new.option_strings[-1],
        convert=convert,
        type=type or new.type,
        default=SUPPRESS,
        metavar=new.metavar,
    )
