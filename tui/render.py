"""The one way record text reaches a terminal: as plain text, with control characters visible.

Anything that came from a fixture, a CSV or a user may hold ``[...]`` (which Textual and Rich
would parse as markup: ``[/]`` crashes, ``[@click=app.quit]`` runs an action), escape sequences
(which would reach the terminal raw), or invisible direction marks. :func:`visible` replaces
every control and format character with a visible stand-in; the UI's widgets build their
content from its result without ever parsing markup.

This module is imported by the CLI too, so it imports nothing heavy at module level.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeAlias

from db.vocab import RecordType

if TYPE_CHECKING:
    from textual.content import Content

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


def _stand_in(char: str) -> str | None:
    """What :func:`visible` shows for ``char``, or None when it may reach a terminal as it is."""
    if char in _NAMED:
        return _NAMED[char]
    if ord(char) in _PICTURES:
        return _PICTURES[ord(char)]
    if char.isprintable() or char == " ":
        return None
    if unicodedata.category(char) == "Zs":
        return " "
    return f"\u27e8U+{ord(char):04X}\u27e9"


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
        else:
            shown = _stand_in(char)
            out.append(char if shown is None else shown)
    return "".join(out)


# -- text in editors ----------------------------------------------------------------------------
#
# An Input or a TextArea writes its value to the terminal as it is, so stored text goes into one
# made visible too. Saving must not turn the stand-ins into text: :func:`restore` turns those
# that making the stored text visible produced back into the characters they stand for, and
# the ledger's own cleaning then decides what is kept, as for any other write (it drops control
# characters and keeps direction marks).


def _editor_stand_in(char: str, multiline: bool) -> str | None:
    # Spaces of every width are harmless and would not come back from a plain space; a long
    # text editor lays out its own line breaks and tabs.
    if multiline and char in "\n\t":
        return None
    if unicodedata.category(char) == "Zs":
        return None
    return _stand_in(char)


def stand_ins(text: str, *, multiline: bool = False) -> dict[str, str]:
    """The characters of ``text`` that an editor shows by a stand-in, and their stand-ins."""
    if text.isprintable() and "\u00ad" not in text:
        return {}
    found: dict[str, str] = {}
    for char in dict.fromkeys(text):
        shown = _editor_stand_in(char, multiline)
        if shown is not None:
            found[char] = shown
    return found


def editable(text: str, *, multiline: bool = False) -> str:
    """Stored text as an editor shows it: :func:`visible`, except that spaces stay as they are
    and a long-text editor (``multiline``) keeps its line breaks and tabs."""
    found = stand_ins(text, multiline=multiline)
    if not found:
        return text
    return "".join(found.get(char, char) for char in text)


_TYPED_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_TYPED_TEXT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def typed_line(text: str) -> str:
    """What a one-line input keeps of typed or pasted text: no control characters (as the
    ledger would not keep them either)."""
    return _TYPED_LINE.sub("", text.replace("\t", " "))


def typed_text(text: str) -> str:
    """What a long-text editor keeps: line breaks and tabs, no other control characters."""
    return _TYPED_TEXT.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def restore(edited: str, original: str, *, multiline: bool = False) -> str:
    """``edited`` (an editor's text that began as :func:`editable` of ``original``) with the
    stand-ins shown for ``original`` turned back into the characters they stand for."""
    found = stand_ins(original, multiline=multiline)
    if not found:
        return edited
    if edited == "".join(found.get(char, char) for char in original):
        return original
    by_shown = {shown: char for char, shown in found.items()}
    pattern = re.compile("|".join(re.escape(s) for s in sorted(by_shown, key=len, reverse=True)))
    return pattern.sub(lambda match: by_shown[match.group()], edited)


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


def middle_cut(text: str | None, width: int) -> str:
    """A single visible line cut in the middle to ``width`` cells, with an ellipsis there.

    For keys: keys that share their start (``cow-paris-decl-armed-...-2026-01`` and
    ``cow-paris-decl-ceasefire-...-2026-01``) read the same when cut at the end, but rarely
    share both their start and their end (the date, the last words).
    """
    if not text:
        return ""
    line = visible(text)
    from rich.cells import cell_len, set_cell_size

    if width <= 0 or cell_len(line) <= width:
        return line if width > 0 else ""
    if width < 3:
        return one_line(line, width)
    head_width = (width - 1) // 2
    tail_width = width - 1 - head_width
    tail = ""
    for char in reversed(line):
        if cell_len(char + tail) > tail_width:
            break
        tail = char + tail
    head = set_cell_size(line, width - 1 - cell_len(tail))
    return head + "\u2026" + tail


# -- Textual content ----------------------------------------------------------------------------
#
# Everything below builds Textual ``Content`` from plain text: the text is made visible first and
# never parsed as markup. Styles are Textual style strings naming theme variables (``$success``),
# so the colours follow the theme the analyst picks. Textual is imported inside the functions,
# so that the CLI can import this module without paying for the UI.

#: Pledge status -> style. Every status is always shown by its word as well as its colour.
PLEDGE_STATUS_STYLES: dict[str, str] = {
    "announced": "$text-secondary",
    "committed": "$text-primary bold",
    "in_progress": "$text-accent",
    "delivered": "$text-success",
    "stalled": "$text-warning",
    "withdrawn": "$foreground-muted",
    "broken": "$text-error bold",
    "superseded": "$foreground-muted italic",
}
CONDITION_STATUS_STYLES: dict[str, str] = {
    "pending": "$text-warning",
    "partially_met": "$text-accent",
    "met": "$text-success",
    "failed": "$text-error bold",
    "waived": "$foreground-muted",
}
MUTED = "$foreground-muted"
KEY_STYLE = "$text-primary"
LABEL_STYLE = "$foreground-muted"
HEADING_STYLE = "bold $text-accent"


def status_width(record_type: RecordType | None = None) -> int:
    """How wide a column of status words must be for every word of the vocabulary (of pledges,
    of conditions, or of both when ``record_type`` is None): its longest word. A column of
    them leaves a gap after this (:func:`status_cell`), so that no word runs into the next."""
    from db import vocab

    words = {
        "pledge": vocab.PLEDGE_STATUSES,
        "condition": vocab.CONDITION_STATUSES,
    }
    chosen = [words[record_type]] if record_type in words else list(words.values())
    return max(len(word) for vocabulary in chosen for word in vocabulary)


#: The gap after a padded status word.
STATUS_GAP = 2


def status_cell(status: str, width: int) -> str:
    """``status`` padded to ``width``, then the gap: a word longer than the vocabulary's (a
    ledger written by another tool) still never touches what follows."""
    return status.ljust(width) + " " * STATUS_GAP


def status_style(status: str | None, record_type: RecordType = "pledge") -> str:
    """The style of a status word (pledges and conditions have their own vocabularies)."""
    if not status:
        return ""
    styles = CONDITION_STATUS_STYLES if record_type == "condition" else PLEDGE_STATUS_STYLES
    return styles.get(status, "")


def conditions_style(label: str) -> str:
    """The style of the pledge table's conditions cell (``blocked``, ``2 pending``, ``met``)."""
    if label.startswith("blocked"):
        return "$text-error bold"
    if label.endswith("pending"):
        return "$text-warning"
    if label == "met":
        return "$text-success"
    return ""


#: A piece of :func:`assemble`: content, record text, record text in a style, or nothing.
Piece: TypeAlias = "Content | str | tuple[object, str] | None"


def plain(value: object, style: str = "") -> Content:
    """Record text as one visible line of ``Content`` (never parsed as markup)."""
    from textual.content import Content

    text = visible(str(value)) if value is not None else ""
    return Content.styled(text, style) if style else Content(text)


def paragraph(value: str | None, style: str = "") -> Content:
    """Long record text (wording, notes, excerpts) with its line breaks, controls visible."""
    from textual.content import Content

    text = visible(value, multiline=True) if value else ""
    return Content.styled(text, style) if style else Content(text)


def ui(text: str, style: str = "") -> Content:
    """The program's own words (labels, help, line breaks): may hold newlines, never record
    text. Record text goes through :func:`plain`, :func:`paragraph` or :func:`assemble`."""
    from textual.content import Content

    return Content.styled(text, style) if style else Content(text)


def status(value: str | None, record_type: RecordType = "pledge") -> Content:
    """A status word in its colour."""
    return plain(value or "", status_style(value, record_type))


def assemble(*parts: Piece) -> Content:
    """Join ``Content`` and ``(text, style)`` pieces; bare strings are record text, made visible.

    A bare string is never markup: ``assemble("[b]x")`` shows the brackets. Strings and tuples
    are one line each (a newline in them is shown as a control picture); line breaks and the
    program's own multi-line words come in as :func:`ui` content.
    """
    from textual.content import Content

    pieces: list[Content | str | tuple[str, str]] = []
    for part in parts:
        if part is None:
            continue
        if isinstance(part, tuple):
            text, style = part
            pieces.append((visible(str(text)), style))
        elif isinstance(part, str):
            pieces.append(visible(part))
        else:
            pieces.append(part)
    return Content.assemble(*pieces)


def highlight(text: str, offsets: Iterable[int], style: str = "reverse") -> Content:
    """``text`` (made visible) with the characters at ``offsets`` styled: fuzzy-match hits.

    Textual's own ``Matcher.highlight`` parses its candidate as markup, so record titles must
    come through here instead. Offsets index ``text``; they are only kept where making the text
    visible did not move them (no control characters before them).
    """
    from textual.content import Content

    shown = visible(text)
    content = Content(shown)
    if shown != text:
        return content
    for offset in offsets:
        if 0 <= offset < len(shown) and not shown[offset].isspace():
            content = content.stylize(style, offset, offset + 1)
    return content


def date_part(timestamp: str | None) -> str:
    """``2026-01-06`` from a recorded timestamp such as ``2026-01-06T10:00:00.000000Z``."""
    return (timestamp or "")[:10]


def timestamp(value: str | None) -> str:
    """A recorded UTC timestamp to the minute: ``2026-01-06 10:00 UTC``."""
    if not value:
        return ""
    return f"{value[:10]} {value[11:16]} UTC" if len(value) >= 16 else value


def change_summary(changes: dict[str, tuple[Any, Any]], width: int | None = None) -> str:
    """What a change-log entry changed, as one line: ``status: announced -> committed; ...``."""
    return one_line(
        "; ".join(f"{name}: {change(old, new)}" for name, (old, new) in changes.items()), width
    )


def change(old: Any, new: Any, width: int | None = None) -> str:
    """One field's change: ``announced -> committed`` (long values cut to ``width``)."""
    half = None if width is None else max(width // 2 - 2, 8)
    return f"{one_line(_value(old), half) or '(none)'} -> {one_line(_value(new), half) or '(none)'}"


def _value(value: Any) -> str:
    if value is None or value == []:
        return "(none)"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def count(number: int, noun: str, plural: str | None = None) -> str:
    """``1 pledge``, ``1,234 pledges``."""
    word = noun if number == 1 else (plural or noun + "s")
    return f"{number:,} {word}"
