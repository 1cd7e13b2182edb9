"""``ganaug recipes``: list the bundled recipes, or print one to copy and edit."""

from __future__ import annotations

import argparse

from . import _options


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``recipes`` to the ``ganaug`` sub-commands.

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
        "recipes",
        help="list the bundled recipes, or print one to copy and edit (recipes show NAME)",
        description=(
            "List the recipes bundled with ganaug with their descriptions; "
            "'ganaug recipes show NAME' prints one, to copy into a file and edit. "
            "'ganaug run NAME' runs it."
        ),
    )
    parser.add_argument(
        "action",
        nargs="?",
        choices=["list", "show"],
        default="list",
        help="list: every bundled recipe with its description; show: print one",
    )
    parser.add_argument(
        "name", nargs="?", help="the recipe to show, e.g. dicom-folder (for 'show')"
    )
    _options.add_output(parser, progress=False)
    parser.set_defaults(handler=_recipes)
    return parser


def _recipes(args: argparse.Namespace) -> int:
    from ..recipes import bundled_recipes, recipe_description

    recipes = bundled_recipes()
    if args.action == "list":
        width = max(map(len, recipes))
        for name, path in recipes.items():
            print(f"{name:<{width}}  {recipe_description(path)}")
        return 0
    if args.name is None:
        raise ValueError(f"name the recipe to show: one of {', '.join(recipes)}")
    if args.name not in recipes:
        raise ValueError(
            f"no bundled recipe named {args.name!r}; choose one of: {', '.join(recipes)}"
        )
    print(recipes[args.name].read_text(), end="")
    return 0
