"""The past as fast as the present: a script that prints figures, each beside the same
operation on today's ledger in the same run.

    python bench/past_bench.py [--pledges N] [--ledger PATH]

The ledger (made once, then reused from PATH): N generated pledges (the import bench's
generator) each with a history of one to four dated status changes, so that the change log
holds about three entries a pledge, imported through the importer in files of 100,000 pledges
(every change is in the log and every period kept, as a user's imports make them), then a few
hundred backdated status changes and an undo.

Measured, as of a past date (2025-06) and as of it as recorded before the last import, next to
today: the first page the table paints (a window of 40 rows), the next page, a re-sort, filter
keystrokes, the count and the facets; then ``pledges diff`` and ``pledges brief`` over one month,
and the resident memory at the end. Targets of the time issue (1,000,000 pledges, 3,000,000 log
entries): first page < 0.5 s; page, re-sort and keystroke < 100 ms; count and facets < 1 s;
diff over a month < 1 s; brief over a month < 2 s; RSS < 200 MB.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
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

from db import briefing, vocab  # noqa: E402
from db.api_types import Sort  # noqa: E402
from db.interchange import import_files  # noqa: E402
from db.ledger import Ledger  # noqa: E402
from db.past import Reading  # noqa: E402
from db.query import parse  # noqa: E402

FILE_PLEDGES = 100_000
PAST = "2025-06"


def _histories(document: dict[str, Any], seed: int = 11) -> None:
    """Give every pledge a history of one to four dated status changes ending in its status
    (every precision of date, some on the same day), in date order."""
    rng = random.Random(seed)
    statuses = [s for s in vocab.PLEDGE_STATUSES if s != "superseded"]
    sources = [s["key"] for s in document["sources"]]
    for pledge in document["pledges"]:
        if pledge["status"] == "superseded":
            pledge["status"] = "stalled"
        count = rng.randint(1, 4)
        days = sorted(
            f"{rng.choice((2024, 2025, 2026))}-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}"
            for _ in range(count)
        )
        steps = [*rng.sample(statuses, count - 1), pledge["status"]]
        history = []
        for day, status in zip(days, steps, strict=True):
            date = day if rng.random() < 0.7 else day[:7]
            entry: dict[str, str] = {"date": date, "status": status}
            if rng.random() < 0.5:
                entry["source"] = rng.choice(sources)
            else:
                entry["note"] = "Reported."
            history.append(entry)
        # Partial dates sort by their first day: keep the history in that order.
        history.sort(key=lambda e: e["date"] + ("-01" if len(e["date"]) == 7 else ""))
        pledge["history"] = history
        pledge["status"] = history[-1]["status"]
        pledge["announced"] = history[0]["date"]


def build(path: Path, pledges: int) -> None:
    if path.exists():
        return
    document = import_bench.generate(pledges)
    _histories(document)
    import_bench.fresh_ledger(path)
    folder = Path(tempfile.mkdtemp(prefix="pledges-past-bench-"))
    records = document.pop("pledges")
    files = []
    for number, start in enumerate(range(0, len(records), FILE_PLEDGES)):
        part = {"format": "pledges/1", "pledges": records[start : start + FILE_PLEDGES]}
        if number == 0:
            part = {**document, **part}
        file = folder / f"part-{number:02d}.json"
        file.write_text(json.dumps(part))
        files.append(file)
    del records, document
    with Ledger.open(path, author="bench") as ledger:
        begun = time.perf_counter()
        for file in files:
            import_files(ledger, [file])
            file.unlink()
        print(f"imported {pledges:,} pledges in {time.perf_counter() - begun:.0f} s", flush=True)
        rng = random.Random(3)
        keys = ledger.matching_pledge_keys("status:announced")
        for key in rng.sample(keys, min(300, len(keys))):
            try:
                ledger.change_status("pledge", key, "committed", effective="2026-11", note="b")
            except Exception:  # dated before its last change: refused, as for an analyst
                continue
        ledger.undo()


def timed(run: Callable[[], Any], clear: Callable[[], None], times: int = 3) -> float:
    """The median time of ``run``, each with the answers the ledger remembers cleared."""
    found = []
    for _ in range(times):
        clear()
        start = time.perf_counter()
        run()
        found.append(time.perf_counter() - start)
    return statistics.median(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pledges", type=int, default=1_000_000)
    parser.add_argument("--ledger", type=Path)
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    path = args.ledger or Path(tempfile.gettempdir()) / f"pledges-past-{args.pledges}.sqlite"
    if args.build_only:
        build(path, args.pledges)
        return
    if not path.exists():
        # In a process of its own, so that the memory figure below is that of the reads.
        command = [sys.executable, __file__, "--build-only", "--pledges", str(args.pledges)]
        subprocess.run([*command, "--ledger", str(path)], check=True)
    present = Ledger.open(path, author="bench")
    with present._reading() as connection:
        entries = connection.exec_driver_sql("SELECT count(*) FROM change_log").scalar()
        periods = connection.exec_driver_sql("SELECT count(*) FROM record_states").scalar()
        imports = connection.exec_driver_sql(
            "SELECT recorded_at FROM batches WHERE kind = 'import' ORDER BY id"
        ).scalars()
        times = list(imports)
    count = present.count_pledges()
    print(f"ledger: {count:,} pledges, {entries:,} log entries, {periods:,} periods", flush=True)
    before_last = times[-2] if len(times) > 1 else None
    readings = {
        "today": Reading(),
        f"as of {PAST}": Reading(PAST),
        f"as of {PAST}, recorded before the last import": Reading(PAST, before_last),
    }
    sort = Sort()
    keystrokes = ["status:committed", "pledger:FRA", "reassurance", "is:conditional", "tag:"]
    keystrokes[-1] = "tag:" + import_bench.TAGS[0]
    rows: dict[str, dict[str, float]] = {}
    for name, reading in readings.items():
        ledger = present.at(reading)

        def clear(ledger: Ledger = ledger) -> None:
            ledger._answers.clear()

        figures: dict[str, float] = {}
        window = ledger.pledge_window(None, sort, height=40)
        figures["first page"] = timed(
            lambda ledger=ledger: ledger.pledge_window(None, sort, height=40), clear
        )
        first = window.pages.get(0) or []
        last = first[-1].cursor if first else None
        figures["next page"] = timed(
            lambda ledger=ledger, last=last: ledger.pledge_page(None, sort, limit=40, after=last),
            clear,
        )
        for column in ("status", "pledger", "due"):
            figures[f"sort by {column}"] = timed(
                lambda ledger=ledger, c=column: ledger.pledge_window(None, Sort.by(c), height=40),
                clear,
            )
        for text in keystrokes:
            query = parse(text)
            figures[f"filter {text}"] = timed(
                lambda ledger=ledger, q=query: ledger.pledge_window(q, sort, height=40), clear
            )
        figures["count"] = timed(lambda ledger=ledger: ledger.pledge_counts(None), clear, 1)
        figures["count status:committed"] = timed(
            lambda ledger=ledger: ledger.count_pledges("status:committed"), clear, 1
        )
        figures["facets"] = timed(lambda ledger=ledger: ledger.facets(None), clear, 1)
        figures["facets pledger:FRA"] = timed(
            lambda ledger=ledger: ledger.facets("pledger:FRA"), clear, 1
        )
        rows[name] = figures
        print(f"  measured {name}", flush=True)
    names = list(readings)
    print(f"\n{'operation':<34}" + "".join(f"{n[:22]:>24}" for n in names) + "   past/today")
    for operation in rows[names[0]]:
        cells = [rows[n][operation] * 1000 for n in names]
        ratio = max(cells[1:]) / cells[0] if cells[0] else 0
        print(f"{operation:<34}" + "".join(f"{c:>21.0f} ms" for c in cells) + f"   {ratio:8.1f}x")
    month = ("2026-10-31", "2026-11-30")
    start = time.perf_counter()
    changes = present.changes(*month)
    diff = time.perf_counter() - start
    start = time.perf_counter()
    brief = briefing.build(present, *month, None)
    brief_time = time.perf_counter() - start
    start = time.perf_counter()
    year = present.changes("2025-06-30", "2025-07-31")
    july = time.perf_counter() - start
    print(
        f"\ndiff {month[0]} .. {month[1]}: {diff * 1000:.0f} ms ({len(changes):,} records changed)"
        f"\ndiff 2025-06-30 .. 2025-07-31: {july * 1000:.0f} ms ({len(year):,} records changed)"
        f"\nbrief {month[0]} .. {month[1]}: {brief_time * 1000:.0f} ms ({brief.summary()})"
    )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {rss:.0f} MB")
    present.close()


if __name__ == "__main__":
    main()
