"""The report's ledgers: the sample (imported once per worker, copied for each test) and a
ledger of hostile text, some of it written as another tool would, past the schemas."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import fixtures
from db import schemas
from db.interchange import import_files
from db.ledger import Ledger
from tests.support.foreign import RAW
from tests.support.ledgers import ESCAPES, hostile_ledger, inject

#: A title a page must show as text, and that would set ``window.pwned`` if it ran.
SCRIPT_TITLE = "<script>window.pwned=1</script>"
#: Mathtext to matplotlib: must stay these characters on the charts.
MATH = "$x^2$"
JAVASCRIPT_URL = "javascript:alert(1)"
DATA_URL = "data:text/html,<script>alert(1)</script>"


@pytest.fixture(scope="session")
def sample_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report-sample") / "sample.sqlite"
    ledger = Ledger.open(path, author="importer")
    import_files(ledger, [fixtures.path()])
    ledger.close()
    return path


@pytest.fixture
def sample_path(sample_file: Path, tmp_path: Path) -> Path:
    target = tmp_path / "sample.sqlite"
    for suffix in ("", "-wal"):
        source = Path(str(sample_file) + suffix)
        if source.exists():
            shutil.copy(source, Path(str(target) + suffix))
    return target


@pytest.fixture
def sample(sample_path: Path) -> Iterator[Ledger]:
    ledger = Ledger.open(sample_path, author="tester")
    yield ledger
    ledger.close()


@pytest.fixture
def hostile_report(ledger: Ledger) -> Ledger:
    """The hostile ledger of the UI tests, plus what a web page must survive: a script in a
    title, mathtext in a pledger's name and a unit, links that are no web addresses, and the
    foreign tool's escapes in a title, a condition and a source."""
    hostile_ledger(ledger)
    ledger.create(schemas.Actor(code="XMATH", name=f"{MATH} {SCRIPT_TITLE}", kind="other"))
    ledger.create(schemas.Source(key="bad-link", title="Bad link", url=JAVASCRIPT_URL))
    ledger.create(schemas.Source(key="data-link", title="Data link", url=DATA_URL))
    ledger.create(
        schemas.Source(
            key="good-link", title="Good <b>link</b>", url="https://example.org/?a=1&b=2"
        )
    )
    ledger.create(schemas.Condition(key="script-condition", title=SCRIPT_TITLE))
    ledger.create(
        schemas.Pledge(
            key="hostile-script",
            title=SCRIPT_TITLE,
            pledger="XMATH",
            beneficiary="UKR",
            amount="1000",
            delivered="10",
            unit=f"{MATH} <b>",
            conditions=["script-condition"],
            sources=["bad-link", "data-link", "good-link"],
        )
    )
    inject(ledger, "conditions", "key", "commons-vote", "title", RAW)
    inject(ledger, "sources", "key", "elysee-2025-09-02", "title", RAW)
    inject(ledger, "pledges", "key", "gbr-troops", "title", RAW + " " + ESCAPES)
    return ledger
