"""The ledger as it stood on a past date, read with the same SQL as today's.

Each record's state over periods of both time axes is kept in ``record_states`` (see
:mod:`db.record_states`). A *reading* names a point on each axis: in the world as of a day,
and as recorded at a time. On a connection made for past readings, temporary views named
like the ledger's tables (``pledges``, ``conditions``, ``pledge_tags``, ...) show the rows of
``record_states`` valid at the connection's reading, with the columns of those tables. SQL
names without a schema find temporary objects first, so every query of the pledge list (the
filter language, pages, sorts, counts, facets, a record's details) runs unchanged on the ledger
of then: one implementation of the query language, whatever the date. The reading itself is
one row of a temporary table, set at the start of each read.

What the views derive as the tables' triggers and stores do for today's rows: a pledge's
conditions summary (how many, open, failed, and the sortable state) from the statuses its
conditions had then. A pledge's tags and conditions are read from the links kept with its rows
(``record_state_links``), so that the pledges with a tag or a condition then are found by an
index. The facet counts of the whole ledger then are counted when first asked for at a reading,
from indexes alone, into a temporary table read as today's kept counts are. A link to a
condition or pledge that did not exist then is left out. Sources are evidence, cited as the ledger knew them at the reading
(their latest state as recorded by then), whenever they were entered; actors (names, aliases,
coalitions) are read as they are today: an actor's code never changes, and filters find actors
by it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import Connection, Engine, event

from . import vocab
from .dates import PartialDateError, bounds, parse_partial_date, quoted, today
from .errors import LedgerError
from .record_states import OPEN_DATE, known_on_bound, reading_day
from .sqlite import fulltext


@dataclass(frozen=True, slots=True)
class Reading:
    """A point on each time axis: in the world as of the end of ``as_of`` (a partial date; None
    counts every change, as today's ledger does), as recorded at ``known_on`` (a date, meaning
    its end in UTC, or an ISO 8601 UTC timestamp; None: as recorded now)."""

    as_of: str | None = None
    known_on: str | None = None

    @property
    def is_present(self) -> bool:
        return self.as_of is None and self.known_on is None

    @property
    def day(self) -> str:
        """The last day the reading is in the world: every change dated by then counts."""
        return reading_day(self.as_of)

    @property
    def known(self) -> str:
        """The rows believed at this time are those recorded at or before it and not ended
        by it; for "now", a time before only the end of time, which no row has ended by."""
        return "9999-12-31T00:00:00Z" if self.known_on is None else known_on_bound(self.known_on)

    def describe(self) -> str:
        """``as of 2025-03-27``, ``as recorded on 2025-09-01``, both, or ``as it stands``."""
        parts = []
        if self.as_of is not None:
            parts.append(f"as of {self.as_of}")
        if self.known_on is not None:
            shown = self.known_on.replace("T", " ").removesuffix("Z")
            parts.append(f"as recorded on {shown}" + (" UTC" if "T" in self.known_on else ""))
        return ", ".join(parts) or "as it stands"

    def today(self) -> str:
        """The date that overdue is measured against: the day of the reading, or today."""
        return today() if self.as_of is None else min(self.day, today())


class ReadingError(LedgerError):
    """A date or time to read the ledger at that is not one (the message says why)."""


_RELATIVE = re.compile(r"-(\d{1,4})([dwmy])")
RELATIVE_FORMS: Final = "or a time ago: -3d, -1w, -3m, -1y"


def reading_date(text: str, today_is: str | None = None) -> str:
    """A date to read the ledger as of: a partial date (``2025``, ``2025-09``, ``2025-09-04``)
    or a time before today (``-3d``, ``-1w``, ``-3m``, ``-1y``: that day)."""
    value = text.strip()
    relative = _RELATIVE.fullmatch(value)
    if relative is not None:
        count, unit = int(relative.group(1)), relative.group(2)
        day = dt.date.fromisoformat(today_is or today())
        if unit in "dw":
            day -= dt.timedelta(days=count * (7 if unit == "w" else 1))
        else:
            months = day.year * 12 + day.month - 1 - count * (12 if unit == "y" else 1)
            year, month = divmod(months, 12)
            if year < 1:
                raise ReadingError(f"{quoted(text)} is before the year 1")
            last = calendar.monthrange(year, month + 1)[1]
            day = dt.date(year, month + 1, min(day.day, last))
        return day.isoformat()
    try:
        return parse_partial_date(value)
    except PartialDateError as error:
        raise ReadingError(f"{error}, {RELATIVE_FORMS}") from None


def recording_time(text: str, now: dt.datetime | None = None) -> str:
    """A time to read the ledger as recorded at: a partial date (its end, UTC) or an ISO 8601
    timestamp (UTC unless it names its offset), as recording times are written; refused if it
    is in the future, where nothing has been recorded yet."""
    value = text.strip()
    current = now or dt.datetime.now(dt.UTC)
    if "T" not in value and " " not in value:
        try:
            date = parse_partial_date(value)
        except PartialDateError as error:
            raise ReadingError(f"{error}, or a timestamp: 2025-09-01T12:00:00Z") from None
        if bounds(date)[0] > current.date().isoformat():
            raise ReadingError(
                f"{quoted(text)} is in the future: nothing has been recorded then yet "
                f"(today is {current.date().isoformat()})"
            )
        return date
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ReadingError(
            f"{quoted(text)} is not a date or a timestamp; write 2025-09-01 or 2025-09-01T12:00:00Z"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    moment = moment.astimezone(dt.UTC)
    if moment > current:
        raise ReadingError(
            f"{quoted(text)} is in the future: nothing has been recorded then yet "
            f"(it is {current.isoformat(timespec='seconds').replace('+00:00', 'Z')} now)"
        )
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")


#: ``{a}`` a row of ``record_states`` valid at the connection's reading. The columns are
#: hidden from the planner (unary ``+``): a record has few rows, so its rows are found by its
#: type and key, or read in the list's order through the index of the sort column, and each is
#: tested; an index on the periods would make SQLite read every period of the ledger and sort.
_VALID = (
    "+{a}.valid_from <= (SELECT day FROM temp.pledges_reading) "
    "AND +{a}.valid_to > (SELECT day FROM temp.pledges_reading) "
    "AND +{a}.recorded_from <= (SELECT known FROM temp.pledges_reading) "
    "AND +{a}.recorded_to > (SELECT known FROM temp.pledges_reading)"
)
#: The index a record's rows are found by.
BY_KEY: Final = "ix_record_states_record_type_record_key"


def _valid(alias: str) -> str:
    return _VALID.format(a=alias)


def _known(alias: str) -> str:
    """A row of a source as the ledger recorded it at the reading, in its latest state: a
    source is evidence, cited as the ledger knows it, whenever it was entered."""
    return (
        f"+{alias}.valid_to = '{OPEN_DATE}' "
        f"AND +{alias}.recorded_from <= (SELECT known FROM temp.pledges_reading) "
        f"AND +{alias}.recorded_to > (SELECT known FROM temp.pledges_reading)"
    )


def _quoted(values: frozenset[str]) -> str:
    return ", ".join(f"'{v}'" for v in sorted(values))


def _linked(owner: str, field: str, target: str) -> str:
    """The rows of records of type ``target`` that an ``owner`` row's list ``field`` names,
    valid at the reading, with the list's position."""
    # CROSS JOIN keeps the list first: each of its keys is then looked up by the index of
    # type and key (the other way round, every row of the type would be read for each).
    return (
        f"json_each({owner}.state, '$.{field}') AS j "
        f"CROSS JOIN main.record_states AS t INDEXED BY {BY_KEY} ON t.record_type = '{target}' "
        f"AND t.record_key = j.value "
        f"AND {_known('t') if target == 'source' else _valid('t')}"
    )


def _conditions_summary() -> str:
    linked = _linked("s", "conditions", "condition")
    open_ = _quoted(vocab.OPEN_CONDITION_STATUSES)
    failed = _quoted(vocab.FAILED_CONDITION_STATUSES)
    return (
        f"(SELECT count(*) FROM {linked}) AS conditions_total, "
        f"(SELECT count(*) FROM {linked} WHERE t.status IN ({open_})) AS conditions_open, "
        f"(SELECT count(*) FROM {linked} WHERE t.status IN ({failed})) AS conditions_failed, "
        f"(SELECT CASE WHEN count(*) = 0 THEN 0 "
        f"WHEN sum(t.status IN ({failed})) > 0 THEN 3 "
        f"WHEN sum(t.status IN ({open_})) > 0 THEN 2 ELSE 1 END FROM {linked}) "
        f"AS conditions_state"
    )


def _field(name: str) -> str:
    return f"json_extract(s.state, '$.{name}') AS {name}"


#: The temporary objects of a past-reading connection, in the order they are made.
STATEMENTS: Final = (
    "CREATE TEMP TABLE pledges_reading (day TEXT NOT NULL, known TEXT NOT NULL)",
    "INSERT INTO temp.pledges_reading VALUES ('9999-12-31', '9999-12-31T00:00:00Z')",
    "CREATE TEMP VIEW pledges AS SELECT s.id AS id, s.record_key AS key, s.title AS title, "
    "s.text AS text, s.pledger AS pledger, s.beneficiary AS beneficiary, "
    "s.category AS category, s.status AS status, s.announced AS announced, "
    "s.announced_lo AS announced_lo, s.announced_hi AS announced_hi, s.due AS due, "
    "s.due_lo AS due_lo, s.due_hi AS due_hi, s.amount AS amount, s.delivered AS delivered, "
    "s.unit AS unit, s.confidence AS confidence, "
    f"(SELECT x.id FROM main.record_states AS x INDEXED BY {BY_KEY} "
    "WHERE x.record_type = 'pledge' "
    f"AND x.record_key = s.supersedes AND {_valid('x')}) AS supersedes_id, "
    "s.notes AS notes, s.search_extra AS search_extra, "
    f"{_conditions_summary()}, 0 AS version, s.recorded_from AS updated_at "
    f"FROM main.record_states AS s WHERE s.record_type = 'pledge' AND {_valid('s')}",
    # A condition's id in the past is its key: the links name conditions by key, so that a
    # join of a condition to its pledges is a look-up of the key in the links' index, from
    # either side (a row id would have to be found through the condition's own rows first).
    "CREATE TEMP VIEW conditions AS SELECT s.record_key AS id, s.record_key AS key, "
    "s.title AS title, "
    f"{_field('description')}, s.status AS status, {_field('responsible')}, "
    f"{_field('resolved')}, 0 AS version, s.recorded_from AS updated_at "
    f"FROM main.record_states AS s WHERE s.record_type = 'condition' AND {_valid('s')}",
    "CREATE TEMP VIEW sources AS SELECT s.id AS id, s.record_key AS key, s.title AS title, "
    f"{_field('publisher')}, {_field('url')}, {_field('published')}, {_field('excerpt')}, "
    f"{_field('reliability')}, {_field('credibility')}, 0 AS version, "
    "s.recorded_from AS updated_at "
    f"FROM main.record_states AS s WHERE s.record_type = 'source' AND {_known('s')}",
    # A pledge's tags and conditions then, from the links kept with its rows: the pledges with
    # a tag (or a condition) are found by the index of the value.
    "CREATE TEMP VIEW pledge_tags AS SELECT l.state_id AS pledge_id, l.value AS tag, "
    "l.position AS position FROM main.record_state_links AS l "
    f"WHERE l.kind = 'tag' AND {_valid('l')}",
    # A link to a condition that did not exist then is left out by the join with the
    # conditions that every reader of the links makes.
    "CREATE TEMP VIEW pledge_conditions AS SELECT l.state_id AS pledge_id, "
    "l.value AS condition_id, l.position AS position FROM main.record_state_links AS l "
    f"WHERE l.kind = 'condition' AND {_valid('l')}",
    "CREATE TEMP VIEW pledge_sources AS SELECT s.id AS pledge_id, t.id AS source_id, "
    f"j.key AS position FROM main.record_states AS s, {_linked('s', 'sources', 'source')} "
    f"WHERE s.record_type = 'pledge' AND {_valid('s')}",
    "CREATE TEMP VIEW condition_sources AS SELECT s.record_key AS condition_id, "
    "t.id AS source_id, "
    f"j.key AS position FROM main.record_states AS s, {_linked('s', 'sources', 'source')} "
    f"WHERE s.record_type = 'condition' AND {_valid('s')}",
    # The facet counts of the whole ledger then, counted when first asked for at a reading
    # (see :func:`count_facets`), read as today's kept counts are.
    "CREATE TEMP TABLE pledge_facet_counts (facet TEXT NOT NULL, value TEXT NOT NULL, "
    "n INTEGER NOT NULL)",
    "CREATE TEMP TABLE pledges_counted (day TEXT, known TEXT, revision INTEGER)",
    "INSERT INTO temp.pledges_counted VALUES (NULL, NULL, NULL)",
)


#: The index the facets of then are counted from, in the order of what they count by.
COUNTED: Final = (
    "ix_record_states_record_type_status_pledger_category_valid_from_valid_to_recorded_from_"
    "recorded_to"
)
_BY_FACETS: Final = (
    f"SELECT s.status, s.pledger, s.category, count(*) FROM main.record_states AS s "
    f"INDEXED BY {COUNTED} WHERE s.record_type = 'pledge' AND {_valid('s')} "
    "GROUP BY s.status, s.pledger, s.category"
)
_BY_CONDITION: Final = (
    "INSERT INTO temp.pledge_facet_counts SELECT 'condition', x.key, x.n "
    "FROM (SELECT l.value AS key, count(*) AS n FROM main.record_state_links AS l "
    f"WHERE l.kind = 'condition' AND {_valid('l')} GROUP BY l.value) AS x "
    f"WHERE EXISTS (SELECT 1 FROM main.record_states AS t INDEXED BY {BY_KEY} "
    f"WHERE t.record_type = 'condition' AND t.record_key = x.key AND {_valid('t')})"
)


def count_facets(connection: Connection, revision: int) -> None:
    """Fill ``pledge_facet_counts`` of this past-reading connection with the counts of the
    ledger at its reading, unless they are those of this reading and ``revision`` already:
    status, pledger and category in one pass over an index in their order, and conditions
    over the links' index, never a row of the ledger."""
    reading = tuple(connection.exec_driver_sql("SELECT day, known FROM temp.pledges_reading").one())
    counted = connection.exec_driver_sql("SELECT day, known, revision FROM temp.pledges_counted")
    if tuple(counted.one()) == (*reading, revision):
        return
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for status, pledger, category, n in connection.exec_driver_sql(_BY_FACETS):
        for facet, value in (("status", status), ("pledger", pledger), ("category", category)):
            if value is not None:
                totals[(facet, value)] += n
    connection.exec_driver_sql("DELETE FROM temp.pledge_facet_counts")
    if totals:
        connection.exec_driver_sql(
            "INSERT INTO temp.pledge_facet_counts VALUES (?, ?, ?)",
            [(facet, value, n) for (facet, value), n in totals.items()],
        )
    connection.exec_driver_sql(_BY_CONDITION)
    connection.exec_driver_sql(
        "UPDATE temp.pledges_counted SET day = ?, known = ?, revision = ?", (*reading, revision)
    )


def past_engine(made: Engine) -> Engine:
    """``made`` (a new read engine on the ledger, used for nothing else) made into one whose
    connections read the ledger at a reading (see :func:`set_reading`)."""

    @event.listens_for(made, "connect")
    def _views(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        for statement in STATEMENTS:
            cursor.execute(statement)
        cursor.close()

    return made


@contextmanager
def reading(connection: Connection, at: Reading) -> Iterator[None]:
    """Inside, ``connection`` (of a :func:`past_engine`, in its read transaction) reads the
    ledger at ``at``, and free words go to the index of the ledger in time."""
    connection.exec_driver_sql(
        "UPDATE temp.pledges_reading SET day = ?, known = ?", (at.day, at.known)
    )
    with fulltext.reading_the_past():
        yield
