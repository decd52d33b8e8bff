"""The pledge table's window onto a listing: pages by index, the rows around a pledge, and
all that one repaint shows.

The table shows a window onto a listing (a query in a sort order) that may hold a million
pledges: it keeps pages of :data:`PAGE_SIZE` rows by index and asks for the few in and near
view. A page is read by keyset from a known neighbouring page when there is one (the same cost
anywhere in the list), else by offset from the nearer end. After a re-sort or a refresh the
rows around the cursor's pledge are read by keyset from the pledge itself and painted at once,
before its position in the whole listing (a count of the rows before it) is known.

Nothing here opens a transaction or writes SQL: :class:`db.ledger.Ledger` hands these
functions a :class:`db.paging.Listing` bound to one read transaction, so everything one
repaint shows is read from one snapshot of the ledger.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from .api_types import PledgeRow, PledgeWindow, RowsAround
from .query import Query, Term

if TYPE_CHECKING:
    from .paging import Listing

#: Rows in a page of the pledge table.
PAGE_SIZE = 100


def fetch_page(
    listing: Listing,
    index: int,
    known: Mapping[int, Sequence[PledgeRow]],
    total: int | None,
) -> Sequence[PledgeRow]:
    """Page ``index`` of the listing: by keyset from a known neighbouring page when there is
    one, else by offset from the nearer end (``total``, when known, says which is nearer)."""
    before_page, after_page = known.get(index - 1), known.get(index + 1)
    if before_page:
        return listing.page(PAGE_SIZE, after=before_page[-1].cursor).rows
    if after_page:
        return listing.page(PAGE_SIZE, before=after_page[0].cursor).rows
    start = index * PAGE_SIZE
    if total is not None and start > total // 2:
        end = min(start + PAGE_SIZE, total)
        return listing.page(max(end - start, 0), offset=total - end, from_end=True).rows
    return listing.page(PAGE_SIZE, offset=start).rows


def fetch_pages(
    listing: Listing,
    indexes: Sequence[int],
    known: Mapping[int, Sequence[PledgeRow]],
    total: int | None,
) -> dict[int, Sequence[PledgeRow]]:
    """Pages ``indexes``, read in that order, each page read serving as a known neighbour of
    the next (``known``: the pages already held, or just their edge rows)."""
    pages = dict(known)
    found: dict[int, Sequence[PledgeRow]] = {}
    for index in indexes:
        found[index] = pages[index] = fetch_page(listing, index, pages, total)
    return found


def with_key(query: Query, key: str) -> Query:
    """``query`` narrowed to the one pledge ``key``."""
    # The source names the query (the ledger may cache by it), so it must say the same.
    return Query((*query.terms, Term("key", (key,))), f"{query.source} key:{key}".strip())


def rows_around(listing: Listing, key: str, above: int, below: int) -> RowsAround | None:
    """Pledge ``key`` in the listing with up to ``above`` rows before it and ``below`` after,
    read by keyset from the pledge itself; None if the listing leaves the pledge out."""
    found = listing.rows([key])
    query = listing.query
    if not found or (query and not listing.count(with_key(query, key))):
        return None
    row = found[0]
    before = listing.page(above, before=row.cursor).rows if above else []
    after = listing.page(below, after=row.cursor).rows if below else []
    return RowsAround(tuple(before), row, tuple(after))


def page_around(listing: Listing, row: PledgeRow, position: int) -> Sequence[PledgeRow]:
    """The page holding ``row``, which is at ``position`` in the listing, read by keyset."""
    offset = position % PAGE_SIZE
    before = listing.page(offset, before=row.cursor).rows if offset else []
    rest = PAGE_SIZE - offset - 1
    after = listing.page(rest, after=row.cursor).rows if rest else []
    return [*before, row, *after]


def window(
    listing: Listing,
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
    revision = listing.revision()
    counted = listing.count(listing.query) if count else None
    if counted is not None:
        total = counted
    pages: dict[int, Sequence[PledgeRow]] = {}
    position = listing.position(anchor) if anchor is not None else None
    if anchor is not None and position is not None:
        found = listing.rows([anchor])
        if found:
            pages[position // PAGE_SIZE] = page_around(listing, found[0], position)
    at = position if position is not None else cursor
    if total is not None:
        at = min(at, max(total - 1, 0))
    first_row = max(at - screen_row, 0)
    wanted = range(first_row // PAGE_SIZE, (first_row + height) // PAGE_SIZE + 1)
    for index in sorted(wanted, key=lambda i: abs(i - at // PAGE_SIZE)):
        if index not in pages:
            pages[index] = fetch_page(listing, index, pages, total)
    return PledgeWindow(pages, at, at - first_row, counted, position, revision)
