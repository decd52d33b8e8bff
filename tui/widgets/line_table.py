"""A table drawn line by line with Textual's Line API: a header and one line per row.

:class:`LineTable` knows nothing about where rows come from. It asks :meth:`LineTable.row_cells`
for the rows it is about to draw, and tells :meth:`LineTable.viewport_changed` which rows are in
view, so a subclass can fetch them (the pledge table) or hold them in a list (the other views).
Unlike Textual's ``DataTable`` it never measures its cells: column widths are fixed by the
columns, so drawing costs the same for ten rows or a million.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style as RichStyle
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style

from .. import keys
from ..render import MUTED, middle_cut, one_line


@dataclass(frozen=True, slots=True)
class Column:
    """A column: ``name`` is its sort key, ``width`` 0 makes it take the room that is left."""

    name: str
    label: str
    width: int
    #: Columns with a higher number are dropped first when the table is too narrow.
    priority: int = 0
    align: str = "left"
    min_width: int = 12
    #: Cells this fixed column may grow by when the flexible one is wide (long keys).
    grow: int = 0
    #: Where a text too long for the column is cut: at the "end", or in the "middle" (keys,
    #: whose rows would otherwise read the same when they share a long start).
    cut: str = "end"


#: One cell: its text (already visible, see tui.render) and a style string, or "".
Cell = tuple[str, str]

GAP = 1
PLACEHOLDER = "\u2026"
ASCENDING, DESCENDING = "\u25b2", "\u25bc"


class RowMessage(Message):
    """Something about one row of a :class:`LineTable`."""

    def __init__(self, table: LineTable, index: int) -> None:
        self.table = table
        #: The row's index among the rows the table lists.
        self.index = index
        super().__init__()

    @property
    def control(self) -> LineTable:
        return self.table


class LineTable(ScrollView, can_focus=True, inherit_bindings=False):
    """A keyboard-first table whose rows are drawn on demand."""

    BINDINGS: ClassVar = keys.bindings("table")

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "line-table--header",
        "line-table--header-sorted",
        "line-table--cursor",
        "line-table--odd",
    }

    DEFAULT_CSS = """
    LineTable {
        height: 1fr;
        background: $surface;
        overflow-x: hidden;
        overflow-y: scroll;
        scrollbar-gutter: stable;
        & > .line-table--header { background: $panel; color: $foreground; text-style: bold; }
        & > .line-table--header-sorted { background: $panel; color: $text-accent; text-style: bold; }
        & > .line-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
        }
        &:focus > .line-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .line-table--odd { background: $surface-lighten-1 30%; }
    }
    """

    cursor: reactive[int] = reactive(0, repaint=False, init=False)

    class Highlighted(RowMessage):
        """The cursor moved to another row."""

    class Opened(RowMessage):
        """The analyst asked to open the row under the cursor (``enter`` or a second click)."""

    class HeaderClicked(Message):
        def __init__(self, table: LineTable, column: Column) -> None:
            self.table = table
            self.column = column
            super().__init__()

        @property
        def control(self) -> LineTable:
            return self.table

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._columns = list(columns)
        self._row_count = 0
        self._names = [c.name for c in self._columns]
        self._styles: dict[tuple[str, bool, str], RichStyle] = {}
        self._column_layout: tuple[int, list[tuple[Column, int]]] | None = None
        self.sort_column: str | None = None
        self.sort_descending = False

    # -- what subclasses provide -----------------------------------------------------------

    def row_cells(self, index: int) -> Sequence[Cell] | None:
        """The cells of row ``index``, in column order, or None while it is loading."""
        return None

    def viewport_changed(self, first: int, last: int) -> None:
        """Rows ``first``..``last`` (inclusive) are in view now (hook for fetching them)."""

    # -- size and layout ---------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return self._row_count

    def set_row_count(self, count: int) -> None:
        """Change the number of rows; the cursor is kept inside them."""
        self._row_count = max(count, 0)
        self.virtual_size = Size(self.virtual_size.width, self._row_count + 1)
        if self.cursor >= self._row_count:
            self.set_reactive(LineTable.cursor, max(self._row_count - 1, 0))
        self.refresh()

    @property
    def page_height(self) -> int:
        """How many rows fit below the header."""
        return max(self.scrollable_content_region.height - 1, 1)

    @property
    def first_visible(self) -> int:
        return int(self.scroll_offset.y)

    @property
    def last_visible(self) -> int:
        return min(self.first_visible + self.page_height, self._row_count) - 1

    def layout_columns(self, width: int) -> list[tuple[Column, int]]:
        """The columns that fit in ``width`` cells, each with its width."""
        if self._column_layout and self._column_layout[0] == width:
            return self._column_layout[1]
        shown = list(self._columns)

        def fixed(columns: list[Column]) -> int:
            return sum(c.width for c in columns) + GAP * max(len(columns) - 1, 0)

        def flexible_room(columns: list[Column]) -> int:
            return width - fixed(columns)

        while len(shown) > 1:
            flex = [c for c in shown if c.width == 0]
            # A flexible column (a title) keeps at least a quarter of the width: past that,
            # the least needed columns give way to it.
            need = sum(max(c.min_width, width // 4) for c in flex)
            if flexible_room(shown) >= need:
                break
            drop = max(shown, key=lambda c: c.priority)
            if drop.priority == 0:
                break
            shown.remove(drop)
        room = flexible_room(shown)
        flex = [c for c in shown if c.width == 0]
        # When the flexible columns have more than they need, growable columns (long keys)
        # take a part: half of what is left once the flexible ones have a quarter of the
        # width between them, so that a table with two of them (what changed, and the note)
        # still gives its keys room at 200 columns.
        share = width // (4 * max(len(flex), 1))
        spare = max((room - sum(max(c.min_width, share) for c in flex)) // 2, 0)
        extra: dict[str, int] = {}
        for column in shown:
            if column.grow and flex:
                extra[column.name] = min(column.grow, spare)
                spare -= extra[column.name]
                room -= extra[column.name]
        layout = []
        for column in shown:
            if column.width:
                layout.append((column, column.width + extra.get(column.name, 0)))
            else:
                layout.append((column, max(room // max(len(flex), 1), 1)))
        self._column_layout = (width, layout)
        return layout

    def set_columns(self, columns: Sequence[Column]) -> None:
        self._columns = list(columns)
        self._names = [c.name for c in self._columns]
        self._column_layout = None
        self.refresh()

    def on_resize(self, _event: events.Resize) -> None:
        self._column_layout = None
        self.virtual_size = Size(self.scrollable_content_region.width, self._row_count + 1)
        self._viewport_moved()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()  # the theme (or the focus) changed: resolve the styles again
        self.refresh()

    # -- drawing -------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y == 0:
            return self._header(width)
        index = self.first_visible + y - 1
        if index >= self._row_count:
            return Strip.blank(width, self.rich_style)
        kind = "cursor" if index == self.cursor else "odd" if index % 2 else ""
        cells = self.row_cells(index)
        segments: list[Segment] = []
        gap = Segment(" " * GAP, self._style(kind, ""))
        by_name = dict(zip(self._names, cells, strict=False)) if cells is not None else None
        for position, (column, column_width) in enumerate(self.layout_columns(width)):
            if position:
                segments.append(gap)
            if by_name is None:
                text, style = (PLACEHOLDER if position == 0 else ""), MUTED
            else:
                text, style = by_name.get(column.name, ("", ""))
            segments.append(
                Segment(
                    _fit(text, column_width, column.align, column.cut), self._style(kind, style)
                )
            )
        return Strip(segments).adjust_cell_length(width, self._style(kind, ""))

    def _style(self, kind: str, style: str) -> RichStyle:
        """The Rich style of a cell: the row's style (cursor, odd, even) under the cell's own.

        Resolved once per combination and cached: drawing a line is then only text and cached
        styles, so scrolling a million rows costs what scrolling ten does.
        """
        key = (kind, self.has_focus, style)
        found = self._styles.get(key)
        if found is None:
            base = self.get_visual_style(f"line-table--{kind}") if kind else self.get_visual_style()
            found = (base + Style.parse(style)).rich_style if style else base.rich_style
            self._styles[key] = found
        return found

    def _header(self, width: int) -> Strip:
        base = self.get_visual_style("line-table--header")
        sorted_style = self.get_visual_style("line-table--header-sorted")
        segments: list[Segment] = []
        for position, (column, column_width) in enumerate(self.layout_columns(width)):
            label, style = column.label, base
            if column.name == self.sort_column:
                # The arrow always shows; the label gives way if the column is narrow.
                arrow = DESCENDING if self.sort_descending else ASCENDING
                label = f"{one_line(label, column_width - 2)} {arrow}"
                style = sorted_style
            if position:
                segments.append(Segment(" " * GAP, base.rich_style))
            segments.append(Segment(_fit(label, column_width, column.align), style.rich_style))
        return Strip(segments).adjust_cell_length(width, base.rich_style)

    # -- the cursor ----------------------------------------------------------------------------

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, self._row_count - 1)) if self._row_count else 0

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_line(old + 1)
        self.refresh_line(new + 1)
        self.scroll_to_row(new)
        self.post_message(self.Highlighted(self, new))

    def move_cursor(self, index: int, *, screen_row: int | None = None) -> None:
        """Put the cursor on ``index``; with ``screen_row``, also scroll so that the row is
        shown that many rows below the header (to keep it in place across a refresh)."""
        index = self.validate_cursor(index)
        if screen_row is not None:
            self.scroll_to(y=max(index - screen_row, 0), animate=False)
        if index == self.cursor:
            self.refresh_line(index + 1)
            self.scroll_to_row(index)
        self.cursor = index

    def scroll_to_row(self, index: int) -> None:
        """Scroll as little as needed to show row ``index``."""
        if not self.size.height:
            return  # not laid out yet: nothing is shown, nothing to scroll
        first = self.first_visible
        if index < first:
            self.scroll_to(y=index, animate=False)
        elif index >= first + self.page_height:
            self.scroll_to(y=index - self.page_height + 1, animate=False)

    @property
    def cursor_screen_row(self) -> int:
        """Where the cursor row is on screen, counted in rows below the header."""
        return max(self.cursor - self.first_visible, 0)

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_page_up(self) -> None:
        offset = self.cursor_screen_row
        self.scroll_to(y=max(self.first_visible - self.page_height, 0), animate=False)
        self.cursor = max(self.cursor - self.page_height, 0)
        self.scroll_to(y=max(self.cursor - offset, 0), animate=False)

    def action_page_down(self) -> None:
        offset = self.cursor_screen_row
        self.cursor = self.cursor + self.page_height
        self.scroll_to(y=max(self.cursor - offset, 0), animate=False)

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = self._row_count - 1

    def action_open(self) -> None:
        if self._row_count:
            self.post_message(self.Opened(self, self.cursor))

    def action_sort_next(self) -> None:
        """Sort by the next column (subclasses that sort implement :meth:`sort_by`)."""
        names = [c.name for c in self._columns]
        current = names.index(self.sort_column) if self.sort_column in names else -1
        self.sort_by(names[(current + 1) % len(names)], self.sort_descending)

    def action_sort_reverse(self) -> None:
        if self.sort_column is not None:
            self.sort_by(self.sort_column, not self.sort_descending)

    def sort_by(self, column: str, descending: bool) -> None:
        """Sort by ``column`` (hook; the table only draws the arrow)."""
        self.sort_column, self.sort_descending = column, descending
        self.refresh()

    # -- scrolling and the mouse --------------------------------------------------------------

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if round(old) != round(new):
            self._viewport_moved()

    def _viewport_moved(self) -> None:
        if self._row_count:
            self.viewport_changed(self.first_visible, max(self.last_visible, self.first_visible))

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            x = 0
            for column, column_width in self.layout_columns(self.scrollable_content_region.width):
                if x <= offset.x < x + column_width + GAP:
                    self.post_message(self.HeaderClicked(self, column))
                    break
                x += column_width + GAP
            return
        index = self.first_visible + offset.y - 1
        if index >= self._row_count:
            return
        if index == self.cursor and event.chain >= 2:
            self.post_message(self.Opened(self, index))
        self.cursor = index


def _fit(text: str, width: int, align: str = "left", cut: str = "end") -> str:
    """``text`` cut (with an ellipsis at the end, or in the middle) or padded to exactly
    ``width`` cells."""
    if cell_len(text) > width:
        fitted = middle_cut(text, width) if cut == "middle" else one_line(text, width)
    else:
        fitted = text
    pad = width - cell_len(fitted)
    if pad <= 0:
        return fitted
    return " " * pad + fitted if align == "right" else fitted + " " * pad
