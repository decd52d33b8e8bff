"""The editing keys, as mixins: :class:`EditsRecords` for the views and record screens (``n``,
``e``, ``d``, ``s``, ``y``, ``Y``) and :class:`EditsLedger` for the app (``u``, ``ctrl+r``,
``i``, ``x``).

Each key opens a modal (imported when first used, so start-up does not pay for them) and
handles its typed result: the message saying what was done (only ever after the commit), a
prompt read of the ledger's revision so that every view refreshes at once, and the record
shown: the cursor on it in a table, or its screen.

Handlers use Textual's naming convention (``on_citation_read``), not ``@on``: a mixin is not
a message pump, so decorated handlers in it would never be registered.
"""

from __future__ import annotations

import time
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from textual.message import Message

from db.errors import LedgerError, NothingToUndoError, UndoConflictError
from db.records import BatchSummary

from .. import render

if TYPE_CHECKING:
    from db.fixtures import ImportReport
    from db.ledger import Ledger

    from ..app import PledgesApp
    from .results import Deleted, Saved, StatusChanged
    from .transfer import Exported, ImportInputs

#: Seconds during which a second ``y`` on the same record shows the citation instead.
AGAIN = 15.0
STATUS_TYPES = ("pledge", "condition")


def citation(ledger: Ledger, record_type: str, key: str) -> str:
    """The citation ``y`` copies and ``Y`` shows (runs in a thread): plain text, with whatever
    the ledger holds in it (escape sequences, direction marks, line breaks in a title) made
    visible by the renderer's rule, as everywhere else in the UI."""
    from db.citation import cite
    from db.dates import today

    detail = ledger.pledge(key) if record_type == "pledge" else ledger.condition(key)
    return cite(detail, today(), shown=render.visible)


def refused_as_read_only(app: Any) -> bool:
    """Refuse a key that would change the ledger when the ledger is read-only, saying why
    (before any dialog opens, rather than after a change was typed in it)."""
    reason = getattr(app, "read_only", None)
    if not reason:
        return False
    app.notify(
        f"This ledger is read-only: nothing can be changed here. {reason}.",
        title="Read-only",
        severity="warning",
        markup=False,
    )
    return True


class CitationRead(Message):
    def __init__(self, record_type: str, key: str, text: str, show: bool) -> None:
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


def reversed_message(kind: str, summary: BatchSummary) -> str:
    """What an undo or redo did, said as what the ledger now holds, and what it left: the
    records kept (undo in part) and the changes passed over (undo of the one before)."""
    done = "Undone" if kind == "undo" else "Redone"
    what = render.one_line(summary.label.removeprefix(f"{kind}: "), 120)
    again = "ctrl+r redoes it" if kind == "undo" else "u undoes it again"
    lines = [f"{done}: {what} ({again})."]
    lines += [f"{render.one_line(line, 160)}." for line in summary.outcome[:3]]
    if len(summary.outcome) > 3:
        lines.append(f"({len(summary.outcome) - 3} more records changed.)")
    for kept in summary.kept[:3]:
        lines.append(f"Kept as it is: {render.one_line(kept, 200)}.")
    if len(summary.kept) > 3:
        lines.append(f"(and {len(summary.kept) - 3} more records kept)")
    for skipped in summary.skipped[:3]:
        lines.append(f"Left for now: {render.one_line(skipped, 200)}.")
    return "\n".join(lines)


class EditsRecords:
    """For screens that show records: the keys that change them.

    A screen says which record the keys act on (:meth:`current_record`), what ``n`` creates
    (:attr:`new_record_type`), and how to show a record after a write (:meth:`show_record`).
    """

    new_record_type: ClassVar[str | None] = None
    app: PledgesApp

    def current_record(self) -> tuple[str, str] | None:
        """The record under the cursor (or on screen), as (type, key)."""
        return None

    def show_record(self, record_type: str, key: str, *, created: bool) -> None:
        """Put the cursor on the record just written (hook)."""

    def record_deleted(self, record_type: str, key: str) -> None:
        """The record was deleted (hook: a record screen goes back)."""

    def edit_action_state(self, action: str) -> bool | None:
        """For ``check_action``: ``n`` only where there is a kind of record to create. (``s`` and
        ``y`` on an actor or a source stay enabled, to say why they do nothing.)"""
        if action == "new_record":
            return self.new_record_type is not None
        return True

    def _record_or_say(self) -> tuple[str, str] | None:
        record = self.current_record()
        if record is None:
            self.app.notify("no record here to act on", severity="warning", markup=False)
        return record

    # -- n, e ------------------------------------------------------------------------------------

    def action_new_record(self) -> None:
        from .form import RecordForm

        if self.new_record_type is not None and not refused_as_read_only(self.app):
            self.app.push_screen(RecordForm(self.new_record_type), self._saved)

    def action_edit_record(self) -> None:
        from .form import RecordForm

        if refused_as_read_only(self.app):
            return
        record = self._record_or_say()
        if record is not None:
            self.app.push_screen(RecordForm(*record), self._saved)

    def _saved(self, result: Saved | None) -> None:
        if result is None:
            return
        title = "Saved" if result.summary.entries else "Unchanged"
        jump = result.impact is not None
        self._written(title, result.message, say=not jump)
        self.show_record(result.record_type, result.key, created=result.created)
        if result.impact is not None:
            self._offer_jump(
                f"{result.record_type} {result.key} saved", result.impact, (title, result.message)
            )

    # -- s ---------------------------------------------------------------------------------------

    def action_change_status(self) -> None:
        from .status import StatusDialog

        if refused_as_read_only(self.app):
            return
        record = self._record_or_say()
        if record is None:
            return
        if record[0] not in STATUS_TYPES:
            self.app.notify(
                f"only pledges and conditions have a status, not {record[0]}s",
                severity="warning",
                markup=False,
            )
            return
        self.app.push_screen(StatusDialog(*record), self._status_changed)

    def _status_changed(self, result: StatusChanged | None) -> None:
        if result is None:
            return
        jump = result.impact is not None and bool(result.impact.changed)
        self._written("Saved", result.message, say=not jump)
        self.show_record(result.record_type, result.key, created=False)
        if result.impact is not None and jump:
            self._offer_jump(
                f"Condition {result.key} is now {result.status}",
                result.impact,
                ("Saved", result.message),
            )

    def _written(self, title: str, message: str, *, say: bool = True) -> None:
        """After a commit: say what was written (unless a dialog about it follows), and have
        every view read the ledger again."""
        if say:
            self._say_written(title, message)
        self.app.ledger_written()

    def _say_written(self, title: str, message: str) -> None:
        self.app.notify(render.one_line(message, 200), title=title, markup=False)

    def _offer_jump(self, title: str, impact: Any, written: tuple[str, str]) -> None:
        from .impact import ImpactDone, jump_query

        def answered(show: bool | None) -> None:
            # The dialog said what was saved in its title; the toast comes after it, not over
            # its last lines (at 80x24 it lay on "enter lists ...; escape closes").
            self._say_written(*written)
            if show:
                self.app.show_pledges(jump_query(impact))

        self.app.push_screen(ImpactDone(title, impact), answered)

    # -- d ---------------------------------------------------------------------------------------

    def action_delete_record(self) -> None:
        from .delete import DeleteDialog

        if refused_as_read_only(self.app):
            return
        record = self._record_or_say()
        if record is not None:
            self.app.push_screen(DeleteDialog(*record), self._deleted)

    def _deleted(self, result: Deleted | None) -> None:
        if result is None:
            return
        self._written("Deleted", result.message)
        self.record_deleted(result.record_type, result.key)

    # -- y, Y ------------------------------------------------------------------------------------

    def action_cite(self) -> None:
        record = self._record_or_say()
        if record is None:
            return
        if record[0] not in STATUS_TYPES:
            self.app.notify(
                "citations are for pledges and conditions", severity="warning", markup=False
            )
            return
        last = self.app.last_citation
        if last is not None and last[:2] == record and time.monotonic() - last[3] < AGAIN:
            self._show_citation(*record, last[2])
            return
        self._read_citation(*record, show=False)

    def action_show_citation(self) -> None:
        record = self._record_or_say()
        if record is None:
            return
        if record[0] not in STATUS_TYPES:
            self.app.notify(
                "citations are for pledges and conditions", severity="warning", markup=False
            )
            return
        self._read_citation(*record, show=True)

    def _read_citation(self, record_type: str, key: str, *, show: bool) -> None:
        ledger = self.app.ledger

        def read() -> None:
            text = citation(ledger, record_type, key)
            self.app.post_message(CitationRead(record_type, key, text, show))

        self.app.run_worker(
            read, thread=True, exclusive=True, group="citation", exit_on_error=False
        )

    def _show_citation(self, record_type: str, key: str, text: str) -> None:
        from .dialogs import CitationDialog

        self.app.clear_notifications()
        self.app.push_screen(CitationDialog(f"Citation of {record_type} {key}", text))


class EditsLedger:
    """For the app: undo and redo, import and export, and what every write does afterwards."""

    #: (record type, key, text, when) of the last citation copied.
    last_citation: tuple[str, str, str, float] | None = None
    #: What was last typed in the import dialog (files, CSV columns, columns to skip): ``i``
    #: opens it again with that, for the rest of the session.
    import_inputs: ImportInputs | None = None

    def ledger_written(self: Any) -> None:
        """A write committed: read the revision now, so that every view refreshes at once."""
        self._read_revision()

    # -- citations (read by a screen's worker, copied here) -------------------------------------

    def on_citation_read(self: Any, message: CitationRead) -> None:
        if message.show:
            from .dialogs import CitationDialog

            # The "Copied" toast of an earlier y would lie on top of the window.
            self.clear_notifications()
            self.push_screen(
                CitationDialog(f"Citation of {message.record_type} {message.key}", message.text)
            )
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

    # -- undo and redo ---------------------------------------------------------------------------

    def action_undo(self: Any) -> None:
        self._reverse("undo")

    def action_redo(self: Any) -> None:
        self._reverse("redo")

    def _reverse(self: Any, kind: str, way: str | None = None) -> None:
        if refused_as_read_only(self):
            return
        ledger = self.ledger

        def run() -> None:
            try:
                if kind == "undo":
                    summary = ledger.undo(partial=way == "partial", skip=way == "skip")
                else:
                    summary = ledger.redo()
            except LedgerError as error:
                self.post_message(Reversed(kind, None, error))
                return
            self.post_message(Reversed(kind, summary))

        self.run_worker(run, thread=True, exclusive=True, group="undo", exit_on_error=False)

    def on_reversed(self: Any, message: Reversed) -> None:
        error = message.error
        if isinstance(error, NothingToUndoError):
            self.notify(str(error), severity="warning", markup=False)
            return
        if isinstance(error, UndoConflictError) and message.kind == "undo":
            from .dialogs import UndoRefusedDialog

            def chosen(way: str | None) -> None:
                if way is not None:
                    self._reverse("undo", way)

            self.push_screen(UndoRefusedDialog(str(error), error.ADVICE), chosen)
            return
        if error is not None:
            from .dialogs import MessageDialog

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
        self.ledger_written()

    # -- import and export -----------------------------------------------------------------------

    def action_import_fixtures(self: Any) -> None:
        from .transfer import ImportDialog, ImportInputs

        if refused_as_read_only(self):
            return
        if self.import_inputs is None:
            self.import_inputs = ImportInputs()
        self.push_screen(ImportDialog(self.import_inputs), partial(_imported, self))

    def action_export_fixtures(self: Any) -> None:
        from ..screens.pledges import PledgesView
        from .transfer import ExportDialog

        screen = self.screen
        current = screen.table.query.source if isinstance(screen, PledgesView) else ""
        self.push_screen(ExportDialog(current), partial(_exported, self))


def _imported(app: Any, report: ImportReport | None) -> None:
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
            from ..import_changes import summary

            text += f". Changed: {summary(report.updates)}"
    else:
        text = f"Imported {names}: nothing changed, the ledger already held it all"
    app.notify(render.one_line(text, 300), title="Imported", markup=False)
    app.ledger_written()


def _exported(app: Any, exported: Exported | None) -> None:
    if exported is not None:
        app.notify(render.one_line(exported.message, 300), title="Exported", markup=False)
