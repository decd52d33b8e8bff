"""Record forms: every rule checked as a field is left and all of them on save, hostile text
kept exactly, and escape asking before it discards anything."""

from __future__ import annotations

from textual.widgets import Static

from db.ledger import Ledger
from tests.support.form_helpers import (
    field,
    fill,
    left_with,
    notifications,
    open_form,
    until_screen,
)
from tests.support.ledgers import CJK, MARKUP_ACTION, MARKUP_CLOSE, MARKUP_CONDITION, RTL
from tests.support.tui import make_app, pledge_table, screen_text, settle, wait_for
from tui.editing.dialogs import ConfirmDialog
from tui.editing.form import RecordForm
from tui.render import visible
from tui.screens.pledges import PledgesView
from tui.screens.records import RecordScreen


async def test_each_rule_is_explained_next_to_its_field_when_the_field_is_left(
    browser: Ledger,
) -> None:
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await open_form(pilot, "n")
        # Key format, and a key already taken (looked up in the ledger when left).
        assert "'Bad Key' is not a key: 1-64 characters a-z" in left_with_first(
            await left_with(pilot, "key", "Bad Key")
        )
        await left_with(pilot, "key", "gbr-troops")
        await wait_for(pilot, lambda: field(app, "key").problems)
        assert field(app, "key").problems == [
            "a pledge 'gbr-troops' already exists; keys are unique"
        ]
        # Required, and length.
        assert await left_with(pilot, "title", "") == ["is required"]
        assert await left_with(pilot, "title", "x" * 301) == [
            "is 301 characters long; at most 300 are allowed"
        ]
        # Code format (with the fix suggested), and an unknown reference with the nearest one.
        problems = await left_with(pilot, "pledger", "xq")
        assert problems and "not an actor code" in problems[0] and "did you mean XQ?" in problems[0]
        # A known actor's code in another case is that actor (as the CSV reader takes it).
        assert await left_with(pilot, "pledger", "fra") == []
        assert field(app, "pledger").text == "FRA"
        problems = await left_with(pilot, "beneficiary", "UKX")
        assert problems == ["there is no actor 'UKX'; did you mean UKR?; enter creates a new actor"]
        problems = await left_with(pilot, "conditions", "us-backstop; ceasfire")
        assert problems == ["there is no condition 'ceasfire'; did you mean ceasefire?"]
        # A vocabulary, with the nearest word.
        problems = await left_with(pilot, "status", "comitted")
        assert (
            problems and "'comitted' is not a pledge status; did you mean committed?" in problems[0]
        )
        # Partial dates: the accepted forms are named.
        problems = await left_with(pilot, "announced", "2025-13")
        assert problems and "month 13 does not exist" in problems[0]
        problems = await left_with(pilot, "due", "04/09/2025")
        assert problems == ["'04/09/2025' is not a date; use YYYY, YYYY-MM or YYYY-MM-DD"]
        # Amounts, and slugs in a list.
        problems = await left_with(pilot, "amount", "lots")
        assert problems and "'lots' is not a number" in problems[0]
        problems = await left_with(pilot, "delivered", "-3")
        assert problems and "negative" in problems[0]
        problems = await left_with(pilot, "tags", "fine; Not A Slug")
        assert problems and problems[0].startswith("entry 2: 'Not A Slug' is not a slug")
        # Fixing a field clears its problem when it is left again.
        assert await left_with(pilot, "announced", "2025-09") == []
        assert await left_with(pilot, "pledger", "FRA") == []
        # Nothing was written.
        assert browser.count_pledges() == 12


def left_with_first(problems: list[str]) -> str:
    return problems[0] if problems else ""


async def test_save_shows_every_problem_at_once_and_writes_nothing(browser: Ledger) -> None:
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        form = await open_form(pilot, "n")
        await fill(pilot, "amount", "12")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, RecordForm)
        assert field(app, "key").problems == ["is required"]
        assert field(app, "title").problems == ["is required"]
        assert field(app, "pledger").problems == ["is required"]
        status = str(form.query_one("#form-status", Static).visual)
        assert "problems" in status and "nothing was saved" in status
        # The model's rule across fields shows once the fields are valid: an amount needs a unit.
        await fill(pilot, "key", "nld-f35")
        await fill(pilot, "title", "F-35 deliveries")
        await fill(pilot, "pledger", "FRA")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert (
            field(app, "unit").problems
            and "an amount needs a unit" in field(app, "unit").problems[0]
        )
        assert browser.count_pledges() == 12


async def test_actor_code_and_kind_rules_in_the_actor_form(browser: Ledger) -> None:
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await open_form(pilot, "n")
        problems = await left_with(pilot, "code", "nl")
        assert (
            problems
            and "'nl' is not an actor code" in problems[0]
            and "(did you mean NL?)" in problems[0]
        )
        problems = await left_with(pilot, "kind", "country")
        assert problems and "'country' is not a kind of actor" in problems[0]


async def test_a_new_pledge_with_hostile_text_is_saved_selected_and_shown_exactly(
    browser: Ledger,
) -> None:
    app = make_app(browser, poll_seconds=0)
    wording = f"{MARKUP_CLOSE} {CJK}\n{RTL}"
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await open_form(pilot, "n")
        # Typed key by key: the key (above the title, where the form starts), and the pledger
        # completed from "fr" with right. A key typed is kept whatever the title.
        await pilot.press("shift+tab", *"aaa-new-pledge", "tab")
        await fill(pilot, "title", MARKUP_CONDITION)
        assert field(app, "key").text == "aaa-new-pledge"
        field(app, "pledger").editor.focus()
        await pilot.press("f", "r")
        await wait_for(pilot, lambda: field(app, "pledger").editor._suggestion == "FRA")
        await pilot.press("right", "tab")
        assert field(app, "pledger").text == "FRA"
        await fill(pilot, "notes", MARKUP_ACTION)
        await fill(pilot, "text", wording)
        await fill(pilot, "tags", "paris-declaration")
        # An escape sequence pasted into a field never reaches the terminal nor the ledger.
        await fill(pilot, "note", "typed \x1b[31mred\x1b[0m")
        assert field(app, "note").text == "typed [31mred[0m"
        await pilot.press("ctrl+s")
        await until_screen(pilot, PledgesView)
        assert any("Created pledge aaa-new-pledge" in n for n in notifications(app))
        stored = browser.pledge("aaa-new-pledge").pledge
        assert (stored.title, stored.notes, stored.text, stored.pledger) == (
            MARKUP_CONDITION,
            MARKUP_ACTION,
            wording,
            "FRA",
        )
        # Selected in the table (it sorts first), its title shown with its brackets.
        table = pledge_table(app)
        await wait_for(
            pilot, lambda: table.cursor_row is not None and table.cursor_row.key == "aaa-new-pledge"
        )
        line = next(li for li in screen_text(app).splitlines() if "aaa-new-pledge " in li)
        assert "Reassurance force [pendin" in line
        await pilot.press("enter")
        await until_screen(pilot, RecordScreen)
        text = "\n".join(str(w.visual) for w in app.screen.query(Static))
        assert MARKUP_CONDITION in text and MARKUP_ACTION in text
        assert visible(wording, multiline=True) in text
        assert app.is_running


async def test_escape_asks_before_discarding_changes(browser: Ledger) -> None:
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await open_form(pilot, "n")
        await pilot.press("escape")  # nothing typed: closes at once
        await until_screen(pilot, PledgesView)
        await open_form(pilot, "n")
        await fill(pilot, "title", "half-typed")
        await pilot.press("escape")
        await until_screen(pilot, ConfirmDialog)
        await pilot.press("n")
        await until_screen(pilot, RecordForm)
        assert field(app, "title").text == "half-typed"
        await pilot.press("escape")
        await until_screen(pilot, ConfirmDialog)
        await pilot.press("y")
        await until_screen(pilot, PledgesView)
