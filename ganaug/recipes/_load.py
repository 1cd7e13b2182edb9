"""Read a recipe file, apply ``--set`` overrides, validate and resolve it."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ._bundled import bundled_recipes
from ._errors import RecipeError
from ._schema import resolve_recipe
from ._yaml import apply_overrides, parse_yaml


def load_recipe(path: str | os.PathLike, overrides: Sequence[str] = ()) -> dict:
    """Read, override, validate and resolve a recipe file.

    Parameters
    ----------
    path : str or os.PathLike
        A YAML recipe file, e.g. ``recipes/breastmnist.yaml``, or the name of a
        recipe bundled with ganaug, e.g. ``"breastmnist"`` (``ganaug recipes``
        lists them). A file of that name takes precedence.
    overrides : sequence of str, default=()
        ``SECTION.KEY=VALUE`` settings applied after reading; values are
        YAML (``sampler.epochs=5``, ``evaluation.methods=[none, ros]``).

    Returns
    -------
    recipe : dict
        The resolved recipe (see :func:`resolve_recipe`); its name defaults
        to the file's stem.

    Raises
    ------
    RecipeError
        One line naming the file, key or value at fault.
    """
    path = Path(path)
    bundled = bundled_recipes()
    if not path.is_file() and str(path) in bundled:
        path = bundled[str(path)]
    elif not path.is_file():
        raise RecipeError(
            f"no such recipe file: {path}; give a YAML file or the name of a bundled "
            f"recipe: {', '.join(bundled)}"
        )
    raw = parse_yaml(path.read_text(), str(path))
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise RecipeError(f"{path}: a recipe is a mapping of sections, got {type(raw).__name__}")
    return resolve_recipe(apply_overrides(raw, overrides), name=path.stem)
