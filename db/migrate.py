"""Bringing a ledger's schema up to date when it is opened.

A new ledger is created by running every migration. An older one is first copied with SQLite's
backup API (next to the ledger, named after its schema revision and the time), then upgraded in
one transaction with foreign keys off and a foreign-key check before commit (see
``migrations/env.py``). A ledger from a newer pledges is refused before anything is written.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Final

from sqlalchemy import Engine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"

#: Every schema revision this version of pledges knows, oldest first. Written out so that
#: opening an up-to-date ledger does not load Alembic (a tenth of a second at start-up); a
#: test checks it against the migration scripts.
KNOWN_REVISIONS: Final = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008")


def known_revisions() -> tuple[str, ...]:
    return KNOWN_REVISIONS


def head() -> str:
    return KNOWN_REVISIONS[-1]


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def script_revisions() -> tuple[str, ...]:
    """The revisions of the migration scripts themselves, oldest first (Alembic's view)."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return tuple(reversed([rev.revision for rev in script.walk_revisions()]))


def backup_path(ledger: Path, revision: str | None) -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return ledger.with_name(
        f"{ledger.stem}.before-{revision or 'none'}-upgrade-{stamp}{ledger.suffix or '.sqlite'}"
    )


def upgrade(engine: Engine, target: str = "head") -> None:
    """Run the migrations up to ``target`` on the database behind ``engine``."""
    from alembic import command

    _run(engine, lambda config: command.upgrade(config, target))


def downgrade(engine: Engine, target: str) -> None:
    """Run migrations down to ``target`` (for developers and tests)."""
    from alembic import command

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
