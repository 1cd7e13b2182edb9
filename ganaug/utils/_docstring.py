"""Parameter descriptions written once and shared by several classes' docstrings."""

from __future__ import annotations


def parameter_docs(sections: str, **fill: str) -> dict[str, str]:
    """Split numpydoc parameter sections into one entry per parameter, filled in.

    For imblearn's ``Substitution``: a docstring holding ``{epochs}`` receives
    the section of ``epochs``.

    Parameters
    ----------
    sections : str
        Numpydoc parameter entries: a ``name : type`` line at the start of a
        line, then its description indented by 8 spaces (as it stands in a
        class docstring). Literal braces are doubled.
    **fill : str
        Values of the ``{placeholders}`` in the descriptions.

    Returns
    -------
    docs : dict of str to str
        Each parameter's entry, placeholders filled, without trailing blank lines.
    """
    entries: dict[str, list[str]] = {}
    for line in sections.splitlines():
        if line and not line[0].isspace():
            entries[line.split(" : ")[0]] = [line]
        elif entries:
            entries[next(reversed(entries))].append(line)
    return {name: "\n".join(lines).rstrip().format(**fill) for name, lines in entries.items()}
