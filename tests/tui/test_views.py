"""The five views, help, the command palette, and live refresh."""

from __future__ import annotations

from db.ledger import Ledger
from tests.support.ledgers import CJK, MARKUP_CLOSE, MARKUP_CONDITION, RTL
from tests.support.tui import make_app, pledge_table, screen_text, settle, wait_for
from tui.render import visible
from tui.screens.help import HelpScreen
from tui.screens.lists import RecordsView
from tui.screens.records import RecordScreen
from tui.widgets.list_table import ListTable


def list_keys(app) -> list[str]:  # type: ignore[no-untyped-def]
    table = app.screen.query_one(ListTable)
    return [row.key for row in table.shown]


async def test_views_switch_with_1_to_5_and_keep_their_place(browser: Ledger) -> None:
    app = make_app(browser)
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert app.current_mode == "conditions"
        assert list_keys(app) == sorted(c.key for c in browser.conditions())
        shown = screen_text(app)
        assert MARKUP_CONDITION in shown and "4 conditions" in shown
        await pilot.press("3")
        await settle(pilot)
        assert app.current_mode == "actors"
        assert "XCJK" in list_keys(app)
        shown = screen_text(app)
        assert CJK in shown and visible(RTL) in shown and "\x1b" not in shown
        await pilot.press("4")
        await settle(pilot)
        assert set(list_keys(app)) == {s.key for s in browser.sources()}
        assert MARKUP_CLOSE in screen_text(app)  # the hostile source's publisher
        await pilot.press("5")
        await settle(pilot)
        assert app.current_mode == "history"
        history = app.screen.query_one(ListTable)
        assert [row.target for row in history.shown] == [
            (e.record_type, e.record_key) for e in browser.activity()
        ]
        await pilot.press("1")
        await settle(pilot)
        assert app.current_mode == "pledges"
        table = pledge_table(app)
        assert table is not None and table.row_count == browser.count_pledges()


async def test_list_views_sort_filter_and_open_records(browser: Ledger) -> None:
    app = make_app(browser)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        table = app.screen.query_one(ListTable)
        await pilot.press("o", "o")  # key -> title -> status
        assert table.sort_column == "status"
        statuses = [row.values[2] for row in table.shown]
        assert statuses == sorted(statuses)
        await pilot.press("O")
        assert [row.values[2] for row in table.shown] == sorted(statuses, reverse=True)
        await pilot.press("slash", *"backstop")
        await pilot.pause(0.1)
        assert list_keys(app) == ["us-backstop"]
        assert "1 of 4 conditions" in screen_text(app)
        await pilot.press("enter")  # to the table
        await pilot.press("enter")  # open the record
        await settle(pilot)
        assert isinstance(app.screen, RecordScreen) and app.screen.key == "us-backstop"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, RecordsView)
        await pilot.press("escape")  # clears the filter
        assert len(list_keys(app)) == 4


async def test_history_lists_changes_newest_first_and_filters_in_the_ledger(
    browser: Ledger,
) -> None:
    app = make_app(browser)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        table = app.screen.query_one(ListTable)
        entries = browser.activity()
        assert [row.target for row in table.shown] == [
            (e.record_type, e.record_key) for e in entries
        ]
        first = table.shown[0]
        assert first.target == ("pledge", "fra-reassurance-force-v2")  # the newest change
        assert "2026-01-02 03:04" in screen_text(app)
        await pilot.press("slash", *"hostile-close")
        await settle(pilot)
        targets = {row.target for row in table.shown}
        assert targets == {("pledge", "hostile-close")}
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, RecordScreen) and app.screen.key == "hostile-close"


async def test_history_reads_more_as_the_cursor_nears_the_end(big: Ledger) -> None:
    app = make_app(big)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        table = app.screen.query_one(ListTable)
        assert len(table.shown) == 200
        await pilot.press("G")
        await settle(pilot)
        assert len(table.shown) > 200
        for _ in range(10):
            await pilot.press("G")
            await settle(pilot)
        everything = big.activity(limit=10_000)
        assert len(table.shown) == len(everything)
        assert len({row.key for row in table.shown}) == len(everything)


async def test_help_lists_every_key_and_the_vocabularies(browser: Ledger) -> None:
    from db import vocab
    from tui import keys

    app = make_app(browser)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        from textual.widgets import Static

        text = "\n".join(str(w.visual) for w in app.screen.query(Static))
        for key in keys.KEYS:
            assert keys.help_text(key) in text, key.name
        for words in (vocab.PLEDGE_STATUSES, vocab.CONDITION_STATUSES, vocab.PLEDGE_FLAGS):
            for word, definition in words.items():
                assert word in text and definition in text
        assert "ctrl+p" in text and "announced:>=2025-09" in text
        assert "pledger:FRA+" in text  # the coalitions an actor is a member of
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_every_binding_is_registered_by_name_with_a_description(browser: Ledger) -> None:
    """Ours come from tui.keys, as registered; the few Textual adds itself are named in the
    help; the rest belong to Textual's own widgets."""
    from tui import keys

    built_in = {key for names, _ in keys.BUILT_IN for key in names.split(" / ")} | {"super+c"}
    app = make_app(browser)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for screen_keys in ("", "2", "question_mark"):
            if screen_keys:
                await pilot.press(screen_keys)
                await settle(pilot)
            for key, active in app.screen.active_bindings.items():
                binding = active.binding
                registered = keys.BY_NAME.get(binding.id) if binding.id is not None else None
                if registered is not None:
                    assert key in registered.keys.split(","), (key, binding)
                    assert binding.action == registered.action, (key, binding)
                    assert binding.description == registered.description, (key, binding)
                    assert keys.help_text(registered), key
                else:
                    assert key in built_in or type(active.node).__module__.startswith("textual."), (
                        key,
                        binding,
                    )


async def test_palette_jumps_to_records_by_key_or_title(browser: Ledger) -> None:
    app = make_app(browser)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        await pilot.press(*"us-backstop")
        await wait_for(pilot, lambda: "condition us-backstop" in screen_text(app))
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RecordScreen) and app.screen.key == "us-backstop"
        # A pledge, found by words of its title (searched in the ledger, off the event loop).
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        await pilot.press(*"missiles")
        await wait_for(pilot, lambda: "pledge gbr-missiles" in screen_text(app))
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RecordScreen) and app.screen.key == "gbr-missiles"


async def test_palette_shows_hostile_titles_as_text(browser: Ledger) -> None:
    app = make_app(browser)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        await pilot.press(*"markup")
        await wait_for(pilot, lambda: MARKUP_CONDITION in screen_text(app))
        assert app.is_running


async def test_palette_offers_the_actions_of_the_screen(browser: Ledger) -> None:
    app = make_app(browser)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        await pilot.press(*"next column")
        await wait_for(pilot, lambda: "Sort by the next column" in screen_text(app))
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert pledge_table(app).sort.column == "pledger"


async def test_a_change_by_another_connection_shows_up_by_itself(
    browser: Ledger, second: Ledger
) -> None:
    app = make_app(browser, poll_seconds=0.1)
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await settle(pilot)
        table = pledge_table(app)
        index = next(i for i in range(table.row_count) if table.row_at(i).key == "gbr-troops")
        table.move_cursor(index)
        await settle(pilot)
        second.change_status("pledge", "gbr-troops", "in_progress", note="deployment begins [/]")
        await wait_for(
            pilot, lambda: table.cursor_row is not None and table.cursor_row.status == "in_progress"
        )
        assert table.cursor_row.key == "gbr-troops"
        # A new pledge that sorts first: the cursor stays on gbr-troops, one row further down.
        from db import schemas

        second.create(schemas.Pledge(key="aaa-first", title="Sorted first", pledger="FRA"))
        await wait_for(pilot, lambda: table.row_count == browser.count_pledges())
        await settle(pilot)
        assert table.cursor_row.key == "gbr-troops" and table.cursor == index + 1
        # An open record screen refreshes too.
        app.open_record("pledge", "gbr-troops")
        await settle(pilot)
        second.change_status("pledge", "gbr-troops", "delivered", note="all there")
        await wait_for(
            pilot,
            lambda: "all there" in "\n".join(str(w.visual) for w in app.screen.query("Static")),
        )


async def test_views_underneath_refresh_when_they_come_back(
    browser: Ledger, second: Ledger
) -> None:
    """A change made while a view is out of sight shows when the view comes back: the
    Pledges view under another view, a list view under a record screen."""
    from db import schemas

    app = make_app(browser, poll_seconds=0.1)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        table = pledge_table(app)
        before = table.row_count
        await pilot.press("2")
        await settle(pilot)
        second.create(schemas.Pledge(key="aaa-meanwhile", title="Added meanwhile", pledger="FRA"))
        await wait_for(pilot, lambda: app.revision == second.revision())
        await settle(pilot)
        assert table.row_count == before  # out of sight: not read yet
        await pilot.press("1")
        await wait_for(pilot, lambda: table.row_count == before + 1)
        await settle(pilot)
        assert table.row_at(0).key == "aaa-meanwhile"
        # A list view under a record screen.
        await pilot.press("2")
        await settle(pilot)
        app.open_record("condition", "ceasefire")
        await settle(pilot)
        second.create(schemas.Condition(key="aaa-condition", title="Also added meanwhile"))
        await wait_for(pilot, lambda: app.revision == second.revision())
        await settle(pilot)
        await pilot.press("escape")
        await wait_for(pilot, lambda: "aaa-condition" in list_keys(app))
