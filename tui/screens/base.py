"""What every screen of the browser shares: the bar at the top, live refresh, worker errors.

The threading rule, for every screen and widget: ledger calls run only in thread workers
(``@work(thread=True, exclusive=True, group=..., exit_on_error=False)``) that receive what they
need as arguments, never touch a widget, and post plain results as messages; message handlers,
on the event loop, own all state. A worker that fails is reported by :class:`ReportsErrors`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from textual import events, getters
from textual.app import ComposeResult
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from tui.widgets.key_footer import KeyFooter

from .. import render
from ..ledger_app import LedgerApp, reading_label
from ..reporting import ReportsErrors

if TYPE_CHECKING:
    from db.ledger import Ledger

VIEWS: dict[str, str] = {
    "pledges": "Pledges",
    "conditions": "Conditions",
    "actors": "Actors",
    "sources": "Sources",
    "history": "History",
    "dashboard": "Dashboard",
}


#: One step of the trail in the top bar: what it is (``Pledges``, ``pledge``) and its key.
Crumb = tuple[str, str]
SEPARATOR = " \u203a "
#: A key in the trail is never cut shorter than this; older steps give way first.
SHORTEST_KEY = 16


def fit_keys(lengths: list[int], room: int) -> list[int] | None:
    """How many cells each key may take for all of them to fit in ``room``: every key whole
    if they fit, else the longest cut to an equal share (short keys stay whole); None when
    even :data:`SHORTEST_KEY` each does not fit."""
    if sum(lengths) <= room:
        return list(lengths)
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    widths = list(lengths)
    left, count = room, len(lengths)
    for position, index in enumerate(order):
        share = left // (count - position)
        if lengths[index] <= share:
            left -= lengths[index]
            continue
        for rest in order[position:]:
            widths[rest] = share
        break
    if any(w < min(SHORTEST_KEY, n) for w, n in zip(widths, lengths, strict=True)):
        return None
    return widths


def fit_trail(crumbs: list[Crumb], room: int) -> str:
    """The trail in ``room`` cells: whole keys when they fit, else keys cut in the middle
    (so that they stay distinguishable), and past that the oldest steps replaced by ``…``."""
    shown = list(crumbs)
    dropped = False
    while shown:
        texts = [what + (" " if key else "") for what, key in shown]
        fixed = sum(len(t) for t in texts) + len(SEPARATOR) * (len(shown) - 1)
        if dropped:
            fixed += len("\u2026" + SEPARATOR)
        keys = [render.visible(key) for _, key in shown]
        widths = fit_keys([cell_len(k) for k in keys], room - fixed)
        if widths is not None:
            parts = [
                text + render.middle_cut(key, width)
                for text, key, width in zip(texts, keys, widths, strict=True)
            ]
            return SEPARATOR.join((["\u2026"] if dropped else []) + parts)
        if len(shown) == 1:
            return render.one_line(texts[0] + keys[0], room)
        shown.pop(0)
        dropped = True
    return ""


class TopBar(Static):
    """One line: the ledger, the five views (the current one lit), and where we are, fitted to
    the width there is (a key is cut only when the line would overflow)."""

    app = getters.app(LedgerApp)
    DEFAULT_CSS = """
    TopBar { height: 1; background: $panel; color: $foreground; padding: 0 1; }
    """

    def __init__(self, view: str, trail: list[Crumb] | None = None) -> None:
        super().__init__(markup=False)
        self.view = view
        self.trail = list(trail or [])

    def on_mount(self) -> None:
        self.draw()

    def on_resize(self) -> None:
        self.draw()

    def set_trail(self, trail: list[Crumb]) -> None:
        self.trail = list(trail)
        self.draw()

    def draw(self) -> None:
        parts: list[Any] = [("pledges", "bold $text-accent"), " "]
        used = len("pledges ")
        if self.app.file_read_only:
            parts.append(("read-only ", "bold $text-warning"))
            used += len("read-only ")
        if not self.app.reading.is_present:
            # Which axis and date, before anything else: every figure below is of then.
            banner = f" {reading_label(self.app.reading)} "
            parts.append((banner, "bold reverse $text-warning"))
            parts.append((" ", ""))
            used += len(banner) + 1
        width = self.content_region.width or self.app.size.width - 2
        # Deeper down, the trail needs the room: the views shrink to their numbers; so do the
        # views besides this one when their names do not fit.
        named = sum(len(f" {n} {label} ") for n, label in enumerate(VIEWS.values(), 1))
        short = bool(self.trail) or used + named > width
        for number, (name, label) in enumerate(VIEWS.items(), 1):
            here = name == self.view
            style = "reverse bold" if here else render.MUTED
            if self.trail:
                # Deeper down, each view is its number alone: " 1 2 3", lit where it is.
                text = f" {number}"
            elif short and not here:
                text = f" {number} "
            else:
                text = f" {number} {label} "
            parts.append((text, style))
            used += len(text)
        if self.trail:
            parts.append(("   ", ""))
            parts.append((fit_trail(self.trail, max(width - used - 3, 1)), ""))
        self.update(render.assemble(*parts))


class LedgerScreen(ReportsErrors, Screen[None]):
    """A screen that shows ledger data and keeps it fresh.

    When another process changes the ledger, the app publishes ``ledger_changed``; the screen on
    top reloads at once, screens underneath reload when they come back into view. What the
    screen asks of the app it posts as a message (:mod:`tui.messages`).
    """

    app = getters.app(LedgerApp)
    #: The view (mode) this screen belongs to, for the top bar.
    view = "pledges"

    def __init__(self) -> None:
        super().__init__()
        self._stale = False

    @property
    def ledger(self) -> Ledger:
        return self.app.ledger

    @property
    def export_query(self) -> str:
        """What ``x`` offers to export: the records this screen lists, as a query in the filter
        language ("" for the whole ledger)."""
        return ""

    def compose_top(self) -> ComposeResult:
        yield TopBar(self.view, self.trail())

    def compose_bottom(self) -> ComposeResult:
        yield KeyFooter()

    def trail(self) -> list[Crumb]:
        """Where this screen is, for the top bar: the view, then the records on the way."""
        return []

    def on_mount(self) -> None:
        # Textual calls the on_mount of every class in the MRO, this one included: a subclass's
        # own on_mount must not call it again (the screen would subscribe, and reload, twice).
        self.app.ledger_changed.subscribe(self, self._ledger_changed)
        self.app.reading_date_changed.subscribe(self, self.reading_date_changed)

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

    def reading_date_changed(self, as_of: str | None) -> None:
        """The date the ledger is read at is now ``as_of`` (None: today): the top bar says so,
        and the screen reads the ledger again, now if it is shown, else when it is (the app
        passes on :class:`tui.messages.ReadingDateChanged` to every screen)."""
        for bar in self.query(TopBar):
            bar.draw()
        self._ledger_changed(0)


def heading(text: str) -> Content:
    return render.plain(text, render.HEADING_STYLE)
