"""How fast the ledger core answers the pledge table's questions on a million pledges.

Builds (once, cached under bench/out/) a ledger of N pledges directly through the model tables
with bulk inserts, then times through the service API: the count, the first page, a page from
the middle by keyset, the last page, a re-sort by title, a full-text query, a filtered count
and the facet counts. Prints the median of several runs and the first (cold) run; each should
be well under 100 ms.

    python bench/core_bench.py              # 1,000,000 pledges
    python bench/core_bench.py --pledges 100000 --rebuild
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from db import tables as m
from db import vocab
from db.api_types import Sort
from db.dates import bounds
from db.facets import FACETS, count_facets
from db.filters import pledge_filter
from db.ledger import Ledger
from db.query import parse
from db.store import condition_state, search_extra

OUT = Path(__file__).parent / "out"
WORDS = [
    "reassurance",
    "force",
    "air",
    "defence",
    "missiles",
    "intelligence",
    "sharing",
    "training",
    "brigade",
    "ceasefire",
    "monitoring",
    "maritime",
    "black",
    "sea",
    "demining",
    "artillery",
    "shells",
    "funding",
    "loan",
    "grant",
    "sanctions",
    "frozen",
    "assets",
    "drones",
    "radar",
    "logistics",
    "hub",
    "engineers",
    "medical",
    "fuel",
    "winter",
    "energy",
    "grid",
]


def build(path: Path, count: int, seed: int = 1) -> None:
    """A ledger of ``count`` pledges with actors, conditions, sources, links and tags."""
    rng = random.Random(seed)
    if path.exists():
        path.unlink()
    ledger = Ledger.open(path, author="bench")
    now = "2026-01-01T00:00:00.000000Z"
    actors = [
        {
            "code": f"A{i:03d}",
            "name": f"Actor {i} {rng.choice(WORDS).title()}",
            "kind": "state",
            "version": 1,
            "updated_at": now,
        }
        for i in range(200)
    ]
    conditions = [
        {
            "key": f"condition-{i}",
            "title": f"Condition {i}",
            "status": rng.choice(list(vocab.CONDITION_STATUSES)),
            "version": 1,
            "updated_at": now,
        }
        for i in range(50)
    ]
    sources = [
        {"key": f"source-{i}", "title": f"Source {i}", "version": 1, "updated_at": now}
        for i in range(500)
    ]
    statuses = {c["key"]: c["status"] for c in conditions}
    names = {a["code"]: f"{a['code']} {a['name']}" for a in actors}
    started = time.perf_counter()
    with ledger._writer.begin() as connection:  # bench-only bulk path through the model tables
        connection.execute(insert(m.actors), actors)
        connection.execute(insert(m.conditions), conditions)
        connection.execute(insert(m.sources), sources)
        chunk = 50_000
        for start in range(0, count, chunk):
            pledges, links, tags, cites = [], [], [], []
            for i in range(start, min(start + chunk, count)):
                announced = rng.choice(
                    [
                        None,
                        "2025",
                        f"2025-{rng.randint(1, 12):02d}",
                        f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    ]
                )
                due = rng.choice(
                    [None, None, None, f"202{rng.randint(5, 8)}-{rng.randint(1, 12):02d}"]
                )
                chosen = rng.sample(range(50), rng.choice([0, 1, 1, 2, 3]))
                keys = [conditions[c]["key"] for c in chosen]
                open_ = sum(statuses[k] in vocab.OPEN_CONDITION_STATUSES for k in keys)
                failed = sum(statuses[k] in vocab.FAILED_CONDITION_STATUSES for k in keys)
                a_lo, a_hi = bounds(announced) if announced else (None, None)
                d_lo, d_hi = bounds(due) if due else (None, None)
                pledges.append(
                    {
                        "id": i + 1,
                        "key": f"pledge-{i:07d}",
                        "title": " ".join(rng.sample(WORDS, 5)).capitalize(),
                        "pledger": actors[rng.randrange(200)]["code"],
                        "beneficiary": rng.choice([None, "A000", "A001"]),
                        "category": rng.choice([None, *vocab.SUGGESTED_CATEGORIES]),
                        "status": rng.choice(list(vocab.PLEDGE_STATUSES)),
                        "announced": announced,
                        "announced_lo": a_lo,
                        "announced_hi": a_hi,
                        "due": due,
                        "due_lo": d_lo,
                        "due_hi": d_hi,
                        "confidence": rng.choice(list(vocab.CONFIDENCE_LEVELS)),
                        "conditions_total": len(keys),
                        "conditions_open": open_,
                        "conditions_failed": failed,
                        "conditions_state": condition_state(len(keys), open_, failed),
                        "version": 1,
                        "updated_at": f"2026-01-{rng.randint(1, 28):02d}T00:00:00Z",
                    }
                )
                links += [
                    {"pledge_id": i + 1, "condition_id": c + 1, "position": n}
                    for n, c in enumerate(chosen)
                ]
                chosen_tags = rng.sample(["paris", "london", "kyiv", "nato"], rng.randint(0, 2))
                tags += [
                    {"pledge_id": i + 1, "tag": t, "position": n} for n, t in enumerate(chosen_tags)
                ]
                pledge = pledges[-1]
                pledge["search_extra"] = search_extra(
                    {
                        "tags": chosen_tags,
                        "pledger": pledge["pledger"],
                        "beneficiary": pledge["beneficiary"],
                    },
                    names,
                )
                cites.append(
                    {"pledge_id": i + 1, "source_id": rng.randrange(500) + 1, "position": 0}
                )
            connection.execute(insert(m.pledges), pledges)
            connection.execute(insert(m.pledge_conditions), links)
            connection.execute(insert(m.pledge_tags), tags)
            connection.execute(insert(m.pledge_sources), cites)
    connection = ledger._writer.raw_connection()
    connection.execute("ANALYZE")
    connection.close()
    ledger.close()
    print(f"built {count:,} pledges in {time.perf_counter() - started:.1f} s -> {path}")


def timed(action: Callable[[], Any], runs: int = 7) -> tuple[float, float, Any]:
    """(first run ms, median ms of the rest, last result)."""
    result = None
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = action()
        times.append((time.perf_counter() - started) * 1000)
    return times[0], statistics.median(times[1:]), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pledges", type=int, default=1_000_000)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    path = OUT / f"ledger-{args.pledges}.sqlite"
    if args.rebuild or not path.exists():
        build(path, args.pledges)

    ledger = Ledger.open(path, author="bench")
    first_page = ledger.pledge_page(None, Sort("key"), limit=60)
    middle = ledger.pledge_page(None, Sort("key"), limit=1, offset=args.pledges // 2).rows[0].cursor
    by_key, by_title = Sort("key"), Sort("title")
    reader = ledger._reader.connect()

    def uncached(query: str, *which: str) -> Any:
        """Facets straight from SQL, bypassing the API's cache (to time the queries)."""
        parsed = parse(query)
        where = pledge_filter(parsed, "sqlite", "2026-01-01")
        return count_facets(reader, where, "sqlite", everything=not parsed, which=which)

    def page(query: str | None, sort: Sort, **kwargs: Any) -> Callable[[], Any]:
        return lambda: ledger.pledge_page(query, sort, limit=60, **kwargs)

    half = args.pledges // 2
    cases: list[tuple[str, Callable[[], Any]]] = [
        ("count all pledges", ledger.count_pledges),
        ("first page (60 rows, by key)", page(None, by_key)),
        ("next page by keyset", page(None, by_key, after=first_page.rows[-1].cursor)),
        ("page from the middle by keyset", page(None, by_key, after=middle)),
        ("last page", page(None, by_key, from_end=True)),
        ("re-sort by title (first page)", page(None, by_title)),
        ("re-sort by due, descending", page(None, Sort("due", True))),
        (f"page at offset {half:,} by title", page(None, by_title, offset=half)),
        ("full-text query: first page", page("reassurance", by_key)),
        ("full-text query: count", partial(ledger.count_pledges, "reassurance")),
        ("full-text prefix, 2 words: count", partial(ledger.count_pledges, "reass missi")),
        ("full-text rare word: first page", page("zzz", by_key)),
        (
            "status + is:conditional: count",
            partial(ledger.count_pledges, "status:committed is:conditional"),
        ),
        ("pledger: first page", page("pledger:A007", by_key)),
        *[(f"facet {name}, whole ledger", partial(uncached, "", name)) for name in FACETS],
        *[
            (f"facet {name}, status:stalled", partial(uncached, "status:stalled", name))
            for name in FACETS
        ],
        ("all four facets, whole ledger, uncached", partial(uncached, "", *FACETS)),
        (
            "all four facets, status:stalled, uncached",
            partial(uncached, "status:stalled", *FACETS),
        ),
        ("all four facets via the API (cached)", ledger.facets),
        (
            "position of a pledge (cursor restore)",
            partial(ledger.pledge_position, "pledge-0500000", None, by_title),
        ),
        ("revision (live-refresh poll)", ledger.revision),
    ]
    print(f"\n{args.pledges:,} pledges; times in ms (target: well under 100)\n")
    print(f"{'operation':44} {'first':>9} {'median':>9}")
    for name, action in cases:
        first, median, _ = timed(action)
        flag = "" if median < 100 else "  <-- over 100 ms"
        print(f"{name:44} {first:9.1f} {median:9.1f}{flag}")
    reader.close()
    ledger.close()


if __name__ == "__main__":
    main()
