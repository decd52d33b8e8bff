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
    configured = read_config().get("ledger")
    if isinstance(configured, str) and configured:
        return configured
    return str(data_dir() / "ledger.sqlite")


def default_author() -> str:
    env = os.environ.get("PLEDGES_AUTHOR")
    if env and env.strip():
        return env.strip()
    configured = read_config().get("author")
    if isinstance(configured, str) and configured.strip():
        return configured.strip()
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
