"""A source's full Admiralty code in the UI: the form takes ``B2`` or the two grades apart, the
record screen, the sources list and a pledge's sources show both grades."""

from __future__ import annotations

from db import schemas
from db.ledger import Ledger
from tests.support.form_helpers import field, fill, left_with, open_form, until_screen
from tests.support.tui import make_app, open_record, record_text, screen_text, settle
from tui.screens.lists import RecordsView


async def test_the_form_takes_the_full_code_and_saves_both_grades(browser: Ledger) -> None:
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await open_form(pilot, "n")
        assert field(app, "credibility").spec.label == "Credibility"
        await fill(pilot, "key", "kyiv-independent")
        await fill(pilot, "title", "Kyiv Independent")
        assert await left_with(pilot, "reliability", "B2") == []
        # A credibility that contradicts the code is named on its field.
        problems = await left_with(pilot, "credibility", "3")
        assert problems == ["'3' but reliability B2 gives 2; give the credibility once"]
        await fill(pilot, "credibility", "")
        await pilot.press("ctrl+s")
        await until_screen(pilot, RecordsView)
        source = browser.source("kyiv-independent").source
        assert (source.reliability, source.credibility) == ("B", "2")
        # Edited again, the form shows the two grades apart.
        app.screen.select("source", "kyiv-independent")  # type: ignore[attr-defined]
        await open_form(pilot, "e")
        assert (field(app, "reliability").text, field(app, "credibility").text) == ("B", "2")


async def test_a_credibility_alone_is_refused_in_the_form(browser: Ledger) -> None:
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await open_form(pilot, "n")
        await fill(pilot, "key", "unrated")
        await fill(pilot, "title", "Unrated")
        problems = await left_with(pilot, "credibility", "2")
        assert problems == [
            "a credibility needs the source's reliability too (F if it cannot be judged)"
        ]


async def test_the_record_the_list_and_a_pledges_sources_show_both_grades(
    browser: Ledger,
) -> None:
    source = browser.source("elysee-2025-09-02")
    browser.update(
        source.source.model_copy(update={"reliability": "B", "credibility": "2"}).validated(),
        version=source.version,
    )
    browser.create(schemas.Source(key="letter-only", title="Letter only", reliability="C"))
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        await open_record(pilot, "source", "elysee-2025-09-02")
        text = record_text(app)
        assert "B  usually reliable" in text and "2  probably true" in text
        await open_record(pilot, "source", "letter-only")
        text = record_text(app)
        assert "C  fairly reliable" in text
        assert "Credibility" in text.split("C  fairly reliable")[1].split("Recorded")[0]
        await open_record(pilot, "pledge", "fra-reassurance-force")
        assert "graded B2 (usually reliable; probably true)" in record_text(app)
        await pilot.press("4")
        await settle(pilot)
        view = app.screen
        assert isinstance(view, RecordsView)
        rows = {row.key: row for row in view.table.shown}
        assert rows["elysee-2025-09-02"].cells[4][0] == "B2"
        assert rows["letter-only"].cells[4][0] == "C"
        assert "B2" in screen_text(app)


async def test_help_gives_both_scales(browser: Ledger) -> None:
    from textual.widgets import Static

    from db import vocab
    from tui.screens.help import HelpScreen

    app = make_app(browser)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(str(w.visual) for w in app.screen.query(Static))
        assert "Information credibility (the digit of B2)" in text
        for words in (vocab.RELIABILITY_CODES, vocab.CREDIBILITY_CODES):
            for code, meaning in words.items():
                assert meaning in text, code
