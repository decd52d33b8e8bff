"""What every ``pledges`` command shares: opening the ledger, ``--db``, and how errors end.

Errors are one line on stderr and a non-zero exit code, never a traceback (set
``PLEDGES_DEBUG=1`` to see one). Like the rest of the CLI, this imports only click at start.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

if TYPE_CHECKING:
    from db.ledger import Ledger

F = TypeVar("F", bound=Callable[..., Any])

EXIT_ERROR = 1
EXIT_USAGE = 2


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    """Print one line to stderr and exit."""
    click.echo(f"pledges: {message}", err=True)
    sys.exit(code)


def reports_errors(command: F) -> F:
    """Turn ledger errors and surprises into one line on stderr and an exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from db.errors import LedgerError

        try:
            return command(*args, **kwargs)
        except LedgerError as error:
            fail(str(error))
        except KeyboardInterrupt:
            click.echo("pledges: interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            # The reader of our output went away (`pledges list | head`): not an error.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(0)
        except click.exceptions.Exit:
            raise
        except (click.ClickException, click.Abort):
            raise
        except Exception as error:  # a bug: say so plainly, keep the traceback for PLEDGES_DEBUG
            if os.environ.get("PLEDGES_DEBUG"):
                raise
            fail(
                f"internal error ({type(error).__name__}: {error}); "
                "run again with PLEDGES_DEBUG=1 for details and please report it"
            )

    return wrapper  # type: ignore[return-value]


def db_option(command: F) -> F:
    """``--db PATH`` on every command (also accepted before the command name)."""
    return click.option(
        "--db",
        "db",
        metavar="PATH",
        default=None,
        expose_value=True,
        help="Ledger file (or database URL). Default: $PLEDGES_DB, else the data directory.",
    )(command)


def ledger_target(ctx: click.Context, db: str | None) -> str | None:
    """The ledger named on this command, else on the group, else None (the default)."""
    if db:
        return db
    root = ctx.find_root()
    return root.params.get("db") if root.params else None


def open_ledger(ctx: click.Context, db: str | None, *, create: bool = False) -> Ledger:
    """Open the chosen ledger. Only the default location is created on first use."""
    from db.ledger import Ledger

    target = ledger_target(ctx, db)
    return Ledger.open(target, create=create or target is None)
