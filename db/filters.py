"""Translation of a parsed query (:mod:`db.query`) into a SQL condition on pledges.

Only bound parameters carry user text: words reach the full-text index as quoted tokens (see
:func:`db.dialect.fulltext_phrase`) and ``LIKE`` patterns are escaped. Every term yields a
condition that is never NULL, so negation (``-beneficiary:UKR``) is the exact complement.

Free words search one full-text index over each pledge's title, wording, notes, tags and the
names of its pledger and beneficiary; all the positive words of a query go to the index as one
expression, which it answers by intersecting its own lists.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, func, not_, or_, select, true

from . import dialect, vocab
from . import models as m
from .dates import bounds
from .query import Query, Term

P = m.pledges.c
A = m.actors.c
AL = m.actor_aliases.c
PC = m.pledge_conditions.c
PS = m.pledge_sources.c
PT = m.pledge_tags.c
C = m.conditions.c
S = m.sources.c


def pledge_filter(
    query: Query, dialect_name: str, today: str, *, probe_text: bool = False
) -> ColumnElement[bool]:
    """The SQL condition selecting the pledges that match every term of ``query``.

    ``probe_text`` asks for the full-text matches to be probed while rows are read in display
    order, rather than read first: faster for the first page of a word that matches much of
    the ledger (see :meth:`db.ledger.Ledger.pledge_page`).
    """
    if not query.terms:
        return true()
    conditions = []
    expression = fulltext_expression(query)
    if expression is not None:
        pledge_id = dialect.unindexed(dialect_name, P.id) if probe_text else P.id
        conditions.append(pledge_id.in_(dialect.fulltext_ids(dialect_name, m.pledges, expression)))
    for term in query.terms:
        if _indexed_text(term) and not term.negated:
            continue  # part of the one full-text expression above
        condition = _term(term, dialect_name, today)
        conditions.append(not_(condition) if term.negated else condition)
    return and_(*conditions)


def _indexed_text(term: Term) -> bool:
    return term.field is None and dialect.fulltext_phrase(term.values[0]) is not None


def fulltext_expression(query: Query) -> str | None:
    """The query's positive free words as one full-text expression, or None if it has none."""
    phrases = [
        dialect.fulltext_phrase(t.values[0])
        for t in query.terms
        if _indexed_text(t) and not t.negated
    ]
    return dialect.fulltext_all([p for p in phrases if p]) if phrases else None


def only_fulltext(query: Query) -> bool:
    """True when the query is nothing but positive free words the index can answer alone."""
    return bool(query.terms) and all(_indexed_text(t) and not t.negated for t in query.terms)


def _term(term: Term, dialect_name: str, today: str) -> ColumnElement[bool]:
    if term.field is None:
        return _text(term.values[0], dialect_name)
    values = list(term.values)
    match term.field:
        case "status":
            return P.status.in_(values)
        case "confidence":
            return P.confidence.in_(values)
        case "pledger":
            return P.pledger.in_(_actors_named(values))
        case "beneficiary":
            return _known(P.beneficiary, P.beneficiary.in_(_actors_named(values)))
        case "actor":
            named = _actors_named(values)
            return or_(P.pledger.in_(named), _known(P.beneficiary, P.beneficiary.in_(named)))
        case "category":
            return _known(P.category, P.category.in_([v.lower() for v in values]))
        case "unit":
            return _known(P.unit, func.lower(P.unit).in_([v.lower() for v in values]))
        case "key":
            return P.key.in_([v.lower() for v in values])
        case "tag":
            return P.id.in_(select(PT.pledge_id).where(PT.tag.in_([v.lower() for v in values])))
        case "condition":
            return P.id.in_(
                select(PC.pledge_id)
                .join(m.conditions, C.id == PC.condition_id)
                .where(C.key.in_([v.lower() for v in values]))
            )
        case "source":
            return P.id.in_(
                select(PS.pledge_id)
                .join(m.sources, S.id == PS.source_id)
                .where(S.key.in_([v.lower() for v in values]))
            )
        case "is":
            return or_(*(_flag(v, today) for v in values))
        case "announced":
            return _date(P.announced_lo, P.announced_hi, term.operator or "=", values[0])
        case "due":
            return _date(P.due_lo, P.due_hi, term.operator or "=", values[0])
    raise AssertionError(f"unhandled field {term.field}")  # the parser admits only FIELDS


def _known(
    column: ColumnElement[str | None], condition: ColumnElement[bool]
) -> ColumnElement[bool]:
    return and_(column.is_not(None), condition)


def _flag(flag: str, today: str) -> ColumnElement[bool]:
    if flag == "conditional":
        return P.conditions_state == 2
    if flag == "blocked":
        return P.conditions_state == 3
    if flag == "unconditional":
        return P.conditions_state < 2
    if flag == "overdue":
        return overdue(today)
    raise AssertionError(flag)


def overdue(today: str) -> ColumnElement[bool]:
    """Due date entirely past and the pledge still open."""
    return and_(
        P.due_hi.is_not(None),
        P.due_hi < today,
        P.status.not_in(sorted(vocab.CLOSED_PLEDGE_STATUSES)),
    )


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


def _text(phrase: str, dialect_name: str) -> ColumnElement[bool]:
    """One free word or phrase on its own (a negated one, or one the index cannot see)."""
    expression = dialect.fulltext_phrase(phrase)
    if expression is None:
        # Nothing the index can see ("[/]", "%"): a plain substring search of the text.
        pattern = f"%{dialect.escape_like(phrase)}%"
        columns = [P.title, P.text, P.notes]
        return or_(*(and_(c.is_not(None), c.like(pattern, escape="\\")) for c in columns))
    return P.id.in_(dialect.fulltext_ids(dialect_name, m.pledges, expression))
