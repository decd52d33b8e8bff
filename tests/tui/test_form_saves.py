"""Saving forms: pickers with type-to-search and records created from them, the cursor on the
record saved, failed writes that keep what was typed, and conflicts with a second connection."""

from __future__ import annotations

from textual.widgets import Static

from db import schemas
from db.ledger import Ledger
from tests.support.form_helpers import field, fill, notifications, open_form, until_screen
from tests.support.tui import make_app, settle, wait_for
from tui.editing.conflict import ConflictScreen
from tui.editing.dialogs import MessageDialog
from tui.editing.form import RecordForm
from tui.editing.pickers import Picker
from tui.screens.lists import RecordsView
from tui.screens.pledges import PledgesView


async def test_a_picker_searches_as_you_type_and_creates_a_missing_actor(browser: Ledger) -> None:
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await open_form(pilot, "n")
        field(app, "pledger").editor.focus()
        await pilot.press("enter")
        await until_screen(pilot, Picker)
        await pilot.press(*"kingdom")
        await pilot.pause()
        options = app.screen.options
        assert options.get_option_at_index(0).id == "=GBR"
        await pilot.press("enter")
        await until_screen(pilot, RecordForm)
        assert field(app, "pledger").text == "GBR"
        assert "United Kingdom" in str(
            field(app, "pledger").query_one(".field-hint", Static).visual
        )
        # A beneficiary that does not exist yet: created from the picker, in a nested form.
        field(app, "beneficiary").editor.focus()
        await pilot.press("enter")
        await until_screen(pilot, Picker)
        await pilot.press(*"NLD")
        await pilot.pause()
        assert app.screen.options.highlighted_option.id == "\0new"
        await pilot.press("enter")
        await until_screen(pilot, RecordForm)
        nested = app.screen
        assert field(app, "code").text == "NLD"
        await fill(pilot, "name", "Netherlands")
        await pilot.press("ctrl+s")
        await wait_for(
            pilot, lambda: app.screen is not nested and isinstance(app.screen, RecordForm)
        )
        await settle(pilot)
        assert field(app, "beneficiary").text == "NLD"
        assert browser.actor("NLD").actor.name == "Netherlands"
        # A list field: enter adds or removes the highlighted entry, ctrl+s keeps them.
        field(app, "conditions").editor.focus()
        await pilot.press("enter")
        await until_screen(pilot, Picker)
        await pilot.press(*"cease", "enter")
        await pilot.press("ctrl+a", "ctrl+k", *"vote", "enter", "ctrl+s")
        await until_screen(pilot, RecordForm)
        assert field(app, "conditions").values == ["ceasefire", "commons-vote"]


async def test_editing_keeps_the_cursor_on_the_record_and_says_saved(browser: Ledger) -> None:
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        view = app.screen
        assert isinstance(view, RecordsView)
        view.select("condition", "us-backstop")
        await open_form(pilot, "e")
        assert (
            field(app, "key").fixed and field(app, "title").text == "Confirmation of U.S. support"
        )
        assert field(app, "sources").text == "elysee-2025-09-02"
        await fill(pilot, "title", "Confirmation of U.S. support [backstop]")
        await pilot.press("ctrl+s")
        await until_screen(pilot, RecordsView)
        assert any("Saved condition us-backstop" in n for n in notifications(app))
        row = lambda: view.table.cursor_row  # noqa: E731
        await wait_for(pilot, lambda: row().cells[1][0].endswith("[backstop]"))
        assert row().key == "us-backstop"
        assert browser.condition("us-backstop").condition.title.endswith("[backstop]")


async def test_a_refused_save_is_explained_and_keeps_what_was_typed(
    browser: Ledger, second: Ledger
) -> None:
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await open_form(pilot, "n")
        await fill(pilot, "key", "race-pledge")
        await fill(pilot, "title", "Typed with care")
        await fill(pilot, "pledger", "FRA")
        # Someone takes the key between the check on leaving the field and the save.
        second.create(schemas.Pledge(key="race-pledge", title="Theirs", pledger="USA"))
        await pilot.press("ctrl+s")
        await until_screen(pilot, MessageDialog)
        dialog_text = "\n".join(str(w.visual) for w in app.screen.query(Static))
        assert "Not saved" in dialog_text and "already exists" in dialog_text
        await pilot.press("escape")
        await until_screen(pilot, RecordForm)
        assert field(app, "title").text == "Typed with care"
        assert field(app, "key").problems == [
            "a pledge 'race-pledge' already exists; keys are unique"
        ]
        assert browser.pledge("race-pledge").pledge.title == "Theirs"


async def _conflicting_edit(app, pilot, second: Ledger) -> None:  # type: ignore[no-untyped-def]
    view = app.screen
    table = view.table
    index = next(i for i in range(table.row_count) if table.row_at(i).key == "gbr-troops")
    table.move_cursor(index)
    await open_form(pilot, "e")
    await fill(pilot, "title", "Mine: UK troops")
    await fill(pilot, "category", "diplomatic")
    # Between opening and saving, a colleague changes the same pledge.
    stored = second.pledge("gbr-troops")
    second.update(
        stored.pledge.model_copy(update={"title": "Theirs: UK troops", "due": "2026"}),
        version=stored.version,
    )
    await pilot.press("ctrl+s")
    await until_screen(pilot, ConflictScreen)
    text = "\n".join(str(w.visual) for w in app.screen.query(Static))
    assert "title  (both changed it)" in text
    assert "yours:  Mine: UK troops" in text and "theirs: Theirs: UK troops" in text
    assert "due  (they changed it)" in text and "theirs: 2026" in text
    assert "category  (you changed it)" in text and "yours:  diplomatic" in text


async def test_a_conflict_shows_both_versions_and_reload_takes_theirs(
    browser: Ledger, second: Ledger
) -> None:
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await _conflicting_edit(app, pilot, second)
        await pilot.press("r")
        await until_screen(pilot, RecordForm)
        assert field(app, "title").text == "Theirs: UK troops"
        assert field(app, "due").text == "2026" and field(app, "category").text == "troops"
        await fill(pilot, "title", "Theirs, then mine")
        await pilot.press("ctrl+s")
        await until_screen(pilot, PledgesView)
        stored = browser.pledge("gbr-troops").pledge
        assert (stored.title, stored.due, stored.category) == (
            "Theirs, then mine",
            "2026",
            "troops",
        )


async def test_a_conflict_can_be_overwritten_knowingly(browser: Ledger, second: Ledger) -> None:
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await _conflicting_edit(app, pilot, second)
        await pilot.press("escape")  # back to the form first: nothing lost, nothing saved
        await until_screen(pilot, RecordForm)
        assert field(app, "title").text == "Mine: UK troops"
        assert browser.pledge("gbr-troops").pledge.title == "Theirs: UK troops"
        await pilot.press("ctrl+s")
        await until_screen(pilot, ConflictScreen)
        await pilot.press("o")
        await until_screen(pilot, PledgesView)
        stored = browser.pledge("gbr-troops").pledge
        # Yours, over theirs, field by field: their due date is replaced by yours (none).
        assert (stored.title, stored.category, stored.due) == (
            "Mine: UK troops",
            "diplomatic",
            None,
        )
