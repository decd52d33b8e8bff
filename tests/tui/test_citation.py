"""The citation ``y`` copies and ``Y`` shows: plain text, whatever the ledger holds, with
control characters and direction marks made visible by the renderer's rule."""

from __future__ import annotations

from textual.widgets import TextArea

from db.ledger import Ledger
from tests.support.foreign import MARKUP, RAW
from tests.support.form_helpers import until_screen
from tests.support.terminal import copied, raw_in_output, recorded
from tests.support.tui import make_app, settle, wait_for
from tui import render
from tui.editing.dialogs import CitationDialog
from tui.screens.records import RecordScreen


async def test_the_citation_shows_stored_controls_and_marks_by_stand_ins(foreign: Ledger) -> None:
    app = make_app(foreign, poll_seconds=0)
    written = recorded(app)
    async with app.run_test(headless=False, size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        app.open_record("pledge", "gbr-troops")
        await settle(pilot)
        await pilot.press("y")
        await wait_for(pilot, lambda: app.clipboard)
        citation = app.clipboard
        assert copied("".join(written)) == [citation]
        assert not any(c != "\n" and render.visible(c) != c for c in citation)
        lines = citation.splitlines()
        assert lines[0] == (
            f'Pledge gbr-troops: "{render.visible(RAW)}" ({render.visible(RAW)} -> Ukraine).'
        )
        assert "\u241b]0;pwned\u2407" in lines[0] and "\u27e8RLO\u27e9evil" in lines[0]
        assert f"{MARKUP} [/]" in lines[0]
        await pilot.press("Y")
        await until_screen(pilot, CitationDialog)
        assert app.screen.query_one(TextArea).text == citation
        assert not app._notifications  # the toast of y is not left over the window
        await pilot.press("escape")
        await until_screen(pilot, RecordScreen)
        # A hostile source (its URL holds an escape sequence), cited by a condition.
        app.open_record("condition", "us-backstop")
        await settle(pilot)
        await pilot.press("y")
        await wait_for(pilot, lambda: app.clipboard != citation)
        source = app.clipboard.splitlines()[-1]
        assert source.startswith('Source: "Air ') and "\u27e8RLO\u27e9evil" in source
        assert source.endswith("https://example.org/]0;url.")  # read cleaned by the ledger
        assert not any(render.visible(c) != c for c in source)
        assert raw_in_output("".join(written)) == []


def test_the_ledger_citation_is_plain_text_without_controls(foreign: Ledger) -> None:
    """Without the UI's rule, a citation is cleaned as the ledger cleans new input."""
    text = foreign.citation("pledge", "gbr-troops")
    assert "\x1b" not in text and "\u009b" not in text and "\x07" not in text
    assert len(text.splitlines()) == 4
