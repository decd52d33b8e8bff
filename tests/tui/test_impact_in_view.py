"""The impact of resolving a condition is in view while the status is chosen: at 80x24 as at
200x50, with the list of statuses still on screen."""

from __future__ import annotations

import pytest
from textual.widgets import OptionList

from db import vocab
from db.ledger import Ledger
from tests.support.form_helpers import until_screen
from tests.support.tui import make_app, screen_text, settle, wait_for
from tui.editing.impact import ImpactPanel
from tui.editing.status import StatusDialog
from tui.screens.records import RecordScreen

SIZES = [(80, 24), (200, 50)]


async def _choose(pilot, condition: str, status: str) -> ImpactPanel:  # type: ignore[no-untyped-def]
    app = pilot.app
    app.open_record("condition", condition)
    await until_screen(pilot, RecordScreen)
    await pilot.press("s")
    await until_screen(pilot, StatusDialog)
    options = app.screen.query_one(OptionList)
    options.highlighted = options.get_option_index(status)
    panel = app.screen.query_one(ImpactPanel)
    await wait_for(pilot, lambda: panel.impact is not None and panel.impact.proposed == status)
    await settle(pilot)
    return panel


@pytest.mark.parametrize("size", SIZES)
async def test_the_pledges_a_failed_condition_blocks_are_in_view_with_the_statuses(
    sample: Ledger, size: tuple[int, int]
) -> None:
    # The Paris Declaration's five pledges hang on the participants' national procedures.
    blocked = [b.key for b in sample.what_if("national-legal-procedures", "failed").becomes_blocked]
    assert len(blocked) >= 4
    app = make_app(sample, poll_seconds=0)
    async with app.run_test(size=size) as pilot:
        await _choose(pilot, "national-legal-procedures", "failed")
        shown = screen_text(app)
        assert f"{len(blocked)} pledges become blocked" in shown
        for key in blocked:
            assert key in shown
        for word in vocab.CONDITION_STATUSES:
            assert f" {word} " in shown
        assert "ctrl+s saves: pending \u2192 failed" in shown


@pytest.mark.parametrize("size", SIZES)
async def test_what_changes_comes_before_what_does_not(
    sample: Ledger, size: tuple[int, int]
) -> None:
    impact = sample.what_if("ceasefire", "met")
    assert impact.becomes_unconditional and not impact.becomes_blocked
    app = make_app(sample, poll_seconds=0)
    async with app.run_test(size=size) as pilot:
        panel = await _choose(pilot, "ceasefire", "met")
        text = str(panel.visual)
        first = text.splitlines()[0]
        assert first == f"{len(impact.becomes_unconditional)} pledges become unconditional"
        assert text.index("become unconditional") < text.index("0 pledges become blocked")
        # The heading of the first group and its first pledges are on screen.
        shown = screen_text(app)
        assert first in shown
        assert impact.becomes_unconditional[0].key in shown
