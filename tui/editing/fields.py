"""A form field: its label, its editor, and a line under it with a hint or what is wrong.

Editors are Textual's ``Input`` (one line; ``enter`` goes to the next field, or opens the
field's picker) and ``TextArea`` (long text). Both drop control characters as they are typed or
pasted, as the ledger would on save: an escape sequence pasted into a field never reaches the
terminal, and what the analyst sees is what will be saved.

Stored text may hold such characters all the same (a ledger written by another tool): an editor
writes its value to the terminal as it is, so the field shows that text made visible
(:func:`tui.render.editable`), says under it what the stand-ins are and what saving keeps of
them, and turns them back into the characters before the record is checked and saved
(:func:`tui.render.restore`), so that the ledger's cleaning, not the editor, decides.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.document._document import EditResult, Location
from textual.message import Message
from textual.suggester import Suggester
from textual.widget import Widget
from textual.widgets import Input, Static, TextArea

from db.text import clean_line, clean_text

from .. import keys, render
from .choices import Choice, Directory, join_list, split_list
from .form_fields import FieldSpec


class LineInput(Input):
    """One line of text; ``enter`` goes to the next field.

    Entering the field (tab, or the form opening on it) selects its text, Textual's
    ``select_on_focus``: typing replaces a pre-filled value (a date, a status) rather than
    running on from its end, and an arrow key first puts the cursor in it to edit in place.
    """

    BINDINGS: ClassVar = [keys.binding("form.next")]

    def replace(self, text: str, start: int, end: int) -> None:
        super().replace(render.typed_line(text), start, end)

    def action_next_field(self) -> None:
        self.screen.focus_next()


class PickInput(LineInput):
    """A value (or a ``;``-separated list) typed with completion, or chosen from a picker."""

    BINDINGS: ClassVar = [keys.binding("form.pick")]

    class PickRequested(Message):
        def __init__(self, field: FormField) -> None:
            self.field = field
            super().__init__()

    def action_pick(self) -> None:
        field = next(a for a in self.ancestors if isinstance(a, FormField))
        self.post_message(self.PickRequested(field))


class LongText(TextArea):
    """Long text with its line breaks (wording, notes, excerpts).

    Entering it selects its text, as a one-line field does (:class:`LineInput`): one rule for
    every field of a form. An arrow key puts the cursor in the text; ``ctrl+z`` brings back
    text replaced by mistake.
    """

    def on_focus(self, event: events.Focus) -> None:
        # Not when the terminal itself regained the focus: the analyst was in the middle of it.
        if not event.from_app_focus:
            self.select_all()

    def _replace_via_keyboard(
        self, insert: str, start: Location, end: Location
    ) -> EditResult | None:
        return super()._replace_via_keyboard(render.typed_text(insert), start, end)


class ChoiceSuggester(Suggester):
    """Completes the value being typed (in a list field, the last entry) from the known ones,
    whatever the case typed: ``fr`` offers ``FRA``; failing a value, from their names and
    aliases (``norw`` offers ``Norway``, which the field takes for ``NOR``)."""

    def __init__(self, *, multiple: bool) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.multiple = multiple
        #: What completes: the values first, then the names that stand for them.
        self.values: list[str] = []

    async def get_suggestion(self, value: str) -> str | None:
        stem = value.rpartition(";")[2].lstrip() if self.multiple else value
        if not stem:
            return None
        folded = stem.casefold()
        for known in self.values:
            if len(known) > len(stem) and known.casefold().startswith(folded):
                return value[: len(value) - len(stem)] + known
        return None


def _few(stand_ins: list[str], most: int = 6) -> str:
    more = f" \u2026 (+{len(stand_ins) - most})" if len(stand_ins) > most else ""
    return " ".join(stand_ins[:most]) + more


class FormField(Vertical):
    """``Label  [editor]`` and, under it, a hint or the problems found when it was left."""

    DEFAULT_CSS = """
    FormField {
        height: auto; layout: grid; grid-size: 2; grid-columns: 13 1fr; grid-rows: auto;
    }
    FormField .field-label { width: 13; color: $foreground-muted; }
    FormField.-required .field-label { color: $foreground; }
    FormField:focus-within .field-label { color: $text-accent; text-style: bold; }
    FormField Input { width: 1fr; background: $boost; }
    FormField Input:focus { background: $primary 25%; }
    FormField Input:disabled { background: $surface; color: $text-muted; }
    FormField LongText { width: 1fr; height: 5; background: $boost; }
    FormField LongText:focus { background: $primary 25%; }
    FormField .field-hint {
        column-span: 2; padding-left: 13; color: $foreground-muted; height: auto;
        text-wrap: nowrap; text-overflow: ellipsis;
    }
    FormField .field-hint.-error { color: $text-error; text-wrap: wrap; }
    FormField .field-hint.-stand-ins { text-wrap: wrap; }
    FormField.-invalid .field-label { color: $text-error; text-style: bold; }
    """

    def __init__(self, spec: FieldSpec, value: str = "", *, fixed: bool = False) -> None:
        super().__init__(id=f"field-{spec.name}")
        self.spec = spec
        self.initial = value
        #: The text last put in the editor (as stored), whose stand-ins :attr:`text` undoes.
        self.stored = value
        self.multiline = spec.kind == "text"
        self.fixed = fixed
        self.problems: list[str] = []
        #: Known values of the field's picker, by value (to name what a code stands for).
        self.known: dict[str, Choice] = {}
        #: The same, looked up in any case and by name or alias (``ukr``, ``Norge``).
        self.directory = Directory(())
        self.suggester: ChoiceSuggester | None = None
        self._hint_shown: tuple[bool, str] | None = None
        #: Said under the field instead of its hint while set (a key the form suggested).
        self._note = ""
        self.set_class(spec.required, "-required")

    def compose(self) -> ComposeResult:
        spec = self.spec
        label = spec.label + (" *" if spec.required else "")
        yield Static(render.plain(label), classes="field-label", markup=False)
        yield self._editor()
        yield Static(classes="field-hint", markup=False)

    def _editor(self) -> Widget:
        spec = self.spec
        shown = render.editable(self.initial, multiline=self.multiline)
        if spec.kind == "text":
            return LongText(shown, soft_wrap=True, compact=True, id=f"editor-{spec.name}")
        if spec.picks:
            self.suggester = ChoiceSuggester(multiple=spec.kind == "list")
            return PickInput(
                shown,
                suggester=self.suggester,
                compact=True,
                id=f"editor-{spec.name}",
                disabled=self.fixed,
            )
        return LineInput(shown, compact=True, id=f"editor-{spec.name}", disabled=self.fixed)

    def on_mount(self) -> None:
        self.show_hint()

    @property
    def editor(self) -> Input | TextArea:
        editor = self.query_one(f"#editor-{self.spec.name}")
        assert isinstance(editor, Input | TextArea)
        return editor

    # -- the value ---------------------------------------------------------------------------

    @property
    def shown(self) -> str:
        """What the editor holds: the text with stored control characters made visible."""
        editor = self.editor
        return editor.text if isinstance(editor, TextArea) else editor.value

    @property
    def text(self) -> str:
        """The value as typed, with the stand-ins of stored characters turned back; in a field
        with a picker, a value, name or alias of a known choice typed in any case is that
        choice's value (``ukr`` and ``Ukraine`` are ``UKR``), as the ledger's readers take it."""
        typed = render.restore(self.shown, self.stored, multiline=self.multiline)
        if not self.known or self.multiline:
            return typed
        if self.spec.kind == "list":
            entries = split_list(typed)
            resolved = [self.directory.resolve(e) or e for e in entries]
            return typed if resolved == entries else join_list(resolved)
        resolved_one = self.directory.resolve(typed)
        return typed if resolved_one is None or resolved_one == typed.strip() else resolved_one

    def set_text(self, text: str) -> None:
        """Show ``text`` (stored text, or a value chosen from a list), made visible."""
        self.stored = text
        shown = render.editable(text, multiline=self.multiline)
        editor = self.editor
        if isinstance(editor, TextArea):
            editor.load_text(shown)
        else:
            editor.value = shown
            editor.cursor_position = len(shown)

    @property
    def values(self) -> list[str]:
        """A list field's entries."""
        return split_list(self.text)

    def set_values(self, values: list[str]) -> None:
        self.set_text(join_list(values))

    def data(self) -> Any:
        """The value as the record's model takes it (a list for list fields, else text)."""
        return self.values if self.spec.kind == "list" else self.text

    # -- what the picker knows ------------------------------------------------------------------

    def set_known(self, choices: list[Choice]) -> None:
        self.known = {c.value: c for c in choices}
        self.directory = Directory(choices)
        if self.suggester is not None:
            # A suggestion is drawn after the cursor as it is: never a stored control character.
            names = [name for c in choices for name in c.names]
            self.suggester.values = [render.visible(v) for v in (*self.known, *names)]
        self.show_hint()

    # -- hint and problems -----------------------------------------------------------------------

    def show_problems(self, problems: list[str]) -> None:
        if problems == self.problems:
            return
        self.problems = problems
        self.set_class(bool(problems), "-invalid")
        self.show_hint()

    def show_hint(self) -> None:
        # Called on every keystroke: the line is touched only when what it says changes (an
        # update lays the whole form out again).
        error = bool(self.problems)
        note = "" if error else self.stand_ins_note()
        if error:
            content = render.paragraph("\n".join(self.problems))
        elif note:
            content = render.plain(note, "$text-warning")
        else:
            content = self._description()
        shown = (error, content.plain)
        if shown == self._hint_shown:
            return
        self._hint_shown = shown
        hint = self.query_one(".field-hint", Static)
        hint.set_class(error, "-error")
        hint.set_class(bool(note), "-stand-ins")
        hint.update(content)
        hint.display = bool(content.plain)

    def stand_ins_note(self) -> str:
        """What the stand-ins still in the editor are, and what saving keeps of them (by the
        ledger's own cleaning), or nothing when there are none."""
        found = render.stand_ins(self.stored, multiline=self.multiline)
        if not found:
            return ""
        shown = self.shown
        found = {char: stand_in for char, stand_in in found.items() if stand_in in shown}
        if not found:
            return ""
        saved = set(clean_text(self.stored) if self.multiline else clean_line(self.stored))
        dropped = [stand_in for char, stand_in in found.items() if char not in saved]
        kept = [stand_in for char, stand_in in found.items() if char in saved]
        parts = []
        if dropped:
            breaks = "; line breaks become spaces" if "\n" in found and "\n" not in saved else ""
            parts.append(f"{_few(dropped)}: control characters, removed on save{breaks}")
        if kept:
            parts.append(f"{_few(kept)}: invisible marks, kept as they are")
        return "stored with invisible characters, shown as " + "; ".join(parts)

    @property
    def note(self) -> str:
        return self._note

    @note.setter
    def note(self, text: str) -> None:
        self._note = text
        self.show_hint()

    def _description(self) -> Any:
        """What the value stands for (``France (state)``), else the field's hint."""
        spec = self.spec
        if self._note:
            return render.plain(self._note, "$text-accent")
        if self.known and spec.kind in ("choice", "list"):
            values = self.values if spec.kind == "list" else [self.text]
            found = [self.known.get(v) for v in values if v]
            named = [c for c in found if c is not None]
            if named and len(named) == len(found):
                parts = [
                    f"{c.label} ({c.detail})" if c.label and c.detail else c.label or c.detail
                    for c in named
                ]
                typed = render.restore(self.shown, self.stored).strip()
                if spec.kind == "list" or typed != named[0].value:
                    # A list names each entry; a name typed for a code says which code it is.
                    parts = [f"{c.value}: {p}" for c, p in zip(named, parts, strict=True)]
                return render.plain("; ".join(parts), render.MUTED)
        return render.plain(spec.hint, render.MUTED)

    @on(Input.Changed)
    @on(TextArea.Changed)
    def _changed(self) -> None:
        if not self.problems:
            self.show_hint()
