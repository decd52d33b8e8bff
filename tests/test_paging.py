"""Keyset pages of the pledge list agree with a plain sort, in every direction, for every column."""

from __future__ import annotations

import random
from typing import Any

import pytest

from db import schemas
from db.ledger import Ledger
from db.records import SORT_COLUMNS, PledgeRow, Sort

N = 73


@pytest.fixture
def varied(small: Ledger) -> Ledger:
    """73 more pledges with ties, empty values and every status."""
    rng = random.Random(7)
    statuses = ["announced", "committed", "in_progress", "delivered", "stalled"]
    records = []
    for index in range(N):
        records.append(
            schemas.Pledge(
                key=f"p-{index:03d}",
                title=rng.choice(["Alpha", "beta", "Gamma", "alpha", "Ωmega", "[/]"]),
                pledger=rng.choice(["FRA", "GBR", "DEU", "USA"]),
                category=rng.choice([None, "troops", "funding", "equipment"]),
                status=rng.choice(statuses),
                announced=rng.choice([None, "2025", "2025-03", "2025-03-02", "2026-01-06"]),
                due=rng.choice([None, None, "2025-12", "2027"]),
                conditions=rng.choice([[], ["ceasefire"], ["us-backstop", "ceasefire"]]),
            )
        )
    small.save_records(records, label="test data")
    return small


def sort_key(row: PledgeRow, column: str) -> Any:
    return row.cursor.value


def expected_order(rows: list[PledgeRow], sort: Sort) -> list[str]:
    present = [r for r in rows if r.cursor.value is not None]
    absent = [r for r in rows if r.cursor.value is None]
    present.sort(key=lambda r: (r.cursor.value, r.cursor.tiebreak), reverse=sort.descending)
    absent.sort(key=lambda r: r.cursor.tiebreak, reverse=sort.descending)
    return [r.key for r in present + absent]


SORTS = [Sort(c, d) for c in SORT_COLUMNS for d in (False, True)]


@pytest.mark.parametrize(
    "sort", SORTS, ids=[f"{s.column}-{'desc' if s.descending else 'asc'}" for s in SORTS]
)
def test_keyset_walks_agree_with_a_plain_sort(varied: Ledger, sort: Sort) -> None:
    everything = varied.pledge_page(None, sort, limit=1000).rows
    order = expected_order(everything, sort)
    assert [r.key for r in everything] == order
    assert all(order[i : i + 1] for i in range(len(order)))

    # forward, 10 at a time
    walked: list[str] = []
    page = varied.pledge_page(None, sort, limit=10)
    walked += [r.key for r in page.rows]
    while page.more:
        page = varied.pledge_page(None, sort, limit=10, after=page.rows[-1].cursor)
        walked += [r.key for r in page.rows]
    assert walked == order

    # backward from the end, 7 at a time
    back: list[str] = []
    page = varied.pledge_page(None, sort, limit=7, from_end=True)
    back = [r.key for r in page.rows] + back
    while page.more:
        page = varied.pledge_page(None, sort, limit=7, before=page.rows[0].cursor)
        back = [r.key for r in page.rows] + back
    assert back == order

    # offsets from the start and from the end
    for offset in (0, 5, 33, 70, 77, 200):
        assert [
            r.key for r in varied.pledge_page(None, sort, limit=6, offset=offset).rows
        ] == order[offset : offset + 6]
    tail = varied.pledge_page(None, sort, limit=6, offset=4, from_end=True).rows
    assert [r.key for r in tail] == order[len(order) - 10 : len(order) - 4]

    # positions
    for key in (order[0], order[len(order) // 2], order[-1]):
        assert varied.pledge_position(key, None, sort) == order.index(key)


def test_empty_values_sort_last_in_both_directions(varied: Ledger) -> None:
    for descending in (False, True):
        rows = varied.pledge_page(None, Sort("due", descending), limit=1000).rows
        values = [r.due for r in rows]
        first_empty = values.index(None)
        assert all(v is None for v in values[first_empty:])


def test_pages_respect_the_filter(varied: Ledger) -> None:
    rows = varied.pledge_page("pledger:FRA status:committed", Sort("title"), limit=1000).rows
    assert rows and all(r.pledger == "FRA" and r.status == "committed" for r in rows)
    assert len(rows) == varied.count_pledges("pledger:FRA status:committed")
    assert varied.pledge_position("gbr-troops", "pledger:FRA") is None


def test_rows_carry_what_the_table_shows(small: Ledger) -> None:
    row = {r.key: r for r in small.pledge_page(limit=10).rows}["fra-reassurance-force"]
    assert (row.pledger, row.status, row.announced, row.category) == (
        "FRA",
        "committed",
        "2025-09",
        "troops",
    )
    assert row.conditions.label == "2 pending"
    assert row.conditional and not row.blocked and not row.overdue
    assert {r.key: r for r in small.pledge_page(limit=10).rows}["gbr-missiles"].overdue
