"""The one way record text reaches a terminal: as plain text, with control characters visible.

Anything that came from a fixture, a CSV or a user may hold ``[...]`` (which Textual and Rich
would parse as markup: ``[/]`` crashes, ``[@click=app.quit]`` runs an action), escape sequences
(which would reach the terminal raw), or invisible direction marks. :func:`visible` replaces
every control and format character with a visible stand-in; the UI's widgets build their
content from its result without ever parsing markup.

This module is imported by the CLI too, so it imports nothing heavy at module level.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# C0 controls have dedicated "control picture" symbols (U+2400 + code); DEL is U+2421.
_PICTURES = {code: chr(0x2400 + code) for code in range(0x20)} | {0x7F: "\u2421"}
#: Format characters worth naming rather than showing as a code point.
_NAMED = {
    "\u200e": "\u27e8LRM\u27e9",
    "\u200f": "\u27e8RLM\u27e9",
    "\u202a": "\u27e8LRE\u27e9",
    "\u202b": "\u27e8RLE\u27e9",
    "\u202c": "\u27e8PDF\u27e9",
    "\u202d": "\u27e8LRO\u27e9",
    "\u202e": "\u27e8RLO\u27e9",
    "\u2066": "\u27e8LRI\u27e9",
    "\u2067": "\u27e8RLI\u27e9",
    "\u2068": "\u27e8FSI\u27e9",
    "\u2069": "\u27e8PDI\u27e9",
    "\u200b": "\u27e8ZWSP\u27e9",
    "\u200c": "\u27e8ZWNJ\u27e9",
    "\u200d": "\u27e8ZWJ\u27e9",
    "\u2028": "\u27e8LS\u27e9",
    "\u2029": "\u27e8PS\u27e9",
    "\ufeff": "\u27e8BOM\u27e9",
}


@lru_cache(maxsize=4096)
def visible(text: str, *, multiline: bool = False) -> str:
    """``text`` with every control and format character replaced by a visible stand-in.

    With ``multiline``, newlines (and tabs, as spaces) are kept for long text shown in a pane.
    """
    if text.isprintable() and "\u00ad" not in text:
        return text
    out: list[str] = []
    for char in text:
        if multiline and char == "\n":
            out.append(char)
        elif multiline and char == "\t":
            out.append("    ")
        elif char in _NAMED:
            out.append(_NAMED[char])
        elif ord(char) in _PICTURES:
            out.append(_PICTURES[ord(char)])
        elif char.isprintable() or char == " ":
            out.append(char)
        else:
            category = unicodedata.category(char)
            if category in {"Zs"}:
                out.append(" ")
            else:
                out.append(f"\u27e8U+{ord(char):04X}\u27e9")
    return "".join(out)


def one_line(text: str | None, width: int | None = None) -> str:
    """A single visible line, cut to ``width`` cells with an ellipsis if it is longer."""
    if not text:
        return ""
    line = visible(text)
    if width is None or width <= 0:
        return line
    from rich.cells import cell_len, set_cell_size

    if cell_len(line) <= width:
        return line
    return set_cell_size(line, max(width - 1, 0)) + "\u2026"
