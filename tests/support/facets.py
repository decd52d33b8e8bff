"""The whole ledger's facet counts (kept by triggers) against counting the pledges
themselves, for the tests of the counts and of ``pledges check``."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import text

from db.ledger import Ledger
from db.sqlite import facet_counts


def kept(ledger: Ledger) -> Counter[tuple[str, object]]:
    with ledger._reader.connect() as connection:  # a test-only look at the raw table
        rows = connection.execute(
            text(f"SELECT facet, value, n FROM {facet_counts.TABLE} WHERE n != 0")
        ).all()
    return Counter({(facet, value): n for facet, value, n in rows})


def counted(ledger: Ledger) -> Counter[tuple[str, object]]:
    found: Counter[tuple[str, object]] = Counter()
    with ledger._reader.connect() as connection:
        for column in facet_counts.COUNTED_COLUMNS:
            for value, n in connection.execute(
                text(
                    f"SELECT {column}, count(*) FROM pledges WHERE {column} IS NOT NULL "
                    f"GROUP BY {column}"
                )
            ):
                found[(column, value)] = n
        for value, n in connection.execute(
            text("SELECT condition_id, count(*) FROM pledge_conditions GROUP BY condition_id")
        ):
            found[("condition", value)] = n
    return found


def agree(ledger: Ledger) -> None:
    assert kept(ledger) == counted(ledger)
    grouped = ledger.facets("-key:no-such-pledge")  # every pledge, counted the slow way
    whole = ledger.facets()
    assert whole.status == grouped.status and whole.condition == grouped.condition
    assert whole.pledger == grouped.pledger and whole.category == grouped.category
    assert ledger.count_pledges() == ledger.count_pledges("-key:no-such-pledge")
