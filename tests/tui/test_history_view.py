"""The History view answers "what changed this week, and who did it": fields in its filter,
errors for bad terms, who and when kept visible at 80 columns, undone changes marked."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from db.errors import QueryError
from db.history_query import parse
from db.ledger import Ledger
from tests.support.tui import make_app, screen_text, settle, wait_for
from tui.widgets.list_table import ListTable


def shown_entries(app):  # type: ignore[no-untyped-def]
    return app.screen.query_one(ListTable).shown


def status_line(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#filter-status", Static).visual)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("actoin:status", "unknown field 'actoin'; did you mean action?"),
        ("type:actr", "type: 'actr' is not one of pledge, condition, actor, source"),
        ("recorded:>=soon", "recorded: 'soon' is not a date"),
        ("action:", "action: needs a value"),
        ("recorded:2026-01,2026-02", "takes one date, not a list"),
    ],
)
def test_bad_terms_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(QueryError, match=message.replace("?", r"\?").replace("(", r"\(")):
        parse(text)


def test_the_fields_filter_the_log(browser: Ledger) -> None:
    browser.author = "alice"
    key = browser.keys("pledge")[0]
    browser.change_status("pledge", key, "stalled", note="seen stalled")
    browser.undo()
    everything = browser.activity(limit=10_000)
    assert {e.author for e in browser.activity(text="author:alice")} == {"alice"}
    assert {e.author for e in browser.activity(text="who:ALICE")} == {"alice"}
    assert browser.activity(text="-author:alice") == [e for e in everything if e.author != "alice"]
    assert {e.record_type for e in browser.activity(text="type:actor")} == {"actor"}
    statuses = browser.activity(text="action:status")
    assert statuses and {e.action for e in statuses} == {"status"}
    assert [e.batch_kind for e in browser.activity(text="action:undo")] == ["undo"]
    undone = browser.activity(text="is:undone")
    assert [(e.record_key, e.note) for e in undone] == [(key, "seen stalled")]
    assert all(e.stands for e in browser.activity(text="is:standing"))
    recent = browser.activity(text="recorded:-7d author:alice")
    assert len(recent) == 2  # the change and its undo, both recorded today
    assert browser.activity(text="recorded:<2000") == []
    assert browser.activity(text=f"key:{key} effective:>=2000") != []


async def test_at_80_columns_who_and_when_stay_and_there_is_no_sort(browser: Ledger) -> None:
    browser.author = "alice"
    key = browser.keys("pledge")[0]
    browser.change_status("pledge", key, "stalled", note="seen stalled")
    browser.undo()
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        text = screen_text(app)
        header = next(line for line in text.splitlines() if "Recorded" in line)
        assert "Who" in header and "Action" in header
        assert "alice" in text
        assert "undo status" in text and "status undone" in text
        assert "Sort" not in text.splitlines()[-1]
        await pilot.press("slash", *"author:alice action:undo")
        await wait_for(pilot, lambda: len(shown_entries(app)) == 1)
        await pilot.press("ctrl+u", *"actoin:status")
        await wait_for(pilot, lambda: "unknown field 'actoin'" in status_line(app))
        assert "did you mean action?" in status_line(app)
