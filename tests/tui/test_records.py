"""Record screens: every field, the links between records, and back again."""

from __future__ import annotations

from textual.widgets import Static

from db.ledger import Ledger
from tests.support.ledgers import CJK, ESCAPES, MARKUP_ACTION, MARKUP_CLOSE, MARKUP_CONDITION, RTL
from tests.support.tui import HOSTILE_NOTE, make_app, open_record, record_text, screen_text, settle
from tui.app import PledgesApp
from tui.render import visible
from tui.widgets.record_parts import Link


def links(app: PledgesApp) -> list[tuple[str, str]]:
    return [link.identity for link in app.screen.query(Link)]


async def test_pledge_screen_shows_every_field_conditions_sources_and_history(
    browser: Ledger,
) -> None:
    app = make_app(browser)
    async with app.run_test(size=(120, 50), notifications=True) as pilot:
        await settle(pilot)
        await open_record(pilot, "pledge", "fra-reassurance-force")
        text = record_text(app)
        for expected in (
            "Deploy a reassurance force after a ceasefire",
            "pledge fra-reassurance-force",
            "committed",
            "conditional",
            "FRA  France",
            "UKR  Ukraine",
            "troops",
            "formally agreed",
            "2025-09",
            "reported",
            "reassurance-force",
            "version",
            "Conditions (2, 2 unmet)",
            "us-backstop",
            "Confirmation of U.S. support",
            "unmet",
            "Sources (1)",
            "Elysee: guarantees ready",
            "https://www.elysee.fr/",
            "Superseded by (newer pledges that replace it)",
            "fra-reassurance-force-v2",
            "History",
            "2025-03-27",
            "2025-09-04",
            "recorded 2026-01-02 03:04 UTC by tester",
            "status: announced -> committed",
            visible(ESCAPES),  # a note written raw by a foreign tool: shown, not executed
        ):
            assert expected in text, expected
        assert ("condition", "us-backstop") in links(app)
        assert ("source", "elysee-2025-09-02") in links(app)
        assert ("actor", "FRA") in links(app)
        assert ("pledge", "fra-reassurance-force-v2") in links(app)
        assert "\x1b" not in screen_text(app)


async def test_supersedes_chain_is_shown_both_ways(browser: Ledger) -> None:
    app = make_app(browser)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        await open_record(pilot, "pledge", "fra-reassurance-force-v2")
        text = record_text(app)
        older = text.split("Supersedes (older pledges it replaces)")[1].split("Superseded by")[0]
        assert "fra-reassurance-force" in older
        assert ("pledge", "fra-reassurance-force") in links(app)


async def test_hostile_pledge_and_history_note_are_shown_exactly(browser: Ledger) -> None:
    app = make_app(browser)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        await settle(pilot)
        await open_record(pilot, "pledge", "hostile-close")
        text = record_text(app)
        assert f"Closes {MARKUP_CLOSE} markup" in text
        assert MARKUP_ACTION in text  # the notes
        assert visible(HOSTILE_NOTE) in text  # the status change's note
        assert ("source", "hostile-source") in links(app)
        assert ("condition", "markup-condition") in links(app)
        assert ("actor", "XCJK") in links(app)
        assert CJK in text
        assert app.is_running
        await open_record(pilot, "pledge", "hostile-condition")
        text = record_text(app)
        assert MARKUP_CONDITION in text
        assert visible(RTL) in text


async def test_following_links_goes_deeper_and_escape_walks_back(browser: Ledger) -> None:
    app = make_app(browser)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        await open_record(pilot, "pledge", "fra-reassurance-force")
        # j moves from link to link; enter follows the focused one.
        for _ in range(20):
            await pilot.press("j")
            if getattr(app.focused, "identity", None) == ("condition", "us-backstop"):
                break
        assert app.focused.identity == ("condition", "us-backstop")  # type: ignore[union-attr]
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.record_type == "condition"  # type: ignore[attr-defined]
        # The trail in the top bar: the view, then each record on the way down.
        top = screen_text(app).splitlines()[0]
        assert top.split("   ", 1)[1].rstrip() == (
            "Pledges \u203a pledge fra-reassurance-force \u203a condition us-backstop"
        )
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.key == "fra-reassurance-force"  # type: ignore[attr-defined]
        assert app.focused.identity == ("condition", "us-backstop")  # type: ignore[union-attr]
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "PledgesView"


async def test_valid_markup_in_record_text_is_shown_as_it_is(browser: Ledger) -> None:
    """Markup that parses (an action, a style, a closing tag that closes) is text like any other:
    never run, never styled, never hidden. (An invalid tag such as a lone ``[/]`` would fail
    to parse and so would not show whether text is parsed.)"""
    from db import schemas

    action = "[@click=app.quit]x[/]"
    styled = "[b]bold[/b] [red on blue]red[/] [link=https://example.org]link[/link]"
    browser.create(schemas.Pledge(key="valid-markup", title=action, pledger="FRA", notes=styled))
    browser.create(schemas.Condition(key="valid-markup-condition", title=styled))
    browser.create(schemas.Actor(code="XMK", name=action, kind="other"))
    app = make_app(browser)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await open_record(pilot, "pledge", "valid-markup")
        text = record_text(app)
        assert action in text and styled in text
        assert action in screen_text(app)
        await open_record(pilot, "condition", "valid-markup-condition")
        assert styled in record_text(app)
        await open_record(pilot, "actor", "XMK")
        assert action in record_text(app)
        # The title line is drawn in one style: no part of it is bold, coloured or a link.
        title = app.screen.query_one(".record-title", Static)
        assert {span.style for span in title.visual.spans} <= {"bold"}
        await pilot.press("escape", "escape", "escape")
        await settle(pilot)
        assert app.is_running


async def test_condition_screen_groups_dependent_pledges(browser: Ledger) -> None:
    app = make_app(browser)
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        await open_record(pilot, "condition", "us-backstop")
        text = record_text(app)
        assert "Confirmation of U.S. support" in text
        assert "pending" in text and "USA  United States" in text
        hinges = text.split("Hinges on this condition alone")[1].split("Also held back")[0]
        others = text.split("Also held back by other conditions")[1].split("Unconditional now")[0]
        assert "usa-air-support" in hinges  # its only condition
        assert "fra-reassurance-force" in others and "deu-neighbouring-territory" in others
        assert "elysee-2025-09-02" in text  # its source
        assert ("actor", "USA") in links(app)
        await open_record(pilot, "condition", "markup-condition")
        text = record_text(app)
        assert MARKUP_CONDITION in text and MARKUP_ACTION in text


async def test_condition_screen_lists_closed_dependents_apart(browser: Ledger) -> None:
    browser.change_status("pledge", "usa-air-support", "withdrawn", note="retracted")
    app = make_app(browser)
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        await open_record(pilot, "condition", "us-backstop")
        text = record_text(app)
        assert "Dependent pledges (3)" in text
        hinges = text.split("Hinges on this condition alone")[1].split("Also held back")[0]
        closed = text.split("Closed: delivered, withdrawn, broken, superseded (1)")[1]
        assert "usa-air-support" not in hinges  # withdrawn: nothing holds it back any more
        assert "usa-air-support" in closed.split("Sources (")[0]


async def test_actor_screen_lists_pledges_by_status_members_and_speakers(browser: Ledger) -> None:
    app = make_app(browser)
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        await open_record(pilot, "actor", "GBR")
        text = record_text(app)
        assert "United Kingdom" in text and "UK, Britain" in text
        assert "gbr-troops" in text and "gbr-missiles" in text
        assert "Member of (1)" in text and ("actor", "COW") in links(app)
        assert "Responsible for conditions (1)" in text and "commons-vote" in text
        await open_record(pilot, "actor", "COW")
        text = record_text(app)
        assert "Coalition members (3)" in text
        assert {("actor", "FRA"), ("actor", "GBR"), ("actor", "DEU")} <= set(links(app))
        await open_record(pilot, "actor", "FRA")
        assert ("actor", "MACRON") in links(app)  # a speaker for France
        await open_record(pilot, "actor", "MACRON")
        assert "Speaks for" in record_text(app)
        await open_record(pilot, "actor", "XRTL")
        # The name was written raw with an escape sequence: shown exactly as stored, with the
        # escape and the direction marks made visible, never sent to the terminal.
        text = record_text(app)
        assert visible(RTL + " \x1b[2J") in text and "\x1b" not in text


async def test_source_screen_shows_what_cites_it(browser: Ledger) -> None:
    app = make_app(browser)
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        await open_record(pilot, "source", "hostile-source")
        text = record_text(app)
        assert MARKUP_CONDITION in text and MARKUP_CLOSE in text
        assert "https://example.org/[/]" in text
        # Written raw with escapes: shown as stored, the controls made visible.
        assert visible(ESCAPES) in text and "\x1b" not in text
        assert "usually reliable" in text
        assert "Evidence for (1 changes)" in text
        assert ("pledge", "hostile-close") in links(app)
        await open_record(pilot, "source", "elysee-2025-09-02")
        text = record_text(app)
        cited = text.split("Cited by")[1].split("Evidence for")[0]
        assert "fra-reassurance-force" in cited and "us-backstop" in cited


async def test_a_record_deleted_meanwhile_says_so(browser: Ledger) -> None:
    app = make_app(browser)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await open_record(pilot, "pledge", "no-such-pledge")
        assert "there is no pledge 'no-such-pledge'" in record_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "PledgesView"
