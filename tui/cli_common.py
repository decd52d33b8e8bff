"""What every ``pledges`` command shares: opening the ledger, ``--db``, and how messages end.

Errors are one line on stderr and a non-zero exit code, never a traceback (set
``PLEDGES_DEBUG=1`` to see one). Every message goes through :func:`echo`, and every value from
outside in it (a file name, a path, a key, a query) through :func:`shown`: a hostile file name
must not set the terminal's title, and a 10 MB key must not give 10 MB of stderr. Like the rest
of the CLI, this imports only click at start.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

if TYPE_CHECKING:
    from db.errors import QueryError
    from db.ledger import Ledger
    from db.query import Query

F = TypeVar("F", bound=Callable[..., Any])

EXIT_ERROR = 1
EXIT_USAGE = 2
#: A value from outside is cut to this many characters in a message.
VALUE_LIMIT = 200
#: Any line of a message is cut to this many characters.
LINE_LIMIT = 2_000
#: Characters of a query shown on each side of the mistake a "bad query" message points at.
QUERY_CONTEXT = 60


def shown(value: object, limit: int = VALUE_LIMIT) -> str:
    """A value from outside as a message may show it: one line, with control, bidi and
    zero-width characters made visible (the UI's rule, :func:`tui.render.visible`), cut to
    ``limit`` characters with a note of how long it was."""
    from tui.render import visible

    text = str(value)
    if len(text) > limit:
        text = f"{text[:limit]}\u2026 (cut: {len(text):,} characters in all)"
    return visible(text)


def echo(message: str = "", *, err: bool = False) -> None:
    """Print a message, each line made safe for a terminal and bounded (see :func:`shown`).

    Line breaks are the program's own; a value that may hold one comes in through
    :func:`shown`, which shows it as a visible symbol.
    """
    click.echo("\n".join(shown(line, LINE_LIMIT) for line in message.split("\n")), err=err)


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    """Print the message to stderr (as :func:`echo` does) and exit."""
    echo(f"pledges: {message}", err=True)
    sys.exit(code)


def _silence_stdout() -> None:
    # What is left in stdout's buffer would fail again when Python flushes it at exit, with
    # an "Exception ignored" message after ours.
    with suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


@contextmanager
def output() -> Iterator[None]:
    """Around what a command writes to stdout: a full disk (``> /dev/full``) or a failing
    device is reported as such (what was written is incomplete), not as an internal error."""
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as error:
        if error.filename is not None:
            raise
        _silence_stdout()
        fail(
            f"cannot write the output: {error.strerror or error}; what was written is "
            "incomplete (free some space, or write somewhere else)"
        )


def reports_errors(command: F) -> F:
    """Turn ledger errors and surprises into one line on stderr and an exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from db.errors import LedgerError, QueryError

        try:
            with output():
                return command(*args, **kwargs)
        except QueryError as error:
            # Parsing errors are caught where the query is read; what arrives here is a
            # query the database could not evaluate.
            fail(f"bad query: {error.message}", EXIT_USAGE)
        except LedgerError as error:
            # One line: a value in it (a path, a key) may hold a line break of its own.
            fail(shown(error, LINE_LIMIT))
        except KeyboardInterrupt:
            echo("pledges: interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            # The reader of our output went away (`pledges list | head`): not an error.
            _silence_stdout()
            sys.exit(0)
        except click.exceptions.Exit:
            raise
        except (click.ClickException, click.Abort):
            raise
        except UnicodeEncodeError as error:
            # A file name or an argument with bytes that are not UTF-8 reaches Python as lone
            # surrogates, which no database or terminal encoding takes.
            if os.environ.get("PLEDGES_DEBUG") or error.reason != "surrogates not allowed":
                raise
            fail(
                f"cannot use {shown(error.object)}: it holds bytes that are not UTF-8 text; "
                "rename the file, or give the argument in UTF-8"
            )
        except OSError as error:
            if os.environ.get("PLEDGES_DEBUG") or error.filename is None:
                raise
            fail(f"cannot use {shown(error.filename)}: {error.strerror or error}")
        except Exception as error:  # a bug: say so plainly, keep the traceback for PLEDGES_DEBUG
            if os.environ.get("PLEDGES_DEBUG"):
                raise
            first = str(error).strip().split("\n")[0]
            fail(
                f"internal error ({type(error).__name__}: {shown(first)}); "
                "run again with PLEDGES_DEBUG=1 for details and please report it"
            )

    return wrapper  # type: ignore[return-value]


def show_click_error(error: click.ClickException) -> None:
    """Click's own message for a usage error, through :func:`echo` (it quotes the arguments:
    a file name given to ``pledges import`` that does not exist, say)."""
    import io

    buffer = io.StringIO()
    error.show(file=buffer)
    echo(buffer.getvalue().rstrip("\n"), err=True)


def parsed_query(words: tuple[str, ...]) -> tuple[str, Query]:
    """The query the words of a command line make, or a "bad query" message and exit 2."""
    from db.errors import QueryError
    from db.query import parse

    text = " ".join(words)
    try:
        return text, parse(text)
    except QueryError as error:
        fail(query_problem(text, error), EXIT_USAGE)


def query_problem(text: str, error: QueryError) -> str:
    """``bad query: MESSAGE``, the query (around the mistake, if it is long) and a pointer."""
    from rich.cells import cell_len

    from tui.render import visible

    position = min(error.position, len(text))
    length = min(error.length, QUERY_CONTEXT)
    start = max(0, position - QUERY_CONTEXT)
    end = min(len(text), position + length + QUERY_CONTEXT)
    before = ("\u2026" if start else "") + visible(text[start:position])
    marked = visible(text[position : position + length])
    after = visible(text[position + length : end]) + ("\u2026" if end < len(text) else "")
    pointer = " " * cell_len(before) + "^" * max(1, cell_len(marked))
    return f"bad query: {shown(error.message, 2 * VALUE_LIMIT)}\n  {before}{marked}{after}\n  {pointer}"


class QueryCommand(click.Command):
    """A command whose arguments are the words of a query, negated terms included.

    Click reads every word that starts with ``-`` as options: ``-status:withdrawn`` would be
    ``-s`` (no such option) and, after ``--``, ``--json`` would be searched for. Here a word
    with one dash that is not one of the command's own options (``-o``, ``-h``) is a query
    word, wherever it stands; a word with two dashes is left to Click, which names an unknown
    option and suggests the nearest. After ``--`` every word is a query word, so one of the
    command's options there is refused, saying to put it before ``--``.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, self._words_last(ctx, args))

    def _words_last(self, ctx: click.Context, args: list[str]) -> list[str]:
        """The arguments with every query word after a ``--``, in the order given."""
        takes: dict[str, int] = {}  # option name -> how many values follow it
        for param in self.get_params(ctx):
            if isinstance(param, click.Option):
                count = 0 if param.is_flag or param.count else param.nargs
                takes.update(dict.fromkeys((*param.opts, *param.secondary_opts), count))
        options: list[str] = []
        words: list[str] = []
        index = 0
        while index < len(args):
            arg = args[index]
            index += 1
            if arg == "--":
                for word in args[index:]:
                    if word.partition("=")[0] in takes:
                        raise click.UsageError(
                            f"{shown(word)} comes after --, where every word is part of the "
                            "query; put options before -- (negated terms such as "
                            "-status:withdrawn need no --)",
                            ctx,
                        )
                words += args[index:]
                break
            name, equals, _ = arg.partition("=")
            if name in takes:
                options.append(arg)
                if not equals and takes[name]:
                    options += args[index : index + takes[name]]
                    index += takes[name]
            elif arg.startswith("--"):
                if ":" in arg:
                    raise click.UsageError(
                        f"No such option {shown(arg)!r}; a negated query term takes one "
                        f"dash: {shown(arg[1:])}",
                        ctx,
                    )
                options.append(arg)  # Click: "No such option", with the nearest one
            else:
                words.append(arg)
        return [*options, "--", *words] if words else options


def db_option(command: F) -> F:
    """``--db PATH``, on `pledges` itself and on every command (so it goes before or after the
    command name)."""
    return click.option(
        "--db",
        "db",
        metavar="PATH",
        default=None,
        help="Ledger file (or database URL). Default: $PLEDGES_DB, else the data directory.",
    )(command)


def ledger_target(ctx: click.Context, db: str | None) -> str | None:
    """The ledger named on this command, else on the group, else None (the default)."""
    if db is not None:
        return db
    root = ctx.find_root()
    return root.params.get("db") if root.params else None


def open_ledger(ctx: click.Context, db: str | None, *, create: bool = False) -> Ledger:
    """Open the chosen ledger. Only the default location is created on first use."""
    from db.ledger import Ledger

    target = ledger_target(ctx, db)
    return Ledger.open(target, create=create or target is None)


def json_text(data: Any) -> str:
    """One value as JSON text in which every character a terminal would act on or hide (C1
    controls, bidi and zero-width marks; JSON escapes C0 itself) is written as a ``\\u``
    escape: the same data, harmless on a terminal."""
    import json

    text = json.dumps(data, ensure_ascii=False)
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else _json_escape(c) for c in text)


def _json_escape(char: str) -> str:
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
