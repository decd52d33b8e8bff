"""The pledge table: what it shows, moving through it, sorting, and hostile text."""

from __future__ import annotations

from db.api_types import Sort
from db.ledger import Ledger
from tests.support.ledgers import (
    CJK,
    ESCAPES,
    LONG_TITLE,
    MARKUP_ACTION,
    MARKUP_CLOSE,
    MARKUP_CONDITION,
)
from tests.support.tui import make_app, pledge_table, screen_text, settle, wait_for
from tui.render import visible
from tui.widgets.line_table import PLACEHOLDER
from tui.widgets.pledge_table import PAGE_SIZE


async def test_first_screen_lists_pledges_in_key_order_with_the_count(browser: Ledger) -> None:
    app = make_app(browser)
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await settle(pilot)
        shown = screen_text(app)
        total = browser.count_pledges()
        assert f"{total} pledges \u00b7 sorted by key \u25b2" in shown
        keys = [row.key for row in browser.pledge_page(None, Sort(), limit=5).rows]
        lines = shown.splitlines()
        header = next(i for i, line in enumerate(lines) if "Key \u25b2" in line)
        for offset, key in enumerate(keys, 1):
            # A long key is cut in the middle: its start and its end are shown.
            assert key[:10] in lines[header + offset] and key[-10:] in lines[header + offset]


async def test_hostile_titles_appear_exactly_as_stored(browser: Ledger) -> None:
    app = make_app(browser)
    async with app.run_test(size=(200, 40), notifications=True) as pilot:
        await settle(pilot)
        shown = screen_text(app)
        # Brackets kept (never parsed as markup), escape sequences and marks made visible.
        assert MARKUP_CONDITION in shown
        assert f"Closes {MARKUP_CLOSE} markup" in shown
        assert MARKUP_ACTION in shown
        assert CJK in shown
        assert visible(ESCAPES)[:40] in shown
        assert "\x1b" not in shown
        assert visible(LONG_TITLE)[:40] in shown
        assert app.is_running  # [@click=app.quit] did not run


async def test_status_is_shown_by_word_and_colour(browser: Ledger) -> None:
    app = make_app(browser)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        table = pledge_table(app)
        assert table is not None
        index = next(i for i in range(table.row_count) if table.row_at(i).key == "gbr-missiles")
        cells = table.row_cells(index)
        assert cells is not None
        status, style = cells[4]
        assert status == "in_progress" and style  # the word, and a colour
        assert cells[7][0].endswith("!")  # overdue: due 2025-12, still in progress
        conditions = table.row_cells(
            next(
                i for i in range(table.row_count) if table.row_at(i).key == "fra-reassurance-force"
            )
        )
        assert conditions[5][0] == "2 pending"


async def test_moving_through_pages_fetches_rows_and_keeps_the_cursor_in_view(big: Ledger) -> None:
    app = make_app(big)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        table = pledge_table(app)
        assert table is not None
        total = big.count_pledges()
        assert table.row_count == total > 5 * PAGE_SIZE
        await pilot.press("j", "j", "down")
        assert table.cursor == 3
        await pilot.press("k")
        assert table.cursor == 2
        await pilot.press("pagedown", "pagedown")
        await settle(pilot)
        assert table.cursor == 2 + 2 * table.page_height
        assert table.first_visible <= table.cursor <= table.last_visible
        await pilot.press("G")
        await settle(pilot)
        assert table.cursor == total - 1
        last = big.pledge_page(None, Sort(), limit=1, from_end=True).rows[0]
        assert table.cursor_row is not None and table.cursor_row.key == last.key
        assert last.key[:20] in screen_text(app)
        await pilot.press("g")
        await settle(pilot)
        assert table.cursor == 0 and table.first_visible == 0
        await pilot.press("end", "pageup", "home")
        await settle(pilot)
        assert table.cursor == 0


async def test_rows_are_fetched_by_page_and_cached(big: Ledger) -> None:
    app = make_app(big)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        table = pledge_table(app)
        assert table is not None
        # Only the pages in and around view are read, never the whole list.
        assert set(table._pages.keys()) <= {0, 1}
        table.scroll_to(y=350, animate=False)
        await settle(pilot)
        loaded = set(table._pages.keys())
        assert {3} <= loaded and 6 not in loaded
        row = table.row_at(360)
        expected = big.pledge_page(None, Sort(), limit=1, offset=360).rows[0]
        assert row is not None and row.key == expected.key


async def test_rows_not_yet_read_are_drawn_as_placeholders(big: Ledger) -> None:
    app = make_app(big)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        table = pledge_table(app)
        assert table is not None
        table._pages.clear()  # as if the pages had not arrived yet
        strip = table.render_line(1)
        assert strip.text.startswith(PLACEHOLDER)


async def test_o_sorts_by_the_next_column_and_O_reverses(browser: Ledger) -> None:
    app = make_app(browser)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        table = pledge_table(app)
        assert table is not None
        await pilot.press("o")
        await settle(pilot)
        assert table.sort == Sort("pledger")
        assert "Pledger \u25b2" in screen_text(app)
        assert "sorted by pledger \u25b2" in screen_text(app)
        first = browser.pledge_page(None, Sort("pledger"), limit=1).rows[0]
        assert table.row_at(0).key == first.key
        await pilot.press("O")
        await settle(pilot)
        assert table.sort == Sort("pledger", descending=True)
        first = browser.pledge_page(None, Sort("pledger", True), limit=1).rows[0]
        assert table.row_at(0).key == first.key
        assert "Pledger \u25bc" in screen_text(app)


async def test_resorting_keeps_the_cursor_on_the_same_pledge(big: Ledger) -> None:
    app = make_app(big)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        table = pledge_table(app)
        assert table is not None
        await pilot.press(*["j"] * 7)
        key = table.cursor_row.key
        for _ in range(3):
            await pilot.press("o")
            await settle(pilot)
            assert table.cursor_row is not None and table.cursor_row.key == key
            assert table.cursor == big.pledge_position(key, None, table.sort)
            assert table.first_visible <= table.cursor <= table.last_visible


async def test_clicking_a_header_sorts_by_it_and_again_reverses(browser: Ledger) -> None:
    app = make_app(browser)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        table = pledge_table(app)
        assert table is not None
        x = 0
        for column, width in table.layout_columns(table.scrollable_content_region.width):
            if column.name == "status":
                break
            x += width + 1
        await pilot.click(table, offset=(x + 1, 0))
        await settle(pilot)
        assert table.sort == Sort("status")
        await pilot.click(table, offset=(x + 1, 0))
        await settle(pilot)
        assert table.sort == Sort("status", descending=True)


async def test_enter_opens_the_pledge_and_escape_comes_back(browser: Ledger) -> None:
    app = make_app(browser)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = pledge_table(app)
        assert table is not None
        await pilot.press("j", "j")
        key = table.cursor_row.key
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "PledgeScreen"
        assert app.screen.key == key  # type: ignore[attr-defined]
        await pilot.press("escape")
        await settle(pilot)
        assert pledge_table(app) is table and table.cursor == 2


async def test_narrow_terminals_drop_the_least_needed_columns(browser: Ledger) -> None:
    app = make_app(browser)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = pledge_table(app)
        assert table is not None
        names = [c.name for c, _ in table.layout_columns(table.scrollable_content_region.width)]
        assert names[:3] == ["key", "pledger", "title"] and "status" in names
        assert "updated" not in names
        await wait_for(pilot, lambda: "Key \u25b2" in screen_text(app))


async def test_a_resort_paints_the_rows_around_the_cursor_before_its_position_is_counted(
    big: Ledger,
) -> None:
    """On a big ledger counting the rows before a pledge takes a while; the re-sorted rows
    around the cursor's pledge are painted first, read by keyset from the pledge itself."""
    import threading

    counted = threading.Event()
    release = threading.Event()
    position = big.pledge_position
    pledge_window = big.pledge_window

    def slow_window(*args, **kwargs):  # type: ignore[no-untyped-def]
        # The window read is where the pledge's position is counted.
        counted.set()
        release.wait(5)
        return pledge_window(*args, **kwargs)

    big.pledge_window = slow_window  # type: ignore[method-assign]
    app = make_app(big)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        table = pledge_table(app)
        assert table is not None
        await pilot.press(*["j"] * 5)
        key, row = table.cursor_row.key, table.cursor
        await pilot.press("o")
        await wait_for(pilot, lambda: counted.is_set() and table._window is not None)
        # Position not known yet: the pledge stays on its row, its new neighbours around it.
        assert table.cursor == row and table.cursor_row.key == key
        above = big.pledge_page(None, Sort("pledger"), limit=1, before=table.cursor_row.cursor)
        assert table.row_at(row - 1).key == above.rows[0].key
        release.set()
        await settle(pilot)
        assert table._window is None
        assert table.cursor == position(key, None, Sort("pledger"))
        assert table.cursor_row.key == key
