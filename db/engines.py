"""Naming a ledger (a path, or a database URL) and opening the two engines on it.

A ledger lives in a SQLite file (its home) or on a PostgreSQL server. A name pledges cannot
use is refused before anything is opened or created, with a message that says what to give
instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from .errors import LedgerOpenError
from .sqlite import connections

#: How a ledger may be named, for messages about a URL that is not one of these.
LEDGER_FORMS: Final = (
    "give a file path (ledger.sqlite), a sqlite:////absolute/path/ledger.sqlite URL, or a "
    "PostgreSQL URL (postgresql+psycopg://user@host/ledger)"
)
#: The PostgreSQL driver pledges uses for ``postgresql://`` URLs, and how to install it.
POSTGRESQL_DRIVER: Final = "psycopg"
POSTGRESQL_INSTALL: Final = "pip install 'pledges[postgresql]' installs it"


def is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def sqlite_path(url: URL) -> Path | None:
    """The file behind a SQLite URL, or None for other databases and in-memory ones."""
    if not is_sqlite(url) or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


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
    return _postgresql_url(url, shown)


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


def _postgresql_url(url: URL, shown: str) -> URL:
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


def read_engine(url: URL) -> Engine:
    """One more engine on a database, whose transactions only read."""
    if not is_sqlite(url):
        return create_engine(url, pool_pre_ping=True)
    return connections.engine(url, write=False)


def create_engines(url: URL) -> tuple[Engine, Engine]:
    """Two engines on one database: one whose transactions read, one whose transactions write."""
    if not is_sqlite(url):
        return create_engine(url, pool_pre_ping=True), create_engine(url, pool_pre_ping=True)
    return connections.engine(url, write=False), connections.engine(url, write=True)
