"""``pledges undo`` and ``pledges redo``: the UI's ``u`` and ``ctrl+r`` for scripts and for a
colleague without the UI, with the same batches and the same refusals."""

from __future__ import annotations

from pathlib import Path

import fixtures
from db.errors import UndoConflictError
from db.ledger import Ledger
from tests.support.cli_run import pledges

SAMPLE = str(fixtures.path())


def test_undo_and_redo_reverse_an_import_and_say_what(tmp_path: Path) -> None:
    db = str(tmp_path / "ledger.sqlite")
    assert pledges("import", "--db", db, SAMPLE).returncode == 0
    with Ledger.open(db, author="tester") as ledger:
        label, _ = ledger.undo_redo_labels()
    undone = pledges("undo", "--db", db)
    assert undone.returncode == 0, undone.stderr
    assert undone.stdout.splitlines() == [
        f"undone: {label} (`pledges redo` redoes it)",
        "153 records: 45 actors, 9 conditions, 41 pledges, 58 sources",
        "now: 153 records no longer exist",
    ]
    with Ledger.open(db) as ledger:
        assert ledger.count_pledges() == 0
        assert ledger.undo_redo_labels() == (None, f"undo: {label}")
    redone = pledges("--db", db, "redo")
    assert redone.returncode == 0, redone.stderr
    assert redone.stdout.splitlines()[0] == f"redone: {label} (`pledges undo` undoes it again)"
    with Ledger.open(db) as ledger:
        assert ledger.count_pledges() == 41


def test_nothing_to_undo_or_redo_exits_1(tmp_path: Path) -> None:
    db = str(tmp_path / "ledger.sqlite")
    Ledger.open(db).close()
    for kind in ("undo", "redo"):
        result = pledges(kind, "--db", db)
        assert result.returncode == 1
        assert result.stdout == ""
        assert result.stderr == f"pledges: nothing to {kind} (as tester, in {db})\n"


def test_undo_is_per_analyst(tmp_path: Path) -> None:
    db = str(tmp_path / "ledger.sqlite")
    assert pledges("import", "--db", db, SAMPLE).returncode == 0
    other = pledges("undo", "--db", db, env={"PLEDGES_AUTHOR": "ben"})
    assert other.returncode == 1 and "nothing to undo (as ben" in other.stderr
    with Ledger.open(db) as ledger:
        assert ledger.count_pledges() == 41


def test_undo_refuses_to_overwrite_a_colleagues_change(small: Ledger) -> None:
    db = str(small.path)
    ana = Ledger.open(db, author="ana")
    ben = Ledger.open(db, author="ben")
    try:
        detail = ana.pledge("gbr-troops")
        ana.update(
            detail.pledge.model_copy(update={"title": "Ana's title"}), version=detail.version
        )
        detail = ben.pledge("gbr-troops")
        ben.update(
            detail.pledge.model_copy(update={"title": "Ben's title"}), version=detail.version
        )
    finally:
        ana.close()
        ben.close()
    result = pledges("undo", "--db", db, env={"PLEDGES_AUTHOR": "ana"})
    assert result.returncode == 1
    first, note, ways = result.stderr.splitlines()
    assert first.startswith('pledges: cannot reverse "edit pledge gbr-troops": ')
    assert "nothing was changed" in first
    assert note == UndoConflictError.ADVICE
    assert "--in-part" in ways and "--skip" in ways
    assert "(by ben, last at " in first
    assert small.pledge("gbr-troops").pledge.title == "Ben's title"


def test_undo_in_part_and_skip_on_the_command_line(small: Ledger, tmp_path: Path) -> None:
    db = str(small.path)
    first = tmp_path / "first.csv"
    first.write_text("key,title,pledger\nq-first,First,FRA\n", encoding="utf-8")
    both = tmp_path / "both.csv"
    both.write_text("key,title,pledger\nq-one,One,FRA\nq-two,Two,GBR\n", encoding="utf-8")
    as_ana = {"PLEDGES_AUTHOR": "ana"}
    assert pledges("import", "--db", db, str(first), env=as_ana).returncode == 0
    assert pledges("import", "--db", db, str(both), env=as_ana).returncode == 0
    with Ledger.open(db, author="ben") as ben:
        detail = ben.pledge("q-two")
        ben.update(detail.pledge.model_copy(update={"notes": "Ben's"}), version=detail.version)
    skipped = pledges("undo", "--skip", "--db", db, env=as_ana)
    assert skipped.returncode == 0, skipped.stderr
    lines = skipped.stdout.splitlines()
    assert lines[0].startswith("undone: import first.csv")
    assert lines[-1].startswith('left for now: "import both.csv": ') and "by ben" in lines[-1]
    in_part = pledges("undo", "--in-part", "--db", db, env=as_ana)
    assert in_part.returncode == 0, in_part.stderr
    lines = in_part.stdout.splitlines()
    assert lines[0].startswith("undone: import both.csv")
    assert "now: pledge 'q-one' no longer exists" in lines
    assert any(line.startswith("kept as it is: pledge 'q-two': ") for line in lines)
    assert small.count_pledges("q-one") == 0
    assert small.pledge("q-two").pledge.notes == "Ben's"


def test_undo_and_redo_are_in_the_help() -> None:
    helped = pledges("--help")
    assert helped.returncode == 0
    commands = [
        line.split()[0] for line in helped.stdout.split("Commands:")[1].splitlines() if line.strip()
    ]
    assert {"undo", "redo"} <= set(commands)
    assert "--db PATH" in pledges("undo", "--help").stdout
