"""Snapshots of the main screens (pytest --snapshot-update to accept a deliberate change).

The ledger is the hostile browser ledger with every recorded time frozen; the terminal size is
pinned; nothing blinks (the filter input is not focused). Each run waits for the workers and
the facets before the picture is taken.
"""

from __future__ import annotations

from textual.pilot import Pilot

from db.ledger import Ledger
from tests.support.tui import make_app, settle, wait_for
from tui.screens.pledges import PledgesView
from tui.widgets.list_table import ListTable


async def _settled(pilot: Pilot[None]) -> None:
    await settle(pilot)
    screen = pilot.app.screen
    if isinstance(screen, PledgesView) and screen.facet_list.display:
        await wait_for(pilot, lambda: screen._facets_for == screen.table.filter_query)
    await settle(pilot)


def test_pledges_view_at_80x24(browser: Ledger, snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        make_app(browser, poll_seconds=0), terminal_size=(80, 24), run_before=_settled
    )


def test_pledges_view_with_facets_at_160x40(browser: Ledger, snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        make_app(browser, poll_seconds=0), terminal_size=(160, 40), run_before=_settled
    )


def test_malformed_filter_at_120x30(browser: Ledger, snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await _settled(pilot)
        await pilot.press("slash")
        pilot.app.screen.filter_line.set_text("pledger:FRA status:comitted")  # type: ignore[attr-defined]
        await pilot.press("enter")
        await _settled(pilot)

    assert snap_compare(
        make_app(browser, poll_seconds=0), terminal_size=(120, 30), run_before=run_before
    )


def test_pledge_screen_at_100x40(browser: Ledger, snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await _settled(pilot)
        pilot.app.open_record("pledge", "fra-reassurance-force")  # type: ignore[attr-defined]
        await _settled(pilot)

    assert snap_compare(
        make_app(browser, poll_seconds=0), terminal_size=(100, 40), run_before=run_before
    )


def test_conditions_view_at_100x24(browser: Ledger, snap_compare) -> None:  # type: ignore[no-untyped-def]
    # The key is pressed here, not by snap_compare's ``press`` (which comes after run_before):
    # the picture waits for the list to be read.
    async def run_before(pilot: Pilot[None]) -> None:
        await _settled(pilot)
        await pilot.press("2")
        await _settled(pilot)
        table = pilot.app.screen.query_one(ListTable)
        await wait_for(pilot, lambda: len(table.shown) == len(browser.conditions()))

    assert snap_compare(
        make_app(browser, poll_seconds=0), terminal_size=(100, 24), run_before=run_before
    )


async def _dashboard_as_of_2025_12(pilot: Pilot[None]) -> None:
    from tests.support.tui import wait_for
    from tui.messages import ReadingDateChanged
    from tui.screens.dashboard import DashboardView

    await _settled(pilot)
    pilot.app.post_message(ReadingDateChanged("2025-12"))
    await pilot.press("6")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, DashboardView))
    screen = pilot.app.screen
    assert isinstance(screen, DashboardView)
    await wait_for(pilot, lambda: screen.figures is not None and screen._for == screen._wanted)
    await wait_for(pilot, lambda: screen.figures is not None and screen.figures.day < "2026")
    await _settled(pilot)


def test_dashboard_at_80x24(sample: Ledger, snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        make_app(sample, poll_seconds=0),
        terminal_size=(80, 24),
        run_before=_dashboard_as_of_2025_12,
    )


def test_dashboard_at_160x45(sample: Ledger, snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        make_app(sample, poll_seconds=0),
        terminal_size=(160, 45),
        run_before=_dashboard_as_of_2025_12,
    )
