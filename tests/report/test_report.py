"""The report page: its charts, figures and table for a query at a reading, hostile text kept as
text in the HTML and in the SVG, and a page that fetches nothing."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from html import escape

import pytest

from db.ledger import Ledger
from db.past import Reading
from db.query import parse
from tests.report.conftest import DATA_URL, JAVASCRIPT_URL, MATH, SCRIPT_TITLE
from tests.support import ROOT
from tests.support.foreign import RAW
from tests.support.ledgers import CJK, ESCAPES, LONG_TITLE, MARKUP_ACTION, MARKUP_CLOSE, RTL
from tui import cli_report, report, report_charts
from tui.render import visible

CHART = re.compile(r'<svg role="img".*?</svg>', re.DOTALL)


def page(ledger: Ledger, query: str = "", rows: int = report.ROWS) -> tuple[str, report.Report]:
    built = report.gather(ledger, query, parse(query), rows=rows)
    return report.html(built, report_charts.charts(built.figures)), built


def charts_of(html: str) -> dict[str, str]:
    return {re.search(r'id="chart-([\w-]+)"', svg)[1]: svg for svg in CHART.findall(html)}  # type: ignore[index]


def table_keys(html: str) -> list[str]:
    return re.findall(r'<tr id="pledge-([^"]+)">', html)


def counts(html: str, caption: str) -> dict[str, int]:
    table = html.split(f"<caption>{caption}</caption>", 1)[1].split("</table>", 1)[0]
    found = re.findall(r"(?:</svg>|<th>)(\w+)</th><td>([\d,]+)</td>", table)
    return {status: int(n.replace(",", "")) for status, n in found if status != "all"}


def test_the_report_of_the_sample_draws_the_four_charts_and_one_chart_per_unit(
    sample: Ledger,
) -> None:
    html, built = page(sample)
    drawn = charts_of(html)
    units = list(built.figures.amounts)
    assert units == ["GBP", "EUR"]
    assert list(drawn) == [
        "pledges",
        "conditions",
        "held",
        "pledgers",
        *(f"amounts-{n}" for n in range(1, len(units) + 1)),
    ]
    for number, unit in enumerate(units, 1):
        assert f'aria-label="Pledged and delivered, in {unit}"' in drawn[f"amounts-{number}"]
        assert f"amount ({unit})" in drawn[f"amounts-{number}"]
        other = units[2 - number]
        assert f"({other})" not in drawn[f"amounts-{number}"]
    # Every axis is named, with what it counts.
    assert (
        "pledges (count)" in drawn["pledges"] and "month (counted at its end)" in drawn["pledges"]
    )
    assert "conditions (count)" in drawn["conditions"]
    assert "open pledges held back (count)" in drawn["held"]
    assert "pledges (count)" in drawn["pledgers"] and "pledger" in drawn["pledgers"]
    # Each chart is a whole SVG document of its own, its text as text.
    for svg in drawn.values():
        ElementTree.fromstring(svg)
        assert "<text" in svg


def test_the_headline_figures_are_the_dashboards(sample: Ledger) -> None:
    html, _ = page(sample)
    figures = sample.dashboard()
    assert counts(html, "Pledges by status") == figures.by_status
    assert counts(html, "Conditions by status") == figures.conditions_by_status
    assert f"<strong>{figures.open_conditions:,}</strong> open conditions" in html
    assert f"<strong>{figures.conditional:,}</strong> open pledges (conditional)" in html
    assert f"<strong>{figures.blocked:,}</strong> open pledge" in html
    assert f"<strong>{figures.overdue:,}</strong> open pledge" in html
    assert f"All pledges: {figures.total:,}." in html


def test_the_table_lists_the_pledges_a_query_matches_with_their_conditions_and_sources(
    sample: Ledger,
) -> None:
    html, built = page(sample, "pledger:GBR")
    assert table_keys(html) == sample.matching_pledge_keys("pledger:GBR")
    assert built.figures.total == len(table_keys(html))
    assert "Pledges matching <code>pledger:GBR</code>" in html
    row = html.split('<tr id="pledge-gbr-uk-troops-on-ground-2025-02">', 1)[1].split("</tr>")[0]
    assert "(<code>peace-agreement</code>)" in row and '<span class="status">pending</span>' in row
    assert re.search(r'<a href="https://[^"]+" rel="noreferrer noopener">', row)


def test_amounts_are_shown_with_their_unit(sample: Ledger) -> None:
    html, _ = page(sample, "pledger:GBR")
    assert "1,600,000,000 GBP" in html or re.search(r"[\d,]+ GBP", html)


def test_as_of_a_date_the_report_shows_the_ledger_then(sample: Ledger) -> None:
    today, _ = page(sample, "status:committed")
    then_ledger = sample.at(Reading("2025-03-27"))
    then, _ = page(then_ledger, "status:committed")
    assert table_keys(then) == [
        "gbr-loan-frozen-assets-2025-03",
        "gbr-ukef-air-defence-missiles-2025-03",
    ]
    assert table_keys(today) != table_keys(then)
    assert "The ledger as of 2025-03-27." in then
    assert counts(then, "Pledges by status") == then_ledger.dashboard("status:committed").by_status
    assert charts_of(then)["pledges"] != charts_of(today)["pledges"]


def test_the_table_is_capped_and_says_how_many_it_leaves_out(sample: Ledger) -> None:
    html, built = page(sample, rows=5)
    total = sample.count_pledges()
    assert table_keys(html) == sample.matching_pledge_keys()[:5]
    assert built.left_out == total - 5
    assert f"The first 5 of {total:,} matching pledges, by key: {total - 5:,} are left out" in html


def test_no_row_at_all_is_a_table_of_none(sample: Ledger) -> None:
    html, _ = page(sample, rows=0)
    assert table_keys(html) == []
    assert "are left out of this table" in html


def test_a_query_that_matches_nothing_says_so(sample: Ledger) -> None:
    html, built = page(sample, "pledger:ZZZ")
    assert built.figures.total == 0
    assert "No pledge matches." in html
    assert set(charts_of(html)) >= {"pledges", "held", "pledgers"}


def test_the_same_ledger_gives_the_same_page(sample: Ledger) -> None:
    assert page(sample)[0] == page(sample)[0]


def test_the_page_fetches_nothing(sample: Ledger) -> None:
    html, _ = page(sample)
    policy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    assert f'<meta http-equiv="Content-Security-Policy" content="{policy}">' in html
    lowered = html.lower()
    for fetching in ("<script", "<link", "<img", "<iframe", "@import", "@font-face", "src="):
        assert fetching not in lowered, fetching
    assert not re.search(r"url\((?!#)", lowered)
    assert not re.search(r'href="(?!https?://|#)', lowered)


def test_the_print_stylesheet_keeps_charts_whole_and_prints_addresses(sample: Ledger) -> None:
    html, _ = page(sample)
    printed = html.split("@media print", 1)[1]
    assert "figure { break-inside: avoid" in printed
    assert "thead { display: table-header-group; }" in printed
    assert 'a[href]::after { content: " <" attr(href) ">"' in printed


# -- hostile text ----------------------------------------------------------------------------


def test_hostile_text_is_text_in_the_page_and_on_the_charts(hostile_report: Ledger) -> None:
    html, _ = page(hostile_report)
    # Nothing a terminal or a parser would act on is left: controls and bidi marks are shown.
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]", html)
    assert "<script" not in html.lower()
    assert escape(SCRIPT_TITLE) == "&lt;script&gt;window.pwned=1&lt;/script&gt;"
    assert escape(SCRIPT_TITLE) in html
    for text in (MARKUP_CLOSE, MARKUP_ACTION, CJK):
        assert text in html
    assert visible(RTL[:5]) in charts_of(html)["pledgers"]  # an actor's name, on its bar
    assert visible(ESCAPES) in html
    assert escape(visible(RAW)) in html  # the foreign tool's title, condition and source
    # A 10 kB title is cut, saying how long it was.
    assert LONG_TITLE not in html
    assert f"(cut: {len(LONG_TITLE):,} characters in all)" in html


def test_hostile_text_on_the_charts_is_escaped_and_no_mathtext(hostile_report: Ledger) -> None:
    html, _ = page(hostile_report)
    drawn = charts_of(html)
    for svg in drawn.values():
        ElementTree.fromstring(svg)  # a control character or a stray < would not parse
    pledgers = drawn["pledgers"]
    texts = [
        "".join(element.itertext())
        for element in ElementTree.fromstring(pledgers).iter("{http://www.w3.org/2000/svg}text")
    ]
    # Cut in the middle to the axis's width, but the characters themselves.
    assert any(t.startswith(MATH) and "(XMATH)" in t for t in texts), texts
    assert "&lt;script&gt;" in pledgers
    math_unit = next(svg for svg in drawn.values() if f"in {MATH} &lt;b&gt;" in svg)
    assert f"amount ({MATH} &lt;b&gt;)" in math_unit


def test_only_web_addresses_become_links(hostile_report: Ledger) -> None:
    html, _ = page(hostile_report)
    row = html.split('<tr id="pledge-hostile-script">', 1)[1].split("</tr>")[0]
    assert 'href="javascript' not in html.lower() and 'href="data' not in html.lower()
    assert f"Bad link <span class=note>{JAVASCRIPT_URL}</span>" in row
    assert "Data link <span class=note>data:text/html,&lt;script&gt;" in row
    assert DATA_URL not in html
    assert (
        '<a href="https://example.org/?a=1&amp;b=2" rel="noreferrer noopener">'
        "Good &lt;b&gt;link&lt;/b&gt;</a>"
    ) in row


# -- colours ---------------------------------------------------------------------------------


def test_the_colours_are_those_of_the_terminals_status_words() -> None:
    from textual.color import Color
    from textual.theme import BUILTIN_THEMES

    from tui import render

    variables = BUILTIN_THEMES[report_charts.THEME].to_color_system().generate()
    white = Color.parse("#ffffff")
    for name, value in report_charts.PALETTE.items():
        colour = Color.parse(variables[name])
        assert (white + colour).hex.upper() == value.upper(), name
    for record_type, styles in (
        ("pledge", render.PLEDGE_STATUS_STYLES),
        ("condition", render.CONDITION_STATUS_STYLES),
    ):
        for status, style in styles.items():
            variable = next(p[1:] for p in style.split() if p.startswith("$"))
            assert (
                report_charts.status_colour(record_type, status)
                == (report_charts.PALETTE[variable])
            )


def test_statuses_of_one_colour_are_told_apart_by_a_hatch() -> None:
    looks = [report_charts.status_look("pledge", s) for s in ("withdrawn", "superseded")]
    assert looks[0][0] == looks[1][0] and looks[0][1] != looks[1][1]


def test_the_commands_default_rows_is_the_reports() -> None:
    assert cli_report.ROWS == report.ROWS


def test_writing_a_report_loads_no_textual(sample_path: object) -> None:
    code = (
        "import sys\n"
        "from db.ledger import Ledger\n"
        "from db.query import parse\n"
        "from tui import report, report_charts\n"
        f"ledger = Ledger.open({str(sample_path)!r}, create=False)\n"
        "built = report.gather(ledger, '', parse(''))\n"
        "report.html(built, report_charts.charts(built.figures))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("value", [0.0, 999, 1_000, 1_250_000, 2e9, 1.75e9])
def test_amounts_on_an_axis_are_short(value: float) -> None:
    assert (
        report_charts.amount(value)
        == {
            0.0: "0",
            999: "999",
            1_000: "1k",
            1_250_000: "1.25M",
            2e9: "2bn",
            1.75e9: "1.75bn",
        }[value]
    )
