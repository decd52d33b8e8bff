"""Layout at 80x24 and at 200x50: columns sized from what they hold, cut so that what they show
stays distinguishable, and the width there is used."""

from __future__ import annotations

import re

import pytest
from textual.pilot import Pilot

from db import vocab
from db.ledger import Ledger
from tests.support.tui import make_app, pledge_table, screen_text, settle, wait_for
from tui import render
from tui.app import PledgesApp
from tui.screens.base import fit_trail
from tui.screens.pledges import PledgesView
from tui.screens.records import RecordScreen
from tui.widgets.record_parts import Hanging, Link

SIZES = [(80, 24), (200, 50)]
#: A sample pledge that hangs on a partially met condition (us-backstop).
HELD_BACK = "deu-forces-neighbouring-nato-2026-01"


async def _show_link(pilot: Pilot[None], record_type: str, key: str) -> None:
    """Scroll the record screen to its link to ``key`` (by focusing it, as j/k would)."""
    screen = pilot.app.screen
    assert isinstance(screen, RecordScreen)
    link = next(link for link in screen.query(Link) if link.identity == (record_type, key))
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


def _key_column(app: PledgesApp) -> list[str]:
    """The key cells of the rows the pledge table shows, as drawn."""
    table = pledge_table(app)
    assert table is not None
    width = table.layout_columns(table.scrollable_content_region.width)[0][1]
    lines = screen_text(app).splitlines()
    top = table.region.y + 1  # the header is the table's first line
    rows = lines[top : top + min(table.page_height, table.row_count - table.first_visible)]
    return [row[table.region.x : table.region.x + width].rstrip() for row in rows]


@pytest.mark.parametrize("size", SIZES)
async def test_every_pledge_key_the_table_shows_reads_differently(
    sample: Ledger, size: tuple[int, int]
) -> None:
    app = make_app(sample, poll_seconds=0)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        table = pledge_table(app)
        assert table is not None
        table.focus()
        shown: dict[str, str] = {}
        while True:
            for index, cell in enumerate(_key_column(app), table.first_visible):
                shown[cell] = sample_key = table.row_at(index).key  # type: ignore[union-attr]
                # A cut key keeps the start and the end of the key.
                head, _, tail = cell.partition("\u2026")
                assert sample_key.startswith(head) and sample_key.endswith(tail)
            if table.last_visible >= table.row_count - 1:
                break
            await pilot.press("pagedown")
            await settle(pilot)
        assert len(shown) == sample.count_pledges() == 41


@pytest.mark.parametrize("size", SIZES)
async def test_the_trail_shows_whole_keys_when_they_fit_and_cuts_them_in_the_middle(
    sample: Ledger, size: tuple[int, int]
) -> None:
    app = make_app(sample, poll_seconds=0)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.open_record("pledge", HELD_BACK)
        await settle(pilot)
        app.open_record("condition", "us-backstop")
        await settle(pilot)
        top = screen_text(app).splitlines()[0].rstrip()
        assert len(top) <= size[0]
        assert top.endswith("condition us-backstop")
        if size[0] >= 200:
            assert f"Pledges \u203a pledge {HELD_BACK} \u203a condition us-backstop" in top
        else:
            # The older key is cut in the middle, keeping its start and its date (the view's
            # name gives way first: its number is lit).
            assert "pledge deu-for" in top and "-2026-01 \u203a condition" in top


def test_the_trail_gives_way_from_its_oldest_step() -> None:
    crumbs = [
        ("Pledges", ""),
        ("pledge", HELD_BACK),
        ("condition", "us-backstop"),
        ("pledge", "deu-no-troop-commitment-2025-09"),
    ]
    assert fit_trail(crumbs, 200) == " \u203a ".join(
        ["Pledges", f"pledge {HELD_BACK}", "condition us-backstop", "pledge " + crumbs[3][1]]
    )
    for room in (30, 50, 70, 100):
        trail = fit_trail(crumbs, room)
        assert len(trail) <= room
        # The newest step is always there, its key cut in the middle if need be.
        assert trail.endswith("-2025-09") and "pledge deu-no-" in trail
    assert fit_trail(crumbs, 70) == (
        "\u2026 \u203a condition us-backstop \u203a pledge deu-no-troop-commitment-2025-09"
    )
    assert fit_trail(crumbs, 100).startswith("Pledges \u203a pledge deu-forces-\u2026")


@pytest.mark.parametrize("size", SIZES)
async def test_facet_labels_take_the_width_of_the_sidebar_and_keep_their_counts(
    sample: Ledger, size: tuple[int, int]
) -> None:
    app = make_app(sample, poll_seconds=0)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PledgesView)
        if not screen.facet_list.display:
            await pilot.press("f")
        await wait_for(pilot, lambda: screen._facets_for == screen.table.filter_query)
        await settle(pilot)
        lines = screen_text(app).splitlines()
        coalition = next(line for line in lines if "\u25a1 COW " in line)
        facets = screen.facet_list.region
        label = coalition[facets.x : facets.right].rstrip(" \u258f\u2595")
        assert label.endswith(" 12")
        if size[0] >= 200:
            assert "COW Coalition of the Willing 12" in label
        else:
            # Cut to the sidebar's width, not to a fixed 20 cells.
            assert len(label) >= facets.width - 3


async def test_wrapped_lines_of_a_record_hang_under_the_text_they_continue(
    sample: Ledger,
) -> None:
    """At 80 columns a condition's long title and a history entry's long change wrap, and the
    wrapped lines start under the text they continue (the key, the value), not at the margin:
    the status and label columns stay clear."""
    app = make_app(sample, poll_seconds=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_record("pledge", HELD_BACK)
        await settle(pilot)
        await _show_link(pilot, "condition", "us-backstop")
        lines = screen_text(app).splitlines()
        first = next(i for i, line in enumerate(lines) if re.search(r"partially_met +us-", line))
        key_column = lines[first].index("us-backstop")
        # The title goes on on the next line, under the key.
        follow = lines[first + 1]
        assert follow[:key_column].strip() == ""
        assert follow[key_column] != " "

        screen = app.screen
        assert isinstance(screen, RecordScreen)
        # The timeline's first change of a title too long for one line: the US backstop's.
        row = next(
            h
            for h in screen.query(Hanging)
            if "title: " in str(h.lead) and "Confirmed US backstop" in str(h.body)
        )
        row.scroll_visible(animate=False, top=True)
        await settle(pilot)
        lines = screen_text(app).splitlines()
        title = next(
            i for i, line in enumerate(lines) if "title: (none) -> Confirmed US backstop" in line
        )
        value_column = lines[title].index("(none)")
        follow = lines[title + 1]
        assert follow[:value_column].strip() == ""
        assert follow[value_column] != " "


def _record_column(app: PledgesApp) -> list[str]:
    """The Record cells of the rows the History view shows, as drawn."""
    from tui.widgets.list_table import ListTable

    table = app.screen.query_one(ListTable)
    width = table.scrollable_content_region.width
    offset = 0
    for column, column_width in table.layout_columns(width):
        if column.name == "record":
            break
        offset += column_width + 1
    else:
        raise AssertionError("the History view shows no Record column")
    lines = screen_text(app).splitlines()
    top = table.region.y + 1
    rows = lines[top : top + min(table.page_height, len(table.shown))]
    start = table.region.x + offset
    return [row[start : start + column_width].rstrip() for row in rows]


@pytest.mark.parametrize("size", SIZES)
async def test_the_history_record_column_shows_whole_keys_wide_and_distinct_ones_narrow(
    sample: Ledger, size: tuple[int, int]
) -> None:
    app = make_app(sample, poll_seconds=0)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        from tui.widgets.list_table import ListTable

        table = app.screen.query_one(ListTable)
        cells = _record_column(app)
        records = [f"{t} {k}" for t, k in (row.target for row in table.shown[: len(cells)])]
        assert len(cells) >= 10 and any(len(r) > 40 for r in records)
        if size[0] >= 200:
            # At 200 columns every key the sample holds is shown whole.
            assert cells == records
        else:
            # At 80 a long key is cut in the middle, keeping its start and its date, and two
            # records never read the same.
            for cell, record in zip(cells, records, strict=True):
                head, _, tail = cell.partition("\u2026")
                assert record.startswith(head) and record.endswith(tail)
            assert len(set(cells)) == len(set(records))
