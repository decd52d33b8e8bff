"""The pledges browser: five views, record screens, help and the command palette over one ledger.

Each view is a Textual *mode* with its own screen stack, so ``1``-``5`` switch views without
losing the records opened in each, and ``escape`` walks back through them. The app watches the
ledger's revision number and, when another process commits a change, tells every screen to
read again (see :class:`tui.screens.base.LedgerScreen`).

Threading rule (every screen and widget keeps it): ledger calls run only in thread workers
that take plain arguments, never touch widgets, and post plain results as messages; handlers
on the event loop own all state. Writes follow the same pattern (:mod:`tui.editing`): a modal
screen collects the input, a worker saves it, a message reports the commit, and the modal
returns a typed result; undo, redo, import and export are the app's own keys
(:class:`tui.editing.actions.EditsLedger`).
"""

from __future__ import annotations

import gc
import importlib
from collections.abc import Iterable
from contextlib import suppress
from typing import Any, ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.message import Message
from textual.screen import Screen
from textual.signal import Signal

from db import files
from db.errors import LedgerError
from db.ledger import Ledger

from . import keys
from .editing.actions import EditsLedger
from .first_listing import FirstListing, FirstRows
from .reporting import ErrorDialog, ReportsErrors
from .screens.base import VIEWS
from .screens.pledges import PledgesView

#: How often the app asks the ledger whether anyone changed it (a one-row query).
POLL_SECONDS = 0.75


class PledgesApp(EditsLedger, ReportsErrors, App[None]):
    TITLE = "pledges"
    CSS_PATH = "pledges.tcss"
    BINDINGS: ClassVar = keys.bindings("app")
    # The Pledges view is what the first screen needs; the rest load when first asked for,
    # which keeps start-up close to that of a bare Textual app.
    MODES: ClassVar = {
        "pledges": PledgesView,
        "conditions": lambda: _lazy("tui.screens.lists", "ConditionsView")(),
        "actors": lambda: _lazy("tui.screens.lists", "ActorsView")(),
        "sources": lambda: _lazy("tui.screens.lists", "SourcesView")(),
        "history": lambda: _lazy("tui.screens.history", "HistoryView")(),
    }
    COMMANDS: ClassVar = App.COMMANDS | {lambda: _lazy("tui.commands", "RecordCommands")}

    class RevisionRead(Message):
        def __init__(self, revision: int) -> None:
            self.revision = revision
            super().__init__()

    def __init__(
        self,
        ledger: Ledger,
        *,
        poll_seconds: float = POLL_SECONDS,
        first_listing: FirstListing | None = None,
        freeze_gc: bool = False,
    ) -> None:
        super().__init__()
        self._freeze_gc = freeze_gc
        self.ledger = ledger
        self.poll_seconds = poll_seconds
        self.revision: int | None = None
        self._first_listing = first_listing
        #: Published with the new revision when another process (or window) changed the ledger.
        self.ledger_changed: Signal[int] = Signal(self, "ledger-changed")
        self.theme = "textual-dark"
        #: Why the ledger cannot be written (a read-only file), or None. Said on opening,
        #: marked in the top bar, and given by every key that would change the ledger.
        self.read_only = files.read_only_problem(ledger.path) if ledger.path else None

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

    def take_first_rows(self) -> FirstRows | None:
        """The rows read at start-up for the first listing, once (asked for as late as
        possible, when the first screen is built, to give the reader time)."""
        first, self._first_listing = self._first_listing, None
        rows = first.take() if first is not None else None
        if rows is not None:
            # What the rows show is the ledger at this revision: a poll that read a later one
            # already, or reads one, makes the views read again.
            self.revision = rows.revision
        return rows

    # -- live refresh --------------------------------------------------------------------------

    def _poll(self) -> None:
        self._read_revision()

    @work(thread=True, exclusive=True, group="revision", exit_on_error=False)
    def _read_revision(self) -> None:
        # Busy or briefly unreadable: say nothing, the next poll will tell.
        with suppress(LedgerError):
            self.post_message(self.RevisionRead(self.ledger.revision()))

    def on_pledges_app_revision_read(self, message: RevisionRead) -> None:
        if self.revision is None:
            self.revision = message.revision
        elif message.revision != self.revision:
            self.revision = message.revision
            self.ledger_changed.publish(message.revision)

    # -- navigation ----------------------------------------------------------------------------

    def action_show_view(self, view: str) -> None:
        if view in VIEWS and view != self.current_mode:
            self.switch_mode(view)

    def action_help(self) -> None:
        help_screen = _lazy("tui.screens.help", "HelpScreen")
        if not isinstance(self.screen, help_screen):
            self.push_screen(help_screen())

    def open_record(self, record_type: str, key: str) -> None:
        """Show a record on top of the current view's stack (``escape`` comes back)."""
        screen_class = _lazy("tui.screens.records", "SCREENS").get(record_type)
        if screen_class is None:
            self.notify(f"{record_type} records have no screen", severity="warning", markup=False)
            return
        self.push_screen(screen_class(key, self.current_mode))

    def show_pledges(self, text: str) -> None:
        """Go to the Pledges view filtered by ``text`` (a query in the filter language)."""
        self.switch_mode("pledges")
        while len(self.screen_stack) > 1:
            self.pop_screen()
        view = self.screen_stack[0]
        if isinstance(view, PledgesView):
            view.filter_line.set_text(text)
            view.table.focus()

    # -- errors --------------------------------------------------------------------------------

    def report_error(self, error: BaseException) -> None:
        """A ledger error in its own words; anything else is a bug, shown as one."""
        if isinstance(error, LedgerError):
            self.notify(str(error), title="The ledger said", severity="error", markup=False)
        else:
            self.push_screen(
                ErrorDialog(
                    "Something went wrong (a bug in pledges, please report it)",
                    f"{type(error).__name__}: {error}\n\nNothing was written to the ledger.",
                )
            )

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
                _runner(self, binding.action, node),
            )


def _settle_gc() -> None:
    """After the first paint: what start-up made (modules, classes, the first screen) lives as
    long as the app, so leave it out of the collector's full passes, which otherwise cost tens
    of milliseconds in the middle of a keystroke's repaint; then collect as usual (the CLI
    turns collection off while it starts). Only for the process the CLI runs: a test process
    building many apps would keep every one of them."""
    gc.freeze()
    gc.enable()


def _lazy(module: str, name: str) -> Any:
    """``module.name``, imported on first use."""
    return getattr(importlib.import_module(module), name)


def _runner(app: App[object], action: str, node: object) -> object:
    async def run() -> None:
        await app.run_action(action, node)  # type: ignore[arg-type]

    return run
