"""Free words and phrases of a query as SQL: the pledges' own text through the full-text
index, and the titles of their conditions.

All the positive words of a query go to the index as one expression, which it answers by
intersecting its own lists. A word may also be in the title of one of the pledge's conditions
("U.S. support" finds the pledges that hang on "Confirmed US backstop ... support if
attacked"): conditions have no full-text index, so their titles are matched one by one (see
:func:`db.dialect.title_matches`), only for the words some title holds
(:func:`titled_phrases`) and only for the pledges that the index alone does not answer.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, func, literal, not_, or_, select

from . import dialect
from . import tables as m
from .filter_columns import Columns, linked
from .like import containing
from .query import Query, Term
from .sqlite import fulltext
from .tables import PC, C


def indexed_text(term: Term) -> bool:
    """The term is a free word or phrase the full-text index can see (it has a token)."""
    return term.field is None and fulltext.phrase(term.values[0]) is not None


def fulltext_expression(query: Query) -> str | None:
    """The query's positive free words as one full-text expression, or None if it has none."""
    phrases = [
        fulltext.phrase(t.values[0]) for t in query.terms if indexed_text(t) and not t.negated
    ]
    return fulltext.all_of([p for p in phrases if p]) if phrases else None


def _positive_words(query: Query) -> list[str]:
    return [t.values[0] for t in query.terms if indexed_text(t) and not t.negated]


def free_phrases(query: Query) -> list[str]:
    """The query's free words and phrases the index can see, positive or negated."""
    return list(dict.fromkeys(t.values[0] for t in query.terms if indexed_text(t)))


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
    return fulltext.all_of([p for p in map(fulltext.phrase, phrases) if p])


def words_via_conditions(
    query: Query, c: Columns, titled: Collection[str] | None
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
        c = Columns(dialect_name, probe=False)
        own = c.id.in_(dialect.fulltext_ids(dialect_name, m.pledges, expression))
        via = words_via_conditions(query, c, titled)
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
    expression = fulltext.phrase(phrase)
    assert expression is not None
    return dialect.fulltext_ids(dialect_name, m.pledges, expression)


def _in_condition_titles(
    phrases: list[str], c: Columns, *, each_row: bool = False
) -> ColumnElement[bool]:
    """Pledges with a condition whose title holds one of the phrases (see
    :func:`db.dialect.title_matches`)."""
    titled = _titled_conditions(phrases, c.dialect_name)
    if titled is None:
        return false()
    return linked(
        c, select(PC.pledge_id), PC.pledge_id, PC.condition_id.in_(titled), each_row=each_row
    )


def _titled_conditions(phrases: list[str], dialect_name: str) -> Select[Any] | None:
    """The ids of the conditions whose title holds one of the phrases (None if none has words)."""
    matches = [dialect.title_matches(dialect_name, C.title, phrase) for phrase in phrases]
    found = [match for match in matches if match is not None]
    return select(C.id).where(or_(*found)) if found else None


def only_fulltext(query: Query) -> bool:
    """True when the query is nothing but positive free words the index can answer alone."""
    return bool(query.terms) and all(indexed_text(t) and not t.negated for t in query.terms)


def text_term(
    phrase: str, dialect_name: str, c: Columns, titled: Collection[str] | None
) -> ColumnElement[bool]:
    """One free word or phrase on its own (a negated one, or one the index cannot see), in the
    pledge's text or in the title of one of its conditions."""
    expression = fulltext.phrase(phrase)
    if expression is None:
        # Nothing the index can see ("[/]", "%"): a plain substring search of the text.
        pattern = containing(phrase)
        columns = [c.title, c.text, c.notes]
        own = or_(*(and_(x.is_not(None), x.like(pattern, escape="\\")) for x in columns))
        in_titles = linked(
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
