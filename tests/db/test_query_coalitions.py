"""``pledger:FRA`` is France's own pledges; ``pledger:FRA+`` adds those of every coalition
France is a member of (directly or through another coalition), and so for ``beneficiary``
and ``actor``."""

from __future__ import annotations

import pytest

from db import schemas
from db.errors import QueryError
from db.ledger import Ledger
from db.query import parse


def keys(ledger: Ledger, query: str) -> set[str]:
    return set(ledger.matching_pledge_keys(query))


@pytest.fixture
def coalitions(small: Ledger) -> Ledger:
    """The small ledger (COW: FRA, GBR, DEU) with a Franco-British pair, a coalition of
    coalitions (GC: COW), and pledges made by each."""
    small.create(
        schemas.Actor(
            code="FRA-GBR", name="France and UK", kind="coalition", members=["FRA", "GBR"]
        )
    )
    small.create(
        schemas.Actor(code="GC", name="Grand coalition", kind="coalition", members=["COW"])
    )
    for key, pledger, beneficiary in (
        ("cow-guarantees", "COW", "UKR"),
        ("fra-gbr-mission", "FRA-GBR", "UKR"),
        ("g-fund", "GC", "FRA-GBR"),
    ):
        small.create(schemas.Pledge(key=key, title=key, pledger=pledger, beneficiary=beneficiary))
    return small


def test_pledger_stays_exact(coalitions: Ledger) -> None:
    assert keys(coalitions, "pledger:FRA") == {"fra-reassurance-force"}


def test_a_plus_adds_the_coalitions_an_actor_is_a_member_of(coalitions: Ledger) -> None:
    france = {"fra-reassurance-force", "cow-guarantees", "fra-gbr-mission", "g-fund"}
    assert keys(coalitions, "pledger:FRA+") == france
    # By name or alias, in any case, and quoted.
    assert keys(coalitions, "pledger:france+") == france
    assert keys(coalitions, 'pledger:"French Republic"+') == france
    # Germany is in COW (and so in G) but not in the pair.
    assert keys(coalitions, "pledger:DEU+") == {
        "deu-neighbouring-territory",
        "cow-guarantees",
        "g-fund",
    }
    # The US is in no coalition: its own pledges only.
    assert keys(coalitions, "pledger:USA+") == keys(coalitions, "pledger:USA")
    # Negation is the complement, alternatives add up.
    assert keys(coalitions, "-pledger:FRA+") == keys(coalitions, "") - france
    assert keys(coalitions, "pledger:DEU+,USA") == keys(coalitions, "pledger:DEU+") | {
        "usa-air-support"
    }
    assert coalitions.count_pledges("pledger:FRA+") == 4


def test_a_plus_works_for_beneficiary_and_actor(coalitions: Ledger) -> None:
    assert keys(coalitions, "beneficiary:GBR") == set()
    assert keys(coalitions, "beneficiary:GBR+") == {"g-fund"}
    assert keys(coalitions, "actor:GBR+") == {
        "gbr-troops",
        "gbr-missiles",
        "cow-guarantees",
        "fra-gbr-mission",
        "g-fund",
    }


def test_a_cycle_of_coalitions_ends(coalitions: Ledger) -> None:
    cow = coalitions.actor("COW")
    coalitions.update(
        cow.actor.model_copy(update={"members": ["FRA", "GBR", "DEU", "GC"]}), version=cow.version
    )
    assert keys(coalitions, "pledger:DEU+") == {
        "deu-neighbouring-territory",
        "cow-guarantees",
        "g-fund",
    }
    assert keys(coalitions, "pledger:GC+") == {"cow-guarantees", "g-fund"}


def test_two_plus_terms_in_one_query(coalitions: Ledger) -> None:
    assert keys(coalitions, "pledger:FRA+ beneficiary:FRA+") == {"g-fund"}


@pytest.mark.parametrize("query", ["pledger:+", "beneficiary:FRA,+", 'actor:""+', 'pledger:"+"'])
def test_a_plus_alone_is_explained(query: str) -> None:
    with pytest.raises(QueryError, match=r"\+ follows an actor, e\.g\. \w+:FRA\+"):
        parse(query)


def test_text_after_a_quoted_actor_and_its_plus_is_refused() -> None:
    with pytest.raises(QueryError, match="unexpected text after the closing quote"):
        parse('pledger:"France"+x')
    with pytest.raises(QueryError, match="unexpected text after the closing quote"):
        parse('category:"troops"+')
