"""The command palette (``ctrl+p``): jump to any record by key or title, fuzzily.

Actions are offered by the app (:meth:`tui.app.PledgesApp.get_system_commands`), from the keys
active on the screen. Records come from :class:`RecordCommands`: conditions, actors and sources
(a few hundred) are read once when the palette opens and matched in memory; pledges (perhaps a
million) are searched in the ledger as you type, by full text and by exact key. Every ledger
call runs in a thread, off the event loop; every title is shown as plain text.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from textual.command import Hit, Hits, Provider
from textual.fuzzy import Matcher

from db.errors import LedgerError
from db.query import Query, Term

from . import render

if TYPE_CHECKING:
    from .app import PledgesApp

#: How many pledges a search asks the ledger for.
PLEDGE_HITS = 20


@dataclass(frozen=True, slots=True)
class Candidate:
    record_type: str
    key: str
    title: str


def small_records(app: PledgesApp) -> list[Candidate]:
    """Every condition, actor and source (runs in a thread)."""
    ledger = app.ledger
    found = [Candidate("condition", c.key, c.title) for c in ledger.conditions()]
    found += [Candidate("actor", a.code, a.name) for a in ledger.actors()]
    found += [Candidate("source", s.key, s.title) for s in ledger.sources()]
    return found


def pledge_candidates(app: PledgesApp, text: str) -> list[Candidate]:
    """Pledges whose key is ``text``, then pledges whose text matches it (runs in a thread)."""
    ledger = app.ledger
    exact = ledger.pledge_rows([text.strip().lower()]) if text.strip() else []
    # The words go in as one text term built here, not parsed: the palette is not the filter
    # line, and "status:" typed here should search for those letters, not fail.
    words = Query((Term(None, (text,)),), text)
    try:
        rows = ledger.pledge_page(words, limit=PLEDGE_HITS).rows
    except LedgerError:
        rows = []
    seen = {r.key for r in exact}
    return [Candidate("pledge", r.key, r.title) for r in exact] + [
        Candidate("pledge", r.key, r.title) for r in rows if r.key not in seen
    ]


def _prompt(candidate: Candidate, matcher: Matcher) -> object:
    """``condition us-backstop``, the letters that matched the key highlighted."""
    _score, offsets = matcher.fuzzy_search.match(matcher.query, candidate.key)
    return render.assemble(
        (candidate.record_type + " ", render.MUTED),
        render.highlight(candidate.key, offsets, "bold reverse"),
    )


class RecordCommands(Provider):
    """Jump to a record by key or title."""

    _records: list[Candidate]

    @property
    def pledges_app(self) -> PledgesApp:
        return self.app  # type: ignore[return-value]

    async def startup(self) -> None:
        try:
            self._records = await asyncio.to_thread(small_records, self.pledges_app)
        except LedgerError:
            self._records = []

    def _hit(self, candidate: Candidate, score: float, matcher: Matcher) -> Hit:
        open_record: Callable[[], object] = partial(
            self.pledges_app.open_record, candidate.record_type, candidate.key
        )
        return Hit(
            score,
            _prompt(candidate, matcher),  # type: ignore[arg-type]
            open_record,
            text=f"{candidate.record_type} {candidate.key}",
            help=render.plain(render.one_line(candidate.title, 100), render.MUTED),  # type: ignore[arg-type]
        )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for candidate in self._records:
            # Keys and titles are matched, not the type word ("sort" is not "source").
            score = max(matcher.match(candidate.key), matcher.match(candidate.title) * 0.9)
            if score > 0:
                yield self._hit(candidate, score, matcher)
        pledges = await asyncio.to_thread(pledge_candidates, self.pledges_app, query)
        for rank, candidate in enumerate(pledges):
            score = max(
                matcher.match(candidate.key),
                matcher.match(candidate.title) * 0.9,
                0.5 - rank / (4 * PLEDGE_HITS),
            )
            yield self._hit(candidate, score, matcher)
