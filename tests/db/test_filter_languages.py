"""The two filter languages, term by term and refusal by refusal: what each accepts, and what
it says (and where) about what it refuses. The pledge list's query language (:mod:`db.query`)
and the History view's (:mod:`db.history_query`) share their syntax; these tables pin down
where they differ, so that sharing more code between them cannot change either.

Each outcome is the terms parsed, as ``(field, values, negated, operator, start, end)``, or
``("error", message, position, length)``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from db import history_query, query
from db.errors import QueryError

Outcome = tuple[Any, ...]


def outcome(parse: Callable[[str], query.Query], text: str) -> Outcome:
    try:
        parsed = parse(text)
    except QueryError as error:
        return ("error", error.message, error.position, error.length)
    return tuple((t.field, t.values, t.negated, t.operator, t.start, t.end) for t in parsed.terms)


PLEDGE_QUERIES: list[tuple[str, Outcome]] = [
    ("", ()),
    ("   ", ()),
    ("ceasefire", ((None, ("ceasefire",), False, None, 0, 9),)),
    (
        "ceasefire  backstop",
        ((None, ("ceasefire",), False, None, 0, 9), (None, ("backstop",), False, None, 11, 19)),
    ),
    (
        "a\tb\nc",
        (
            (None, ("a",), False, None, 0, 1),
            (None, ("b",), False, None, 2, 3),
            (None, ("c",), False, None, 4, 5),
        ),
    ),
    ('"U.S. support"', ((None, ("U.S. support",), False, None, 0, 14),)),
    ("-withdrawn", ((None, ("withdrawn",), True, None, 0, 10),)),
    ('-"U.S. support"', ((None, ("U.S. support",), True, None, 0, 15),)),
    ("status:committed", (("status", ("committed",), False, None, 0, 16),)),
    ("Status:COMMITTED", (("status", ("committed",), False, None, 0, 16),)),
    ("status:announced,committed", (("status", ("announced", "committed"), False, None, 0, 26),)),
    ("status:in-progress", (("status", ("in_progress",), False, None, 0, 18),)),
    ("-status:withdrawn", (("status", ("withdrawn",), True, None, 0, 17),)),
    ("pledger:FRA", (("pledger", ("FRA",), False, None, 0, 11),)),
    ("pledger:FRA+", (("pledger", ("FRA+",), False, None, 0, 12),)),
    ('pledger:"United Kingdom"+', (("pledger", ("United Kingdom+",), False, None, 0, 25),)),
    ('beneficiary:"United Kingdom"', (("beneficiary", ("United Kingdom",), False, None, 0, 28),)),
    ("actor:usa+", (("actor", ("usa+",), False, None, 0, 10),)),
    ("is:conditional,blocked", (("is", ("conditional", "blocked"), False, None, 0, 22),)),
    ("confidence:Confirmed", (("confidence", ("confirmed",), False, None, 0, 20),)),
    ("announced:2025", (("announced", ("2025",), False, "=", 0, 14),)),
    ("announced:>=2025-09", (("announced", ("2025-09",), False, ">=", 0, 19),)),
    ("due:<2026", (("due", ("2026",), False, "<", 0, 9),)),
    ("due:=2026-03-01", (("due", ("2026-03-01",), False, "=", 0, 15),)),
    ("due:<=2026-03", (("due", ("2026-03",), False, "<=", 0, 13),)),
    ("announced:>2025", (("announced", ("2025",), False, ">", 0, 15),)),
    ("key:fra-*", (("key", ("fra-*",), False, None, 0, 9),)),
    ("tag:paris-declaration", (("tag", ("paris-declaration",), False, None, 0, 21),)),
    ("condition:us-backstop", (("condition", ("us-backstop",), False, None, 0, 21),)),
    ("source:x", (("source", ("x",), False, None, 0, 8),)),
    ("unit:EUR", (("unit", ("EUR",), False, None, 0, 8),)),
    ("category:troops", (("category", ("troops",), False, None, 0, 15),)),
    ("ñ:x", ((None, ("ñ:x",), False, None, 0, 3),)),
    ("12:30", ((None, ("12:30",), False, None, 0, 5),)),
    ("e-mail:x", ((None, ("e-mail:x",), False, None, 0, 8),)),
    (
        'is:overdue status:committed ceasefire -"x y"',
        (
            ("is", ("overdue",), False, None, 0, 10),
            ("status", ("committed",), False, None, 11, 27),
            (None, ("ceasefire",), False, None, 28, 37),
            (None, ("x y",), True, None, 38, 44),
        ),
    ),
    ('tag:"a b"', (("tag", ("a b",), False, None, 0, 9),)),
    ('tag:"say \\"hi\\""', (("tag", ('say "hi"',), False, None, 0, 16),)),
    ('tag:"back\\\\slash"', (("tag", ("back\\slash",), False, None, 0, 17),)),
    ("and", ((None, ("and",), False, None, 0, 3),)),
    (
        "or:",
        (
            "error",
            "unknown field 'or'; fields are: status, pledger, beneficiary, actor, category, tag, condition, source, confidence, is, announced, due, key, unit (to search for the text itself, put it in quotes)",
            0,
            2,
        ),
    ),
    ("x-y", ((None, ("x-y",), False, None, 0, 3),)),
    ('"unclosed', ("error", 'this quote is never closed; add a closing "', 0, 9)),
    ('"reassurance force', ("error", 'this quote is never closed; add a closing "', 0, 18)),
    (
        'say"what',
        (
            "error",
            'a quote inside a word; put the whole phrase in quotes, e.g. "U.S. support"',
            3,
            1,
        ),
    ),
    ('""', ("error", "empty quotes search for nothing", 0, 2)),
    ('"  "', ("error", "empty quotes search for nothing", 0, 4)),
    (
        "-",
        (
            "error",
            "a lone '-' negates nothing; write it before a term, e.g. -status:withdrawn",
            0,
            1,
        ),
    ),
    (
        "a - b",
        (
            "error",
            "a lone '-' negates nothing; write it before a term, e.g. -status:withdrawn",
            2,
            1,
        ),
    ),
    (
        "- a",
        (
            "error",
            "a lone '-' negates nothing; write it before a term, e.g. -status:withdrawn",
            0,
            1,
        ),
    ),
    (
        "AND",
        (
            "error",
            "AND is not an operator here: terms are always combined (all must hold); to allow several values write field:a,b; to search for the word, put it in quotes",
            0,
            3,
        ),
    ),
    (
        "a OR b",
        (
            "error",
            "OR is not an operator here: terms are always combined (all must hold); to allow several values write field:a,b; to search for the word, put it in quotes",
            2,
            2,
        ),
    ),
    (
        "NOT x",
        (
            "error",
            "NOT is not an operator here: terms are always combined (all must hold); to allow several values write field:a,b; to search for the word, put it in quotes",
            0,
            3,
        ),
    ),
    (
        "stat:committed",
        (
            "error",
            "unknown field 'stat'; did you mean status? fields are: status, pledger, beneficiary, actor, category, tag, condition, source, confidence, is, announced, due, key, unit (to search for the text itself, put it in quotes)",
            0,
            4,
        ),
    ),
    (
        "colour:red",
        (
            "error",
            "unknown field 'colour'; fields are: status, pledger, beneficiary, actor, category, tag, condition, source, confidence, is, announced, due, key, unit (to search for the text itself, put it in quotes)",
            0,
            6,
        ),
    ),
    (
        "status:",
        (
            "error",
            "status: needs a value, e.g. status:committed or status:announced,committed",
            0,
            7,
        ),
    ),
    (
        "status: committed",
        (
            "error",
            "status: needs a value, e.g. status:committed or status:announced,committed",
            0,
            7,
        ),
    ),
    ('status:"committed"x', ("error", "unexpected text after the closing quote", 18, 1)),
    ('tag:"a"b', ("error", "unexpected text after the closing quote", 7, 1)),
    ("status:a,,b", ("error", "status: empty value in 'a,,b'", 7, 4)),
    ("status:,", ("error", "status: empty value in ','", 7, 1)),
    (
        "status:comitted",
        (
            "error",
            "status: 'comitted' is not one of announced, committed, in_progress, delivered, stalled, withdrawn, broken, superseded; did you mean committed?",
            7,
            8,
        ),
    ),
    (
        "status:nonsense",
        (
            "error",
            "status: 'nonsense' is not one of announced, committed, in_progress, delivered, stalled, withdrawn, broken, superseded",
            7,
            8,
        ),
    ),
    (
        "is:conditionl",
        (
            "error",
            "is: 'conditionl' is not one of conditional, blocked, overdue, unconditional; did you mean conditional?",
            3,
            10,
        ),
    ),
    (
        "is:late",
        ("error", "is: 'late' is not one of conditional, blocked, overdue, unconditional", 3, 4),
    ),
    (
        "confidence:sure",
        ("error", "confidence: 'sure' is not one of confirmed, reported, unverified", 11, 4),
    ),
    (
        "announced:2025,2026",
        (
            "error",
            "announced: takes one date, not a list; use two terms for a range, e.g. announced:>=2025-03 announced:<2025-10",
            10,
            9,
        ),
    ),
    (
        "announced:soon",
        (
            "error",
            "announced: 'soon' is not a date; use YYYY, YYYY-MM or YYYY-MM-DD, optionally after <, <=, > or >= (e.g. announced:>=2025-09)",
            10,
            4,
        ),
    ),
    (
        "due:2025-13",
        (
            "error",
            "due: '2025-13' is not a date; use YYYY, YYYY-MM or YYYY-MM-DD, optionally after <, <=, > or >= (e.g. due:>=2025-09)",
            4,
            7,
        ),
    ),
    (
        "announced:>=",
        (
            "error",
            "announced: '' is not a date; use YYYY, YYYY-MM or YYYY-MM-DD, optionally after <, <=, > or >= (e.g. announced:>=2025-09)",
            10,
            2,
        ),
    ),
    (
        "due:>=13/2025",
        (
            "error",
            "due: '13/2025' is not a date; use YYYY, YYYY-MM or YYYY-MM-DD, optionally after <, <=, > or >= (e.g. due:>=2025-09)",
            4,
            9,
        ),
    ),
    (
        "pledger:+",
        (
            "error",
            "pledger: + follows an actor, e.g. pledger:FRA+ (France and the coalitions it is a member of)",
            8,
            1,
        ),
    ),
    (
        "pledger:FRA,+",
        (
            "error",
            "pledger: + follows an actor, e.g. pledger:FRA+ (France and the coalitions it is a member of)",
            8,
            5,
        ),
    ),
    ('pledger:"FRA"+x', ("error", "unexpected text after the closing quote", 14, 1)),
    (
        "https://example.org",
        (
            "error",
            "unknown field 'https'; fields are: status, pledger, beneficiary, actor, category, tag, condition, source, confidence, is, announced, due, key, unit (to search for the text itself, put it in quotes)",
            0,
            5,
        ),
    ),
    (
        "a:b",
        (
            "error",
            "unknown field 'a'; fields are: status, pledger, beneficiary, actor, category, tag, condition, source, confidence, is, announced, due, key, unit (to search for the text itself, put it in quotes)",
            0,
            1,
        ),
    ),
    ("x\x00y", ("error", "the query contains a control character (U+0000)", 1, 1)),
    ("x\x1b[31m", ("error", "the query contains a control character (U+001B)", 1, 1)),
    (
        "x\udcff",
        (
            "error",
            "the query holds the byte 0xff, which is not UTF-8 text; type it again in a UTF-8 terminal",
            1,
            1,
        ),
    ),
    (
        "ab \ud800",
        ("error", "the query holds U+D800, a lone surrogate, which is not a character", 3, 1),
    ),
    ("tab\x7f", ("error", "the query contains a control character (U+007F)", 3, 1)),
    ("\x9f", ("error", "the query contains a control character (U+009F)", 0, 1)),
    ('tag:"', ("error", 'this quote is never closed; add a closing "', 4, 1)),
    ('-"', ("error", 'this quote is never closed; add a closing "', 1, 1)),
    ('a "b', ("error", 'this quote is never closed; add a closing "', 2, 2)),
    ("key:", ("error", "key: needs a value, e.g. pledge key", 0, 4)),
    (
        "-status:",
        (
            "error",
            "status: needs a value, e.g. status:committed or status:announced,committed",
            1,
            7,
        ),
    ),
]

HISTORY_FILTERS: list[tuple[str, Outcome]] = [
    ("", ()),
    ("ana", ((None, ("ana",), False, None, 0, 3),)),
    ("ana maria", ((None, ("ana",), False, None, 0, 3), (None, ("maria",), False, None, 4, 9))),
    ('"undo: edit"', ((None, ("undo: edit",), False, None, 0, 12),)),
    ("-ana", ((None, ("ana",), True, None, 0, 4),)),
    ('-"a b"', ((None, ("a b",), True, None, 0, 6),)),
    ("-7d", ((None, ("-7d",), False, None, 0, 3),)),
    ("-2W", ((None, ("-2W",), False, None, 0, 3),)),
    ("recorded:>=2026-11-25", (("recorded", ("2026-11-25",), False, ">=", 0, 21),)),
    ("recorded:2026-11", (("recorded", ("2026-11",), False, "=", 0, 16),)),
    ("recorded:<2026", (("recorded", ("2026",), False, "<", 0, 14),)),
    ("recorded:=2026-11-25", (("recorded", ("2026-11-25",), False, "=", 0, 20),)),
    ("effective:2025-09", (("effective", ("2025-09",), False, "=", 0, 17),)),
    ("effective:<=2025", (("effective", ("2025",), False, "<=", 0, 16),)),
    ("effective:>2025-03", (("effective", ("2025-03",), False, ">", 0, 18),)),
    ("author:ana", (("author", ("ana",), False, None, 0, 10),)),
    ("Author:Ana", (("author", ("Ana",), False, None, 0, 10),)),
    ("who:ana", (("author", ("ana",), False, None, 0, 7),)),
    ("record:us-backstop", (("key", ("us-backstop",), False, None, 0, 18),)),
    ("type:actor,pledge", (("type", ("actor", "pledge"), False, None, 0, 17),)),
    ("type:Pledge", (("type", ("pledge",), False, None, 0, 11),)),
    ("action:status", (("action", ("status",), False, None, 0, 13),)),
    ("action:undo,create", (("action", ("undo", "create"), False, None, 0, 18),)),
    ("is:undone", (("is", ("undone",), False, None, 0, 9),)),
    ("-is:undone", (("is", ("undone",), True, None, 0, 10),)),
    ("is:standing,import", (("is", ("standing", "import"), False, None, 0, 18),)),
    ("key:us-backstop", (("key", ("us-backstop",), False, None, 0, 15),)),
    ('author:"ana maria"', (("author", ("ana maria",), False, None, 0, 18),)),
    (
        'author:"ana"x',
        (("author", ("ana",), False, None, 0, 12), (None, ("x",), False, None, 12, 13)),
    ),
    ("ñ:x", ((None, ("ñ:x",), False, None, 0, 3),)),
    ("12:30", ((None, ("12:30",), False, None, 0, 5),)),
    ("AND", ((None, ("AND",), False, None, 0, 3),)),
    (
        "a OR b",
        (
            (None, ("a",), False, None, 0, 1),
            (None, ("OR",), False, None, 2, 4),
            (None, ("b",), False, None, 5, 6),
        ),
    ),
    (
        "x:y",
        (
            "error",
            "unknown field 'x'; the History view's fields are: recorded, effective, author, type, action, key, is (to search for the text itself, put it in quotes)",
            0,
            1,
        ),
    ),
    (
        "whom:ana",
        (
            "error",
            "unknown field 'whom'; the History view's fields are: recorded, effective, author, type, action, key, is (to search for the text itself, put it in quotes)",
            0,
            4,
        ),
    ),
    (
        "autor:ana",
        (
            "error",
            "unknown field 'autor'; did you mean author? the History view's fields are: recorded, effective, author, type, action, key, is (to search for the text itself, put it in quotes)",
            0,
            5,
        ),
    ),
    (
        "type:",
        (
            "error",
            "type: needs a value, e.g. the record's type: pledge, condition, actor or source",
            0,
            5,
        ),
    ),
    (
        "type: pledge",
        (
            "error",
            "type: needs a value, e.g. the record's type: pledge, condition, actor or source",
            0,
            5,
        ),
    ),
    ("type:a,,b", ("error", "type: empty value, or more than 100 values", 5, 4)),
    ("type:,", ("error", "type: empty value, or more than 100 values", 5, 1)),
    (
        "type:plege",
        (
            "error",
            "type: 'plege' is not one of pledge, condition, actor, source; did you mean pledge?",
            5,
            5,
        ),
    ),
    (
        "type:nonsense",
        ("error", "type: 'nonsense' is not one of pledge, condition, actor, source", 5, 8),
    ),
    (
        "action:stat",
        (
            "error",
            "action: 'stat' is not one of create, update, status, link, unlink, delete, undo, redo; did you mean status?",
            7,
            4,
        ),
    ),
    (
        "is:undon",
        (
            "error",
            "is: 'undon' is not one of undone, standing, undo, redo, import; did you mean undone?",
            3,
            5,
        ),
    ),
    (
        "recorded:2026,2027",
        (
            "error",
            "recorded: takes one date, not a list; use two terms for a range, e.g. recorded:>=2026-11-01 recorded:<2026-12",
            9,
            9,
        ),
    ),
    (
        "recorded:yesterday",
        (
            "error",
            "recorded: 'yesterday' is not a date; use YYYY, YYYY-MM or YYYY-MM-DD, or -7d (days) or -2w (weeks) ago, optionally after <, <=, > or >= (e.g. recorded:>=2026-11-25)",
            9,
            9,
        ),
    ),
    (
        "recorded:>=",
        (
            "error",
            "recorded: '' is not a date; use YYYY, YYYY-MM or YYYY-MM-DD, or -7d (days) or -2w (weeks) ago, optionally after <, <=, > or >= (e.g. recorded:>=2026-11-25)",
            9,
            2,
        ),
    ),
    (
        "effective:13/2025",
        (
            "error",
            "effective: '13/2025' is not a date; use YYYY, YYYY-MM or YYYY-MM-DD, or -7d (days) or -2w (weeks) ago, optionally after <, <=, > or >= (e.g. effective:>=2026-11-25)",
            10,
            7,
        ),
    ),
    ("-", ("error", "a lone '-' negates nothing; write it before a term", 0, 1)),
    ("a - b", ("error", "a lone '-' negates nothing; write it before a term", 2, 1)),
    ('"open', ("error", 'this quote is never closed; add a closing "', 0, 5)),
    ('""', ("error", "empty quotes search for nothing", 0, 2)),
    ('"  "', ("error", "empty quotes search for nothing", 0, 4)),
    (
        'say"x',
        (
            "error",
            'a quote inside a word; put the whole phrase in quotes, e.g. "U.S. support"',
            3,
            1,
        ),
    ),
    ("x\x00y", ("error", "the query contains a control character (U+0000)", 1, 1)),
    (
        "x\udcff",
        (
            "error",
            "the query holds the byte 0xff, which is not UTF-8 text; type it again in a UTF-8 terminal",
            1,
            1,
        ),
    ),
    (
        "ab \ud800",
        ("error", "the query holds U+D800, a lone surrogate, which is not a character", 3, 1),
    ),
    ("key:", ("error", "key: needs a value, e.g. key:us-backstop", 0, 4)),
    ("who:", ("error", "author: needs a value, e.g. author:ana", 0, 4)),
    ('key:"', ("error", 'this quote is never closed; add a closing "', 4, 1)),
]


@pytest.mark.parametrize(("text", "expected"), PLEDGE_QUERIES)
def test_the_query_language_parses_and_refuses_as_it_always_has(
    text: str, expected: Outcome
) -> None:
    assert outcome(query.parse, text) == expected


@pytest.mark.parametrize(("text", "expected"), HISTORY_FILTERS)
def test_the_history_filter_parses_and_refuses_as_it_always_has(
    text: str, expected: Outcome
) -> None:
    assert outcome(history_query.parse, text) == expected


def test_a_refusal_names_its_column() -> None:
    with pytest.raises(QueryError) as caught:
        query.parse("status:comitted")
    assert str(caught.value).endswith("did you mean committed? (at column 8)")


def test_a_query_holds_at_most_100_terms_and_a_term_100_values() -> None:
    assert len(query.parse(" ".join(["w"] * 100)).terms) == 100
    assert outcome(query.parse, " ".join(["w"] * 101)) == (
        "error",
        "the query has more than 100 terms, the most a query may hold; to allow several "
        "values of a field, write them in one term: field:a,b",
        200,
        1,
    )
    assert len(query.parse("tag:" + ",".join(["t"] * 100)).terms[0].values) == 100
    many = "status:" + ",".join(["committed"] * 101)
    assert outcome(query.parse, many) == (
        "error",
        "status: 101 values, more than the 100 a term may hold",
        7,
        len(many) - 7,
    )


def test_a_history_filter_holds_at_most_100_terms_and_a_term_100_values() -> None:
    assert len(history_query.parse(" ".join(["w"] * 100)).terms) == 100
    assert outcome(history_query.parse, " ".join(["w"] * 101)) == (
        "error",
        "the filter has more than 100 terms, the most it may hold",
        200,
        1,
    )
    many = "type:" + ",".join(["pledge"] * 101)
    assert outcome(history_query.parse, many) == (
        "error",
        "type: empty value, or more than 100 values",
        5,
        len(many) - 5,
    )


def test_a_history_filter_takes_days_and_weeks_ago() -> None:
    today = dt.datetime.now(dt.UTC).date()
    week = (today - dt.timedelta(days=7)).isoformat()
    fortnight = (today - dt.timedelta(days=14)).isoformat()
    assert outcome(history_query.parse, "recorded:-7d") == (
        ("recorded", (week,), False, ">=", 0, 12),
    )
    assert outcome(history_query.parse, "-recorded:<-2W") == (
        ("recorded", (fortnight,), True, "<", 0, 14),
    )
    assert outcome(history_query.parse, "effective:-7d,-2w")[0:2] == (
        "error",
        "effective: takes one date, not a list; use two terms for a range, e.g. "
        "effective:>=2026-11-01 effective:<2026-12",
    )
