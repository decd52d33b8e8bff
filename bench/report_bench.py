"""How long ``pledges report`` takes on a large ledger: a script that prints figures.

    python bench/report_bench.py --ledger /tmp/pledges-past-1000000.sqlite
    python bench/report_bench.py --ledger PATH --query status:committed --as-of 2025-06

End to end: the command run as a user runs it (``pledges report ... -o FILE``), from the start
of the process to its exit, the median of a few runs. Inside: the same report built in this
process, each part apart: the dashboard's figures (:meth:`db.ledger.Ledger.dashboard`, on a
ledger opened afresh each run, so nothing is remembered), the table's rows, the charts
(matplotlib), the page. Target of the issue (1,000,000 pledges): the report in under 5 s.

Make a ledger with ``python bench/past_bench.py --pledges 100000 --build-only --ledger PATH``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from db.ledger import Ledger  # noqa: E402
from db.past import Reading  # noqa: E402
from db.query import parse  # noqa: E402
from tui import report, report_charts  # noqa: E402


def end_to_end(ledger: Path, words: list[str], runs: int) -> list[float]:
    times = []
    with tempfile.TemporaryDirectory() as folder:
        for run in range(runs):
            target = Path(folder) / f"report-{run}.html"
            command = [sys.executable, "-m", "tui.cli", "report", "--db", str(ledger), *words]
            started = time.perf_counter()
            subprocess.run([*command, "-o", str(target)], check=True, capture_output=True)
            times.append(time.perf_counter() - started)
        size = target.stat().st_size
    print(f"  page: {size / 1e6:.2f} MB")
    return times


def inside(path: Path, query: str, reading: Reading, rows: int, runs: int) -> None:
    parsed = parse(query)
    parts: dict[str, list[float]] = {"figures": [], "table": [], "charts": [], "page": []}
    for _ in range(runs):
        with Ledger.open(path, create=False) as opened:
            ledger = opened.at(reading)
            started = time.perf_counter()
            figures = ledger.dashboard(parsed)
            parts["figures"].append(time.perf_counter() - started)
            started = time.perf_counter()
            built = report.gather(ledger, query, parsed, rows=rows)  # figures remembered
            parts["table"].append(time.perf_counter() - started)
        started = time.perf_counter()
        charts = report_charts.charts(figures)
        parts["charts"].append(time.perf_counter() - started)
        started = time.perf_counter()
        report.html(built, charts)
        parts["page"].append(time.perf_counter() - started)
    for name, times in parts.items():
        print(f"  {name:<8} median {statistics.median(times):6.2f} s   first {times[0]:6.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ledger", type=Path, required=True)
    parser.add_argument("--query", default="")
    parser.add_argument("--as-of", dest="as_of")
    parser.add_argument("--rows", type=int, default=report.ROWS)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not args.ledger.exists():
        sys.exit(f"no ledger at {args.ledger}; make one with bench/past_bench.py --build-only")
    report_charts.require()
    with Ledger.open(args.ledger, create=False) as ledger:
        print(f"ledger: {ledger.count_pledges():,} pledges")
    words = [*args.query.split(), "--rows", str(args.rows)]
    if args.as_of:
        words += ["--as-of", args.as_of]
    scope = f"query {args.query!r}" if args.query else "every pledge"
    when = f"as of {args.as_of}" if args.as_of else "today"
    print(f"pledges report, {scope}, {when}:")
    times = end_to_end(args.ledger, words, args.runs)
    print(
        f"  end to end (process start to exit): median {statistics.median(times):.2f} s, "
        f"first {times[0]:.2f} s (target < 5 s)"
    )
    print("inside the process:")
    inside(args.ledger, args.query, Reading(args.as_of), args.rows, args.runs)


if __name__ == "__main__":
    main()
