"""A query value that names nothing in the ledger gets a hint with the nearest one that does;
the query runs all the same."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from db import schemas
from db.hints import MOST_HINTS
from db.ledger import Ledger
from tests.support import ROOT


def hints(ledger: Ledger, query: str) -> list[tuple[str, str | None]]:
    return [(h.message, h.suggestion) for h in ledger.query_hints(query)]


def test_a_mistyped_actor_is_named_with_the_nearest_one(small: Ledger) -> None:
    assert hints(small, "pledger:Frnace") == [
        (
            "pledger: no actor has the code, name or alias 'Frnace'; did you mean 'France' (FRA)?",
            "FRA",
        )
    ]
    # By code too, for every actor field, with the coalitions' + kept in the suggestion.
    assert hints(small, "beneficiary:UKRR")[0][1] == "UKR"
    assert hints(small, "actor:Britian+")[0][1] == "GBR+"
    # A value that names an actor by code, name or alias, in any case, needs no hint.
    for query in ("pledger:fra", "pledger:FRANCE", "pledger:britain+", 'actor:"U.S."'):
        assert hints(small, query) == [], query


def test_a_key_that_is_the_start_of_one_offers_it(small: Ledger) -> None:
    assert hints(small, "condition:us") == [
        ("condition: there is no condition 'us'; did you mean us-backstop?", "us-backstop")
    ]
    assert hints(small, "condition:backstop")[0][1] == "us-backstop"  # a part of the key
    assert hints(small, "source:elysee-2025-09-03")[0][1] == "elysee-2025-09-02"
    assert hints(small, "condition:US-Backstop,ceasefire") == []


def test_tags_and_categories_in_use(small: Ledger) -> None:
    assert hints(small, "tag:reasurance-force")[0][1] == "reassurance-force"
    assert hints(small, "category:troop")[0][1] == "troops"
    assert hints(small, "tag:ukef category:TROOPS") == []
    # Nothing near: the hint still says why the list is empty.
    assert hints(small, "tag:zzz") == [("tag: no pledge has the tag 'zzz'", None)]


def test_many_tags_are_read_one_step_per_tag(small: Ledger) -> None:
    small.save_records(
        [
            schemas.Pledge(key=f"p-{i:03d}", title="x", pledger="FRA", tags=[f"tag-{i % 50:02d}"])
            for i in range(300)
        ],
        label="tagged",
    )
    assert hints(small, "tag:tag-07x") == [
        ("tag: no pledge has the tag 'tag-07x'; did you mean tag-07?", "tag-07")
    ]
    assert hints(small, "tag:tag-49,tag-00") == []


def test_negated_terms_are_hinted_and_other_fields_are_not(small: Ledger) -> None:
    assert hints(small, "-pledger:Frnace")[0][1] == "FRA"
    assert hints(small, "status:committed Frnace key:nothing unit:XYZ is:blocked") == []


def test_hostile_values_are_quoted_and_cut(small: Ledger) -> None:
    for value in ("[/]", "[@click=app.quit]", "\u200fx\u202e", "x" * 10_000):
        (message, suggestion), *_ = hints(small, f'pledger:"{value}"')
        assert len(message) < 200 and suggestion is None
        assert "\u200f" not in message and "\u202e" not in message  # escaped by repr
    assert len(hints(small, "tag:" + ",".join(f"t{i}" for i in range(50)))) == MOST_HINTS


def test_pledges_list_prints_the_hints_after_the_list(small: Ledger) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", "list", "--db", str(small.path), "pledger:Frnace"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    assert result.returncode == 0
    assert result.stdout.splitlines()[0].startswith("KEY")  # the (empty) list still comes
    assert result.stderr == (
        "hint: pledger: no actor has the code, name or alias 'Frnace'; "
        "did you mean 'France' (FRA)?\n"
    )


@pytest.mark.parametrize("query", ["pledger:FRA", "status:committed", ""])
def test_no_hint_for_values_that_name_something(small: Ledger, query: str) -> None:
    assert small.query_hints(query) == []
