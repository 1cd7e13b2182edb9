"""Read a recipe file, apply ``--set`` overrides, validate and resolve it."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ._bundled import bundled_recipes
from ._errors import RecipeError
from ._paths import absolute_paths
from ._schema import resolve_recipe
from ._yaml import apply_overrides, parse_setting, parse_yaml

FROM_FILE, FROM_COMMAND_LINE = "recipe", "command line"


def _find(path: str | os.PathLike) -> tuple[Path, bool]:
    """The recipe file ``path`` names, and whether it is one that ships with ganaug."""
    path = Path(path)
    bundled = bundled_recipes()
    if not path.is_file() and str(path) in bundled:
        return bundled[str(path)], True
    if not path.is_file():
        raise RecipeError(
            f"no such recipe file: {path}; give a YAML file or the name of a bundled "
            f"recipe: {', '.join(bundled)}"
        )
    shipped = {p.resolve() for p in bundled.values()}
    return path, path.resolve() in shipped


def read_recipe(
    path: str | os.PathLike, overrides: Sequence[str] = ()
) -> tuple[dict, dict[str, str]]:
    """Read a recipe file and apply overrides, without filling in defaults.

    Relative paths in the file start from the file's folder; those of the
    overrides, and of the recipes that ship with ganaug (templates whose
    paths are placeholders), from the working folder. Every path comes back
    absolute (see :func:`~ganaug.recipes._paths.absolute_paths`).

    Parameters
    ----------
    path : str or os.PathLike
        A YAML recipe file, or the name of a bundled recipe.
    overrides : sequence of str, default=()
        ``SECTION.KEY=VALUE`` settings, values read as YAML.

    Returns
    -------
    raw : dict
        The recipe as written and overridden; ``name`` defaults to the
        file's stem.
    origins : dict of str to str
        ``"section.key"`` (or ``"name"``, ``"output"``) of every value set,
        to ``"recipe"`` or ``"command line"``; keys not in it take their
        defaults.
    """
    path, shipped = _find(path)
    raw = parse_yaml(path.read_text(), str(path))
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise RecipeError(f"{path}: a recipe is a mapping of sections, got {type(raw).__name__}")
    raw = absolute_paths(raw, Path.cwd() if shipped else path.parent)
    origins = {}
    for section, values in raw.items():
        keys = [f"{section}.{k}" for k in values] if isinstance(values, dict) else [section]
        origins.update(dict.fromkeys(keys, FROM_FILE))
    for text in overrides:
        origins[".".join(parse_setting(text)[0])] = FROM_COMMAND_LINE
    raw = absolute_paths(apply_overrides(raw, overrides), Path.cwd())
    raw.setdefault("name", path.stem)
    return raw, origins


def load_recipe(path: str | os.PathLike, overrides: Sequence[str] = ()) -> dict:
    """Read, override, validate and resolve a recipe file.

    Read more in the :ref:`User Guide <recipes>`.

    Parameters
    ----------
    path : str or os.PathLike
        A YAML recipe file, e.g. ``recipes/breastmnist.yaml``, or the name of a
        recipe bundled with ganaug, e.g. ``"breastmnist"`` (``ganaug recipes``
        lists them). A file of that name takes precedence. Relative paths in
        the file start from its folder (in a bundled recipe, from the working
        folder).
    overrides : sequence of str, default=()
        ``SECTION.KEY=VALUE`` settings applied after reading; values are
        YAML (``sampler.epochs=5``, ``evaluation.methods=[none, ros]``);
        relative paths start from the working folder.

    Returns
    -------
    recipe : dict
        The resolved recipe (see :func:`resolve_recipe`), paths absolute;
        its name defaults to the file's stem.

    Raises
    ------
    RecipeError
        One line naming the file, key or value at fault.
    """
    return resolve_recipe(read_recipe(path, overrides)[0])
