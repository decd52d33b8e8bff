"""The time control: ``t`` reads the ledger as of a date, ``[`` and ``]`` step through the
dated changes, every view shows then, editing keys say why they are off, and today comes back."""

from __future__ import annotations

from db.ledger import Ledger
from db.past import Reading
from tests.support.form_helpers import notifications
from tests.support.tui import make_app, pledge_table, screen_text, settle, wait_for
from tui.editing.reading import ReadingDialog
from tui.widgets.list_table import ListTable


def shown_keys(app) -> list[str]:  # type: ignore[no-untyped-def]
    table = pledge_table(app)
    assert table is not None
    return [table.row_at(i).key for i in range(table.row_count)]  # type: ignore[union-attr]


async def test_t_reads_the_ledger_as_of_the_paris_summit_and_escape_returns(
    sample: Ledger,
) -> None:
    app = make_app(sample)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        assert pledge_table(app).total == 41  # type: ignore[union-attr]
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ReadingDialog))
        await pilot.press(*"2025-03-27", "enter")
        await wait_for(pilot, lambda: pledge_table(app).total == 14)  # type: ignore[union-attr]
        await settle(pilot)
        assert app.reading == Reading("2025-03-27")
        assert "as of 2025-03-27" in screen_text(app)
        expected = sample.at(Reading("2025-03-27")).matching_pledge_keys()
        assert shown_keys(app) == expected
        row = pledge_table(app).row_at(expected.index("gbr-ukef-air-defence-missiles-2025-03"))  # type: ignore[union-attr]
        assert row is not None and row.status == "committed"
        # The filter language works unchanged on the past: the UK's loan and missile finance.
        await pilot.press("slash", *"status:committed", "enter")
        await wait_for(pilot, lambda: pledge_table(app).total == 2)  # type: ignore[union-attr]
        # Editing is off, and says why.
        await pilot.press("escape", "s")
        await settle(pilot)
        assert any("the past cannot be changed" in n for n in notifications(app))
        # The conditions view shows the conditions of then.
        await pilot.press("2")
        await settle(pilot)
        conditions = app.screen.query_one(ListTable)
        assert {row.key for row in conditions.shown} == {
            c.key for c in sample.at(Reading("2025-03-27")).conditions()
        }
        await pilot.press("1", "t")
        await wait_for(pilot, lambda: isinstance(app.screen, ReadingDialog))
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.reading.is_present)
        await settle(pilot)
        assert "as of 2025" not in screen_text(app).split("\n")[0]


async def test_brackets_step_through_the_dated_changes(sample: Ledger) -> None:
    app = make_app(sample)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("left_square_bracket")
        await wait_for(pilot, lambda: not app.reading.is_present)
        last = app.reading.as_of
        assert last is not None and last < "2026-12-03"
        await pilot.press("left_square_bracket")
        await wait_for(pilot, lambda: app.reading.as_of != last)
        earlier = app.reading.as_of
        assert earlier is not None and earlier < last
        await settle(pilot)
        assert pledge_table(app).total == sample.at(app.reading).count_pledges()  # type: ignore[union-attr]
        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: app.reading.as_of == last)
        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: app.reading.is_present)
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ReadingDialog))
        await pilot.press(*"2025-13", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ReadingDialog)
        assert "month 13 does not exist" in screen_text(app)
        await pilot.press("escape")
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ReadingDialog))
        await pilot.press("tab", *"2025-01-01", "enter")
        await wait_for(pilot, lambda: pledge_table(app).total == 0)  # type: ignore[union-attr]
        assert app.reading == Reading(None, "2025-01-01")
        assert "as recorded on 2025-01-01" in screen_text(app)
        await pilot.press("T")
        await wait_for(pilot, lambda: pledge_table(app).total == 41)  # type: ignore[union-attr]


async def test_the_changes_view_lists_what_changed_and_shows_then_and_now(
    sample: Ledger,
) -> None:
    from textual.widgets import Input

    from tui.screens.changes import ChangesDialog, ChangesView, ThenAndNow
    from tui.screens.records import RecordScreen

    app = make_app(sample)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("D")
        await wait_for(pilot, lambda: isinstance(app.screen, ChangesDialog))
        app.screen.query_one("#from", Input).value = "2025-09"
        app.screen.query_one("#to", Input).value = "2026-01"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ChangesView))
        view = app.screen
        expected = sample.changes("2025-09", "2026-01")
        await wait_for(pilot, lambda: len(view.query_one(ListTable).rows) == len(expected))
        assert "25 records changed from the end of 2025-09 to the end of 2026-01" in (
            screen_text(app)
        )
        shown = view.query_one(ListTable).shown
        assert [row.key for row in shown] == [f"{c.record_type}:{c.key}" for c in expected]
        backstop = next(i for i, row in enumerate(shown) if row.key == "condition:us-backstop")
        view.query_one(ListTable).move_cursor(backstop)
        assert app.focused is view.query_one(ListTable), app.focused
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ThenAndNow))
        text = screen_text(app)
        assert "pending" in text and "partially_met" in text
        assert "eurointegration-us-role-paris-declaration-2026-01-07" in text
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ChangesView))
        # The filter takes the query language: the diff of a query.
        await pilot.press("slash", *"is:conditional", "enter")
        queried = sample.changes("2025-09", "2026-01", "is:conditional")
        await wait_for(pilot, lambda: len(view.query_one(ListTable).rows) == len(queried))
        assert any(row.cells[0][0] == "left" for row in view.query_one(ListTable).rows)
        await pilot.press("escape", "escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ChangesView))


async def test_a_status_known_less_precisely_than_the_date_read_is_marked(
    sample: Ledger,
) -> None:
    app = make_app(sample)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        await settle(pilot)
        assert "~ " not in screen_text(app)
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ReadingDialog))
        await pilot.press(*"2025-09-10", "enter")
        await wait_for(pilot, lambda: app.reading == Reading("2025-09-10"))
        await settle(pilot)
        # NATO's PURL deliveries are dated to the month: as of 10 September, read to the day,
        # that month's status is known less precisely; every other status then is to the day.
        lines = [line for line in screen_text(app).splitlines() if "in_progress~" in line]
        assert len(lines) == 1 and "nato-purl-" in lines[0], screen_text(app)
        assert sum("~ " in line for line in screen_text(app).splitlines()) == 1
        # The record says since when, and how precisely.
        await pilot.press("slash", *"key:nato*", "enter")
        await wait_for(pilot, lambda: pledge_table(app).total == 1)  # type: ignore[union-attr]
        await pilot.press("enter")
        await wait_for(pilot, lambda: "known only to the month" in screen_text(app))
        assert "in_progress  since 2025-" in screen_text(app)
