"""The command palette's record search: a linear matcher on bounded text, titles cut, and a
ledger search that cannot hold the palette up.

The work is counted, not timed: :func:`steps` counts the Python steps a call takes and stops it
past a limit, so that a matcher that tries every way the letters could match (Textual's own
takes minutes on one long title) fails here instead of hanging the suite.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Any

import pytest
from rich.cells import cell_len
from textual.command import CommandInput, CommandList, CommandPalette
from textual.fuzzy import FuzzySearch

from db.ledger import Ledger
from tests.support.tui import make_app, screen_text, settle, wait_for
from tui import commands
from tui.commands import Candidate, match, rank
from tui.screens.pledges import PledgesView

PATHOLOGICAL = "a" * 10_000
QUERY = "a" * 24 + "b"
NO_DEADLINE = float("inf")


class TooMuchWork(Exception):
    pass


def steps(function: Callable[..., Any], *args: Any, limit: int = 20_000) -> tuple[int, Any]:
    """How many Python steps (calls and lines) ``function(*args)`` takes, and its result;
    :class:`TooMuchWork` past ``limit``."""
    count = 0

    def tracer(frame: Any, event: str, arg: Any) -> Any:
        nonlocal count
        count += 1
        if count > limit:
            raise TooMuchWork(f"more than {limit:,} steps")
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        result = function(*args)
    finally:
        sys.settrace(previous)
    return count, result


def test_the_step_count_catches_a_matcher_that_tries_every_way() -> None:
    with pytest.raises(TooMuchWork):
        steps(FuzzySearch().match, "aaaab", "a" * 200 + "-b")


def test_a_pathological_title_is_matched_in_a_few_steps() -> None:
    counted, (score, offsets) = steps(match, QUERY, PATHOLOGICAL)
    assert (score, offsets) == (0.0, [])
    assert counted < 500
    near_miss = PATHOLOGICAL + "b"
    counted, (score, offsets) = steps(match, QUERY, near_miss)
    assert score > 0 and len(offsets) == len(QUERY) and counted < 500
    # Words in order: a few steps per letter of the query, and one per word of the title (the
    # score counts the matches that start a word).
    title = ("paris declaration of support " * 400)[:10_000]
    counted, (score, _) = steps(match, "paris declaration support", title)
    assert score > 0 and counted < 500 + len(title.split())


def test_ranking_a_ledger_of_hostile_records_takes_steps_in_proportion_to_their_number() -> None:
    records = [Candidate("source", f"s{i}", PATHOLOGICAL) for i in range(50)]
    _, found = steps(rank, QUERY, records, NO_DEADLINE, limit=50 * 400)
    assert found == []


def test_matches_rank_the_whole_query_then_words_then_letters() -> None:
    whole = match("backstop", "us-backstop")[0]
    words = match("paris support", "Paris Declaration on support")[0]
    letters = match("usb", "us-backstop")[0]
    assert whole > letters > 0 and words > 0
    assert match("us-backstop", "us-backstop")[0] > whole
    assert match("usb", "us-backstop")[1] == [0, 1, 3]
    assert match("zzz", "us-backstop") == (0.0, [])
    assert match("", "anything") == (0.0, [])
    assert match("   ", "any thing") == (0.0, [])


def test_only_the_start_of_a_title_and_of_a_query_is_matched(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    far = Candidate("condition", "far", "x" * commands.TITLE_CHARS + " needle")
    near = Candidate("condition", "near", "needle " + "x" * 10_000)
    found = rank("needle", [far, near], NO_DEADLINE)
    assert [candidate.key for candidate, _, _ in found] == ["near"]
    seen: list[tuple[int, int]] = []

    def spy(query: str, candidate: str) -> tuple[float, list[int]]:
        seen.append((len(query), len(candidate)))
        return match(query, candidate)

    monkeypatch.setattr(commands, "match", spy)
    rank("n" * 10_000, [near, far], NO_DEADLINE)
    assert seen and max(q for q, _ in seen) <= commands.QUERY_CHARS
    assert max(c for _, c in seen) <= max(commands.TITLE_CHARS, commands.KEY_CHARS)


def test_ranking_stops_at_its_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    records = [Candidate("actor", f"A{i}", "Actor") for i in range(10 * commands.CHECK_EVERY)]
    matched: list[str] = []

    def counting(query: str, candidate: str) -> tuple[float, list[int]]:
        matched.append(candidate)
        return match(query, candidate)

    monkeypatch.setattr(commands, "match", counting)
    assert len(rank("actor", records, NO_DEADLINE)) == commands.RECORD_HITS
    assert len(matched) == 2 * len(records)  # each key and title
    matched.clear()
    rank("actor", records, deadline=0.0)  # long past: the first look at the clock stops it
    assert len(matched) == 2 * (commands.CHECK_EVERY - 1)


def palette_lines(app: Any) -> list[str]:
    options = app.screen.query_one(CommandList)
    lines: list[str] = []
    for index in range(options.option_count):
        lines += str(options.get_option_at_index(index).prompt).split("\n")
    return lines


async def test_palette_titles_are_cut_to_a_line(browser: Ledger) -> None:
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"hostile-lo")
        await wait_for(pilot, lambda: "pledge hostile-long" in screen_text(app))
        await pilot.pause(0.3)
        lines = palette_lines(app)
        title = next(line for line in lines if line.startswith("Ten kilobytes"))
        assert title.endswith("\u2026") and cell_len(title) == commands.HELP_CELLS
        assert max(cell_len(line) for line in lines) <= commands.HELP_CELLS


async def test_a_slow_ledger_search_does_not_hold_the_palette(
    browser: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The full-text search of pledges hangs: the palette answers with what it has and offers
    the filtered Pledges view; what is typed meanwhile does not pile up more searches."""
    release = threading.Event()
    searched: list[str] = []
    search_pledges = commands.pledges_by_text

    def stuck(app: Any, text: str) -> list[Candidate]:
        searched.append(text)
        release.wait(30)
        return search_pledges(app, text)

    monkeypatch.setattr(commands, "pledges_by_text", stuck)
    monkeypatch.setattr(commands, "SEARCH_SECONDS", 0.05)
    app = make_app(browser, poll_seconds=0)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+p")
            await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
            await pilot.press(*"backstop")
            await wait_for(pilot, lambda: "filter pledges: backstop" in screen_text(app))
            shown = screen_text(app)
            assert "condition us-backstop" in shown  # matched in memory, not held up
            assert "did not answer in time" in shown
            # The first search is still stuck: of everything typed since, only the latest
            # query is waiting, and none has run.
            assert searched == ["ba"]
            release.set()
            await wait_for(pilot, lambda: len(searched) == 2)
            assert searched == ["ba", "backstop"]
            app.screen.query_one(CommandInput).value = ""
            await pilot.press(*"missiles")
            await wait_for(pilot, lambda: "pledge gbr-missiles" in screen_text(app))
            await wait_for(pilot, lambda: "filter pledges: missiles" in screen_text(app))
            await pilot.pause(0.3)
            last = app.screen.query_one(CommandList)
            last.highlighted = last.option_count - 1
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, PledgesView)
            assert app.screen.filter_line.text == "missiles"
    finally:
        release.set()
