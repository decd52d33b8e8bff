"""Several processes on one ledger: analysts writing at once while others read.

Every acknowledged write is there afterwards, no update is lost (a write based on a version
someone else replaced is a reported conflict, never a silent overwrite), and every snapshot a
reader sees is consistent in itself.
"""

from __future__ import annotations

import random
import subprocess
import sys
import textwrap
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from db.errors import ConflictError, LedgerError
from db.ledger import Ledger
from tests.support import workers

pytestmark = pytest.mark.slow

AUTHORS = ("ana", "ben", "cem")
READERS = 2
#: Writes per writer at scale 1.
WRITES = 30


def test_writers_and_readers_at_once_lose_nothing_and_see_no_torn_state(
    small: Ledger, tmp_path: Path, scale: int
) -> None:
    assert small.path is not None
    path = str(small.path)
    start_amount = int(small.pledge(workers.COUNTER).pledge.amount or 0)
    seeds = {author: random.randrange(2**32) for author in AUTHORS}
    context = workers.context()
    stop = tmp_path / "writers-done"
    readers = [
        context.Process(
            target=workers.concurrent_reader,
            args=(path, str(stop), str(tmp_path / f"reader-{n}.jsonl")),
        )
        for n in range(READERS)
    ]
    writers = [
        context.Process(
            target=workers.concurrent_writer,
            args=(path, author, WRITES * scale, seeds[author], str(tmp_path / f"{author}.jsonl")),
        )
        for author in AUTHORS
    ]
    for process in readers + writers:
        process.start()
    for process in writers:
        process.join(timeout=300)
    stop.touch()
    for process in readers:
        process.join(timeout=120)
    assert [p.exitcode for p in writers + readers] == [0] * (len(AUTHORS) + READERS), seeds

    reports = {a: workers.read_report(tmp_path / f"{a}.jsonl") for a in AUTHORS}
    outcomes = Counter(r["outcome"] for rs in reports.values() for r in rs)
    assert [r for rs in reports.values() for r in rs if r["outcome"] == "error"] == [], seeds
    assert outcomes["ok"] + outcomes["conflict"] == WRITES * scale * len(AUTHORS)

    # No lost update: each acknowledged increment wrote a value nobody else wrote, and the
    # counter ends at the last of them.
    values = sorted(r["value"] for rs in reports.values() for r in rs if r.get("value"))
    assert values == list(range(start_amount + 1, start_amount + 1 + len(values))), seeds
    assert int(small.pledge(workers.COUNTER).pledge.amount or 0) == start_amount + len(values)

    # Every acknowledged batch is in the log, under its author, and each analyst's own
    # pledges are as their last acknowledged write left them.
    logged = {entry.batch: entry.author for entry in small.activity(limit=100_000)}
    for author, lines in reports.items():
        done = [r for r in lines if r["outcome"] == "ok"]
        assert {logged.get(r["batch"]) for r in done} == {author}, (author, seeds)
        expected: dict[str, dict[str, Any]] = {}
        for r in (r for r in done if r["op"] != "increment"):
            mine = expected.setdefault(r["key"], {"status": "announced", "conditions": []})
            if r["op"] == "status":
                mine["status"] = r["status"]
            if r["op"] == "link":
                mine["conditions"] = ["ceasefire"] if r["linked"] else []
        found = {
            key: {"status": p.status, "conditions": p.conditions}
            for key in small.matching_pledge_keys(f"tag:{author}")
            for p in [small.pledge(key).pledge]
        }
        assert found == expected, (author, seeds)

    snapshots = 0
    for n in range(READERS):
        (summary,) = workers.read_report(tmp_path / f"reader-{n}.jsonl")
        assert summary["problems"] == [], seeds
        assert summary["snapshots"] >= 1
        snapshots += summary["snapshots"]
    print(
        f"{len(AUTHORS)} writers, {READERS} readers: {outcomes['ok']} writes acknowledged, "
        f"{outcomes['conflict']} conflicts reported, {len(values)} increments, "
        f"{snapshots} snapshots checked"
    )
    small.close()
    assert workers.check_file(small.path) == []


HOLDER = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
connection.execute("UPDATE pledges SET notes = 'held' WHERE key = 'gbr-troops'")
print("locked", flush=True)
sys.stdin.readline()
connection.execute("COMMIT")
"""


def test_a_write_waits_for_a_lock_held_by_another_process_instead_of_failing(
    small: Ledger,
) -> None:
    assert small.path is not None
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(HOLDER), str(small.path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdin is not None and holder.stdout is not None
    try:
        assert holder.stdout.readline().strip() == "locked"
        outcome: dict[str, str] = {}

        def write() -> None:
            try:
                small.change_status("pledge", "gbr-missiles", "stalled", note="after the lock")
                outcome["saved"] = "yes"
            except LedgerError as error:
                outcome["error"] = str(error)

        writing = threading.Thread(target=write)
        writing.start()
        writing.join(timeout=1)
        # While the other process holds the lock the write has neither failed nor succeeded
        # ("database is locked" at once would be the fault): it is waiting.
        assert writing.is_alive(), outcome
        holder.stdin.write("release\n")
        holder.stdin.flush()
        writing.join(timeout=60)
        assert outcome == {"saved": "yes"}
    finally:
        holder.stdin.close()
        assert holder.wait(timeout=60) == 0
    assert small.pledge("gbr-missiles").pledge.status == "stalled"
    assert small.pledge("gbr-troops").pledge.notes == "held"


def test_the_later_of_two_edits_of_one_record_is_a_conflict(small: Ledger) -> None:
    assert small.path is not None
    seen = small.pledge("gbr-troops")
    editor = workers.context().Process(
        target=workers.edit_notes, args=(str(small.path), "ben", "gbr-troops", "ben was here")
    )
    editor.start()
    editor.join(timeout=120)
    assert editor.exitcode == 0
    with pytest.raises(ConflictError, match="changed by someone else") as caught:
        small.update(seen.pledge.model_copy(update={"notes": "ana was here"}), version=seen.version)
    assert caught.value.theirs is not None and caught.value.theirs["notes"] == "ben was here"
    assert small.pledge("gbr-troops").pledge.notes == "ben was here"
