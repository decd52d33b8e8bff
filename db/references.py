"""Which records refer to which: one table of the references between record types, and what
the ledger asks of it (do the records a record names exist; which records name this one).

A reference is stored as its record's store keeps the field (:mod:`db.store`): a column that
holds the other record's key (a pledge's ``pledger``), a link table (its ``conditions``), or,
for ``supersedes``, a column that holds the other record's id. References are checked before a
write, so that the error names the missing key and the nearest existing one; a record that
others refer to is not deleted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

from sqlalchemy import Column, Connection, Select, select

from . import tables as m
from .errors import CycleError, UnknownReferenceError
from .record_types import KINDS
from .store import State, chunks
from .vocab import RecordType

#: Above this many keys, "did you mean" hints are not computed (difflib is quadratic-ish).
HINT_LIMIT = 20_000


@dataclass(frozen=True, slots=True)
class Reference:
    """A field of records of type ``referrer`` that names records of type ``target``."""

    referrer: RecordType
    field: str
    target: RecordType
    #: The column of the referrer's table holding the target's id, for a reference that is
    #: neither a column holding the key nor a link table of the store.
    id_column: str | None = None


#: Every reference between records. A record's references are checked in this order, and
#: the records that refer to one are listed in it.
REFERENCES: Final = (
    Reference("pledge", "pledger", "actor"),
    Reference("pledge", "beneficiary", "actor"),
    Reference("pledge", "conditions", "condition"),
    Reference("pledge", "sources", "source"),
    Reference("pledge", "supersedes", "pledge", id_column="supersedes_id"),
    Reference("condition", "responsible", "actor"),
    Reference("condition", "sources", "source"),
    Reference("actor", "affiliation", "actor"),
    Reference("actor", "members", "actor"),
)


@cache
def references_of(record_type: RecordType) -> tuple[Reference, ...]:
    """The fields by which a record of this type names others."""
    return tuple(r for r in REFERENCES if r.referrer == record_type)


@cache
def references_to(record_type: RecordType) -> tuple[Reference, ...]:
    """The fields by which records name one of this type."""
    return tuple(r for r in REFERENCES if r.target == record_type)


def named(state: State, reference: Reference) -> list[str]:
    """The keys a record's state names in the field of ``reference``."""
    value = state.get(reference.field)
    return list(value) if isinstance(value, list) else [value] if value else []


def _key_column(record_type: RecordType) -> Column[Any]:
    store = KINDS[record_type].store
    return store.table.c[store.key_column]


def referring(reference: Reference, keys: Sequence[str], *columns: str) -> Select[Any]:
    """``(target key, referrer key, *columns)`` of the records referring to these keys by
    ``reference`` (``columns``: more of the referrer's own), ordered by the referrer."""
    store, target = KINDS[reference.referrer].store, KINDS[reference.target].store
    owner = store.table
    link = next((link for link in store.links if link.field == reference.field), None)
    statement: Select[Any]
    if link is not None:
        links = link.table
        statement = select().select_from(links).join(owner, owner.c.id == links.c[link.owner])
        if link.target is None:  # the link holds the key itself
            target_key = links.c[link.value]
        else:
            statement = statement.join(target.table, target.table.c.id == links.c[link.value])
            target_key = target.table.c[target.key_column]
    elif reference.id_column is not None:
        referred = target.table.alias("referred")
        statement = select().select_from(owner)
        statement = statement.join(referred, referred.c.id == owner.c[reference.id_column])
        target_key = referred.c[target.key_column]
    else:  # a column holding the key
        statement, target_key = select().select_from(owner), owner.c[reference.field]
    owner_key = owner.c[store.key_column]
    statement = statement.add_columns(target_key, owner_key, *(owner.c[c] for c in columns))
    return statement.where(target_key.in_(list(keys))).order_by(owner_key)


def referrers(
    connection: Connection, record_type: RecordType, keys: Sequence[str]
) -> dict[str, list[tuple[str, str]]]:
    """For each key, the records that refer to it, as ``(record type, key)``."""
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for reference in references_to(record_type):
        for target, referrer in connection.execute(referring(reference, keys)):
            if (reference.referrer, referrer) not in found[target]:
                found[target].append((reference.referrer, referrer))
    return found


def refers(record_type: RecordType, state: State | None, target_type: str, key: str) -> bool:
    """Whether a record of ``record_type`` in ``state`` (None: deleted) names that record."""
    if state is None:
        return False
    return any(
        key in named(state, r) for r in references_of(record_type) if r.target == target_type
    )


def existing(connection: Connection, record_type: RecordType, keys: Sequence[str]) -> set[str]:
    """Which of these keys name records of this type."""
    column = _key_column(record_type)
    found: set[str] = set()
    for part in chunks(sorted(set(keys))):
        found.update(connection.execute(select(column).where(column.in_(list(part)))).scalars())
    return found


def known_keys(connection: Connection, record_type: RecordType) -> list[str]:
    """The keys of this type, for "did you mean" hints; none if there are too many."""
    column = _key_column(record_type)
    keys = connection.execute(select(column).limit(HINT_LIMIT + 1)).scalars().all()
    return [] if len(keys) > HINT_LIMIT else list(keys)


def check_references(
    connection: Connection,
    record_type: RecordType,
    key: str,
    state: State,
    pending: dict[RecordType, set[str]] | None = None,
) -> None:
    """Raise :class:`UnknownReferenceError` for the first reference that resolves nowhere.

    ``pending`` holds keys created in the same batch (by type), which count as existing.
    """
    for reference in references_of(record_type):
        values = named(state, reference)
        if not values:
            continue
        target = reference.target
        found = existing(connection, target, values) | (pending or {}).get(target, set())
        for item in values:
            if item not in found:
                raise UnknownReferenceError(
                    record_type, key, reference.field, item, target, known_keys(connection, target)
                )


def check_source(
    connection: Connection, source: str | None, record_type: RecordType, key: str
) -> None:
    """Raise :class:`UnknownReferenceError` if the evidence ``source`` does not exist."""
    if source and not existing(connection, "source", [source]):
        raise UnknownReferenceError(
            record_type, key, "source", source, "source", known_keys(connection, "source")
        )


def check_supersedes_cycle(connection: Connection, key: str, supersedes: str | None) -> None:
    """Refuse a ``supersedes`` link that would make a pledge (indirectly) replace itself: the
    chain from ``supersedes`` back, read in one query, must not reach ``key``."""
    if not supersedes:
        return
    replaces = supersedes_closure(connection, [supersedes])
    chain = [key, supersedes]
    current: str | None = supersedes
    while current is not None and current in replaces:
        current = replaces.pop(current)  # popped: a cycle another tool stored ends the walk
        if current is not None:
            chain.append(current)
            if current == key:
                raise CycleError(chain)


def supersedes_closure(connection: Connection, keys: Sequence[str]) -> dict[str, str | None]:
    """Each of these pledges, and every pledge they replace through ``supersedes`` however far
    back, mapped to the key of the pledge it replaces (None at the start of a chain).

    One recursive query per 500 keys, whatever the chains' lengths (an import checking a new
    pledge on top of a chain of 20,000 asks once, not once a link). ``UNION`` stops at a pledge
    already reached, so even a cycle another tool wrote into the file ends.
    """
    P = m.pledges.c
    older = m.pledges.alias("older")
    found: dict[str, str | None] = {}
    for start in range(0, len(keys), 500):
        chain = (
            select(P.id, P.key, P.supersedes_id)
            .where(P.key.in_(keys[start : start + 500]))
            .cte("chain", recursive=True)
        )
        step = m.pledges.alias("step")
        chain = chain.union(
            select(step.c.id, step.c.key, step.c.supersedes_id).join(
                chain, step.c.id == chain.c.supersedes_id
            )
        )
        rows = connection.execute(
            select(chain.c.key, older.c.key).outerjoin(older, older.c.id == chain.c.supersedes_id)
        )
        found.update((key, replaced) for key, replaced in rows)
    return found
