"""A copy of an export cut short is refused, never imported as what is left of it.

Every YAML and JSON export says after ``format`` how many records each list holds
(``records:``), and a YAML export ends with ``...``; the importer checks both when the file
has ``records:``, and files written by hand without it import as before.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import fixtures
from db.interchange import FixtureError, check, export_text, import_files, yaml_reader
from db.ledger import Ledger
from db.schemas import Record


def records_of(text: str) -> list[Record] | None:
    checked = check([yaml_reader.read("cut.yaml", text.encode())])
    return None if checked.problems else checked.records


def problems_of(text: str) -> list[str]:
    return [str(p) for p in check([yaml_reader.read("cut.yaml", text.encode())]).problems]


@pytest.fixture(scope="module")
def sample_export(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("sample") / "sample.sqlite"
    with Ledger.open(path, author="tester") as ledger:
        import_files(ledger, [fixtures.path()])
        return export_text(ledger, "yaml")


def test_an_export_announces_its_records_and_ends_with_the_end_marker(small: Ledger) -> None:
    text = export_text(small, "yaml")
    lines = text.splitlines()
    assert lines[:2] == [
        "format: pledges/1",
        "records: {actors: 7, sources: 2, conditions: 3, pledges: 5}",
    ]
    assert lines[-1] == "..."
    assert json.loads(export_text(small, "json"))["records"] == {
        "actors": 7,
        "sources": 2,
        "conditions": 3,
        "pledges": 5,
    }


def test_every_cut_of_a_small_export_is_refused(small: Ledger) -> None:
    text = export_text(small, "yaml")
    whole = records_of(text)
    assert whole is not None
    accepted = [n for n in range(len(text) - len("...\n")) if records_of(text[:n]) is not None]
    assert accepted == []
    # Only the final line break may go: the end marker is still there.
    assert records_of(text[:-1]) == whole


def test_cuts_of_the_sample_ledgers_export_are_refused(sample_export: str) -> None:
    text = sample_export
    step = len(text) // 97  # offsets spread through the whole file, and some line ends
    offsets = [*range(1, len(text) - 4, step), *(i + 1 for i, c in enumerate(text) if c == "\n")][
        ::6
    ]
    assert [n for n in offsets if n < len(text) - 4 and records_of(text[:n]) is not None] == []


def test_a_cut_inside_the_last_record_says_the_file_is_cut_short(small: Ledger) -> None:
    text = export_text(small, "yaml")
    cut = text[: text.rindex("category: air_defence") + len("category: a")]
    assert records_of(cut.replace("records: {", "# records: {")) is not None  # what it was
    problems = problems_of(cut)
    assert problems == [
        f"cut.yaml:{cut.count(chr(10)) + 1}: the file is cut short: it announces its "
        "records (records: at line 2) but does not end with the line '...' that closes a "
        "complete export; export it again, or, if you edited it by hand, end it with a line "
        "'...' (or remove records:)"
    ]


def test_a_cut_between_records_says_which_are_missing(small: Ledger) -> None:
    text = export_text(small, "yaml")
    cut = text[: text.index("\n  - key: gbr-missiles")]
    assert problems_of(cut) == [
        "cut.yaml:2 records.pledges: announces 5 pledges but the document holds 2 (the file is "
        "cut short or records were removed); export it again, or make records: say 2 (or "
        "remove records:)",
        f"cut.yaml:{cut.count(chr(10)) + 1}: the file is cut short: it announces its records "
        "(records: at line 2) but does not end with the line '...' that closes a complete "
        "export; export it again, or, if you edited it by hand, end it with a line '...' (or "
        "remove records:)",
    ]


def test_an_export_edited_by_hand_says_how_to_make_it_import(small: Ledger) -> None:
    text = export_text(small, "yaml")
    added = text.replace(
        "\npledges:\n", "\npledges:\n  - key: new-one\n    title: New\n    pledger: FRA\n"
    )
    assert problems_of(added) == [
        "cut.yaml:2 records.pledges: announces 5 pledges but the document holds 6 (records were "
        "added by hand); export it again, or make records: say 6 (or remove records:)"
    ]
    assert records_of(added.replace("pledges: 5}", "pledges: 6}")) is not None
    lines = added.splitlines(keepends=True)
    assert records_of("".join([lines[0], *lines[2:]])) is not None  # without records:


def test_a_file_written_by_hand_needs_neither_count_nor_end_marker(tmp_path: Path) -> None:
    path = tmp_path / "hand.yaml"
    path.write_text(
        "format: pledges/1\nactors:\n  - {code: FRA, name: France, kind: state}\n"
        "pledges:\n  - key: fra-x\n    title: X\n    pledger: FRA\n"
    )
    with Ledger.open(tmp_path / "l.sqlite", author="tester") as ledger:
        report = import_files(ledger, [path])
    assert report.counts["pledge"].added == 1


def test_the_counts_are_checked_in_json_too(small: Ledger, tmp_path: Path) -> None:
    document = json.loads(export_text(small, "json"))
    document["pledges"].pop()
    path = tmp_path / "short.json"
    path.write_text(json.dumps(document))
    with pytest.raises(FixtureError) as caught:
        import_files(small, [path])
    assert [p.where for p in caught.value.problems] == ["records.pledges"]


@pytest.mark.parametrize(
    ("records", "message"),
    [
        ("[1, 2]", "records: expected the number of records of each type, such as records: "),
        ("{pledge: 1}", "records.pledge: not a record list; records: counts actors, sources"),
        ("{pledges: many}", "records.pledges: 'many' is not a number of records"),
        ("{pledges: -1}", "records.pledges: '-1' is not a number of records"),
    ],
)
def test_a_malformed_count_says_what_it_should_be(records: str, message: str) -> None:
    text = f"format: pledges/1\nrecords: {records}\npledges: []\n...\n"
    first = problems_of(text)[0]
    assert first.split(" ", 1)[1].startswith(message)
