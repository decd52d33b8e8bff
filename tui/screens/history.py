"""View 5, History: the change log across the whole ledger, newest first.

The log only grows, so it is read a page at a time as the cursor nears the end of what is
loaded. ``/`` filters in the ledger, by field (``recorded:-7d author:ana type:pledge
action:status is:undone``, :mod:`db.history_query`) and by words (record key, author, note,
batch label, type, action). Undone changes and undos are marked in the Action column.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import on, work
from textual.message import Message

from db import history_query
from db.api_types import ChangeEntry
from db.vocab import RecordType

from .. import render
from ..widgets.line_table import Column
from ..widgets.list_table import ListRow
from .lists import RecordsView

PAGE = 200
#: Start reading the next page when the cursor is this close to the end of what is loaded.
MARGIN = 40


def what_changed(entry: ChangeEntry) -> str:
    """One line: ``created: <title>``, ``deleted``, or the fields that changed."""
    if entry.action in ("create", "delete"):
        named = entry.changes.get("title") or entry.changes.get("name")
        value = (named[1] if entry.action == "create" else named[0]) if named else None
        verb = "created" if entry.action == "create" else "deleted"
        return f"{verb}: {render.one_line(str(value))}" if value else verb
    return render.change_summary(entry.changes)


def _action(entry: ChangeEntry) -> tuple[str, str]:
    """The Action cell: the action, and whether it stands (an undo's own entry, an undone one
    and a redo are marked so that the log never reads an undone change as evidence)."""
    if entry.batch_kind == "undo":
        return f"undo {entry.action}", render.MUTED
    if entry.undone:
        return f"{entry.action} undone", render.MUTED
    if entry.batch_kind == "redo":
        return f"redo {entry.action}", ""
    return entry.action, ""


def evidence_text(entry: ChangeEntry) -> str:
    """A change's evidence on one line: its note and its source."""
    return " \u00b7 ".join(
        part
        for part in (
            entry.note and render.one_line(entry.note),
            entry.source and f"source {entry.source}",
        )
        if part
    )


def entry_row(entry: ChangeEntry, index: int) -> ListRow:
    evidence = evidence_text(entry)
    return ListRow(
        "entry",
        f"{entry.batch}:{index}",
        (
            (render.timestamp(entry.recorded_at).removesuffix(" UTC"), render.MUTED),
            (entry.effective or "", ""),
            (render.visible(entry.author), ""),
            (f"{entry.record_type} {render.visible(entry.record_key)}", ""),
            _action(entry),
            (what_changed(entry), ""),
            (evidence, render.MUTED),
        ),
        (),
        opens=(entry.record_type, entry.record_key),
    )


class HistoryView(RecordsView):
    view = "history"
    noun = "change"
    sortable = False
    filter_parser = staticmethod(history_query.parse)
    filter_placeholder = (
        "/ filter: recorded:-7d author:NAME type:pledge action:status is:undone, or words"
    )
    # Who and when stay at 80 columns: "what changed this week, and who did it" is the view's
    # question. The note goes first, then the effective date.
    columns = (
        Column("recorded", "Recorded UTC", 16),
        Column("effective", "Effective", 10, priority=3),
        Column("author", "Who", 8),
        Column("record", "Record", 24, grow=28, cut="middle"),
        Column("action", "Action", 13),
        Column("changes", "What changed", 0),
        Column("evidence", "Note / source", 0, priority=5, min_width=16),
    )

    class Entries(Message):
        def __init__(
            self, text: str, entries: Sequence[ChangeEntry], more: bool, append: bool
        ) -> None:
            self.text = text
            self.entries = entries
            self.more = more
            self.append = append
            super().__init__()

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[ChangeEntry] = []
        self.text = ""
        self.more = False
        self._reading_more = False

    def reload(self) -> None:
        self._read(self.text, None, 0)

    @work(thread=True, exclusive=True, group="history", exit_on_error=False)
    def _read(self, text: str, before: int | None, skip: int) -> None:
        # The ledger pages the log by batch (before_batch is exclusive), and a page can end
        # part-way through a batch. So the next page starts again at that batch and skips the
        # entries of it already shown; the log is append-only and ordered, so they come first.
        entries = self.ledger.activity(limit=PAGE + skip, before_batch=before, text=text or None)
        more = len(entries) == PAGE + skip
        self.post_message(self.Entries(text, entries[skip:], more, append=before is not None))

    @on(Entries)
    def _entries(self, message: Entries) -> None:
        self._reading_more = False
        if message.text != self.text:
            return
        self.entries = (
            self.entries + list(message.entries) if message.append else list(message.entries)
        )
        self.more = message.more and bool(message.entries)
        self.table.set_rows([entry_row(e, i) for i, e in enumerate(self.entries)])
        self.filter_line.show_status(
            f"{render.count(len(self.entries), 'change')}{' so far' if self.more else ''}, newest first"
            + (f" \u00b7 matching {render.one_line(self.text, 80)}" if self.text else "")
        )
        self._maybe_more()

    def show_record(self, record_type: RecordType, key: str, *, created: bool) -> None:
        """The change just made is the newest entry: the History view shows the top."""
        self.table.move_cursor(0)

    def filter_changed(self, text: str) -> None:
        self.text = text
        self.filter_line.show_status("reading\u2026")
        self._read(self.text, None, 0)

    def on_line_table_highlighted(self) -> None:
        self._maybe_more()

    def _maybe_more(self) -> None:
        if not self.more or self._reading_more or not self.entries:
            return
        if (
            self.table.cursor < len(self.entries) - MARGIN
            and self.table.last_visible < len(self.entries) - MARGIN
        ):
            return
        self._reading_more = True
        last = self.entries[-1].batch
        shown_of_last = sum(1 for e in self.entries if e.batch == last)
        self._read(self.text, last + 1, shown_of_last)
