"""The figures of the dashboard's pictures, counted in SQL over the ledger in time.

**Pledges by status over time**: for each month, how many pledges stood in each status at its
end, by the rule of a reading as of that month (a change counts from the first day of its
date, as :mod:`db.record_states` keeps it), as the ledger knows it now. Each period of a
pledge's state counts from the month it began in until the month it ended in, so the whole
series is one grouped pass over the periods (by status, month begun and month ended) and a
running sum, whatever the number of months: never a reading per month, and
never a pledge loaded into Python. (On the million-pledge bench ledger that pass takes about
2.5 s warm: the dashboard's < 1 s is still to be reached.)
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Final

from sqlalchemy import Connection, func, select

from . import dialect
from . import tables as m
from .past import COUNTED
from .record_states import OPEN_DATE, OPEN_TIME

S = m.record_states.c
#: A period still open in the world ends in no month.
_NEVER: Final = OPEN_DATE[:7]


@dataclass(frozen=True, slots=True)
class Series:
    """Counts by month (``YYYY-MM``, consecutive) for each status."""

    months: list[str]
    counts: dict[str, list[int]]

    def at(self, month: str) -> dict[str, int]:
        """The count of each status at the end of ``month`` (statuses with none left out)."""
        index = self.months.index(month)
        return {status: row[index] for status, row in self.counts.items() if row[index]}


def _months(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    found: list[str] = []
    while f"{year:04d}-{month:02d}" <= last:
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def status_by_month(connection: Connection, last: str) -> Series:
    """Pledges by status at the end of each month, from the month of the first dated change of
    a pledge to ``last`` (``YYYY-MM``, usually this month)."""
    name = connection.dialect.name
    began = func.substr(S.valid_from, 1, 7)
    ended = func.substr(S.valid_to, 1, 7)
    # One pass over the index that holds status and periods (no row is read), grouped.
    statement = (
        select(S.status, began, ended, func.count())
        .where(S.record_type == "pledge", dialect.unindexed(name, S.recorded_to) == OPEN_TIME)
        .group_by(S.status, began, ended)
        .with_hint(m.record_states, f"INDEXED BY {COUNTED}", "sqlite")
    )
    rows = connection.execute(statement).all()
    if not rows:
        return Series([], {})
    first = min(month for _, month, _, _ in rows)
    months = _months(first, max(last, first))
    change: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for status, start, end, n in rows:
        change[status][start] += n
        if end != _NEVER:
            change[status][end] -= n
    counts: dict[str, list[int]] = {}
    for status, steps in sorted(change.items()):
        running, row = 0, []
        for month in months:
            running += steps.get(month, 0)
            row.append(running)
        counts[status] = row
    return Series(months, counts)
