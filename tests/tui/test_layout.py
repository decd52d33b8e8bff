"""Layout at 80x24 and at 200x50: columns sized from what they hold, cut so that what they show
stays distinguishable, and the width there is used."""

from __future__ import annotations

import re

import pytest
from conftest import make_app, screen_text, settle
from textual.pilot import Pilot

from db import vocab
from db.ledger import Ledger
from tui import render
from tui.screens.records import RecordScreen
from tui.widgets.record_parts import RecordLink

SIZES = [(80, 24), (200, 50)]
#: A sample pledge that hangs on a partially met condition (us-backstop).
HELD_BACK = "cow-guarantees-pending-us-support-2025-09"


async def _show_link(pilot: Pilot[None], record_type: str, key: str) -> None:
    """Scroll the record screen to its link to ``key`` (by focusing it, as j/k would)."""
    screen = pilot.app.screen
    assert isinstance(screen, RecordScreen)
    link = next(link for link in screen.query(RecordLink) if link.identity == (record_type, key))
    link.focus()
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES)
async def test_the_longest_status_word_never_touches_the_key_beside_it(
    sample: Ledger, size: tuple[int, int]
) -> None:
    assert sample.condition("us-backstop").condition.status == "partially_met"
    app = make_app(sample, poll_seconds=0)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.open_record("pledge", HELD_BACK)
        await settle(pilot)
        await _show_link(pilot, "condition", "us-backstop")
        text = screen_text(app)
        assert "partially_metus-backstop" not in text
        assert re.search(r"partially_met {2,}us-backstop", text)
        # And the keys of the other statuses start in the same column.
        lines = text.splitlines()
        held = next(line for line in lines if re.search(r"partially_met +us-backstop", line))
        pending = next(line for line in lines if re.search(r"pending +ceasefire", line))
        assert held.index("us-backstop") == pending.index("ceasefire")


def test_status_columns_are_as_wide_as_the_longest_word_and_a_gap() -> None:
    words = [*vocab.PLEDGE_STATUSES, *vocab.CONDITION_STATUSES]
    width = render.status_width()
    assert width == max(len(word) for word in words) == len("partially_met")
    assert render.status_width("pledge") == max(len(word) for word in vocab.PLEDGE_STATUSES)
    for word in words:
        cell = render.status_cell(word, width)
        assert cell.startswith(word) and cell.endswith("  ") and len(cell) == width + 2
    # A word a foreign tool stored, longer than any the vocabulary has, keeps its gap.
    assert render.status_cell("reconsidered_by_parliament", width).endswith("t  ")
