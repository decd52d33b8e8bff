"""Facets: how many of the pledges a query matches have each status, pledger, category and
condition, for the sidebar.

Two ways to count, one class each. For the whole ledger on SQLite the counts are read from
those the triggers keep (:mod:`db.sqlite.facet_counts`): a few rows, whatever the size of the
ledger. Otherwise the matching pledges are grouped: status, pledger and category in one pass
over them (each separate count would read every matching row again), and conditions through
the pledges' links.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, Final

from sqlalchemy import Connection, Select, func, select

from . import dialect, vocab
from . import tables as m
from .api_types import Facets, FacetValue
from .reading import actor_names
from .sqlite import facet_counts

P = m.pledges.c
C = m.conditions.c
PC = m.pledge_conditions.c

FACETS: Final = ("status", "pledger", "category", "condition")
#: The facets that are columns of the pledges themselves.
PLEDGE_FACETS: Final = ("status", "pledger", "category")
#: The most values a facet lists (the most frequent).
FACET_LIMIT: Final = 60

Counts = list[tuple[str, int]]


class _KeptCounts:
    """The whole ledger's counts, as the triggers keep them."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def top(self, facet: str) -> Counts:
        kept = facet_counts.kept
        rows = self._connection.execute(
            select(kept.c.value, kept.c.n)
            .where(kept.c.facet == facet, kept.c.n > 0)
            .order_by(kept.c.n.desc(), kept.c.value)
            .limit(FACET_LIMIT)
        ).all()
        return [(value, count) for value, count in rows]

    def by_condition(self) -> Any:
        kept = facet_counts.kept
        return (
            select(kept.c.value.label("condition_id"), kept.c.n)
            .where(kept.c.facet == "condition", kept.c.n > 0)
            .subquery()
        )


class _GroupedCounts:
    """The counts of the pledges ``where`` selects (all of them with ``everything``), found by
    grouping them; the pledge facets among ``which`` are grouped together, in one pass."""

    def __init__(
        self,
        connection: Connection,
        where: Any,
        dialect_name: str,
        *,
        everything: bool,
        which: Sequence[str],
    ) -> None:
        self._connection, self._where = connection, where
        self._dialect_name, self._everything = dialect_name, everything
        together = [name for name in PLEDGE_FACETS if name in which]
        self._together = self._count_together(together) if len(together) > 1 else {}

    def _filtered(self, statement: Select[Any]) -> Select[Any]:
        return statement if self._everything else statement.where(self._where)

    def _grouped(self, column: Any) -> Any:
        # Grouping a filtered result through the column's own index would read the whole
        # ledger in that order; group the filtered rows instead.
        return column if self._everything else dialect.unindexed(self._dialect_name, column)

    def _count_together(self, names: list[str]) -> dict[str, Counts]:
        columns = [P[name] for name in names]
        statement = self._filtered(
            select(*columns, func.count()).group_by(*(self._grouped(c) for c in columns))
        )
        totals: dict[str, dict[str, int]] = {name: defaultdict(int) for name in names}
        for *values, count in self._connection.execute(statement):
            for name, value in zip(names, values, strict=True):
                if value is not None:
                    totals[name][value] += count
        return {
            name: sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:FACET_LIMIT]
            for name, counts in totals.items()
        }

    def top(self, facet: str) -> Counts:
        if facet in self._together:
            return self._together[facet]
        column = P[facet]
        statement = self._filtered(
            select(column, func.count()).where(column.is_not(None)).group_by(self._grouped(column))
        )
        rows = self._connection.execute(
            statement.order_by(func.count().desc(), column).limit(FACET_LIMIT)
        ).all()
        return [(value, count) for value, count in rows]

    def by_condition(self) -> Any:
        counted = select(PC.condition_id, func.count().label("n")).group_by(PC.condition_id)
        if not self._everything:
            counted = counted.where(PC.pledge_id.in_(select(P.id).where(self._where)))
        return counted.subquery()


def count_facets(
    connection: Connection,
    where: Any,
    dialect_name: str,
    *,
    everything: bool = False,
    which: Sequence[str] = FACETS,
) -> Facets:
    """Counts of the pledges ``where`` selects by status, pledger, category and condition.

    ``everything`` says the query matches every pledge: the counts then come from those kept
    (or straight from the indexes), without filtering. ``which`` limits the work to some
    facets (the others come back empty), so a UI can show the cheap ones first.
    """
    counts: _KeptCounts | _GroupedCounts
    if everything and dialect.has_facet_counts(dialect_name):
        counts = _KeptCounts(connection)
    else:
        counts = _GroupedCounts(connection, where, dialect_name, everything=everything, which=which)
    status: list[FacetValue] = []
    pledger: list[FacetValue] = []
    category: list[FacetValue] = []
    condition: list[FacetValue] = []
    if "status" in which:
        by_status = dict(counts.top("status"))
        status = [FacetValue(s, s, by_status[s]) for s in vocab.PLEDGE_STATUSES if s in by_status]
    if "pledger" in which:
        pledgers = counts.top("pledger")
        names = actor_names(connection, [code for code, _ in pledgers])
        pledger = [FacetValue(code, names.get(code, code), n) for code, n in pledgers]
    if "category" in which:
        category = [FacetValue(c, c, n) for c, n in counts.top("category")]
    if "condition" in which:
        counted = counts.by_condition()
        rows = connection.execute(
            select(C.key, C.title, counted.c.n)
            .join(counted, counted.c.condition_id == C.id)
            .order_by(counted.c.n.desc(), C.key)
            .limit(FACET_LIMIT)
        ).all()
        condition = [FacetValue(k, t, n) for k, t, n in rows]
    return Facets(status, pledger, category, condition)
