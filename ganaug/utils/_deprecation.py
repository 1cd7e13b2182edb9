"""Public names that moved keep their old import path for one release."""

from __future__ import annotations

import importlib
import sys
import warnings
from collections.abc import Callable, Mapping


def moved_names(module: str, names: Mapping[str, str]) -> Callable[[str], object]:
    """A module ``__getattr__`` that finds names moved to another module.

    The new module is imported only when an old name is asked for (so the
    old package never imports the new one, which may sit above it), and each
    use warns with a :class:`FutureWarning` naming the new path.

    Parameters
    ----------
    module : str
        The old module's name, e.g. ``"ganaug.io"``.
    names : mapping of str to str
        Each moved name and the module that now holds it, e.g.
        ``{"augment_folder": "ganaug.workflows"}``.

    Returns
    -------
    getattr : callable
        To assign to the old module's ``__getattr__``.
    """

    def __getattr__(name: str) -> object:
        new = names.get(name)
        if new is None:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        # ``from module import name`` asks twice: once from the import machinery
        # (a hasattr check), once from the user's line; warn only for the latter.
        if sys._getframe(1).f_globals.get("__name__") != "importlib._bootstrap":
            warnings.warn(
                f"{module}.{name} moved to {new}.{name}; import it from there, as the "
                "old path goes in the next release.",
                FutureWarning,
                stacklevel=2,
            )
        return getattr(importlib.import_module(new), name)

    return __getattr__
