"""``pledges check [--repair]``: the ledger's findings, one line each, and the repair of what
pledges derives from the records (see :mod:`db.doctor`). Imports only click at start."""

from __future__ import annotations

import sys

import click

from tui.cli_common import EXIT_ERROR, db_option, ledger_target, reports_errors


@click.command("check")
@click.option(
    "--repair",
    is_flag=True,
    help="Back the ledger up, then restore its schema, recount the facet counts and rebuild "
    "the full-text index. Records and the change log are never changed.",
)
@click.option(
    "--quick",
    is_flag=True,
    help="SQLite's quick check instead of its full integrity check, and no word-by-word "
    "check of the full-text index: minutes less on a large ledger.",
)
@db_option
@click.pass_context
@reports_errors
def check_command(ctx: click.Context, repair: bool, quick: bool, db: str | None) -> None:
    """Check the ledger: the schema (triggers, indexes, views), SQLite's integrity and foreign
    keys, the facet counts, the full-text index, and the change log replayed against the
    records. Prints one line per finding; exits 0 when there are none, 1 otherwise.

    \b
    Examples:
      pledges check --db coalition.sqlite
      pledges check --repair --db coalition.sqlite
    """
    from db import doctor
    from tui.render import one_line

    target = ledger_target(ctx, db)
    progress = _progress if sys.stderr.isatty() else None
    if repair:
        result = doctor.repair(target, quick=quick, progress=progress)
        _clear()
        if result.backup is not None:
            click.echo(one_line(f"backed up the ledger to {result.backup}"))
        for line in result.done:
            click.echo(one_line(f"repaired: {line}"))
        findings = result.findings
    else:
        findings = doctor.check(target, quick=quick, progress=progress)
        _clear()
    for finding in findings:
        click.echo(one_line(str(finding)))
    if not findings:
        click.echo("ok: no findings")
        return
    mendable = sum(f.repairable for f in findings)
    hint = f"; {mendable} of them `pledges check --repair` mends" if mendable and not repair else ""
    click.echo(f"{len(findings)} findings{hint}")
    sys.exit(EXIT_ERROR)


def _progress(area: str) -> None:
    click.echo(f"\rchecking {area}\u2026\x1b[K", nl=False, err=True)


def _clear() -> None:
    if sys.stderr.isatty():
        click.echo("\r\x1b[K", nl=False, err=True)
