"""A big ledger, fast: the schema from ``Ledger.open``, the small tables through the service
API, and the pledges by raw ``sqlite3`` ``executemany`` straight into the tables.

Used by ``bench/tui_bench.py``; run alone to keep a ledger for trying the UI by hand:

    python bench/generate.py /tmp/million.sqlite 1000000
"""

from __future__ import annotations

import random
import sqlite3
import sys
import time
from pathlib import Path

from db import schemas
from db.ledger import Ledger
from db.store import search_extra

STATUSES = (
    ["announced"] * 30
    + ["committed"] * 25
    + ["in_progress"] * 15
    + ["delivered"] * 12
    + ["stalled"] * 8
    + ["withdrawn"] * 4
    + ["broken"] * 3
    + ["superseded"] * 3
)
CATEGORIES = [
    "troops",
    "air_defence",
    "missile_defence",
    "intelligence",
    "training",
    "equipment",
    "funding",
    "sanctions",
    "monitoring",
    "diplomatic",
    "position",
    "other",
    None,
]
WORDS = [
    *("reassurance", "force", "air", "defence", "missiles", "training", "brigade"),
    *("intelligence", "sharing", "funding", "loan", "grant", "sanctions", "monitoring"),
    *("ceasefire", "maritime", "demining", "artillery", "drones", "armour", "engineers"),
    *("logistics", "medical", "cyber", "energy", "grid", "reconstruction", "guarantee"),
    *("backstop", "patrol", "border", "corridor", "shipments", "ammunition", "helicopters"),
    *("radar", "satellite", "observers", "advisers"),
]
CONDITIONS = [
    ("ceasefire", "Ceasefire in force", "pending"),
    ("us-backstop", "Confirmed US backstop", "partially_met"),
    ("commons-vote", "UK parliamentary vote", "pending"),
    ("bundestag", "Bundestag decision", "pending"),
    ("un-mandate", "UN mandate", "failed"),
    ("budget-law", "Budget law passed", "met"),
    ("legal-basis", "Legal basis agreed", "waived"),
    ("russia-accepts", "Russia accepts a ceasefire", "pending"),
]
N_ACTORS = 120


def actor_codes() -> list[str]:
    return [f"A{i:03d}" for i in range(N_ACTORS)] + ["UKR"]


def partial_date(rng: random.Random, year_lo: int, year_hi: int) -> str | None:
    kind = rng.random()
    if kind < 0.1:
        return None
    year = rng.randint(year_lo, year_hi)
    if kind < 0.2:
        return f"{year}"
    month = rng.randint(1, 12)
    if kind < 0.45:
        return f"{year}-{month:02d}"
    return f"{year}-{month:02d}-{rng.randint(1, 28):02d}"


def bounds(value: str | None) -> tuple[str | None, str | None]:
    if value is None:
        return None, None
    if len(value) == 4:
        return f"{value}-01-01", f"{value}-12-31"
    if len(value) == 7:
        return f"{value}-01", f"{value}-31"
    return value, value


def generate(path: Path, count: int, seed: int = 4) -> None:
    """Write a ledger of ``count`` pledges at ``path`` (which must not exist)."""
    rng = random.Random(seed)
    with Ledger.open(path, author="bench") as ledger:
        records: list[schemas.Record] = [
            schemas.Actor(code=code, name=f"Actor {code}", kind="state") for code in actor_codes()
        ]
        records += [
            schemas.Condition(key=key, title=title, status=status)
            for key, title, status in CONDITIONS
        ]
        ledger.save_records(records, label="bench: actors and conditions")
    statuses = {key: status for key, _, status in CONDITIONS}
    condition_ids = {key: index + 1 for index, (key, _, _) in enumerate(CONDITIONS)}
    codes = actor_codes()[:-1]
    names = {code: f"Actor {code}" for code in actor_codes()}
    connection = sqlite3.connect(path, isolation_level=None)
    # One big transaction without a journal worth keeping: this file is thrown away on failure.
    connection.execute("PRAGMA journal_mode = OFF")
    connection.execute("PRAGMA synchronous = OFF")
    connection.execute("PRAGMA cache_size = -262144")
    connection.execute("BEGIN")
    # Indexes and the full-text trigger are dropped for the bulk insert and rebuilt once after:
    # maintaining eleven indexes and FTS row by row is what makes a naive load slow.
    saved = connection.execute(
        "SELECT name, sql FROM sqlite_master WHERE tbl_name IN ('pledges', 'pledge_conditions') "
        "AND sql IS NOT NULL AND (type = 'index' OR name = 'pledges_fts_insert')"
    ).fetchall()
    for name, sql in saved:
        kind = "TRIGGER" if sql.startswith("CREATE TRIGGER") else "INDEX"
        connection.execute(f"DROP {kind} {name}")
    ids = dict(connection.execute("SELECT key, id FROM conditions"))
    condition_ids = {key: ids[key] for key in condition_ids}
    pledge_rows = []
    link_rows = []
    for index in range(1, count + 1):
        words = rng.sample(WORDS, 4)
        title = f"{words[0].capitalize()} {words[1]} {words[2]} and {words[3]} #{index}"
        announced = partial_date(rng, 2022, 2026)
        due = partial_date(rng, 2024, 2028) if rng.random() < 0.5 else None
        chosen = rng.sample(list(condition_ids), rng.choice([0, 0, 0, 1, 1, 2]))
        total = len(chosen)
        open_ = sum(statuses[c] in ("pending", "partially_met") for c in chosen)
        failed = sum(statuses[c] == "failed" for c in chosen)
        state = 3 if failed else 2 if open_ else 1 if total else 0
        a_lo, a_hi = bounds(announced)
        d_lo, d_hi = bounds(due)
        updated = f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T12:00:00.000000Z"
        pledger = rng.choice(codes)
        beneficiary = "UKR" if rng.random() < 0.7 else None
        extra = search_extra({"pledger": pledger, "beneficiary": beneficiary}, names)
        pledge_rows.append(
            (
                index,
                f"p{index:07d}-{words[0]}-{words[1]}",
                title,
                pledger,
                beneficiary,
                rng.choice(CATEGORIES),
                rng.choice(STATUSES),
                announced,
                a_lo,
                a_hi,
                due,
                d_lo,
                d_hi,
                rng.choice(["confirmed", "reported", "reported", "unverified"]),
                extra,
                total,
                open_,
                failed,
                state,
                updated,
            )
        )
        for position, key in enumerate(chosen):
            link_rows.append((index, condition_ids[key], position))
    connection.executemany(
        "INSERT INTO pledges (id, key, title, pledger, beneficiary, category, status, announced, "
        "announced_lo, announced_hi, due, due_lo, due_hi, confidence, search_extra, "
        "conditions_total, conditions_open, conditions_failed, conditions_state, version, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
        pledge_rows,
    )
    connection.executemany(
        "INSERT INTO pledge_conditions (pledge_id, condition_id, position) VALUES (?, ?, ?)",
        link_rows,
    )
    connection.execute("INSERT INTO pledges_fts(pledges_fts) VALUES ('rebuild')")
    for _name, sql in saved:
        connection.execute(sql)
    connection.execute("COMMIT")
    # No ANALYZE: ledgers made by pledges never have planner statistics, and with them some
    # plans change (see notes/requests-tui.md), so the bench measures what users will get.
    connection.execute("PRAGMA journal_mode = WAL")
    connection.close()


def ensure(path: Path, count: int) -> float:
    """Generate the ledger unless a complete one is already there; return the seconds spent."""
    marker = path.with_name(path.name + f".{count}.done")
    if path.exists() and marker.exists():
        return 0.0
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    started = time.perf_counter()
    generate(path, count)
    marker.write_text("ok")
    return time.perf_counter() - started


if __name__ == "__main__":
    target = Path(sys.argv[1])
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    print(f"generated {size:,} pledges in {ensure(target, size):.1f} s at {target}")
