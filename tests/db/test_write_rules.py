"""Rules every write keeps, whichever door it comes through (form, service API, import, undo):
notes are cleaned by one rule, and no change is dated in the future."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from db import schemas
from db.errors import EvidenceRequiredError, InvalidRecordError
from db.interchange import FixtureError, export_text, import_files
from db.ledger import Ledger

DIRTY = "Rada\x1b]0;pwned\x07 vote\x00 postponed\r\nsee \x9b2J record"
CLEAN = "Rada]0;pwned vote postponed\nsee 2J record"


def stored_notes(ledger: Ledger) -> list[str]:
    assert ledger.path is not None
    with sqlite3.connect(ledger.path) as connection:
        rows = connection.execute("SELECT note FROM change_log WHERE note IS NOT NULL")
        return [row[0] for row in rows]


def test_notes_from_the_service_api_are_cleaned_like_an_imports(small: Ledger) -> None:
    small.change_status("pledge", "gbr-troops", "stalled", note=DIRTY)
    detail = small.pledge("gbr-troops")
    small.update(
        detail.pledge.model_copy(update={"status": "committed", "history": []}),
        version=detail.version,
        note=DIRTY,
    )
    small.create(schemas.Source(key="memo", title="Memo"))
    small.delete("source", "memo", version=small.source("memo").version, note=DIRTY)
    notes = stored_notes(small)
    assert notes.count(CLEAN) == 3
    assert not [n for n in notes if any(c in n for c in "\x1b\x07\x00\r\x9b")]


def test_reimporting_an_unchanged_export_after_api_notes_changes_nothing(
    small: Ledger, tmp_path: Path
) -> None:
    small.change_status("pledge", "gbr-troops", "stalled", note=DIRTY)
    exported = tmp_path / "ledger.yaml"
    exported.write_text(export_text(small, "yaml"), encoding="utf-8")
    revision = small.revision()
    report = import_files(small, [exported])
    assert not report.changed
    assert small.revision() == revision
    statuses = [e for e in small.history("pledge", "gbr-troops") if "status" in e.changes]
    assert [e.note for e in statuses].count(CLEAN) == 1


def test_a_note_of_control_characters_alone_is_not_evidence(small: Ledger) -> None:
    with pytest.raises(EvidenceRequiredError):
        small.change_status("pledge", "gbr-troops", "stalled", note="\x1b\x07\x00 \r\n")
    assert small.pledge("gbr-troops").pledge.status == "committed"


@pytest.mark.parametrize("date", ["2206-01", "9999-12-31", "2999"])
def test_a_status_change_dated_in_the_future_is_refused(small: Ledger, date: str) -> None:
    with pytest.raises(InvalidRecordError, match=rf"effective date: '{date}' is in the future"):
        small.change_status("pledge", "gbr-troops", "stalled", note="x", effective=date)
    assert small.pledge("gbr-troops").pledge.status == "committed"


def test_the_latest_effective_date_is_today_in_the_time_zone_furthest_ahead(
    small: Ledger,
) -> None:
    import datetime as dt

    latest = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)
    beyond = (latest + dt.timedelta(days=1)).isoformat()
    with pytest.raises(InvalidRecordError, match=rf"\({latest.isoformat()} in the time zone"):
        small.change_status("pledge", "gbr-troops", "stalled", note="x", effective=beyond)
    small.change_status("pledge", "gbr-troops", "stalled", note="x", effective=latest.isoformat())
    assert small.pledge("gbr-troops").pledge.status == "stalled"


def test_an_edit_that_changes_status_with_a_future_date_is_refused(small: Ledger) -> None:
    detail = small.pledge("gbr-troops")
    with pytest.raises(InvalidRecordError, match="is in the future"):
        small.update(
            detail.pledge.model_copy(update={"status": "stalled", "history": []}),
            version=detail.version,
            note="x",
            effective="2206-01",
        )


def test_changes_dated_today_and_this_month_are_accepted(small: Ledger) -> None:
    today = dt.datetime.now(dt.UTC).date()
    small.change_status("pledge", "gbr-troops", "stalled", note="x", effective=today.isoformat())
    small.change_status("pledge", "gbr-missiles", "stalled", note="y", effective=str(today)[:7])
    assert small.pledge("gbr-troops").pledge.status == "stalled"
    assert small.pledge("gbr-missiles").pledge.status == "stalled"


def test_a_fixture_history_entry_dated_in_the_future_is_a_problem_with_its_place(
    ledger: Ledger, tmp_path: Path
) -> None:
    path = tmp_path / "future.yaml"
    path.write_text(
        "format: pledges/1\n"
        "actors:\n"
        "  - {code: FRA, name: France, kind: state}\n"
        "pledges:\n"
        "  - key: fra-x\n"
        "    title: X\n"
        "    pledger: FRA\n"
        "    status: committed\n"
        "    history:\n"
        "      - {date: 2025-03, status: announced, note: summit}\n"
        "      - {date: 2206-01, status: committed, note: typo for 2026}\n",
        encoding="utf-8",
    )
    with pytest.raises(FixtureError) as refused:
        import_files(ledger, [path])
    (problem,) = [str(p) for p in refused.value.problems]
    assert "future.yaml" in problem and "fra-x" in problem
    assert "history[1].date" in problem and "'2206-01' is in the future" in problem
    assert ledger.count_pledges() == 0


def test_a_future_dated_change_from_an_older_ledger_does_not_block_todays(small: Ledger) -> None:
    small.change_status("pledge", "gbr-troops", "stalled", note="x")
    assert small.path is not None
    with sqlite3.connect(small.path) as connection:
        connection.execute(
            "UPDATE change_log SET effective = '2206-01', effective_lo = '2206-01-01' "
            "WHERE id = (SELECT max(id) FROM change_log)"
        )
    small.change_status("pledge", "gbr-troops", "in_progress", note="today")
    assert small.pledge("gbr-troops").pledge.status == "in_progress"


def test_a_pledge_announced_for_a_later_date_exists_in_the_ledger_as_of_today(
    small: Ledger,
) -> None:
    small.create(schemas.Pledge(key="fra-future", title="Planned", pledger="FRA", announced="2999"))
    today = dt.datetime.now(dt.UTC).date().isoformat()
    assert "fra-future" in small.as_of(today).records["pledge"]
