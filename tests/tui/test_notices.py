"""What the UI says stays readable and true: a toast never lies over a dialog's instructions,
a field's message goes as soon as the field is fixed, and a read-only ledger is said to be one
on opening, in the top bar, and by every key that would change it."""

from __future__ import annotations

import pytest
from textual.widgets import OptionList, Static
from textual.widgets._toast import Toast

from db.ledger import Ledger
from tests.support.form_helpers import field, fill, notifications, open_form, until_screen
from tests.support.tui import make_app, screen_text, settle, wait_for
from tui.editing.form import RecordForm
from tui.editing.impact import ImpactDone, ImpactPanel
from tui.editing.status import KEYS_LINE, StatusDialog
from tui.screens.pledges import PledgesView
from tui.screens.records import RecordScreen

SIZES = [(80, 24), (200, 50)]


async def _status_dialog(pilot, record_type: str, key: str) -> None:  # type: ignore[no-untyped-def]
    pilot.app.open_record(record_type, key)
    await until_screen(pilot, RecordScreen)
    await pilot.press("s")
    await until_screen(pilot, StatusDialog)


async def _choose(pilot, status: str) -> None:  # type: ignore[no-untyped-def]
    options = pilot.app.screen.query_one(OptionList)
    options.highlighted = options.get_option_index(status)
    await pilot.pause()


# -- toasts and dialogs ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_the_saved_toast_waits_until_the_impact_dialog_is_closed(
    sample: Ledger, size: tuple[int, int]
) -> None:
    app = make_app(sample, poll_seconds=0)
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot)
        await _status_dialog(pilot, "condition", "us-backstop")
        await _choose(pilot, "failed")
        panel = app.screen.query_one(ImpactPanel)
        await wait_for(pilot, lambda: panel.impact is not None)
        await fill(pilot, "note", "the clause was removed")
        await pilot.press("ctrl+s")
        await until_screen(pilot, ImpactDone)
        await pilot.pause(0.2)
        # Nothing covers the dialog: its instruction reads whole on screen.
        assert not app.screen.query(Toast)
        note = app.screen.query_one(".dialog-note", Static)
        region = note.content_region
        lines = screen_text(app).splitlines()[region.y : region.bottom]
        shown = " ".join(" ".join(line[region.x : region.right] for line in lines).split())
        assert shown == " ".join(str(note.visual).split())
        assert shown.endswith("escape closes")
        await pilot.press("escape")
        await until_screen(pilot, RecordScreen)
        assert any("us-backstop" in n for n in notifications(app))


# -- field messages --------------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
async def test_a_field_message_goes_as_soon_as_the_field_is_fixed(
    browser: Ledger, size: tuple[int, int]
) -> None:
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await open_form(pilot, "n")
        await fill(pilot, "announced", "2025-13")
        await pilot.press("tab")
        assert field(app, "announced").problems
        # Back to it, and fixed in place, without leaving it again.
        await pilot.press("shift+tab")
        assert app.screen.focused is field(app, "announced").editor
        assert field(app, "announced").problems
        await pilot.press("end", "backspace", "2")
        assert field(app, "announced").text == "2025-12"
        assert field(app, "announced").problems == []


@pytest.mark.parametrize("size", SIZES)
async def test_typing_a_note_clears_the_evidence_messages_of_a_refused_save(
    browser: Ledger, size: tuple[int, int]
) -> None:
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.open_record("pledge", "gbr-troops")
        await until_screen(pilot, RecordScreen)
        await open_form(pilot, "e")
        await fill(pilot, "status", "stalled")
        await pilot.press("ctrl+s")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, RecordForm)
        assert field(app, "note").problems and field(app, "status").problems
        status_line = form.query_one("#form-status", Static)
        assert "2 problems" in str(status_line.visual)
        await fill(pilot, "note", "no visible progress since the summit")
        # Both messages answered by the note go, and so does the count of problems.
        assert field(app, "note").problems == []
        assert field(app, "status").problems == []
        assert "problem" not in str(status_line.visual)
        assert "ctrl+s save" in str(status_line.visual)


@pytest.mark.parametrize("size", SIZES)
async def test_the_status_dialog_clears_its_refusal_once_a_note_is_typed(
    browser: Ledger, size: tuple[int, int]
) -> None:
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await _status_dialog(pilot, "pledge", "gbr-troops")
        await _choose(pilot, "in_progress")
        await pilot.press("ctrl+s")
        await pilot.pause()
        line = app.screen.query_one("#status-line", Static)
        assert "not saved" in str(line.visual) and field(app, "note").problems
        await fill(pilot, "note", "first units deployed")
        assert field(app, "note").problems == []
        assert str(line.visual) == KEYS_LINE
        assert not app.screen.query_one("#evidence-rule").has_class("-error")


# -- a read-only ledger ----------------------------------------------------------------------------

REASON = "/somewhere/ledger.sqlite is read-only for you; make it writable"


@pytest.fixture
def read_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The file system says the ledger cannot be written (root's tests cannot make it so;
    tests/db/test_read_only.py checks the file system's answer itself)."""
    monkeypatch.setattr("db.files.read_only_problem", lambda path: REASON)


@pytest.mark.parametrize("size", SIZES)
async def test_a_read_only_ledger_is_said_to_be_one_on_opening_and_in_the_top_bar(
    browser: Ledger, read_only: None, size: tuple[int, int]
) -> None:
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot)
        assert "pledges read-only" in screen_text(app).splitlines()[0]
        assert any(REASON in n and "refused" in n for n in notifications(app))
        app.open_record("pledge", "gbr-troops")
        await until_screen(pilot, RecordScreen)
        assert "pledges read-only" in screen_text(app).splitlines()[0]


@pytest.mark.parametrize("size", SIZES)
async def test_a_read_only_ledger_refuses_every_key_that_would_change_it_up_front(
    browser: Ledger, read_only: None, size: tuple[int, int]
) -> None:
    before = browser.revision()
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot)
        app.clear_notifications()
        for key in ("n", "e", "d", "s", "u", "ctrl+r", "i"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, PledgesView), key
            said = notifications(app)
            assert said and "read-only" in said[-1] and REASON in said[-1], key
            app.clear_notifications()
        app.open_record("pledge", "gbr-troops")
        await until_screen(pilot, RecordScreen)
        for key in ("e", "s", "d"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, RecordScreen), key
    assert browser.revision() == before


async def test_a_writable_ledger_has_no_mark(browser: Ledger) -> None:
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        assert "read-only" not in screen_text(app)
        assert not any("read-only" in n for n in notifications(app))
