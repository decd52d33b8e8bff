"""A form field: its label, its editor, and a line under it with a hint or what is wrong.

Editors are Textual's ``Input`` (one line; ``enter`` goes to the next field, or opens the
field's picker) and ``TextArea`` (long text). Both drop control characters as they are typed or
pasted, as the ledger would on save: an escape sequence pasted into a field never reaches the
terminal, and what the analyst sees is what will be saved.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.document._document import EditResult, Location
from textual.message import Message
from textual.suggester import Suggester
from textual.widget import Widget
from textual.widgets import Input, Static, TextArea

from .. import keys, render
from .choices import Choice, join_list, split_list
from .specs import FieldSpec

_CONTROLS_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROLS_TEXT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def typed_line(text: str) -> str:
    """What a one-line field keeps of typed or pasted text: no control characters."""
    return _CONTROLS_LINE.sub("", text.replace("\t", " "))


def typed_text(text: str) -> str:
    """What a long-text field keeps: line breaks and tabs, no other control characters."""
    return _CONTROLS_TEXT.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


class LineInput(Input):
    """One line of text; ``enter`` goes to the next field."""

    BINDINGS: ClassVar = [keys.binding("form.next")]

    def replace(self, text: str, start: int, end: int) -> None:
        super().replace(typed_line(text), start, end)

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
    """Long text with its line breaks (wording, notes, excerpts)."""

    def _replace_via_keyboard(
        self, insert: str, start: Location, end: Location
    ) -> EditResult | None:
        return super()._replace_via_keyboard(typed_text(insert), start, end)


class ChoiceSuggester(Suggester):
    """Completes the value being typed (in a list field, the last entry) from the known ones,
    whatever the case typed: ``fr`` offers ``FRA``."""

    def __init__(self, *, multiple: bool) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.multiple = multiple
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
    FormField.-invalid .field-label { color: $text-error; text-style: bold; }
    """

    def __init__(self, spec: FieldSpec, value: str = "", *, fixed: bool = False) -> None:
        super().__init__(id=f"field-{spec.name}")
        self.spec = spec
        self.initial = value
        self.fixed = fixed
        self.problems: list[str] = []
        #: Known values of the field's picker, by value (to name what a code stands for).
        self.known: dict[str, Choice] = {}
        self.suggester: ChoiceSuggester | None = None
        self._hint_shown: tuple[bool, str] | None = None
        self.set_class(spec.required, "-required")

    def compose(self) -> ComposeResult:
        spec = self.spec
        label = spec.label + (" *" if spec.required else "")
        yield Static(render.plain(label), classes="field-label", markup=False)
        yield self._editor()
        yield Static(classes="field-hint", markup=False)

    def _editor(self) -> Widget:
        spec = self.spec
        if spec.kind == "text":
            return LongText(self.initial, soft_wrap=True, compact=True, id=f"editor-{spec.name}")
        if spec.picks:
            self.suggester = ChoiceSuggester(multiple=spec.kind == "list")
            return PickInput(
                self.initial,
                suggester=self.suggester,
                compact=True,
                select_on_focus=False,
                id=f"editor-{spec.name}",
                disabled=self.fixed,
            )
        return LineInput(
            self.initial,
            compact=True,
            select_on_focus=False,
            id=f"editor-{spec.name}",
            disabled=self.fixed,
        )

    def on_mount(self) -> None:
        self.show_hint()

    @property
    def editor(self) -> Input | TextArea:
        return self.query_one(f"#editor-{self.spec.name}")  # type: ignore[return-value]

    # -- the value ---------------------------------------------------------------------------

    @property
    def text(self) -> str:
        editor = self.editor
        return editor.text if isinstance(editor, TextArea) else editor.value

    def set_text(self, text: str) -> None:
        editor = self.editor
        if isinstance(editor, TextArea):
            editor.load_text(text)
        else:
            editor.value = text
            editor.cursor_position = len(text)

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
        if self.suggester is not None:
            self.suggester.values = [c.value for c in choices]
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
        content = render.paragraph("\n".join(self.problems)) if error else self._description()
        shown = (error, content.plain)
        if shown == self._hint_shown:
            return
        self._hint_shown = shown
        hint = self.query_one(".field-hint", Static)
        hint.set_class(error, "-error")
        hint.update(content)
        hint.display = bool(content.plain)

    def _description(self) -> Any:
        """What the value stands for (``France (state)``), else the field's hint."""
        spec = self.spec
        if self.known and spec.kind in ("choice", "list"):
            values = self.values if spec.kind == "list" else [self.text]
            found = [self.known.get(v) for v in values if v]
            named = [c for c in found if c is not None]
            if named and len(named) == len(found):
                parts = [
                    f"{c.label} ({c.detail})" if c.label and c.detail else c.label or c.detail
                    for c in named
                ]
                if spec.kind == "list":
                    parts = [f"{c.value}: {p}" for c, p in zip(named, parts, strict=True)]
                return render.plain("; ".join(parts), render.MUTED)
        return render.plain(spec.hint, render.MUTED)

    @on(Input.Changed)
    @on(TextArea.Changed)
    def _changed(self) -> None:
        if not self.problems:
            self.show_hint()
