"""SIGKILL at points the test chooses, inside an import and inside a loop of writes.

Each trial forks a child that writes to its own copy of a ledger and dies where a kill hook
says (see ``workers.KillHook``): at a random SQLite VM step of its write transactions, so
that the kill is certainly inside one, or at a random moment of its writing, so that it may
land in a commit's fsync too. Kill points are drawn over the whole range a calibration run
without a kill took on this machine, in strata, so a faster machine moves them with it.
Afterwards the ledger opens, passes SQLite's and the full-text index's integrity checks,
keeps its triggers, holds either all of the import or none of it, and every write the child
reported as committed.
"""

from __future__ import annotations

import json
import random
import signal
import sqlite3
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from db.interchange import export_text
from db.ledger import Ledger
from db.sqlite import bulk, ledger_file
from tests.support import workers
from tests.support.ledgers import small_ledger

pytestmark = pytest.mark.slow

#: Pledges in the killed import: above the size at which the insert triggers are dropped and
#: made again inside the transaction, so that a kill lands there too.
IMPORT_SIZE = 2 * bulk.BULK_ROWS
#: Trials at scale 1, each way (by VM step, by time).
IMPORT_TRIALS = 3
LOOP_TRIALS = 3
LOOP_WRITES = 45


@dataclass(frozen=True)
class Template:
    """The small ledger, a file to import into it, and what an undisturbed child did."""

    directory: Path
    ledger: Path
    source: Path
    before: str
    schema: list[tuple[str, str, str]]
    imported: str
    import_steps: int
    import_seconds: float
    loop_steps: int
    loop_seconds: float


def schema_objects(path: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE type IN ('trigger', 'index', "
            "'table') ORDER BY type, name"
        ).fetchall()


def large_import(path: Path, count: int) -> None:
    pledges = [
        {
            "key": f"fra-pledge-{i:06d}",
            "title": f"Pledge number {i} of a large import",
            "text": "Wording of the pledge, long enough to be indexed for search. " * 3,
            "pledger": "FRA",
            "beneficiary": "UKR",
            "status": ("announced", "committed")[i % 2],
            "conditions": ["ceasefire"] if i % 3 else ["ceasefire", "us-backstop"],
            "sources": ["paris-declaration"],
            "tags": ["bulk", f"group-{i % 50}"],
        }
        for i in range(count)
    ]
    path.write_text(json.dumps({"format": "pledges/1", "pledges": pledges}), encoding="utf-8")


def run_child(target: Any, *args: Any) -> int:
    child = workers.context().Process(target=target, args=args)
    child.start()
    child.join(timeout=300)
    assert child.exitcode is not None, "the child did not finish"
    return child.exitcode


def copy_of(template: Template, name: str) -> Path:
    path = template.directory / f"{name}.sqlite"
    ledger_file.backup(template.ledger, path)
    return path


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Template]:
    directory = tmp_path_factory.mktemp("crash")
    path = directory / "template.sqlite"
    with Ledger.open(path, author="tester") as ledger:
        small_ledger(ledger)
        before = export_text(ledger, "yaml")
    source = directory / "large.json"
    large_import(source, IMPORT_SIZE)
    # Calibration: an undisturbed import and loop say how many steps and seconds they take.
    imported = directory / "imported.sqlite"
    ledger_file.backup(path, imported)
    report = directory / "imported.jsonl"
    assert run_child(workers.importer, str(imported), str(source), str(report)) == 0
    (done,) = workers.read_report(report)
    with Ledger.open(imported, create=False) as ledger:
        export = export_text(ledger, "yaml")
    looped = directory / "looped.sqlite"
    ledger_file.backup(path, looped)
    report = directory / "looped.jsonl"
    assert run_child(workers.write_loop, str(looped), LOOP_WRITES, str(report)) == 0
    loop = workers.read_report(report)[-1]
    yield Template(
        directory,
        path,
        source,
        before,
        schema_objects(path),
        export,
        done["steps"],
        done["seconds"],
        loop["steps"],
        loop["seconds"],
    )


def kill_points(rng: random.Random, trials: int, top: float) -> list[float]:
    """One point drawn in each of ``trials`` equal strata of ``[0, top]``."""
    width = top / trials
    return [rng.uniform(n * width, (n + 1) * width) for n in range(trials)]


def trials(count: int, steps: int, seconds: float) -> list[dict[str, Any]]:
    """``count`` kill points by step and as many by time, over the calibrated range and a
    tenth beyond (where the write has committed), each with the seed that drew it."""
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    by_step = [
        {"at_step": max(1, int(p)), "seed": seed} for p in kill_points(rng, count, steps * 1.1)
    ]
    by_time = [{"after_seconds": p, "seed": seed} for p in kill_points(rng, count, seconds * 1.1)]
    return by_step + by_time


def test_an_import_killed_anywhere_is_all_or_nothing(template: Template, scale: int) -> None:
    outcomes: Counter[str] = Counter()
    for number, kill in enumerate(
        trials(IMPORT_TRIALS * scale, template.import_steps, template.import_seconds)
    ):
        path = copy_of(template, f"import-{number}")
        report = template.directory / f"import-{number}.jsonl"
        exitcode = run_child(
            workers.importer,
            str(path),
            str(template.source),
            str(report),
            kill.get("at_step"),
            kill.get("after_seconds"),
        )
        committed = [r for r in workers.read_report(report) if r.get("event") == "committed"]
        assert exitcode in (0, -signal.SIGKILL), kill
        assert (exitcode == 0) <= bool(committed), kill
        assert workers.check_file(path) == [], kill
        assert schema_objects(path) == template.schema, kill
        with Ledger.open(path, create=False) as ledger:
            export = export_text(ledger, "yaml")
            if export == template.imported:
                outcome = "all"
            else:
                assert export == template.before, kill
                assert ledger.count_pledges() == 5, kill
                outcome = "none"
        assert outcome == "all" or not committed, kill
        if kill.get("at_step", template.import_steps) < template.import_steps * 0.95:
            # Killed at a step well inside the write transaction: it never committed.
            assert (exitcode, outcome) == (-signal.SIGKILL, "none"), kill
        outcomes[outcome] += 1
    print(
        f"import of {IMPORT_SIZE:,} pledges killed {sum(outcomes.values())} times "
        f"({template.import_steps} steps, {template.import_seconds:.2f} s undisturbed): "
        f"{outcomes['none']} left nothing, {outcomes['all']} committed whole"
    )


def test_a_write_loop_killed_anywhere_keeps_every_reported_write(
    template: Template, scale: int
) -> None:
    reported = 0
    extra = 0
    with Ledger.open(template.ledger, create=False) as ledger:
        amount = int(ledger.pledge(workers.COUNTER).pledge.amount or 0)
    for number, kill in enumerate(
        trials(LOOP_TRIALS * scale, template.loop_steps, template.loop_seconds)
    ):
        path = copy_of(template, f"loop-{number}")
        report = template.directory / f"loop-{number}.jsonl"
        exitcode = run_child(
            workers.write_loop,
            str(path),
            LOOP_WRITES,
            str(report),
            kill.get("at_step"),
            kill.get("after_seconds"),
        )
        acknowledged = [r for r in workers.read_report(report) if "index" in r]
        assert [r["index"] for r in acknowledged] == list(range(len(acknowledged))), kill
        assert exitcode in (0, -signal.SIGKILL), kill
        assert workers.check_file(path) == [], kill
        assert schema_objects(path) == template.schema, kill
        done = len(acknowledged)
        with Ledger.open(path, create=False) as ledger:
            state = workers.loop_state(ledger)
            batches = {e.batch for e in ledger.activity(limit=100_000) if e.author == "looper"}
        # Every reported write is there; at most one more (committed, then killed before
        # its report), and none at all when the kill fell on a step inside a transaction.
        if state != workers.loop_model(done, amount):
            assert "at_step" not in kill and done < LOOP_WRITES, kill
            assert state == workers.loop_model(done + 1, amount), kill
            extra += 1
            done += 1
        assert {r["batch"] for r in acknowledged} <= batches, kill
        assert len(batches) == done, kill
        reported += len(acknowledged)
    print(
        f"write loop killed {2 * LOOP_TRIALS * scale} times: {reported} reported writes all "
        f"kept, {extra} committed but not yet reported"
    )
