"""``pledges undo`` and ``pledges redo``: the UI's ``u`` and ``ctrl+r`` on the command line.

Registered on the ``pledges`` group by :mod:`tui.cli`. Both reverse the analyst's own batches
(the change log's author: ``$PLEDGES_AUTHOR``, else ``author`` in ``config.toml``, else the
operating-system user) through :meth:`Ledger.undo` and :meth:`Ledger.redo`, as the UI does, so
the batches, the refusals and their messages are the same.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from tui.cli_common import db_option, echo, fail, open_ledger, reports_errors, shown

if TYPE_CHECKING:
    from db.api_types import BatchSummary

#: Up to this many records changed are named in the report; more are counted by type.
RECORDS_NAMED = 5
_AGAIN = {"undo": "`pledges redo` redoes it", "redo": "`pledges undo` undoes it again"}


#: What the command line adds to the refusal's note: the options that take each way on.
_WAYS = "`pledges undo --in-part` undoes the parts that still apply; `pledges undo --skip` undoes the change before."


def _reverse(
    ctx: click.Context, db: str | None, kind: str, partial: bool = False, skip: bool = False
) -> None:
    from db.errors import NothingToUndoError, UndoConflictError

    with open_ledger(ctx, db) as ledger:
        try:
            summary = ledger.undo(partial=partial, skip=skip) if kind == "undo" else ledger.redo()
        except NothingToUndoError as error:
            fail(f"{error} (as {shown(ledger.author)}, in {shown(ledger.name)})")
        except UndoConflictError as error:
            # The UI's note under the same refusal, and the options that take its ways.
            ways = f"\n{_WAYS}" if kind == "undo" and not (partial and skip) else ""
            fail(f"{error}\n{error.ADVICE}{ways}")
    echo(_report(kind, summary))


def _report(kind: str, summary: BatchSummary) -> str:
    """``undone: LABEL`` and what it changed: the records by name if a few, else by type."""
    from collections import Counter

    done = "undone" if kind == "undo" else "redone"
    label = summary.label.removeprefix(f"{kind}: ")
    records = summary.records
    if len(records) <= RECORDS_NAMED:
        what = ", ".join(f"{record_type} {shown(key)}" for record_type, key in records)
    else:
        by_type = Counter(record_type for record_type, _ in records)
        what = ", ".join(_count(n, record_type) for record_type, n in sorted(by_type.items()))
    lines = [
        f"{done}: {shown(label)} ({_AGAIN[kind]})",
        f"{_count(len(records), 'record')}: {what}",
    ]
    lines += [f"now: {shown(line)}" for line in summary.outcome]
    lines += [f"kept as it is: {shown(line, 400)}" for line in summary.kept[:RECORDS_NAMED]]
    if len(summary.kept) > RECORDS_NAMED:
        lines.append(f"kept as they are: {len(summary.kept) - RECORDS_NAMED:,} more records")
    lines += [f"left for now: {shown(line, 400)}" for line in summary.skipped]
    return "\n".join(lines)


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


@click.command("undo")
@db_option
@click.option(
    "--in-part",
    "partial",
    is_flag=True,
    help="If colleagues changed some of its records since, undo the others and keep those.",
)
@click.option(
    "--skip",
    is_flag=True,
    help="If it cannot be undone, undo your newest change that can (up to 20 back).",
)
@click.pass_context
@reports_errors
def undo_command(ctx: click.Context, db: str | None, partial: bool, skip: bool) -> None:
    """Undo your last change to the ledger (what `u` undoes in the UI).

    One change is one batch: a save, a status change, a whole import. It is reversed by a new
    batch (the change log keeps both); if someone changed those records since, nothing is
    undone and the message says who changed what, and when. Then `--in-part` undoes the records
    nobody changed since and keeps the others as they are, and `--skip` leaves it and undoes
    your change before it. Exits 1 when there is nothing to undo.

    \b
    Examples:
      pledges undo
      pledges undo --in-part
      pledges undo --skip --db coalition.sqlite
    """
    _reverse(ctx, db, "undo", partial, skip)


@click.command("redo")
@db_option
@click.pass_context
@reports_errors
def redo_command(ctx: click.Context, db: str | None) -> None:
    """Redo the change you last undid (what `ctrl+r` redoes in the UI).

    Exits 1 when there is nothing to redo, or when someone changed those records since.
    """
    _reverse(ctx, db, "redo")
