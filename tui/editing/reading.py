"""The time control's dialog (``t``): the date to read the ledger as of, and as recorded on.

``enter`` reads the ledger at what is typed (each field checked by :mod:`db.past`'s rules, a
mistake said under its field); ``escape`` returns to the ledger as it stands today. Dismissed
with the :class:`db.past.Reading` chosen (the present for today).
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from db.past import Reading, ReadingError, reading_date, recording_time

from .. import keys, render
from ..widgets.key_footer import KeyFooter
from .dialogs import Dialog

RULE = (
    "A change counts as of a date once its own date has begun by that date's end: one dated "
    "2025-09 counts as of 2025-09-10 (its status shows since 2025-09, known to the month) and "
    "as of 2025-09, the end of September. [ and ] step to the previous or next dated change."
)


class ReadingDialog(Dialog[Reading]):
    BINDINGS: ClassVar = [keys.binding("form.read"), keys.binding("form.today")]
    DEFAULT_CSS = """
    ReadingDialog Input { width: 40; }
    ReadingDialog .field-error { color: $text-error; height: auto; }
    ReadingDialog .label { margin-top: 1; }
    """

    def __init__(self, current: Reading) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(render.ui("Read the ledger as of a date"), classes="dialog-title")
            yield Static(
                render.ui("In the world as of (2025, 2025-09, 2025-09-04, or -1w, -3m ago):"),
                classes="label",
            )
            yield Input(value=self.current.as_of or "", placeholder="today", id="as-of")
            yield Static("", id="as-of-error", classes="field-error", markup=False)
            yield Static(
                render.ui("As recorded on (a date, or 2025-09-01T12:00:00Z; empty: now):"),
                classes="label",
            )
            yield Input(value=self.current.known_on or "", placeholder="now", id="known-on")
            yield Static("", id="known-on-error", classes="field-error", markup=False)
            yield Static(render.ui(RULE), classes="dialog-note")
        yield KeyFooter()

    def _read(self) -> Reading | None:
        as_of_text = self.query_one("#as-of", Input).value.strip()
        known_text = self.query_one("#known-on", Input).value.strip()
        problems = {"as-of": "", "known-on": ""}
        as_of = known_on = None
        try:
            as_of = reading_date(as_of_text) if as_of_text else None
        except ReadingError as error:
            problems["as-of"] = str(error)
        try:
            known_on = recording_time(known_text) if known_text else None
        except ReadingError as error:
            problems["known-on"] = str(error)
        for name, problem in problems.items():
            self.query_one(f"#{name}-error", Static).update(render.plain(problem))
        if any(problems.values()):
            return None
        return Reading(as_of, known_on)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_read()

    def action_read(self) -> None:
        reading = self._read()
        if reading is not None:
            self.dismiss(reading)

    def action_today(self) -> None:
        self.dismiss(Reading())
