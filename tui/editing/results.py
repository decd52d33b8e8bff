"""What the editing dialogs return to the screen that opened them, once the ledger committed."""

from __future__ import annotations

from dataclasses import dataclass

from db.api_types import BatchSummary, Impact
from db.vocab import RecordRef, RecordType


@dataclass(frozen=True, slots=True)
class Saved:
    """A form saved a record: created it, or saved an edit."""

    record_type: RecordType
    key: str
    created: bool
    summary: BatchSummary
    #: For a condition resolved from its form: the impact the analyst confirmed.
    impact: Impact | None = None

    @property
    def message(self) -> str:
        if not self.summary.entries:
            return f"Nothing to save: {self.record_type} {self.key} is as stored"
        return f"{'Created' if self.created else 'Saved'} {self.record_type} {self.key}"


@dataclass(frozen=True, slots=True)
class StatusChanged:
    record_type: RecordType
    key: str
    status: str
    effective: str | None
    summary: BatchSummary
    #: For a condition resolved (met, failed, waived): what it did to the pledges.
    impact: Impact | None = None

    @property
    def message(self) -> str:
        since = f" from {self.effective}" if self.effective else ""
        return f"Saved: {self.record_type} {self.key} is now {self.status}{since}"


@dataclass(frozen=True, slots=True)
class Deleted:
    record_type: RecordType
    key: str
    summary: BatchSummary

    @property
    def message(self) -> str:
        return f"Deleted {self.record_type} {self.key} (u undoes it)"


@dataclass(frozen=True, slots=True)
class Picked:
    """What a picker returns: the values chosen, and any records created from it."""

    values: tuple[str, ...]
    #: (record type, key) of records created on the way; the form adds them to its lists.
    created: tuple[RecordRef, ...] = ()
