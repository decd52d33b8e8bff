"""Small modal dialogs: a yes/no question, a message (why something was not done), and the
citation window. Every text in them goes through :mod:`tui.render`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Final, TypeVar

from textual import getters
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from db.api_types import BatchSummary
from db.errors import LedgerError

from .. import keys, render
from ..ledger_app import LedgerApp
from ..reporting import ReportsErrors
from ..widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from textual.content import Content

    from db.ledger import Ledger

ResultT = TypeVar("ResultT")

#: The keys of a tall dialog with fields: save, cancel, move between fields, scroll.
FORM_BINDINGS: Final[list[BindingType]] = [
    keys.binding(name)
    for name in (
        "form.save",
        "form.cancel",
        "form.tab",
        "form.shift-tab",
        "form.page-up",
        "form.page-down",
    )
]


class Dialog(ModalScreen[ResultT]):
    """A modal window in the middle of the screen: a ``.dialog`` box with a title, a body and
    a note, looking alike in every dialog (a type selector matches the subclasses too, which
    override what they need)."""

    DEFAULT_CSS = """
    Dialog { align: center middle; }
    Dialog > .dialog {
        width: 90%; max-width: 110; height: auto; max-height: 90%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    Dialog .dialog-title { text-style: bold; color: $text-accent; margin-bottom: 1; }
    Dialog .dialog-note { color: $foreground-muted; margin-top: 1; }
    Dialog .dialog-body { height: auto; max-height: 20; }
    """


class LedgerDialog(ReportsErrors, Dialog[ResultT]):
    """A modal that reads or writes the app's ledger in thread workers, which report back with
    messages: :class:`Committed` after a write returned, :class:`Failed` when it was refused."""

    app = getters.app(LedgerApp)

    class Committed(Message):
        def __init__(self, summary: BatchSummary) -> None:
            self.summary = summary
            super().__init__()

    class Failed(Message):
        def __init__(self, error: LedgerError) -> None:
            self.error = error
            super().__init__()

    @property
    def ledger(self) -> Ledger:
        return self.app.ledger


class FieldsDialog(LedgerDialog[ResultT]):
    """A tall dialog with fields (a record's form, a status change): its keys
    (:data:`FORM_BINDINGS`), a body that scrolls a page at a time, and a question before what
    was typed in it is thrown away."""

    BINDINGS: ClassVar = FORM_BINDINGS
    #: The id of the container of the fields, which ``page up`` and ``page down`` scroll.
    body_id: ClassVar[str] = ""

    def action_scroll_body(self, direction: str) -> None:
        body = self.query_one(f"#{self.body_id}", VerticalScroll)
        if direction == "up":
            body.scroll_page_up(animate=False)
        else:
            body.scroll_page_down(animate=False)

    def discard_or_stay(self, title: str, question: Content, note: str) -> None:
        """Ask whether to throw away what was typed: ``y`` closes the dialog with nothing."""

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmDialog(title, question, note), answered)


class ConfirmDialog(Dialog[bool]):
    """A question answered with ``y`` (or ``enter``) or ``n`` (or ``escape``)."""

    BINDINGS: ClassVar = [keys.binding("form.yes"), keys.binding("form.no")]
    DEFAULT_CSS = """
    ConfirmDialog > .dialog { border: round $warning; }
    """

    def __init__(self, title: str, question: Any, note: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.question = question
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(render.ui(self.title_text), classes="dialog-title", markup=False)
            yield Static(self.question, markup=False)
            if self.note:
                yield Static(render.ui(self.note), classes="dialog-note", markup=False)
        yield KeyFooter()

    def action_yes(self) -> None:
        self.dismiss(True)

    def action_no(self) -> None:
        self.dismiss(False)


class Telling(Dialog[ResultT]):
    """What happened and why, with a list (problems, referrers) that scrolls if it is long;
    the subclass says what the keys answer."""

    DEFAULT_CSS = """
    Telling.-error > .dialog { border: round $error; }
    Telling.-error .dialog-title { color: $text-error; }
    Telling .dialog-list { height: auto; max-height: 14; margin-top: 1; }
    """

    def __init__(
        self,
        title: str,
        message: str,
        items: Sequence[Any] = (),
        *,
        note: str = "",
        error: bool = True,
    ) -> None:
        super().__init__(classes="-error" if error else "")
        self.title_text = title
        self.message = message
        self.items = list(items)
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(render.ui(self.title_text), classes="dialog-title", markup=False)
            yield Static(render.paragraph(self.message), markup=False)
            if self.items:
                with VerticalScroll(classes="dialog-list"):
                    for item in self.items:
                        content = item if not isinstance(item, str) else render.plain(item)
                        yield Static(content, markup=False)
            if self.note:
                yield Static(render.ui(self.note), classes="dialog-note", markup=False)
        yield KeyFooter()


class MessageDialog(Telling[None]):
    """A message closed with ``escape``."""

    BINDINGS: ClassVar = [keys.binding("form.close")]

    def action_cancel(self) -> None:
        self.dismiss(None)


class UndoRefusedDialog(Telling[str | None]):
    """An undo refused because someone changed its records since: why (who, which fields,
    when), and the ways on: undo only what still applies (``p``), undo the change before
    (``s``), or leave it (``escape``). Dismissed with ``"partial"``, ``"skip"`` or None."""

    BINDINGS: ClassVar = [
        keys.binding("form.undo-part"),
        keys.binding("form.undo-skip"),
        keys.binding("form.close"),
    ]

    def __init__(self, message: str, note: str) -> None:
        super().__init__("Could not undo", message, note=note)

    def action_undo_part(self) -> None:
        self.dismiss("partial")

    def action_undo_skip(self) -> None:
        self.dismiss("skip")

    def action_cancel(self) -> None:
        self.dismiss(None)


class CitationDialog(Dialog[None]):
    """The citation as text to select and copy by hand (mouse, or shift+arrows and ctrl+c), for
    terminals that do not take the clipboard escape sequence (OSC 52)."""

    BINDINGS: ClassVar = [keys.binding("form.close")]
    DEFAULT_CSS = """
    CitationDialog TextArea { height: auto; max-height: 16; }
    """

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text = title
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(render.plain(self.title_text), classes="dialog-title", markup=False)
            yield TextArea(
                render.visible(self.text, multiline=True), read_only=True, soft_wrap=True
            )
            yield Static(
                render.ui(
                    "Select it with the mouse while holding shift (most terminals then copy it "
                    "themselves), or use shift+arrows here; f7 selects it all."
                ),
                classes="dialog-note",
                markup=False,
            )
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
