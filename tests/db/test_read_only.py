"""A ledger that can be read but not written is recognised before anyone types a change:
``files.read_only_problem`` says why, and what to do. (The file system's own answer, so the
checks run without root's privilege to ignore permissions.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from db.files import read_only_problem
from db.ledger import Ledger
from tests.support import ROOT
from tests.support.cli_run import _without_privileges

ASK = "import sys; from pathlib import Path; from db.files import read_only_problem as r; "


def _asked_unprivileged(path: Path) -> str:
    """What ``read_only_problem`` says about ``path`` in a process that obeys permissions."""
    command = [
        *_without_privileges(),
        sys.executable,
        "-c",
        ASK + "print(r(Path(sys.argv[1])))",
        str(path),
    ]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def _ledger(tmp_path: Path) -> Path:
    path = tmp_path / "ledger.sqlite"
    Ledger.open(path).close()
    return path


def test_a_writable_ledger_has_no_problem(tmp_path: Path) -> None:
    path = _ledger(tmp_path)
    assert read_only_problem(path) is None
    assert _asked_unprivileged(path) == "None"


def test_a_read_only_ledger_file_is_named_with_what_to_do(tmp_path: Path) -> None:
    path = _ledger(tmp_path)
    path.chmod(0o444)
    try:
        said = _asked_unprivileged(path)
    finally:
        path.chmod(0o600)
    assert said == (
        f"{path} is read-only for you; to change the ledger, make its files and their folder "
        f"{tmp_path} writable"
    )


def test_a_read_only_companion_file_makes_the_ledger_read_only(tmp_path: Path) -> None:
    path = _ledger(tmp_path)
    wal = Path(f"{path}-wal")
    wal.touch()
    wal.chmod(0o444)
    try:
        said = _asked_unprivileged(path)
    finally:
        wal.chmod(0o600)
    assert said.startswith(f"{wal} is read-only for you")


def test_a_missing_ledger_is_left_to_opening_to_explain(tmp_path: Path) -> None:
    assert read_only_problem(tmp_path / "absent.sqlite") is None
