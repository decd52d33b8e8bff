"""Two processes on one ledger, and a process killed mid-write: nothing lost, nothing torn."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from db import dialect
from db.errors import ConflictError
from db.ledger import Ledger

ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


WRITER = """
import sys, json
from db.ledger import Ledger
from db import schemas
from db.errors import LedgerError
path, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
ledger = Ledger.open(path, author=name)
done, failed = 0, []
for i in range(count):
    try:
        ledger.create(schemas.Pledge(key=f"{name}-{i}", title=f"Pledge {i} by {name}", pledger="FRA"))
        done += 1
    except LedgerError as error:
        failed.append(str(error))
print(json.dumps({"done": done, "failed": failed}))
"""


def test_two_writer_processes_both_succeed_and_nothing_is_lost(small: Ledger) -> None:
    assert small.path is not None
    writers = [run_python(WRITER, str(small.path), name, "60") for name in ("ana", "ben")]
    results = []
    for process in writers:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        results.append(json.loads(out))
    assert all(r["failed"] == [] for r in results), results
    assert small.count_pledges("Pledge") == 120
    assert small.integrity() == "ok"


def test_a_second_writer_waits_for_the_lock_instead_of_failing(small: Ledger) -> None:
    assert small.path is not None
    holder = run_python(
        """
        import sqlite3, sys, time
        connection = sqlite3.connect(sys.argv[1], isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("UPDATE pledges SET notes = 'held' WHERE key = 'gbr-troops'")
        print("locked", flush=True)
        time.sleep(1.5)
        connection.execute("COMMIT")
    """,
        str(small.path),
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "locked"
    started = time.monotonic()
    small.change_status("pledge", "gbr-missiles", "stalled", note="waited for the lock")
    waited = time.monotonic() - started
    holder.communicate(timeout=30)
    assert waited > 0.5  # it really waited, and did not fail with "database is locked"
    assert small.pledge("gbr-missiles").pledge.status == "stalled"
    assert small.pledge("gbr-troops").pledge.notes == "held"


def test_the_later_of_two_edits_of_one_record_is_a_conflict(small: Ledger) -> None:
    assert small.path is not None
    seen = small.pledge("gbr-troops")
    editor = run_python(
        """
        import sys
        from db.ledger import Ledger
        ledger = Ledger.open(sys.argv[1], author="ben")
        detail = ledger.pledge("gbr-troops")
        ledger.update(detail.pledge.model_copy(update={"notes": "ben was here"}), version=detail.version)
    """,
        str(small.path),
    )
    _, err = editor.communicate(timeout=60)
    assert editor.returncode == 0, err
    try:
        small.update(seen.pledge.model_copy(update={"notes": "ana was here"}), version=seen.version)
    except ConflictError as conflict:
        assert conflict.theirs is not None and conflict.theirs["notes"] == "ben was here"
    else:
        raise AssertionError("a stale save must be a conflict")
    assert small.pledge("gbr-troops").pledge.notes == "ben was here"


BIG_WRITER = """
import sys
from db.ledger import Ledger
from db import schemas
ledger = Ledger.open(sys.argv[1], author="big")
for batch in range(1000):
    records = [schemas.Pledge(key=f"big-{batch}-{i}", title=f"Bulk pledge {i}", pledger="FRA",
                              tags=["bulk"], conditions=["ceasefire"]) for i in range(2000)]
    ledger.save_records(records, label=f"batch {batch}")
    print(f"committed {batch}", flush=True)
"""


def test_a_writer_killed_mid_write_leaves_exactly_the_committed_batches(small: Ledger) -> None:
    assert small.path is not None
    path = small.path
    small.close()
    writer = run_python(BIG_WRITER, str(path))
    assert writer.stdout is not None
    assert writer.stdout.readline().startswith("committed 0")
    assert writer.stdout.readline().startswith("committed 1")
    time.sleep(0.3)  # well into batch 2 (or later)
    writer.send_signal(signal.SIGKILL)
    rest = writer.stdout.read()
    writer.wait(timeout=30)
    printed = 2 + rest.count("committed")
    assert dialect.integrity_check(path) == "ok"
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        batches = connection.execute(
            "SELECT count(*) FROM batches WHERE label LIKE 'batch %'"
        ).fetchone()[0]
    # A batch may have committed after its last report and before the kill, never half of one.
    assert printed <= batches <= printed + 1
    with Ledger.open(path) as reopened:
        assert reopened.integrity() == "ok"
        assert reopened.count_pledges("tag:bulk") == batches * 2000
        assert reopened.count_pledges("is:conditional tag:bulk") == batches * 2000
