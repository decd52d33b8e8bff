"""The command line as a user meets it: real processes, stdout, stderr and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from db.ledger import Ledger
from tests.support import ROOT
from tests.support.ledgers import CJK, LONG_TITLE, RTL, inject


def pledges(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        timeout=120,
    )


def test_version_and_help() -> None:
    version = pledges("--version")
    assert version.returncode == 0 and version.stdout.startswith("pledges ")
    helped = pledges("--help")
    assert helped.returncode == 0
    assert "list" in helped.stdout and "backup" in helped.stdout


def test_list_prints_a_readable_table(small: Ledger) -> None:
    result = pledges("list", "--db", str(small.path), "status:committed")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["KEY", "PLEDGER", "STATUS"]
    assert [line.split()[0] for line in lines[1:]] == ["fra-reassurance-force", "gbr-troops"]
    assert "2 pending" in lines[1]


def test_list_json_uses_the_fixture_field_names(small: Ledger) -> None:
    result = pledges("--db", str(small.path), "list", "--json", "pledger:FRA")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [d["key"] for d in data] == ["fra-reassurance-force"]
    assert data[0]["conditions"] == ["us-backstop", "ceasefire"]
    assert data[0]["history"][1] == {
        "date": "2025-09-04",
        "status": "committed",
        "source": "elysee-2025-09-02",
    }


def test_list_sorts_and_limits(small: Ledger) -> None:
    result = pledges(
        "list", "--db", str(small.path), "--sort", "announced", "--reverse", "--limit", "2"
    )
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    keys = [line.split()[0] for line in result.stdout.splitlines()[1:]]
    assert keys == ["deu-neighbouring-territory", "fra-reassurance-force"]


#: A CSI (U+009B) in a title, as a ledger written by another tool may hold it.
C1_TITLE = "Air\x9b2J defence"


def raw_controls(text: str) -> list[str]:
    """The characters a terminal would act on: C0 and C1 controls but the line break, and
    bidi and other format characters."""
    return [c for c in text if c != "\n" and (unicodedata.category(c) in {"Cc", "Cf", "Zl", "Zp"})]


def test_hostile_text_reaches_the_terminal_harmless(hostile: Ledger) -> None:
    inject(hostile, "pledges", "key", "hostile-cjk", "title", C1_TITLE)
    table = pledges("list", "--db", str(hostile.path))
    assert (table.returncode, table.stderr) == (0, ""), table.stderr
    assert raw_controls(table.stdout) == []
    assert "␛[31m" in table.stdout and "Air⟨U+009B⟩2J defence" in table.stdout
    assert "[@click=app.quit]x" in table.stdout and "[/]" in table.stdout
    # JSON lists records as an export writes them: controls cleaned from the stored text.
    listed = pledges("list", "--db", str(hostile.path), "--json", "key:hostile-escape,hostile-cjk")
    assert (listed.returncode, listed.stderr) == (0, ""), listed.stderr
    assert raw_controls(listed.stdout) == []
    assert [d["title"] for d in json.loads(listed.stdout)] == [
        "Air2J defence",
        "red [31malert[0m and title ]0;pwned bell",
    ]


def test_list_json_escapes_bidi_controls(hostile: Ledger) -> None:
    listed = pledges("list", "--db", str(hostile.path), "--json", "key:hostile-action")
    assert (listed.returncode, listed.stderr) == (0, ""), listed.stderr
    assert raw_controls(listed.stdout) == []
    assert [d["notes"] for d in json.loads(listed.stdout)] == [f"{CJK} {RTL}"]


def test_list_json_never_prints_half_a_document(hostile: Ledger) -> None:
    listed = pledges("list", "--db", str(hostile.path), "--json")
    # Every pledge is listed, the one the schemas would refuse now (another tool wrote a 10 kB
    # title into it) as it is stored: one whole document, however odd a record is.
    assert listed.returncode == 0, listed.stderr[:200]
    document = json.loads(listed.stdout)
    assert sorted(p["key"] for p in document) == hostile.keys("pledge")
    assert next(p for p in document if p["key"] == "hostile-long")["title"] == LONG_TITLE


@pytest.mark.parametrize(
    ("args", "fragment", "code"),
    [
        (["list", "status:comitted"], "did you mean committed", 2),
        (["list", '"unclosed'], "never closed", 2),
        (["list", "--sort", "colour"], "Invalid value for '--sort'", 2),
        (["backup"], "Missing argument", 2),
        (["frobnicate"], "No such command", 2),
    ],
)
def test_usage_errors_are_one_clear_message(
    small: Ledger, args: list[str], fragment: str, code: int
) -> None:
    result = pledges("--db", str(small.path), *args)
    assert (result.returncode, result.stdout) == (code, "")
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr


def test_errors_opening_a_ledger_are_one_line_without_traceback(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"\x00\x01 not sqlite")
    result = pledges("list", "--db", str(junk))
    assert result.returncode == 1
    assert (
        result.stderr.strip()
        == f"pledges: {junk} is not a pledges ledger (it is not a SQLite database); nothing was changed"
    )
    missing = pledges("list", "--db", str(tmp_path / "missing.sqlite"))
    assert missing.returncode == 1 and "there is no ledger at" in missing.stderr
    assert not (tmp_path / "missing.sqlite").exists()


def test_the_default_ledger_comes_from_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "from-env.sqlite"
    result = pledges("list", env={"PLEDGES_DB": str(path)})
    assert result.returncode == 0, result.stderr
    assert path.exists()


def test_backup_copies_a_live_ledger_and_never_overwrites(small: Ledger, tmp_path: Path) -> None:
    destination = tmp_path / "copy.sqlite"
    first = pledges("backup", "--db", str(small.path), str(destination))
    assert first.returncode == 0, first.stderr
    with Ledger.open(destination) as copy:
        assert copy.count_pledges() == 5
    again = pledges("backup", "--db", str(small.path), str(destination))
    assert again.returncode == 1 and "already exists" in again.stderr
