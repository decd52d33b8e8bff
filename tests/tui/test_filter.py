"""The filter line and the facets."""

from __future__ import annotations

from db.ledger import Ledger
from tests.support.ledgers import MARKUP_CONDITION
from tests.support.tui import make_app, pledge_table, screen_text, settle, wait_for
from tui.filtering import active_values, pointer, toggle_term
from tui.screens.pledges import PledgesView
from tui.widgets.facets import FacetList
from tui.widgets.filter_line import FilterLine


def test_toggle_term_adds_then_removes_a_term() -> None:
    text = toggle_term("", "status", "committed")
    assert text == "status:committed"
    assert toggle_term(text, "status", "committed") == ""


def test_toggle_term_widens_the_same_field_and_keeps_the_rest_as_typed() -> None:
    text = toggle_term('"U.S. support"  status:committed -pledger:USA', "status", "announced")
    assert text == '"U.S. support"  status:committed,announced -pledger:USA'
    assert (
        toggle_term(text, "status", "committed") == '"U.S. support"  status:announced -pledger:USA'
    )
    assert toggle_term("pledger:fra", "pledger", "FRA") == ""


def test_toggle_term_on_a_malformed_filter_appends() -> None:
    assert toggle_term("status:", "pledger", "FRA") == "status: pledger:FRA"


def test_active_values_are_what_the_filter_selects() -> None:
    assert active_values("status:committed,in-progress pledger:fra -category:troops") == {
        "status": {"committed", "in_progress"},
        "pledger": {"FRA"},
    }


def test_pointer_marks_the_bad_part() -> None:
    from db.errors import QueryError

    assert pointer("status:comitted", QueryError("x", 7, 8)) == " " * 7 + "^" * 8


async def test_typing_a_filter_narrows_the_table_and_shows_the_count(browser: Ledger) -> None:
    app = make_app(browser)
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert isinstance(app.focused, type(app.screen.query_one(FilterLine).input))
        await pilot.press(*"status:committed")
        await settle(pilot)
        table = pledge_table(app)
        assert table is not None
        committed = browser.count_pledges("status:committed")
        assert table.row_count == committed
        assert all(table.row_at(i).status == "committed" for i in range(committed))
        assert f"{committed} of {browser.count_pledges()} pledges" in screen_text(app)
        await pilot.press("enter")
        assert app.focused is table


async def test_a_plus_lists_an_actor_s_coalition_pledges_too(sample: Ledger) -> None:
    app = make_app(sample)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"pledger:FRA")
        await settle(pilot)
        table = pledge_table(app)
        assert table is not None and table.row_count == 3
        await pilot.press("plus")
        await settle(pilot)
        pledgers = {table.row_at(i).pledger for i in range(table.row_count)}
        assert pledgers == {"FRA", "FRA-GBR", "COW", "COW-FORCE", "FRA-GBR-DEU-POL"}
        # France's, the Franco-British pair's, the COW's, the force's, the four in Kyiv's
        assert table.row_count == 3 + 3 + 12 + 1 + 1
        assert f"20 of {sample.count_pledges()} pledges" in screen_text(app)


async def test_a_value_that_names_nothing_gets_a_hint_and_still_runs(sample: Ledger) -> None:
    app = make_app(sample)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"pledger:Frnace")
        await settle(pilot)
        table = pledge_table(app)
        assert table is not None and table.row_count == 0
        hint = "hint: pledger: no actor has the code, name or alias 'Frnace'; did you mean"
        await wait_for(pilot, lambda: hint in screen_text(app))
        assert "'France' (FRA)?" in screen_text(app)
        line = app.screen.query_one(FilterLine)
        assert line.error is None  # a hint, not an error: the query ran
        # Fixed, the hint goes; another mistake gets its own.
        line.set_text("pledger:France condition:us")
        await settle(pilot)
        await wait_for(pilot, lambda: "did you mean us-backstop?" in screen_text(app))
        assert "Frnace" not in screen_text(app)
        line.set_text("pledger:France")
        await settle(pilot)
        await wait_for(pilot, lambda: "hint:" not in screen_text(app))
        assert table.row_count == 3


async def test_a_hint_shows_hostile_values_as_text(browser: Ledger) -> None:
    app = make_app(browser)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        line = app.screen.query_one(FilterLine)
        line.set_text('pledger:"[/] [@click=app.quit]\u200f" tag:' + "x" * 10_000)
        await settle(pilot)
        await wait_for(pilot, lambda: "hint: tag: no pledge has the tag" in screen_text(app))
        assert "hint: pledger: no actor has the code, name or alias '[/] [@click=app.quit]" in (
            screen_text(app)
        )
        assert app.is_running


async def test_free_words_and_brackets_filter_as_text(browser: Ledger) -> None:
    app = make_app(browser)
    async with app.run_test(size=(200, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *'"[pending U.S. support]"')
        await settle(pilot)
        table = pledge_table(app)
        assert table is not None
        keys = {table.row_at(i).key for i in range(table.row_count)}
        assert "hostile-condition" in keys
        assert MARKUP_CONDITION in screen_text(app)


async def test_a_malformed_query_is_explained_and_the_last_result_stays(browser: Ledger) -> None:
    app = make_app(browser)
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"pledger:FRA")
        await settle(pilot)
        table = pledge_table(app)
        assert table is not None
        good = table.row_count
        assert good == browser.count_pledges("pledger:FRA")
        # Pasted in one go (typed key by key, "pledger:FRA status" would be a good query too).
        app.screen.query_one(FilterLine).input.insert_text_at_cursor(" status:comitted")
        await pilot.pause(0.1)
        await settle(pilot)
        shown = screen_text(app)
        assert "did you mean committed?" in shown
        assert "pledger:FRA status:comitted" in shown
        assert " " * len("pledger:FRA status:") + "^^^^^^^^" in shown
        assert "the last good result is still shown" in shown
        assert table.row_count == good
        app.screen.query_one(FilterLine).input.value = "pledger:FRA status:committed"
        await pilot.pause(0.1)
        await settle(pilot)
        assert table.row_count == browser.count_pledges("pledger:FRA status:committed")
        assert "did you mean" not in screen_text(app)


async def test_escape_clears_the_filter_and_returns_to_the_table(browser: Ledger) -> None:
    app = make_app(browser)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        table = pledge_table(app)
        await pilot.press("slash", *"is:blocked")
        await settle(pilot)
        assert table.row_count == browser.count_pledges("is:blocked")
        await pilot.press("escape")
        await settle(pilot)
        assert app.focused is table
        assert app.screen.query_one(FilterLine).text == ""
        assert table.row_count == browser.count_pledges()


async def test_a_new_filter_starts_at_the_top(browser: Ledger) -> None:
    app = make_app(browser)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        table = pledge_table(app)
        await pilot.press("j", "j", "j")
        await pilot.press("slash", *"pledger:GBR")
        await settle(pilot)
        assert table.cursor == 0 and table.first_visible == 0
        assert table.cursor_row.key == browser.pledge_page("pledger:GBR", limit=1).rows[0].key


async def test_facets_count_the_listed_pledges_and_toggle_terms(browser: Ledger) -> None:
    app = make_app(browser)
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await settle(pilot)
        facets = app.screen.query_one(FacetList)
        assert facets.display
        await wait_for(pilot, lambda: facets.option_count > 4)
        ids = [facets.get_option_at_index(i).id for i in range(facets.option_count)]
        committed = ids.index("status\x00committed")
        prompt = str(facets.get_option_at_index(committed).prompt)
        assert prompt.endswith(f" {browser.count_pledges('status:committed')}")
        assert "condition\x00markup-condition" in ids
        facets.focus()
        facets.highlighted = committed
        await pilot.press("enter")
        await settle(pilot)
        view = app.screen
        assert isinstance(view, PledgesView)
        assert view.filter_line.text == "status:committed"
        table = pledge_table(app)
        assert table.row_count == browser.count_pledges("status:committed")
        await wait_for(pilot, lambda: "\u25a0 committed" in screen_text(app))
        # Choosing another status widens the list; choosing the first again removes it.
        facets.highlighted = [
            facets.get_option_at_index(i).id for i in range(facets.option_count)
        ].index("status\x00announced")
        await pilot.press("space")
        await settle(pilot)
        assert view.filter_line.text == "status:committed,announced"
        facets.highlighted = [
            facets.get_option_at_index(i).id for i in range(facets.option_count)
        ].index("status\x00committed")
        await pilot.press("enter")
        await settle(pilot)
        assert view.filter_line.text == "status:announced"
        assert table.row_count == browser.count_pledges("status:announced")


async def test_f_shows_and_hides_the_facets(browser: Ledger) -> None:
    app = make_app(browser)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        facets = app.screen.query_one(FacetList)
        assert not facets.display  # too narrow to show them unasked
        await pilot.press("f")
        assert facets.display and app.focused is facets
        await pilot.press("f")
        assert not facets.display and app.focused is pledge_table(app)


def test_without_field_drops_the_term_and_says_so_in_its_source() -> None:
    from db.query import parse
    from tui.filtering import without_field

    query = parse("reassurance status:committed pledger:FRA")
    others = without_field(query, "status")
    assert others.source == "reassurance  pledger:FRA"
    assert [t.field for t in others.terms] == [None, "pledger"]
    assert without_field(query, "category") is query
