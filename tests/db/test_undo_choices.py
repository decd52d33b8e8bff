"""When an undo is refused because a colleague changed a record since, the analyst is not stuck:
undo only the parts that still apply, or skip to the change before. And what an undo leaves is
said as what the ledger now holds; undone changes never pass for evidence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from db import schemas
from db.errors import UndoConflictError
from db.interchange import export_text, import_files
from db.ledger import Ledger


def pledge(key: str, **fields: object) -> dict[str, object]:
    return {"key": key, "title": f"Pledge {key}", "pledger": "FRA", **fields}


def import_document(ledger: Ledger, tmp_path: Path, name: str, **records: object) -> None:
    path = tmp_path / name
    path.write_text(json.dumps({"format": "pledges/1", **records}), encoding="utf-8")
    import_files(ledger, [path])


def bens_note(ben: Ledger, key: str) -> None:
    detail = ben.pledge(key)
    ben.update(detail.pledge.model_copy(update={"notes": "Ben's note"}), version=detail.version)


def test_undo_in_part_reverts_what_still_applies_and_keeps_the_colleagues_record(
    ana: Ledger, ben: Ledger, tmp_path: Path
) -> None:
    import_document(ana, tmp_path, "two.json", pledges=[pledge("p-one"), pledge("p-two")])
    bens_note(ben, "p-two")
    with pytest.raises(UndoConflictError, match="by ben"):
        ana.undo()
    summary = ana.undo(partial=True)
    assert ana.count_pledges("p-one") == 0
    assert ben.pledge("p-two").pledge.notes == "Ben's note"
    assert len(summary.kept) == 1
    assert "pledge 'p-two'" in summary.kept[0] and "by ben" in summary.kept[0]
    assert summary.outcome == ("pledge 'p-one' no longer exists",)
    # Ana's creation of p-two still stands in its history: it was not undone.
    entries = ana.history("pledge", "p-two")
    assert entries[0].action == "create" and entries[0].stands
    assert [e.stands for e in ana.history("pledge", "p-one")] == [False, False]
    # Redo brings back what the undo reverted, and only that.
    ana.redo()
    assert ana.count_pledges("p-one") == 1
    assert ana.pledge("p-two").pledge.notes == "Ben's note"


def test_undo_in_part_keeps_what_a_kept_record_still_refers_to(
    ana: Ledger, ben: Ledger, tmp_path: Path
) -> None:
    condition = {"key": "new-cond", "title": "A new condition"}
    import_document(
        ana,
        tmp_path,
        "linked.json",
        conditions=[condition],
        pledges=[pledge("p-linked", conditions=["new-cond"]), pledge("p-alone")],
    )
    bens_note(ben, "p-linked")
    summary = ana.undo(partial=True)
    kept = "\n".join(summary.kept)
    assert "pledge 'p-linked'" in kept and "condition 'new-cond'" in kept
    assert ana.count_pledges("p-alone") == 0
    assert ana.pledge("p-linked").pledge.conditions == ["new-cond"]
    assert ana.condition("new-cond").condition.title == "A new condition"


def test_undo_in_part_with_nothing_left_to_undo_is_refused_and_writes_nothing(
    ana: Ledger, ben: Ledger, tmp_path: Path
) -> None:
    import_document(ana, tmp_path, "one.json", pledges=[pledge("p-one")])
    bens_note(ben, "p-one")
    revision = ana.revision()
    with pytest.raises(UndoConflictError, match="by ben"):
        ana.undo(partial=True)
    assert ana.revision() == revision


def test_skip_undoes_the_change_before_the_one_a_colleague_built_on(
    ana: Ledger, ben: Ledger, tmp_path: Path
) -> None:
    import_document(ana, tmp_path, "first.json", pledges=[pledge("p-first")])
    import_document(ana, tmp_path, "second.json", pledges=[pledge("p-second")])
    bens_note(ben, "p-second")
    summary = ana.undo(skip=True)
    assert summary.label == "undo: import first.json"
    assert len(summary.skipped) == 1
    assert '"import second.json"' in summary.skipped[0] and "by ben" in summary.skipped[0]
    assert ana.count_pledges("p-first") == 0 and ana.count_pledges("p-second") == 1
    # The change that could not be undone is still Ana's last: a plain undo still says why.
    with pytest.raises(UndoConflictError, match=r"second\.json"):
        ana.undo()
    # And the skipped-over undo can be redone.
    ana.redo()
    assert ana.count_pledges("p-first") == 1


def test_skip_with_nothing_undoable_refuses_with_the_last_reason(
    ana: Ledger, ben: Ledger, tmp_path: Path
) -> None:
    ana.author = "carl"  # a fresh analyst: one batch only
    import_document(ana, tmp_path, "only.json", pledges=[pledge("p-only")])
    bens_note(ben, "p-only")
    with pytest.raises(UndoConflictError, match=r"only\.json"):
        ana.undo(skip=True)


def test_the_refusal_names_the_label_without_doubled_quotes(
    ana: Ledger, ben: Ledger, tmp_path: Path
) -> None:
    import_document(ana, tmp_path, "ana's file.json", pledges=[pledge("p-quote")])
    bens_note(ben, "p-quote")
    with pytest.raises(UndoConflictError) as refused:
        ana.undo()
    message = str(refused.value)
    assert "''" not in message
    assert '"import ana\'s file.json"' in message and "ben" in message


def test_the_undo_summary_says_what_the_ledger_now_holds(ana: Ledger) -> None:
    key = ana.keys("pledge")[0]
    before = ana.pledge(key).pledge.status
    after = "delivered" if before != "delivered" else "stalled"
    ana.change_status("pledge", key, after, note="seen delivered")
    undone = ana.undo()
    assert undone.outcome == (f"pledge {key!r}: status is now {before!r}",)
    redone = ana.redo()
    assert redone.outcome == (f"pledge {key!r}: status is now {after!r}",)


def test_change_undo_redo_leaves_one_status_event_everywhere(ana: Ledger) -> None:
    key = ana.keys("pledge")[0]
    before = ana.pledge(key).pledge.status
    ana.change_status("pledge", key, "stalled", note="no progress seen", effective="2026-11")
    ana.undo()
    ana.redo()
    entries = ana.history("pledge", key)
    standing = [e for e in entries if e.stands and e.action == "status"]
    assert [(e.changes["status"], e.batch_kind) for e in standing] == [
        ((before, "stalled"), "redo")
    ]
    apart = [e for e in entries if not e.stands]
    assert [(e.batch_kind, e.undone) for e in apart] == [("change", True), ("undo", False)]
    histories = ana.status_histories("pledge", [key])[key]
    assert [(h["date"], h["status"]) for h in histories if h["status"] == "stalled"] == [
        ("2026-11", "stalled")
    ]
    exported = export_text(ana, "yaml")
    assert exported.count("no progress seen") == 1


def test_an_undone_change_alone_is_not_evidence(ana: Ledger) -> None:
    key = ana.keys("pledge")[0]
    ana.change_status("pledge", key, "stalled", note="mistaken report", effective="2026-11")
    ana.undo()
    assert all(
        h["note"] != "mistaken report" for h in ana.status_histories("pledge", [key]).get(key, [])
    )
    assert "mistaken report" not in export_text(ana, "yaml")
    assert [e.stands for e in ana.history("pledge", key) if e.note == "mistaken report"] == [
        False,
        False,
    ]


def test_the_record_kept_in_part_keeps_counting_as_evidence(
    ana: Ledger, ben: Ledger, tmp_path: Path
) -> None:
    import_document(
        ana,
        tmp_path,
        "status.json",
        pledges=[
            pledge("p-a", history=[{"date": "2025-09", "status": "announced", "note": "said A"}]),
            pledge("p-b", history=[{"date": "2025-09", "status": "announced", "note": "said B"}]),
        ],
    )
    bens_note(ben, "p-b")
    ana.undo(partial=True)
    histories = ana.status_histories("pledge", ["p-a", "p-b"])
    assert "p-a" not in histories
    assert [h["note"] for h in histories["p-b"]] == ["said B"]


def test_schemas_are_untouched_by_a_refused_undo_in_part(ana: Ledger, ben: Ledger) -> None:
    ana.create(schemas.Pledge(key="p-made", title="Made by Ana", pledger="FRA"))
    bens_note(ben, "p-made")
    with pytest.raises(UndoConflictError):
        ana.undo(partial=True)
    assert ana.pledge("p-made").pledge.notes == "Ben's note"


def test_undo_refuses_over_a_write_that_put_the_same_value_back(
    ana: Ledger, ben: Ledger, tmp_path: Path
) -> None:
    """Ben's import sets the status Ana then deletes and makes the pledge again with: the
    values agree, but Ana's new pledge is hers, and undoing Ben's import must not rewrite it."""
    import_document(ana, tmp_path, "a.json", pledges=[pledge("p-again", status="in_progress")])
    import_document(ben, tmp_path, "b.json", pledges=[pledge("p-again", status="announced")])
    ana.delete("pledge", "p-again", version=ana.pledge("p-again").version)
    import_document(ana, tmp_path, "c.json", pledges=[pledge("p-again", status="announced")])
    with pytest.raises(UndoConflictError, match=r"status of pledge 'p-again'.*by ana"):
        ben.undo()
    assert ana.pledge("p-again").pledge.status == "announced"


def test_a_change_undone_since_does_not_block_an_earlier_undo(ana: Ledger, ben: Ledger) -> None:
    key = ana.keys("pledge")[0]
    ana.change_status("pledge", key, "stalled", note="Ana saw no progress")
    ben.change_status("pledge", key, "in_progress", note="Ben saw progress")
    ben.undo()
    ana.undo()
    assert ana.history("pledge", key)[-1].batch_kind == "undo"
    assert all(not (e.stands and e.note) for e in ana.history("pledge", key) if e.batch > 1)
