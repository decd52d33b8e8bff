"""What changed between two dates, record by record, with the evidence of each change.

Only the records with a period of their state beginning or ending between the two dates can
have changed (an index of ``record_states`` finds them, see
:func:`db.record_states.changed_between`); their states at both dates are read in one go, and
the change-log entries that took effect in between, as recorded at the reading, are their
evidence. With a query (about pledges), a pledge is *added* when it entered the query's results
(it matches at the later date, not at the earlier one: new, or newly matching), *removed* when
it left them, and *changed* when it matches at both with fields that differ. Without one, every
record type counts, and added and removed mean made and deleted.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import Connection, and_, bindparam

from . import change_log
from . import tables as m
from .api_types import ChangeEntry
from .record_states import CHUNK, known_on_bound, reading_day
from .vocab import RecordRef, RecordType

L, B = m.change_log.c, m.batches.c

Change = Literal["added", "removed", "changed"]
#: The order changes are listed in: what is new first, then what moved, then what went.
CHANGE_ORDER: dict[Change, int] = {"added": 0, "changed": 1, "removed": 2}


@dataclass(frozen=True, slots=True)
class RecordChange:
    """One record's change between two dates."""

    record_type: RecordType
    key: str
    change: Change
    #: field -> (value at the earlier date, value at the later one), for the fields that differ.
    fields: dict[str, tuple[Any, Any]]
    #: The record's fields at each date (None: it did not exist then).
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    #: The change-log entries that took effect in between, in effective order.
    evidence: list[ChangeEntry] = field(default_factory=list)

    @property
    def title(self) -> str:
        state = self.after or self.before or {}
        return str(state.get("title") or state.get("name") or self.key)

    @property
    def status_change(self) -> tuple[str | None, str | None] | None:
        """``(old, new)`` status, when the status changed (or the record came or went)."""
        old = (self.before or {}).get("status")
        new = (self.after or {}).get("status")
        return None if old == new else (old, new)


def evidence(
    connection: Connection,
    records: Sequence[RecordRef],
    earlier: str,
    later: str,
    known_on: str | None,
) -> dict[RecordRef, list[ChangeEntry]]:
    """The entries of these records that took effect after the end of ``earlier`` and by the
    end of ``later`` and that count as recorded at ``known_on`` (not undone by then)."""
    start, end = reading_day(earlier), reading_day(later)
    bound = None if known_on is None else known_on_bound(known_on)
    by_type: dict[RecordType, list[str]] = defaultdict(list)
    for record_type, key in records:
        by_type[record_type].append(key)
    found: dict[RecordRef, list[ChangeEntry]] = defaultdict(list)
    # One statement for every chunk, its keys bound: built and compiled once.
    statement = (
        change_log.entries_query()
        .where(
            L.record_type == bindparam("record_type"),
            L.record_key.in_(bindparam("keys", expanding=True)),
            and_(L.effective_lo > start, L.effective_lo <= end),
            change_log.active(bound),
        )
        .order_by(L.record_key, L.effective_lo, L.id)
    )
    for record_type, keys in by_type.items():
        for first in range(0, len(keys), CHUNK):
            part = keys[first : first + CHUNK]
            bound_keys = {"record_type": record_type, "keys": part}
            for row in connection.execute(statement, bound_keys):
                entry = change_log.entry_of(row)
                found[(entry.record_type, entry.record_key)].append(entry)
    return dict(found)


def assemble(
    before: Mapping[RecordType, Mapping[str, dict[str, Any]]],
    after: Mapping[RecordType, Mapping[str, dict[str, Any]]],
    evidence_of: Mapping[RecordRef, list[ChangeEntry]],
    matching: tuple[set[str], set[str]] | None = None,
) -> list[RecordChange]:
    """The changes of the records read at both dates. ``matching``: the pledges a query
    selects at each date, among those read (then only pledges are listed)."""
    found: list[RecordChange] = []
    types: list[RecordType] = sorted({*before, *after}) if matching is None else ["pledge"]
    for record_type in types:
        old_table, new_table = before.get(record_type, {}), after.get(record_type, {})
        for key in sorted({*old_table, *new_table}):
            old, new = old_table.get(key), new_table.get(key)
            fields = _fields(old, new)
            change: Change
            if matching is not None:
                was, now = key in matching[0], key in matching[1]
                if not (was or now) or (was and now and not fields):
                    continue
                change = "changed" if was and now else "added" if now else "removed"
            elif old is None and new is None:
                continue
            else:
                if old is not None and new is not None and not fields:
                    continue
                change = "added" if old is None else "removed" if new is None else "changed"
            found.append(
                RecordChange(
                    record_type,
                    key,
                    change,
                    fields,
                    old,
                    new,
                    evidence_of.get((record_type, key), []),
                )
            )
    found.sort(key=lambda c: (CHANGE_ORDER[c.change], c.record_type, c.key))
    return found


def _fields(old: dict[str, Any] | None, new: dict[str, Any] | None) -> dict[str, tuple[Any, Any]]:
    if old is None or new is None:
        return {}
    return {
        name: (old.get(name), new.get(name))
        for name in sorted({*old, *new})
        if old.get(name) != new.get(name)
    }


def as_json(change: RecordChange) -> dict[str, Any]:
    """A change as ``pledges diff --json`` gives it."""
    return {
        "type": change.record_type,
        "key": change.key,
        "change": change.change,
        "fields": {name: [old, new] for name, (old, new) in change.fields.items()},
        "before": change.before,
        "after": change.after,
        "evidence": [
            {
                "date": e.effective,
                "action": e.action,
                "changes": {name: [old, new] for name, (old, new) in e.changes.items()},
                "note": e.note,
                "source": e.source,
                "author": e.author,
                "recorded_at": e.recorded_at,
            }
            for e in change.evidence
        ],
    }


def dumps(changes: Sequence[RecordChange]) -> str:
    return json.dumps([as_json(c) for c in changes], ensure_ascii=False, indent=2)
