"""Where things live and who the analyst is.

The ledger: ``--db PATH``, else ``$PLEDGES_DB``, else ``ledger`` in ``config.toml``, else
``ledger.sqlite`` in the platform's data directory. The analyst's name in the change log:
``$PLEDGES_AUTHOR``, else ``author`` in ``config.toml``, else the operating-system user.
``config.toml`` lives in the platform's config directory (``$PLEDGES_CONFIG`` overrides).
"""

from __future__ import annotations

import getpass
import os
import tomllib
import unicodedata
from pathlib import Path
from typing import Any

APP = "pledges"


def config_path() -> Path:
    override = os.environ.get("PLEDGES_CONFIG")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return platformdirs.user_config_path(APP) / "config.toml"


def read_config() -> dict[str, Any]:
    """The settings in ``config.toml``; an unreadable file is reported, never half-used."""
    path = config_path()
    if not path.exists():
        return {}
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        from .errors import LedgerError

        raise LedgerError(f"cannot read the settings in {path}: {error}") from None


def data_dir() -> Path:
    import platformdirs

    return platformdirs.user_data_path(APP)


def default_ledger() -> str:
    """The ledger to open when no ``--db`` is given (a path or a database URL)."""
    env = os.environ.get("PLEDGES_DB")
    if env:
        return env
    configured = _setting("ledger", 'ledger = "~/ledgers/coalition.sqlite"')
    return configured or str(data_dir() / "ledger.sqlite")


def default_author() -> str:
    """The analyst's name the change log records: one line of text, controls removed (it is
    shown in every history), never bytes that are not UTF-8."""
    env = os.environ.get("PLEDGES_AUTHOR")
    if env and env.strip():
        return _author(env, "$PLEDGES_AUTHOR")
    configured = _setting("author", 'author = "Ana Analyst"')
    if configured and configured.strip():
        return _author(configured, f"author in {config_path()}")
    try:
        return _author(getpass.getuser(), "your user name")
    except (KeyError, OSError):
        return "unknown"


def _setting(name: str, example: str) -> str | None:
    """A text setting of ``config.toml``; any other kind of value is reported, not ignored."""
    value = read_config().get(name)
    if value is None or isinstance(value, str):
        return value
    from .errors import LedgerError

    raise LedgerError(
        f"{name} in {config_path()} must be text in quotes, like {example}; it is {value!r:.80}"
    )


def _author(name: str, origin: str) -> str:
    from .errors import LedgerError

    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raise LedgerError(
            f"{origin} is not UTF-8 text ({name.encode('utf-8', 'surrogateescape')!r:.80}); "
            "set PLEDGES_AUTHOR to your name"
        ) from None
    # Only control characters go (an ESC would reach every terminal that shows the history);
    # anything else stays, so that a name keeps matching the batches it already wrote.
    kept = "".join(c for c in name if unicodedata.category(c) != "Cc").strip()
    return kept[:_AUTHOR_LIMIT] or "unknown"


#: The change log's author column holds this many characters.
_AUTHOR_LIMIT = 200
