"""Deleting a record (``d``): a question naming the record, and, if other records still refer
to it, the list of them instead of a deletion."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from db.errors import ConflictError, LedgerError, NotFoundError, ReferencedError
from db.vocab import RecordType

from .. import keys, render
from ..widgets.key_footer import KeyFooter
from .dialogs import LedgerDialog, MessageDialog
from .form import read_record
from .results import Deleted

#: Referrers listed by name; the rest are counted.
LISTED = 200


def referrers(error: ReferencedError) -> list[Any]:
    items: list[Any] = [
        render.assemble((f"{kind:<10}", render.MUTED), (key, render.KEY_STYLE))
        for kind, key in error.referenced_by[:LISTED]
    ]
    rest = len(error.referenced_by) - LISTED
    if rest > 0:
        items.append(render.plain(f"\u2026 and {rest:,} more", render.MUTED))
    return items


class DeleteDialog(LedgerDialog[Deleted | None]):
    BINDINGS: ClassVar = [keys.binding("form.yes"), keys.binding("form.no")]
    DEFAULT_CSS = """
    DeleteDialog > .dialog { border: round $error; }
    DeleteDialog #delete-line { color: $foreground-muted; margin-top: 1; }
    """

    class Read(Message):
        def __init__(self, name: str, version: int) -> None:
            self.name = name
            self.version = version
            super().__init__()

    def __init__(self, record_type: RecordType, key: str) -> None:
        super().__init__()
        self.record_type = record_type
        self.key = key
        self.version: int | None = None
        self._deleting = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                render.assemble(
                    render.ui(f"Delete {self.record_type} "), (self.key, render.KEY_STYLE), "?"
                ),
                classes="dialog-title",
            )
            yield Static(render.plain("reading\u2026", render.MUTED), id="delete-name")
            yield Static(
                render.ui(
                    "y deletes it (u undoes a deletion) \u00b7 n keeps it. A record that others "
                    "still refer to is not deleted: you will see which records do."
                ),
                id="delete-line",
            )
        yield KeyFooter()

    def on_mount(self) -> None:
        self._read(self.record_type, self.key)

    @work(thread=True, exclusive=True, group="delete-read", exit_on_error=False)
    def _read(self, record_type: RecordType, key: str) -> None:
        try:
            state, version = read_record(self.ledger, record_type, key)
        except NotFoundError as error:
            self.post_message(self.Failed(error))
            return
        self.post_message(self.Read(str(state.get("title") or state.get("name") or ""), version))

    @on(Read)
    def _got(self, message: Read) -> None:
        self.version = message.version
        self.query_one("#delete-name", Static).update(
            render.assemble((message.name, "bold"), (f"   version {message.version}", render.MUTED))
        )

    def action_yes(self) -> None:
        if self.version is None or self._deleting:
            return
        self._deleting = True
        self.query_one("#delete-line", Static).update(render.plain("deleting\u2026"))
        self._delete(self.record_type, self.key, self.version)

    @work(thread=True, exclusive=True, group="delete", exit_on_error=False)
    def _delete(self, record_type: RecordType, key: str, version: int) -> None:
        try:
            summary = self.ledger.delete(record_type, key, version=version)
        except LedgerError as error:
            self.post_message(self.Failed(error))
            return
        self.post_message(self.Committed(summary))

    @on(LedgerDialog.Committed)
    def _committed(self, message: LedgerDialog.Committed) -> None:
        self.dismiss(Deleted(self.record_type, self.key, message.summary))

    @on(LedgerDialog.Failed)
    def _failed(self, message: LedgerDialog.Failed) -> None:
        error = message.error
        self.dismiss(None)
        name = f"{self.record_type} {self.key}"
        if isinstance(error, ReferencedError):
            count = render.count(len(error.referenced_by), "record")
            dialog = MessageDialog(
                "Not deleted",
                f"{name} is still referenced by {count}; nothing was deleted. Remove the "
                "references first (edit those records), then delete it.",
                referrers(error),
            )
        elif isinstance(error, ConflictError):
            dialog = MessageDialog("Not deleted", f"{error}. Look at it again before deleting it.")
        else:
            dialog = MessageDialog("Not deleted", str(error))
        self.app.push_screen(dialog)

    def action_no(self) -> None:
        if not self._deleting:
            self.dismiss(None)
