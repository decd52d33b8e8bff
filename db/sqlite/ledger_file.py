"""A ledger file looked at, copied and checked with Python's ``sqlite3``, outside the engines.

Looking at a file never changes a byte of it (it is opened read-only), so that a file that is
not a ledger, or is from a newer pledges, can be refused untouched.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from .. import files
from . import connections
from .errors import error_name

SQLITE_HEADER: Final = b"SQLite format 3\x00"


@dataclass(frozen=True)
class FileInfo:
    """What a ledger file is, found without changing a byte of it."""

    exists: bool
    is_sqlite: bool
    tables: frozenset[str]
    revision: str | None


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(
        f"{path.absolute().as_uri()}?mode=ro",
        uri=True,
        timeout=connections.BUSY_TIMEOUT_MS / 1000,
    )


def inspect_file(path: Path) -> FileInfo:
    """Look at a file read-only: is it SQLite, which tables, which schema revision.

    Only a file that is not SQLite at all comes back with ``is_sqlite`` false. A database that
    cannot be read now (permissions, a lock held elsewhere, a full disk, damage) raises the
    :class:`OSError` or :class:`sqlite3.Error` that says so (see
    :func:`db.sqlite.errors.file_problem`): a user told that a good ledger "is not a
    database" might delete it.
    """
    if not path.exists() or path.stat().st_size == 0:
        return FileInfo(
            exists=path.exists(), is_sqlite=path.exists(), tables=frozenset(), revision=None
        )
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        return FileInfo(exists=True, is_sqlite=False, tables=frozenset(), revision=None)
    connection = _read_only(path)
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
        if error_name(error) != "SQLITE_NOTADB":
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
    src = _read_only(source)
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


def integrity_check(path: Path) -> str:
    """``ok``, or SQLite's description of what is damaged."""
    connection = sqlite3.connect(path, timeout=connections.BUSY_TIMEOUT_MS / 1000)
    try:
        rows = connection.execute("PRAGMA integrity_check").fetchall()
    finally:
        connection.close()
    return "; ".join(str(row[0]) for row in rows)
