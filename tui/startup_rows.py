"""The first screen's rows, read while the terminal UI is still being imported.

Importing Textual and building the first screen keep the interpreter busy for most of
start-up; a thread worker started after that waits its turn for the interpreter and only then
reads the first page. So ``pledges`` starts this reader first, in a plain thread, and imports
the UI meanwhile: SQLite does its part without the interpreter lock, and the rows and the count
are there when the pledge table asks for its first listing.

Nothing here imports Textual (that is the point). If the read fails, the table reads again the
usual way, which reports the problem on screen.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

from db.api_types import PledgeRow, Sort
from db.ledger import Ledger
from db.query import Query


@dataclass(frozen=True)
class FirstRows:
    """The default listing (every pledge, sorted by key) as read at start-up."""

    #: The ledger's revision the rows were read at: a change after it is seen by the first poll.
    revision: int
    rows: Sequence[PledgeRow]
    total: int

    @property
    def query(self) -> Query:
        return Query()

    @property
    def sort(self) -> Sort:
        return Sort()


class FirstListing:
    """Reads :class:`FirstRows` in a background thread from the moment it is made."""

    def __init__(self, ledger: Ledger) -> None:
        self._ledger = ledger
        self._rows: FirstRows | None = None
        self._taken = False
        self._thread = threading.Thread(target=self._read, name="pledges-first-rows", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            window = self._ledger.pledge_window(Query(), Sort(), count=True)
        except Exception:
            return
        assert window.total is not None
        self._rows = FirstRows(window.revision, window.pages[0], window.total)

    def take(self, timeout: float = 2.0) -> FirstRows | None:
        """The rows, once (a later listing reads afresh); None if they are not there in time
        or could not be read."""
        if self._taken:
            return None
        self._taken = True
        self._thread.join(timeout)
        return self._rows
