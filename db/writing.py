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
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection

from . import change_log, vocab
from .change_log import Batch, Entry
from .dates import (
    PartialDateError,
    latest_effective,
    lower_bound,
    parse_partial_date,
    refuse_future,
)
from .dates import today as today_date
from .errors import (
    BackdatedChangeError,
    BackdatedStatusError,
    ConflictError,
    DuplicateKeyError,
    EvidenceRequiredError,
    InvalidRecordError,
    LedgerError,
    NotFoundError,
    ReferencedError,
)
from .reading import load_one
from .record_types import KINDS, RECORD_TYPES
from .references import (
    check_references,
    check_source,
    check_supersedes_cycle,
    referrers,
    refers,
)
from .schemas import HistoryEntry, Record, explain, first_repeated
from .store import State, Stored, Write
from .text import clean_note
from .vocab import RecordType

#: The longest note a change may carry (as long as a record's long text).
NOTE_LIMIT = 100_000


@dataclass(slots=True)
class Change:
    record_type: RecordType
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


@dataclass(frozen=True, slots=True)
class Evidence:
    """What a change says of itself: when it happened in the world (a partial date; None: when
    it was recorded), a note, and a source it cites."""

    effective: str | None = None
    note: str | None = None
    source: str | None = None


def apply(
    connection: Connection, batch: Batch, changes: Sequence[Change], reverting: int | None = None
) -> None:
    """Write the changes and log them; refuse deletions that would leave references dangling
    (``reverting``: the batch an undo reverts, whose entries for these records stop counting)."""
    refuse_dangling(connection, changes, reverting)
    by_type: dict[RecordType, list[Write]] = defaultdict(list)
    for change in changes:
        by_type[change.record_type].append(Write(change.key, change.before, change.after))
    for record_type in RECORD_TYPES:
        if by_type[record_type]:
            KINDS[record_type].store.write(connection, by_type[record_type], batch.recorded_at)
    entries: list[Entry] = []
    for change in changes:
        logged = change.logged
        if logged is None:
            logged = change_log.changes_between(
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
    change_log.append(connection, batch, entries)


# -- references ------------------------------------------------------------------------------


def refuse_dangling(
    connection: Connection, changes: Sequence[Change], reverting: int | None = None
) -> None:
    """Refuse to delete a record that something will still refer to after this batch.

    Referrers changed in the same batch count as they will be: an undo that deletes a pledge
    and the condition it depends on together is fine. A source cited as evidence by a change
    that stands in the log is referred to for good: the log is never rewritten.
    """
    deleted: dict[RecordType, list[str]] = defaultdict(list)
    for change in changes:
        if change.after is None:
            deleted[change.record_type].append(change.key)
    if not deleted:
        return
    after = {(c.record_type, c.key): c.after for c in changes}
    for record_type, keys in deleted.items():
        found = referrers(connection, record_type, keys)
        if record_type == "source":
            reverted = {(c.record_type, c.key) for c in changes}
            citing_now = change_log.citations(
                connection, keys, None if reverting is None else (reverting, reverted)
            )
            for key, citing in citing_now.items():
                found.setdefault(key, []).extend(citing)
        for key in keys:
            remaining = [
                (kind, ref)
                for kind, ref in found.get(key, [])
                if kind not in KINDS  # evidence in the log, which stays
                or (kind, ref) not in after
                or refers(kind, after[(kind, ref)], record_type, key)
            ]
            if remaining:
                raise ReferencedError(record_type, key, remaining)


def _check_version(
    record_type: RecordType, key: str, stored: Stored | None, version: int | None
) -> None:
    if version is None:
        return
    if stored is None:
        raise ConflictError(record_type, key, version, None, None)
    if stored.version != version:
        raise ConflictError(record_type, key, version, stored.version, stored.state)


def _require_evidence(
    record_type: RecordType, key: str, note: str | None, source: str | None
) -> None:
    # The note is judged as the log will keep it: a note of control characters is no note.
    if not clean_note(note) and not source:
        raise EvidenceRequiredError(record_type, key)


def effective_date(record_type: RecordType, key: str, value: str | None) -> str | None:
    """A change's effective date as given to the service API: a partial date that has begun
    (a change dated in the future has not happened yet), or None."""
    if value is None:
        return None
    try:
        return refuse_future(parse_partial_date(value))
    except PartialDateError as error:
        raise InvalidRecordError(record_type, key, [("effective date", str(error))]) from None


def _note(record_type: RecordType, key: str, note: str | None) -> str | None:
    note = clean_note(note)
    if note is not None and len(note) > NOTE_LIMIT:
        raise InvalidRecordError(
            record_type, key, [("note", f"is {len(note):,} characters; at most {NOTE_LIMIT:,}")]
        )
    return note


# -- single-record writes --------------------------------------------------------------------


def status_entries(
    record_type: RecordType, key: str, entries: Sequence[HistoryEntry], previous: str | None
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


def creation_entries(record: Record, state: State, evidence: Evidence) -> Change:
    """The change that creates ``record``, with its fixture history as status entries.

    A record whose history starts earlier is logged as created with the first historical
    status at the first historical date, then each later change at its own date, so that the
    log alone rebuilds its status at any past date.
    """
    record_type, key = record.record_type, record.record_key
    effective, note, source = evidence.effective, evidence.note, evidence.source
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
    logged = change_log.changes_between(None, {**state, "status": first.status})
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


def _given(record: Record, evidence: Evidence) -> tuple[Record, Evidence]:
    """A record as the service API is given it, validated, with its change's effective date
    and note checked."""
    record = _validated(record)
    record_type, key = record.record_type, record.record_key
    effective = effective_date(record_type, key, evidence.effective)
    return record, Evidence(effective, _note(record_type, key, evidence.note), evidence.source)


def _check_names(
    connection: Connection, record: Record, state: State, sources: Sequence[str | None]
) -> None:
    """Refuse a record that names a record, or cites as evidence a source, that is not there."""
    record_type, key = record.record_type, record.record_key
    check_references(connection, record_type, key, state)
    for source in sources:
        check_source(connection, source, record_type, key)


def _stored(
    connection: Connection, record_type: RecordType, key: str, version: int | None
) -> Stored:
    """The record as stored, at ``version`` (None: any), else a :class:`ConflictError` (or,
    with no version asked for, a :class:`NotFoundError`)."""
    stored = KINDS[record_type].store.load(connection, [key]).get(key)
    if stored is None:
        if version is not None:
            raise ConflictError(record_type, key, version, None, None)
        raise NotFoundError(record_type, key)
    _check_version(record_type, key, stored, version)
    return stored


def create(
    connection: Connection, batch: Batch, record: Record, evidence: Evidence = Evidence()
) -> None:
    """Add a new record, logged as created (with its history, if it has one)."""
    record, evidence = _given(record, evidence)
    record_type, key = record.record_type, record.record_key
    if key in KINDS[record_type].store.load(connection, [key]):
        raise DuplicateKeyError(record_type, key, record.key_field)
    state = record.state()
    history_sources = [entry.source for entry in getattr(record, "history", []) or []]
    _check_names(connection, record, state, [evidence.source, *history_sources])
    apply(connection, batch, [creation_entries(record, state, evidence)])


def update(
    connection: Connection,
    batch: Batch,
    record: Record,
    *,
    version: int | None,
    evidence: Evidence = Evidence(),
) -> None:
    """Save an edited record. Changing its status needs evidence, as with :func:`change_status`."""
    record, evidence = _given(record, evidence)
    effective, note, source = evidence.effective, evidence.note, evidence.source
    record_type, key = record.record_type, record.record_key
    stored = _stored(connection, record_type, key, version)
    state = record.state()
    _check_names(connection, record, state, [source])
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
    if effective is not None:
        _refuse_overridden(connection, record_type, key, stored.state, state, effective)
    apply(
        connection,
        batch,
        [Change(record_type, key, stored, state, action, effective, note, source)],
    )


def _refuse_overridden(
    connection: Connection,
    record_type: RecordType,
    key: str,
    before: State,
    after: State,
    effective: str,
) -> None:
    """A change may not be dated before the change that set a field's current value: read as
    of any date from then on, the ledger would show the earlier change's value, not this one
    (the field as saved). The record's creation day is the earliest any change counts from."""
    days = change_log.field_days(connection, record_type, key)
    begun = change_log.creation_days(connection, [(record_type, key)]).get((record_type, key))
    day = max(lower_bound(effective) or "", begun or "")
    for name in sorted(k for k in after if after.get(k) != before.get(k)):
        since = days.get(name)
        if since is not None and day < since <= latest_effective():
            raise BackdatedChangeError(record_type, key, name, since, effective)


def _refuse_backdating(
    connection: Connection, record_type: RecordType, key: str, current: Any, dates: Sequence[str]
) -> None:
    """A status change may not be dated before the change that set the current status: the
    history would then end on a status other than the current one."""
    last = change_log.last_status_date(connection, record_type, key)
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
    record_type: RecordType,
    key: str,
    *,
    version: int | None,
    note: str | None = None,
) -> None:
    note = _note(record_type, key, note)
    stored = _stored(connection, record_type, key, version)
    apply(connection, batch, [Change(record_type, key, stored, None, "delete", None, note)])


def change_status(
    connection: Connection,
    batch: Batch,
    record_type: RecordType,
    key: str,
    status: str,
    *,
    evidence: Evidence,
    version: int | None,
) -> None:
    """Set a pledge's or condition's status (with evidence: a note, a source or both)."""
    if record_type not in ("pledge", "condition"):
        raise LedgerError(f"only pledges and conditions have a status, not {record_type}s")
    stored = load_one(connection, record_type, key)
    _check_version(record_type, key, stored, version)
    model = KINDS[record_type].schema
    effective = effective_date(record_type, key, evidence.effective or None)
    try:
        record = model.model_validate(
            {**{k: v for k, v in stored.state.items() if v is not None}, "status": status}
        )
    except ValidationError as error:
        raise InvalidRecordError(record_type, key, explain(error, model)) from None
    if record.state()["status"] == stored.state["status"]:
        raise LedgerError(f"{record_type} {key!r} is already {status}")
    evidence = Evidence(effective, evidence.note, evidence.source)
    update(connection, batch, record, version=None, evidence=evidence)


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
) -> dict[RecordType, Counts]:
    """Create or update records matched by key; history entries not yet logged are appended.

    A status change that arrives without a new history entry is logged with ``default_note``
    (typically "imported from FILE") as its evidence and today as its date.
    """
    counts = {record_type: Counts() for record_type in RECORD_TYPES}
    by_type: dict[RecordType, list[Record]] = defaultdict(list)
    for record in records:
        by_type[record.record_type].append(record)
    changes: list[Change] = []
    done = 0
    total = len(records)
    for record_type in RECORD_TYPES:
        group = by_type[record_type]
        if not group:
            continue
        keys = [r.record_key for r in group]
        duplicate = first_repeated(keys)
        if duplicate is not None:
            raise DuplicateKeyError(record_type, duplicate, KINDS[record_type].key_field)
        stored = KINDS[record_type].store.load(connection, keys)
        logged_history = change_log.status_history(
            connection, record_type, [k for k in keys if k in stored]
        )
        for record in group:
            key = record.record_key
            state = record.state()
            before = stored.get(key)
            if before is None:
                counts[record_type].added += 1
                changes.append(creation_entries(record, state, Evidence()))
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
    diff = change_log.changes_between(before.state, state)
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
