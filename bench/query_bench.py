"""How long the query language's costlier terms take on a generated ledger: prints figures.

    python bench/query_bench.py [--ledger PATH] [--size N] [--runs N]

On a copy of a generated ledger (bench/generate.py, kept between runs) in which twenty of the
actors became coalitions of five others each (one of them a coalition of coalitions), each
query is counted and its first page read, in key order and in pledger order, with the
ledger's remembered answers forgotten before each run; the median of ``--runs`` is printed.
The terms timed: an actor with the coalitions it is a member of (``pledger:A001+``) next to
the actor alone; free words, which the full-text index answers for the pledges' own text and
which are looked for in the titles of their conditions too (the generated conditions are
titled "Ceasefire in force", "Confirmed US backstop" and so on, and each has some 80,000
pledges on a million); and the hints for values that name nothing (``Ledger.query_hints``).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from db import schemas  # noqa: E402
from db.api_types import Sort  # noqa: E402
from db.ledger import Ledger  # noqa: E402

COALITIONS = [f"A{i:03d}" for i in range(100, 120)]
QUERIES = [
    "pledger:A001",
    "pledger:A001+",
    "actor:A001+",
    "pledger:A001+ status:committed",
    "-pledger:A001+",
    "reassurance",
    "ceasefire",
    "backstop",
    '"US backstop"',
    "ceasefire backstop",
    "zzzz",
    "-ceasefire",
]
HINTED = ["pledger:A0O1", "condition:us", "category:troop", "tag:reassurance", "source:x"]


def prepare(source: Path, target: Path) -> None:
    """A copy of ``source`` whose actors A100..A119 are coalitions (A119 of coalitions)."""
    connection = sqlite3.connect(source)
    copy = sqlite3.connect(target)
    connection.backup(copy)
    connection.close()
    copy.close()
    rng = random.Random(7)
    with Ledger.open(target, author="bench", create=False) as ledger:
        for code in COALITIONS:
            detail = ledger.actor(code)
            members = (
                COALITIONS[:3]
                if code == COALITIONS[-1]
                else sorted(rng.sample([f"A{i:03d}" for i in range(100)], 5))
            )
            if code == COALITIONS[0]:
                members = sorted({*members, "A001"})
            actor = schemas.Actor(
                code=code, name=detail.actor.name, kind="coalition", members=members
            )
            ledger.update(actor, version=detail.version)


def timed(work: Callable[[], object], forget: Callable[[], None], runs: int) -> float:
    times = []
    for _ in range(runs):
        forget()
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ledger", type=Path, default=Path(tempfile.gettempdir()) / "bench.sqlite")
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from generate import ensure

    spent = ensure(args.ledger, args.size)
    if spent:
        print(f"generated {args.size:,} pledges in {spent:.1f} s")
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "query.sqlite"
        prepare(args.ledger, copy)
        ledger = Ledger.open(copy, author="bench", create=False)
        forget = ledger._answers.clear  # the remembered counts, so every run does the work
        print(f"queries on {args.size:,} pledges, median of {args.runs} runs, ms:")
        print(f"  {'query':36} {'matches':>9} {'count':>8} {'page by key':>12} {'by pledger':>11}")
        for query in QUERIES:
            count = timed(lambda q=query: ledger.count_pledges(q), forget, args.runs)
            by_key = timed(
                lambda q=query: ledger.pledge_page(q, Sort("key"), limit=100), forget, args.runs
            )
            by_pledger = timed(
                lambda q=query: ledger.pledge_page(q, Sort("pledger"), limit=100),
                forget,
                args.runs,
            )
            matches = ledger.count_pledges(query)
            print(f"  {query:36} {matches:9,} {count:8.1f} {by_key:12.1f} {by_pledger:11.1f}")
        print(f"  {'hints for':36} {'ms':>9}  hint")
        for query in HINTED:
            spent = timed(lambda q=query: ledger.query_hints(q), forget, args.runs)
            found = ledger.query_hints(query)
            print(f"  {query:36} {spent:9.1f}  {found[0].message[:60] if found else '-'}")
        ledger.close()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
