"""What every screen of the browser shares: the bar at the top, live refresh, worker errors.

The threading rule, for every screen and widget: ledger calls run only in thread workers
(``@work(thread=True, exclusive=True, group=..., exit_on_error=False)``) that receive what they
need as arguments, never touch a widget, and post plain results as messages; message handlers,
on the event loop, own all state. A worker that fails is reported by :class:`ReportsErrors`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import ComposeResult
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from tui.widgets.footer import Footer

from .. import render
from ..reporting import ReportsErrors

if TYPE_CHECKING:
    from db.ledger import Ledger

    from ..app import PledgesApp

VIEWS: dict[str, str] = {
    "pledges": "Pledges",
    "conditions": "Conditions",
    "actors": "Actors",
    "sources": "Sources",
    "history": "History",
}


class TopBar(Static):
    """One line: the ledger, the five views (the current one lit), and where we are."""

    DEFAULT_CSS = """
    TopBar { height: 1; background: $panel; color: $foreground; padding: 0 1; }
    """

    def __init__(self, view: str, trail: str = "") -> None:
        super().__init__(markup=False)
        self.view = view
        self.trail = trail

    def on_mount(self) -> None:
        self.draw()

    def set_trail(self, trail: str) -> None:
        self.trail = trail
        self.draw()

    def draw(self) -> None:
        parts: list[Any] = [("pledges", "bold $text-accent"), " "]
        for number, (name, label) in enumerate(VIEWS.items(), 1):
            style = "reverse bold" if name == self.view else render.MUTED
            # Deeper down, the trail needs the room: the views shrink to their numbers.
            parts.append((f" {number} " if self.trail else f" {number} {label} ", style))
        if self.trail:
            parts.append(("  ", ""))
            parts.append((self.trail, ""))
        self.update(render.assemble(*parts))


class LedgerScreen(ReportsErrors, Screen[None]):
    """A screen that shows ledger data and keeps it fresh.

    When another process changes the ledger, the app publishes ``ledger_changed``; the screen on
    top reloads at once, screens underneath reload when they come back into view.
    """

    #: The view (mode) this screen belongs to, for the top bar.
    view = "pledges"

    def __init__(self) -> None:
        super().__init__()
        self._stale = False

    @property
    def pledges_app(self) -> PledgesApp:
        return self.app  # type: ignore[return-value]

    @property
    def ledger(self) -> Ledger:
        return self.pledges_app.ledger

    def compose_top(self) -> ComposeResult:
        yield TopBar(self.view, self.trail())

    def compose_bottom(self) -> ComposeResult:
        yield Footer()

    def trail(self) -> str:
        return ""

    def on_mount(self) -> None:
        self.pledges_app.ledger_changed.subscribe(self, self._ledger_changed)

    def _ledger_changed(self, _revision: int) -> None:
        if self.is_active:
            self.reload()
        else:
            self._stale = True

    def on_screen_resume(self, _event: events.ScreenResume) -> None:
        if self._stale:
            self._stale = False
            self.reload()

    def reload(self) -> None:
        """Read the ledger again, keeping the cursor (or focus) on the same record."""


def heading(text: str) -> Content:
    return render.plain(text, render.HEADING_STYLE)
