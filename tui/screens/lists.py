"""Views 2-4: Conditions, Actors and Sources, each a table of every record of its type.

These lists are small (hundreds of records, not millions), so each is read whole in one worker
and sorted and filtered in memory; ``/`` filters by any text shown in the row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.message import Message

from db.query import Query
from db.records import ActorRow, ConditionRow, SourceRow

from .. import keys, render
from ..editing.actions import EditingScreen
from ..messages import OpenRecord
from ..widgets.filter_line import FilterLine
from ..widgets.line_table import Column, LineTable
from ..widgets.list_table import ListRow, ListTable


class RecordsView(EditingScreen):
    """A view listing every record of one type."""

    BINDINGS: ClassVar = keys.bindings("view", "edit", without={"view.facets"})
    columns: ClassVar[tuple[Column, ...]] = ()
    noun = "record"
    sortable = True
    #: A view whose filter is a language of its own (the History view's fields) gives its
    #: parser; the others filter their rows by words.
    filter_parser: ClassVar[Callable[[str], Query] | None] = None
    filter_placeholder: ClassVar[str] = ""

    def __init__(self) -> None:
        super().__init__()
        #: A record just written, to put the cursor on when the rows come back.
        self._select: tuple[str, str] | None = None

    class Rows(Message):
        def __init__(self, rows: Sequence[ListRow], complete: bool = True) -> None:
            self.rows = rows
            self.complete = complete
            super().__init__()

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        yield FilterLine(
            language=False,
            placeholder=self.filter_placeholder or f"/ filter the {self.noun}s",
            id="filter",
            parser=type(self).filter_parser,  # the class's: a function, not a method
        )
        yield ListTable(self.columns, sortable=self.sortable, id="list-table")
        yield from self.compose_bottom()

    @property
    def table(self) -> ListTable:
        return self.query_one(ListTable)

    @property
    def filter_line(self) -> FilterLine:
        return self.query_one(FilterLine)

    def on_mount(self) -> None:
        super().on_mount()
        self.filter_line.show_status("loading\u2026")
        self.table.focus()
        self.reload()

    def reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="list", exit_on_error=False)
    def _load(self) -> None:
        self.post_message(self.Rows(self.fetch()))

    def fetch(self) -> list[ListRow]:
        """Read the rows (runs in a worker thread: ledger calls only, no widgets)."""
        raise NotImplementedError

    @on(Rows)
    def _rows(self, message: Rows) -> None:
        self.table.set_rows(message.rows)
        if self._select is not None:
            self.select(*self._select)
        self._count()

    def select(self, record_type: str, key: str) -> bool:
        """Put the cursor on a record if it is listed (and not hidden by the filter)."""
        for index, row in enumerate(self.table.shown):
            if row.target == (record_type, key):
                self.table.move_cursor(index)
                self._select = None
                return True
        return False

    # -- editing -------------------------------------------------------------------------------

    def current_record(self) -> tuple[str, str] | None:
        row = self.table.cursor_row
        return row.target if row is not None else None

    def show_record(self, record_type: str, key: str, *, created: bool) -> None:
        self._select = (record_type, key)
        self.reload()

    def _count(self) -> None:
        shown, total = len(self.table.shown), len(self.table.rows)
        text = (
            render.count(total, self.noun)
            if shown == total
            else f"{shown:,} of {render.count(total, self.noun)}"
        )
        self.filter_line.show_status(text)

    @on(FilterLine.Changed)
    def _filter(self, event: FilterLine.Changed) -> None:
        self.filter_changed(event.text)

    def filter_changed(self, text: str) -> None:
        """Filter the rows by ``text`` (in memory; the History view asks the ledger)."""
        self.table.filter(text)
        self._count()

    @on(FilterLine.Done)
    @on(FilterLine.Cleared)
    def _back(self) -> None:
        self.table.focus()

    def action_focus_filter(self) -> None:
        self.filter_line.input.focus()

    def action_clear_filter(self) -> None:
        if self.filter_line.text:
            self.filter_line.clear()
        self.table.focus()

    @on(LineTable.Opened, "#list-table")
    def _open(self, event: LineTable.Opened) -> None:
        row = self.table.cursor_row
        if row is not None:
            self.post_message(OpenRecord(*row.target))


def _fold(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


def condition_row(row: ConditionRow) -> ListRow:
    values = (row.key, row.title, row.status, row.responsible, row.resolved, row.dependents)
    return ListRow(
        "condition",
        row.key,
        (
            (render.visible(row.key), ""),
            (render.visible(row.title), ""),
            (row.status, render.status_style(row.status, "condition")),
            (render.visible(row.responsible or ""), ""),
            (row.resolved or "", ""),
            (f"{row.dependents:,}", ""),
        ),
        tuple(_fold(v) for v in values),
    )


class ConditionsView(RecordsView):
    view = "conditions"
    new_record_type = "condition"
    noun = "condition"
    columns = (
        Column("key", "Key", 24, grow=16, cut="middle"),
        Column("title", "Title", 0),
        Column("status", "Status", render.status_width("condition")),
        Column("responsible", "Responsible", 11, priority=2),
        Column("resolved", "Resolved", 10, priority=3),
        Column("dependents", "Pledges", 8, priority=1, align="right"),
    )

    def fetch(self) -> list[ListRow]:
        return [condition_row(row) for row in self.ledger.conditions()]


def actor_row(row: ActorRow) -> ListRow:
    values = (row.code, row.name, row.kind, row.pledges_made, row.pledges_received)
    return ListRow(
        "actor",
        row.code,
        (
            (render.visible(row.code), ""),
            (render.visible(row.name), ""),
            (row.kind, ""),
            (f"{row.pledges_made:,}", ""),
            (f"{row.pledges_received:,}", ""),
        ),
        tuple(_fold(v) for v in values),
    )


class ActorsView(RecordsView):
    view = "actors"
    new_record_type = "actor"
    noun = "actor"
    columns = (
        Column("code", "Code", 16),
        Column("name", "Name", 0),
        Column("kind", "Kind", 12),
        Column("made", "Pledged", 9, align="right"),
        Column("received", "Received", 9, priority=1, align="right"),
    )

    def fetch(self) -> list[ListRow]:
        return [actor_row(row) for row in self.ledger.actors()]


def source_row(row: SourceRow) -> ListRow:
    values = (row.key, row.title, row.publisher, row.published, row.grading, row.citations)
    return ListRow(
        "source",
        row.key,
        (
            (render.visible(row.key), ""),
            (render.visible(row.title), ""),
            (render.visible(row.publisher or ""), ""),
            (row.published or "", ""),
            (row.grading, ""),
            (f"{row.citations:,}", ""),
        ),
        tuple(_fold(v) for v in values),
    )


class SourcesView(RecordsView):
    view = "sources"
    new_record_type = "source"
    noun = "source"
    columns = (
        Column("key", "Key", 24, grow=30, cut="middle"),
        Column("title", "Title", 0),
        Column("publisher", "Publisher", 18, priority=2),
        Column("published", "Published", 10, priority=3),
        Column("reliability", "Rel.", 4, priority=4),
        Column("citations", "Cited", 6, priority=1, align="right"),
    )

    def fetch(self) -> list[ListRow]:
        return [source_row(row) for row in self.ledger.sources()]
