"""The brief: what changed between two dates, in the sections an analyst's weekly product has.

Built from :meth:`db.ledger.Ledger.changes` (the records that changed, with their evidence) and
from readings of the ledger at both dates (which pledges a resolved condition freed or blocked,
which became overdue). Rendering it (Markdown, HTML) is the job of the caller; everything here
is data, and every text in it is the ledger's, unescaped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import vocab
from .api_types import ChangeEntry
from .changes import RecordChange
from .dates import today
from .past import Reading
from .query import Query

if TYPE_CHECKING:
    from .ledger import Ledger


@dataclass(frozen=True, slots=True)
class Line:
    """One pledge or condition in a section of the brief, with the change that put it there."""

    record_type: str
    key: str
    title: str
    #: ``(old, new)`` status, or None.
    status: tuple[str | None, str | None] | None
    #: The date the change took effect (as given), and its evidence entries.
    date: str | None
    evidence: list[ChangeEntry]
    pledger: str | None = None
    due: str | None = None
    #: The sources the line cites: its evidence's, and for a new record, its own.
    cites: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Resolved:
    """A condition whose status changed in the window; if it was resolved, the pledges it
    freed or blocked."""

    line: Line
    freed: list[Line]
    blocked: list[Line]
    #: False for a condition whose status changed without resolving it (pending to
    #: partially met, or from one resolution to another).
    resolves: bool = True


@dataclass(frozen=True, slots=True)
class SourceNote:
    key: str
    title: str
    publisher: str | None
    published: str | None
    url: str | None


@dataclass(slots=True)
class Brief:
    since: str
    until: str
    query: str | None
    known_on: str | None
    written_on: str
    author: str
    resolved: list[Resolved] = field(default_factory=list)
    #: pledger code -> (its name, its pledges' status changes).
    by_pledger: dict[str, tuple[str, list[Line]]] = field(default_factory=dict)
    new: list[Line] = field(default_factory=list)
    withdrawn: list[Line] = field(default_factory=list)
    overdue: list[Line] = field(default_factory=list)
    #: Every source cited in the brief, in order of first citation.
    sources: dict[str, SourceNote] = field(default_factory=dict)

    def summary(self) -> str:
        changes = sum(len(lines) for _, lines in self.by_pledger.values())
        parts = [
            _count(
                len([r for r in self.resolved if r.resolves]),
                "condition resolved",
                "conditions resolved",
            ),
            _count(changes, "status change", "status changes"),
            _count(len(self.new), "new pledge", "new pledges"),
            _count(len(self.withdrawn), "pledge withdrawn", "pledges withdrawn"),
            _count(len(self.overdue), "pledge newly overdue", "pledges newly overdue"),
        ]
        return ", ".join(parts)

    @property
    def empty(self) -> bool:
        return not (self.resolved or self.by_pledger or self.new or self.withdrawn or self.overdue)


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def _line(change: RecordChange) -> Line:
    state = change.after or change.before or {}
    status_entries = [e for e in change.evidence if "status" in e.changes or e.action == "create"]
    entries = status_entries or change.evidence
    last = entries[-1] if entries else None
    cites = [e.source for e in change.evidence if e.source]
    if change.before is None:
        cites += state.get("sources") or []
    return Line(
        change.record_type,
        change.key,
        change.title,
        change.status_change,
        None if last is None else last.effective,
        change.evidence,
        state.get("pledger"),
        state.get("due"),
        list(dict.fromkeys(cites)),
    )


def build(
    ledger: Ledger,
    since: str,
    until: str,
    query: Query | None,
    *,
    known_on: str | None = None,
) -> Brief:
    """The brief of the window from the end of ``since`` to the end of ``until``, for the
    pledges matching ``query`` (all of them when None)."""
    brief = Brief(since, until, query.source if query else None, known_on, today(), ledger.author)
    # Without a query, one diff of pledges and conditions; with one, that of the conditions
    # (all of them resolve for someone) and that of the query.
    everything = ledger.changes(
        since,
        until,
        known_on=known_on,
        record_types=("condition",) if query is not None else ("pledge", "condition"),
    )
    pledges = (
        [c for c in everything if c.record_type == "pledge"]
        if query is None
        else ledger.changes(since, until, query, known_on=known_on)
    )
    before, after = ledger.at(Reading(since, known_on)), ledger.at(Reading(until, known_on))
    wanted: set[str] | None = None if query is None else set(after.matching_pledge_keys(query))

    for change in everything:
        if change.record_type != "condition" or change.status_change is None:
            continue
        old, new = change.status_change
        if new is None or change.before is None:
            continue  # made or deleted in the window: not a change of its status
        line = _line(change)
        resolving = new not in vocab.OPEN_CONDITION_STATUSES and (
            old is None or old in vocab.OPEN_CONDITION_STATUSES
        )
        if not resolving:
            brief.resolved.append(Resolved(line, [], [], resolves=False))
            continue
        linked = set(after.matching_pledge_keys(f"condition:{change.key}"))
        if wanted is not None:
            linked &= wanted
        # Freed: open, with no condition left unmet (is:unconditional); blocked: open, with
        # one failed (is:blocked), as of the end of the window.
        rows = after.pledge_rows(sorted(linked))
        brief.resolved.append(
            Resolved(
                line,
                [
                    _pledge_line(r)
                    for r in rows
                    if r.is_open and not (r.conditions.open or r.conditions.failed)
                ],
                [_pledge_line(r) for r in rows if r.blocked],
            )
        )

    by_pledger: dict[str, list[Line]] = defaultdict(list)
    for change in pledges:
        line = _line(change)
        new_status = (change.after or {}).get("status")
        if change.after is None or (new_status == "withdrawn" and change.status_change):
            brief.withdrawn.append(line)
        elif change.before is None:
            brief.new.append(line)
        elif change.status_change is not None:
            by_pledger[line.pledger or ""].append(line)
    names = ledger.actor_names(sorted(by_pledger))
    brief.by_pledger = {
        code: (names.get(code, code), lines) for code, lines in sorted(by_pledger.items())
    }

    # Overdue at the end of the window, due after its start: what fell due in it (a pledge
    # overdue before that was overdue already, whatever changed since).
    became = after.fell_due(query, before.reading_at.today())
    brief.overdue = [_pledge_line(row) for row in after.pledge_rows(became)]
    brief.overdue.sort(key=lambda line: (line.due or "", line.key))

    cited = list(dict.fromkeys(key for line in _every_line(brief) for key in line.cites))
    found = {r.record_key: r for r in ledger.records("source", cited, strict=False)}
    for key in cited:
        record: Any = found.get(key)
        if record is None:
            brief.sources[key] = SourceNote(key, key, None, None, None)
        else:
            brief.sources[key] = SourceNote(
                key, record.title, record.publisher, record.published, record.url
            )
    return brief


def _pledge_line(row: Any) -> Line:
    return Line("pledge", row.key, row.title, None, None, [], row.pledger, row.due)


def _every_line(brief: Brief) -> Sequence[Line]:
    lines: list[Line] = []
    for resolved in brief.resolved:
        lines += [resolved.line, *resolved.freed, *resolved.blocked]
    for _, changed in brief.by_pledger.values():
        lines += changed
    return [*lines, *brief.new, *brief.withdrawn, *brief.overdue]
