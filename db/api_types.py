"""The types of the service API (:class:`db.ledger.Ledger`): what its calls take (a sort, a
cursor) and return. Plain data objects, never ORM instances, never bound to a session.

They are frozen dataclasses, cheap to build by the hundred for every page of the pledge table
and safe to hand from a worker thread to the UI.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from . import schemas, vocab
from .dates import lower_bound
from .vocab import RecordRef, RecordType

SortColumn = vocab.SortColumn
SORT_COLUMNS = vocab.SORT_COLUMNS


@dataclass(frozen=True, slots=True)
class Sort:
    column: SortColumn = "key"
    descending: bool = False

    @classmethod
    def by(cls, column: str, descending: bool = False) -> Sort:
        """The sort by a column named in text (a header clicked, a CLI option): ValueError
        when the pledge list cannot be sorted by it."""
        if not vocab.is_sort_column(column):
            known = ", ".join(SORT_COLUMNS)
            raise ValueError(
                f"the pledge list cannot be sorted by {column!r}; it can be by {known}"
            )
        return cls(column, descending)

    def next_column(self) -> Sort:
        index = SORT_COLUMNS.index(self.column)
        return Sort(SORT_COLUMNS[(index + 1) % len(SORT_COLUMNS)], self.descending)

    def reversed(self) -> Sort:
        return Sort(self.column, not self.descending)


@dataclass(frozen=True, slots=True)
class Cursor:
    """An opaque position in a sorted pledge list (the sort value and a tie-breaker)."""

    value: Any
    tiebreak: int


@dataclass(frozen=True, slots=True)
class ConditionSummary:
    total: int = 0
    open: int = 0
    failed: int = 0

    @property
    def label(self) -> str:
        """``blocked``, ``2 pending``, ``met`` or empty: what the pledge table shows."""
        if self.failed:
            return "blocked" if self.failed == 1 else f"blocked ({self.failed})"
        if self.open:
            return f"{self.open} pending"
        if self.total:
            return "met"
        return ""


@dataclass(frozen=True, slots=True)
class PledgeRow:
    """One line of the pledge table."""

    key: str
    title: str
    pledger: str
    beneficiary: str | None
    category: str | None
    status: str
    announced: str | None
    due: str | None
    conditions: ConditionSummary
    overdue: bool
    updated_at: str
    cursor: Cursor
    #: Read as of a past date: ``month`` or ``year`` when the date the status was set is known
    #: less precisely than the date read (a status of ``2025-09`` read as of 2025-09-10 may
    #: have come after it), else None.
    status_known_to: str | None = None

    @property
    def is_open(self) -> bool:
        """Not delivered, withdrawn, broken or superseded: only an open pledge has flags."""
        return vocab.is_open_pledge(self.status)

    @property
    def conditional(self) -> bool:
        return self.is_open and self.conditions.open > 0

    @property
    def blocked(self) -> bool:
        return self.is_open and self.conditions.failed > 0


@dataclass(frozen=True, slots=True)
class Page:
    rows: list[PledgeRow]
    #: True when more rows follow the last one in this direction.
    more: bool


@dataclass(frozen=True, slots=True)
class RowsAround:
    """A pledge in a listing with its neighbours in display order (see
    :meth:`db.ledger.Ledger.pledges_around`)."""

    above: tuple[PledgeRow, ...]
    row: PledgeRow
    below: tuple[PledgeRow, ...]

    @property
    def rows(self) -> list[PledgeRow]:
        """All of them, in display order."""
        return [*self.above, self.row, *self.below]


@dataclass(frozen=True, slots=True)
class PledgeWindow:
    """What one repaint of the pledge table shows, read from one snapshot of the ledger (see
    :meth:`db.ledger.Ledger.pledge_window`)."""

    #: Pages of :data:`db.window.PAGE_SIZE` rows by index: those in view, and the cursor's.
    pages: dict[int, Sequence[PledgeRow]]
    #: The cursor's index in the listing, and its row on screen (0 at the top).
    cursor: int
    screen_row: int
    #: How many pledges the listing holds, when counting was asked for.
    total: int | None
    #: Where the pledge asked for is in the listing; None when it is left out (or none was).
    position: int | None
    #: The ledger's revision the window was read at.
    revision: int


@dataclass(frozen=True, slots=True)
class FacetValue:
    value: str
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class Facets:
    status: list[FacetValue]
    pledger: list[FacetValue]
    category: list[FacetValue]
    condition: list[FacetValue]


@dataclass(frozen=True, slots=True)
class ChangeEntry:
    """One entry of the change log."""

    batch: int
    recorded_at: str
    author: str
    record_type: RecordType
    record_key: str
    action: str
    changes: dict[str, tuple[Any, Any]]
    effective: str | None
    note: str | None
    source: str | None
    batch_label: str = ""
    batch_kind: str = "change"
    #: An undo reverted this entry's record in its batch: it is not evidence any more.
    undone: bool = False
    #: For an undo's or a redo's entry: the batch it reverts or re-applies.
    target: int | None = None

    @property
    def stands(self) -> bool:
        """The entry counts in the record's history: neither undone nor an undo's own."""
        return not self.undone and self.batch_kind != "undo"

    @property
    def took_effect(self) -> str:
        """The first day it took effect in the world (its recording day if it has no date)."""
        return lower_bound(self.effective or self.recorded_at[:10]) or ""

    @property
    def effective_order(self) -> tuple[str, str]:
        """Where it stands in a timeline: when it took effect, then when it was recorded."""
        return (self.took_effect, self.recorded_at)


@dataclass(frozen=True, slots=True)
class BatchSummary:
    """What one command changed: shown after save, import, undo and redo."""

    batch: int
    kind: str
    label: str
    author: str
    recorded_at: str
    entries: int
    records: list[RecordRef]
    #: Undo and redo: what the ledger now holds, one line per record reverted (a few).
    outcome: tuple[str, ...] = ()
    #: Undo in part: the records left as they were, each with why (``pledge 'p': ...``).
    kept: tuple[str, ...] = ()
    #: Undo that skipped batches it could not undo: each one's label and why.
    skipped: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Brief:
    """A record named in a list: its type, key, title and status."""

    record_type: RecordType
    key: str
    title: str
    status: str | None = None


@dataclass(frozen=True, slots=True)
class PledgeDetail:
    pledge: schemas.Pledge
    version: int
    updated_at: str
    pledger_name: str
    beneficiary_name: str | None
    conditions: list[Brief]
    sources: list[schemas.Source]
    #: Older pledges this one replaces, nearest first.
    supersedes_chain: list[Brief]
    #: Newer pledges that replace this one, nearest first.
    superseded_by: list[Brief]
    history: list[ChangeEntry]
    summary: ConditionSummary
    overdue: bool
    #: When the current status took effect (partial date), if the log says.
    status_since: str | None = None

    @property
    def is_open(self) -> bool:
        """Not delivered, withdrawn, broken or superseded: only an open pledge has flags."""
        return vocab.is_open_pledge(self.pledge.status)

    @property
    def conditional(self) -> bool:
        return self.is_open and self.summary.open > 0

    @property
    def blocked(self) -> bool:
        return self.is_open and self.summary.failed > 0


@dataclass(frozen=True, slots=True)
class ConditionRow:
    key: str
    title: str
    status: str
    responsible: str | None
    resolved: str | None
    dependents: int
    version: int


@dataclass(frozen=True, slots=True)
class ConditionDetail:
    condition: schemas.Condition
    version: int
    updated_at: str
    responsible_name: str | None
    sources: list[schemas.Source]
    #: Open dependent pledges whose only open or failed conditions are this one.
    hinges_on_this: list[Brief]
    #: Open dependent pledges held back by other conditions too.
    also_held_by_others: list[Brief]
    #: Open dependent pledges with no open or failed condition.
    unconditional: list[Brief]
    history: list[ChangeEntry]
    #: When the current status took effect (partial date), if the log says.
    status_since: str | None = None
    #: How many pledges each group holds (the lists may stop at a limit).
    group_sizes: dict[str, int] = field(default_factory=dict)
    #: Closed dependent pledges (delivered, withdrawn, broken, superseded): nothing holds
    #: them back any more, whatever the condition's status.
    closed: list[Brief] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ActorRow:
    code: str
    name: str
    kind: str
    pledges_made: int
    pledges_received: int
    version: int
    #: The other names the actor goes by, in their order (what a search finds it by too).
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ActorDetail:
    actor: schemas.Actor
    version: int
    updated_at: str
    pledges_by_status: dict[str, list[Brief]]
    received: list[Brief]
    member_of: list[Brief]
    members: list[Brief]
    speakers: list[Brief]
    responsible_for: list[Brief]
    history: list[ChangeEntry]


@dataclass(frozen=True, slots=True)
class SourceRow:
    key: str
    title: str
    publisher: str | None
    published: str | None
    reliability: str | None
    citations: int
    version: int
    credibility: str | None = None

    @property
    def grading(self) -> str:
        """The Admiralty code as written: ``B2``, ``B``, or ``""``."""
        return vocab.admiralty_code(self.reliability, self.credibility)


@dataclass(frozen=True, slots=True)
class SourceDetail:
    source: schemas.Source
    version: int
    updated_at: str
    cited_by: list[Brief]
    evidence_for: list[ChangeEntry]
    history: list[ChangeEntry]


@dataclass(frozen=True, slots=True)
class Impact:
    """What resolving a condition to ``status`` would do to the pledges that depend on it."""

    condition: str
    current: str
    proposed: str
    becomes_unconditional: list[Brief] = field(default_factory=list)
    becomes_blocked: list[Brief] = field(default_factory=list)
    no_longer_blocked: list[Brief] = field(default_factory=list)
    becomes_conditional: list[Brief] = field(default_factory=list)
    #: Open pledges whose standing stays as it is.
    unchanged: list[Brief] = field(default_factory=list)
    #: Closed pledges that depend on it (delivered, withdrawn, broken, superseded): a closed
    #: pledge has no flags, so resolving the condition changes nothing for them.
    closed: list[Brief] = field(default_factory=list)

    @property
    def changed(self) -> list[Brief]:
        return (
            self.becomes_unconditional
            + self.becomes_blocked
            + self.no_longer_blocked
            + self.becomes_conditional
        )


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The ledger as of a date, rebuilt from the change log alone."""

    as_of: str
    #: record type -> key -> fields (the fixture format's fields).
    records: dict[RecordType, dict[str, dict[str, Any]]]
    #: As recorded then (a date or a recording time); None: as the ledger holds it now.
    known_on: str | None = None

    def pledge_status(self, key: str) -> str | None:
        record = self.records.get("pledge", {}).get(key)
        return None if record is None else record.get("status")

    def condition_status(self, key: str) -> str | None:
        record = self.records.get("condition", {}).get(key)
        return None if record is None else record.get("status")


@dataclass(frozen=True, slots=True)
class Difference:
    record_type: RecordType
    key: str
    field: str
    before: Any
    after: Any
