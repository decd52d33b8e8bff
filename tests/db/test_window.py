"""What one repaint of the pledge table shows is read in one transaction: a colleague's write
that lands in the middle of the reading cannot mix into it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from db import schemas
from db.api_types import Sort
from db.ledger import Ledger
from db.window import PAGE_SIZE


@pytest.fixture
def colleague(small: Ledger, ledger_path: Path) -> Iterator[Ledger]:
    """Another connection to the same ledger, as a colleague's terminal would have."""
    other = Ledger.open(ledger_path, author="colleague", create=False)
    yield other
    other.close()


@contextmanager
def written_after_first_read(ledger: Ledger, write: Callable[[], object]) -> Iterator[None]:
    """Run ``write`` (on another connection) once, right after the first statement ``ledger``
    reads with: by then its read transaction holds a snapshot (a deferred ``BEGIN`` takes
    none)."""
    done = False

    def after(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        nonlocal done
        if not done and not statement.startswith("BEGIN"):
            done = True
            write()

    event.listen(ledger._reader, "after_cursor_execute", after)
    try:
        yield
    finally:
        event.remove(ledger._reader, "after_cursor_execute", after)
    assert done


def new_pledge(key: str, status: str = "announced") -> schemas.Pledge:
    return schemas.Pledge(key=key, title="Written meanwhile", pledger="FRA", status=status)


def keys(rows: Any) -> list[str]:
    return [row.key for row in rows]


def test_a_window_and_its_count_are_read_from_one_snapshot(
    small: Ledger, colleague: Ledger
) -> None:
    before = small.pledge_window(count=True, height=10)
    with written_after_first_read(small, lambda: colleague.create(new_pledge("aaa-meanwhile"))):
        window = small.pledge_window(count=True, height=10)
    assert window.total == before.total == 5
    assert keys(window.pages[0]) == keys(before.pages[0])
    assert window.revision == before.revision
    after = small.pledge_window(count=True, height=10)
    assert after.total == 6 and keys(after.pages[0])[0] == "aaa-meanwhile"
    assert after.revision != before.revision


def test_the_rows_around_a_pledge_are_read_from_one_snapshot(
    small: Ledger, colleague: Ledger
) -> None:
    # "gbr-missiles" sorts just before "gbr-troops": written meanwhile, it would be above it.
    with written_after_first_read(small, lambda: colleague.create(new_pledge("gbr-missiles-2"))):
        around = small.pledges_around(None, Sort(), "gbr-troops", above=2, below=2)
    assert around is not None
    assert keys(around.rows) == [
        "fra-reassurance-force",
        "gbr-missiles",
        "gbr-troops",
        "usa-air-support",
    ]
    later = small.pledges_around(None, Sort(), "gbr-troops", above=1, below=0)
    assert later is not None and keys(later.above) == ["gbr-missiles-2"]


def test_pages_read_together_are_read_from_one_snapshot(small: Ledger, colleague: Ledger) -> None:
    small.save_records(
        [new_pledge(f"p-{i:03d}") for i in range(2 * PAGE_SIZE)], label="two pages more"
    )
    first = small.pledge_page(None, Sort(), limit=PAGE_SIZE).rows
    # Sorts between the first page's last row and the next page's first: page 1 would start
    # with it if it were read after the write.
    wedge = first[-1].key + "-meanwhile"
    with written_after_first_read(small, lambda: colleague.create(new_pledge(wedge))):
        pages = small.pledge_pages(None, Sort(), [0, 1], {}, None)
    assert keys(pages[0]) == keys(first)
    assert wedge not in keys(pages[1])
    assert keys(small.pledge_pages(None, Sort(), [1], {0: first}, None)[1])[0] == wedge


def test_a_count_and_the_ledger_total_are_read_from_one_snapshot(
    small: Ledger, colleague: Ledger
) -> None:
    matching = small.count_pledges("status:committed")
    everything = small.count_pledges()
    add = lambda: colleague.create(new_pledge("aaa-meanwhile", "committed"))  # noqa: E731
    with written_after_first_read(small, add):
        assert small.pledge_counts("status:committed") == (matching, everything)
    assert small.pledge_counts("status:committed") == (matching + 1, everything + 1)


def test_a_window_puts_the_cursor_on_its_pledge_where_the_listing_holds_it(small: Ledger) -> None:
    sort = Sort("title")
    position = small.pledge_position("usa-air-support", None, sort)
    assert position is not None
    window = small.pledge_window(None, sort, anchor="usa-air-support", screen_row=1, height=3)
    assert (window.position, window.cursor, window.screen_row) == (position, position, 1)
    assert window.pages[0][position].key == "usa-air-support"
    assert window.total is None  # not asked for


def test_a_window_without_its_pledge_keeps_the_cursor_where_it_was(small: Ledger) -> None:
    window = small.pledge_window(
        "pledger:GBR", Sort(), anchor="usa-air-support", cursor=1, height=3, count=True
    )
    assert window.position is None and window.cursor == 1 and window.total == 2
    assert keys(window.pages[0]) == ["gbr-missiles", "gbr-troops"]
    # Past the end of the listing, the cursor stays on its last row.
    assert small.pledge_window("pledger:GBR", cursor=40, count=True).cursor == 1
