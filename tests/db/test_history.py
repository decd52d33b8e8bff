"""The change log: every write is logged, undo and redo compensate, the past can be rebuilt."""

from __future__ import annotations

import sqlite3

import pytest

from db import schemas
from db.errors import NothingToUndoError, UndoConflictError
from db.ledger import Ledger


def test_every_write_appends_entries_with_who_when_and_batch(small: Ledger) -> None:
    before = small.revision()
    small.change_status(
        "pledge", "gbr-troops", "stalled", note="no vote scheduled", effective="2026-02"
    )
    entry = small.activity(limit=1)[0]
    assert small.revision() > before
    assert (entry.author, entry.record_type, entry.record_key, entry.action) == (
        "tester",
        "pledge",
        "gbr-troops",
        "status",
    )
    assert entry.changes == {"status": ("committed", "stalled")}
    assert (entry.effective, entry.note) == ("2026-02", "no vote scheduled")
    assert entry.recorded_at.endswith("Z") and entry.batch_label.startswith("pledge gbr-troops")


def test_the_log_is_append_only(small: Ledger) -> None:
    assert small.path is not None
    with sqlite3.connect(small.path) as connection:
        count = connection.execute("SELECT count(*) FROM change_log").fetchone()[0]
    small.change_status("pledge", "gbr-troops", "stalled", note="x")
    small.undo()
    small.redo()
    with sqlite3.connect(small.path) as connection:
        assert connection.execute("SELECT count(*) FROM change_log").fetchone()[0] == count + 3


def test_undo_and_redo_whole_batches_with_messages(small: Ledger) -> None:
    def label() -> str:
        return small.pledge_rows(["gbr-troops"])[0].conditions.label

    small.change_status("condition", "ceasefire", "met", note="ceasefire signed")
    assert label() == "1 pending"
    undone = small.undo()
    assert undone.label == "undo: condition ceasefire: status -> met"
    assert small.condition("ceasefire").condition.status == "pending"
    assert label() == "2 pending"
    redone = small.redo()
    assert redone.label == "redo: condition ceasefire: status -> met"
    assert small.condition("ceasefire").condition.status == "met"
    with pytest.raises(NothingToUndoError):
        small.redo()


def test_undo_of_a_creation_deletes_and_redo_restores_links(small: Ledger) -> None:
    small.create(
        schemas.Pledge(
            key="new",
            title="New",
            pledger="FRA",
            conditions=["ceasefire"],
            tags=["a", "b"],
            sources=["paris-declaration"],
        )
    )
    small.undo()
    assert "new" not in small.matching_pledge_keys()
    small.redo()
    restored = small.pledge("new").pledge
    assert (restored.conditions, restored.tags, restored.sources) == (
        ["ceasefire"],
        ["a", "b"],
        ["paris-declaration"],
    )
    assert small.count_pledges("condition:ceasefire") == 4


def test_undo_of_a_deletion_brings_the_record_back(small: Ledger) -> None:
    original = small.pledge("gbr-missiles").pledge
    small.delete("pledge", "gbr-missiles", version=small.pledge("gbr-missiles").version)
    small.undo()
    back = small.pledge("gbr-missiles").pledge
    assert back.model_dump(exclude={"history"}) == original.model_dump(exclude={"history"})


def test_undo_refuses_to_overwrite_a_later_change(small: Ledger) -> None:
    small.change_status("pledge", "gbr-troops", "stalled", note="mine")
    colleague = Ledger.open(small.path, author="colleague")
    try:
        colleague.change_status("pledge", "gbr-troops", "withdrawn", note="theirs")
    finally:
        colleague.close()
    with pytest.raises(
        UndoConflictError,
        match=r"status of pledge 'gbr-troops' was changed since \(by colleague.*'withdrawn'",
    ):
        small.undo()
    assert small.pledge("gbr-troops").pledge.status == "withdrawn"


def test_undo_is_per_analyst_and_survives_a_restart(small: Ledger) -> None:
    small.change_status("pledge", "gbr-troops", "stalled", note="mine")
    colleague = Ledger.open(small.path, author="colleague")
    colleague.change_status("pledge", "usa-air-support", "withdrawn", note="theirs")
    colleague.close()
    reopened = Ledger.open(small.path, author="tester")
    try:
        assert reopened.undo_redo_labels() == ("pledge gbr-troops: status -> stalled", None)
        reopened.undo()
        assert reopened.pledge("gbr-troops").pledge.status == "committed"
        assert reopened.pledge("usa-air-support").pledge.status == "withdrawn"
    finally:
        reopened.close()


def test_a_new_change_clears_the_redo_stack(small: Ledger) -> None:
    small.change_status("pledge", "gbr-troops", "stalled", note="a")
    small.undo()
    small.change_status("pledge", "gbr-missiles", "stalled", note="b")
    assert small.undo_redo_labels()[1] is None
    with pytest.raises(NothingToUndoError):
        small.redo()


def test_undo_walks_back_through_several_batches(small: Ledger) -> None:
    while True:
        try:
            small.undo()
        except NothingToUndoError:
            break
    assert small.count_pledges() == 0
    assert small.actors() == []


def test_status_as_of_a_past_date_comes_from_the_log(small: Ledger) -> None:
    key = "fra-reassurance-force"  # announced 2025-03-27, committed 2025-09-04
    assert small.status_as_of("pledge", key, "2025-03-01") is None
    assert small.status_as_of("pledge", key, "2025-03-27") == "announced"
    assert small.status_as_of("pledge", key, "2025-09-03") == "announced"
    assert small.status_as_of("pledge", key, "2025-09") == "committed"
    small.change_status("pledge", key, "stalled", note="talks stuck", effective="2026-02-01")
    assert small.status_as_of("pledge", key, "2026-01-31") == "committed"
    assert small.status_as_of("pledge", key, "2026-02-01") == "stalled"


def test_an_undone_change_never_appears_in_the_past(small: Ledger) -> None:
    small.change_status("pledge", "gbr-troops", "withdrawn", note="typo", effective="2025-06")
    small.undo()
    assert small.status_as_of("pledge", "gbr-troops", "2025-07") == "committed"
    small.redo()
    assert small.status_as_of("pledge", "gbr-troops", "2025-07") == "withdrawn"


def test_the_whole_ledger_as_of_and_a_diff_between_dates(small: Ledger) -> None:
    snapshot = small.as_of("2025-06")
    assert snapshot.pledge_status("fra-reassurance-force") == "announced"
    assert snapshot.pledge_status("gbr-troops") == "committed"
    assert snapshot.pledge_status("deu-neighbouring-territory") is None  # announced 2026
    changes = {(d.key, d.field): (d.before, d.after) for d in small.diff("2025-06", "2025-10")}
    assert changes[("fra-reassurance-force", "status")] == ("announced", "committed")


def test_status_history_as_a_fixture_lists_it(small: Ledger) -> None:
    small.change_status(
        "pledge", "fra-reassurance-force", "stalled", note="no US answer", effective="2026-02"
    )
    record = small.records("pledge", ["fra-reassurance-force"])[0]
    assert isinstance(record, schemas.Pledge)
    assert [(h.date, h.status) for h in record.history] == [
        ("2025-03-27", "announced"),
        ("2025-09-04", "committed"),
        ("2026-02", "stalled"),
    ]


def test_save_records_is_idempotent_and_counts(small: Ledger) -> None:
    records = [small.records(t) for t in ("actor", "source", "condition", "pledge")]
    flat = [r for group in records for r in group]
    counts, summary = small.save_records(flat, label="re-import")
    assert summary.entries == 0
    assert all(c.added == 0 and c.updated == 0 for c in counts.values())
    assert counts["pledge"].unchanged == 5


def test_save_records_updates_logs_and_undoes_as_one_batch(small: Ledger) -> None:
    changed = small.records("pledge", ["gbr-troops"])[0].model_copy(update={"title": "Changed"})
    new = schemas.Pledge(key="brand-new", title="Brand new", pledger="USA")
    counts, summary = small.save_records([changed, new], label="import x.yaml")
    assert (counts["pledge"].added, counts["pledge"].updated) == (1, 1)
    assert summary.label == "import x.yaml" and summary.kind == "import"
    small.undo()
    assert small.pledge("gbr-troops").pledge.title == "UK troops on the ground if necessary"
    assert "brand-new" not in small.matching_pledge_keys()


def test_save_records_dry_run_writes_nothing(small: Ledger) -> None:
    revision = small.revision()
    counts, _ = small.save_records(
        [schemas.Pledge(key="dry", title="Dry", pledger="FRA")], label="dry", dry_run=True
    )
    assert counts["pledge"].added == 1
    assert small.revision() == revision and "dry" not in small.matching_pledge_keys()


def test_a_status_change_arriving_by_import_uses_the_default_note(small: Ledger) -> None:
    changed = small.records("pledge", ["gbr-troops"])[0].model_copy(
        update={"status": "stalled", "history": []}
    )
    small.save_records([changed], label="import y.yaml")
    entry = small.pledge("gbr-troops").history[-1]
    assert (entry.action, entry.note) == ("status", "import y.yaml")


def test_undoing_a_delete_is_refused_once_a_colleague_made_the_record_again(
    small: Ledger,
) -> None:
    small.delete("pledge", "gbr-missiles", version=small.pledge("gbr-missiles").version)
    colleague = Ledger.open(small.path, author="colleague")
    try:
        colleague.create(
            schemas.Pledge(
                key="gbr-missiles",
                title="Air-defence missiles, re-entered from the MoD release",
                pledger="GBR",
                notes="the colleague's own record",
            )
        )
    finally:
        colleague.close()
    theirs = small.pledge("gbr-missiles")
    revision = small.revision()
    with pytest.raises(UndoConflictError, match="gbr-missiles") as caught:
        small.undo()
    assert (caught.value.record_type, caught.value.key) == ("pledge", "gbr-missiles")
    assert caught.value.current is not None
    assert caught.value.current["title"] == theirs.pledge.title
    assert small.revision() == revision
    after = small.pledge("gbr-missiles")
    assert after.version == theirs.version
    assert after.pledge.model_dump() == theirs.pledge.model_dump()


def test_redoing_a_creation_is_refused_once_a_colleague_made_the_record(small: Ledger) -> None:
    small.create(schemas.Pledge(key="ita-pilots", title="Pilot training", pledger="FRA"))
    small.undo()
    colleague = Ledger.open(small.path, author="colleague")
    try:
        colleague.create(schemas.Pledge(key="ita-pilots", title="Their pilots", pledger="GBR"))
    finally:
        colleague.close()
    revision = small.revision()
    with pytest.raises(UndoConflictError, match="ita-pilots") as caught:
        small.redo()
    assert (caught.value.record_type, caught.value.key) == ("pledge", "ita-pilots")
    assert small.revision() == revision
    assert (small.pledge("ita-pilots").pledge.title, small.pledge("ita-pilots").version) == (
        "Their pilots",
        1,
    )
