"""The change log: appending to it, reading it, undoing with it, and rebuilding the past from it.

Every write appends entries, in the same transaction, grouped in a batch (one user command).
Entries are never updated or deleted. Undo and redo append a *compensating* batch: one entry per
entry of the batch they revert, with the fields swapped and the original's effective date, so
that rebuilding the ledger as of any date (a fold over the log ordered by effective date) sees
an undone change cancelled at the very date it claimed to take effect.

An undo may revert only some records of its batch (the others changed since, and were kept): an
entry is undone when an undo of its batch holds an entry for the same record. Undone entries
and the undo's own entries are not evidence: they stay in the log, apart from the history that
counts (:func:`active`).

The words, each in one sense: a *change* is one record going from one state to another
(:class:`db.writing.Change`, what a write is made of); an *entry* is a change as the log keeps
it, with the fields it changed (``{field: [old, new]}``), its action, dates and evidence
(:class:`Entry` when appended, :class:`db.api_types.ChangeEntry` when read back, a row of
``change_log`` in :mod:`db.tables`); a *batch* is the entries of one command.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Connection, Select, and_, exists, func, insert, select

from . import dialect, record_states
from . import tables as m
from .api_types import BatchSummary, ChangeEntry, Difference, Snapshot
from .dates import bounds, lower_bound
from .query import Query
from .store import State
from .text import clean_note
from .vocab import RecordRef, RecordType

B = m.batches.c
L = m.change_log.c


@dataclass(slots=True)
class Entry:
    """A change-log entry about to be written."""

    record_type: RecordType
    record_key: str
    action: str
    changes: dict[str, list[Any]]
    effective: str | None = None
    note: str | None = None
    source: str | None = None
    #: Ordering date when ``effective`` is None; defaults to the recording date.
    effective_lo: str | None = None


@dataclass(slots=True)
class Batch:
    """A batch being recorded: its id, who, when, and the entries so far."""

    id: int
    author: str
    recorded_at: str
    kind: str
    label: str
    entries: list[Entry] = field(default_factory=list)


def changes_between(before: State | None, after: State | None) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for every field that differs (empty values are left out of
    creations and deletions)."""
    if before is None and after is None:
        return {}
    if before is None:
        assert after is not None
        return {k: [None, v] for k, v in after.items() if v not in (None, [])}
    if after is None:
        return {k: [v, None] for k, v in before.items() if v not in (None, [])}
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def start_batch(
    connection: Connection,
    *,
    author: str,
    now: str,
    kind: str,
    label: str,
    target: int | None = None,
) -> Batch:
    result = connection.execute(
        insert(m.batches)
        .values(recorded_at=now, author=author, kind=kind, label=label, target_id=target)
        .returning(B.id)
    )
    return Batch(result.scalar_one(), author, now, kind, label)


def append(connection: Connection, batch: Batch, entries: Sequence[Entry]) -> None:
    """Write entries of a batch to the log."""
    if not entries:
        return
    today = batch.recorded_at[:10]
    for e in entries:
        # The one door of the log: whoever wrote the entry, its note is cleaned by one rule.
        e.note = clean_note(e.note)
        e.effective_lo = e.effective_lo or lower_bound(e.effective) or today
    _from_creation(connection, entries)
    rows = [
        {
            "batch_id": batch.id,
            "recorded_at": batch.recorded_at,
            "author": batch.author,
            "record_type": e.record_type,
            "record_key": e.record_key,
            "action": e.action,
            "changes": json.dumps(e.changes, ensure_ascii=False, separators=(",", ":")),
            "effective": e.effective,
            "effective_lo": e.effective_lo,
            "note": e.note,
            "source_key": e.source,
        }
        for e in entries
    ]
    dialect.insert_many(connection, m.change_log, rows)
    batch.entries.extend(entries)
    # The ledger in time is kept from the log in the same transaction.
    record_states.refresh(
        connection,
        {(e.record_type, e.record_key) for e in entries},
        record_states.NewEntries(batch.id, batch.recorded_at, batch.kind, entries),
    )


def _from_creation(connection: Connection, entries: Sequence[Entry]) -> None:
    """A change counts in the world from its date, but never before its record began: an entry
    dated before its record's creation (an edit dated ``2025`` of a pledge announced in March
    2025) is ordered from the creation's day, so that the ledger read as of any date goes
    from the creation on to the change, as the record itself did. The given date stays in
    ``effective``."""
    began: dict[RecordRef, str] = {}
    unknown: list[RecordRef] = []
    for e in entries:
        ref = (e.record_type, e.record_key)
        if e.action == "create":
            began.setdefault(ref, "")
        elif ref not in began:
            began[ref] = ""
            unknown.append(ref)
    began.update(creation_days(connection, unknown))
    for e in entries:
        ref = (e.record_type, e.record_key)
        assert e.effective_lo is not None
        if e.action == "create":
            began[ref] = e.effective_lo
        elif began[ref] and e.effective_lo < began[ref]:
            e.effective_lo = began[ref]


def creation_days(connection: Connection, records: Sequence[RecordRef]) -> dict[RecordRef, str]:
    """The day each of these records began, as far as the log says: the ordering date of its
    latest creation entry (records with none are left out)."""
    by_type: dict[RecordType, list[str]] = defaultdict(list)
    for record_type, key in records:
        by_type[record_type].append(key)
    found: dict[RecordRef, str] = {}
    for record_type, keys in by_type.items():
        for part in _chunks(keys):
            latest = (
                select(func.max(L.id).label("id"))
                .where(L.record_type == record_type, L.record_key.in_(list(part)))
                .where(L.action == "create")
                .group_by(L.record_key)
                .subquery()
            )
            statement = select(L.record_key, L.effective_lo).join(latest, L.id == latest.c.id)
            for key, day in connection.execute(statement):
                found[(record_type, key)] = day
    return found


def summary(batch: Batch) -> BatchSummary:
    records: list[RecordRef] = []
    seen: set[RecordRef] = set()
    for e in batch.entries:
        if (e.record_type, e.record_key) not in seen:
            seen.add((e.record_type, e.record_key))
            records.append((e.record_type, e.record_key))
    return BatchSummary(
        batch.id,
        batch.kind,
        batch.label,
        batch.author,
        batch.recorded_at,
        len(batch.entries),
        records,
    )


# -- reading -------------------------------------------------------------------------------


def _undone(entry: Any = L, batch: Any = B, by: str | None = None) -> ColumnElement[bool]:
    """True for a log entry whose record an undo of its batch reverted (recorded by ``by``,
    a recording time, when given)."""
    undo = m.batches.alias("undo")
    reverted = m.change_log.alias("reverted")
    # Driven from the record's own entries (indexed by record type and key), so the check
    # costs a few rows whatever the size of the batches involved.
    return exists().where(
        reverted.c.record_type == entry.record_type,
        reverted.c.record_key == entry.record_key,
        undo.c.id == reverted.c.batch_id,
        undo.c.kind == "undo",
        undo.c.target_id == batch.id,
        *([] if by is None else [undo.c.recorded_at <= by]),
    )


def entries_query() -> Select[Any]:
    return select(
        L.batch_id,
        L.recorded_at,
        L.author,
        L.record_type,
        L.record_key,
        L.action,
        L.changes,
        L.effective,
        L.note,
        L.source_key,
        B.label,
        B.kind,
        B.target_id,
        _undone().label("undone"),
    ).join(m.batches, B.id == L.batch_id)


def entry_of(row: Any) -> ChangeEntry:
    changes = {k: (v[0], v[1]) for k, v in json.loads(row.changes).items()}
    return ChangeEntry(
        row.batch_id,
        row.recorded_at,
        row.author,
        row.record_type,
        row.record_key,
        row.action,
        changes,
        row.effective,
        row.note,
        row.source_key,
        row.label,
        row.kind,
        bool(row.undone),
        row.target_id,
    )


def record_history(connection: Connection, record_type: RecordType, key: str) -> list[ChangeEntry]:
    """A record's entries, oldest first by when they happened in the world, then by recording."""
    statement = entries_query().where(L.record_type == record_type, L.record_key == key)
    return [entry_of(r) for r in connection.execute(statement.order_by(L.effective_lo, L.id))]


def citations(
    connection: Connection,
    source_keys: Sequence[str],
    reverting: tuple[int, Collection[RecordRef]] | None = None,
) -> dict[str, list[tuple[str, str]]]:
    """The changes that stand in the log citing each of these sources as evidence:
    ``{source: [("evidence", "for pledge p, 2025-09-04"), ...]}``, one item per record.

    ``reverting``: ``(batch, records)`` an undo being written reverts; their entries in that
    batch no longer stand once it is written, so they do not count."""
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    batch, records = reverting if reverting is not None else (None, ())
    for part in _chunks(sorted(set(source_keys))):
        statement = (
            select(L.source_key, L.record_type, L.record_key, L.batch_id, L.effective_lo)
            .join(m.batches, B.id == L.batch_id)
            .where(L.source_key.in_(list(part)), active())
            .order_by(L.source_key, L.record_type, L.record_key, L.effective_lo)
        )
        first: dict[tuple[str, str, str], str] = {}
        for source, record_type, record_key, batch_id, effective_lo in connection.execute(
            statement
        ):
            if batch_id == batch and (record_type, record_key) in records:
                continue
            first.setdefault((source, record_type, record_key), effective_lo)
        for (source, record_type, record_key), date in first.items():
            found[source].append(("evidence", f"for {record_type} {record_key}, {date}"))
    return dict(found)


def citing_entries(connection: Connection, source_key: str, limit: int = 200) -> list[ChangeEntry]:
    statement = entries_query().where(L.source_key == source_key).order_by(L.id.desc()).limit(limit)
    return [entry_of(r) for r in connection.execute(statement)]


def recent(
    connection: Connection,
    *,
    limit: int = 200,
    before_batch: int | None = None,
    text: str | None = None,
    query: Query | None = None,
) -> list[ChangeEntry]:
    """The newest entries across the ledger, newest first, matching ``query`` (the History
    view's filter, :mod:`db.history_query`); ``text`` is a filter to parse."""
    from . import history_query

    statement = entries_query()
    if before_batch is not None:
        statement = statement.where(L.batch_id < before_batch)
    if query is None and text:
        query = history_query.parse(text)
    if query:
        statement = statement.where(history_query.condition(query, _undone()))
    return [entry_of(r) for r in connection.execute(statement.order_by(L.id.desc()).limit(limit))]


def revision(connection: Connection) -> int:
    """The id of the newest log entry: it changes with every committed write."""
    return int(connection.execute(select(L.id).order_by(L.id.desc()).limit(1)).scalar() or 0)


# -- undo and redo ---------------------------------------------------------------------------


def stacks(
    connection: Connection, author: str, before: int | None = None
) -> tuple[list[int], list[int]]:
    """The author's undo stack (batches that can be undone, last on top) and redo stack,
    counting only batches older than ``before`` when it is given."""
    undo: list[int] = []
    redo: list[int] = []
    statement = select(B.id, B.kind, B.target_id).where(B.author == author)
    if before is not None:
        statement = statement.where(B.id < before)
    rows = connection.execute(statement.order_by(B.id))
    for batch_id, kind, target in rows:
        if kind == "undo":
            if target in undo:
                undo.remove(target)
            redo.append(batch_id)
        elif kind == "redo":
            if target in redo:
                redo.remove(target)
            undo.append(batch_id)
        else:
            undo.append(batch_id)
            redo.clear()
    return undo, redo


def batch_label(connection: Connection, batch_id: int) -> tuple[str, str]:
    kind, label = connection.execute(select(B.kind, B.label).where(B.id == batch_id)).one()
    return kind, label


def batch_entries(connection: Connection, batch_id: int) -> list[dict[str, Any]]:
    """A batch's raw entries in the order they were written."""
    rows = connection.execute(
        select(
            L.record_type,
            L.record_key,
            L.action,
            L.changes,
            L.effective,
            L.effective_lo,
            L.note,
            L.source_key,
        )
        .where(L.batch_id == batch_id)
        .order_by(L.id)
    )
    return [{**row._asdict(), "changes": json.loads(row.changes)} for row in rows]


def changed_since(
    connection: Connection, record_type: RecordType, key: str, after_batch: int
) -> list[tuple[str, str, list[str]]]:
    """Who changed a record in batches after ``after_batch`` (newest first), when, and which
    fields: ``[(author, recorded_at, fields)]``, one item per batch. Undone batches and
    undos count: each wrote the record."""
    rows = connection.execute(
        select(L.batch_id, L.author, L.recorded_at, L.changes)
        .where(L.record_type == record_type, L.record_key == key, L.batch_id > after_batch)
        .order_by(L.batch_id.desc(), L.id)
    )
    found: dict[int, tuple[str, str, list[str]]] = {}
    for batch_id, author, recorded_at, changes in rows:
        _, _, fields = found.setdefault(batch_id, (author, recorded_at, []))
        fields.extend(f for f in json.loads(changes) if f not in fields)
    return list(found.values())


def written_since(connection: Connection, target: int) -> dict[RecordRef, set[str]]:
    """For each record batch ``target`` wrote, the fields standing entries of later batches
    wrote (undone entries and undos' own do not count: what they wrote is gone again)."""
    later = m.change_log.alias("later")
    written = m.batches.alias("written")
    undo = m.batches.alias("undo")
    reverted = m.change_log.alias("reverted")
    undone = exists().where(
        reverted.c.record_type == later.c.record_type,
        reverted.c.record_key == later.c.record_key,
        undo.c.id == reverted.c.batch_id,
        undo.c.kind == "undo",
        undo.c.target_id == written.c.id,
    )
    statement = (
        select(later.c.id, later.c.record_type, later.c.record_key, later.c.changes)
        .distinct()
        .select_from(m.change_log)
        .join(
            later,
            and_(
                later.c.record_type == L.record_type,
                later.c.record_key == L.record_key,
                later.c.batch_id > target,
            ),
        )
        .join(written, written.c.id == later.c.batch_id)
        .where(L.batch_id == target, written.c.kind != "undo", ~undone)
    )
    found: dict[RecordRef, set[str]] = defaultdict(set)
    for _, record_type, key, changes in connection.execute(statement):
        found[(record_type, key)].update(json.loads(changes))
    return dict(found)


INVERSE_ACTION = {"create": "delete", "delete": "create", "link": "unlink", "unlink": "link"}


def compensate(entry: dict[str, Any]) -> Entry:
    """The entry that cancels ``entry``: fields swapped, same effective date."""
    return Entry(
        entry["record_type"],
        entry["record_key"],
        INVERSE_ACTION.get(entry["action"], entry["action"]),
        {k: [v[1], v[0]] for k, v in entry["changes"].items()},
        entry["effective"],
        entry["note"],
        entry["source_key"],
        entry["effective_lo"],
    )


# -- the past --------------------------------------------------------------------------------


class LoggedRow(NamedTuple):
    """The columns of a log entry :func:`fold` reads."""

    id: int
    record_type: RecordType
    record_key: str
    action: str
    changes: str
    effective_lo: str


def fold(
    rows: Iterable[Any], as_of: str, list_fields: Mapping[RecordType, tuple[str, ...]]
) -> dict[RecordType, dict[str, dict[str, Any]]]:
    """Apply counting log rows (``id, record_type, record_key, action, changes,
    effective_lo``, in recording order) up to ``as_of`` and return the records: each
    record's entries in the order they take effect (:func:`db.record_states.in_effect`)."""
    by_record: dict[RecordRef, list[Any]] = defaultdict(list)
    for row in rows:
        by_record[(row.record_type, row.record_key)].append(row)
    ordered = sorted(
        (row for entries in by_record.values() for row in record_states.in_effect(entries)),
        key=lambda row: (row.effective_lo, row.id),
    )
    records: dict[RecordType, dict[str, dict[str, Any]]] = defaultdict(dict)
    for _id, record_type, key, action, changes, effective_lo in ordered:
        if effective_lo > as_of:
            break
        values = json.loads(changes)
        table = records[record_type]
        if action == "delete":
            table.pop(key, None)
            continue
        if action == "create" or key not in table:
            table[key] = {name: [] for name in list_fields.get(record_type, ())}
        for name, (_old, new) in values.items():
            table[key][name] = new
    return dict(records)


def active(known_on: str | None = None) -> ColumnElement[bool]:
    """Entries that count in the ledger's history: those not undone (and not of undo batches
    themselves). A redo is a new batch, so a redone change counts through it; an undo that
    kept some records of its batch leaves their entries counting.

    With ``known_on`` (a recording time), the history the ledger held then: entries recorded
    by then, not undone by an undo recorded by then."""
    if known_on is None:
        return and_(B.kind != "undo", ~_undone())
    return and_(B.kind != "undo", B.recorded_at <= known_on, ~_undone(by=known_on))


def snapshot(
    connection: Connection,
    as_of: str,
    list_fields: Mapping[RecordType, tuple[str, ...]],
    record_type: RecordType | None = None,
    key: str | None = None,
    known_on: str | None = None,
) -> Snapshot:
    """The ledger (or one record) as of a date, from the change log alone: the reference the
    kept periods of :mod:`db.record_states` are tested against. ``known_on``: as recorded
    then (a date or a recording time; None: as the ledger holds it now)."""
    bound = None if known_on is None else record_states.known_on_bound(known_on)
    statement = (
        select(L.id, L.record_type, L.record_key, L.action, L.changes, L.effective_lo)
        .join(m.batches, B.id == L.batch_id)
        .where(active(bound))
    )
    if record_type is not None:
        statement = statement.where(L.record_type == record_type)
    if key is not None:
        statement = statement.where(L.record_key == key)
    _first, last = bounds(as_of)
    rows = connection.execute(statement.order_by(L.id))
    return Snapshot(as_of, fold(rows, last, list_fields), known_on)


def status_history(
    connection: Connection,
    record_type: RecordType,
    keys: Sequence[str] | None = None,
    *,
    until: str | None = None,
    known_on: str | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """Each record's status changes with evidence, oldest first: ``{date, status, note, source}``.

    These are the entries a fixture's ``history`` lists: status-bearing entries of active
    batches that carry an effective date and a note or a source; with ``until`` (a day) and
    ``known_on`` (a recording time), those a reading of the past counts: in effect by that day,
    as recorded then.
    """
    statement = (
        select(L.record_key, L.changes, L.effective, L.note, L.source_key)
        .join(m.batches, B.id == L.batch_id)
        .where(
            active(known_on),
            *([] if until is None else [L.effective_lo <= until]),
            L.record_type == record_type,
            L.effective.is_not(None),
            (L.note.is_not(None)) | (L.source_key.is_not(None)),
            L.changes.like('%"status":%'),
        )
        .order_by(L.record_key, L.effective_lo, L.id)
    )
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    parts = (
        [statement]
        if keys is None
        else [statement.where(L.record_key.in_(list(p))) for p in _chunks(keys)]
    )
    for part in parts:
        for key, changes, effective, note, source in connection.execute(part):
            status = json.loads(changes).get("status")
            if status is None or status[1] is None:
                continue
            found[key].append(
                {"date": effective, "status": status[1], "note": note, "source": source}
            )
    return dict(found)


def status_since(connection: Connection, record_type: RecordType, key: str) -> str | None:
    """When the record's current status took effect (as written: a partial date), or None.

    Read from the entries that count (undone changes do not), in the order they took effect.
    """
    statement = (
        select(L.changes, L.effective, L.effective_lo)
        .join(m.batches, B.id == L.batch_id)
        .where(
            active(),
            L.record_type == record_type,
            L.record_key == key,
            L.changes.like('%"status":%'),
        )
        .order_by(L.effective_lo, L.id)
    )
    since: str | None = None
    current: Any = None
    for changes, effective, effective_lo in connection.execute(statement):
        status = json.loads(changes).get("status")
        if status is not None and status[1] != current:
            current, since = status[1], effective or effective_lo
    return since


def last_status_date(connection: Connection, record_type: RecordType, key: str) -> str | None:
    """The effective date (first day) of the record's latest dated status change, if any."""
    statement = (
        select(func.max(L.effective_lo))
        .join(m.batches, B.id == L.batch_id)
        .where(
            active(),
            L.record_type == record_type,
            L.record_key == key,
            L.effective.is_not(None),
            L.changes.like('%"status":%'),
        )
    )
    found = connection.execute(statement).scalar()
    return None if found is None else str(found)


def field_days(connection: Connection, record_type: RecordType, key: str) -> dict[str, str]:
    """The day from which each field of the record's current life holds its value: the
    ordering date of the latest counting entry that changed it (its creation for the others)."""
    statement = (
        select(L.action, L.changes, L.effective_lo)
        .join(m.batches, B.id == L.batch_id)
        .where(active(), L.record_type == record_type, L.record_key == key)
        .order_by(L.id)
    )
    days: dict[str, str] = {}
    for action, changes, effective_lo in connection.execute(statement):
        if action in ("create", "delete"):
            days = {}
        for name in json.loads(changes):
            days[name] = max(days.get(name, effective_lo), effective_lo)
    return days


def _chunks(keys: Sequence[str], size: int = 5000) -> list[Sequence[str]]:
    return [keys[i : i + size] for i in range(0, len(keys), size)]


def differences(before: Snapshot, after: Snapshot) -> list[Difference]:
    """Every field of every record that differs between two snapshots."""
    found: list[Difference] = []
    types = sorted(set(before.records) | set(after.records))
    for record_type in types:
        old_table = before.records.get(record_type, {})
        new_table = after.records.get(record_type, {})
        for key in sorted(set(old_table) | set(new_table)):
            old, new = old_table.get(key), new_table.get(key)
            if old is None or new is None:
                found.append(
                    Difference(record_type, key, "exists", old is not None, new is not None)
                )
                continue
            for name in sorted(set(old) | set(new)):
                if old.get(name) != new.get(name):
                    found.append(Difference(record_type, key, name, old.get(name), new.get(name)))
    return found
