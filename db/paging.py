"""Pages of the pledge list: sorted and filtered in SQL, fetched by keyset.

The pledge table shows a window onto a list that may hold a million pledges, so a page is
fetched by *keyset* (the rows after or before a known row, in sort order), which an index
answers in the same time wherever the window is. An offset is accepted too, for jumps to an
arbitrary scroll position. Empty values sort last in both directions: the sorted list is made
of two segments, rows with a value (ordered by value, then id) and rows without (by id), and
each segment is read through the same index.

A :class:`Listing` binds a query and a sort to one open read transaction: what
:mod:`db.window` reads the pledge table's pages through.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Connection, Select, func, select, tuple_

from . import change_log, vocab
from . import tables as m
from .api_types import ConditionSummary, Cursor, Page, PledgeRow, Sort
from .dates import coarser, precision
from .query import Query

if TYPE_CHECKING:
    from .planning import QueryPlanner

P = m.pledges.c

SORT_COLUMNS: dict[str, ColumnElement[Any]] = {
    "key": P.key,
    "pledger": P.pledger,
    "title": P.title,
    "category": P.category,
    "status": P.status,
    "conditions": P.conditions_state,
    "announced": P.announced,
    "due": P.due,
    "updated": P.updated_at,
}
NULLABLE = frozenset({"category", "announced", "due"})
_CLOSED = vocab.CLOSED_PLEDGE_STATUSES

ROW_COLUMNS = (
    P.id,
    P.key,
    P.title,
    P.pledger,
    P.beneficiary,
    P.category,
    P.status,
    P.announced,
    P.due,
    P.due_hi,
    P.conditions_total,
    P.conditions_open,
    P.conditions_failed,
    P.updated_at,
)


@dataclass(frozen=True, slots=True)
class _Segment:
    """One run of the sorted list: rows whose sort value is present, or absent."""

    has_value: bool


def _segments(sort: Sort) -> list[_Segment]:
    if sort.column in NULLABLE:
        return [_Segment(True), _Segment(False)]
    return [_Segment(True)]


def _segment_of(cursor: Cursor) -> bool:
    return cursor.value is not None


def _query(
    where: ColumnElement[bool], sort: Sort, segment: _Segment, forward: bool, cursor: Cursor | None
) -> Select[Any]:
    """Rows of one segment in display order (``forward``) or reversed, after ``cursor``."""
    column = SORT_COLUMNS[sort.column]
    ascending = forward != sort.descending
    statement = select(*ROW_COLUMNS, column.label("sort_value")).where(where)
    if sort.column in NULLABLE:
        statement = statement.where(column.is_not(None) if segment.has_value else column.is_(None))
    order: tuple[Any, ...]
    if segment.has_value:
        order = (column.asc(), P.id.asc()) if ascending else (column.desc(), P.id.desc())
        if cursor is not None and _segment_of(cursor) == segment.has_value:
            key = tuple_(column, P.id)
            position = tuple_(cursor.value, cursor.tiebreak)
            statement = statement.where(key > position if ascending else key < position)
    else:
        order = (P.id.asc(),) if ascending else (P.id.desc(),)
        if cursor is not None and _segment_of(cursor) == segment.has_value:
            statement = statement.where(
                P.id > cursor.tiebreak if ascending else P.id < cursor.tiebreak
            )
    return statement.order_by(*order)


def _ordered_segments(sort: Sort, forward: bool, cursor: Cursor | None) -> list[_Segment]:
    """The segments still to read, in reading order, starting at the cursor's segment."""
    segments = _segments(sort)
    if not forward:
        segments = segments[::-1]
    if cursor is not None and len(segments) > 1:
        index = next(i for i, s in enumerate(segments) if s.has_value == _segment_of(cursor))
        segments = segments[index:]
    return segments


def fetch(
    connection: Connection,
    where: ColumnElement[bool],
    sort: Sort,
    *,
    limit: int,
    after: Cursor | None = None,
    before: Cursor | None = None,
    offset: int = 0,
    from_end: bool = False,
    today: str,
) -> Page:
    """A page of rows in display order.

    ``after``: the rows following that position; ``before``: the rows preceding it;
    otherwise ``offset`` rows from the start (or from the end with ``from_end``).
    """
    forward = before is None and not from_end
    cursor = after if forward else before
    rows: list[Any] = []
    skip = 0 if cursor is not None else offset
    for segment in _ordered_segments(sort, forward, cursor):
        wanted = limit + 1 - len(rows)
        statement = _query(where, sort, segment, forward, cursor)
        if skip:
            got = list(connection.execute(statement.offset(skip).limit(wanted)))
            if not got:
                skip -= _count_segment(connection, where, sort, segment)
                skip = max(skip, 0)
                continue
            skip = 0
        else:
            got = list(connection.execute(statement.limit(wanted)))
        rows.extend(got)
        if len(rows) > limit:
            break
    more = len(rows) > limit
    rows = rows[:limit]
    if not forward:
        rows.reverse()
    return Page([_row(r, sort, today) for r in rows], more)


def _count_segment(
    connection: Connection, where: ColumnElement[bool], sort: Sort, segment: _Segment
) -> int:
    column = SORT_COLUMNS[sort.column]
    statement = select(func.count()).select_from(m.pledges).where(where)
    if sort.column in NULLABLE:
        statement = statement.where(column.is_not(None) if segment.has_value else column.is_(None))
    return int(connection.execute(statement).scalar_one())


def _row(row: Any, sort: Sort, today: str) -> PledgeRow:
    overdue = row.due_hi is not None and row.due_hi < today and row.status not in _CLOSED
    return PledgeRow(
        key=row.key,
        title=row.title,
        pledger=row.pledger,
        beneficiary=row.beneficiary,
        category=row.category,
        status=row.status,
        announced=row.announced,
        due=row.due,
        conditions=ConditionSummary(
            row.conditions_total, row.conditions_open, row.conditions_failed
        ),
        overdue=overdue,
        updated_at=row.updated_at,
        cursor=Cursor(row.sort_value, row.id),
    )


def position(
    connection: Connection, where: ColumnElement[bool], sort: Sort, key: str
) -> int | None:
    """The 0-based index of the pledge ``key`` in the sorted, filtered list, or None."""
    column = SORT_COLUMNS[sort.column]
    found = connection.execute(select(column.label("v"), P.id).where(where, P.key == key)).first()
    if found is None:
        return None
    cursor = Cursor(found.v, found.id)
    before = 0
    for segment in _ordered_segments(sort, False, cursor):
        # Count the rows before the cursor in display order, without ordering them.
        counted = _query(where, sort, segment, False, cursor).order_by(None)
        statement = counted.with_only_columns(func.count(), maintain_column_froms=True)
        before += int(connection.execute(statement).scalar_one())
    return before


def rows_for_keys(
    connection: Connection, keys: Sequence[str], sort: Sort, today: str
) -> list[PledgeRow]:
    column = SORT_COLUMNS[sort.column]
    statement = select(*ROW_COLUMNS, column.label("sort_value")).where(P.key.in_(list(keys)))
    return [_row(r, sort, today) for r in connection.execute(statement)]


class Listing:
    """One listing (a query in a sort order) read inside an open read transaction, with one
    date for "today" throughout: the :class:`db.window.ListingReader` the ledger hands
    :mod:`db.window`."""

    def __init__(
        self,
        planner: QueryPlanner,
        connection: Connection,
        query: Query,
        sort: Sort,
        today: str,
        as_of: str | None = None,
    ) -> None:
        """``as_of``: the date the ledger is read as of, on a past-reading connection (its
        rows' ids are those of ``record_states``), so that each row says when the date its
        status was set is known less precisely than it."""
        self._planner, self._connection = planner, connection
        self._query, self._sort, self._today = query, sort, today
        self._as_of = as_of

    def _dated(self, rows: list[PledgeRow]) -> list[PledgeRow]:
        if self._as_of is None or not rows:
            return rows
        ids = [row.cursor.tiebreak for row in rows]
        S = m.record_states.c
        since = dict(
            self._connection.execute(select(S.id, S.status_since).where(S.id.in_(ids))).all()
        )
        wanted = precision(self._as_of)
        return [
            replace(row, status_known_to=precision(found))
            if (found := since.get(row.cursor.tiebreak)) and coarser(precision(found), wanted)
            else row
            for row in rows
        ]

    @property
    def query(self) -> Query:
        return self._query

    def page(
        self,
        limit: int,
        *,
        after: Cursor | None = None,
        before: Cursor | None = None,
        offset: int = 0,
        from_end: bool = False,
    ) -> Page:
        """Up to ``limit`` rows in display order (see :func:`fetch`)."""
        connection, sort = self._connection, self._sort
        page = fetch(
            connection,
            self._planner.page_where(connection, self._query, sort, limit, self._today),
            sort,
            limit=limit,
            after=after,
            before=before,
            offset=offset,
            from_end=from_end,
            today=self._today,
        )
        return Page(self._dated(page.rows), page.more)

    def rows(self, keys: Sequence[str]) -> list[PledgeRow]:
        return self._dated(rows_for_keys(self._connection, keys, self._sort, self._today))

    def position(self, key: str) -> int | None:
        where = self._planner.where(self._connection, self._query, self._today)
        return position(self._connection, where, self._sort, key)

    def count(self, query: Query) -> int:
        return self._planner.count(self._connection, query, self._today)

    def revision(self) -> int:
        return change_log.revision(self._connection)
