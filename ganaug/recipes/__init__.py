"""Recipes: one YAML file names the data, the sampler, the evaluation and the output.

``ganaug run RECIPE.yaml`` loads, resamples, evaluates and writes the report.
Recipes are plain YAML read with the safe loader: they hold values, never
code, and every key is checked against the library's own parameter
constraints.
"""

from ._errors import RecipeError
from ._load import load_recipe
from ._runner import RunResult, run_recipe
from ._schema import resolve_recipe

__all__ = ["RecipeError", "RunResult", "load_recipe", "resolve_recipe", "run_recipe"]
