"""The pledge table: a window onto a sorted, filtered list that may hold a million pledges.

The table asks the ledger only for the rows in and near view, a page of :data:`PAGE_SIZE` rows
at a time, and keeps the pages it has in an LRU cache keyed by page index (see
:mod:`db.window` for how a page is read). Rows not yet read are drawn as placeholders. Each
repaint's rows come from one ledger call, so from one snapshot of the ledger.

A re-sort or a refresh keeps the cursor on its pledge: the rows around that pledge are read by
keyset and painted at once (a *window*), then its position in the whole list is counted and the
pages around it replace the window. A new filter starts at the top.

Threading: every ledger call runs in a thread worker that gets what it needs as arguments,
never touches a widget, and posts its result as a message; the handlers, on the event loop,
own all state. Each listing (a query and a sort) has a generation number, and results of an
older generation are dropped, so a slow answer can never overwrite a newer one. While a new
listing loads, the old rows stay on screen: filtering never flashes an empty table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from textual import on, work
from textual.cache import LRUCache
from textual.message import Message
from textual.worker import Worker, get_current_worker

from db.api_types import PledgeRow, Sort
from db.ledger import Ledger
from db.query import Query
from db.window import PAGE_SIZE

from .. import render
from ..reporting import ReportsErrors
from .line_table import Cell, Column, LineTable

#: After a status read as of a past date whose own date is known less precisely than that date
#: (set in 2025-09, read as of 2025-09-10): it may have come after the date read.
COARSE = "~"
CACHE_PAGES = 60
#: Pages read beyond the ones in view, on each side.
PREFETCH = 1

COLUMNS = (
    Column("key", "Key", 22, grow=24, cut="middle"),
    Column("pledger", "Pledger", 9, priority=3),
    Column("title", "Title", 0, min_width=16),
    Column("category", "Category", 12, priority=5),
    Column("status", "Status", render.status_width("pledge") + len(COARSE)),
    Column("conditions", "Conditions", 12, priority=2),
    Column("announced", "Announced", 11, priority=4),
    Column("due", "Due", 11, priority=6),
    Column("updated", "Changed", 10, priority=7),
)
OVERDUE = "!"


def pledge_cells(row: PledgeRow) -> tuple[Cell, ...]:
    """A pledge row as the table's cells: plain, visible text and a style for each."""
    label = row.conditions.label
    # A closed pledge's conditions no longer hold it back: listed, but not as a warning.
    label_style = render.conditions_style(label) if row.is_open else render.MUTED
    due = row.due or ""
    return (
        (render.visible(row.key), ""),
        (render.visible(row.pledger), ""),
        (render.visible(row.title), ""),
        (render.visible(row.category or ""), ""),
        (row.status + (COARSE if row.status_known_to else ""), render.status_style(row.status)),
        (label, label_style),
        (row.announced or "", ""),
        (due + OVERDUE if row.overdue else due, "$text-error" if row.overdue else ""),
        (render.date_part(row.updated_at), render.MUTED),
    )


@dataclass(frozen=True, slots=True)
class Listing:
    """What the table lists: a query and a sort, and the generation that asked for them."""

    query: Query
    sort: Sort
    generation: int


class PledgeTable(ReportsErrors, LineTable):
    """The virtual pledge table (see the module docstring)."""

    #: Called with the table after each screen refresh that follows new rows, a move or a new
    #: count, when set: how a benchmark or a debugging session times what the user sees
    #: (bench/tui_bench.py sets one before the app starts). None in the product.
    paint_observer: ClassVar[Callable[[PledgeTable], object] | None] = None

    class RowsArrived(Message):
        """The rows around the cursor's pledge in a new listing, before its position is known."""

        def __init__(self, generation: int, first: int, rows: Sequence[PledgeRow]) -> None:
            self.generation = generation
            self.first = first
            self.rows = rows
            super().__init__()

    class Loaded(Message):
        """A listing's first pages arrived (the cursor's page and its neighbours)."""

        def __init__(
            self,
            generation: int,
            pages: dict[int, Sequence[PledgeRow]],
            cursor: int,
            screen_row: int,
            total: int | None,
        ) -> None:
            self.generation = generation
            self.pages = pages
            self.cursor = cursor
            self.screen_row = screen_row
            self.total = total
            super().__init__()

    class PagesLoaded(Message):
        def __init__(self, generation: int, index: int, rows: Sequence[PledgeRow]) -> None:
            self.generation = generation
            self.index = index
            self.rows = rows
            super().__init__()

    class NotListed(Message):
        """:meth:`PledgeTable.go_to` asked for a pledge that this listing leaves out."""

        def __init__(self, key: str) -> None:
            self.key = key
            super().__init__()

    class Counted(Message):
        """How many pledges the listing holds, and how many the ledger holds in all."""

        def __init__(
            self, table: PledgeTable, generation: int, total: int, everything: int
        ) -> None:
            self.table = table
            self.generation = generation
            self.total = total
            self.everything = everything
            super().__init__()

        @property
        def control(self) -> PledgeTable:
            return self.table

    def __init__(
        self, ledger: Ledger, *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(COLUMNS, id=id, classes=classes)
        self.ledger = ledger
        self.listing = Listing(Query(), Sort(), 0)
        self.sort_column = "key"
        self._pages: LRUCache[int, Sequence[PledgeRow]] = LRUCache(CACHE_PAGES)
        self._loading: set[int] = set()
        self._pending: Listing | None = None
        #: Rows of the pending listing around the cursor (first index, rows), shown meanwhile.
        self._window: tuple[int, Sequence[PledgeRow]] | None = None
        self._window_generation = -1
        #: The pledge the cursor must land on when the pending listing loads (``go_to``).
        self._wanted: str | None = None
        self.total: int | None = None
        self.everything: int | None = None

    # -- what is listed -----------------------------------------------------------------------

    @property
    def filter_query(self) -> Query:
        return (self._pending or self.listing).query

    @property
    def sort(self) -> Sort:
        return (self._pending or self.listing).sort

    def show(self, query: Query | None = None, sort: Sort | None = None) -> None:
        """List ``query`` in ``sort`` order (each defaults to the current one).

        With the same query (a re-sort, a refresh) the cursor stays on its pledge, at the same
        height on screen, if the pledge is still listed; a new query starts at the top.
        """
        query = self.filter_query if query is None else query
        sort = self.sort if sort is None else sort
        same_query = query == self.filter_query
        generation = (self._pending or self.listing).generation + 1
        self._pending = Listing(query, sort, generation)
        self.sort_column, self.sort_descending = sort.column, sort.descending
        self.refresh_line(0)
        row = self.cursor_row if same_query else None
        if not same_query:
            self._wanted = None
        self.workers.cancel_group(self, "pledge-pages")
        self._load_listing(
            self._pending,
            anchor=self._wanted or (row.key if row else None),
            wanted=self._wanted,
            fallback=self.cursor if same_query else 0,
            screen_row=self.cursor_screen_row if same_query else 0,
            height=self.page_height,
            total=self.total if same_query else None,
        )

    def show_read(self, query: Query, sort: Sort, rows: Sequence[PledgeRow], total: int) -> None:
        """List ``query`` from its first page and count, already read (at start-up)."""
        generation = (self._pending or self.listing).generation + 1
        self._pending = Listing(query, sort, generation)
        self.sort_column, self.sort_descending = sort.column, sort.descending
        self.workers.cancel_group(self, "pledge-listing")
        self.workers.cancel_group(self, "pledge-pages")
        # Applied now rather than posted: the first paint already shows the rows.
        self._loaded(self.Loaded(generation, {0: rows}, 0, 0, total))
        self.post_message(self.Counted(self, generation, total, total))

    def reload(self) -> None:
        """List the same again (the ledger changed), keeping the cursor on its pledge."""
        self.show(self.filter_query, self.sort)

    def go_to(self, key: str) -> None:
        """List the same again with the cursor on pledge ``key`` (one just created or edited);
        :class:`NotListed` says if the listing leaves it out. A refresh that starts before the
        listing arrives keeps aiming at it."""
        self._wanted = key
        self.show(self.filter_query, self.sort)

    def sort_by(self, column: str, descending: bool) -> None:
        self.show(sort=Sort.by(column, descending))

    @on(LineTable.HeaderClicked)
    def _header_clicked(self, event: LineTable.HeaderClicked) -> None:
        event.stop()
        column = event.column.name
        descending = not self.sort_descending if column == self.sort_column else False
        self.sort_by(column, descending)

    # -- rows -----------------------------------------------------------------------------------

    def row_at(self, index: int) -> PledgeRow | None:
        if self._window is not None:
            first, rows = self._window
            return rows[index - first] if 0 <= index - first < len(rows) else None
        page = self._pages.get(index // PAGE_SIZE)
        if page is None:
            return None
        offset = index % PAGE_SIZE
        return page[offset] if offset < len(page) else None

    @property
    def cursor_row(self) -> PledgeRow | None:
        return self.row_at(self.cursor) if self.row_count else None

    def row_cells(self, index: int) -> Sequence[Cell] | None:
        row = self.row_at(index)
        return None if row is None else pledge_cells(row)

    @property
    def is_settled(self) -> bool:
        """True when the current listing is loaded, counted, and every row in view is there."""
        if self._pending is not None or self.total is None:
            return False
        return all(
            self.row_at(i) is not None for i in range(self.first_visible, self.last_visible + 1)
        )

    # -- reading (thread workers: ledger calls and messages only) ------------------------------

    @work(thread=True, exclusive=True, group="pledge-listing", exit_on_error=False)
    def _load_listing(
        self,
        listing: Listing,
        *,
        anchor: str | None,
        wanted: str | None = None,
        fallback: int,
        screen_row: int,
        height: int,
        total: int | None,
    ) -> None:
        worker = get_current_worker()
        ledger, query, sort = self.ledger, listing.query, listing.sort
        if anchor is not None:
            below = height - screen_row - 1
            around = ledger.pledges_around(query, sort, anchor, above=screen_row, below=below)
            if worker.is_cancelled:
                return
            if around is not None:
                first = fallback - len(around.above)
                self.post_message(self.RowsArrived(listing.generation, first, around.rows))
            else:
                anchor = None
                if wanted is not None:
                    self.post_message(self.NotListed(wanted))
        # The slow part on a big ledger: counting the rows before the pledge. Counting
        # everything is one pass over the smallest index (milliseconds): for the whole ledger
        # the rows and the count arrive together and the screen is painted once, not twice.
        window = ledger.pledge_window(
            query,
            sort,
            anchor=anchor,
            cursor=fallback,
            screen_row=screen_row,
            height=height,
            total=total,
            count=not query,
        )
        if worker.is_cancelled:
            return
        self.post_message(
            self.Loaded(
                listing.generation, window.pages, window.cursor, window.screen_row, window.total
            )
        )
        if window.total is not None:
            counted = everything = window.total
        else:
            # A filtered count can take a while on a big ledger: the rows are shown first.
            counted, everything = ledger.pledge_counts(query)
        if not worker.is_cancelled:
            self.post_message(self.Counted(self, listing.generation, counted, everything))

    @work(thread=True, exclusive=True, group="pledge-pages", exit_on_error=False)
    def _load_pages(
        self,
        listing: Listing,
        wanted: list[list[int]],
        known: dict[int, Sequence[PledgeRow]],
        total: int | None,
    ) -> None:
        worker = get_current_worker()
        # The pages in view first, in one read (one repaint), then those read ahead.
        known = dict(known)
        for indexes in wanted:
            if worker.is_cancelled:
                return
            pages = self.ledger.pledge_pages(listing.query, listing.sort, indexes, known, total)
            for index, rows in pages.items():
                if not worker.is_cancelled:
                    self.post_message(self.PagesLoaded(listing.generation, index, rows))
            known.update(pages)

    def viewport_changed(self, first: int, last: int) -> None:
        self._painted_soon()
        if self._pending is not None:
            return
        in_view = list(range(first // PAGE_SIZE, last // PAGE_SIZE + 1))
        last_page = max(self.row_count - 1, 0) // PAGE_SIZE
        around = [in_view[0] - n for n in range(1, PREFETCH + 1)] + [
            in_view[-1] + n for n in range(1, PREFETCH + 1)
        ]
        wanted = [
            i
            for i in in_view + around
            if 0 <= i <= last_page and i not in self._pages and i not in self._loading
        ]
        if not wanted:
            return
        # The edge rows of neighbouring pages are all a worker needs to read by keyset.
        known: dict[int, Sequence[PledgeRow]] = {}
        for index in wanted:
            for neighbour in (index - 1, index + 1):
                page = self._pages.get(neighbour)
                if page:
                    known[neighbour] = [page[0], page[-1]] if len(page) > 1 else list(page)
        self._loading = set(wanted)
        ahead = [i for i in wanted if i not in in_view]
        shown = [i for i in wanted if i in in_view]
        self._load_pages(self.listing, [part for part in (shown, ahead) if part], known, self.total)

    # -- results (on the event loop) ------------------------------------------------------------

    @on(RowsArrived)
    def _rows_arrived(self, message: RowsArrived) -> None:
        message.stop()
        if self._pending is None or message.generation != self._pending.generation:
            return
        self._window = (message.first, message.rows)
        self._window_generation = message.generation
        self.refresh()
        self._painted_soon()

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        message.stop()
        pending = self._pending
        if pending is None or message.generation != pending.generation:
            return
        same_query = pending.query == self.listing.query
        self.listing, self._pending, self._window = pending, None, None
        self._wanted = None
        self._pages.clear()
        self._loading.clear()
        for index, rows in message.pages.items():
            self._pages[index] = rows
        loaded_end = max(
            (i * PAGE_SIZE + len(rows) for i, rows in message.pages.items()), default=0
        )
        if message.total is not None:
            self.total = message.total
            self.set_row_count(message.total)
        elif same_query and self.total is not None:
            # A re-sort or a refresh: the old count stands in until the new one arrives.
            self.set_row_count(max(self.total, loaded_end))
        else:
            self.total = None
            self.set_row_count(max(loaded_end, message.cursor + 1) if loaded_end else 0)
        self.move_cursor(message.cursor, screen_row=message.screen_row)
        self._viewport_moved()
        self._painted_soon()

    @on(PagesLoaded)
    def _pages_loaded(self, message: PagesLoaded) -> None:
        message.stop()
        if self._pending is not None or message.generation != self.listing.generation:
            return
        self._loading.discard(message.index)
        self._pages[message.index] = message.rows
        first = message.index * PAGE_SIZE
        if first <= self.last_visible and first + len(message.rows) > self.first_visible:
            self.refresh()
            self._painted_soon()

    @on(Counted)
    def _counted(self, message: Counted) -> None:
        if message.generation != self.listing.generation or self._pending is not None:
            message.stop()
            return
        self.total, self.everything = message.total, message.everything
        if message.total != self.row_count:
            self.set_row_count(message.total)
            self._viewport_moved()
        self._painted_soon()

    def worker_failed(self, worker: Worker[Any], error: BaseException) -> None:
        # The listing could not be read: keep showing the last good one.
        if worker.group == "pledge-listing":
            self._pending, self._window = None, None
            self.refresh()
        self._loading.clear()

    def _painted_soon(self) -> None:
        if PledgeTable.paint_observer is not None:
            self.call_after_refresh(PledgeTable.paint_observer, self)

    @property
    def shown_generation(self) -> int:
        """The generation of the listing whose rows the table shows now."""
        return self._window_generation if self._window is not None else self.listing.generation
