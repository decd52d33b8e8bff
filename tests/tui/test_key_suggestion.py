"""A new pledge, condition or source is offered a key made from its title: shown in the key
field as the title is typed, kept by leaving it (or by passing through the field), replaced by
typing over it, numbered when taken. Actors are offered no code."""

from __future__ import annotations

import pytest

from db.ledger import Ledger
from tests.support.form_helpers import field, fill, open_form, until_screen
from tests.support.tui import make_app, settle, wait_for
from tui.editing.dialogs import ConfirmDialog
from tui.editing.form import SUGGESTED, RecordForm
from tui.screens.pledges import PledgesView

SIZES = [(80, 24), (200, 50)]


async def _type_title(pilot, title: str, key: str) -> None:  # type: ignore[no-untyped-def]
    """Type ``title`` where the form starts (the title) and wait for the key it suggests."""
    assert pilot.app.screen.focused is field(pilot.app, "title").editor
    await pilot.press(*title)
    await wait_for(pilot, lambda: field(pilot.app, "key").text == key)


@pytest.mark.parametrize("size", SIZES)
async def test_the_key_follows_the_title_and_is_saved_as_shown(
    browser: Ledger, size: tuple[int, int]
) -> None:
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await open_form(pilot, "n")
        await _type_title(pilot, "Air policing over Élysée", "air-policing-over-elysee")
        key = field(app, "key")
        assert key.note == SUGGESTED
        # In view while the title is typed: never saved unseen.
        form = app.screen
        assert isinstance(form, RecordForm)
        body = form.query_one("#form-fields")
        assert key.region.overlaps(body.region)
        await fill(pilot, "pledger", "FRA")
        await pilot.press("ctrl+s")
        await until_screen(pilot, PledgesView)
        assert browser.pledge("air-policing-over-elysee").pledge.title == (
            "Air policing over Élysée"
        )


@pytest.mark.parametrize("size", SIZES)
async def test_a_taken_key_is_numbered(browser: Ledger, size: tuple[int, int]) -> None:
    assert "ceasefire" in browser.keys("condition")
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await open_form(pilot, "n")
        await _type_title(pilot, "Ceasefire", "ceasefire-2")


@pytest.mark.parametrize("size", SIZES)
async def test_typing_over_the_suggestion_makes_the_key_the_analysts(
    browser: Ledger, size: tuple[int, int]
) -> None:
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await open_form(pilot, "n")
        await _type_title(pilot, "Air policing", "air-policing")
        await pilot.press("shift+tab")
        assert app.screen.focused is field(app, "key").editor
        # Entering the field selects the suggestion: typing replaces it.
        await pilot.press(*"fra-air-2026")
        assert field(app, "key").text == "fra-air-2026"
        assert field(app, "key").note == ""
        await pilot.press("tab", *" of the Baltics")
        await pilot.pause(0.3)
        assert field(app, "key").text == "fra-air-2026"


@pytest.mark.parametrize("size", SIZES)
async def test_passing_through_the_key_field_keeps_the_suggestion(
    browser: Ledger, size: tuple[int, int]
) -> None:
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await open_form(pilot, "n")
        await _type_title(pilot, "Air policing", "air-policing")
        await pilot.press("shift+tab", "tab")
        assert app.screen.focused is field(app, "title").editor
        await pilot.press("end", *" of the Baltics")
        await pilot.pause(0.3)
        assert field(app, "title").text == "Air policing of the Baltics"
        assert field(app, "key").text == "air-policing"


async def test_a_record_created_from_a_picker_is_offered_a_key_for_its_title(
    browser: Ledger,
) -> None:
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(RecordForm("source", initial={"title": "Élysée statement of 4 Sep"}))
        await until_screen(pilot, RecordForm)
        await wait_for(pilot, lambda: field(app, "key").text == "elysee-statement-of-4-sep")
        # The form starts where there is something to fill, not in the suggested key.
        assert app.screen.focused is not field(app, "key").editor
        # Nothing typed yet: escape leaves without asking.
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, (RecordForm, ConfirmDialog))


async def test_an_actor_is_offered_no_code(browser: Ledger) -> None:
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await open_form(pilot, "n")
        await fill(pilot, "name", "Kingdom of Norway")
        await pilot.pause(0.3)
        assert field(app, "code").text == ""
