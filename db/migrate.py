"""Bringing a ledger's schema up to date when it is opened.

A new ledger is created by running every migration. An older one is first copied with SQLite's
backup API (next to the ledger, named after its schema revision and the time), then upgraded in
one transaction with foreign keys off and a foreign-key check before commit (see
``migrations/env.py``). A ledger from a newer pledges is refused before anything is written.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@lru_cache(maxsize=1)
def known_revisions() -> tuple[str, ...]:
    """Every schema revision this version of pledges knows, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    return tuple(reversed([rev.revision for rev in script.walk_revisions()]))


def head() -> str:
    return known_revisions()[-1]


def backup_path(ledger: Path, revision: str | None) -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return ledger.with_name(
        f"{ledger.stem}.before-{revision or 'none'}-upgrade-{stamp}{ledger.suffix or '.sqlite'}"
    )


def upgrade(engine: Engine, target: str = "head") -> None:
    """Run the migrations up to ``target`` on the database behind ``engine``."""
    _run(engine, lambda config: command.upgrade(config, target))


def downgrade(engine: Engine, target: str) -> None:
    """Run migrations down to ``target`` (for developers and tests)."""
    _run(engine, lambda config: command.downgrade(config, target))


def _run(engine: Engine, action: object) -> None:
    config = alembic_config()
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Must be set outside any transaction; the migration's transaction begins after.
            raw.execute("PRAGMA foreign_keys = OFF")  # type: ignore[union-attr]
        try:
            config.attributes["connection"] = connection
            action(config)  # type: ignore[operator]
            if connection.in_transaction():
                connection.commit()
        finally:
            if sqlite:
                raw.execute("PRAGMA foreign_keys = ON")  # type: ignore[union-attr]
