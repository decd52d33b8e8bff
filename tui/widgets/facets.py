"""The facet sidebar: counts of the listed pledges by status, pledger, category and condition.

Choosing an entry asks the view to add its term to the filter line (or remove it, if the filter
already selects it); the sidebar itself never filters, so what is filtered is always written in
the filter line.
"""

from __future__ import annotations

from contextlib import suppress
from typing import ClassVar

from textual import on
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from db.api_types import Facets

from .. import keys, render
from ..filtering import FACET_FIELDS

HEADINGS = {
    "status": "Status",
    "pledger": "Pledger",
    "category": "Category",
    "condition": "Condition",
}
SELECTED, UNSELECTED = "\u25a0 ", "\u25a1 "


class FacetList(OptionList):
    BINDINGS: ClassVar = keys.bindings("facets")

    DEFAULT_CSS = """
    FacetList {
        /* Wider on a wide terminal, where the table has room to spare for it. */
        width: 18%; min-width: 30; max-width: 40;
        /* Labels are cut to the width left of the scroll bar, there or not. */
        scrollbar-gutter: stable;
        height: 1fr;
        max-height: 100%;
        border: none;
        border-right: vkey $panel-lighten-1;
        padding: 0;
        background: $surface;
        &:focus { border: none; border-right: vkey $primary; background-tint: $foreground 5%; }
        & > .option-list--option-disabled { color: $text-accent; text-style: bold; }
    }
    """

    class Toggled(Message):
        """The analyst chose ``field:value``."""

        def __init__(self, field: str, value: str) -> None:
            self.field = field
            self.value = value
            super().__init__()

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self._shown: tuple[Facets | None, dict[str, set[str]], bool] | None = None
        self._label_width = 0

    def on_resize(self) -> None:
        # Labels are cut to the width there is: a new width lists them again.
        if self._shown is not None and self._width() != self._label_width:
            facets, active, counting = self._shown
            self.show(facets, active, counting=counting)

    def _width(self) -> int:
        """The cells an option has (before it is laid out: the narrowest the list gets)."""
        return self.scrollable_content_region.width or 28

    def show(self, facets: Facets | None, active: dict[str, set[str]], *, counting: bool) -> None:
        """List the counts, marking the values the filter selects now."""
        self._shown = (facets, active, counting)
        self._label_width = self._width()
        highlighted = self.highlighted_option.id if self.highlighted_option else None
        options: list[Option] = []
        if counting:
            options.append(Option(render.plain("counting\u2026", render.MUTED), disabled=True))
        if facets is not None:
            for field in FACET_FIELDS:
                values = getattr(facets, field)
                if not values:
                    continue
                options.append(Option(render.plain(HEADINGS[field]), disabled=True))
                chosen = active.get(field, set())
                for value in values:
                    options.append(
                        self._option(field, value.value, value.label, value.count, chosen)
                    )
                # A selected value beyond the list's end stays on offer, to be unselected.
                listed = {self._fold(field, v.value) for v in values}
                for value in sorted(chosen - listed):
                    options.append(self._option(field, value, value, None, chosen))
        self.set_options(options)
        if highlighted is not None:
            # The value may be gone from the facets: then the highlight stays where it is.
            with suppress(OptionDoesNotExist):
                self.highlighted = self.get_option_index(highlighted)

    @staticmethod
    def _fold(field: str, value: str) -> str:
        return value.upper() if field == "pledger" else value.lower()

    def _option(
        self, field: str, value: str, label: str, count: int | None, chosen: set[str]
    ) -> Option:
        mark = SELECTED if self._fold(field, value) in chosen else UNSELECTED
        name = (
            value
            if field in ("status", "category")
            else f"{value} {label}"
            if label != value
            else value
        )
        style = render.status_style(value) if field == "status" else ""
        counted = f" {count:,}" if count is not None else ""
        # The name takes what the mark and the count leave: the count is never cut off.
        room = max(self._label_width - len(mark) - len(counted), 4)
        prompt = render.assemble(
            (mark, "$text-accent" if mark == SELECTED else render.MUTED),
            (render.one_line(name, room), style),
            (counted, render.MUTED),
        )
        return Option(prompt, id=f"{field}\x00{value}")

    def action_toggle_term(self) -> None:
        # Not action_toggle: that is every node's action that flips a boolean attribute.
        option = self.highlighted_option
        if option is not None and option.id:
            field, value = option.id.split("\x00", 1)
            self.post_message(self.Toggled(field, value))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_toggle_term()
