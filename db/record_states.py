"""The ledger in time, kept as a table: every record's state over periods of both time axes.

The change log holds every change with two dates: when it happened in the world (its
effective date, whose first day is ``effective_lo``) and when the ledger learned it (its
batch's ``recorded_at``). Reading the past from the log alone means folding it in Python,
which cannot serve a million pledges. So each record's history is also kept, in the same
transaction as every write, as rows of ``record_states``: the record's fields (``state``, as
the fold gives them) held

* in the world from ``valid_from`` (a day) until the day before ``valid_to``, and
* in the ledger's knowledge from ``recorded_from`` until just before ``recorded_to``.

A row open on an axis has ``valid_to`` = :data:`OPEN_DATE` or ``recorded_to`` =
:data:`OPEN_TIME`. The ledger as of a day D and as recorded at a time T is then one indexed
read: the rows with ``valid_from <= D < valid_to`` and ``recorded_from <= T < recorded_to``.

**The rules** (the same as the fold over the log, :func:`db.change_log.snapshot`, which stays
the reference): a change counts as of D when its effective date's first day is on or before
D's last day (a change dated ``2025-09`` counts as of 2025-09-10, and is then less precise
than the date asked about; ``status_since`` keeps the date as it was given, to say so); it
counts as recorded at T when its batch was recorded by T; an undone change counts until the
undo was recorded (from then on, the ledger no longer believes it); undo batches' own entries
only cancel and never count as changes.

A record's rows are rebuilt from its own log entries whenever a batch touches it
(:func:`refresh`), so that a backdated change, an undo or a re-creation is always right: a
record has few entries, and each is read once per write of that record.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any, Final, Protocol, TypeVar

from sqlalchemy import Connection, and_, bindparam, delete, func, or_, select

from . import dialect
from . import tables as m
from .dates import bounds
from .record_types import KINDS
from .store import PledgeContext, PledgeStore, actor_search_names
from .vocab import RecordRef, RecordType

#: ``valid_to`` of a state that still holds in the world.
OPEN_DATE: Final = "9999-12-31"
#: The last day a reading can be as of: every period still open holds on it.
LAST_DAY: Final = "9999-12-30"
#: ``recorded_to`` of what the ledger still believes.
OPEN_TIME: Final = "9999-12-31T23:59:59.999999Z"

S = m.record_states.c
K = m.record_state_links.c
L = m.change_log.c
B = m.batches.c

#: Records refreshed per read of their log entries.
CHUNK: Final = 500


@dataclass(frozen=True, slots=True)
class LogRow:
    """One change-log entry of a record, with what its batch says about it."""

    id: int
    batch_id: int
    recorded_at: str
    #: The batch's kind (``undo`` batches only cancel) and, for an undo, the batch it undoes.
    kind: str
    target_id: int | None
    action: str
    changes: Mapping[str, Sequence[Any]]
    effective: str | None
    effective_lo: str


@dataclass(frozen=True, slots=True)
class Period:
    """One row of ``record_states`` for one record."""

    valid_from: str
    valid_to: str
    recorded_from: str
    recorded_to: str
    state: str
    status: str | None
    status_since: str | None


# -- the rule, for one record --------------------------------------------------------------


def _counting(rows: Sequence[LogRow], at: str) -> list[LogRow]:
    """The entries the ledger believed at recording time ``at``, in effective order."""
    # An entry is undone when an undo of its batch holds an entry for the same record.
    undone = {row.target_id for row in rows if row.kind == "undo" and row.recorded_at <= at}
    counting = [
        row
        for row in rows
        if row.kind != "undo" and row.recorded_at <= at and row.batch_id not in undone
    ]
    return in_effect(counting)


class _Dated(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def action(self) -> str: ...
    @property
    def effective_lo(self) -> str: ...


Dated = TypeVar("Dated", bound=_Dated)


def in_effect(counting: Sequence[Dated]) -> list[Dated]:
    """One record's counting entries (in recording order), in the order they take effect in
    the world, each life of the record over the lives before it.

    A record deleted and made again has lives, each begun by a creation. A later life holds
    from its creation's day on: what an earlier life says of that day or later no longer
    counts (a pledge deleted in September and imported again with a history from 2024 is, as
    of any date from 2024, what the import says). Within a life, changes take effect in the
    order of their dates, and entries of one date in the order they were recorded."""
    starts: list[int] = [i for i, row in enumerate(counting) if row.action == "create"]
    if len(starts) <= 1:
        return sorted(counting, key=lambda row: (row.effective_lo, row.id))
    kept: list[Dated] = []
    # The day from which a later life holds, for the entries before each creation.
    later = "9999-12-31"
    bounds = [0, *starts, len(counting)] if starts[0] != 0 else [*starts, len(counting)]
    for index in range(len(bounds) - 2, -1, -1):
        life = counting[bounds[index] : bounds[index + 1]]
        kept.extend(row for row in life if row.effective_lo < later)
        if life and life[0].action == "create":
            later = min(later, life[0].effective_lo)
    return sorted(kept, key=lambda row: (row.effective_lo, row.id))


#: ``(valid_from, valid_to, state, status, status_since)``: a period in the world.
_Held = tuple[str, str, str, str | None, str | None]


def _timeline(rows: Sequence[LogRow], list_fields: Sequence[str]) -> list[_Held]:
    """``(valid_from, valid_to, state, status, status_since)`` of a record in the world, from
    the entries believed at one recording time: the state after each day's changes, kept
    while the record exists, with equal neighbours joined."""
    state: dict[str, Any] | None = None
    since: str | None = None
    days: list[tuple[str, dict[str, Any] | None, str | None]] = []
    for row in rows:
        if row.action == "delete":
            state, since = None, None
        else:
            if row.action == "create" or state is None:
                state = {name: [] for name in list_fields}
                since = row.effective or row.effective_lo
            held = state.get("status")
            for name, (_old, new) in row.changes.items():
                state[name] = new
            # A status held since it was set: an entry that restates it (a history's "stays
            # pending") does not move the date.
            if "status" in row.changes and state.get("status") != held:
                since = row.effective or row.effective_lo
        snapshot = None if state is None else dict(state)
        if days and days[-1][0] == row.effective_lo:
            days[-1] = (row.effective_lo, snapshot, since)
        else:
            days.append((row.effective_lo, snapshot, since))
    periods: list[_Held] = []
    for index, (start, held, held_since) in enumerate(days):
        end = days[index + 1][0] if index + 1 < len(days) else OPEN_DATE
        if held is None:
            continue
        text = json.dumps(held, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        status = held.get("status")
        if periods and periods[-1][1] == start and periods[-1][2:] == (text, status, held_since):
            periods[-1] = (periods[-1][0], end, text, status, held_since)
        else:
            periods.append((start, end, text, status, held_since))
    return periods


def periods_of(rows: Sequence[LogRow], list_fields: Sequence[str]) -> list[Period]:
    """All of one record's rows: its timeline in the world as believed at each recording time
    of its entries, a row for each period that stays the same across recording times."""
    times = sorted({row.recorded_at for row in rows})
    opened: dict[_Held, str] = {}
    found: list[Period] = []

    def close(held: _Held, since: str, until: str) -> None:
        start, end, state, status, status_since = held
        found.append(Period(start, end, since, until, state, status, status_since))

    for at in times:
        now = set(_timeline(_counting(rows, at), list_fields))
        for held in [held for held in opened if held not in now]:
            close(held, opened.pop(held), at)
        for held in now:
            opened.setdefault(held, at)
    for held, since in opened.items():
        close(held, since, OPEN_TIME)
    found.sort(key=lambda p: (p.recorded_from, p.valid_from))
    return found


# -- kept in the table ---------------------------------------------------------------------


def _by_type(records: Iterable[RecordRef]) -> dict[RecordType, list[str]]:
    by_type: dict[RecordType, list[str]] = defaultdict(list)
    for record_type, key in records:
        by_type[record_type].append(key)
    return by_type


def _log_rows(
    connection: Connection, records: Sequence[RecordRef]
) -> dict[RecordRef, list[LogRow]]:
    found: dict[RecordRef, list[LogRow]] = defaultdict(list)
    for record_type, keys in _by_type(records).items():
        for start in range(0, len(keys), CHUNK):
            part = keys[start : start + CHUNK]
            statement = (
                select(
                    L.record_key,
                    L.id,
                    L.batch_id,
                    B.recorded_at,
                    B.kind,
                    B.target_id,
                    L.action,
                    L.changes,
                    L.effective,
                    L.effective_lo,
                )
                .join(m.batches, B.id == L.batch_id)
                .where(L.record_type == record_type, L.record_key.in_(part))
                .order_by(L.record_key, L.id)
            )
            for row in connection.execute(statement):
                found[(record_type, row.record_key)].append(
                    LogRow(
                        row.id,
                        row.batch_id,
                        row.recorded_at,
                        row.kind,
                        row.target_id,
                        row.action,
                        json.loads(row.changes),
                        row.effective,
                        row.effective_lo,
                    )
                )
    return found


def _list_fields() -> dict[RecordType, tuple[str, ...]]:
    return {t: kind.schema.list_fields for t, kind in KINDS.items()}


@dataclass(frozen=True, slots=True)
class NewEntries:
    """A batch's entries as they were appended to the log."""

    batch_id: int
    recorded_at: str
    kind: str
    entries: Sequence[Any]


def _log_counts(connection: Connection, records: Iterable[RecordRef]) -> dict[RecordRef, int]:
    """How many log entries each of these records has."""
    found: dict[RecordRef, int] = {}
    for record_type, keys in _by_type(records).items():
        for start in range(0, len(keys), CHUNK):
            part = keys[start : start + CHUNK]
            statement = (
                select(L.record_key, func.count())
                .where(L.record_type == record_type, L.record_key.in_(part))
                .group_by(L.record_key)
            )
            for key, count in connection.execute(statement):
                found[(record_type, key)] = count
    return found


def computed(connection: Connection, records: Iterable[RecordRef]) -> dict[RecordRef, list[Period]]:
    """The rows these records should have, rebuilt from their log entries."""
    wanted = sorted(set(records))
    lists = _list_fields()
    logged = _log_rows(connection, wanted)
    return {ref: periods_of(logged.get(ref, []), lists[ref[0]]) for ref in wanted}


def stored(connection: Connection, records: Iterable[RecordRef]) -> dict[RecordRef, list[Period]]:
    """The rows these records have in the table, in the order :func:`periods_of` gives."""
    wanted = sorted(set(records))
    found: dict[RecordRef, list[Period]] = {ref: [] for ref in wanted}
    for record_type, keys in _by_type(wanted).items():
        for start in range(0, len(keys), CHUNK):
            part = keys[start : start + CHUNK]
            statement = select(S.record_key, *_PERIOD_COLUMNS).where(
                S.record_type == record_type, S.record_key.in_(part)
            )
            for row in connection.execute(statement):
                found[(record_type, row.record_key)].append(Period(*row[1:]))
    for periods in found.values():
        periods.sort(key=lambda p: (p.recorded_from, p.valid_from))
    return found


_PERIOD_COLUMNS = (
    S.valid_from,
    S.valid_to,
    S.recorded_from,
    S.recorded_to,
    S.state,
    S.status,
    S.status_since,
)


def refresh(
    connection: Connection, records: Iterable[RecordRef], new: NewEntries | None = None
) -> None:
    """Rebuild the rows of these records from their log entries (in the caller's write
    transaction: the table never disagrees with the log).

    ``new`` gives the batch just appended (its id, recording time, kind and entries): a record
    whose whole log is in it has no rows yet, and its rows are made from those entries
    without reading them back (an import of a hundred thousand new pledges)."""
    refs = set(records)
    made: dict[RecordRef, list[Period]] = {}
    if new is not None and new.kind != "undo":
        # A record is new when its whole log is these entries (appended in one go).
        here: dict[RecordRef, int] = defaultdict(int)
        for e in new.entries:
            here[(e.record_type, e.record_key)] += 1
        fresh = {ref for ref, count in _log_counts(connection, refs).items() if here[ref] == count}
        lists = _list_fields()
        logged: dict[RecordRef, list[LogRow]] = defaultdict(list)
        for number, e in enumerate(new.entries):
            ref = (e.record_type, e.record_key)
            if ref in fresh:
                logged[ref].append(
                    LogRow(
                        number,
                        new.batch_id,
                        new.recorded_at,
                        new.kind,
                        None,
                        e.action,
                        e.changes,
                        e.effective,
                        e.effective_lo or "",
                    )
                )
        made = {ref: periods_of(found, lists[ref[0]]) for ref, found in logged.items()}
        refs -= set(made)
    wanted = computed(connection, refs)
    for record_type, keys in _by_type(wanted).items():
        for start in range(0, len(keys), CHUNK):
            part = keys[start : start + CHUNK]
            rows_of = select(S.id).where(S.record_type == record_type, S.record_key.in_(part))
            connection.execute(delete(m.record_state_links).where(K.state_id.in_(rows_of)))
            connection.execute(
                delete(m.record_states).where(S.record_type == record_type, S.record_key.in_(part))
            )
    everything = (*wanted.items(), *made.items())
    names = (
        actor_search_names(connection)
        if any(ref[0] == "pledge" and periods for ref, periods in everything)
        else {}
    )
    rows: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    # Each row's id is given here, so that its links can name it (writes are one at a time).
    next_id = _next_id(connection)
    for (record_type, key), periods in everything:
        for p in periods:
            state = json.loads(p.state)
            period = {
                "valid_from": p.valid_from,
                "valid_to": p.valid_to,
                "recorded_from": p.recorded_from,
                "recorded_to": p.recorded_to,
            }
            rows.append(
                {
                    "id": next_id,
                    "record_type": record_type,
                    "record_key": key,
                    **period,
                    "state": p.state,
                    "status": p.status,
                    "status_since": p.status_since,
                    **columns_of(record_type, state, names),
                }
            )
            links.extend(
                {"state_id": next_id, "kind": kind, "value": value, "position": position, **period}
                for kind, position, value in links_of(record_type, state)
            )
            next_id += 1
    if rows:
        dialect.insert_many(connection, m.record_states, rows)
    if links:
        dialect.insert_many(connection, m.record_state_links, links)


#: The lists of a pledge's state kept as links (see :class:`db.tables.RecordStateLink`).
LINKED: Final = {"tags": "tag", "conditions": "condition"}


def links_of(record_type: RecordType, state: Mapping[str, Any]) -> Iterator[tuple[str, int, str]]:
    """``(kind, position, value)`` of each link of a row of this state: a pledge's tags and
    conditions."""
    if record_type != "pledge":
        return
    for field, kind in LINKED.items():
        for position, value in enumerate(state.get(field) or ()):
            yield kind, position, value


def wrong_links(connection: Connection) -> Iterator[int]:
    """The ids of the rows whose links are not those their state makes (links left by a row
    that is gone count under its id), for ``pledges check``: both tables read once, each in
    the order of the rows, and merged."""
    rows = connection.execute(
        select(
            S.id, S.record_type, S.state, S.valid_from, S.valid_to, S.recorded_from, S.recorded_to
        ).order_by(S.id)
    )
    linked = connection.execute(
        select(K.state_id, K.kind, K.position, K.value, *(K[name] for name in PERIOD)).order_by(
            K.state_id
        )
    )
    groups = (
        (state_id, [tuple(link[1:]) for link in links])
        for state_id, links in groupby(linked, key=lambda link: link.state_id)
    )
    group = next(groups, None)
    for row in rows:
        while group is not None and group[0] < row.id:
            yield group[0]
            group = next(groups, None)
        kept: list[tuple[Any, ...]] = []
        if group is not None and group[0] == row.id:
            kept = group[1]
            group = next(groups, None)
        try:
            state = json.loads(row.state)
        except ValueError:
            continue  # a damaged state is for the check of the periods to report
        held = tuple(row[3:])
        made = [(*link, *held) for link in links_of(row.record_type, state)]
        if sorted(kept) != sorted(made):
            yield row.id
    while group is not None:
        yield group[0]
        group = next(groups, None)


PERIOD: Final = ("valid_from", "valid_to", "recorded_from", "recorded_to")


def _next_id(connection: Connection) -> int:
    """The id of the next row: above every row's, and on SQLite above every id ever given
    (as its AUTOINCREMENT does), so that no reading meets an id that meant another row."""
    top = int(connection.execute(select(func.max(S.id))).scalar() or 0)
    if connection.dialect.name == "sqlite":
        given = connection.exec_driver_sql(
            "SELECT seq FROM sqlite_sequence WHERE name = 'record_states'"
        ).scalar()
        top = max(top, int(given or 0))
    return top + 1


#: The columns of ``record_states`` that hold what the pledge list filters, sorts and
#: searches (see :mod:`db.past`).
COLUMNS: Final = (
    "title",
    "text",
    "notes",
    "search_extra",
    "pledger",
    "beneficiary",
    "category",
    "announced",
    "announced_lo",
    "announced_hi",
    "due",
    "due_lo",
    "due_hi",
    "amount",
    "delivered",
    "unit",
    "confidence",
    "supersedes",
)
_PLEDGE_STORE: Final = PledgeStore()


def columns_of(
    record_type: RecordType, state: Mapping[str, Any], names: Mapping[str, str]
) -> dict[str, Any]:
    """The :data:`COLUMNS` of a row of this state: for a pledge, its columns as the pledges
    table has them (``names``: each actor's words for the full-text index); for a condition
    or a source, its title."""
    found: dict[str, Any] = dict.fromkeys(COLUMNS)
    if record_type == "pledge":
        values = _PLEDGE_STORE.row_values(dict(state), PledgeContext({}, dict(names)))
        found.update((name, values[name]) for name in COLUMNS if name in values)
        found["supersedes"] = state.get("supersedes")
    elif record_type in ("condition", "source"):
        found["title"] = state.get("title")
    return found


def logged_records(connection: Connection) -> Iterator[list[RecordRef]]:
    """Every record the log has entries for, a few thousand at a time."""
    records = [
        (row.record_type, row.record_key)
        for row in connection.execute(
            select(L.record_type, L.record_key).distinct().order_by(L.record_type, L.record_key)
        )
    ]
    for start in range(0, len(records), CHUNK * 10):
        yield records[start : start + CHUNK * 10]


def rebuild(connection: Connection) -> int:
    """Rebuild the whole table from the log (a migration, or ``pledges check --repair``);
    the number of records it now describes."""
    count = 0
    with dialect.past_fulltext_paused(connection):
        connection.execute(delete(m.record_state_links))
        connection.execute(delete(m.record_states))
        for records in logged_records(connection):
            refresh(connection, records)
            count += len(records)
    return count


# -- reading the past ----------------------------------------------------------------------


def known_on_bound(known_on: str) -> str:
    """The recording time a ``known_on`` stands for: the end of the last day of a (partial)
    date, in UTC; a timestamp (UTC, as recording times are written) as it is."""
    if "T" not in known_on:
        return bounds(known_on)[1] + "T23:59:59.999999Z"
    return known_on


def reading_day(as_of: str | None) -> str:
    """The last day in the world of a reading as of ``as_of`` (a partial date; None: with every
    change counted)."""
    return LAST_DAY if as_of is None else min(bounds(as_of)[1], LAST_DAY)


def at(
    as_of: str | None, known_on: str | None, *, by_key: bool = False, dialect_name: str = ""
) -> Any:
    """The condition on ``record_states`` for the ledger in the world as of the end of
    ``as_of`` (a partial date; None: with every change counted), as recorded at ``known_on``.

    ``by_key``: the rows are found by their records' keys, and each tested (the periods'
    columns hidden from the planner, which would otherwise read a range of a million periods
    by their dates instead of a few rows by key)."""
    day = reading_day(as_of)

    def column(name: str) -> Any:
        return dialect.unindexed(dialect_name, S[name]) if by_key else S[name]

    clauses = [column("valid_from") <= day, column("valid_to") > day]
    if known_on is None:
        clauses.append(column("recorded_to") == OPEN_TIME)
    else:
        time = known_on_bound(known_on)
        clauses += [column("recorded_from") <= time, column("recorded_to") > time]
    return and_(*clauses)


def snapshot_records(
    connection: Connection,
    as_of: str | None,
    known_on: str | None = None,
    record_type: RecordType | None = None,
    key: str | None = None,
    *,
    keys: Sequence[str] | None = None,
) -> dict[RecordType, dict[str, dict[str, Any]]]:
    """Record type -> key -> fields of the ledger (of one type, of one record or of these
    ``keys``) as of ``as_of`` as recorded at ``known_on``: one indexed read of the table."""
    by_key = key is not None or keys is not None
    statement = select(S.record_type, S.record_key, S.state).where(
        at(as_of, known_on, by_key=by_key, dialect_name=connection.dialect.name)
    )
    if record_type is not None:
        statement = statement.where(S.record_type == record_type)
    if key is not None:
        statement = statement.where(S.record_key == key)
    if keys is not None:
        statement = statement.where(S.record_key.in_(list(keys)))
    found: dict[RecordType, dict[str, dict[str, Any]]] = defaultdict(dict)
    for row in connection.execute(statement):
        found[row.record_type][row.record_key] = json.loads(row.state)
    return dict(found)


def changed_between(
    connection: Connection,
    earlier: str,
    later: str,
    known_on: str | None = None,
    record_types: Iterable[RecordType] = KINDS,
) -> list[RecordRef]:
    """The records (of ``record_types``) whose state in the world changed after the end of
    ``earlier`` and by the end of ``later`` (partial dates), as recorded at ``known_on``: those
    with a period beginning or ending in between (neighbouring periods always differ), read by
    index. The dates may come in either order."""
    start, end = sorted((bounds(earlier)[1], bounds(later)[1]))
    known = (
        [S.recorded_to == OPEN_TIME]
        if known_on is None
        else [S.recorded_from <= known_on_bound(known_on), S.recorded_to > known_on_bound(known_on)]
    )
    found: set[RecordRef] = set()
    # One type at a time, so that each index starts with the type: a period begun in the
    # window is found by its first day, one ended in it (a deletion) by its last.
    for record_type in record_types:
        for column in (S.valid_from, S.valid_to):
            statement = select(S.record_type, S.record_key).where(
                S.record_type == record_type, *known, column > start, column <= end
            )
            found.update((row.record_type, row.record_key) for row in connection.execute(statement))
    return sorted(found)


def states_of(
    connection: Connection,
    records: Sequence[RecordRef],
    dates: Sequence[str],
    known_on: str | None = None,
) -> list[dict[RecordType, dict[str, dict[str, Any]]]]:
    """For each of ``dates``: record type -> key -> fields of these records as of it (those
    that existed), read in one pass over each chunk of records; a row that holds at several of
    the dates is read and decoded once."""
    found: list[dict[RecordType, dict[str, dict[str, Any]]]] = [defaultdict(dict) for _ in dates]
    days = [reading_day(date) for date in dates]
    name = connection.dialect.name

    def hidden(column: str) -> Any:
        return dialect.unindexed(name, S[column])

    known = (
        [hidden("recorded_to") == OPEN_TIME]
        if known_on is None
        else [
            hidden("recorded_from") <= known_on_bound(known_on),
            hidden("recorded_to") > known_on_bound(known_on),
        ]
    )
    holds = [and_(hidden("valid_from") <= day, hidden("valid_to") > day) for day in days]
    # One statement for every chunk, its keys bound: built and compiled once.
    statement = select(S.record_key, S.valid_from, S.valid_to, S.state).where(
        S.record_type == bindparam("record_type"),
        S.record_key.in_(bindparam("keys", expanding=True)),
        *known,
        or_(*holds),
    )
    for record_type, keys in _by_type(records).items():
        for start in range(0, len(keys), CHUNK):
            part = keys[start : start + CHUNK]
            bound = {"record_type": record_type, "keys": part}
            for key, valid_from, valid_to, state in connection.execute(statement, bound):
                fields = json.loads(state)
                for index, day in enumerate(days):
                    if valid_from <= day < valid_to:
                        found[index][record_type][key] = fields
    return [dict(each) for each in found]
