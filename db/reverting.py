"""Undo and redo: the compensation of a batch, appended as a new batch.

Reverting never rewrites the log. It is refused, with nothing written, when it would discard
a write made since by anyone, and the refusal names who changed what, and when; in part, the
records in that case are kept as they are and the others reverted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn

from sqlalchemy import Connection

from . import change_log
from .change_log import Batch, Entry
from .errors import NothingToUndoError, ReferencedError, UndoConflictError, UnknownReferenceError
from .record_types import KINDS
from .references import check_references, existing
from .store import State, Stored
from .vocab import RecordRef, RecordType
from .writing import Change, apply, refuse_dangling


@dataclass(slots=True)
class Reverted:
    """What a revert did: the records it reverted, and (in part) the ones it kept, with why."""

    #: ``(record_type, key, state before, state after)`` of each record reverted.
    records: list[tuple[str, str, State | None, State | None]] = field(default_factory=list)
    #: ``(record_type, key, reason)`` of each record left as it is (undo in part).
    kept: list[tuple[RecordType, str, str]] = field(default_factory=list)

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
    entries = change_log.batch_entries(connection, target)
    if not entries:
        raise NothingToUndoError(f"batch {target} changed nothing")
    compensations = [change_log.compensate(e) for e in reversed(entries)]
    by_record: dict[RecordRef, list[Entry]] = {}
    for entry in compensations:
        by_record.setdefault((entry.record_type, entry.record_key), []).append(entry)
    wanted: dict[RecordType, set[str]] = defaultdict(set)
    for record_type, key in by_record:
        wanted[record_type].add(key)
    stored = {t: KINDS[t].store.load(connection, sorted(keys)) for t, keys in wanted.items()}
    original: dict[RecordRef, State | None] = {
        (t, k): (stored[t][k].state if k in stored[t] else None)
        for t, keys in wanted.items()
        for k in keys
    }
    _, label = change_log.batch_label(connection, target)
    # What the log says was written since, beside what the values say: a record deleted and
    # made again, or a field changed and changed back, was written by someone all the same.
    since = change_log.written_since(connection, target)
    kept: dict[RecordRef, str] = {}
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
                refuse_dangling(connection, changes, target if batch.kind == "undo" else None)
            except ReferencedError as error:
                raise _referenced(error, label, working) from None
        except UndoConflictError as error:
            keep_or_raise(error)
            continue
        break
    apply(connection, batch, changes, target if batch.kind == "undo" else None)
    change_log.append(
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
    ident: RecordRef,
    entries: Sequence[Entry],
    working: dict[RecordRef, State | None],
    since: dict[RecordRef, set[str]],
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
    error: ReferencedError, label: str, working: dict[RecordRef, State | None]
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


def _empty_state(record_type: RecordType) -> State:
    lists = KINDS[record_type].schema.list_fields
    return {f: ([] if f in lists else None) for f in KINDS[record_type].store.field_order()}


def _refuse_missing_references(
    connection: Connection,
    stored: dict[RecordType, dict[str, Stored]],
    working: dict[RecordRef, State | None],
    label: str,
    target: int,
) -> None:
    """A record brought back or restored may not refer to a record deleted since (a pledge
    whose deletion is undone after a colleague deleted its condition)."""
    created: dict[RecordType, set[str]] = defaultdict(set)
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
    working: dict[RecordRef, State | None],
    original: dict[RecordRef, State | None],
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
    record_type: RecordType,
    key: str,
    target: int,
    what: str,
    fields: Sequence[str],
    current: State | None,
) -> str:
    """Why reversing ``target`` is refused: the record, who changed it since, when, what."""
    name = f"{record_type} {key!r}"
    if not fields:
        later = change_log.changed_since(connection, record_type, key, target)
        if not later or what.startswith("cites"):
            return f"{name} {what}"
        author, recorded_at, _ = later[0]
        return f"{name} {what} ({_who(author, recorded_at)})"
    later = [
        (author, at, [f for f in changed if f in fields])
        for author, at, changed in change_log.changed_since(connection, record_type, key, target)
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
