"""The files the command line writes: exports land only on regular files, new files are private
to their owner, and a failure leaves nothing behind (no half-written file, no stray copy)."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

import fixtures
from db import engines, files, migrate
from db.errors import FileTargetError, LedgerOpenError
from db.interchange import export_file
from db.ledger import Ledger
from db.sqlite import ledger_file
from tests.support.cli_run import pledges

SAMPLE = str(fixtures.path())


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The usual umask, under which a file made without an explicit mode is world-readable."""
    mask = os.umask(0o022)
    yield
    os.umask(mask)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- where an export may land -----------------------------------------------------------------


def _device(tmp_path: Path) -> Path:
    device = tmp_path / "null-device"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device node needs root")
    return device


@pytest.mark.parametrize("kind", ["fifo", "symlink", "device", "dangling symlink"])
def test_export_force_never_replaces_what_is_not_a_regular_file(
    small: Ledger, tmp_path: Path, kind: str
) -> None:
    passwd = tmp_path / "passwd"
    passwd.write_text("root:x:0:0::/root:/bin/sh\n")
    target = tmp_path / "target.yaml"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "symlink":
        target.symlink_to(passwd)
    elif kind == "dangling symlink":
        target.symlink_to(tmp_path / "nowhere.yaml")
    else:
        target = _device(tmp_path)
    before = target.lstat()
    for force in (["--force"], []):
        result = pledges(
            "export", "--db", str(small.path), "-o", str(target), "--format", "yaml", *force
        )
        assert result.returncode == 1, result
        assert "pledges writes only to" in result.stderr and "Traceback" not in result.stderr
    after = target.lstat()
    assert stat.S_IFMT(after.st_mode) == stat.S_IFMT(before.st_mode)
    assert after.st_ino == before.st_ino
    assert passwd.read_text() == "root:x:0:0::/root:/bin/sh\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_the_target_is_refused_before_the_ledger_is_read(tmp_path: Path) -> None:
    target = tmp_path / "pipe.yaml"
    os.mkfifo(target)
    # The ledger named does not exist: the refusal comes first (a large export would be made
    # in full before the writer refused it).
    result = pledges("export", "--db", str(tmp_path / "none.sqlite"), "-o", str(target))
    assert result.returncode == 1
    assert "is a named pipe (FIFO)" in result.stderr


def test_the_writer_the_ui_shares_refuses_a_pipe_too(small: Ledger, tmp_path: Path) -> None:
    target = tmp_path / "pipe.yaml"
    os.mkfifo(target)
    with pytest.raises(FileTargetError, match="named pipe"):
        export_file(small, "yaml", target)
    assert stat.S_ISFIFO(target.lstat().st_mode)


def test_an_export_without_force_never_replaces_a_file(small: Ledger, tmp_path: Path) -> None:
    target = tmp_path / "out.yaml"
    target.write_text("mine\n")
    with pytest.raises(FileTargetError, match="already exists"):
        export_file(small, "yaml", target, overwrite=False)
    assert target.read_text() == "mine\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_a_file_that_appears_at_the_last_moment_is_never_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.yaml"
    with (
        pytest.raises(FileTargetError, match="already exists"),
        files.written_whole(target, overwrite=False) as temporary,
    ):
        temporary.write_text("ours\n")
        # A colleague's file lands after the last check: only the move itself can refuse.
        target.write_text("theirs\n")
        monkeypatch.setattr(files, "check_target", lambda *_, **__: None)
    assert target.read_text() == "theirs\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.yaml"]


def test_an_export_that_fills_the_disk_leaves_the_old_file_whole(
    small: Ledger, tmp_path: Path
) -> None:
    target = tmp_path / "out.yaml"
    target.write_text("the previous export\n")
    # Past 40 kB every write fails as on a full disk: the ledger opens, the export does not fit.
    big = tmp_path / "big.sqlite"
    pledges("import", "--db", str(big), SAMPLE)
    result = pledges(
        "export", "--db", str(big), "-o", str(target), "--force", file_size_limit=40_000
    )
    assert result.returncode == 1
    assert result.stderr.startswith(f"pledges: cannot write {target}: File too large")
    assert target.read_text() == "the previous export\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


# -- permissions ------------------------------------------------------------------------------


def test_a_new_ledger_and_its_wal_and_shm_are_private(tmp_path: Path, umask_022: None) -> None:
    path = tmp_path / "new.sqlite"
    with Ledger.open(path) as ledger:
        ledger.revision()
        # While it is open the ledger has its -wal and -shm files, made by SQLite after it.
        for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            assert _mode(name) == 0o600, name


def test_an_existing_ledger_keeps_the_permissions_its_owner_gave_it(
    tmp_path: Path, umask_022: None
) -> None:
    path = tmp_path / "shared.sqlite"
    Ledger.open(path).close()
    path.chmod(0o660)
    result = pledges("import", "--db", str(path), SAMPLE)
    assert result.returncode == 0, result.stderr
    assert _mode(path) == 0o660


def test_exports_and_backups_are_private(small: Ledger, tmp_path: Path, umask_022: None) -> None:
    db = str(small.path)
    assert pledges("export", "--db", db, "-o", str(tmp_path / "out.csv")).returncode == 0
    assert pledges("backup", "--db", db, str(tmp_path / "copy.sqlite")).returncode == 0
    forced = tmp_path / "forced.json"
    assert pledges("export", "--db", db, "-o", str(forced), "--force").returncode == 0
    assert _mode(tmp_path / "out.csv") == 0o600
    assert _mode(forced) == 0o600
    assert _mode(tmp_path / "copy.sqlite") == 0o600
    (tmp_path / "out.csv").chmod(0o644)
    assert pledges("export", "--db", db, "-o", str(tmp_path / "out.csv"), "--force").returncode == 0
    assert _mode(tmp_path / "out.csv") == 0o644


# -- leftovers --------------------------------------------------------------------------------


def test_a_failed_backup_leaves_nothing_behind(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.sqlite"
    assert pledges("import", "--db", str(ledger), SAMPLE).returncode == 0
    backups = tmp_path / "backups"
    backups.mkdir()
    result = pledges(
        "backup", "--db", str(ledger), str(backups / "b.sqlite"), file_size_limit=100_000
    )
    assert result.returncode == 1
    assert "cannot write the backup to" in result.stderr and "nothing was written" in result.stderr
    assert list(backups.iterdir()) == []


def _older_ledger(path: Path, tamper: str) -> None:
    """A ledger of schema 0002, changed behind pledges' back by one SQL statement."""
    _, writer = engines.create_engines(engines.to_url(path))
    try:
        migrate.upgrade(writer, "0002")
    finally:
        writer.dispose()
    connection = sqlite3.connect(path)  # foreign keys are off on a plain connection
    with connection:
        connection.execute(tamper)
    connection.close()


def _beside(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if not p.name.startswith(f"{path.name}-"))


def test_failed_upgrades_leave_no_copies_behind(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    # The upgrade to 0003 creates this table: here it fails, and its transaction rolls back.
    _older_ledger(path, "CREATE TABLE pledge_facet_counts (x)")
    for _ in range(3):
        with pytest.raises(LedgerOpenError, match=r"cannot upgrade the ledger .*left as it was"):
            Ledger.open(path)
    assert _beside(path) == ["old.sqlite"]
    assert ledger_file.inspect_file(path).revision == "0002"


def test_an_upgrade_that_fails_its_foreign_key_check_rolls_back(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    # A dangling reference fails the foreign-key check that follows the migrations; the
    # migrations run in the same transaction, so the ledger stays at 0002 and no copy is left.
    _older_ledger(path, "INSERT INTO pledge_tags (pledge_id, tag, position) VALUES (999, 'x', 0)")
    with pytest.raises(LedgerOpenError, match=r"foreign keys.*left as it was"):
        Ledger.open(path)
    assert _beside(path) == ["old.sqlite"]
    assert ledger_file.inspect_file(path).revision == "0002"


def test_a_failed_new_ledger_leaves_no_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    # The new ledger's first pages do not fit under the limit.
    result = pledges("import", "--db", str(path), SAMPLE, file_size_limit=20_000)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert not path.exists() and not Path(f"{path}-wal").exists()


@pytest.mark.parametrize("contents", ["an empty file", "an empty SQLite database"])
def test_read_only_commands_never_turn_a_file_into_a_ledger(tmp_path: Path, contents: str) -> None:
    path = tmp_path / "empty.sqlite"
    if contents == "an empty file":
        path.touch()
    else:
        connection = sqlite3.connect(path)
        connection.execute("PRAGMA user_version = 7")  # writes the header, and no table
        connection.close()
    before = path.read_bytes()
    for command in (["list"], ["export"], ["backup", str(tmp_path / "b.sqlite")], ["undo"]):
        result = pledges(*command, "--db", str(path))
        assert result.returncode == 1, (command, result)
        assert f"there is no ledger at {path} ({contents})" in result.stderr
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.sqlite"]
