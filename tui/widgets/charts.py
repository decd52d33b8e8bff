"""The dashboard's charts, drawn in the terminal: series over time by plotext (through
``textual-plotext``), bar lists as lines of text.

Each chart draws one picture of :class:`db.dashboard.Figures` at the size it is given: the
figures are a few dozen numbers, so a chart redraws itself from them at every render (a
resize re-lays it out). Colours are those of the status words in the tables
(:data:`tui.render.PLEDGE_STATUS_STYLES`), taken from the app's theme; statuses that share a
colour there are told apart by their fill. Every text from the ledger (pledger codes, condition
keys, units) goes through :func:`tui.render.visible` and is cut short before plotext sees it:
plotext writes ANSI codes, and what it is given must hold none of its own.

Bars across are lines of text, one bar a line with its figure at its end: plotext lays the
bars of a horizontal chart between its rows (a bar lands a row off its label), which a reader
cannot trust.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from plotext import _utility as plotext_utility  # type: ignore[import-untyped]
from rich.cells import cell_len
from rich.color import Color as RichColor
from rich.style import Style
from rich.text import Text
from textual.color import Color
from textual_plotext import PlotextPlot
from textual_plotext.plot import Plot

from db.dashboard import Figures, Series, status_words

from .. import render

# plotext drops repeated points through a set, so that the order in which it draws them (and
# which tick labels it then finds room for) changed with each process's string hashing: the
# same figures drew differently from one run to the next. Keep the first of each, in order.
plotext_utility.no_duplicates = lambda data: list(dict.fromkeys(data))

#: The longest label a bar gets (codes and keys are cut in the middle past it).
LABEL: Final = 14
#: The fills that tell apart statuses of the same colour (the first is the plain block).
FILLS: Final = ("sd", "▒", "░", "▚")


def _colour(style: str, variables: dict[str, str], background: Color) -> tuple[int, int, int]:
    """The colour of a status style (``$text-primary bold``) in the theme, as RGB, blended over
    the chart's background when it is translucent."""
    for part in style.split():
        if part.startswith("$"):
            value = variables.get(part[1:])
            if value:
                colour = Color.parse(value)
                return (background + colour).rgb if colour.a < 1 else colour.rgb
    return Color.parse(variables.get("foreground", "#e0e0e0")).rgb


Colour = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar of a bar list: its label and its segments (value, fill, colour)."""

    label: str
    segments: list[tuple[float, str, Colour]]

    @property
    def total(self) -> float:
        return sum(value for value, _, _ in self.segments)


def cells(
    segments: Sequence[tuple[float, str, Colour]], per_unit: float
) -> list[tuple[int, str, Colour]]:
    """Whole cells for each segment of a bar: each boundary where the running sum falls (so
    the rounding never adds up along the bar), and a segment with any value one cell at least."""
    found: list[tuple[int, str, Colour]] = []
    running, drawn = 0.0, 0
    for value, fill, colour in segments:
        if value <= 0:
            continue
        running += value
        end = max(drawn + 1, round(running * per_unit))
        found.append((end - drawn, fill, colour))
        drawn = end
    return found


def label(text: str | None, width: int = LABEL) -> str:
    """Ledger text made fit for a chart: visible, on one line, at most ``width`` cells."""
    shown = render.visible(text or "—")
    return shown if cell_len(shown) <= width else render.middle_cut(shown, width)


def thousands(value: float) -> str:
    """An amount as an axis or bar shows it: 1.2k, 3.4M, 5.6bn."""
    for size, suffix in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:.1f}{suffix}"
    return f"{value:.0f}"


def _counts_ticks(
    tallest: float, room: int, *, whole: bool = True
) -> tuple[list[float], list[str]]:
    """Ticks from 0 past ``tallest`` at a round step (1, 2 or 5 times a power of ten), about
    as many as ``room`` allows; whole numbers for counts."""
    wanted = max(2, min(room, 8))
    raw = max(tallest, 1) / wanted
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    if whole:
        step = max(1, round(step))
    ticks = [step * i for i in range(math.ceil(max(tallest, 1) / step) + 1)]
    return ticks, [f"{t:,.0f}" if whole else thousands(t) for t in ticks]


class Chart(PlotextPlot):
    """One of the dashboard's pictures (``kind``), drawn from the figures it is shown."""

    DEFAULT_CSS = """
    Chart { height: 1fr; width: 1fr; min-height: 8; }
    """

    def __init__(self, kind: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.kind = kind
        self.figures: Figures | None = None
        #: What the colours (and fills) of the last drawing stand for.
        self.legend: list[tuple[str, str, Colour]] = []

    def show(self, kind: str, figures: Figures | None) -> None:
        self.kind, self.figures = kind, figures
        self.refresh()

    # -- drawing -------------------------------------------------------------------------------

    def render(self) -> Any:
        figures, width, height = self.figures, self.size.width, self.size.height
        self.legend = []
        drawable = figures is not None and width > 10 and height > 4
        if drawable and figures is not None:
            if self.kind == "held":
                return self._bar_list(*self._held(figures))
            if self.kind == "pledgers":
                return self._bar_list(*self._pledgers(figures))
            if self.kind.startswith("amounts:"):
                unit = self.kind.removeprefix("amounts:")
                return self._bar_list(*self._amounts(figures, unit), whole=False)
        # A new figure at each drawing: one drawn at another size keeps some of its layout.
        self._plot = Plot()
        plt = self.plt
        if drawable and figures is not None:
            if self.kind == "pledges":
                self._over_time(
                    figures.pledges_over_time, "pledge", "Pledges by status over time", "pledges"
                )
            elif self.kind == "conditions":
                self._over_time(
                    figures.conditions_over_time,
                    "condition",
                    "Conditions by status over time",
                    "conditions",
                )
        # As PlotextPlot draws, a line shorter: the last line is the legend, drawn here (a
        # legend of plotext's lies over the bars).
        plt.plotsize(width, height - 1)
        plt._set_size(width, height - 1)
        plt.theme(self._get_plotext_theme_name(self.app.theme))
        drawn = Text.from_ansi(plt.build().rstrip("\n"))
        drawn.append("\n")
        self._append_legend(drawn)
        return drawn

    def _append_legend(self, text: Text) -> None:
        for word, fill, colour in self.legend:
            glyph = "\u2588\u2588" if fill == "sd" else fill * 2
            text.append(glyph, style=Style(color=RichColor.from_rgb(*colour)))
            text.append(f" {word}   ")

    def _bar_list(self, title: str, axis: str, bars: list[Bar], *, whole: bool = True) -> Text:
        """Bars across as lines of text under a title and what their length measures, one bar
        a line, its segments end to end in whole cells and its figure after it."""
        width, height = self.size.width, self.size.height
        out = Text(no_wrap=True, overflow="crop")
        out.append(title.center(width).rstrip() + "\n", style="bold")
        out.append(axis.center(width).rstrip() + "\n", style="dim")
        shown = bars[: max(1, height - 3)]
        figures = [f"{b.total:,.0f}" if whole else thousands(b.total) for b in shown]
        label_width = max((cell_len(b.label) for b in shown), default=1)
        figure_width = max((len(f) for f in figures), default=1)
        room = max(4, width - label_width - figure_width - 3)
        tallest = max((b.total for b in shown), default=0) or 1
        for bar, figure in zip(shown, figures, strict=True):
            out.append(" " * (label_width - cell_len(bar.label)) + bar.label + " ")
            for count, fill, colour in cells(bar.segments, room / tallest):
                glyph = "\u2588" if fill == "sd" else fill
                out.append(glyph * count, style=Style(color=RichColor.from_rgb(*colour)))
            out.append(f" {figure}\n")
        out.append("\n" * max(0, height - 3 - len(shown)))
        self._append_legend(out)
        return out

    def _styles(self, record_type: str, statuses: Sequence[str]) -> tuple[list[Any], list[str]]:
        styles = (
            render.CONDITION_STATUS_STYLES
            if record_type == "condition"
            else render.PLEDGE_STATUS_STYLES
        )
        variables = self.app.theme_variables
        background = Color.parse(variables.get("surface", "#1e1e1e"))
        colours: list[Any] = []
        fills: list[str] = []
        seen: dict[tuple[int, int, int], int] = {}
        for status in statuses:
            colour = _colour(styles.get(status, ""), variables, background)
            used = seen.get(colour, 0)
            seen[colour] = used + 1
            colours.append(colour)
            fills.append(FILLS[used % len(FILLS)])
        return colours, fills

    def _over_time(self, series: Series, record_type: str, title: str, noun: str) -> None:
        plt = self.plt
        plt.title(title)
        if not series.months:
            plt.title(f"{title}: no dated change yet")
            return
        statuses = [s for s in status_words(record_type) if s in series.counts]
        statuses += [s for s in series.counts if s not in statuses]
        colours, fills = self._styles(record_type, statuses)
        months = series.months
        # Every month a bar; labelled as the width allows (a year's January, or each month).
        positions = list(range(len(months)))
        plt.stacked_bar(
            positions,
            [series.counts[s] for s in statuses],
            color=colours,  # type: ignore[arg-type]  # plotext takes one per series too
            marker=fills,  # type: ignore[arg-type]
            width=0.8,
        )
        self.legend = list(zip(statuses, fills, colours, strict=True))
        tallest = max(sum(series.counts[s][i] for s in statuses) for i in positions)
        ticks, labels = _counts_ticks(tallest, (self.size.height - 6) // 2)
        plt.yticks(ticks, labels)
        plt.ylim(0, ticks[-1])
        step = max(1, round(len(months) / max(1, (self.size.width - 10) // 8)))

        shown = positions[::step]
        plt.xticks([float(i) for i in shown], [months[i] for i in shown])
        plt.xlabel("month (counted at its end; the last bar is the day read)")
        plt.ylabel(noun)

    def _pledges(self, figures: Figures) -> None:
        self._over_time(
            figures.pledges_over_time, "pledge", "Pledges by status over time", "pledges"
        )

    def _conditions(self, figures: Figures) -> None:
        self._over_time(
            figures.conditions_over_time,
            "condition",
            "Conditions by status over time",
            "conditions",
        )

    def _held(self, figures: Figures) -> tuple[str, str, list[Bar]]:
        held = figures.held
        if not held:
            return "No open condition holds back an open pledge", "", []
        room = max(LABEL, min(40, self.size.width // 3))
        statuses = list(dict.fromkeys(h.status for h in held))
        colours, fills = self._styles("condition", statuses)
        style = {s: (f, c) for s, c, f in zip(statuses, colours, fills, strict=True)}
        self.legend = list(zip(statuses, fills, colours, strict=True))
        return (
            "Open pledges each open condition holds back",
            "open pledges (one held by two conditions counts for each)",
            [Bar(label(h.key, room), [(h.pledges, *style[h.status])]) for h in held],
        )

    def _pledgers(self, figures: Figures) -> tuple[str, str, list[Bar]]:
        bars = figures.by_pledger
        if not bars:
            return "No pledge matches", "", []
        statuses = [s for s in status_words("pledge") if any(b.counts.get(s) for b in bars)]
        statuses += sorted({s for b in bars for s in b.counts} - set(statuses))
        colours, fills = self._styles("pledge", statuses)
        styled = list(zip(statuses, fills, colours, strict=True))
        self.legend = styled
        return (
            "Pledges by pledger and status",
            "pledges, by status (the pledgers with the most)",
            [
                Bar(label(b.code or b.name), [(b.counts.get(s, 0), f, c) for s, f, c in styled])
                for b in bars
            ],
        )

    def _amounts(self, figures: Figures, unit: str) -> tuple[str, str, list[Bar]]:
        rows = figures.amounts.get(unit, [])
        shown_unit = label(unit, 20)
        if not rows:
            return f"No amount in {shown_unit}", "", []
        variables = self.app.theme_variables
        background = Color.parse(variables.get("surface", "#1e1e1e"))
        pledged = _colour(render.PLEDGE_STATUS_STYLES["committed"], variables, background)
        delivered = _colour(render.PLEDGE_STATUS_STYLES["delivered"], variables, background)
        self.legend = [("pledged", "sd", pledged), ("delivered", "sd", delivered)]
        bars: list[Bar] = []
        for row in rows[: max(1, (self.size.height - 3) // 2)]:
            bars.append(Bar(label(row.code or row.name), [(row.pledged, "sd", pledged)]))
            bars.append(Bar("", [(row.delivered, "sd", delivered)]))
        return (
            f"Pledged and delivered, in {shown_unit}",
            f"{shown_unit} summed by pledger (other units apart)",
            bars,
        )
