"""How the UI reports what went wrong: a ledger error is a notification in its own words, a bug
is a dialog. Neither is ever a traceback, and neither parses the message as markup."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from db.errors import LedgerError

from . import render


def report_error(app: App[object], error: BaseException) -> None:
    """A ledger error in its own words; anything else is a bug, shown as one."""
    if isinstance(error, LedgerError):
        app.notify(str(error), title="The ledger said", severity="error", markup=False)
    else:
        app.push_screen(
            ErrorDialog(
                "Something went wrong (a bug in pledges, please report it)",
                f"{type(error).__name__}: {error}\n\nNothing was written to the ledger.",
            )
        )


class ReportsErrors:
    """Mixin for widgets and screens with workers: a failed worker is reported to the analyst.

    (Textual's ``Worker.StateChanged`` does not bubble, so each node that runs workers listens.)
    """

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state == WorkerState.ERROR and worker.error is not None:
            self.worker_failed(worker, worker.error)
            report_error(worker.node.app, worker.error)

    def worker_failed(self, worker: Worker[Any], error: BaseException) -> None:
        """Hook: put state right after a failed worker (the error is reported anyway)."""


class ErrorDialog(ModalScreen[None]):
    """Something the UI did not expect: what it was, and that nothing was lost."""

    BINDINGS: ClassVar = [("escape,enter,q", "dismiss", "Close")]
    DEFAULT_CSS = """
    ErrorDialog { align: center middle; }
    ErrorDialog > Vertical {
        width: 80%; max-width: 100; height: auto; max-height: 80%;
        border: thick $error; background: $surface; padding: 1 2;
    }
    """

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self.title_text = title
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(render.plain(self.title_text, "bold $text-error"), markup=False)
            yield Static(render.paragraph(self.message), markup=False)
            yield Static(render.plain("escape to close", render.MUTED), markup=False)
