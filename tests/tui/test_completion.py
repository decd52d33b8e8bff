"""Codes, names and aliases in any case, as the CSV reader and the query language take them:
in the form's completion and fields, the pickers' search and the command palette."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from db import schemas
from db.ledger import Ledger
from tests.support.form_helpers import field, fill, leave, open_form, until_screen
from tests.support.tui import make_app, screen_text, settle, wait_for
from tui.editing.form import RecordForm
from tui.editing.pickers import Picker
from tui.screens.records import RecordScreen


@pytest.fixture
def norway(browser: Ledger) -> Ledger:
    browser.create(
        schemas.Actor(code="NOR", name="Norway", kind="state", aliases=["Norge", "Noreg"])
    )
    return browser


def hint(app, name: str) -> str:  # type: ignore[no-untyped-def]
    return str(field(app, name).query_one(".field-hint", Static).visual)


async def test_a_code_name_or_alias_in_any_case_is_taken_for_the_code(norway: Ledger) -> None:
    app = make_app(norway, poll_seconds=0)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await open_form(pilot, "n")
        await fill(pilot, "key", "nor-fund")
        await fill(pilot, "title", "Norwegian fund")
        for typed in ("nor", "Norway", "NORGE", "noreg"):
            await fill(pilot, "pledger", typed)
            await leave(pilot)
            assert field(app, "pledger").problems == [], typed
            assert field(app, "pledger").text == "NOR"
            assert "NOR: Norway (state)" in hint(app, "pledger")
        await fill(pilot, "beneficiary", "ukr")
        await fill(pilot, "conditions", "Ceasefire; US-BACKSTOP")
        await leave(pilot)
        assert field(app, "conditions").problems == []
        assert field(app, "conditions").values == ["ceasefire", "us-backstop"]
        # A value no actor has is still refused.
        await fill(pilot, "beneficiary", "UKX")
        await leave(pilot)
        assert field(app, "beneficiary").problems[0].startswith("there is no actor 'UKX'")
        await fill(pilot, "beneficiary", "Ukr")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, RecordForm))
        await settle(pilot)
        saved = norway.pledge("nor-fund").pledge
        assert (saved.pledger, saved.beneficiary) == ("NOR", "UKR")
        assert saved.conditions == ["ceasefire", "us-backstop"]


async def test_completion_offers_codes_then_names_and_aliases(norway: Ledger) -> None:
    app = make_app(norway, poll_seconds=0)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await open_form(pilot, "n")
        editor = field(app, "pledger").editor
        assert isinstance(editor, Input)
        editor.focus()
        await pilot.press(*"no")
        await wait_for(pilot, lambda: editor._suggestion == "NOR")
        editor.value = ""
        await pilot.press(*"norw")
        await wait_for(pilot, lambda: editor._suggestion == "Norway")
        await pilot.press("right")  # accepts the completion
        assert editor.value == "Norway" and field(app, "pledger").text == "NOR"
        editor.value = ""
        await pilot.press(*"nor", "g")
        await wait_for(pilot, lambda: editor._suggestion == "Norge")
        # A list field completes its last entry.
        conditions = field(app, "conditions").editor
        assert isinstance(conditions, Input)
        conditions.focus()
        await pilot.press(*"ceasefire; US-B")
        await wait_for(pilot, lambda: conditions._suggestion == "ceasefire; us-backstop")


async def test_a_picker_finds_an_actor_by_its_alias(norway: Ledger) -> None:
    app = make_app(norway, poll_seconds=0)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await open_form(pilot, "n")
        field(app, "pledger").editor.focus()
        await pilot.press("enter")
        await until_screen(pilot, Picker)
        await pilot.press(*"NORGE")
        await pilot.pause()
        assert app.screen.options.get_option_at_index(0).id == "=NOR"
        await pilot.press("enter")
        await until_screen(pilot, RecordForm)
        assert field(app, "pledger").text == "NOR"


async def test_the_palette_finds_an_actor_by_its_alias(norway: Ledger) -> None:
    app = make_app(norway)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        await pilot.press(*"norge")
        await wait_for(pilot, lambda: "actor NOR" in screen_text(app))
        assert "Norway (also Norge \u00b7 Noreg)" in screen_text(app)
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RecordScreen) and app.screen.key == "NOR"
