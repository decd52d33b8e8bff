"""Ledgers and helpers for the browser's tests.

Every ledger here starts from the hostile ledger (tests/ledgers.py) and adds what the screens
need: a hostile source, hostile notes in the change log, a supersedes chain, and timestamps
frozen so that snapshots do not change from one day to the next.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from ledgers import (
    CJK,
    ESCAPES,
    MARKUP_ACTION,
    MARKUP_CLOSE,
    MARKUP_CONDITION,
    RTL,
    hostile_ledger,
    inject,
)
from sqlalchemy import text
from textual.pilot import Pilot

import fixtures
from db import schemas
from db.interchange import import_files
from db.ledger import Ledger
from tui.app import PledgesApp
from tui.widgets.pledge_table import PledgeTable

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


@pytest.fixture(autouse=True)
def patient_palette(monkeypatch: pytest.MonkeyPatch) -> None:
    """The palette waits for the ledger a few hundredths of a second per keystroke; on a
    machine busy with other tests a search of even these small ledgers can take longer, and a
    test would then miss the hits it types for. The tests of that budget set their own."""
    monkeypatch.setattr("tui.commands.SEARCH_SECONDS", 10.0)


@pytest.fixture
def browser(ledger: Ledger) -> Ledger:
    browser_ledger(ledger)
    return ledger


@pytest.fixture
def foreign(browser: Ledger, ledger_path: Path) -> Ledger:
    """The browser ledger, then hostile text written into its file by another tool."""
    from foreign import write_as_another_tool

    write_as_another_tool(ledger_path)
    return browser


@pytest.fixture
def big(ledger: Ledger) -> Ledger:
    """The browser ledger with 600 more pledges: seven pages of the table."""
    browser_ledger(ledger)
    add_pledges(ledger, 600)
    freeze(ledger)
    return ledger


@pytest.fixture
def second(ledger_path: Path) -> Iterator[Ledger]:
    """Another connection to the same ledger, as a colleague or a CLI import would have."""
    other = Ledger.open(ledger_path, author="colleague", create=False)
    yield other
    other.close()


@pytest.fixture(scope="session")
def sample_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample ledger (fixtures/coalition-of-the-willing.yaml), imported once per worker."""
    path = tmp_path_factory.mktemp("sample") / "sample.sqlite"
    ledger = Ledger.open(path, author="importer")
    import_files(ledger, [fixtures.path()])
    ledger.close()
    return path


@pytest.fixture
def sample(sample_file: Path, tmp_path: Path) -> Iterator[Ledger]:
    """A fresh copy of the sample ledger for one test."""
    target = tmp_path / "sample.sqlite"
    for suffix in ("", "-wal"):
        source = Path(str(sample_file) + suffix)
        if source.exists():
            shutil.copy(source, Path(str(target) + suffix))
    ledger = Ledger.open(target, author="tester")
    yield ledger
    ledger.close()


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


__all__ = [
    "CJK",
    "ESCAPES",
    "HOSTILE_NOTE",
    "MARKUP_ACTION",
    "MARKUP_CLOSE",
    "MARKUP_CONDITION",
    "RTL",
]
