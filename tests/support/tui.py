"""Driving the browser in the tests: its ledgers and the waits of a Pilot test.

Every ledger here starts from the hostile ledger (:mod:`tests.support.ledgers`) and adds what
the screens need: a hostile source, hostile notes in the change log, a supersedes chain, and
timestamps frozen so that snapshots do not change from one day to the next. The fixtures that
build them (``browser``, ``big``, ...) are in ``tests/tui/conftest.py``.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from textual.pilot import Pilot
from textual.widgets import Static

from db import schemas
from db.ledger import Ledger
from tests.support.ledgers import (
    CJK,
    ESCAPES,
    MARKUP_ACTION,
    MARKUP_CLOSE,
    MARKUP_CONDITION,
    hostile_ledger,
    inject,
)
from tui.app import PledgesApp
from tui.screens.records import RecordScreen
from tui.widgets.pledge_table import PledgeTable
from tui.widgets.record_parts import Hanging

FROZEN = "2026-01-02T03:04:05.000000Z"
HOSTILE_NOTE = f"{MARKUP_ACTION} {MARKUP_CLOSE} {CJK}"


def browser_ledger(ledger: Ledger) -> Ledger:
    """The hostile ledger plus everything the record screens show."""
    hostile_ledger(ledger)
    ledger.create(
        schemas.Source(
            key="hostile-source",
            title=MARKUP_CONDITION,
            publisher=MARKUP_CLOSE,
            url="https://example.org/[/]",
            excerpt="placeholder",
            reliability="B",
        )
    )
    inject(ledger, "sources", "key", "hostile-source", "excerpt", ESCAPES)
    ledger.change_status(
        "pledge",
        "hostile-close",
        "committed",
        effective="2025-10-01",
        note=HOSTILE_NOTE,
        source="hostile-source",
    )
    ledger.create(
        schemas.Pledge(
            key="fra-reassurance-force-v2",
            title="Reassurance force, as restated in the Paris Declaration",
            pledger="FRA",
            beneficiary="UKR",
            category="troops",
            status="committed",
            announced="2026-01-06",
            conditions=["ceasefire"],
            sources=["paris-declaration"],
            supersedes="fra-reassurance-force",
        )
    )
    with ledger._writer.begin() as connection:
        # A note written by a foreign tool, with raw escape sequences.
        connection.execute(
            text("UPDATE change_log SET note = :note WHERE note = :old"),
            {"note": ESCAPES, "old": "Paris summit"},
        )
    freeze(ledger)
    return ledger


def freeze(ledger: Ledger) -> None:
    """Every recorded time set to one instant, so that what the screens show is stable."""
    with ledger._writer.begin() as connection:
        for table in ("pledges", "actors", "conditions", "sources"):
            connection.execute(text(f"UPDATE {table} SET updated_at = :t"), {"t": FROZEN})
        connection.execute(text("UPDATE change_log SET recorded_at = :t"), {"t": FROZEN})
        connection.execute(text("UPDATE batches SET recorded_at = :t"), {"t": FROZEN})


def add_pledges(ledger: Ledger, count: int, prefix: str = "bulk") -> None:
    """``count`` plain pledges, so that the table has pages to fetch (about 0.3 s per 500)."""
    ledger.save_records(
        [
            schemas.Pledge(
                key=f"{prefix}-{index:04d}",
                title=f"Bulk pledge number {index}",
                pledger=("FRA", "GBR", "DEU", "USA")[index % 4],
                status=("announced", "committed", "delivered")[index % 3],
                category="equipment",
                announced=f"2025-{1 + index % 12:02d}",
            )
            for index in range(count)
        ],
        label="bulk pledges for the tests",
    )


def make_app(ledger: Ledger, **options: object) -> PledgesApp:
    return PledgesApp(ledger, **options)  # type: ignore[arg-type]


def screen_text(app: PledgesApp) -> str:
    """What the terminal shows, as text (one line per row)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def pledge_table(app: PledgesApp) -> PledgeTable | None:
    found = app.screen.query(PledgeTable)
    return found.first() if found else None


async def settle(pilot: Pilot[None], timeout: float = 10.0) -> None:
    """Wait until no worker runs and the pledge table (if on screen) shows its rows."""
    app = pilot.app
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        await pilot.pause()
        busy = [w for w in app.workers if w.is_running and w.group != "revision"]
        table = pledge_table(app)  # type: ignore[arg-type]
        if not busy and (table is None or not table.display or table.is_settled):
            await pilot.pause()
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the UI did not settle in time")


async def wait_for(pilot: Pilot[None], condition: object, timeout: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        await pilot.pause()
        if condition():  # type: ignore[operator]
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not met in time")


def record_text(app: PledgesApp) -> str:
    """Everything the record screen holds, scrolled into view or not, as plain text."""
    screen = app.screen
    assert isinstance(screen, RecordScreen)
    lines: list[str] = []
    for widget in screen.body.query(Static):
        if isinstance(widget.parent, Hanging) and widget.has_class("body"):
            # A row with a hanging indent reads as one line: its lead, then its body.
            lines[-1] += str(widget.visual)
        else:
            lines.append(str(widget.visual))
    return "\n".join(lines)


async def open_record(pilot, record_type: str, key: str) -> None:  # type: ignore[no-untyped-def]
    pilot.app.open_record(record_type, key)
    await settle(pilot)
    assert isinstance(pilot.app.screen, RecordScreen)
