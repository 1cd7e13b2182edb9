"""``did you mean ...?`` for a misspelt name."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(name: object, choices: Iterable[object]) -> str:
    """``"did you mean 'x'? "`` for the choice closest to ``name``, or ``""``.

    Parameters
    ----------
    name : object
        What was given.
    choices : iterable
        What is allowed.

    Returns
    -------
    hint : str
        Ends in a space when not empty, to go before the rest of a message.
    """
    close = difflib.get_close_matches(str(name), [str(c) for c in choices], n=1)
    return f"did you mean {close[0]!r}? " if close else ""
