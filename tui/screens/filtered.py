"""What the views share: a filter line (``/``) over a table of records, and the editing keys."""

from __future__ import annotations

from textual import getters, on

from ..widgets.filter_line import FilterLine
from ..widgets.line_table import LineTable
from .editing import EditingScreen


class FilteredView(EditingScreen):
    """A view whose table lists what its filter line lets through."""

    filter_line = getters.query_one(FilterLine)

    def action_focus_filter(self) -> None:
        self.filter_line.input.focus()

    def action_clear_filter(self) -> None:
        if self.filter_line.text:
            self.filter_line.clear()
        self.focus_table()

    @on(FilterLine.Done)
    @on(FilterLine.Cleared)
    def focus_table(self) -> None:
        self.query_one(LineTable).focus()
