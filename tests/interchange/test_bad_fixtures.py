"""Every file in ``tests/interchange/bad_fixtures/`` is refused by ``pledges import`` with the
exit code and the message listed here, and the ledger is byte for byte the same before and
after.

Each message names the file and the line (where the parser can tell), the record by position
and key, the field, and what is accepted instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from db.interchange import export_text
from db.ledger import Ledger
from tests.support.ledgers import small_ledger
from tui.cli import main

CORPUS = Path(__file__).parent / "bad_fixtures"
DATE_FORMS = "use YYYY, YYYY-MM or YYYY-MM-DD"


@dataclass(frozen=True)
class Case:
    files: tuple[str, ...]
    expected: str
    exit_code: int = 1
    args: tuple[str, ...] = ()


def case(files: str | tuple[str, ...], expected: str, exit_code: int = 1, *args: str) -> Case:
    return Case((files,) if isinstance(files, str) else files, expected, exit_code, args)


CASES = [
    # dates
    case(
        "date-month-13.yaml",
        "date-month-13.yaml:6 pledges[0] (fra-bad-date).announced: '2025-13' is not a date: "
        f"month 13 does not exist; {DATE_FORMS}",
    ),
    case(
        "date-other-layout.yaml",
        f"date-other-layout.yaml:6 pledges[0] (fra-slashed-date).due: '04/09/2025' is not a date; {DATE_FORMS}",
    ),
    case(
        "date-as-number.json",
        "date-as-number.json:8 pledges[0] (fra-epoch-date).announced: 86400 is not a date; "
        f"write it as text: {DATE_FORMS}",
    ),
    case(
        "date-as-number.yaml",
        f"date-as-number.yaml:6 pledges[0] (fra-epoch-date).announced: '86400' is not a date; {DATE_FORMS}",
    ),
    # amounts
    case(
        "amount-negative.yaml",
        "amount-negative.yaml:6 pledges[0] (gbr-negative-amount).amount: '-5000000' is negative; "
        "amounts are 0 or more",
    ),
    case(
        "amount-infinite.json",
        "amount-infinite.json:3 pledges[0] (usa-infinite).amount: inf is not a finite number",
    ),
    case(
        "amount-infinite.yaml",
        "amount-infinite.yaml:6 pledges[0] (usa-infinite).amount: '.inf' is not a number; "
        "write digits such as 1500000 or 2.5",
    ),
    case(
        "amount-not-a-number.yaml",
        "amount-not-a-number.yaml:6 pledges[0] (usa-lots).amount: 'lots' is not a number",
    ),
    case(
        "amount-without-unit.yaml",
        "amount-without-unit.yaml:3 pledges[0] (usa-no-unit).unit: an amount needs a unit",
    ),
    # vocabularies, fields, key formats, lengths
    case(
        "status-unknown.yaml",
        "status-unknown.yaml:6 pledges[0] (fra-promised).status: 'promised' is not a pledge "
        "status; use one of: announced, committed, in_progress",
    ),
    case(
        "field-unknown.yaml",
        "field-unknown.yaml:4 pledges[0] (fra-typo).titel: unknown field 'titel'; did you mean "
        "title? allowed fields are: key, title, text, pledger",
    ),
    case(
        "history-field-unknown.yaml",
        "history-field-unknown.yaml:8 pledges[0] (fra-history-typo).history[0].notes: unknown "
        "field 'notes'; did you mean note? allowed fields are: date, status, note, source",
    ),
    case(
        "key-format.yaml",
        "key-format.yaml:3 pledges[0] (Fra_Force).key: 'Fra_Force' is not a key: 1-64 characters "
        "a-z, 0-9 or -",
    ),
    case(
        "code-format.yaml",
        "code-format.yaml:3 actors[0] (fr).code: 'fr' is not an actor code: 2-16 characters "
        "A-Z, 0-9, _ or -, upper case (did you mean FR?)",
    ),
    case(
        "title-too-long.yaml",
        "title-too-long.yaml:4 pledges[0] (fra-long-title).title: is 301 characters long; at "
        "most 300 are allowed",
    ),
    case(
        "members-not-coalition.yaml",
        "members-not-coalition.yaml:6 actors[0] (XST).members: only coalitions have members",
    ),
    case(
        "record-not-a-mapping.yaml",
        "record-not-a-mapping.yaml:3 pledges[0]: expected a mapping of fields, got a list",
    ),
    # references, with the nearest existing key as a hint
    case(
        "actor-unknown.yaml",
        "actor-unknown.yaml:5 pledges[0] (frx-force).pledger: there is no actor 'FRX' in the "
        "ledger or in the files given; did you mean FRA?",
    ),
    case(
        "condition-unknown.yaml",
        "condition-unknown.yaml:6 pledges[0] (fra-cease-fire).conditions[1]: there is no "
        "condition 'cease-fire' in the ledger or in the files given; did you mean ceasefire?",
    ),
    case(
        "source-unknown.yaml",
        "source-unknown.yaml:7 pledges[0] (fra-bad-source).sources[0]: there is no source "
        "'elysee-2025-09-03' in the ledger or in the files given; did you mean elysee-2025-09-02?",
    ),
    case(
        "history-source-unknown.yaml",
        "history-source-unknown.yaml:10 pledges[0] (fra-history-source).history[0].source: "
        "there is no source 'paris-declaraton'",
    ),
    case(
        "supersedes-cycle.yaml",
        "supersedes-cycle.yaml:6 pledges[0] (fra-first).supersedes: fra-first -> fra-third -> "
        "fra-second -> fra-first is a cycle",
    ),
    # status histories
    case(
        "history-without-evidence.yaml",
        "history-without-evidence.yaml:8 pledges[0] (fra-unsupported).history[0]: a status "
        "change needs evidence: give a note or a source (or both)",
    ),
    case(
        "history-before-ledger.yaml",
        "history-before-ledger.yaml:15 pledges[0] (fra-reassurance-force).history[1].date: "
        "2025-05 comes before the last status change the ledger records for this pledge "
        "(2025-09-04); a history grows only at its end",
    ),
    case(
        "history-disagrees.yaml",
        "history-disagrees.yaml:6 pledges[0] (fra-disagreeing).status: 'delivered' but the last "
        "history entry says 'committed'; they must agree",
    ),
    # duplicates
    case(
        "duplicate-key-in-mapping.yaml",
        "duplicate-key-in-mapping.yaml:6 pledges[0] (gbr-twice-titled).title: the key 'title' "
        "is written twice in this mapping (first at line 4)",
    ),
    case(
        "duplicate-key-in-object.json",
        "duplicate-key-in-object.json:7 pledges[0] (gbr-twice-titled).title: the key 'title' is "
        "written twice in this object (first at line 5)",
    ),
    case(
        "duplicate-record-key.yaml",
        "duplicate-record-key.yaml:5 sources[1] (same-source).key: 'same-source' is used twice: "
        "also by sources[0] (same-source) (line 3)",
    ),
    case(
        ("across-files/first.yaml", "across-files/second.json"),
        "second.json:5 pledges[0] (nld-f16-training).key: 'nld-f16-training' is used twice: also "
        "by pledges[0] (nld-f16-training) in ",
    ),
    # YAML as data only
    case(
        "yaml-anchor-alias.yaml",
        "yaml-anchor-alias.yaml:7 pledges[1] (gbr-aliased).title: aliases (*title) are not allowed",
    ),
    case(
        "yaml-anchor-alias.yaml",
        "yaml-anchor-alias.yaml:4 pledges[0] (fra-anchored).title: anchors (&title) are not allowed",
    ),
    case(
        "yaml-python-object.yaml",
        "yaml-python-object.yaml:4 pledges[0] (fra-exploit).title: tags "
        "(!!python/object/apply:os.system) are not allowed in fixtures",
    ),
    case(
        "yaml-str-tag.yaml",
        "yaml-str-tag.yaml:4 pledges[0] (fra-tagged).title: tags (!!str) are not allowed",
    ),
    case(
        "yaml-two-documents.yaml",
        "yaml-two-documents.yaml:2: a second YAML document starts here",
    ),
    case(
        "yaml-control-character.yaml",
        "yaml-control-character.yaml:4:31: holds the character U+001B, which YAML does not allow",
    ),
    # syntax errors
    case(
        "yaml-syntax.yaml",
        "yaml-syntax.yaml:6:1: YAML syntax error: found unexpected end of stream (while scanning "
        "a quoted scalar that starts at line 4)",
    ),
    case("json-syntax.json", "json-syntax.json:4:53: JSON syntax error: Expecting ',' delimiter"),
    # more than Python reads: an int of over 4,300 digits, nesting past the recursion limit
    case(
        "json-huge-integer.json",
        "json-huge-integer.json:5:16: holds a number 5,000 digits long, too long to read",
    ),
    case(
        "json-nested-deep.json",
        "json-nested-deep.json:5:76: is nested too deeply to be a fixture (more than 64 levels)",
    ),
    case("csv-syntax.csv", "csv-syntax.csv:2: CSV syntax error: unexpected end of data"),
    case(
        "json-lone-surrogate.json",
        "json-lone-surrogate.json:2 pledges[0] (fra-surrogate).title: holds an escaped lone surrogate",
    ),
    # the shape of a document
    case("empty.yaml", "empty.yaml: is empty; a fixture is a mapping with format: pledges/1"),
    case("empty.json", "empty.json: is empty"),
    case("comments-only.yaml", "comments-only.yaml: is empty"),
    case(
        "top-level-list.yaml",
        "top-level-list.yaml:1: the top level is a list; a fixture is a mapping with format: "
        "pledges/1",
    ),
    case(
        "format-unsupported.yaml",
        "format-unsupported.yaml:1 format: 'pledges/2' is not supported; this version of pledges "
        "reads pledges/1",
    ),
    case("format-missing.json", "format-missing.json:1: format is missing"),
    case("format-only.yaml", "format-only.yaml:1: lists no records; a fixture is a mapping"),
    # a file that announces its records (as every export does) but does not hold them all
    case(
        "yaml-cut-short.yaml",
        "yaml-cut-short.yaml:18: the file is cut short: it announces its records (records: at "
        "line 2) but does not end with the line '...' that closes a complete export",
    ),
    case(
        "records-count-wrong.yaml",
        "records-count-wrong.yaml:2 records.pledges: announces 3 pledges but the document holds "
        "2 (the file is cut short or records were removed); export it again, or make records: "
        "say 2",
    ),
    case(
        "section-unknown.yaml",
        "section-unknown.yaml:2: unknown section 'pledge'; did you mean pledges?",
    ),
    # CSV
    case(
        "csv-missing-column.csv",
        "csv-missing-column.csv:2 row 1 (fra-no-pledger).pledger: is required: 'fra-no-pledger' "
        "is not in the ledger yet, and the file has no pledger column",
    ),
    case(
        "csv-unknown-column.csv",
        "csv-unknown-column.csv:1 header: column 4, 'donor', is not a pledge field; rename it, "
        "map it to a field (--map FIELD=donor) or skip it (--ignore donor)",
    ),
    case(
        "csv-ragged-row.csv",
        "csv-ragged-row.csv:2 row 1: has 4 values but the header has 3 columns",
    ),
    case(
        "csv-missing-column.csv",
        "--map pledger=donor: there is no column 'donor'; the columns are: key, title, beneficiary",
        1,
        "--map",
        "pledger=donor",
    ),
    # not text at all
    case("not-utf8.csv", "not-utf8.csv:2:14: is not UTF-8: byte 0xe9 cannot be decoded"),
    case("utf16.yaml", "utf16.yaml: is UTF-16 text; save it as UTF-8"),
    case("binary.json", "binary.json: is a binary file (it holds NUL bytes)"),
    case("sqlite-database.yaml", "sqlite-database.yaml: is a binary file"),
    # a good file given together with a bad one: nothing of either is written
    case(
        ("good-with-bad/good.yaml", "good-with-bad/bad.json"),
        "bad.json:3 pledges[0] (ita-air-policing).due: '2026-02-30' is not a date: 2026-02 has no "
        "day 30",
    ),
    # usage errors
    case("notes.txt", "notes.txt: cannot tell its format; name it .yaml, .yml, .json or .csv", 2),
    case(
        "csv-unknown-column.csv",
        "--map pledger_code=donor: 'pledger_code' is not a pledge field; did you mean pledger?",
        2,
        "--map",
        "pledger_code=donor",
    ),
]


@pytest.fixture(scope="module")
def ledger_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One small ledger for the whole corpus: no case may change it."""
    path = tmp_path_factory.mktemp("corpus") / "ledger.sqlite"
    with Ledger.open(path, author="tester") as ledger:
        small_ledger(ledger)
    yield path


def export(path: Path) -> str:
    with Ledger.open(path, create=False) as ledger:
        return export_text(ledger, "yaml")


def test_the_corpus_is_complete() -> None:
    files = {str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*") if p.is_file()}
    covered = {name for c in CASES for name in c.files}
    assert files - {"good-with-bad/good.yaml"} <= covered
    assert len(files) >= 30


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.files[-1] + "".join(c.args))
def test_a_bad_file_is_refused_and_changes_nothing(case: Case, ledger_file: Path) -> None:
    before = export(ledger_file)
    paths = [str(CORPUS / name) for name in case.files]
    result = CliRunner().invoke(main, ["--db", str(ledger_file), "import", *paths, *case.args])
    assert result.exit_code == case.exit_code, result.output
    assert case.expected in result.stderr, result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert export(ledger_file) == before


def test_every_problem_of_an_input_is_listed_not_only_the_first(ledger_file: Path) -> None:
    paths = [str(CORPUS / n) for n in ("date-month-13.yaml", "actor-unknown.yaml", "empty.json")]
    result = CliRunner().invoke(main, ["--db", str(ledger_file), "import", *paths])
    assert result.exit_code == 1
    problems = result.stderr.splitlines()
    assert [p.split(" ")[0].rsplit("/", 1)[-1] for p in problems[:3]] == [
        "date-month-13.yaml:6",
        "actor-unknown.yaml:5",
        "empty.json:",
    ]
    assert problems[-1] == "pledges: 3 problems in the input; nothing was imported"
