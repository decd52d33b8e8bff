"""An import killed with SIGKILL while it writes leaves the ledger exactly as it was."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from db.fixtures import export_text
from db.ledger import Ledger

ROOT = Path(__file__).resolve().parents[2]

CHILD = """
import sys
from db.fixtures import import_files
from db.ledger import Ledger

def progress(phase, done, total):
    print(phase, done, total, flush=True)

ledger = Ledger.open(sys.argv[1], author="tester")
import_files(ledger, [sys.argv[2]], progress=progress)
print("committed", flush=True)
"""


def many_pledges(path: Path, count: int) -> None:
    pledges = [
        {
            "key": f"fra-pledge-{i:06d}",
            "title": f"Pledge number {i} of a large import",
            "text": "Wording of the pledge, long enough to be indexed for search. " * 3,
            "pledger": "FRA",
            "beneficiary": "UKR",
            "conditions": ["ceasefire"],
            "sources": ["paris-declaration"],
            "tags": ["bulk", f"group-{i % 50}"],
        }
        for i in range(count)
    ]
    path.write_text(json.dumps({"format": "pledges/1", "pledges": pledges}), encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.0, 0.4])
def test_a_killed_import_leaves_the_ledger_as_it_was(
    small: Ledger, tmp_path: Path, delay: float
) -> None:
    assert small.path is not None
    before = export_text(small, "yaml")
    revision = small.revision()
    source = tmp_path / "large.json"
    many_pledges(source, 20_000)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(small.path), str(source)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    try:
        for line in child.stdout:
            if line.startswith("writing"):  # inside the write transaction
                time.sleep(delay)
                child.send_signal(signal.SIGKILL)
                break
            assert not line.startswith("committed")
    finally:
        child.kill()
        child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL
    assert small.integrity() == "ok"
    assert small.revision() == revision
    assert export_text(small, "yaml") == before
    reopened = Ledger.open(small.path, author="tester", create=False)
    try:
        assert reopened.count_pledges() == 5
        assert export_text(reopened, "yaml") == before
    finally:
        reopened.close()
