"""A throw-away PostgreSQL server for the tests: ``initdb`` and ``pg_ctl`` in a temporary folder,
listening on a Unix socket only (no TCP port, no network), one per test process.

The server needs PostgreSQL's binaries (Debian's ``postgresql`` package; ``.ci/run`` installs it
when missing). PostgreSQL refuses to run as root, as CI does: then the server runs as the
``postgres`` system user the package creates, in a folder that user owns, and the tests connect
to its socket as its superuser. Each test gets an empty database of its own, dropped after.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

#: The settings of a server whose data does not need to survive a crash.
FAST = ("fsync=off", "synchronous_commit=off", "full_page_writes=off")
_databases = itertools.count(1)


def binaries() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl``: ``pg_config``'s, else Debian's newest."""
    config = shutil.which("pg_config")
    if config:
        found = subprocess.run([config, "--bindir"], capture_output=True, text=True, check=False)
        folder = Path(found.stdout.strip())
        if (folder / "initdb").exists():
            return folder
    folders = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    for folder_name in reversed(folders):
        if (Path(folder_name) / "initdb").exists():
            return Path(folder_name)
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@dataclass
class Server:
    """A running server: its socket folder, and how to reach a database on it."""

    folder: Path
    socket: Path
    bin: Path
    user: str | None  # the system user it runs as (None: this process's)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@/{database}?host={self.socket}"

    def _run(self, *command: str) -> subprocess.CompletedProcess[str]:
        argv = list(command)
        if self.user:
            argv = ["runuser", "-u", self.user, "--", *argv]
        return subprocess.run(argv, capture_output=True, text=True, check=False, cwd="/")

    def start(self) -> None:
        data = self.folder / "data"
        made = self._run(
            str(self.bin / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E",
            "UTF8", "--no-sync", "--locale=C.UTF-8",
        )  # fmt: skip
        if made.returncode:
            raise RuntimeError(f"initdb failed: {made.stderr.strip()[-800:]}")
        options = " ".join(
            [f"-k {self.socket}", "-c listen_addresses=''", *(f"-c {o}" for o in FAST)]
        )
        started = self._run(
            str(self.bin / "pg_ctl"), "-D", str(data), "-l", str(self.folder / "server.log"),
            "-o", options, "-w", "-t", "60", "start",
        )  # fmt: skip
        if started.returncode:
            log = (self.folder / "server.log").read_text(errors="replace")[-800:]
            raise RuntimeError(f"pg_ctl start failed: {started.stderr.strip()} {log}")

    def stop(self) -> None:
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate", "stop"
        )

    @contextlib.contextmanager
    def database(self) -> Iterator[str]:
        """An empty database of its own, dropped when done; yields its URL."""
        from sqlalchemy import create_engine, text

        name = f"test_{os.getpid()}_{next(_databases)}"
        admin = create_engine(self.url(), isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            yield self.url(name)
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            admin.dispose()


@contextlib.contextmanager
def server() -> Iterator[Server]:
    """Start a server in a new temporary folder; stop it and remove the folder when done."""
    bin = binaries()
    if bin is None:
        raise RuntimeError(
            "PostgreSQL's binaries (initdb, pg_ctl) are not installed: "
            "apt-get install postgresql (.ci/run does this)"
        )
    folder = Path(tempfile.mkdtemp(prefix="pledges-pg-"))
    user = None
    if os.geteuid() == 0:
        user = "postgres"
        try:
            entry = pwd.getpwnam(user)
        except KeyError as missing:
            raise RuntimeError("running as root needs the 'postgres' system user") from missing
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    socket = folder  # a short path: a socket's name is limited to about 100 bytes
    running = Server(folder, socket, bin, user)
    try:
        running.start()
        yield running
    finally:
        running.stop()
        shutil.rmtree(folder, ignore_errors=True)
