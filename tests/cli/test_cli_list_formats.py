"""`pledges list --format csv|tsv|json|table`, the computed flags in CSV exports, cells safe
for spreadsheets that read back exactly, and an export's count of the pledges it carries."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from db import schemas
from db.api_types import PledgeRow
from db.interchange import CSV_COLUMNS, export_text, import_files
from db.interchange.cells import protected, unprotected
from db.ledger import Ledger
from tui.cli import main


def run(ledger: Ledger, *args: str) -> Result:
    return CliRunner().invoke(main, ["--db", str(ledger.path), *args])


def rows(text: str, delimiter: str = ",") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def test_list_writes_csv_with_the_fields_and_flags_in_the_listings_order(small: Ledger) -> None:
    result = run(small, "list", "--format", "csv", "--sort", "announced", "--reverse")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == ",".join(CSV_COLUMNS)
    listed = rows(result.stdout)
    order = [r.key for r in small.pledge_page(None, None, limit=100).rows]
    assert sorted(r["key"] for r in listed) == sorted(order)
    assert [r["announced"] for r in listed] == sorted(
        (r["announced"] for r in listed), reverse=True
    )
    by_key = {r.key: r for r in small.pledge_rows(order)}
    for row in listed:
        flags = by_key[row["key"]]
        assert (row["conditional"], row["blocked"], row["overdue"]) == tuple(
            "true" if v else "false" for v in (flags.conditional, flags.blocked, flags.overdue)
        )
    assert run(small, "list", "--format", "csv", "--limit", "2").stdout.count("\n") == 3


def test_the_flags_are_the_pledge_rows_own(small: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    # Which pledges count as conditional is decided in one place; the columns follow it.
    monkeypatch.setattr(PledgeRow, "conditional", property(lambda row: row.key == "gbr-troops"))
    exported = rows(export_text(small, "csv"))
    assert [r["key"] for r in exported if r["conditional"] == "true"] == ["gbr-troops"]
    listed = rows(run(small, "list", "--format", "csv").stdout)
    assert [r["key"] for r in listed if r["conditional"] == "true"] == ["gbr-troops"]


def test_list_writes_tsv_and_json_and_json_is_also_the_json_flag(small: Ledger) -> None:
    tsv = run(small, "list", "--format", "tsv", "status:committed").stdout
    assert tsv.splitlines()[0] == "\t".join(CSV_COLUMNS)
    assert {r["key"] for r in rows(tsv, "\t")} == {"fra-reassurance-force", "gbr-troops"}
    as_format = run(small, "list", "--format", "json").stdout
    assert as_format == run(small, "list", "--json").stdout
    assert {p["key"] for p in json.loads(as_format)} == set(small.matching_pledge_keys())
    table = run(small, "list", "--format", "table").stdout
    assert table == run(small, "list").stdout and table.startswith("KEY")
    both = run(small, "list", "--json", "--format", "csv")
    assert both.exit_code == 2
    assert "--json is --format json; it cannot be combined with --format csv" in both.stderr


def test_a_listing_as_csv_imports_back_changing_nothing(small: Ledger, tmp_path: Path) -> None:
    path = tmp_path / "listed.csv"
    path.write_text(run(small, "list", "--format", "csv", "is:conditional").stdout)
    assert not import_files(small, [path]).changed


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "'t Hooft", "''", "'=1", "plain"],
)
def test_a_cell_is_protected_from_spreadsheets_and_read_back_as_it_was(text: str) -> None:
    cell = protected(text)
    assert not cell.startswith(("=", "+", "-", "@"))
    assert unprotected(cell) == text


def test_formulas_in_a_ledger_are_exported_as_text_and_come_back_exactly(
    small: Ledger, tmp_path: Path
) -> None:
    titles = {
        "gbr-troops": "=cmd|' /C calc'!A0",
        "gbr-missiles": "@SUM(1+1)",
        "usa-air-support": "'Quoted' support",
    }
    for key, title in titles.items():
        record = small.pledge(key)
        small.update(record.pledge.model_copy(update={"title": title}), version=record.version)
    text = export_text(small, "csv")
    cells = {r["key"]: r["title"] for r in rows(text)}
    assert cells["gbr-troops"] == "'=cmd|' /C calc'!A0"
    assert cells["gbr-missiles"] == "'@SUM(1+1)"
    assert cells["usa-air-support"] == "''Quoted' support"
    listed = {
        r["key"]: r["title"] for r in rows(run(small, "list", "--format", "tsv").stdout, "\t")
    }
    assert listed == {**{r["key"]: r["title"] for r in rows(text)}}
    path = tmp_path / "formulas.csv"
    path.write_text(text, encoding="utf-8")
    assert not import_files(small, [path]).changed
    assert {k: small.pledge(k).pledge.title for k in titles} == titles


def test_an_export_that_carries_the_pledges_the_matching_ones_supersede_says_so(
    small: Ledger, tmp_path: Path
) -> None:
    small.create(
        schemas.Pledge(
            key="gbr-troops-restated",
            title="UK troops, restated",
            pledger="GBR",
            supersedes="gbr-troops",
        )
    )
    target = tmp_path / "restated.yaml"
    result = run(small, "export", "-o", str(target), "key:gbr-troops-restated")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"exported 2 pledges: the 1 matching and 1 they supersede to {target}\n"
    )
    plain = run(small, "export", "-o", str(tmp_path / "csv.csv"), "key:gbr-troops-restated")
    assert plain.stdout.startswith("exported 1 pledge to ")
