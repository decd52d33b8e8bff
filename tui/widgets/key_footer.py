"""The footer: the keys that work here, on one line, drawn by one widget.

Textual's footer is a container of one widget per key, rebuilt (mounted and styled again) on
every change of focus; before the first screen was painted that was two rebuilds of some
twenty widgets, about a tenth of a second of a start-up that should feel instant. This one
reads the same bindings (shown keys, grouped keys, the command palette on the right) and only
repaints itself when they change. Keys that do not fit are left out whole, from the end, rather
than cut in the middle; clicking a key presses it, as in Textual's footer.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from typing import Any, ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget


@dataclass(frozen=True)
class _Item:
    """One entry of the footer: a key (or a group of keys) and what it does."""

    keys: tuple[tuple[str, str, bool], ...]  # (key, its display, enabled)
    description: str


class KeyFooter(Widget, can_focus=False):
    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar = {"footer--key", "footer--description", "footer--separator"}
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        width: 1fr;
        color: $footer-foreground;
        background: $footer-background;
        & > .footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .footer--separator {
            color: $foreground 20%;
        }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._items: tuple[_Item, ...] = ()
        self._palette: _Item | None = None
        #: Where each key was drawn on the last render: (first cell, end, key, enabled).
        self._spans: list[tuple[int, int, str, bool]] = []

    def on_mount(self) -> None:
        # The screen says when its bindings are ready (after its widgets are mounted) and
        # whenever they change.
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[Any]) -> None:
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._read_bindings()

    def _read_bindings(self) -> None:
        items, palette = self._showing()
        if (items, palette) != (self._items, self._palette):
            self._items, self._palette = items, palette
            self.refresh()

    def _showing(self) -> tuple[tuple[_Item, ...], _Item | None]:
        """What Textual's footer would show: one entry per action, grouped keys together."""
        active = self.screen.active_bindings
        by_action: dict[str, tuple[Binding, bool]] = {}
        for _, binding, enabled, _tooltip in active.values():
            if binding.show and binding.action not in by_action:
                by_action[binding.action] = (binding, enabled)
        display = self.app.get_key_display
        items: list[_Item] = []
        for group, members in groupby(by_action.values(), lambda entry: entry[0].group):
            entries = list(members)
            if group is not None and len(entries) > 1:
                keys = tuple((b.key, display(b), enabled) for b, enabled in entries)
                items.append(_Item(keys, group.description))
            else:
                items.extend(
                    _Item(((b.key, display(b), enabled),), b.description) for b, enabled in entries
                )
        palette = None
        if self.app.ENABLE_COMMAND_PALETTE and self.app.COMMAND_PALETTE_BINDING in active:
            _, binding, enabled, _tooltip = active[self.app.COMMAND_PALETTE_BINDING]
            palette = _Item(((binding.key, display(binding), enabled),), binding.description)
        return tuple(items), palette

    # -- drawing -------------------------------------------------------------------------------

    def _item_text(self, item: _Item, start: int, spans: list[tuple[int, int, str, bool]]) -> Text:
        """The entry's text; records where each key is (a lone key: the whole entry)."""
        key_style = self.get_component_rich_style("footer--key", partial=True)
        text_style = self.get_component_rich_style("footer--description", partial=True)
        dim = Style(dim=True)
        text = Text(" ", text_style)
        for index, (key, shown, enabled) in enumerate(item.keys):
            if index:
                text.append(" ", text_style)
            begin = start + text.cell_len
            text.append(shown, key_style + dim if not enabled else key_style)
            spans.append((begin, start + text.cell_len, key, enabled))
        enabled = any(on for _, _, on in item.keys)
        text.append(f" {item.description} ", text_style + dim if not enabled else text_style)
        if len(item.keys) == 1:
            _, _, key, on = spans[-1]
            spans[-1] = (start, start + text.cell_len, key, on)
        return text

    def render(self) -> Text:
        width = self.size.width
        spans: list[tuple[int, int, str, bool]] = []
        palette = Text()
        palette_spans: list[tuple[int, int, str, bool]] = []
        if self._palette is not None:
            separator = self.get_component_rich_style("footer--separator", partial=True)
            palette.append("\u258f", separator)
            palette.append_text(self._item_text(self._palette, 0, palette_spans))
        room = width - palette.cell_len - (1 if palette else 0)
        line = Text(no_wrap=True, overflow="crop", end="")
        for item in self._items:
            piece = self._item_text(item, line.cell_len, spans)
            if line.cell_len + piece.cell_len > room:
                # Left out whole: drop the spans this item just added.
                del spans[len(spans) - len(item.keys) :]
                break
            line.append_text(piece)
        if palette:
            offset = max(width - palette.cell_len, line.cell_len)
            line.append(" " * (offset - line.cell_len))
            line.append_text(palette)
            spans.extend((offset + a, offset + b, key, on) for a, b, key, on in palette_spans)
        self._spans = spans
        return line

    def on_mouse_down(self, event: events.MouseDown) -> None:
        for begin, end, key, enabled in self._spans:
            if begin <= event.x < end:
                if enabled:
                    self.app.simulate_key(key)
                else:
                    self.app.bell()
                return
