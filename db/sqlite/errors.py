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


#: What an error about a ledger file means, by the start of SQLite's name for it, first match
#: first: ``{path}``, ``{folder}``, ``{name}`` (the file's), ``{message}`` (SQLite's words) and
#: ``{code}`` (SQLite's name) are filled in.
_FILE_PROBLEMS: Final = (
    ("SQLITE_NOTADB", "{path} is not a pledges ledger (it is not a SQLite database)"),
    (
        "SQLITE_CORRUPT",
        "{path} is damaged (SQLite: {message}); restore it from a backup, or ask whoever keeps "
        "the ledger",
    ),
    (
        ("SQLITE_BUSY", "SQLITE_LOCKED"),
        "{path} is locked by another program (SQLite: {message}); try again when it has "
        "finished, or close the program that holds it",
    ),
    (
        "SQLITE_READONLY_DIRECTORY",
        "SQLite cannot open {path}: its folder {folder} is read-only, and SQLite must make "
        "{name}-wal and {name}-shm beside a ledger even to read it; make the folder writable, "
        "or copy the ledger into one that is",
    ),
    (
        "SQLITE_READONLY",
        "{path} is read-only for you (SQLite: {message}); to change it, make the file and its "
        "folder {folder} writable",
    ),
    (
        "SQLITE_CANTOPEN",
        "SQLite cannot open {path} (SQLite: {message}): check that you may read it and write "
        "to its folder {folder}, where SQLite keeps {name}-wal and {name}-shm",
    ),
    (
        ("SQLITE_FULL", "SQLITE_IOERR_SHMSIZE"),
        "the disk that holds {path} is full; free some space and try again",
    ),
    (
        "SQLITE_IOERR",
        "the disk failed while SQLite used {path} (SQLite: {message}, {code}); check the disk, "
        "then try again",
    ),
    (
        ("SQLITE_PERM", "SQLITE_AUTH"),
        "you may not use {path} (SQLite: {message}); ask its owner for access",
    ),
)


def file_problem(path: Path, error: BaseException) -> str | None:
    """What an error opening, reading or writing the SQLite file at ``path`` means, as a
    sentence that says what to do; None for errors that are not about the file."""
    original = getattr(error, "orig", None) or error
    code = error_name(error)
    if isinstance(original, OSError) and not code:
        return _os_problem(path, original)
    for names, problem in _FILE_PROBLEMS:
        if code and code.startswith(names):
            return problem.format(
                path=path, folder=path.parent, name=path.name, message=_message(error), code=code
            )
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
