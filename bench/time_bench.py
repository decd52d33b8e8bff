"""How fast the ledger reads the past: a script that prints figures.

    python bench/time_bench.py [--pledges N] [--ledger PATH]

On a ledger of N generated pledges (the import bench's generator: conditions, sources and
status histories of up to three dated changes each, imported through ``pledges import``, so
that every change is in the change log), then a few hundred dated status changes and an
undo, it measures in one run, next to the same questions answered by the reference fold over
the whole change log (what the ledger did before it kept its periods):

* the whole ledger as of a date (``Ledger.as_of``), as known now and as recorded earlier;
* what changed over one month and over one year (``Ledger.diff``);
* the size of the periods table against the change log.

Targets (of the time issue, on 1,000,000 pledges and 3,000,000 log entries): a diff over one
month < 1 s. The whole-ledger reading has no target of its own: the views will read pages.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import import_bench  # noqa: E402

from db import change_log  # noqa: E402
from db.interchange import import_files  # noqa: E402
from db.ledger import Ledger  # noqa: E402
from db.record_types import KINDS  # noqa: E402


def build(path: Path, pledges: int) -> Ledger:
    if not path.exists():
        source = path.with_suffix(".json")
        source.write_text(json.dumps(import_bench.generate(pledges)))
        import_bench.fresh_ledger(path)
        with Ledger.open(path, author="bench") as ledger:
            start = time.perf_counter()
            import_files(ledger, [source])
            print(f"import of {pledges:,} pledges: {time.perf_counter() - start:.1f} s")
        source.unlink()
    ledger = Ledger.open(path, author="bench")
    rng = random.Random(3)
    keys = ledger.matching_pledge_keys()
    for key in rng.sample(keys, min(300, len(keys))):
        try:
            ledger.change_status("pledge", key, "stalled", effective="2026-11", note="bench")
        except Exception:  # a status dated before its last one: skipped, as an analyst would
            continue
    ledger.undo()
    return ledger


def best(run: Callable[[], Any], times: int = 3) -> tuple[float, Any]:
    found: list[float] = []
    result: Any = None
    for _ in range(times):
        start = time.perf_counter()
        result = run()
        found.append(time.perf_counter() - start)
    return statistics.median(found), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pledges", type=int, default=100_000)
    parser.add_argument("--ledger", type=Path)
    args = parser.parse_args()
    path = args.ledger or Path(tempfile.gettempdir()) / f"pledges-time-{args.pledges}.sqlite"
    ledger = build(path, args.pledges)
    lists = {t: kind.schema.list_fields for t, kind in KINDS.items()}
    with ledger._reading() as connection:
        entries = connection.exec_driver_sql("SELECT count(*) FROM change_log").scalar()
        periods = connection.exec_driver_sql("SELECT count(*) FROM record_states").scalar()
        first = connection.exec_driver_sql("SELECT min(recorded_at) FROM batches").scalar()
    print(f"ledger: {args.pledges:,} pledges, {entries:,} log entries, {periods:,} periods")

    def reference(date: str, known_on: str | None = None) -> Any:
        with ledger._reading() as connection:
            return change_log.snapshot(connection, date, lists, known_on=known_on)

    for date, known_on in (("2025-06", None), ("2026-12", None), ("2026-12", first)):
        fast, snapshot = best(lambda d=date, k=known_on: ledger.as_of(d, known_on=k))
        slow, expected = best(lambda d=date, k=known_on: reference(d, k), times=1)
        same = {t: v for t, v in expected.records.items() if v} == snapshot.records
        label = f"as of {date}" + (" as first recorded" if known_on else "")
        print(
            f"{label:<34} {fast * 1000:8.0f} ms   reference fold {slow * 1000:8.0f} ms"
            f"   {slow / fast:5.1f}x   {'same' if same else 'DIFFERENT'}"
        )
    for earlier, later in (("2026-10", "2026-11"), ("2025-01", "2026-01")):
        fast, found = best(lambda e=earlier, la=later: ledger.diff(e, la))
        start = time.perf_counter()
        expected = change_log.differences(reference(earlier), reference(later))
        slow = time.perf_counter() - start
        print(
            f"diff {earlier} .. {later:<21} {fast * 1000:8.0f} ms   reference fold "
            f"{slow * 1000:8.0f} ms   {slow / fast:5.1f}x   {len(found):,} differences, "
            f"{'same' if found == expected else 'DIFFERENT'}"
        )
    ledger.close()


if __name__ == "__main__":
    main()
