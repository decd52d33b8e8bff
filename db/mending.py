"""The repair of a ledger's schema and of what pledges derives from its records (the facet
counts, the full-text index), for ``pledges check --repair``. Records and the change log are
never written here: only triggers, views, indexes, and the derived tables (facet counts,
full-text index, the kept periods of the ledger in time)."""

from __future__ import annotations

from sqlalchemy import Engine

from . import record_states, schema
from .schema import shown
from .sqlite import catalog, facet_counts, fulltext


def mend(writer: Engine, *, rebuild: bool, periods: bool = False) -> list[str]:
    """Drop what is foreign, make ours again, recount, rebuild the index if asked (or if its
    schema needed mending) and the kept periods of the ledger in time if asked, in one write
    transaction; what was done, one line each."""
    done: list[str] = []
    with writer.begin() as connection:
        differences = schema.differences(catalog.schema_rows(connection))
        # Foreign triggers first: they must not run on what the repair writes.
        order = {"trigger": 0, "view": 1, "index": 2}
        for d in sorted(differences, key=lambda d: order.get(d.type, 3)):
            if d.kind == "foreign" and d.type in order:
                connection.exec_driver_sql(f"DROP {d.type.upper()} {catalog.quoted(d.name)}")
                done.append(f"dropped the {d.type} {shown(d.name)}, which pledges did not make")
        ours = schema.expected()
        parts = {d.part for d in differences if d.kind != "foreign"}
        for d in differences:
            if d.kind != "foreign" and d.part == "records" and d.type == "index":
                create = ours[(d.type, d.name)].create
                assert create is not None
                connection.exec_driver_sql(f"DROP INDEX IF EXISTS {catalog.quoted(d.name)}")
                connection.exec_driver_sql(create)
                done.append(f"made the index {shown(d.name)} again")
        if "full-text" in parts:
            for statement in (*fulltext.drop(), *fulltext.past_drop()):
                connection.exec_driver_sql(statement)
            for name in (*fulltext.SHADOW_TABLES, *fulltext.PAST_SHADOW_TABLES):
                connection.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
            for statement in (*fulltext.create(), *fulltext.past_create()):
                connection.exec_driver_sql(statement)
            done.append("made the full-text indexes and their triggers again, from the records")
        elif rebuild:
            connection.exec_driver_sql(fulltext.rebuild())
            connection.exec_driver_sql(fulltext.past_rebuild())
            done.append("rebuilt the full-text indexes from the records")
        if "counts" in parts:
            for statement in facet_counts.drop():
                connection.exec_driver_sql(statement)
            for statement in facet_counts.create():
                connection.exec_driver_sql(statement)
            done.append("made the facet counts and their triggers again, from the pledges")
        else:
            connection.exec_driver_sql(f"DELETE FROM {facet_counts.TABLE}")
            for statement in facet_counts.fill():
                connection.exec_driver_sql(statement)
            done.append("recounted the facet counts from the pledges")
        if periods:
            records = record_states.rebuild(connection)
            done.append(f"rebuilt the ledger in time from the change log ({records:,} records)")
    return done
