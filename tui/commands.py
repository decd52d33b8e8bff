"""The command palette (``ctrl+p``): jump to any record by key or title.

Actions are offered by the app (``PledgesApp.get_system_commands`` in :mod:`tui.app`), from the keys
active on the screen. Records come from :class:`RecordCommands`: conditions, actors and sources
(a few hundred) are read once when the palette opens and matched in memory (actors by their
aliases too: ``Norge`` finds Norway); pledges (perhaps a million) are searched in the ledger as
you type, by the start of their key and by full text. Every title is shown as plain text.

The work of one keystroke is bounded, whatever the ledger holds. Records are matched by
:func:`match`, which takes time in proportion to the text (Textual's fuzzy matcher tries every
way the letters could match: minutes and gigabytes on one long title), on the key and the first
:data:`TITLE_CHARS` characters of the title, off the event loop. The ledger's answers are
awaited for :data:`SEARCH_SECONDS` at most: a search that takes longer (a common word on a big
ledger) is left out of this keystroke's answer, and the palette offers to filter the Pledges
view by the words instead, which pages through every match.
"""

from __future__ import annotations

import asyncio
import heapq
import re
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from textual.command import Hit, Hits, Provider
from textual.fuzzy import FuzzySearch

from db.errors import LedgerError
from db.query import Query, Term
from db.vocab import RecordType

from . import render
from .ledger_app import LedgerApp
from .messages import OpenRecord, ShowPledges

if TYPE_CHECKING:
    from textual.content import Content

    from db.ledger import Ledger

#: How many pledges a search asks the ledger for.
PLEDGE_HITS = 20
#: How much of a query, a key and a title is matched: a title the ledger wrote has at most 300
#: characters, but one written by another tool may hold anything.
QUERY_CHARS = 100
KEY_CHARS = 64
TITLE_CHARS = 200
#: How many cells of a title a hit shows under its key.
HELP_CELLS = 100
#: How long one keystroke waits for the ledger (the records read when the palette opened, the
#: pledges searched for it), so that the palette answers within a tenth of a second.
SEARCH_SECONDS = 0.07
#: Matching stops at the deadline too, checking the clock every so many records.
CHECK_EVERY = 256
#: The best records a keystroke shows (a list of hundreds takes longer to draw than to find).
RECORD_HITS = 30
_KEY_LIKE = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")

#: Scores as Textual's own matcher gives them, so that records and actions rank together.
_SCORING = FuzzySearch()

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Candidate:
    record_type: RecordType
    key: str
    title: str
    #: Other names that find it (an actor's aliases: ``Norge`` for Norway), one string.
    names: str = ""


def match(query: str, candidate: str) -> tuple[float, list[int]]:
    """How well ``candidate`` matches the letters of ``query`` (0: not at all), and where.

    Linear in the length of both: the query as a whole (the best), its words in order, or its
    letters in order in the shortest stretch that one pass forward and one back find.
    """
    query, candidate = query.lower(), candidate.lower()
    if not query or not candidate:
        return 0.0, []
    found = candidate.find(query)
    if found >= 0:
        offsets = list(range(found, found + len(query)))
        return _SCORING.score(candidate, offsets) * (2.0 if candidate == query else 1.5), offsets
    offsets = _words_in_order(query, candidate) or _letters_in_order(query, candidate)
    if not offsets:
        return 0.0, []
    return _SCORING.score(candidate, offsets), offsets


def _words_in_order(query: str, candidate: str) -> list[int]:
    words = query.split()
    if len(words) < 2:
        return []
    offsets: list[int] = []
    start = 0
    for word in words:
        found = candidate.find(word, start)
        if found < 0:
            return []
        offsets += range(found, found + len(word))
        start = found + len(word)
    return offsets


def _letters_in_order(query: str, candidate: str) -> list[int]:
    letters = query.replace(" ", "")
    if not letters:
        return []
    end = -1
    for letter in letters:
        end = candidate.find(letter, end + 1)
        if end < 0:
            return []
    # Back from where the last letter matched: the latest start, hence the shortest stretch.
    offsets = [end]
    for letter in reversed(letters[:-1]):
        offsets.append(candidate.rfind(letter, 0, offsets[-1]))
    offsets.reverse()
    return offsets


def rank(
    query: str, records: Sequence[Candidate], deadline: float
) -> list[tuple[Candidate, float, list[int]]]:
    """The best :data:`RECORD_HITS` records that match ``query`` (on their key and the start of
    their title), with their score and the key's matching offsets; stops at ``deadline``
    (``time.monotonic``)."""
    query = query[:QUERY_CHARS]
    found = []
    for index, candidate in enumerate(records):
        if index % CHECK_EVERY == CHECK_EVERY - 1 and time.monotonic() > deadline:
            break
        key_score, offsets = match(query, candidate.key[:KEY_CHARS])
        title_score, _ = match(query, candidate.title[:TITLE_CHARS])
        names_score = match(query, candidate.names[:TITLE_CHARS])[0] if candidate.names else 0.0
        score = max(key_score, title_score * 0.9, names_score * 0.9)
        if score > 0:
            found.append((candidate, score, offsets))
    return heapq.nlargest(RECORD_HITS, found, key=lambda hit: hit[1])


def small_records(ledger: Ledger) -> list[Candidate]:
    """Every condition, actor and source (runs in a thread)."""
    found = [Candidate("condition", c.key, c.title) for c in ledger.conditions()]
    found += [
        Candidate("actor", a.code, a.name, " \u00b7 ".join(a.aliases)) for a in ledger.actors()
    ]
    found += [Candidate("source", s.key, s.title) for s in ledger.sources()]
    return found


def pledges_by_key(ledger: Ledger, text: str) -> list[Candidate]:
    """Pledges whose key is ``text`` or starts with it, in key order (runs in a thread; the
    key's index answers it at once on any ledger)."""
    key = text.strip().lower()
    if not _KEY_LIKE.fullmatch(key):
        return []
    starting = Query((Term("key", (key + "*",)),), f"key:{key}*")
    try:
        rows = ledger.pledge_page(starting, limit=PLEDGE_HITS).rows
    except LedgerError:
        return []
    return [Candidate("pledge", r.key, r.title) for r in rows]


def pledges_by_text(ledger: Ledger, text: str) -> list[Candidate]:
    """Pledges whose text matches ``text`` (runs in a thread)."""
    # The words go in as one text term built here, not parsed: the palette is not the filter
    # line, and "status:" typed here should search for those letters, not fail.
    words = Query((Term(None, (text,)),), text)
    try:
        rows = ledger.pledge_page(words, limit=PLEDGE_HITS).rows
    except LedgerError:
        rows = []
    return [Candidate("pledge", r.key, r.title) for r in rows]


def _help(candidate: Candidate) -> str:
    """The title, and the other names it goes by (what an alias typed found it by)."""
    if not candidate.names:
        return candidate.title
    return f"{candidate.title[:HELP_CELLS]} (also {candidate.names[:HELP_CELLS]})"


def _help_line(text: str) -> str:
    """``text`` as a hit's help line, muted and never parsed as markup. (``Hit.help`` is typed
    ``str``, but the palette parses a string as markup, and takes ``Content`` as it is.)"""
    return render.plain(text, render.MUTED)  # type: ignore[return-value]


def _prompt(candidate: Candidate, offsets: list[int]) -> Content:
    """``condition us-backstop``, the letters that matched the key highlighted."""
    return render.assemble(
        (candidate.record_type + " ", render.MUTED),
        render.highlight(candidate.key[:KEY_CHARS], offsets, "bold reverse"),
    )


class RecordCommands(Provider):
    """Jump to a record by key or title."""

    _ledger: Ledger
    _records: asyncio.Future[list[Candidate]]
    #: One full-text search at a time, and only the latest query's: a search that overran its
    #: time still runs to its end in its thread (taking a core the screen needs), and those
    #: typed meanwhile must not pile up behind it.
    _searches: ThreadPoolExecutor
    _latest: str = ""

    async def startup(self) -> None:
        app = self.app
        assert isinstance(app, LedgerApp)
        self._ledger = app.ledger
        # Not awaited here: on a big ledger reading the records takes a while (the actors'
        # counts), and the first keystrokes should not wait for it.
        self._records = asyncio.ensure_future(self._read_records())
        self._searches = ThreadPoolExecutor(max_workers=1, thread_name_prefix="palette")

    async def shutdown(self) -> None:
        self._searches.shutdown(wait=False, cancel_futures=True)
        self._records.cancel()

    async def _read_records(self) -> list[Candidate]:
        try:
            return await asyncio.to_thread(small_records, self._ledger)
        except LedgerError:
            return []

    def _hit(self, candidate: Candidate, score: float, offsets: list[int]) -> Hit:
        # The palette runs the command once it has closed: the message goes to the screen it
        # was opened on, and on from there to the app.
        open_record: Callable[[], object] = partial(
            self.screen.post_message, OpenRecord(candidate.record_type, candidate.key)
        )
        return Hit(
            score,
            _prompt(candidate, offsets),
            open_record,
            text=f"{candidate.record_type} {render.one_line(candidate.key, KEY_CHARS)}",
            help=_help_line(render.one_line(_help(candidate), HELP_CELLS)),
        )

    async def search(self, query: str) -> Hits:
        query = query[:QUERY_CHARS]
        self._latest = query
        deadline = time.monotonic() + SEARCH_SECONDS
        # The pledges are searched in the ledger while the records are matched. One letter
        # would match nearly every pledge of a big ledger, for nothing a jump could use.
        wanted = max((len(word) for word in query.split()), default=0) >= 2
        by_text = (
            asyncio.wrap_future(self._searches.submit(self._search_pledges, query))
            if wanted
            else None
        )
        by_key = asyncio.ensure_future(asyncio.to_thread(pledges_by_key, self._ledger, query))
        records = await _by(self._records, deadline) or []
        for candidate, score, offsets in await asyncio.to_thread(rank, query, records, deadline):
            yield self._hit(candidate, score, offsets)
        keyed = await _by(by_key, deadline) or []
        pledges = await _by(by_text, deadline) if by_text is not None else []
        seen = {c.key for c in keyed}
        found = keyed + [c for c in pledges or [] if c.key not in seen]
        for position, candidate in enumerate(found):
            key_score, offsets = match(query, candidate.key[:KEY_CHARS])
            title_score, _ = match(query, candidate.title[:TITLE_CHARS])
            score = max(key_score, title_score * 0.9, 0.5 - position / (4 * PLEDGE_HITS))
            yield self._hit(candidate, score, offsets)
        # Always the last hit, and yielded as the search ends: the palette shows its list when
        # a hit arrives and all searches are done, else only at its next tenth-of-a-second look.
        if query.strip():
            yield self._filter_hit(query, answered=pledges is not None)

    def _search_pledges(self, query: str) -> list[Candidate] | None:
        if query != self._latest:
            return None  # typed over before its turn came
        return pledges_by_text(self._ledger, query)

    def _filter_hit(self, query: str, *, answered: bool) -> Hit:
        """The Pledges view filtered by the words: every pledge that matches, page by page."""
        words = render.one_line(query, 40)
        late = "" if answered else "the ledger did not answer in time; "
        return Hit(
            0.1,
            render.assemble(
                ("filter ", render.MUTED), ("pledges: ", ""), (words, render.KEY_STYLE)
            ),
            partial(self.screen.post_message, ShowPledges(query)),
            text=f"filter pledges: {words}",
            help=_help_line(f"{late}every pledge that matches, in the Pledges view"),
        )


async def _by(future: asyncio.Future[T], deadline: float) -> T | None:
    """The future's result, or None if it is not there by ``deadline`` (it runs on)."""
    try:
        return await asyncio.wait_for(
            asyncio.shield(future), timeout=max(deadline - time.monotonic(), 0)
        )
    except TimeoutError:
        return None
    except LedgerError:
        return None
