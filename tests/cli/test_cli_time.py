"""The ledger in time on the command line: ``list --as-of/--known-on``, ``show``, ``diff`` and
``brief``, on the sample ledger's researched history, on hostile text, and with bad input."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

import fixtures
from db.ledger import Ledger
from tests.support.cli_run import pledges

SAMPLE = str(fixtures.path())


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("time") / "sample.sqlite"
    assert pledges("import", "--db", str(path), SAMPLE).returncode == 0
    return path


@pytest.fixture
def db(sample: Path, tmp_path: Path) -> str:
    copy = tmp_path / "sample.sqlite"
    shutil.copyfile(sample, copy)
    return str(copy)


def listed(db: str, *args: str) -> list[str]:
    done = pledges("list", "--db", db, "--json", *args)
    assert done.returncode == 0, done.stderr
    return [p["key"] for p in json.loads(done.stdout)]


def test_what_was_committed_at_each_summit(db: str) -> None:
    # The Paris summit of 27 March 2025: only the UK's money, the loan signed on 1 March and
    # the export finance for air defence of 2 March.
    assert listed(db, "status:committed", "--as-of", "2025-03-27") == [
        "gbr-loan-frozen-assets-2025-03",
        "gbr-ukef-air-defence-missiles-2025-03",
    ]
    # After the summit of 4 September 2025: the reassurance force, committed by 26 countries.
    assert listed(db, "status:committed", "--as-of", "2025-09-04") == [
        "cow-reassurance-force-2025-03",
        "gbr-loan-frozen-assets-2025-03",
        "gbr-ukef-air-defence-missiles-2025-03",
    ]
    # After the Paris Declaration of 6 January 2026: the declaration and the two intents.
    after = listed(db, "status:committed", "--as-of", "2026-01-06")
    assert {
        "cow-paris-decl-multinational-force-2026-01",
        "fra-declaration-of-intent-forces-2026-01",
        "gbr-declaration-of-intent-forces-2026-01",
    } <= set(after)
    assert "gbr-uk-troops-on-ground-2025-02" not in after
    assert listed(db, "key:gbr-uk-troops-on-ground-2025-02", "--as-of", "2025-06") == [
        "gbr-uk-troops-on-ground-2025-02"
    ]
    # Before the coalition's first meeting, only the UK's loan of October 2024 was announced.
    assert listed(db, "--as-of", "2024") == ["gbr-loan-frozen-assets-2025-03"]
    assert listed(db, "--as-of", "2024-10-20") == []


def test_the_flags_and_the_table_are_those_of_then(db: str) -> None:
    # Before the Paris Declaration, the US backstop was pending: the reassurance force that 26
    # countries committed to hung on it; the condition is partially met since.
    then = listed(db, "is:conditional", "condition:us-backstop", "--as-of", "2025-12")
    assert "cow-reassurance-force-2025-03" in then
    table = pledges("list", "--db", db, "key:cow-reassurance-*", "--as-of", "2025-09-04")
    assert table.returncode == 0
    assert "committed" in table.stdout and "2 pending" in table.stdout


def test_as_recorded_on_a_date_before_anything_was_recorded(db: str) -> None:
    assert listed(db, "--known-on", "2025-01-01") == []
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    assert len(listed(db, "--known-on", now)) == 41


def test_show_gives_the_fields_of_then_and_the_timeline(db: str) -> None:
    shown = pledges("show", "--db", db, "us-backstop", "--as-of", "2025-09-04")
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0] == "condition us-backstop, as of 2025-09-04"
    # Pending since it was made: the statements of 2025 that it stays pending do not move it.
    assert any(line.split() == ["status", "pending", "(since", "2025-02-17)"] for line in lines)
    timeline = lines[lines.index("timeline (when it happened; * after the date read):") + 1 :]
    assert timeline[0].split()[:2] == ["2025-02-17", "created,"]
    # The change after the date read is marked, with its evidence and who recorded it.
    later = [line for line in timeline if line.startswith(" *2026-01-06")]
    assert later and "pending \u2192 partially_met" in later[0]
    assert "[eurointegration-us-role-paris-declaration-2026-01-07]" in shown.stdout
    assert " \u00b7 recorded 20" in shown.stdout


def test_show_interleaves_a_pledges_conditions_and_marks_a_coarse_date(db: str) -> None:
    with Ledger.open(db, author="ana") as ledger:
        ledger.change_status(
            "pledge", "fra-gbr-one-month-truce-2025-03", "withdrawn", effective="2025-10", note="x"
        )
    shown = pledges("show", "--db", db, "fra-gbr-one-month-truce-2025-03", "--as-of", "2025-10-15")
    assert shown.returncode == 0, shown.stderr
    assert "withdrawn (since 2025-10), known only to the month" in shown.stdout
    assert "condition russia-accepts-ceasefire: created, pending" in shown.stdout


def test_diff_lists_what_changed_with_its_evidence(db: str) -> None:
    done = pledges("diff", "--db", db, "2025-09", "2026-01")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(
        "25 records changed from the end of 2025-09 to the end of 2026-01"
    )
    assert "+ pledge cow-paris-decl-multinational-force-2026-01" in done.stdout
    assert "~ condition us-backstop" in done.stdout
    assert "    status: pending \u2192 partially_met" in done.stdout
    data = json.loads(pledges("diff", "--db", db, "2025-09", "2026-01", "--json").stdout)
    backstop = next(c for c in data if c["key"] == "us-backstop")
    assert backstop["change"] == "changed" and backstop["type"] == "condition"
    assert backstop["fields"]["status"] == ["pending", "partially_met"]
    assert (
        backstop["evidence"][0]["source"] == "eurointegration-us-role-paris-declaration-2026-01-07"
    )


def test_diff_of_a_query_names_what_entered_and_left_it(db: str) -> None:
    data = json.loads(
        pledges("diff", "--db", db, "2025-09", "2026-01", "is:conditional", "--json").stdout
    )
    changes = {(c["change"], c["key"]) for c in data}
    assert ("removed", "deu-no-troop-commitment-2025-09") in changes  # superseded: closed
    assert all(c["type"] == "pledge" for c in data)
    nothing = pledges("diff", "--db", db, "2024-01", "2024-06")
    assert nothing.stdout == "nothing changed from the end of 2024-01 to the end of 2024-06\n"


def test_brief_in_markdown_and_html(db: str, tmp_path: Path) -> None:
    done = pledges("brief", "--db", db, "--since", "2025-09-04", "--until", "2026-01-06")
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert text.startswith("# Brief: after 2025-09-04, to 2026-01-06\n")
    assert "## Conditions" in text and "pending \u2192 partially\\_met" not in text
    assert "## Status changes: United Kingdom (GBR)" in text
    assert "## New pledges" in text and "## Sources" in text
    assert "<https://" in text
    page = tmp_path / "brief.html"
    wrote = pledges(
        "brief", "--db", db, "--since", "2025-09-04", "--until", "2026-01-06", "-o", str(page)
    )
    assert wrote.returncode == 0, wrote.stderr
    assert wrote.stdout.startswith("wrote the brief (0 conditions resolved, 3 status changes")
    html = page.read_text()
    assert html.startswith("<!DOCTYPE html>") and "<h2>New pledges</h2>" in html
    assert "<script" not in html and "http://" not in html.split("<body>")[0]


def test_a_resolved_condition_names_the_pledges_it_freed(db: str) -> None:
    with Ledger.open(db, author="ana") as ledger:
        # Germany's offer of 6 January waits for a ceasefire, the Bundestag and the US backstop:
        # once the first two are met, the backstop alone holds it back.
        for condition in ("ceasefire", "deu-bundestag-decision"):
            ledger.change_status("condition", condition, "met", effective="2026-01-20", note="x")
        ledger.change_status("condition", "us-backstop", "met", effective="2026-02", note="done")
    text = pledges("brief", "--db", db, "--since", "2026-01-31", "--until", "2026-02-28").stdout
    assert "**1 condition resolved" in text
    assert "partially\\_met \u2192 met" not in text and "partially_met \u2192 met" in text
    assert "  - Freed: " in text and "deu-forces-neighbouring-nato-2026-01" in text


HOSTILE = (
    "[/] [pending U.S. support] [@click=app.quit]x \x1b]0;pwned\x07 \u202eRTL <script>x</script>"
)


def test_ledger_text_stays_text_in_every_output(tmp_path: Path) -> None:
    db = str(tmp_path / "hostile.sqlite")
    with Ledger.open(db, author="ana") as ledger:
        from db import schemas

        ledger.create(schemas.Actor(code="FRA", name="France", kind="state"))
        ledger.create(
            schemas.Source(key="s", title=HOSTILE, url="javascript:alert(1)", published="2025")
        )
        ledger.save_records(
            [
                schemas.Pledge(
                    key="p",
                    title=HOSTILE,
                    pledger="FRA",
                    sources=["s"],
                    history=[
                        schemas.HistoryEntry(date="2025-03", status="announced", note=HOSTILE)
                    ],
                )
            ],
            label="import",
        )
        ledger.change_status(
            "pledge", "p", "committed", effective="2025-06", note=HOSTILE, source="s"
        )
    for args in (
        ("show", "p", "--as-of", "2025-07"),
        ("diff", "2025-01", "2025-12"),
        ("brief", "--since", "2025-01", "--until", "2025-12"),
        ("list", "--as-of", "2025-07"),
    ):
        done = pledges(*args, "--db", db)
        assert done.returncode == 0, (args, done.stderr)
        assert "\x1b" not in done.stdout and "\u202e" not in done.stdout, args
    markdown = pledges("brief", "--db", db, "--since", "2025-01", "--until", "2025-12").stdout
    assert "\\<script\\>" in markdown and "<script>" not in markdown
    assert "\\[pending U.S. support\\]" in markdown
    page = tmp_path / "b.html"
    pledges("brief", "--db", db, "--since", "2025-01", "--until", "2025-12", "-o", str(page))
    html = page.read_text()
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert 'href="javascript' not in html


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("list", "--as-of", "2025-13"), "--as-of: '2025-13' is not a date: month 13"),
        (("list", "--as-of", "soon"), "--as-of: 'soon' is not a date"),
        (("list", "--known-on", "2999-01-01"), "--known-on: '2999-01-01' is in the future"),
        (("list", "--known-on", "2025-09-01T25:00"), "--known-on: '2025-09-01T25:00' is not"),
        (("show", "no-such-pledge"), "no pledge, condition, source or actor is called"),
        (("diff", "2026-01", "2025-09"), "FROM (2026-01) is after TO (2025-09)"),
        (("diff", "2025-02-30"), "FROM: '2025-02-30' is not a date"),
        (("diff",), "say from when"),
        (("brief", "--since", "2026-02", "--until", "2026-01"), "--since (2026-02) is after"),
        (("brief", "--since", "last friday"), "--since: 'last friday' is not a date"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    db: str, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    before = Path(db).read_bytes()
    out = tmp_path / "brief.md"
    extra = ("-o", str(out)) if args[0] == "brief" else ()
    done = pledges(*args, *extra, "--db", db)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"pledges: {message}"), done.stderr
    assert len(done.stderr.splitlines()) == 1 and done.stdout == ""
    assert Path(db).read_bytes() == before and not out.exists()


def test_a_listing_of_the_past_gives_the_history_of_then(db: str) -> None:
    done = pledges("list", "--db", db, "key:gbr-uk-troops-on-ground-2025-02", "--json")
    now = json.loads(done.stdout)[0]
    assert [h["status"] for h in now["history"]] == ["announced", "announced", "superseded"]
    done = pledges(
        "list", "--db", db, "key:gbr-uk-troops-on-ground-2025-02", "--json", "--as-of", "2025-06"
    )
    then = json.loads(done.stdout)[0]
    assert then["status"] == "announced"
    assert [h["status"] for h in then["history"]] == ["announced", "announced"]


def test_a_brief_that_does_not_fit_on_the_disk_leaves_the_file_as_it_was(
    db: str, tmp_path: Path
) -> None:
    page = tmp_path / "brief.html"
    page.write_text("the last brief")
    args = ("brief", "--db", db, "--since", "2024", "--until", "2026-02", "-o", str(page))
    done = pledges(*args, file_size_limit=36 * 1024)
    assert done.returncode == 1
    assert done.stderr.startswith(f"pledges: cannot write {page}: File too large; nothing was")
    assert page.read_text() == "the last brief"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".brief")] == []
