"""View 6, Dashboard: the ledger's pictures for the pledges the filter line lets through.

The figures (:meth:`db.ledger.Ledger.dashboard`) are counted in a worker while the last ones
stay on screen with a "counting" mark, and again whenever the ledger changes, the filter
changes or the date the ledger is read at changes. The filter is the Pledges view's: a query
typed in either view is the other's when it comes into view.

As many charts are shown at once as the window holds legibly (one at 80x24, four at 160x45,
six at 200x50); ``left`` and ``right`` page through the rest.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events, getters, on, work
from textual.app import ComposeResult
from textual.containers import Grid
from textual.content import Content
from textual.message import Message
from textual.widgets import Static
from textual.worker import Worker

from db.dashboard import Figures
from db.query import Query

from .. import keys, render
from ..widgets.charts import Chart
from ..widgets.filter_line import FilterLine
from .base import LedgerScreen
from .pledges import PLACEHOLDER

#: The charts of the dashboard in their order; then one chart of amounts per unit.
CHARTS: tuple[str, ...] = ("pledges", "conditions", "held", "pledgers")
#: A chart is drawn no smaller than this (columns, rows); the grid has as many cells as fit.
CELL_WIDTH, CELL_HEIGHT = 64, 18


def grid_shape(width: int, height: int) -> tuple[int, int]:
    """How many columns and rows of charts a window of this size holds legibly."""
    columns = max(1, min(3, width // CELL_WIDTH))
    rows = max(1, min(3, (height - 6) // CELL_HEIGHT))
    return columns, rows


def chart_kinds(figures: Figures | None) -> list[str]:
    """The charts to draw: the four pictures, and one of amounts for each unit."""
    units = list(figures.amounts) if figures is not None else []
    return [*CHARTS, *(f"amounts:{unit}" for unit in units or [""])]


def headline(figures: Figures) -> Content:
    """The figures in a line: pledges by status (in their colours), what conditions hold back,
    blocked and overdue."""
    parts: list[tuple[str, str] | str] = [(f"{figures.total:,} pledges", "bold"), ": "]
    shown = [(s, n) for s, n in figures.by_status.items() if n]
    for index, (status, n) in enumerate(shown):
        parts.append((f"{n:,} {status}", render.status_style(status)))
        if index < len(shown) - 1:
            parts.append(", ")
    open_conditions = figures.open_conditions
    parts.append(
        f"  \u00b7  {open_conditions:,} open condition{'s' if open_conditions != 1 else ''} "
        f"holding back {figures.conditional:,}"
    )
    parts.append("  \u00b7  ")
    parts.append((f"{figures.blocked:,} blocked", "$text-error" if figures.blocked else ""))
    parts.append("  \u00b7  ")
    parts.append((f"{figures.overdue:,} overdue", "$text-warning" if figures.overdue else ""))
    return render.assemble(*[p if isinstance(p, tuple) else (p, "") for p in parts])


class DashboardView(LedgerScreen):
    view = "dashboard"
    # Nothing here takes typing but the filter line, which ``/`` focuses.
    AUTO_FOCUS = None
    BINDINGS: ClassVar = keys.bindings("dashboard", "view", without={"view.facets"})
    DEFAULT_CSS = """
    DashboardView #headline { height: auto; max-height: 2; padding: 0 1; }
    DashboardView #charts { height: 1fr; grid-gutter: 0 1; padding: 0 1; }
    DashboardView #charts-page { height: 1; padding: 0 1; color: $foreground-muted; }
    """
    filter_line = getters.query_one(FilterLine)

    class Counted(Message):
        def __init__(self, query: Query, figures: Figures) -> None:
            self.query = query
            self.figures = figures
            super().__init__()

    def __init__(self) -> None:
        super().__init__()
        self.figures: Figures | None = None
        self._for: Query | None = None
        self._wanted = Query()
        self._worker: Worker[None] | None = None
        #: The first chart shown (``left`` and ``right`` move it by a page).
        self.first = 0

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        yield FilterLine(language=True, placeholder=PLACEHOLDER, id="filter")
        yield Static(id="headline", markup=False)
        yield Grid(id="charts")
        yield Static(id="charts-page", markup=False)
        yield from self.compose_bottom()

    def on_mount(self) -> None:
        self.filter_line.show_status("counting\u2026")
        self._adopt_shared_filter()
        self._lay_out()
        self._count(self._wanted)

    def on_screen_resume(self, _event: events.ScreenResume) -> None:
        # (Textual calls the base class's handler too: it reloads a stale view.)
        self._adopt_shared_filter()
        # The keys are the view's (and the charts' paging), not the filter line's.
        self.call_after_refresh(self.set_focus, None)

    def on_resize(self) -> None:
        self._lay_out()

    def reload(self) -> None:
        self._for = None
        self._count(self._wanted)

    def _adopt_shared_filter(self) -> None:
        shared = self.app.shared_filter
        if shared != self.filter_line.text:
            self.filter_line.set_text(shared)

    # -- the figures -----------------------------------------------------------------------------

    @on(FilterLine.Changed)
    def _filter_changed(self, event: FilterLine.Changed) -> None:
        if event.query is None:
            return
        self.app.shared_filter = event.text
        self._count(event.query)

    def _count(self, query: Query) -> None:
        self._wanted = query
        running = self._worker is not None and self._worker.is_running
        if running or query == self._for:
            self._show_status()
            return
        self._worker = self._read_figures(query)
        self._show_status()

    @work(thread=True, exclusive=True, group="dashboard", exit_on_error=False)
    def _read_figures(self, query: Query) -> None:
        self.post_message(self.Counted(query, self.ledger.dashboard(query)))

    @on(Counted)
    def _counted(self, message: Counted) -> None:
        self._worker = None
        self.figures, self._for = message.figures, message.query
        self._draw()
        if self._wanted != self._for:
            self._count(self._wanted)
        else:
            self._show_status()

    def worker_failed(self, worker: Worker[object], error: BaseException) -> None:
        if worker is self._worker:
            self._worker = None
            self._for = self._wanted  # not again, until something changes
            self._show_status()

    def _show_status(self) -> None:
        counting = self._wanted != self._for
        figures = self.figures
        what = "the pledges the filter lists" if self._wanted else "every pledge"
        reading = render.plain(f"{what}, {self.app.reading.describe()}")
        if counting:
            mark = render.plain("counting\u2026 ", "$text-warning")
            self.filter_line.show_status(render.assemble((mark, ""), (reading, "")))
        elif figures is not None:
            self.filter_line.show_status(
                render.plain(f"{what}, {self.app.reading.describe()}, on {figures.day}")
            )

    # -- the charts ------------------------------------------------------------------------------

    def _lay_out(self) -> None:
        columns, rows = grid_shape(self.size.width or self.app.size.width, self.app.size.height)
        grid = self.query_one("#charts", Grid)
        grid.styles.grid_size_columns = columns
        grid.styles.grid_size_rows = rows
        wanted = columns * rows
        charts = list(grid.query(Chart))
        if len(charts) != wanted:
            for chart in charts[wanted:]:
                chart.remove()
            grid.mount_all([Chart("pledges") for _ in range(wanted - len(charts))])
        self.call_after_refresh(self._draw)

    def _draw(self) -> None:
        kinds = chart_kinds(self.figures)
        charts = list(self.query_one("#charts", Grid).query(Chart))
        per_page = max(1, len(charts))
        self.first = min(self.first, max(0, len(kinds) - 1)) // per_page * per_page
        shown = kinds[self.first : self.first + per_page]
        for index, chart in enumerate(charts):
            kind = shown[index] if index < len(shown) else ""
            chart.display = bool(kind)
            chart.show(kind, self.figures)
        figures = self.figures
        headline_widget = self.query_one("#headline", Static)
        headline_widget.update(headline(figures) if figures is not None else "")
        page = self.query_one("#charts-page", Static)
        if len(kinds) > per_page:
            last = min(self.first + per_page, len(kinds))
            span = f"{self.first + 1}" if last == self.first + 1 else f"{self.first + 1}-{last}"
            page.update(
                f"charts {span} of {len(kinds)}: \u2190 and \u2192 for the others "
                "(a wider window shows more at once)"
            )
        else:
            page.update("")

    def action_next_charts(self, direction: int) -> None:
        kinds = chart_kinds(self.figures)
        per_page = max(1, len(self.query_one("#charts", Grid).query(Chart)))
        pages = (len(kinds) + per_page - 1) // per_page
        page = (self.first // per_page + direction) % max(1, pages)
        self.first = page * per_page
        self._draw()

    # -- keys the view shares ------------------------------------------------------------------

    def action_focus_filter(self) -> None:
        self.filter_line.input.focus()

    def action_clear_filter(self) -> None:
        if self.filter_line.text:
            self.filter_line.clear()
        self.set_focus(None)

    @on(FilterLine.Done)
    @on(FilterLine.Cleared)
    def _filter_done(self) -> None:
        self.set_focus(None)
