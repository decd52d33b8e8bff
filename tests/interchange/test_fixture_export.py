"""Exports: the same document in YAML and JSON, deterministic, importable, limited by a query."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import fixtures
from db import schemas
from db.errors import LedgerError
from db.interchange import export_text, import_files, yaml_reader
from db.ledger import Ledger
from tests.support.ledgers import CJK, MARKUP_ACTION, MARKUP_CLOSE, MARKUP_CONDITION, RTL


def fresh(tmp_path: Path, name: str) -> Ledger:
    return Ledger.open(tmp_path / name, author="tester")


def reimported(text: str, suffix: str, tmp_path: Path, name: str = "again") -> Ledger:
    path = tmp_path / f"{name}.{suffix}"
    path.write_text(text, encoding="utf-8")
    other = fresh(tmp_path, f"{name}.sqlite")
    import_files(other, [path])
    return other


def test_export_lists_records_by_type_then_key_with_fields_in_schema_order(small: Ledger) -> None:
    document = json.loads(export_text(small, "json"))
    assert list(document) == ["format", "records", "actors", "sources", "conditions", "pledges"]
    assert document["records"] == {"actors": 7, "sources": 2, "conditions": 3, "pledges": 5}
    assert [a["code"] for a in document["actors"]] == sorted(a["code"] for a in document["actors"])
    pledge = next(p for p in document["pledges"] if p["key"] == "fra-reassurance-force")
    assert list(pledge) == [
        "key",
        "title",
        "pledger",
        "beneficiary",
        "category",
        "status",
        "announced",
        "confidence",
        "conditions",
        "sources",
        "tags",
        "history",
    ]
    assert pledge["history"][1] == {
        "date": "2025-09-04",
        "status": "committed",
        "source": "elysee-2025-09-02",
    }


def test_yaml_and_json_exports_are_the_same_document(small: Ledger) -> None:
    from_yaml, _, problems = yaml_reader.load(export_text(small, "yaml"))
    assert problems == []
    from_json = json.loads(export_text(small, "json"))
    # YAML reads every scalar as text, the counts included.
    assert from_yaml.pop("records") == {k: str(v) for k, v in from_json.pop("records").items()}
    assert from_yaml == from_json


def test_the_same_ledger_always_exports_the_same_bytes(small: Ledger, tmp_path: Path) -> None:
    first = export_text(small, "yaml")
    assert export_text(small, "yaml") == first
    copy = reimported(first, "yaml", tmp_path)
    try:
        assert export_text(copy, "yaml") == first
    finally:
        copy.close()


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_the_sample_round_trips_through_an_empty_ledger(
    ledger: Ledger, tmp_path: Path, fmt: str
) -> None:
    import_files(ledger, [fixtures.path()])
    exported = export_text(ledger, fmt)
    copy = reimported(exported, fmt, tmp_path)
    try:
        assert export_text(copy, fmt) == exported
        assert export_text(copy, "yaml" if fmt == "json" else "json") == export_text(
            ledger, "yaml" if fmt == "json" else "json"
        )
    finally:
        copy.close()


def test_yaml_export_quotes_what_yaml_would_misread(ledger: Ledger, tmp_path: Path) -> None:
    ledger.create(
        schemas.Actor(
            code="NO",
            name="Norway",
            kind="state",
            aliases=[
                "010",
                "yes",
                "12:30",
                "null",
                "~",
                "1_000",
                "0x1F",
                "2025-09-04 10:00",
                "- x",
            ],
        )
    )
    ledger.create(schemas.Pledge(key="no-1", title="off", pledger="NO", announced="2025-09-04"))
    text = export_text(ledger, "yaml")
    assert "  - code: 'NO'\n" in text
    assert "'010', 'yes', '12:30', 'null', '~', '1_000', '0x1F', '2025-09-04 10:00', '- x'" in text
    assert "    title: 'off'\n" in text
    assert "    announced: 2025-09-04\n" in text  # a date reads back as its text here
    copy = reimported(text, "yaml", tmp_path)
    try:
        assert copy.actor("NO").actor.aliases == ledger.actor("NO").actor.aliases
        assert export_text(copy, "yaml") == text
    finally:
        copy.close()


def test_hostile_text_round_trips(ledger: Ledger, tmp_path: Path) -> None:
    ledger.create(schemas.Actor(code="XCJK", name=CJK, kind="state", aliases=[MARKUP_CLOSE, RTL]))
    ledger.create(
        schemas.Pledge(
            key="hostile",
            title=MARKUP_CONDITION,
            pledger="XCJK",
            text="Line one: \"quoted\" # not a comment\n  indented line\n\n'single' [/] & *x |",
            notes=f"{MARKUP_ACTION}\t{RTL}\u2028after a line separator",
        )
    )
    for fmt in ("yaml", "json"):
        text = export_text(ledger, fmt)
        copy = reimported(text, fmt, tmp_path, f"hostile-{fmt}")
        try:
            assert copy.pledge("hostile").pledge == ledger.pledge("hostile").pledge
            assert export_text(copy, fmt) == text
        finally:
            copy.close()


def test_long_text_is_written_as_a_literal_block(small: Ledger) -> None:
    detail = small.pledge("gbr-troops")
    small.update(
        detail.pledge.model_copy(update={"text": "First line\nsecond line"}),
        version=detail.version,
    )
    assert "    text: |-\n      First line\n      second line\n" in export_text(small, "yaml")


def test_a_query_exports_the_matching_pledges_and_all_they_refer_to(
    ledger: Ledger, tmp_path: Path
) -> None:
    import_files(ledger, [fixtures.path()])
    query = "pledger:DEU status:announced"
    text = export_text(ledger, "yaml", query)
    document, _, _ = yaml_reader.load(text)
    assert [p["key"] for p in document["pledges"]] == [
        "deu-forces-neighbouring-nato-2026-01",
        "deu-no-troop-commitment-2025-09",  # it supersedes this one,
        "deu-troop-deployment-premature-2025-02",  # which supersedes this one
    ]
    # USA is responsible for us-backstop, Russia and Ukraine (RUS-UKR) for the ceasefire
    assert {a["code"] for a in document["actors"]} == {"DEU", "RUS-UKR", "UKR", "USA"}
    assert {c["key"] for c in document["conditions"]} == {
        "ceasefire",
        "us-backstop",
        "deu-bundestag-decision",
    }
    copy = reimported(text, "yaml", tmp_path)  # on its own, into an empty ledger
    try:
        assert copy.count_pledges() == 3
    finally:
        copy.close()


def test_csv_export_can_be_limited_by_a_query(small: Ledger) -> None:
    rows = export_text(small, "csv", "pledger:GBR").splitlines()
    assert [r.split(",")[0] for r in rows[1:]] == ["gbr-missiles", "gbr-troops"]


def test_a_ledger_holding_what_the_format_forbids_is_refused_by_name(hostile: Ledger) -> None:
    with pytest.raises(LedgerError, match=r"cannot export: pledge 'hostile-long': title: is 10254"):
        export_text(hostile, "yaml")


def test_an_empty_ledger_exports_an_empty_document_that_imports(
    ledger: Ledger, tmp_path: Path
) -> None:
    text = export_text(ledger, "yaml")
    assert text == (
        "format: pledges/1\nrecords: {actors: 0, sources: 0, conditions: 0, pledges: 0}\n"
        "\nactors: []\n\nsources: []\n\nconditions: []\n\npledges: []\n...\n"
    )
    copy = reimported(text, "yaml", tmp_path)
    copy.close()


def test_an_export_file_is_private_when_new_and_replaces_whole(
    small: Ledger, tmp_path: Path
) -> None:
    import os
    import stat

    from db.interchange import export_file

    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "out.yaml"
    mask = os.umask(0o022)
    try:
        assert export_file(small, "yaml", target).pledges > 0
    finally:
        os.umask(mask)
    # A ledger holds analysts' notes: a new export is its owner's alone, whatever the umask.
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text(encoding="utf-8") == export_text(small, "yaml")
    target.chmod(0o640)
    export_file(small, "json", target, "status:committed")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert json.loads(target.read_text(encoding="utf-8"))["format"] == "pledges/1"
    assert [p.name for p in target.parent.iterdir()] == ["out.yaml"]


def test_a_failed_export_leaves_the_old_file_and_no_temporary(
    small: Ledger, tmp_path: Path
) -> None:
    from db.interchange import export_file

    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "out.yaml"
    target.write_text("colleague's file\n", encoding="utf-8")
    with pytest.raises(LedgerError):
        export_file(small, "yaml", target, "status:")
    assert target.read_text(encoding="utf-8") == "colleague's file\n"
    assert [p.name for p in target.parent.iterdir()] == ["out.yaml"]
