"""Recipes: one YAML file names the data, the sampler, the evaluation and the output.

``ganaug run RECIPE.yaml`` loads, resamples, evaluates and writes the report
(:func:`ganaug.workflows.run_recipe`); ``ganaug run NAME`` does the same for a
recipe bundled with the package (``ganaug recipes`` lists them).
Recipes are plain YAML read with the safe loader: they hold values, never
code, and every key is checked against the library's own parameter
constraints.
"""

from ..utils._deprecation import moved_names
from ._bundled import bundled_recipes, recipe_description
from ._errors import RecipeError
from ._load import load_recipe, read_recipe
from ._schema import resolve_recipe

__all__ = [
    "RecipeError",
    "bundled_recipes",
    "load_recipe",
    "read_recipe",
    "recipe_description",
    "resolve_recipe",
]

# Running a recipe is a workflow: it moved up to ganaug.workflows (issue 32).
__getattr__ = moved_names(
    __name__, {"RunResult": "ganaug.workflows", "run_recipe": "ganaug.workflows"}
)
