"""What SQLite's errors mean, as sentences that say what to do.

Only a file SQLite calls "not a database" is called one: a valid ledger that cannot be opened
right now (a read-only folder, a full disk, a lock held elsewhere, no permission) is described
as such, so that nobody deletes a good ledger on bad advice.
"""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Final


def error_name(error: BaseException) -> str:
    """SQLite's name for an error (``SQLITE_BUSY``, ``SQLITE_READONLY_DIRECTORY``), else ''."""
    original = getattr(error, "orig", None) or error
    return str(getattr(original, "sqlite_errorname", "") or "")


def _message(error: BaseException) -> str:
    original = getattr(error, "orig", None) or error
    return str(original).strip().split("\n")[0]


def file_problem(path: Path, error: BaseException) -> str | None:
    """What an error opening, reading or writing the SQLite file at ``path`` means, as a
    sentence that says what to do; None for errors that are not about the file."""
    original = getattr(error, "orig", None) or error
    name = error_name(error)
    message = _message(error)
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
    message = _message(error)
    return message if message.lower().startswith(_TOO_COMPLEX) else None


def is_locked(error: BaseException) -> bool:
    """True when a database error means another writer holds the lock."""
    message = str(error).lower()
    return "database is locked" in message or "database is busy" in message
