"""The report opened in a real browser (Debian's chromium, driven by Playwright): it loads with
no request leaving the file, its charts are drawn, and a hostile title is shown as text and
never runs. Without chromium the tests are skipped, except on CI (``CI`` set), where they fail:
``.ci/run`` installs it."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from db.ledger import Ledger
from db.query import parse
from tests.report.conftest import SCRIPT_TITLE
from tui import report, report_charts

CHROMIUM = Path("/usr/bin/chromium")


def _browser_missing() -> str | None:
    if not CHROMIUM.exists() and shutil.which("chromium") is None:
        return f"no chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install '.[test]')"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    missing = _browser_missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"the browser tests need a browser on CI: {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM if CHROMIUM.exists() else shutil.which("chromium"))
        )
        yield launched
        launched.close()


def write_report(ledger: Ledger, target: Path) -> Path:
    built = report.gather(ledger, "", parse(""))
    target.write_text(report.html(built, report_charts.charts(built.figures)), encoding="utf-8")
    return target


class Opened:
    """A page with the report loaded, and what happened while it loaded."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(viewport={"width": 1200, "height": 900})
        self.page = self.context.new_page()
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.goto(path.as_uri(), wait_until="load")

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def opened_sample(browser: Any, sample: Ledger, tmp_path: Path) -> Iterator[Opened]:
    opened = Opened(browser, write_report(sample, tmp_path / "report.html"))
    yield opened
    opened.close()


def test_the_report_loads_with_no_request_leaving_the_file(
    opened_sample: Opened, tmp_path: Path
) -> None:
    assert opened_sample.requests == [(tmp_path / "report.html").as_uri()]
    assert opened_sample.errors == []


def test_the_charts_are_drawn_and_visible(opened_sample: Opened, tmp_path: Path) -> None:
    page = opened_sample.page
    charts = page.locator('svg[role="img"]')
    assert charts.count() == 6  # the four pictures, the last of them for GBP and for EUR
    for index in range(charts.count()):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        assert chart.is_visible()
        box = chart.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 80
    # The bars are there: filled paths of the status colours inside the first chart.
    committed = report_charts.status_colour("pledge", "committed").lower()
    assert page.locator(f'#chart-pledges path[style*="fill: {committed}"]').count() > 0
    screenshot = tmp_path / "report.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 20_000


def test_the_page_reads_in_print(opened_sample: Opened, tmp_path: Path) -> None:
    page = opened_sample.page
    page.emulate_media(media="print")
    header = page.locator("table.pledges thead")
    assert header.evaluate("element => getComputedStyle(element).display") == "table-header-group"
    figure = page.locator("figure").first
    assert figure.evaluate("element => getComputedStyle(element).breakInside") == "avoid"
    link = page.locator("table.pledges a[href]").first
    after = link.evaluate("element => getComputedStyle(element, '::after').content")
    assert link.get_attribute("href") in after
    page.screenshot(path=str(tmp_path / "print.png"), full_page=True)
    assert len(page.pdf()) > 10_000  # the whole page prints


def test_a_hostile_title_is_shown_as_text_and_never_runs(
    browser: Any, hostile_report: Ledger, tmp_path: Path
) -> None:
    path = write_report(hostile_report, tmp_path / "hostile.html")
    opened = Opened(browser, path)
    try:
        page = opened.page
        assert page.evaluate("typeof window.pwned") == "undefined"
        assert opened.dialogs == [] and opened.errors == []
        assert opened.requests == [path.as_uri()]
        row = page.locator("#pledge-hostile-script")
        assert row.locator("td").nth(1).inner_text() == SCRIPT_TITLE
        assert page.locator("script").count() == 0
        # No link that is not a web address: javascript: and data: are text.
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        assert hrefs and all(h.startswith(("https://", "http://")) for h in hrefs), hrefs
        assert "javascript:alert(1)" in row.inner_text()
    finally:
        opened.close()
