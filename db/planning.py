"""How the ledger answers a query: the SQL condition shaped for the read at hand, and counts
and estimates worked out the cheapest way the ledger allows.

A page of a filter that matches a large share of the ledger is read by *probing* (the sort
index read in display order, each row tested) rather than by finding and sorting every match;
whether to probe is decided from an estimate of the matches. Counts, estimates and the free
words that some condition's title holds are remembered in an :class:`AnswerCache` until the
ledger changes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, select

from . import change_log, dialect
from . import tables as m
from .answer_cache import AnswerCache
from .api_types import Sort
from .filters import filters_column, pledge_filter
from .free_words import (
    count_only_via_conditions,
    estimate_words,
    free_phrases,
    fulltext_expression,
    only_fulltext,
    titled_phrases,
)
from .query import Query
from .sqlite import facet_counts

#: Below this many matches a filter is never probed (see :meth:`QueryPlanner.page_where`).
PROBE_ABOVE = 5_000


class QueryPlanner:
    """Plans the queries of one ledger (on a database of dialect ``dialect_name``); every
    method works inside the caller's transaction."""

    def __init__(
        self,
        dialect_name: str,
        answers: AnswerCache,
        estimates: Callable[[Query, str], tuple[int, int]] | None = None,
    ) -> None:
        self.dialect_name = dialect_name
        self.answers = answers
        #: Where the estimates that choose how to read a page come from, when not from the
        #: ledger read (a past reading, where counting costs a pass over the periods: today's
        #: ledger, whose counts are kept, tells about as well how large a share a filter takes).
        self.estimates = estimates

    def where(
        self, connection: Connection, query: Query, today: str, **shape: bool
    ) -> ColumnElement[bool]:
        """The SQL condition selecting the pledges that match a query on the date ``today``
        (``shape``: see :func:`db.filters.pledge_filter`)."""
        titled = self.titled(connection, query)
        return pledge_filter(query, self.dialect_name, today, titled=titled, **shape)

    def titled(self, connection: Connection, query: Query) -> frozenset[str]:
        """The query's free words that some condition's title holds (one look at the
        conditions: only those are looked for in titles)."""
        phrases = tuple(free_phrases(query))
        if not phrases:
            return frozenset()
        key = ("titled", phrases, change_log.revision(connection))
        return self.answers.remember(key, lambda: titled_phrases(connection, query))

    def page_where(
        self, connection: Connection, query: Query, sort: Sort, limit: int, today: str
    ) -> ColumnElement[bool]:
        """The condition shaped for reading a page of ``limit`` rows in display order.

        A filter that matches a large share of the ledger is probed row by row while the sort
        index is read (a page then costs a few hundred rows), instead of all its matches being
        found and sorted for every page; a selective filter keeps its own index.
        """
        probe = False
        if query.terms and not filters_column(query, sort.column):
            # Probing reads about limit * total / matches rows; finding and sorting every
            # match costs about matches: probe once matches exceed sqrt(limit * total).
            if self.estimates is not None:
                matches, total = self.estimates(query, today)
            else:
                matches = self.estimate(connection, query, today)
                total = self.count(connection, Query(), today)
            probe = matches > PROBE_ABOVE and matches * matches > 4 * limit * total
        return self.where(connection, query, today, probe=probe)

    def count(self, connection: Connection, query: Query, today: str) -> int:
        """The number of pledges that match on the date ``today``."""
        key = ("count", query.terms, change_log.revision(connection), today)
        return self.answers.remember(key, lambda: self._count(connection, query, today))

    def _count(self, connection: Connection, query: Query, today: str) -> int:
        terms = query.terms
        if not terms and dialect.has_facet_counts(self.dialect_name) and self.estimates is None:
            # Every pledge has a status: the kept counts by status add up to the ledger.
            kept = facet_counts.kept
            statement = select(func.coalesce(func.sum(kept.c.n), 0)).where(kept.c.facet == "status")
            return int(connection.execute(statement).scalar_one())
        if len(terms) == 1 and terms[0].negated and terms[0].field is None:
            # -word: the complement of word, which the index counts (a negated term is the
            # exact complement), instead of testing every pledge for the word.
            word = dataclasses.replace(terms[0], negated=False)
            whole = self.count(connection, Query(), today)
            return whole - self.count(connection, Query((word,)), today)
        if only_fulltext(query):
            # The index counts the pledges whose own text holds the words; those found through
            # their conditions' titles alone are counted apart.
            expression = fulltext_expression(query)
            assert expression is not None
            titled = self.titled(connection, query)
            by_links = self.estimate_words(connection, query)[1]
            elsewhere = count_only_via_conditions(
                query, self.dialect_name, titled, by_links=by_links
            )
            return dialect.fulltext_count(connection, expression) + int(
                connection.execute(elsewhere).scalar_one()
            )
        return self._count_where(connection, self.where(connection, query, today))

    def estimate(self, connection: Connection, query: Query, today: str) -> int:
        """About how many pledges match, for choosing how to read a page: the count, or for a
        query with flags or free words, the count of its rough filter (see
        :func:`db.filters.pledge_filter`), which indexes answer alone; for free words alone,
        at most :func:`db.free_words.estimate_words`."""
        if not any(t.field in (None, "is") for t in query.terms):
            return self.count(connection, query, today)
        key = ("estimate", query.terms, change_log.revision(connection), today)
        return self.answers.remember(key, lambda: self._estimate(connection, query, today))

    def _estimate(self, connection: Connection, query: Query, today: str) -> int:
        if all(t.field is None for t in query.terms):
            # Free words alone: at most those of the index and of the conditions titled so.
            if fulltext_expression(query) is None:
                return self.count(connection, Query(), today)
            return self.estimate_words(connection, query)[0]
        return self._count_where(connection, self.where(connection, query, today, rough=True))

    def estimate_words(self, connection: Connection, query: Query) -> tuple[int, bool]:
        """:func:`db.free_words.estimate_words`."""
        key = ("words", query.terms, change_log.revision(connection))
        return self.answers.remember(
            key, lambda: estimate_words(connection, query, self.titled(connection, query))
        )

    @staticmethod
    def _count_where(connection: Connection, where: Any) -> int:
        statement = select(func.count()).select_from(m.pledges).where(where)
        return int(connection.execute(statement).scalar_one())
