"""The schema a ledger at the head revision holds, read against the schema a file holds.

A ledger is trusted only with what pledges made in it: the tables and indexes of the
migrations (declared in :mod:`db.tables`, which a test keeps in step with them), and on SQLite
the full-text index and the facet counts, with the triggers that keep them exact (the DDL of
:mod:`db.sqlite.fulltext` and :mod:`db.sqlite.facet_counts`). Another tool may have added a trigger, which then runs inside pledges' own
writes (one deleted a pledge during an import), or dropped or edited one of ours, after which
the counts or the index drift without a word. Opening a ledger compares its ``sqlite_master``
with this, in one read, and refuses a difference; ``pledges check --repair`` restores ours.
"""

from __future__ import annotations

import functools
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

from . import dialect
from . import tables as m
from .sqlite import facet_counts, fulltext

#: What an object belongs to: the records (tables that hold them, their indexes), or what
#: pledges derives from them and can always make again.
Part = Literal["records", "full-text", "counts"]
Kind = Literal["foreign", "missing", "changed"]

#: How a stored object is compared with ours: its SQL, whitespace aside ("exact"); its SQL,
#: quoting, spacing and case aside ("index": SQLAlchemy writes these, and may write them a
#: little differently one day); or only that it is there ("name": tables whose DDL SQLAlchemy,
#: Alembic or FTS5 wrote, checked column by column by ``pledges check``).
Match = Literal["exact", "index", "name"]

#: How many differences a refusal names before it counts the rest.
NAMED: Final = 3
_QUOTES = re.compile(r"[\"`\[\]]")
_PUNCTUATION_SPACE = re.compile(r"\s*([(),])\s*")


@dataclass(frozen=True, slots=True)
class Expected:
    """An object a ledger at head holds, as ``sqlite_master`` lists it."""

    type: str
    name: str
    table: str
    part: Part
    match: Match
    #: The normalised SQL a stored copy must have (None when only the name is compared).
    sql: str | None
    #: The DDL that makes it again (None for tables: their records cannot be made again).
    create: str | None


@dataclass(frozen=True, slots=True)
class Difference:
    """An object of the file's schema that is not ours, or one of ours missing or changed."""

    kind: Kind
    type: str
    name: str
    table: str
    #: Ours: what it belongs to; None for a foreign object.
    part: Part | None

    @property
    def refuses(self) -> bool:
        """Whether a ledger with this difference is refused on opening. A foreign table is
        not: nothing of pledges reads or writes it, and it may hold another tool's data."""
        return not (self.kind == "foreign" and self.type == "table")

    @property
    def repairable(self) -> bool:
        """Whether ``pledges check --repair`` can undo it: everything but a table of records
        missing or changed (its records are gone) and a foreign table (it is left alone)."""
        if self.kind == "foreign":
            return self.type != "table"
        return not (self.part == "records" and self.type == "table")

    def describe(self) -> str:
        """The difference in a sentence fragment, names cut and made plain."""
        what = f"{self.type} {shown(self.name)}"
        where = f" on {shown(self.table)}" if self.type in ("trigger", "index") else ""
        if self.kind == "foreign":
            effect = {
                "trigger": "it would run inside pledges' own writes",
                "view": "pledges makes no views",
                "index": "it constrains or slows pledges' writes",
                "table": "pledges does not use it; it is left alone",
            }.get(self.type, "pledges did not make it")
            return f"a {what}{where} that pledges did not make ({effect})"
        effect = {
            "records": "its records cannot be made again; restore the ledger from a backup"
            if self.type == "table"
            else "searches and sorts on it slow down",
            "full-text": "the full-text search drifts from the pledges",
            "counts": "the facet counts drift from the pledges",
        }[self.part or "records"]
        state = "is missing" if self.kind == "missing" else "was changed"
        return f"our {what}{where} {state} ({effect})"


def shown(name: str, limit: int = 60) -> str:
    """A name read from a file, quoted, escaped (no control or bidi character reaches a
    terminal) and cut."""
    cut = name if len(name) <= limit else name[:limit]
    return repr(cut) + ("\u2026" if cut != name else "")


def normalised(sql: str) -> str:
    """SQL with every run of whitespace made one space."""
    return " ".join(sql.split())


def normalised_index(sql: str) -> str:
    """The SQL of an index, also without quotes, spaces around brackets and commas, or case."""
    return _PUNCTUATION_SPACE.sub(r"\1", normalised(_QUOTES.sub("", sql))).lower()


@functools.cache
def expected() -> dict[tuple[str, str], Expected]:
    """What ``sqlite_master`` lists in a ledger at head, by ``(type, name)``."""
    objects: list[Expected] = [
        Expected("table", "alembic_version", "alembic_version", "records", "name", None, None)
    ]
    for table in m.Base.metadata.tables.values():
        objects.append(Expected("table", table.name, table.name, "records", "name", None, None))
        for index in table.indexes:
            assert isinstance(index.name, str)
            columns = ", ".join(c.name for c in index.columns)
            unique = "UNIQUE " if index.unique else ""
            ddl = f"CREATE {unique}INDEX {index.name} ON {table.name} ({columns})"
            objects.append(
                Expected(
                    "index", index.name, table.name, "records", "index", normalised_index(ddl), ddl
                )
            )
    # What pledges derives from the records, by raw DDL: the tables, then their triggers.
    derived: list[tuple[Part, str, str, dict[str, str]]] = [
        ("full-text", fulltext.TABLE, fulltext.table_ddl(), fulltext.triggers()),
        ("full-text", fulltext.PAST_TABLE, fulltext.past_table_ddl(), fulltext.past_triggers()),
        ("counts", facet_counts.TABLE, facet_counts.table_ddl(), facet_counts.triggers()),
    ]
    for part, name, ddl, _ in derived:
        objects.append(Expected("table", name, name, part, "exact", normalised(ddl), ddl))
        shadows = {fulltext.TABLE: fulltext.SHADOW_TABLES}
        shadows[fulltext.PAST_TABLE] = fulltext.PAST_SHADOW_TABLES
        objects += [
            Expected("table", shadow, shadow, part, "name", None, None)
            for shadow in shadows.get(name, ())
        ]
    for part, _, _, triggers in derived:
        for name, ddl in triggers.items():
            on = normalised(ddl).split(" ON ", 1)[1].split()[0]
            objects.append(Expected("trigger", name, on, part, "exact", normalised(ddl), ddl))
    return {(o.type, o.name): o for o in objects}


def differences(rows: list[tuple[str, str, str, str | None]]) -> list[Difference]:
    """How a schema read by :func:`db.dialect.schema_rows` differs from a ledger's at head."""
    ours = expected()
    our_tables = {o.name for o in ours.values() if o.type == "table"}
    found: list[Difference] = []
    seen: set[tuple[str, str]] = set()
    for type_, name, table, sql in rows:
        seen.add((type_, name))
        if name.startswith("sqlite_"):
            continue  # SQLite's own: sequences, statistics, the indexes of UNIQUE constraints
        mine = ours.get((type_, name))
        if mine is None:
            if type_ == "index" and table not in our_tables:
                continue  # an index of a foreign table belongs to that table
            found.append(Difference("foreign", type_, name, table, None))
        elif not _same(mine, table, sql):
            found.append(Difference("changed", type_, name, table, mine.part))
    found += [
        Difference("missing", o.type, o.name, o.table, o.part)
        for key, o in ours.items()
        if key not in seen
    ]
    # The indexes and triggers of a missing table went with it: the table says it all.
    gone = {d.name for d in found if d.type == "table" and d.kind == "missing"}
    return [d for d in found if d.type == "table" or d.table not in gone]


def _same(mine: Expected, table: str, sql: str | None) -> bool:
    if table != mine.table:
        return False
    if mine.match == "name":
        return True
    if sql is None:
        return False
    if sql == mine.create:
        return True  # as pledges wrote it: the usual case, and the cheap one
    if mine.match == "index":
        return normalised_index(sql) == mine.sql
    return normalised(sql) == mine.sql


def refusal(path: Path, found: list[Difference]) -> str | None:
    """The message refusing to open a ledger with these differences, or None."""
    refused = [d for d in found if d.refuses]
    if not refused:
        return None
    named = "; ".join(d.describe() for d in refused[:NAMED])
    more = f"; and {len(refused) - NAMED} more" if len(refused) > NAMED else ""
    where = shlex.quote(str(path))
    if all(d.repairable for d in refused):
        remedy = (
            f"`pledges check --repair --db {where}` backs the ledger up and restores the schema"
        )
    else:
        remedy = f"`pledges check --db {where}` says what else is wrong"
    return (
        f"{path}: the ledger's schema is not the one pledges made, so it is not opened: "
        f"{named}{more}. Nothing was changed; {remedy}"
    )


def check(connection: Any, path: Path) -> str | None:
    """Read the schema of an open SQLite ledger; the refusal message if it is not ours."""
    return refusal(path, differences(dialect.schema_rows(connection)))
