"""``LIKE`` patterns that take user text literally, on every database.

Every pattern here is meant for ``LIKE ... ESCAPE '\\'``: ``%`` and ``_`` in what a user typed
are characters to find, not wildcards.
"""

from __future__ import annotations

from collections.abc import Sequence


def escape_like(value: str) -> str:
    """Escape ``%``, ``_`` and the escape character itself for a LIKE pattern using ``\\``."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def containing(value: str) -> str:
    """The pattern of text that holds ``value`` anywhere."""
    return f"%{escape_like(value)}%"


def word_starts(tokens: Sequence[str]) -> str:
    """The pattern of `` word word `` text (words with a space each side) that holds
    ``tokens`` in order, each as the start of a word."""
    return "% " + "% ".join(escape_like(t) for t in tokens) + "%"
