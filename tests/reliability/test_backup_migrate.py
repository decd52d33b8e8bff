"""Backups taken while another process writes, and upgrades from the first schema.

A backup (``Ledger.backup`` and ``pledges backup``) made while an analyst's process writes
opens as a ledger, passes the integrity checks and holds exactly the writes committed before
some moment: whole batches, in order, none missing, none torn. A ledger at the first schema
revision, holding the sample ledger and a change log with edits, undo and redo by two
analysts, upgrades to the current schema with every row of every table unchanged.
"""

from __future__ import annotations

import functools
import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import fixtures
from db import engines, migrate, schemas
from db.interchange import export_text, import_files
from db.ledger import Ledger
from db.sqlite import facet_counts, fulltext, ledger_file
from tests.support import workers

#: Backups at scale 1; one in five is made by the command line (a process of its own,
#: which takes seconds to start on a busy machine).
BACKUPS = 5


def wait_until(condition: Callable[[], bool], what: str) -> None:
    """Poll until ``condition`` holds (a generous bound against a hang, not a timing)."""
    deadline = time.monotonic() + 120
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting until {what}"
        time.sleep(0.01)


@pytest.mark.slow
def test_backups_made_while_another_process_writes_are_consistent_prefixes(
    small: Ledger, tmp_path: Path, scale: int
) -> None:
    assert small.path is not None
    before = {t: small.records(t) for t in ("actor", "source", "condition", "pledge")}
    stop = tmp_path / "stop"
    report = tmp_path / "load.jsonl"
    load = workers.context().Process(
        target=workers.backup_load, args=(str(small.path), str(stop), str(report), 100_000)
    )
    load.start()
    backups: list[tuple[Path, int, int]] = []
    rng = random.Random()
    try:
        wait_until(lambda: len(workers.read_report(report)) >= 3, "the writes are under way")
        for n in range(BACKUPS * scale):
            target = tmp_path / f"backup-{n}.sqlite"
            started = len(workers.read_report(report))
            if n % BACKUPS == 1:
                made = subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "tui.cli",
                        "backup",
                        "--db",
                        str(small.path),
                        str(target),
                    ],
                    capture_output=True,
                    text=True,
                    timeout=120,
                    env={**os.environ, "PLEDGES_DEBUG": "1"},
                )
                assert (made.returncode, made.stderr) == (0, ""), made.stderr
                assert made.stdout == f"backed up {small.path} to {target}\n"
            else:
                assert small.backup(target) == target
            backups.append((target, started, len(workers.read_report(report))))
            time.sleep(rng.uniform(0, 0.2))
    finally:
        stop.touch()
        load.join(timeout=120)
    assert load.exitcode == 0
    assert not list(tmp_path.glob("*.partial"))

    sizes = []
    for target, started, finished in backups:
        assert workers.check_file(target) == [], target
        with Ledger.open(target, create=False) as copy:
            loaded = sorted(k for k in copy.matching_pledge_keys() if k.startswith("load-"))
            done = len(loaded) // 3
            # Whole batches, in order: the writes committed up to one moment during the
            # backup, so at least those reported before it began, at most one beyond those
            # reported once it ended (committed, not yet reported).
            assert loaded == [f"load-{i:05d}-{n}" for i in range(done) for n in range(3)]
            assert started <= done <= finished + 1, (target, started, done, finished)
            batches = {e.batch for e in copy.activity(limit=100_000) if e.author == "loader"}
            assert len(batches) == done
            assert copy.count_pledges() == 5 + 3 * done
            unchanged = {t: copy.records(t) for t in ("actor", "source", "condition")}
            assert unchanged == {t: before[t] for t in unchanged}
            assert [r for r in copy.records("pledge") if not r.key.startswith("load-")] == (
                before["pledge"]
            )
        sizes.append(done)
    print(f"{len(backups)} backups under load held {sizes} of the writer's batches")


# -- migrations from the first schema ---------------------------------------------------------


def sample_with_history(path: Path) -> None:
    """The sample ledger, then edits by two analysts: a status change undone and redone, an
    edit, a link, a creation and its deletion."""
    # The first schema keeps a source's reliability but not its credibility (0005 adds it):
    # the sample as a ledger of then could hold it, with its sources' grades cut to the letter.
    graded = fixtures.path().read_text(encoding="utf-8")
    sample = path.with_name("sample-of-the-first-schema.yaml")
    sample.write_text(re.sub(r"(reliability: [A-F])[1-6]", r"\1", graded), encoding="utf-8")
    with Ledger.open(path, author="ana") as ana:
        import_files(ana, [sample])
        ana.change_status(
            "condition", "us-backstop", "met", note="US signs the protocol", effective="2026-02"
        )
        ana.undo()
        ana.redo()
        ana.create(schemas.Pledge(key="ita-pilot-training", title="F-16 pilots", pledger="ITA"))
    with Ledger.open(path, author="ben") as ben:
        detail = ben.pledge("ita-pilot-training")
        ben.update(
            detail.pledge.model_copy(update={"notes": "Ben's note", "tags": ["training"]}),
            version=detail.version,
        )
        ben.link_condition("ita-pilot-training", "ceasefire")
        ben.create(schemas.Pledge(key="typo-pledge", title="Entered by mistake", pledger="FRA"))
        ben.delete("pledge", "typo-pledge", version=1, note="typo")


def first_schema(path: Path) -> None:
    _, writer = engines.create_engines(engines.to_url(path))
    try:
        migrate.upgrade(writer, "0001")
    finally:
        writer.dispose()


@functools.cache
def first_schema_tables() -> frozenset[str]:
    """The tables of the first schema revision (all but SQLite's own)."""
    return frozenset(first_schema_columns())


@functools.cache
def first_schema_columns() -> dict[str, tuple[str, ...]]:
    """The columns of each table of the first schema revision (later ones add some)."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "first.sqlite"
        first_schema(path)
        tables = ledger_file.inspect_file(path).tables
        with sqlite3.connect(path) as connection:
            return {
                t: tuple(row[1] for row in connection.execute(f"PRAGMA table_info({t})"))
                for t in tables
                if not t.startswith("sqlite_")
            }


def table_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the first schema, its columns only, in a stable order,
    without the schema's revision number."""
    with sqlite3.connect(path) as connection:
        return {
            name: sorted(
                connection.execute(
                    f"SELECT {', '.join(first_schema_columns()[name])} FROM {name}"
                ).fetchall(),
                key=repr,
            )
            for name in sorted(first_schema_tables() - {"alembic_version"})
        }


def built_at_the_first_schema(head: Path, path: Path) -> None:
    """A ledger made by the first migration alone, holding the rows of ``head``."""
    first_schema(path)
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("ATTACH DATABASE ? AS head", (str(head),))
        connection.execute("BEGIN")
        for name in sorted(first_schema_tables() - {"alembic_version"}):
            columns = [row[1] for row in connection.execute(f"PRAGMA main.table_info({name})")]
            theirs = [row[1] for row in connection.execute(f"PRAGMA head.table_info({name})")]
            # Later revisions add columns (sources.credibility in 0005), never remove one.
            assert set(columns) <= set(theirs), name
            listed = ", ".join(columns)
            connection.execute(
                f"INSERT INTO main.{name} ({listed}) SELECT {listed} FROM head.{name}"
            )
        connection.execute("COMMIT")
        connection.execute("DETACH DATABASE head")
    finally:
        connection.close()


def downgraded_to_the_first_schema(head: Path, path: Path) -> None:
    ledger_file.backup(head, path)
    _, writer = engines.create_engines(engines.to_url(path))
    try:
        migrate.downgrade(writer, "0001")
    finally:
        writer.dispose()


def everything_read(ledger: Ledger) -> dict[str, Any]:
    """What the service API answers about a ledger, from records to searches and the past."""
    return {
        "export": export_text(ledger, "yaml"),
        "records": {t: ledger.records(t) for t in ("actor", "source", "condition", "pledge")},
        "log": ledger.activity(limit=100_000),
        "as of": ledger.as_of("2025-12-31"),
        "searches": {
            q: ledger.matching_pledge_keys(q)
            for q in ("reassurance", '"ceasefire monitoring"', "troops -france", "is:conditional")
        },
        "facets": ledger.facets(),
        "count": ledger.count_pledges(),
        "undo": ledger.undo_redo_labels(),
    }


@pytest.mark.parametrize(
    "make", [built_at_the_first_schema, downgraded_to_the_first_schema], ids=["built", "downgraded"]
)
def test_a_ledger_at_the_first_schema_upgrades_keeping_every_record_and_log_entry(
    tmp_path: Path, make: Callable[[Path, Path], None]
) -> None:
    head = tmp_path / "head.sqlite"
    sample_with_history(head)
    with Ledger.open(head, author="ana") as ledger:
        expected = everything_read(ledger)
    rows = table_rows(head)
    assert len(rows["pledges"]) == 42 and len(rows["change_log"]) > 150

    old = tmp_path / "old.sqlite"
    make(head, old)
    info = ledger_file.inspect_file(old)
    assert info.revision == "0001"
    assert not {fulltext.TABLE, facet_counts.TABLE} & info.tables
    assert table_rows(old) == rows

    with Ledger.open(old, author="ana") as upgraded:
        assert ledger_file.inspect_file(old).revision == migrate.head()
        assert everything_read(upgraded) == expected
    assert table_rows(old) == rows
    assert workers.check_file(old) == []
    (backup,) = tmp_path.glob("old.before-0001-upgrade-*.sqlite")
    assert ledger_file.inspect_file(backup).revision == "0001"
