"""``pledges report``: the pledges a query matches as one self-contained HTML page.

Registered on the ``pledges`` group by :mod:`tui.cli`. Like the rest of the CLI it imports only
click at start; the ledger, the page (:mod:`tui.report`) and matplotlib
(:mod:`tui.report_charts`, the optional extra ``pledges[report]``) when the command runs.

The page is written whole or not at all (:func:`db.files.written_whole`), and never over a file
that is there unless ``--force`` says so, as ``pledges export`` writes. Every input is checked
before the ledger is read: the query, the dates, the target, and whether matplotlib is there.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tui.cli_common import (
    EXIT_ERROR,
    EXIT_USAGE,
    QueryCommand,
    db_option,
    echo,
    fail,
    open_ledger,
    parsed_query,
    reports_errors,
    shown,
)
from tui.cli_time import reading_from, reading_options

#: The most pledges the table lists unless told otherwise (tui.report.ROWS, without its import).
ROWS = 1_000


@click.command("report", cls=QueryCommand)
@click.argument("query", nargs=-1)
@click.option(
    "-o",
    "--output",
    "output",
    metavar="FILE",
    required=True,
    help="Write the page to FILE (name it .html); - writes it to stdout, unless that is a "
    "terminal.",
)
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@click.option(
    "--rows",
    type=click.IntRange(min=0),
    default=ROWS,
    show_default=True,
    help="List at most this many matching pledges in the table (the figures and charts "
    "count them all).",
)
@reading_options
@db_option
@click.pass_context
@reports_errors
def report_command(
    ctx: click.Context,
    query: tuple[str, ...],
    output: str,
    force: bool,
    rows: int,
    as_of: str | None,
    known_on: str | None,
    db: str | None,
) -> None:
    """Write a report of the pledges matching QUERY as one HTML page that needs nothing else
    (no network, no script): the headline figures, the Dashboard's charts as vector graphics,
    and a table of the pledges with their conditions and their sources as links. It prints
    well. A word that starts with one dash and is not an option below is a negated term
    (-status:withdrawn); after --, every word is part of the query.

    The charts need matplotlib: pip install 'pledges[report]'.

    \b
    Examples:
      pledges report -o report.html
      pledges report pledger:FRA+ status:committed -o france.html
      pledges report --as-of 2025-09-04 -o summit.html
      pledges report is:overdue --rows 100 -o - > overdue.html
    """
    text, parsed = parsed_query(query)
    reading = reading_from(as_of, known_on)
    target = None if output == "-" else Path(output)
    if target is None and sys.stdout.isatty():
        fail(
            "the report is an HTML page, not for a terminal: give -o FILE.html, or redirect "
            "stdout: -o - > FILE.html",
            EXIT_USAGE,
        )
    if target is not None:
        _check(target, force)
    from tui import report_charts

    try:
        report_charts.require()
    except ImportError as error:
        fail(str(error))
    from tui import report

    with open_ledger(ctx, db) as opened:
        ledger = opened.at(reading)
        built = report.gather(ledger, text, parsed, rows=rows)
        hints = [hint.message for hint in ledger.query_hints(parsed)]
    page = report.html(built, report_charts.charts(built.figures))
    if target is None:
        sys.stdout.write(page)
    else:
        _write(target, page, force)
    # What the command did goes to stdout, as every command's; stderr when stdout is the page.
    where = "stdout" if target is None else shown(output)
    echo(f"wrote the report ({built.summary()}) to {where}", err=target is None)
    for message in hints:
        echo(f"hint: {message}", err=True)


def _check(target: Path, force: bool) -> None:
    from db.errors import FileTargetError
    from db.files import check_target
    from tui.cli_fixtures import refuse_target

    try:
        check_target(target, overwrite=force)
    except FileTargetError as error:
        refuse_target(error)


def _write(target: Path, page: str, force: bool) -> None:
    from db.errors import FileTargetError
    from db.files import written_whole
    from tui.cli_fixtures import refuse_target

    try:
        with written_whole(target, overwrite=force) as temporary:
            temporary.write_text(page, encoding="utf-8")
    except FileTargetError as error:
        refuse_target(error)
    except OSError as error:
        fail(
            f"cannot write {shown(target)}: {error.strerror or error}; nothing was written",
            EXIT_ERROR,
        )
