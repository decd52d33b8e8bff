"""A ledger tampered with by another tool: refused on opening, reported and repaired by
``pledges check``; and the check itself (counts, full-text index, change log against the
records), through the API and as a user meets it, in real processes."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import fixtures
from db import doctor, engines, migrate, replay, schema, schemas
from db.errors import LedgerOpenError
from db.interchange import import_files
from db.ledger import Ledger
from db.record_types import KINDS, RECORD_TYPES
from db.sqlite import bulk, facet_counts, fulltext, ledger_file
from tests.support import ROOT
from tests.support.facets import agree

EVIL = (
    "CREATE TRIGGER evil AFTER INSERT ON pledges BEGIN "
    "DELETE FROM pledges WHERE key = 'gbr-troops'; END"
)


def pledges(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )


def tamper(path: Path, script: str) -> None:
    """Change the file as another tool would, behind pledges' back."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.executescript(script)
    finally:
        connection.close()


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def records_and_log(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table of records and of the change log."""
    tables = ["actors", "actor_aliases", "coalition_members", "sources", "conditions"]
    tables += ["condition_sources", "pledges", "pledge_conditions", "pledge_sources"]
    tables += ["pledge_tags", "batches", "change_log"]
    return {t: rows(path, f"SELECT * FROM {t} ORDER BY rowid") for t in tables}


def one_pledge_file(tmp_path: Path) -> Path:
    document = {
        "format": "pledges/1",
        "pledges": [{"key": "fra-new-pledge", "title": "A new pledge", "pledger": "FRA"}],
    }
    path = tmp_path / "new.json"
    path.write_text(json.dumps(document))
    return path


@pytest.fixture
def closed(small: Ledger) -> Iterator[Path]:
    """The small ledger's file, with no connection of this process left open on it."""
    assert small.path is not None
    small.close()
    yield small.path


# -- a clean ledger ---------------------------------------------------------------------------


def test_the_sample_ledger_checks_ok(ledger: Ledger) -> None:
    import_files(ledger, [fixtures.path()])
    ledger.close()
    for args in (["check"], ["check", "--quick"], ["check", "--repair"]):
        result = pledges(*args, "--db", str(ledger.path))
        assert (result.returncode, result.stdout, result.stderr) == (0, "ok: no findings\n", "")
    assert not list(ledger.path.parent.glob("*.before-repair-*"))  # nothing to repair, no copy


def test_every_kind_of_write_undo_redo_and_a_bulk_import_check_ok(small: Ledger) -> None:
    small.change_status("pledge", "gbr-troops", "stalled", note="no news")
    detail = small.pledge("gbr-missiles")
    small.update(
        detail.pledge.model_copy(update={"category": "air-defence", "pledger": "FRA"}),
        version=detail.version,
    )
    small.link_condition("gbr-missiles", "commons-vote")
    small.delete("pledge", "gbr-missiles", version=small.pledge("gbr-missiles").version)
    small.undo()
    small.undo()
    small.redo()
    many = [
        schemas.Pledge(key=f"bulk-{i:05d}", title=f"Bulk {i}", pledger="FRA", tags=["bulk"])
        for i in range(bulk.BULK_ROWS)
    ]
    small.save_records(many, label="bulk")  # drops and makes again the insert triggers
    assert doctor.check(small.path) == []


def test_ledgers_made_every_way_hold_exactly_our_schema(tmp_path: Path, ledger: Ledger) -> None:
    cycled = tmp_path / "cycled.sqlite"
    _, writer = engines.create_engines(engines.to_url(cycled))
    migrate.upgrade(writer)
    migrate.downgrade(writer, "0001")
    migrate.upgrade(writer)
    writer.dispose()
    old = tmp_path / "old.sqlite"
    _, writer = engines.create_engines(engines.to_url(old))
    migrate.upgrade(writer, "0001")
    writer.dispose()
    Ledger.open(old).close()  # upgraded on opening
    for path in (ledger.path, cycled, old):
        assert path is not None
        schema_rows = rows(path, "SELECT type, name, tbl_name, sql FROM sqlite_master")
        assert schema.differences(schema_rows) == []  # type: ignore[arg-type]


def test_the_range_reader_of_the_check_reads_what_the_store_reads(small: Ledger) -> None:
    import_files(small, [fixtures.path()])
    with small._reader.connect() as connection:  # a test-only look at both readers
        for record_type in RECORD_TYPES:
            by_store = {k: s.state for k, s in KINDS[record_type].store.load(connection).items()}
            assert by_store, record_type
            assert replay.stored_states(connection, record_type, None, None) == by_store
            keys = sorted(by_store)
            middle = keys[len(keys) // 2]
            upper = replay.stored_states(connection, record_type, middle, None)
            assert sorted(upper) == keys[len(keys) // 2 + 1 :]


# -- the schema: refused on opening, repaired by check --repair ------------------------------


def test_a_foreign_trigger_refuses_opening_so_an_import_never_runs_it(
    closed: Path, tmp_path: Path
) -> None:
    tamper(closed, EVIL)
    before = records_and_log(closed)
    imported = pledges("import", "--db", str(closed), str(one_pledge_file(tmp_path)))
    assert imported.returncode == 1
    assert "'evil' on 'pledges' that pledges did not make" in imported.stderr
    assert "pledges check --repair" in imported.stderr
    assert records_and_log(closed) == before
    with pytest.raises(LedgerOpenError, match="'evil'"):
        Ledger.open(closed)

    checked = pledges("check", "--db", str(closed))
    assert checked.returncode == 1
    assert "schema: a trigger 'evil' on 'pledges' that pledges did not make" in checked.stdout
    assert records_and_log(closed) == before

    repaired = pledges("check", "--repair", "--db", str(closed))
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert "repaired: dropped the trigger 'evil'" in repaired.stdout
    assert repaired.stdout.endswith("ok: no findings\n")
    backups = list(closed.parent.glob("ledger.before-repair-*.sqlite"))
    assert len(backups) == 1
    assert rows(backups[0], "SELECT name FROM sqlite_master WHERE name = 'evil'") == [("evil",)]
    assert records_and_log(closed) == before

    imported = pledges("import", "--db", str(closed), str(one_pledge_file(tmp_path)))
    assert imported.returncode == 0, imported.stderr
    keys = {k for (k,) in rows(closed, "SELECT key FROM pledges")}
    assert {"gbr-troops", "fra-new-pledge"} <= keys


def test_a_dropped_count_trigger_is_refused_then_made_again_and_counts_stay_exact(
    closed: Path,
) -> None:
    tamper(closed, "DROP TRIGGER pledge_facet_counts_pledge_update")
    with pytest.raises(LedgerOpenError, match="our trigger 'pledge_facet_counts_pledge_update'"):
        Ledger.open(closed)
    found = doctor.check(closed)
    assert [(f.area, f.repairable) for f in found] == [("schema", True)]
    assert "is missing (the facet counts drift from the pledges)" in found[0].message

    result = doctor.repair(closed)
    assert result.findings == []
    assert result.backup is not None and result.backup.exists()
    with Ledger.open(closed) as ledger:
        ledger.change_status("pledge", "gbr-troops", "stalled", note="no news")
        detail = ledger.pledge("gbr-missiles")
        ledger.update(detail.pledge.model_copy(update={"pledger": "FRA"}), version=detail.version)
        agree(ledger)


def test_an_edited_trigger_is_refused_then_restored(closed: Path) -> None:
    # Looks the same, but no longer indexes the new title: searches drift.
    tamper(
        closed,
        "DROP TRIGGER pledges_fts_update; CREATE TRIGGER pledges_fts_update AFTER UPDATE OF "
        "title ON pledges BEGIN SELECT 1; END",
    )
    with pytest.raises(LedgerOpenError, match="our trigger 'pledges_fts_update' on 'pledges' was"):
        Ledger.open(closed)
    assert doctor.repair(closed).findings == []
    stored = rows(closed, "SELECT sql FROM sqlite_master WHERE name = 'pledges_fts_update'")
    assert stored == [(fulltext.triggers()["pledges_fts_update"],)]
    with Ledger.open(closed) as ledger:
        detail = ledger.pledge("gbr-missiles")
        ledger.update(
            detail.pledge.model_copy(update={"title": "Interceptor missiles"}),
            version=detail.version,
        )
        assert ledger.matching_pledge_keys("interceptor") == ["gbr-missiles"]


def test_our_triggers_written_on_one_line_as_earlier_versions_wrote_them_are_ours(
    closed: Path,
) -> None:
    # Earlier versions of pledges wrote each trigger's DDL as one line; the DDL is now laid out
    # over several, and a ledger is compared with it spacing aside.
    ours = {**fulltext.triggers(), **facet_counts.triggers()}
    assert all("\n" in ddl for ddl in ours.values())
    tamper(
        closed,
        "".join(f"DROP TRIGGER {name}; {' '.join(ddl.split())};" for name, ddl in ours.items()),
    )
    stored = dict(rows(closed, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
    assert all("\n" not in stored[name] for name in ours)
    with Ledger.open(closed) as ledger:
        assert ledger.count_pledges() == 5
    assert doctor.check(closed) == []


def test_foreign_views_and_indexes_are_refused_and_dropped_a_foreign_table_is_left(
    closed: Path,
) -> None:
    tamper(
        closed,
        "CREATE VIEW everything AS SELECT * FROM pledges; "
        "CREATE UNIQUE INDEX one_per_key ON pledges (key, title); "
        "CREATE TABLE notes_of_another_tool (note TEXT); "
        "CREATE INDEX its_index ON notes_of_another_tool (note); "
        "INSERT INTO notes_of_another_tool VALUES ('keep me');"
        "ALTER TABLE sources ADD COLUMN rating_by_tool TEXT",
    )
    with pytest.raises(LedgerOpenError, match=r"view 'everything'.*index 'one_per_key'"):
        Ledger.open(closed)
    result = doctor.repair(closed)
    assert [f.message for f in result.findings] == [
        "a table 'notes_of_another_tool' that pledges did not make (pledges does not use it; "
        "it is left alone)",
        "table 'sources' has other columns than pledges made (not ours 'rating_by_tool'); "
        "pledges ignores them; drop them with sqlite3 if no other tool needs them",
    ]
    assert rows(closed, "SELECT note FROM notes_of_another_tool") == [("keep me",)]
    names = {n for (n,) in rows(closed, "SELECT name FROM sqlite_master")}
    assert not names & {"everything", "one_per_key"}
    Ledger.open(closed).close()  # a foreign table alone does not refuse


def test_a_dropped_index_is_refused_and_made_again(closed: Path) -> None:
    tamper(closed, "DROP INDEX ix_pledges_status_id")
    with pytest.raises(LedgerOpenError, match="our index 'ix_pledges_status_id'"):
        Ledger.open(closed)
    assert doctor.repair(closed).findings == []
    assert rows(closed, "SELECT sql FROM sqlite_master WHERE name = 'ix_pledges_status_id'") == [
        ("CREATE INDEX ix_pledges_status_id ON pledges (status, id)",)
    ]


def test_a_missing_table_of_records_is_refused_and_not_repaired(closed: Path) -> None:
    tamper(closed, "DROP TABLE pledge_tags")
    with pytest.raises(LedgerOpenError, match=r"pledge_tags.*restore the ledger from a backup"):
        Ledger.open(closed)
    result = pledges("check", "--repair", "--db", str(closed))
    assert result.returncode == 1
    assert "backed up" not in result.stdout
    assert "our table 'pledge_tags' is missing" in result.stdout


def test_the_full_text_index_made_anew_when_its_table_was_replaced(closed: Path) -> None:
    tamper(
        closed,
        "DROP TABLE pledges_fts; CREATE VIRTUAL TABLE pledges_fts USING fts5(title, "
        "content='pledges', content_rowid='id')",
    )
    with pytest.raises(LedgerOpenError, match="our table 'pledges_fts' was changed"):
        Ledger.open(closed)
    assert doctor.repair(closed).findings == []
    with Ledger.open(closed) as ledger:
        assert ledger.matching_pledge_keys("missiles") == ["gbr-missiles"]


def test_names_from_a_tampered_file_reach_the_terminal_escaped(closed: Path) -> None:
    tamper(
        closed,
        'CREATE TRIGGER "x\x1b]0;pwned\x07\u202eevil" AFTER DELETE ON actors BEGIN SELECT 1; END',
    )
    for args in (["list"], ["check"]):
        result = pledges(*args, "--db", str(closed))
        assert result.returncode == 1
        for stream in (result.stdout, result.stderr):
            assert "\x1b" not in stream and "\x07" not in stream and "\u202e" not in stream
        assert "\\x1b]0;pwned\\x07\\u202eevil" in result.stdout + result.stderr


def test_trusting_the_schema_opens_a_tampered_ledger(closed: Path) -> None:
    tamper(closed, EVIL)
    with Ledger.open(closed, trust_schema=True) as ledger:
        assert ledger.count_pledges() == 5


# -- what check verifies besides the schema ---------------------------------------------------


def test_hand_edited_facet_counts_are_reported_and_recounted(closed: Path) -> None:
    tamper(
        closed,
        "UPDATE pledge_facet_counts SET n = n + 5 WHERE facet = 'status' AND value = 'committed';"
        "INSERT INTO pledge_facet_counts VALUES ('category', 'ghosts', 3);"
        "DELETE FROM pledge_facet_counts WHERE facet = 'condition';",
    )
    Ledger.open(closed).close()  # the schema is ours: it opens, but its counts are wrong
    checked = pledges("check", "--db", str(closed))
    assert checked.returncode == 1
    lines = checked.stdout.splitlines()
    assert (
        "facet counts: category 'ghosts' is counted 3 in the kept counts, but 0 pledges"
        in (lines[0])
    )
    assert any("condition 'ceasefire' is counted 0 in the kept counts, but 3" in x for x in lines)
    assert "facet counts: status 'committed' is counted 7 in the kept counts, but 2" in lines[-2]
    assert lines[-1] == "5 findings; 5 of them `pledges check --repair` mends"

    repaired = pledges("check", "--repair", "--db", str(closed))
    assert repaired.returncode == 0, repaired.stdout
    assert "repaired: recounted the facet counts from the pledges" in repaired.stdout
    with Ledger.open(closed) as ledger:
        agree(ledger)


def test_tampered_periods_of_the_ledger_in_time_are_reported_and_rebuilt(closed: Path) -> None:
    before = rows(closed, "SELECT * FROM record_states ORDER BY record_type, record_key, id")
    assert before
    tamper(
        closed,
        "UPDATE record_states SET status = 'withdrawn', valid_from = '1999-01-01' "
        "WHERE record_type = 'pledge' AND record_key = 'gbr-troops';"
        "DELETE FROM record_states WHERE record_type = 'condition';",
    )
    checked = pledges("check", "--db", str(closed))
    assert checked.returncode == 1
    found = [x for x in checked.stdout.splitlines() if x.startswith("ledger in time:")]
    assert any("pledge 'gbr-troops': its kept periods" in x for x in found), checked.stdout
    assert any("condition 'ceasefire'" in x for x in found), checked.stdout

    repaired = pledges("check", "--repair", "--db", str(closed))
    assert repaired.returncode == 0, repaired.stdout
    assert "rebuilt the ledger in time from the change log" in repaired.stdout
    after = rows(closed, "SELECT * FROM record_states ORDER BY record_type, record_key, id")
    assert [r[1:] for r in after] == [r[1:] for r in before]


def test_tampered_links_of_the_ledger_in_time_are_reported_and_made_again(closed: Path) -> None:
    from db.past import Reading

    with Ledger.open(closed) as ledger:
        tagged = ledger.at(Reading("2099")).matching_pledge_keys("tag:reassurance-force")
    assert tagged
    before = rows(closed, "SELECT * FROM record_state_links ORDER BY state_id, kind, position")
    ((periods,),) = rows(
        closed,
        "SELECT count(DISTINCT state_id) FROM record_state_links "
        "WHERE kind = 'tag' AND value = 'reassurance-force'",
    )
    tamper(
        closed,
        "DELETE FROM record_state_links WHERE kind = 'tag' AND value = 'reassurance-force';"
        "INSERT INTO record_state_links VALUES "
        "(999999, 'tag', 0, 'ghost', '2000-01-01', '9999-12-31', '', '9999');",
    )
    with Ledger.open(closed) as ledger:
        assert ledger.at(Reading("2099")).matching_pledge_keys("tag:reassurance-force") == []
    found = [f.message for f in doctor.check(closed) if f.area == "ledger in time"]
    assert len(found) == 1 and "that are not those of their fields" in found[0], found
    # Each period that had the tag, and the row of links of no period.
    assert found[0].startswith(f"{periods + 1:,} kept periods"), found

    assert doctor.repair(closed).findings == []
    after = rows(closed, "SELECT * FROM record_state_links ORDER BY state_id, kind, position")
    assert len(after) == len(before)
    with Ledger.open(closed) as ledger:
        assert ledger.at(Reading("2099")).matching_pledge_keys("tag:reassurance-force") == tagged


def test_pledges_deleted_from_the_full_text_index_are_reported_and_indexed_again(
    closed: Path,
) -> None:
    tamper(
        closed,
        "DELETE FROM pledges_fts WHERE rowid = (SELECT id FROM pledges WHERE key = 'gbr-missiles')",
    )
    with Ledger.open(closed) as ledger:
        assert ledger.matching_pledge_keys("missiles") == []
    found = doctor.check(closed)
    assert [f.message for f in found] == [
        "1 pledges are missing from the full-text index (a search does not find them), "
        "e.g. 'gbr-missiles'",
        "does not match the pledges (FTS5's integrity check: database disk image is malformed)",
    ]
    assert doctor.repair(closed).findings == []
    with Ledger.open(closed) as ledger:
        assert ledger.matching_pledge_keys("missiles") == ["gbr-missiles"]


def test_a_stale_full_text_index_is_found_by_fts5s_own_check(closed: Path) -> None:
    # Every pledge still has its document, but one holds an old title's words.
    tamper(
        closed,
        "DROP TRIGGER pledges_fts_update;"
        "UPDATE pledges SET title = 'Interceptors' WHERE key = 'gbr-missiles';"
        + fulltext.triggers()["pledges_fts_update"],
    )
    found = [f for f in doctor.check(closed) if f.area == "full-text index"]
    assert [f.message[:41] for f in found] == ["does not match the pledges (FTS5's integr"]
    result = doctor.repair(closed)
    assert not [f for f in result.findings if f.area == "full-text index"]
    with Ledger.open(closed) as ledger:
        assert ledger.matching_pledge_keys("interceptors") == ["gbr-missiles"]


def test_records_changed_behind_the_change_log_are_reported_and_never_repaired(
    closed: Path,
) -> None:
    tamper(
        closed,
        "UPDATE pledges SET status = 'stalled' WHERE key = 'gbr-troops';"
        "DELETE FROM actor_aliases WHERE alias = 'UK';"
        "DELETE FROM pledge_tags WHERE tag = 'ukef';"
        "DELETE FROM pledges WHERE key = 'usa-air-support';"
        "INSERT INTO pledges (key, title, pledger, status, confidence, conditions_total, "
        "conditions_open, conditions_failed, conditions_state, version, updated_at) VALUES "
        "('smuggled', 'Never logged', 'FRA', 'announced', 'reported', 0, 0, 0, 0, 1, 'x');"
        "UPDATE change_log SET source_key = 'gone-source' WHERE source_key IS NOT NULL;"
        f"{EVIL}",  # so that the repair has something to do
    )
    before = records_and_log(closed)
    result = doctor.repair(closed)
    log = [f.message for f in result.findings if f.area == "change log"]
    assert log.pop(0) == (
        "actor 'GBR': aliases is ['Britain'] in the record but ['UK', 'Britain'] in its change log"
    )
    assert log[:4] == [
        "pledge 'gbr-missiles': tags is [] in the record but ['ukef'] in its change log",
        "pledge 'gbr-troops': status is 'stalled' in the record but 'committed' in its change log",
        "pledge 'smuggled' is in the ledger, but its change log never created it (or deleted it)",
        "pledge 'usa-air-support': the change log says it exists, but the ledger holds no such "
        "record",
    ]
    assert log[4].endswith(
        "cites source 'gone-source', which does not exist (an export of this ledger will not "
        "import; creating a source with that key mends it)"
    )
    assert not any(f.repairable for f in result.findings)
    assert records_and_log(closed) == before


def test_findings_of_one_kind_are_bounded(closed: Path) -> None:
    with Ledger.open(closed) as ledger:
        ledger.save_records(
            [schemas.Pledge(key=f"more-{i:02d}", title="More", pledger="FRA") for i in range(20)],
            label="more",
        )
    tamper(closed, "UPDATE pledges SET notes = 'edited by hand'")
    found = [f.message for f in doctor.check(closed)]
    assert len(found) == doctor.EXAMPLES + 1
    assert found[-1] == (
        "and more: 25 records in all differ from their replayed change log (25 pledges)"
    )


def test_an_older_ledger_is_reported_not_upgraded_by_check(tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite"
    _, writer = engines.create_engines(engines.to_url(old))
    migrate.upgrade(writer, "0002")
    writer.dispose()
    checked = pledges("check", "--db", str(old))
    assert checked.returncode == 1
    assert "revision: the schema is at revision 0002, older than this pledges' " in checked.stdout
    assert ledger_file.inspect_file(old).revision == "0002"
    repaired = pledges("check", "--repair", "--db", str(old))
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert f"repaired: upgraded the schema to revision {migrate.head()}" in repaired.stdout
    assert ledger_file.inspect_file(old).revision == migrate.head()


def test_a_missing_ledger_or_another_file_is_refused_as_opening_does(tmp_path: Path) -> None:
    missing = pledges("check", "--db", str(tmp_path / "none.sqlite"))
    assert (missing.returncode, missing.stdout) == (1, "")
    assert "there is no ledger at" in missing.stderr
    assert not (tmp_path / "none.sqlite").exists()
    notes = tmp_path / "notes.sqlite"
    notes.write_text("not a database\n")
    refused = pledges("check", "--repair", "--db", str(notes))
    assert refused.returncode == 1 and "not a SQLite database" in refused.stderr
    assert notes.read_text() == "not a database\n"


def test_a_second_repair_in_the_same_second_keeps_the_first_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    moment = dt.datetime(2026, 12, 1, 12, 0, 0, tzinfo=dt.UTC)

    class Frozen(dt.datetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> Frozen:
            return cls.fromtimestamp(moment.timestamp(), tz)

    monkeypatch.setattr(doctor.dt, "datetime", Frozen)
    ledger = tmp_path / "ledger.sqlite"
    first = doctor.backup_path(ledger)
    first.write_text("the first backup")
    second = doctor.backup_path(ledger)
    assert first.name == "ledger.before-repair-20261201T120000Z.sqlite"
    assert second.name == "ledger.before-repair-20261201T120000Z-2.sqlite"


def test_periods_deleted_from_the_past_full_text_index_are_reported_and_indexed_again(
    closed: Path,
) -> None:
    from db.past import Reading

    tamper(
        closed,
        "DELETE FROM record_states_fts WHERE rowid IN "
        "(SELECT id FROM record_states WHERE record_key = 'gbr-missiles')",
    )
    with Ledger.open(closed) as ledger:
        assert ledger.at(Reading("2099")).matching_pledge_keys("missiles") == []
    found = [f.message for f in doctor.check(closed)]
    assert any(
        m.startswith("1 periods of the ledger in time are missing from its full-text index")
        for m in found
    ), found
    assert doctor.repair(closed).findings == []
    with Ledger.open(closed) as ledger:
        assert ledger.at(Reading("2099")).matching_pledge_keys("missiles") == ["gbr-missiles"]
