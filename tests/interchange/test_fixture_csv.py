"""CSV fixtures: a pledge a row, columns mapped by name, actors found by code, name or alias."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from db.interchange import FixtureError, export_text, import_files, parse_mapping, yaml_writer
from db.interchange.exporting import document
from db.ledger import Ledger
from tui.cli import main


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8", newline="")
    else:
        path.write_bytes(data)
    return path


def test_columns_are_mapped_from_other_names(small: Ledger, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "donors.csv",
        "id,headline,donor,recipient,sources\n"
        "fra-demining,Demining teams,FRA,UKR,paris-declaration;elysee-2025-09-02\n",
    )
    mapping = parse_mapping(["key=id", "title=headline", "pledger=donor", "beneficiary=recipient"])
    report = import_files(small, [path], mapping=mapping)
    assert report.counts["pledge"].added == 1
    pledge = small.pledge("fra-demining").pledge
    assert (pledge.title, pledge.pledger, pledge.beneficiary) == ("Demining teams", "FRA", "UKR")
    assert pledge.sources == ["paris-declaration", "elysee-2025-09-02"]


def test_actors_are_matched_by_code_name_or_alias_in_any_case(
    small: Ledger, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "named.csv",
        "key,title,pledger,beneficiary\n"
        "by-code,By code in lower case,gbr,ukr\n"
        "by-name,By name,united kingdom,Ukraine\n"
        "by-alias,By alias,U.S.,UKRAINE\n"
        "by-other-alias,By another alias,britain,\n",
    )
    import_files(small, [path])
    found = {
        k: small.pledge(k).pledge for k in ("by-code", "by-name", "by-alias", "by-other-alias")
    }
    assert {k: (p.pledger, p.beneficiary) for k, p in found.items()} == {
        "by-code": ("GBR", "UKR"),
        "by-name": ("GBR", "UKR"),
        "by-alias": ("USA", "UKR"),
        "by-other-alias": ("GBR", None),
    }


def test_an_alias_shared_by_two_actors_asks_for_the_code(small: Ledger, tmp_path: Path) -> None:
    actors = write(
        tmp_path,
        "actors.yaml",
        "format: pledges/1\nactors:\n  - {code: GBR-GOV, name: UK government, kind: organization, "
        "aliases: [Britain]}\n",
    )
    rows = write(tmp_path, "rows.csv", "key,title,pledger\nx-1,Ambiguous,Britain\n")
    with pytest.raises(FixtureError) as caught:
        import_files(small, [actors, rows])
    assert str(caught.value.problems[0]).endswith(
        "rows.csv:2 row 1 (x-1).pledger: 'Britain' names several actors (GBR, GBR-GOV); "
        "write the code of the one meant"
    )


def test_an_unknown_actor_name_suggests_a_code(small: Ledger, tmp_path: Path) -> None:
    path = write(tmp_path, "rows.csv", "key,title,donor\nx-1,Unknown,Frnace\n")
    with pytest.raises(FixtureError) as caught:
        import_files(small, [path], mapping={"pledger": "donor"})
    assert str(caught.value.problems[0]).endswith(
        "rows.csv:2 row 1 (x-1).pledger (column donor): no actor in the ledger or in the files "
        "given has the code, name or alias 'Frnace'; did you mean 'France' (FRA)?"
    )
    assert len(caught.value.problems) == 1


def test_lists_are_split_on_semicolons_and_blank_cells_are_empty(
    small: Ledger, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "lists.csv",
        "key,title,pledger,conditions,tags,amount,unit,notes\n"
        'fra-lists,Lists,FRA, ceasefire ; us-backstop ;,a-tag;b-tag,,,"two\nlines"\n'
        ",,,,,,,\n",
    )
    report = import_files(small, [path])
    assert report.counts["pledge"].added == 1
    pledge = small.pledge("fra-lists").pledge
    assert (pledge.conditions, pledge.tags) == (["ceasefire", "us-backstop"], ["a-tag", "b-tag"])
    assert (pledge.amount, pledge.notes) == (None, "two\nlines")


def test_utf8_with_a_byte_order_mark_is_read(small: Ledger, tmp_path: Path) -> None:
    path = write(tmp_path, "bom.csv", "\ufeffkey,title,pledger\nfra-bom,Présence,FRA\n".encode())
    import_files(small, [path])
    assert small.pledge("fra-bom").pledge.title == "Présence"


def test_a_row_spanning_lines_is_reported_at_its_first_line(small: Ledger, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "rows.csv",
        'key,title,pledger,notes\nfine,Fine,FRA,"a\nb\nc"\nbad,Bad,FRX,\n',
    )
    with pytest.raises(FixtureError) as caught:
        import_files(small, [path])
    assert str(caught.value.problems[0]).startswith(f"{path}:5 row 2 (bad).pledger:")


def test_csv_export_joins_lists_with_semicolons_and_imports_back(
    small: Ledger, ledger_path: Path, tmp_path: Path
) -> None:
    text = export_text(small, "csv")
    header, first = text.splitlines()[:2]
    assert header == (
        "key,title,text,pledger,beneficiary,category,status,announced,due,amount,delivered,unit,"
        "confidence,conditions,sources,supersedes,tags,notes,conditional,blocked,overdue"
    )
    assert first.startswith("deu-neighbouring-territory,")
    assert ",ceasefire;us-backstop,paris-declaration," in first
    other = Ledger.open(tmp_path / "other.sqlite", author="tester")
    try:
        everything_but_pledges = {**document(small), "pledges": []}
        with (tmp_path / "rest.yaml").open("w", encoding="utf-8") as out:
            yaml_writer.write_document(everything_but_pledges, out)
        csv_file = write(tmp_path, "pledges.csv", text)
        import_files(other, [tmp_path / "rest.yaml", csv_file])
        assert export_text(other, "csv") == text
    finally:
        other.close()


def test_the_map_option_is_checked_before_anything_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml", "format: pledges/1\n")
    runner = CliRunner()
    wrong = runner.invoke(
        main, ["--db", str(tmp_path / "l.sqlite"), "import", str(path), "--map", "key"]
    )
    assert wrong.exit_code == 2
    assert "--map takes FIELD=COLUMN (such as pledger=donor), not 'key'" in wrong.stderr
    not_csv = runner.invoke(
        main, ["--db", str(tmp_path / "l.sqlite"), "import", str(path), "--map", "key=id"]
    )
    assert not_csv.exit_code == 2
    assert "--map renames CSV columns, and no .csv file was given" in not_csv.stderr
