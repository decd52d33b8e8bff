"""CSV headers: columns skipped on request, unknown ones explained once with the nearest field,
and hostile headers and cells refused or read in bounded words, losing nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from db.errors import closest, nearest
from db.interchange import CSV_FIELDS, FixtureError, export_text, import_files
from db.ledger import Ledger
from tui.cli import main


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8", newline="")
    else:
        path.write_bytes(data)
    return path


def problems(ledger: Ledger, path: Path, **options: object) -> list[str]:
    with pytest.raises(FixtureError) as caught:
        import_files(ledger, [path], **options)  # type: ignore[arg-type]
    return [str(p).removeprefix(f"{path}:") for p in caught.value.problems]


def run(ledger: Ledger, *args: str) -> object:
    return CliRunner().invoke(main, ["--db", str(ledger.path), *args])


# -- suggestions -------------------------------------------------------------------------------


def test_a_mistyped_field_keeps_its_first_letters_so_stage_is_status_not_tags() -> None:
    assert closest("stage", CSV_FIELDS) == "status"
    assert nearest("Stage", CSV_FIELDS) == "status"
    assert nearest("benificiary", CSV_FIELDS) == "beneficiary"
    assert closest("zzzz", CSV_FIELDS) is None


def test_an_unknown_column_suggests_the_nearest_field_no_other_column_holds(
    small: Ledger, tmp_path: Path
) -> None:
    free = write(tmp_path, "free.csv", "key,title,pledger,stage\nx,X,FRA,committed\n")
    assert problems(small, free)[0] == (
        "1 header: column 4, 'stage', is not a pledge field (did you mean status?); rename it, "
        "map it to a field (--map status=stage) or skip it (--ignore stage)"
    )
    held = write(tmp_path, "held.csv", "key,title,pledger,status,stage\nx,X,FRA,committed,a\n")
    assert "(did you mean tags?)" in problems(small, held)[0]


def test_the_allowed_fields_are_listed_once_for_all_unknown_columns(
    small: Ledger, tmp_path: Path
) -> None:
    path = write(tmp_path, "many.csv", "key,title,pledger,donor,remarks,stage\nx,X,FRA,a,b,c\n")
    found = problems(small, path)
    assert len(found) == 4
    assert [p.count("the pledge fields are") for p in found] == [0, 0, 0, 1]
    assert found[-1].startswith("1 header: the pledge fields are: key, title, text, pledger,")


def test_thousands_of_unknown_columns_give_a_bounded_report(small: Ledger, tmp_path: Path) -> None:
    names = [f"extra{i}" for i in range(10_000)]
    path = write(
        tmp_path,
        "wide.csv",
        "key,title,pledger," + ",".join(names) + "\nx,X,FRA" + "," * len(names) + "\n",
    )
    found = problems(small, path)
    assert len(found) == 22
    assert found[20].startswith("1 header: 9,980 more columns are not pledge fields ('extra20',")
    assert sum(len(p) for p in found) < 10_000


# -- skipping columns --------------------------------------------------------------------------


def test_an_ignored_column_is_not_read_and_its_field_is_left_as_it_is(
    small: Ledger, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "remarks.csv",
        "key,title,pledger,remarks,notes\ngbr-troops,UK troops,GBR,ignore me,Not this either\n",
    )
    result = run(small, "import", str(path), "--ignore", "remarks", "--ignore", "notes")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    pledge = small.pledge("gbr-troops").pledge
    assert (pledge.title, pledge.notes) == ("UK troops", None)


def test_ignoring_a_column_that_is_not_there_or_is_mapped_is_refused(
    small: Ledger, tmp_path: Path
) -> None:
    path = write(tmp_path, "rows.csv", "key,title,donor\nx,X,FRA\n")
    missing = run(small, "import", str(path), "--map", "pledger=donor", "--ignore", "Remarks")
    assert missing.exit_code == 1  # type: ignore[attr-defined]
    assert (
        "rows.csv:1 header: --ignore Remarks: there is no column 'Remarks'; the columns are: "
        "key, title, donor" in missing.stderr  # type: ignore[attr-defined]
    )
    both = run(small, "import", str(path), "--map", "pledger=donor", "--ignore", "donor")
    assert both.exit_code == 2  # type: ignore[attr-defined]
    assert (
        "--ignore donor: that column is also mapped (--map pledger=donor); keep one of the two"
        in both.stderr  # type: ignore[attr-defined]
    )
    yaml = write(tmp_path, "a.yaml", "format: pledges/1\n")
    not_csv = run(small, "import", str(yaml), "--ignore", "donor")
    assert not_csv.exit_code == 2  # type: ignore[attr-defined]


# -- columns a file leaves out -----------------------------------------------------------------


def test_a_new_pledge_without_a_title_column_is_refused_row_by_row_or_once_for_many(
    small: Ledger, tmp_path: Path
) -> None:
    one = write(tmp_path, "one.csv", "key,pledger,status\ngbr-troops,GBR,delivered\nnew,FRA,\n")
    assert problems(small, one) == [
        "3 row 2 (new).title: is required: 'new' is not in the ledger yet, and the file has no "
        "title column"
    ]
    rows = "".join(f"new-{i},FRA\n" for i in range(500))
    many = write(tmp_path, "many.csv", "key,pledger\n" + rows)
    assert problems(small, many) == [
        "1 header: no column holds title, which the 500 pledges not in the ledger yet need "
        "(row 1 (new-0), row 2 (new-1), row 3 (new-2), …); add a title column, or map one"
    ]


# -- hostile headers and cells -----------------------------------------------------------------


def test_an_empty_header_row_is_named_as_such(small: Ledger, tmp_path: Path) -> None:
    path = write(tmp_path, "empty-header.csv", ",,\nx,X,FRA\n")
    assert problems(small, path) == [
        "1 header: the header row is empty; the first row of a CSV fixture names its columns, "
        "such as key,title,pledger"
    ]


def test_a_nameless_column_is_read_when_empty_and_refused_when_it_holds_a_value(
    small: Ledger, tmp_path: Path
) -> None:
    # Spreadsheets often save a trailing separator: an empty column without a name.
    trailing = write(tmp_path, "trailing.csv", "key,title,pledger,\nnew-a,A,FRA,\n")
    assert import_files(small, [trailing]).counts["pledge"].added == 1
    holding = write(tmp_path, "holding.csv", "key,title,pledger,\nnew-b,B,FRA,\nnew-c,C,FRA,!\n")
    assert problems(small, holding) == [
        "1 header: column 4 has no name, but row 2 (line 3) holds a value in it; name the "
        "column as a pledge field, or delete it"
    ]


def test_a_byte_order_mark_and_a_field_in_another_case_are_read(
    small: Ledger, tmp_path: Path
) -> None:
    path = write(tmp_path, "bom.csv", "\ufeffKEY,Title,PLEDGER\nnew-bom,Bom,FRA\n".encode())
    import_files(small, [path])
    assert small.pledge("new-bom").pledge.title == "Bom"


def test_two_columns_for_one_field_are_refused_whatever_their_case(
    small: Ledger, tmp_path: Path
) -> None:
    path = write(tmp_path, "twice.csv", "key,title,Title,pledger\nx,A,B,FRA\n")
    assert problems(small, path) == [
        "1 header: columns 2 and 3 both hold title; keep one (delete or rename the other)"
    ]
    same = write(tmp_path, "same.csv", "key,title,title,pledger\nx,A,B,FRA\n")
    assert len(problems(small, same)) == 1


def test_escape_sequences_in_a_header_and_cells_are_shown_escaped_in_bounded_messages(
    small: Ledger, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "escapes.csv",
        "key,title,pledger,\x1b[2Jdonor\x1b]0;pwned\x07\nx,\x1b[31mRed,FRX\x1b[0m,a\n",
    )
    found = problems(small, path)
    assert found and all("\x1b" not in p and "\x07" not in p for p in found)
    assert "'\\x1b[2Jdonor\\x1b]0;pwned\\x07'" in found[0]


def test_ten_kilobyte_cells_are_refused_briefly_where_too_long_and_kept_whole_where_not(
    small: Ledger, tmp_path: Path
) -> None:
    long_title = "T" * 10_000
    long_notes = "N" * 9_999 + "!"
    bad = write(tmp_path, "long-title.csv", f"key,title,pledger\nx,{long_title},FRA\n")
    found = problems(small, bad)
    assert len(found) == 1 and len(found[0]) < 300
    good = write(tmp_path, "long-notes.csv", f"key,title,pledger,notes\nx,X,FRA,{long_notes}\n")
    import_files(small, [good])
    assert small.pledge("x").pledge.notes == long_notes
    # ... and such a pledge goes out and comes back whole.
    again = write(tmp_path, "again.csv", export_text(small, "csv", "key:x"))
    assert not import_files(small, [again]).changed
