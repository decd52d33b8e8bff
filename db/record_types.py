"""The four kinds of record the ledger keeps, and what each is made of, in one table.

Code that needs to know something about a record type looks it up here instead of branching on
its name: the schema that validates it, the store that reads and writes its rows, the field
that holds its key, the section of a fixture file that lists it, and the words its status can
take (pledges and conditions have a status; actors and sources do not).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from . import vocab
from .schemas import Record
from .store import ActorStore, ConditionStore, PledgeStore, SourceStore, Store
from .vocab import RECORD_TYPES, RecordType, is_record_type

__all__ = [
    "BY_SECTION",
    "KINDS",
    "RECORD_TYPES",
    "SECTIONS",
    "WITH_STATUS",
    "RecordKind",
    "RecordType",
    "is_record_type",
]


@dataclass(frozen=True, slots=True)
class RecordKind:
    name: RecordType
    #: The fixture file's list of them, and their name in the plural: ``pledges``.
    section: str
    store: Store
    #: The words its status can take, each with its meaning; empty when it has no status.
    statuses: dict[str, str]

    @property
    def schema(self) -> type[Record]:
        return self.store.schema

    @property
    def key_field(self) -> str:
        """The field that holds its key: ``code`` for actors, ``key`` for the others."""
        return self.store.key_column

    @property
    def has_status(self) -> bool:
        return bool(self.statuses)


KINDS: Final[dict[RecordType, RecordKind]] = {
    kind.name: kind
    for kind in (
        RecordKind("actor", "actors", ActorStore(), {}),
        RecordKind("source", "sources", SourceStore(), {}),
        RecordKind("condition", "conditions", ConditionStore(), vocab.CONDITION_STATUSES),
        RecordKind("pledge", "pledges", PledgeStore(), vocab.PLEDGE_STATUSES),
    )
}
assert tuple(KINDS) == RECORD_TYPES, "the table lists every record type, in write order"

#: The record types that have a status (and so a status history).
WITH_STATUS: Final[tuple[RecordType, ...]] = tuple(t for t, k in KINDS.items() if k.has_status)

#: The sections of a fixture file, in the order they are written and checked.
SECTIONS: Final[tuple[str, ...]] = tuple(kind.section for kind in KINDS.values())
#: Section -> the kind of record it lists.
BY_SECTION: Final[dict[str, RecordKind]] = {kind.section: kind for kind in KINDS.values()}
