"""Helpers for the editing tests: typing into forms and dialogs, waiting for them."""

from __future__ import annotations

from textual import events
from textual.pilot import Pilot
from textual.widgets import TextArea

from tests.support.tui import settle, wait_for
from tui.app import PledgesApp
from tui.editing.fields import FormField
from tui.editing.form import RecordForm


def field(app: PledgesApp, name: str) -> FormField:
    return app.screen.query_one(f"#field-{name}", FormField)


async def fill(pilot: Pilot[None], name: str, text: str) -> None:
    """Replace a field's text with ``text``, pasted as a terminal pastes (to the focused field)."""
    target = field(pilot.app, name)  # type: ignore[arg-type]
    editor = target.editor
    editor.focus()
    if isinstance(editor, TextArea):
        editor.load_text("")
    else:
        editor.value = ""
    if text:
        pilot.app.post_message(events.Paste(text))
    await pilot.pause()


async def leave(pilot: Pilot[None]) -> None:
    """Leave the focused field (tab), as an analyst moving on would."""
    await pilot.press("tab")


async def left_with(pilot: Pilot[None], name: str, text: str) -> list[str]:
    """Type ``text`` into a field, leave it, and return the problems it then shows."""
    await fill(pilot, name, text)
    await leave(pilot)
    return field(pilot.app, name).problems  # type: ignore[arg-type]


async def open_form(pilot: Pilot[None], key: str) -> RecordForm:
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, RecordForm))
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, RecordForm)
    return form


async def until_screen(pilot: Pilot[None], kind: type, timeout: float = 5.0) -> None:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, kind), timeout)
    await settle(pilot)


def notifications(app: PledgesApp) -> list[str]:
    return [n.message for n in app._notifications]
