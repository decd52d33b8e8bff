"""The files pledges writes beside the ledger: exports, backups, the ledger file itself.

Every one is written whole or not at all (into a temporary file in the same folder, moved in
place at the end), is private to its owner when new (``0600``: a ledger holds analysts' notes),
and lands only on a regular file: a device, a named pipe or a symbolic link at the target is
refused, never replaced by a file (nor written through, to wherever the link points). A file
that is replaced keeps the permissions its owner gave it.

The process umask is left alone: modes are given where each file is created.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Final

from .errors import FileTargetError

#: The mode of every file pledges creates: readable and writable by its owner only.
PRIVATE_MODE: Final = 0o600
#: What SQLite may leave next to a database file it was writing.
SQLITE_COMPANIONS: Final = ("-journal", "-wal", "-shm")
#: Errors of ``link()`` on a file system without hard links: then the move replaces instead.
_NO_LINKS: Final = frozenset({errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK})
#: A temporary file's name starts with the target's, cut so that it stays a legal name.
_NAME_KEPT: Final = 100

_KINDS: Final = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def check_target(target: Path, *, overwrite: bool) -> None:
    """Refuse to write ``target`` unless it is absent, or a regular file and ``overwrite``.

    Raises :class:`FileTargetError` saying what is there. A symbolic link is refused even when
    it points at a regular file: writing through it would change a file the analyst did not
    name (a link planted in a shared folder could aim at any of their files). A folder that
    does not exist is refused too, never made: a mistyped path must not grow a tree of folders.
    """
    try:
        info = target.lstat()
    except (FileNotFoundError, NotADirectoryError):
        check_folder(target)
        return
    if stat.S_ISLNK(info.st_mode):
        pointed = os.readlink(target)
        raise FileTargetError(
            target,
            f"{target} is a symbolic link (to {pointed}); pledges writes only to regular "
            "files, never through a link: give the path of the file itself",
        )
    if stat.S_ISDIR(info.st_mode):
        raise FileTargetError(target, f"{target} is a directory; give a file name")
    kind = special_kind(info.st_mode)
    if kind is not None:
        raise FileTargetError(
            target, f"{target} is {kind}, not a regular file; pledges writes only to files"
        )
    if not overwrite:
        raise FileTargetError(target, f"{target} already exists", exists=True)


def check_folder(target: Path) -> None:
    """Refuse ``target`` if the folder it would be written in does not exist (or is a file)."""
    folder = target.parent
    if folder.is_dir():
        return
    if os.path.lexists(folder):
        problem = f"{folder} is not a folder; give another path"
    else:
        problem = f"the folder {folder} does not exist; make it first, or give another path"
    raise FileTargetError(target, f"cannot write {target}: {problem}", no_folder=True)


def special_kind(mode: int) -> str | None:
    """What a file of this ``st_mode`` is when it is neither a regular file, a directory nor a
    link (``a named pipe (FIFO)``, ``a device``, ``a socket``); None otherwise."""
    for test, kind in _KINDS:
        if test(mode):
            return kind
    return None


def create_private(path: Path) -> None:
    """Create ``path`` as an empty file only its owner may read (it must not exist yet)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, PRIVATE_MODE)
    os.close(descriptor)


def remove_sqlite_file(path: Path) -> None:
    """Remove a database file pledges made and failed to finish, with what SQLite left by it."""
    for name in (str(path), *(str(path) + suffix for suffix in SQLITE_COMPANIONS)):
        with suppress(FileNotFoundError):
            os.unlink(name)


@contextmanager
def written_whole(target: Path, *, overwrite: bool) -> Iterator[Path]:
    """A new, empty, owner-only file next to ``target`` to write; moved in place when the
    block ends, removed (with anything SQLite made beside it) if the block fails.

    ``target`` is checked with :func:`check_target` before and again just before the move.
    Without ``overwrite`` the move never replaces a file that appeared meanwhile.
    """
    check_target(target, overwrite=overwrite)
    directory = target.parent if str(target.parent) else Path(".")
    handle, name = tempfile.mkstemp(
        prefix=f".{target.name[:_NAME_KEPT]}.", suffix=".partial", dir=directory
    )
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        _sync(temporary)
        check_target(target, overwrite=overwrite)
        _move_into_place(temporary, target, overwrite=overwrite)
    finally:
        remove_sqlite_file(temporary)


def _sync(path: Path) -> None:
    # The data must be on disk before the name points at it, or a crash just after the move
    # can leave an empty file where the old one was.
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _move_into_place(temporary: Path, target: Path, *, overwrite: bool) -> None:
    if overwrite:
        # A replaced file keeps its owner's choice of permissions; a new one stays private.
        with suppress(FileNotFoundError):
            os.chmod(temporary, stat.S_IMODE(target.stat().st_mode))
        os.replace(temporary, target)
        return
    try:
        # link() fails if the name exists: unlike a check and a rename, nothing can slip in.
        os.link(temporary, target)
    except FileExistsError:
        raise FileTargetError(target, f"{target} already exists", exists=True) from None
    except OSError as error:
        if error.errno not in _NO_LINKS:
            raise
        os.replace(temporary, target)


def read_only_problem(path: Path) -> str | None:
    """Why the ledger file at ``path`` can be read but not written, in a sentence that says
    what to do; None when pledges may write it (as far as the file system tells).

    SQLite opens such a ledger all the same and refuses only the first write; the UI asks
    this on opening, to say so at once rather than after an analyst typed a change.
    """
    folder = path.parent
    try:
        read_only_system = bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return None  # not there (yet), or not ours to look at: opening will say
    if read_only_system:
        return f"{path} is on a read-only file system; copy it elsewhere to change it"
    written = [path] + [
        companion
        for companion in (Path(f"{path}{suffix}") for suffix in ("-wal", "-shm"))
        if companion.exists()
    ]
    for file in written:
        if not os.access(file, os.W_OK):
            return (
                f"{file} is read-only for you; to change the ledger, make its files and "
                f"their folder {folder} writable"
            )
    return None


#: File suffix -> fixture format: the one table the importer, the CLI and the dialogs read
#: file names by.
FORMATS: Final = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".csv": "csv"}
#: Fixture format -> the suffix an exported file of that format is given.
SUFFIX_OF: Final = {"yaml": ".yaml", "json": ".json", "csv": ".csv"}
#: What to tell someone whose file name has none of the suffixes.
NAME_IT: Final = f"name it {', '.join(list(FORMATS)[:-1])} or {list(FORMATS)[-1]}"


def format_of(name: str | os.PathLike[str]) -> str | None:
    """The fixture format a file name implies (``yaml``, ``json``, ``csv``), or None."""
    return FORMATS.get(Path(name).suffix.lower())
