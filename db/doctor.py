"""``pledges check``: what can be verified about a ledger, and the repair of what pledges
derives from the records.

:func:`check` reads (it never writes): the schema revision; the schema against the one pledges
makes (:mod:`db.schema`); SQLite's own integrity and foreign-key checks; the kept facet counts
against counting the pledges; the full-text index against the pledges; and the change log
replayed from empty against the records (:mod:`db.replay`). Each problem is a
:class:`Finding`, one sentence, with at most :data:`EXAMPLES` of a kind and a count of the rest.

:func:`repair` copies the ledger with SQLite's backup API first, then in one transaction drops
the triggers, views and indexes pledges did not make, makes ours again, recounts the facet
counts and rebuilds the full-text index. It never changes a record or the change log: where
they disagree it says so, and the analysts decide.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Connection, Engine
from sqlalchemy.engine import URL
from sqlalchemy.exc import DatabaseError, OperationalError

from . import config, engines, mending, migrate, record_states, replay, schema
from . import tables as m
from .errors import LedgerError
from .ledger import Ledger
from .schema import Difference, shown
from .sqlite import catalog, facet_counts, fulltext, ledger_file
from .sqlite.errors import is_locked

#: How many findings of one kind are listed before the rest are counted.
EXAMPLES: Final = 10
#: The areas of a check, in the order they are checked and reported.
AREAS: Final = (
    "revision",
    "schema",
    "file",
    "foreign keys",
    "facet counts",
    "full-text index",
    "change log",
    "ledger in time",
)
#: The areas whose findings a repair can change, checked again after it.
REPAIRED: Final = frozenset({"schema", "facet counts", "full-text index", "ledger in time"})
#: Called with the name of each area as its check begins (for a progress line).
Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing wrong with a ledger: where (``area``), what, and whether a repair mends it."""

    area: str
    message: str
    repairable: bool = False

    def __str__(self) -> str:
        return f"{self.area}: {self.message}"


@dataclass(slots=True)
class Repair:
    """What :func:`repair` did: the backup it made, the repairs, and what is still wrong."""

    backup: Path | None
    done: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def check(
    target: str | Path | None = None, *, quick: bool = False, progress: Progress | None = None
) -> list[Finding]:
    """Every finding about the ledger at a path or URL (the default ledger when None).

    ``quick`` runs SQLite's ``quick_check`` instead of ``integrity_check`` (which also reads
    every index against its table, and takes most of the time on a large ledger) and leaves
    out FTS5's comparison of the index with the pledges' words.

    A ledger at an older schema revision is not upgraded: that is the only finding, since what
    it should hold is the older revision's. Raises :class:`LedgerOpenError` for a file that is
    not a ledger at all.
    """
    url = engines.to_url(target if target is not None else config.default_ledger())
    older = _older_revision(url)
    if older is not None:
        return [older]
    with _engines(url) as (reader, writer):
        return list(_findings(reader, writer, progress or _quiet, quick=quick))


def repair(
    target: str | Path | None = None, *, quick: bool = False, progress: Progress | None = None
) -> Repair:
    """Back the ledger up, then mend its schema, facet counts and full-text index in one
    transaction; the findings that remain are those of the areas it does not write, and a
    new check of the schema, the facet counts and the full-text index.

    An older ledger is upgraded first (after its own backup), as opening it does. A file
    SQLite finds damaged is not repaired: its backup would not be sound either.
    """
    url = engines.to_url(target if target is not None else config.default_ledger())
    report = progress or _quiet
    older = _older_revision(url)
    with _engines(url) as (reader, writer):
        upgraded = [f"upgraded the schema to revision {migrate.head()}"] if older else []
        before = list(_findings(reader, writer, report, quick=quick))
        if not any(f.repairable for f in before):
            return Repair(None, upgraded, before)
        if any(f.area == "file" for f in before):
            refused = Finding(
                "repair",
                "not attempted: SQLite reports the file damaged (above); restore the ledger "
                "from a backup, or save what it can with sqlite3's .recover",
            )
            return Repair(None, upgraded, [*before, refused])
        path = engines.sqlite_path(url)
        backup = None
        if path is not None:
            report("backup")
            backup = backup_path(path)
            try:
                ledger_file.backup(path, backup)
            except (OSError, DatabaseError) as error:
                raise LedgerError(
                    f"cannot write the backup {backup} before the repair: {_reason(error)}; "
                    "nothing was changed"
                ) from None
        report("repair")
        try:
            done = mending.mend(
                writer,
                rebuild=any(f.area == "full-text index" for f in before),
                periods=any(f.area == "ledger in time" for f in before),
            )
        except DatabaseError as error:
            where = f" (the backup is {backup})" if backup else ""
            raise LedgerError(
                f"the repair failed: {_reason(error)}; nothing was changed{where}"
            ) from None
        # What the repair does not write is as it was; what it writes is checked again (a
        # quick check: what it made is right by construction).
        again = list(_findings(reader, writer, report, quick=True, after_repair=True))
        kept = [f for f in before if f.area not in REPAIRED]
        after = sorted(again + kept, key=lambda f: AREAS.index(f.area))
        return Repair(backup, upgraded + done, after)


def backup_path(ledger: Path) -> Path:
    """Where the copy made before a repair goes: next to the ledger, named after the time (and
    numbered, for a second repair within the same second)."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    suffix = ledger.suffix or ".sqlite"
    path = ledger.with_name(f"{ledger.stem}.before-repair-{stamp}{suffix}")
    number = 1
    while path.exists():
        number += 1
        path = ledger.with_name(f"{ledger.stem}.before-repair-{stamp}-{number}{suffix}")
    return path


def _quiet(_area: str) -> None:
    pass


def _reason(error: BaseException) -> str:
    """The database's own words, first line only (never the statement SQLAlchemy adds)."""
    text = str(getattr(error, "orig", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__


# -- opening ------------------------------------------------------------------------------


def _older_revision(url: URL) -> Finding | None:
    """The finding for a SQLite ledger at an older revision, which a check leaves as it is."""
    path = engines.sqlite_path(url)
    if path is None or not path.is_file():
        return None
    try:
        info = ledger_file.inspect_file(path)
    except OSError:
        return None  # opening says what is wrong
    if info.revision is None and not (info.tables - {"sqlite_sequence"}) and info.is_sqlite:
        return Finding("revision", "the file is empty: not a ledger yet (pledges makes one there)")
    if info.revision in migrate.known_revisions() and info.revision != migrate.head():
        return Finding(
            "revision",
            f"the schema is at revision {info.revision}, older than this pledges' "
            f"{migrate.head()}; pledges backs the ledger up and upgrades it when it opens it "
            "(`pledges check --repair` does that now); nothing else was checked",
            repairable=True,
        )
    return None


class _engines:
    """The ledger opened as pledges opens it (the file's own checks, an upgrade), but with
    its schema trusted, on engines of this check's own."""

    def __init__(self, url: URL) -> None:
        self.url = url

    def __enter__(self) -> tuple[Engine, Engine]:
        target = self.url.render_as_string(hide_password=False)
        Ledger.open(target, create=False, trust_schema=True).close()
        self.reader, self.writer = engines.create_engines(self.url)
        return self.reader, self.writer

    def __exit__(self, *_: object) -> None:
        self.reader.dispose()
        self.writer.dispose()


# -- checking -----------------------------------------------------------------------------


def _findings(
    reader: Engine, writer: Engine, progress: Progress, *, quick: bool, after_repair: bool = False
) -> Iterator[Finding]:
    """The findings, area by area, in :data:`AREAS` order. ``after_repair`` checks only what
    a repair writes (:data:`REPAIRED`): the rest cannot have changed by it."""
    sqlite = reader.dialect.name == "sqlite"
    every = not after_repair
    with reader.connect() as connection, connection.begin():
        if every:
            progress("revision")
            yield from _guarded("revision", _revision, connection)
        differences: list[Difference] = []
        if sqlite:
            progress("schema")
            differences = schema.differences(catalog.schema_rows(connection))
            for difference in differences:
                yield Finding("schema", difference.describe(), difference.repairable)
            yield from _guarded("schema", _columns, connection)
            if every:
                progress("file")
                yield from _guarded("file", _quick_check if quick else _integrity, connection)
                progress("foreign keys")
                yield from _guarded("foreign keys", _foreign_keys, connection)
        broken = {d.part for d in differences if d.type == "table" and d.part is not None}
        if sqlite and "counts" not in broken:
            progress("facet counts")
            yield from _guarded("facet counts", _facet_counts, connection)
        if sqlite and "full-text" not in broken:
            progress("full-text index")
            yield from _guarded("full-text index", _fulltext_rows, connection)
            if not quick:
                yield from _guarded("full-text index", _fulltext_integrity, writer)
        if every:
            progress("change log")
            yield from _guarded("change log", _change_log, connection)
        progress("ledger in time")
        yield from _guarded("ledger in time", _ledger_in_time, connection)


def _guarded(area: str, check: Callable[[Any], Iterator[Finding]], on: Any) -> Iterator[Finding]:
    """The check's findings; a database error ends the check of that area with one finding."""
    try:
        yield from check(on)
    except OperationalError as error:
        if is_locked(error):
            yield Finding(area, "not checked: another process held the ledger; try again")
        else:
            yield Finding(area, f"cannot be checked: {_reason(error)}")
    except DatabaseError as error:
        yield Finding(area, f"cannot be checked: {_reason(error)}")


def _revision(connection: Connection) -> Iterator[Finding]:
    rows = [
        str(r[0]) for r in connection.exec_driver_sql("SELECT version_num FROM alembic_version")
    ]
    if rows != [migrate.head()]:
        found = ", ".join(shown(r) for r in rows[:EXAMPLES]) or "none"
        yield Finding(
            "revision",
            f"alembic_version should hold the one revision {migrate.head()}, it holds {found}; "
            "fix it by hand with sqlite3 only if you know which revision the schema is at",
        )


def _columns(connection: Connection) -> Iterator[Finding]:
    """Each table of records has our columns, no more, no fewer (its SQL is not compared:
    SQLAlchemy wrote it, and may write it differently in another version)."""
    stored: dict[str, set[str]] = {}
    rows = connection.exec_driver_sql(
        "SELECT m.name, p.name FROM sqlite_master AS m JOIN pragma_table_info(m.name) AS p "
        "WHERE m.type = 'table'"
    )
    for table, column in rows:
        stored.setdefault(str(table), set()).add(str(column))
    for table in m.Base.metadata.tables.values():
        if table.name not in stored:
            continue  # reported missing with the schema
        ours = {c.name for c in table.columns}
        missing, extra = sorted(ours - stored[table.name]), sorted(stored[table.name] - ours)
        if missing or extra:
            parts = [f"missing {', '.join(missing)}"] if missing else []
            parts += [f"not ours {', '.join(shown(c) for c in extra[:EXAMPLES])}"] if extra else []
            remedy = (
                "restore the ledger from a backup"
                if missing
                else "pledges ignores them; drop them with sqlite3 if no other tool needs them"
            )
            yield Finding(
                "schema",
                f"table {shown(table.name)} has other columns than pledges made "
                f"({'; '.join(parts)}); {remedy}",
            )


def _integrity(connection: Connection, pragma: str = "integrity_check") -> Iterator[Finding]:
    rows = [str(r[0]) for r in connection.exec_driver_sql(f"PRAGMA {pragma}({EXAMPLES})")]
    if rows != ["ok"]:
        for row in rows:
            yield Finding("file", f"SQLite reports damage: {replay.value(row)}")


def _quick_check(connection: Connection) -> Iterator[Finding]:
    return _integrity(connection, "quick_check")


def _foreign_keys(connection: Connection) -> Iterator[Finding]:
    count = 0
    for table, rowid, parent, _fk in connection.exec_driver_sql("PRAGMA foreign_key_check"):
        count += 1
        if count <= EXAMPLES:
            yield Finding(
                "foreign keys",
                f"row {rowid} of {shown(str(table))} refers to a row of {shown(str(parent))} "
                "that does not exist",
            )
    if count > EXAMPLES:
        yield Finding("foreign keys", f"and {count - EXAMPLES:,} more rows like these")


def _facet_counts(connection: Connection) -> Iterator[Finding]:
    counted: Counter[tuple[str, Any]] = Counter()
    for column in facet_counts.COUNTED_COLUMNS:
        for value, n in connection.exec_driver_sql(
            f"SELECT {column}, count(*) FROM pledges WHERE {column} IS NOT NULL GROUP BY {column}"
        ):
            counted[(column, value)] = n
    for value, n in connection.exec_driver_sql(
        "SELECT condition_id, count(*) FROM pledge_conditions GROUP BY condition_id"
    ):
        counted[("condition", value)] = n
    kept: Counter[tuple[str, Any]] = Counter()
    for facet, value, n in connection.exec_driver_sql(
        f"SELECT facet, value, n FROM {facet_counts.TABLE} WHERE n != 0"
    ):
        kept[(str(facet), value)] = n
    wrong = sorted(
        (k for k in counted.keys() | kept.keys() if counted[k] != kept[k]),
        key=lambda k: (k[0], str(k[1])),
    )
    conditions: dict[Any, Any] = dict(
        connection.exec_driver_sql("SELECT id, key FROM conditions").all()
    )
    for facet, value in wrong[:EXAMPLES]:
        name = conditions.get(value, value) if facet == "condition" else value
        yield Finding(
            "facet counts",
            f"{facet} {replay.value(name)} is counted {kept[(facet, value)]:,} in the kept "
            f"counts, but {counted[(facet, value)]:,} pledges have it",
            repairable=True,
        )
    if len(wrong) > EXAMPLES:
        yield Finding("facet counts", f"and {len(wrong) - EXAMPLES:,} more counts like these", True)


def _fulltext_rows(connection: Connection) -> Iterator[Finding]:
    """Every pledge has a document in the index and every document a pledge (the index's
    ``docsize`` table holds one row per document), and so for every row of the ledger in time
    and the index of the past: a read-only first look."""
    docsize = f"{fulltext.TABLE}_docsize"
    past = f"{fulltext.PAST_TABLE}_docsize"
    for rows, what in (
        (
            f"FROM pledges WHERE id NOT IN (SELECT id FROM {docsize})",
            "pledges are missing from the full-text index (a search does not find them)",
        ),
        (
            f"FROM {docsize} WHERE id NOT IN (SELECT id FROM pledges)",
            "documents of the full-text index belong to no pledge",
        ),
        (
            f"FROM record_states WHERE id NOT IN (SELECT id FROM {past})",
            "periods of the ledger in time are missing from its full-text index (a search as "
            "of a past date does not find them)",
        ),
        (
            f"FROM {past} WHERE id NOT IN (SELECT id FROM record_states)",
            "documents of the full-text index of the ledger in time belong to no period",
        ),
    ):
        count = connection.exec_driver_sql(f"SELECT count(*) {rows}").scalar_one()
        if count:
            name = "key" if rows.startswith("FROM pledges") else "id"
            first = connection.exec_driver_sql(f"SELECT {name} {rows} ORDER BY {name} LIMIT 3")
            examples = ", ".join(shown(str(r[0])) for r in first)
            yield Finding("full-text index", f"{count:,} {what}, e.g. {examples}", True)


def _fulltext_integrity(writer: Engine) -> Iterator[Finding]:
    """FTS5's own integrity check, which also compares the index with the pledges' text.

    It is a special INSERT, so it runs in a write transaction, rolled back: other writers wait
    for it (a few seconds on a large ledger).
    """
    table = fulltext.TABLE
    with writer.connect() as connection:
        transaction = connection.begin()
        try:
            connection.exec_driver_sql(
                f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)"
            )
        except DatabaseError as error:
            if is_locked(error):
                raise
            yield Finding(
                "full-text index",
                f"does not match the pledges (FTS5's integrity check: {_reason(error)})",
                True,
            )
        finally:
            transaction.rollback()


def _ledger_in_time(connection: Connection) -> Iterator[Finding]:
    """The kept periods of every record (what reading the ledger as of a date reads) are those
    its change log makes."""
    wrong: list[tuple[str, str]] = []
    count = 0
    for records in record_states.logged_records(connection):
        computed = record_states.computed(connection, records)
        for ref, periods in record_states.stored(connection, records).items():
            if periods != computed[ref]:
                count += 1
                if len(wrong) < EXAMPLES:
                    wrong.append(ref)
    for record_type, key in wrong:
        yield Finding(
            "ledger in time",
            f"{record_type} {shown(key)}: its kept periods (what a reading as of a date shows) "
            "are not those its change log makes",
            repairable=True,
        )
    if count > len(wrong):
        yield Finding("ledger in time", f"and {count - len(wrong):,} more records like these", True)
    linked = sum(1 for _ in record_states.wrong_links(connection))
    if linked:
        yield Finding(
            "ledger in time",
            f"{linked:,} kept periods have tags or conditions (what a filter as of a date "
            "finds) that are not those of their fields",
            repairable=True,
        )


def _change_log(connection: Connection) -> Iterator[Finding]:
    count = 0
    by_type: Counter[str] = Counter()
    for disagreement in replay.disagreements(connection):
        count += 1
        by_type[disagreement.record_type] += 1
        if count <= EXAMPLES:
            yield Finding("change log", disagreement.message)
    if count > EXAMPLES:
        kinds = ", ".join(f"{n:,} {t}s" for t, n in by_type.items())
        yield Finding(
            "change log",
            f"and more: {count:,} records in all differ from their replayed change log ({kinds})",
        )
    described, cited = replay.missing_sources(connection, EXAMPLES)
    for message in described:
        yield Finding("change log", message)
    if cited > len(described):
        yield Finding("change log", f"and {cited - len(described):,} more entries like these")
