"""Fuzzing the fixture readers: every input imports or is refused with the project's own
error (:class:`FixtureError`), each problem bounded in length; nothing else escapes, nothing
hangs.

Inputs: random bytes and text (surrogates, controls and byte-order marks included), and
valid exports (YAML, JSON, CSV) damaged the ways files are damaged: cut short, lines deleted
or doubled, hostile values written in (nesting thousands deep, numbers of thousands of
digits, escapes of lone surrogates, control characters, huge fields). Each input goes
through the whole import, as a dry run into a small ledger (so the write path runs too, and
nothing is kept).

``PLEDGES_RELIABILITY_SCALE`` (default 1) multiplies the number of examples.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from db.interchange import FixtureError, export_text, import_files
from db.ledger import Ledger
from tests.support.fuzzing import fuzz, time_limit
from tests.support.ledgers import small_ledger

#: The longest a problem may be, file and place included.
PROBLEM_LIMIT = 2000
#: Far beyond what any example needs here: an input taking longer hangs the import.
EXAMPLE_SECONDS = 30


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Ledger, Path]]:
    """A small ledger that every example is imported into (dry runs: it never changes)."""
    directory = tmp_path_factory.mktemp("fuzz")
    with Ledger.open(directory / "ledger.sqlite", author="fuzzer") as ledger:
        small_ledger(ledger)
        yield ledger, directory


@pytest.fixture(scope="module")
def exports(target: tuple[Ledger, Path]) -> dict[str, str]:
    ledger, _ = target
    return {fmt: export_text(ledger, fmt) for fmt in ("yaml", "json", "csv")}


def imports_or_refuses(target: tuple[Ledger, Path], suffix: str, data: bytes) -> None:
    """The property: the import succeeds or raises FixtureError with bounded problems."""
    ledger, directory = target
    path = directory / f"input.{suffix}"
    path.write_bytes(data)
    revision = ledger.revision()
    try:
        with time_limit(EXAMPLE_SECONDS, "the import"):
            import_files(ledger, [path], dry_run=True)
    except FixtureError as error:
        assert error.problems
        for problem in error.problems:
            shown = str(problem)
            assert len(shown) <= PROBLEM_LIMIT, shown[:300]
            assert problem.message.strip()
    assert ledger.revision() == revision


SUFFIXES = st.sampled_from(["yaml", "json", "csv"])
BOMS = st.sampled_from([b"", b"", b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"])
#: What a damaged or hostile file holds, written in at random places.
NASTY = [
    "[" * 3000,
    "{" * 3000,
    '{"a": ' * 1500,
    "- " * 500,
    "".join("  " * depth + "-\n" for depth in range(200)),
    "9" * 5000,
    "-" + "9" * 4400,
    "0." + "1" * 5000,
    "1e999999999",
    "NaN",
    "-Infinity",
    "\\ud800",
    '"\\udfff"',
    "\ud800",
    "\udcff",
    "\U0010ffff",
    "\x00",
    "\x1b[31m",
    "\x7f\x85",
    "\u2028\u2029",
    "\ufeff",
    "&anchor ",
    "*alias",
    "!!python/object/apply:os.system ['true']",
    "? ",
    ": ",
    "#",
    "'",
    '"',
    "\t",
    "\r",
    "\r\n",
    "...\n",
    "---\n",
    "%YAML 1.1\n",
    "\\",
    ",",
    ";",
    "x" * 150_000,
    '"' + "q" * 140_000,
    " " * 2000,
    "k" * 20_000 + ": v\n",
]


@st.composite
def damaged(draw: st.DrawFn, exports: dict[str, str]) -> tuple[str, bytes]:
    suffix = draw(SUFFIXES)
    text = exports[suffix]
    for _ in range(draw(st.integers(1, 3))):
        lines = text.splitlines(keepends=True) or [""]
        at = draw(st.integers(0, max(0, len(text))))
        line = draw(st.integers(0, len(lines) - 1))
        match draw(st.sampled_from(["cut", "delete", "double", "insert", "replace", "swap"])):
            case "cut":
                text = text[:at]
            case "delete":
                text = "".join(lines[:line] + lines[line + 1 :])
            case "double":
                text = "".join(lines[: line + 1] + lines[line:])
            case "insert":
                text = text[:at] + draw(st.sampled_from(NASTY)) + text[at:]
            case "replace":
                # A value (after a key or in a cell) replaced by something hostile.
                head, sep, _ = lines[line].partition(": " if suffix != "csv" else ",")
                lines[line] = head + (sep or " ") + draw(st.sampled_from(NASTY)) + "\n"
                text = "".join(lines)
            case "swap":
                other = draw(st.integers(0, len(lines) - 1))
                lines[line], lines[other] = lines[other], lines[line]
                text = "".join(lines)
    return suffix, draw(BOMS) + text.encode("utf-8", "surrogatepass")


@fuzz(60)
@given(data=st.data())
def test_damaged_exports_import_or_are_refused(
    target: tuple[Ledger, Path], exports: dict[str, str], data: st.DataObject
) -> None:
    suffix, content = data.draw(damaged(exports))
    imports_or_refuses(target, suffix, content)


@fuzz(40)
@given(
    suffix=SUFFIXES,
    content=st.binary(max_size=600),
    start=st.sampled_from(
        [
            b"",
            b"format: pledges/1\n",
            b'{"format": "pledges/1", "pledges": [',
            b"key,title,pledger\n",
        ]
    ),
)
def test_random_bytes_are_refused_or_imported(
    target: tuple[Ledger, Path], suffix: str, content: bytes, start: bytes
) -> None:
    imports_or_refuses(target, suffix, start + content)


#: Any character, lone surrogates included (a file's bytes may be anything).
ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=300)


@fuzz(40)
@given(suffix=SUFFIXES, text=ANY_TEXT, bom=BOMS)
def test_random_text_is_refused_or_imported(
    target: tuple[Ledger, Path], suffix: str, text: str, bom: bytes
) -> None:
    imports_or_refuses(target, suffix, bom + text.encode("utf-8", "surrogatepass"))


@fuzz(25)
@given(
    depth=st.integers(1, 4000),
    opening=st.sampled_from(["[", '{"a": ']),
    inside_a_record=st.booleans(),
)
def test_json_nested_any_depth(
    target: tuple[Ledger, Path], depth: int, opening: str, inside_a_record: bool
) -> None:
    closing = "]" if opening == "[" else "}"
    value = opening * depth + "1" + closing * depth
    if inside_a_record:
        text = (
            '{"format": "pledges/1", "pledges": [{"key": "fra-deep", "title": "T", '
            f'"pledger": "FRA", "notes": {value}}}]}}'
        )
    else:
        text = f'{{"format": "pledges/1", "pledges": {value}}}'
    imports_or_refuses(target, "json", text.encode())


@fuzz(20)
@given(depth=st.integers(1, 1500), flow=st.booleans())
def test_yaml_nested_any_depth(target: tuple[Ledger, Path], depth: int, flow: bool) -> None:
    if flow:
        value = " " + "[" * depth + "x" + "]" * depth + "\n"
    else:
        value = "\n" + "".join("      " + "  " * level + "-\n" for level in range(depth))
    text = "format: pledges/1\npledges:\n  - key: fra-deep\n    title: T\n    pledger: FRA\n"
    imports_or_refuses(target, "yaml", (text + "    notes:" + value).encode())


@fuzz(25)
@given(
    digits=st.integers(1, 12_000),
    where=st.sampled_from(["amount", "delivered", "announced", "title", "records"]),
    negative=st.booleans(),
    suffix=st.sampled_from(["json", "yaml"]),
)
def test_numbers_of_any_length(
    target: tuple[Ledger, Path], digits: int, where: str, negative: bool, suffix: str
) -> None:
    number = ("-" if negative else "") + "9" * digits
    record = {"key": "usa-lots", "title": "Lots", "pledger": "USA", "unit": "USD"}
    if suffix == "json":
        head = '{"format": "pledges/1", '
        if where == "records":
            head += f'"records": {{"pledges": {number}}}, '
        body = json.dumps(record)[:-1] + (f', "{where}": {number}' if where != "records" else "")
        text = head + f'"pledges": [{body}}}]}}'
    else:
        fields = "".join(f"    {k}: {v}\n" for k, v in record.items())
        if where != "records":
            fields += f"    {where}: {number}\n"
        announce = f"records: {{pledges: {number}}}\n" if where == "records" else ""
        text = f"format: pledges/1\n{announce}pledges:\n" + "  -" + fields[3:]
    imports_or_refuses(target, suffix, text.encode())


@fuzz(20)
@given(
    size=st.integers(0, 300_000),
    quoted=st.booleans(),
    closed=st.booleans(),
    filler=st.sampled_from(["x", "\x00", '""', "\n", "é", "\r"]),
)
def test_csv_fields_of_any_size(
    target: tuple[Ledger, Path], size: int, quoted: bool, closed: bool, filler: str
) -> None:
    cell = (filler * (size // len(filler) + 1))[:size]
    if quoted:
        cell = '"' + cell + ('"' if closed else "")
    text = f"key,title,pledger,notes\nfra-x,T,FRA,{cell}\ngbr-y,U,GBR,n\n"
    imports_or_refuses(target, "csv", text.encode("utf-8"))
