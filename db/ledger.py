"""The service API: the one way the UI and the CLI read and change a ledger.

>>> ledger = Ledger.open("coalition.sqlite")          # doctest: +SKIP
>>> ledger.count_pledges("status:committed is:conditional")  # doctest: +SKIP

Each method is one unit of work on a fresh connection: reads in a ``BEGIN`` transaction (a
consistent snapshot), writes in ``BEGIN IMMEDIATE`` transactions that return only after the
commit. Methods are safe to call from worker threads and return plain objects
(:mod:`db.api_types`, :mod:`db.schemas`), never ORM instances.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Connection, Engine, func, or_, select
from sqlalchemy.engine import URL
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError

from . import (
    change_log,
    changes,
    config,
    dashboard,
    dialect,
    engines,
    files,
    opening,
    past,
    reading,
    record_states,
    references,
    reverting,
    window,
    writing,
)
from . import tables as m
from .answer_cache import AnswerCache
from .api_types import (
    ActorDetail,
    ActorRow,
    BatchSummary,
    ChangeEntry,
    ConditionDetail,
    ConditionRow,
    Cursor,
    Difference,
    Facets,
    Impact,
    Page,
    PledgeDetail,
    PledgeRow,
    PledgeWindow,
    RowsAround,
    Snapshot,
    Sort,
    SourceDetail,
    SourceRow,
)
from .changes import RecordChange
from .dashboard import Figures
from .dates import parse_partial_date
from .dates import today as today_date
from .errors import (
    FileTargetError,
    LedgerBusyError,
    LedgerError,
    NotFoundError,
    NothingToUndoError,
    PastReadOnlyError,
    QueryTooComplexError,
    UndoConflictError,
    reason,
)
from .facets import FACETS, count_facets
from .filter_syntax import Term
from .filters import overdue
from .hints import HINTED, QueryHint, query_hints
from .paging import Listing
from .past import Reading
from .planning import QueryPlanner
from .query import Query, parse
from .record_types import KINDS
from .schemas import Record
from .sqlite import connections, ledger_file
from .sqlite.errors import file_problem, is_locked, query_too_complex
from .vocab import RecordRef, RecordType
from .writing import Counts, Evidence

if TYPE_CHECKING:
    from .interchange.keeping import Keeps

T = TypeVar("T")
Detail = TypeVar("Detail", PledgeDetail, ConditionDetail)
QueryLike = str | Query | None


class _NothingChanged(Exception):
    pass


def now() -> str:
    """The recording time of a write: UTC, ISO 8601, microseconds."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


#: An undo that skips what it cannot undo tries at most this many of the analyst's batches.
SKIP_LIMIT = 20
#: What a reading of the past says of rows of the ledger in time another tool damaged.
DAMAGED_PERIODS = (
    "cannot read the ledger as of that date: its kept periods hold damaged rows (not made by "
    "pledges); `pledges check --repair` makes them again from the change log"
)
#: Past readings whose answers (counts, facets) are remembered at once.
PAST_PLANNERS = 8


class Ledger:
    """An open ledger. Create with :meth:`open`; close with :meth:`close` (or ``with``)."""

    def __init__(self, url: URL, read_engine: Engine, write_engine: Engine, author: str) -> None:
        self.url = url
        self.path: Path | None = engines.sqlite_path(url)
        self.author = author
        self._reader = read_engine
        self._writer = write_engine
        self._dialect = read_engine.dialect.name
        self._write_lock = threading.Lock()
        #: Counts, estimates and facets, remembered until the ledger changes.
        self._answers = AnswerCache()
        self._planner = QueryPlanner(self._dialect, self._answers)
        #: None: the ledger as it stands; else the past reading this view of it reads at.
        self._at: Reading | None = None
        #: What this ledger and its views of the past share: the engine of past readings,
        #: made when first needed, and a planner (with its answers) for each recent reading.
        self._past: dict[str, Any] = {
            "engine": None,
            "planners": {},
            "present": self,
            "lock": threading.Lock(),
        }

    # -- opening and closing -----------------------------------------------------------------

    @classmethod
    def open(
        cls,
        target: str | Path | None = None,
        *,
        author: str | None = None,
        create: bool = True,
        trust_schema: bool = False,
    ) -> Ledger:
        """Open (and, with ``create``, make) the ledger at a path or database URL.

        An older schema is backed up and upgraded; a file that is not a ledger, or is from a
        newer pledges, is refused with :class:`LedgerOpenError` and left untouched, and so is
        a ledger whose triggers, views or indexes are not the ones pledges made (another
        tool's trigger would run inside our writes). ``trust_schema`` skips that comparison,
        for ``pledges check``, which reports and repairs such a ledger.
        """
        url = engines.to_url(target if target is not None else config.default_ledger())
        read_engine, write_engine = opening.open_engines(
            url, create=create, trust_schema=trust_schema
        )
        return cls(url, read_engine, write_engine, author or config.default_author())

    def close(self) -> None:
        if self._at is not None:
            return  # a view of the past shares the ledger's engines: closing the ledger does
        self._reader.dispose()
        self._writer.dispose()
        if self._past["engine"] is not None:
            self._past["engine"].dispose()

    # -- the ledger as of a past date --------------------------------------------------------

    def at(self, when: Reading) -> Ledger:
        """This ledger read at ``when`` (as of a day, as recorded at a time): the same reads,
        the records of then, and no writes; itself for a reading of the present."""
        if when.is_present:
            return self._present
        if self._dialect != "sqlite":
            raise LedgerError(
                "reading the ledger as of a past date needs a SQLite ledger for now; "
                "nothing was read"
            )
        seen = parse_partial_date(when.as_of) if when.as_of else None
        view = copy.copy(self)
        view._at = Reading(seen, when.known_on)
        planners: dict[Reading, QueryPlanner] = self._past["planners"]
        with self._past["lock"]:
            planner = planners.pop(view._at, None) or QueryPlanner(
                self._dialect, AnswerCache(), self._present._estimates
            )
            planners[view._at] = planner  # the most recent last
            while len(planners) > PAST_PLANNERS:
                del planners[next(iter(planners))]
        view._planner = planner
        view._answers = planner.answers
        return view

    @property
    def reading_at(self) -> Reading:
        """The reading this ledger reads at (the present for an open ledger)."""
        return self._at or Reading()

    @property
    def _present(self) -> Ledger:
        present: Ledger = self._past.get("present", self)
        return present

    def _estimates(self, query: Query, today: str) -> tuple[int, int]:
        """About how many pledges of today's ledger match, and how many it holds."""
        with self._reading() as connection:
            planner = self._planner
            return planner.estimate(connection, query, today), planner.count(
                connection, Query(), today
            )

    def _today(self) -> str:
        """The day that overdue is measured against."""
        return today_date() if self._at is None else self._at.today()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @property
    def name(self) -> str:
        """How to name this ledger to a user: its path, or its URL without the password."""
        return str(self.path) if self.path else self.url.render_as_string(hide_password=True)

    # -- units of work -----------------------------------------------------------------------

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        try:
            if self._at is None:
                with self._reader.connect() as connection, connection.begin():
                    yield connection
            else:
                with self._past["lock"]:  # one engine, however many threads read at once
                    engine = self._past["engine"]
                    if engine is None:
                        made = past.past_engine(engines.read_engine(self.url))
                        engine = self._past["engine"] = made
                with (
                    engine.connect() as connection,
                    connection.begin(),
                    past.reading(connection, self._at),
                ):
                    yield connection
        except DatabaseError as error:
            if is_locked(error):
                raise LedgerBusyError(
                    "the ledger is busy (another process holds it); try again"
                ) from None
            too_complex = query_too_complex(error)
            if too_complex:
                raise QueryTooComplexError(too_complex) from None
            problem = file_problem(self.path, error) if self.path else None
            if problem is None and not isinstance(error, OperationalError):
                raise  # a mistake in a statement of ours, not the ledger's state
            if problem is None and self._at is not None and "JSON" in str(error):
                raise LedgerError(DAMAGED_PERIODS) from None
            raise LedgerError(f"cannot read the ledger: {problem or reason(error)}") from None

    def _write(
        self,
        kind: str,
        label: str,
        work: Callable[[Connection, change_log.Batch], T],
        *,
        target: int | None = None,
    ) -> tuple[T, BatchSummary]:
        """Run ``work`` in one BEGIN IMMEDIATE transaction with a new batch; commit, or roll
        back if it wrote nothing or failed."""
        if self._at is not None:
            raise PastReadOnlyError(
                "the ledger is being read as of a past date; return to today to change it; "
                "nothing was saved"
            )
        result: Any = None
        batch: change_log.Batch | None = None
        with self._write_lock:
            try:
                with self._writer.connect() as connection:
                    try:
                        with connection.begin():
                            batch = change_log.start_batch(
                                connection,
                                author=self.author,
                                now=now(),
                                kind=kind,
                                label=label,
                                target=target,
                            )
                            result = work(connection, batch)
                            if not batch.entries:
                                raise _NothingChanged
                    except _NothingChanged:
                        pass
            except OperationalError as error:
                if is_locked(error):
                    raise LedgerBusyError(
                        "the ledger is busy: another process has been writing to it for more than "
                        f"{connections.BUSY_TIMEOUT_MS // 1000} s; nothing was saved, try again"
                    ) from None
                raise LedgerError(
                    f"cannot write to the ledger: {reason(error)}; nothing was saved"
                ) from None
            except IntegrityError as error:
                raise LedgerError(
                    f"the ledger refused the change: {reason(error)}; nothing was saved"
                ) from None
            except DatabaseError as error:
                raise LedgerError(
                    f"cannot write to the ledger: {reason(error)}; nothing was saved"
                ) from None
        assert batch is not None
        if not batch.entries:
            return result, BatchSummary(0, kind, label, self.author, batch.recorded_at, 0, [])
        return result, change_log.summary(batch)

    # -- reads: the pledge list --------------------------------------------------------------

    def count_pledges(self, query: QueryLike = None) -> int:
        """How many pledges match ``query`` (a query string or a parsed :class:`Query`)."""
        with self._reading() as connection:
            return self._planner.count(connection, _parsed(query), self._today())

    def pledge_page(
        self,
        query: QueryLike = None,
        sort: Sort | None = None,
        *,
        limit: int = 100,
        after: Cursor | None = None,
        before: Cursor | None = None,
        offset: int = 0,
        from_end: bool = False,
    ) -> Page:
        """A page of the pledge list, sorted and filtered in SQL.

        Pass a row's ``cursor`` as ``after``/``before`` to read on from it (keyset paging),
        or an ``offset`` from the start (``from_end`` counts from the end).
        """
        with self._reading() as connection:
            return self._listing(connection, query, sort).page(
                limit, after=after, before=before, offset=offset, from_end=from_end
            )

    def pledges_around(
        self, query: QueryLike, sort: Sort | None, key: str, *, above: int, below: int
    ) -> RowsAround | None:
        """Pledge ``key`` in the listing with up to ``above`` rows before it and ``below``
        after, in one read; None if the listing leaves it out (see :func:`db.window.rows_around`).

        What a re-sort or a refresh paints at once, before the pledge's position is known.
        """
        with self._reading() as connection:
            return window.rows_around(self._listing(connection, query, sort), key, above, below)

    def pledge_window(
        self,
        query: QueryLike = None,
        sort: Sort | None = None,
        *,
        anchor: str | None = None,
        cursor: int = 0,
        screen_row: int = 0,
        height: int = 1,
        total: int | None = None,
        count: bool = False,
    ) -> PledgeWindow:
        """What one repaint of the pledge table shows, read in one transaction: the pages in
        view with the cursor on pledge ``anchor`` if the listing holds it (else at row
        ``cursor``), and with ``count`` the listing's count (see :func:`db.window.window`)."""
        with self._reading() as connection:
            return window.window(
                self._listing(connection, query, sort),
                anchor=anchor,
                cursor=cursor,
                screen_row=screen_row,
                height=height,
                total=total,
                count=count,
            )

    def pledge_pages(
        self,
        query: QueryLike,
        sort: Sort | None,
        indexes: Sequence[int],
        known: Mapping[int, Sequence[PledgeRow]],
        total: int | None,
    ) -> dict[int, Sequence[PledgeRow]]:
        """Pages of :data:`db.window.PAGE_SIZE` rows by index, read in one transaction, in
        the order given (see :func:`db.window.fetch_pages`)."""
        with self._reading() as connection:
            listing = self._listing(connection, query, sort)
            return window.fetch_pages(listing, indexes, known, total)

    def pledge_counts(self, query: QueryLike = None) -> tuple[int, int]:
        """How many pledges match ``query``, and how many the ledger holds, in one read."""
        parsed = _parsed(query)
        with self._reading() as connection:
            today = self._today()
            everything = self._planner.count(connection, Query(), today)
            counted = self._planner.count(connection, parsed, today) if parsed else everything
            return counted, everything

    def _listing(self, connection: Connection, query: QueryLike, sort: Sort | None) -> Listing:
        as_of = None if self._at is None else self._at.as_of
        return Listing(
            self._planner, connection, _parsed(query), sort or Sort(), self._today(), as_of
        )

    def pledge_position(
        self, key: str, query: QueryLike = None, sort: Sort | None = None
    ) -> int | None:
        """Where pledge ``key`` is in the sorted, filtered list (0-based), or None if absent."""
        with self._reading() as connection:
            return self._listing(connection, query, sort).position(key)

    def pledge_rows(self, keys: Sequence[str], sort: Sort | None = None) -> list[PledgeRow]:
        """The rows of these pledges (those that exist), whatever a listing would select."""
        with self._reading() as connection:
            return self._listing(connection, None, sort).rows(keys)

    def facets(self, query: QueryLike = None, which: Sequence[str] = FACETS) -> Facets:
        """Counts of the matching pledges by status, pledger, category and condition.

        Answers are remembered until the ledger changes, so returning to a query (clearing a
        filter, say) is instant even on a large ledger.
        """
        parsed = _parsed(query)
        with self._reading() as connection:
            revision, today = change_log.revision(connection), self._today()
            key = ("facets", parsed.terms, tuple(which), revision, today)
            if self._at is not None and not parsed:
                past.count_facets(connection, revision)
            return self._answers.remember(
                key,
                lambda: count_facets(
                    connection,
                    self._planner.where(connection, parsed, today),
                    self._dialect,
                    everything=not parsed,
                    which=which,
                ),
            )

    def dashboard(self, query: QueryLike = None) -> Figures:
        """The figures of the dashboard's pictures and the report's for the pledges that match
        ``query``, at this ledger's reading (see :mod:`db.dashboard`); remembered until the
        ledger changes, as the facets are."""
        parsed = _parsed(query)
        with self._reading() as connection:
            revision, today = change_log.revision(connection), self._today()
            key = ("dashboard", parsed.terms, revision, today)

            def flagged(flag: str) -> int:
                term = Term("is", (flag,))
                return self._planner.count(connection, Query((*parsed.terms, term)), today)

            def count() -> Figures:
                at = self._at
                return dashboard.figures(
                    connection,
                    self._planner.where(connection, parsed, today),
                    day=today,
                    known=None if at is None or at.known_on is None else at.known,
                    query_given=bool(parsed),
                    flagged=flagged,
                )

            return self._answers.remember(key, count)

    # -- reads: records ------------------------------------------------------------------------

    def pledge(self, key: str) -> PledgeDetail:
        with self._reading() as connection:
            detail = reading.pledge_detail(connection, key, self._today())
            return self._status_then(connection, detail, "pledge", key)

    def condition(self, key: str, limit: int | None = None) -> ConditionDetail:
        """A condition and its dependent pledges by group (at most ``limit`` per group)."""
        with self._reading() as connection:
            detail = reading.condition_detail(connection, key, limit)
            return self._status_then(connection, detail, "condition", key)

    def _status_then(
        self, connection: Connection, detail: Detail, record_type: RecordType, key: str
    ) -> Detail:
        """``detail`` with the date its status was set as of this ledger's reading (in the
        past, that of the state then, not today's), read in the same transaction."""
        if self._at is None:
            return detail
        row = self._state_then(connection, record_type, key)
        return detail if row is None else replace(detail, status_since=row.status_since)

    def _state_then(self, connection: Connection, record_type: RecordType, key: str) -> Any:
        """The row of ``record_states`` of one record at this ledger's reading, or None."""
        at = self.reading_at
        S = m.record_states.c
        return connection.execute(
            select(S.state, S.status_since).where(
                record_states.at(at.as_of, at.known_on),
                S.record_type == record_type,
                S.record_key == key,
            )
        ).first()

    def actor(self, code: str) -> ActorDetail:
        with self._reading() as connection:
            return reading.actor_detail(connection, code)

    def source(self, key: str) -> SourceDetail:
        with self._reading() as connection:
            return reading.source_detail(connection, key)

    def actor_names(self, codes: Sequence[str]) -> dict[str, str]:
        """The names of the actors with these codes (those that exist)."""
        with self._reading() as connection:
            return reading.actor_names(connection, list(codes))

    def conditions(self) -> list[ConditionRow]:
        with self._reading() as connection:
            return reading.condition_rows(connection)

    def actors(self) -> list[ActorRow]:
        with self._reading() as connection:
            return reading.actor_rows(connection)

    def sources(self) -> list[SourceRow]:
        with self._reading() as connection:
            return reading.source_rows(connection)

    def values_in_use(self, field: str) -> list[tuple[str, int]]:
        """``category`` or ``tag`` values pledges use, most used first (for pickers)."""
        with self._reading() as connection:
            return reading.values_in_use(connection, field)

    def citation(self, record_type: RecordType, key: str) -> str:
        """A plain-text citation of a pledge or condition: status, since when, as of today,
        and the sources behind it (what ``y`` copies)."""
        from .citation import cite

        detail = self.pledge(key) if record_type == "pledge" else self.condition(key)
        return cite(detail, self._today())

    def records(
        self, record_type: RecordType, keys: Sequence[str] | None = None, *, strict: bool = True
    ) -> list[Record]:
        """Whole records of one type with their status history, sorted by key; ``strict``
        (exports) refuses a stored record the schemas would refuse, otherwise it is returned
        as stored (listings)."""
        at = self._at
        until = None if at is None or at.as_of is None else at.day
        known = None if at is None or at.known_on is None else at.known
        with self._reading() as connection:
            return reading.records(
                connection, record_type, keys, strict=strict, until=until, known_on=known
            )

    def supersedes_closure(self, keys: Sequence[str]) -> dict[str, str | None]:
        """These pledges and all they replace, however far back, each mapped to the key of the
        pledge it supersedes (None where a chain starts): one read for whole chains."""
        with self._reading() as connection:
            return references.supersedes_closure(connection, list(keys))

    def versioned_states(
        self, record_type: RecordType, keys: Sequence[str]
    ) -> dict[str, tuple[int, dict[str, Any]]]:
        """The version and stored fields (as the change log keeps them) of each of these
        records that exists: what an import fills in for the fields its file does not give."""
        with self._reading() as connection:
            stored = KINDS[record_type].store.load(connection, keys)
            return {k: (s.version, s.state) for k, s in stored.items()}

    def matching_pledge_keys(
        self, query: QueryLike = None, among: Sequence[str] | None = None
    ) -> list[str]:
        """The keys of the pledges that match ``query``, sorted (``among``: of these alone)."""
        P = m.pledges.c
        parsed = _parsed(query)
        with self._reading() as connection:
            where = self._planner.where(connection, parsed, self._today())
            if among is None:
                if self._at is None:
                    statement = select(P.key).where(where).order_by(P.key)
                    return list(connection.execute(statement).scalars())
                # As of a past date, sorted here: ordered in SQL, the rows would be read in
                # the order of keys, every period of the ledger tested, instead of by the
                # filter's own index.
                return sorted(connection.execute(select(P.key).where(where)).scalars())
            found: list[str] = []
            wanted = sorted(set(among))
            for start in range(0, len(wanted), 500):
                part = wanted[start : start + 500]
                statement = select(P.key).where(where, P.key.in_(part))
                found += connection.execute(statement).scalars()
            return sorted(found)

    def fell_due(self, query: QueryLike, since: str) -> list[str]:
        """The keys of the overdue pledges matching ``query`` whose due date ended on or after
        the day ``since``: those that became overdue since then (sorted)."""
        P = m.pledges.c
        parsed = _parsed(query)
        with self._reading() as connection:
            where = self._planner.where(connection, parsed, self._today())
            # Due on or after ``since`` by its last day: due in its month or later, or in its
            # year given alone (a range of the index of due dates, where the last day is none).
            due_since = or_(P.due >= since[:7], P.due == since[:4])
            statement = select(P.key).where(
                where, overdue(self._today()), P.due_hi >= since, due_since
            )
            # Sorted here, so that the rows are read by the index of due dates.
            return sorted(connection.execute(statement).scalars())

    def stored(self, record_type: RecordType, key: str) -> tuple[dict[str, Any], int]:
        """A record's fields as stored (what a form shows and a save compares with) and its
        version; :class:`NotFoundError` if there is none."""
        with self._reading() as connection:
            stored = reading.load_one(connection, record_type, key)
            return reading.to_record(record_type, stored.state).state(), stored.version

    def existing(self, record_type: RecordType, keys: Sequence[str]) -> set[str]:
        """Which of these keys name records of this type (one indexed look-up per chunk)."""
        with self._reading() as connection:
            return references.existing(connection, record_type, keys)

    def keys(self, record_type: RecordType) -> list[str]:
        with self._reading() as connection:
            return KINDS[record_type].store.keys(connection)

    def history(self, record_type: RecordType, key: str) -> list[ChangeEntry]:
        with self._reading() as connection:
            return change_log.record_history(connection, record_type, key)

    def status_histories(
        self, record_type: RecordType, keys: Sequence[str]
    ) -> dict[str, list[dict[str, Any]]]:
        """The logged status history (``{date, status, note, source}``, oldest first) of each
        of these records that has one: what an import compares a file's history with."""
        with self._reading() as connection:
            return change_log.status_history(connection, record_type, keys)

    def activity(
        self, *, limit: int = 200, before_batch: int | None = None, text: str | None = None
    ) -> list[ChangeEntry]:
        """Recent change-log entries across the ledger, newest first."""
        with self._reading() as connection:
            return change_log.recent(connection, limit=limit, before_batch=before_batch, text=text)

    def revision(self) -> int:
        """A number that changes whenever anyone commits a change to this ledger (cheap)."""
        with self._reading() as connection:
            return change_log.revision(connection)

    def query_hints(self, query: QueryLike) -> list[QueryHint]:
        """What in ``query`` names nothing in the ledger (``pledger:Frnace``), with the nearest
        value that does: why a valid query may list no pledge. The query runs all the same."""
        parsed = _parsed(query)
        if not any(t.field in HINTED for t in parsed.terms):
            return []
        with self._reading() as connection:
            return query_hints(connection, parsed)

    def what_if(self, condition: str, status: str) -> Impact:
        """The impact of setting a condition's status, without writing anything."""
        with self._reading() as connection:
            return reading.what_if(connection, condition, status)

    # -- the past ------------------------------------------------------------------------------

    def as_of(
        self,
        date: str,
        record_type: RecordType | None = None,
        key: str | None = None,
        *,
        known_on: str | None = None,
    ) -> Snapshot:
        """The ledger (or one record) in the world at the end of ``date`` (a partial date), as
        the ledger recorded it at ``known_on`` (a date or a recording time; None: now)."""
        date = parse_partial_date(date)
        with self._reading() as connection:
            records = record_states.snapshot_records(connection, date, known_on, record_type, key)
        return Snapshot(date, records, known_on)

    def change_date(self, day: str, direction: int, *, known_on: str | None = None) -> str | None:
        """The date of the nearest change in the world before ``day`` (``direction`` < 0) or
        after it (> 0), as recorded at ``known_on``, as a day; None if there is none that way,
        or after it none before today (what is dated today on is today's ledger)."""
        bound = None if known_on is None else record_states.known_on_bound(known_on)
        L = m.change_log.c
        column = L.effective_lo
        condition = column < day if direction < 0 else column > day
        wanted = func.max(column) if direction < 0 else func.min(column)
        with self._reading() as connection:
            found = connection.execute(
                select(wanted)
                .select_from(m.change_log)
                .join(m.batches, m.batches.c.id == L.batch_id)
                .where(condition, change_log.active(bound))
            ).scalar()
        if found is None or (direction > 0 and found >= today_date()):
            return None
        return str(found)

    def record_then(self, record_type: RecordType, key: str) -> tuple[dict[str, Any], str | None]:
        """One record's fields at this ledger's reading (today's for the present), and the
        date its status was set, as given (a partial date says how precisely it is known);
        :class:`NotFoundError` if it did not exist then."""
        with self._reading() as connection:
            row = self._state_then(connection, record_type, key)
        if row is None:
            raise NotFoundError(record_type, key)
        try:
            return json.loads(row.state), row.status_since
        except ValueError:
            raise LedgerError(DAMAGED_PERIODS) from None

    def status_as_of(self, record_type: RecordType, key: str, date: str) -> str | None:
        record = self.as_of(date, record_type, key).records.get(record_type, {}).get(key)
        return None if record is None else record.get("status")

    def diff(self, earlier: str, later: str, *, known_on: str | None = None) -> list[Difference]:
        """What changed in the world between the end of ``earlier`` and the end of ``later``
        (partial dates), field by field, as the ledger recorded it at ``known_on`` (None:
        now). Only the records with a change in between are read."""
        earlier, later = parse_partial_date(earlier), parse_partial_date(later)
        with self._reading() as connection:
            changed = record_states.changed_between(connection, earlier, later, known_on)
            before, after = record_states.states_of(connection, changed, (earlier, later), known_on)
        return change_log.differences(
            Snapshot(earlier, before, known_on), Snapshot(later, after, known_on)
        )

    def changes(
        self,
        earlier: str,
        later: str,
        query: QueryLike = None,
        *,
        known_on: str | None = None,
        record_types: Sequence[RecordType] = tuple(KINDS),
    ) -> list[RecordChange]:
        """What changed in the world between the end of ``earlier`` and the end of ``later``
        (partial dates, earlier first), record by record with its evidence, as recorded at
        ``known_on``; with a query, the pledges that entered or left its results or changed
        within them (see :mod:`db.changes`). ``record_types``: the kinds of record to look at
        without a query."""
        earlier, later = parse_partial_date(earlier), parse_partial_date(later)
        parsed = _parsed(query)
        if query is not None:
            record_types = ("pledge", "condition")
        with self._reading() as connection:
            changed = record_states.changed_between(
                connection, earlier, later, known_on, record_types
            )
        if query is not None:
            # A pledge may enter or leave a query's results through its conditions alone
            # (is:blocked, a word of a condition's title): those of changed conditions count.
            conditions = sorted(key for kind, key in changed if kind == "condition")
            linked: set[str] = set()
            if conditions:
                by_condition = "condition:" + ",".join(conditions)
                for date in (earlier, later):
                    linked.update(
                        self.at(Reading(date, known_on)).matching_pledge_keys(by_condition)
                    )
            pledges = {key for kind, key in changed if kind == "pledge"} | linked
            changed = [("pledge", key) for key in sorted(pledges)]
        with self._reading() as connection:
            before, after = record_states.states_of(connection, changed, (earlier, later), known_on)
            found = changes.evidence(connection, changed, earlier, later, known_on)
        matching = None
        if query is not None:
            keys = [key for _, key in changed]
            matching = (
                set(self.at(Reading(earlier, known_on)).matching_pledge_keys(parsed, keys)),
                set(self.at(Reading(later, known_on)).matching_pledge_keys(parsed, keys)),
            )
        return changes.assemble(before, after, found, matching)

    # -- writes ------------------------------------------------------------------------------

    def create(
        self,
        record: Record,
        *,
        effective: str | None = None,
        note: str | None = None,
        source: str | None = None,
    ) -> BatchSummary:
        """Add a new record (any type). Its key must be new."""
        label = f"create {record.record_type} {record.record_key}"
        return self._write(
            "change",
            label,
            lambda c, b: writing.create(c, b, record, Evidence(effective, note, source)),
        )[1]

    def update(
        self,
        record: Record,
        *,
        version: int,
        effective: str | None = None,
        note: str | None = None,
        source: str | None = None,
    ) -> BatchSummary:
        """Save an edited record; ``version`` is the one the caller read (else ConflictError)."""
        label = f"edit {record.record_type} {record.record_key}"
        return self._write(
            "change",
            label,
            lambda c, b: writing.update(
                c, b, record, version=version, evidence=Evidence(effective, note, source)
            ),
        )[1]

    def delete(
        self, record_type: RecordType, key: str, *, version: int, note: str | None = None
    ) -> BatchSummary:
        """Delete a record nothing refers to any more (else ReferencedError naming the referrers)."""
        return self._write(
            "change",
            f"delete {record_type} {key}",
            lambda c, b: writing.delete(c, b, record_type, key, version=version, note=note),
        )[1]

    def change_status(
        self,
        record_type: RecordType,
        key: str,
        status: str,
        *,
        effective: str | None = None,
        note: str | None = None,
        source: str | None = None,
        version: int | None = None,
    ) -> BatchSummary:
        """Change a pledge's or condition's status, with evidence (a note, a source, or both)."""
        label = f"{record_type} {key}: status -> {status}"
        return self._write(
            "change",
            label,
            lambda c, b: writing.change_status(
                c,
                b,
                record_type,
                key,
                status,
                evidence=Evidence(effective, note, source),
                version=version,
            ),
        )[1]

    def link_condition(
        self, pledge: str, condition: str, *, version: int | None = None
    ) -> BatchSummary:
        return self._relink(pledge, "conditions", condition, add=True, version=version)

    def unlink_condition(
        self, pledge: str, condition: str, *, version: int | None = None
    ) -> BatchSummary:
        return self._relink(pledge, "conditions", condition, add=False, version=version)

    def link_source(self, pledge: str, source: str, *, version: int | None = None) -> BatchSummary:
        return self._relink(pledge, "sources", source, add=True, version=version)

    def unlink_source(
        self, pledge: str, source: str, *, version: int | None = None
    ) -> BatchSummary:
        return self._relink(pledge, "sources", source, add=False, version=version)

    def _relink(
        self, pledge: str, field_name: str, target: str, *, add: bool, version: int | None
    ) -> BatchSummary:
        verb = "link" if add else "unlink"
        label = f"{verb} {field_name[:-1]} {target} {'to' if add else 'from'} pledge {pledge}"
        return self._write(
            "change",
            label,
            lambda c, b: writing.relink(c, b, pledge, field_name, target, add=add, version=version),
        )[1]

    def save_records(
        self,
        records: Sequence[Record],
        *,
        label: str,
        kind: str = "import",
        dry_run: bool = False,
        default_note: str | None = None,
        progress: Callable[[int, int], None] | None = None,
        kept: Mapping[RecordRef, Keeps] | None = None,
        logged: Callable[[Sequence[change_log.Entry]], None] | None = None,
    ) -> tuple[dict[RecordType, Counts], BatchSummary]:
        """Create or update many records at once, matched by key, in one transaction.

        With ``dry_run`` the same work is done and rolled back: the counts are exactly what a
        real run would report. ``kept`` names, by (record type, key), fields a record leaves as
        the ledger has them and the version they were read at: a record changed since has them
        read again inside the transaction (see :func:`db.interchange.keeping.refreshed`). ``logged`` is given the change-log entries the
        batch writes (or, in a dry run, would have written), before the commit.
        """
        note = default_note or label

        def work(connection: Connection, batch: change_log.Batch) -> dict[RecordType, Counts]:
            chosen = records
            if kept:
                from .interchange.keeping import refreshed_in

                chosen = refreshed_in(connection, records, kept)
            with dialect.roomy_cache(connection, len(chosen)):
                counts = writing.save_records(
                    connection, batch, chosen, default_note=note, progress=progress
                )
            if logged is not None:
                logged(batch.entries)
            if dry_run:
                raise _DryRun(counts)
            return counts

        try:
            return self._write(kind, label, work)
        except _DryRun as done:
            return done.counts, BatchSummary(0, kind, label, self.author, now(), 0, [])

    # -- undo and redo -------------------------------------------------------------------------

    def undo_redo_labels(self) -> tuple[str | None, str | None]:
        """What :meth:`undo` and :meth:`redo` would reverse now (labels), for menus and footers."""
        with self._reading() as connection:
            undo, redo = change_log.stacks(connection, self.author)
            undo_label = change_log.batch_label(connection, undo[-1])[1] if undo else None
            redo_label = change_log.batch_label(connection, redo[-1])[1] if redo else None
            return undo_label, redo_label

    def undo(self, *, partial: bool = False, skip: bool = False) -> BatchSummary:
        """Reverse this analyst's last batch with a compensating batch.

        ``partial``: if records of it were changed since, revert the others and keep those
        (named in the summary's ``kept``). ``skip``: if it cannot be undone whole, undo the
        newest of the analyst's earlier batches that can (those passed over are named in
        ``skipped``); at most :data:`SKIP_LIMIT` batches are tried.
        """
        return self._reverse("undo", partial=partial, skip=skip)

    def redo(self) -> BatchSummary:
        """Re-apply the batch this analyst last undid."""
        return self._reverse("redo")

    def _reverse(self, kind: str, *, partial: bool = False, skip: bool = False) -> BatchSummary:
        with self._reading() as connection:
            undo, redo = change_log.stacks(connection, self.author)
            stack = undo if kind == "undo" else redo
            if not stack:
                raise NothingToUndoError(f"nothing to {kind}")
            candidates = stack[::-1][: SKIP_LIMIT if skip else 1]
            labels = {t: change_log.batch_label(connection, t)[1] for t in candidates}
        skipped: list[str] = []
        for target in candidates:
            label = labels[target]
            label = label.removeprefix("undo: ") if kind == "redo" else label
            try:
                reverted, summary = self._write(
                    kind, f"{kind}: {label}", self._reverter(kind, target, partial), target=target
                )
            except UndoConflictError as error:
                if not skip or target == candidates[-1]:
                    raise
                skipped.append(f'"{label}": {error.reason}')
                continue
            return replace(
                summary,
                outcome=tuple(reverted.outcome()),
                kept=tuple(f"{t} {k!r}: {why}" for t, k, why in reverted.kept),
                skipped=tuple(skipped),
            )
        raise AssertionError("unreachable: the last candidate raises or returns")

    def _reverter(
        self, kind: str, target: int, partial: bool
    ) -> Callable[[Connection, change_log.Batch], reverting.Reverted]:
        return lambda connection, batch: self._checked_revert(
            connection, batch, kind, target, partial
        )

    def _checked_revert(
        self,
        connection: Connection,
        batch: change_log.Batch,
        kind: str,
        target: int,
        partial: bool = False,
    ) -> reverting.Reverted:
        # The stacks are read again inside the write transaction: another window of this
        # analyst may have undone the same batch in between.
        undo, redo = change_log.stacks(connection, self.author, before=batch.id)
        if target not in (undo if kind == "undo" else redo):
            raise NothingToUndoError(f"that change was already reversed; nothing to {kind}")
        return reverting.revert(connection, batch, target, partial=partial)

    # -- maintenance ---------------------------------------------------------------------------

    def backup(self, destination: str | Path) -> Path:
        """Copy the ledger with SQLite's backup API (safe while others write)."""
        if self.path is None:
            raise LedgerError(
                "backup copies SQLite ledgers; use your database's own tools for " + self.name
            )
        target = Path(destination).expanduser()
        if target.is_dir():
            target = target / self.path.name
        elif str(destination).endswith(("/", os.sep)):
            # Meant as a folder (``backups/``): never a file named like it.
            files.check_folder(target / self.path.name)
        try:
            ledger_file.backup(self.path, target)
        except FileTargetError as error:
            if not error.exists:
                raise
            raise FileTargetError(
                target, f"{target} already exists; choose a new file name", exists=True
            ) from None
        except (OSError, sqlite3.Error) as error:
            problem = file_problem(target, error) or reason(error)
            raise LedgerError(
                f"cannot write the backup to {target}: {problem}; nothing was written"
            ) from None
        return target

    def integrity(self) -> str:
        if self.path is None:
            return "ok"
        return ledger_file.integrity_check(self.path)


def _parsed(query: QueryLike) -> Query:
    return parse(query) if isinstance(query, str) else (query or Query())


class _DryRun(Exception):
    def __init__(self, counts: dict[RecordType, Counts]) -> None:
        self.counts = counts
