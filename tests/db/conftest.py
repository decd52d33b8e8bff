"""Fixtures of the ledger-core tests: two analysts, Ana and Ben, on one ledger."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from db.ledger import Ledger


@pytest.fixture
def ana(small: Ledger) -> Ledger:
    small.author = "ana"
    return small


@pytest.fixture
def ben(ana: Ledger) -> Iterator[Ledger]:
    opened = Ledger.open(ana.path, author="ben")
    yield opened
    opened.close()
