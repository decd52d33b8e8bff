"""``pledges import`` and ``pledges export`` as a user runs them: real processes, stdout,
stderr and exit codes."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

import fixtures
from db.interchange import export_text
from db.ledger import Ledger
from tests.support import ROOT

SAMPLE = str(fixtures.path())


def pledges(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )


def test_help_lists_import_and_export() -> None:
    helped = pledges("--help")
    assert helped.returncode == 0
    assert "import" in helped.stdout and "export" in helped.stdout
    assert "--map FIELD=COLUMN" in pledges("import", "--help").stdout


def test_import_prints_a_summary_table_and_reimport_says_nothing_changed(tmp_path: Path) -> None:
    db = str(tmp_path / "ledger.sqlite")
    first = pledges("--db", db, "import", SAMPLE)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == [
        f"imported {SAMPLE} into {db}",
        "record type      added   updated   unchanged",
        "actors              45         0           0",
        "sources             58         0           0",
        "conditions           9         0           0",
        "pledges             41         0           0",
    ]
    assert first.stderr == ""  # no progress bar: stderr is not a terminal
    again = pledges("import", SAMPLE, "--db", db, "--dry-run")
    assert again.returncode == 0
    assert again.stdout.splitlines()[0].startswith("dry run: importing")
    assert again.stdout.splitlines()[-1] == (
        "nothing changed: the ledger already holds every record as in the input"
    )


def test_invalid_input_lists_every_problem_on_stderr_and_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "format: pledges/1\npledges:\n  - {key: a, title: A, pledger: FRX}\n"
        "  - {key: b, title: B, pledger: FRA, announced: 2025-13}\n"
    )
    result = pledges("--db", str(tmp_path / "l.sqlite"), "import", str(bad))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{bad}:3 pledges[0] (a).pledger: there is no actor 'FRX' in the ledger or in the files given",
        f"{bad}:4 pledges[1] (b).announced: '2025-13' is not a date: month 13 does not exist; use "
        "YYYY, YYYY-MM or YYYY-MM-DD",
        f"{bad}:4 pledges[1] (b).pledger: there is no actor 'FRA' in the ledger or in the files given",
        "pledges: 3 problems in the input; nothing was imported",
    ]


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    missing = pledges("--db", str(tmp_path / "l.sqlite"), "import", str(tmp_path / "nope.yaml"))
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    query = pledges("--db", str(tmp_path / "l.sqlite"), "export", "status:")
    assert query.returncode == 2 and query.stderr.startswith("pledges: bad query:")
    assert "Traceback" not in missing.stderr + query.stderr


def test_export_writes_to_stdout_or_a_file_and_never_overwrites_without_force(
    small: Ledger, tmp_path: Path
) -> None:
    db = str(small.path)
    out = pledges("--db", db, "export")
    assert out.returncode == 0 and out.stdout == export_text(small, "yaml")
    target = tmp_path / "ledger.json"
    written = pledges("--db", db, "export", "-o", str(target))
    assert written.returncode == 0, written.stderr
    assert written.stdout == f"exported 5 pledges to {target}\n" and written.stderr == ""
    assert target.read_text(encoding="utf-8") == export_text(small, "json")
    target.write_text("precious")
    refused = pledges("--db", db, "export", "-o", str(target), "--format", "csv")
    assert refused.returncode == 1
    assert refused.stderr == f"pledges: {target} already exists; add --force to overwrite it\n"
    assert target.read_text() == "precious"
    forced = pledges("--db", db, "export", "-o", str(target), "--format", "csv", "--force")
    assert forced.returncode == 0
    assert target.read_text(encoding="utf-8") == export_text(small, "csv")
    left = [p.name for p in tmp_path.iterdir() if not p.name.startswith("ledger.sqlite")]
    assert left == ["ledger.json"]  # no temporary file left behind


def test_export_takes_a_query(small: Ledger) -> None:
    result = pledges("--db", str(small.path), "export", "--format", "csv", "--", "-pledger:GBR")
    assert result.returncode == 0, result.stderr
    assert [r.split(",")[0] for r in result.stdout.splitlines()[1:]] == [
        "deu-neighbouring-territory",
        "fra-reassurance-force",
        "usa-air-support",
    ]


def test_export_of_an_unknown_suffix_asks_for_a_format(small: Ledger, tmp_path: Path) -> None:
    result = pledges("--db", str(small.path), "export", "-o", str(tmp_path / "out.txt"))
    assert result.returncode == 2
    assert "add --format yaml, json or csv" in result.stderr


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_progress_line_shows_on_a_terminal_for_large_inputs_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui import cli_fixtures

    small_file = tmp_path / "small.yaml"
    small_file.write_text("format: pledges/1\n")
    large_file = tmp_path / "large.csv"
    large_file.write_text("key,title,pledger\n" + "x" * cli_fixtures.PROGRESS_BYTES)
    assert cli_fixtures._progress((str(large_file),)) is None  # stderr is not a terminal
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert cli_fixtures._progress((str(small_file),)) is None
    line = cli_fixtures._progress((str(large_file),))
    assert line is not None
    line("checking", 45_000, 100_000)
    line.clear()
    assert terminal.getvalue() == "\rchecking 45,000 of 100,000 records\x1b[K\r\x1b[K"
