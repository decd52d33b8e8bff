"""Reading the ledger as of a past date with the query language of today (see :mod:`db.past`).

Computed flags as they were then, free words in the text of then, what was believed before a
correction, a record's details then, the past read-only; and, on the sample ledger, a reading
at the end of time is the ledger itself for every query, sort, count and facet.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import fixtures
from db import schemas
from db.api_types import Sort
from db.errors import PastReadOnlyError
from db.interchange import import_files
from db.ledger import Ledger
from db.past import Reading
from db.vocab import SORT_COLUMNS


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    with Ledger.open(tmp_path / "l.sqlite", author="ana") as opened:
        opened.create(schemas.Actor(code="FRA", name="France", kind="state"))
        opened.create(schemas.Source(key="s-one", title="A communiqué", published="2025-01"))
        opened.save_records(
            [
                schemas.Condition(
                    key="us-backstop",
                    title="U.S. backstop confirmed",
                    history=[schemas.HistoryEntry(date="2025-01", status="pending", note="n")],
                ),
                schemas.Pledge(
                    key="fra-troops",
                    title="France sends a brigade",
                    pledger="FRA",
                    announced="2025-01-10",
                    due="2025-08",
                    conditions=["us-backstop"],
                    sources=["s-one"],
                    tags=["troops"],
                    history=[schemas.HistoryEntry(date="2025-01-10", status="announced", note="n")],
                ),
            ],
            label="import t.yaml",
        )
        yield opened


def keys(ledger: Ledger, query: str) -> list[str]:
    return ledger.matching_pledge_keys(query)


def test_flags_are_those_of_then(ledger: Ledger) -> None:
    ledger.change_status("condition", "us-backstop", "failed", effective="2025-09", note="no")
    ledger.change_status("condition", "us-backstop", "met", effective="2026-01-06", note="yes")
    ledger.change_status("pledge", "fra-troops", "delivered", effective="2026-02", note="done")
    assert keys(ledger.at(Reading("2025-06")), "is:conditional") == ["fra-troops"]
    assert keys(ledger.at(Reading("2025-06")), "is:overdue") == []
    assert keys(ledger.at(Reading("2025-10")), "is:blocked") == ["fra-troops"]
    assert keys(ledger.at(Reading("2025-10")), "is:overdue") == ["fra-troops"]
    assert keys(ledger.at(Reading("2026-01")), "is:unconditional is:overdue") == ["fra-troops"]
    assert keys(ledger.at(Reading("2026-03")), "is:overdue") == []
    assert keys(ledger.at(Reading("2026-03")), "status:delivered") == ["fra-troops"]
    row = ledger.at(Reading("2025-10")).pledge_page(None).rows[0]
    assert (row.status, row.conditions.label, row.overdue) == ("announced", "blocked", True)
    # Before the pledge was announced it is not in the ledger; the ledger itself is today's.
    assert keys(ledger.at(Reading("2024-12")), "") == []
    assert ledger.count_pledges("status:delivered") == 1


def test_free_words_are_read_in_the_text_of_then(ledger: Ledger) -> None:
    detail = ledger.pledge("fra-troops")
    retitled = detail.pledge.model_copy(update={"title": "France sends a battalion"})
    ledger.update(retitled, version=detail.version, effective="2025-06")
    before, after = ledger.at(Reading("2025-05")), ledger.at(Reading("2025-07"))
    assert (keys(before, "brigade"), keys(before, "battalion")) == (["fra-troops"], [])
    assert (keys(after, "brigade"), keys(after, "battalion")) == ([], ["fra-troops"])
    assert before.count_pledges("brigade") == 1 and after.count_pledges("brigade") == 0
    # A word of a condition's title, a tag and the pledger's name find it then as now.
    for word in ("backstop", '"U.S."', "troops", "france", "-brigade"):
        assert keys(after, word) == ledger.matching_pledge_keys(word), word


def test_what_was_believed_before_a_correction(ledger: Ledger) -> None:
    ledger.change_status("pledge", "fra-troops", "committed", effective="2025-03", note="n")
    recorded = ledger.history("pledge", "fra-troops")[-1].recorded_at
    # Later, the analyst learns it was in fact committed in February and fixes the date by
    # undoing and re-recording: what the ledger believed in between stays readable.
    ledger.undo()
    ledger.change_status("pledge", "fra-troops", "committed", effective="2025-02", note="n")
    assert keys(ledger.at(Reading("2025-02-15")), "status:committed") == ["fra-troops"]
    then = ledger.at(Reading("2025-02-15", recorded))
    assert keys(then, "status:committed") == []
    assert keys(then, "status:announced") == ["fra-troops"]
    # As recorded then, of the world as it stands: committed, from March.
    assert keys(ledger.at(Reading(known_on=recorded)), "status:committed") == ["fra-troops"]
    assert ledger.at(Reading(known_on=recorded)).count_pledges() == 1


def test_a_record_reads_as_it_was_then(ledger: Ledger) -> None:
    ledger.change_status("condition", "us-backstop", "failed", effective="2025-09", note="no")
    detail = ledger.at(Reading("2025-10")).pledge("fra-troops")
    assert detail.pledge.status == "announced"
    assert [(c.key, c.status) for c in detail.conditions] == [("us-backstop", "failed")]
    assert [s.key for s in detail.sources] == ["s-one"]
    assert ledger.at(Reading("2025-06")).condition("us-backstop").condition.status == "pending"


def test_the_past_is_read_only(ledger: Ledger) -> None:
    past = ledger.at(Reading("2025-06"))
    with pytest.raises(PastReadOnlyError, match="return to today"):
        past.change_status("pledge", "fra-troops", "committed", note="n")
    assert ledger.history("pledge", "fra-troops")[-1].action != "status"


QUERIES = (
    "",
    "status:committed",
    "-status:announced",
    "pledger:FRA+",
    "beneficiary:UKR",
    "category:troops",
    "tag:ceasefire",
    "is:conditional",
    "is:blocked",
    "is:overdue",
    "is:unconditional",
    "reassurance",
    '"U.S. support"',
    "-france",
    "[pending",
    "announced:>=2025-09",
    "due:<2026",
    "source:origin-elysee-2025-09",
    "condition:russia-accepts-ceasefire",
    "key:cow-*",
    "confidence:confirmed unit:eur",
)


def test_as_of_the_end_of_time_it_is_the_ledger_itself(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "sample.sqlite", author="ana") as ledger:
        import_files(ledger, [fixtures.path()])
        past = ledger.at(Reading("9999-12-31"))
        for query in QUERIES:
            assert past.count_pledges(query) == ledger.count_pledges(query), query
            assert keys(past, query) == keys(ledger, query), query
            assert past.facets(query) == ledger.facets(query), query
        for column in SORT_COLUMNS:
            for descending in (False, True):
                sort = Sort.by(column, descending)
                now = [r.key for r in ledger.pledge_page("", sort, limit=100).rows]
                then = [r.key for r in past.pledge_page("", sort, limit=100).rows]
                if column != "updated":  # the time a row was written, not one of its fields
                    assert then == now, (column, descending)


def test_a_view_of_the_past_closed_leaves_the_ledger_open(ledger: Ledger) -> None:
    with ledger.at(Reading("2025-06")) as past:
        assert past.count_pledges() == 1
    assert ledger.count_pledges() == 1
    assert ledger.at(Reading("2025-06")).count_pledges() == 1


def test_rows_of_the_past_damaged_by_another_tool_are_said_so(ledger: Ledger) -> None:
    import sqlite3

    from db.errors import LedgerError

    assert ledger.path is not None
    with sqlite3.connect(ledger.path) as connection:
        connection.execute(
            "UPDATE record_states SET state = '{bad' WHERE record_key = 'fra-troops'"
        )
    past = ledger.at(Reading("2025-06"))
    for read in (
        lambda: past.record_then("pledge", "fra-troops"),
        lambda: past.matching_pledge_keys("is:conditional"),
    ):
        with pytest.raises(LedgerError, match=r"check --repair` makes them again"):
            read()


def test_a_brief_names_what_fell_due_in_its_window(ledger: Ledger) -> None:
    from db import briefing

    # Due in August 2025: overdue from 1 September.
    assert [line.key for line in briefing.build(ledger, "2025-07", "2025-10", None).overdue] == [
        "fra-troops"
    ]
    assert briefing.build(ledger, "2025-09-15", "2025-10", None).overdue == []
    ledger.change_status("pledge", "fra-troops", "delivered", effective="2025-08-20", note="done")
    assert briefing.build(ledger, "2025-07", "2025-10", None).overdue == []


def test_a_record_read_in_the_past_says_since_when_its_status_held_then(ledger: Ledger) -> None:
    ledger.change_status("pledge", "fra-troops", "committed", effective="2025-09", note="yes")
    ledger.change_status("condition", "us-backstop", "met", effective="2026-01-06", note="ok")
    assert ledger.pledge("fra-troops").status_since == "2025-09"
    then = ledger.at(Reading("2025-06"))
    assert (then.pledge("fra-troops").pledge.status, then.pledge("fra-troops").status_since) == (
        "announced",
        "2025-01-10",
    )
    assert then.condition("us-backstop").status_since == "2025-01"
    assert ledger.at(Reading("2025-10")).pledge("fra-troops").status_since == "2025-09"
    assert ledger.condition("us-backstop").status_since == "2026-01-06"


def test_a_row_read_as_of_a_day_says_when_its_status_is_known_only_to_the_month(
    ledger: Ledger,
) -> None:
    ledger.change_status("pledge", "fra-troops", "committed", effective="2025-09", note="yes")

    def row(as_of: str) -> tuple[str, str | None]:
        (found,) = ledger.at(Reading(as_of)).pledge_page(None).rows
        assert ledger.at(Reading(as_of)).pledge_rows(["fra-troops"]) == [found]
        return found.status, found.status_known_to

    assert row("2025-09-10") == ("committed", "month")
    assert row("2025-09") == ("committed", None)
    assert row("2025") == ("committed", None)
    assert row("2025-08-31") == ("announced", None)
    assert ledger.pledge_page(None).rows[0].status_known_to is None


def test_the_planner_has_statistics_for_every_index_of_the_ledger_in_time(ledger: Ledger) -> None:
    import sqlite3

    from db.sqlite.statistics import STATISTICS, TABLES

    assert ledger.path is not None
    with sqlite3.connect(ledger.path) as connection:
        indexes = {
            (table, name)
            for table, name in connection.execute(
                "SELECT tbl_name, name FROM sqlite_master WHERE type = 'index' "
                f"AND tbl_name IN {TABLES!r} AND name NOT LIKE 'sqlite_autoindex%'"
            )
        } | {("record_state_links", "record_state_links")}
        written = {(t, i): s for t, i, s in connection.execute("SELECT * FROM sqlite_stat1")}
    assert set(STATISTICS) == indexes
    assert {key: written.get(key) for key in indexes} == STATISTICS


def test_a_condition_s_pledges_of_then_are_read_by_their_ids(ledger: Ledger) -> None:
    # Without statistics, the planner read every period of the ledger to find them.
    from db.query import parse

    past = ledger.at(Reading("2025-06"))
    with past._reading() as connection:
        where = past._planner.where(connection, parse("condition:us-backstop"), "2025-06-30")
        from db import tables as m

        statement = m.pledges.select().where(where)
        compiled = statement.compile(connection, compile_kwargs={"literal_binds": True})
        plan = [row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}")]
    assert plan[0] == "SEARCH s USING INTEGER PRIMARY KEY (rowid=?)", plan
    assert past.matching_pledge_keys("condition:us-backstop") == ["fra-troops"]


def test_a_status_restated_by_a_later_entry_is_held_since_it_was_set(ledger: Ledger) -> None:
    # A fixture's history may say a status again ("stays pending"): that is no new status.
    with pytest.raises(Exception, match="already"):
        ledger.change_status("condition", "us-backstop", "pending", effective="2025-04", note="n")
    ledger.save_records(
        [
            schemas.Condition(
                key="us-backstop",
                title="U.S. backstop confirmed",
                history=[
                    schemas.HistoryEntry(date="2025-01", status="pending", note="n"),
                    schemas.HistoryEntry(date="2025-04-09", status="pending", note="still"),
                ],
            )
        ],
        label="import t.yaml",
    )
    assert ledger.condition("us-backstop").status_since == "2025-01"
    assert ledger.at(Reading("2025-06")).condition("us-backstop").status_since == "2025-01"
