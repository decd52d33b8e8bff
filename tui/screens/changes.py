"""What changed between two dates (``D``, or the palette): the records that changed, grouped by
kind of change (made, changed, deleted; with a filter, the pledges that entered, changed within
or left its results), each with its status change and its evidence.

The filter line takes the query language of the Pledges view: the diff is then that of the
query (:meth:`db.ledger.Ledger.changes`). ``enter`` shows the record then and now side by side,
with the evidence of the change; from there ``enter`` again opens the record.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Static

from db.changes import RecordChange
from db.dates import today
from db.past import ReadingError, reading_date
from db.query import parse

from .. import keys, render
from ..editing.dialogs import Dialog
from ..messages import OpenRecord
from ..widgets.key_footer import KeyFooter
from ..widgets.line_table import Column, LineTable
from ..widgets.list_table import ListRow
from .base import Crumb
from .history import evidence_text
from .lists import RecordsView

#: How each kind of change is said, without and with a query.
_WORDS = {"added": "made", "changed": "changed", "removed": "deleted"}
_QUERY_WORDS = {"added": "entered", "changed": "changed", "removed": "left"}


def change_row(change: RecordChange, queried: bool) -> ListRow:
    words = _QUERY_WORDS if queried else _WORDS
    status = change.status_change
    said = ""
    if status is not None:
        old, new = status
        none = "\u2014"
        said = f"{old or none} \u2192 {new or none}"
    fields = ", ".join(name for name in change.fields if name != "status")
    evidence = evidence_text(change.evidence[-1]) if change.evidence else ""
    style = {"added": "$text-success", "removed": "$text-error"}.get(change.change, "")
    return ListRow(
        change.record_type,
        f"{change.record_type}:{change.key}",
        (
            (words[change.change], style),
            (f"{change.record_type} {render.visible(change.key)}", ""),
            (render.one_line(change.title), ""),
            (said, ""),
            (fields, render.MUTED),
            (evidence, render.MUTED),
        ),
        (),
        opens=(change.record_type, change.key),
    )


class ChangesView(RecordsView):
    """The diff of the ledger (or of a query) from the end of one date to the end of another."""

    view = "pledges"
    noun = "record changed"
    sortable = False
    filter_parser = staticmethod(parse)
    filter_placeholder = "/ filter: the pledges' query language (status:committed pledger:FRA+)"
    BINDINGS: ClassVar = [
        *keys.bindings("view", without={"view.facets", "view.clear"}),
        keys.binding("record.back"),
    ]
    columns = (
        Column("change", "Change", 8),
        Column("record", "Record", 26, grow=30, cut="middle"),
        Column("title", "Title", 0, priority=4, min_width=16),
        Column("status", "Status", 26, priority=2),
        Column("fields", "Fields", 14, priority=5),
        Column("evidence", "Evidence", 0, priority=6, min_width=16),
    )

    def __init__(self, earlier: str, later: str, view: str, known_on: str | None = None) -> None:
        super().__init__()
        self.earlier, self.later, self.known_on = earlier, later, known_on
        self.view = view
        self.text = ""
        self.changes: list[RecordChange] = []

    def trail(self) -> list[Crumb]:
        return [("Changes", f"{self.earlier} \u2192 {self.later}")]

    def fetch(self) -> list[ListRow]:
        query = parse(self.text) if self.text else None
        found = self.ledger.changes(self.earlier, self.later, query, known_on=self.known_on)
        self.changes = found
        return [change_row(c, query is not None) for c in found]

    def filter_changed(self, text: str) -> None:
        self.text = text
        self.reload()

    def _count(self) -> None:
        window = f"from the end of {self.earlier} to the end of {self.later}"
        counted = render.count(len(self.table.rows), "record")
        what = f" matching {render.one_line(self.text, 60)}" if self.text else ""
        self.filter_line.show_status(f"{counted}{what} changed {window}")

    @on(LineTable.Opened, "#list-table")
    def _compare(self, event: LineTable.Opened) -> None:
        event.stop()
        event.prevent_default()  # the records views' own handler would open the record
        index = self.table.cursor
        if 0 <= index < len(self.table.shown):
            row = self.table.shown[index]
            found = [c for c in self.changes if f"{c.record_type}:{c.key}" == row.key]
            if found:
                self.app.push_screen(ThenAndNow(found[0], self.earlier, self.later))

    def action_back(self) -> None:
        self.dismiss()


class ThenAndNow(Dialog[None]):
    """A changed record at both dates, field by field, and the evidence of its change."""

    BINDINGS: ClassVar = [keys.binding("form.open-record"), keys.binding("form.close")]
    DEFAULT_CSS = """
    ThenAndNow .dialog-body { max-height: 30; }
    ThenAndNow .changed { text-style: bold; }
    """

    def __init__(self, change: RecordChange, earlier: str, later: str) -> None:
        super().__init__()
        self.change, self.earlier, self.later = change, earlier, later

    def compose(self) -> ComposeResult:
        change = self.change
        with Vertical(classes="dialog"):
            yield Static(
                render.ui(f"{change.record_type} {render.visible(change.key)}"),
                classes="dialog-title",
            )
            with VerticalScroll(classes="dialog-body"):
                yield Static(render.plain(f"{'field':<14} {self.earlier:<30} {self.later}"))
                for name, old, new in _side_by_side(change):
                    mark = "\u2022 " if old != new else "  "
                    yield Static(
                        render.plain(f"{mark}{name:<12} {_cell(old):<30} {_cell(new)}"),
                        classes="changed" if old != new else "",
                    )
                if change.evidence:
                    yield Static(render.plain("evidence:", render.LABEL_STYLE))
                for entry in change.evidence:
                    text = f"  {entry.effective or entry.recorded_at[:10]}  {entry.action}"
                    if entry.note:
                        text += f"  \u201c{render.one_line(entry.note, 200)}\u201d"
                    if entry.source:
                        text += f"  [{entry.source}]"
                    text += f"  recorded by {render.one_line(entry.author, 40)}"
                    yield Static(render.plain(text))
        yield KeyFooter()

    def action_open_record(self) -> None:
        self.dismiss()
        self.post_message(OpenRecord(self.change.record_type, self.change.key))

    def action_cancel(self) -> None:
        self.dismiss()


def _side_by_side(change: RecordChange) -> list[tuple[str, Any, Any]]:
    before, after = change.before or {}, change.after or {}
    names = list(dict.fromkeys([*before, *after]))
    return [(name, before.get(name), after.get(name)) for name in names]


def _cell(value: Any, width: int = 30) -> str:
    if value is None or value == []:
        return "\u2014"
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return render.one_line(text, width)


class ChangesDialog(Dialog[tuple[str, str] | None]):
    """The two dates of a diff: from (default: a week ago) and to (default: today)."""

    BINDINGS: ClassVar = [keys.binding("form.read"), keys.binding("form.cancel")]
    DEFAULT_CSS = """
    ChangesDialog Input { width: 30; }
    ChangesDialog .field-error { color: $text-error; height: auto; }
    """

    def __init__(self, earlier: str = "-1w", later: str | None = None) -> None:
        super().__init__()
        self.earlier, self.later = earlier, later

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(render.ui("What changed between two dates"), classes="dialog-title")
            yield Static(render.ui("From the end of (a date, or -1w, -3m ago):"))
            yield Input(value=self.earlier, id="from")
            yield Static(render.ui("To the end of (empty: today):"))
            yield Input(value=self.later or "", placeholder="today", id="to")
            yield Static("", id="error", classes="field-error", markup=False)
        yield KeyFooter()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_read()

    def action_read(self) -> None:
        try:
            earlier = reading_date(self.query_one("#from", Input).value)
            text = self.query_one("#to", Input).value.strip()
            later = reading_date(text) if text else today()
        except ReadingError as error:
            self.query_one("#error", Static).update(render.plain(str(error)))
            return
        from db.dates import bounds

        if bounds(earlier)[1] > bounds(later)[1]:
            message = f"from ({earlier}) is after to ({later}): give the earlier date first"
            self.query_one("#error", Static).update(render.plain(message))
            return
        self.dismiss((earlier, later))

    def action_cancel(self) -> None:
        self.dismiss(None)
