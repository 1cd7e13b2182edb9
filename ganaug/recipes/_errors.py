"""The one error a recipe problem raises."""


class RecipeError(ValueError):
    """A problem with a recipe: unknown key, wrong type or value, missing data path."""
