"""The Dashboard (view 6): its charts at 80x24 and 160x45, the shared filter, the reading date,
live redraw when a colleague writes, and hostile text in what it draws."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from textual.pilot import Pilot

from db.ledger import Ledger
from db.past import Reading
from tests.support.foreign import RAW
from tests.support.tui import make_app, screen_text, settle, wait_for
from tui.messages import ReadingDateChanged
from tui.screens.dashboard import DashboardView, grid_shape
from tui.screens.pledges import PledgesView
from tui.widgets.charts import Bar, Chart, cells


def _charts(app) -> list[Chart]:  # type: ignore[no-untyped-def]
    return [c for c in app.screen.query(Chart) if c.display]


async def _dashboard(pilot: Pilot[None]) -> DashboardView:
    await settle(pilot)
    await pilot.press("6")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, DashboardView))
    screen = pilot.app.screen
    assert isinstance(screen, DashboardView)
    await wait_for(pilot, lambda: screen.figures is not None and screen._for == screen._wanted)
    await settle(pilot)
    return screen


def test_the_grid_holds_as_many_charts_as_stay_legible() -> None:
    assert grid_shape(80, 24) == (1, 1)
    assert grid_shape(160, 45) == (2, 2)
    assert grid_shape(200, 50) == (3, 2)


def test_a_bar_s_segments_add_up_to_its_length_and_none_vanishes() -> None:
    red, blue = (255, 0, 0), (0, 0, 255)
    # 1 + 1 + 1 of 3 at 10 cells a unit: 10 each, the ends where the running sum falls.
    assert [n for n, _, _ in cells([(1, "sd", red), (1, "sd", blue), (1, "sd", red)], 10)] == [
        10,
        10,
        10,
    ]
    # A segment too small for a cell still takes one; a zero takes none.
    drawn = cells([(100, "sd", red), (0, "sd", blue), (1, "sd", blue)], 0.5)
    assert [n for n, _, _ in drawn] == [50, 1]
    assert Bar("x", [(2, "sd", red), (3, "sd", blue)]).total == 5


async def test_at_80x24_one_chart_at_a_time_and_the_arrows_page(sample: Ledger) -> None:
    app = make_app(sample, poll_seconds=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await _dashboard(pilot)
        assert [c.kind for c in _charts(app)] == ["pledges"]
        text = screen_text(app)
        assert "41 pledges: 23 announced, 9 committed, 3 in_progress, 6 superseded" in text
        assert "Pledges by status over time" in text
        assert "charts 1 of 6" in text
        await pilot.press("right")
        await settle(pilot)
        assert [c.kind for c in _charts(app)] == ["conditions"]
        await pilot.press("right", "right")
        await settle(pilot)
        assert [c.kind for c in _charts(app)] == ["pledgers"]
        text = screen_text(app)
        # The pledgers with the most pledges, each bar with its figure.
        assert "COW" in text and " 12" in text
        await pilot.press("left", "left", "left", "left")
        await settle(pilot)
        assert [c.kind for c in _charts(app)] == ["amounts:EUR"]
        # Nothing wraps or runs off: every line fits the terminal.
        assert all(len(line) <= 80 for line in screen_text(app).split("\n"))


async def test_at_160x45_four_charts_and_amounts_by_unit_on_the_next_page(sample: Ledger) -> None:
    app = make_app(sample, poll_seconds=0)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await _dashboard(pilot)
        assert [c.kind for c in _charts(app)] == ["pledges", "conditions", "held", "pledgers"]
        text = screen_text(app)
        assert "Open pledges each open condition holds back" in text
        assert "ceasefire" in text
        await pilot.press("right")
        await settle(pilot)
        assert [c.kind for c in _charts(app)] == ["amounts:GBP", "amounts:EUR"]
        text = screen_text(app)
        # Amounts in different units are never summed together: one chart each.
        assert "Pledged and delivered, in GBP" in text and "3.9bn" in text
        assert "Pledged and delivered, in EUR" in text and "2.0bn" in text
        figures = screen.figures
        assert figures is not None and set(figures.amounts) == {"GBP", "EUR"}


async def test_the_filter_is_shared_with_the_pledges_view(sample: Ledger) -> None:
    app = make_app(sample, poll_seconds=0)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await _dashboard(pilot)
        await pilot.press("slash", *"pledger:GBR", "enter")
        await wait_for(pilot, lambda: screen._for is not None and bool(screen._for))
        await settle(pilot)
        figures = screen.figures
        assert figures is not None
        expected = len(sample.matching_pledge_keys("pledger:GBR"))
        assert figures.total == expected == 4
        assert f"{expected} pledges:" in screen_text(app)
        assert [bar.code for bar in figures.by_pledger] == ["GBR"]
        # The Pledges view lists what the dashboard drew, and the other way round.
        await pilot.press("1")
        await settle(pilot)
        pledges = app.screen
        assert isinstance(pledges, PledgesView)
        assert pledges.filter_line.text == "pledger:GBR"
        await wait_for(pilot, lambda: pledges.table.total == expected)
        pledges.filter_line.set_text("pledger:FRA")
        await settle(pilot)
        await pilot.press("6")
        await wait_for(pilot, lambda: screen.filter_line.text == "pledger:FRA")
        await wait_for(pilot, lambda: screen._for == screen._wanted)
        assert screen.figures is not None
        assert screen.figures.total == len(sample.matching_pledge_keys("pledger:FRA"))


async def test_the_dashboard_reads_the_ledger_as_of_the_reading_date(sample: Ledger) -> None:
    app = make_app(sample, poll_seconds=0)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _dashboard(pilot)
        app.post_message(ReadingDateChanged("2025-06"))
        await wait_for(pilot, lambda: screen.figures is not None and screen.figures.day < "2026")
        await settle(pilot)
        figures = screen.figures
        assert figures is not None
        then = sample.at(Reading("2025-06"))
        assert figures.day == "2025-06-30"
        assert figures.total == len(then.matching_pledge_keys())
        assert figures.pledges_over_time.months[-1] == "2025-06"
        assert "as of 2025-06" in screen_text(app)


async def test_a_colleague_s_write_redraws_the_dashboard(sample: Ledger, tmp_path: Path) -> None:
    assert sample.path is not None
    app = make_app(sample, poll_seconds=0.05)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _dashboard(pilot)
        assert screen.figures is not None and screen.figures.by_status["delivered"] == 0
        with Ledger.open(sample.path, author="colleague", create=False) as colleague:
            colleague.change_status(
                "pledge", "gbr-ukef-air-defence-missiles-2025-03", "delivered", note="done"
            )
        await wait_for(
            pilot,
            lambda: screen.figures is not None and screen.figures.by_status["delivered"] == 1,
        )
        await settle(pilot)
        assert "1 delivered" in screen_text(app)


async def test_hostile_text_from_another_tool_is_drawn_as_text(sample: Ledger) -> None:
    assert sample.path is not None
    connection = sqlite3.connect(sample.path)
    with connection:
        # Units and pledgers as another tool may have written them, straight into the file.
        connection.execute(
            "UPDATE pledges SET unit = ?, pledger = ? WHERE amount IS NOT NULL", (RAW, RAW)
        )
    connection.close()
    app = make_app(sample, poll_seconds=0)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await _dashboard(pilot)
        await pilot.press("right")
        await settle(pilot)
        assert [c.kind for c in _charts(app)] == [f"amounts:{RAW}"]
        text = screen_text(app)
        assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
        assert "Pledged and delivered, in Air \u241b]0;p" in text
        assert screen.is_active  # [@click=app.quit] did not quit


async def test_the_palette_opens_the_dashboard(sample: Ledger) -> None:
    from textual.command import CommandPalette

    app = make_app(sample, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"dashboard")
        await wait_for(pilot, lambda: "Go to the Dashboard view" in screen_text(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardView))
        screen = app.screen
        assert isinstance(screen, DashboardView)
        await wait_for(pilot, lambda: screen.figures is not None)
        assert screen.figures is not None and sum(screen.figures.by_status.values()) == 41
