"""Import (``i``) and export (``x``) of fixture files, in workers, the UI responsive throughout.

Importing is the CLI's code path (:func:`db.interchange.import_files`): a dry run first, whose
report counts what would be added, updated and left unchanged and lists the fields each
updated record would change, or lists every problem with its file and line (and then the
ledger is untouched); ``ctrl+s`` then imports for real, with a progress bar for large files.
What was typed (files, CSV columns, columns to skip) is kept for the session: ``i`` again
opens the dialog with it. Exporting writes YAML, JSON or CSV (optionally only the pledges of
the current filter) through a temporary file, and never replaces a file without asking.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Checkbox, ProgressBar, RadioButton, RadioSet, Static

from db.errors import LedgerError
from db.files import FORMATS, NAME_IT, SUFFIX_OF, format_of
from db.record_types import KINDS

from .. import keys, render
from ..widgets.key_footer import KeyFooter
from ..widgets.line_table import Column
from ..widgets.list_table import ListRow, ListTable
from .dialogs import ConfirmDialog, LedgerDialog, ResultT
from .fields import LineInput
from .paths import PathSuggester, split_paths

if TYPE_CHECKING:
    from db.interchange import ExportCount, ImportReport, Problem, RecordUpdate


#: The import dialog lists the field changes of this many records, then counts the rest.
CHANGED_RECORDS_SHOWN = 500
#: A highlighted change shows each of its values in full up to this many characters.
DETAIL_VALUE_LIMIT = 400


@dataclass(frozen=True, slots=True)
class Exported:
    path: Path
    count: ExportCount
    format: str
    query: str | None

    @property
    def message(self) -> str:
        limited = f" (filter: {self.query})" if self.query else ""
        # A document carries the older pledges the listed ones supersede: say so, or the
        # count would not match the table's.
        return f"Exported {self.count.describe('listed')}{limited} to {self.path}"


@dataclass(slots=True)
class ImportInputs:
    """What was typed in the import dialog, kept by the app for the session."""

    files: str = ""
    columns: str = ""
    skip: str = ""


class ProblemTable(ListTable):
    """The problems of an import: moved through, not opened or sorted."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return action not in ("open", "sort_next", "sort_reverse")


class CheckingInput(LineInput):
    """A field of the import dialog: ``enter`` checks the files (the dialog's first step)."""

    BINDINGS: ClassVar = [keys.binding("form.check")]

    def action_check(self) -> None:
        screen = self.screen
        if isinstance(screen, ImportDialog):
            screen.action_check()


class PathInput(CheckingInput):
    """A path, completed as it is typed; ``enter`` checks the files."""


class Progress(Message):
    def __init__(self, phase: str, done: int, total: int) -> None:
        self.phase = phase
        self.done = done
        self.total = total
        super().__init__()


def counts_text(report: ImportReport) -> Any:
    """Added, updated and unchanged records by type: the types the files hold (pledges at
    least), so that a CSV's count takes two lines of a small terminal, not five."""
    rows = [f"{'':<12} {'added':>9} {'updated':>9} {'unchanged':>11}"]
    for record_type, kind in KINDS.items():
        name, c = kind.section, report.counts[record_type]
        if record_type == "pledge" or c.added or c.updated or c.unchanged:
            rows.append(f"{name:<12} {c.added:>9,} {c.updated:>9,} {c.unchanged:>11,}")
    return render.ui("\n".join(rows))


#: How messages of the import name a mapping and a skipped column: what to type in the dialog.
DIALOG_SYNTAX_MAP = "type {field}={column} in CSV columns"
DIALOG_SYNTAX_IGNORE = "type {column} in Skip columns"


def mapping_error(error: ValueError) -> str:
    """A CSV columns field's error in the dialog's words (the parser speaks of ``--map``)."""
    text = str(error).replace("--map takes", "each takes").replace("--map names", "they name")
    return "CSV columns: " + text.replace("--map ", "")


def skip_error(error: ValueError) -> str:
    """A Skip columns field's error in the dialog's words (the parser speaks of ``--ignore``)."""
    text = str(error).replace("--ignore takes", "each takes").replace("(--map ", "(CSV columns: ")
    return "Skip columns: " + text.replace("--ignore ", "")


def change_rows(updates: list[RecordUpdate]) -> list[ListRow]:
    """One row a changed field, after the record it belongs to; a row's key is the index of
    its update and the field's name."""
    rows = []
    for index, update in enumerate(updates[:CHANGED_RECORDS_SHOWN]):
        record = f"{update.record_type} {render.visible(update.key)}"
        for name, (old, new) in update.changes.items():
            rows.append(
                ListRow(
                    update.record_type,
                    f"{index}:{name}",
                    (
                        (record, render.KEY_STYLE),
                        (name, render.LABEL_STYLE),
                        (render.change(old, new), ""),
                    ),
                    (),
                )
            )
    return rows


def change_detail(update: RecordUpdate, name: str) -> str:
    """A changed field in full (each value cut at :data:`DETAIL_VALUE_LIMIT` characters)."""
    from db.interchange.raw import cut

    old, new = update.changes[name]

    def value(v: Any) -> str:
        if v is None or v == []:
            return "(none)"
        text = "; ".join(str(i) for i in v) if isinstance(v, list) else str(v)
        return cut(text, DETAIL_VALUE_LIMIT)

    return f"{name}: {value(old)} -> {value(new)}"


def problem_rows(problems: list[Problem]) -> list[ListRow]:
    """One row a problem; the file by its name (the whole path is in the field above)."""
    rows = []
    for index, problem in enumerate(problems):
        place = Path(problem.file).name + (f":{problem.line}" if problem.line is not None else "")
        rows.append(
            ListRow(
                "problem",
                str(index),
                (
                    (render.visible(place), render.KEY_STYLE),
                    (render.visible(problem.where), ""),
                    (render.visible(problem.message), ""),
                ),
                (),
            )
        )
    return rows


class TransferDialog(LedgerDialog[ResultT]):
    """What the import and the export dialogs share: labelled path inputs, a state line and a
    progress bar, in a dialog as large as the terminal allows."""

    DEFAULT_CSS = """
    TransferDialog > .dialog { height: 100%; max-height: 100%; width: 100%; max-width: 130; }
    TransferDialog .transfer-label { width: 13; color: $foreground-muted; }
    TransferDialog Horizontal { height: auto; margin-bottom: 1; }
    TransferDialog LineInput { width: 1fr; background: $boost; }
    TransferDialog LineInput:focus { background: $primary 25%; }
    TransferDialog #transfer-state { height: auto; margin-bottom: 1; }
    TransferDialog #transfer-state.-error { color: $text-error; }
    TransferDialog ProgressBar { margin-bottom: 1; }
    """


class ImportDialog(TransferDialog["ImportReport | None"]):
    BINDINGS: ClassVar = [keys.binding("form.import"), keys.binding("form.close")]
    DEFAULT_CSS = """
    ImportDialog Horizontal { margin-bottom: 0; }
    ImportDialog #import-skip-row { margin-bottom: 1; }
    ImportDialog #import-counts { height: auto; margin-bottom: 1; }
    ImportDialog ListTable { height: 1fr; min-height: 3; }
    ImportDialog .import-detail { height: auto; max-height: 4; }
    ImportDialog #problem-detail { color: $text-warning; }
    """

    class Finished(Message):
        def __init__(self, report: ImportReport) -> None:
            self.report = report
            super().__init__()

    class Refused(Message):
        def __init__(self, error: LedgerError, dry_run: bool) -> None:
            self.error = error
            self.dry_run = dry_run
            super().__init__()

    def __init__(self, inputs: ImportInputs | None = None) -> None:
        super().__init__()
        #: What is typed, kept as it changes: the app hands the same object to the next dialog.
        self.inputs = inputs if inputs is not None else ImportInputs()
        #: The inputs the last successful dry run checked: ctrl+s imports exactly those.
        self.checked: tuple[tuple[str, ...], str] | None = None
        self._pending: tuple[tuple[str, ...], str] | None = None
        self.problems: list[Problem] = []
        self.updates: list[RecordUpdate] = []
        self.running = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(render.ui("Import fixture files"), classes="dialog-title")
            with Horizontal():
                yield Static(render.ui("Files"), classes="transfer-label")
                yield PathInput(
                    self.inputs.files,
                    placeholder="path to .yaml, .json or .csv (several: separate with ;); \u2192 completes",
                    suggester=PathSuggester(tuple(FORMATS)),
                    compact=True,
                    id="import-path",
                )
            with Horizontal():
                yield Static(render.ui("CSV columns"), classes="transfer-label")
                yield CheckingInput(
                    self.inputs.columns,
                    placeholder="optional: FIELD=COLUMN; ... (pledger=donor; title=headline)",
                    compact=True,
                    id="import-mapping",
                )
            with Horizontal(id="import-skip-row"):
                yield Static(render.ui("Skip columns"), classes="transfer-label")
                yield CheckingInput(
                    self.inputs.skip,
                    placeholder="optional: COLUMN; ... (remarks; comments: not read)",
                    compact=True,
                    id="import-skip",
                )
            yield Static(
                render.ui(
                    "enter checks the files (a dry run: nothing is written); ctrl+s then imports "
                    "them. One import is one change: u undoes all of it. A field the files do "
                    "not give is left as it is."
                ),
                id="transfer-state",
            )
            yield ProgressBar(show_eta=False, id="transfer-progress")
            yield Static(id="import-counts")
            yield ProblemTable(
                (
                    Column("place", "File:line", 22, grow=16),
                    Column("where", "Record and field", 30, priority=1),
                    Column("message", "Problem", 0),
                ),
                sortable=False,
                id="import-problems",
            )
            yield Static(id="problem-detail", classes="import-detail", markup=False)
            yield ProblemTable(
                (
                    Column("record", "Record", 24, grow=12),
                    Column("field", "Field", 12),
                    Column("change", "Was -> would be", 0),
                ),
                sortable=False,
                id="import-changes",
            )
            yield Static(id="change-detail", classes="import-detail", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(ProgressBar).display = False
        for widget in self.query(".import-detail, ListTable"):
            widget.display = False
        self.query_one("#import-path").focus()

    @on(LineInput.Changed)
    def _remember(self, event: LineInput.Changed) -> None:
        field = {"import-path": "files", "import-mapping": "columns", "import-skip": "skip"}
        name = field.get(event.input.id or "")
        if name is not None:
            setattr(self.inputs, name, event.value)

    def _state(self, text: str, *, error: bool = False) -> None:
        state = self.query_one("#transfer-state", Static)
        state.update(render.paragraph(text))
        state.set_class(error, "-error")

    def _inputs(self) -> tuple[list[str], dict[str, str], frozenset[str]] | None:
        """The files, the CSV mapping and the columns to skip, or None (the reason shown)."""
        from db.interchange import parse_ignored, parse_mapping

        text = self.query_one("#import-path", LineInput).value
        paths = [str(Path(p).expanduser()) for p in split_paths(text)]
        if not paths:
            self._state("type the path of a fixture file first", error=True)
            return None
        for path in paths:
            if not Path(path).is_file():
                what = "is a directory" if Path(path).is_dir() else "does not exist"
                self._state(f"{path} {what}; give a fixture file", error=True)
                return None
            if format_of(path) is None:
                self._state(
                    f"{path}: cannot tell its format; {NAME_IT}",
                    error=True,
                )
                return None
        try:
            mapping = parse_mapping(split_paths(self.query_one("#import-mapping", LineInput).value))
        except ValueError as error:
            self._state(mapping_error(error), error=True)
            return None
        try:
            skipped = parse_ignored(
                split_paths(self.query_one("#import-skip", LineInput).value), mapping
            )
        except ValueError as error:
            self._state(skip_error(error), error=True)
            return None
        return paths, mapping, skipped

    @staticmethod
    def _key(
        inputs: tuple[list[str], dict[str, str], frozenset[str]],
    ) -> tuple[tuple[str, ...], str]:
        paths, mapping, skipped = inputs
        return tuple(paths), repr((sorted(mapping.items()), sorted(skipped)))

    def action_check(self) -> None:
        self._start(dry_run=True)

    def action_save(self) -> None:
        inputs = self._inputs()
        if inputs is None or self.running:
            return
        if self.checked != self._key(inputs):
            # Nothing is imported unseen: the dry run's report comes first.
            self._start(dry_run=True)
            return
        self._start(dry_run=False)

    def _start(self, *, dry_run: bool) -> None:
        if self.running:
            return
        inputs = self._inputs()
        if inputs is None:
            return
        paths, mapping, skipped = inputs
        self.running = True
        self.checked = None
        self.query_one("#import-counts", Static).update("")
        for widget in self.query(".import-detail, ListTable"):
            widget.display = False
        bar = self.query_one(ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self._state("checking\u2026" if dry_run else "importing\u2026")
        self._pending = self._key(inputs)
        self._run(paths, mapping, skipped, dry_run)

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def _run(
        self, paths: list[str], mapping: dict[str, str], skipped: frozenset[str], dry_run: bool
    ) -> None:
        from db.interchange import ColumnSyntax, import_files

        def progress(phase: str, done: int, total: int) -> None:
            self.post_message(Progress(phase, done, total))

        try:
            report = import_files(
                self.ledger,
                paths,
                dry_run=dry_run,
                mapping=mapping or None,
                ignored=skipped,
                syntax=ColumnSyntax(DIALOG_SYNTAX_MAP, DIALOG_SYNTAX_IGNORE),
                progress=progress,
            )
        except LedgerError as error:
            self.post_message(self.Refused(error, dry_run))
            return
        self.post_message(self.Finished(report))

    @on(Progress)
    def _progress(self, message: Progress) -> None:
        self.query_one(ProgressBar).update(total=message.total, progress=message.done)
        self._state(
            f"{message.phase} {message.done:,} of {render.count(message.total, 'record')}\u2026"
        )

    @on(Finished)
    def _finished(self, message: Finished) -> None:
        self.running = False
        self.query_one(ProgressBar).display = False
        report = message.report
        if not report.dry_run:
            self.dismiss(report)
            return
        self.checked = self._pending
        counts = counts_text(report)
        if report.notes:
            counts = render.assemble(
                counts, render.ui("\n"), render.paragraph("\n".join(report.notes))
            )
        self.query_one("#import-counts", Static).update(counts)
        self.updates = report.updates
        if self.updates:
            table = self.query_one("#import-changes", ListTable)
            table.set_rows(change_rows(self.updates))
            table.display = True
            self.query_one("#change-detail").display = True
            self._change_detail(0)
        if report.changed:
            listed = ""
            if len(self.updates) > CHANGED_RECORDS_SHOWN:
                listed = (
                    f" The changes of the first {CHANGED_RECORDS_SHOWN:,} updated records are "
                    f"listed; {len(self.updates) - CHANGED_RECORDS_SHOWN:,} more are not."
                )
            self._state(
                "Dry run: importing would change this (nothing was written yet). "
                f"ctrl+s imports; escape closes.{listed}"
            )
        else:
            self._state(
                "Dry run: nothing would change; the ledger already holds every record as in "
                "the files."
            )

    @on(Refused)
    def _refused(self, message: Refused) -> None:
        from db.interchange import FixtureError

        self.running = False
        self.query_one(ProgressBar).display = False
        error = message.error
        if isinstance(error, FixtureError):
            self.problems = list(error.problems)
            table = self.query_one("#import-problems", ListTable)
            table.set_rows(problem_rows(self.problems))
            table.display = True
            self.query_one("#problem-detail").display = True
            self._detail(0)
            self._state(
                f"{render.count(len(error.problems), 'problem')} in the input; nothing was "
                "imported and the ledger is unchanged. Correct the files and check again (enter).",
                error=True,
            )
            return
        verb = "checked" if message.dry_run else "imported"
        self._state(f"not {verb}: {error}", error=True)

    @on(ListTable.Highlighted, "#import-problems")
    def _highlighted(self, event: ListTable.Highlighted) -> None:
        self._detail(event.index)

    @on(ListTable.Highlighted, "#import-changes")
    def _change_highlighted(self, event: ListTable.Highlighted) -> None:
        self._change_detail(event.index)

    def _detail(self, index: int) -> None:
        """The highlighted problem in full, wrapped: the table cuts long messages."""
        if 0 <= index < len(self.problems):
            text = str(self.problems[index])
            self.query_one("#problem-detail", Static).update(render.paragraph(text))

    def _change_detail(self, index: int) -> None:
        """The highlighted change with both values (long ones cut less than in the table)."""
        rows = self.query_one("#import-changes", ListTable).shown
        if not 0 <= index < len(rows):
            return
        position, _, name = rows[index].key.partition(":")
        update = self.updates[int(position)]
        self.query_one("#change-detail", Static).update(
            render.paragraph(change_detail(update, name))
        )

    def action_cancel(self) -> None:
        if self.running:
            self.notify(
                "the import is running; it finishes (or fails) as a whole",
                severity="warning",
                markup=False,
            )
            return
        self.dismiss(None)


def default_export_path(fmt: str) -> str:
    return f"pledges-export-{dt.date.today().isoformat()}{SUFFIX_OF[fmt]}"


class ExportDialog(TransferDialog[Exported | None]):
    BINDINGS: ClassVar = [keys.binding("form.export"), keys.binding("form.cancel")]
    DEFAULT_CSS = """
    ExportDialog > .dialog { height: auto; }
    ExportDialog RadioSet { border: none; padding: 0; }
    """

    class Written(Message):
        def __init__(self, exported: Exported) -> None:
            self.exported = exported
            super().__init__()

    class Refused(Message):
        def __init__(self, reason: str) -> None:
            self.reason = reason
            super().__init__()

    def __init__(self, current_filter: str = "") -> None:
        super().__init__()
        self.current_filter = current_filter.strip()
        self.running = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(render.ui("Export"), classes="dialog-title")
            with Horizontal():
                yield Static(render.ui("Format"), classes="transfer-label")
                with RadioSet(id="export-format", compact=True):
                    yield RadioButton("YAML document", value=True, id="format-yaml", compact=True)
                    yield RadioButton("JSON document", id="format-json", compact=True)
                    yield RadioButton("CSV of pledges", id="format-csv", compact=True)
            with Horizontal():
                yield Static(render.ui("File"), classes="transfer-label")
                yield LineInput(
                    default_export_path("yaml"),
                    suggester=PathSuggester(),
                    compact=True,
                    id="export-path",
                )
            label = (
                render.assemble(
                    render.ui("Only the pledges of the current filter: "),
                    (self.current_filter, render.KEY_STYLE),
                )
                if self.current_filter
                else render.ui("Only the pledges of the current filter (there is none)")
            )
            yield Checkbox(
                label, value=bool(self.current_filter), id="export-filtered", compact=True
            )
            yield Static(
                render.ui(
                    "A document carries every record the chosen pledges refer to, so it imports "
                    "on its own. ctrl+s exports; an existing file is replaced only if you agree."
                ),
                id="transfer-state",
            )
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#export-filtered", Checkbox).disabled = not self.current_filter
        self.query_one(RadioSet).focus()

    @property
    def format(self) -> str:
        pressed = self.query_one(RadioSet).pressed_button
        return (pressed.id or "format-yaml").removeprefix("format-") if pressed else "yaml"

    @on(RadioSet.Changed)
    def _format_changed(self) -> None:
        field = self.query_one("#export-path", LineInput)
        path = Path(field.value)
        if format_of(path) is not None:
            field.value = str(path.with_suffix(SUFFIX_OF[self.format]))

    def _state(self, text: str, *, error: bool = False) -> None:
        state = self.query_one("#transfer-state", Static)
        state.update(render.paragraph(text))
        state.set_class(error, "-error")

    def action_save(self) -> None:
        if self.running:
            return
        text = self.query_one("#export-path", LineInput).value.strip()
        if not text:
            self._state("give the file to write", error=True)
            return
        target = Path(text).expanduser().absolute()
        if target.is_dir():
            self._state(f"{target} is a directory; give a file name", error=True)
            return
        if not target.parent.is_dir():
            self._state(f"{target.parent} does not exist", error=True)
            return
        query = self.current_filter if self.query_one("#export-filtered", Checkbox).value else None
        if not target.exists():
            self._start(target, query)
            return

        def answered(replace: bool | None) -> None:
            if replace:
                self._start(target, query)

        self.app.push_screen(
            ConfirmDialog(
                "Replace the file?",
                render.assemble(render.plain(str(target), render.KEY_STYLE), render.ui(" exists.")),
                "y replaces it; n keeps it (choose another name).",
            ),
            answered,
        )

    def _start(self, target: Path, query: str | None) -> None:
        self.running = True
        self._state(f"exporting to {target}\u2026")
        self._write(target, self.format, query)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _write(self, target: Path, fmt: str, query: str | None) -> None:
        from db.interchange import export_file

        try:
            count = export_file(self.ledger, fmt, target, query)
        except LedgerError as error:
            self.post_message(self.Refused(str(error)))
            return
        except OSError as error:
            self.post_message(self.Refused(f"cannot write {target}: {error.strerror or error}"))
            return
        self.post_message(self.Written(Exported(target, count, fmt, query)))

    @on(Written)
    def _written(self, message: Written) -> None:
        self.running = False
        self.dismiss(message.exported)

    @on(Refused)
    def _refused(self, message: Refused) -> None:
        self.running = False
        self._state(f"not exported: {message.reason}", error=True)

    def action_cancel(self) -> None:
        if not self.running:
            self.dismiss(None)
