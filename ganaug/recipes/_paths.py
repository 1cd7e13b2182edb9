"""The paths a recipe holds, made absolute: a saved recipe repeats its run from anywhere."""

from __future__ import annotations

import os
from pathlib import Path

from ..datasets._splits import BUNDLED

# (section, key) of every value that is a path; data.source may name a bundled data set.
PATH_KEYS = (
    ("data", "source"),
    ("data", "labels"),
    ("data", "unlabelled"),
    ("data", "cache_dir"),
    ("evaluation", "feature_extractor"),
    ("output", None),
)
NAMED_SOURCES = (*BUNDLED, "breast-cancer")


def _absolute(value: object, base: Path) -> object:
    if not isinstance(value, (str, os.PathLike)) or not str(value):
        return value
    return os.path.abspath(base / Path(value).expanduser())  # absolute, ".." folded


def absolute_paths(raw: object, base: str | os.PathLike) -> object:
    """A copy of a parsed recipe whose relative paths start from ``base``.

    Parameters
    ----------
    raw : dict
        A recipe as parsed from YAML (anything else is returned as it is,
        for :func:`resolve_recipe` to refuse).
    base : str or os.PathLike
        The folder relative paths start from: the recipe file's, or the
        working folder for values given on the command line.

    Returns
    -------
    recipe : dict
        ``data.source`` (unless it names a bundled data set), ``data.labels``,
        ``data.unlabelled`` (when a path), ``data.cache_dir``,
        ``evaluation.feature_extractor`` and ``output`` absolute (``~``
        expanded); every other value as it was.
    """
    if not isinstance(raw, dict):
        return raw
    base = Path(base).expanduser()
    out = {k: dict(v) if isinstance(v, dict) else v for k, v in raw.items()}
    for section, key in PATH_KEYS:
        if key is None:
            if section in out:
                out[section] = _absolute(out[section], base)
            continue
        values = out.get(section)
        if not isinstance(values, dict) or key not in values:
            continue
        if (section, key) == ("data", "source") and values[key] in NAMED_SOURCES:
            continue
        values[key] = _absolute(values[key], base)
    return out
