"""The readers: values as written, and the line of every value kept for messages."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

import fixtures
from db.interchange import json_reader, read_file, yaml_reader
from db.interchange.raw import Problem

CORPUS = Path(__file__).parent / "bad_fixtures"
PARSERS = [yaml.SafeLoader] + ([yaml.CSafeLoader] if hasattr(yaml, "CSafeLoader") else [])


@pytest.fixture(params=PARSERS, ids=lambda p: p.__name__)
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> type:
    """Both of PyYAML's safe parsers: libyaml's and the pure-Python one."""
    monkeypatch.setattr(yaml_reader, "LOADER", request.param)
    return request.param  # type: ignore[no-any-return]


def test_yaml_scalars_stay_the_text_written(parser: type) -> None:
    value, _, problems = yaml_reader.load(
        "a: NO\nb: 010\nc: 12:30\nd: on\ne: 2025-09-04\nf: 1.50\ng: 'null'\nh: .inf\n"
    )
    assert problems == []
    assert value == {
        "a": "NO",
        "b": "010",
        "c": "12:30",
        "d": "on",
        "e": "2025-09-04",
        "f": "1.50",
        "g": "null",
        "h": ".inf",
    }


def test_yaml_empty_values_and_plain_nulls_are_no_value(parser: type) -> None:
    value, _, _ = yaml_reader.load("a:\nb: ~\nc: null\nd: ''\ne: \"~\"\n")
    assert value == {"a": None, "b": None, "c": None, "d": "", "e": "~"}


def test_yaml_keeps_the_line_of_every_field_and_item(parser: type) -> None:
    file = read_file(fixtures.path())
    assert file.problems == []
    lines = fixtures.path().read_text(encoding="utf-8").splitlines()
    index = next(i for i, r in enumerate(file.records) if r.data.get("key") == "us-backstop")
    record = file.records[index]
    path = (record.section, record.index)
    assert "key: us-backstop" in lines[file.locate(path) - 1]
    assert "status: partially_met" in lines[file.locate((*path, "status")) - 1]
    assert "irishnews-us-backstop" in lines[file.locate((*path, "sources", 0)) - 1]
    history_date = file.locate((*path, "history", 7, "date"))
    assert "2026-01-06" in lines[history_date - 1]
    # A folded value starts on the line after its key: the key's line names the field.
    assert "description: >-" in lines[file.locate((*path, "description")) - 1]


def test_both_yaml_parsers_report_the_same_problems(parser: type) -> None:
    file = read_file(CORPUS / "yaml-anchor-alias.yaml", name="f.yaml")
    assert [(p.line, p.where) for p in file.problems] == [
        (4, "pledges[0] (fra-anchored).title"),
        (7, "pledges[1] (gbr-aliased).title"),
    ]


def test_yaml_refuses_deep_nesting_without_crashing() -> None:
    _, _, problems = yaml_reader.load("a: " + "[" * 200 + "]" * 200)
    assert problems[0].message == "is nested too deeply to be a fixture (more than 64 levels)"


def test_json_lines_are_found_for_nested_values() -> None:
    text = '{\n"format": "pledges/1",\n"pledges": [\n {"key": "a",\n  "tags": ["x",\n   "y"]}]}'
    _, positions, problems = json_reader.load(text)
    assert problems == []
    assert positions.line(("pledges", 0)) == 4
    assert positions.line(("pledges", 0, "tags", 1)) == 6
    assert positions.line(("pledges", 0, "missing")) == 4
    assert positions.line(("format",)) == 2


def test_json_numbers_keep_their_exact_decimal_value() -> None:
    value, _, _ = json_reader.load('{"amount": 2.675, "delivered": 10}')
    assert value == {"amount": Decimal("2.675"), "delivered": 10}


def test_json_nesting_beyond_the_parser_is_a_problem_not_a_crash() -> None:
    _, _, problems = json_reader.load("[" * 100_000 + "]" * 100_000)
    assert problems[0].message == "is nested too deeply to be a fixture (more than 64 levels)"
    # Where the nesting passes the limit: the 65th bracket.
    assert (problems[0].line, problems[0].column) == (1, 65)


def test_a_problem_reads_file_line_record_field_message() -> None:
    problem = Problem(
        "coalition.yaml",
        41,
        "pledges[3] (fra-reassurance-force).announced",
        "'2025-13' is not a date",
    )
    assert str(problem) == (
        "coalition.yaml:41 pledges[3] (fra-reassurance-force).announced: '2025-13' is not a date"
    )
    assert str(Problem("a.json", 2, "", "JSON syntax error", column=5)) == (
        "a.json:2:5: JSON syntax error"
    )
    assert str(Problem("a.json", None, "", "is empty")) == "a.json: is empty"


def test_a_file_that_cannot_be_read_is_a_problem(tmp_path: Path) -> None:
    file = read_file(tmp_path / "missing.yaml")
    assert file.problems[0].message.startswith("cannot be read: No such file")
