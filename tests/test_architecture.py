"""The layering the design promises: db/ stands alone, the CLI answers --help without loading it,
and every connection is set up the same way."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from db.ledger import Ledger

ROOT = Path(__file__).resolve().parent.parent


def modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(json.loads(out.splitlines()[-1]))


def test_db_never_imports_textual() -> None:
    loaded = modules_after(
        "import db, db.ledger, db.schemas, db.query, db.filters, db.history, db.reading, "
        "db.writing, db.migrate, db.paging, db.store, db.dialect, db.config"
    )
    assert not {m for m in loaded if m == "textual" or m.startswith("textual.")}


def test_db_sources_do_not_mention_textual() -> None:
    for path in (ROOT / "db").rglob("*.py"):
        source = path.read_text()
        assert "import textual" not in source and "from textual" not in source, path


def test_version_and_help_load_neither_the_ui_nor_the_database_layer() -> None:
    for argv in (["--version"], ["--help"]):
        loaded = modules_after(
            "import sys\nfrom tui.cli import main\n"
            f"try:\n    main({argv!r}, standalone_mode=False)\nexcept SystemExit:\n    pass"
        )
        heavy = {
            m for m in loaded if m.split(".")[0] in {"textual", "sqlalchemy", "pydantic", "alembic"}
        }
        assert heavy == set(), argv


def test_every_connection_is_set_up_the_same_way(ledger: Ledger) -> None:
    for engine in (ledger._reader, ledger._writer):
        with engine.connect() as connection:
            pragmas = {
                name: connection.execute(text(f"PRAGMA {name}")).scalar()
                for name in ("foreign_keys", "journal_mode", "synchronous", "busy_timeout")
            }
        assert pragmas == {
            "foreign_keys": 1,
            "journal_mode": "wal",
            "synchronous": 2,
            "busy_timeout": 10_000,
        }


def test_writes_begin_immediate_and_reads_begin_deferred(ledger: Ledger) -> None:
    statements: list[str] = []
    from sqlalchemy import event

    def record(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if statement.startswith("BEGIN"):
            statements.append(statement)

    for engine in (ledger._reader, ledger._writer):
        event.listen(engine, "before_cursor_execute", record)
    ledger.count_pledges()
    from db import schemas

    ledger.create(schemas.Actor(code="FRA", name="France", kind="state"))
    assert statements == ["BEGIN", "BEGIN IMMEDIATE"]


def test_the_api_returns_plain_objects_not_orm_instances(ledger: Ledger) -> None:
    from db import models, schemas

    ledger.create(schemas.Actor(code="FRA", name="France", kind="state"))
    for value in (ledger.actor("FRA"), ledger.actors(), ledger.facets(), ledger.pledge_page()):
        assert not isinstance(value, models.Base)
        for item in value if isinstance(value, list) else [value]:
            assert not isinstance(item, models.Base)
