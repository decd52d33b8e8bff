"""The pledges browser: five views, record screens, help and the command palette over one ledger.

Each view is a Textual *mode* with its own screen stack, so ``1``-``5`` switch views without
losing the records opened in each, and ``escape`` walks back through them. The app watches the
ledger's revision number and, when another process commits a change, tells every screen to
read again (see :class:`tui.screens.base.LedgerScreen`).

Screens never call the app: they post the messages of :mod:`tui.messages` (open a record, show
the pledges a query lists, a write committed, cite a record), which bubble from the screen to
the app, whose handlers below act on them. What screens read from the app (the ledger, whether
it is read-only, the signals) is :class:`tui.ledger_app.LedgerApp`.

Threading rule (every screen and widget keeps it): ledger calls run only in thread workers
that take plain arguments, never touch widgets, and post plain results as messages; handlers
on the event loop own all state. Writes follow the same pattern (:mod:`tui.editing`): a modal
screen collects the input, a worker saves it, a message reports the commit, and the modal
returns a typed result; undo, redo, import and export are the app's own keys.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable
from contextlib import suppress
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import App, SystemCommand
from textual.message import Message
from textual.screen import Screen

from db.api_types import BatchSummary
from db.errors import LedgerError, NothingToUndoError, UndoConflictError
from db.ledger import Ledger
from db.past import Reading
from db.vocab import RecordType

from . import keys, render
from .ledger_app import LedgerApp
from .messages import Cite, LedgerWritten, OpenRecord, ReadingDateChanged, ShowPledges
from .reporting import ReportsErrors
from .screens.base import VIEWS, LedgerScreen
from .screens.editing import AGAIN, citation, refused_as_read_only, reversed_message
from .screens.pledges import PledgesView
from .startup_rows import FirstListing

if TYPE_CHECKING:
    from textual.command import Provider

    from db.interchange import ImportReport

    from .editing.import_export import Exported, ImportInputs

#: How often the app asks the ledger whether anyone changed it (a one-row query).
POLL_SECONDS = 0.75


def _other_view(view: str) -> Screen[None]:
    """The screen of a view other than Pledges, its module imported on first use."""
    if view == "history":
        from .screens.history import HistoryView

        return HistoryView()
    if view == "dashboard":
        from .screens.dashboard import DashboardView

        return DashboardView()
    from .screens.lists import ActorsView, ConditionsView, SourcesView

    views: dict[str, type[Screen[None]]] = {
        "conditions": ConditionsView,
        "actors": ActorsView,
        "sources": SourcesView,
    }
    return views[view]()


def _record_commands() -> type[Provider]:
    """The palette's records (imported when the palette first opens)."""
    from .commands import RecordCommands

    return RecordCommands


class PledgesApp(ReportsErrors, LedgerApp):
    TITLE = "pledges"
    CSS_PATH = "pledges.tcss"
    BINDINGS: ClassVar = keys.bindings("app")
    # The Pledges view is what the first screen needs; the rest load when first asked for,
    # which keeps start-up close to that of a bare Textual app.
    MODES: ClassVar[dict[str, str | Callable[[], Screen[Any]]]] = {
        "pledges": PledgesView,
        "conditions": partial(_other_view, "conditions"),
        "actors": partial(_other_view, "actors"),
        "sources": partial(_other_view, "sources"),
        "history": partial(_other_view, "history"),
        "dashboard": partial(_other_view, "dashboard"),
    }
    COMMANDS: ClassVar = App.COMMANDS | {_record_commands}

    class RevisionRead(Message):
        def __init__(self, revision: int) -> None:
            self.revision = revision
            super().__init__()

    class CitationRead(Message):
        def __init__(self, record_type: RecordType, key: str, text: str, show: bool) -> None:
            self.record_type = record_type
            self.key = key
            self.text = text
            self.show = show
            super().__init__()

    class Reversed(Message):
        """An undo or redo committed (or was refused, with ``error``)."""

        def __init__(
            self, kind: str, summary: BatchSummary | None, error: LedgerError | None = None
        ) -> None:
            self.kind = kind
            self.summary = summary
            self.error = error
            super().__init__()

    def __init__(
        self,
        ledger: Ledger,
        *,
        poll_seconds: float = POLL_SECONDS,
        first_listing: FirstListing | None = None,
        freeze_gc: bool = False,
    ) -> None:
        super().__init__(ledger, first_listing=first_listing)
        self._freeze_gc = freeze_gc
        self.poll_seconds = poll_seconds
        self.theme = "textual-dark"
        #: (record type, key, text, when) of the last citation copied.
        self.last_citation: tuple[str, str, str, float] | None = None
        #: What was last typed in the import dialog (files, CSV columns, columns to skip): ``i``
        #: opens it again with that, for the rest of the session.
        self.import_inputs: ImportInputs | None = None

    def on_mount(self) -> None:
        self.switch_mode("pledges")
        if self.read_only:
            self.notify(
                f"{self.read_only}. You can browse, search, cite and export; the keys that "
                "change the ledger (n, e, d, s, u, ctrl+r, i) are refused.",
                title="Read-only ledger",
                severity="warning",
                timeout=20,
                markup=False,
            )
        self._read_revision()
        if self.poll_seconds:
            self.set_interval(self.poll_seconds, self._poll)
        if self._freeze_gc:
            self.call_after_refresh(_settle_gc)

    # -- live refresh --------------------------------------------------------------------------

    def _poll(self) -> None:
        self._read_revision()

    @work(thread=True, exclusive=True, group="revision", exit_on_error=False)
    def _read_revision(self) -> None:
        # Busy or briefly unreadable: say nothing, the next poll will tell.
        with suppress(LedgerError):
            self.post_message(self.RevisionRead(self.ledger.revision()))

    @on(RevisionRead)
    def _revision_read(self, message: RevisionRead) -> None:
        if self.revision is None:
            self.revision = message.revision
        elif message.revision != self.revision:
            self.revision = message.revision
            self.ledger_changed.publish(message.revision)

    @on(LedgerWritten)
    def _ledger_written(self) -> None:
        # Read the revision now rather than at the next poll: every view refreshes at once.
        self._read_revision()

    @on(ReadingDateChanged)
    def _reading_date_changed(self, message: ReadingDateChanged) -> None:
        reading = Reading(message.as_of, message.known_on)
        if reading == self.reading:
            return
        self.reading = reading
        self.reading_date_changed.publish(message.as_of)
        if reading.is_present:
            self.notify("The ledger as it stands today.", title="Today", timeout=4)

    # -- the date the ledger is read at ----------------------------------------------------------

    def action_choose_reading(self) -> None:
        from .editing.reading import ReadingDialog

        def chosen(reading: Reading | None) -> None:
            if reading is not None:
                self.post_message(ReadingDateChanged(reading.as_of, reading.known_on))

        self.push_screen(ReadingDialog(self.reading), chosen)

    def action_show_changes(self) -> None:
        from .screens.changes import ChangesDialog, ChangesView

        def chosen(dates: tuple[str, str] | None) -> None:
            if dates is not None:
                view = self.current_mode
                self.push_screen(ChangesView(*dates, view, self.reading.known_on))

        self.push_screen(ChangesDialog(later=self.reading.as_of), chosen)

    def action_reading_today(self) -> None:
        self.post_message(ReadingDateChanged(None))

    def action_step_reading(self, direction: int) -> None:
        self._step_reading(direction, self.reading)

    @work(thread=True, exclusive=True, group="reading", exit_on_error=False)
    def _step_reading(self, direction: int, reading: Reading) -> None:
        from db.dates import today

        day = reading.day if reading.as_of is not None else today()
        try:
            found = self.present.change_date(day, direction, known_on=reading.known_on)
        except LedgerError as error:
            self.call_from_thread(self.notify, str(error), severity="error", markup=False)
            return
        if found is None and direction < 0:
            self.call_from_thread(
                self.notify,
                f"No dated change before {day}: the ledger begins after it.",
                severity="warning",
                markup=False,
            )
            return
        self.post_message(ReadingDateChanged(found, reading.known_on))

    # -- navigation ----------------------------------------------------------------------------

    def action_show_view(self, view: str) -> None:
        if view in VIEWS and view != self.current_mode:
            self.switch_mode(view)

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    @on(OpenRecord)
    def _open_record(self, message: OpenRecord) -> None:
        self.open_record(message.record_type, message.key)

    def open_record(self, record_type: RecordType, key: str) -> None:
        """Show a record on top of the current view's stack (``escape`` comes back)."""
        from .screens.records import SCREENS

        self.push_screen(SCREENS[record_type](key, self.current_mode))

    @on(ShowPledges)
    def _show_pledges(self, message: ShowPledges) -> None:
        self.switch_mode("pledges")
        while len(self.screen_stack) > 1:
            self.pop_screen()
        view = self.screen_stack[0]
        if isinstance(view, PledgesView):
            view.show_query(message.query)

    # -- citations -------------------------------------------------------------------------------

    @on(Cite)
    def _cite(self, message: Cite) -> None:
        record_type, key = message.record_type, message.key
        last = self.last_citation
        # A second y on the same record soon after the first shows the citation instead.
        again = last is not None and last[:2] == (record_type, key)
        if last is not None and again and not message.show and time.monotonic() - last[3] < AGAIN:
            self._show_citation(record_type, key, last[2])
            return
        self._read_citation(record_type, key, message.show)

    @work(thread=True, exclusive=True, group="citation", exit_on_error=False)
    def _read_citation(self, record_type: RecordType, key: str, show: bool) -> None:
        text = citation(self.ledger, record_type, key)
        self.post_message(self.CitationRead(record_type, key, text, show))

    @on(CitationRead)
    def _citation_read(self, message: CitationRead) -> None:
        if message.show:
            self._show_citation(message.record_type, message.key, message.text)
            return
        self.copy_to_clipboard(message.text)
        self.last_citation = (message.record_type, message.key, message.text, time.monotonic())
        lines = message.text.count("\n") + 1
        self.notify(
            f"Copied the citation of {message.record_type} {render.one_line(message.key, 60)} "
            f"({lines} lines: status, as-of date, sources) to the clipboard. If your terminal "
            "did not take it, press y again (or Y) to show it.",
            title="Copied",
            markup=False,
            timeout=8,
        )

    def _show_citation(self, record_type: RecordType, key: str, text: str) -> None:
        from .editing.dialogs import CitationDialog

        # The "Copied" toast of an earlier y would lie on top of the window.
        self.clear_notifications()
        self.push_screen(CitationDialog(f"Citation of {record_type} {key}", text))

    # -- undo and redo ---------------------------------------------------------------------------

    def action_undo(self) -> None:
        self._reverse("undo")

    def action_redo(self) -> None:
        self._reverse("redo")

    def _reverse(self, kind: str, way: str | None = None) -> None:
        if not refused_as_read_only(self):
            self._run_reverse(kind, way)

    @work(thread=True, exclusive=True, group="undo", exit_on_error=False)
    def _run_reverse(self, kind: str, way: str | None) -> None:
        try:
            if kind == "undo":
                summary = self.ledger.undo(partial=way == "partial", skip=way == "skip")
            else:
                summary = self.ledger.redo()
        except LedgerError as error:
            self.post_message(self.Reversed(kind, None, error))
            return
        self.post_message(self.Reversed(kind, summary))

    @on(Reversed)
    def _reversed(self, message: Reversed) -> None:
        error = message.error
        if isinstance(error, NothingToUndoError):
            self.notify(str(error), severity="warning", markup=False)
            return
        if isinstance(error, UndoConflictError) and message.kind == "undo":
            from .editing.dialogs import UndoRefusedDialog

            def chosen(way: str | None) -> None:
                if way is not None:
                    self._reverse("undo", way)

            self.push_screen(UndoRefusedDialog(str(error), error.ADVICE), chosen)
            return
        if error is not None:
            from .editing.dialogs import MessageDialog

            title = f"Could not {message.kind}"
            note = error.ADVICE if isinstance(error, UndoConflictError) else ""
            self.push_screen(MessageDialog(title, str(error), note=note))
            return
        summary = message.summary
        assert summary is not None
        self.notify(
            reversed_message(message.kind, summary),
            title="Undone" if message.kind == "undo" else "Redone",
            markup=False,
            timeout=12 if summary.kept or summary.skipped else 6,
        )
        self._read_revision()

    # -- import and export -----------------------------------------------------------------------

    def action_import_fixtures(self) -> None:
        from .editing.import_export import ImportDialog, ImportInputs

        if refused_as_read_only(self):
            return
        if self.import_inputs is None:
            self.import_inputs = ImportInputs()
        self.push_screen(ImportDialog(self.import_inputs), self._imported)

    def _imported(self, report: ImportReport | None) -> None:
        if report is None:
            return
        from pathlib import Path

        names = ", ".join(Path(f).name for f in report.files)
        added = sum(c.added for c in report.counts.values())
        updated = sum(c.updated for c in report.counts.values())
        unchanged = sum(c.unchanged for c in report.counts.values())
        if report.changed:
            text = (
                f"Imported {names}: {added:,} records added, {updated:,} updated, "
                f"{unchanged:,} unchanged (u undoes the whole import)"
            )
            if report.updates:
                from .import_changes import summary

                text += f". Changed: {summary(report.updates)}"
        else:
            text = f"Imported {names}: nothing changed, the ledger already held it all"
        self.notify(render.one_line(text, 300), title="Imported", markup=False)
        self._read_revision()

    def action_export_fixtures(self) -> None:
        from .editing.import_export import ExportDialog

        screen = self.screen
        current = screen.export_query if isinstance(screen, LedgerScreen) else ""
        self.push_screen(ExportDialog(current), self._exported)

    def _exported(self, exported: Exported | None) -> None:
        if exported is not None:
            self.notify(render.one_line(exported.message, 300), title="Exported", markup=False)

    # -- the palette -----------------------------------------------------------------------------

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Every action that has a key on the current screen, plus Textual's own (theme, ...)."""
        yield from super().get_system_commands(screen)
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding, node = active.binding, active.node
            if not binding.description or binding.id is None or binding.id in seen:
                continue
            seen.add(binding.id)
            key = keys.BY_NAME.get(binding.id)
            if key is None:
                continue
            yield SystemCommand(
                keys.help_text(key),
                f"key: {keys.display(key)}",
                partial(self.run_action, binding.action, node),
            )


def _settle_gc() -> None:
    """After the first paint: what start-up made (modules, classes, the first screen) lives as
    long as the app, so leave it out of the collector's full passes, which otherwise cost tens
    of milliseconds in the middle of a keystroke's repaint; then collect as usual (the CLI
    turns collection off while it starts). Only for the process the CLI runs: a test process
    building many apps would keep every one of them."""
    gc.freeze()
    gc.enable()
