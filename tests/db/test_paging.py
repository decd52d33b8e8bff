"""Keyset pages of the pledge list agree with a plain sort, in every direction, for every column."""

from __future__ import annotations

import random
from typing import Any

import pytest

from db import schemas
from db.api_types import SORT_COLUMNS, Sort
from db.ledger import Ledger

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


#: The small ledger's pledges, in the order it creates them (before the 73 of ``varied``).
SMALL_KEYS = [
    "fra-reassurance-force",
    "gbr-troops",
    "gbr-missiles",
    "usa-air-support",
    "deu-neighbouring-territory",
]


def expected_order(ledger: Ledger, sort: Sort) -> list[str]:
    """The display order worked out in Python from the records themselves, as the table
    promises it: by the column's value, ties in the order the pledges were added (reversed
    when descending), empty values last in both directions. Nothing here reads the paging
    code's own sort values or cursors."""
    records = {r.record_key: r for r in ledger.records("pledge")}
    condition_status = {c.record_key: c.status for c in ledger.records("condition")}
    added = SMALL_KEYS + [f"p-{i:03d}" for i in range(N)]
    assert sorted(added) == sorted(records)

    def value(key: str) -> Any:
        record = records[key]
        if sort.column == "conditions":  # none < all resolved < conditional < blocked
            statuses = [condition_status[c] for c in record.conditions]
            if "failed" in statuses:
                return 3
            if any(s in ("pending", "partially_met") for s in statuses):
                return 2
            return 1 if statuses else 0
        if sort.column == "updated":
            # The small ledger's creations are separate writes; the 73 share one import
            # batch, hence one time: creation order is the order of the times.
            return min(added.index(key), len(SMALL_KEYS))
        return getattr(record, sort.column)

    present = [k for k in added if value(k) is not None]
    absent = [k for k in added if value(k) is None]
    # Python's sort is stable: ties keep creation order, then reversing reverses them too.
    present.sort(key=value)
    if sort.descending:
        present.reverse()
        absent.reverse()
    return present + absent


SORTS = [Sort(c, d) for c in SORT_COLUMNS for d in (False, True)]


@pytest.mark.parametrize(
    "sort", SORTS, ids=[f"{s.column}-{'desc' if s.descending else 'asc'}" for s in SORTS]
)
def test_keyset_walks_agree_with_a_plain_sort(varied: Ledger, sort: Sort) -> None:
    order = expected_order(varied, sort)
    everything = varied.pledge_page(None, sort, limit=1000).rows
    assert [r.key for r in everything] == order

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


def test_a_pledge_is_overdue_only_once_its_whole_due_period_has_passed(
    small: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A partial due date is a period: "2025-12" is due by the end of December, so on
    # 15 December it is not overdue yet; an open pledge due on the 14th is.
    monkeypatch.setattr("db.ledger.today_date", lambda: "2025-12-15")
    due = {
        "due-2024": ("2024", "committed"),
        "due-2025-11": ("2025-11", "in_progress"),
        "due-2025-12-14": ("2025-12-14", "announced"),
        "due-2025-12-15": ("2025-12-15", "committed"),
        "due-2025-12": ("2025-12", "stalled"),
        "due-2025": ("2025", "committed"),
        "due-2026-01": ("2026-01", "committed"),
        "delivered-2025-11": ("2025-11", "delivered"),
        "withdrawn-2024": ("2024", "withdrawn"),
    }
    small.save_records(
        [
            schemas.Pledge(key=key, title=f"Due {date}", pledger="GBR", due=date, status=status)
            for key, (date, status) in due.items()
        ],
        label="due dates",
    )
    overdue = ["due-2024", "due-2025-11", "due-2025-12-14"]
    # gbr-missiles (in progress, due 2025-12) is not overdue on 15 December either.
    assert small.matching_pledge_keys("is:overdue") == overdue
    assert small.count_pledges("is:overdue") == 3
    assert small.count_pledges("-is:overdue") == 5 + len(due) - 3
    rows = small.pledge_page(limit=100).rows
    assert sorted(r.key for r in rows if r.overdue) == overdue
    for key in [*due, "gbr-missiles"]:
        assert small.pledge(key).overdue == (key in overdue), key
