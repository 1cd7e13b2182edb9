"""``ganaug run``: carry out a recipe and write its run folder."""

from __future__ import annotations

import argparse


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
    parser = commands.add_parser(
        "run",
        help="run a recipe: load the data, resample, evaluate, write the report",
        description=(
            "Run a YAML recipe, or a bundled one by name (ganaug recipes lists them): "
            "load its data, compare GANOversampler "
            "with the simple alternatives on paired seeds, and write the lift report, "
            "the resolved recipe and run.json (versions, seeds, device) to a new folder."
        ),
    )
    parser.add_argument(
        "recipe", help="recipe file (my-recipe.yaml) or bundled recipe name (breastmnist)"
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a recipe value, read as YAML: --set sampler.epochs=5 "
        "--set evaluation.methods=[none,ros,gan]",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="print the resolved recipe and check the data paths; train nothing",
    )
    parser.add_argument("--out", help="new run folder (default: OUTPUT/NAME-TIME)")
    parser.set_defaults(handler=_run)
    return parser


def execute(recipe: dict, out: str | None, dry_run: bool = False) -> int:
    """Print the resolved recipe (dry run) or run it and print the verdicts.

    Parameters
    ----------
    recipe : dict
        A resolved recipe.
    out : str or None
        Run folder; None for the recipe's default.
    dry_run : bool, default=False
        Only print the resolved recipe and where the run would write, after
        the same checks of that place as a run makes.

    Returns
    -------
    code : int
        The exit code, 0.
    """
    from ..recipes._yaml import dump_yaml
    from ..workflows import run_recipe
    from ..workflows._run_folder import SKIPPED_FILE
    from ..workflows.recipe import check_run_dir

    if dry_run:
        where = check_run_dir(recipe, out)
        print(dump_yaml(recipe), end="")
        print(f"# recipe valid, data found; a run writes {where}")
        return 0
    result = run_recipe(recipe, out)
    if result.skipped_summary is not None:
        print(f"{result.skipped_summary} (all in {result.out_dir}/{SKIPPED_FILE})")
    print("\n".join(result.report.verdicts()))
    print(f"report written to {result.out_dir}/report.html")
    return 0


def _run(args: argparse.Namespace) -> int:
    from ..recipes import load_recipe

    return execute(load_recipe(args.recipe, args.set), args.out, args.dry_run)
