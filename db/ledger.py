"""The service API: the one way the UI and the CLI read and change a ledger.

>>> ledger = Ledger.open("coalition.sqlite")          # doctest: +SKIP
>>> ledger.count_pledges("status:committed is:conditional")  # doctest: +SKIP

Each method is one unit of work on a fresh connection: reads in a ``BEGIN`` transaction (a
consistent snapshot), writes in ``BEGIN IMMEDIATE`` transactions that return only after the
commit. Methods are safe to call from worker threads and return plain objects
(:mod:`db.records`, :mod:`db.schemas`), never ORM instances.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.engine import URL
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError, SQLAlchemyError

from . import config, dialect, files, migrate, paging, reading, schema, window, writing
from . import history as change_log
from . import models as m
from .dates import parse_partial_date
from .dates import today as today_date
from .errors import (
    FileTargetError,
    LedgerBusyError,
    LedgerError,
    LedgerOpenError,
    NoLedgerError,
    NothingToUndoError,
    QueryTooComplexError,
    UndoConflictError,
)
from .filters import filters_column, pledge_filter
from .free_words import (
    count_only_via_conditions,
    estimate_words,
    free_phrases,
    fulltext_expression,
    only_fulltext,
    titled_phrases,
)
from .hints import HINTED, QueryHint, query_hints
from .query import Query, parse
from .records import (
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
from .schemas import RECORD_MODELS, Record
from .writing import Counts

if TYPE_CHECKING:
    from .fixtures.keeping import Keeps

T = TypeVar("T")
#: Below this many matches a filter is never probed (see Ledger._page_where).
PROBE_ABOVE = 5_000
QueryLike = str | Query | None


class _NothingChanged(Exception):
    pass


def now() -> str:
    """The recording time of a write: UTC, ISO 8601, microseconds."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


#: An undo that skips what it cannot undo tries at most this many of the analyst's batches.
SKIP_LIMIT = 20


class Ledger:
    """An open ledger. Create with :meth:`open`; close with :meth:`close` (or ``with``)."""

    def __init__(self, url: URL, read_engine: Engine, write_engine: Engine, author: str) -> None:
        self.url = url
        self.path: Path | None = dialect.sqlite_path(url)
        self.author = author
        self._reader = read_engine
        self._writer = write_engine
        self._dialect = read_engine.dialect.name
        self._write_lock = threading.Lock()
        self._cache_lock = threading.Lock()
        #: Counts and facets, keyed by query terms and the ledger's revision (so never stale).
        self._cache: dict[tuple[Any, ...], Any] = {}

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
        url = dialect.to_url(target if target is not None else config.default_ledger())
        path = dialect.sqlite_path(url)
        revision: str | None = None
        created = path is not None and not os.path.lexists(path)
        if path is not None:
            revision = _check_file(path, create=create)
        read_engine, write_engine = dialect.create_engines(url)
        saved: Path | None = None
        try:
            if path is None or revision != migrate.head():
                if path is not None and revision is not None:
                    saved = migrate.backup_path(path, revision)
                    try:
                        dialect.backup(path, saved)
                    except BaseException:
                        saved = None  # the failed copy removed itself
                        raise
                migrate.upgrade(write_engine)
        except BaseException as error:
            read_engine.dispose()
            write_engine.dispose()
            kept = saved
            if created and path is not None:
                files.remove_sqlite_file(path)
            elif saved is not None and path is not None and _still_at(path, revision):
                # The upgrade rolled back, so the copy made before it is a duplicate of the
                # ledger, and each retry would add another.
                saved.unlink(missing_ok=True)
                kept = None
            if not isinstance(error, _OPENING_ERRORS):
                raise
            raise LedgerOpenError(_open_problem(path, url, revision, saved, kept, error)) from None
        if path is not None and not trust_schema:
            try:
                with read_engine.connect() as connection:
                    refused = schema.check(connection, path)
            except BaseException:
                read_engine.dispose()
                write_engine.dispose()
                raise
            if refused:
                read_engine.dispose()
                write_engine.dispose()
                raise LedgerOpenError(refused)
        return cls(url, read_engine, write_engine, author or config.default_author())

    def close(self) -> None:
        self._reader.dispose()
        self._writer.dispose()

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
            with self._reader.connect() as connection, connection.begin():
                yield connection
        except DatabaseError as error:
            if dialect.is_locked(error):
                raise LedgerBusyError(
                    "the ledger is busy (another process holds it); try again"
                ) from None
            too_complex = dialect.query_too_complex(error)
            if too_complex:
                raise QueryTooComplexError(too_complex) from None
            problem = dialect.file_problem(self.path, error) if self.path else None
            if problem is None and not isinstance(error, OperationalError):
                raise  # a mistake in a statement of ours, not the ledger's state
            raise LedgerError(f"cannot read the ledger: {problem or _reason(error)}") from None

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
                if dialect.is_locked(error):
                    raise LedgerBusyError(
                        "the ledger is busy: another process has been writing to it for more than "
                        f"{dialect.BUSY_TIMEOUT_MS // 1000} s; nothing was saved, try again"
                    ) from None
                raise LedgerError(
                    f"cannot write to the ledger: {_reason(error)}; nothing was saved"
                ) from None
            except IntegrityError as error:
                raise LedgerError(
                    f"the ledger refused the change: {_reason(error)}; nothing was saved"
                ) from None
            except DatabaseError as error:
                raise LedgerError(
                    f"cannot write to the ledger: {_reason(error)}; nothing was saved"
                ) from None
        assert batch is not None
        if not batch.entries:
            return result, BatchSummary(0, kind, label, self.author, batch.recorded_at, 0, [])
        return result, change_log.summary(batch)

    def _where(self, connection: Connection, query: QueryLike, **shape: bool) -> Any:
        """The SQL condition selecting the pledges that match a query (``shape``: see
        :func:`db.filters.pledge_filter`)."""
        parsed = _parsed(query)
        titled = self._titled(connection, parsed)
        return pledge_filter(parsed, self._dialect, today_date(), titled=titled, **shape)

    def _titled(self, connection: Connection, parsed: Query) -> frozenset[str]:
        """The query's free words that some condition's title holds, remembered until the
        ledger changes (one look at the conditions: only those are looked for in titles)."""
        phrases = tuple(free_phrases(parsed))
        if not phrases:
            return frozenset()
        key = ("titled", phrases, change_log.revision(connection))
        with self._cache_lock:
            cached = self._cache.get(key)
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        found = titled_phrases(connection, parsed)
        self._remember(key, found)
        return found

    def _page_where(self, connection: Connection, query: QueryLike, sort: Sort, limit: int) -> Any:
        """The condition shaped for reading a page in display order.

        A filter that matches a large share of the ledger is probed row by row while the sort
        index is read (a page then costs a few hundred rows), instead of all its matches being
        found and sorted for every page; a selective filter keeps its own index.
        """
        parsed = _parsed(query)
        probe = False
        if parsed.terms and not filters_column(parsed, sort.column):
            # Probing reads about limit * total / matches rows; finding and sorting every
            # match costs about matches: probe once matches exceed sqrt(limit * total).
            matches = self._estimate(connection, parsed)
            total = self._count(connection, Query())
            probe = matches > PROBE_ABOVE and matches * matches > 4 * limit * total
        return self._where(connection, parsed, probe=probe)

    def _count(self, connection: Connection, parsed: Query) -> int:
        """The number of matching pledges, remembered until the ledger changes."""
        key = ("count", parsed.terms, change_log.revision(connection), today_date())
        with self._cache_lock:
            cached = self._cache.get(key)
        if cached is not None:
            return int(cached)
        if not parsed.terms and dialect.has_facet_counts(self._dialect):
            # Every pledge has a status: the kept counts by status add up to the ledger.
            counts = dialect.facet_counts
            statement = select(func.coalesce(func.sum(counts.c.n), 0)).where(
                counts.c.facet == "status"
            )
            found = int(connection.execute(statement).scalar_one())
        elif len(parsed.terms) == 1 and parsed.terms[0].negated and parsed.terms[0].field is None:
            # -word: the complement of word, which the index counts (a negated term is the
            # exact complement), instead of testing every pledge for the word.
            word = dataclasses.replace(parsed.terms[0], negated=False)
            found = self._count(connection, Query()) - self._count(connection, Query((word,)))
        elif only_fulltext(parsed):
            # The index counts the pledges whose own text holds the words; those found through
            # their conditions' titles alone are counted apart.
            expression = fulltext_expression(parsed)
            assert expression is not None
            titled = self._titled(connection, parsed)
            by_links = self._estimate_words(connection, parsed)[1]
            elsewhere = count_only_via_conditions(parsed, self._dialect, titled, by_links=by_links)
            found = dialect.fulltext_count(connection, expression) + int(
                connection.execute(elsewhere).scalar_one()
            )
        else:
            where = self._where(connection, parsed)
            statement = select(func.count()).select_from(m.pledges).where(where)
            found = int(connection.execute(statement).scalar_one())
        self._remember(key, found)
        return found

    def _estimate(self, connection: Connection, parsed: Query) -> int:
        """About how many pledges match, for choosing how to read a page: the count, or for a
        query with flags or free words, the count of its rough filter (see
        :func:`db.filters.pledge_filter`), which indexes answer alone; for free words alone,
        at most :func:`db.filters.estimate_words`."""
        if not any(t.field in (None, "is") for t in parsed.terms):
            return self._count(connection, parsed)
        key = ("estimate", parsed.terms, change_log.revision(connection), today_date())
        with self._cache_lock:
            cached = self._cache.get(key)
        if cached is not None:
            return int(cached)
        expression = fulltext_expression(parsed)
        if all(t.field is None for t in parsed.terms):
            # Free words alone: at most those of the index and of the conditions titled so.
            if expression is None:
                found = self._count(connection, Query())
            else:
                found = self._estimate_words(connection, parsed)[0]
        else:
            where = self._where(connection, parsed, rough=True)
            statement = select(func.count()).select_from(m.pledges).where(where)
            found = int(connection.execute(statement).scalar_one())
        self._remember(key, found)
        return found

    def _estimate_words(self, connection: Connection, parsed: Query) -> tuple[int, bool]:
        """:func:`db.filters.estimate_words`, remembered until the ledger changes."""
        key = ("words", parsed.terms, change_log.revision(connection))
        with self._cache_lock:
            cached = self._cache.get(key)
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        found = estimate_words(connection, parsed, self._titled(connection, parsed))
        self._remember(key, found)
        return found

    def _remember(self, key: tuple[Any, ...], value: Any) -> None:
        with self._cache_lock:
            self._cache[key] = value
            while len(self._cache) > 256:
                self._cache.pop(next(iter(self._cache)))

    # -- reads: the pledge list --------------------------------------------------------------

    def count_pledges(self, query: QueryLike = None) -> int:
        """How many pledges match ``query`` (a query string or a parsed :class:`Query`)."""
        with self._reading() as connection:
            return self._count(connection, _parsed(query))

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
            return self._listing(connection, query, sort).read(
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
            everything = self._count(connection, Query())
            return (self._count(connection, parsed) if parsed else everything), everything

    def _listing(self, connection: Connection, query: QueryLike, sort: Sort | None) -> _Listing:
        return _Listing(self, connection, _parsed(query), sort or Sort(), today_date())

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

    def facets(self, query: QueryLike = None, which: Sequence[str] = reading.FACETS) -> Facets:
        """Counts of the matching pledges by status, pledger, category and condition.

        Answers are remembered until the ledger changes, so returning to a query (clearing a
        filter, say) is instant even on a large ledger.
        """
        parsed = _parsed(query)
        with self._reading() as connection:
            where = self._where(connection, parsed)
            cache_key = (
                "facets",
                parsed.terms,
                tuple(which),
                change_log.revision(connection),
                today_date(),
            )
            with self._cache_lock:
                cached = self._cache.get(cache_key)
            if cached is not None:
                return cached  # type: ignore[no-any-return]
            found = reading.facets(
                connection, where, self._dialect, everything=not parsed, which=which
            )
        self._remember(cache_key, found)
        return found

    # -- reads: records ------------------------------------------------------------------------

    def pledge(self, key: str) -> PledgeDetail:
        with self._reading() as connection:
            return reading.pledge_detail(connection, key, today_date())

    def condition(self, key: str, limit: int | None = None) -> ConditionDetail:
        """A condition and its dependent pledges by group (at most ``limit`` per group)."""
        with self._reading() as connection:
            return reading.condition_detail(connection, key, limit)

    def actor(self, code: str) -> ActorDetail:
        with self._reading() as connection:
            return reading.actor_detail(connection, code)

    def source(self, key: str) -> SourceDetail:
        with self._reading() as connection:
            return reading.source_detail(connection, key)

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

    def citation(self, record_type: str, key: str) -> str:
        """A plain-text citation of a pledge or condition: status, since when, as of today,
        and the sources behind it (what ``y`` copies)."""
        from .citation import cite

        detail = self.pledge(key) if record_type == "pledge" else self.condition(key)
        return cite(detail, today_date())

    def records(
        self, record_type: str, keys: Sequence[str] | None = None, *, strict: bool = True
    ) -> list[Record]:
        """Whole records of one type with their status history, sorted by key; ``strict``
        (exports) refuses a stored record the schemas would refuse, otherwise it is returned
        as stored (listings)."""
        with self._reading() as connection:
            return reading.records(connection, record_type, keys, strict=strict)

    def supersedes_closure(self, keys: Sequence[str]) -> dict[str, str | None]:
        """These pledges and all they replace, however far back, each mapped to the key of the
        pledge it supersedes (None where a chain starts): one read for whole chains."""
        with self._reading() as connection:
            return reading.supersedes_closure(connection, list(keys))

    def versioned_states(
        self, record_type: str, keys: Sequence[str]
    ) -> dict[str, tuple[int, dict[str, Any]]]:
        """The version and stored fields (as the change log keeps them) of each of these
        records that exists: what an import fills in for the fields its file does not give."""
        from .store import STORES

        with self._reading() as connection:
            stored = STORES[record_type].load(connection, keys)
            return {k: (s.version, s.state) for k, s in stored.items()}

    def matching_pledge_keys(self, query: QueryLike = None) -> list[str]:
        P = m.pledges.c
        with self._reading() as connection:
            where = self._where(connection, query)
            return list(connection.execute(select(P.key).where(where).order_by(P.key)).scalars())

    def keys(self, record_type: str) -> list[str]:
        from .store import STORES

        with self._reading() as connection:
            return STORES[record_type].keys(connection)

    def history(self, record_type: str, key: str) -> list[ChangeEntry]:
        with self._reading() as connection:
            return change_log.record_history(connection, record_type, key)

    def status_histories(
        self, record_type: str, keys: Sequence[str]
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

    def as_of(self, date: str, record_type: str | None = None, key: str | None = None) -> Snapshot:
        """The ledger (or one record) as it stood at the end of ``date``, rebuilt from the log."""
        date = parse_partial_date(date)
        lists = {t: model.list_fields for t, model in RECORD_MODELS.items()}
        with self._reading() as connection:
            return change_log.snapshot(connection, date, lists, record_type, key)

    def status_as_of(self, record_type: str, key: str, date: str) -> str | None:
        record = self.as_of(date, record_type, key).records.get(record_type, {}).get(key)
        return None if record is None else record.get("status")

    def diff(self, earlier: str, later: str) -> list[Difference]:
        """What changed in the ledger between two dates (as of each), field by field."""
        return change_log.differences(self.as_of(earlier), self.as_of(later))

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
            lambda c, b: writing.create(
                c, b, record, effective=effective, note=note, source=source
            ),
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
                c, b, record, version=version, effective=effective, note=note, source=source
            ),
        )[1]

    def delete(
        self, record_type: str, key: str, *, version: int, note: str | None = None
    ) -> BatchSummary:
        """Delete a record nothing refers to any more (else ReferencedError naming the referrers)."""
        return self._write(
            "change",
            f"delete {record_type} {key}",
            lambda c, b: writing.delete(c, b, record_type, key, version=version, note=note),
        )[1]

    def change_status(
        self,
        record_type: str,
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
                effective=effective,
                note=note,
                source=source,
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
        kept: Mapping[tuple[str, str], Keeps] | None = None,
        logged: Callable[[Sequence[change_log.Entry]], None] | None = None,
    ) -> tuple[dict[str, Counts], BatchSummary]:
        """Create or update many records at once, matched by key, in one transaction.

        With ``dry_run`` the same work is done and rolled back: the counts are exactly what a
        real run would report. ``kept`` names, by (record type, key), fields a record leaves as
        the ledger has them and the version they were read at: a record changed since has them
        read again inside the transaction (see :func:`db.fixtures.keeping.refreshed`). ``logged`` is given the change-log entries the
        batch writes (or, in a dry run, would have written), before the commit.
        """
        note = default_note or label

        def work(connection: Connection, batch: change_log.Batch) -> dict[str, Counts]:
            chosen = records
            if kept:
                chosen = _refreshed(connection, records, kept)
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
    ) -> Callable[[Connection, change_log.Batch], writing.Reverted]:
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
    ) -> writing.Reverted:
        # The stacks are read again inside the write transaction: another window of this
        # analyst may have undone the same batch in between.
        undo, redo = change_log.stacks(connection, self.author, before=batch.id)
        if target not in (undo if kind == "undo" else redo):
            raise NothingToUndoError(f"that change was already reversed; nothing to {kind}")
        return writing.revert(connection, batch, target, partial=partial)

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
            dialect.backup(self.path, target)
        except FileTargetError as error:
            if not error.exists:
                raise
            raise FileTargetError(
                target, f"{target} already exists; choose a new file name", exists=True
            ) from None
        except (OSError, sqlite3.Error) as error:
            problem = dialect.file_problem(target, error) or _reason(error)
            raise LedgerError(
                f"cannot write the backup to {target}: {problem}; nothing was written"
            ) from None
        return target

    def integrity(self) -> str:
        if self.path is None:
            return "ok"
        return dialect.integrity_check(self.path)


class _Listing:
    """A :class:`db.window.ListingReader`: one listing read inside an open read transaction,
    with one date for "today" throughout."""

    def __init__(
        self, ledger: Ledger, connection: Connection, query: Query, sort: Sort, today: str
    ) -> None:
        self._ledger, self._connection = ledger, connection
        self._query, self._sort, self._today = query, sort, today

    @property
    def query(self) -> Query:
        return self._query

    def read(
        self,
        limit: int,
        *,
        after: Cursor | None = None,
        before: Cursor | None = None,
        offset: int = 0,
        from_end: bool = False,
    ) -> Page:
        connection, sort = self._connection, self._sort
        return paging.fetch(
            connection,
            self._ledger._page_where(connection, self._query, sort, limit),
            sort,
            limit=limit,
            after=after,
            before=before,
            offset=offset,
            from_end=from_end,
            today=self._today,
        )

    def page(
        self,
        limit: int,
        *,
        after: Cursor | None = None,
        before: Cursor | None = None,
        offset: int = 0,
        from_end: bool = False,
    ) -> list[PledgeRow]:
        return self.read(limit, after=after, before=before, offset=offset, from_end=from_end).rows

    def rows(self, keys: Sequence[str]) -> list[PledgeRow]:
        return paging.rows_for_keys(self._connection, keys, self._sort, self._today)

    def position(self, key: str) -> int | None:
        where = self._ledger._where(self._connection, self._query)
        return paging.position(self._connection, where, self._sort, key)

    def count(self, query: Query) -> int:
        return self._ledger._count(self._connection, query)

    def revision(self) -> int:
        return change_log.revision(self._connection)


def _parsed(query: QueryLike) -> Query:
    return parse(query) if isinstance(query, str) else (query or Query())


def _refreshed(
    connection: Connection, records: Sequence[Record], kept: Mapping[tuple[str, str], Keeps]
) -> Sequence[Record]:
    """``records`` with their kept fields as stored; those of records changed since the check
    read again (usually none: one narrow read of versions, nothing loaded again)."""
    from .fixtures.keeping import refreshed
    from .store import STORES, chunks

    keys: dict[str, list[str]] = {}
    for record_type, key in kept:
        keys.setdefault(record_type, []).append(key)
    moved: list[tuple[str, str]] = []
    for record_type, wanted in keys.items():
        table = STORES[record_type].table
        key_column = table.c[STORES[record_type].key_column]
        for part in chunks(wanted):
            statement = select(key_column, table.c.version).where(key_column.in_(list(part)))
            for key, version in connection.execute(statement):
                if version != kept[(record_type, key)].version:
                    moved.append((record_type, key))
    by_type: dict[str, list[str]] = {}
    for record_type, key in moved:
        by_type.setdefault(record_type, []).append(key)
    states = {
        t: {k: s.state for k, s in STORES[t].load(connection, wanted).items()}
        for t, wanted in by_type.items()
    }
    return refreshed(records, dict(kept), states)


class _DryRun(Exception):
    def __init__(self, counts: dict[str, Counts]) -> None:
        self.counts = counts


def _check_file(path: Path, *, create: bool) -> str | None:
    """Refuse files that are not ledgers, or are from a newer pledges; return the revision.

    With ``create`` a missing file is made (private to its owner: a ledger holds analysts'
    notes) and an empty one is taken as a new ledger; without it, only an existing ledger is
    opened, and nothing is ever written to a file that is not one yet.
    """
    if path.is_dir():
        raise LedgerOpenError(f"{path} is a directory, not a ledger file")
    if path.is_symlink() and not path.exists():
        raise LedgerOpenError(
            f"{path} is a symbolic link to {os.readlink(path)}, which does not exist"
        )
    if path.exists() and (kind := files.special_kind(path.stat().st_mode)) is not None:
        # SQLite would read or write it as if it were a file, and fail as a "disk I/O error".
        raise LedgerOpenError(f"{path} is {kind}, not a ledger file; nothing was changed")
    if not path.exists():
        if not create:
            raise NoLedgerError(
                path,
                f"there is no ledger at {path}; `pledges import` or the terminal UI "
                "(when you confirm) makes one there",
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            files.create_private(path)
        except OSError as error:
            problem = dialect.file_problem(path, error) or _reason(error)
            raise LedgerOpenError(f"cannot create the ledger {path}: {problem}") from None
        return None
    try:
        info = dialect.inspect_file(path)
    except (OSError, sqlite3.Error) as error:
        problem = dialect.file_problem(path, error) or f"cannot read {path}: {_reason(error)}"
        if dialect.is_locked(error):
            raise LedgerBusyError(f"{problem}; nothing was changed") from None
        raise LedgerOpenError(f"{problem}; nothing was changed") from None
    if not info.is_sqlite:
        raise LedgerOpenError(
            f"{path} is not a pledges ledger (it is not a SQLite database); nothing was changed"
        )
    if info.revision is None:
        other = sorted(t for t in info.tables if not t.startswith("sqlite_"))
        if other:
            raise LedgerOpenError(
                f"{path} is a SQLite database but not a pledges ledger (it holds "
                f"tables {', '.join(other[:5])}); nothing was changed"
            )
        if not create:
            empty = "an empty file" if path.stat().st_size == 0 else "an empty SQLite database"
            raise NoLedgerError(
                path,
                f"there is no ledger at {path} ({empty}); `pledges import` or the terminal UI "
                "(when you confirm) makes one there. Nothing was changed",
            )
        return None
    if info.revision not in migrate.known_revisions():
        raise LedgerOpenError(
            f"{path} was written by a newer version of pledges (schema {info.revision}; this "
            f"version knows up to {migrate.head()}); upgrade pledges to open it. Nothing was changed"
        )
    return info.revision


#: What opening a ledger can meet that is about the database, not a mistake of ours (the
#: migrations' environment raises RuntimeError for a ledger whose references are broken).
_OPENING_ERRORS = (SQLAlchemyError, OSError, sqlite3.Error, LedgerError, RuntimeError)


def _still_at(path: Path, revision: str | None) -> bool:
    """True when the ledger is known to be at ``revision`` still (a failed upgrade rolled back)."""
    try:
        return dialect.inspect_file(path).revision == revision
    except (OSError, sqlite3.Error):
        return False


def _open_problem(
    path: Path | None,
    url: URL,
    revision: str | None,
    saved: Path | None,
    kept: Path | None,
    error: Exception,
) -> str:
    """Why opening failed after the file checks: making a new ledger, the copy before an
    upgrade, or the upgrade itself."""
    if isinstance(error, FileTargetError | LedgerError):
        reason = str(error)
    else:
        reason = (dialect.file_problem(path, error) if path else None) or _reason(error)
    name = path or url.render_as_string(hide_password=True)
    if path is None:
        return f"cannot open the ledger {name}: {reason}"
    if revision is None:
        return f"cannot make a new ledger at {name}: {reason}"
    if saved is None:
        return (
            f"cannot upgrade the ledger {name}: the copy made before an upgrade failed "
            f"({reason}); the ledger was not changed"
        )
    if kept is None:
        return f"cannot upgrade the ledger {name}: {reason}; it was left as it was"
    return (
        f"the upgrade of the ledger {name} failed after it was written ({reason}); "
        f"the copy made before it is {kept}"
    )


#: A reason quoted from a database or the system is cut to this many characters.
REASON_LIMIT = 300


def _reason(error: BaseException) -> str:
    """The first line of what the database (or the system) said, cut to a bounded length."""
    original = getattr(error, "orig", None) or error
    text = str(original).strip()
    if not text:
        return type(error).__name__
    line = text.splitlines()[0]
    return line if len(line) <= REASON_LIMIT else line[:REASON_LIMIT] + "…"
