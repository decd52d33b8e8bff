"""View 1, Pledges: the facet sidebar, the filter line and the virtual pledge table."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from textual import events, getters, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Static
from textual.worker import Worker

from db.api_types import Facets, Sort
from db.errors import LedgerError
from db.query import Query
from db.vocab import RecordRef, RecordType

from .. import keys, render
from ..filtering import FACET_FIELDS, active_values, toggle_term, without_field
from ..messages import OpenRecord
from ..widgets.facets import FacetList
from ..widgets.filter_line import FilterLine
from ..widgets.line_table import ASCENDING, DESCENDING, LineTable
from ..widgets.pledge_table import PledgeTable
from .filtered import FilteredView

#: Facet counts take a full pass over the listed pledges; wait for typing to settle first.
FACETS_DELAY = 0.3
#: Below this width the facet sidebar starts hidden (``f`` shows it).
FACETS_MIN_WIDTH = 110
PLACEHOLDER = "/ filter: words, status:committed, pledger:FRA, is:conditional, -status:withdrawn"


class Welcome(Static):
    DEFAULT_CSS = """
    Welcome { height: 1fr; padding: 1 2; background: $surface; }
    """


def welcome_text(ledger_name: str) -> Content:
    code = "bold $text-accent"
    ui = render.ui
    return render.assemble(
        ui("This ledger is empty.\n", "bold"),
        (ledger_name, render.MUTED),
        ui("\n\nTo fill it, import a fixture file (YAML, JSON or CSV) from a shell:\n\n    "),
        ui("pledges import FILE", code),
        ui("\n    "),
        ui("pledges --db ", code),
        (ledger_name, code),
        ui(" import FILE", code),
        ui("\n\nor press "),
        ui("i", code),
        ui(" here to import one (a dry run first), or "),
        ui("n", code),
        ui(
            " to type a first pledge.\n\n"
            "To look around a ledger that has data, open the sample:\n\n    "
        ),
        ui("pledges --demo", code),
        ui(
            "\n\nThis screen turns into the pledge table by itself as soon as the ledger has pledges."
        ),
    )


class PledgesView(FilteredView):
    view = "pledges"
    BINDINGS: ClassVar = keys.bindings("view", "edit")
    new_record_type = "pledge"
    table = getters.query_one(PledgeTable)
    facet_list = getters.query_one(FacetList)

    class HintsRead(Message):
        """Why ``query`` may list nothing: its values that name nothing in the ledger."""

        def __init__(self, query: Query, hints: list[str]) -> None:
            self.query = query
            self.hints = hints
            super().__init__()

    class FacetsLoaded(Message):
        def __init__(self, query: Query, facets: Facets) -> None:
            self.query = query
            self.facets = facets
            super().__init__()

    def __init__(self) -> None:
        super().__init__()
        self._facets: Facets | None = None
        self._facets_for: Query | None = None
        self._facets_wanted: Query = Query()
        self._facets_worker: Worker[None] | None = None
        self._facets_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        with Horizontal(id="pledges-body"):
            yield FacetList(id="facets")
            with Vertical(id="pledges-main"):
                yield FilterLine(language=True, placeholder=PLACEHOLDER, id="filter")
                yield PledgeTable(self.ledger, id="pledge-table")
                yield Welcome(markup=False, id="welcome")
        yield from self.compose_bottom()

    def on_mount(self) -> None:
        self.query_one(Welcome).display = False
        self.facet_list.display = self.app.size.width >= FACETS_MIN_WIDTH
        self.filter_line.show_status("loading\u2026")
        first = self.app.take_first_rows()
        if first is not None:
            self.table.show_read(first.query, first.sort, first.rows, first.total)
        else:
            self.table.show(Query(), Sort())
        self.table.focus()
        # The first rows come first; the facets (a pass over every pledge) a moment later.
        self._want_facets(Query(), delay=FACETS_DELAY)

    def on_screen_resume(self, _event: events.ScreenResume) -> None:
        # (Textual calls the base class's handler too: it reloads a stale view.)
        # The Dashboard shares the filter: what was typed there is listed here.
        shared = self.app.shared_filter
        if shared != self.filter_line.text and not self.query_one(Welcome).display:
            self.filter_line.set_text(shared)

    @property
    def export_query(self) -> str:
        return self.table.filter_query.source

    def show_query(self, text: str) -> None:
        """List the pledges ``text`` (a query in the filter language) finds, in the table."""
        # Shared at once: the view's coming back into view must not bring the old filter back.
        self.app.shared_filter = text
        self.filter_line.set_text(text)
        self.table.focus()

    def reading_date_changed(self, as_of: str | None) -> None:
        # The table reads the ledger it was given: now the ledger as of the new date.
        self.table.ledger = self.ledger
        super().reading_date_changed(as_of)

    def reload(self) -> None:
        self.table.reload()
        self._want_facets(self.table.filter_query, delay=0, again=True)
        self._read_hints(self.table.filter_query)  # a value may name something now

    # -- keys ----------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # An empty ledger shows the welcome: nothing to filter yet, so those keys hide.
        if action in {"focus_filter", "clear_filter", "toggle_facets"}:
            return not self.query_one(Welcome).display
        needs_a_pledge = {"edit_record", "delete_record", "change_status", "cite", "show_citation"}
        if action in needs_a_pledge and self.query_one(Welcome).display:
            return False
        return super().check_action(action, parameters)

    # -- editing -------------------------------------------------------------------------------

    def current_record(self) -> RecordRef | None:
        row = self.table.cursor_row
        return ("pledge", row.key) if row is not None else None

    def show_record(self, record_type: RecordType, key: str, *, created: bool) -> None:
        if record_type == "pledge":
            self.table.go_to(key)

    @on(PledgeTable.NotListed)
    def _not_listed(self, event: PledgeTable.NotListed) -> None:
        # The filter hides the pledge just written: show it on its own screen instead.
        if self.is_active:
            self.post_message(OpenRecord("pledge", event.key))

    def action_toggle_facets(self) -> None:
        facets = self.facet_list
        facets.display = not facets.display
        if facets.display:
            facets.focus()
            self._start_facets()
        elif self.focused is facets or self.focused is None:
            self.table.focus()

    # -- the filter and the table --------------------------------------------------------------

    @on(FilterLine.Changed)
    def _filter_changed(self, event: FilterLine.Changed) -> None:
        if event.query is None:
            return
        self.app.shared_filter = event.text
        self.table.show(query=event.query)
        self._want_facets(event.query, delay=FACETS_DELAY)
        self._read_hints(event.query)

    @work(thread=True, exclusive=True, group="query-hints", exit_on_error=False)
    def _read_hints(self, query: Query) -> None:
        try:
            hints = [hint.message for hint in self.ledger.query_hints(query)]
        except LedgerError:
            return  # a hint is a courtesy: the listing itself reports what went wrong
        self.post_message(self.HintsRead(query, hints))

    @on(HintsRead)
    def _hints_read(self, message: HintsRead) -> None:
        if message.query == self.table.filter_query:
            self.filter_line.show_hints(message.hints)

    @on(PledgeTable.Counted)
    def _counted(self, event: PledgeTable.Counted) -> None:
        empty = event.everything == 0
        welcome = self.query_one(Welcome)
        if empty != welcome.display:
            self.refresh_bindings()
            # The facets go with the welcome, and come back (if there is room) after it.
            self.facet_list.display = not empty and self.app.size.width >= FACETS_MIN_WIDTH
            self._want_facets(self.table.filter_query, delay=0, again=True)
        welcome.display = empty
        self.table.display = not empty
        self.filter_line.display = not empty
        if empty:
            self.query_one(Welcome).update(welcome_text(self.ledger.name))
            return
        sort = self.table.sort
        arrow = DESCENDING if sort.descending else ASCENDING
        shown = (
            render.count(event.total, "pledge")
            if event.total == event.everything and not self.table.filter_query
            else f"{event.total:,} of {render.count(event.everything, 'pledge')}"
        )
        self.filter_line.show_status(f"{shown} \u00b7 sorted by {sort.column} {arrow}")

    @on(LineTable.Opened, "#pledge-table")
    def _open(self, event: LineTable.Opened) -> None:
        row = self.table.row_at(event.index)
        if row is not None:
            self.post_message(OpenRecord("pledge", row.key))

    # -- facets --------------------------------------------------------------------------------

    @on(FacetList.Toggled)
    def _facet_toggled(self, event: FacetList.Toggled) -> None:
        self.filter_line.set_text(toggle_term(self.filter_line.text, event.field, event.value))
        self._show_facets()

    def _want_facets(self, query: Query, *, delay: float, again: bool = False) -> None:
        self._facets_wanted = query
        if again:
            self._facets_for = None
        if self._facets_timer is not None:
            self._facets_timer.stop()
        self._facets_timer = self.set_timer(delay, self._start_facets) if delay else None
        if not delay:
            self._start_facets()
        self._show_facets()

    def _start_facets(self) -> None:
        # Only for a sidebar in view, and one count at a time: on a big ledger a count takes
        # seconds, and stacking them up would hold threads and connections the table needs.
        if not self.facet_list.display:
            return
        running = self._facets_worker is not None and self._facets_worker.is_running
        if running or self._facets_wanted == self._facets_for:
            return
        self._facets_worker = self._count_facets(self._facets_wanted)

    @work(thread=True, exclusive=True, group="facets", exit_on_error=False)
    def _count_facets(self, query: Query) -> None:
        facets = self.ledger.facets(query)
        # A field the filter already selects is counted without its own term, so that its
        # other values stay on offer (status:committed still lists announced, to widen to).
        for field in FACET_FIELDS:
            others = without_field(query, field)
            if others is not query:
                counted = self.ledger.facets(others, which=(field,))
                facets = replace(facets, **{field: getattr(counted, field)})
        self.post_message(self.FacetsLoaded(query, facets))

    @on(FacetsLoaded)
    def _facets_loaded(self, message: FacetsLoaded) -> None:
        self._facets, self._facets_for = message.facets, message.query
        self._facets_worker = None
        self._show_facets()
        if self._facets_wanted != self._facets_for:
            self._start_facets()

    def worker_failed(self, worker: Worker[object], error: BaseException) -> None:
        if worker is self._facets_worker:
            self._facets_worker = None

    def _show_facets(self) -> None:
        counting = self._facets_wanted != self._facets_for
        self.facet_list.show(self._facets, active_values(self.filter_line.text), counting=counting)
