"""The pledge table's window onto a listing: pages by index, the rows around a pledge, and
all that one repaint shows, worked out from a :class:`ListingReader`.

The table shows a window onto a listing (a query in a sort order) that may hold a million
pledges: it keeps pages of :data:`PAGE_SIZE` rows by index and asks for the few in and near
view. A page is read by keyset from a known neighbouring page when there is one (the same cost
anywhere in the list), else by offset from the nearer end. After a re-sort or a refresh the
rows around the cursor's pledge are read by keyset from the pledge itself and painted at once,
before its position in the whole listing (a count of the rows before it) is known.

Nothing here opens a transaction or knows SQL: :class:`db.ledger.Ledger` hands these
functions a reader bound to one read transaction, so everything one repaint shows is read from
one snapshot of the ledger.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from .query import Query, Term
from .records import Cursor, PledgeRow, PledgeWindow, RowsAround

#: Rows in a page of the pledge table.
PAGE_SIZE = 100


class ListingReader(Protocol):
    """One listing (a query and a sort) read inside one read transaction."""

    @property
    def query(self) -> Query:
        """What the listing selects."""
        ...

    def page(
        self,
        limit: int,
        *,
        after: Cursor | None = None,
        before: Cursor | None = None,
        offset: int = 0,
        from_end: bool = False,
    ) -> Sequence[PledgeRow]:
        """Up to ``limit`` rows in display order (see :meth:`db.ledger.Ledger.pledge_page`)."""
        ...

    def rows(self, keys: Sequence[str]) -> list[PledgeRow]:
        """The rows of these pledges, listed or not, in no particular order."""
        ...

    def position(self, key: str) -> int | None:
        """Where pledge ``key`` is in the listing (0-based), or None if it is left out."""
        ...

    def count(self, query: Query) -> int:
        """How many pledges match ``query`` (the listing's, or another)."""
        ...

    def revision(self) -> int:
        """The ledger's revision in this transaction."""
        ...


def fetch_page(
    reader: ListingReader,
    index: int,
    known: Mapping[int, Sequence[PledgeRow]],
    total: int | None,
) -> Sequence[PledgeRow]:
    """Page ``index`` of the listing: by keyset from a known neighbouring page when there is
    one, else by offset from the nearer end (``total``, when known, says which is nearer)."""
    before_page, after_page = known.get(index - 1), known.get(index + 1)
    if before_page:
        return reader.page(PAGE_SIZE, after=before_page[-1].cursor)
    if after_page:
        return reader.page(PAGE_SIZE, before=after_page[0].cursor)
    start = index * PAGE_SIZE
    if total is not None and start > total // 2:
        end = min(start + PAGE_SIZE, total)
        return reader.page(max(end - start, 0), offset=total - end, from_end=True)
    return reader.page(PAGE_SIZE, offset=start)


def fetch_pages(
    reader: ListingReader,
    indexes: Sequence[int],
    known: Mapping[int, Sequence[PledgeRow]],
    total: int | None,
) -> dict[int, Sequence[PledgeRow]]:
    """Pages ``indexes``, read in that order, each page read serving as a known neighbour of
    the next (``known``: the pages already held, or just their edge rows)."""
    pages = dict(known)
    found: dict[int, Sequence[PledgeRow]] = {}
    for index in indexes:
        found[index] = pages[index] = fetch_page(reader, index, pages, total)
    return found


def with_key(query: Query, key: str) -> Query:
    """``query`` narrowed to the one pledge ``key``."""
    # The source names the query (the ledger may cache by it), so it must say the same.
    return Query((*query.terms, Term("key", (key,))), f"{query.source} key:{key}".strip())


def rows_around(reader: ListingReader, key: str, above: int, below: int) -> RowsAround | None:
    """Pledge ``key`` in the listing with up to ``above`` rows before it and ``below`` after,
    read by keyset from the pledge itself; None if the listing leaves the pledge out."""
    found = reader.rows([key])
    query = reader.query
    if not found or (query and not reader.count(with_key(query, key))):
        return None
    row = found[0]
    before = reader.page(above, before=row.cursor) if above else []
    after = reader.page(below, after=row.cursor) if below else []
    return RowsAround(tuple(before), row, tuple(after))


def page_around(reader: ListingReader, row: PledgeRow, position: int) -> Sequence[PledgeRow]:
    """The page holding ``row``, which is at ``position`` in the listing, read by keyset."""
    offset = position % PAGE_SIZE
    before = reader.page(offset, before=row.cursor) if offset else []
    rest = PAGE_SIZE - offset - 1
    after = reader.page(rest, after=row.cursor) if rest else []
    return [*before, row, *after]


def window(
    reader: ListingReader,
    *,
    anchor: str | None,
    cursor: int,
    screen_row: int,
    height: int,
    total: int | None,
    count: bool,
) -> PledgeWindow:
    """What one repaint of the table shows: the pages in view, the cursor on pledge ``anchor``
    if the listing holds it (else at ``cursor``), at ``screen_row`` of a screen of ``height``
    rows as far as the listing allows; with ``count``, the listing's count as well.

    ``total`` is the count known from before (a re-sort or a refresh of the same query); it
    keeps the cursor within the listing and says from which end a far page is read.
    """
    revision = reader.revision()
    counted = reader.count(reader.query) if count else None
    if counted is not None:
        total = counted
    pages: dict[int, Sequence[PledgeRow]] = {}
    position = reader.position(anchor) if anchor is not None else None
    if anchor is not None and position is not None:
        found = reader.rows([anchor])
        if found:
            pages[position // PAGE_SIZE] = page_around(reader, found[0], position)
    at = position if position is not None else cursor
    if total is not None:
        at = min(at, max(total - 1, 0))
    first_row = max(at - screen_row, 0)
    wanted = range(first_row // PAGE_SIZE, (first_row + height) // PAGE_SIZE + 1)
    for index in sorted(wanted, key=lambda i: abs(i - at // PAGE_SIZE)):
        if index not in pages:
            pages[index] = fetch_page(reader, index, pages, total)
    return PledgeWindow(pages, at, at - first_row, counted, position, revision)
