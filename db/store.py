"""Reading and writing whole records as *states*, in bulk.

A record's state is a plain dict of its fixture-format fields (lists included, history
excluded; decimals as text), exactly what :meth:`db.schemas.Record.state` returns. Every write
in the ledger (a form save, a status change, a link, an import of 100,000 pledges, an undo)
is expressed as a list of ``(before, after)`` states and goes through :meth:`Store.write`, so
there is one way data reaches the tables, and it is fast for one record and for many.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any, ClassVar

from sqlalchemy import Connection, Table, bindparam, delete, select, update
from sqlalchemy.sql.elements import ColumnElement

from . import dialect, vocab
from . import tables as m
from .dates import bounds
from .errors import LedgerError
from .schemas import Actor, Condition, Pledge, Record, Source
from .vocab import RecordType

State = dict[str, Any]
CHUNK = 5000


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(slots=True)
class Stored:
    """A record as it is in the database."""

    id: int
    version: int
    updated_at: str
    state: State


@dataclass(frozen=True, slots=True)
class Link:
    """A list field kept in a link table, in order."""

    field: str
    table: Table
    owner: str
    value: str
    #: For links to other records: the table and key column that resolve a key to an id.
    target: Table | None = None
    target_key: str = "key"


@dataclass(slots=True)
class Write:
    """One record's change: ``before`` None creates it, ``after`` None deletes it."""

    key: str
    before: Stored | None
    after: State | None


class Store:
    """Reads and writes one record type."""

    record_type: ClassVar[RecordType]
    schema: ClassVar[type[Record]]
    table: ClassVar[Table]
    key_column: ClassVar[str] = "key"
    #: State fields stored in same-named columns.
    scalars: ClassVar[tuple[str, ...]]
    links: ClassVar[tuple[Link, ...]] = ()

    # -- reading ----------------------------------------------------------------------------

    def load(self, connection: Connection, keys: Iterable[str] | None = None) -> dict[str, Stored]:
        """The stored records with these keys (all records when ``keys`` is None)."""
        table = self.table
        key_column = table.c[self.key_column]
        statements = (
            [select(table)]
            if keys is None
            else [
                select(table).where(key_column.in_(list(part)))
                for part in chunks(sorted(set(keys)))
            ]
        )
        stored: dict[str, Stored] = {}
        by_id: dict[int, Stored] = {}
        for statement in statements:
            for row in connection.execute(statement).mappings():
                state = {field: row[field] for field in self.scalars}
                for link in self.links:
                    state[link.field] = []
                record = Stored(row["id"], row["version"], row["updated_at"], state)
                self.complete_state(connection, row, record)
                stored[row[self.key_column]] = by_id[row["id"]] = record
        if by_id:
            self._load_links(connection, by_id, whole_table=keys is None)
        order = self.field_order()
        for record in stored.values():
            record.state = {name: record.state.get(name) for name in order}
        return stored

    @classmethod
    def field_order(cls) -> tuple[str, ...]:
        """The state's fields in the schema's order (history is the log's, not the state's)."""
        return tuple(a.alias or n for n, a in cls.schema.model_fields.items() if n != "history")

    def complete_state(self, connection: Connection, row: Any, record: Stored) -> None:
        """Fill state fields that are not plain columns (hook for subclasses)."""

    def _load_links(
        self, connection: Connection, by_id: dict[int, Stored], *, whole_table: bool
    ) -> None:
        ids = sorted(by_id)
        for link in self.links:
            table = link.table
            if link.target is None:
                value: ColumnElement[Any] = table.c[link.value]
                base = select(table.c[link.owner], value).select_from(table)
            else:
                value = link.target.c[link.target_key]
                base = select(table.c[link.owner], value).join(
                    link.target, link.target.c.id == table.c[link.value]
                )
            order = (table.c[link.owner], table.c.position)
            statements = (
                [base.order_by(*order)]
                if whole_table
                else [
                    base.where(table.c[link.owner].in_(list(part))).order_by(*order)
                    for part in chunks(ids)
                ]
            )
            for statement in statements:
                for owner, item in connection.execute(statement):
                    record = by_id.get(owner)
                    if record is not None:
                        record.state[link.field].append(item)

    def keys(self, connection: Connection) -> list[str]:
        column = self.table.c[self.key_column]
        return list(connection.execute(select(column).order_by(column)).scalars())

    # -- writing ----------------------------------------------------------------------------

    def row_values(self, state: State, context: Any = None) -> dict[str, Any]:
        """Column values for a state (subclasses add derived columns, using ``context``)."""
        return {field: state.get(field) for field in self.scalars}

    def inserting(self, connection: Connection, rows: int) -> AbstractContextManager[None]:
        """What surrounds an insert of ``rows`` new rows (hook: bulk index maintenance)."""
        return nullcontext()

    def prepare(self, connection: Connection) -> Any:
        """What :meth:`row_values` needs from the database for this write (hook)."""
        return None

    def write(self, connection: Connection, writes: Sequence[Write], now: str) -> None:
        """Apply creates, updates and deletes. References are checked at commit (deferred)."""
        context = self.prepare(connection)
        deleted = [w.before.id for w in writes if w.after is None and w.before is not None]
        for part in chunks(deleted):
            connection.execute(delete(self.table).where(self.table.c.id.in_(list(part))))

        created = [w for w in writes if w.before is None and w.after is not None]
        new_ids: dict[str, int] = {}
        if created:
            rows = [
                self.row_values(w.after, context) | {"version": 1, "updated_at": now}
                for w in created
                if w.after is not None
            ]
            # A plain executemany, then the ids read back by key: INSERT ... RETURNING with
            # sort_by_parameter_order runs one statement per row on SQLite.
            with self.inserting(connection, len(rows)):
                dialect.insert_many(connection, self.table, rows)
            key_column = self.table.c[self.key_column]
            for part in chunks([w.key for w in created]):
                statement = select(key_column, self.table.c.id).where(key_column.in_(list(part)))
                new_ids.update((key, id_) for key, id_ in connection.execute(statement))

        updated = [w for w in writes if w.before is not None and w.after is not None]
        self._update_scalars(connection, updated, now, context)

        link_owners: dict[str, list[tuple[int, list[Any]]]] = defaultdict(list)
        for w in created:
            assert w.after is not None
            for link in self.links:
                link_owners[link.field].append((new_ids[w.key], w.after.get(link.field) or []))
        for w in updated:
            assert w.before is not None and w.after is not None
            for link in self.links:
                if w.before.state.get(link.field) != w.after.get(link.field):
                    link_owners[link.field].append((w.before.id, w.after.get(link.field) or []))
        created_ids = set(new_ids.values())
        for link in self.links:
            if link_owners[link.field]:
                self._write_links(
                    connection,
                    link,
                    link_owners[link.field],
                    replace=[o for o, _ in link_owners[link.field] if o not in created_ids],
                )
        self.after_write(connection, writes, new_ids, now)

    def _update_scalars(
        self, connection: Connection, updated: Sequence[Write], now: str, context: Any
    ) -> None:
        # Group rows by the set of columns that changed, so each group is one executemany and
        # untouched columns (and the triggers watching them) stay untouched.
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
        for w in updated:
            assert w.before is not None and w.after is not None
            old = self.row_values(w.before.state, context)
            new = self.row_values(w.after, context)
            changed = tuple(sorted(c for c in new if new[c] != old.get(c)))
            lists_changed = any(
                w.before.state.get(link.field) != w.after.get(link.field) for link in self.links
            )
            if changed or lists_changed:
                groups[changed].append({"_id": w.before.id, **{c: new[c] for c in changed}})
        for columns, rows in groups.items():
            statement = (
                update(self.table)
                .where(self.table.c.id == bindparam("_id"))
                .values(
                    version=self.table.c.version + 1,
                    updated_at=now,
                    **{c: bindparam(c) for c in columns},
                )
            )
            connection.execute(statement, rows)

    def _write_links(
        self,
        connection: Connection,
        link: Link,
        owners: list[tuple[int, list[Any]]],
        replace: list[int],
    ) -> None:
        table = link.table
        for part in chunks(replace):
            connection.execute(delete(table).where(table.c[link.owner].in_(list(part))))
        resolve: dict[Any, int] = {}
        if link.target is not None:
            wanted = sorted({item for _, items in owners for item in items})
            for part in chunks(wanted):
                key_column = link.target.c[link.target_key]
                resolve.update(
                    connection.execute(
                        select(key_column, link.target.c.id).where(key_column.in_(list(part)))
                    ).all()
                )
        rows = []
        for owner, items in owners:
            for position, item in enumerate(items):
                if link.target is not None and item not in resolve:
                    # Checked before the write, but another process may have deleted it since.
                    raise LedgerError(
                        f"a {self.record_type}'s {link.field} name {item!r}, which no longer "
                        "exists (deleted by someone else meanwhile?); nothing was saved"
                    )
                value = item if link.target is None else resolve[item]
                rows.append({link.owner: owner, link.value: value, "position": position})
        if rows:
            dialect.insert_many(connection, table, rows)

    def after_write(
        self, connection: Connection, writes: Sequence[Write], new_ids: dict[str, int], now: str
    ) -> None:
        """Hook for derived data (subclasses)."""


class ActorStore(Store):
    """Actors. A change of name or aliases re-indexes the pledges made to or by the actor."""

    record_type = "actor"
    schema = Actor
    table = m.actors
    key_column = "code"
    scalars = ("code", "name", "kind", "affiliation")
    links = (
        Link("aliases", m.actor_aliases, "actor_id", "alias"),
        Link("members", m.coalition_members, "coalition_id", "member"),
    )

    def after_write(
        self, connection: Connection, writes: Sequence[Write], new_ids: dict[str, int], now: str
    ) -> None:
        renamed = [
            w.key
            for w in writes
            if w.before is not None
            and w.after is not None
            and (w.before.state["name"], w.before.state["aliases"])
            != (w.after["name"], w.after["aliases"])
        ]
        if renamed:
            reindex_pledges_of(connection, renamed)


class SourceStore(Store):
    record_type = "source"
    schema = Source
    table = m.sources
    scalars = (
        "key",
        "title",
        "publisher",
        "url",
        "published",
        "excerpt",
        "reliability",
        "credibility",
    )


class ConditionStore(Store):
    record_type = "condition"
    schema = Condition
    table = m.conditions
    scalars = ("key", "title", "description", "status", "responsible", "resolved")
    links = (
        Link(
            "sources",
            m.condition_sources,
            "condition_id",
            "source_id",
            m.sources,
        ),
    )

    def after_write(
        self, connection: Connection, writes: Sequence[Write], new_ids: dict[str, int], now: str
    ) -> None:
        # A condition's status decides its dependents' flags: recount them.
        changed = [
            w.before.id
            for w in writes
            if w.before is not None
            and w.after is not None
            and w.before.state["status"] != w.after["status"]
        ]
        if changed:
            PC = m.pledge_conditions.c
            dependents: set[int] = set()
            for part in chunks(changed):
                dependents.update(
                    connection.execute(
                        select(PC.pledge_id).where(PC.condition_id.in_(list(part)))
                    ).scalars()
                )
            recount_conditions(connection, sorted(dependents))


class PledgeStore(Store):
    record_type = "pledge"
    schema = Pledge
    table = m.pledges
    scalars = (
        "key",
        "title",
        "text",
        "pledger",
        "beneficiary",
        "category",
        "status",
        "announced",
        "due",
        "amount",
        "delivered",
        "unit",
        "confidence",
        "notes",
    )
    links = (
        Link(
            "conditions",
            m.pledge_conditions,
            "pledge_id",
            "condition_id",
            m.conditions,
        ),
        Link(
            "sources",
            m.pledge_sources,
            "pledge_id",
            "source_id",
            m.sources,
        ),
        Link("tags", m.pledge_tags, "pledge_id", "tag"),
    )

    def load(self, connection: Connection, keys: Iterable[str] | None = None) -> dict[str, Stored]:
        stored = super().load(connection, keys)
        # ``supersedes`` holds the old pledge's id until here; name it by its key.
        ids = sorted({s.state["supersedes"] for s in stored.values()} - {None})
        P = m.pledges.c
        names: dict[int, str] = {}
        for part in chunks(ids):
            names.update(connection.execute(select(P.id, P.key).where(P.id.in_(list(part)))).all())
        for record in stored.values():
            record.state["supersedes"] = names.get(record.state["supersedes"])
        return stored

    def complete_state(self, connection: Connection, row: Any, record: Stored) -> None:
        record.state["supersedes"] = row["supersedes_id"]

    def inserting(self, connection: Connection, rows: int) -> AbstractContextManager[None]:
        # The full-text index and facet counts of a large batch: one statement each, not per row.
        return dialect.pledges_in_bulk(connection, rows)

    def prepare(self, connection: Connection) -> PledgeContext:
        return PledgeContext(condition_statuses(connection), actor_search_names(connection))

    def row_values(self, state: State, context: Any = None) -> dict[str, Any]:
        context = context or PledgeContext({}, {})
        values = super().row_values(state)
        values["announced_lo"], values["announced_hi"] = _bounds(state.get("announced"))
        values["due_lo"], values["due_hi"] = _bounds(state.get("due"))
        values["search_extra"] = search_extra(state, context.names)
        total, open_, failed = summarise(state.get("conditions") or [], context.statuses)
        values["conditions_total"], values["conditions_open"] = total, open_
        values["conditions_failed"] = failed
        values["conditions_state"] = condition_state(total, open_, failed)
        return values

    def after_write(
        self, connection: Connection, writes: Sequence[Write], new_ids: dict[str, int], now: str
    ) -> None:
        # Supersedes: resolve keys to ids once every pledge of the batch exists.
        P = m.pledges.c
        changed = [
            w
            for w in writes
            if w.after is not None
            and (w.before.state.get("supersedes") if w.before else None)
            != w.after.get("supersedes")
        ]
        if not changed:
            return
        targets = sorted(
            {w.after["supersedes"] for w in changed if w.after and w.after.get("supersedes")}
        )
        resolve: dict[str, int] = {}
        for part in chunks(targets):
            resolve.update(
                connection.execute(select(P.key, P.id).where(P.key.in_(list(part)))).all()
            )
        rows = [
            {
                "_id": new_ids[w.key] if w.before is None else w.before.id,
                "supersedes_id": resolve[w.after["supersedes"]]
                if w.after and w.after.get("supersedes")
                else None,
            }
            for w in changed
        ]
        connection.execute(
            update(m.pledges)
            .where(P.id == bindparam("_id"))
            .values(supersedes_id=bindparam("supersedes_id")),
            rows,
        )


def _bounds(value: str | None) -> tuple[str | None, str | None]:
    return (None, None) if value is None else bounds(value)


@dataclass(frozen=True, slots=True)
class PledgeContext:
    """What computing a pledge's derived columns needs to know about other records."""

    statuses: dict[str, str]
    names: dict[str, str]


def actor_search_names(connection: Connection) -> dict[str, str]:
    """Each actor's code, name and aliases as one string, for the full-text index."""
    A, AL = m.actors.c, m.actor_aliases.c
    names = {code: f"{code} {name}" for code, name in connection.execute(select(A.code, A.name))}
    codes = dict(connection.execute(select(A.id, A.code)).all())
    for actor_id, alias in connection.execute(
        select(AL.actor_id, AL.alias).order_by(AL.actor_id, AL.position)
    ):
        code = codes[actor_id]
        names[code] = f"{names[code]} {alias}"
    return names


def search_extra(state: State, names: dict[str, str]) -> str | None:
    """The words besides its text that find a pledge: tags, pledger and beneficiary names."""
    parts = [*(state.get("tags") or [])]
    for field_name in ("pledger", "beneficiary"):
        code = state.get(field_name)
        if code:
            parts.append(names.get(code, code))
    return " ".join(parts) or None


def condition_statuses(connection: Connection) -> dict[str, str]:
    C = m.conditions.c
    return dict(connection.execute(select(C.key, C.status)).all())


def summarise(condition_keys: Iterable[str], statuses: dict[str, str]) -> tuple[int, int, int]:
    """``(total, open, failed)`` for a pledge's conditions, given each condition's status."""
    total = open_ = failed = 0
    for key in condition_keys:
        total += 1
        status = statuses.get(key)
        if status in vocab.OPEN_CONDITION_STATUSES:
            open_ += 1
        elif status in vocab.FAILED_CONDITION_STATUSES:
            failed += 1
    return total, open_, failed


def condition_state(total: int, open_: int, failed: int) -> int:
    """The sortable summary: 0 none, 1 all resolved, 2 conditional, 3 blocked."""
    if failed:
        return 3
    if open_:
        return 2
    return 1 if total else 0


def reindex_pledges_of(connection: Connection, codes: Sequence[str]) -> None:
    """Recompute the search words of pledges made by or to these actors."""
    P = m.pledges.c
    names = actor_search_names(connection)
    wanted = list(codes)
    keys = list(
        connection.execute(
            select(P.key).where((P.pledger.in_(wanted)) | (P.beneficiary.in_(wanted)))
        ).scalars()
    )
    if not keys:
        return
    stored = PledgeStore().load(connection, keys)
    rows = [{"_id": s.id, "search_extra": search_extra(s.state, names)} for s in stored.values()]
    connection.execute(
        update(m.pledges)
        .where(P.id == bindparam("_id"))
        .values(search_extra=bindparam("search_extra")),
        rows,
    )


def recount_conditions(connection: Connection, pledge_ids: Sequence[int]) -> None:
    """Recompute the condition summaries of these pledges from their links."""
    if not pledge_ids:
        return
    statuses = condition_statuses(connection)
    PC, C = m.pledge_conditions.c, m.conditions.c
    links: dict[int, list[str]] = defaultdict(list)
    for part in chunks(pledge_ids):
        for pledge_id, key in connection.execute(
            select(PC.pledge_id, C.key)
            .join(m.conditions, C.id == PC.condition_id)
            .where(PC.pledge_id.in_(list(part)))
        ):
            links[pledge_id].append(key)
    rows = []
    for pledge_id in pledge_ids:
        total, open_, failed = summarise(links.get(pledge_id, []), statuses)
        rows.append(
            {
                "_id": pledge_id,
                "conditions_total": total,
                "conditions_open": open_,
                "conditions_failed": failed,
                "conditions_state": condition_state(total, open_, failed),
            }
        )
    P = m.pledges.c
    connection.execute(
        update(m.pledges)
        .where(P.id == bindparam("_id"))
        .values(
            **{
                c: bindparam(c)
                for c in (
                    "conditions_total",
                    "conditions_open",
                    "conditions_failed",
                    "conditions_state",
                )
            }
        ),
        rows,
    )
