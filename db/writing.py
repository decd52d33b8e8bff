"""Write operations of the service API, each inside one ``BEGIN IMMEDIATE`` transaction.

Every write is a list of :class:`Change` (a record's state before and after, and what to say in
the change log) applied by :func:`apply`: the stores write the tables, the log gets one entry
per change, and deletions of records that something still refers to are refused. References
are checked first so that the error names the missing key and the nearest existing one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn

from pydantic import ValidationError
from sqlalchemy import Connection, select

from . import history, vocab
from . import models as m
from .dates import (
    PartialDateError,
    latest_effective,
    lower_bound,
    parse_partial_date,
    refuse_future,
)
from .dates import today as today_date
from .errors import (
    BackdatedStatusError,
    ConflictError,
    CycleError,
    DuplicateKeyError,
    EvidenceRequiredError,
    InvalidRecordError,
    LedgerError,
    NotFoundError,
    NothingToUndoError,
    ReferencedError,
    UndoConflictError,
    UnknownReferenceError,
)
from .history import Batch, Entry
from .reading import load_one
from .schemas import RECORD_MODELS, HistoryEntry, Record, explain
from .store import STORES, WRITE_ORDER, State, Stored, Write, chunks
from .text import clean_note

#: Above this many keys, "did you mean" hints are not computed (difflib is quadratic-ish).
HINT_LIMIT = 20_000
#: The longest note a change may carry (as long as a record's long text).
NOTE_LIMIT = 100_000


@dataclass(slots=True)
class Change:
    record_type: str
    key: str
    before: Stored | None
    after: State | None
    action: str
    effective: str | None = None
    note: str | None = None
    source: str | None = None
    #: Extra log entries that go with this change (status history from a fixture).
    extra: list[Entry] = field(default_factory=list)
    #: Override of the logged changes (the creation of a record whose history starts earlier).
    logged: dict[str, list[Any]] | None = None


def apply(
    connection: Connection, batch: Batch, changes: Sequence[Change], reverting: int | None = None
) -> None:
    """Write the changes and log them; refuse deletions that would leave references dangling
    (``reverting``: the batch an undo reverts, whose entries for these records stop counting)."""
    _refuse_dangling(connection, changes, reverting)
    by_type: dict[str, list[Write]] = defaultdict(list)
    for change in changes:
        by_type[change.record_type].append(Write(change.key, change.before, change.after))
    for record_type in WRITE_ORDER:
        if by_type[record_type]:
            STORES[record_type].write(connection, by_type[record_type], batch.recorded_at)
    entries: list[Entry] = []
    for change in changes:
        logged = change.logged
        if logged is None:
            logged = history.changes_between(
                change.before.state if change.before else None, change.after
            )
        if logged:
            entries.append(
                Entry(
                    change.record_type,
                    change.key,
                    change.action,
                    logged,
                    change.effective,
                    change.note,
                    change.source,
                )
            )
        entries.extend(change.extra)
    history.append(connection, batch, entries)


# -- references ------------------------------------------------------------------------------


def _refuse_dangling(
    connection: Connection, changes: Sequence[Change], reverting: int | None = None
) -> None:
    """Refuse to delete a record that something will still refer to after this batch.

    Referrers changed in the same batch count as they will be: an undo that deletes a pledge
    and the condition it depends on together is fine. A source cited as evidence by a change
    that stands in the log is referred to for good: the log is never rewritten.
    """
    deleted: dict[str, list[str]] = defaultdict(list)
    for change in changes:
        if change.after is None:
            deleted[change.record_type].append(change.key)
    if not deleted:
        return
    after = {(c.record_type, c.key): c.after for c in changes}
    for record_type, keys in deleted.items():
        referrers = STORES[record_type].referrers(connection, keys)
        if record_type == "source":
            reverted = {(c.record_type, c.key) for c in changes}
            citing_now = history.citations(
                connection, keys, None if reverting is None else (reverting, reverted)
            )
            for key, citing in citing_now.items():
                referrers.setdefault(key, []).extend(citing)
        for key in keys:
            remaining = [
                (kind, ref)
                for kind, ref in referrers.get(key, [])
                if kind not in REFERENCES
                or (kind, ref) not in after
                or _refers(kind, after[(kind, ref)], record_type, key)
            ]
            if remaining:
                raise ReferencedError(record_type, key, remaining)


def _refers(record_type: str, state: State | None, target_type: str, key: str) -> bool:
    if state is None:
        return False
    for field_name, target in REFERENCES[record_type]:
        value = state.get(field_name)
        if target == target_type and (value == key or (isinstance(value, list) and key in value)):
            return True
    return False


_TARGETS: dict[str, tuple[Any, str]] = {
    "actor": (m.actors.c.code, "actor"),
    "condition": (m.conditions.c.key, "condition"),
    "source": (m.sources.c.key, "source"),
    "pledge": (m.pledges.c.key, "pledge"),
}

#: record type -> [(field, target type)]
REFERENCES: dict[str, list[tuple[str, str]]] = {
    "actor": [("affiliation", "actor"), ("members", "actor")],
    "source": [],
    "condition": [("responsible", "actor"), ("sources", "source")],
    "pledge": [
        ("pledger", "actor"),
        ("beneficiary", "actor"),
        ("conditions", "condition"),
        ("sources", "source"),
        ("supersedes", "pledge"),
    ],
}


def existing(connection: Connection, target: str, keys: Sequence[str]) -> set[str]:
    column, _ = _TARGETS[target]
    found: set[str] = set()
    for part in chunks(sorted(set(keys))):
        found.update(connection.execute(select(column).where(column.in_(list(part)))).scalars())
    return found


def known_keys(connection: Connection, target: str) -> list[str]:
    column, _ = _TARGETS[target]
    count = connection.execute(select(column).limit(HINT_LIMIT + 1)).scalars().all()
    return [] if len(count) > HINT_LIMIT else list(count)


def check_references(
    connection: Connection,
    record_type: str,
    key: str,
    state: State,
    pending: dict[str, set[str]] | None = None,
) -> None:
    """Raise :class:`UnknownReferenceError` for the first reference that resolves nowhere.

    ``pending`` holds keys created in the same batch (by type), which count as existing.
    """
    for field_name, target in REFERENCES[record_type]:
        value = state.get(field_name)
        values = value if isinstance(value, list) else [value] if value else []
        if not values:
            continue
        found = existing(connection, target, values) | (pending or {}).get(target, set())
        for item in values:
            if item not in found:
                raise UnknownReferenceError(
                    record_type, key, field_name, item, target, known_keys(connection, target)
                )


def check_source(connection: Connection, source: str | None, record_type: str, key: str) -> None:
    if source and not existing(connection, "source", [source]):
        raise UnknownReferenceError(
            record_type, key, "source", source, "source", known_keys(connection, "source")
        )


def check_supersedes_cycle(connection: Connection, key: str, supersedes: str | None) -> None:
    """Refuse a ``supersedes`` link that would make a pledge (indirectly) replace itself."""
    if not supersedes:
        return
    P = m.pledges.c
    chain = [key, supersedes]
    current = supersedes
    for _ in range(10_000):
        row = connection.execute(select(P.supersedes_id).where(P.key == current)).first()
        if row is None or row[0] is None:
            return
        current = connection.execute(select(P.key).where(P.id == row[0])).scalar_one()
        chain.append(current)
        if current == key:
            raise CycleError(chain)


def _check_version(record_type: str, key: str, stored: Stored | None, version: int | None) -> None:
    if version is None:
        return
    if stored is None:
        raise ConflictError(record_type, key, version, None, None)
    if stored.version != version:
        raise ConflictError(record_type, key, version, stored.version, stored.state)


def _require_evidence(record_type: str, key: str, note: str | None, source: str | None) -> None:
    # The note is judged as the log will keep it: a note of control characters is no note.
    if not clean_note(note) and not source:
        raise EvidenceRequiredError(record_type, key)


def effective_date(record_type: str, key: str, value: str | None) -> str | None:
    """A change's effective date as given to the service API: a partial date that has begun
    (a change dated in the future has not happened yet), or None."""
    if value is None:
        return None
    try:
        return refuse_future(parse_partial_date(value))
    except PartialDateError as error:
        raise InvalidRecordError(record_type, key, [("effective date", str(error))]) from None


def _note(record_type: str, key: str, note: str | None) -> str | None:
    note = clean_note(note)
    if note is not None and len(note) > NOTE_LIMIT:
        raise InvalidRecordError(
            record_type, key, [("note", f"is {len(note):,} characters; at most {NOTE_LIMIT:,}")]
        )
    return note


# -- single-record writes --------------------------------------------------------------------


def status_entries(
    record_type: str, key: str, entries: Sequence[HistoryEntry], previous: str | None
) -> list[Entry]:
    """Log entries for a fixture's status history, each at its own date with its evidence."""
    logged = []
    for entry in entries:
        logged.append(
            Entry(
                record_type,
                key,
                "status",
                {"status": [previous, entry.status]},
                entry.date,
                entry.note,
                entry.source,
            )
        )
        previous = entry.status
    return logged


def creation_entries(
    record: Record, state: State, *, effective: str | None, note: str | None, source: str | None
) -> Change:
    """The change that creates ``record``, with its fixture history as status entries.

    A record whose history starts earlier is logged as created with the first historical
    status at the first historical date, then each later change at its own date, so that the
    log alone rebuilds its status at any past date.
    """
    record_type, key = record.record_type, record.record_key
    entries: list[HistoryEntry] = list(getattr(record, "history", []) or [])
    if not entries:
        announced = state.get("announced") if record_type == "pledge" else None
        if effective is None and announced and (lower_bound(announced) or "") <= latest_effective():
            # A pledge exists in the world from its announcement; one announced for a later
            # date (a planned statement) is dated by its recording instead, so that it is not
            # missing from the ledger as of today.
            effective = announced
        return Change(record_type, key, None, state, "create", effective, note, source)
    first = entries[0]
    logged = history.changes_between(None, {**state, "status": first.status})
    extra = status_entries(record_type, key, entries[1:], first.status)
    return Change(
        record_type,
        key,
        None,
        state,
        "create",
        first.date,
        first.note,
        first.source,
        extra=extra,
        logged=logged,
    )


def _validated(record: Record) -> Record:
    try:
        return record.validated()
    except ValidationError as error:
        raise InvalidRecordError(
            record.record_type,
            str(getattr(record, record.key_field, "") or ""),
            explain(error, type(record)),
        ) from None


def create(
    connection: Connection,
    batch: Batch,
    record: Record,
    *,
    effective: str | None = None,
    note: str | None = None,
    source: str | None = None,
) -> None:
    record = _validated(record)
    record_type, key = record.record_type, record.record_key
    effective = effective_date(record_type, key, effective)
    note = _note(record_type, key, note)
    store = STORES[record_type]
    if key in store.load(connection, [key]):
        raise DuplicateKeyError(record_type, key)
    state = record.state()
    check_references(connection, record_type, key, state)
    check_source(connection, source, record_type, key)
    for entry in getattr(record, "history", []) or []:
        check_source(connection, entry.source, record_type, key)
    apply(
        connection,
        batch,
        [creation_entries(record, state, effective=effective, note=note, source=source)],
    )


def update(
    connection: Connection,
    batch: Batch,
    record: Record,
    *,
    version: int | None,
    effective: str | None = None,
    note: str | None = None,
    source: str | None = None,
) -> None:
    """Save an edited record. Changing its status needs evidence, as with :func:`change_status`."""
    record = _validated(record)
    record_type, key = record.record_type, record.record_key
    effective = effective_date(record_type, key, effective)
    note = _note(record_type, key, note)
    stored = STORES[record_type].load(connection, [key]).get(key)
    if stored is None:
        if version is not None:
            raise ConflictError(record_type, key, version, None, None)
        raise NotFoundError(record_type, key)
    _check_version(record_type, key, stored, version)
    state = record.state()
    check_references(connection, record_type, key, state)
    check_source(connection, source, record_type, key)
    if record_type == "pledge":
        check_supersedes_cycle(connection, key, state.get("supersedes"))
    action = "update"
    if "status" in state and state["status"] != stored.state.get("status"):
        _require_evidence(record_type, key, note, source)
        action = "status"
        effective = effective or today_date()
        _refuse_backdating(connection, record_type, key, stored.state.get("status"), [effective])
        if record_type == "condition":
            state = _with_resolution(state, stored.state, effective)
    apply(
        connection,
        batch,
        [Change(record_type, key, stored, state, action, effective, note, source)],
    )


def _refuse_backdating(
    connection: Connection, record_type: str, key: str, current: Any, dates: Sequence[str]
) -> None:
    """A status change may not be dated before the change that set the current status: the
    history would then end on a status other than the current one."""
    last = history.last_status_date(connection, record_type, key)
    if last is None or last > latest_effective():
        # A change dated in the future (written before such dates were refused) would
        # otherwise block every real change on this record for good.
        return
    for date in dates:
        if lower_bound(date) < last:  # type: ignore[operator]
            raise BackdatedStatusError(record_type, key, current, last, date)


def _with_resolution(state: State, before: State, effective: str) -> State:
    """A condition resolved (met, failed, waived) gets its resolution date; reopened, loses it."""
    resolving = vocab.RESOLVING_CONDITION_STATUSES
    resolved_unchanged = state.get("resolved") == before.get("resolved")
    newly_resolved = state["status"] in resolving and before.get("status") not in resolving
    if newly_resolved and (not state.get("resolved") or resolved_unchanged):
        return {**state, "resolved": effective}
    if state["status"] not in resolving and resolved_unchanged:
        return {**state, "resolved": None}
    return state


def delete(
    connection: Connection,
    batch: Batch,
    record_type: str,
    key: str,
    *,
    version: int | None,
    note: str | None = None,
) -> None:
    note = _note(record_type, key, note)
    stored = STORES[record_type].load(connection, [key]).get(key)
    if stored is None:
        if version is not None:
            raise ConflictError(record_type, key, version, None, None)
        raise NotFoundError(record_type, key)
    _check_version(record_type, key, stored, version)
    apply(connection, batch, [Change(record_type, key, stored, None, "delete", None, note)])


def change_status(
    connection: Connection,
    batch: Batch,
    record_type: str,
    key: str,
    status: str,
    *,
    effective: str | None,
    note: str | None,
    source: str | None,
    version: int | None,
) -> None:
    if record_type not in ("pledge", "condition"):
        raise LedgerError(f"only pledges and conditions have a status, not {record_type}s")
    stored = load_one(connection, record_type, key)
    _check_version(record_type, key, stored, version)
    model = RECORD_MODELS[record_type]
    effective = effective_date(record_type, key, effective or None)
    try:
        record = model.model_validate(
            {**{k: v for k, v in stored.state.items() if v is not None}, "status": status}
        )
    except ValidationError as error:
        raise InvalidRecordError(record_type, key, explain(error, model)) from None
    if record.state()["status"] == stored.state["status"]:
        raise LedgerError(f"{record_type} {key!r} is already {status}")
    update(connection, batch, record, version=None, effective=effective, note=note, source=source)


def relink(
    connection: Connection,
    batch: Batch,
    pledge_key: str,
    field_name: str,
    target: str,
    *,
    add: bool,
    version: int | None,
) -> None:
    """Add or remove one condition or source of a pledge."""
    stored = load_one(connection, "pledge", pledge_key)
    _check_version("pledge", pledge_key, stored, version)
    items = list(stored.state[field_name])
    if add:
        if target in items:
            raise LedgerError(f"pledge {pledge_key!r} already lists {field_name[:-1]} {target!r}")
        items.append(target)
    else:
        if target not in items:
            raise LedgerError(f"pledge {pledge_key!r} does not list {field_name[:-1]} {target!r}")
        items.remove(target)
    state = {**stored.state, field_name: items}
    check_references(connection, "pledge", pledge_key, state)
    apply(
        connection,
        batch,
        [Change("pledge", pledge_key, stored, state, "link" if add else "unlink")],
    )


# -- many records at once (imports) ----------------------------------------------------------


@dataclass(slots=True)
class Counts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0


def save_records(
    connection: Connection,
    batch: Batch,
    records: Sequence[Record],
    *,
    default_note: str,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Counts]:
    """Create or update records matched by key; history entries not yet logged are appended.

    A status change that arrives without a new history entry is logged with ``default_note``
    (typically "imported from FILE") as its evidence and today as its date.
    """
    counts = {record_type: Counts() for record_type in WRITE_ORDER}
    by_type: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        by_type[record.record_type].append(record)
    changes: list[Change] = []
    done = 0
    total = len(records)
    for record_type in WRITE_ORDER:
        group = by_type[record_type]
        if not group:
            continue
        keys = [r.record_key for r in group]
        if len(set(keys)) != len(keys):
            seen: set[str] = set()
            duplicate = next(k for k in keys if k in seen or seen.add(k))  # type: ignore[func-returns-value]
            raise DuplicateKeyError(record_type, duplicate)
        stored = STORES[record_type].load(connection, keys)
        logged_history = history.status_history(
            connection, record_type, [k for k in keys if k in stored]
        )
        for record in group:
            key = record.record_key
            state = record.state()
            before = stored.get(key)
            if before is None:
                counts[record_type].added += 1
                changes.append(
                    creation_entries(record, state, effective=None, note=None, source=None)
                )
            else:
                change = _import_update(
                    record, state, before, logged_history.get(key, []), default_note
                )
                if change is None:
                    counts[record_type].unchanged += 1
                else:
                    counts[record_type].updated += 1
                    changes.append(change)
            done += 1
            if progress is not None and done % 5000 == 0:
                progress(done, total)
    apply(connection, batch, changes)
    if progress is not None:
        progress(total, total)
    return counts


def _import_update(
    record: Record, state: State, before: Stored, logged: list[dict[str, Any]], default_note: str
) -> Change | None:
    record_type, key = record.record_type, record.record_key
    known = {(h["date"], h["status"], h["note"], h["source"]) for h in logged}
    new_history = [
        h
        for h in getattr(record, "history", []) or []
        if (h.date, h.status, h.note, h.source) not in known
    ]
    diff = history.changes_between(before.state, state)
    if not diff and not new_history:
        return None
    previous = logged[-1]["status"] if logged else before.state.get("status")
    extra = status_entries(record_type, key, new_history, previous)
    if new_history and logged:
        last = lower_bound(logged[-1]["date"]) or ""
        early = [h.date for h in new_history if (lower_bound(h.date) or "") < last]
        if early:
            raise LedgerError(
                f"{record_type} {key!r}: history entry dated {early[0]} comes before the last "
                f"status change already recorded ({logged[-1]['date']}); the history can only "
                "grow at its end"
            )
    logged_changes = {k: v for k, v in diff.items() if k != "status" or not new_history}
    action = "update"
    effective = note = None
    if "status" in logged_changes:
        action, effective, note = "status", today_date(), default_note
    return Change(
        record_type,
        key,
        before,
        state,
        action,
        effective,
        note,
        None,
        extra=extra,
        logged=logged_changes,
    )


# -- undo and redo ---------------------------------------------------------------------------


@dataclass(slots=True)
class Reverted:
    """What a revert did: the records it reverted, and (in part) the ones it kept, with why."""

    #: ``(record_type, key, state before, state after)`` of each record reverted.
    records: list[tuple[str, str, State | None, State | None]] = field(default_factory=list)
    #: ``(record_type, key, reason)`` of each record left as it is (undo in part).
    kept: list[tuple[str, str, str]] = field(default_factory=list)

    def outcome(self, limit: int = 5) -> list[str]:
        """What the ledger now holds: one line per reverted record when there are up to
        ``limit`` (``pledge 'p': status is now 'announced'``, ``pledge 'q' no longer
        exists``), else counts (``154 records no longer exist``)."""
        if len(self.records) > limit:
            gone = sum(1 for *_, before, after in self.records if after is None)
            back = sum(1 for *_, before, after in self.records if before is None)
            changed = len(self.records) - gone - back
            counts = [
                (gone, "no longer exists", "no longer exist"),
                (back, "exists again", "exist again"),
                (changed, "has other values", "have other values"),
            ]
            return [
                f"{n:,} record{'' if n == 1 else 's'} {one if n == 1 else many}"
                for n, one, many in counts
                if n
            ]
        lines: list[str] = []
        for record_type, key, before, after in self.records:
            name = f"{record_type} {key!r}"
            if after is None:
                lines.append(f"{name} no longer exists")
            elif before is None:
                lines.append(f"{name} exists again")
            else:
                fields = [f for f in after if before.get(f) != after[f]]
                shown = [f"{f} is now {_cut(after[f], 40)}" for f in fields[:3]]
                more = f" and {len(fields) - 3} more fields" if len(fields) > 3 else ""
                lines.append(f"{name}: {', '.join(shown)}{more}")
        return lines


def revert(connection: Connection, batch: Batch, target: int, *, partial: bool = False) -> Reverted:
    """Append the compensation of batch ``target`` to ``batch``.

    Refused, with nothing written, if it would discard a write made since (by anyone): a
    field the batch set that has changed since, a record it created that was edited since
    (every field counts, empty ones too), a record it deleted that exists again, a record
    others now refer to, or evidence a re-applied change cites that no longer exists. The
    refusal names who changed what, and when.

    With ``partial`` (undo in part), a record in that case is kept as it is and named in the
    result, and the batch's other records are reverted; it is refused only when no record of
    the batch can be. The kept records' entries of ``target`` go on counting as history.
    """
    entries = history.batch_entries(connection, target)
    if not entries:
        raise NothingToUndoError(f"batch {target} changed nothing")
    compensations = [history.compensate(e) for e in reversed(entries)]
    by_record: dict[tuple[str, str], list[Entry]] = {}
    for entry in compensations:
        by_record.setdefault((entry.record_type, entry.record_key), []).append(entry)
    wanted: dict[str, set[str]] = defaultdict(set)
    for record_type, key in by_record:
        wanted[record_type].add(key)
    stored = {t: STORES[t].load(connection, sorted(keys)) for t, keys in wanted.items()}
    original: dict[tuple[str, str], State | None] = {
        (t, k): (stored[t][k].state if k in stored[t] else None)
        for t, keys in wanted.items()
        for k in keys
    }
    _, label = history.batch_label(connection, target)
    # What the log says was written since, beside what the values say: a record deleted and
    # made again, or a field changed and changed back, was written by someone all the same.
    since = history.written_since(connection, target)
    kept: dict[tuple[str, str], str] = {}
    first_refusal: UndoConflictError | None = None

    def keep_or_raise(error: UndoConflictError) -> None:
        nonlocal first_refusal
        ident = (error.record_type, error.key)
        if not partial or ident not in by_record or ident in kept:
            raise error
        first_refusal = first_refusal or error
        kept[ident] = error.reason
        if len(kept) == len(by_record):
            raise first_refusal

    # Each pass plans the revert of the records not kept; in part, a refused record is kept
    # and the plan made again (each pass keeps one more record, so this ends).
    while True:
        working = {ident: original[ident] for ident in by_record if ident not in kept}
        try:
            for ident, record_entries in by_record.items():
                if ident not in kept:
                    _plan_record(connection, ident, record_entries, working, since, target, label)
            _refuse_missing_references(connection, stored, working, label, target)
            if batch.kind == "redo":
                _refuse_missing_evidence(
                    connection, compensations, working, original, label, target
                )
            changes = [
                Change(record_type, key, stored[record_type].get(key), after, "revert", logged={})
                for (record_type, key), after in working.items()
                if original[(record_type, key)] != after
            ]
            try:
                _refuse_dangling(connection, changes, target if batch.kind == "undo" else None)
            except ReferencedError as error:
                raise _referenced(error, label, working) from None
        except UndoConflictError as error:
            keep_or_raise(error)
            continue
        break
    apply(connection, batch, changes, target if batch.kind == "undo" else None)
    history.append(
        connection,
        batch,
        [e for e in compensations if (e.record_type, e.record_key) not in kept],
    )
    return Reverted(
        [(t, k, original[(t, k)], working[(t, k)]) for t, k in working],
        [(t, k, reason) for (t, k), reason in kept.items()],
    )


def _plan_record(
    connection: Connection,
    ident: tuple[str, str],
    entries: Sequence[Entry],
    working: dict[tuple[str, str], State | None],
    since: dict[tuple[str, str], set[str]],
    target: int,
    label: str,
) -> None:
    """Apply one record's compensating entries to ``working``, or refuse naming why."""
    record_type, key = ident
    written = since.get(ident, set())

    def refuse(what: str, fields: Sequence[str] = ()) -> NoReturn:
        current = working[ident]
        reason = _changed_since(connection, record_type, key, target, what, fields, current)
        raise UndoConflictError(label, reason, record_type, key, current)

    for entry in entries:
        current = working[ident]
        if entry.action == "create":
            if current is not None:
                refuse("exists again")
            if written:
                refuse("was made again and deleted since")
            working[ident] = _empty_state(record_type) | {k: v[1] for k, v in entry.changes.items()}
            continue
        if current is None:
            refuse("no longer exists")
        expected = {k: v[0] for k, v in entry.changes.items()}
        if entry.action == "delete":
            # Deleting what the batch created: the record must be exactly as created, empty
            # fields included (a creation's entry leaves them out), or the deletion would
            # take a colleague's later notes or links with it.
            expected = _empty_state(record_type) | expected
        changed = [name for name, value in expected.items() if current.get(name) != value]
        if entry.action == "delete":
            changed += sorted(written - set(changed))
        else:
            changed += [name for name in entry.changes if name in written and name not in changed]
        if changed:
            refuse("was changed since", changed)
        if entry.action == "delete":
            working[ident] = None
        else:
            working[ident] = {**current, **{k: v[1] for k, v in entry.changes.items()}}


def _referenced(
    error: ReferencedError, label: str, working: dict[tuple[str, str], State | None]
) -> UndoConflictError:
    kind, referrer = error.referenced_by[0]
    more = len(error.referenced_by) - 1
    others = f" (and {more} more)" if more > 0 else ""
    by = f"it is cited as evidence {referrer}" if kind == "evidence" else f"{kind} {referrer!r}"
    return UndoConflictError(
        label,
        f"{error.record_type} {error.key!r} would be deleted, but {by}{others} now refers to it",
        error.record_type,
        error.key,
        working.get((error.record_type, error.key)),
    )


def _empty_state(record_type: str) -> State:
    lists = RECORD_MODELS[record_type].list_fields
    return {f: ([] if f in lists else None) for f in STORES[record_type].field_order()}


def _refuse_missing_references(
    connection: Connection,
    stored: dict[str, dict[str, Stored]],
    working: dict[tuple[str, str], State | None],
    label: str,
    target: int,
) -> None:
    """A record brought back or restored may not refer to a record deleted since (a pledge
    whose deletion is undone after a colleague deleted its condition)."""
    created: dict[str, set[str]] = defaultdict(set)
    for (record_type, key), after in working.items():
        if after is not None:
            created[record_type].add(key)
    for (record_type, key), after in working.items():
        before = stored[record_type].get(key)
        if after is None or (before is not None and before.state == after):
            continue
        try:
            check_references(connection, record_type, key, after, created)
        except UnknownReferenceError as error:
            gone = _changed_since(
                connection, error.target, error.value, target, "no longer exists", (), None
            )
            raise UndoConflictError(
                label,
                f"{record_type} {key!r} would refer to {error.target} {error.value!r}, but {gone}",
                record_type,
                key,
                after,
            ) from None


def _refuse_missing_evidence(
    connection: Connection,
    compensations: Sequence[Entry],
    working: dict[tuple[str, str], State | None],
    original: dict[tuple[str, str], State | None],
    label: str,
    target: int,
) -> None:
    """A re-applied change may not cite a source that no longer exists: its history would
    then rest on evidence nobody can read."""
    cited = {
        e.source for e in compensations if e.source and (e.record_type, e.record_key) in working
    }
    if not cited:
        return
    present = existing(connection, "source", sorted(cited))
    for entry in compensations:
        source = entry.source
        if not source or (entry.record_type, entry.record_key) not in working:
            continue
        exists = (
            working[("source", source)] is not None
            if ("source", source) in working
            else source in present
        )
        if not exists:
            what = f"cites source {source!r} as evidence, which no longer exists"
            reason = _changed_since(
                connection, entry.record_type, entry.record_key, target, what, (), None
            )
            raise UndoConflictError(
                label,
                reason,
                entry.record_type,
                entry.record_key,
                working[(entry.record_type, entry.record_key)],
            )


def _changed_since(
    connection: Connection,
    record_type: str,
    key: str,
    target: int,
    what: str,
    fields: Sequence[str],
    current: State | None,
) -> str:
    """Why reversing ``target`` is refused: the record, who changed it since, when, what."""
    name = f"{record_type} {key!r}"
    if not fields:
        later = history.changed_since(connection, record_type, key, target)
        if not later or what.startswith("cites"):
            return f"{name} {what}"
        author, recorded_at, _ = later[0]
        return f"{name} {what} ({_who(author, recorded_at)})"
    later = [
        (author, at, [f for f in changed if f in fields])
        for author, at, changed in history.changed_since(connection, record_type, key, target)
    ]
    later = [item for item in later if item[2]]
    shown = ", ".join(fields[:6]) + (f" and {len(fields) - 6} more" if len(fields) > 6 else "")
    if len(fields) > 1:
        what = what.replace("was ", "were ", 1)
    now = ""
    if len(fields) == 1 and current is not None:
        now = f"; it is now {_cut(current.get(fields[0]))}"
    if not later:
        return f"the {shown} of {name} {what} outside the change log{now}"
    authors = sorted({author for author, _, _ in later})
    author, recorded_at, _ = later[0]
    who = _who(", ".join(authors), recorded_at)
    return f"the {shown} of {name} {what} ({who}){now}, and undoing would discard it"


def _who(author: str, recorded_at: str) -> str:
    when = recorded_at[:16].replace("T", " ")
    return f"by {author}, last at {when} UTC"


def _cut(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
