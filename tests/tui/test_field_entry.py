"""Entering a field: a pre-filled value is selected, so that typing replaces it (a date, a
status), an arrow key puts the cursor in it to edit in place, and a picker opened from a field
goes on from what was typed in it. Checked at 80x24 and at 200x50."""

from __future__ import annotations

import pytest
from textual.widgets import Input, OptionList

from db.ledger import Ledger
from tests.support.form_helpers import field, open_form, until_screen
from tests.support.tui import make_app, settle
from tui.editing.fields import LongText
from tui.editing.form import RecordForm
from tui.editing.pickers import Picker
from tui.editing.status import StatusDialog
from tui.screens.records import RecordScreen

SIZES = [(80, 24), (200, 50)]


async def _tab_to(pilot, name: str) -> None:  # type: ignore[no-untyped-def]
    """Press tab until the field ``name`` has the focus, as an analyst would."""
    editor = field(pilot.app, name).editor
    for _ in range(30):
        if pilot.app.screen.focused is editor:
            return
        await pilot.press("tab")
    raise AssertionError(f"tab never reached {name}")


@pytest.mark.parametrize("size", SIZES)
async def test_typing_into_a_pre_filled_field_entered_by_tab_replaces_it(
    browser: Ledger, size: tuple[int, int]
) -> None:
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await open_form(pilot, "n")
        assert field(app, "kind").text == "state"
        await _tab_to(pilot, "kind")
        await pilot.press(*"coalition")
        assert field(app, "kind").text == "coalition"


@pytest.mark.parametrize("size", SIZES)
async def test_an_arrow_key_puts_the_cursor_in_the_text_to_edit_it_in_place(
    browser: Ledger, size: tuple[int, int]
) -> None:
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await open_form(pilot, "n")
        await _tab_to(pilot, "kind")
        await pilot.press("end", "s")
        assert field(app, "kind").text == "states"
        await pilot.press("home", "right", "x")
        assert field(app, "kind").text == "sxtates"


@pytest.mark.parametrize("size", SIZES)
async def test_the_form_opening_on_a_pre_filled_field_selects_it(
    browser: Ledger, size: tuple[int, int]
) -> None:
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.open_record("pledge", "gbr-troops")
        await until_screen(pilot, RecordScreen)
        await open_form(pilot, "e")
        assert isinstance(app.screen, RecordForm)
        title = field(app, "title")
        assert app.screen.focused is title.editor
        await pilot.press(*"New title")
        assert title.text == "New title"


@pytest.mark.parametrize("size", SIZES)
async def test_the_status_dialog_date_is_replaced_by_what_is_typed(
    browser: Ledger, size: tuple[int, int]
) -> None:
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.open_record("pledge", "gbr-troops")
        await until_screen(pilot, RecordScreen)
        await pilot.press("s")
        await until_screen(pilot, StatusDialog)
        # enter on a status goes on to the date, pre-filled with today.
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.focused is field(app, "effective").editor
        await pilot.press(*"2025-11-29")
        assert field(app, "effective").text == "2025-11-29"


@pytest.mark.parametrize("size", SIZES)
async def test_long_text_entered_by_tab_is_selected_too(
    browser: Ledger, size: tuple[int, int]
) -> None:
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.open_record("condition", "markup-condition")
        await until_screen(pilot, RecordScreen)
        await open_form(pilot, "e")
        description = field(app, "description")
        before = description.text
        assert before
        await _tab_to(pilot, "description")
        editor = description.editor
        assert isinstance(editor, LongText)
        assert editor.selected_text == editor.text
        await pilot.press(*"Met")
        assert description.text == "Met"
        # Replaced by mistake: ctrl+z (the typing, then the replacement) brings it back.
        await pilot.press("ctrl+z", "ctrl+z")
        assert description.text == before


@pytest.mark.parametrize("size", SIZES)
async def test_the_picker_goes_on_from_what_was_typed_in_the_field(
    browser: Ledger, size: tuple[int, int]
) -> None:
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await open_form(pilot, "n")
        await _tab_to(pilot, "beneficiary")
        await pilot.press(*"Ukr")
        await pilot.press("enter")
        await until_screen(pilot, Picker)
        search = app.screen.query_one("#picker-search", Input)
        # What was typed is kept (it stands for UKR, which is highlighted), the cursor after it.
        assert search.value == "Ukr"
        assert app.screen.query_one(OptionList).highlighted_option.id == "=UKR"  # type: ignore[union-attr]
        await pilot.press(*"ai")
        assert search.value == "Ukrai"
        await pilot.press("enter")
        await until_screen(pilot, RecordForm)
        assert field(app, "beneficiary").text == "UKR"


@pytest.mark.parametrize("size", SIZES)
async def test_a_name_begun_in_the_field_is_finished_in_the_picker(
    browser: Ledger, size: tuple[int, int]
) -> None:
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await open_form(pilot, "n")
        await _tab_to(pilot, "pledger")
        await pilot.press(*"Fran", "enter")
        await until_screen(pilot, Picker)
        search = app.screen.query_one("#picker-search", Input)
        await pilot.press(*"ce")
        # "Fran" + "ce" searches France, not "ce".
        assert search.value == "France"
        assert app.screen.query_one(OptionList).highlighted_option.id == "=FRA"  # type: ignore[union-attr]
        await pilot.press("enter")
        await until_screen(pilot, RecordForm)
        assert field(app, "pledger").text == "FRA"
