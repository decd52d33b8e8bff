"""Every rule a record must keep (keys, dates, vocabularies, lengths), broken once: the
message names the field and the rule."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from db import schemas
from db.schemas import Actor, Condition, Pledge, Source

PLEDGE = {"key": "fra-force", "title": "Reassurance force", "pledger": "FRA"}
ACTOR = {"code": "FRA", "name": "France", "kind": "state"}
CONDITION = {"key": "ceasefire", "title": "Ceasefire in force"}
SOURCE = {"key": "elysee", "title": "Elysee briefing"}


def problems(model: type[schemas.Record], data: dict[str, Any]) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    return schemas.validation_messages(caught.value, model)


BROKEN = [
    # (model, base, change, field, fragment of the rule)
    (Actor, ACTOR, {"code": "F"}, "code", "2-16 characters"),
    (Actor, ACTOR, {"code": "fra"}, "code", "did you mean FRA"),
    (Actor, ACTOR, {"code": "FR A"}, "code", "upper case"),
    (Actor, ACTOR, {"code": "A" * 17}, "code", "2-16 characters"),
    (Actor, ACTOR, {"name": ""}, "name", "must not be empty"),
    (Actor, ACTOR, {"name": "n" * 201}, "name", "at most 200"),
    (Actor, ACTOR, {"kind": "country"}, "kind", "use one of: state, organization"),
    (Actor, ACTOR, {"kind": None}, "kind", "is not text"),
    (Actor, ACTOR, {"aliases": "U.S."}, "aliases", "expected a list"),
    (Actor, ACTOR, {"aliases": ["US", "US"]}, "aliases", "listed twice"),
    (Actor, ACTOR, {"members": ["DEU"]}, "members", "only coalitions have members"),
    (Actor, ACTOR, {"affiliation": "FRA", "code": "MACRON"}, "affiliation", "only persons"),
    (Actor, {**ACTOR, "kind": "person"}, {"affiliation": "fr"}, "affiliation", "not an actor code"),
    (Actor, {**ACTOR, "kind": "coalition"}, {"members": ["FRA"]}, "members", "member of itself"),
    (Pledge, PLEDGE, {"key": "Fra Force"}, "key", "a-z, 0-9 or -"),
    (Pledge, PLEDGE, {"key": "k" * 65}, "key", "1-64 characters"),
    (Pledge, PLEDGE, {"key": "-force"}, "key", "starting with a letter or digit"),
    (Pledge, PLEDGE, {"title": ""}, "title", "must not be empty"),
    (Pledge, PLEDGE, {"title": "t" * 301}, "title", "at most 300"),
    (Pledge, PLEDGE, {"title": 42}, "title", "is not text"),
    (Pledge, PLEDGE, {"pledger": None}, "pledger", "is not text"),
    (Pledge, {"key": "x", "title": "t"}, {}, "pledger", "is required"),
    (Pledge, PLEDGE, {"beneficiary": "ukr"}, "beneficiary", "did you mean UKR"),
    (Pledge, PLEDGE, {"category": "Air Defence"}, "category", "not a slug"),
    (Pledge, PLEDGE, {"status": "comitted"}, "status", "did you mean committed"),
    (Pledge, PLEDGE, {"announced": "2025-13"}, "announced", "month 13 does not exist"),
    (Pledge, PLEDGE, {"announced": "04/09/2025"}, "announced", "use YYYY, YYYY-MM or YYYY-MM-DD"),
    (Pledge, PLEDGE, {"announced": 86400}, "announced", "write it as text"),
    (Pledge, PLEDGE, {"due": "86400"}, "due", "is not a date"),
    (Pledge, PLEDGE, {"due": "2025-02-30"}, "due", "has no day 30"),
    (Pledge, PLEDGE, {"due": "2025-09-04T10:00"}, "due", "is not a date"),
    (Pledge, PLEDGE, {"amount": "-5", "unit": "EUR"}, "amount", "amounts are 0 or more"),
    (Pledge, PLEDGE, {"amount": "inf", "unit": "EUR"}, "amount", "not a finite number"),
    (Pledge, PLEDGE, {"amount": "NaN", "unit": "EUR"}, "amount", "not a finite number"),
    (Pledge, PLEDGE, {"amount": float("inf"), "unit": "EUR"}, "amount", "not a finite number"),
    (Pledge, PLEDGE, {"amount": "lots", "unit": "EUR"}, "amount", "is not a number"),
    (Pledge, PLEDGE, {"amount": True, "unit": "EUR"}, "amount", "is not a number"),
    (Pledge, PLEDGE, {"delivered": "-1", "unit": "EUR"}, "delivered", "0 or more"),
    (Pledge, PLEDGE, {"amount": "100"}, "unit", "an amount needs a unit"),
    (Pledge, PLEDGE, {"unit": "u" * 33}, "unit", "at most 32"),
    (Pledge, PLEDGE, {"confidence": "sure"}, "confidence", "confirmed, reported, unverified"),
    (Pledge, PLEDGE, {"conditions": ["Ceasefire"]}, "conditions[0]", "not a key"),
    (Pledge, PLEDGE, {"conditions": ["a", "a"]}, "conditions", "listed twice"),
    (Pledge, PLEDGE, {"sources": "elysee"}, "sources", "expected a list"),
    (Pledge, PLEDGE, {"tags": ["Paris Summit"]}, "tags[0]", "not a slug"),
    (Pledge, PLEDGE, {"supersedes": "fra-force"}, "supersedes", "cannot supersede itself"),
    (Pledge, PLEDGE, {"colour": "red"}, "colour", "allowed fields are: key, title"),
    (Pledge, PLEDGE, {"titel": "x"}, "titel", "did you mean title"),
    (Pledge, PLEDGE, {"text": "t" * 100_001}, "text", "at most 100000"),
    (
        Pledge,
        PLEDGE,
        {"history": [{"date": "2025", "status": "announced"}]},
        "history[0]",
        "needs evidence",
    ),
    (
        Pledge,
        PLEDGE,
        {"history": [{"date": "2025", "status": "maybe", "note": "n"}]},
        "history[0].status",
        "not a pledge status",
    ),
    (
        Pledge,
        PLEDGE,
        {"history": [{"date": "someday", "status": "announced", "note": "n"}]},
        "history[0].date",
        "is not a date",
    ),
    (
        Pledge,
        PLEDGE,
        {"history": [{"date": "2025", "status": "announced", "note": "n", "who": "x"}]},
        "history[0].who",
        "allowed fields are: date, status, note, source",
    ),
    (
        Pledge,
        {**PLEDGE, "status": "committed"},
        {
            "history": [
                {"date": "2025-09", "status": "announced", "note": "a"},
                {"date": "2025-03", "status": "committed", "note": "b"},
            ]
        },
        "history[1].date",
        "oldest first",
    ),
    (
        Pledge,
        {**PLEDGE, "status": "committed"},
        {"history": [{"date": "2025-09", "status": "announced", "note": "a"}]},
        "status",
        "must agree",
    ),
    (
        Condition,
        CONDITION,
        {"status": "done"},
        "status",
        "pending, partially_met, met, failed, waived",
    ),
    (Condition, CONDITION, {"responsible": "usa"}, "responsible", "did you mean USA"),
    (Condition, CONDITION, {"resolved": "soon"}, "resolved", "is not a date"),
    (Source, SOURCE, {"reliability": "G"}, "reliability", "a letter A-F (the source's reliab"),
    (Source, SOURCE, {"reliability": "B7"}, "reliability", "followed by a digit 1-6"),
    (Source, SOURCE, {"reliability": "b2"}, "reliability", "did you mean B2?"),
    (Source, SOURCE, {"reliability": "B", "credibility": "7"}, "credibility", "1, 2, 3, 4, 5, 6"),
    (Source, SOURCE, {"credibility": "2"}, "credibility", "needs the source's reliability too"),
    (Source, SOURCE, {"reliability": "B2", "credibility": "3"}, "credibility", "gives 2; give"),
    (Source, SOURCE, {"published": "2025/09/02"}, "published", "is not a date"),
    (Source, SOURCE, {"key": "Élysée"}, "key", "not a key"),
]


@pytest.mark.parametrize(
    ("model", "base", "change", "field", "fragment"),
    BROKEN,
    ids=[f"{b[0].__name__}.{b[3]}-{i}" for i, b in enumerate(BROKEN)],
)
def test_broken_rule_names_field_and_rule(
    model: type[schemas.Record],
    base: dict[str, Any],
    change: dict[str, Any],
    field: str,
    fragment: str,
) -> None:
    messages = problems(model, {**base, **change})
    assert any(m.startswith(f"{field}:") and fragment in m for m in messages), messages


def test_every_problem_is_reported_not_just_the_first() -> None:
    messages = problems(
        Pledge, {**PLEDGE, "status": "x", "due": "y", "amount": "-1", "unit": "EUR"}
    )
    assert {m.split(":")[0] for m in messages} == {"status", "due", "amount"}


def test_control_characters_are_removed_from_one_line_fields() -> None:
    pledge = Pledge.model_validate({**PLEDGE, "title": "Force\x1b[31m \x00red\x07\n  now\tgo"})
    assert pledge.title == "Force[31m red now go"


def test_long_text_keeps_newlines_and_tabs_but_not_other_controls() -> None:
    pledge = Pledge.model_validate({**PLEDGE, "text": "line one\r\nline\ttwo\x1b\x85\x9b end "})
    assert pledge.text == "line one\nline\ttwo\n end"


def test_right_to_left_marks_and_cjk_are_kept() -> None:
    title = "\u200fدعم\u200f 乌克兰"
    assert Pledge.model_validate({**PLEDGE, "title": title}).title == title


def test_strings_are_not_coerced_from_yaml_style_scalars() -> None:
    # YAML 1.1 would make NO false and 010 eight; the schema sees strings and keeps them.
    actor = Actor.model_validate(
        {"code": "NO", "name": "Norway", "kind": "state", "aliases": ["010"]}
    )
    assert actor.code == "NO"
    assert actor.aliases == ["010"]


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("1600000000", "1600000000"),
        (1600000000, "1600000000"),
        ("1.50", "1.5"),
        (2.5, "2.5"),
        ("1E+3", "1000"),
        ("0", "0"),
        ("1_000", "1000"),
        (Decimal("12.340"), "12.34"),
    ],
)
def test_amounts_are_exact_decimals_with_one_spelling(given: Any, stored: str) -> None:
    pledge = Pledge.model_validate({**PLEDGE, "amount": given, "unit": "EUR"})
    assert pledge.state()["amount"] == stored


@pytest.mark.parametrize("date", ["2025", "2025-09", "2025-09-04", "2024-02-29"])
def test_partial_dates_are_kept_as_written(date: str) -> None:
    assert Pledge.model_validate({**PLEDGE, "announced": date}).announced == date


def test_state_is_json_ready_and_excludes_history() -> None:
    pledge = Pledge.model_validate(
        {
            **PLEDGE,
            "status": "committed",
            "amount": 5,
            "unit": "EUR",
            "history": [{"date": "2025", "status": "committed", "note": "n"}],
        }
    )
    state = pledge.state()
    assert "history" not in state
    assert state["amount"] == "5"
    assert list(state)[:3] == ["key", "title", "text"]


def test_defaults_match_the_design() -> None:
    pledge = Pledge.model_validate(PLEDGE)
    assert (pledge.status, pledge.confidence) == ("announced", "reported")
    assert Condition.model_validate(CONDITION).status == "pending"
