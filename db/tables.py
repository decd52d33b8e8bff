"""The ledger's tables (SQLAlchemy 2 ORM declarations).

Records refer to actors by their immutable code (so sorting and filtering by pledger needs no
join) and to each other by internal integer ids, which never leave the database. Every
editable record has a ``version`` for optimistic concurrency. Link tables keep a ``position`` so
lists come back in the order the analyst wrote them. The change log and its batches are
append-only: nothing in the code updates or deletes their rows.

Schema changes are made by Alembic migrations in ``db/migrations``; a test proves that these
declarations and the migrations agree.
"""

from __future__ import annotations

from functools import partial
from typing import cast

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, MetaData, String, Table, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


#: A reference to another record. Checked when the transaction commits, so one batch (an import,
#: an undo) may write records in any order; the service checks references first anyway, to name
#: the missing one in its message.
Reference = partial(ForeignKey, deferrable=True, initially="DEFERRED")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Actor(Base):
    __tablename__ = "actors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    affiliation: Mapped[str | None] = mapped_column(String(16), Reference("actors.code"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[str] = mapped_column(String(32))


class ActorAlias(Base):
    __tablename__ = "actor_aliases"

    actor_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    alias: Mapped[str] = mapped_column(String(200), index=True)


class CoalitionMember(Base):
    __tablename__ = "coalition_members"

    coalition_id: Mapped[int] = mapped_column(
        ForeignKey("actors.id", ondelete="CASCADE"), primary_key=True
    )
    member: Mapped[str] = mapped_column(
        String(16), Reference("actors.code"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer)


class Source(Base):
    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    publisher: Mapped[str | None] = mapped_column(String(300))
    url: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(String(10))
    excerpt: Mapped[str | None] = mapped_column(Text)
    #: The NATO Admiralty code: the source's reliability (A-F) and its information's
    #: credibility (1-6), each optional (migration 0005 added the credibility).
    reliability: Mapped[str | None] = mapped_column(String(1))
    credibility: Mapped[str | None] = mapped_column(String(1))
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[str] = mapped_column(String(32))


class Condition(Base):
    __tablename__ = "conditions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), index=True)
    responsible: Mapped[str | None] = mapped_column(
        String(16), Reference("actors.code"), index=True
    )
    resolved: Mapped[str | None] = mapped_column(String(10))
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[str] = mapped_column(String(32))


class ConditionSource(Base):
    __tablename__ = "condition_sources"

    condition_id: Mapped[int] = mapped_column(
        ForeignKey("conditions.id", ondelete="CASCADE"), primary_key=True
    )
    source_id: Mapped[int] = mapped_column(Reference("sources.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer)


class Pledge(Base):
    """A commitment. ``*_lo``/``*_hi`` hold the interval a partial date stands for (for range
    filters); ``conditions_*`` summarise its conditions' statuses (for flags and sorting) and
    are kept up to date by every write that touches conditions."""

    __tablename__ = "pledges"
    __table_args__ = (
        CheckConstraint("conditions_state BETWEEN 0 AND 3", name="conditions_state"),
        Index(None, "pledger", "id"),
        Index(None, "beneficiary", "id"),
        Index(None, "title", "id"),
        Index(None, "category", "id"),
        Index(None, "status", "id"),
        Index(None, "conditions_state", "id"),
        Index(None, "announced", "id"),
        Index(None, "due", "id"),
        Index(None, "due_hi", "status"),
        Index(None, "updated_at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str | None] = mapped_column(Text)
    pledger: Mapped[str] = mapped_column(String(16), Reference("actors.code"))
    beneficiary: Mapped[str | None] = mapped_column(String(16), Reference("actors.code"))
    category: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    announced: Mapped[str | None] = mapped_column(String(10))
    announced_lo: Mapped[str | None] = mapped_column(String(10))
    announced_hi: Mapped[str | None] = mapped_column(String(10))
    due: Mapped[str | None] = mapped_column(String(10))
    due_lo: Mapped[str | None] = mapped_column(String(10))
    due_hi: Mapped[str | None] = mapped_column(String(10))
    # Decimals are kept as their canonical text: exact on every database, round-trips unchanged.
    amount: Mapped[str | None] = mapped_column(String(64))
    delivered: Mapped[str | None] = mapped_column(String(64))
    unit: Mapped[str | None] = mapped_column(String(32))
    confidence: Mapped[str] = mapped_column(String(16))
    supersedes_id: Mapped[int | None] = mapped_column(Reference("pledges.id"), index=True)
    notes: Mapped[str | None] = mapped_column(Text)
    #: What else a pledge is found by in a text search: its tags, and the names, aliases and
    #: codes of its pledger and beneficiary (kept up to date by the store, indexed with the text).
    search_extra: Mapped[str | None] = mapped_column(Text)
    conditions_total: Mapped[int] = mapped_column(Integer, default=0)
    conditions_open: Mapped[int] = mapped_column(Integer, default=0)
    conditions_failed: Mapped[int] = mapped_column(Integer, default=0)
    #: 0 no conditions, 1 all resolved, 2 conditional, 3 blocked: one sortable column.
    conditions_state: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[str] = mapped_column(String(32))


class PledgeCondition(Base):
    __tablename__ = "pledge_conditions"

    pledge_id: Mapped[int] = mapped_column(
        ForeignKey("pledges.id", ondelete="CASCADE"), primary_key=True
    )
    condition_id: Mapped[int] = mapped_column(Reference("conditions.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index(None, "condition_id", "pledge_id"),)


class PledgeSource(Base):
    __tablename__ = "pledge_sources"

    pledge_id: Mapped[int] = mapped_column(
        ForeignKey("pledges.id", ondelete="CASCADE"), primary_key=True
    )
    source_id: Mapped[int] = mapped_column(Reference("sources.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index(None, "source_id", "pledge_id"),)


class PledgeTag(Base):
    __tablename__ = "pledge_tags"

    pledge_id: Mapped[int] = mapped_column(
        ForeignKey("pledges.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index(None, "tag", "pledge_id"),)


class Batch(Base):
    """One user command's worth of change-log entries (one form save, one import, one undo)."""

    __tablename__ = "batches"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recorded_at: Mapped[str] = mapped_column(String(32))
    author: Mapped[str] = mapped_column(String(200), index=True)
    #: ``change``, ``import``, ``undo`` or ``redo``.
    kind: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(Text)
    #: For ``undo`` and ``redo``: the batch it reverts or re-applies.
    target_id: Mapped[int | None] = mapped_column(Reference("batches.id"))


class ChangeLogEntry(Base):
    """One record's change within a batch: which fields went from what to what."""

    __tablename__ = "change_log"
    __table_args__ = (
        Index(None, "record_type", "record_key", "id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(Reference("batches.id"), index=True)
    recorded_at: Mapped[str] = mapped_column(String(32))
    author: Mapped[str] = mapped_column(String(200))
    record_type: Mapped[str] = mapped_column(String(16))
    record_key: Mapped[str] = mapped_column(String(64))
    #: ``create``, ``update``, ``status``, ``link``, ``unlink`` or ``delete``.
    action: Mapped[str] = mapped_column(String(16))
    #: JSON object ``{field: [old, new]}``.
    changes: Mapped[str] = mapped_column(Text)
    #: When it happened in the world (partial date), and the first day of that interval.
    effective: Mapped[str | None] = mapped_column(String(10))
    effective_lo: Mapped[str] = mapped_column(String(10), index=True)
    note: Mapped[str | None] = mapped_column(Text)
    source_key: Mapped[str | None] = mapped_column(String(64), index=True)


class RecordState(Base):
    """A record's fields over a period of both time axes: held in the world from
    ``valid_from`` until before ``valid_to``, as the ledger recorded it from ``recorded_from``
    until before ``recorded_to`` (see :mod:`db.record_states`, which keeps it from the log)."""

    __tablename__ = "record_states"
    __table_args__ = (
        Index(None, "record_type", "record_key"),
        Index(None, "record_type", "recorded_to", "valid_from"),
        Index(None, "record_type", "recorded_to", "valid_to"),
        # The orders the pledge list is read in, as of a past date (see db.past); a row's id
        # comes last in each, as the list's tie-break.
        Index(None, "record_type", "status"),
        Index(None, "record_type", "pledger"),
        Index(None, "record_type", "category"),
        Index(None, "record_type", "announced"),
        Index(None, "record_type", "due"),
        # Counts and facets as of a date, read from this index alone (no row of a
        # million-pledge ledger is read to count it): in the order of what they count by, so
        # that grouping needs no sort, with which rows hold then tested on each entry.
        Index(
            None,
            "record_type",
            "status",
            "pledger",
            "category",
            "valid_from",
            "valid_to",
            "recorded_from",
            "recorded_to",
        ),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_type: Mapped[str] = mapped_column(String(16))
    record_key: Mapped[str] = mapped_column(String(64))
    valid_from: Mapped[str] = mapped_column(String(10))
    valid_to: Mapped[str] = mapped_column(String(10))
    recorded_from: Mapped[str] = mapped_column(String(32))
    recorded_to: Mapped[str] = mapped_column(String(32))
    #: The record's fields as a JSON object (the fixture format's fields, history excluded).
    state: Mapped[str] = mapped_column(Text)
    #: For pledges and conditions: the status then, and the date of the change that set it as
    #: it was given (a partial date says the status is known only to that precision).
    status: Mapped[str | None] = mapped_column(String(16))
    status_since: Mapped[str | None] = mapped_column(String(10))
    #: What the pledge list filters, sorts and searches, as columns (a title for conditions
    #: and sources too): the pledges table's own columns, of the state then (see db.past).
    title: Mapped[str | None] = mapped_column(String(300))
    text: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    search_extra: Mapped[str | None] = mapped_column(Text)
    pledger: Mapped[str | None] = mapped_column(String(16))
    beneficiary: Mapped[str | None] = mapped_column(String(16))
    category: Mapped[str | None] = mapped_column(String(64))
    announced: Mapped[str | None] = mapped_column(String(10))
    announced_lo: Mapped[str | None] = mapped_column(String(10))
    announced_hi: Mapped[str | None] = mapped_column(String(10))
    due: Mapped[str | None] = mapped_column(String(10))
    due_lo: Mapped[str | None] = mapped_column(String(10))
    due_hi: Mapped[str | None] = mapped_column(String(10))
    amount: Mapped[str | None] = mapped_column(String(64))
    delivered: Mapped[str | None] = mapped_column(String(64))
    unit: Mapped[str | None] = mapped_column(String(32))
    confidence: Mapped[str | None] = mapped_column(String(16))
    #: The key of the pledge it supersedes.
    supersedes: Mapped[str | None] = mapped_column(String(64))


class RecordStateLink(Base):
    """A link of a row of ``record_states``: a tag of a pledge then, or a condition it hung on
    then (by key), with the row's periods, so that the pledges with a tag or a condition as of
    a date, and how many each condition held, are read from an index instead of from every
    row's fields (see :mod:`db.past`)."""

    __tablename__ = "record_state_links"
    __table_args__ = (
        Index(
            None,
            "kind",
            "value",
            "valid_from",
            "valid_to",
            "recorded_from",
            "recorded_to",
            "state_id",
        ),
        # Stored in the order of the rows they belong to: a row's links are read together.
        {"sqlite_with_rowid": False},
    )

    #: The row of ``record_states`` (no foreign key: both are rebuilt together, from the log).
    state_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    #: ``tag`` or ``condition``.
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    #: In the key, so that a row's links to some values are found by the key alone.
    value: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: Its place in the record's list.
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    valid_from: Mapped[str] = mapped_column(String(10))
    valid_to: Mapped[str] = mapped_column(String(10))
    recorded_from: Mapped[str] = mapped_column(String(32))
    recorded_to: Mapped[str] = mapped_column(String(32))


def _table(model: type[Base]) -> Table:
    return cast(Table, model.__table__)


# The tables, typed as Core tables, for the SQL-expression code in the rest of db/.
actors = _table(Actor)
actor_aliases = _table(ActorAlias)
coalition_members = _table(CoalitionMember)
sources = _table(Source)
conditions = _table(Condition)
condition_sources = _table(ConditionSource)
pledges = _table(Pledge)
pledge_conditions = _table(PledgeCondition)
pledge_sources = _table(PledgeSource)
pledge_tags = _table(PledgeTag)
batches = _table(Batch)
change_log = _table(ChangeLogEntry)
record_states = _table(RecordState)
record_state_links = _table(RecordStateLink)

#: The tables' columns by short name, for the SQL expressions of the rest of db/ (``P.key``,
#: ``PC.condition_id``): a letter for a table of records, two for a table of links.
A, AL, CM = actors.c, actor_aliases.c, coalition_members.c
S, C, CS = sources.c, conditions.c, condition_sources.c
P, PC, PS, PT = pledges.c, pledge_conditions.c, pledge_sources.c, pledge_tags.c
