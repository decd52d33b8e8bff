"""Large writes on SQLite: many rows in one ``executemany``, new pledges indexed and counted in
one statement each instead of by their per-row triggers, and a roomier page cache meanwhile."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Final

from sqlalchemy import insert

from . import facet_counts, fulltext

#: From this many new pledges in one write, the full-text index and the facet counts are
#: filled by one statement each after the insert instead of by the insert triggers row by
#: row: three times faster for the index, a tenth off a large import for the counts.
BULK_ROWS: Final = 1000
#: Page cache for a large write, in KiB (SQLite's default is 2 MiB): with a dozen indexes on
#: pledges, a large import otherwise re-reads index pages from the OS all the time (~30% of it).
ROOMY_CACHE_KIB: Final = 64 * 1024


def insert_many(connection: Any, table: Any, rows: Sequence[dict[str, Any]]) -> None:
    """``INSERT`` rows that all have the same columns, compiled once, the rows handed to the
    driver as tuples: SQLAlchemy's per-row parameter processing costs as much as SQLite's own
    work in a large import, and the ledger's columns (text and integers) need no conversion."""
    compiled = insert(table).compile(dialect=connection.dialect, column_keys=list(rows[0]))
    order = compiled.positiontup or []
    connection.exec_driver_sql(compiled.string, [tuple(row[k] for k in order) for row in rows])


def bulk_triggers() -> dict[str, str]:
    """The per-row insert triggers a bulk insert of pledges goes without, by name, with the
    DDL that makes them again."""
    return {
        f"{fulltext.TABLE}_insert": fulltext.insert_trigger(),
        f"{facet_counts.TABLE}_pledge_insert": facet_counts.insert_trigger(),
    }


def bulk_fill_statements() -> list[str]:
    """What the :func:`bulk_triggers` would have done, for the pledges whose id is above the
    one parameter (the largest id before the insert)."""
    return [
        fulltext.index_new(),
        *(facet_counts.count_pledges(c, "id > ?") for c in facet_counts.COUNTED_COLUMNS),
    ]


@contextmanager
def pledges_in_bulk(connection: Any) -> Iterator[None]:
    """Wrap a large insert of new pledges inside a write transaction.

    The pledge insert triggers are dropped, the rows inserted, the new rows indexed and counted
    in one ``INSERT ... SELECT`` each, and the triggers created again, all in the caller's
    transaction: other connections never see a trigger missing, and a failure or a kill rolls
    it all back. Updates, deletes and condition links keep their triggers.
    """
    last = connection.exec_driver_sql("SELECT coalesce(max(id), 0) FROM pledges").scalar_one()
    triggers = bulk_triggers()
    for name in triggers:
        connection.exec_driver_sql(f"DROP TRIGGER {name}")
    yield
    for statement in bulk_fill_statements():
        connection.exec_driver_sql(statement, (last,))
    for create in triggers.values():
        connection.exec_driver_sql(create)


@contextmanager
def roomy_cache(connection: Any) -> Iterator[None]:
    """A larger page cache for the duration of a large write, then the usual one again (which
    gives the memory back: a UI that imported once should not keep 64 MiB of pages)."""
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{ROOMY_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")
