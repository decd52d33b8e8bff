"""Screens ask the app by message (tui/messages.py): what a screen posts reaches the app's
handlers, and what the app passes on reaches every screen."""

from __future__ import annotations

import pytest
from textual.message import Message

from db.ledger import Ledger
from tests.support.form_helpers import until_screen
from tests.support.tui import make_app, settle, wait_for
from tui.messages import LedgerWritten, OpenRecord, ReadingDateChanged, ShowPledges
from tui.screens.base import LedgerScreen
from tui.screens.pledges import PledgesView
from tui.screens.records import RecordScreen


async def test_enter_on_a_pledge_asks_the_app_to_open_it(browser: Ledger) -> None:
    seen: list[Message] = []
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=(120, 40), message_hook=seen.append) as pilot:
        await settle(pilot)
        view = app.screen
        assert isinstance(view, PledgesView) and view.table.cursor_row is not None
        key = view.table.cursor_row.key
        await pilot.press("enter")
        await until_screen(pilot, RecordScreen)
        # One message, seen where it was posted (the view) and where it bubbled to (the app).
        opened = {id(m): m for m in seen if isinstance(m, OpenRecord)}.values()
        assert [(m.record_type, m.key) for m in opened] == [("pledge", key)]
        assert isinstance(app.screen, RecordScreen) and app.screen.key == key


async def test_a_record_screen_shows_the_pledges_of_a_query_through_the_app(
    browser: Ledger,
) -> None:
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_record("condition", "us-backstop")
        await until_screen(pilot, RecordScreen)
        app.screen.post_message(ShowPledges("condition:us-backstop"))
        await until_screen(pilot, PledgesView)
        view = app.screen
        assert isinstance(view, PledgesView)
        assert view.export_query == "condition:us-backstop"


async def test_a_write_reported_by_a_screen_makes_the_app_read_the_revision(
    browser: Ledger, second: Ledger
) -> None:
    from db import schemas

    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        before = app.revision
        second.create(schemas.Actor(code="XNEW", name="Newcomer", kind="state"))
        app.screen.post_message(LedgerWritten())
        await wait_for(pilot, lambda: app.revision != before)


async def test_a_new_reading_date_reaches_every_screen(
    browser: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    told: list[tuple[str, str | None]] = []
    monkeypatch.setattr(
        LedgerScreen, "reading_date_changed", lambda self, as_of: told.append((self.view, as_of))
    )
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        app.screen.post_message(ReadingDateChanged("2025-09"))
        await wait_for(pilot, lambda: len(told) >= 2)
        await pilot.pause()
        assert sorted(told) == [("conditions", "2025-09"), ("pledges", "2025-09")]


async def test_a_change_to_the_ledger_reloads_the_view_once(
    browser: Ledger, second: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    from db import schemas

    reloads: list[str] = []
    reload = PledgesView.reload

    def counted(self: PledgesView) -> None:
        reloads.append(self.view)
        reload(self)

    monkeypatch.setattr(PledgesView, "reload", counted)
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        second.create(schemas.Actor(code="XNEW", name="Newcomer", kind="state"))
        app.screen.post_message(LedgerWritten())
        await wait_for(pilot, lambda: bool(reloads))
        await settle(pilot)
        assert reloads == ["pledges"]
