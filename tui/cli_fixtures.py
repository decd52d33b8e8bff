"""``pledges import`` and ``pledges export``: fixture files into and out of a ledger.

Registered on the ``pledges`` group by :mod:`tui.cli`. Like the rest of the CLI it imports
only click at start; the ledger and the fixture readers load when a command runs.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

import click

from db.files import NAME_IT, format_of
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

if TYPE_CHECKING:
    from db.errors import FileTargetError
    from db.vocab import RecordType
    from db.writing import Counts

#: Inputs at least this large show a progress line (when stderr is a terminal).
PROGRESS_BYTES = 1_000_000


class _ProgressLine:
    """One self-overwriting line on stderr: ``checking 45,000 of 100,000 records``."""

    def __init__(self) -> None:
        self.shown = False

    def __call__(self, phase: str, done: int, total: int) -> None:
        click.echo(f"\r{phase} {done:,} of {total:,} records\x1b[K", err=True, nl=False)
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            click.echo("\r\x1b[K", err=True, nl=False)
            self.shown = False


def _progress(files: tuple[str, ...]) -> _ProgressLine | None:
    """A progress line for large inputs, only when someone watches stderr."""
    if not sys.stderr.isatty():
        return None
    size = sum(Path(f).stat().st_size for f in files if Path(f).is_file())
    return _ProgressLine() if size >= PROGRESS_BYTES else None


def _table(counts: Mapping[RecordType, Counts]) -> list[str]:
    from db.record_types import KINDS

    rows = [("record type", "added", "updated", "unchanged")]
    for record_type, kind in KINDS.items():
        c = counts[record_type]
        rows.append((kind.section, f"{c.added:,}", f"{c.updated:,}", f"{c.unchanged:,}"))
    return [f"{a:<12} {b:>9} {c:>9} {d:>11}" for a, b, c, d in rows]


@click.command("import")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, readable=True)
)
@click.option("--dry-run", is_flag=True, help="Check and report what would change; write nothing.")
@click.option(
    "--map",
    "mapping",
    multiple=True,
    metavar="FIELD=COLUMN",
    help="CSV: read the pledge field FIELD from the column COLUMN (repeatable).",
)
@click.option(
    "--ignore",
    "ignored",
    multiple=True,
    metavar="COLUMN",
    help="CSV: skip the column COLUMN (repeatable); its field is left as it is.",
)
@db_option
@click.pass_context
@reports_errors
def import_command(
    ctx: click.Context,
    files: tuple[str, ...],
    dry_run: bool,
    mapping: tuple[str, ...],
    ignored: tuple[str, ...],
    db: str | None,
) -> None:
    """Import fixture FILES (.yaml, .yml, .json, .csv) into the ledger, all or nothing.

    Every file given is checked first, together; if anything is wrong in any of them, every
    problem is listed (file:line, record, field) and nothing is written. Records are matched
    by key: re-importing a file changes nothing, a changed file updates what changed, and a
    field the file does not give (no such CSV column, no such key in a record) is left as it
    is. The report lists the fields each updated record changes. One import is one
    change-log batch, so `u` in the UI undoes all of it.

    \b
    Examples:
      pledges import coalition.yaml
      pledges import actors.yaml pledges.csv --map pledger=donor --map title=headline
      pledges import pledges.csv --ignore remarks --dry-run
    """
    from db.interchange import FixtureError, import_files, parse_ignored, parse_mapping
    from tui import import_changes

    try:
        fields = parse_mapping(list(mapping))
        skipped = parse_ignored(list(ignored), fields)
    except ValueError as error:
        fail(shown(error, 2 * LINE_VALUE), EXIT_USAGE)
    if fields and not any(format_of(f) == "csv" for f in files):
        fail("--map renames CSV columns, and no .csv file was given", EXIT_USAGE)
    if skipped and not any(format_of(f) == "csv" for f in files):
        fail("--ignore skips CSV columns, and no .csv file was given", EXIT_USAGE)
    for name in files:
        if format_of(name) is None:
            fail(
                f"{shown(name)}: cannot tell its format; {NAME_IT}",
                EXIT_USAGE,
            )
    progress = _progress(files)
    with open_ledger(ctx, db, create=True) as ledger:
        try:
            try:
                report = import_files(
                    ledger,
                    files,
                    dry_run=dry_run,
                    mapping=fields,
                    ignored=skipped,
                    progress=progress,
                )
            finally:
                if progress is not None:
                    progress.clear()  # before any message, which would land on its line
        except FixtureError as error:
            for problem in error.problems:
                echo(shown(problem, LINE_VALUE), err=True)
            fail(shown(error, LINE_VALUE), EXIT_ERROR)
        names = _names(files)
        into = shown(ledger.name)
        if dry_run:
            echo(f"dry run: importing {names} into {into} would change this")
        else:
            echo(f"imported {names} into {into}")
        for line in _table(report.counts):
            echo(line)
        for note in report.notes:
            echo(shown(note, LINE_VALUE))
        for line in import_changes.lines(report.updates, dry_run=dry_run):
            echo(line)
        if not report.changed:
            echo("nothing changed: the ledger already holds every record as in the input")
        elif dry_run:
            echo("nothing was written (dry run)")


#: A problem line of a failed import is cut to this many characters (it quotes values).
LINE_VALUE = 1_000
#: At most this many file names are listed in an import's report.
NAMES_SHOWN = 10


def _names(files: tuple[str, ...]) -> str:
    """The files of an import as its report names them (``*.json`` may expand to many)."""
    names = ", ".join(shown(f) for f in files[:NAMES_SHOWN])
    more = len(files) - NAMES_SHOWN
    return names + (f" and {more:,} more files" if more > 0 else "")


def _export_format(fmt: str | None, output: str | None) -> str:
    if fmt:
        return fmt
    if output is None:
        return "yaml"
    fmt = format_of(output)
    if fmt is None:
        fail(
            f"cannot tell the format of {shown(output)} from its name; "
            "add --format yaml, json or csv",
            EXIT_USAGE,
        )
    return fmt


@click.command("export", cls=QueryCommand)
@click.argument("query", nargs=-1)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["yaml", "json", "csv"]),
    default=None,
    help="Output format (default: from the -o file's suffix, else yaml).",
)
@click.option(
    "-o", "--output", metavar="FILE", default=None, help="Write to FILE instead of stdout."
)
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@db_option
@click.pass_context
@reports_errors
def export_command(
    ctx: click.Context,
    query: tuple[str, ...],
    fmt: str | None,
    output: str | None,
    force: bool,
    db: str | None,
) -> None:
    """Export the ledger as a fixture (YAML or JSON document, or CSV of pledges).

    With a QUERY (the filter language of `pledges list`), only the matching pledges are
    exported; a YAML or JSON export also carries every actor, condition, source and pledge they
    refer to, so the file imports on its own. The same ledger always exports the same bytes.
    A word that starts with one dash and is not an option below is a negated term
    (-status:withdrawn); after --, every word is part of the query.

    \b
    Examples:
      pledges export -o coalition.yaml
      pledges export --format json status:committed pledger:FRA
      pledges export -o open.csv -status:withdrawn
    """
    from db.errors import FileTargetError
    from db.files import check_target
    from db.interchange import export, export_file

    kind = _export_format(fmt, output)
    text, _ = parsed_query(query)
    target = Path(output) if output else None
    if target is not None:
        try:
            check_target(target, overwrite=force)
        except FileTargetError as error:
            refuse_target(error)
    with open_ledger(ctx, db) as ledger:
        if target is None:
            export(ledger, kind, terminal_safe(sys.stdout), text or None)
            return
        try:
            count = export_file(ledger, kind, target, text or None, overwrite=force)
        except FileTargetError as error:
            refuse_target(error)
        except OSError as error:
            fail(f"cannot write {shown(target)}: {error.strerror or error}", EXIT_ERROR)
    # What a command did is reported on stdout, like every command's (stdout carries no data
    # here: the export went to the file).
    echo(f"exported {count.describe()} to {shown(target)}")


def refuse_target(error: FileTargetError) -> NoReturn:
    """Say why a file cannot be written where the analyst asked (and how to write it anyway)."""
    if error.exists:
        fail(f"{shown(error.target)} already exists; add --force to overwrite it", EXIT_ERROR)
    if error.no_folder:
        fail(shown(error, LINE_VALUE), EXIT_ERROR)
    # A device, a pipe or a link is never replaced; stdout goes wherever the shell sends it.
    fail(f"{error}; to write to it anyway, leave out -o and redirect: > TARGET", EXIT_ERROR)


class _Visible:
    """A terminal as an export's output: what reaches it has control, bidi and zero-width
    characters made visible (a file or a pipe gets the export's exact bytes)."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def write(self, text: str) -> int:
        from tui.render import visible

        for line in text.splitlines(keepends=True):
            self.out.write(visible(line, multiline=True))
        return len(text)


def terminal_safe(out: TextIO) -> TextIO:
    """``out``, or on a terminal, ``out`` with control characters made visible."""
    return _Visible(out) if out.isatty() else out  # type: ignore[return-value]
