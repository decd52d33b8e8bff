"""Fuzzing the query language: every query parses or is refused with a :class:`QueryError`
that points into the query and is bounded in length; every query that parses runs on the
ledger (count, page, facets, keys) without any error. Nothing hangs.

Queries: any text (controls and lone surrogates included, as a terminal that is not UTF-8
hands them over), and queries built of the language's own pieces: fields, operators, quotes,
lists of values, negation, hundreds of terms, long values, the highest characters.

``PLEDGES_RELIABILITY_SCALE`` (default 1) multiplies the number of examples.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from db.api_types import Sort
from db.errors import QueryError
from db.ledger import Ledger
from db.query import FIELDS, parse
from tests.support.fuzzing import fuzz, time_limit
from tests.support.ledgers import small_ledger

MESSAGE_LIMIT = 2000
EXAMPLE_SECONDS = 30


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    path = tmp_path_factory.mktemp("fuzz-query") / "ledger.sqlite"
    with Ledger.open(path, author="fuzzer") as opened:
        yield small_ledger(opened)


def parses_and_runs_or_is_refused(ledger: Ledger, query: str) -> None:
    """The property."""
    with time_limit(EXAMPLE_SECONDS, "the query"):
        try:
            parse(query)
        except QueryError as error:
            assert 0 <= error.position <= len(query)
            assert error.length >= 1
            assert error.message.strip()
            assert len(str(error)) <= MESSAGE_LIMIT, str(error)[:300]
            return
        # A query the parser accepts is one the ledger can answer: any error here is a bug.
        count = ledger.count_pledges(query)
        assert 0 <= count <= 5
        assert len(ledger.matching_pledge_keys(query)) == count
        page = ledger.pledge_page(query, Sort("title", True), limit=3)
        assert len(page.rows) == min(3, count)
        assert sum(facet.count for facet in ledger.facets(query).status) == count


#: Any character at all, lone surrogates and controls included, mixed with the characters
#: the language gives a meaning to (else almost every string holds a control character and
#: is refused at once).
ANY_TEXT = st.lists(
    st.one_of(
        st.characters(exclude_categories=()),
        st.sampled_from([" ", " ", ":", "-", '"', ",", "*", "\\", "key:", "is:", "due:<"]),
        st.sampled_from(["\udcff", "\ud800", "\U0010ffff", "\ufffe", "\u200f", "é", "x"]),
    ),
    max_size=60,
).map("".join)


@fuzz(150)
@given(query=ANY_TEXT)
def test_any_text_is_a_query_or_a_query_error(ledger: Ledger, query: str) -> None:
    parses_and_runs_or_is_refused(ledger, query)


VALUES = st.sampled_from(
    [
        "committed",
        "in-progress",
        "FRA",
        "united kingdom",
        "troops",
        "conditional",
        "overdue",
        "2025",
        ">=2025-09",
        "<2026",
        "<=2025-02-30",
        "gbr-*",
        "*",
        "a*b",
        "\U0010ffff*",
        "\ud7ff*",
        "%",
        "_",
        "[/]",
        "'",
        "\\",
        "",
        "x" * 5000,
        "9" * 5000,
    ]
)
NAMES = st.sampled_from([*FIELDS, "colour", "Status", "x" * 3000, "http", ""])


@st.composite
def terms(draw: st.DrawFn) -> str:
    negated = draw(st.sampled_from(["", "", "-", "--"]))
    match draw(st.sampled_from(["field", "word", "phrase", "reserved"])):
        case "field":
            values = draw(st.lists(VALUES, min_size=1, max_size=draw(st.sampled_from([3, 120]))))
            value = ",".join(values)
            if draw(st.booleans()) and len(values) == 1:
                value = '"' + value.replace('"', '\\"') + draw(st.sampled_from(['"', ""]))
            return f"{negated}{draw(NAMES)}:{value}"
        case "word":
            return negated + draw(st.sampled_from(["troops", "air", "uk", "é", "乌克兰", "a:b"]))
        case "phrase":
            return negated + '"' + draw(st.sampled_from(["U.S. support", "", " ", 'a\\"b'])) + '"'
        case _:
            return draw(st.sampled_from(["AND", "OR", "NOT", "-", '"']))


@fuzz(120)
@given(parts=st.lists(terms(), max_size=8), repeat=st.sampled_from([1, 1, 1, 20, 70, 110]))
def test_queries_built_of_the_languages_pieces(
    ledger: Ledger, parts: list[str], repeat: int
) -> None:
    parses_and_runs_or_is_refused(ledger, " ".join(parts * repeat))
