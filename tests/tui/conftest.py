"""Fixtures of the browser's tests: the ledgers the screens show (built by
:mod:`tests.support.tui`), another connection to one, and the sample ledger.

The helpers the tests call (``make_app``, ``settle``, ``wait_for``, ...) are in
:mod:`tests.support.tui`.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import fixtures
from db.interchange import import_files
from db.ledger import Ledger
from tests.support.foreign import write_as_another_tool
from tests.support.tui import add_pledges, browser_ledger, freeze


@pytest.fixture(autouse=True)
def patient_palette(monkeypatch: pytest.MonkeyPatch) -> None:
    """The palette waits for the ledger a few hundredths of a second per keystroke; on a
    machine busy with other tests a search of even these small ledgers can take longer, and a
    test would then miss the hits it types for. The tests of that budget set their own."""
    monkeypatch.setattr("tui.commands.SEARCH_SECONDS", 10.0)


@pytest.fixture
def browser(ledger: Ledger) -> Ledger:
    browser_ledger(ledger)
    return ledger


@pytest.fixture
def foreign(browser: Ledger, ledger_path: Path) -> Ledger:
    """The browser ledger, then hostile text written into its file by another tool."""
    write_as_another_tool(ledger_path)
    return browser


@pytest.fixture
def big(ledger: Ledger) -> Ledger:
    """The browser ledger with 600 more pledges: seven pages of the table."""
    browser_ledger(ledger)
    add_pledges(ledger, 600)
    freeze(ledger)
    return ledger


@pytest.fixture
def second(ledger_path: Path) -> Iterator[Ledger]:
    """Another connection to the same ledger, as a colleague or a CLI import would have."""
    other = Ledger.open(ledger_path, author="colleague", create=False)
    yield other
    other.close()


@pytest.fixture(scope="session")
def sample_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample ledger (fixtures/coalition-of-the-willing.yaml), imported once per worker."""
    path = tmp_path_factory.mktemp("sample") / "sample.sqlite"
    ledger = Ledger.open(path, author="importer")
    import_files(ledger, [fixtures.path()])
    ledger.close()
    return path


@pytest.fixture
def sample(sample_file: Path, tmp_path: Path) -> Iterator[Ledger]:
    """A fresh copy of the sample ledger for one test."""
    target = tmp_path / "sample.sqlite"
    for suffix in ("", "-wal"):
        source = Path(str(sample_file) + suffix)
        if source.exists():
            shutil.copy(source, Path(str(target) + suffix))
    ledger = Ledger.open(target, author="tester")
    yield ledger
    ledger.close()
