"""What the command line writes to a terminal: never a raw control, bidi or zero-width character
from a file name, a path, a query or a ledger, and never a whole 10 kB value in a message."""

from __future__ import annotations

import json
import os
import pty
import threading
from pathlib import Path

import pytest

import fixtures
from db.ledger import Ledger
from tests.support.cli_run import harmless, pledges
from tests.support.ledgers import inject

SAMPLE = fixtures.path()
#: A file-name fragment that sets the terminal's title, reorders the line, hides a character,
#: starts an 8-bit control sequence and would be an action in Textual markup.
#: A line break would let it forge a line of the report.
HOSTILE = "t\x1b]0;PWNED\x07\u202eevil\u200b\x9b31m[@click=app.quit]\nforged"
#: The same, as the CLI must show it.
VISIBLE = "t␛]0;PWNED␇⟨RLO⟩evil⟨ZWSP⟩⟨U+009B⟩31m[@click=app.quit]␊forged"


def test_import_reports_show_hostile_file_names_visible(tmp_path: Path, small: Ledger) -> None:
    good = tmp_path / f"{HOSTILE}.yaml"
    good.write_bytes(SAMPLE.read_bytes())
    bad = tmp_path / f"bad{HOSTILE}.yaml"
    bad.write_text("pledges:\n  - key: x\n")
    db = str(small.path)
    for result in (
        pledges("import", "--db", db, "--dry-run", str(good)),
        pledges("import", "--db", db, str(bad)),
        pledges("import", "--db", db, str(tmp_path / f"missing{HOSTILE}.yaml")),
        pledges("import", "--db", db, str(tmp_path / f"{HOSTILE}.txt")),
    ):
        assert harmless(result.stdout) and harmless(result.stderr), result
        assert "Traceback" not in result.stderr
    dry = pledges("import", "--db", db, "--dry-run", str(good))
    assert dry.returncode == 0
    assert VISIBLE in dry.stdout.splitlines()[0]
    refused = pledges("import", "--db", db, str(bad))
    assert refused.returncode == 1
    assert f"bad{VISIBLE}.yaml:1:" in refused.stderr


def test_export_and_backup_show_hostile_targets_visible(tmp_path: Path, small: Ledger) -> None:
    db = str(small.path)
    exported = pledges("export", "--db", db, "-o", str(tmp_path / f"{HOSTILE}.yaml"))
    assert exported.returncode == 0, exported.stderr
    assert VISIBLE in exported.stdout and harmless(exported.stdout)
    again = pledges("export", "--db", db, "-o", str(tmp_path / f"{HOSTILE}.yaml"))
    assert again.returncode == 1 and "already exists" in again.stderr
    assert harmless(again.stderr)
    unknown = pledges("export", "--db", db, "-o", str(tmp_path / f"{HOSTILE}.txt"))
    assert unknown.returncode == 2 and harmless(unknown.stderr)
    backed = pledges("backup", "--db", db, str(tmp_path / f"{HOSTILE}.sqlite"))
    assert backed.returncode == 0, backed.stderr
    assert VISIBLE in backed.stdout and harmless(backed.stdout)


def test_a_hostile_ledger_path_is_shown_visible(tmp_path: Path) -> None:
    result = pledges("list", "--db", str(tmp_path / f"{HOSTILE}.sqlite"))
    assert result.returncode == 1
    assert "there is no ledger at" in result.stderr and VISIBLE in result.stderr
    assert harmless(result.stderr)


def test_queries_are_echoed_visible(small: Ledger) -> None:
    result = pledges("list", "--db", str(small.path), f"status:{HOSTILE}")
    assert result.returncode == 2
    assert "bad query" in result.stderr and harmless(result.stderr)


def _c1_ledger(ledger: Ledger) -> str:
    title = "Air \x9b31m policing \u202eroivaheb\u202c \u200bhidden \x1b]0;PWNED\x07 end"
    inject(ledger, "pledges", "key", "gbr-troops", "title", title)
    return title


def test_list_never_passes_ledger_escapes_to_the_output(small: Ledger) -> None:
    _c1_ledger(small)
    table = pledges("list", "--db", str(small.path))
    assert table.returncode == 0, table.stderr
    assert harmless(table.stdout)
    assert "⟨U+009B⟩31m" in table.stdout and "⟨RLO⟩" in table.stdout
    listed = pledges("list", "--db", str(small.path), "--json")
    assert listed.returncode == 0, listed.stderr
    # JSON output is the same data with the dangerous characters as \u escapes.
    assert harmless(listed.stdout)
    title = {p["key"]: p["title"] for p in json.loads(listed.stdout)}["gbr-troops"]
    assert title == small.records("pledge", ["gbr-troops"])[0].title
    assert "\u202eroivaheb\u202c \u200bhidden" in title


def _on_a_terminal(*args: str) -> tuple[int, str]:
    """Run pledges with stdout on a pseudo-terminal; its exit code and what the terminal got."""
    leader, follower = pty.openpty()
    received: list[bytes] = []

    def read() -> None:
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the other end closed
                return
            if not chunk:
                return
            received.append(chunk)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        result = pledges(*args, stdout=follower)
    finally:
        os.close(follower)
        reader.join(timeout=30)
        os.close(leader)
    return result.returncode, b"".join(received).decode("utf-8", errors="replace")


def test_exports_and_lists_shown_on_a_terminal_are_made_visible(
    small: Ledger, tmp_path: Path
) -> None:
    _c1_ledger(small)
    db = str(small.path)
    for args in (
        ("export", "--db", db, "--format", "csv"),
        ("export", "--db", db, "--format", "json"),
        ("list", "--db", db),
    ):
        code, shown = _on_a_terminal(*args)
        assert code == 0, shown
        assert "gbr-troops" in shown
        assert all(c.isprintable() or c in "\r\n" for c in shown), args
    # Into a file the export keeps the ledger's text exactly.
    piped = pledges("export", "--db", db, "--format", "csv")
    assert "\u202eroivaheb" in piped.stdout


def test_click_usage_errors_quote_arguments_visible(small: Ledger, tmp_path: Path) -> None:
    result = pledges("list", "--db", str(small.path), "--sort", HOSTILE)
    assert result.returncode == 2
    assert "Invalid value for '--sort'" in result.stderr and harmless(result.stderr)
    # Click quotes extra arguments as they are (its message has line breaks of its own).
    word, shown = HOSTILE.split("\n")[0], VISIBLE.split("␊")[0]
    extra = pledges("backup", "--db", str(small.path), str(tmp_path / "b.sqlite"), word)
    assert extra.returncode == 2
    assert f"Got unexpected extra argument ({shown})" in extra.stderr
    assert harmless(extra.stderr)


def test_long_values_are_cut_in_messages(tmp_path: Path, small: Ledger) -> None:
    db = str(small.path)
    value = "x" * 10_000
    query = pledges("list", "--db", db, f"status:{value}")
    assert query.returncode == 2
    # The query language cuts the value it quotes; the message stays short either way.
    assert len(query.stderr) < 1_500 and "xxxx…" in query.stderr
    path = pledges("list", "--db", str(tmp_path / ("d" * 200) / ("y" * 200) / "z.sqlite"))
    assert path.returncode == 1 and len(path.stderr) < 1_000
    assert "there is no ledger at" in path.stderr
    fixture = tmp_path / "long-key.yaml"
    key = "k" * 10_000_000
    fixture.write_text(f"format: pledges/1\npledges:\n  - key: {key}\n    title: t\n")
    imported = pledges("import", "--db", db, str(fixture))
    assert imported.returncode == 1
    assert len(imported.stderr) < 10_000 and "cut: " in imported.stderr
    assert "Traceback" not in imported.stderr


def test_a_bad_query_points_at_its_mistake_within_a_window(small: Ledger) -> None:
    # Long terms (a query holds at most 100): the mistake is far from both ends.
    words = [f"tag:t{i}-{'x' * 20}" for i in range(90)]
    words[45] = "colour:red"
    result = pledges("list", "--db", str(small.path), *words)
    assert result.returncode == 2
    message, shown, pointer = result.stderr.splitlines()[:3]
    assert "unknown field 'colour'" in message
    assert len(shown) < 200 and shown.strip().startswith("…") and shown.endswith("…")
    start = pointer.index("^")
    assert shown[start : start + len("colour")] == "colour"


def test_a_query_of_too_many_terms_blames_the_query(small: Ledger) -> None:
    terms = [f"-pledger:A{i}" for i in range(1_100)]
    result = pledges("list", "--db", str(small.path), "--", *terms)
    assert result.returncode == 2
    assert "bad query: the query has more than 100 terms" in result.stderr
    assert "cannot read the ledger" not in result.stderr


def test_a_query_too_complex_for_the_database_blames_the_query(small: Ledger) -> None:
    # Past the parser's limit (a query built in code): SQLite's own refusal is the query's.
    from db.errors import QueryTooComplexError
    from db.query import Query, Term

    query = Query(tuple(Term("pledger", (f"A{i}",), negated=True) for i in range(1_100)))
    with pytest.raises(QueryTooComplexError, match="the query is too complex"):
        small.count_pledges(query)


@pytest.mark.parametrize("args", [["list"], ["list", "--json"], ["export"]])
def test_a_full_device_on_stdout_is_reported_plainly(small: Ledger, args: list[str]) -> None:
    with open("/dev/full", "w") as full:
        result = pledges(*args, "--db", str(small.path), stdout=full)
    assert result.returncode == 1
    assert result.stderr.startswith("pledges: cannot write the output: No space left on device")
    assert "internal error" not in result.stderr and "Exception ignored" not in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_a_full_device_under_an_import_report_is_reported_plainly(tmp_path: Path) -> None:
    with open("/dev/full", "w") as full:
        result = pledges("import", "--db", str(tmp_path / "l.sqlite"), str(SAMPLE), stdout=full)
    assert result.returncode == 1
    assert "cannot write the output" in result.stderr
    assert "Exception ignored" not in result.stderr


def test_a_file_name_that_is_not_utf8_is_refused_plainly(tmp_path: Path) -> None:
    db = tmp_path / "ledger.sqlite"
    name = os.fsdecode(b"\xff-pledges.yaml")  # a surrogate-escaped byte, as Python sees it
    (tmp_path / name).write_bytes(SAMPLE.read_bytes())
    result = pledges("import", "--db", str(db), name, cwd=tmp_path)
    assert result.returncode == 1
    assert "⟨U+DCFF⟩-pledges.yaml: it holds bytes that are not UTF-8 text" in result.stderr
    assert "internal error" not in result.stderr
    with Ledger.open(db) as ledger:
        assert ledger.count_pledges() == 0


def test_the_analysts_name_reaches_the_change_log_without_controls(tmp_path: Path) -> None:
    db = tmp_path / "ledger.sqlite"
    env = {"PLEDGES_AUTHOR": "ana\x1b]0;PWNED\x07"}
    assert pledges("import", "--db", str(db), str(SAMPLE), env=env).returncode == 0
    with Ledger.open(db) as ledger:
        assert {entry.author for entry in ledger.activity()} == {"ana]0;PWNED"}
    undone = pledges("undo", "--db", str(db), env=env)
    assert undone.returncode == 0, undone.stderr
    invalid = pledges("undo", "--db", str(db), env={"PLEDGES_AUTHOR": os.fsdecode(b"\xffana")})
    assert invalid.returncode == 1
    assert "$PLEDGES_AUTHOR is not UTF-8 text" in invalid.stderr


def test_a_setting_of_the_wrong_kind_is_reported(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("ledger = 5\n")
    result = pledges("list", env={"PLEDGES_CONFIG": str(config), "PLEDGES_DB": ""})
    assert result.returncode == 1
    assert f"ledger in {config} must be text in quotes" in result.stderr
