"""The schema of a SQLite ledger as SQLite lists it, and the checks SQLite makes of it."""

from __future__ import annotations

from typing import Any


def schema_rows(connection: Any) -> list[tuple[str, str, str, str | None]]:
    """Every object of the main schema as ``(type, name, table, sql)``: one read of
    ``sqlite_master``."""
    rows = connection.exec_driver_sql("SELECT type, name, tbl_name, sql FROM sqlite_master")
    return [(str(t), str(n), str(tb), None if s is None else str(s)) for t, n, tb, s in rows]


def quoted(name: str) -> str:
    """An identifier quoted for SQLite, whatever it holds (names read from a foreign schema)."""
    return '"' + name.replace('"', '""') + '"'


def foreign_key_problems(connection: Any) -> list[tuple[Any, ...]]:
    """Rows that break a foreign key (``PRAGMA foreign_key_check``)."""
    return [tuple(row) for row in connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()]
