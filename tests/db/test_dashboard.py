"""The dashboard's figures against the ledger read as of each month (the reference rule)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import fixtures
from db import schemas
from db.dashboard import status_by_month
from db.interchange import import_files
from db.ledger import Ledger


def _reference(ledger: Ledger, month: str) -> dict[str, int]:
    pledges = ledger.as_of(month).records.get("pledge", {})
    return dict(Counter(p["status"] for p in pledges.values()))


def test_pledges_by_status_each_month_are_those_of_the_ledger_as_of_it(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "l.sqlite", author="ana") as ledger:
        import_files(ledger, [fixtures.path()])
        with ledger._reading() as connection:
            series = status_by_month(connection, "2026-02")
        assert series.months[0] == "2024-10" and series.months[-1] == "2026-02"
        for month in series.months:
            assert series.at(month) == _reference(ledger, month), month
        # The reassurance force: announced in March 2025, committed from September.
        assert series.at("2025-03").get("committed") == 2
        assert series.at("2025-09")["committed"] == 3


def test_partial_dates_and_undone_changes_count_as_a_reading_does(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "l.sqlite", author="ana") as ledger:
        ledger.create(schemas.Actor(code="FRA", name="France", kind="state"))
        ledger.save_records(
            [
                schemas.Pledge(
                    key=f"p-{n}",
                    title="A pledge",
                    pledger="FRA",
                    history=[schemas.HistoryEntry(date="2025-01", status="announced", note="n")],
                )
                for n in range(3)
            ],
            label="import t.yaml",
        )
        ledger.change_status("pledge", "p-0", "committed", effective="2025-03", note="a")
        ledger.change_status("pledge", "p-1", "committed", effective="2025-03-31", note="b")
        ledger.change_status("pledge", "p-2", "committed", effective="2025-04-01", note="c")
        ledger.undo()  # p-2's change: undone, it never counts
        ledger.delete("pledge", "p-1", version=ledger.pledge("p-1").version, note="gone")
        with ledger._reading() as connection:
            series = status_by_month(connection, "2025-05")
        assert series.months == ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05"]
        assert series.at("2025-02") == {"announced": 3}
        # p-0's change dated 2025-03 counts at the end of March, as p-1's of 31 March does;
        # p-1, deleted today, still stood then.
        assert series.at("2025-03") == {"announced": 1, "committed": 2}
        assert series.at("2025-05") == {"announced": 1, "committed": 2}
        assert series.at("2025-05") == series.at("2025-04")
        for month in series.months:
            assert series.at(month) == _reference(ledger, month), month
