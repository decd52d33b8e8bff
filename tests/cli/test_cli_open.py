"""Naming and opening a ledger: every ``--db`` a user can type gets a message that says what is
wrong and what to do, and a good ledger that cannot be opened right now is never called "not a
ledger" (a user might delete it on that advice)."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

import fixtures
from db.errors import LedgerBusyError
from db.ledger import Ledger
from db.sqlite import connections
from tests.support.cli_run import pledges

SAMPLE = str(fixtures.path())
NOT_A_LEDGER = "not a pledges ledger"


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("postgresql+nosuchdriver://db.example/ledger", "there is no PostgreSQL driver"),
        ("mysql://db.example/ledger", "pledges keeps ledgers in SQLite or PostgreSQL, not mysql"),
        ("foo://x", "pledges keeps ledgers in SQLite or PostgreSQL, not foo"),
        ("://x", "://x is not a database URL"),
        ("sqlite://", "names no file (an in-memory database would vanish"),
        ("sqlite:///:memory:", "names no file"),
        ("sqlite+aiosqlite:///x.sqlite", "with Python's own driver"),
        ("file:/x/ledger.sqlite", "is a file: URI, which pledges does not take"),
        ("file:ledger.sqlite", "is a file: URI"),
        ("", "the ledger's name is empty"),
    ],
)
def test_every_unsupported_db_form_says_what_to_give(tmp_path: Path, url: str, says: str) -> None:
    result = pledges("list", "--db", url, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("pledges: ") and says in result.stderr
    # ... and what to give instead.
    assert any(
        hint in result.stderr for hint in ("give a file path", "install it", "use sqlite:///")
    )
    assert "internal error" not in result.stderr and len(result.stderr.splitlines()) == 1
    assert "secret" not in result.stderr
    assert list(tmp_path.iterdir()) == []  # no ledger, no folder named file:


def test_sqlite_url_options_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    Ledger.open(path).close()
    before = path.read_bytes()
    result = pledges("import", "--db", f"sqlite:///{path}?mode=ro", SAMPLE)
    assert result.returncode == 1
    assert "takes no URL options (mode)" in result.stderr
    assert "Warning" not in result.stderr
    assert path.read_bytes() == before
    with Ledger.open(path) as ledger:
        assert ledger.count_pledges() == 0


def test_a_plain_sqlite_url_still_opens(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    assert pledges("import", "--db", f"sqlite:///{path}", SAMPLE).returncode == 0
    listed = pledges("list", "--db", f"sqlite:///{path}", "--limit", "1")
    assert listed.returncode == 0 and len(listed.stdout.splitlines()) == 2


@pytest.fixture
def sample_ledger(tmp_path: Path) -> Path:
    path = tmp_path / "ledger.sqlite"
    assert pledges("import", "--db", str(path), SAMPLE).returncode == 0
    return path


def test_a_ledger_in_a_read_only_folder_is_not_called_a_non_ledger(sample_ledger: Path) -> None:
    folder = sample_ledger.parent
    folder.chmod(0o555)
    try:
        result = pledges("list", "--db", str(sample_ledger), unprivileged=True)
    finally:
        folder.chmod(0o755)
    assert result.returncode == 1
    assert NOT_A_LEDGER not in result.stderr
    assert f"its folder {folder} is read-only" in result.stderr
    assert "nothing was changed" in result.stderr


def test_an_unreadable_ledger_is_not_called_a_non_ledger(sample_ledger: Path) -> None:
    sample_ledger.chmod(0o000)
    try:
        result = pledges("list", "--db", str(sample_ledger), unprivileged=True)
    finally:
        sample_ledger.chmod(0o600)
    assert result.returncode == 1
    assert NOT_A_LEDGER not in result.stderr
    assert "(permission denied); ask its owner for access" in result.stderr


def test_a_ledger_on_a_full_disk_is_not_called_a_non_ledger(sample_ledger: Path) -> None:
    # Opening needs room for the -shm file (32 kB); past 16 kB every write fails.
    result = pledges("list", "--db", str(sample_ledger), file_size_limit=16_000)
    assert result.returncode == 1
    assert NOT_A_LEDGER not in result.stderr
    assert f"the disk that holds {sample_ledger} is full" in result.stderr


def test_a_ledger_locked_elsewhere_is_reported_busy(
    sample_ledger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(connections, "BUSY_TIMEOUT_MS", 100)
    holder = sqlite3.connect(sample_ledger, isolation_level=None)
    try:
        holder.execute("PRAGMA locking_mode = EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        with pytest.raises(LedgerBusyError, match="is locked by another program") as raised:
            Ledger.open(sample_ledger, create=False)
    finally:
        holder.close()
    assert NOT_A_LEDGER not in str(raised.value)
    with Ledger.open(sample_ledger, create=False) as ledger:
        assert ledger.count_pledges() == 41


def _damage(path: Path, table: str) -> None:
    """Overwrite the first page of a table's b-tree with garbage, as a failing disk might."""
    connection = sqlite3.connect(path)
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    root = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,))
    page = root.fetchone()[0]
    connection.close()
    with path.open("r+b") as handle:
        handle.seek((page - 1) * page_size)
        handle.write(b"\x0d\xff\xff\xff" * 50)


@pytest.mark.parametrize("command", [["export"], ["export", "--format", "json"], ["list"]])
def test_a_damaged_page_is_reported_without_sql(sample_ledger: Path, command: list[str]) -> None:
    _damage(sample_ledger, "pledges")
    result = pledges(*command, "--db", str(sample_ledger))
    assert result.returncode == 1
    assert result.stderr == (
        f"pledges: cannot read the ledger: {sample_ledger} is damaged (SQLite: database disk "
        "image is malformed); restore it from a backup, or ask whoever keeps the ledger\n"
    )


def test_a_damaged_schema_is_reported_as_damage_not_as_a_non_ledger(sample_ledger: Path) -> None:
    with sample_ledger.open("r+b") as handle:
        handle.seek(100)  # the schema's own page, just past the file header
        handle.write(b"\x0d\xff\xff\xff" * 50)
    result = pledges("list", "--db", str(sample_ledger))
    assert result.returncode == 1
    assert NOT_A_LEDGER not in result.stderr and "is damaged" in result.stderr


@pytest.mark.parametrize("command", [["import", SAMPLE], ["list"]])
def test_a_pipe_or_a_device_is_not_taken_for_a_ledger(tmp_path: Path, command: list[str]) -> None:
    pipe = tmp_path / "pipe.sqlite"
    os.mkfifo(pipe)
    for db in (str(pipe), "/dev/null"):
        result = pledges(*command, "--db", db)
        assert result.returncode == 1
        assert result.stderr.startswith(f"pledges: {db} is a ")
        assert "not a ledger file; nothing was changed" in result.stderr
    assert stat.S_ISFIFO(pipe.lstat().st_mode)
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
