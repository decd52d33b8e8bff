"""The filter line (``/``): a query typed and applied as you type, with the result count below
it, or the reason a query is malformed, pointed at, while the last good result stays on screen.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Static

from db.errors import QueryError
from db.query import Query

from .. import keys, render
from ..filtering import pointer, try_parse

#: A keystroke applies the filter at once, unless the last one was applied less than this
#: long ago: then it waits out the rest of the interval (and the last key always applies).
#: Typing stays immediate; a held-down key or a burst runs at most ten queries a second.
INTERVAL = 0.1


class FilterInput(Input):
    BINDINGS: ClassVar = keys.bindings("filter")

    def replace(self, text: str, start: int, end: int) -> None:
        # An input draws its value as it is: a pasted escape sequence would reach the terminal.
        super().replace(render.typed_line(text), start, end)

    class Apply(Message):
        pass

    class Cancel(Message):
        pass

    def action_apply(self) -> None:
        self.post_message(self.Apply())

    def action_cancel(self) -> None:
        self.post_message(self.Cancel())


class FilterLine(Widget):
    """A one-line query input and a status line.

    With ``language=True`` the text is the core's filter language, parsed here (the parser is
    pure Python, no database) so that mistakes are explained at once; otherwise it is plain
    text that the view searches for itself.
    """

    DEFAULT_CSS = """
    FilterLine {
        height: auto;
        padding: 0 1;
        background: $panel;
        #filter-input { border: none; height: 1; padding: 0; background: $panel; }
        #filter-input:focus { background: $boost; }
        #filter-input.-invalid { color: $text-error; }
        #filter-status { height: auto; color: $foreground-muted; }
        #filter-status.-error { color: $text-warning; }
    }
    """

    class Changed(Message):
        """The filter changed to a valid query (or text); apply it."""

        def __init__(self, line: FilterLine, text: str, query: Query | None) -> None:
            self.line = line
            self.text = text
            self.query = query
            super().__init__()

        @property
        def control(self) -> FilterLine:
            return self.line

    class Done(Message):
        """``enter``: go to the results."""

    class Cleared(Message):
        """``escape``: the filter was cleared; go back to the results."""

    def __init__(
        self,
        *,
        language: bool = True,
        placeholder: str = "",
        id: str | None = None,
        parser: Callable[[str], Query] | None = None,
    ) -> None:
        super().__init__(id=id)
        self.language = language or parser is not None
        #: The language's parser: the pledge filter's unless a view has its own.
        self.parser = parser
        self.placeholder = placeholder
        self._timer: Timer | None = None
        self._applied_at = 0.0
        self.error: QueryError | None = None
        self.applied = ""
        self._status = Content("")
        #: Why the applied query may list nothing (values that name nothing in the ledger).
        self._hints: list[str] = []
        #: The text last set by the program (a facet's value may hold stored control
        #: characters, shown by stand-ins that :attr:`text` turns back).
        self._set = ""

    def compose(self) -> ComposeResult:
        yield FilterInput(placeholder=self.placeholder, id="filter-input", compact=True)
        yield Static(id="filter-status", markup=False)

    @property
    def input(self) -> FilterInput:
        return self.query_one(FilterInput)

    @property
    def text(self) -> str:
        return render.restore(self.input.value, self._set)

    def set_text(self, text: str, *, apply: bool = True) -> None:
        """Replace the text (a facet was chosen) and apply it at once, without the pause."""
        self._set = text
        shown = render.editable(text)
        self.input.value = shown
        self.input.cursor_position = len(shown)
        if apply:
            self._apply()

    def clear(self) -> None:
        self.set_text("")

    def show_status(self, status: Content | str) -> None:
        """The line under the input: the result count, the sort, or a hint."""
        self._status = status if isinstance(status, Content) else render.plain(status)
        if self.error is None:
            self._show(self._status, error=False)

    def show_hints(self, hints: list[str]) -> None:
        """Values of the applied query that name nothing in the ledger, under the status (the
        query has run all the same); an empty list clears them."""
        self._hints = hints
        if self.error is None:
            self._show(self._status, error=False)

    def _show(self, content: Content, *, error: bool) -> None:
        status = self.query_one("#filter-status", Static)
        if not error and self._hints:
            content = render.assemble(
                content,
                *[
                    part
                    for hint in self._hints
                    for part in (render.ui("\n"), ("hint: " + hint, "$text-warning"))
                ],
            )
        status.update(content)
        status.set_class(error, "-error")
        self.input.set_class(error, "-invalid")

    @on(Input.Changed, "#filter-input")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        wait = self._applied_at + INTERVAL - time.monotonic()
        if wait <= 0:
            self._apply()
        else:
            self._timer = self.set_timer(wait, self._apply)

    def _apply(self) -> None:
        self._applied_at = time.monotonic()
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        text = self.text
        query: Query | None = None
        if self.language:
            parsed = try_parse(text, self.parser)
            if isinstance(parsed, QueryError):
                self._explain(text, parsed)
                return
            query = parsed
        self.error = None
        if text != self.applied or query is None:
            self.applied = text
            self._hints = []  # those of the last query; the new one's come when they are read
            self.post_message(self.Changed(self, text, query))
        self._show(self._status, error=False)

    def _explain(self, text: str, error: QueryError) -> None:
        self.error = error
        shown = render.visible(text)
        # Control characters are drawn wider than one cell: then the carets would point wrong.
        marks = pointer(text, error) if shown == text else ""
        message = render.assemble(
            (shown, ""),
            render.ui("\n"),
            (marks, "bold $text-error"),
            " " if marks else "",
            (error.message, "$text-warning"),
            ("  (the last good result is still shown)", render.MUTED),
        )
        self._show(message, error=True)

    @on(FilterInput.Apply)
    def _done(self, event: FilterInput.Apply) -> None:
        event.stop()
        self._apply()
        self.post_message(self.Done())

    @on(FilterInput.Cancel)
    def _cancel(self, event: FilterInput.Cancel) -> None:
        event.stop()
        if self.text:
            self.clear()
        self.post_message(self.Cleared())
