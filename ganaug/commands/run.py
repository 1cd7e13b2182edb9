"""``ganaug run``: carry out a recipe and write its run folder."""

from __future__ import annotations

import argparse

from . import _options


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``run`` to the ``ganaug`` sub-commands.

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
        "run",
        help="run a recipe: load the data, resample, evaluate, write the report",
        description=(
            "Run a YAML recipe, or a bundled one by name (ganaug recipes lists them): "
            "load its data, compare GANOversampler with the simple alternatives on "
            "paired seeds, and write the lift report, the resolved recipe (paths made "
            "absolute) and run.json (versions, seeds, device) to a new folder. Relative "
            "paths in a recipe file start from the file's folder; those of --set and of "
            "the bundled recipes from the working folder."
        ),
    )
    parser.add_argument(
        "recipe", help="recipe file (my-recipe.yaml) or bundled recipe name (breastmnist)"
    )
    _options.add_set(parser)
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="read the data and print the resolved recipe (defaults marked), class counts "
        "before and after sub-sampling, what would be skipped and why, patients per "
        "split, the model fits and an estimated run time; train nothing, write nothing",
    )
    parser.add_argument("--out", metavar="DIR", help="new run folder (default: OUTPUT/NAME-TIME)")
    _options.add_device(parser, default=None)
    _options.add_output(parser)
    parser.set_defaults(handler=_run)
    return parser


def execute(recipe: dict, out: str | None) -> int:
    """Run a resolved recipe and print the verdicts.

    Parameters
    ----------
    recipe : dict
        A resolved recipe.
    out : str or None
        Run folder; None for the recipe's default.

    Returns
    -------
    code : int
        The exit code, 0.
    """
    from ..workflows import run_recipe
    from ..workflows._run_folder import SKIPPED_FILE

    result = run_recipe(recipe, out)
    if result.skipped_summary is not None:
        print(f"{result.skipped_summary} (all in {result.out_dir}/{SKIPPED_FILE})")
    print("\n".join(result.report.verdicts()))
    print(f"report written to {result.out_dir}/report.html")
    return 0


def _command_line(args: argparse.Namespace) -> list[str]:
    """``--set`` settings, then those that ``--device``, ``--quiet`` and ``-v`` stand for."""
    settings = list(args.set)
    if args.device is not None:
        settings.append(f"evaluation.device={args.device}")
    if args.quiet or args.verbose:
        settings.append(f"evaluation.verbose={_options.verbosity(args)}")
    return settings


def _run(args: argparse.Namespace) -> int:
    from ..recipes import read_recipe, resolve_recipe

    raw, origins = read_recipe(args.recipe, _command_line(args))
    recipe = resolve_recipe(raw)
    if not args.dry_run:
        return execute(recipe, args.out)
    from ..workflows import plan_recipe

    print(plan_recipe(recipe, args.out, origins=origins).text(), end="")
    return 0
