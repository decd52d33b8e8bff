"""Text written into the ledger file by another tool reaches the terminal only as plain text:
in every view, record screen, form, dialog, picker, the palette and the citation, inputs
included. And a form saves what the analyst sees, not the stand-ins that show it.

The hostile text is written straight into the SQLite file with ``sqlite3``, as another tool
would write it, bypassing every rule of the ledger; what the app writes to the terminal is
kept by a recording driver (tests/support/terminal.py) and searched for anything raw.
"""

from __future__ import annotations

from textual.command import CommandPalette
from textual.widgets import Static, TextArea

from db.ledger import Ledger
from tests.support.foreign import LONG, MARKS, MARKUP, RAW
from tests.support.form_helpers import field, open_form, until_screen
from tests.support.terminal import copied, raw_in_output, raw_on_screen, recorded
from tests.support.tui import make_app, screen_text, settle, wait_for
from tui import render
from tui.editing.delete import DeleteDialog
from tui.editing.dialogs import CitationDialog, ConfirmDialog
from tui.editing.form import RecordForm
from tui.editing.pickers import Picker
from tui.editing.status import StatusDialog
from tui.screens.records import RecordScreen


async def test_no_stored_text_reaches_the_terminal_raw(foreign: Ledger) -> None:
    app = make_app(foreign, poll_seconds=0)
    written = recorded(app)

    def nothing_raw(where: str) -> None:
        output = "".join(written)
        written.clear()
        assert raw_in_output(output) == [], where
        assert raw_on_screen(app) == [], where

    async def back() -> None:
        await pilot.press("escape")
        await settle(pilot)

    async with app.run_test(headless=False, size=(160, 60)) as pilot:
        await settle(pilot)
        nothing_raw("the pledges view")
        for key in ("2", "3", "4", "5", "1"):
            await pilot.press(key)
            await settle(pilot)
            nothing_raw(f"view {key}")
        for record_type, key in (
            ("pledge", "gbr-troops"),
            ("pledge", "gbr-missiles"),
            ("condition", "commons-vote"),
            ("actor", "GBR"),
            ("source", "elysee-2025-09-02"),
        ):
            app.open_record(record_type, key)
            await settle(pilot)
            assert isinstance(app.screen, RecordScreen)
            nothing_raw(f"the screen of {record_type} {key}")
            form = await open_form(pilot, "e")
            assert form.key == key
            nothing_raw(f"the form of {record_type} {key}")
            if record_type in ("pledge", "condition"):
                await back()
                await pilot.press("s")
                await until_screen(pilot, StatusDialog)
                nothing_raw(f"the status dialog of {record_type} {key}")
            await back()
            await pilot.press("d")
            await until_screen(pilot, DeleteDialog)
            nothing_raw(f"the delete dialog of {record_type} {key}")
            await back()
            await back()
        # A picker lists the actors by name, the hostile one among them.
        app.open_record("pledge", "gbr-troops")
        await settle(pilot)
        await open_form(pilot, "e")
        field(app, "pledger").editor.focus()
        await pilot.press("enter")
        await until_screen(pilot, Picker)
        assert "GBR" in screen_text(app)
        nothing_raw("the actor picker")
        await back()
        await back()
        # The citation, copied and shown.
        await pilot.press("y")
        await wait_for(pilot, lambda: app.clipboard)
        await pilot.press("Y")
        await until_screen(pilot, CitationDialog)
        output = "".join(written)
        assert copied(output) == [app.clipboard]
        nothing_raw("the citation")
        await back()
        await back()
        # The palette, by a word of the hostile titles.
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"air")
        await wait_for(pilot, lambda: "pledge gbr-troops" in screen_text(app))
        await pilot.pause(0.3)
        nothing_raw("the palette")
        assert app.is_running


async def test_a_form_shows_stored_text_made_visible_and_markup_as_it_is(foreign: Ledger) -> None:
    app = make_app(foreign, poll_seconds=0)
    async with app.run_test(size=(160, 60)) as pilot:
        await settle(pilot)
        app.open_record("pledge", "gbr-troops")
        await settle(pilot)
        await open_form(pilot, "e")
        title = field(app, "title")
        assert title.shown == render.editable(RAW)
        assert title.text == RAW  # the stand-ins are turned back before anything is checked
        assert MARKUP in title.shown and "[/] 乌克兰" in title.shown
        assert "\u241b]0;pwned\u2407" in title.shown and "\u27e8RLM\u27e9" in title.shown
        shown = screen_text(app)
        assert f"{MARKUP} [/]" in shown and "\u241b[2J" in shown
        # Under the field: what the stand-ins are and what saving keeps of them.
        note = title.stand_ins_note()
        assert "\u241b \u2407" in note and "removed on save" in note
        assert "\u27e8RLM\u27e9" in note and "kept as they are" in note
        assert str(title.query_one(".field-hint", Static).visual) == note
        # Long text keeps its line breaks and tabs in the editor; the rest is made visible.
        wording = field(app, "text")
        assert isinstance(wording.editor, TextArea)
        assert wording.shown == render.editable(RAW, multiline=True) + "\nsecond line\twith a tab"
        await pilot.press("escape")
        await until_screen(pilot, RecordScreen)
        # A list field (tags) and a ten-kilobyte title.
        app.open_record("pledge", "gbr-missiles")
        await settle(pilot)
        await open_form(pilot, "e")
        assert field(app, "tags").shown == "ukef\u241b[2J\u27e8ZWSP\u27e9"
        assert field(app, "tags").values == ["ukef\x1b[2J\u200b"]
        assert field(app, "title").text == LONG


async def test_a_record_the_schemas_refuse_is_shown_as_stored(foreign: Ledger) -> None:
    """A 10 kB title is more than the schemas take: the record is read as stored, its amount
    as the text SQLite holds, and its screen shows it all the same."""
    app = make_app(foreign, poll_seconds=0)
    async with app.run_test(size=(160, 60)) as pilot:
        await settle(pilot)
        app.open_record("pledge", "gbr-missiles")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RecordScreen)
        text = "\n".join(str(w.visual) for w in screen.body.query(Static))
        assert LONG in text
        assert "1,600,000,000 GBP pledged" in text


async def test_saving_keeps_marks_removes_controls_and_never_saves_a_stand_in(
    foreign: Ledger,
) -> None:
    app = make_app(foreign, poll_seconds=0)
    async with app.run_test(size=(160, 60), notifications=True) as pilot:
        await settle(pilot)
        # A title of direction marks and zero-width characters only, left as it is, and the
        # notes edited around their stand-ins.
        app.open_record("pledge", "usa-air-support")
        await settle(pilot)
        await open_form(pilot, "e")
        assert field(app, "title").shown == render.editable(MARKS)
        notes = field(app, "notes")
        notes.set_text(MARKS)
        editor = notes.editor
        editor.focus()
        # Entering the field selects it all; the cursor put at the end edits in place.
        await pilot.pause()
        editor.move_cursor(editor.document.end)
        await pilot.press(*" and more")
        await pilot.press("ctrl+s")
        await until_screen(pilot, RecordScreen)
        saved = foreign.pledge("usa-air-support").pledge
        assert saved.title == MARKS
        assert saved.notes == MARKS + " and more"
        # A title with escape sequences, one word changed: the controls go (the ledger keeps
        # none), the marks and the markup stay, and no stand-in becomes text.
        app.open_record("pledge", "gbr-troops")
        await settle(pilot)
        await open_form(pilot, "e")
        title = field(app, "title")
        title.editor.value = title.shown.replace("Air", "Sea")
        await pilot.press("ctrl+s")
        await until_screen(pilot, RecordScreen)
        saved = foreign.pledge("gbr-troops").pledge
        for value in (saved.title, saved.notes, saved.text):
            assert value is not None
            assert not any(c in value for c in "\u241b\u2407\u27e8\u27e9"), value
            assert "\x1b" not in value and "\u009b" not in value
            assert MARKS in value and MARKUP in value
        assert saved.title.startswith("Sea ]0;pwned clip ]52;c;cHduZWQ= wipe [2J c1 31m")
        assert saved.text is not None and saved.text.endswith("\nsecond line\twith a tab")


async def test_discarding_a_form_of_stored_text_asks_only_after_a_change(
    foreign: Ledger,
) -> None:
    app = make_app(foreign, poll_seconds=0)
    async with app.run_test(size=(160, 60)) as pilot:
        await settle(pilot)
        app.open_record("condition", "commons-vote")
        await settle(pilot)
        form = await open_form(pilot, "e")
        assert isinstance(form, RecordForm) and not form.changed
        await pilot.press("escape")
        await until_screen(pilot, RecordScreen)
        await open_form(pilot, "e")
        field(app, "title").editor.value += "!"
        await pilot.press("escape")
        await until_screen(pilot, ConfirmDialog)
