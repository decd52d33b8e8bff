"""Translation of a parsed query (:mod:`db.query`) into a SQL condition on pledges.

Only bound parameters carry user text: words reach the full-text index as quoted tokens (see
:func:`db.sqlite.fulltext.phrase`) and ``LIKE`` patterns are escaped. Every term yields a
condition that is never NULL, so negation (``-beneficiary:UKR``) is the exact complement.
Free words are :mod:`db.free_words`'.
"""

from __future__ import annotations

import sys
from collections.abc import Collection
from typing import Any, Final

from sqlalchemy import ColumnElement, Select, and_, func, not_, or_, select, true

from . import dialect, vocab
from . import tables as m
from .dates import bounds
from .filter_columns import Columns, linked
from .free_words import fulltext_expression, indexed_text, text_term, words_via_conditions
from .query import Query, Term, actor_name
from .tables import AL, CM, PC, PS, PT, A, C, P, S


def pledge_filter(
    query: Query,
    dialect_name: str,
    today: str,
    *,
    probe: bool = False,
    rough: bool = False,
    titled: Collection[str] | None = None,
) -> ColumnElement[bool]:
    """The SQL condition selecting the pledges that match every term of ``query``.

    ``probe`` shapes it for reading a page in display order (see :class:`Columns` and
    :meth:`db.ledger.Ledger.pledge_page`); the rows selected are the same. ``rough`` selects
    about the same rows, faster, for an estimate of how many match: the flags are taken from
    their own index alone, closed pledges included (only an open pledge has flags, and its
    status is not in that index), and positive free words take in every pledge of a condition
    whose title holds one of them. ``titled`` names the free words and phrases that some
    condition's title holds (:func:`titled_phrases`); the others are looked for in the
    pledges' own text alone, by the index. None (not known) looks for every one in titles too.
    """
    if not query.terms:
        return true()
    c = Columns(dialect_name, probe, rough)
    conditions: list[ColumnElement[bool]] = []
    expression = fulltext_expression(query)
    if expression is not None:
        own = c.id.in_(dialect.fulltext_ids(dialect_name, m.pledges, expression))
        via = words_via_conditions(query, c, titled)
        conditions.append(own if via is None else or_(own, via))
    for term in query.terms:
        if indexed_text(term) and not term.negated:
            continue  # part of the one full-text expression above
        condition = _term(term, dialect_name, today, c, titled)
        conditions.append(not_(condition) if term.negated else condition)
    return and_(*conditions)


#: The sort column each field filters on: a filter on the sort column is served by the same
#: index as the order, so it is never probed.
SORT_COLUMN_OF: Final = {
    "status": "status",
    "pledger": "pledger",
    "category": "category",
    "key": "key",
    "announced": "announced",
    "due": "due",
    "is": "conditions",
}


def filters_column(query: Query, column: str) -> bool:
    """True when a positive term of ``query`` filters on the sort column ``column``."""
    return any(not t.negated and SORT_COLUMN_OF.get(t.field or "") == column for t in query.terms)


def _term(
    term: Term, dialect_name: str, today: str, c: Columns, titled: Collection[str] | None
) -> ColumnElement[bool]:
    if term.field is None:
        return text_term(term.values[0], dialect_name, c, titled)
    values = list(term.values)
    match term.field:
        case "status":
            return c.status.in_(values)
        case "confidence":
            return c.confidence.in_(values)
        case "pledger":
            return _is_actor(c.pledger, values)
        case "beneficiary":
            return _known(c.beneficiary, _is_actor(c.beneficiary, values))
        case "actor":
            return or_(
                _is_actor(c.pledger, values),
                _known(c.beneficiary, _is_actor(c.beneficiary, values)),
            )
        case "category":
            return _known(c.category, c.category.in_([v.lower() for v in values]))
        case "unit":
            return _known(c.unit, func.lower(c.unit).in_([v.lower() for v in values]))
        case "key":
            return or_(*(_key(c.key, v.lower()) for v in values))
        case "tag":
            return linked(
                c, select(PT.pledge_id), PT.pledge_id, PT.tag.in_([v.lower() for v in values])
            )
        case "condition":
            return linked(
                c,
                select(PC.pledge_id).join(m.conditions, C.id == PC.condition_id),
                PC.pledge_id,
                C.key.in_([v.lower() for v in values]),
            )
        case "source":
            return linked(
                c,
                select(PS.pledge_id).join(m.sources, S.id == PS.source_id),
                PS.pledge_id,
                S.key.in_([v.lower() for v in values]),
            )
        case "is":
            return or_(*(_flag(v, today, c) for v in values))
        case "announced":
            return _date(c.announced_lo, c.announced_hi, term.operator or "=", values[0])
        case "due":
            return _date(c.due_lo, c.due_hi, term.operator or "=", values[0])
    raise AssertionError(f"unhandled field {term.field}")  # the parser admits only FIELDS


def _known(
    column: ColumnElement[str | None], condition: ColumnElement[bool]
) -> ColumnElement[bool]:
    return and_(column.is_not(None), condition)


def _key(column: Any, value: str) -> ColumnElement[bool]:
    """``key:fra-force`` is that key; ``key:fra-*`` every key starting so (an index range)."""
    if not value.endswith("*"):
        return column == value  # type: ignore[no-any-return]
    prefix = value.rstrip("*")
    if not prefix:
        return true()
    # The first text after every key starting so: the prefix with its last character raised
    # by one, the highest ones (U+10FFFF has no next) dropped first.
    last = prefix.rstrip(chr(sys.maxunicode))
    if not last:
        return column >= prefix  # type: ignore[no-any-return]
    after = ord(last[-1]) + 1
    upper = last[:-1] + chr(0xE000 if after == 0xD800 else after)  # surrogates are no text
    return and_(column >= prefix, column < upper)


def _flag(flag: str, today: str, c: Columns) -> ColumnElement[bool]:
    if flag == "overdue":
        return overdue(today, c)
    state: ColumnElement[bool] = {
        "conditional": c.conditions_state == 2,
        "blocked": c.conditions_state == 3,
        "unconditional": c.conditions_state < 2,
    }[flag]
    # Flags are those of open pledges: a closed pledge is neither of them (see vocab).
    return state if c.rough else and_(state, is_open(c))


def is_open(c: Any = P) -> ColumnElement[bool]:
    """The pledge is open: its status is not one of :data:`db.vocab.CLOSED_PLEDGE_STATUSES`."""
    return c.status.not_in(sorted(vocab.CLOSED_PLEDGE_STATUSES))  # type: ignore[no-any-return]


def overdue(today: str, c: Any = P) -> ColumnElement[bool]:
    """Due date entirely past and the pledge still open."""
    return and_(c.due_hi.is_not(None), c.due_hi < today, is_open(c))


def _date(
    lo: ColumnElement[str | None], hi: ColumnElement[str | None], operator: str, value: str
) -> ColumnElement[bool]:
    # A partial date is an interval; a term holds only when it holds for the whole interval.
    first, last = bounds(value)
    condition = {
        ">=": lo >= first,
        ">": lo > last,
        "<": hi < first,
        "<=": hi <= last,
        "=": and_(lo >= first, hi <= last),
    }[operator]
    return and_(lo.is_not(None), condition)


def _is_actor(column: ColumnElement[Any], values: list[str]) -> ColumnElement[bool]:
    """``column`` holds one of the actors named; for a name with ``+`` (``FRA+``), that
    actor or any coalition it is a member of, directly or through another coalition."""
    exact: list[str] = []
    grouped: list[str] = []
    for value in values:
        name, with_coalitions = actor_name(value)
        (grouped if with_coalitions else exact).append(name)
    found: list[ColumnElement[bool]] = []
    if exact:
        found.append(column.in_(_actors_named(exact)))
    if grouped:
        found.append(column.in_(_with_coalitions(grouped)))
    return or_(*found) if len(found) > 1 else found[0]


def _with_coalitions(values: list[str]) -> Select[tuple[str]]:
    """Codes of the actors named and of every coalition they are members of, found by one
    recursive query over the coalitions' members (a cycle of coalitions ends: UNION keeps
    each code once)."""
    tree = _actors_named(values).cte(recursive=True)
    coalition = m.actors.alias()
    step = (
        select(coalition.c.code)
        .select_from(m.coalition_members)
        .join(coalition, coalition.c.id == CM.coalition_id)
        .join(tree, CM.member == tree.c.code)
    )
    tree = tree.union(step)
    return select(tree.c.code)


def _actors_named(values: list[str]) -> Select[tuple[str]]:
    """Codes of the actors a user named by code, name or alias (case-insensitive, exact)."""
    codes = [v.upper() for v in values]
    names = [v.lower() for v in values]
    return select(A.code).where(
        or_(
            A.code.in_(codes),
            func.lower(A.name).in_(names),
            A.id.in_(select(AL.actor_id).where(func.lower(AL.alias).in_(names))),
        )
    )
