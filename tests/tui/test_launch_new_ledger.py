"""``pledges --db PATH`` where there is no ledger: the UI asks before making one (a mistyped
name must not leave a new ledger and its folders behind), and without a terminal to ask on it
refuses with the message every other command gives."""

from __future__ import annotations

import fcntl
import os
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from tests.support import ROOT
from tests.support.cli_run import pledges


def in_terminal(args: list[str], answer: str | None, *, until: str, timeout: float = 60) -> str:
    """Run ``pledges ARGS`` on a pseudo-terminal of 80x24, type ``answer`` (if any) once the
    question is asked, then read until ``until`` appears (or the process ends); what the
    terminal showed."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm-256color"},
        close_fds=True,
    )
    os.close(slave)
    shown = b""
    answered = answer is None
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the process ended: the terminal is gone
                    break
                if not chunk:
                    break
                shown += chunk
            text = shown.decode("utf-8", "replace")
            if not answered and "[y/N]" in text:
                os.write(master, (answer or "").encode())
                answered = True
            if answered and until in text:
                break
            if process.poll() is not None and not ready:
                break
        return shown.decode("utf-8", "replace")
    finally:
        if process.poll() is None:
            os.write(master, b"\x11")  # ctrl+q quits the app
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        os.close(master)


def test_without_a_terminal_a_missing_ledger_is_refused_as_by_list(tmp_path: Path) -> None:
    target = tmp_path / "typo" / "ledger.sqlite"
    ui = pledges("--db", str(target))
    listed = pledges("list", "--db", str(target))
    assert ui.returncode == listed.returncode == 1
    assert ui.stderr == listed.stderr
    assert ui.stderr.startswith(f"pledges: there is no ledger at {target}")
    assert not (tmp_path / "typo").exists()


def test_without_a_terminal_an_empty_file_is_refused_as_by_list(tmp_path: Path) -> None:
    target = tmp_path / "empty.sqlite"
    target.touch()
    ui = pledges("--db", str(target))
    assert ui.returncode == 1
    assert ui.stderr == pledges("list", "--db", str(target)).stderr
    assert target.read_bytes() == b""


@pytest.mark.slow
def test_answering_no_makes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "typo" / "ledger.sqlite"
    shown = in_terminal(["--db", str(target)], "n\r", until="nothing was made")
    assert f"There is no ledger at {target} (nor the folder {target.parent})." in shown
    assert "Make a new, empty ledger there? [y/N]" in shown
    assert f"pledges: there is no ledger at {target}; nothing was made" in shown
    assert not (tmp_path / "typo").exists()


@pytest.mark.slow
def test_answering_yes_opens_a_new_ledger(tmp_path: Path) -> None:
    target = tmp_path / "new" / "ledger.sqlite"
    shown = in_terminal(["--db", str(target)], "y\r", until="This ledger is empty")
    assert "Make a new, empty ledger there? [y/N]" in shown
    assert "This ledger is empty" in shown
    assert target.is_file()
    listed = pledges("list", "--db", str(target))
    assert listed.returncode == 0, listed.stderr


@pytest.mark.slow
def test_the_default_ledger_is_still_made_without_asking(tmp_path: Path) -> None:
    # Not --db: the default ledger ($PLEDGES_DB here) is made on first use, as by every command.
    default = Path(os.environ["PLEDGES_DB"])
    assert not default.exists()
    shown = in_terminal([], None, until="This ledger is empty")
    assert "This ledger is empty" in shown and "[y/N]" not in shown
    assert default.is_file()
