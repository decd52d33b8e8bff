"""Translation of a parsed query (:mod:`db.query`) into a SQL condition on pledges.

Only bound parameters carry user text: words reach the full-text index as quoted tokens (see
:func:`db.dialect.fulltext_phrase`) and ``LIKE`` patterns are escaped. Every term yields a
condition that is never NULL, so negation (``-beneficiary:UKR``) is the exact complement.

Free words search one full-text index over each pledge's title, wording, notes, tags and the
names of its pledger and beneficiary; all the positive words of a query go to the index as one
expression, which it answers by intersecting its own lists. A word may also be in the title of
one of the pledge's conditions ("U.S. support" finds the pledges that hang on "Confirmed US
backstop ... support if attacked"): conditions have no full-text index, so their titles are
matched one by one (see :func:`db.dialect.title_matches`), only for the pledges that the
index alone does not answer.
"""

from __future__ import annotations

import sys
from collections.abc import Collection
from typing import Any, Final

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    false,
    func,
    literal,
    not_,
    or_,
    select,
    true,
)

from . import dialect, vocab
from . import models as m
from .dates import bounds
from .query import Query, Term, actor_name

P = m.pledges.c
A = m.actors.c
AL = m.actor_aliases.c
CM = m.coalition_members.c
PC = m.pledge_conditions.c
PS = m.pledge_sources.c
PT = m.pledge_tags.c
C = m.conditions.c
S = m.sources.c


class _Columns:
    """The pledge columns a filter tests, as themselves or (``probe``) hidden from the planner.

    Hidden columns make SQLite read rows in display order and test each one, instead of
    finding every match through the filter's index and sorting them all: much faster for a
    page of a filter that matches a large share of the ledger.
    """

    def __init__(self, dialect_name: str, probe: bool, rough: bool = False) -> None:
        self.dialect_name, self.probe, self.rough = dialect_name, probe, rough

    def __getattr__(self, name: str) -> ColumnElement[Any]:
        column: ColumnElement[Any] = P[name]
        return dialect.unindexed(self.dialect_name, column) if self.probe else column


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

    ``probe`` shapes it for reading a page in display order (see :class:`_Columns` and
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
    c = _Columns(dialect_name, probe, rough)
    conditions: list[ColumnElement[bool]] = []
    expression = fulltext_expression(query)
    if expression is not None:
        own = c.id.in_(dialect.fulltext_ids(dialect_name, m.pledges, expression))
        via = _words_via_conditions(query, c, titled)
        conditions.append(own if via is None else or_(own, via))
    for term in query.terms:
        if _indexed_text(term) and not term.negated:
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


def _positive_words(query: Query) -> list[str]:
    return [t.values[0] for t in query.terms if _indexed_text(t) and not t.negated]


def free_phrases(query: Query) -> list[str]:
    """The query's free words and phrases the index can see, positive or negated."""
    return list(dict.fromkeys(t.values[0] for t in query.terms if _indexed_text(t)))


def titled_phrases(connection: Any, query: Query) -> frozenset[str]:
    """The query's free words and phrases that the title of some condition holds: the others
    need not be looked for in titles (one statement over the conditions, a small table)."""
    phrases = free_phrases(query)
    name = connection.dialect.name
    tests = [(p, dialect.title_matches(name, C.title, p)) for p in phrases]
    tests = [(p, test) for p, test in tests if test is not None]
    if not tests:
        return frozenset()
    statement = select(*(select(C.id).where(test).exists() for _, test in tests))
    found = connection.execute(statement).one()
    return frozenset(p for (p, _), held in zip(tests, found, strict=True) if held)


def _split(query: Query, titled: Collection[str] | None) -> tuple[list[str], list[str]]:
    """The positive free words: those some condition's title holds, and the others."""
    phrases = _positive_words(query)
    held = [p for p in phrases if titled is None or p in titled]
    return held, [p for p in phrases if p not in held]


def _all_of(phrases: list[str]) -> str:
    return dialect.fulltext_all([p for p in map(dialect.fulltext_phrase, phrases) if p])


def _words_via_conditions(
    query: Query, c: _Columns, titled: Collection[str] | None
) -> ColumnElement[bool] | None:
    """Pledges whose positive free words are each in their own text or in the title of one of
    their conditions, one at least in a title (the index answers those that hold them all);
    None when no condition's title holds any of them.

    A word no title holds must be in the pledge's own text: all such words go to the index as
    one expression, whose few pledges are then tested one by one for the others (their links
    looked up row by row, before the list of the pledges holding the word in their text). Without such words the pledges of the conditions titled so are
    the ones tested, against lists of the pledges holding each word.
    """
    held, others = _split(query, titled)
    if not held:
        return None
    if c.rough:
        return _in_condition_titles(held, c)
    name = c.dialect_name
    if others:
        tests = [
            c.id.in_(dialect.fulltext_ids(name, m.pledges, _all_of(others))),
            _in_condition_titles(held, c, each_row=True),
        ]
        for phrase in held:
            tests.append(
                or_(
                    _in_condition_titles([phrase], c, each_row=True),
                    c.id.in_(_fulltext_ids(phrase, name)),
                )
            )
        return and_(*tests)
    tests = [_in_condition_titles(held, c)]
    if len(held) > 1:
        for phrase in held:
            in_text = c.id.in_(_fulltext_ids(phrase, name))
            tests.append(or_(in_text, _in_condition_titles([phrase], c)))
    return and_(*tests)


def count_only_via_conditions(
    query: Query,
    dialect_name: str,
    titled: Collection[str] | None = None,
    *,
    by_links: bool = True,
) -> Select[Any]:
    """How many pledges a query of free words finds through their conditions' titles alone,
    not through their own text (what a count from the full-text index leaves out).

    ``by_links``: the same test as the filter's is made on the pledge ids of the links to
    the conditions titled so, alone (their index holds them): reading each pledge's row to
    count it costs ten times more. Otherwise, for words that no title holds and fewer
    pledges hold than there are such links, those pledges are tested (see the filter).
    """
    expression = fulltext_expression(query)
    assert expression is not None
    held, others = _split(query, titled)
    conditions = _titled_conditions(held, dialect_name)
    if conditions is None:
        return select(literal(0))
    if others and not by_links:
        c = _Columns(dialect_name, probe=False)
        own = c.id.in_(dialect.fulltext_ids(dialect_name, m.pledges, expression))
        via = _words_via_conditions(query, c, titled)
        assert via is not None
        return select(func.count()).select_from(m.pledges).where(not_(own), via)
    candidates = (
        select(PC.pledge_id.label("id"))
        .where(PC.condition_id.in_(conditions))
        .distinct()
        .subquery()
    )
    pledge = candidates.c.id
    tests: list[ColumnElement[bool]] = [
        not_(pledge.in_(dialect.fulltext_ids(dialect_name, m.pledges, expression)))
    ]
    if others:
        tests.append(pledge.in_(dialect.fulltext_ids(dialect_name, m.pledges, _all_of(others))))
    if len(held) + len(others) > 1:
        for phrase in held:
            titled_so = _titled_conditions([phrase], dialect_name)
            linked = (
                pledge.in_(select(PC.pledge_id).where(PC.condition_id.in_(titled_so)))
                if titled_so is not None
                else false()
            )
            tests.append(or_(pledge.in_(_fulltext_ids(phrase, dialect_name)), linked))
    return select(func.count()).select_from(candidates).where(and_(*tests))


def estimate_words(
    connection: Any, query: Query, titled: Collection[str] | None = None
) -> tuple[int, bool]:
    """At least as many as the pledges a query of positive free words finds, quickly: the
    index's count of those that hold them all, and of those found through titles at most the
    fewer of the links to the conditions titled so and the pledges holding the other words;
    and whether the links are the fewer (see :func:`count_only_via_conditions`)."""
    expression = fulltext_expression(query)
    assert expression is not None
    name = connection.dialect.name
    found = dialect.fulltext_count(connection, expression)
    held, others = _split(query, titled)
    conditions = _titled_conditions(held, name)
    if conditions is None:
        return found, True
    links = select(func.count()).select_from(m.pledge_conditions)
    through = int(connection.execute(links.where(PC.condition_id.in_(conditions))).scalar_one())
    if not others:
        return found + through, True
    holding = dialect.fulltext_count(connection, _all_of(others))
    return found + min(through, holding), through <= holding


def _fulltext_ids(phrase: str, dialect_name: str) -> Select[Any]:
    expression = dialect.fulltext_phrase(phrase)
    assert expression is not None
    return dialect.fulltext_ids(dialect_name, m.pledges, expression)


def _in_condition_titles(
    phrases: list[str], c: _Columns, *, each_row: bool = False
) -> ColumnElement[bool]:
    """Pledges with a condition whose title holds one of the phrases (see
    :func:`db.dialect.title_matches`)."""
    titled = _titled_conditions(phrases, c.dialect_name)
    if titled is None:
        return false()
    return _linked(
        c, select(PC.pledge_id), PC.pledge_id, PC.condition_id.in_(titled), each_row=each_row
    )


def _titled_conditions(phrases: list[str], dialect_name: str) -> Select[Any] | None:
    """The ids of the conditions whose title holds one of the phrases (None if none has words)."""
    matches = [dialect.title_matches(dialect_name, C.title, phrase) for phrase in phrases]
    found = [match for match in matches if match is not None]
    return select(C.id).where(or_(*found)) if found else None


def only_fulltext(query: Query) -> bool:
    """True when the query is nothing but positive free words the index can answer alone."""
    return bool(query.terms) and all(_indexed_text(t) and not t.negated for t in query.terms)


def _term(
    term: Term, dialect_name: str, today: str, c: _Columns, titled: Collection[str] | None
) -> ColumnElement[bool]:
    if term.field is None:
        return _text(term.values[0], dialect_name, c, titled)
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
            return _linked(
                c, select(PT.pledge_id), PT.pledge_id, PT.tag.in_([v.lower() for v in values])
            )
        case "condition":
            return _linked(
                c,
                select(PC.pledge_id).join(m.conditions, C.id == PC.condition_id),
                PC.pledge_id,
                C.key.in_([v.lower() for v in values]),
            )
        case "source":
            return _linked(
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


def _linked(
    c: _Columns,
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


def _flag(flag: str, today: str, c: _Columns) -> ColumnElement[bool]:
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


def _text(
    phrase: str, dialect_name: str, c: _Columns, titled: Collection[str] | None
) -> ColumnElement[bool]:
    """One free word or phrase on its own (a negated one, or one the index cannot see), in the
    pledge's text or in the title of one of its conditions."""
    expression = dialect.fulltext_phrase(phrase)
    if expression is None:
        # Nothing the index can see ("[/]", "%"): a plain substring search of the text.
        pattern = f"%{dialect.escape_like(phrase)}%"
        columns = [c.title, c.text, c.notes]
        own = or_(*(and_(x.is_not(None), x.like(pattern, escape="\\")) for x in columns))
        in_titles = _linked(
            c,
            select(PC.pledge_id).join(m.conditions, C.id == PC.condition_id),
            PC.pledge_id,
            C.title.like(pattern, escape="\\"),
        )
        return own if c.rough else or_(own, in_titles)
    matches: ColumnElement[bool] = c.id.in_(
        dialect.fulltext_ids(dialect_name, m.pledges, expression)
    )
    if c.rough or (titled is not None and phrase not in titled):
        return matches
    return or_(matches, _in_condition_titles([phrase], c))
