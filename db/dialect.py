"""Everything that is specific to one database engine lives here, and only here.

SQLite is the ledger's home: every connection is set up the same way (foreign keys on, WAL,
``synchronous=FULL``, a busy timeout), read transactions start with ``BEGIN`` and write
transactions with ``BEGIN IMMEDIATE`` (a deferred transaction that reads and then writes fails
at once with "database is locked" when another writer is active, whatever the timeout).
Full-text search is SQLite's FTS5, kept in sync by triggers; on any other database the same
queries fall back to case-insensitive ``LIKE``, which is correct but slower.
"""

from __future__ import annotations

import errno
import re
import sqlite3
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from sqlalchemy import (
    Engine,
    Select,
    and_,
    column,
    create_engine,
    event,
    insert,
    literal,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

from . import files
from .errors import LedgerOpenError

BUSY_TIMEOUT_MS: Final = 10_000
SQLITE_HEADER: Final = b"SQLite format 3\x00"
FULLTEXT_TABLE: Final = "pledges_fts"
#: Pledge columns indexed for full-text search.
FULLTEXT_COLUMNS: Final = ("title", "text", "notes", "search_extra")
#: Pledges by status, pledger and category, and links by condition, kept by triggers: the
#: facet sidebar and the count of an unfiltered ledger read a few rows here instead of
#: grouping a million (a tenth of a second each, more with a cold cache).
FACET_COUNTS_TABLE: Final = "pledge_facet_counts"
#: The pledge columns counted; conditions are counted from the links as ``condition``.
COUNTED_COLUMNS: Final = ("status", "pledger", "category")

_TOKEN = re.compile(r"[^\W_]+")


def is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def sqlite_path(url: URL) -> Path | None:
    """The file behind a SQLite URL, or None for other databases and in-memory ones."""
    if not is_sqlite(url) or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


#: How a ledger may be named, for messages about a URL that is not one of these.
LEDGER_FORMS: Final = (
    "give a file path (ledger.sqlite), a sqlite:////absolute/path/ledger.sqlite URL, or a "
    "PostgreSQL URL (postgresql+psycopg://user@host/ledger)"
)


def to_url(target: str | Path) -> URL:
    """A database URL from a path or a URL string (``postgresql://...``, ``sqlite:///...``).

    A URL pledges cannot use is refused here, before anything is opened or created, with a
    :class:`LedgerOpenError` that says what to give instead: an unknown database or driver, a
    driver that is not installed, an in-memory SQLite database (it would vanish with the
    process), SQLite URL options (pledges sets up its connections itself; ``?mode=ro`` would
    be ignored and the ledger written anyway), and ``file:`` URIs (which would otherwise be
    taken for a relative path whose first folder is ``file:``).
    """
    if isinstance(target, Path):
        return URL.create("sqlite", database=str(target.expanduser().absolute()))
    text = str(target)
    if not text.strip():
        # `--db "$LEDGER"` with $LEDGER unset must not quietly open the default ledger.
        raise LedgerOpenError(f"the ledger's name is empty; {LEDGER_FORMS}")
    if text.lower().startswith("file:"):
        raise LedgerOpenError(f"{text} is a file: URI, which pledges does not take; {LEDGER_FORMS}")
    if "://" not in text:
        return URL.create("sqlite", database=str(Path(text).expanduser().absolute()))
    try:
        url = make_url(text)
    except ArgumentError:
        raise LedgerOpenError(f"{text} is not a database URL; {LEDGER_FORMS}") from None
    shown = url.render_as_string(hide_password=True)
    backend = url.get_backend_name()
    if backend == "sqlite":
        return _sqlite_url(url, shown)
    if backend != "postgresql":
        raise LedgerOpenError(
            f"{shown}: pledges keeps ledgers in SQLite or PostgreSQL, not {backend}; {LEDGER_FORMS}"
        )
    if url.drivername == "postgresql":
        # The driver pledges is tested with and installs (its `postgresql` extra), whichever
        # one this SQLAlchemy would pick by default.
        url = url.set(drivername=f"postgresql+{POSTGRESQL_DRIVER}")
    try:
        dialect = url.get_dialect()
    except NoSuchModuleError:
        raise LedgerOpenError(
            f"{shown}: there is no PostgreSQL driver {url.drivername!r}; {LEDGER_FORMS}"
        ) from None
    if dialect.is_async:
        raise LedgerOpenError(
            f"{shown}: {dialect.driver} is a driver for asyncio programs, which pledges is not; "
            f"use postgresql+{POSTGRESQL_DRIVER}://... ({POSTGRESQL_INSTALL})"
        )
    try:
        dialect.import_dbapi()
    except Exception as error:  # a broken install may fail in any way: it is the driver's
        raise LedgerOpenError(f"{shown}: {_driver_problem(dialect.driver, error)}") from None
    return url


#: The PostgreSQL driver pledges uses for ``postgresql://`` URLs, and how to install it.
POSTGRESQL_DRIVER: Final = "psycopg"
POSTGRESQL_INSTALL: Final = "pip install 'pledges[postgresql]' installs it"


def _driver_problem(driver: str, error: Exception) -> str:
    """Why a PostgreSQL driver cannot be used, and what to install."""
    missing = isinstance(error, ModuleNotFoundError) and (error.name or "").split(".")[0] == driver
    if driver == POSTGRESQL_DRIVER:
        remedy = "install it with pip install 'pledges[postgresql]' (or 'psycopg[binary]')"
    else:
        remedy = (
            f"install it (pip install {driver}), or use postgresql+{POSTGRESQL_DRIVER}://... "
            f"({POSTGRESQL_INSTALL})"
        )
    if missing:
        return f"the PostgreSQL driver {driver} is not installed; {remedy}"
    reason = (str(error).strip().splitlines() or [""])[0][:200]
    if not isinstance(error, ImportError) or not reason:
        reason = f"{type(error).__name__}: {reason}".rstrip(": ")
    return f"the PostgreSQL driver {driver} cannot be loaded ({reason}); {remedy}"


def _sqlite_url(url: URL, shown: str) -> URL:
    if url.drivername not in ("sqlite", "sqlite+pysqlite"):
        raise LedgerOpenError(
            f"{shown}: pledges opens SQLite ledgers with Python's own driver; "
            f"use sqlite:///PATH, not {url.drivername}"
        )
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise LedgerOpenError(
            f"{shown} names no file (an in-memory database would vanish when pledges ends); "
            f"{LEDGER_FORMS}"
        )
    if url.query:
        raise LedgerOpenError(
            f"{shown}: pledges sets up its SQLite connections itself and takes no URL options "
            f"({', '.join(sorted(url.query))}); remove them. To read a ledger without any risk "
            "of changing it, work on a copy (pledges backup)"
        )
    return url.set(database=str(Path(url.database).absolute()))


def create_engines(url: URL) -> tuple[Engine, Engine]:
    """Two engines on one database: one whose transactions read, one whose transactions write."""
    return _engine(url, write=False), _engine(url, write=True)


def _engine(url: URL, *, write: bool) -> Engine:
    if not is_sqlite(url):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(
        url,
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        pool_size=1 if write else 4,
        max_overflow=0 if write else 8,
    )

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Take over transaction control from the sqlite3 module (see module docstring).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()
        dbapi_connection.create_function(TITLE_WORDS_FUNCTION, 1, _title_words, deterministic=True)

    begin = "BEGIN IMMEDIATE" if write else "BEGIN"

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql(begin)

    return engine


def insert_many(connection: Any, table: Any, rows: Sequence[dict[str, Any]]) -> None:
    """``INSERT`` rows that all have the same columns, as one ``executemany``.

    On SQLite the statement is compiled once and the rows go to the driver as tuples:
    SQLAlchemy's per-row parameter processing costs as much as SQLite's own work in a large
    import, and the ledger's columns (text and integers) need no conversion on SQLite.
    """
    if not rows:
        return
    statement = insert(table)
    if connection.dialect.name != "sqlite":
        connection.execute(statement, rows)
        return
    compiled = statement.compile(dialect=connection.dialect, column_keys=list(rows[0]))
    order = compiled.positiontup or []
    connection.exec_driver_sql(compiled.string, [tuple(row[k] for k in order) for row in rows])


# -- the ledger file -------------------------------------------------------------------------


@dataclass(frozen=True)
class FileInfo:
    """What a ledger file is, found without changing a byte of it."""

    exists: bool
    is_sqlite: bool
    tables: frozenset[str]
    revision: str | None


def inspect_file(path: Path) -> FileInfo:
    """Look at a file read-only: is it SQLite, which tables, which schema revision.

    Only a file that is not SQLite at all comes back with ``is_sqlite`` false. A database that
    cannot be read now (permissions, a lock held elsewhere, a full disk, damage) raises the
    :class:`OSError` or :class:`sqlite3.Error` that says so (see :func:`file_problem`): a user
    told that a good ledger "is not a database" might delete it.
    """
    if not path.exists() or path.stat().st_size == 0:
        return FileInfo(
            exists=path.exists(), is_sqlite=path.exists(), tables=frozenset(), revision=None
        )
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        return FileInfo(exists=True, is_sqlite=False, tables=frozenset(), revision=None)
    connection = sqlite3.connect(
        f"{path.absolute().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000
    )
    try:
        tables = frozenset(
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        )
        revision = None
        if "alembic_version" in tables:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
    except sqlite3.DatabaseError as error:
        if _sqlite_error_name(error) != "SQLITE_NOTADB":
            raise
        return FileInfo(exists=True, is_sqlite=False, tables=frozenset(), revision=None)
    finally:
        connection.close()
    return FileInfo(exists=True, is_sqlite=True, tables=tables, revision=revision)


def backup(source: Path, destination: Path) -> None:
    """Copy a SQLite database with SQLite's online backup API, to a new file private to its
    owner (:mod:`db.files`): a copy that fails leaves nothing behind, and an existing file at
    ``destination`` is never replaced, nor a missing folder made (:class:`FileTargetError`).

    A plain file copy of a WAL database can miss committed transactions still in the WAL.
    """
    src = sqlite3.connect(
        f"{source.absolute().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000
    )
    try:
        with files.written_whole(destination, overwrite=False) as partial:
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode = DELETE")
            finally:
                dst.close()
    finally:
        src.close()


def _sqlite_error_name(error: BaseException) -> str:
    """SQLite's name for an error (``SQLITE_BUSY``, ``SQLITE_READONLY_DIRECTORY``), else ''."""
    original = getattr(error, "orig", None) or error
    return str(getattr(original, "sqlite_errorname", "") or "")


def _sqlite_message(error: BaseException) -> str:
    original = getattr(error, "orig", None) or error
    return str(original).strip().split("\n")[0]


def file_problem(path: Path, error: BaseException) -> str | None:
    """What an error opening, reading or writing the SQLite file at ``path`` means, as a
    sentence that says what to do; None for errors that are not about the file.

    Only a file SQLite calls "not a database" is called one: a valid ledger that cannot be
    opened right now (a read-only folder, a full disk, a lock held elsewhere, no permission)
    is described as such, so that nobody deletes a good ledger on bad advice.
    """
    original = getattr(error, "orig", None) or error
    name = _sqlite_error_name(error)
    message = _sqlite_message(error)
    folder = path.parent
    if isinstance(original, OSError) and not name:
        return _os_problem(path, original)
    if name == "SQLITE_NOTADB":
        return f"{path} is not a pledges ledger (it is not a SQLite database)"
    if name.startswith("SQLITE_CORRUPT"):
        return (
            f"{path} is damaged (SQLite: {message}); restore it from a backup, or ask whoever "
            "keeps the ledger"
        )
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return (
            f"{path} is locked by another program (SQLite: {message}); try again when it has "
            "finished, or close the program that holds it"
        )
    if name == "SQLITE_READONLY_DIRECTORY":
        return (
            f"SQLite cannot open {path}: its folder {folder} is read-only, and SQLite must make "
            f"{path.name}-wal and {path.name}-shm beside a ledger even to read it; make the "
            "folder writable, or copy the ledger into one that is"
        )
    if name.startswith("SQLITE_READONLY"):
        return (
            f"{path} is read-only for you (SQLite: {message}); to change it, make the file and "
            f"its folder {folder} writable"
        )
    if name.startswith("SQLITE_CANTOPEN"):
        return (
            f"SQLite cannot open {path} (SQLite: {message}): check that you may read it and "
            f"write to its folder {folder}, where SQLite keeps {path.name}-wal and "
            f"{path.name}-shm"
        )
    if name.startswith("SQLITE_FULL") or name == "SQLITE_IOERR_SHMSIZE":
        return f"the disk that holds {path} is full; free some space and try again"
    if name.startswith("SQLITE_IOERR"):
        return (
            f"the disk failed while SQLite used {path} (SQLite: {message}, {name}); check the "
            "disk, then try again"
        )
    if name.startswith(("SQLITE_PERM", "SQLITE_AUTH")):
        return f"you may not use {path} (SQLite: {message}); ask its owner for access"
    return None


def _os_problem(path: Path, error: OSError) -> str | None:
    if error.errno in (errno.EACCES, errno.EPERM):
        return f"you may not read {path} (permission denied); ask its owner for access"
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"the disk that holds {path} is full; free some space and try again"
    if error.errno == errno.EROFS:
        return f"{path} is on a read-only file system"
    if error.errno == errno.EIO:
        return f"the disk failed while reading {path}; check the disk, then try again"
    return None


#: SQLite's words for a statement beyond its limits: the query asked for is too complex.
_TOO_COMPLEX: Final = (
    "expression tree is too large",
    "too many terms",
    "parser stack overflow",
    "too many sql variables",
    "too many from clause terms",
    "like or glob pattern too complex",
    "at most 64 tables in a join",
)


def query_too_complex(error: BaseException) -> str | None:
    """SQLite's own words when a statement exceeded one of its limits, else None."""
    message = _sqlite_message(error)
    return message if message.lower().startswith(_TOO_COMPLEX) else None


def integrity_check(path: Path) -> str:
    """``ok``, or SQLite's description of what is damaged."""
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        rows = connection.execute("PRAGMA integrity_check").fetchall()
    finally:
        connection.close()
    return "; ".join(str(row[0]) for row in rows)


def foreign_key_problems(connection: Any) -> list[tuple[Any, ...]]:
    """Rows that break a foreign key (SQLite's ``PRAGMA foreign_key_check``); empty elsewhere."""
    if connection.dialect.name != "sqlite":
        return []
    return [tuple(row) for row in connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()]


def set_foreign_keys(connection: Any, enabled: bool) -> None:
    """Turn SQLite's foreign-key enforcement on or off (only outside a transaction)."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(f"PRAGMA foreign_keys = {'ON' if enabled else 'OFF'}")


def is_locked(error: BaseException) -> bool:
    """True when a database error means another writer holds the lock."""
    message = str(error).lower()
    return "database is locked" in message or "database is busy" in message


# -- full-text search ------------------------------------------------------------------------


def _insert_trigger() -> str:
    columns = ", ".join(FULLTEXT_COLUMNS)
    new = ", ".join(f"new.{c}" for c in FULLTEXT_COLUMNS)
    return (
        f"CREATE TRIGGER {FULLTEXT_TABLE}_insert AFTER INSERT ON pledges BEGIN "
        f"INSERT INTO {FULLTEXT_TABLE}(rowid, {columns}) VALUES (new.id, {new}); END"
    )


def fulltext_create(dialect_name: str) -> list[str]:
    """DDL that creates the full-text index over pledges and the triggers that keep it in sync."""
    if dialect_name != "sqlite":
        return []
    return [fulltext_table(), *fulltext_triggers().values(), fulltext_rebuild()]


def fulltext_table() -> str:
    """The DDL of the full-text index (an FTS5 table over the pledges' own columns)."""
    columns = ", ".join(FULLTEXT_COLUMNS)
    return (
        f"CREATE VIRTUAL TABLE {FULLTEXT_TABLE} USING fts5({columns}, content='pledges', "
        "content_rowid='id', tokenize=\"unicode61 remove_diacritics 2\", prefix='2 3')"
    )


def fulltext_triggers() -> dict[str, str]:
    """The triggers that keep the full-text index in sync with the pledges, by name, with
    their DDL."""
    columns = ", ".join(FULLTEXT_COLUMNS)
    new = ", ".join(f"new.{c}" for c in FULLTEXT_COLUMNS)
    old = ", ".join(f"old.{c}" for c in FULLTEXT_COLUMNS)
    return {
        f"{FULLTEXT_TABLE}_insert": _insert_trigger(),
        f"{FULLTEXT_TABLE}_delete": f"CREATE TRIGGER {FULLTEXT_TABLE}_delete AFTER DELETE ON "
        f"pledges BEGIN INSERT INTO {FULLTEXT_TABLE}({FULLTEXT_TABLE}, rowid, {columns}) "
        f"VALUES ('delete', old.id, {old}); END",
        f"{FULLTEXT_TABLE}_update": f"CREATE TRIGGER {FULLTEXT_TABLE}_update AFTER UPDATE OF "
        f"{columns} ON pledges BEGIN "
        f"INSERT INTO {FULLTEXT_TABLE}({FULLTEXT_TABLE}, rowid, {columns}) "
        f"VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {FULLTEXT_TABLE}(rowid, {columns}) VALUES (new.id, {new}); END",
    }


def fulltext_rebuild() -> str:
    """The statement that builds the full-text index again from the pledges."""
    return f"INSERT INTO {FULLTEXT_TABLE}({FULLTEXT_TABLE}) VALUES ('rebuild')"


#: From this many new pledges in one write, the full-text index and the facet counts are
#: filled by one statement each after the insert instead of by the insert triggers row by
#: row: three times faster for the index, a tenth off a large import for the counts.
BULK_ROWS: Final = 1000


@contextmanager
def pledges_in_bulk(connection: Any, rows: int) -> Iterator[None]:
    """Wrap an insert of ``rows`` new pledges inside a write transaction.

    For a large insert, the pledge insert triggers are dropped, the rows inserted, the new rows
    indexed and counted in one ``INSERT ... SELECT`` each, and the triggers created again, all
    in the caller's transaction: other connections never see a trigger missing, and a failure
    or a kill rolls it all back. Updates, deletes and condition links keep their triggers.
    """
    if connection.dialect.name != "sqlite" or rows < BULK_ROWS:
        yield
        return
    last = connection.exec_driver_sql("SELECT coalesce(max(id), 0) FROM pledges").scalar_one()
    triggers = bulk_triggers()
    for name in triggers:
        connection.exec_driver_sql(f"DROP TRIGGER {name}")
    yield
    for statement in bulk_fill_statements():
        connection.exec_driver_sql(statement, (last,))
    for create in triggers.values():
        connection.exec_driver_sql(create)


def bulk_triggers() -> dict[str, str]:
    """The per-row insert triggers a bulk insert of pledges goes without, by name, with the
    DDL that makes them again."""
    return {
        f"{FULLTEXT_TABLE}_insert": _insert_trigger(),
        f"{FACET_COUNTS_TABLE}_pledge_insert": _pledge_insert_trigger(),
    }


def bulk_fill_statements() -> list[str]:
    """What the :func:`bulk_triggers` would have done, for the pledges whose id is above the
    one parameter (the largest id before the insert)."""
    columns = ", ".join(FULLTEXT_COLUMNS)
    return [
        f"INSERT INTO {FULLTEXT_TABLE}(rowid, {columns}) "
        f"SELECT id, {columns} FROM pledges WHERE id > ?",
        *(_count_pledges(counted, "id > ?") for counted in COUNTED_COLUMNS),
    ]


def _count_pledges(column: str, where: str) -> str:
    """Add the pledges matching ``where`` to the kept counts of ``column``."""
    return (
        f"INSERT INTO {FACET_COUNTS_TABLE}(facet, value, n) "
        f"SELECT '{column}', {column}, count(*) FROM pledges "
        f"WHERE {where} AND {column} IS NOT NULL GROUP BY {column} "
        "ON CONFLICT(facet, value) DO UPDATE SET n = n + excluded.n"
    )


#: Page cache for a large write, in KiB (SQLite's default is 2 MiB): with a dozen indexes on
#: pledges, a large import otherwise re-reads index pages from the OS all the time (~30% of it).
ROOMY_CACHE_KIB: Final = 64 * 1024


@contextmanager
def roomy_cache(connection: Any, records: int) -> Iterator[None]:
    """A larger page cache for the duration of a large write, then the usual one again (which
    gives the memory back: a UI that imported once should not keep 64 MiB of pages)."""
    if connection.dialect.name != "sqlite" or records < BULK_ROWS:
        yield
        return
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{ROOMY_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")


def fulltext_drop(dialect_name: str) -> list[str]:
    if dialect_name != "sqlite":
        return []
    return [
        f"DROP TRIGGER IF EXISTS {FULLTEXT_TABLE}_{name}" for name in ("insert", "delete", "update")
    ] + [f"DROP TABLE IF EXISTS {FULLTEXT_TABLE}"]


def is_fulltext_table(name: str) -> bool:
    """The FTS table and its shadow tables, which the ORM models do not declare."""
    return name == FULLTEXT_TABLE or name.startswith(FULLTEXT_TABLE + "_")


def include_in_migrations(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Alembic's filter: the full-text and facet count tables are made by raw DDL, not
    declared in the models."""
    return not (
        type_ == "table"
        and name is not None
        and (is_fulltext_table(name) or name == FACET_COUNTS_TABLE)
    )


# -- facet counts of the whole ledger ---------------------------------------------------------

facet_counts = table(FACET_COUNTS_TABLE, column("facet"), column("value"), column("n"))


_CHANGES: Final = ("insert", "delete", "update")


def has_facet_counts(dialect_name: str) -> bool:
    return dialect_name == "sqlite"


def _bump(facet: str, value: str, delta: int) -> str:
    # An upsert from a SELECT needs its WHERE (SQLite's parser), which also skips NULLs.
    return (
        f"INSERT INTO {FACET_COUNTS_TABLE}(facet, value, n) "
        f"SELECT '{facet}', {value}, {delta} WHERE {value} IS NOT NULL "
        "ON CONFLICT(facet, value) DO UPDATE SET n = n + excluded.n;"
    )


def _trigger(name: str, when: str, body: list[str]) -> str:
    return f"CREATE TRIGGER {FACET_COUNTS_TABLE}_{name} {when} BEGIN {' '.join(body)} END"


def _pledge_insert_trigger() -> str:
    return _trigger(
        "pledge_insert",
        "AFTER INSERT ON pledges",
        [_bump(c, f"new.{c}", 1) for c in COUNTED_COLUMNS],
    )


def facet_counts_create(dialect_name: str) -> list[str]:
    """DDL that creates the facet count table, the triggers that keep it exact, and fills it."""
    if not has_facet_counts(dialect_name):
        return []
    return [facet_counts_table(), *facet_count_triggers().values(), *facet_counts_fill()]


def facet_counts_table() -> str:
    """The DDL of the table of kept facet counts."""
    return (
        f"CREATE TABLE {FACET_COUNTS_TABLE} (facet TEXT NOT NULL, value NOT NULL, "
        "n INTEGER NOT NULL, PRIMARY KEY (facet, value)) WITHOUT ROWID"
    )


def facet_count_triggers() -> dict[str, str]:
    """The triggers that keep the facet counts exact, by name, with their DDL."""
    columns = COUNTED_COLUMNS
    name = f"{FACET_COUNTS_TABLE}_"
    return {
        f"{name}pledge_insert": _pledge_insert_trigger(),
        f"{name}pledge_delete": _trigger(
            "pledge_delete", "AFTER DELETE ON pledges", [_bump(c, f"old.{c}", -1) for c in columns]
        ),
        f"{name}pledge_update": _trigger(
            "pledge_update",
            f"AFTER UPDATE OF {', '.join(columns)} ON pledges",
            [_bump(c, f"old.{c}", -1) for c in columns]
            + [_bump(c, f"new.{c}", 1) for c in columns],
        ),
        f"{name}link_insert": _trigger(
            "link_insert",
            "AFTER INSERT ON pledge_conditions",
            [_bump("condition", "new.condition_id", 1)],
        ),
        f"{name}link_delete": _trigger(
            "link_delete",
            "AFTER DELETE ON pledge_conditions",
            [_bump("condition", "old.condition_id", -1)],
        ),
        f"{name}link_update": _trigger(
            "link_update",
            "AFTER UPDATE OF condition_id ON pledge_conditions",
            [
                _bump("condition", "old.condition_id", -1),
                _bump("condition", "new.condition_id", 1),
            ],
        ),
    }


def facet_counts_fill() -> list[str]:
    """The statements that fill an empty facet count table from the pledges and their links."""
    return [
        *(_count_pledges(c, "true") for c in COUNTED_COLUMNS),
        f"INSERT INTO {FACET_COUNTS_TABLE}(facet, value, n) "
        "SELECT 'condition', condition_id, count(*) FROM pledge_conditions GROUP BY condition_id",
    ]


def facet_counts_drop(dialect_name: str) -> list[str]:
    if not has_facet_counts(dialect_name):
        return []
    triggers = [f"{record}_{change}" for record in ("pledge", "link") for change in _CHANGES]
    return [f"DROP TRIGGER IF EXISTS {FACET_COUNTS_TABLE}_{name}" for name in triggers] + [
        f"DROP TABLE IF EXISTS {FACET_COUNTS_TABLE}"
    ]


def words(phrase: str) -> list[str]:
    """The tokens the full-text index sees in ``phrase`` (letters and digits, any script)."""
    return _TOKEN.findall(phrase)


def fulltext_phrase(phrase: str, *, prefix: bool = True) -> str | None:
    """A phrase as a safe FTS5 expression, or None if it has no searchable tokens.

    User text never reaches FTS syntax: it is cut into tokens here and the tokens are quoted,
    so ``AND``, ``NEAR``, ``*``, ``"`` or ``%`` in a search are just characters.
    """
    tokens = words(phrase)
    if not tokens:
        return None
    return '"' + " ".join(tokens) + '"' + ("*" if prefix else "")


def fulltext_all(phrases: Sequence[str]) -> str:
    """Phrase expressions that must all match (FTS intersects them natively)."""
    return " AND ".join(phrases)


def fulltext_ids(dialect_name: str, pledges: Any, expression: str) -> Select[Any]:
    """The ids of pledges matching a :func:`fulltext_phrase`/:func:`fulltext_all` expression."""
    if dialect_name == "sqlite":
        index = table(FULLTEXT_TABLE, column("rowid"))
        matches = literal_column(FULLTEXT_TABLE).op("MATCH")(literal(expression))
        return select(index.c.rowid).where(matches)
    # Portable fallback: every token, in any indexed column, case-insensitively.
    tokens = [t for t in _TOKEN.findall(expression) if t != "AND"]
    columns = [pledges.c[name] for name in FULLTEXT_COLUMNS]
    return select(pledges.c.id).where(
        and_(
            *(or_(*(c.ilike(f"%{escape_like(t)}%", escape="\\") for c in columns)) for t in tokens)
        )
    )


#: The SQL function (SQLite) that gives a title's words as :func:`title_matches` matches them.
TITLE_WORDS_FUNCTION: Final = "pledges_title_words"


def folded_words(text: str) -> list[str]:
    """The words of ``text`` as titles are matched: full stops dropped (so "U.S." is "us"),
    case and diacritics folded (as the full-text index folds them)."""
    decomposed = unicodedata.normalize("NFKD", text.replace(".", "").casefold())
    return words("".join(char for char in decomposed if not unicodedata.combining(char)))


def _title_words(text: str | None) -> str | None:
    """The SQL function :data:`TITLE_WORDS_FUNCTION`: `` word word `` (a space each side)."""
    return None if text is None else " " + " ".join(folded_words(str(text))) + " "


def title_matches(dialect_name: str, column: Any, phrase: str) -> Any:
    """The title in ``column`` holds the phrase's words in order, each as the start of a word
    (``"U.S. support"`` finds "Confirmed US backstop (... support if attacked)"), or None if
    the phrase has no words. For the titles of conditions, which have no full-text index.

    Other databases than SQLite take each word anywhere in the title, in any case, as their
    full-text fallback does (:func:`fulltext_ids`).
    """
    from sqlalchemy import func

    tokens = folded_words(phrase)
    if not tokens:
        return None
    if dialect_name == "sqlite":
        pattern = "% " + "% ".join(escape_like(t) for t in tokens) + "%"
        return getattr(func, TITLE_WORDS_FUNCTION)(column).like(pattern, escape="\\")
    title = func.replace(column, ".", "")
    return and_(*(title.ilike(f"%{escape_like(t)}%", escape="\\") for t in tokens))


def fulltext_count(connection: Any, expression: str) -> int:
    """How many pledges match (cheap on SQLite: the index alone answers)."""
    if connection.dialect.name != "sqlite":
        from sqlalchemy import func

        pledges = table("pledges", column("id"), *(column(c) for c in FULLTEXT_COLUMNS))
        ids = fulltext_ids(connection.dialect.name, pledges, expression).subquery()
        return int(connection.execute(select(func.count()).select_from(ids)).scalar_one())
    statement = f"SELECT count(*) FROM {FULLTEXT_TABLE} WHERE {FULLTEXT_TABLE} MATCH ?"
    return int(connection.exec_driver_sql(statement, (expression,)).scalar_one())


def unindexed(dialect_name: str, expression: Any) -> Any:
    """The same value, but SQLite's planner will not use an index for it (unary ``+``).

    Used where the planner's favourite index is the wrong one: grouping a filtered result by a
    column that has its own index, or scanning in display order while probing a large set of
    full-text matches instead of sorting them all.
    """
    if dialect_name != "sqlite":
        return expression
    return UnaryExpression(expression, operator=operators.custom_op("+"), type_=expression.type)


def escape_like(value: str) -> str:
    """Escape ``%``, ``_`` and the escape character itself for a LIKE pattern using ``\\``."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# -- the schema as SQLite lists it -------------------------------------------------------------

#: The tables FTS5 keeps the full-text index in (external content: there is no content table).
FULLTEXT_SHADOW_TABLES: Final = tuple(
    f"{FULLTEXT_TABLE}_{part}" for part in ("data", "idx", "docsize", "config")
)


def schema_rows(connection: Any) -> list[tuple[str, str, str, str | None]]:
    """Every object of the main schema as ``(type, name, table, sql)``: one read of
    ``sqlite_master`` (empty on other databases)."""
    if connection.dialect.name != "sqlite":
        return []
    rows = connection.exec_driver_sql("SELECT type, name, tbl_name, sql FROM sqlite_master")
    return [(str(t), str(n), str(tb), None if s is None else str(s)) for t, n, tb, s in rows]


def quoted(name: str) -> str:
    """An identifier quoted for SQLite, whatever it holds (names read from a foreign schema)."""
    return '"' + name.replace('"', '""') + '"'
