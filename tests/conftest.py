"""Shared fixtures: every test gets its own ledger in ``tmp_path`` and an isolated environment
(no user config, no user ledger, a fixed analyst name)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from db.ledger import Ledger
from tests.support.ledgers import hostile_ledger as build_hostile
from tests.support.ledgers import small_ledger as build_small


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLEDGES_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("PLEDGES_AUTHOR", "tester")
    monkeypatch.setenv("PLEDGES_DB", str(tmp_path / "default-ledger.sqlite"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.delenv("PLEDGES_DEBUG", raising=False)


@pytest.fixture
def ledger_path(tmp_path: Path) -> Path:
    return tmp_path / "ledger.sqlite"


@pytest.fixture
def ledger(ledger_path: Path) -> Iterator[Ledger]:
    opened = Ledger.open(ledger_path, author="tester")
    yield opened
    opened.close()


@pytest.fixture
def small(ledger: Ledger) -> Ledger:
    return build_small(ledger)


@pytest.fixture
def hostile(ledger: Ledger) -> Ledger:
    return build_hostile(ledger)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Any]:
    """A throw-away PostgreSQL server of this test process (started on first use)."""
    from tests.support.postgres import server

    with server() as running:
        yield running


@pytest.fixture
def postgres_url(postgres_server: Any) -> Iterator[str]:
    """The URL of an empty PostgreSQL database of this test's own."""
    with postgres_server.database() as url:
        yield url
