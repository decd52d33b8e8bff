"""What an import changes (or, in a dry run, would change) in the records already in the
ledger, field by field: ``status: announced -> committed``. The CLI prints it as lines, the
import dialog as a table; both show values as every message does (one line, control
characters visible, long values cut) and stop after a number of records, counting the rest.

Imported by the CLI: nothing heavy at module level.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from . import render

if TYPE_CHECKING:
    from db.interchange import RecordUpdate

#: The CLI lists the changes of this many records, then counts the rest.
RECORDS_SHOWN = 20
#: Room for a field's change (both values) on a line of the CLI.
CHANGE_WIDTH = 100


def heading(updates: Sequence[RecordUpdate], *, dry_run: bool) -> str:
    count = render.count(len(updates), "record")
    verb = "would change" if dry_run else "changed"
    return f"what the import {verb} in {count} already in the ledger:"


def lines(
    updates: Sequence[RecordUpdate], *, dry_run: bool, limit: int = RECORDS_SHOWN
) -> list[str]:
    """The changes as the CLI prints them: a heading, each record and its fields indented,
    and how many records are left out after ``limit``; nothing if nothing is updated."""
    if not updates:
        return []
    out = [heading(updates, dry_run=dry_run)]
    for update in updates[:limit]:
        out.append(f"  {update.record_type} {render.one_line(update.key)}")
        for name, (old, new) in update.changes.items():
            out.append(f"    {name}: {render.change(old, new, CHANGE_WIDTH)}")
    more = len(updates) - limit
    if more > 0:
        out.append(f"  … and {render.count(more, 'more record')} ({left_out(updates[limit:])})")
    return out


def left_out(updates: Sequence[RecordUpdate]) -> str:
    """``1,200 pledges, 3 conditions``: the records a list leaves out, by type."""
    by_type: dict[str, int] = {}
    for update in updates:
        by_type[update.record_type] = by_type.get(update.record_type, 0) + 1
    return ", ".join(render.count(n, t) for t, n in by_type.items())


def summary(updates: Sequence[RecordUpdate], limit: int = 3) -> str:
    """``pledge fra-x (beneficiary, tags), and 4 more``: which records changed which fields,
    in a few words (a notification)."""
    named = [
        f"{u.record_type} {render.one_line(u.key, 60)} ({', '.join(u.changes)})"
        for u in updates[:limit]
    ]
    more = len(updates) - limit
    return "; ".join(named) + (f"; and {more:,} more" if more > 0 else "")
