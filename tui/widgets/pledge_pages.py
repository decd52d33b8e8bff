"""How the pledge table reads its rows from the ledger: pages, and the rows around a pledge.

Plain functions of the service API, called from the table's thread workers (never on the event
loop); they take everything as arguments and return plain rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from db.ledger import Ledger
from db.query import Query, Term
from db.records import PledgeRow, Sort

PAGE_SIZE = 100


def fetch_page(
    ledger: Ledger,
    query: Query,
    sort: Sort,
    index: int,
    known: Mapping[int, Sequence[PledgeRow]],
    total: int | None,
) -> Sequence[PledgeRow]:
    """Page ``index`` of the listing: by keyset from a known neighbouring page when there is
    one (the same cost anywhere in the list), else by offset from the nearer end."""
    before_page, after_page = known.get(index - 1), known.get(index + 1)
    if before_page:
        return ledger.pledge_page(query, sort, limit=PAGE_SIZE, after=before_page[-1].cursor).rows
    if after_page:
        return ledger.pledge_page(query, sort, limit=PAGE_SIZE, before=after_page[0].cursor).rows
    start = index * PAGE_SIZE
    if total is not None and start > total // 2:
        end = min(start + PAGE_SIZE, total)
        return ledger.pledge_page(
            query, sort, limit=max(end - start, 0), offset=total - end, from_end=True
        ).rows
    return ledger.pledge_page(query, sort, limit=PAGE_SIZE, offset=start).rows


def with_key(query: Query, key: str) -> Query:
    """``query`` narrowed to the one pledge ``key``."""
    # The source names the query (the ledger may cache by it), so it must say the same.
    return Query((*query.terms, Term("key", (key,))), f"{query.source} key:{key}".strip())


def rows_around(
    ledger: Ledger, query: Query, sort: Sort, key: str, above: int, below: int
) -> tuple[list[PledgeRow], PledgeRow, list[PledgeRow]] | None:
    """Pledge ``key`` in this listing with up to ``above`` rows before it and ``below`` after,
    read by keyset from the pledge itself; None if the listing leaves the pledge out.

    This is how a re-sort or a refresh repaints at once, before the pledge's position in the
    whole list (a count of the rows before it) is known.
    """
    found = ledger.pledge_rows([key], sort)
    if not found or (query and not ledger.count_pledges(with_key(query, key))):
        return None
    row = found[0]
    before = ledger.pledge_page(query, sort, limit=above, before=row.cursor).rows if above else []
    after = ledger.pledge_page(query, sort, limit=below, after=row.cursor).rows if below else []
    return list(before), row, list(after)


def page_around(
    ledger: Ledger, query: Query, sort: Sort, row: PledgeRow, position: int
) -> Sequence[PledgeRow]:
    """The page holding ``row``, which is at ``position`` in the listing, read by keyset."""
    offset = position % PAGE_SIZE
    before = ledger.pledge_page(query, sort, limit=offset, before=row.cursor).rows if offset else []
    rest = PAGE_SIZE - offset - 1
    after = ledger.pledge_page(query, sort, limit=rest, after=row.cursor).rows if rest else []
    return [*before, row, *after]
