"""Pickers: choose a value (or several) from a list, typing to search.

One modal for every list a form offers: actors, conditions, sources, categories, tags, units,
the vocabularies with their definitions, and pledges (searched in the ledger as you type). The
search line keeps the focus; ``up``/``down`` move through the matches and ``enter`` chooses.
In a list field ``enter`` adds or removes the highlighted entry and ``ctrl+s`` keeps them.

A missing actor or source can be created without leaving the form: the last entry opens the
actor's (or source's) own form on top (the form class the picker is given), and what it saves
is chosen at once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from contextlib import suppress
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from db.vocab import RecordRef, RecordType

from .. import keys, render
from ..widgets.key_footer import KeyFooter
from .choices import Choice, matching, search_pledges
from .dialogs import LedgerDialog
from .results import Picked

if TYPE_CHECKING:
    from textual.screen import ModalScreen

    from .results import Saved

_NEW = "\0new"
_FREE = "\0free"
_CODE_LIKE = re.compile(r"[A-Za-z0-9_-]{2,16}")
_KEY_LIKE = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,63}")


def initial_values(record_type: RecordType, text: str) -> dict[str, str]:
    """What a record created from a picker starts with: the searched text as its code or key
    if it looks like one, else as its name or title."""
    text = text.strip()
    if record_type == "actor":
        if _CODE_LIKE.fullmatch(text):
            return {"code": text.upper()}
        return {"name": text} if text else {}
    if _KEY_LIKE.fullmatch(text):
        return {"key": text.lower()}
    return {"title": text} if text else {}


class NewRecordForm(Protocol):
    """What the picker opens to create a record: :class:`tui.editing.form.RecordForm`, given
    by whoever opens the picker (the form imports the picker, not the other way round)."""

    def __call__(
        self, record_type: RecordType, *, initial: dict[str, str] | None = ...
    ) -> ModalScreen[Saved | None]: ...


class SearchInput(Input):
    BINDINGS: ClassVar = [keys.binding("picker.choose")]

    def replace(self, text: str, start: int, end: int) -> None:
        super().replace(render.typed_line(text), start, end)

    def action_choose(self) -> None:
        screen = self.screen
        if isinstance(screen, Picker):
            screen.action_choose()


class Picker(LedgerDialog[Picked | None]):
    BINDINGS: ClassVar = [
        keys.binding(name)
        for name in (
            "picker.done",
            "picker.cancel",
            "picker.up",
            "picker.down",
            "picker.page-up",
            "picker.page-down",
        )
    ]
    DEFAULT_CSS = """
    Picker > .dialog { height: auto; max-height: 90%; }
    Picker #picker-search { margin-bottom: 1; background: $boost; }
    Picker #picker-search:focus { background: $primary 25%; }
    Picker OptionList {
        height: auto; max-height: 70vh; border: none; padding: 0; background: $surface;
    }
    Picker #picker-chosen { height: auto; max-height: 3; color: $text-accent; margin-top: 1; }
    """

    class Found(Message):
        def __init__(self, text: str, choices: list[Choice]) -> None:
            self.text = text
            self.choices = choices
            super().__init__()

    def __init__(
        self,
        title: str,
        choices: Sequence[Choice] | None,
        *,
        multiple: bool = False,
        chosen: Sequence[str] = (),
        current: str = "",
        typed: str | None = None,
        free: bool = False,
        create: RecordType | None = None,
        form: NewRecordForm | None = None,
        search_ledger: bool = False,
    ) -> None:
        """``create`` is the type of record the last entry creates, with ``form``."""
        if create and form is None:
            raise ValueError("a picker that creates records needs the form to create them in")
        super().__init__()
        self.title_text = title
        self.choices = list(choices or [])
        self.multiple = multiple
        self.chosen = list(chosen)
        # A value already chosen is highlighted among all the others; a partial one (typed in
        # the field) is where the search starts. ``typed`` is what the field shows when it is
        # not the value itself (``Ukr``, ``Norge`` for a known actor): the search starts from
        # it as typed, with the value it stands for highlighted.
        known = {c.value for c in self.choices}
        self.current = current if current in known else ""
        shown = (typed if typed is not None else current).strip()
        # The search line draws its text as it is: a stored control character is shown.
        self.search_text = "" if shown == self.current else render.visible(shown)
        self.free = free
        self.create = create
        self.form = form
        self.search_ledger = search_ledger
        self.created: list[RecordRef] = []

    def compose(self) -> ComposeResult:
        placeholder = "type to search" + (" the ledger" if self.search_ledger else "")
        with Vertical(classes="dialog"):
            yield Static(render.ui(self.title_text), classes="dialog-title", markup=False)
            # What the field held is kept, the cursor after it: typing goes on from it.
            yield SearchInput(
                self.search_text,
                placeholder=placeholder,
                compact=True,
                select_on_focus=False,
                id="picker-search",
            )
            yield OptionList(id="picker-options")
            if self.multiple:
                yield Static(id="picker-chosen", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(OptionList).can_focus = False
        self.query_one(SearchInput).focus()
        self._show()
        if self.current:
            with suppress(OptionDoesNotExist):
                self.options.highlighted = self.options.get_option_index("=" + self.current)
        if self.search_ledger and self.search_text:
            self._search(self.search_text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "done":
            return self.multiple
        return True

    # -- the list --------------------------------------------------------------------------------

    @property
    def options(self) -> OptionList:
        return self.query_one(OptionList)

    @on(Input.Changed, "#picker-search")
    def _typed(self, event: Input.Changed) -> None:
        self.search_text = event.value
        if self.search_ledger:
            self._search(event.value)
        else:
            self._show()

    @work(thread=True, exclusive=True, group="picker-search", exit_on_error=False)
    def _search(self, text: str) -> None:
        self.post_message(self.Found(text, search_pledges(self.ledger, text)))

    @on(Found)
    def _found(self, message: Found) -> None:
        if message.text == self.search_text:
            self.choices = message.choices
            self._show()

    def _show(self) -> None:
        text = self.search_text.strip()
        shown = self.choices if self.search_ledger else matching(self.choices, text)
        width = min(max((len(c.value) for c in shown), default=0), 28)
        options: list[Option] = [Option(self._prompt(c, width), id="=" + c.value) for c in shown]
        values = {c.value for c in self.choices}
        if self.free and text and text not in values:
            verb = "add" if self.multiple else "use"
            options.append(
                Option(render.assemble((f"+ {verb} ", "bold"), (text, render.KEY_STYLE)), id=_FREE)
            )
        if self.create:
            label = (
                f"+ new {self.create}" + (f" from \u201c{text}\u201d" if text else "") + "\u2026"
            )
            options.append(Option(render.plain(label, "bold $text-success"), id=_NEW))
        option_list = self.options
        option_list.set_options(options)
        if options:
            option_list.highlighted = 0
        if self.multiple:
            chosen = "; ".join(self.chosen) if self.chosen else "(none)"
            self.query_one("#picker-chosen", Static).update(
                render.assemble(("chosen: ", render.MUTED), chosen)
            )

    def _prompt(self, choice: Choice, width: int) -> Any:
        mark = None
        if self.multiple:
            mark = ("\u2713 ", "bold $text-success") if choice.value in self.chosen else "  "
        value = render.visible(choice.value)
        return render.assemble(
            mark,
            (value + " " * (width - len(value)), render.KEY_STYLE),
            ("  " + choice.label) if choice.label else None,
            (f"  {choice.detail}", render.MUTED) if choice.detail else None,
        )

    # -- keys ----------------------------------------------------------------------------------

    def action_cursor_up(self) -> None:
        self.options.action_cursor_up()

    def action_cursor_down(self) -> None:
        self.options.action_cursor_down()

    def action_page_up(self) -> None:
        self.options.action_page_up()

    def action_page_down(self) -> None:
        self.options.action_page_down()

    @on(OptionList.OptionSelected)
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.options.highlighted = event.option_index
        self.action_choose()

    def action_choose(self) -> None:
        option = self.options.highlighted_option
        if option is None or option.id is None:
            return
        if option.id == _NEW:
            self._create()
        elif option.id == _FREE:
            self._take(self.search_text.strip())
            if self.multiple:
                self.query_one(SearchInput).value = ""
        else:
            self._take(option.id[1:])

    def _take(self, value: str) -> None:
        if not self.multiple:
            self.dismiss(Picked((value,), tuple(self.created)))
            return
        if value in self.chosen:
            self.chosen.remove(value)
        else:
            self.chosen.append(value)
        highlighted = self.options.highlighted
        self._show()
        if highlighted is not None and highlighted < self.options.option_count:
            self.options.highlighted = highlighted

    def _create(self) -> None:
        assert self.create is not None and self.form is not None
        record_type = self.create

        def created(result: Saved | None) -> None:
            if result is None:
                return
            self.created.append((result.record_type, result.key))
            self.choices.append(Choice(result.key, "(just created)"))
            self.query_one(SearchInput).value = ""
            self._take(result.key)

        self.app.push_screen(
            self.form(record_type, initial=initial_values(record_type, self.search_text)), created
        )

    def action_done(self) -> None:
        self.dismiss(Picked(tuple(self.chosen), tuple(self.created)))

    def action_cancel(self) -> None:
        self.dismiss(None)
