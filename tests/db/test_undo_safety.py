"""Undo never discards a write it did not make, and evidence is never deleted from under the
history: two analysts, Ana and Ben, on one ledger."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from db import schemas
from db.errors import ReferencedError, UndoConflictError
from db.interchange import export_text, import_files
from db.ledger import Ledger

PLEDGE = schemas.Pledge(
    key="ita-engineers",
    title="Send engineers for demining",
    pledger="FRA",
    category="training",
)


def bens_work(ben: Ledger, key: str) -> None:
    """Ben's day on the pledge: notes, a due date and tags in one save, then a condition link."""
    detail = ben.pledge(key)
    edited = detail.pledge.model_copy(
        update={"notes": "Ben's notes from the briefing", "due": "2026-06", "tags": ["demining"]}
    )
    ben.update(edited, version=detail.version)
    ben.link_condition(key, "ceasefire")


def test_undoing_a_creation_refuses_to_delete_a_colleagues_later_edits(
    ana: Ledger, ben: Ledger
) -> None:
    ana.create(PLEDGE)
    bens_work(ben, PLEDGE.key)
    with pytest.raises(UndoConflictError) as refused:
        ana.undo()
    message = str(refused.value)
    assert "pledge 'ita-engineers'" in message and "by ben" in message
    assert "conditions" in message and "notes" in message
    kept = ana.pledge(PLEDGE.key).pledge
    assert kept.notes == "Ben's notes from the briefing"
    assert kept.conditions == ["ceasefire"] and kept.tags == ["demining"]
    # Ben's own history is intact: he can still undo his link, then his edit.
    ben.undo()
    ben.undo()
    assert ana.pledge(PLEDGE.key).pledge == PLEDGE.validated()
    # With Ben's work undone by Ben, Ana's creation can be undone: nobody else's write is lost.
    ana.undo()
    assert ana.count_pledges("ita") == 0


def test_undoing_an_import_refuses_to_delete_a_colleagues_later_edits(
    ana: Ledger, ben: Ledger, tmp_path: Path
) -> None:
    document = {
        "format": "pledges/1",
        "pledges": [PLEDGE.model_dump(mode="json", exclude_defaults=True)],
    }
    path = tmp_path / "one.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    import_files(ana, [path])
    bens_work(ben, PLEDGE.key)
    with pytest.raises(UndoConflictError, match="by ben"):
        ana.undo()
    assert ana.pledge(PLEDGE.key).pledge.notes == "Ben's notes from the briefing"


def test_undoing_a_creation_refuses_when_a_colleague_linked_to_the_record(
    ana: Ledger, ben: Ledger
) -> None:
    ana.create(schemas.Condition(key="rada-vote", title="Rada ratifies"))
    ben.link_condition("gbr-troops", "rada-vote")
    with pytest.raises(UndoConflictError, match=r"pledge 'gbr-troops' now refers to it"):
        ana.undo()
    assert ana.condition("rada-vote").condition.key == "rada-vote"
    assert "rada-vote" in ana.pledge("gbr-troops").pledge.conditions


def test_undoing_an_edit_keeps_the_fields_a_colleague_changed_since(
    ana: Ledger, ben: Ledger
) -> None:
    detail = ana.pledge("gbr-troops")
    ana.update(detail.pledge.model_copy(update={"notes": "Ana's note"}), version=detail.version)
    detail = ben.pledge("gbr-troops")
    ben.update(detail.pledge.model_copy(update={"tags": ["rada"]}), version=detail.version)
    ana.undo()
    after = ana.pledge("gbr-troops").pledge
    assert after.notes is None and after.tags == ["rada"]


def test_a_source_cited_only_as_evidence_cannot_be_deleted(ana: Ledger, ben: Ledger) -> None:
    ana.create(schemas.Source(key="rada-record", title="Rada session record"))
    ben.change_status("pledge", "gbr-troops", "stalled", source="rada-record")
    source = ana.source("rada-record")
    with pytest.raises(ReferencedError, match=r"evidence for pledge gbr-troops") as refused:
        ana.delete("source", "rada-record", version=source.version)
    assert refused.value.referenced_by == [("evidence", f"for pledge gbr-troops, {today()}")]
    # Nor can its creation be undone from under Ben's status change.
    with pytest.raises(UndoConflictError, match="cited as evidence for pledge gbr-troops"):
        ana.undo()
    assert ana.source("rada-record").source.key == "rada-record"


def test_the_ledgers_own_export_always_imports_after_deletions_and_undos(
    ana: Ledger, ben: Ledger, tmp_path: Path
) -> None:
    ana.create(schemas.Source(key="rada-record", title="Rada session record"))
    ben.change_status("pledge", "gbr-troops", "stalled", source="rada-record")
    source = ana.source("rada-record")
    with pytest.raises(ReferencedError):
        ana.delete("source", "rada-record", version=source.version)
    exported = tmp_path / "export.yaml"
    exported.write_text(export_text(ana, "yaml"), encoding="utf-8")
    fresh = Ledger.open(tmp_path / "fresh.sqlite", author="carla")
    try:
        import_files(fresh, [exported])
        assert export_text(fresh, "yaml") == exported.read_text(encoding="utf-8")
    finally:
        fresh.close()


def test_an_undone_citation_is_not_evidence_and_frees_the_source(ana: Ledger) -> None:
    ana.create(schemas.Source(key="rada-record", title="Rada session record"))
    ana.change_status("pledge", "gbr-troops", "stalled", source="rada-record")
    ana.undo()
    ana.delete("source", "rada-record", version=ana.source("rada-record").version)
    assert "rada-record" not in ana.keys("source")


def test_redo_refuses_to_cite_a_source_deleted_since(ana: Ledger, ben: Ledger) -> None:
    ben.create(schemas.Source(key="rada-record", title="Rada session record"))
    ana.change_status("pledge", "gbr-troops", "stalled", source="rada-record")
    ana.undo()
    ben.delete("source", "rada-record", version=ben.source("rada-record").version)
    with pytest.raises(UndoConflictError, match=r"cites source 'rada-record' as evidence"):
        ana.redo()
    assert ana.pledge("gbr-troops").pledge.status == "committed"


def test_undo_of_a_delete_refuses_when_a_colleague_made_the_record_again(
    ana: Ledger, ben: Ledger
) -> None:
    ana.create(PLEDGE)
    ana.delete("pledge", PLEDGE.key, version=ana.pledge(PLEDGE.key).version)
    ben.create(PLEDGE.model_copy(update={"title": "Ben's own demining pledge"}))
    with pytest.raises(UndoConflictError, match=r"pledge 'ita-engineers' exists again \(by ben"):
        ana.undo()
    assert ana.pledge(PLEDGE.key).pledge.title == "Ben's own demining pledge"


def today() -> str:
    from db.dates import today as utc_today

    return utc_today()


def test_undoing_a_delete_refuses_to_bring_back_a_link_to_a_record_deleted_since(
    ana: Ledger, ben: Ledger
) -> None:
    ana.create(schemas.Condition(key="rada-vote", title="Rada ratifies"))
    ana.create(PLEDGE.model_copy(update={"conditions": ["rada-vote"]}))
    ana.delete("pledge", PLEDGE.key, version=ana.pledge(PLEDGE.key).version)
    ben.delete("condition", "rada-vote", version=ben.condition("rada-vote").version)
    with pytest.raises(
        UndoConflictError,
        match=r"pledge 'ita-engineers' would refer to condition 'rada-vote', but condition "
        r"'rada-vote' no longer exists \(by ben",
    ):
        ana.undo()
    assert PLEDGE.key not in ana.keys("pledge")


def test_undoing_an_unlink_refuses_when_the_record_was_deleted_since(
    ana: Ledger, ben: Ledger
) -> None:
    ana.create(schemas.Condition(key="rada-vote", title="Rada ratifies"))
    ana.link_condition("gbr-troops", "rada-vote")
    ana.unlink_condition("gbr-troops", "rada-vote")
    ben.delete("condition", "rada-vote", version=ben.condition("rada-vote").version)
    with pytest.raises(UndoConflictError, match="no longer exists"):
        ana.undo()
    assert "rada-vote" not in ana.pledge("gbr-troops").pledge.conditions
