"""The footer: the keys that work where the focus is, whole or not at all, and clickable."""

from __future__ import annotations

from db.ledger import Ledger
from tests.support.tui import make_app, settle, wait_for
from tui.screens.help import HelpScreen
from tui.widgets.filter_line import FilterLine
from tui.widgets.key_footer import KeyFooter


def footer_line(app) -> str:  # type: ignore[no-untyped-def]
    footer = app.screen.query_one(KeyFooter)
    return "".join(segment.text for segment in footer.render_line(0))


async def test_the_footer_shows_the_keys_of_the_focused_widget(browser: Ledger) -> None:
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        line = footer_line(app)
        for shown in ("\u23ce Open", "o Sort", "/ Filter", "n e d Edit", "q Quit", "? Help"):
            assert shown in line
        assert line.rstrip().endswith("^p palette")
        await pilot.press("slash")
        await wait_for(
            pilot, lambda: app.focused in app.screen.query_one(FilterLine).walk_children()
        )
        await wait_for(pilot, lambda: "Results" in footer_line(app))
        assert "n e d Edit" not in footer_line(app)


async def test_keys_that_do_not_fit_are_left_out_whole(browser: Ledger) -> None:
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        line = footer_line(app)
        assert len(line) == 80
        assert "12345 Views" not in line and "123" not in line
        assert "? Help" in line and line.rstrip().endswith("^p palette")


async def test_clicking_a_key_in_the_footer_presses_it(browser: Ledger) -> None:
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        line = footer_line(app)
        x = line.index("? Help") + 1
        await pilot.click(KeyFooter, offset=(x, 0))
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
