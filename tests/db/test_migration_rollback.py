"""An upgrade that fails its foreign-key check writes nothing: the ledger stays at its old
revision, with none of the new schema, and its backup copy is what opening reports."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from db import migrate
from db.engines import create_engines, to_url
from db.ledger import Ledger


def test_a_failed_foreign_key_check_rolls_the_whole_upgrade_back(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    with Ledger.open(path, author="tester"):
        pass
    _reader, writer = create_engines(to_url(path))
    try:
        migrate.downgrade(writer, "0003")
        with sqlite3.connect(path) as connection:
            connection.execute("PRAGMA foreign_keys = OFF")
            # A dangling reference, as a foreign tool (or a bug) might have left it.
            connection.execute(
                "INSERT INTO pledge_tags (pledge_id, tag, position) VALUES (999, 'x', 0)"
            )
        with pytest.raises(RuntimeError, match="would break foreign keys"):
            migrate.upgrade(writer)
    finally:
        writer.dispose()
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [
            ("0003",)
        ]
        indexes = connection.execute(
            "SELECT name FROM sqlite_master WHERE name = 'ix_change_log_source_key'"
        ).fetchall()
    assert indexes == []
