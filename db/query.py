"""The filter language shared by the filter line and ``pledges list``; parsing only, no SQL.

Free words search the text (title, wording, notes, tags, actor names, conditions' titles);
``field:value`` filters (``status:committed``, ``status:announced,committed``, ``pledger:FRA``,
``pledger:FRA+`` with the coalitions France is a member of, ``is:conditional``,
``announced:>=2025-09``, ``due:<2026``); ``-`` negates a term; double quotes group words.
Terms are combined with AND. A malformed query raises :class:`~db.errors.QueryError` saying
what is wrong and at which column, so the UI can point at it. The syntax, and the limits of
:data:`MAX_TERMS` terms and :data:`MAX_VALUES` values a term, are :mod:`db.filter_syntax`'s.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Sequence
from functools import lru_cache
from typing import Final

from . import filter_syntax as syntax
from . import vocab
from .dates import ACCEPTED_FORMS, PartialDateError, parse_partial_date
from .errors import QueryError
from .filter_syntax import MAX_TERMS, MAX_VALUES, OPERATORS, Query, Scanner, Term

__all__ = [
    "ACTOR_FIELDS",
    "DATE_FIELDS",
    "FIELDS",
    "MAX_TERMS",
    "MAX_VALUES",
    "OPERATORS",
    "WITH_COALITIONS",
    "Query",
    "Term",
    "actor_name",
    "parse",
]

#: Field name -> what it filters on (shown in help and in "unknown field" messages).
FIELDS: Final[dict[str, str]] = {
    "status": "pledge status, e.g. status:committed or status:announced,committed",
    "pledger": "the pledger's code, name or alias; with + also the coalitions it is a member "
    "of, e.g. pledger:FRA or pledger:FRA+",
    "beneficiary": "the beneficiary's code, name or alias (+ as for pledger), e.g. beneficiary:UKR",
    "actor": "pledger or beneficiary (+ as for pledger), e.g. actor:USA",
    "category": "category, e.g. category:troops",
    "tag": "tag, e.g. tag:paris-declaration",
    "condition": "condition key, e.g. condition:us-backstop",
    "source": "source key the pledge cites",
    "confidence": "confirmed, reported or unverified",
    "is": "conditional, blocked, overdue or unconditional",
    "announced": "announcement date, e.g. announced:2025 or announced:>=2025-09",
    "due": "due date, e.g. due:<2026",
    "key": "pledge key",
    "unit": "unit of the amount, e.g. unit:EUR",
}
DATE_FIELDS: Final = frozenset({"announced", "due"})
#: Fields that name actors; a value ending in :data:`WITH_COALITIONS` also takes in every
#: coalition the actor is a member of (directly or through another coalition).
ACTOR_FIELDS: Final = frozenset({"pledger", "beneficiary", "actor"})
WITH_COALITIONS: Final = "+"
#: The fields that take only some words, and those words.
WORDS: Final[dict[str, Collection[str]]] = {
    "status": vocab.PLEDGE_STATUSES,
    "confidence": vocab.CONFIDENCE_LEVELS,
    "is": vocab.PLEDGE_FLAGS,
}
_RESERVED: Final = frozenset({"AND", "OR", "NOT"})


def _nearest(value: str, known: Sequence[str]) -> str | None:
    close = difflib.get_close_matches(value, known, n=1)
    return close[0] if close else None


def _fold(value: str) -> str:
    """A vocabulary word as typed, as the vocabulary writes it (``in-progress``: in_progress)."""
    return value.lower().replace("-", "_")


@lru_cache(maxsize=256)
def parse(source: str) -> Query:
    """Parse a query string into a :class:`Query`, or raise :class:`QueryError`."""
    return syntax.parse(source, _LANGUAGE)


def _not_reserved(word: str, position: int) -> None:
    if word in _RESERVED:
        raise QueryError(
            f"{word} is not an operator here: terms are always combined (all must hold); "
            "to allow several values write field:a,b; to search for the word, put it in quotes",
            position,
            len(word),
        )


def _field_term(scanner: Scanner, field: str, negated: bool, start: int, word_start: int) -> Term:
    value_start = scanner.pos
    if field not in FIELDS:
        raise syntax.unknown_field(field, FIELDS, word_start, _nearest, "fields are")
    if scanner.at_space():
        raise syntax.needs_value(field, FIELDS[field], word_start, len(field) + 1)
    quote = scanner.peek() == '"'
    values = scanner.values()
    if quote:
        if field in ACTOR_FIELDS and scanner.peek() == WITH_COALITIONS:
            scanner.pos += 1  # pledger:"United Kingdom"+
            values = (values[0] + WITH_COALITIONS,)
        if not scanner.at_space():
            raise QueryError("unexpected text after the closing quote", scanner.pos)
    end = scanner.pos
    if len(values) > MAX_VALUES:
        raise QueryError(
            f"{field}: {len(values)} values, more than the {MAX_VALUES} a term may hold",
            value_start,
            end - value_start,
        )
    if any(not v.strip() for v in values):
        raise QueryError(
            f"{field}: empty value in {syntax.quoted(scanner.source[value_start:end])}",
            value_start,
            end - value_start,
        )
    if field in DATE_FIELDS:
        return _date_term(field, values, negated, start, end, value_start)
    if field in ACTOR_FIELDS and any(not actor_name(v)[0].strip() for v in values):
        raise QueryError(
            f"{field}: {WITH_COALITIONS} follows an actor, e.g. {field}:FRA{WITH_COALITIONS} "
            "(France and the coalitions it is a member of)",
            value_start,
            end - value_start,
        )
    if field in WORDS:
        values = syntax.checked_words(field, values, value_start, WORDS[field], _fold, _nearest)
    return Term(field, values, negated, None, start, end)


def actor_name(value: str) -> tuple[str, bool]:
    """The actor a value of an actor field names, and whether it takes in its coalitions
    (``FRA+``)."""
    if value.endswith(WITH_COALITIONS):
        return value[: -len(WITH_COALITIONS)], True
    return value, False


def _date_term(
    field: str, values: tuple[str, ...], negated: bool, start: int, end: int, position: int
) -> Term:
    example = f"{field}:>=2025-03 {field}:<2025-10"
    operator, value = syntax.one_date(field, values, position, end, example)
    try:
        date = parse_partial_date(value)
    except PartialDateError:
        raise QueryError(
            f"{field}: {syntax.quoted(value)} is not a date; {ACCEPTED_FORMS}, optionally after "
            f"<, <=, > or >= (e.g. {field}:>=2025-09)",
            position,
            end - position,
        ) from None
    return Term(field, (date,), negated, operator or "=", start, end)


_LANGUAGE: Final = syntax.Language(
    field_term=_field_term,
    lone_minus="a lone '-' negates nothing; write it before a term, e.g. -status:withdrawn",
    too_many=f"the query has more than {MAX_TERMS} terms, the most a query may hold; to allow "
    "several values of a field, write them in one term: field:a,b",
    free_word=_not_reserved,
)
