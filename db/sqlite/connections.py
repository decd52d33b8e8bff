"""How every SQLite connection of a ledger is set up.

Foreign keys on, WAL, ``synchronous=FULL`` and a busy timeout; the ``sqlite3`` module's own
transaction handling off, so that read transactions start with ``BEGIN`` and write
transactions with ``BEGIN IMMEDIATE`` (a deferred transaction that reads and then writes fails
at once with "database is locked" when another writer is active, whatever the timeout); and
the SQL function that matches condition titles (:func:`db.sqlite.fulltext.title_words`).
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL

from . import fulltext

#: How long a statement waits for another process's lock before giving up.
BUSY_TIMEOUT_MS: Final = 10_000


def engine(url: URL, *, write: bool) -> Engine:
    """An engine on the SQLite ledger at ``url`` whose transactions write (one connection:
    SQLite has one writer at a time) or only read."""
    made = create_engine(
        url,
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        pool_size=1 if write else 4,
        max_overflow=0 if write else 8,
    )

    @event.listens_for(made, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # transactions are begun below
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()
        dbapi_connection.create_function(
            fulltext.TITLE_WORDS_FUNCTION, 1, fulltext.title_words, deterministic=True
        )

    begin = "BEGIN IMMEDIATE" if write else "BEGIN"

    @event.listens_for(made, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql(begin)

    return made
