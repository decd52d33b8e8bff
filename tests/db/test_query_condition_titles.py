"""Free words find pledges by their own text and by the titles of their conditions."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db import schemas
from db import tables as m
from db.filters import pledge_filter
from db.ledger import Ledger
from db.query import parse
from db.sqlite import fulltext
from tests.support.ledgers import RTL


def keys(ledger: Ledger, query: str) -> set[str]:
    found = set(ledger.matching_pledge_keys(query))
    # The count (which the full-text index answers apart) says the same.
    assert ledger.count_pledges(query) == len(found), query
    return found


def test_a_phrase_finds_the_pledges_that_hang_on_a_condition_so_titled(ledger: Ledger) -> None:
    import fixtures
    from db.interchange import import_files

    import_files(ledger, [fixtures.path()])
    # The sample's us-backstop is "Confirmed US backstop (air and missile defence,
    # intelligence, support if the force is attacked)"; three pledges hang on it.
    hanging = keys(ledger, "condition:us-backstop")
    assert len(hanging) == 3
    assert keys(ledger, '"U.S. support"') == hanging
    assert keys(ledger, '"US backstop"') >= hanging


def test_each_word_may_be_in_the_text_or_in_a_condition_s_title(small: Ledger) -> None:
    # usa-air-support: "Air support is an option", on us-backstop ("Confirmation of U.S.
    # support"); gbr-missiles has "air" in its title but no such condition.
    assert keys(small, 'air "U.S. support"') == {"usa-air-support"}
    assert keys(small, "confirmation") == {
        "usa-air-support",
        "fra-reassurance-force",
        "deu-neighbouring-territory",
    }
    assert keys(small, "confirmation ceasefire") == {
        "fra-reassurance-force",
        "deu-neighbouring-territory",
    }
    # Words start words, in order: "port" is not "support", and the order counts.
    assert keys(small, "port") == set()
    assert keys(small, '"support confirmation"') == set()
    # Negation is the complement.
    assert keys(small, "-confirmation") == {"gbr-troops", "gbr-missiles"}
    assert keys(small, "-confirmation -ceasefire") == {"gbr-missiles"}


def test_titles_are_matched_as_the_index_matches_text(small: Ledger) -> None:
    small.create(
        schemas.Condition(key="elysee", title=f"Élysée confirms [/] \u201cguarantees\u201d {RTL}")
    )
    small.create(schemas.Pledge(key="hangs", title="Plain", pledger="FRA", conditions=["elysee"]))
    for query in ("elysee", "ÉLYSÉE", "guarantees", "دعم", "[/]", '"confirms [/]"'):
        assert keys(small, query) == {"hangs"}, query
    assert keys(small, "-elysee") == keys(small, "") - {"hangs"}


@pytest.mark.parametrize(
    "query", ['"U.S. support"', "confirmation ceasefire", "-confirmation", "[/] -x", "x" * 10_000]
)
def test_probed_pages_select_the_same_rows(small: Ledger, query: str) -> None:
    plain = pledge_filter(parse(query), "sqlite", "2026-01-01")
    probed = pledge_filter(parse(query), "sqlite", "2026-01-01", probe=True)
    with small._reading() as connection:
        found = [
            set(connection.execute(select(m.pledges.c.key).where(w)).scalars())
            for w in (plain, probed)
        ]
    assert found[0] == found[1]


def test_folded_words() -> None:
    assert fulltext.folded_words("U.S. Élysée-backstop (ČR)") == ["us", "elysee", "backstop", "cr"]
    assert fulltext.folded_words("[/] % _") == []


@pytest.mark.parametrize(
    "query",
    ['"U.S. support"', "air confirmation", "reassurance force", "-confirmation air", "zz"],
)
def test_words_no_title_holds_are_left_to_the_index_with_the_same_rows(
    small: Ledger, query: str
) -> None:
    # The ledger tells the filter which words some condition's title holds; told nothing,
    # the filter looks for every word in titles too. Both select the same pledges.
    unknown = pledge_filter(parse(query), "sqlite", "2026-01-01")
    with small._reading() as connection:
        found = set(connection.execute(select(m.pledges.c.key).where(unknown)).scalars())
    assert keys(small, query) == found


@pytest.mark.parametrize(
    "query", ["air confirmation", "confirmation ceasefire", "force confirmation"]
)
def test_both_ways_of_counting_through_titles_agree(small: Ledger, query: str) -> None:
    from db.free_words import count_only_via_conditions

    with small._reading() as connection:
        counts = {
            connection.execute(
                count_only_via_conditions(parse(query), "sqlite", by_links=by_links)
            ).scalar_one()
            for by_links in (True, False)
        }
    assert len(counts) == 1
    assert small.count_pledges(query) == len(small.matching_pledge_keys(query))
