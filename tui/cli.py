"""The ``pledges`` command line.

``pledges --help`` and ``pledges --version`` must answer fast, so this module imports only
click at start; the ledger (SQLAlchemy) and the UI (Textual) are imported by the commands
that need them. Errors are one line on stderr and a non-zero exit code, never a traceback
(set ``PLEDGES_DEBUG=1`` to see one).
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import click

from db.version import __version__
from db.vocab import SORT_COLUMNS
from tui.cli_common import (
    EXIT_ERROR,
    EXIT_USAGE,
    QueryCommand,
    db_option,
    echo,
    fail,
    json_text,
    open_ledger,
    parsed_query,
    reports_errors,
    show_click_error,
    shown,
)
from tui.cli_time import brief_command, diff_command, reading_from, reading_options, show_command

if TYPE_CHECKING:
    from db.ledger import Ledger

#: What ``pledges list --format`` writes.
LIST_FORMATS = ("table", "csv", "tsv", "json")


class _Group(click.Group):
    """Lists commands in the order they were added, which is the order of the README, and
    shows Click's own usage errors through the CLI's safe :func:`echo` (they quote arguments,
    such as a missing file's hostile name)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.ClickException as error:
            show_click_error(error)
            sys.exit(error.exit_code)
        except click.Abort:
            echo("Aborted!", err=True)
            sys.exit(EXIT_ERROR)
        sys.exit(code if isinstance(code, int) else 0)


@click.group(
    cls=_Group,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@db_option
@click.option(
    "--demo",
    is_flag=True,
    help="Open a throw-away copy of the bundled sample ledger (Coalition of the Willing).",
)
@click.version_option(
    __version__, "-V", "--version", prog_name="pledges", message="%(prog)s %(version)s"
)
@click.pass_context
def main(ctx: click.Context, db: str | None, demo: bool) -> None:
    """A ledger of international security pledges: who promised what to whom, under which
    conditions, how each promise's status changed, and on what evidence.

    Run without a command to browse the ledger in the terminal (press ? there for help):

    \b
      pledges                  the default ledger ($PLEDGES_DB, else the data directory)
      pledges --db PATH        another ledger
      pledges --demo           a throw-away copy of the sample ledger
    """
    if ctx.invoked_subcommand is None:
        run_ui(db, demo=demo)
    elif demo:
        fail("--demo opens the UI; it cannot be combined with a command", EXIT_USAGE)


@reports_errors
def run_ui(db: str | None, *, demo: bool = False) -> None:
    """Open the ledger (or the sample) and run the browser until the analyst quits."""
    if demo and db:
        fail("use either --demo or --db, not both", EXIT_USAGE)
    # Start-up makes hundreds of thousands of objects that live as long as the process
    # (modules, classes, the first screen): the collector's passes over them free nothing and
    # grow with every import. It is off until the first screen is painted, when the app
    # freezes what start-up made and switches it back on (PledgesApp's freeze_gc).
    gc.disable()
    try:
        if demo:
            from tui.demo import demo_ledger

            with demo_ledger() as ledger:
                _run_app(ledger)
            return
        with _open_for_ui(db) as ledger:
            _run_app(ledger)
    finally:
        gc.enable()


def _open_for_ui(db: str | None) -> Ledger:
    """The ledger the UI browses. The default one is made on first use, as by every command;
    a ``--db`` path with no ledger (no file, or an empty one) is a new ledger only if the
    analyst says so when asked, since it is as likely a mistyped name. Without a terminal to
    ask on, it is refused as the other commands refuse it."""
    from db.errors import NoLedgerError
    from db.ledger import Ledger

    try:
        return Ledger.open(db, create=db is None)
    except NoLedgerError as error:
        if not _can_ask():
            raise
        folder = error.path.parent
        where = f"{error.path}" + ("" if folder.is_dir() else f" (nor the folder {folder})")
        echo(f"There is no ledger at {shown(where)}.")
        if not click.confirm("Make a new, empty ledger there?", default=False):
            fail(f"there is no ledger at {shown(error.path)}; nothing was made")
    return Ledger.open(db, create=True)


def _can_ask() -> bool:
    """Whether someone at a terminal can answer a question (both ends of it are one)."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def _run_app(ledger: Ledger) -> None:
    from tui.startup_rows import FirstListing

    # The first rows are read while Textual is imported (see tui.startup_rows).
    first = FirstListing(ledger)
    from tui.app import PledgesApp

    PledgesApp(ledger, first_listing=first, freeze_gc=True).run()


@main.command("list", cls=QueryCommand)
@click.argument("query", nargs=-1)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(LIST_FORMATS),
    default=None,
    help="table (default); csv or tsv: the columns of a CSV export, flags included, safe to "
    "open in a spreadsheet (csv imports back); json: an array of pledges (fixture field names).",
)
@click.option("--json", "as_json", is_flag=True, help="The same as --format json.")
@click.option(
    "--sort",
    "sort_column",
    default="key",
    show_default=True,
    type=click.Choice(SORT_COLUMNS),
    help="Column to sort by.",
)
@click.option("--reverse", is_flag=True, help="Reverse the order.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Print at most this many.")
@reading_options
@db_option
@click.pass_context
@reports_errors
def list_command(
    ctx: click.Context,
    query: tuple[str, ...],
    fmt: str | None,
    as_json: bool,
    sort_column: str,
    reverse: bool,
    limit: int | None,
    as_of: str | None,
    known_on: str | None,
    db: str | None,
) -> None:
    """List the pledges matching QUERY (the filter language of the UI's `/` line).

    A word that starts with one dash and is not an option below is a negated term
    (-status:withdrawn, -france); after --, every word is part of the query.

    \b
    Examples:
      pledges list status:committed is:conditional
      pledges list pledger:FRA "reassurance force" --sort announced
      pledges list -status:withdrawn --json
      pledges list is:overdue --format csv > overdue.csv
      pledges list status:committed --as-of 2025-06
      pledges list --as-of 2025-06 --known-on 2025-09-01
    """
    from db.api_types import Sort

    if as_json and fmt not in (None, "json"):
        fail(f"--json is --format json; it cannot be combined with --format {fmt}", EXIT_USAGE)
    fmt = "json" if as_json else fmt or "table"
    _, parsed = parsed_query(query)
    sort = Sort.by(sort_column, reverse)  # click.Choice has refused any other column
    reading = reading_from(as_of, known_on)
    with open_ledger(ctx, db) as opened:
        ledger = opened.at(reading)
        if fmt == "json":
            _print_json(ledger, parsed, sort, limit)
        elif fmt in ("csv", "tsv"):
            _print_delimited(ledger, parsed, sort, limit, "\t" if fmt == "tsv" else ",")
        else:
            _print_table(ledger, parsed, sort, limit)
        # After the list, on stderr: why it may be empty (pledger:Frnace), kept out of the data.
        for hint in ledger.query_hints(parsed):
            click.echo(f"hint: {hint.message}", err=True)


def _rows(ledger: Ledger, query: Any, sort: Any, limit: int | None) -> Iterator[Any]:
    """Every matching row, page by page (keyset), so a million pledges stream in constant memory."""
    printed = 0
    after = None
    while limit is None or printed < limit:
        size = 1000 if limit is None else min(1000, limit - printed)
        page = ledger.pledge_page(query, sort, limit=size, after=after)
        yield from page.rows
        printed += len(page.rows)
        if not page.more or not page.rows:
            return
        after = page.rows[-1].cursor


_WIDTHS = (26, 8, 21, 10, 10, 10)
_HEADER = ("KEY", "PLEDGER", "STATUS", "CONDITIONS", "ANNOUNCED", "DUE", "TITLE")


def _print_table(ledger: Ledger, query: Any, sort: Any, limit: int | None) -> None:
    import itertools
    import shutil

    from tui.render import one_line

    width = shutil.get_terminal_size((120, 24)).columns if sys.stdout.isatty() else 10_000
    rows = _rows(ledger, query, sort, limit)
    # Column widths from the first rows (the list streams; later long keys just push on).
    first = list(itertools.islice(rows, 200))
    widths = list(_WIDTHS)
    widths[0] = max([len(_HEADER[0]), *(len(r.key) for r in first)])
    widths[1] = max([len(_HEADER[1]), *(len(r.pledger) for r in first)])

    def line(values: tuple[str, ...]) -> str:
        # Identifiers and dates are never cut (users copy them); only the title is fitted.
        fixed = "  ".join(one_line(v).ljust(w) for v, w in zip(values, widths, strict=False))
        return fixed + "  " + one_line(values[-1], max(width - len(fixed) - 2, 10))

    click.echo(line(_HEADER))
    count = 0
    for row in itertools.chain(first, rows):
        status = row.status + (" (overdue)" if row.overdue else "")
        click.echo(
            line(
                (
                    row.key,
                    row.pledger,
                    status,
                    row.conditions.label,
                    row.announced or "",
                    row.due or "",
                    row.title,
                )
            )
        )
        count += 1
    if sys.stdout.isatty():
        total = ledger.count_pledges(query)
        click.echo(
            f"{count:,} of {total:,} matching pledges" if count < total else f"{count:,} pledges"
        )


def _print_json(ledger: Ledger, query: Any, sort: Any, limit: int | None) -> None:
    out = sys.stdout
    out.write("[")
    first = True
    keys: list[str] = []

    def flush() -> None:
        nonlocal first
        # A listing shows what is stored, even a record the schemas would refuse now (written
        # by another tool): refusing it would leave half a JSON document on stdout.
        by_key = {r.record_key: r for r in ledger.records("pledge", keys, strict=False)}
        for key in keys:
            data = by_key[key].model_dump(mode="json", exclude_none=True)
            out.write(("\n  " if first else ",\n  ") + json_text(data))
            first = False
        keys.clear()

    for row in _rows(ledger, query, sort, limit):
        keys.append(row.key)
        if len(keys) >= 1000:
            flush()
    flush()
    out.write("]\n" if first else "\n]\n")


def _print_delimited(
    ledger: Ledger, query: Any, sort: Any, limit: int | None, delimiter: str
) -> None:
    """The matching pledges as the rows of a CSV export (or TSV), in the listing's order."""
    from db.interchange import CSV_COLUMNS, csv_row, csv_writer
    from tui.cli_fixtures import terminal_safe

    writer = csv_writer(terminal_safe(sys.stdout), delimiter)
    writer.writerow(CSV_COLUMNS)
    rows: list[Any] = []

    def flush() -> None:
        # As for --json: what is stored, even a record the schemas would refuse now.
        by_key = {
            r.record_key: r for r in ledger.records("pledge", [r.key for r in rows], strict=False)
        }
        writer.writerows(csv_row(by_key[row.key], row) for row in rows)
        rows.clear()

    for row in _rows(ledger, query, sort, limit):
        rows.append(row)
        if len(rows) >= 1000:
            flush()
    flush()


@main.command("backup")
@click.argument("destination", type=click.Path(dir_okay=True, writable=True))
@db_option
@click.pass_context
@reports_errors
def backup_command(ctx: click.Context, destination: str, db: str | None) -> None:
    """Copy the ledger to DESTINATION safely, even while others write to it."""
    with open_ledger(ctx, db) as ledger:
        written = ledger.backup(destination)
    echo(f"backed up {shown(ledger.name)} to {shown(written)}")


from tui.cli_check import check_command  # noqa: E402
from tui.cli_fixtures import export_command, import_command  # noqa: E402
from tui.cli_history import redo_command, undo_command  # noqa: E402
from tui.cli_report import report_command  # noqa: E402

main.add_command(import_command)
main.add_command(export_command)
main.add_command(undo_command)
main.add_command(redo_command)
main.add_command(check_command)
main.add_command(show_command)
main.add_command(diff_command)
main.add_command(brief_command)
main.add_command(report_command)

if __name__ == "__main__":  # pragma: no cover
    main()
