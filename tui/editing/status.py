"""Changing the status of a pledge or a condition (``s``), with its evidence.

The dialog lists the vocabulary with each definition, takes the effective date (today unless
said otherwise), a note and a source (chosen, or created on the spot), and says before anything
is saved that a status change needs a note or a source. For a condition, the impact of the
chosen status on the pledges that depend on it is shown as soon as the status is highlighted,
so that resolving one (met, failed, waived) is never done blind.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from db.api_types import Impact
from db.dates import PartialDateError, parse_partial_date
from db.dates import today as today_date
from db.errors import (
    ConflictError,
    LedgerError,
    NotFoundError,
    nearest,
)
from db.record_types import KINDS
from db.vocab import RecordType

from .. import render
from ..widgets.key_footer import KeyFooter
from .choices import Choice, load_choices
from .dialogs import FieldsDialog, LedgerDialog, MessageDialog
from .fields import FormField, PickInput
from .form import EVIDENCE, RecordForm
from .form_fields import EFFECTIVE, NOTE, SOURCE_REF
from .impact import ImpactPanel, ImpactRead
from .results import Picked, StatusChanged

if TYPE_CHECKING:
    from db.ledger import Ledger


KEYS_LINE = (
    "\u2191\u2193 status \u00b7 tab: date, note, source \u00b7 ctrl+s save \u00b7 esc cancel"
)


@dataclass(frozen=True, slots=True)
class Current:
    """The record as the dialog read it."""

    title: str
    status: str
    since: str | None
    version: int


def read_current(ledger: Ledger, record_type: RecordType, key: str) -> Current:
    """(Runs in a thread.)"""
    if record_type == "pledge":
        p = ledger.pledge(key)
        return Current(p.pledge.title, p.pledge.status, p.status_since, p.version)
    c = ledger.condition(key)
    return Current(c.condition.title, c.condition.status, c.status_since, c.version)


class StatusDialog(FieldsDialog[StatusChanged | None]):
    body_id = "status-body"
    DEFAULT_CSS = """
    StatusDialog > .dialog { height: 100%; max-height: 100%; max-width: 120; width: 100%; }
    StatusDialog #status-body { height: 1fr; }
    /* One line per status and for the record: at 80x24 the impact under the statuses must
       be in view while one is chosen. */
    StatusDialog #status-now { text-wrap: nowrap; text-overflow: ellipsis; }
    StatusDialog #status-options {
        height: auto; max-height: 10; border: none; padding: 0;
        text-wrap: nowrap; text-overflow: ellipsis;
    }
    StatusDialog #status-options:focus { background: $boost; }
    StatusDialog .status-label { color: $foreground-muted; }
    StatusDialog #evidence-rule { margin-top: 1; }
    StatusDialog #evidence-rule.-error { color: $text-error; text-style: bold; }
    StatusDialog #status-change { height: 1; margin-top: 1; }
    StatusDialog #status-line { height: auto; color: $foreground-muted; }
    StatusDialog #status-line.-error { color: $text-error; }
    """

    class Read(Message):
        def __init__(self, current: Current, sources: list[Choice]) -> None:
            self.current = current
            self.sources = sources
            super().__init__()

    class Missing(Message):
        def __init__(self, error: NotFoundError) -> None:
            self.error = error
            super().__init__()

    def __init__(self, record_type: RecordType, key: str) -> None:
        super().__init__()
        self.record_type = record_type
        self.key = key
        self.words = KINDS[record_type].statuses
        self.current: Current | None = None
        self.sources: list[Choice] = []
        self.impact: Impact | None = None
        self._saving = False
        self._save_when_read = False
        #: The status line says why ctrl+s was refused (kept up to date as the fields change).
        self._refused = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                render.assemble(
                    render.ui(f"Change the status of {self.record_type} "),
                    (self.key, render.KEY_STYLE),
                ),
                classes="dialog-title",
            )
            with VerticalScroll(id="status-body", can_focus=False):
                yield Static(render.plain("reading\u2026", render.MUTED), id="status-now")
                yield Static(render.ui("New status"), classes="status-label")
                yield OptionList(id="status-options")
                if self.record_type == "condition":
                    # The change itself is spelled out under the body (#status-change).
                    yield ImpactPanel(heading=False)
                yield FormField(EFFECTIVE, today_date())
                yield FormField(NOTE)
                yield FormField(SOURCE_REF)
                yield Static(
                    render.ui(
                        "A status change needs evidence: a note, a source, or both. "
                        "The source can be created here (enter in its field)."
                    ),
                    id="evidence-rule",
                )
            yield Static(id="status-change")
            yield Static(id="status-line")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#status-body").disabled = True
        self._read(self.record_type, self.key)

    # -- reading ---------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="status-read", exit_on_error=False)
    def _read(self, record_type: RecordType, key: str) -> None:
        try:
            current = read_current(self.ledger, record_type, key)
        except NotFoundError as error:
            self.post_message(self.Missing(error))
            return
        sources = load_choices(self.ledger, ["source"])["source"]
        self.post_message(self.Read(current, sources))

    @on(Read)
    def _got(self, message: Read) -> None:
        first = self.current is None
        self.current = message.current
        self.sources = message.sources
        self.query_one("#field-source", FormField).set_known(message.sources)
        current = message.current
        self.query_one("#status-now", Static).update(
            render.assemble(
                (current.title, "bold"),
                render.ui("\nnow "),
                render.status(current.status, self.record_type),
                render.ui(f" since {current.since}" if current.since else ""),
                (f"   version {current.version}", render.MUTED),
            )
        )
        options = self.query_one(OptionList)
        if first:
            options.set_options(
                Option(
                    render.assemble(
                        render.plain(
                            render.status_cell(word, render.status_width(self.record_type)),
                            render.status_style(word, self.record_type),
                        ),
                        # Before the meaning, which a narrow dialog cuts.
                        ("(now) ", "bold") if word == current.status else None,
                        (meaning, render.MUTED),
                    ),
                    id=word,
                )
                for word, meaning in self.words.items()
            )
            # The cursor starts on the status after the current one: the usual next step.
            words = list(self.words)
            start = words.index(current.status) if current.status in words else 0
            options.highlighted = min(start + 1, len(words) - 1)
            self.query_one("#status-body").disabled = False
            options.focus()
            self._line(KEYS_LINE)

    @on(Missing)
    def _missing(self, message: Missing) -> None:
        self.dismiss(None)
        self.app.push_screen(MessageDialog("Cannot change the status", str(message.error)))

    # -- the chosen status and its impact --------------------------------------------------------

    @property
    def chosen(self) -> str | None:
        option = self.query_one(OptionList).highlighted_option
        return option.id if option is not None else None

    @on(OptionList.OptionHighlighted, "#status-options")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        status = event.option.id
        if status is None or self.current is None:
            return
        # What ctrl+s would save, in words: the highlight alone is easy to misread.
        self.query_one("#status-change", Static).update(
            render.assemble(
                render.ui("ctrl+s saves: "),
                render.status(self.current.status, self.record_type),
                render.ui(" \u2192 "),
                render.status(status, self.record_type),
            )
            if status != self.current.status
            else render.plain("the current status: choose another one", render.MUTED)
        )
        self._recheck()
        if self.record_type != "condition":
            return
        panel = self.query_one(ImpactPanel)
        if status == self.current.status:
            self.impact = None
            panel.update(render.plain("(the current status: nothing would change)", render.MUTED))
            return
        self.impact = None
        panel.show_reading(status)
        self._what_if(self.key, status)

    @work(thread=True, exclusive=True, group="status-impact", exit_on_error=False)
    def _what_if(self, key: str, status: str) -> None:
        self.post_message(ImpactRead(self.ledger.what_if(key, status)))

    @on(ImpactRead)
    def _impact_read(self, message: ImpactRead) -> None:
        if message.impact.proposed != self.chosen:
            return
        self.impact = message.impact
        self.query_one(ImpactPanel).show_impact(message.impact)
        if self._save_when_read:
            self._save_when_read = False
            self.action_save()

    @on(OptionList.OptionSelected, "#status-options")
    def _selected(self) -> None:
        self.query_one("#field-effective", FormField).editor.focus()

    # -- source picker ---------------------------------------------------------------------------

    @on(PickInput.PickRequested)
    def _pick(self, message: PickInput.PickRequested) -> None:
        from .pickers import Picker

        field = message.field

        def picked(result: Picked | None) -> None:
            field.editor.focus()
            if result is None:
                return
            for _, key in result.created:
                self.sources.append(Choice(key, "(just created)"))
            field.set_known(self.sources)
            field.set_text(result.values[0] if result.values else "")
            field.show_problems([])

        self.app.push_screen(
            Picker(
                "Source: choose one (the evidence of this change)",
                self.sources,
                current=field.text.strip(),
                typed=field.shown,
                create="source",
                form=RecordForm,
            ),
            picked,
        )

    # -- saving ----------------------------------------------------------------------------------

    def _text(self, name: str) -> str:
        return self.query_one(f"#field-{name}", FormField).text.strip()

    def problems(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        status = self.chosen
        if self.current is not None and status == self.current.status:
            found["status"] = [f"it is already {status}: choose another status"]
        effective = self._text("effective")
        if effective:
            try:
                parse_partial_date(effective)
            except PartialDateError as error:
                found["effective"] = [str(error)]
        source = self._text("source")
        known = [c.value for c in self.sources]
        if source and source not in known:
            hint = nearest(source, known)
            found["source"] = [
                f"there is no source {source!r}"
                + (f"; did you mean {hint}?" if hint else "")
                + "; enter creates a new source"
            ]
        if not self._text("note") and not source:
            found["note"] = [EVIDENCE]
        return found

    def _show(self, problems: dict[str, list[str]]) -> None:
        for name in ("effective", "note", "source"):
            self.query_one(f"#field-{name}", FormField).show_problems(problems.get(name, []))
        self.query_one("#evidence-rule").set_class("note" in problems, "-error")

    @on(Input.Changed)
    def _edited(self) -> None:
        self._recheck()

    def _recheck(self) -> None:
        """Check again what shows a problem, as the fields and the chosen status change: a
        fixed field is cleared at once (a note typed answers the need for evidence), and the
        line that said why ctrl+s was refused follows, never left stale until ctrl+s."""
        shown = {
            name: self.query_one(f"#field-{name}", FormField)
            for name in ("effective", "note", "source")
        }
        if self.current is None or not (self._refused or any(f.problems for f in shown.values())):
            return
        problems = self.problems()
        for name, form_field in shown.items():
            if form_field.problems:
                form_field.show_problems(problems.get(name, []))
        self.query_one("#evidence-rule").set_class("note" in problems, "-error")
        if self._refused:
            if problems:
                messages = [m for ms in problems.values() for m in ms]
                self._line("not saved: " + "; ".join(messages), error=True)
            else:
                self._refused = False
                self._line(KEYS_LINE)

    def _line(self, text: str, *, error: bool = False) -> None:
        line = self.query_one("#status-line", Static)
        line.update(render.paragraph(text))
        line.set_class(error, "-error")

    def action_save(self) -> None:
        if self.current is None or self._saving:
            return
        problems = self.problems()
        self._show(problems)
        if problems:
            messages = [m for ms in problems.values() for m in ms]
            self._line("not saved: " + "; ".join(messages), error=True)
            self._refused = True
            return
        self._refused = False
        status = self.chosen
        assert status is not None
        if self.record_type == "condition" and self.impact is None:
            # The impact is shown before a condition's status changes, never after.
            self._save_when_read = True
            self._line("reading the impact first\u2026")
            return
        self._saving = True
        self._line("saving\u2026")
        self._write(
            self.record_type,
            self.key,
            status,
            self._text("effective") or None,
            self._text("note") or None,
            self._text("source") or None,
            self.current.version,
        )

    @work(thread=True, exclusive=True, group="status-save", exit_on_error=False)
    def _write(
        self,
        record_type: RecordType,
        key: str,
        status: str,
        effective: str | None,
        note: str | None,
        source: str | None,
        version: int,
    ) -> None:
        try:
            summary = self.ledger.change_status(
                record_type,
                key,
                status,
                effective=effective,
                note=note,
                source=source,
                version=version,
            )
        except LedgerError as error:
            self.post_message(self.Failed(error))
            return
        self.post_message(self.Committed(summary))

    @on(LedgerDialog.Committed)
    def _committed(self, message: LedgerDialog.Committed) -> None:
        self._saving = False
        status = self.chosen or ""
        effective = self._text("effective") or today_date()
        self.dismiss(
            StatusChanged(
                self.record_type, self.key, status, effective, message.summary, self.impact
            )
        )

    @on(LedgerDialog.Failed)
    def _failed(self, message: LedgerDialog.Failed) -> None:
        self._saving = False
        error = message.error
        if isinstance(error, ConflictError):
            # Read it again: the analyst sees the new status, and saves against it knowingly.
            self._read(self.record_type, self.key)
            text = (
                f"{error}. The dialog now shows the record as stored; check the status above "
                "and save again if the change still holds."
            )
        else:
            text = str(error)
            if error.field in {EFFECTIVE.name, NOTE.name, SOURCE_REF.name}:
                self.query_one(f"#field-{error.field}", FormField).show_problems([text])
        self._line(f"not saved: {text}", error=True)
        self.app.push_screen(
            MessageDialog(
                "Status not changed",
                text,
                note="The dialog is still open with what you typed.",
            )
        )

    def action_cancel(self) -> None:
        if self._saving:
            return
        typed = self._text("note") or self._text("source")
        if not typed:
            self.dismiss(None)
            return
        self.discard_or_stay(
            "Discard this status change?",
            render.ui("The note and source you typed will be lost."),
            "y discards them; n goes back to the dialog.",
        )
