"""Migrations: they create every ledger, agree with the models, upgrade safely, refuse the unknown."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from db import dialect, engines, migrate
from db.errors import LedgerOpenError
from db.ledger import Ledger
from db.sqlite import ledger_file
from db.tables import Base


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_models_and_migrations_agree(ledger: Ledger) -> None:
    engine = create_engine(ledger.url)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": dialect.include_in_migrations, "compare_type": True}
        )
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()


def test_the_written_out_revisions_match_the_migration_scripts() -> None:
    assert migrate.script_revisions() == migrate.KNOWN_REVISIONS


def test_opening_an_up_to_date_ledger_does_not_load_alembic(ledger: Ledger) -> None:
    import subprocess
    import sys

    code = (
        f"import sys; from db.ledger import Ledger; Ledger.open({str(ledger.path)!r}).close(); "
        "print(any(m == 'alembic' or m.startswith('alembic.') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_new_ledger_is_at_the_head_revision(ledger: Ledger) -> None:
    assert ledger.path is not None
    assert ledger_file.inspect_file(ledger.path).revision == migrate.head()


def test_upgrade_downgrade_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "cycle.sqlite"
    _, writer = engines.create_engines(engines.to_url(path))
    try:
        migrate.upgrade(writer)
        migrate.downgrade(writer, "base")
        tables = {t for t in ledger_file.inspect_file(path).tables if not t.startswith("sqlite_")}
        assert tables == {"alembic_version"}
        migrate.upgrade(writer)
        assert ledger_file.inspect_file(path).revision == migrate.head()
    finally:
        writer.dispose()
    with Ledger.open(path) as ledger:
        assert ledger.count_pledges() == 0


def test_an_older_ledger_is_backed_up_then_upgraded_keeping_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    _, writer = engines.create_engines(engines.to_url(path))
    migrate.upgrade(writer, "0001")  # a ledger from before full-text search
    with writer.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO actors (code, name, kind, version, updated_at) VALUES ('FRA', 'France', 'state', 1, 'x')"
        )
        connection.exec_driver_sql(
            "INSERT INTO pledges (key, title, pledger, status, confidence, conditions_total, conditions_open, "
            "conditions_failed, conditions_state, version, updated_at) VALUES "
            "('old-pledge', 'Reassurance force', 'FRA', 'announced', 'reported', 0, 0, 0, 0, 1, 'x')"
        )
    writer.dispose()
    with Ledger.open(path) as ledger:
        assert ledger.matching_pledge_keys("reassurance") == ["old-pledge"]
    backups = list(tmp_path.glob("old.before-0001-upgrade-*.sqlite"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
        assert connection.execute("SELECT key FROM pledges").fetchall() == [("old-pledge",)]


def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("these are my notes, not a database\n" * 50)
    before = digest(path)
    with pytest.raises(LedgerOpenError, match=r"not a pledges ledger .*not a SQLite database"):
        Ledger.open(path)
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.sqlite"]


def test_another_apps_sqlite_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE recipes (name TEXT)")
    before = digest(path)
    with pytest.raises(
        LedgerOpenError, match=r"SQLite database but not a pledges ledger .*recipes"
    ):
        Ledger.open(path)
    assert digest(path) == before


def test_a_ledger_from_a_newer_pledges_is_refused_untouched(ledger: Ledger) -> None:
    path = ledger.path
    assert path is not None
    ledger.close()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = digest(path)
    with pytest.raises(
        LedgerOpenError, match=r"newer version of pledges .*schema 9999.*Nothing was changed"
    ):
        Ledger.open(path)
    assert digest(path) == before
    assert not list(path.parent.glob("*.before-*"))


def test_a_missing_ledger_is_created_only_when_asked(tmp_path: Path) -> None:
    with pytest.raises(LedgerOpenError, match="there is no ledger at"):
        Ledger.open(tmp_path / "missing.sqlite", create=False)
    assert not (tmp_path / "missing.sqlite").exists()
    with Ledger.open(tmp_path / "deep" / "new.sqlite") as ledger:
        assert ledger.count_pledges() == 0


def test_a_directory_is_not_a_ledger(tmp_path: Path) -> None:
    with pytest.raises(LedgerOpenError, match="is a directory"):
        Ledger.open(tmp_path)
