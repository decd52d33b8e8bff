"""Undo in the UI: undone changes kept apart from a record's history, a refused undo that
offers the ways on (in part, or the change before), and messages that say what the ledger
now holds."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Static

from db.ledger import Ledger
from tests.support.form_helpers import notifications, until_screen
from tests.support.tui import make_app, settle, wait_for
from tui.app import PledgesApp
from tui.editing.dialogs import UndoRefusedDialog
from tui.screens.pledges import PledgesView
from tui.screens.records import RecordScreen


def record_text(app: PledgesApp) -> str:
    return "\n".join(str(widget.visual) for widget in app.screen.query(Static))


@pytest.fixture
def ben(browser: Ledger) -> Iterator[Ledger]:
    opened = Ledger.open(browser.path, author="ben")
    yield opened
    opened.close()


def bens_note(ben: Ledger, key: str) -> None:
    detail = ben.pledge(key)
    ben.update(detail.pledge.model_copy(update={"notes": "Ben's note"}), version=detail.version)


async def test_change_undo_redo_shows_one_status_event_and_the_rest_apart(
    browser: Ledger,
) -> None:
    browser.change_status("pledge", "gbr-missiles", "stalled", note="no sign of delivery")
    browser.undo()
    browser.redo()
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        app.open_record("pledge", "gbr-missiles")
        await until_screen(pilot, RecordScreen)
        await wait_for(pilot, lambda: "History (" in record_text(app))
        text = record_text(app)
        history, _, apart = text.partition("Undone, and the undos (2): not part of the history")
        assert apart, text
        # The history: the creation and the one status change that stands (by its redo).
        assert history.count("no sign of delivery") == 1
        assert "stalled" in history
        # Apart: the change that was undone, marked, and the undo itself.
        assert apart.count("no sign of delivery") == 2
        assert "undone" in apart and "undo of an earlier change" in apart


async def test_a_refused_undo_offers_undo_in_part(
    browser: Ledger, ben: Ledger, tmp_path: Path
) -> None:
    both = tmp_path / "both.csv"
    both.write_text("key,title,pledger\nq-one,One,FRA\nq-two,Two,GBR\n", encoding="utf-8")
    from db.interchange import import_files

    import_files(browser, [both])
    bens_note(ben, "q-two")
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("u")
        await until_screen(pilot, UndoRefusedDialog)
        text = record_text(app)
        assert "by ben" in text and "q-two" in text
        await pilot.press("p")
        await until_screen(pilot, PledgesView)
        await wait_for(pilot, lambda: any(n.startswith("Undone:") for n in notifications(app)))
        message = next(n for n in notifications(app) if n.startswith("Undone:"))
        assert "pledge 'q-one' no longer exists." in message
        assert "Kept as it is: pledge 'q-two'" in message and "by ben" in message
    assert "q-one" not in browser.keys("pledge")
    assert browser.pledge("q-two").pledge.notes == "Ben's note"


async def test_a_refused_undo_offers_the_change_before(
    browser: Ledger, ben: Ledger, tmp_path: Path
) -> None:
    first = tmp_path / "first.csv"
    first.write_text("key,title,pledger\nq-first,First,FRA\n", encoding="utf-8")
    second = tmp_path / "second.csv"
    second.write_text("key,title,pledger\nq-second,Second,FRA\n", encoding="utf-8")
    from db.interchange import import_files

    import_files(browser, [first])
    import_files(browser, [second])
    bens_note(ben, "q-second")
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("u")
        await until_screen(pilot, UndoRefusedDialog)
        await pilot.press("s")
        await until_screen(pilot, PledgesView)
        await wait_for(pilot, lambda: any(n.startswith("Undone:") for n in notifications(app)))
        message = next(n for n in notifications(app) if n.startswith("Undone:"))
        assert message.startswith("Undone: import first.csv")
        assert 'Left for now: "import second.csv"' in message and "by ben" in message
        # Escape leaves a refused undo as it is.
        await pilot.press("u")
        await until_screen(pilot, UndoRefusedDialog)
        await pilot.press("escape")
        await until_screen(pilot, PledgesView)
    keys = browser.keys("pledge")
    assert "q-first" not in keys and "q-second" in keys
