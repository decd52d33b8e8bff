"""The same core on PostgreSQL: a throw-away server the tests start (see
``tests/support/postgres.py``), an empty database for each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from db.ledger import Ledger
from tests.support.ledgers import small_ledger


@pytest.fixture
def pg(postgres_url: str) -> Iterator[Ledger]:
    ledger = Ledger.open(postgres_url, author="tester")
    yield small_ledger(ledger)
    ledger.close()


def test_queries_pages_and_facets(pg: Ledger) -> None:
    assert pg.count_pledges("status:committed is:conditional") == 2
    assert set(pg.matching_pledge_keys("troops -france")) == {"gbr-troops"}
    assert set(pg.matching_pledge_keys("announced:>=2025-09")) == {
        "fra-reassurance-force",
        "deu-neighbouring-territory",
    }
    rows = pg.pledge_page(None, limit=2).rows
    following = pg.pledge_page(None, limit=10, after=rows[-1].cursor).rows
    assert following[0].key == "gbr-missiles"
    assert {f.value for f in pg.facets("beneficiary:UKR").pledger} == {"GBR", "FRA", "USA"}


def test_history_undo_and_the_past(pg: Ledger) -> None:
    pg.change_status("condition", "ceasefire", "met", note="signed")
    pg.undo()
    assert pg.condition("ceasefire").condition.status == "pending"
    pg.redo()
    assert pg.status_as_of("pledge", "fra-reassurance-force", "2025-06") == "announced"
    freed = {b.key for b in pg.what_if("us-backstop", "met").becomes_unconditional}
    assert freed == {"usa-air-support", "fra-reassurance-force", "deu-neighbouring-territory"}


def test_coalitions_condition_titles_flags_and_hints(pg: Ledger) -> None:
    from db import schemas

    pg.create(schemas.Pledge(key="cow-fund", title="Fund", pledger="COW", beneficiary="UKR"))
    assert set(pg.matching_pledge_keys("pledger:FRA+")) == {"fra-reassurance-force", "cow-fund"}
    # The LIKE fallback finds words in the pledges' conditions' titles too.
    assert set(pg.matching_pledge_keys('"U.S. support"')) == {
        "fra-reassurance-force",
        "usa-air-support",
        "deu-neighbouring-territory",
    }
    assert pg.count_pledges('"U.S. support"') == 3
    assert pg.count_pledges("-confirmation") == 3
    pg.change_status("pledge", "usa-air-support", "withdrawn", note="retracted")
    assert "usa-air-support" not in pg.matching_pledge_keys("is:conditional")
    assert [b.key for b in pg.what_if("us-backstop", "met").closed] == ["usa-air-support"]
    assert pg.query_hints("pledger:Frnace")[0].suggestion == "FRA"
    assert pg.query_hints("tag:ukefx")[0].suggestion == "ukef"
