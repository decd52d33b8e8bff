"""Running ``pledges`` as a user does, for the CLI tests: a real process, its stdout, stderr and
exit code, optionally with a file-size limit (a disk that fills up) or without the privileges
that let root ignore file permissions (a read-only folder, an unreadable file)."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support import ROOT

#: Root ignores file permissions; these capabilities are dropped to make it obey them.
_PERMISSION_CAPABILITIES = "-dac_override,-dac_read_search,-fowner"


def pledges(
    *args: str,
    cwd: Path = ROOT,
    env: dict[str, str] | None = None,
    file_size_limit: int | None = None,
    unprivileged: bool = False,
    stdout: Any = subprocess.PIPE,
) -> subprocess.CompletedProcess[str]:
    """Run ``pledges ARGS``. ``file_size_limit`` makes every write past that many bytes fail
    as on a full disk; ``unprivileged`` makes file permissions apply even when the tests run
    as root (skipping the test where that is impossible)."""
    command = [sys.executable, "-m", "tui.cli", *args]
    if unprivileged:
        command = _without_privileges() + command
    return subprocess.run(
        command,
        cwd=cwd,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        # A limited process must not write truncated bytecode into the source tree.
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "PYTHONDONTWRITEBYTECODE": "1",
            **(env or {}),
        },
        preexec_fn=_limit(file_size_limit) if file_size_limit else None,
        timeout=120,
    )


def _limit(size: int) -> Callable[[], None]:
    def apply() -> None:
        # Past the limit a write fails with EFBIG instead of killing the process (SIGXFSZ).
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return apply


def _without_privileges() -> list[str]:
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: file permissions cannot be made to apply")
    probe = subprocess.run(
        [setpriv, f"--bounding-set={_PERMISSION_CAPABILITIES}", "true"], capture_output=True
    )
    if probe.returncode != 0:
        pytest.skip("running as root and cannot drop the capabilities that bypass permissions")
    return [setpriv, f"--bounding-set={_PERMISSION_CAPABILITIES}", "--"]


def harmless(text: str) -> bool:
    """True when nothing in ``text`` would act on a terminal or hide from it: every character
    is printable, apart from line breaks."""
    return all(char.isprintable() or char == "\n" for char in text)
