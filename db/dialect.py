"""Where the ledger's SQL differs from one database to another, and only here.

SQLite is the ledger's home: there the full-text index, the facet counts, bulk writes and the
planner hints of :mod:`db.sqlite` are used. On any other database (PostgreSQL) the same
questions get portable answers: free words are matched with case-insensitive ``LIKE`` (correct,
but slower), facets are counted by grouping the pledges, and rows are inserted plainly. Each
function here takes the name of the connection's dialect (or the connection) and chooses.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Select, and_, column, func, insert, or_, select, table
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

from .like import containing
from .sqlite import bulk, catalog, facet_counts, fulltext, statistics

SQLITE = "sqlite"


# -- what the migrations make ------------------------------------------------------------------


def fulltext_create(dialect_name: str) -> list[str]:
    """DDL that creates the full-text index over pledges and the triggers that keep it in sync
    (nothing on other databases)."""
    return fulltext.create() if dialect_name == SQLITE else []


def fulltext_drop(dialect_name: str) -> list[str]:
    return fulltext.drop() if dialect_name == SQLITE else []


def past_fulltext_create(dialect_name: str) -> list[str]:
    """DDL that creates the full-text index over the ledger in time (``record_states``), its
    triggers, and fills it (nothing on other databases)."""
    return fulltext.past_create() if dialect_name == SQLITE else []


def past_fulltext_drop(dialect_name: str) -> list[str]:
    return fulltext.past_drop() if dialect_name == SQLITE else []


@contextmanager
def past_fulltext_paused(connection: Any) -> Iterator[None]:
    """Inside, the rows of ``record_states`` are replaced wholesale without the triggers of
    their full-text index, which is then made again from them in one pass (deleting and
    indexing every row one by one leaves an index that takes seconds to answer a word)."""
    if connection.dialect.name != SQLITE:
        yield
        return
    for name in fulltext.past_triggers():
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    yield
    for statement in fulltext.past_triggers().values():
        connection.exec_driver_sql(statement)
    connection.exec_driver_sql(fulltext.past_rebuild())


def planner_statistics(dialect_name: str) -> list[str]:
    """Statements that give the query planner statistics of the ledger in time's tables (on
    SQLite; PostgreSQL measures its own)."""
    return statistics.write() if dialect_name == SQLITE else []


def has_facet_counts(dialect_name: str) -> bool:
    """Whether the database keeps the facet counts (:mod:`db.sqlite.facet_counts`)."""
    return dialect_name == SQLITE


def facet_counts_create(dialect_name: str) -> list[str]:
    """DDL that creates the facet count table, the triggers that keep it exact, and fills it
    (nothing on other databases)."""
    return facet_counts.create() if has_facet_counts(dialect_name) else []


def facet_counts_drop(dialect_name: str) -> list[str]:
    return facet_counts.drop() if has_facet_counts(dialect_name) else []


def include_in_migrations(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Alembic's filter: the full-text and facet count tables are made by raw DDL, not
    declared in the models."""
    return not (
        type_ == "table"
        and name is not None
        and (fulltext.is_fulltext_table(name) or name == facet_counts.TABLE)
    )


def schema_rows(connection: Any) -> list[tuple[str, str, str, str | None]]:
    """Every object of the main schema as ``(type, name, table, sql)`` (see
    :func:`db.sqlite.catalog.schema_rows`); empty on other databases."""
    return catalog.schema_rows(connection) if connection.dialect.name == SQLITE else []


def foreign_key_problems(connection: Any) -> list[tuple[Any, ...]]:
    """Rows that break a foreign key; empty on other databases (which enforce them)."""
    return catalog.foreign_key_problems(connection) if connection.dialect.name == SQLITE else []


# -- free words and titles -----------------------------------------------------------------------


def fulltext_ids(dialect_name: str, pledges: Any, expression: str) -> Select[Any]:
    """The ids of pledges matching a :func:`db.sqlite.fulltext.phrase` or
    :func:`~db.sqlite.fulltext.all_of` expression."""
    if dialect_name == SQLITE:
        return fulltext.matching_ids(expression)
    # Every token, in any indexed column, case-insensitively.
    columns = [pledges.c[name] for name in fulltext.COLUMNS]
    return select(pledges.c.id).where(
        and_(
            *(
                or_(*(c.ilike(containing(token), escape="\\") for c in columns))
                for token in fulltext.expression_words(expression)
            )
        )
    )


def fulltext_count(connection: Any, expression: str) -> int:
    """How many pledges match an expression (cheap on SQLite: the index alone answers)."""
    if connection.dialect.name == SQLITE:
        return fulltext.count(connection, expression)
    pledges = table("pledges", column("id"), *(column(c) for c in fulltext.COLUMNS))
    ids = fulltext_ids(connection.dialect.name, pledges, expression).subquery()
    return int(connection.execute(select(func.count()).select_from(ids)).scalar_one())


def title_matches(dialect_name: str, title: Any, phrase: str) -> Any:
    """The title in column ``title`` holds the phrase's words in order, each as the start of a
    word (``"U.S. support"`` finds "Confirmed US backstop (... support if attacked)"), or None
    if the phrase has no words. For the titles of conditions, which have no full-text index.

    Other databases take each word anywhere in the title, in any case, as their full-text
    fallback does (:func:`fulltext_ids`).
    """
    tokens = fulltext.folded_words(phrase)
    if not tokens:
        return None
    if dialect_name == SQLITE:
        return fulltext.title_holds(title, tokens)
    without_stops = func.replace(title, ".", "")
    return and_(*(without_stops.ilike(containing(t), escape="\\") for t in tokens))


# -- how statements run ------------------------------------------------------------------------


def unindexed(dialect_name: str, expression: Any) -> Any:
    """The same value, but SQLite's planner will not use an index for it (unary ``+``).

    Used where the planner's favourite index is the wrong one: grouping a filtered result by a
    column that has its own index, or scanning in display order while probing a large set of
    full-text matches instead of sorting them all.
    """
    if dialect_name != SQLITE:
        return expression
    return UnaryExpression(expression, operator=operators.custom_op("+"), type_=expression.type)


def insert_many(connection: Any, target: Any, rows: Sequence[dict[str, Any]]) -> None:
    """``INSERT`` rows that all have the same columns, as one ``executemany`` (see
    :func:`db.sqlite.bulk.insert_many`)."""
    if not rows:
        return
    if connection.dialect.name == SQLITE:
        bulk.insert_many(connection, target, rows)
    else:
        connection.execute(insert(target), rows)


@contextmanager
def pledges_in_bulk(connection: Any, rows: int) -> Iterator[None]:
    """Wrap an insert of ``rows`` new pledges inside a write transaction: on SQLite, from
    :data:`db.sqlite.bulk.BULK_ROWS` rows, without the per-row insert triggers (see
    :func:`db.sqlite.bulk.pledges_in_bulk`)."""
    if connection.dialect.name != SQLITE or rows < bulk.BULK_ROWS:
        yield
        return
    with bulk.pledges_in_bulk(connection):
        yield


@contextmanager
def roomy_cache(connection: Any, records: int) -> Iterator[None]:
    """A larger page cache while a write of many ``records`` runs (SQLite)."""
    if connection.dialect.name != SQLITE or records < bulk.BULK_ROWS:
        yield
        return
    with bulk.roomy_cache(connection):
        yield
