"""A ledger written by another tool: hostile text put straight into the SQLite file with
``sqlite3``, bypassing every rule of the ledger (the ``foreign`` fixture of
tests/tui/conftest.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

MARKUP = "[@click=app.quit]x[/]"
#: A terminal title, the clipboard, a cleared screen, a C1 CSI, bidi overrides, zero-width
#: characters, valid and invalid markup, CJK: each in one stored value.
RAW = (
    "Air \x1b]0;pwned\x07 clip \x1b]52;c;cHduZWQ=\x07 wipe \x1b[2J c1 \u009b31m "
    f"\u200fدعم\u200f \u202eevil\u202c zero\u200bwidth\u200d\ufeff {MARKUP} [/] 乌克兰安全保障"
)
LONG = "Ten kilobytes " + "x" * (10 * 1024)
#: Characters the ledger keeps when it saves (direction marks, zero-width characters) and
#: those it removes (controls): a form must save neither kind as its stand-in.
MARKS = "\u200fدعم\u200f \u202eevil\u202c zero\u200bwidth"


def write_as_another_tool(path: Path) -> None:
    connection = sqlite3.connect(path)
    with connection:
        connection.execute(
            "UPDATE pledges SET title = ?, text = ?, notes = ? WHERE key = 'gbr-troops'",
            (RAW, RAW + "\nsecond line\twith a tab", RAW),
        )
        connection.execute(
            "UPDATE pledge_tags SET tag = ? WHERE tag = 'ukef'", ("ukef\x1b[2J\u200b",)
        )
        connection.execute("UPDATE pledges SET title = ? WHERE key = 'gbr-missiles'", (LONG,))
        connection.execute("UPDATE pledges SET title = ? WHERE key = 'usa-air-support'", (MARKS,))
        connection.execute(
            "UPDATE conditions SET title = ?, description = ? WHERE key = 'commons-vote'",
            (RAW, RAW),
        )
        connection.execute("UPDATE actors SET name = ? WHERE code = 'GBR'", (RAW,))
        connection.execute("UPDATE actor_aliases SET alias = ? WHERE alias = 'UK'", (RAW,))
        connection.execute(
            "UPDATE sources SET title = ?, publisher = ?, url = ?, excerpt = ? "
            "WHERE key = 'elysee-2025-09-02'",
            (RAW, RAW, "https://example.org/\x1b]0;url\x07", RAW),
        )
        connection.execute("UPDATE change_log SET note = ? WHERE record_key = 'gbr-troops'", (RAW,))
    connection.close()
