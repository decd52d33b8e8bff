"""Inputs at and past the limits of the readers: nested deeply, huge values, thousands of
unknown fields, long supersedes chains. Each gets a problem that says what is wrong and
where, bounded in length, and never a crash."""

from __future__ import annotations

import inspect
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from db.interchange import FixtureError, check, csv_reader, import_files, json_reader, yaml_reader
from db.interchange.raw import MESSAGE_LIMIT, WHERE_LIMIT, Problem
from db.ledger import Ledger

HEAD = {"format": "pledges/1", "actors": [{"code": "FRA", "name": "France", "kind": "state"}]}


def pledge(key: str, **fields: object) -> dict[str, object]:
    return {"key": key, "title": f"Pledge {key}", "pledger": "FRA", **fields}


def json_file(*pledges: dict[str, object]) -> bytes:
    return json.dumps({**HEAD, "pledges": list(pledges)}, indent=1).encode()


def problems_of(data: bytes, reader: str = "json") -> list[Problem]:
    read = json_reader.read if reader == "json" else yaml_reader.read
    return check([read(f"f.{reader}", data)]).problems


@contextmanager
def stack_left(frames: int) -> Iterator[None]:
    """Run with only ``frames`` more Python frames allowed than are in use here."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack()) + frames)
    try:
        yield
    finally:
        sys.setrecursionlimit(limit)


# -- nesting -----------------------------------------------------------------------------------


def test_lines_are_found_past_values_nested_deeper_than_the_stack_allows_here() -> None:
    # Parsed where the stack was shallow, looked up where it is deep: the C scanner that steps
    # over the value runs out of stack, and the walk goes on by counting brackets.
    text = '{"format": ' + "[" * 400 + "]" * 400 + ',\n"pledges": [\n{"key": "a"}]}'
    value, positions, problems = json_reader.load(text)
    assert problems == [] and value["pledges"] == [{"key": "a"}]
    with stack_left(150):
        assert positions.line(("pledges", 0, "key")) == 3


def test_a_record_nested_deeply_is_one_problem_at_its_field_without_quoting_it() -> None:
    deep: object = "x"
    for _ in range(200):
        deep = [deep]
    data = json_file(pledge("fra-deep", notes=deep))
    line = data.decode().split("\n").index('   "notes": [') + 1
    assert [str(p) for p in problems_of(data)] == [
        f"f.json:{line} pledges[0] (fra-deep).notes: is nested too deeply to be a fixture "
        "(more than 64 levels)"
    ]


def test_a_value_nested_past_the_parser_is_located_in_json_and_yaml() -> None:
    text = '{"format": "pledges/1",\n "pledges": [' + "[" * 5000 + "]" * 5000 + "]}"
    [problem] = problems_of(text.encode())
    assert (problem.line, problem.column) == (2, 76)
    assert problem.message.startswith("is nested too deeply")
    yaml_text = "format: pledges/1\npledges:\n" + "".join(
        "  " * depth + "-\n" for depth in range(1, 300)
    )
    assert [str(p) for p in problems_of(yaml_text.encode(), "yaml")] == [
        "f.yaml:4 pledges[0]: expected a mapping of fields, got a list",
        "f.yaml:66 pledges[0][0]: is nested too deeply to be a fixture (more than 64 levels)",
    ]


# -- huge values --------------------------------------------------------------------------------

TEN_MB = 10_000_000


@pytest.mark.parametrize(
    "record",
    [
        pledge("k" * TEN_MB),
        pledge("fra-x", **{"u" * TEN_MB: "x"}),
        pledge("fra-x", status="s" * TEN_MB),
        pledge("fra-x", announced="2" * TEN_MB),
        pledge("fra-x", confidence="c" * TEN_MB),
        pledge("fra-x", notes=["n" * TEN_MB] * 3),
        pledge("fra-x", conditions=["c" * TEN_MB]),
    ],
    ids=["key", "field-name", "status", "date", "confidence", "notes-list", "reference"],
)
def test_a_ten_megabyte_value_gives_a_short_message(record: dict[str, object]) -> None:
    problems = problems_of(json_file(record))
    assert problems
    for problem in problems:
        assert len(problem.message) <= MESSAGE_LIMIT and len(problem.where) <= WHERE_LIMIT
        assert len(str(problem)) < 2000


def test_ten_megabytes_of_yaml_text_read_and_refused_briefly() -> None:
    actors = "actors:\n  - {code: FRA, name: France, kind: state}\n"
    text = f"format: pledges/1\n{actors}pledges:\n  - key: fra-x\n    title: " + "t" * TEN_MB
    [problem] = problems_of((text + "\n    pledger: FRA\n").encode(), "yaml")
    assert str(problem) == (
        f"f.yaml:6 pledges[0] (fra-x).title: is {TEN_MB} characters long; at most 300 are allowed"
    )
    quoted = "format: pledges/1\npledges: []\n" + "'" + "k" * 1000 + "': 1\n"
    [problem] = problems_of(quoted.encode(), "yaml")
    assert len(str(problem)) < 2000 and "…" in problem.message


def test_a_csv_field_longer_than_the_csv_module_reads_is_a_clear_problem() -> None:
    data = ('key,title,pledger,notes\nfra-x,T,FRA,"' + "n" * 200_000 + '"\n').encode()
    file = csv_reader.read("f.csv", data)
    assert [str(p) for p in file.problems] == [
        "f.csv:2: a value is more than 131,072 characters long, longer than any pledge field "
        "may be; if a quote is left open, it takes in the rest of the file"
    ]


# -- many unknown fields ---------------------------------------------------------------------


def test_thousands_of_unknown_fields_are_one_problem_and_the_rest_is_still_checked() -> None:
    record = pledge("fra-many", status="promised")
    record.update({f"extra{i}": "x" for i in range(5000)})
    problems = problems_of(json_file(record))
    assert [(p.where, p.message[:60]) for p in problems] == [
        ("pledges[0] (fra-many)", "has 5,000 unknown fields ('extra0', 'extra1', 'extra2', 'ext"),
        (
            "pledges[0] (fra-many).status",
            "'promised' is not a pledge status; use one of: announced, co",
        ),
    ]
    assert problems[0].message.endswith("allowed fields are: " + ", ".join(pledge_fields()))


def test_a_few_unknown_fields_are_each_named_with_a_hint() -> None:
    record = pledge("fra-few", titel="x", notse="y")
    problems = problems_of(json_file(record))
    assert [p.message.split("? ")[0] for p in problems] == [
        "unknown field 'titel'; did you mean title",
        "unknown field 'notse'; did you mean notes",
    ]


def test_unknown_fields_of_a_history_entry_are_summed_up_too() -> None:
    step = {"date": "2025-01", "status": "announced", "note": "n"}
    step.update({f"extra{i}": "x" for i in range(100)})
    problems = problems_of(json_file(pledge("fra-h", status="announced", history=[step])))
    assert [(p.where, p.message[:28]) for p in problems] == [
        ("pledges[0] (fra-h).history[0]", "has 100 unknown fields ('ext")
    ]


def pledge_fields() -> list[str]:
    from db.schemas import Pledge, allowed_fields

    return allowed_fields(Pledge)


# -- supersedes chains -------------------------------------------------------------------------


def cycles(*pledges: dict[str, object]) -> list[str]:
    return [p.message.split(" is a cycle")[0] for p in problems_of(json_file(*pledges))]


def test_a_long_chain_is_no_cycle_and_a_long_cycle_is_reported_once() -> None:
    chain = [pledge("p0"), *[pledge(f"p{i}", supersedes=f"p{i - 1}") for i in range(1, 3000)]]
    assert cycles(*chain) == []
    chain[0] = pledge("p0", supersedes="p2999")
    [cycle] = cycles(*chain)
    assert cycle.startswith("p0 -> p2999 -> p2998 -> ") and cycle.endswith(" -> p1 -> p0")


def test_each_cycle_is_reported_once_at_its_first_pledge_in_the_input() -> None:
    found = cycles(
        pledge("tail", supersedes="b"),  # leads into the cycle, is not part of it
        pledge("a", supersedes="b"),
        pledge("b", supersedes="c"),
        pledge("c", supersedes="a"),
        pledge("x", supersedes="y"),
        pledge("y"),
        pledge("e", supersedes="d"),
        pledge("d", supersedes="e"),
    )
    assert found == ["a -> b -> c -> a", "e -> d -> e"]


def test_a_cycle_closed_through_a_long_chain_in_the_ledger_is_found(
    ledger: Ledger, tmp_path: Path
) -> None:
    chain = tmp_path / "chain.json"
    chain.write_bytes(
        json_file(pledge("p0"), *[pledge(f"p{i}", supersedes=f"p{i - 1}") for i in range(1, 150)])
    )
    import_files(ledger, [chain])
    closing = tmp_path / "closing.json"
    closing.write_text(
        json.dumps({"format": "pledges/1", "pledges": [pledge("p0", supersedes="p149")]})
    )
    with pytest.raises(FixtureError) as caught:
        import_files(ledger, [closing])
    [problem] = caught.value.problems
    assert problem.message.startswith("p0 -> p149 -> p148 -> ")
    assert "is a cycle" in problem.message
