"""The figures of the dashboard and the report, counted in SQL over the ledger and its history.

Four pictures, each read by aggregates (never a pledge loaded into Python), for the pledges a
query matches, in the ledger as it stands at a reading (today, or as of a date):

1. **Pledges by status over time**: for each month, how many pledges stood in each status at
   its end, by the rule of a reading as of that month (a change counts from the first day of
   its date, as :mod:`db.record_states` keeps it), as the ledger knows it at the reading. The
   last point is the reading's own day, not the end of its month. Each period of a pledge's
   state counts from the month it began in until the month it ended in, so the whole series
   is one grouped pass over the periods (by status, month begun and month ended) and a
   running sum, whatever the number of months. With a query, the series is the history of the
   pledges that match at the reading.
2. **Conditions**: the same series for conditions (of the matching pledges, with a query), and
   for each open condition the open pledges it holds back, the largest first.
3. **By pledger**: the pledgers with the most matching pledges, each split by status.
4. **Pledged against delivered**: ``amount`` and ``delivered`` summed by pledger, apart for
   each unit: amounts in different units are never added together.

And the headline figures: pledges by status, open conditions and the pledges they hold back,
blocked and overdue pledges.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy import Connection, Float, Numeric, Select, case, cast, distinct, func, select
from sqlalchemy.sql.elements import ColumnElement

from . import dialect, vocab
from . import tables as m
from .dates import bounds
from .filters import is_open
from .past import COUNTED
from .reading import actor_names
from .record_states import OPEN_DATE, OPEN_TIME

S = m.record_states.c
P = m.pledges.c
C = m.conditions.c
PC = m.pledge_conditions.c

#: A period still open in the world ends in no month.
_NEVER: Final = OPEN_DATE[:7]
#: The most pledgers the chart by pledger shows (the others are summed as one bar).
TOP_PLEDGERS: Final = 12
#: The most open conditions the chart of what they hold back shows.
TOP_CONDITIONS: Final = 12
#: The most units given a chart of their own, and pledgers in each.
TOP_UNITS: Final = 4
TOP_AMOUNTS: Final = 10


@dataclass(frozen=True, slots=True)
class Series:
    """Counts by month (``YYYY-MM``, consecutive) for each status."""

    months: list[str]
    counts: dict[str, list[int]]

    def at(self, month: str) -> dict[str, int]:
        """The count of each status at the end of ``month`` (statuses with none left out)."""
        index = self.months.index(month)
        return {status: row[index] for status, row in self.counts.items() if row[index]}


@dataclass(frozen=True, slots=True)
class Held:
    """An open condition and the open pledges it holds back."""

    key: str
    title: str
    status: str
    pledges: int


@dataclass(frozen=True, slots=True)
class PledgerBar:
    """A pledger (its code and name; ``code`` None for the others summed) and its pledges by
    status."""

    code: str | None
    name: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True, slots=True)
class Amounts:
    """A pledger's amounts in one unit: pledged and delivered, over ``pledges`` pledges."""

    code: str
    name: str
    pledged: float
    delivered: float
    pledges: int


@dataclass(frozen=True, slots=True)
class Figures:
    """Everything the dashboard and the report draw, for one query at one reading."""

    #: The day counted at (the reading's, or today).
    day: str
    pledges_over_time: Series
    conditions_over_time: Series
    #: Pledges by status now (at the reading), every status of the vocabulary in its order.
    by_status: dict[str, int]
    #: Conditions (of the matching pledges, with a query) by status at the reading.
    conditions_by_status: dict[str, int]
    held: list[Held]
    by_pledger: list[PledgerBar]
    #: Unit -> pledgers' amounts, the units with most pledges first.
    amounts: dict[str, list[Amounts]] = field(default_factory=dict)
    conditional: int = 0
    blocked: int = 0
    overdue: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def open_conditions(self) -> int:
        return sum(self.conditions_by_status.get(s, 0) for s in vocab.OPEN_CONDITION_STATUSES)


def _months(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    found: list[str] = []
    while f"{year:04d}-{month:02d}" <= last:
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def status_by_month(
    connection: Connection,
    until: str,
    *,
    record_type: str = "pledge",
    known: str | None = None,
    keys: Select[Any] | None = None,
) -> Series:
    """Records of ``record_type`` by status at the end of each month, from the month of the
    first dated change to ``until`` (a day, whose count is the last point, or a month, counted
    at its end), as the ledger recorded them at ``known`` (None: as it knows them now).
    ``keys``: a selection of the keys of the records to count (all of them when None)."""
    day = bounds(until)[1] if len(until) < 10 else until
    name = connection.dialect.name
    began = func.substr(S.valid_from, 1, 7)
    # A period that ends after the day counted at still holds on it: it ends in no month.
    ended = func.substr(case((S.valid_to > day, OPEN_DATE), else_=S.valid_to), 1, 7)
    if known is None:
        as_known = dialect.unindexed(name, S.recorded_to) == OPEN_TIME
    else:
        as_known = (dialect.unindexed(name, S.recorded_from) <= known) & (
            dialect.unindexed(name, S.recorded_to) > known
        )
    statement = (
        select(S.status, began, ended, func.count())
        .where(S.record_type == record_type, S.valid_from <= day, as_known)
        .group_by(S.status, began, ended)
    )
    if keys is None:
        # One pass over the index that holds status and periods (no row is read), grouped.
        statement = statement.with_hint(m.record_states, f"INDEXED BY {COUNTED}", "sqlite")
    else:
        # The periods of the chosen records, found by their keys.
        statement = statement.where(S.record_key.in_(keys))
    rows = connection.execute(statement).all()
    if not rows:
        return Series([], {})
    first = min(month for _, month, _, _ in rows)
    months = _months(first, max(day[:7], first))
    change: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for status, start, end, n in rows:
        change[status][start] += n
        if end != _NEVER:
            change[status][end] -= n
    counts: dict[str, list[int]] = {}
    for status, steps in sorted(change.items(), key=lambda item: _order(record_type, item[0])):
        running, row = 0, []
        for month in months:
            running += steps.get(month, 0)
            row.append(running)
        if any(row):
            counts[status] = row
    return Series(months, counts)


def _calendar(day: str) -> str:
    """A reading's last day as a date of the calendar (a month's bound is its 31st)."""
    year, month, number = (int(part) for part in day.split("-"))
    if month == 12 or number <= 28:
        return day
    last = (dt.date(year, month + 1, 1) - dt.timedelta(days=1)).day
    return f"{year:04d}-{month:02d}-{min(number, last):02d}"


def _order(record_type: str, status: str | None) -> tuple[int, str]:
    words = list(vocab.CONDITION_STATUSES if record_type == "condition" else vocab.PLEDGE_STATUSES)
    return (words.index(status), "") if status in words else (len(words), status or "")


def _number(connection: Connection, column: Any) -> ColumnElement[Any]:
    """An amount (kept as exact decimal text) as a number to sum: exact on PostgreSQL, a
    double on SQLite (ample for a chart)."""
    kind = Numeric() if connection.dialect.name == "postgresql" else Float()
    return func.coalesce(func.sum(cast(column, kind)), 0)


def figures(
    connection: Connection,
    where: ColumnElement[bool],
    *,
    day: str,
    known: str | None,
    query_given: bool,
    flagged: Callable[[str], int],
) -> Figures:
    """The figures for the pledges selected by ``where`` (the planner's condition over the
    pledges of the connection's reading) on ``day``; ``flagged(flag)`` counts the matching
    pledges with a flag (``conditional``, ``blocked``, ``overdue``), as the filter ``is:``
    reads it."""
    matching = select(P.key).where(where) if query_given else None
    pledges_series = status_by_month(connection, day, known=known, keys=matching)
    linked = (
        select(C.key)
        .join(m.pledge_conditions, PC.condition_id == C.id)
        .join(m.pledges, P.id == PC.pledge_id)
        .where(where)
        .distinct()
    )
    conditions_series = status_by_month(
        connection,
        day,
        record_type="condition",
        known=known,
        keys=linked if query_given else None,
    )

    by_pair = connection.execute(
        select(P.pledger, P.status, func.count()).where(where).group_by(P.pledger, P.status)
    ).all()
    by_status: dict[str, int] = {s: 0 for s in vocab.PLEDGE_STATUSES}
    per_pledger: dict[str | None, dict[str, int]] = defaultdict(dict)
    for pledger, status, n in by_pair:
        by_status[status] = by_status.get(status, 0) + n
        per_pledger[pledger][status] = n

    statuses = select(C.status, func.count())
    if query_given:
        statuses = statuses.where(C.key.in_(linked))
    conditions_by_status = {s: 0 for s in vocab.CONDITION_STATUSES}
    for status, n in connection.execute(statuses.group_by(C.status)):
        conditions_by_status[status] = conditions_by_status.get(status, 0) + n

    return Figures(
        day=_calendar(day),
        pledges_over_time=pledges_series,
        conditions_over_time=conditions_series,
        by_status=by_status,
        conditions_by_status=conditions_by_status,
        held=_held(connection, where),
        by_pledger=_pledger_bars(connection, per_pledger),
        amounts=_amounts(connection, where),
        conditional=flagged("conditional"),
        blocked=flagged("blocked"),
        overdue=flagged("overdue"),
    )


def _held(connection: Connection, where: ColumnElement[bool]) -> list[Held]:
    """The open conditions by the open matching pledges each holds back, the most first."""
    n = func.count(distinct(P.id)).label("n")
    statement = (
        select(C.key, C.title, C.status, n)
        .join(m.pledge_conditions, PC.condition_id == C.id)
        .join(m.pledges, P.id == PC.pledge_id)
        .where(C.status.in_(sorted(vocab.OPEN_CONDITION_STATUSES)), is_open(), where)
        .group_by(C.key, C.title, C.status)
        .order_by(n.desc(), C.key)
        .limit(TOP_CONDITIONS)
    )
    return [Held(key, title, status, n) for key, title, status, n in connection.execute(statement)]


def _pledger_bars(
    connection: Connection, per_pledger: dict[str | None, dict[str, int]]
) -> list[PledgerBar]:
    ranked = sorted(
        (code for code in per_pledger if code is not None),
        key=lambda code: (-sum(per_pledger[code].values()), code),
    )
    shown, rest = ranked[:TOP_PLEDGERS], ranked[TOP_PLEDGERS:]
    names = actor_names(connection, shown)
    bars = [PledgerBar(code, names.get(code, code), per_pledger[code]) for code in shown]
    others: dict[str, int] = defaultdict(int)
    for code in [*rest, None]:
        for status, n in per_pledger.get(code, {}).items():
            others[status] += n
    if others:
        label = (f"{len(rest)} others" if len(rest) > 1 else "1 other") if rest else "no pledger"
        bars.append(PledgerBar(None, label, dict(others)))
    return bars


def _amounts(connection: Connection, where: ColumnElement[bool]) -> dict[str, list[Amounts]]:
    """Pledged and delivered by pledger, in each unit apart (the units with most pledges)."""
    pledged, delivered = _number(connection, P.amount), _number(connection, P.delivered)
    statement = (
        select(P.unit, P.pledger, pledged, delivered, func.count())
        .where(where, P.unit.is_not(None), (P.amount.is_not(None)) | (P.delivered.is_not(None)))
        .group_by(P.unit, P.pledger)
    )
    by_unit: dict[str, list[tuple[str, float, float, int]]] = defaultdict(list)
    for unit, pledger, amount, done, n in connection.execute(statement):
        by_unit[unit].append((pledger or "", float(amount), float(done), n))
    units = sorted(by_unit, key=lambda u: (-sum(r[3] for r in by_unit[u]), u))[:TOP_UNITS]
    codes = sorted({r[0] for u in units for r in by_unit[u] if r[0]})
    names = actor_names(connection, codes)
    found: dict[str, list[Amounts]] = {}
    for unit in units:
        rows = sorted(by_unit[unit], key=lambda r: (-r[1], r[0]))[:TOP_AMOUNTS]
        found[unit] = [Amounts(c, names.get(c, c) or "no pledger", a, d, n) for c, a, d, n in rows]
    return found


def status_words(record_type: str) -> Sequence[str]:
    """The statuses of a record type, in the vocabulary's order (the charts' order)."""
    return list(vocab.CONDITION_STATUSES if record_type == "condition" else vocab.PLEDGE_STATUSES)
