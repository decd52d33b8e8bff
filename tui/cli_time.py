"""The ledger in time on the command line: ``--as-of`` and ``--known-on``, ``pledges show``,
``pledges diff`` and ``pledges brief``.

Registered on the ``pledges`` group by :mod:`tui.cli`. Dates are read by :mod:`db.past`'s
rules, the same as the UI's: a partial date or a time ago (``-1w``) to read the world as of,
a date or an ISO 8601 timestamp to read the ledger as recorded at. A date that is not one, a
recording time in the future or a FROM after TO is one line on stderr and exit code 2.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from tui.cli_common import (
    EXIT_USAGE,
    QueryCommand,
    db_option,
    echo,
    fail,
    json_text,
    open_ledger,
    parsed_query,
    reports_errors,
    shown,
)

if TYPE_CHECKING:
    from db.api_types import ChangeEntry
    from db.changes import RecordChange
    from db.ledger import Ledger
    from db.past import Reading

F = TypeVar("F", bound=Callable[..., Any])

#: The rule for dates, as every command's help says it.
RULE = (
    "A change counts as of D when its date has begun by the end of D: one dated 2025-09 "
    "counts as of 2025-09-10 (its status then shows 'since 2025-09', known only to the month) "
    "and as of 2025-09, the end of September."
)
AS_OF_HELP = (
    "Read the ledger in the world as of this date: YYYY, YYYY-MM, YYYY-MM-DD, or a time ago "
    "(-3d, -1w, -3m, -1y). " + RULE
)
KNOWN_ON_HELP = (
    "Read the ledger as it was recorded on this date (its end, UTC) or at this ISO 8601 "
    "timestamp: only changes recorded by then count, and an undo from when it was recorded."
)


def reading_options(command: F) -> F:
    """``--as-of D`` and ``--known-on T``."""
    command = click.option("--known-on", "known_on", metavar="T", help=KNOWN_ON_HELP)(command)
    return click.option("--as-of", "as_of", metavar="D", help=AS_OF_HELP)(command)


def reading_from(as_of: str | None, known_on: str | None) -> Reading:
    """The reading the options name, or the reason they name none and exit 2."""
    from db.past import Reading, ReadingError, recording_time

    day = None if as_of is None else _date(as_of, "--as-of")
    try:
        time = None if known_on is None else recording_time(known_on)
    except ReadingError as error:
        fail(f"--known-on: {shown(error)}", EXIT_USAGE)
    return Reading(day, time)


def _date(text: str, name: str) -> str:
    from db.past import ReadingError, reading_date

    try:
        return reading_date(text)
    except ReadingError as error:
        fail(f"{name}: {shown(error)}", EXIT_USAGE)


# -- pledges show --------------------------------------------------------------------------


@click.command("show")
@click.argument("key")
@reading_options
@db_option
@click.pass_context
@reports_errors
def show_command(
    ctx: click.Context, key: str, as_of: str | None, known_on: str | None, db: str | None
) -> None:
    """Show one record (a pledge, condition, source or actor) as of a date, and its timeline:
    every change in the order it happened in the world, with its evidence, when it was
    recorded and by whom; for a pledge, its conditions' changes interleaved.

    \b
    Examples:
      pledges show fra-gbr-one-month-truce-2025-03
      pledges show us-backstop --as-of 2025-09-04
    """
    from db.errors import NotFoundError

    reading = reading_from(as_of, known_on)
    with open_ledger(ctx, db) as ledger:
        record_type = _record_type(ledger, key)
        then = ledger.at(reading)
        try:
            state, since = then.record_then(record_type, key)
        except NotFoundError:
            state, since = None, None
        echo(f"{record_type} {shown(key)}, {reading.describe()}")
        if state is None:
            echo(f"  (it did not exist {reading.describe()})")
        else:
            from db.record_types import KINDS

            order = KINDS[record_type].store.field_order()
            fields = {name: state[name] for name in order if name in state}
            _print_fields({**fields, **state}, since, reading)
        _print_timeline(ledger, record_type, key, state, reading)


def _record_type(ledger: Ledger, key: str) -> Any:
    from db.errors import NotFoundError

    for record_type in ("pledge", "condition", "source", "actor"):
        if key in ledger.existing(record_type, [key]) or ledger.history(record_type, key):
            return record_type
    known = ledger.keys("pledge") + ledger.keys("condition")
    error = NotFoundError("pledge", key, known)
    hint = f"; did you mean {error.suggestion}?" if error.suggestion else ""
    fail(f"no pledge, condition, source or actor is called {shown(key)}{hint}", EXIT_USAGE)


def _print_fields(state: dict[str, Any], since: str | None, reading: Reading) -> None:
    from db.dates import coarser, precision

    width = max(len(name) for name in state)
    for name, value in state.items():
        if value in (None, [], ""):
            continue
        text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        if name == "status" and since:
            text += f" (since {since})"
            if reading.as_of and coarser(precision(since), precision(reading.as_of)):
                text += f", known only to the {precision(since)}"
        echo(f"  {name.ljust(width)}  {shown(text, 300)}")


def _print_timeline(
    ledger: Ledger,
    record_type: Any,
    key: str,
    state: dict[str, Any] | None,
    reading: Reading,
) -> None:

    entries = [(record_type, key, e) for e in ledger.history(record_type, key)]
    if record_type == "pledge":
        linked = set((state or {}).get("conditions", []))
        for condition in sorted(linked):
            entries += [("condition", condition, e) for e in ledger.history("condition", condition)]
    counted = [item for item in entries if item[2].stands]
    counted.sort(key=lambda item: item[2].effective_order)
    hidden = len([item for item in entries if not item[2].stands and item[2].batch_kind != "undo"])
    echo("")
    echo("timeline (when it happened; * after the date read):")
    day = reading.day if reading.as_of else None
    for kind, record_key, entry in counted:
        after = day is not None and entry.took_effect > day
        late = reading.known_on is not None and entry.recorded_at > _known_bound(reading.known_on)
        mark = "*" if after else " "
        what = _describe_entry(entry)
        if kind != record_type or record_key != key:
            what = f"{kind} {record_key}: {what}"
        echo(f" {mark}{_day(entry):<10}  {shown(what, 200)}")
        evidence = _evidence(entry)
        recorded = f"recorded {entry.recorded_at[:16].replace('T', ' ')} by {entry.author}"
        if late:
            recorded += " (after the recording time read)"
        echo(f"             {evidence}{shown(recorded)}")
    if hidden:
        echo(
            f"  ({hidden} undone change{'s' if hidden != 1 else ''} not shown: undone is not "
            "evidence)"
        )


def _known_bound(known_on: str) -> str:
    from db.record_states import known_on_bound

    return known_on_bound(known_on)


def _day(entry: ChangeEntry) -> str:
    return entry.effective or entry.recorded_at[:10]


def _describe_entry(entry: ChangeEntry) -> str:
    if entry.action == "create":
        status = entry.changes.get("status", (None, None))[1]
        return "created" + (f", {status}" if status else "")
    if entry.action == "delete":
        return "deleted"
    parts = []
    for name, (old, new) in entry.changes.items():
        if name == "status":
            parts.append(f"{old} \u2192 {new}" if old != new else f"status stays {new}")
        elif isinstance(new, list) or isinstance(old, list):
            added = [v for v in new or [] if v not in (old or [])]
            removed = [v for v in old or [] if v not in (new or [])]
            parts.append(
                f"{name}"
                + (f" +{', +'.join(map(str, added))}" if added else "")
                + (f" -{', -'.join(map(str, removed))}" if removed else "")
            )
        else:
            parts.append(f"{name}: {_short(old)} \u2192 {_short(new)}")
    return "; ".join(parts) or entry.action


def _short(value: Any, limit: int = 40) -> str:
    text = "none" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _evidence(entry: ChangeEntry, note_limit: int = 240) -> str:
    """The entry's note (cut alone, so that its source is never cut off) and source, shown as
    text, then a separator; empty when it has neither."""
    parts = []
    if entry.note:
        parts.append(f"\u201c{shown(entry.note, note_limit)}\u201d")
    if entry.source:
        parts.append(f"[{shown(entry.source)}]")
    return "; ".join(parts) + (" \u00b7 " if parts else "")


# -- pledges diff --------------------------------------------------------------------------


@click.command("diff", cls=QueryCommand)
@click.argument("dates_and_query", nargs=-1, metavar="FROM [TO] [QUERY]")
@click.option("--known-on", "known_on", metavar="T", help=KNOWN_ON_HELP)
@click.option("--json", "as_json", is_flag=True, help="A JSON list of the changes.")
@db_option
@click.pass_context
@reports_errors
def diff_command(
    ctx: click.Context,
    dates_and_query: tuple[str, ...],
    known_on: str | None,
    as_json: bool,
    db: str | None,
) -> None:
    """What changed between the end of FROM and the end of TO (default: today): records added
    and removed, and the fields changed on the others, each with its evidence. With a QUERY,
    the pledges that entered or left its results, and those that changed within them.

    FROM and TO are dates (YYYY, YYYY-MM, YYYY-MM-DD) or times ago (-1w, -3m).

    \b
    Examples:
      pledges diff 2025-09 2026-01
      pledges diff -1w status:committed
      pledges diff 2025-09-04 2026-01-06 pledger:FRA --json
    """
    from db import changes

    earlier, later, query = _dates_and_query(dates_and_query)
    reading = reading_from(None, known_on)
    with open_ledger(ctx, db) as ledger:
        found = ledger.changes(earlier, later, query, known_on=reading.known_on)
    if as_json:
        sys.stdout.write("[" + ",".join("\n  " + json_text(changes.as_json(c)) for c in found))
        sys.stdout.write("\n]\n" if found else "]\n")
        return
    window = f"from the end of {earlier} to the end of {later}"
    if reading.known_on:
        window += f", as recorded on {reading.known_on}"
    if not found:
        echo(f"nothing changed {window}")
        return
    echo(f"{len(found)} record{'s' if len(found) != 1 else ''} changed {window}:")
    for change in found:
        _print_change(change)


def _dates_and_query(words: tuple[str, ...]) -> tuple[str, str, Any]:
    from db.dates import today
    from db.past import RELATIVE_FORMS, ReadingError, reading_date

    if not words:
        fail("say from when: pledges diff FROM [TO] [QUERY]", EXIT_USAGE)
    earlier = _date(words[0], "FROM")
    rest = list(words[1:])
    later = today()
    if rest:
        try:
            later = reading_date(rest[0])
            rest = rest[1:]
        except ReadingError:
            if rest[0][:1].isdigit():
                fail(f"TO: {shown(rest[0])} is not a date; {RELATIVE_FORMS}", EXIT_USAGE)
    from db.dates import bounds

    if bounds(earlier)[1] > bounds(later)[1]:
        fail(f"FROM ({earlier}) is after TO ({later}); give the earlier date first", EXIT_USAGE)
    query = parsed_query(tuple(rest))[1] if rest else None
    return earlier, later, query


def _print_change(change: RecordChange) -> None:
    sign = {"added": "+", "removed": "-", "changed": "~"}[change.change]
    title = _short(change.title, 70)
    echo(f"{sign} {change.record_type} {shown(change.key)}  {shown(title)}")
    status = change.status_change
    if status is not None and change.before and change.after:
        echo(f"    status: {status[0]} \u2192 {status[1]}")
    for name, (old, new) in change.fields.items():
        if name == "status":
            continue
        echo(f"    {name}: {shown(_short(old, 60))} \u2192 {shown(_short(new, 60))}")
    for entry in change.evidence:
        evidence = _evidence(entry)
        echo(
            f"      {_day(entry)}  {shown(_describe_entry(entry), 120)}  "
            f"{evidence}{shown(entry.author)}, {entry.recorded_at[:10]}"
        )


# -- pledges brief -------------------------------------------------------------------------


@click.command("brief", cls=QueryCommand)
@click.argument("query", nargs=-1)
@click.option("--since", "since", required=True, metavar="D", help="From the end of this date.")
@click.option("--until", "until", metavar="D", help="To the end of this date (default: today).")
@click.option("--known-on", "known_on", metavar="T", help=KNOWN_ON_HELP)
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(dir_okay=False, writable=True),
    help="Write to this file: .html for a self-contained web page, else Markdown "
    "(the default, on stdout).",
)
@db_option
@click.pass_context
@reports_errors
def brief_command(
    ctx: click.Context,
    query: tuple[str, ...],
    since: str,
    until: str | None,
    known_on: str | None,
    output: str | None,
    db: str | None,
) -> None:
    """The brief of what changed between two dates, for pledges matching QUERY: conditions
    resolved and the pledges each freed or blocked, status changes by pledger, new and
    withdrawn pledges, what became overdue; each line with its evidence, the sources it cites
    and who recorded it. Markdown (for an e-mail or a wiki) or HTML.

    \b
    Examples:
      pledges brief --since -1m
      pledges brief --since 2025-09-04 --until 2026-01-06 pledger:FRA+ -o brief.html
    """
    from db import briefing
    from db.dates import bounds, today
    from tui import briefs

    earlier = _date(since, "--since")
    later = _date(until, "--until") if until else today()
    if bounds(earlier)[1] > bounds(later)[1]:
        fail(f"--since ({earlier}) is after --until ({later})", EXIT_USAGE)
    text, parsed = parsed_query(query)
    reading = reading_from(None, known_on)
    with open_ledger(ctx, db) as ledger:
        brief = briefing.build(
            ledger, earlier, later, parsed if text else None, known_on=reading.known_on
        )
    html = output is not None and Path(output).suffix.lower() in (".html", ".htm")
    rendered = briefs.html(brief) if html else briefs.markdown(brief)
    if output is None:
        sys.stdout.write(_terminal_safe(rendered))
        return
    _write_whole(Path(output), rendered)
    echo(f"wrote the brief ({brief.summary()}) to {shown(output)}")


def _terminal_safe(text: str) -> str:
    from tui.render import visible

    return "\n".join(visible(line) for line in text.split("\n"))


def _write_whole(path: Path, text: str) -> None:
    """Write the file whole or not at all: a temporary file beside it, renamed over it."""
    import os
    import tempfile

    folder = path.resolve().parent
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        if error.filename is not None:
            raise
        fail(
            f"cannot write {shown(str(path))}: {error.strerror or error}; nothing was written "
            "(the file, if there was one, is as it was)"
        )
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
