"""Opening a ledger: the file checked before anything is written, a new ledger made, an older
one backed up and upgraded, and the schema compared with the one pledges makes.

A file that is not a ledger, or is from a newer pledges, is refused with
:class:`LedgerOpenError` and left untouched. When making or upgrading a ledger fails, what
was made is removed again (a new file, a copy that duplicates an upgrade rolled back) and the
message says what happened and what is left.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError

from . import engines, files, migrate, schema
from .errors import (
    FileTargetError,
    LedgerBusyError,
    LedgerError,
    LedgerOpenError,
    NoLedgerError,
    reason,
)
from .sqlite import ledger_file
from .sqlite.errors import file_problem, is_locked


def open_engines(url: URL, *, create: bool, trust_schema: bool) -> tuple[Engine, Engine]:
    """The read and write engines of the ledger at ``url``, made (with ``create``) or
    upgraded as needed; see :meth:`db.ledger.Ledger.open`."""
    path = engines.sqlite_path(url)
    revision: str | None = None
    created = path is not None and not os.path.lexists(path)
    if path is not None:
        revision = _check_file(path, create=create)
    read_engine, write_engine = engines.create_engines(url)
    saved: Path | None = None
    try:
        if path is None or revision != migrate.head():
            if path is not None and revision is not None:
                saved = migrate.backup_path(path, revision)
                try:
                    ledger_file.backup(path, saved)
                except BaseException:
                    saved = None  # the failed copy removed itself
                    raise
            migrate.upgrade(write_engine)
    except BaseException as error:
        _dispose(read_engine, write_engine)
        kept = saved
        if created and path is not None:
            files.remove_sqlite_file(path)
        elif saved is not None and path is not None and _still_at(path, revision):
            # The upgrade rolled back, so the copy made before it is a duplicate of the
            # ledger, and each retry would add another.
            saved.unlink(missing_ok=True)
            kept = None
        if not isinstance(error, _OPENING_ERRORS):
            raise
        raise LedgerOpenError(_open_problem(path, url, revision, saved, kept, error)) from None
    if path is not None and not trust_schema:
        try:
            with read_engine.connect() as connection:
                refused = schema.check(connection, path)
        except BaseException:
            _dispose(read_engine, write_engine)
            raise
        if refused:
            _dispose(read_engine, write_engine)
            raise LedgerOpenError(refused)
    return read_engine, write_engine


def _dispose(*made: Engine) -> None:
    for engine in made:
        engine.dispose()


def _check_file(path: Path, *, create: bool) -> str | None:
    """Refuse files that are not ledgers, or are from a newer pledges; return the revision.

    With ``create`` a missing file is made (private to its owner: a ledger holds analysts'
    notes) and an empty one is taken as a new ledger; without it, only an existing ledger is
    opened, and nothing is ever written to a file that is not one yet.
    """
    if path.is_dir():
        raise LedgerOpenError(f"{path} is a directory, not a ledger file")
    if path.is_symlink() and not path.exists():
        raise LedgerOpenError(
            f"{path} is a symbolic link to {os.readlink(path)}, which does not exist"
        )
    if path.exists() and (kind := files.special_kind(path.stat().st_mode)) is not None:
        # SQLite would read or write it as if it were a file, and fail as a "disk I/O error".
        raise LedgerOpenError(f"{path} is {kind}, not a ledger file; nothing was changed")
    if not path.exists():
        if not create:
            raise NoLedgerError(
                path,
                f"there is no ledger at {path}; `pledges import` or the terminal UI "
                "(when you confirm) makes one there",
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            files.create_private(path)
        except OSError as error:
            problem = file_problem(path, error) or reason(error)
            raise LedgerOpenError(f"cannot create the ledger {path}: {problem}") from None
        return None
    try:
        info = ledger_file.inspect_file(path)
    except (OSError, sqlite3.Error) as error:
        problem = file_problem(path, error) or f"cannot read {path}: {reason(error)}"
        if is_locked(error):
            raise LedgerBusyError(f"{problem}; nothing was changed") from None
        raise LedgerOpenError(f"{problem}; nothing was changed") from None
    if not info.is_sqlite:
        raise LedgerOpenError(
            f"{path} is not a pledges ledger (it is not a SQLite database); nothing was changed"
        )
    if info.revision is None:
        other = sorted(t for t in info.tables if not t.startswith("sqlite_"))
        if other:
            raise LedgerOpenError(
                f"{path} is a SQLite database but not a pledges ledger (it holds "
                f"tables {', '.join(other[:5])}); nothing was changed"
            )
        if not create:
            empty = "an empty file" if path.stat().st_size == 0 else "an empty SQLite database"
            raise NoLedgerError(
                path,
                f"there is no ledger at {path} ({empty}); `pledges import` or the terminal UI "
                "(when you confirm) makes one there. Nothing was changed",
            )
        return None
    if info.revision not in migrate.known_revisions():
        raise LedgerOpenError(
            f"{path} was written by a newer version of pledges (schema {info.revision}; this "
            f"version knows up to {migrate.head()}); upgrade pledges to open it. Nothing was changed"
        )
    return info.revision


#: What opening a ledger can meet that is about the database, not a mistake of ours (the
#: migrations' environment raises RuntimeError for a ledger whose references are broken).
_OPENING_ERRORS = (SQLAlchemyError, OSError, sqlite3.Error, LedgerError, RuntimeError)


def _still_at(path: Path, revision: str | None) -> bool:
    """True when the ledger is known to be at ``revision`` still (a failed upgrade rolled back)."""
    try:
        return ledger_file.inspect_file(path).revision == revision
    except (OSError, sqlite3.Error):
        return False


def _open_problem(
    path: Path | None,
    url: URL,
    revision: str | None,
    saved: Path | None,
    kept: Path | None,
    error: Exception,
) -> str:
    """Why opening failed after the file checks: making a new ledger, the copy before an
    upgrade, or the upgrade itself."""
    if isinstance(error, FileTargetError | LedgerError):
        why = str(error)
    else:
        why = (file_problem(path, error) if path else None) or reason(error)
    name = path or url.render_as_string(hide_password=True)
    if path is None:
        return f"cannot open the ledger {name}: {why}"
    if revision is None:
        return f"cannot make a new ledger at {name}: {why}"
    if saved is None:
        return (
            f"cannot upgrade the ledger {name}: the copy made before an upgrade failed "
            f"({why}); the ledger was not changed"
        )
    if kept is None:
        return f"cannot upgrade the ledger {name}: {why}; it was left as it was"
    return (
        f"the upgrade of the ledger {name} failed after it was written ({why}); "
        f"the copy made before it is {kept}"
    )
