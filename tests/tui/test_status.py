"""Status changes with evidence, the impact of resolving a condition (on the sample ledger), and
jumping to exactly the pledges it changed."""

from __future__ import annotations

from textual.widgets import OptionList, Static

from db.dates import today
from db.ledger import Ledger
from tests.support.form_helpers import field, fill, notifications, until_screen
from tests.support.tui import make_app, pledge_table, settle, wait_for
from tui.editing.dialogs import MessageDialog
from tui.editing.impact import ImpactDone, ImpactPanel, shortened
from tui.editing.status import StatusDialog
from tui.screens.pledges import PledgesView
from tui.screens.records import RecordScreen


def dialog_text(app) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(str(w.visual) for w in app.screen.query(Static))


async def choose(pilot, status: str) -> None:  # type: ignore[no-untyped-def]
    options = pilot.app.screen.query_one(OptionList)
    options.highlighted = options.get_option_index(status)
    await pilot.pause()


async def test_a_status_change_needs_evidence_and_says_so_before_saving(browser: Ledger) -> None:
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        app.open_record("pledge", "gbr-troops")
        await until_screen(pilot, RecordScreen)
        await pilot.press("s")
        await until_screen(pilot, StatusDialog)
        text = dialog_text(app)
        assert "A status change needs evidence: a note, a source, or both" in text
        assert "now committed" in text
        # Every status with its definition, the current one marked.
        options = app.screen.query_one(OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any("committed" in p and "formally agreed" in p and "(now)" in p for p in prompts)
        assert field(app, "effective").text == today()
        # What ctrl+s would save is spelled out as the highlight moves.
        await choose(pilot, "committed")
        assert "the current status: choose another one" in dialog_text(app)
        await choose(pilot, "in_progress")
        assert "ctrl+s saves: committed \u2192 in_progress" in dialog_text(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, StatusDialog)
        assert field(app, "note").problems == [
            "a status change needs evidence: give a note or a source (or both)"
        ]
        assert browser.pledge("gbr-troops").pledge.status == "committed"
        # A source typed that does not exist is named, with the nearest one.
        await fill(pilot, "source", "paris-declaratoin")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert (
            field(app, "source")
            .problems[0]
            .startswith("there is no source 'paris-declaratoin'; did you mean paris-declaration?")
        )
        await fill(pilot, "source", "paris-declaration")
        await fill(pilot, "effective", "2026-01")
        await pilot.press("ctrl+s")
        await until_screen(pilot, RecordScreen)
        assert any("gbr-troops is now in_progress from 2026-01" in n for n in notifications(app))
        detail = browser.pledge("gbr-troops")
        assert detail.pledge.status == "in_progress" and detail.status_since == "2026-01"
        assert detail.history[-1].source == "paris-declaration"
        await wait_for(pilot, lambda: "in_progress" in dialog_text(app))


async def test_a_backdated_change_is_refused_with_the_dialog_kept(browser: Ledger) -> None:
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        app.open_record("pledge", "fra-reassurance-force")
        await until_screen(pilot, RecordScreen)
        await pilot.press("s")
        await until_screen(pilot, StatusDialog)
        await choose(pilot, "in_progress")
        await fill(pilot, "effective", "2025-06")  # before the current status (2025-09-04)
        await fill(pilot, "note", "backdated by mistake")
        await pilot.press("ctrl+s")
        await until_screen(pilot, MessageDialog)
        assert "dates from 2025-09-04" in dialog_text(app)
        await pilot.press("escape")
        await until_screen(pilot, StatusDialog)
        assert field(app, "note").text == "backdated by mistake"
        assert field(app, "effective").problems
        assert browser.pledge("fra-reassurance-force").pledge.status == "committed"


async def test_resolving_a_condition_shows_its_impact_first_then_lists_those_pledges(
    sample: Ledger,
) -> None:
    # With the participants' national procedures done, the sample's ceasefire alone holds back
    # many pledges: the Paris Declaration's, the French personnel, the US monitoring.
    sample.change_status("condition", "national-legal-procedures", "met", note="ratified")
    expected = sample.what_if("ceasefire", "met")
    unconditional = {b.key for b in expected.becomes_unconditional}
    assert len(unconditional) >= 5
    app = make_app(sample, poll_seconds=0)
    async with app.run_test(size=(120, 50), notifications=True) as pilot:
        await settle(pilot)
        app.open_record("condition", "ceasefire")
        await until_screen(pilot, RecordScreen)
        await pilot.press("s")
        await until_screen(pilot, StatusDialog)
        await choose(pilot, "met")
        panel = app.screen.query_one(ImpactPanel)
        await wait_for(pilot, lambda: panel.impact is not None)
        shown = str(panel.visual)
        assert f"{len(unconditional)} pledges become unconditional" in shown
        assert "0 pledges become blocked" in shown
        for key in unconditional:
            assert key in shown
        for brief in expected.unchanged:
            assert f"  {brief.key}  " not in shown  # counted, not listed as changing
        # Nothing is written before the analyst saves.
        assert sample.condition("ceasefire").condition.status == "pending"
        await fill(pilot, "note", "ceasefire signed")
        await pilot.press("ctrl+s")
        await until_screen(pilot, ImpactDone)
        assert sample.condition("ceasefire").condition.status == "met"
        # Said by the dialog's title; the toast waits until it is closed (not to cover it).
        assert not notifications(app)
        await pilot.press("enter")
        await until_screen(pilot, PledgesView)
        assert any("ceasefire is now met" in n for n in notifications(app))
        table = pledge_table(app)
        assert table.filter_query.source.startswith("key:")
        listed = {table.row_at(i).key for i in range(table.row_count)}
        assert listed == unconditional


async def test_failing_a_condition_lists_the_pledges_it_blocks(sample: Ledger) -> None:
    expected = sample.what_if("us-backstop", "failed")
    blocked = {b.key for b in expected.becomes_blocked}
    assert blocked
    app = make_app(sample, poll_seconds=0)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        app.screen.select("condition", "us-backstop")
        await pilot.press("s")
        await until_screen(pilot, StatusDialog)
        await choose(pilot, "failed")
        panel = app.screen.query_one(ImpactPanel)
        await wait_for(pilot, lambda: panel.impact is not None)
        verb = "becomes" if len(blocked) == 1 else "become"
        assert f"{len(blocked)} pledge" in str(panel.visual) and f"{verb} blocked" in str(
            panel.visual
        )
        for key in blocked:
            assert key in str(panel.visual)


async def test_resolving_from_the_condition_form_previews_the_impact_too(sample: Ledger) -> None:
    from tui.editing.form import RecordForm
    from tui.editing.impact import ImpactPreview

    app = make_app(sample, poll_seconds=0)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        app.open_record("condition", "ceasefire")
        await until_screen(pilot, RecordScreen)
        await pilot.press("e")
        await until_screen(pilot, RecordForm)
        await fill(pilot, "status", "waived")
        await pilot.press("ctrl+s")
        await pilot.pause()
        # Evidence first: the status changed, and neither a note nor a source was given.
        assert field(app, "note").problems
        await fill(pilot, "note", "no longer asked for")
        await pilot.press("ctrl+s")
        await until_screen(pilot, ImpactPreview)
        panel = app.screen.query_one(ImpactPanel)
        await wait_for(pilot, lambda: panel.impact is not None)
        assert "become unconditional" in str(panel.visual)
        assert sample.condition("ceasefire").condition.status == "pending"
        await pilot.press("ctrl+s")
        await until_screen(pilot, ImpactDone)
        assert sample.condition("ceasefire").condition.status == "waived"


def test_a_long_jump_filter_is_cut_after_a_whole_key() -> None:
    keys = ",".join(f"pledge-number-{i:03d}" for i in range(10))
    short = shortened(f"key:{keys}")
    assert len(short) <= 60 and short.endswith(",\u2026")
    assert short[:-2].split(",")[-1].startswith("pledge-number-")
    assert len(short[:-2].split(",")[-1]) == len("pledge-number-000")
    assert shortened("key:a,b") == "key:a,b"
    assert shortened("x" * 80) == "x" * 59 + "\u2026"


async def test_the_impact_leaves_closed_pledges_apart_and_uncounted(sample: Ledger) -> None:
    # Two of the pledges that hang on us-backstop are superseded: resolving the condition
    # frees neither of them, and the preview says so apart from the counts. Germany's open
    # offer is freed once its other conditions are met.
    for condition in ("ceasefire", "deu-bundestag-decision"):
        sample.change_status("condition", condition, "met", note="done")
    closed = {b.key for b in sample.what_if("us-backstop", "met").closed}
    assert closed == {
        "cow-reassurance-force-2025-03",
        "deu-no-troop-commitment-2025-09",
    }
    app = make_app(sample, poll_seconds=0)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        app.open_record("condition", "us-backstop")
        await until_screen(pilot, RecordScreen)
        await pilot.press("s")
        await until_screen(pilot, StatusDialog)
        await choose(pilot, "met")
        panel = app.screen.query_one(ImpactPanel)
        await wait_for(pilot, lambda: panel.impact is not None)
        shown = str(panel.visual)
        assert "1 pledge becomes unconditional" in shown
        assert "2 closed pledges depending on it" in shown and "are not counted" in shown
        for key in closed:
            assert key not in shown


async def test_a_closed_pledge_s_conditions_are_dimmed_in_the_table(sample: Ledger) -> None:
    from tui.render import MUTED

    app = make_app(sample, poll_seconds=0)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"condition:us-backstop")
        await settle(pilot)
        table = pledge_table(app)
        assert table is not None
        cells = {}
        for index in range(table.row_count):
            row = table.row_at(index)
            cells[row.key] = table.row_cells(index)[5]
        # Pending conditions: a warning on an open pledge, dimmed on a superseded one.
        assert cells["deu-forces-neighbouring-nato-2026-01"] == ("3 pending", "$text-warning")
        assert cells["deu-no-troop-commitment-2025-09"] == ("1 pending", MUTED)
