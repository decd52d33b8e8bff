"""The whole ledger's facet counts, kept by triggers, against counting the pledges themselves:
after every kind of write, an undo, a redo, a large import, and a downgrade and upgrade."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import text

from db import migrate, schemas
from db.interchange import import_files
from db.ledger import Ledger
from db.sqlite import bulk
from tests.support.facets import agree, counted, kept


def test_the_kept_counts_follow_every_kind_of_write(small: Ledger) -> None:
    agree(small)
    assert kept(small)[("status", "committed")] > 0
    small.change_status("pledge", "gbr-troops", "stalled", note="no news")
    agree(small)
    detail = small.pledge("gbr-missiles")
    small.update(
        detail.pledge.model_copy(update={"category": "air-defence", "pledger": "FRA"}),
        version=detail.version,
    )
    agree(small)
    small.link_condition("gbr-missiles", "commons-vote")
    small.unlink_condition("fra-reassurance-force", "ceasefire")
    agree(small)
    small.delete("pledge", "gbr-missiles", version=small.pledge("gbr-missiles").version)
    agree(small)
    for _ in range(3):
        small.undo()
        agree(small)
    small.redo()
    agree(small)


def test_a_large_import_and_its_undo_keep_them_exact(small: Ledger) -> None:
    statuses = ["announced", "committed", "in_progress", "delivered"]
    small.save_records(
        [
            schemas.Pledge(
                key=f"bulk-{i:05d}",
                title=f"Bulk pledge {i}",
                pledger=("FRA", "GBR", "USA")[i % 3],
                status=statuses[i % 4],
                category=("air-defence", None)[i % 2],
                conditions=["ceasefire"] if i % 5 == 0 else [],
            )
            for i in range(1500)
        ],
        label="a large import",
    )
    agree(small)
    assert small.count_pledges() == small.count_pledges("-key:no-such-pledge") > 1500
    small.undo()
    agree(small)


def test_a_ledger_upgraded_to_them_is_counted_from_its_pledges(small: Ledger) -> None:
    before = kept(small)
    migrate.downgrade(small._writer, "0002")
    migrate.upgrade(small._writer)
    assert kept(small) == before == counted(small)


def test_a_bulk_import_with_histories_and_supersedes_keeps_them_exact(
    small: Ledger, tmp_path: Path
) -> None:
    pledges = []
    for i in range(1200):
        pledge: dict[str, object] = {
            "key": f"file-{i:05d}",
            "title": f"From a file {i}",
            "pledger": ("FRA", "GBR")[i % 2],
            "category": ("troops", "funding", None)[i % 3],
            "status": "delivered" if i % 4 == 0 else "announced",
            "conditions": ["ceasefire", "us-backstop"] if i % 7 == 0 else [],
        }
        if i % 4 == 0:
            pledge["history"] = [
                {"date": "2025-01", "status": "committed", "note": "agreed"},
                {"date": "2025-06", "status": "delivered", "note": "arrived"},
            ]
        if i % 10 == 1:
            pledge["supersedes"] = f"file-{i - 1:05d}"
        pledges.append(pledge)
    path = tmp_path / "many.json"
    path.write_text(json.dumps({"format": "pledges/1", "pledges": pledges}))
    import_files(small, [path])
    assert small.count_pledges("-key:no-such-pledge") >= 1200
    agree(small)
    small.undo()
    agree(small)


def schema_objects(ledger: Ledger) -> list[tuple[str, str, str]]:
    """Every trigger and index of the ledger, with the SQL that made it."""
    with ledger._reader.connect() as connection:
        return [
            tuple(row)
            for row in connection.execute(
                text(
                    "SELECT type, name, sql FROM sqlite_master "
                    "WHERE type IN ('trigger', 'index') ORDER BY type, name"
                )
            )
        ]


def test_a_bulk_import_puts_back_every_trigger_it_went_without(small: Ledger) -> None:
    before = schema_objects(small)
    assert set(bulk.bulk_triggers()) <= {name for kind, name, _ in before if kind == "trigger"}
    records = [
        schemas.Pledge(key=f"bulk-{i:05d}", title=f"Bulk {i}", pledger="GBR", status="committed")
        for i in range(bulk.BULK_ROWS)
    ]
    small.save_records(records, label="dry", dry_run=True)
    assert schema_objects(small) == before
    small.save_records(records, label="bulk")
    assert schema_objects(small) == before
    agree(small)
    # The pledges written one at a time after it are counted by the triggers again.
    small.create(schemas.Pledge(key="after-bulk", title="After", pledger="USA", category="cyber"))
    small.change_status("pledge", "bulk-00000", "stalled", note="no news")
    agree(small)
    assert kept(small)[("category", "cyber")] == 1
    assert kept(small)[("pledger", "USA")] == 2
    assert kept(small)[("status", "committed")] == 2 + bulk.BULK_ROWS - 1
