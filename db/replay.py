"""The change log read against the records: replaying it from empty gives every record as
it is stored, and the history it keeps cites only sources that exist.

The log is replayed in the order it was written (undo and redo are batches of their own, so
they replay too), record type by record type and key range by key range: a chunk of stored
records and the log entries of the same keys, read in key order along the log's index, so a
million records are checked in constant memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import Connection, and_, exists, select

from . import change_log
from . import tables as m
from .record_types import KINDS, RECORD_TYPES
from .schema import shown
from .store import CHUNK, State
from .vocab import RecordType

L = m.change_log.c
#: Values longer than this are cut in a finding.
VALUE_WIDTH: Final = 60


@dataclass(frozen=True, slots=True)
class Disagreement:
    """A record whose stored state is not what its change log replays to."""

    record_type: RecordType
    key: str
    message: str


def disagreements(connection: Connection) -> Iterator[Disagreement]:
    """Every record the replayed log and the tables disagree on, in record type and key order."""
    for record_type in RECORD_TYPES:
        yield from _record_type(connection, record_type)


def _record_type(connection: Connection, record_type: RecordType) -> Iterator[Disagreement]:
    store = KINDS[record_type].store
    key_column = store.table.c[store.key_column]
    fields = store.field_order()
    lists = set(KINDS[record_type].schema.list_fields)
    empty: State = {f: ([] if f in lists else None) for f in fields}
    after: str | None = None
    while True:
        # The chunk ends at the CHUNK-th key; the last one takes every logged key after the
        # previous chunk, stored or not.
        statement = select(key_column).order_by(key_column).offset(CHUNK - 1).limit(1)
        if after is not None:
            statement = statement.where(key_column > after)
        last = connection.execute(statement).scalar()
        log = select(L.id, L.record_key, L.action, L.changes).where(L.record_type == record_type)
        if after is not None:
            log = log.where(L.record_key > after)
        if last is not None:
            log = log.where(L.record_key <= last)
        rows = (
            change_log.LoggedRow(id_, record_type, key, action, changes, "")
            for id_, key, action, changes in _rows(
                connection.execute(log.order_by(L.record_key, L.id))
            )
        )
        # Every row has the same (empty) date, so the fold applies them all, in log order.
        replayed = change_log.fold(rows, "", {record_type: tuple(lists)}).get(record_type, {})
        stored = stored_states(connection, record_type, after, last)
        for key in sorted(stored.keys() | replayed.keys()):
            record, logged = stored.get(key), replayed.get(key)
            if record is None:
                yield Disagreement(
                    record_type,
                    key,
                    f"{record_type} {shown(key)}: the change log says it exists, but the "
                    "ledger holds no such record",
                )
            elif logged is None:
                yield Disagreement(
                    record_type,
                    key,
                    f"{record_type} {shown(key)} is in the ledger, but its change log never "
                    "created it (or deleted it)",
                )
            elif record != (replaying := empty | logged):
                differing = _differing(record, replaying, fields)
                if differing:
                    yield Disagreement(record_type, key, _describe(record_type, key, differing))
        if last is None:
            return
        after = last


def stored_states(
    connection: Connection, record_type: RecordType, after: str | None, last: str | None
) -> dict[str, State]:
    """The states of the stored records whose keys are after ``after`` and up to ``last``
    (either None: no bound), as :meth:`db.store.Store.load` makes them, by key.

    Read by key range, with the store's own declarations of columns and links: loading by
    lists of keys spends most of its time binding the lists, which a check of every record
    need not do.
    """
    store = KINDS[record_type].store
    table = store.table
    key = table.c[store.key_column]
    bounds = [key > after] if after is not None else []
    bounds += [key <= last] if last is not None else []
    columns: list[Any] = [key, *(table.c[f] for f in store.scalars)]
    statement = select(*columns).where(*bounds)
    if record_type == "pledge":
        # ``supersedes`` is kept as the older pledge's id; the state names it by its key.
        older = table.alias("older")
        statement = statement.add_columns(older.c.key).outerjoin(
            older, older.c.id == table.c.supersedes_id
        )
    fields = store.field_order()
    states: dict[str, State] = {}
    for row in _rows(connection.execute(statement)):
        state: State = dict.fromkeys(fields)
        state.update(zip(store.scalars, row[1 : 1 + len(store.scalars)], strict=True))
        if record_type == "pledge":
            state["supersedes"] = row[-1]
        for link in store.links:
            state[link.field] = []
        states[row[0]] = state
    for link in store.links:
        links = link.table
        value = links.c[link.value] if link.target is None else link.target.c[link.target_key]
        statement = (
            select(key, value).select_from(links).join(table, table.c.id == links.c[link.owner])
        )
        if link.target is not None:
            statement = statement.join(link.target, link.target.c.id == links.c[link.value])
        statement = statement.where(*bounds).order_by(links.c[link.owner], links.c.position)
        for owner, item in _rows(connection.execute(statement)):
            if owner in states:
                states[owner][link.field].append(item)
    return states


def _rows(result: Any) -> Iterator[Any]:
    # Fetched a thousand at a time: one by one, fetching costs as much as the comparing.
    for part in result.partitions(1000):
        yield from part


def _differing(state: State, logged: State, fields: tuple[str, ...]) -> list[tuple[str, Any, Any]]:
    return [(f, state.get(f), logged.get(f)) for f in fields if state.get(f) != logged.get(f)]


def _describe(record_type: RecordType, key: str, differing: list[tuple[str, Any, Any]]) -> str:
    name, stored, logged = differing[0]
    more = f" (and {len(differing) - 1} more fields)" if len(differing) > 1 else ""
    return (
        f"{record_type} {shown(key)}: {name} is {value(stored)} in the record but "
        f"{value(logged)} in its change log{more}"
    )


def missing_sources(connection: Connection, limit: int) -> tuple[list[str], int]:
    """Entries of the ledger's history citing a source that does not exist: up to ``limit``
    described, and how many there are."""
    S = m.sources.c
    statement = (
        select(L.id, L.record_type, L.record_key, L.source_key)
        .join(m.batches, m.batches.c.id == L.batch_id)
        .where(
            and_(
                L.source_key.is_not(None),
                change_log.active(),
                ~exists().where(S.key == L.source_key),
            )
        )
        .order_by(L.id)
    )
    described: list[str] = []
    count = 0
    for entry, record_type, key, source in connection.execute(statement):
        count += 1
        if len(described) < limit:
            described.append(
                f"entry {entry} ({record_type} {shown(key)}) cites source {shown(source)}, "
                "which does not exist (an export of this ledger will not import; creating a "
                "source with that key mends it)"
            )
    return described, count


def value(item: Any) -> str:
    """A stored or logged value for a finding, cut."""
    if isinstance(item, str):
        return shown(item, VALUE_WIDTH)
    text = repr(item)
    return text if len(text) <= VALUE_WIDTH else text[:VALUE_WIDTH] + "\u2026"
