"""The report's charts as SVG, drawn by matplotlib from :class:`db.dashboard.Figures`.

The same pictures as the Dashboard's (:mod:`tui.widgets.charts`): pledges by status over time,
conditions by status over time, the open pledges each open condition holds back, pledgers by
status, and pledged against delivered by pledger, one chart per unit.

matplotlib is an optional extra (``pip install 'pledges[report]'``), imported only here and
only when a report is drawn; :func:`require` says whether it can be. It draws on its own
``Figure`` objects with the SVG canvas (never ``pyplot``, which keeps figures and a backend
for the whole process), inside an ``rc_context`` that starts from matplotlib's defaults (a
user's ``matplotlibrc`` does not change the report) and is put back afterwards:

- ``text.parse_math`` off: a pledger called ``$x^2$`` is shown as those characters;
- ``svg.fonttype: none``: text stays text (searchable, selectable, no font files in the page,
  and glyphs the chart's font lacks, CJK say, come from the browser's fonts);
- ``svg.hashsalt`` fixed per chart: the ids in the SVG are the same from one run to the next,
  and apart from one chart to the next in the same page.

Every text from the ledger goes through :func:`tui.render.visible` before matplotlib sees it
(an ESC is no character XML may hold); matplotlib escapes ``<``, ``>`` and ``&`` itself.

Colours are those of the status words in the terminal (:data:`tui.render.PLEDGE_STATUS_STYLES`
names a theme variable for each status); here each variable has the value Textual's light
theme gives it (:data:`PALETTE`, checked against Textual by the tests), since a report is
read on white, on screen or on paper. Statuses that share a colour are told apart by a hatch,
as the terminal tells them by a fill.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Final

from rich.cells import cell_len

from db.dashboard import Amounts, Figures, PledgerBar, Series, status_words

from . import render

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: What to install when matplotlib is missing.
INSTALL: Final = "pip install 'pledges[report]'"
#: The Textual theme whose colours :data:`PALETTE` holds.
THEME: Final = "textual-light"
#: The theme variables the status styles name, as Textual's light theme has them, blended
#: over white where translucent.
PALETTE: Final = {
    "text-primary": "#002D4F",
    "text-secondary": "#004F8B",
    "text-accent": "#A86D1C",
    "text-success": "#337E4A",
    "text-warning": "#A86D1C",
    "text-error": "#7A273C",
    "foreground-muted": "#787878",
    "foreground": "#1F1F1F",
}
#: The hatches that tell apart statuses of the same colour (the first is a plain fill).
HATCHES: Final = ("", "///", "...", "xxx")
#: The longest label on an axis (codes, keys and names are cut in the middle past it).
LABEL: Final = 30
#: Inches: a chart's width, the height of a chart over time, and of a bar of a bar chart.
WIDTH, HEIGHT, BAR_HEIGHT = 8.0, 3.6, 0.32

#: Legends beside the plot, at its top right: never over a bar.
_LEGEND: Final = {
    "loc": "upper left",
    "bbox_to_anchor": (1.01, 1.0),
    "fontsize": 8,
    "frameon": False,
}
_PROLOG = re.compile(r"\A<\?xml[^>]*>\s*(<!DOCTYPE[^>]*>\s*)?")


@dataclass(frozen=True, slots=True)
class Chart:
    """One drawn chart: an id for the page (``pledges``, ``amounts-2``), its title and what
    it measures, and the ``<svg>`` element."""

    id: str
    title: str
    caption: str
    svg: str


def require() -> None:
    """Raise ImportError (saying what to install) unless matplotlib can be imported."""
    try:
        import matplotlib  # noqa: F401
    except ImportError as error:
        raise ImportError(f"drawing the report's charts needs matplotlib: {INSTALL}") from error


def status_colour(record_type: str, status: str) -> str:
    """The colour of a status word in the terminal, as a fixed hex colour for the report."""
    styles = (
        render.CONDITION_STATUS_STYLES
        if record_type == "condition"
        else render.PLEDGE_STATUS_STYLES
    )
    for part in styles.get(status, "").split():
        if part.startswith("$") and part[1:] in PALETTE:
            return PALETTE[part[1:]]
    return PALETTE["foreground"]


def status_look(record_type: str, status: str) -> tuple[str, str]:
    """(colour, hatch) of a status on every chart and swatch of the page: its colour, and
    among the statuses of the vocabulary that share it, the second gets the first hatch."""
    return _looks(record_type).get(status, (PALETTE["foreground"], ""))


@cache
def _looks(record_type: str) -> dict[str, tuple[str, str]]:
    seen: dict[str, int] = {}
    found = {}
    for status in status_words(record_type):
        colour = status_colour(record_type, status)
        used = seen.get(colour, 0)
        seen[colour] = used + 1
        found[status] = (colour, HATCHES[used % len(HATCHES)])
    return found


def label(text: str | None, width: int = LABEL) -> str:
    """Ledger text as an axis shows it: visible, on one line, cut in the middle past ``width``."""
    return render.middle_cut(text or "\u2014", width)


def amount(value: float) -> str:
    """An amount as an axis shows it: 1.2k, 3.4M, 5.6bn."""
    for size, suffix in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:.2f}".rstrip("0").rstrip(".") + suffix
    return f"{value:,.0f}"


def charts(figures: Figures) -> list[Chart]:
    """Every chart of the report, in its order: the four pictures, the last one per unit."""
    found = [
        _over_time(
            "pledges",
            figures.pledges_over_time,
            "pledge",
            "Pledges by status over time",
            "pledges",
        ),
        _over_time(
            "conditions",
            figures.conditions_over_time,
            "condition",
            "Conditions by status over time",
            "conditions",
        ),
        _held(figures),
        _pledgers(figures),
    ]
    for number, unit in enumerate(figures.amounts, 1):
        found.append(_amounts(f"amounts-{number}", unit, figures))
    if not figures.amounts:
        found.append(
            _empty("amounts-1", "Pledged and delivered", "No matching pledge has an amount")
        )
    return found


# -- drawing ---------------------------------------------------------------------------------


@contextmanager
def _settings(salt: str) -> Iterator[None]:
    import matplotlib

    with matplotlib.rc_context(), warnings.catch_warnings():
        matplotlib.rcdefaults()
        matplotlib.rcParams.update(
            {
                "text.parse_math": False,
                "svg.fonttype": "none",
                "svg.hashsalt": f"pledges-report-{salt}",
                "font.family": "sans-serif",
                "font.size": 9,
                "axes.spines.top": False,
                "axes.spines.right": False,
                "axes.titlesize": 11,
                "axes.titleweight": "bold",
                "hatch.color": "#ffffff",
                "hatch.linewidth": 1.2,
            }
        )
        # A glyph DejaVu Sans lacks (CJK) is the browser's to draw: text stays text.
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font")
        yield


@dataclass(frozen=True, slots=True)
class _Margins:
    """What the space around a chart's plot must hold: the labels of its ticks on the left,
    its legend's words on the right, and tick labels turned 45 degrees below."""

    ticks: Sequence[str] = ()
    legend: Sequence[str] = ()
    turned: bool = False

    def apply(self, figure: Figure, height: float) -> None:
        # Reckoned from the labels' lengths, not measured: matplotlib's constrained layout
        # measures every text of a chart and doubles the time a report takes to draw.
        left = 0.6 + _CHAR * max((cell_len(t) for t in self.ticks), default=3)
        right = 0.2
        if self.legend:
            right += 0.45 + 0.065 * max(cell_len(w) for w in self.legend)
        bottom, top = (1.05 if self.turned else 0.55), 0.4
        figure.subplots_adjust(
            left=left / WIDTH,
            right=1 - right / WIDTH,
            bottom=bottom / height,
            top=1 - top / height,
        )


#: Inches a character of a tick label takes, on average (9 pt DejaVu Sans).
_CHAR: Final = 0.072


def _svg(figure: Figure, chart_id: str, title: str) -> str:
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    FigureCanvasSVG(figure)
    out = io.StringIO()
    figure.savefig(
        out,
        format="svg",
        metadata={"Date": None, "Format": None, "Type": None, "Creator": None},
    )
    svg = _PROLOG.sub("", out.getvalue())
    import html

    # An inline <svg> needs neither the XML prolog nor the DOCTYPE; it is named for readers.
    named = f'<svg role="img" aria-label="{html.escape(title, quote=True)}" id="chart-{chart_id}" '
    return svg.replace("<svg ", named, 1).strip()


def _draw(
    chart_id: str,
    title: str,
    caption: str,
    height: float,
    paint: Any,
    margins: _Margins | None = None,
) -> Chart:
    from matplotlib.figure import Figure

    with _settings(chart_id):
        figure = Figure(figsize=(WIDTH, height))
        paint(figure.add_subplot())
        (margins or _Margins()).apply(figure, height)
        return Chart(chart_id, title, caption, _svg(figure, chart_id, title))


def _empty(chart_id: str, title: str, message: str) -> Chart:
    def paint(axes: Axes) -> None:
        axes.set_axis_off()
        axes.set_title(title)
        axes.text(0.5, 0.5, message, ha="center", va="center", transform=axes.transAxes)

    return _draw(chart_id, title, message, 1.2, paint)


def _whole(axis: Any) -> None:
    """Ticks at round whole numbers, written with thousands marked: the axis counts."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 2.5, 5, 10]))
    axis.set_major_formatter(lambda value, _: f"{value:,.0f}")


def _ordered(record_type: str, counted: Sequence[str]) -> list[str]:
    known = [s for s in status_words(record_type) if s in counted]
    return known + sorted(s for s in counted if s not in known)


def _over_time(chart_id: str, series: Series, record_type: str, title: str, noun: str) -> Chart:
    if not series.months:
        return _empty(chart_id, title, f"No dated change of a matching {record_type} yet")
    statuses = _ordered(record_type, list(series.counts))
    looks = [status_look(record_type, s) for s in statuses]
    months = series.months
    caption = (
        f"{noun.capitalize()} in each status at the end of each month, "
        f"{months[0]} to {months[-1]} (the last bar is the day read)."
    )

    def paint(axes: Axes) -> None:
        positions = list(range(len(months)))
        bottom = [0] * len(months)
        for status, (colour, hatch) in zip(statuses, looks, strict=True):
            row = series.counts[status]
            axes.bar(
                positions,
                row,
                0.85,
                bottom=bottom,
                color=colour,
                hatch=hatch or None,
                linewidth=0,
                label=label(status),
            )
            bottom = [b + n for b, n in zip(bottom, row, strict=True)]
        step = max(1, round(len(months) / 12))
        axes.set_xticks(positions[::step], [months[i] for i in positions[::step]])
        axes.tick_params(axis="x", labelrotation=45)
        axes.set_xlim(-0.6, len(months) - 0.4)
        axes.set_title(title)
        axes.set_xlabel("month (counted at its end)")
        axes.set_ylabel(f"{noun} (count)")
        _whole(axes.yaxis)
        axes.legend(**_LEGEND)

    tallest = max(sum(row[i] for row in series.counts.values()) for i in range(len(months)))
    margins = _Margins([f"{tallest:,}"], statuses, turned=True)
    return _draw(chart_id, title, caption, HEIGHT, paint, margins)


def _bars_height(count: int) -> float:
    return max(1.6, 1.0 + BAR_HEIGHT * count)


def _held(figures: Figures) -> Chart:
    title = "Open pledges each open condition holds back"
    held = figures.held
    if not held:
        return _empty("held", title, "No open condition holds back an open pledge")
    statuses = _ordered("condition", list(dict.fromkeys(h.status for h in held)))
    look = {s: status_look("condition", s) for s in statuses}
    caption = (
        "The open conditions by the open matching pledges each holds back, the most first "
        "(a pledge held by two conditions counts for each)."
    )

    def paint(axes: Axes) -> None:
        names = [label(h.key) for h in held]
        positions = list(range(len(held)))
        labelled: set[str] = set()
        for position, item in zip(positions, held, strict=True):
            colour, hatch = look[item.status]
            first = item.status not in labelled
            labelled.add(item.status)
            axes.barh(
                position,
                item.pledges,
                0.7,
                color=colour,
                hatch=hatch or None,
                linewidth=0,
                label=label(item.status) if first else None,
            )
            axes.annotate(
                f"{item.pledges:,}",
                (item.pledges, position),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
            )
        axes.set_yticks(positions, names)
        axes.invert_yaxis()
        axes.set_title(title)
        axes.set_xlabel("open pledges held back (count)")
        axes.set_ylabel("open condition")
        _whole(axes.xaxis)
        axes.margins(x=0.15)
        axes.legend(**_LEGEND)

    margins = _Margins([label(h.key) for h in held], statuses)
    return _draw("held", title, caption, _bars_height(len(held)), paint, margins)


def _pledgers(figures: Figures) -> Chart:
    title = "Pledges by pledger and status"
    bars = figures.by_pledger
    if not bars:
        return _empty("pledgers", title, "No pledge matches")
    statuses = _ordered("pledge", sorted({s for b in bars for s, n in b.counts.items() if n}))
    looks = [status_look("pledge", s) for s in statuses]
    caption = "The pledgers with the most matching pledges, each bar split by status."

    def paint(axes: Axes) -> None:
        names = [_pledger_label(b) for b in bars]
        positions = list(range(len(bars)))
        left = [0] * len(bars)
        for status, (colour, hatch) in zip(statuses, looks, strict=True):
            row = [b.counts.get(status, 0) for b in bars]
            axes.barh(
                positions,
                row,
                0.7,
                left=left,
                color=colour,
                hatch=hatch or None,
                linewidth=0,
                label=label(status),
            )
            left = [a + n for a, n in zip(left, row, strict=True)]
        for position, bar in zip(positions, bars, strict=True):
            axes.annotate(
                f"{bar.total:,}",
                (bar.total, position),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
            )
        axes.set_yticks(positions, names)
        axes.invert_yaxis()
        axes.set_title(title)
        axes.set_xlabel("pledges (count)")
        axes.set_ylabel("pledger")
        _whole(axes.xaxis)
        axes.margins(x=0.15)
        axes.legend(**_LEGEND)

    margins = _Margins([_pledger_label(b) for b in bars], statuses)
    return _draw("pledgers", title, caption, _bars_height(len(bars)), paint, margins)


def _pledger_label(bar: PledgerBar) -> str:
    return label(bar.name if bar.code is None else _actor(bar.code, bar.name))


def _actor(code: str, name: str) -> str:
    return code if not name or name == code else f"{name} ({code})"


def _amounts(chart_id: str, unit: str, figures: Figures) -> Chart:
    rows = figures.amounts[unit]
    shown_unit = label(unit, 24)
    title = f"Pledged and delivered, in {shown_unit}"
    pledged = status_colour("pledge", "committed")
    delivered = status_colour("pledge", "delivered")
    caption = (
        f"Amount and delivered summed by pledger, in {shown_unit} only (amounts in other units "
        "are in charts of their own, never added to these); the pledgers who pledged the most."
    )

    def paint(axes: Axes) -> None:
        names = _amount_labels(rows)
        positions = list(range(len(rows)))
        axes.barh(
            [p - 0.2 for p in positions],
            [r.pledged for r in rows],
            0.38,
            color=pledged,
            label="pledged",
        )
        axes.barh(
            [p + 0.2 for p in positions],
            [r.delivered for r in rows],
            0.38,
            color=delivered,
            label="delivered",
        )
        for position, row in zip(positions, rows, strict=True):
            for offset, value in ((-0.2, row.pledged), (0.2, row.delivered)):
                axes.annotate(
                    amount(value),
                    (value, position + offset),
                    xytext=(3, 0),
                    textcoords="offset points",
                    va="center",
                    fontsize=7,
                )
        axes.set_yticks(positions, names)
        axes.invert_yaxis()
        axes.set_title(title)
        axes.set_xlabel(f"amount ({shown_unit})")
        axes.set_ylabel("pledger")
        axes.xaxis.set_major_formatter(lambda value, _: amount(value))
        axes.margins(x=0.15)
        axes.legend(**_LEGEND)

    height = _bars_height(2 * len(rows)) * 0.75 + 0.4
    margins = _Margins(_amount_labels(rows), ["delivered"])
    return _draw(chart_id, title, caption, height, paint, margins)


def _amount_labels(rows: Sequence[Amounts]) -> list[str]:
    return [label(_actor(r.code, r.name) if r.code else r.name) for r in rows]
