"""The pledge columns a filter tests, and how it tests a pledge's links: the parts that
:mod:`db.filters` and :mod:`db.free_words` share."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select

from . import dialect
from . import tables as m

P = m.pledges.c


class Columns:
    """The pledge columns a filter tests, as themselves or (``probe``) hidden from the planner.

    Hidden columns make SQLite read rows in display order and test each one, instead of
    finding every match through the filter's index and sorting them all: much faster for a
    page of a filter that matches a large share of the ledger. ``rough`` asks for the rough
    shape of :func:`db.filters.pledge_filter` (for estimates).
    """

    def __init__(self, dialect_name: str, probe: bool, rough: bool = False) -> None:
        self.dialect_name, self.probe, self.rough = dialect_name, probe, rough

    def __getattr__(self, name: str) -> ColumnElement[Any]:
        column: ColumnElement[Any] = P[name]
        return dialect.unindexed(self.dialect_name, column) if self.probe else column


def linked(
    c: Columns,
    links: Select[Any],
    pledge_id: Any,
    condition: ColumnElement[bool],
    *,
    each_row: bool = False,
) -> ColumnElement[bool]:
    """Pledges with a matching link (tag, condition, source).

    Normally the matching links are read first (an index answers them); when probing, or
    ``each_row`` (few rows get this far), each row looks up its own links instead, so that no
    list is built.
    """
    if c.probe or each_row:
        return links.where(condition, pledge_id == P.id).exists()
    found: ColumnElement[bool] = c.id.in_(links.where(condition))
    return found
