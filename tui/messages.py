"""What screens ask of the app, as messages: they post one, the app's handlers act on it.

A screen never calls the app to do something: it posts one of these on itself
(``self.post_message(OpenRecord("pledge", key))``), and Textual delivers it to the screen, then,
since messages bubble, to the screen's parent, the app (:class:`tui.app.PledgesApp`), which
handles it. A screen that wants to act first can handle the message itself; it goes on to the
app unless the screen stops it. What the app tells the screens goes the other way, by the
signals of :class:`tui.ledger_app.LedgerApp`.
"""

from __future__ import annotations

from textual.message import Message

from db.vocab import RecordType


class LedgerWritten(Message):
    """A write committed (a save, a status change, a deletion, an import): the app reads the
    ledger's revision at once, so that every view shows the change now rather than at the next
    poll. Posted only after the commit, never for a write that was refused."""


class ShowPledges(Message):
    """Go to the Pledges view, back to its table, filtered by ``query``."""

    def __init__(self, query: str) -> None:
        #: The filter, as text in the filter language (``condition:us-backstop``).
        self.query = query
        super().__init__()


class OpenRecord(Message):
    """Show a record's screen on top of the current view's stack (``escape`` comes back)."""

    def __init__(self, record_type: RecordType, key: str) -> None:
        #: ``pledge``, ``condition``, ``actor`` or ``source``.
        self.record_type = record_type
        #: The record's key (an actor's code).
        self.key = key
        super().__init__()


class Cite(Message):
    """Cite a pledge or a condition: copy its citation to the clipboard, or show it in a window
    to copy by hand (``show``, or a second ``y`` on the same record soon after the first)."""

    def __init__(self, record_type: RecordType, key: str, *, show: bool) -> None:
        self.record_type = record_type
        self.key = key
        #: Show the citation instead of copying it.
        self.show = show
        super().__init__()


class ReadingDateChanged(Message):
    """The date the ledger is read at changed: every view is to show the ledger as of then.
    The app passes it on to every screen (:meth:`tui.screens.base.LedgerScreen.reading_date_changed`)."""

    def __init__(self, as_of: str | None, known_on: str | None = None) -> None:
        #: A date as the ledger writes them, perhaps partial (``2025-09``); None for today.
        self.as_of = as_of
        #: As recorded at this time (a date or a UTC timestamp); None: as recorded now.
        self.known_on = known_on
        super().__init__()
