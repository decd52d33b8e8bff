"""Views 2-4: Conditions, Actors and Sources, each a table of every record of its type.

These lists are small (hundreds of records, not millions), so each is read whole in one worker
and sorted and filtered in memory; ``/`` filters by any text shown in the row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from textual import getters, on, work
from textual.app import ComposeResult
from textual.message import Message

from db.api_types import ActorRow, ConditionRow, SourceRow
from db.query import Query
from db.vocab import RecordRef, RecordType

from .. import keys, render
from ..messages import OpenRecord
from ..widgets.filter_line import FilterLine
from ..widgets.line_table import Column, LineTable
from ..widgets.list_table import ListRow, ListTable
from .filtered import FilteredView


class RecordsView(FilteredView):
    """A view listing every record of one type."""

    BINDINGS: ClassVar = keys.bindings("view", "edit", without={"view.facets"})
    columns: ClassVar[tuple[Column, ...]] = ()
    noun = "record"
    sortable = True
    #: A view whose filter is a language of its own (the History view's fields) gives its
    #: parser; the others filter their rows by words.
    filter_parser: ClassVar[Callable[[str], Query] | None] = None
    filter_placeholder: ClassVar[str] = ""
    table = getters.query_one(ListTable)

    def __init__(self) -> None:
        super().__init__()
        #: A record just written, to put the cursor on when the rows come back.
        self._select: RecordRef | None = None

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

    def on_mount(self) -> None:
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

    def select(self, record_type: RecordType, key: str) -> bool:
        """Put the cursor on a record if it is listed (and not hidden by the filter)."""
        for index, row in enumerate(self.table.shown):
            if row.target == (record_type, key):
                self.table.move_cursor(index)
                self._select = None
                return True
        return False

    # -- editing -------------------------------------------------------------------------------

    def current_record(self) -> RecordRef | None:
        row = self.table.cursor_row
        return row.target if row is not None else None

    def show_record(self, record_type: RecordType, key: str, *, created: bool) -> None:
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

    @on(LineTable.Opened, "#list-table")
    def _open(self, event: LineTable.Opened) -> None:
        row = self.table.cursor_row
        if row is not None and row.target is not None:
            self.post_message(OpenRecord(*row.target))


def list_row(record_type: RecordType, key: str, *cells: tuple[str | int | None, str]) -> ListRow:
    """A row of a list view from its cells' values and styles: shown as text made visible (a
    count grouped, nothing blank), sorted by as they are (text without regard to case)."""
    return ListRow(
        record_type,
        key,
        tuple((_shown(value), style) for value, style in cells),
        tuple(value.casefold() if isinstance(value, str) else value for value, _ in cells),
        opens=(record_type, key),
    )


def _shown(value: str | int | None) -> str:
    if value is None:
        return ""
    return f"{value:,}" if isinstance(value, int) else render.visible(value)


def condition_row(row: ConditionRow) -> ListRow:
    return list_row(
        "condition",
        row.key,
        (row.key, ""),
        (row.title, ""),
        (row.status, render.status_style(row.status, "condition")),
        (row.responsible, ""),
        (row.resolved, ""),
        (row.dependents, ""),
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
    return list_row(
        "actor",
        row.code,
        (row.code, ""),
        (row.name, ""),
        (row.kind, ""),
        (row.pledges_made, ""),
        (row.pledges_received, ""),
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
    return list_row(
        "source",
        row.key,
        (row.key, ""),
        (row.title, ""),
        (row.publisher, ""),
        (row.published, ""),
        (row.grading, ""),
        (row.citations, ""),
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
