"""A table of a few hundred records held in memory: conditions, actors, sources, history.

The same :class:`LineTable` as the pledge table (same keys, same look), with the rows in a list:
sorting and the quick filter happen here, and the cursor stays on the same record across both
and across refreshes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from db.vocab import RecordRef

from .line_table import Cell, Column, LineTable


@dataclass(frozen=True, slots=True)
class ListRow:
    """One row: what it is, its cells, the values it sorts by (per column), and the record it
    opens."""

    #: What the row shows (a record type, ``entry`` for a change, ``problem``); with ``key``,
    #: the row's identity in its table.
    kind: str
    key: str
    cells: tuple[Cell, ...]
    values: tuple[Any, ...]
    #: The record that ``enter`` opens (a record's row opens the record itself; None: nothing).
    opens: RecordRef | None = None

    @property
    def target(self) -> RecordRef | None:
        return self.opens

    @property
    def text(self) -> str:
        return " ".join(text for text, _ in self.cells).casefold()


class ListTable(LineTable):
    def __init__(
        self,
        columns: Sequence[Column],
        *,
        sortable: bool = True,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(columns, id=id, classes=classes)
        self.rows: list[ListRow] = []
        self.shown: list[ListRow] = []
        self.filter_text = ""
        self.sortable = sortable
        if sortable:
            self.sort_column = columns[0].name

    def set_rows(self, rows: Sequence[ListRow]) -> None:
        """Replace the rows, keeping the cursor on the same record if it is still there."""
        self.rows = list(rows)
        self._arrange()

    def filter(self, text: str) -> None:
        self.filter_text = text.casefold().strip()
        self._arrange()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A table that cannot sort (the History view's log, newest first) offers no sort keys.
        if action in ("sort_next", "sort_reverse") and not self.sortable:
            return False
        return super().check_action(action, parameters)

    def sort_by(self, column: str, descending: bool) -> None:
        if not self.sortable:
            return
        super().sort_by(column, descending)
        self._arrange()

    def on_line_table_header_clicked(self, event: LineTable.HeaderClicked) -> None:
        event.stop()
        column = event.column.name
        self.sort_by(column, not self.sort_descending if column == self.sort_column else False)

    @property
    def cursor_row(self) -> ListRow | None:
        return self.shown[self.cursor] if 0 <= self.cursor < len(self.shown) else None

    def row_cells(self, index: int) -> Sequence[Cell] | None:
        return self.shown[index].cells if index < len(self.shown) else None

    def _arrange(self) -> None:
        current = self.cursor_row
        screen_row = self.cursor_screen_row
        shown = (
            [r for r in self.rows if self.filter_text in r.text]
            if self.filter_text
            else list(self.rows)
        )
        if self.sortable and self.sort_column is not None:
            names = [c.name for c in self._columns]
            position = names.index(self.sort_column)
            # Empty values last in both directions, as in the pledge table.
            present = [r for r in shown if r.values[position] not in (None, "")]
            absent = [r for r in shown if r.values[position] in (None, "")]
            present.sort(key=lambda r: r.values[position], reverse=self.sort_descending)
            shown = present + absent
        self.shown = shown
        self.set_row_count(len(shown))
        target = 0
        if current is not None:
            for index, row in enumerate(shown):
                if (row.kind, row.key) == (current.kind, current.key):
                    target = index
                    break
        self.move_cursor(target, screen_row=screen_row)
        self.refresh()
