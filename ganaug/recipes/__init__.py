"""Recipes: one YAML file names the data, the sampler, the evaluation and the output.

``ganaug run RECIPE.yaml`` loads, resamples, evaluates and writes the report;
``ganaug run NAME`` does the same for a recipe bundled with the package
(``ganaug recipes`` lists them).
Recipes are plain YAML read with the safe loader: they hold values, never
code, and every key is checked against the library's own parameter
constraints.
"""

from ._bundled import bundled_recipes, recipe_description
from ._errors import RecipeError
from ._load import load_recipe
from ._runner import RunResult, run_recipe
from ._schema import resolve_recipe

__all__ = [
    "RecipeError",
    "RunResult",
    "bundled_recipes",
    "load_recipe",
    "recipe_description",
    "resolve_recipe",
    "run_recipe",
]
