"""How fast a JSON fixture of N pledges imports into a fresh ledger, next to its floor.

For each N (10,000 and 100,000 by default) it generates a realistic fixture (states,
organisations, coalitions and persons with aliases; sources; conditions with histories;
pledges with conditions, sources, tags, amounts, supersedes links and status histories),
writes it as JSON, and measures in the same run:

- **import**: ``db.interchange.import_files`` into a fresh ledger: read, check every record with
  the schemas and every reference, and save it all in one transaction with its change log;
- **floor**: the least any import of that file must do: ``json.loads`` of the file, pydantic
  validation of the same records (``model_validate``), and raw ``sqlite3`` ``executemany`` of
  exactly the rows the import wrote (every table, change log included) into a fresh ledger
  of the same schema, in one transaction, connection set up as the ledger's; measured twice,
  with the full-text index and the facet counts filled by their triggers row by row, and
  filled in one statement each after the insert (as the import does for large batches); the ratio is taken against the
  faster of the two;
- **sqlite-utils**: ``Table.insert_all`` (what ``sqlite-utils insert`` runs) of the same rows
  into another fresh ledger, when sqlite-utils is installed.

It prints pledges per second for each and the ratio import / floor (the target: at least
50,000 pledges/s at 100,000, and within 2x of the floor).

    python bench/import_bench.py
    python bench/import_bench.py --pledges 10000 50000 --repeat 3
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from db import vocab
from db.interchange import import_files
from db.ledger import Ledger
from db.record_types import KINDS
from db.sqlite.bulk import bulk_fill_statements, bulk_triggers
from db.sqlite.connections import BUSY_TIMEOUT_MS

STATES = [
    "FRA",
    "GBR",
    "USA",
    "UKR",
    "DEU",
    "ITA",
    "ESP",
    "POL",
    "NLD",
    "DNK",
    "SWE",
    "NOR",
    "FIN",
    "EST",
    "LVA",
    "LTU",
    "BEL",
    "LUX",
    "IRL",
    "PRT",
    "AUT",
    "CZE",
    "SVK",
    "HUN",
    "ROU",
    "BGR",
    "GRC",
    "HRV",
    "SVN",
    "CAN",
    "AUS",
    "NZL",
    "JPN",
    "KOR",
    "TUR",
    "ISL",
    "ALB",
    "MNE",
    "MKD",
    "MDA",
]
ORGANISATIONS = ("EU", "NATO", "UN", "OSCE", "EIB", "IMF", "WB", "G7")
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
    "drones",
    "radar",
    "frigates",
    "funding",
    "loan",
    "grant",
    "reconstruction",
    "energy",
    "grid",
    "sanctions",
    "oil",
    "gas",
    "assets",
    "frozen",
    "guarantees",
    "deployment",
    "hubs",
    "logistics",
    "engineers",
    "medical",
    "cyber",
    "satellites",
    "patrol",
    "corridor",
    "grain",
]
TAGS = [f"{a}-{b}" for a in WORDS[:20] for b in WORDS[20:30]]
PUBLISHERS = ("Reuters", "AFP", "Kyiv Independent", "Le Monde", "GOV.UK", "Elysee", "Politico")
UNITS = ("EUR", "USD", "GBP", "troops", "systems", "missiles")


def _date(rng: random.Random, precision: str | None = None) -> str:
    year = rng.choice((2024, 2025, 2026))
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    precision = precision or rng.choice(("day", "day", "day", "month", "year"))
    if precision == "year":
        return str(year)
    if precision == "month":
        return f"{year}-{month:02d}"
    return f"{year}-{month:02d}-{day:02d}"


def _words(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))


def _history(
    rng: random.Random, statuses: list[str], final: str, sources: list[str]
) -> list[dict[str, str]]:
    steps = [*rng.sample(statuses, rng.randint(0, 2)), final]
    history = []
    for year, status in enumerate(steps):
        entry = {"date": f"{2024 + year}-{rng.randint(1, 12):02d}", "status": status}
        if rng.random() < 0.5:
            entry["source"] = rng.choice(sources)
        else:
            entry["note"] = _words(rng, 4, 12).capitalize() + "."
        history.append(entry)
    return history


def generate(pledges: int, seed: int = 7) -> dict[str, Any]:
    """A fixture document of ``pledges`` realistic pledges and the records they refer to."""
    rng = random.Random(seed)
    actors: list[dict[str, Any]] = [
        {"code": c, "name": f"State {c.title()}", "kind": "state", "aliases": [c[:2], c.lower()]}
        for c in STATES
    ]
    actors += [
        {"code": c, "name": f"Organisation {c}", "kind": "organization"} for c in ORGANISATIONS
    ]
    actors += [
        {
            "code": f"COW{i}",
            "name": f"Coalition {i}",
            "kind": "coalition",
            "members": rng.sample(STATES, 8),
        }
        for i in range(5)
    ]
    actors += [
        {
            "code": f"PERSON{i:02d}",
            "name": f"Minister {i}",
            "kind": "person",
            "affiliation": rng.choice(STATES),
        }
        for i in range(30)
    ]
    codes = [a["code"] for a in actors]
    sources = [
        {
            "key": f"src-{i:06d}",
            "title": _words(rng, 5, 12).capitalize(),
            "publisher": rng.choice(PUBLISHERS),
            "url": f"https://news.example/{i}/{rng.choice(WORDS)}",
            "published": _date(rng),
            **({"reliability": rng.choice("ABCDEF")} if rng.random() < 0.3 else {}),
        }
        for i in range(max(20, pledges // 4))
    ]
    source_keys = [s["key"] for s in sources]
    condition_statuses = list(vocab.CONDITION_STATUSES)
    conditions = []
    for i in range(max(8, pledges // 500)):
        status = rng.choice(condition_statuses)
        condition: dict[str, Any] = {
            "key": f"condition-{i:04d}",
            "title": _words(rng, 3, 8).capitalize(),
            "status": status,
            "responsible": rng.choice(codes),
            "sources": rng.sample(source_keys, 2),
        }
        if rng.random() < 0.3:
            condition["history"] = _history(rng, condition_statuses, status, source_keys)
        conditions.append(condition)
    condition_keys = [c["key"] for c in conditions]
    pledge_statuses = list(vocab.PLEDGE_STATUSES)
    categories = list(vocab.SUGGESTED_CATEGORIES)
    records = []
    superseded: set[int] = set()
    for i in range(pledges):
        pledger = rng.choice(codes)
        category = rng.choice(categories)
        status = rng.choice(pledge_statuses)
        pledge: dict[str, Any] = {
            "key": f"{pledger.lower()}-{category.replace('_', '-')}-{i:06d}",
            "title": _words(rng, 4, 14).capitalize(),
            "pledger": pledger,
            "beneficiary": "UKR" if rng.random() < 0.8 else rng.choice(codes),
            "category": category,
            "status": status,
            "announced": _date(rng),
            "confidence": rng.choice(list(vocab.CONFIDENCE_LEVELS)),
            "conditions": rng.sample(condition_keys, rng.randint(0, 3)),
            "sources": rng.sample(source_keys, rng.randint(1, 3)),
            "tags": rng.sample(TAGS, rng.randint(0, 3)),
        }
        if rng.random() < 0.5:
            text = _words(rng, 10, 40).capitalize() + "."
            pledge["text"] = text + ("\n" + _words(rng, 5, 20) if rng.random() < 0.2 else "")
        if rng.random() < 0.3:
            pledge["due"] = _date(rng, "month")
        if rng.random() < 0.4:
            pledge["amount"] = str(rng.randint(1, 5000) * 100_000)
            pledge["unit"] = rng.choice(UNITS)
            if rng.random() < 0.3:
                pledge["delivered"] = str(rng.randint(0, 100_000))
        if rng.random() < 0.3:
            pledge["notes"] = _words(rng, 5, 25).capitalize() + "."
        if i > 10 and rng.random() < 0.02:
            older = rng.randrange(i)
            if older not in superseded:
                superseded.add(older)
                pledge["supersedes"] = records[older]["key"]
        if rng.random() < 0.3:
            pledge["history"] = _history(rng, pledge_statuses, status, source_keys)
        records.append(pledge)
    return {
        "format": "pledges/1",
        "actors": actors,
        "sources": sources,
        "conditions": conditions,
        "pledges": records,
    }


# -- measuring ------------------------------------------------------------------------------


@contextmanager
def timed(into: dict[str, float], name: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    into[name] = into.get(name, 0.0) + time.perf_counter() - start


def fresh_ledger(path: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    Ledger.open(path, author="bench").close()
    return path


def connect(path: Path) -> sqlite3.Connection:
    """A connection set up as the ledger sets up its own."""
    connection = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    for pragma in ("foreign_keys = ON", "journal_mode = WAL", "synchronous = FULL"):
        connection.execute(f"PRAGMA {pragma}")
    return connection


#: Tables in an order that satisfies their references (they are deferred anyway).
TABLES = (
    "actors",
    "actor_aliases",
    "coalition_members",
    "sources",
    "conditions",
    "condition_sources",
    "pledges",
    "pledge_conditions",
    "pledge_sources",
    "pledge_tags",
    "batches",
    "change_log",
)


def written_rows(path: Path) -> dict[str, tuple[list[str], list[tuple[Any, ...]]]]:
    """Every row of every ledger table, as the import wrote them."""
    connection = sqlite3.connect(path)
    try:
        rows = {}
        for table in TABLES:
            cursor = connection.execute(f"SELECT * FROM {table}")
            columns = [d[0] for d in cursor.description]
            rows[table] = (columns, cursor.fetchall())
        return rows
    finally:
        connection.close()


def run_import(source: Path, ledger_path: Path) -> dict[str, float]:
    phases: dict[str, float] = {}
    marks: dict[str, float] = {}

    def progress(phase: str, done: int, total: int) -> None:
        marks.setdefault(phase, time.perf_counter())

    ledger = Ledger.open(ledger_path, author="bench")
    try:
        start = time.perf_counter()
        import_files(ledger, [source], progress=progress)
        end = time.perf_counter()
    finally:
        ledger.close()
    phases["total"] = end - start
    phases["read"] = marks.get("checking", end) - start
    phases["check"] = marks.get("writing", end) - marks.get("checking", end)
    phases["write"] = end - marks.get("writing", end)
    return phases


def run_floor(
    source: Path,
    ledger_paths: tuple[Path, Path],
    rows: dict[str, tuple[list[str], list[tuple[Any, ...]]]],
) -> dict[str, float]:
    """Parse and validate once; executemany the rows twice: into a ledger whose triggers fill
    the full-text index and the facet counts row by row, and into one where they are filled in
    one statement each after the insert (as the import does for large batches)."""
    phases: dict[str, float] = {}
    enabled = gc.isenabled()
    gc.disable()  # as the import does: fair to both
    try:
        with timed(phases, "parse"):
            document = json.loads(source.read_bytes())
        with timed(phases, "validate"):
            for section, record_type in (
                ("actors", "actor"),
                ("sources", "source"),
                ("conditions", "condition"),
                ("pledges", "pledge"),
            ):
                model = KINDS[record_type].schema
                for data in document[section]:
                    model.model_validate(data)
        del document
        for name, path in zip(("sql", "sql_bulk"), ledger_paths, strict=True):
            connection = connect(path)
            with timed(phases, name):
                connection.execute("BEGIN IMMEDIATE")
                triggers = bulk_triggers() if name == "sql_bulk" else {}
                for trigger in triggers:
                    connection.execute(f"DROP TRIGGER {trigger}")
                for table, (columns, values) in rows.items():
                    marks = ", ".join("?" * len(columns))
                    connection.executemany(
                        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", values
                    )
                if triggers:
                    for statement in bulk_fill_statements():
                        connection.execute(statement, (0,))
                    for create in triggers.values():
                        connection.execute(create)
                connection.execute("COMMIT")
            connection.close()
    finally:
        if enabled:
            gc.enable()
    common = phases["parse"] + phases["validate"]
    phases["total"] = common + phases["sql"]
    phases["total_bulk"] = common + phases["sql_bulk"]
    return phases


def run_sqlite_utils(
    ledger_path: Path, rows: dict[str, tuple[list[str], list[tuple[Any, ...]]]]
) -> float | None:
    try:
        import sqlite_utils
    except ImportError:
        return None
    connection = connect(ledger_path)
    database = sqlite_utils.Database(connection)
    start = time.perf_counter()
    connection.execute("BEGIN IMMEDIATE")
    for table, (columns, values) in rows.items():
        if values:
            database[table].insert_all(  # type: ignore[union-attr]
                (dict(zip(columns, row, strict=True)) for row in values), batch_size=1000
            )
    connection.execute("COMMIT")
    elapsed = time.perf_counter() - start
    connection.close()
    return elapsed


def best(runs: list[dict[str, float]]) -> dict[str, float]:
    """The run with the median total (with one run, that run)."""
    totals = sorted(runs, key=lambda r: r["total"])
    return totals[len(totals) // 2]


def measure(pledges: int, repeat: int, workdir: Path, say: Callable[[str], None]) -> None:
    document = generate(pledges)
    source = workdir / f"pledges-{pledges}.json"
    source.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    records = sum(len(document[s]) for s in ("actors", "sources", "conditions", "pledges"))
    del document
    size = source.stat().st_size / 1e6
    imports, floors, utils = [], [], []
    rows = None
    for attempt in range(repeat):
        imported = fresh_ledger(workdir / "import.sqlite")
        imports.append(run_import(source, imported))
        if rows is None:
            rows = written_rows(imported)
        floor_ledgers = (
            fresh_ledger(workdir / "floor.sqlite"),
            fresh_ledger(workdir / "bulk.sqlite"),
        )
        floors.append(run_floor(source, floor_ledgers, rows))
        elapsed = run_sqlite_utils(fresh_ledger(workdir / "utils.sqlite"), rows)
        if elapsed is not None:
            utils.append(elapsed)
        say(f"  run {attempt + 1}/{repeat} done")
    assert rows is not None
    total_rows = sum(len(v) for _, v in rows.values())
    imp, floor = best(imports), best(floors)
    say(
        f"\nN = {pledges:,} pledges ({records:,} records, {size:.1f} MB of JSON; "
        f"{total_rows:,} rows written, {len(rows['change_log'][1]):,} of them change-log entries)"
    )
    say(
        f"  import        {pledges / imp['total']:>9,.0f} pledges/s  {imp['total']:6.2f} s  "
        f"(read {imp['read']:.2f}, check {imp['check']:.2f}, write {imp['write']:.2f})"
    )
    say(
        f"  floor         {pledges / floor['total']:>9,.0f} pledges/s  {floor['total']:6.2f} s  "
        f"(parse {floor['parse']:.2f}, validate {floor['validate']:.2f}, "
        f"executemany {floor['sql']:.2f}; index and counts filled by triggers)"
    )
    say(
        f"  floor, bulk   {pledges / floor['total_bulk']:>9,.0f} pledges/s  "
        f"{floor['total_bulk']:6.2f} s  (the same, executemany {floor['sql_bulk']:.2f}; "
        "index and counts filled in one statement each, as the import does)"
    )
    strict = imp["total"] / min(floor["total"], floor["total_bulk"])
    say(f"  import/floor  {strict:9.2f}x  against the faster floor (target: within 2x)")
    if utils:
        elapsed = statistics.median(utils)
        say(
            f"  sqlite-utils  {pledges / elapsed:>9,.0f} pledges/s  {elapsed:6.2f} s  "
            "(insert_all of the same rows, no validation)"
        )
    else:
        say("  sqlite-utils  not installed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pledges", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=1, help="runs per size (median shown)")
    args = parser.parse_args()
    say = print
    say(
        f"pledges import benchmark: Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
        "fresh ledger for every run"
    )
    with tempfile.TemporaryDirectory(prefix="pledges-bench-") as directory:
        for pledges in args.pledges:
            measure(pledges, args.repeat, Path(directory), say)
    say("\ntarget: at least 50,000 pledges/s at 100,000 pledges, and within 2x of the floor")


if __name__ == "__main__":
    main()
