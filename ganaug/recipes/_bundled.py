"""The recipes that ship in the package, found by name.

``ganaug/recipes/bundled`` links to the repository's ``recipes/`` folder, where
they are edited; the wheel holds copies of the files, so ``ganaug run
breastmnist`` works from an installed package without a clone.
"""

from __future__ import annotations

from pathlib import Path

BUNDLED_DIR = Path(__file__).parent / "bundled"


def bundled_recipes() -> dict[str, Path]:
    """Name to file of every bundled recipe, sorted by name.

    Returns
    -------
    recipes : dict of str to pathlib.Path
    """
    return {path.stem: path for path in sorted(BUNDLED_DIR.glob("*.yaml"))}


def recipe_description(path: Path) -> str:
    """A recipe's one-line description: its first comment line.

    Parameters
    ----------
    path : pathlib.Path
        A recipe file.

    Returns
    -------
    description : str
        Empty when the file does not start with a comment.
    """
    first = path.read_text().split("\n", 1)[0]
    return first.lstrip("#").strip() if first.startswith("#") else ""
