"""The editing keys of the screens that show records (``n``, ``e``, ``d``, ``s``, ``y``,
``Y``): :class:`EditingScreen`, the base of the views and the record screens. The app's own
editing keys (``u``, ``ctrl+r``, ``i``, ``x``) are in :class:`tui.app.PledgesApp`.

Each key opens a modal (imported when first used, so start-up does not pay for them) and
handles its typed result: the message saying what was done (only ever after the commit),
:class:`~tui.messages.LedgerWritten` for the app, which reads the ledger's revision at once so
that every view refreshes, and the record shown: the cursor on it in a table, or its screen.
``y`` and ``Y`` post :class:`~tui.messages.Cite`: the app reads the citation and remembers
the last one, so that a second ``y`` on the same record shows it instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from db.api_types import BatchSummary
from db.record_types import WITH_STATUS
from db.vocab import RecordRef, RecordType

from .. import render
from ..ledger_app import LedgerApp
from ..messages import Cite, LedgerWritten, ShowPledges
from .base import LedgerScreen

if TYPE_CHECKING:
    from db.api_types import Impact
    from db.ledger import Ledger

    from ..editing.results import Deleted, Saved, StatusChanged

#: Seconds during which a second ``y`` on the same record shows the citation instead.
AGAIN = 15.0


def citation(ledger: Ledger, record_type: RecordType, key: str) -> str:
    """The citation ``y`` copies and ``Y`` shows (runs in a thread): plain text, with whatever
    the ledger holds in it (escape sequences, direction marks, line breaks in a title) made
    visible by the renderer's rule, as everywhere else in the UI."""
    from db.citation import cite
    from db.dates import today

    detail = ledger.pledge(key) if record_type == "pledge" else ledger.condition(key)
    return cite(detail, today(), shown=render.visible)


def refused_as_read_only(app: LedgerApp) -> bool:
    """Refuse a key that would change the ledger when the ledger is read-only, saying why
    (before any dialog opens, rather than after a change was typed in it)."""
    reason = app.read_only
    if not reason:
        return False
    if app.file_read_only:
        app.notify(
            f"This ledger is read-only: nothing can be changed here. {reason}.",
            title="Read-only",
            severity="warning",
            markup=False,
        )
    else:
        app.notify(f"{reason}.", title="Reading the past", severity="warning", markup=False)
    return True


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


class EditingScreen(LedgerScreen):
    """A screen that shows records, with the keys that change them.

    A screen says which record the keys act on (:meth:`current_record`), what ``n`` creates
    (:attr:`new_record_type`), and how to show a record after a write (:meth:`show_record`).
    """

    new_record_type: ClassVar[RecordType | None] = None

    def current_record(self) -> RecordRef | None:
        """The record under the cursor (or on screen), as (type, key)."""
        return None

    def show_record(self, record_type: RecordType, key: str, *, created: bool) -> None:
        """Put the cursor on the record just written (hook)."""

    def record_deleted(self, record_type: RecordType, key: str) -> None:
        """The record was deleted (hook: a record screen goes back)."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``n`` only where there is a kind of record to create. (``s`` and ``y`` on an actor or
        a source stay enabled, to say why they do nothing.)"""
        if action == "new_record":
            return self.new_record_type is not None
        return True

    def _record_or_say(self) -> RecordRef | None:
        record = self.current_record()
        if record is None:
            self.notify("no record here to act on", severity="warning", markup=False)
        return record

    def _record_to_change(self) -> RecordRef | None:
        """The record a key that writes acts on, unless the ledger is read-only (said)."""
        if refused_as_read_only(self.app):
            return None
        return self._record_or_say()

    # -- n, e ------------------------------------------------------------------------------------

    def action_new_record(self) -> None:
        from ..editing.form import RecordForm

        if self.new_record_type is not None and not refused_as_read_only(self.app):
            self.app.push_screen(RecordForm(self.new_record_type), self._saved)

    def action_edit_record(self) -> None:
        from ..editing.form import RecordForm

        record = self._record_to_change()
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
        from ..editing.status import StatusDialog

        record = self._record_to_change()
        if record is not None and self._pledge_or_condition(
            record, f"only pledges and conditions have a status, not {record[0]}s"
        ):
            self.app.push_screen(StatusDialog(*record), self._status_changed)

    def _pledge_or_condition(self, record: RecordRef, refusal: str) -> bool:
        """Whether ``record`` has a status (and a citation); if not, say ``refusal``."""
        if record[0] in WITH_STATUS:
            return True
        self.notify(refusal, severity="warning", markup=False)
        return False

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
        self.post_message(LedgerWritten())

    def _say_written(self, title: str, message: str) -> None:
        self.notify(render.one_line(message, 200), title=title, markup=False)

    def _offer_jump(self, title: str, impact: Impact, written: tuple[str, str]) -> None:
        from ..editing.impact import ImpactDone, jump_query

        def answered(show: bool | None) -> None:
            # The dialog said what was saved in its title; the toast comes after it, not over
            # its last lines (at 80x24 it lay on "enter lists ...; escape closes").
            self._say_written(*written)
            if show:
                self.post_message(ShowPledges(jump_query(impact)))

        self.app.push_screen(ImpactDone(title, impact), answered)

    # -- d ---------------------------------------------------------------------------------------

    def action_delete_record(self) -> None:
        from ..editing.delete import DeleteDialog

        record = self._record_to_change()
        if record is not None:
            self.app.push_screen(DeleteDialog(*record), self._deleted)

    def _deleted(self, result: Deleted | None) -> None:
        if result is None:
            return
        self._written("Deleted", result.message)
        self.record_deleted(result.record_type, result.key)

    # -- y, Y ------------------------------------------------------------------------------------

    def action_cite(self) -> None:
        self._cite(show=False)

    def action_show_citation(self) -> None:
        self._cite(show=True)

    def _cite(self, *, show: bool) -> None:
        record = self._record_or_say()
        if record is not None and self._pledge_or_condition(
            record, "citations are for pledges and conditions"
        ):
            self.post_message(Cite(*record, show=show))
