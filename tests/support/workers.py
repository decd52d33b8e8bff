"""What the reliability tests run in other processes, and the checks they share.

Each child opens the ledger itself, as another analyst's process would, and reports what it
did, one JSON line per acknowledged write, with ``os.write`` right after the call returns:
a line in the report is a write the ledger committed, and a SIGKILL can lose at most the
write in flight, never a reported one.

Children are forked from multiprocessing's fork server, which imported pledges once: a trial
costs a fork instead of the two seconds of importing SQLAlchemy and pydantic afresh.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import sqlite3
import threading
import time
from decimal import Decimal
from multiprocessing.context import ForkServerContext
from pathlib import Path
from typing import Any

from db import schemas
from db.errors import ConflictError, LedgerError
from db.interchange import import_files
from db.ledger import Ledger
from db.sqlite import connections, facet_counts, fulltext, ledger_file

#: Every how many SQLite VM instructions a kill hook looks at its count.
STEP = 1000


def context() -> ForkServerContext:
    """The multiprocessing context children start from (a fork server with pledges loaded)."""
    forkserver = multiprocessing.get_context("forkserver")
    # Only heeded before the server starts (the first child of this test process).
    forkserver.set_forkserver_preload(["tests.support.workers", "db.ledger", "db.interchange"])
    return forkserver


# -- reports -----------------------------------------------------------------------------------


class Report:
    """A child's report file: one JSON line per event, written through at once."""

    def __init__(self, path: str | Path) -> None:
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)

    def __call__(self, **fields: Any) -> None:
        os.write(self._fd, (json.dumps(fields) + "\n").encode())


def read_report(path: Path) -> list[dict[str, Any]]:
    """The lines a child reported (every line is whole: a write to a file is not torn by a
    signal)."""
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    assert text == "" or text.endswith("\n"), f"torn report line in {path}: {text[-80:]!r}"
    return [json.loads(line) for line in text.splitlines()]


# -- kill hooks ----------------------------------------------------------------------------------


class KillHook:
    """Kills this process with SIGKILL inside a write transaction, where the test chose.

    ``at_step``: at the n-th look of SQLite's progress handler (every :data:`STEP` VM
    instructions) counted over all write transactions; ``after_seconds``: that long after the
    first write transaction began (from a thread, so it lands anywhere, inside a commit's
    fsync too). Either may be None. ``steps`` and ``began`` say what a run without a kill
    took, to choose kill points over that range.
    """

    def __init__(
        self, ledger: Ledger, *, at_step: int | None = None, after_seconds: float | None = None
    ) -> None:
        self.steps = 0
        self.began: float | None = None
        self._at_step = at_step
        self._after = after_seconds
        from sqlalchemy import event

        event.listen(ledger._writer, "begin", self._on_begin)

    def _on_begin(self, connection: Any) -> None:
        connection.connection.driver_connection.set_progress_handler(self._progress, STEP)
        if self.began is None:
            self.began = time.monotonic()
            if self._after is not None:
                threading.Thread(target=self._kill_later, daemon=True).start()

    def _progress(self) -> int:
        self.steps += 1
        if self._at_step is not None and self.steps >= self._at_step:
            os.kill(os.getpid(), signal.SIGKILL)
        return 0

    def _kill_later(self) -> None:
        assert self._after is not None
        time.sleep(self._after)
        os.kill(os.getpid(), signal.SIGKILL)

    def elapsed(self) -> float:
        return 0.0 if self.began is None else time.monotonic() - self.began


# -- consistency of one snapshot -----------------------------------------------------------------


OPEN = ("pending", "partially_met")


def snapshot_problems(connection: sqlite3.Connection) -> list[str]:
    """What disagrees within one read transaction of a ledger: the kept facet counts and the
    count of pledges against the pledges themselves, each pledge's condition summary against
    its conditions, the full-text index's rows against the pledges. Empty when consistent."""
    problems = []
    kept = {
        (facet, value): n
        for facet, value, n in connection.execute(
            f"SELECT facet, value, n FROM {facet_counts.TABLE} WHERE n != 0"
        )
    }
    counted: dict[tuple[str, Any], int] = {}
    for column in facet_counts.COUNTED_COLUMNS:
        for value, n in connection.execute(
            f"SELECT {column}, count(*) FROM pledges WHERE {column} IS NOT NULL GROUP BY {column}"
        ):
            counted[(column, value)] = n
    for value, n in connection.execute(
        "SELECT condition_id, count(*) FROM pledge_conditions GROUP BY condition_id"
    ):
        counted[("condition", value)] = n
    if kept != counted:
        differing = sorted(k for k in kept.keys() | counted.keys() if kept.get(k) != counted.get(k))
        problems.append(
            "facet counts differ: "
            + ", ".join(f"{k}: kept {kept.get(k)}, counted {counted.get(k)}" for k in differing[:5])
        )
    (pledges,) = connection.execute("SELECT count(*) FROM pledges").fetchone()
    by_status = sum(n for (facet, _), n in kept.items() if facet == "status")
    if by_status != pledges:
        problems.append(f"{pledges} pledges, but the kept counts by status add up to {by_status}")
    (indexed,) = connection.execute(f"SELECT count(*) FROM {fulltext.TABLE}_docsize").fetchone()
    if indexed != pledges:
        problems.append(f"{pledges} pledges, but {indexed} rows in the full-text index")
    torn = connection.execute(
        f"""
        SELECT p.key, p.conditions_total, p.conditions_open, p.conditions_failed,
               count(c.id), sum(c.status IN {OPEN}), sum(c.status = 'failed')
        FROM pledges p
        LEFT JOIN pledge_conditions pc ON pc.pledge_id = p.id
        LEFT JOIN conditions c ON c.id = pc.condition_id
        GROUP BY p.id
        HAVING p.conditions_total != count(c.id)
            OR p.conditions_open != coalesce(sum(c.status IN {OPEN}), 0)
            OR p.conditions_failed != coalesce(sum(c.status = 'failed'), 0)
        LIMIT 5
        """
    ).fetchall()
    if torn:
        problems.append(f"condition summaries disagree with the conditions: {torn}")
    return problems


def check_file(path: Path) -> list[str]:
    """Everything :func:`snapshot_problems` checks, plus SQLite's integrity check, the
    foreign keys, FTS5's own check of the index against the pledges and the kept periods of
    the ledger in time against the change log, on a closed ledger."""
    problems = []
    integrity = ledger_file.integrity_check(path)
    if integrity != "ok":
        problems.append(f"integrity_check: {integrity}")
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        if connection.execute("PRAGMA foreign_key_check").fetchall():
            problems.append("foreign_key_check found dangling references")
        connection.execute("BEGIN")
        problems += snapshot_problems(connection)
        connection.execute("COMMIT")
        try:
            connection.execute(
                f"INSERT INTO {fulltext.TABLE}({fulltext.TABLE}) VALUES ('integrity-check')"
            )
        except sqlite3.DatabaseError as error:
            problems.append(f"full-text index: {error}")
    finally:
        connection.close()
    # The ledger in time: every record's kept periods are those its change log makes.
    from db import doctor

    problems += [str(f) for f in doctor.check(path, quick=True) if f.area == "ledger in time"]
    return problems


# -- children --------------------------------------------------------------------------------------

#: The pledge every concurrent writer increments (its amount), to catch a lost update.
COUNTER = "gbr-missiles"
STATUS_CYCLE = ("committed", "in_progress", "stalled", "delivered", "announced")


def concurrent_writer(path: str, author: str, writes: int, seed: int, report_path: str) -> None:
    """``writes`` random writes as ``author``: new pledges of its own, status changes and
    condition links on them, and read-then-write increments of the shared :data:`COUNTER`
    (with the version read, so a colleague's increment in between is a conflict)."""
    report = Report(report_path)
    rng = random.Random(seed)
    ledger = Ledger.open(path, author=author, create=False)
    mine: list[str] = []
    for step in range(writes):
        op = (
            rng.choice(["create", "increment", "increment", "status", "link"]) if mine else "create"
        )
        try:
            if op == "create":
                key = f"{author}-{len(mine):03d}"
                summary = ledger.create(
                    schemas.Pledge(
                        key=key,
                        title=f"Pledge {len(mine)} by {author}",
                        pledger="FRA",
                        tags=[author],
                    )
                )
                mine.append(key)
                report(op=op, outcome="ok", batch=summary.batch, key=key)
            elif op == "increment":
                detail = ledger.pledge(COUNTER)
                time.sleep(rng.random() / 200)  # the window in which a colleague may write
                value = int(detail.pledge.amount or 0) + 1
                edited = detail.pledge.model_copy(update={"amount": Decimal(value)})
                summary = ledger.update(edited, version=detail.version)
                report(op=op, outcome="ok", batch=summary.batch, value=value)
            elif op == "status":
                key = rng.choice(mine)
                detail = ledger.pledge(key)
                status = STATUS_CYCLE[(STATUS_CYCLE.index(detail.pledge.status) + 1) % 5]
                summary = ledger.change_status(
                    "pledge", key, status, note=f"{author}, step {step}", version=detail.version
                )
                report(op=op, outcome="ok", batch=summary.batch, key=key, status=status)
            else:
                key = rng.choice(mine)
                detail = ledger.pledge(key)
                if "ceasefire" in detail.pledge.conditions:
                    summary = ledger.unlink_condition(key, "ceasefire", version=detail.version)
                else:
                    summary = ledger.link_condition(key, "ceasefire", version=detail.version)
                linked = "ceasefire" not in detail.pledge.conditions
                report(op=op, outcome="ok", batch=summary.batch, key=key, linked=linked)
        except ConflictError as conflict:
            report(op=op, outcome="conflict", message=str(conflict))
        except LedgerError as error:
            report(op=op, outcome="error", message=str(error))
    ledger.close()


def edit_notes(path: str, author: str, key: str, notes: str) -> None:
    """One analyst's edit of a pledge's notes, from the version just read."""
    with Ledger.open(path, author=author, create=False) as ledger:
        detail = ledger.pledge(key)
        ledger.update(detail.pledge.model_copy(update={"notes": notes}), version=detail.version)


def concurrent_reader(path: str, stop_path: str, report_path: str) -> None:
    """Read until ``stop_path`` exists: each snapshot must be consistent in itself
    (:func:`snapshot_problems`), and the service API's counts must never run backwards or
    disagree (no pledge is deleted while it runs: a count from the kept counts lies between
    counts made the slow way before and after it)."""
    report = Report(report_path)
    ledger = Ledger.open(path, author="reader", create=False)
    connection = sqlite3.connect(
        path, isolation_level=None, timeout=connections.BUSY_TIMEOUT_MS / 1000
    )
    snapshots = 0
    problems: list[str] = []
    last = 0
    while True:
        stopping = os.path.exists(stop_path)
        connection.execute("BEGIN")
        problems += snapshot_problems(connection)
        connection.execute("COMMIT")
        slow_before = ledger.count_pledges("-key:no-such-pledge")
        kept = ledger.count_pledges()
        by_status = sum(f.count for f in ledger.facets().status)
        slow_after = ledger.count_pledges("-key:no-such-pledge")
        in_order = last <= slow_before <= kept <= slow_after
        if not (in_order and slow_before <= by_status <= slow_after):
            problems.append(
                f"counts out of order: {last} <= {slow_before} <= {kept} (facets {by_status}) "
                f"<= {slow_after}"
            )
        last = slow_after
        snapshots += 1
        if stopping or len(problems) > 20:
            break
    connection.close()
    ledger.close()
    report(snapshots=snapshots, problems=problems)


def importer(
    path: str,
    source: str,
    report_path: str,
    at_step: int | None = None,
    after_seconds: float | None = None,
) -> None:
    """Import ``source``; the :class:`KillHook` may kill this process during the write."""
    report = Report(report_path)
    ledger = Ledger.open(path, author="importer", create=False)
    hook = KillHook(ledger, at_step=at_step, after_seconds=after_seconds)
    done = import_files(ledger, [source])
    report(event="committed", batch=done.batch.batch, steps=hook.steps, seconds=hook.elapsed())


def write_loop(
    path: str,
    writes: int,
    report_path: str,
    at_step: int | None = None,
    after_seconds: float | None = None,
) -> None:
    """The writes of :func:`loop_write`, one after another, each reported once committed."""
    report = Report(report_path)
    ledger = Ledger.open(path, author="looper", create=False)
    hook = KillHook(ledger, at_step=at_step, after_seconds=after_seconds)
    for index in range(writes):
        summary = loop_write(ledger, index)
        report(index=index, batch=summary.batch)
    report(event="done", steps=hook.steps, seconds=hook.elapsed())


LOOP_BATCH = 5


def loop_write(ledger: Ledger, index: int) -> Any:
    """Write ``index`` of the loop: a batch of five new pledges, a status change of the first
    of them, or an increment of :data:`COUNTER`, in turn."""
    group = index // 3
    if index % 3 == 0:
        records = [
            schemas.Pledge(
                key=f"loop-{group:04d}-{n}",
                title=f"Loop pledge {group}-{n}",
                pledger="GBR",
                tags=["loop"],
                conditions=["ceasefire"] if n % 2 == 0 else [],
            )
            for n in range(LOOP_BATCH)
        ]
        return ledger.save_records(records, label=f"loop {group}")[1]
    if index % 3 == 1:
        key = f"loop-{group:04d}-0"
        return ledger.change_status("pledge", key, "committed", note=f"loop {group}")
    detail = ledger.pledge(COUNTER)
    edited = detail.pledge.model_copy(update={"amount": detail.pledge.amount + 1})
    return ledger.update(edited, version=detail.version)


def loop_model(writes: int, amount: int) -> dict[str, Any]:
    """What the ledger holds of the loop after its first ``writes`` writes (from ``amount``)."""
    pledges: dict[str, tuple[str, str]] = {}
    for index in range(writes):
        group = index // 3
        if index % 3 == 0:
            for n in range(LOOP_BATCH):
                pledges[f"loop-{group:04d}-{n}"] = (f"Loop pledge {group}-{n}", "announced")
        elif index % 3 == 1:
            pledges[f"loop-{group:04d}-0"] = (f"Loop pledge {group}-0", "committed")
        else:
            amount += 1
    return {"pledges": pledges, "amount": amount}


def loop_state(ledger: Ledger) -> dict[str, Any]:
    """What the ledger holds of the loop, in the shape of :func:`loop_model`."""
    rows = ledger.pledge_rows(ledger.matching_pledge_keys("tag:loop"))
    return {
        "pledges": {r.key: (r.title, r.status) for r in rows},
        "amount": int(ledger.pledge(COUNTER).pledge.amount or 0),
    }


def backup_load(path: str, stop_path: str, report_path: str, limit: int) -> None:
    """Batches of three new pledges until ``stop_path`` exists (at most ``limit``)."""
    report = Report(report_path)
    ledger = Ledger.open(path, author="loader", create=False)
    for index in range(limit):
        if os.path.exists(stop_path):
            break
        records = [
            schemas.Pledge(key=f"load-{index:05d}-{n}", title=f"Load {index}-{n}", pledger="USA")
            for n in range(3)
        ]
        summary = ledger.save_records(records, label=f"load {index}")[1]
        report(index=index, batch=summary.batch)
    ledger.close()
