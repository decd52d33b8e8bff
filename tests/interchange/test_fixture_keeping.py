"""A record already in the ledger keeps the fields its file does not give (CSV columns and
document keys alike); an empty value clears; the dry run and the import say what changes."""

from __future__ import annotations

from pathlib import Path

import pytest

import db.interchange.importing as importing
from db import schemas
from db.errors import LedgerError
from db.interchange import export_text, import_files
from db.ledger import Ledger


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def fields(ledger: Ledger, key: str) -> dict[str, object]:
    return ledger.pledge(key).pledge.model_dump(exclude={"history"})


def test_a_csv_without_some_columns_leaves_those_fields_as_they_are(
    small: Ledger, tmp_path: Path
) -> None:
    before = fields(small, "fra-reassurance-force")
    path = write(
        tmp_path,
        "partial.csv",
        "key,title,pledger,status\nfra-reassurance-force,Reassurance force,FRA,committed\n",
    )
    report = import_files(small, [path])
    assert report.counts["pledge"].updated == 1
    after = fields(small, "fra-reassurance-force")
    assert after == {**before, "title": "Reassurance force"}
    assert after["beneficiary"] == "UKR" and after["tags"] == ["reassurance-force"]


def test_an_empty_cell_clears_its_field_but_an_empty_status_keeps_the_status(
    small: Ledger, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "clears.csv",
        "key,title,pledger,beneficiary,tags,status,confidence\n"
        "fra-reassurance-force,Deploy a reassurance force after a ceasefire,FRA,,,,\n",
    )
    import_files(small, [path])
    after = fields(small, "fra-reassurance-force")
    assert (after["beneficiary"], after["tags"]) == (None, [])
    # Status and confidence always have a value: an empty cell gives none, and keeps them.
    assert (after["status"], after["confidence"]) == ("committed", "reported")


def test_a_new_pledge_in_a_partial_csv_takes_the_defaults(small: Ledger, tmp_path: Path) -> None:
    path = write(tmp_path, "new.csv", "key,title,pledger\nfra-new,New,FRA\n")
    import_files(small, [path])
    assert small.pledge("fra-new").pledge.status == "announced"


def test_a_document_record_without_a_field_keeps_it_and_null_or_empty_clears_it(
    small: Ledger, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "trimmed.yaml",
        "format: pledges/1\n"
        "pledges:\n"
        "  - key: fra-reassurance-force\n"
        "    title: Deploy a reassurance force after a ceasefire\n"
        "    pledger: FRA\n"
        "    beneficiary: null\n"
        "    tags: []\n",
    )
    before = fields(small, "fra-reassurance-force")
    import_files(small, [path])
    assert fields(small, "fra-reassurance-force") == {**before, "beneficiary": None, "tags": []}


def test_an_older_export_does_not_wipe_what_was_filled_in_since(
    small: Ledger, tmp_path: Path
) -> None:
    old = write(tmp_path, "old.yaml", export_text(small, "yaml"))
    record = small.pledge("deu-neighbouring-territory")
    small.update(
        record.pledge.model_copy(update={"beneficiary": "UKR", "notes": "Filled in since"}),
        version=record.version,
    )
    report = import_files(small, [old])
    assert not report.changed
    pledge = small.pledge("deu-neighbouring-territory").pledge
    assert (pledge.beneficiary, pledge.notes) == ("UKR", "Filled in since")


def test_an_export_imported_again_changes_nothing_in_any_format(
    small: Ledger, tmp_path: Path
) -> None:
    for fmt in ("yaml", "json", "csv"):
        path = write(tmp_path, f"ledger.{fmt}", export_text(small, fmt))
        before = export_text(small, "yaml")
        report = import_files(small, [path])
        assert not report.changed, fmt
        assert report.updates == []
        # The flags of a CSV export are skipped, and said to be: nothing else is said.
        assert report.notes == (
            [
                f"{path}: the columns conditional, blocked, overdue are worked out by the "
                "ledger; they were not read"
            ]
            if fmt == "csv"
            else []
        )
        assert export_text(small, "yaml") == before


def test_a_dry_run_lists_each_changed_field_old_and_new(small: Ledger, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "changes.csv",
        "key,title,pledger,beneficiary,tags\n"
        "fra-reassurance-force,Reassurance force,FRA,,reassurance-force\n"
        "gbr-troops,UK troops on the ground if necessary,GBR,UKR,\n",
    )
    before = small.revision()
    report = import_files(small, [path], dry_run=True)
    assert small.revision() == before
    assert [(u.record_type, u.key, u.changes) for u in report.updates] == [
        (
            "pledge",
            "fra-reassurance-force",
            {
                "title": ("Deploy a reassurance force after a ceasefire", "Reassurance force"),
                "beneficiary": ("UKR", None),
            },
        )
    ]
    assert report.notes == [
        f"{path}: 2 records already in the ledger keep the fields the file does not give "
        "(category, status, announced, confidence, conditions, sources)"
    ]
    real = import_files(small, [path])
    assert real.updates == report.updates


def test_a_status_changed_through_history_is_one_change_from_first_to_last(
    small: Ledger, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "history.yaml",
        "format: pledges/1\n"
        "pledges:\n"
        "  - key: usa-air-support\n"
        "    title: Air support is an option\n"
        "    pledger: USA\n"
        "    status: delivered\n"
        "    history:\n"
        "      - {date: '2025-08-19', status: announced, note: Said}\n"
        "      - {date: '2025-10-01', status: committed, note: Signed}\n"
        "      - {date: '2025-11-01', status: delivered, note: Done}\n",
    )
    report = import_files(small, [path], dry_run=True)
    assert [u.changes for u in report.updates] == [{"status": ("announced", "delivered")}]


def test_a_field_kept_is_kept_exactly_as_stored_even_text_an_import_would_clean(
    hostile: Ledger, tmp_path: Path
) -> None:
    stored = hostile.versioned_states("pledge", ["hostile-escape"])["hostile-escape"][1]["title"]
    assert "\x1b" in stored  # written by another tool
    path = write(tmp_path, "status.csv", "key,pledger,notes\nhostile-escape,USA,A note\n")
    report = import_files(hostile, [path])
    assert [u.changes for u in report.updates] == [{"notes": (None, "A note")}]
    after = hostile.versioned_states("pledge", ["hostile-escape"])["hostile-escape"][1]
    assert after["title"] == stored


def test_a_colleagues_change_between_the_check_and_the_write_is_kept(
    small: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "title.csv", "key,title,pledger\ngbr-troops,UK troops,GBR\n")
    real_check = importing.check

    def check_then_a_colleague_writes(*args, **kwargs):  # type: ignore[no-untyped-def]
        checked = real_check(*args, **kwargs)
        record = small.pledge("gbr-troops")
        small.update(
            record.pledge.model_copy(update={"notes": "A colleague's note"}),
            version=record.version,
        )
        return checked

    monkeypatch.setattr(importing, "check", check_then_a_colleague_writes)
    import_files(small, [path])
    pledge = small.pledge("gbr-troops").pledge
    assert (pledge.title, pledge.notes) == ("UK troops", "A colleague's note")


def test_a_colleagues_change_that_no_longer_fits_the_file_refuses_the_import(
    small: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The file clears the unit of a pledge without an amount; meanwhile a colleague sets one.
    path = write(tmp_path, "unit.csv", "key,title,pledger,unit\ngbr-troops,UK troops,GBR,\n")
    real_check = importing.check

    def check_then_a_colleague_writes(*args, **kwargs):  # type: ignore[no-untyped-def]
        checked = real_check(*args, **kwargs)
        record = small.pledge("gbr-troops")
        small.update(
            schemas.Pledge.model_validate(
                {**record.pledge.model_dump(), "amount": "5000", "unit": "troops"}
            ),
            version=record.version,
        )
        return checked

    monkeypatch.setattr(importing, "check", check_then_a_colleague_writes)
    with pytest.raises(LedgerError, match="was changed while the import ran"):
        import_files(small, [path])
    pledge = small.pledge("gbr-troops").pledge
    assert (pledge.title, pledge.amount, pledge.unit) == (
        "UK troops on the ground if necessary",
        5000,
        "troops",
    )


def test_the_cli_lists_the_changes_bounded_and_visible(hostile: Ledger, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from tui.cli import main

    new = "".join(f"bulk-{i:02},Bulk {i},FRA\n" for i in range(25))
    import_files(hostile, [write(tmp_path, "bulk.csv", "key,title,pledger\n" + new)])
    long_title = "A" * 150 + "Z"
    changed = "".join(f"bulk-{i:02},{long_title}\n" for i in range(25))
    path = write(tmp_path, "changed.csv", "key,title\nhostile-escape,Plain\n" + changed)
    result = CliRunner().invoke(main, ["--db", str(hostile.path), "import", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    start = lines.index("what the import would change in 26 records already in the ledger:")
    assert lines[start + 1] == "  pledge hostile-escape"
    assert lines[start + 2].startswith("    title: ") and lines[start + 2].endswith(" -> Plain")
    assert "\x1b" not in result.stdout and "\u241b" in lines[start + 2]
    assert lines[start + 4].startswith("    title: Bulk 0 -> AAAA") and "…" in lines[start + 4]
    assert max(len(line) for line in lines[start:]) < 120
    assert lines[start + 1 + 2 * 20] == "  … and 6 more records (6 pledges)"
    assert lines[-1] == "nothing was written (dry run)"
