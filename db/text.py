"""Cleaning of untrusted text before it enters the ledger.

Control characters (C0 and C1: NUL, ESC, BEL, DEL, ...) never reach the database: an ESC
sequence in a title would otherwise reach an analyst's terminal raw. Long text keeps its
newlines and tabs; one-line fields turn line breaks and tabs into spaces. Format characters
such as right-to-left marks are legitimate in Arabic and Hebrew text and are kept; the UI
makes them visible.
"""

from __future__ import annotations

import re
import unicodedata

_LINE_BREAKS = re.compile(r"\r\n|[\r\n\v\f\u0085\u2028\u2029]")
# C0 controls except tab and newline, DEL, and C1 controls.
_CONTROLS_LONG = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROLS_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"[ \t]+")
# What clean_line would change apart from the ends: most text is clean, and a search is cheap.
_LINE_DIRTY = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]|  ")


def clean_line(value: str) -> str:
    """Return ``value`` as one line: breaks and tabs become spaces, controls go, ends trimmed."""
    if _LINE_DIRTY.search(value) is None and not (value[:1].isspace() or value[-1:].isspace()):
        return value
    value = _LINE_BREAKS.sub(" ", value).replace("\t", " ")
    value = _CONTROLS_LINE.sub("", value)
    return _SPACES.sub(" ", value).strip()


def clean_text(value: str) -> str:
    """Return long text with controls removed, line breaks normalised to ``\\n``, ends trimmed."""
    value = _LINE_BREAKS.sub("\n", value)
    value = _CONTROLS_LONG.sub("", value)
    return value.strip()


def clean_note(value: str | None) -> str | None:
    """A change's note as the log keeps it: long text cleaned, empty as None. Every entry
    written to the change log goes through this, whoever wrote it (form, API, import, undo)."""
    if value is None:
        return None
    return clean_text(value) or None


def is_control(char: str) -> bool:
    """True for characters that must never be written raw to a terminal."""
    return unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"}


#: A cheap test (``None`` when clean) that callers cleaning many values use to skip
#: :func:`clean_line` for the values that need nothing but a look at their ends.
line_needs_cleaning = _LINE_DIRTY.search
