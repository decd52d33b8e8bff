"""The pledges ledger: records, schemas, the query language, history, import and export, and
the service API (:class:`db.ledger.Ledger`) that the UI and the CLI both call.

This package never imports ``textual``. Its names are loaded on first use, so that
``pledges --version`` does not pay for SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .version import __version__

if TYPE_CHECKING:
    from .errors import LedgerError
    from .ledger import Ledger

__all__ = ["Ledger", "LedgerError", "__version__"]


def __getattr__(name: str) -> Any:
    if name == "Ledger":
        from .ledger import Ledger

        return Ledger
    if name == "LedgerError":
        from .errors import LedgerError

        return LedgerError
    raise AttributeError(name)
