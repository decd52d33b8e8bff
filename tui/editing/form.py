"""The record form (``n`` new, ``e`` edit): every field of a pledge, condition, actor or source.

The form validates with the record's pydantic model, the same rules as the importers: when the
analyst leaves a field, the model checks the whole form and the field shows what is wrong with
it (:func:`db.schemas.explain` words it); ``ctrl+s`` shows every problem at once, and saves
only when there is none. References are checked against the lists the pickers hold, with the
nearest existing key suggested; a new key is looked up in the ledger when it is left.

Saving runs in a worker and the form closes only when the ledger committed, returning a
:class:`~tui.editing.results.Saved`. A refused save is explained in a dialog and the form stays
open with everything typed; a conflict (someone changed the record since the form opened)
shows both versions side by side (:mod:`tui.editing.conflict`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Static, TextArea

from db import vocab
from db.api_types import BatchSummary, Impact
from db.dates import PartialDateError, parse_partial_date
from db.errors import (
    ConflictError,
    DuplicateKeyError,
    InvalidRecordError,
    LedgerError,
    NotFoundError,
    nearest,
)
from db.record_types import KINDS
from db.schemas import Record, explain
from db.slugs import key_from_title, numbered
from db.vocab import RecordType

from .. import render
from ..widgets.key_footer import KeyFooter
from .choices import LEDGER_LISTS, Choice, load_choices, static_choices
from .dialogs import FieldsDialog, MessageDialog
from .fields import FormField, PickInput
from .form_fields import FORMS, FieldSpec
from .results import Picked, Saved

if TYPE_CHECKING:
    from db.ledger import Ledger

EVIDENCE = "a status change needs evidence: give a note or a source (or both)"
#: Problems that belong to no field (a rule across fields the model words without one).
WHOLE = "_"
_INDEXED = re.compile(r"([a-z_]+)\[(\d+)\]")


def as_text(value: Any) -> str:
    """A stored value as a field shows it."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def read_record(ledger: Ledger, record_type: RecordType, key: str) -> tuple[dict[str, Any], int]:
    """The record's fields (as stored) and version (runs in a thread)."""
    return ledger.stored(record_type, key)


def key_exists(ledger: Ledger, record_type: RecordType, key: str) -> bool:
    """Whether a record of this type has this key (runs in a thread)."""
    return bool(ledger.existing(record_type, [key]))


SUGGESTED = "suggested from the title: keep it, or type another"


def free_key(ledger: Ledger, record_type: RecordType, key: str) -> str:
    """``key``, or the first of ``key-2``, ``key-3``, ... that no record of this type has
    (runs in a thread)."""
    candidates = numbered(key)
    while True:
        batch = [next(candidates) for _ in range(20)]
        taken = ledger.existing(record_type, batch)
        free = next((candidate for candidate in batch if candidate not in taken), None)
        if free is not None:
            return free


class RecordForm(FieldsDialog[Saved | None]):
    body_id = "form-fields"
    # The form chooses the field to start in (_focus_first): none is entered, and left with a
    # message, before it does.
    AUTO_FOCUS = ""
    DEFAULT_CSS = """
    RecordForm > .dialog { height: 100%; max-height: 100%; max-width: 120; width: 100%; }
    RecordForm #form-fields { height: 1fr; padding-right: 1; }
    RecordForm .form-section { margin-top: 1; color: $text-accent; text-style: bold; }
    RecordForm #form-status { height: auto; max-height: 4; color: $foreground-muted; }
    RecordForm #form-status.-error { color: $text-error; }
    """

    class Loaded(Message):
        def __init__(self, state: dict[str, Any], version: int) -> None:
            self.state = state
            self.version = version
            super().__init__()

    class Missing(Message):
        def __init__(self, error: NotFoundError) -> None:
            self.error = error
            super().__init__()

    class ChoicesLoaded(Message):
        def __init__(self, choices: dict[str, list[Choice]]) -> None:
            self.choices = choices
            super().__init__()

    class KeyChecked(Message):
        def __init__(self, key: str, exists: bool) -> None:
            self.key = key
            self.exists = exists
            super().__init__()

    class KeySuggested(Message):
        def __init__(self, title: str, key: str) -> None:
            self.title = title
            self.key = key
            super().__init__()

    class Committed(Message):
        def __init__(self, summary: BatchSummary, created: bool, impact: Impact | None) -> None:
            self.summary = summary
            self.created = created
            self.impact = impact
            super().__init__()

    class Failed(Message):
        def __init__(self, error: LedgerError, record: Record) -> None:
            self.error = error
            self.record = record
            super().__init__()

    def __init__(
        self,
        record_type: RecordType,
        key: str | None = None,
        *,
        initial: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.record_type = record_type
        self.key = key
        self.kind = KINDS[record_type]
        self.model = self.kind.schema
        layout = FORMS[record_type]
        self.specs = layout.fields
        self.history = layout.history
        self.start = {**layout.defaults, **(initial or {})} if key is None else {}
        #: The version the form edits (None: a new record), and the record as it was read.
        self.version: int | None = None
        self.original: dict[str, Any] | None = None
        self.choices: dict[str, list[Choice]] = {}
        self._baseline: dict[str, str] = {}
        self._ready = key is None
        self._saving = False
        self._taken_key: str | None = None
        #: The status line counts the problems a refused save found (kept up to date).
        self._said_problems = False
        #: The key last suggested from the title, shown in the key field until the analyst
        #: types another or has been in the field (then it is theirs); None: none offered.
        self._suggested: str | None = None
        self._suggesting = key is None and layout.suggests_key

    @property
    def editing(self) -> bool:
        return self.key is not None

    # -- layout ----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        title = (
            render.assemble(
                render.ui(f"Edit {self.record_type} "), (self.key or "", render.KEY_STYLE)
            )
            if self.editing
            else render.ui(f"New {self.record_type}")
        )
        with Vertical(classes="dialog"):
            yield Static(title, classes="dialog-title", markup=False)
            with VerticalScroll(id="form-fields", can_focus=False):
                for spec in self.specs:
                    yield FormField(
                        spec, self.start.get(spec.name, ""), fixed=spec.is_key and self.editing
                    )
                yield Static(
                    render.ui("For the history of this change"),
                    classes="form-section",
                    markup=False,
                )
                for spec in self.history:
                    yield FormField(spec)
            yield Static(id="form-status", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        wanted = {s.choices for s in (*self.specs, *self.history) if s.choices in LEDGER_LISTS}
        self._load_choices(sorted(wanted))
        for field in self.fields():
            known = static_choices(field.spec.choices or "")
            if known is not None:
                field.set_known(known)
        if self.editing:
            self.query_one("#form-fields").disabled = True
            self._status("reading the record\u2026")
            self._read(self.record_type, self.key)
        else:
            self._baseline = self.texts()
            self._status_keys()
            self._focus_first()
            if self._suggesting and self.field("title").text.strip():
                self._suggest_key(self.record_type, self.field("title").text)

    def fields(self) -> list[FormField]:
        return list(self.query(FormField))

    def field(self, name: str) -> FormField:
        return self.query_one(f"#field-{name}", FormField)

    def _focus_first(self) -> None:
        """The first field to fill: the first empty one of a new record, else the first one
        that can change."""
        editable = [f for f in self.fields() if not f.fixed]
        if self._suggesting:
            # The key follows the title: the title is the first thing to type, the key the
            # last (it is filled in from the title).
            key_field = self.kind.key_field
            editable.sort(key=lambda f: (f.spec.name != "title") + 2 * (f.spec.name == key_field))
        empty = [f for f in editable if not f.text] if not self.editing else []
        target = next(iter(empty or editable), None)
        if target is not None:
            target.editor.focus()

    def _status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#form-status", Static)
        status.update(render.paragraph(text))
        status.set_class(error, "-error")

    def _status_keys(self) -> None:
        self._status(
            "ctrl+s save \u00b7 esc cancel \u00b7 enter: choose from a list \u00b7 "
            "\u2192 complete \u00b7 * required"
        )

    # -- reading ---------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="form-read", exit_on_error=False)
    def _read(self, record_type: RecordType, key: str) -> None:
        try:
            state, version = read_record(self.ledger, record_type, key)
        except NotFoundError as error:
            self.post_message(self.Missing(error))
            return
        self.post_message(self.Loaded(state, version))

    @work(thread=True, exclusive=True, group="form-choices", exit_on_error=False)
    def _load_choices(self, names: list[str]) -> None:
        self.post_message(self.ChoicesLoaded(load_choices(self.ledger, names)))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.fill(message.state, message.version)
        self.query_one("#form-fields").disabled = False
        self._ready = True
        self._status_keys()
        self._focus_first()

    def fill(self, state: dict[str, Any], version: int) -> None:
        """Show the record as stored (on opening, and on reloading after a conflict)."""
        self.original, self.version = dict(state), version
        for spec in self.specs:
            self.field(spec.name).set_text(as_text(state.get(spec.name)))
        for field in self.fields():
            field.show_problems([])
        self._baseline = self.texts()

    @on(Missing)
    def _missing(self, message: Missing) -> None:
        self.dismiss(None)
        self.app.push_screen(
            MessageDialog(
                "Cannot edit",
                f"{message.error}. It may have been deleted by someone else.",
            )
        )

    @on(ChoicesLoaded)
    def _choices_loaded(self, message: ChoicesLoaded) -> None:
        self.choices.update(message.choices)
        for field in self.fields():
            if field.spec.choices in message.choices:
                field.set_known(message.choices[field.spec.choices])

    # -- values and problems ---------------------------------------------------------------------

    def texts(self) -> dict[str, str]:
        return {field.spec.name: field.text for field in self.fields()}

    @property
    def changed(self) -> bool:
        texts = self.texts()
        key_field = self.kind.key_field
        if self._suggested is not None and texts.get(key_field) == self._suggested:
            # A key the form offered is not something the analyst typed.
            texts[key_field] = self._baseline.get(key_field, "")
        return texts != self._baseline

    def data(self) -> dict[str, Any]:
        """The record's fields as the model takes them."""
        return {spec.name: self.field(spec.name).data() for spec in self.specs}

    def status_changed(self) -> bool:
        if not self.editing or self.original is None or "status" not in self.original:
            return False
        stored: object = self.original["status"]
        return self.field("status").text.strip() != stored

    def problems(self) -> dict[str, list[str]]:
        """Everything wrong with the form, by field (the rules of db.schemas, references, the
        change's evidence)."""
        found: dict[str, list[str]] = defaultdict(list)
        for spec in self.specs:
            if spec.required and not self.field(spec.name).text.strip():
                found[spec.name].append("is required")
        try:
            self.model.model_validate(self.data())
        except ValidationError as error:
            for path, message in explain(error, self.model):
                indexed = _INDEXED.match(path)
                name = indexed.group(1) if indexed else path.split(".")[0] or WHOLE
                if "is required" in found.get(name, []):
                    continue
                if indexed:
                    message = f"entry {int(indexed.group(2)) + 1}: {message}"
                found[name].append(message)
        for spec in (*self.specs, *self.history):
            if spec.name not in found:
                self._check_references(spec, found)
        key_field = self.kind.key_field
        if self._taken_key and self.field(key_field).text == self._taken_key:
            found[key_field].append(
                str(DuplicateKeyError(self.record_type, self._taken_key, key_field))
            )
        effective = self.history_text("effective")
        if effective:
            try:
                parse_partial_date(effective)
            except PartialDateError as error:
                found["effective"].append(str(error))
        evidence = self.history_text("note") or self.history_text("source")
        if self.status_changed() and not evidence:
            found["note"].append(EVIDENCE)
            found["status"].append("changing the status needs a note or a source (below)")
        return dict(found)

    def history_text(self, name: str) -> str:
        """What the history section holds for ``name`` (empty if this form has no such field)."""
        if name not in {spec.name for spec in self.history}:
            return ""
        return self.field(name).text.strip()

    def _check_references(self, spec: FieldSpec, found: dict[str, list[str]]) -> None:
        target = spec.choices
        if target not in ("actor", "condition", "source") or target not in self.choices:
            return
        known = [c.value for c in self.choices[target]]
        field = self.field(spec.name)
        values = field.values if spec.kind == "list" else [field.text.strip()]
        for value in values:
            if value and value not in known:
                hint = nearest(value, known)
                create = f"; enter creates a new {target}" if spec.create else ""
                found[spec.name].append(
                    f"there is no {target} {value!r}"
                    + (f"; did you mean {hint}?" if hint else "")
                    + create
                )

    def _show(self, problems: dict[str, list[str]], names: set[str] | None = None) -> None:
        """Show the problems of the ``names`` fields (all if None), and update the fields that
        show problems already (a fix elsewhere may have cleared theirs)."""
        for field in self.fields():
            name = field.spec.name
            if names is None or name in names or field.problems:
                field.show_problems(problems.get(name, []))
        if self._said_problems:
            self._say_problems(problems)

    # -- the key suggested from the title ------------------------------------------------------

    def _key_is_offered(self) -> bool:
        """Whether the key field may take a suggestion: empty, or still the form's own."""
        if not self._suggesting:
            return False
        key = self.field(self.kind.key_field).text
        return not key or key == self._suggested

    @on(Input.Changed, "#editor-title")
    def _title_typed(self, event: Input.Changed) -> None:
        if self._key_is_offered():
            self._suggest_key(self.record_type, event.value)

    @work(thread=True, exclusive=True, group="form-suggest", exit_on_error=False)
    def _suggest_key(self, record_type: RecordType, title: str) -> None:
        slug = key_from_title(title)
        self.post_message(
            self.KeySuggested(title, free_key(self.ledger, record_type, slug) if slug else "")
        )

    @on(KeySuggested)
    def _key_suggested(self, message: KeySuggested) -> None:
        if message.title != self.field("title").shown or not self._key_is_offered():
            return
        key_field = self.field(self.kind.key_field)
        self._suggested = message.key or None
        key_field.note = SUGGESTED if message.key else ""
        key_field.set_text(message.key)
        if message.key:
            # Never saved unseen: the key field comes into view as it changes (above the
            # title being typed).
            key_field.scroll_visible(animate=False)

    @on(Input.Changed, "#editor-key")
    def _key_typed(self) -> None:
        # The field as it is now (a change message may be older than the last suggestion).
        if self._suggested is not None and self.field("key").text != self._suggested:
            # Typed over: no longer the form's suggestion, and no longer said to be.
            self.field("key").note = ""

    def _key_taken_over(self) -> None:
        """The analyst has been in the key field: what it holds is theirs from now on."""
        if self._suggesting:
            self._suggesting = False
            self.field(self.kind.key_field).note = ""

    @on(Input.Changed)
    @on(TextArea.Changed)
    def _edited(self) -> None:
        """A change anywhere checks again the fields that show problems, so that none still
        shows one that is fixed (a note typed answers the status field's need for evidence
        too); fields without problems are checked when they are left, as before."""
        if self._ready and not self._saving and any(f.problems for f in self.fields()):
            self._show(self.problems(), set())

    def _say_problems(self, problems: dict[str, list[str]]) -> None:
        """The status line after a refused save: how many problems are left, or the keys
        again once there are none."""
        if not problems:
            self._said_problems = False
            self._status_keys()
            return
        self._said_problems = True
        count = sum(len(p) for p in problems.values())
        whole = "; ".join(problems.get(WHOLE, []))
        self._status(
            f"{count} problem{'s' if count != 1 else ''}: fix the fields marked in red; "
            "nothing was saved" + (f". {whole}" if whole else ""),
            error=True,
        )

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        # Leaving a field for a picker or a dialog is not leaving it.
        if not self._ready or self.app.screen is not self or self._saving:
            return
        field = next((a for a in event.widget.ancestors if isinstance(a, FormField)), None)
        if field is None:
            return
        key_field = self.kind.key_field
        if field.spec.name == key_field:
            self._key_taken_over()
        self._show(self.problems(), {field.spec.name})
        if field.spec.name == key_field and not self.editing and not field.problems:
            key = field.text
            if key:
                self._check_key(self.record_type, key)

    @work(thread=True, exclusive=True, group="form-key", exit_on_error=False)
    def _check_key(self, record_type: RecordType, key: str) -> None:
        self.post_message(self.KeyChecked(key, key_exists(self.ledger, record_type, key)))

    @on(KeyChecked)
    def _key_checked(self, message: KeyChecked) -> None:
        key_field = self.kind.key_field
        if message.exists:
            self._taken_key = message.key
        elif self._taken_key == message.key:
            self._taken_key = None
        if self.field(key_field).text == message.key:
            self._show(self.problems(), {key_field})

    # -- pickers ---------------------------------------------------------------------------------

    @on(PickInput.PickRequested)
    def _pick(self, message: PickInput.PickRequested) -> None:
        from .pickers import Picker

        field = message.field
        spec = field.spec
        name = spec.choices or ""
        choices = static_choices(name)
        if choices is None:
            choices = self.choices.get(name, [])
        multiple = spec.kind == "list"
        what = "entries" if multiple else "one"
        picker = Picker(
            f"{spec.label}: choose {what}" + (" (or type a new one)" if spec.free else ""),
            choices,
            multiple=multiple,
            chosen=field.values if multiple else (),
            current="" if multiple else field.text.strip(),
            typed=None if multiple else field.shown,
            free=spec.free,
            create=spec.create,
            form=RecordForm,
            search_ledger=name == "pledge",
        )
        self.app.push_screen(picker, lambda picked: self._picked(field, picked))

    def _picked(self, field: FormField, picked: Picked | None) -> None:
        field.editor.focus()
        if picked is None:
            return
        if field.spec.kind == "list":
            field.set_values(list(picked.values))
        else:
            field.set_text(picked.values[0] if picked.values else "")
        if picked.created:
            # Name the new records in every field that lists their type.
            self._load_choices(sorted({t for t, _ in picked.created} | set(self.choices)))
            for record_type, key in picked.created:
                self.choices.setdefault(record_type, []).append(Choice(key))
        self._show(self.problems(), {field.spec.name})

    # -- saving ----------------------------------------------------------------------------------

    def action_save(self) -> None:
        if not self._ready or self._saving:
            return
        problems = self.problems()
        self._show(problems)
        if problems:
            self._say_problems(problems)
            first = next((f for f in self.fields() if f.problems), None)
            if first is not None and not first.fixed:
                first.editor.focus()
                first.scroll_visible(animate=False)
            return
        record = self.model.model_validate(self.data())
        if (
            self.record_type == "condition"
            and self.status_changed()
            and self.field("status").text.strip() in vocab.RESOLVING_CONDITION_STATUSES
        ):
            self._preview_impact(record)
            return
        self._save_record(record, None)

    def _preview_impact(self, record: Record) -> None:
        from .impact import ImpactPreview

        def confirmed(impact: Impact | None) -> None:
            if impact is not None:
                self._save_record(record, impact)

        status = str(getattr(record, "status", ""))
        self.app.push_screen(ImpactPreview(record.record_key, status), confirmed)

    def _save_record(self, record: Record, impact: Impact | None) -> None:
        self._saving = True
        self._said_problems = False
        self._status("saving\u2026")
        history = {spec.name: self.field(spec.name).text.strip() or None for spec in self.history}
        self._write(record, self.version, history, impact)

    @work(thread=True, exclusive=True, group="form-save", exit_on_error=False)
    def _write(
        self,
        record: Record,
        version: int | None,
        history: dict[str, str | None],
        impact: Impact | None,
    ) -> None:
        try:
            if version is None:
                summary = self.ledger.create(record, **history)
            else:
                summary = self.ledger.update(record, version=version, **history)
        except LedgerError as error:
            self.post_message(self.Failed(error, record))
            return
        self.post_message(self.Committed(summary, version is None, impact))

    @on(Committed)
    def _committed(self, message: Committed) -> None:
        self._saving = False
        key = self.field(self.kind.key_field).text
        self.dismiss(Saved(self.record_type, key, message.created, message.summary, message.impact))

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        self._saving = False
        error = message.error
        if isinstance(error, ConflictError):
            self._status("not saved: the record changed since you opened it", error=True)
            self._conflict(error, message.record)
            return
        field = self._field_of(error)
        if isinstance(error, InvalidRecordError):
            by_field: dict[str, list[str]] = defaultdict(list)
            for path, text in error.problems:
                by_field[_INDEXED.sub(r"\1", path).split(".")[0] or WHOLE].append(text)
            self._show(dict(by_field))
        elif field is not None:
            if isinstance(error, DuplicateKeyError):
                self._taken_key = error.key
            self.field(field).show_problems([str(error)])
        self._status(f"not saved: {error}", error=True)
        self.app.push_screen(
            MessageDialog(
                "Not saved",
                str(error),
                note="The form is still open with everything you typed; correct it and save "
                "again (ctrl+s), or press escape to leave it.",
            )
        )

    def _field_of(self, error: LedgerError) -> str | None:
        """The field a refusal is about, to mark it (when the form has that field)."""
        names = {s.name for s in (*self.specs, *self.history)}
        return error.field if error.field in names else None

    # -- conflicts -------------------------------------------------------------------------------

    def _conflict(self, error: ConflictError, record: Record) -> None:
        from .conflict import ConflictScreen

        def decided(choice: str | None) -> None:
            if choice == "reload" and error.theirs is not None and error.actual is not None:
                self.fill(dict(error.theirs), error.actual)
                self._status(
                    f"reloaded version {error.actual}: the form shows the record as stored now; "
                    "your changes were dropped",
                )
            elif choice == "overwrite":
                self.version = error.actual  # None when it was deleted: create it again
                self._save_record(record, None)
            else:
                self._status(
                    "not saved: your changes are still here; ctrl+s shows the conflict again",
                    error=True,
                )

        self.app.push_screen(
            ConflictScreen(error, mine=record.state(), original=self.original or {}), decided
        )

    # -- leaving ---------------------------------------------------------------------------------

    def action_cancel(self) -> None:
        if self._saving:
            self.notify("saving: wait for the ledger's answer", severity="warning", markup=False)
            return
        if not self.changed:
            self.dismiss(None)
            return
        what = f"{self.record_type} {self.key}" if self.key else f"the new {self.record_type}"
        self.discard_or_stay(
            "Discard your changes?",
            render.assemble(
                render.ui("Your changes to "),
                (what, render.KEY_STYLE),
                render.ui(" have not been saved."),
            ),
            "y discards them; n goes back to the form.",
        )
