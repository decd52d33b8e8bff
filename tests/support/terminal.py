"""What the app writes to the terminal, kept, and the checks that nothing from the ledger reaches
it raw.

:func:`recorded` runs an app with a driver that is headless to the test (no terminal, sizes as
asked) but not to the app: the app renders every update and writes it, escape sequences and
all, as it would to a real terminal, and the driver keeps it. :func:`raw_in_output` then finds
what only stored text could have put there, and :func:`raw_on_screen` checks every segment of
what the screen shows: a segment's text is written as it is (its style is written apart, as
escape sequences of Textual's own), so no segment may hold a control or format character.
"""

from __future__ import annotations

import base64
import re
from typing import Any

from textual.app import App
from textual.drivers.headless_driver import HeadlessDriver

from db.text import is_control

#: The clipboard sequence Textual writes for ``copy_to_clipboard`` (the text in base64).
CLIPBOARD = re.compile(r"\x1b\]52;c;([A-Za-z0-9+/=]*)\x07")
#: The pointer shape (Kitty's protocol), which Textual sets as the mouse moves.
POINTER = re.compile(r"\x1b\]22;[a-z-]+\x07")
#: The escape sequences Textual writes to draw: styles, cursor moves and modes (CSI).
DRAWING = re.compile(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]")


def recorded(app: App[Any]) -> list[str]:
    """Make ``app`` write to a list (returned) when run with ``run_test(headless=False)``."""
    written: list[str] = []

    class RecordingDriver(HeadlessDriver):
        @property
        def is_headless(self) -> bool:
            return False

        def write(self, data: str) -> None:
            written.append(data)

        def flush(self) -> None:
            pass

    app.driver_class = RecordingDriver
    return written


def copied(output: str) -> list[str]:
    """Every text the app put on the clipboard (OSC 52)."""
    return [base64.b64decode(m.group(1)).decode("utf-8") for m in CLIPBOARD.finditer(output)]


def raw_in_output(output: str) -> list[str]:
    """What in the terminal output only raw stored text could have written: a terminal title
    or other operating-system command (OSC) but the app's own clipboard, a cleared screen, a
    C1 control, a bell, a direction or zero-width mark. Empty when there is none."""
    found = []
    drawing = POINTER.sub("", CLIPBOARD.sub("", output))
    if "\x1b]" in drawing:
        at = drawing.index("\x1b]")
        found.append(f"an OSC sequence: {drawing[at : at + 20]!r}")
    if "\x1b[2J" in drawing:
        found.append("a clear-screen sequence")
    text = DRAWING.sub("", drawing)
    for char in sorted(set(text)):
        if char in "\x1b\x07" or (is_control(char) and char not in "\r\n"):
            found.append(f"U+{ord(char):04X}")
    return found


def raw_on_screen(app: App[Any]) -> list[str]:
    """The control and format characters in the segments of what the screen shows."""
    found = set()
    for strip in app.screen._compositor.render_strips():
        for segment in strip:
            found.update(f"U+{ord(c):04X}" for c in segment.text if is_control(c))
    return sorted(found)
