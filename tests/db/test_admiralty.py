"""A source's full NATO Admiralty code: the reliability of the source (A-F) and the credibility
of its information (1-6), written together (``B2``) or apart, kept apart, shown together; and
ledgers and files from before the credibility, which keep working unchanged."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from db import engines, migrate, schemas
from db.interchange import export_text, import_files
from db.ledger import Ledger
from db.sqlite import ledger_file
from tests.support.cli_run import pledges

OLD = Path(__file__).parent / "old_fixtures"
SOURCE = {"key": "kyiv-independent", "title": "Kyiv Independent"}


@pytest.mark.parametrize(
    "given",
    [
        {"reliability": "B2"},
        {"reliability": " B2 "},
        {"reliability": "B", "credibility": "2"},
        {"reliability": "B", "credibility": 2},  # a number, as JSON writes it
        {"reliability": "B2", "credibility": "2"},  # the same twice is no contradiction
    ],
)
def test_the_full_code_or_its_two_grades_are_kept_apart(given: dict[str, object]) -> None:
    source = schemas.Source.model_validate({**SOURCE, **given})
    assert (source.reliability, source.credibility) == ("B", "2")
    assert source.state()["reliability"] == "B" and source.state()["credibility"] == "2"


def test_a_letter_alone_is_still_a_grading() -> None:
    source = schemas.Source.model_validate({**SOURCE, "reliability": "B"})
    assert (source.reliability, source.credibility) == ("B", None)


def test_the_grading_is_stored_read_and_listed(ledger: Ledger) -> None:
    ledger.create(schemas.Source.model_validate({**SOURCE, "reliability": "C3"}))
    source = ledger.source("kyiv-independent").source
    assert (source.reliability, source.credibility) == ("C", "3")
    (row,) = [r for r in ledger.sources() if r.key == "kyiv-independent"]
    assert (row.reliability, row.credibility, row.grading) == ("C", "3", "C3")
    with sqlite3.connect(ledger.path) as connection:  # type: ignore[arg-type]
        stored = connection.execute(
            "SELECT reliability, credibility FROM sources WHERE key = 'kyiv-independent'"
        ).fetchone()
    assert stored == ("C", "3")
    # The change log keeps it; undo and redo bring both grades back and forth.
    ledger.update(
        schemas.Source.model_validate({**SOURCE, "reliability": "B1"}),
        version=ledger.source("kyiv-independent").version,
    )
    ledger.undo()
    source = ledger.source("kyiv-independent").source
    assert (source.reliability, source.credibility) == ("C", "3")


def test_the_citation_gives_the_full_code(small: Ledger) -> None:
    source = small.source("elysee-2025-09-02")
    small.update(
        source.source.model_copy(update={"reliability": "B", "credibility": "2"}).validated(),
        version=source.version,
    )
    cited = small.citation("pledge", "fra-reassurance-force").splitlines()
    assert cited[-1] == (
        'Source: "Elysee: guarantees ready", Elysee, 2025-09-02, graded B2, https://www.elysee.fr/.'
    )
    cited = small.citation("pledge", "deu-neighbouring-territory").splitlines()
    assert cited[-1] == 'Source: "Paris Declaration", 2026-01-06, graded A.'


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_a_file_from_before_the_credibility_imports_and_exports_byte_for_byte(
    ledger: Ledger, fmt: str
) -> None:
    old = OLD / f"before-credibility.{fmt}"
    import_files(ledger, [old])
    assert ledger.source("kyiv-independent-2025-09-05").source.credibility is None
    assert export_text(ledger, fmt) == old.read_text(encoding="utf-8")


def test_fixtures_take_the_full_code_and_export_the_two_grades(
    ledger: Ledger, tmp_path: Path
) -> None:
    yaml_file = tmp_path / "graded.yaml"
    yaml_file.write_text(
        "format: pledges/1\nsources:\n"
        "  - key: full\n    title: Full code\n    reliability: B2\n"
        "  - key: apart\n    title: Two fields\n    reliability: C\n    credibility: 4\n"
        "  - key: letter\n    title: Letter only\n    reliability: A\n",
        encoding="utf-8",
    )
    json_file = tmp_path / "graded.json"
    json_file.write_text(
        json.dumps(
            {
                "format": "pledges/1",
                "sources": [
                    {"key": "number", "title": "JSON", "reliability": "D", "credibility": 5}
                ],
            }
        ),
        encoding="utf-8",
    )
    import_files(ledger, [yaml_file, json_file])
    graded = {r.key: r.grading for r in ledger.sources()}
    assert graded == {"apart": "C4", "full": "B2", "letter": "A", "number": "D5"}
    exported = export_text(ledger, "yaml")
    assert "  - key: full\n    title: Full code\n    reliability: B\n    credibility: 2\n" in (
        exported
    )
    assert "  - key: letter\n    title: Letter only\n    reliability: A\n" in exported
    as_json = json.loads(export_text(ledger, "json"))
    assert {"key": "number", "title": "JSON", "reliability": "D", "credibility": "5"} in (
        as_json["sources"]
    )
    # And the export imports into an empty ledger unchanged.
    copy_path = tmp_path / "copy.yaml"
    copy_path.write_text(exported, encoding="utf-8")
    with Ledger.open(tmp_path / "copy.sqlite", author="tester") as copy:
        import_files(copy, [copy_path])
        assert export_text(copy, "yaml") == exported


def test_a_contradicting_file_is_refused_with_the_field_named(
    ledger: Ledger, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "format: pledges/1\nsources:\n"
        "  - key: both\n    title: Both\n    reliability: B2\n    credibility: 3\n",
        encoding="utf-8",
    )
    result = pledges("import", "--db", str(ledger.path), str(bad))
    assert result.returncode == 1
    assert "sources[0] (both).credibility: '3' but reliability B2 gives 2" in result.stderr


def _columns(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        return [row[1] for row in connection.execute("PRAGMA table_info(sources)")]


def test_an_old_ledger_is_upgraded_and_keeps_its_gradings(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with Ledger.open(path, author="tester") as ledger:
        import_files(ledger, [OLD / "before-credibility.yaml"])
    _, writer = engines.create_engines(engines.to_url(path))
    try:
        migrate.downgrade(writer, "0004")  # a ledger as pledges at revision 0004 left it
    finally:
        writer.dispose()
    assert "credibility" not in _columns(path) and "reliability" in _columns(path)
    with Ledger.open(path, create=False) as ledger:
        assert "credibility" in _columns(path)
        source = ledger.source("kyiv-independent-2025-09-05").source
        assert (source.reliability, source.credibility) == ("B", None)
        old = (OLD / "before-credibility.yaml").read_text(encoding="utf-8")
        assert export_text(ledger, "yaml") == old
    assert list(tmp_path.glob("old.before-0004-upgrade-*.sqlite"))
    checked = pledges("check", "--db", str(path))
    assert (checked.returncode, checked.stdout) == (0, "ok: no findings\n"), checked.stdout


def test_the_downgrade_drops_the_credibility_and_keeps_the_reliability(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    with Ledger.open(path, author="tester") as ledger:
        ledger.create(schemas.Source.model_validate({**SOURCE, "reliability": "B2"}))
    _, writer = engines.create_engines(engines.to_url(path))
    try:
        migrate.downgrade(writer, "0004")
        assert ledger_file.inspect_file(path).revision == "0004"
        assert "credibility" not in _columns(path)
        with sqlite3.connect(path) as connection:
            assert connection.execute("SELECT key, reliability FROM sources").fetchall() == [
                ("kyiv-independent", "B")
            ]
        migrate.upgrade(writer)
    finally:
        writer.dispose()
    with Ledger.open(path, create=False) as ledger:
        source = ledger.source("kyiv-independent").source
        assert (source.reliability, source.credibility) == ("B", None)


def test_a_ledger_at_0005_without_the_column_is_named_by_check(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    with Ledger.open(path, author="tester") as ledger:
        import_files(ledger, [OLD / "before-credibility.yaml"])
    with sqlite3.connect(path) as connection:  # another tool's doing
        connection.execute("ALTER TABLE sources DROP COLUMN credibility")
    checked = pledges("check", "--db", str(path))
    assert checked.returncode == 1
    assert (
        "schema: table 'sources' has other columns than pledges made (missing credibility)"
        in checked.stdout
    )
    exported = pledges("export", "--db", str(path))
    assert exported.returncode == 1 and "internal error" not in exported.stderr
    assert "no such column: sources.credibility" in exported.stderr
