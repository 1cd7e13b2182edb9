"""Plain YAML in and out: safe loading only, and ``--set key=value`` settings."""

from __future__ import annotations

import re
from collections.abc import Iterable

import yaml

from ._errors import RecipeError


class _Loader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that also reads ``1e-4`` as a float, as YAML 1.2 does."""


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)[eE][-+]?\d+$"),
    list("-+0123456789."),
)


def parse_yaml(text: str, where: str) -> object:
    """Parse YAML text with the safe loader; a syntax error names ``where``."""
    try:
        return yaml.load(text, Loader=_Loader)  # a SafeLoader subclass: no objects
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" (line {mark.line + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise RecipeError(f"{where}: not valid YAML{at}: {problem}") from None


def dump_yaml(data: dict) -> str:
    """YAML text for a resolved recipe, keys in the order given."""
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=False)


def parse_setting(text: str) -> tuple[list[str], object]:
    """Split a ``--set KEY=VALUE`` (or ``SECTION.KEY=VALUE``) setting; read the value as YAML.

    The one grammar of ``--set`` in every command: ``2`` is an int, ``1e-4``
    a float, ``true`` a bool, ``null`` None, ``[none, ros]`` a list, and
    anything else a string.

    Parameters
    ----------
    text : str
        ``KEY=VALUE`` with a dotted ``KEY``.

    Returns
    -------
    keys : list of str
        The dotted key's parts.
    value : object
        The parsed value.

    Raises
    ------
    RecipeError
        For a setting without ``=`` or with an empty key part, or a value
        that is not valid YAML.
    """
    path, sep, value = text.partition("=")
    keys = [k.strip() for k in path.split(".")]
    if not sep or not all(keys):
        raise RecipeError(f"--set expects KEY=VALUE or SECTION.KEY=VALUE, got {text!r}")
    return keys, parse_yaml(value, f"--set {path.strip()}")


def apply_overrides(recipe: dict, overrides: Iterable[str]) -> dict:
    """Return a copy of ``recipe`` with ``section.key=value`` overrides applied.

    Values are read as YAML (see :func:`parse_setting`).
    """
    out = {k: dict(v) if isinstance(v, dict) else v for k, v in recipe.items()}
    for text in overrides:
        keys, parsed = parse_setting(text)
        path = ".".join(keys)
        if len(keys) == 1:
            out[keys[0]] = parsed
        elif len(keys) == 2:
            section = out.setdefault(keys[0], {})
            if not isinstance(section, dict):
                raise RecipeError(f"--set {path}: {keys[0]!r} is not a section")
            section[keys[1]] = parsed
        else:
            raise RecipeError(f"--set {path}: recipes are two levels deep (SECTION.KEY)")
    return out


def _line(key: str, value: object) -> str:
    """``key: value`` on one line, collections in flow style."""
    text = yaml.safe_dump(value, default_flow_style=True, width=1 << 16)
    return f"{key}: {text.removesuffix(chr(10)).removesuffix('...').strip()}"


def dump_annotated(recipe: dict, notes: dict[str, str], left_out: dict[str, str]) -> str:
    """YAML text for a resolved recipe with a comment on some values, some left out.

    Parameters
    ----------
    recipe : dict
        A resolved recipe (two levels: sections of keys).
    notes : dict of str to str
        ``"section.key"`` (or a top-level key) to a comment for its line.
    left_out : dict of str to str
        ``"section.key"`` to leave out, to the reason, said in a comment at
        the end of its section; ``"section"`` to say why a whole section is
        not used (its values stay, for a recipe that uses it).

    Returns
    -------
    text : str
        Valid YAML: what is left out takes its default when read back.
    """
    lines = []

    def note(line: str, path: str) -> str:
        return f"{line}  # {notes[path]}" if path in notes else line

    for section, values in recipe.items():
        if not isinstance(values, dict):
            lines.append(note(_line(section, values), section))
            continue
        why = f"  # not used here: {left_out[section]}" if section in left_out else ""
        lines.append(f"{section}:{why}")
        skipped: dict[str, list[str]] = {}
        for key, value in values.items():
            path = f"{section}.{key}"
            if path in left_out:
                skipped.setdefault(left_out[path], []).append(key)
                continue
            lines.append(note("  " + _line(key, value), path))
        for why, keys in skipped.items():
            lines.append(f"  # not used here: {', '.join(keys)} ({why})")
    return "\n".join(lines) + "\n"
