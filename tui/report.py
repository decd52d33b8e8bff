"""The report: one self-contained HTML page of the pledges a query matches, at a reading.

What it holds: the reading and the query; the headline figures (pledges by status, open
conditions and the pledges they hold back, blocked and overdue pledges); the dashboard's charts
as inline SVG (:mod:`tui.report_charts`); and a table of the matching pledges, in the ledger's
own order (by key), with their amounts, their conditions and statuses, and their sources as
links. The table holds at most ``rows`` pledges (a million would be a page nobody opens) and
says how many it leaves out.

The page needs nothing but itself: no script, no font, no image by URL, and a
Content-Security-Policy that forbids fetching anything, so that even a tag that slipped
through could not. Every text from the ledger goes through :func:`tui.briefs.h` (the one rule
for untrusted text, :func:`tui.render.visible`, then HTML escaping); only ``http(s)`` URLs
become links. A print stylesheet keeps each chart on one page, repeats the table's header on
every page and prints each link's address.

The figures come from :meth:`db.ledger.Ledger.dashboard`, the table's rows page by page from
:meth:`db.ledger.Ledger.pledge_page` and :meth:`db.ledger.Ledger.records`: no more pledges are
read into Python than the table shows. This module imports neither Textual nor matplotlib.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Final, cast

from db import vocab
from db.api_types import PledgeRow, Sort
from db.dashboard import Figures
from db.version import __version__

from .briefs import h, is_web_url
from .report_charts import Chart, status_look

if TYPE_CHECKING:
    from db.ledger import Ledger
    from db.past import Reading
    from db.query import Query
    from db.schemas import Condition, Pledge, Source

#: The most pledges the table shows unless told otherwise (``--rows``).
ROWS: Final = 1_000
#: Keys read in one go (pages of the listing, records by key).
BATCH: Final = 1_000
#: A title (or any one text) in the table is cut past this many characters.
TEXT_LIMIT: Final = 400
#: What the page may load: nothing but its own styles and, should one appear, inline images.
POLICY: Final = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


@dataclass(frozen=True, slots=True)
class TableRow:
    """A pledge as the table shows it: its row in the listing, its record (amounts, links),
    and the conditions and sources it names (None where the ledger holds no such record)."""

    row: PledgeRow
    pledge: Pledge | None
    conditions: list[tuple[str, Condition | None]]
    sources: list[tuple[str, Source | None]]


@dataclass(frozen=True, slots=True)
class Report:
    """Everything the page shows, read from the ledger in one command."""

    reading: Reading
    query: str
    figures: Figures
    rows: list[TableRow] = field(default_factory=list)
    #: The most rows the table was allowed.
    limit: int = ROWS

    @property
    def left_out(self) -> int:
        """Matching pledges the table does not show."""
        return max(0, self.figures.total - len(self.rows))

    def summary(self) -> str:
        """``41 matching pledges, 41 in the table`` (what the command says it wrote)."""
        shown = f"{len(self.rows):,} in the table"
        if self.left_out:
            shown += f", {self.left_out:,} left out"
        total = self.figures.total
        return f"{total:,} matching pledge{'' if total == 1 else 's'}, {shown}"


def gather(ledger: Ledger, query: str, parsed: Query, *, rows: int = ROWS) -> Report:
    """The report of the pledges ``parsed`` matches, read from ``ledger`` at its reading
    (``query`` is the text the analyst typed, shown on the page)."""
    figures = ledger.dashboard(parsed)
    table: list[TableRow] = []
    for batch in _batches(ledger, parsed, min(rows, figures.total)):
        table += _table_rows(ledger, batch)
    return Report(ledger.reading_at, query, figures, table, rows)


def _batches(ledger: Ledger, parsed: Query, wanted: int) -> Iterator[list[PledgeRow]]:
    """The first ``wanted`` rows of the listing in its own order, a page at a time (keyset)."""
    after = None
    read = 0
    while read < wanted:
        page = ledger.pledge_page(parsed, Sort(), limit=min(BATCH, wanted - read), after=after)
        if not page.rows:
            return
        yield page.rows
        read += len(page.rows)
        if not page.more:
            return
        after = page.rows[-1].cursor


def _table_rows(ledger: Ledger, rows: Sequence[PledgeRow]) -> list[TableRow]:
    # As a listing shows them: what is stored, even a record the schemas would refuse now.
    read = ledger.records("pledge", [r.key for r in rows], strict=False)
    pledges = {p.key: p for p in cast("list[Pledge]", read)}
    condition_keys = sorted({k for p in pledges.values() for k in p.conditions})
    source_keys = sorted({k for p in pledges.values() for k in p.sources})
    linked = cast("list[Condition]", ledger.records("condition", condition_keys, strict=False))
    cited = cast("list[Source]", ledger.records("source", source_keys, strict=False))
    conditions = {c.key: c for c in linked}
    sources = {s.key: s for s in cited}
    found = []
    for row in rows:
        pledge = pledges.get(row.key)
        found.append(
            TableRow(
                row,
                pledge,
                [(k, conditions.get(k)) for k in (pledge.conditions if pledge else [])],
                [(k, sources.get(k)) for k in (pledge.sources if pledge else [])],
            )
        )
    return found


# -- the page --------------------------------------------------------------------------------

_STYLE = """
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans",
  "Liberation Sans", sans-serif; color: #1b1b1b; background: #fff; margin: 2em auto;
  max-width: 68em; padding: 0 1.2em; }
h1 { font-size: 1.6em; margin: 0 0 0.2em; }
h2 { font-size: 1.2em; margin-top: 1.8em; border-bottom: 1px solid #ccc; }
.reading { color: #444; margin: 0.2em 0; }
code { font-size: 0.92em; background: #f2f2f2; padding: 0 0.2em; overflow-wrap: anywhere; }
.figures { display: flex; flex-wrap: wrap; gap: 1em 2.5em; }
.figures table { border-collapse: collapse; }
.figures th { text-align: left; font-weight: normal; padding: 0.1em 1em 0.1em 0; }
.figures td { text-align: right; font-variant-numeric: tabular-nums; font-weight: 600; }
.figures caption { text-align: left; font-weight: 600; padding-bottom: 0.3em; }
.swatch { width: 0.8em; height: 0.8em; margin-right: 0.4em; vertical-align: -0.05em; }
.flags { margin: 1em 0 0; padding: 0; list-style: none; }
.flags li { margin: 0.15em 0; }
figure { margin: 1.5em 0; }
figure svg { display: block; width: 100%; max-width: 52em; height: auto; }
figcaption { color: #444; font-size: 0.92em; margin-top: 0.3em; }
.pledges { border-collapse: collapse; width: 100%; font-size: 0.9em; table-layout: fixed; }
.pledges th, .pledges td { border-bottom: 1px solid #ddd; padding: 0.3em 0.4em;
  text-align: left; vertical-align: top; overflow-wrap: break-word; }
.pledges code { background: none; padding: 0; }
.pledges thead th { border-bottom: 2px solid #888; background: #f6f6f6; }
.pledges td.number { text-align: right; font-variant-numeric: tabular-nums; }
.pledges ul { margin: 0; padding: 0; list-style: none; }
.status { font-weight: 600; white-space: nowrap; }
.overdue { color: #7A273C; font-weight: 600; }
.note { color: #444; }
.left-out { font-weight: 600; }
footer { color: #666; font-size: 0.85em; margin-top: 3em; }
@media print {
  @page { margin: 1.6cm 1.4cm; }
  body { margin: 0; max-width: none; padding: 0; font-size: 10pt; background: none; }
  figure { break-inside: avoid; page-break-inside: avoid; }
  figure svg { max-width: 100%; }
  h2 { break-after: avoid; page-break-after: avoid; }
  .pledges thead { display: table-header-group; }
  .pledges tr { break-inside: avoid; page-break-inside: avoid; }
  .pledges thead th { background: none; }
  code { background: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  a[href]::after { content: " <" attr(href) ">"; font-size: 0.85em; overflow-wrap: anywhere; }
}
"""


def cut(text: object, limit: int = TEXT_LIMIT) -> str:
    """Ledger text as HTML text, cut past ``limit`` characters with a note of its length."""
    value = "" if text is None else str(text)
    if len(value) <= limit:
        return h(value)
    return (
        f"{h(value[:limit])}\u2026 <span class=note>(cut: {len(value):,} characters in all)</span>"
    )


def html(report: Report, charts: Sequence[Chart]) -> str:
    """The page: headline figures, the charts, the table of matching pledges."""
    title = "Pledges report"
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{h(title)}: {h(_scope(report))}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<header><h1>{h(title)}</h1>",
        f'<p class="reading">{_reading(report)}</p>',
        f'<p class="reading">{_query(report)}</p></header>',
        '<section id="figures"><h2>Headline figures</h2>',
        *_headline(report.figures),
        "</section>",
        '<section id="charts"><h2>Charts</h2>',
        *(_figure(chart) for chart in charts),
        "</section>",
        '<section id="pledges"><h2>Matching pledges</h2>',
        *_table(report),
        "</section>",
        f"<footer>Written by pledges {h(__version__)}; the figures were counted on "
        f"{h(report.figures.day)}.</footer>",
        "</body></html>",
    ]
    return "\n".join(out) + "\n"


def _scope(report: Report) -> str:
    what = f"pledges matching {report.query}" if report.query else "all pledges"
    return f"{what}, {report.reading.describe()}"


def _reading(report: Report) -> str:
    reading = report.reading
    day = report.figures.day
    if reading.is_present:
        return f"The ledger as it stands on {h(day)}."
    text = f"The ledger {h(reading.describe())}"
    if reading.as_of is not None and reading.as_of != day:
        text += f" (counted at the end of {h(reading.as_of)}: {h(day)})"
    return text + "."


def _query(report: Report) -> str:
    if not report.query:
        return f"All pledges: {report.figures.total:,}."
    return f"Pledges matching <code>{cut(report.query)}</code>: {report.figures.total:,}."


#: A hatch of the charts (tui.report_charts.HATCHES) drawn on a 12-pixel swatch.
_SWATCH_HATCHES: Final = {
    "///": '<path d="M-2 6 6 -2M-2 14 14 -2M6 14 14 6" stroke="#fff" stroke-width="1.6"/>',
    "...": '<path d="M3 3h.1M9 3h.1M6 6h.1M3 9h.1M9 9h.1" stroke="#fff" stroke-width="2.2"/>',
    "xxx": '<path d="M0 0 12 12M12 0 0 12" stroke="#fff" stroke-width="1.6"/>',
}


def _swatch(record_type: str, status: str) -> str:
    """A small square of a status's colour and hatch, as its bars have on the charts (an SVG
    of its own: a background would not print)."""
    colour, hatch = status_look(record_type, status)
    return (
        '<svg class="swatch" width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">'
        f'<rect width="12" height="12" fill="{colour}"/>{_SWATCH_HATCHES.get(hatch, "")}</svg>'
    )


def _count(n: int, noun: str) -> str:
    """``1 open pledge``, ``2 open pledges``."""
    return f"<strong>{n:,}</strong> {noun}{'' if n == 1 else 's'}"


def _counts_table(caption: str, record_type: str, counts: dict[str, int]) -> list[str]:
    out = [f"<table><caption>{h(caption)}</caption>"]
    for status, n in counts.items():
        out.append(f"<tr><th>{_swatch(record_type, status)}{h(status)}</th><td>{n:,}</td></tr>")
    total = sum(counts.values())
    out.append(f"<tr><th>all</th><td>{total:,}</td></tr></table>")
    return out


def _headline(figures: Figures) -> list[str]:
    statuses = dict(figures.by_status)
    conditions = figures.conditions_by_status
    open_counts = ", ".join(
        f"{conditions.get(s, 0):,} {s}"
        for s in vocab.CONDITION_STATUSES
        if s in vocab.OPEN_CONDITION_STATUSES
    )
    most = f"; the most held by one: {figures.held[0].pledges:,}" if figures.held else ""
    flags = [
        f"<li>{_count(figures.open_conditions, 'open condition')} ({h(open_counts)}) hold "
        f"back {_count(figures.conditional, 'open pledge')} (conditional){most}</li>",
        f"<li>{_count(figures.blocked, 'open pledge')} blocked (a condition of theirs failed)</li>",
        f'<li class="overdue">{_count(figures.overdue, "open pledge")} overdue (due before '
        f"{h(figures.day)})</li>",
    ]
    return [
        '<div class="figures">',
        *_counts_table("Pledges by status", "pledge", statuses),
        *_counts_table("Conditions by status", "condition", dict(conditions)),
        "</div>",
        '<ul class="flags">',
        *flags,
        "</ul>",
    ]


def _figure(chart: Chart) -> str:
    # The SVG is matplotlib's, every ledger text in it escaped (see tui.report_charts).
    return (
        f'<figure id="figure-{h(chart.id)}">{chart.svg}'
        f"<figcaption>{h(chart.caption)}</figcaption></figure>"
    )


_HEADER = (
    "Key",
    "Title",
    "Pledger",
    "Beneficiary",
    "Status",
    "Amount (delivered)",
    "Conditions",
    "Sources",
)


#: Each column's share of the table's width, in percent.
_WIDTHS: Final = (15, 22, 6, 6, 10, 10, 17, 14)


def _table(report: Report) -> list[str]:
    shown, total = len(report.rows), report.figures.total
    if not total:
        return ["<p>No pledge matches.</p>"]
    if report.left_out:
        note = (
            f'<p class="left-out">The first {shown:,} of {total:,} matching pledges, by key: '
            f"{report.left_out:,} are left out of this table (the figures and charts count "
            "them all; <code>pledges report --rows N</code> shows more, <code>pledges "
            "list</code> lists them all).</p>"
        )
    else:
        note = f"<p>All {total:,} matching pledges, by key.</p>"
    out = [
        note,
        '<table class="pledges"><colgroup>',
        "".join(f'<col style="width: {width}%">' for width in _WIDTHS),
        "</colgroup><thead><tr>",
        "".join(f'<th scope="col">{name}</th>' for name in _HEADER),
        "</tr></thead><tbody>",
    ]
    out += [_row(item) for item in report.rows]
    out.append("</tbody></table>")
    return out


def _row(item: TableRow) -> str:
    row, pledge = item.row, item.pledge
    status = f'<span class="status">{_swatch("pledge", row.status)}{h(row.status)}</span>'
    if row.overdue:
        status += f' <span class="overdue">overdue (due {h(row.due)})</span>'
    unit = f" {cut(pledge.unit, 40)}" if pledge and pledge.unit else ""
    amount = f"{_amount(pledge.amount)}{unit}" if pledge and pledge.amount else ""
    if pledge and pledge.delivered:
        amount += f'<br><span class="note">delivered {_amount(pledge.delivered)}{unit}</span>'
    cells = [
        f"<code>{cut(row.key, 120)}</code>",
        cut(row.title),
        cut(row.pledger, 120),
        cut(row.beneficiary or "", 120),
        status,
        amount,
        _list([_condition(k, c) for k, c in item.conditions]),
        _list([_source(k, s) for k, s in item.sources]),
    ]
    classes = ["", "", "", "", "", ' class="number"', "", ""]
    body = "".join(f"<td{c}>{cell}</td>" for c, cell in zip(classes, cells, strict=True))
    return f'<tr id="pledge-{h(row.key)}">{body}</tr>'


def _amount(value: object) -> str:
    """An amount (exact decimal text) with its thousands marked; as stored if it is no number."""
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return cut(value, 40)
    return h(f"{number:,}") if number.is_finite() else cut(value, 40)


def _list(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>" if items else ""


def _condition(key: str, condition: Condition | None) -> str:
    if condition is None:
        return f"<code>{cut(key, 120)}</code> (no such condition)"
    return (
        f"{_swatch('condition', condition.status)}{cut(condition.title, 160)} "
        f'(<code>{cut(key, 120)}</code>): <span class="status">{h(condition.status)}</span>'
    )


def _source(key: str, source: Source | None) -> str:
    if source is None:
        return f"<code>{cut(key, 120)}</code>"
    title = cut(source.title, 160)
    url = source.url
    if is_web_url(url):
        text = f'<a href="{h(url)}" rel="noreferrer noopener">{title}</a>'
    else:
        text = title + (f" <span class=note>{cut(url, 200)}</span>" if url else "")
    if source.publisher:
        text += f", {cut(source.publisher, 120)}"
    if source.published:
        text += f", {h(source.published)}"
    return text
