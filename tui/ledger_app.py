"""The app as its screens see it: the ledger they read, whether it may be written, and the
signals by which the app tells every screen that the ledger changed under it.

Screens and dialogs *read* from here (their ``app = getters.app(LedgerApp)`` types
``self.app`` as this); they never call the app to do something, they post one of
:mod:`tui.messages` instead. Keeping this part of the app
apart from :class:`tui.app.PledgesApp` keeps the screens from importing the app that imports
them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import App
from textual.signal import Signal

from db import files
from db.past import Reading

if TYPE_CHECKING:
    from db.ledger import Ledger

    from .startup_rows import FirstListing, FirstRows


class LedgerApp(App[None]):
    """An app over one ledger: what every screen may read from it."""

    def __init__(self, ledger: Ledger, *, first_listing: FirstListing | None = None) -> None:
        super().__init__()
        #: The ledger as it stands; :attr:`ledger` is it read at :attr:`reading`.
        self.present = ledger
        #: The date the ledger is read at (the present: today).
        self.reading = Reading()
        #: Why the ledger file cannot be written, or None. Said on opening, marked in the top
        #: bar, and given by every key that would change the ledger.
        self.file_read_only = files.read_only_problem(ledger.path) if ledger.path else None
        #: The ledger's revision the screens show, once read (the app polls for a newer one).
        self.revision: int | None = None
        #: Published with the new revision when another process (or window) changed the ledger.
        self.ledger_changed: Signal[int] = Signal(self, "ledger-changed")
        #: Published with the date the ledger is to be read at (None: today) when it changes.
        self.reading_date_changed: Signal[str | None] = Signal(self, "reading-date-changed")
        self._first_listing = first_listing
        #: The filter of the pledges, shared by the Pledges view and the Dashboard: each takes
        #: it up when it comes into view.
        self.shared_filter = ""

    @property
    def ledger(self) -> Ledger:
        """The ledger every screen reads: as of the reading date while one is set."""
        return self.present.at(self.reading)

    @ledger.setter
    def ledger(self, ledger: Ledger) -> None:
        self.present = ledger

    @property
    def read_only(self) -> str | None:
        """Why the ledger cannot be changed here, or None: a read-only file, or a reading of
        the past (which is read-only: only today's ledger takes changes)."""
        if self.file_read_only:
            return self.file_read_only
        if not self.reading.is_present:
            return (
                f"You are reading the ledger {reading_label(self.reading)}: the past cannot be "
                "changed. Press T (or t, then escape) to return to today"
            )
        return None

    def take_first_rows(self) -> FirstRows | None:
        """The rows read at start-up for the first listing, once (asked for as late as
        possible, when the first screen is built, to give the reader time)."""
        first, self._first_listing = self._first_listing, None
        rows = first.take() if first is not None else None
        if rows is not None:
            # What the rows show is the ledger at this revision: a poll that read a later one
            # already, or reads one, makes the views read again.
            self.revision = rows.revision
        return rows


def reading_label(reading: Reading) -> str:
    """``as of 2025-03-27``, ``as recorded on 2025-09-01``, both, or ``as it stands``."""
    return reading.describe()
