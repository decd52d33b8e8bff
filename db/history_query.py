"""The History view's filter: which change-log entries, by field, in the filter language's form.

``recorded:>=2026-11-25`` or ``recorded:-7d`` (the last seven days: ``d`` days, ``w`` weeks),
``effective:2025-09``, ``author:ana`` (or ``who:``), ``type:actor``, ``action:status``,
``key:us-backstop``, ``is:undone``; free words match the record key, author, note, the
batch's label, the type or the action (case-insensitive, anywhere in them); ``-`` negates a
term; double quotes group words. Terms are combined with AND, values of one term with OR. A
malformed term raises :class:`~db.errors.QueryError` saying what is wrong and where. The
syntax is the pledge list's (:mod:`db.filter_syntax`).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any, Final

from sqlalchemy import ColumnElement, and_, func, not_, or_, true

from . import filter_syntax as syntax
from . import tables as m
from .dates import ACCEPTED_FORMS, PartialDateError, bounds, parse_partial_date
from .errors import QueryError, closest
from .filter_syntax import MAX_TERMS, MAX_VALUES, Query, Scanner, Term
from .like import containing

L = m.change_log.c
B = m.batches.c

#: Field name -> what it filters on (the help, and the "unknown field" message).
FIELDS: Final[dict[str, str]] = {
    "recorded": "when the ledger learned it, e.g. recorded:>=2026-11-25 or recorded:-7d",
    "effective": "when it happened in the world, e.g. effective:2025-09",
    "author": "who recorded it, e.g. author:ana",
    "type": "the record's type: pledge, condition, actor or source",
    "action": "create, update, status, link, unlink, delete, undo or redo",
    "key": "the record's key, e.g. key:us-backstop",
    "is": "undone (an undo reverted it), standing (it counts), undo, redo or import",
}
ALIASES: Final = {"who": "author", "record": "key"}
WORDS: Final[dict[str, tuple[str, ...]]] = {
    "type": ("pledge", "condition", "actor", "source"),
    "action": ("create", "update", "status", "link", "unlink", "delete", "undo", "redo"),
    "is": ("undone", "standing", "undo", "redo", "import"),
}
DATE_FIELDS: Final = frozenset({"recorded", "effective"})
#: ``-7d``, ``-2w``: that many days or weeks before today.
_RELATIVE: Final = re.compile(r"-(\d{1,4})([dw])", re.IGNORECASE)


@lru_cache(maxsize=128)
def parse(source: str) -> Query:
    """Parse a History filter, or raise :class:`QueryError`."""
    return syntax.parse(source, _LANGUAGE)


def _negates(scanner: Scanner) -> bool:
    # -7d on its own is a word (the relative date is a value of recorded: and effective:).
    return _RELATIVE.match(scanner.source, scanner.pos) is None


def _field_term(scanner: Scanner, name: str, negated: bool, start: int, word_start: int) -> Term:
    field = ALIASES.get(name, name)
    if field not in FIELDS:
        raise syntax.unknown_field(
            name, FIELDS, word_start, closest, "the History view's fields are"
        )
    value_start = scanner.pos
    if scanner.at_space():
        raise syntax.needs_value(field, FIELDS[field], word_start, len(name) + 1)
    values = scanner.values()
    end = scanner.pos
    if len(values) > MAX_VALUES or any(not v.strip() for v in values):
        raise QueryError(
            f"{field}: empty value, or more than {MAX_VALUES} values",
            value_start,
            end - value_start,
        )
    if field in DATE_FIELDS:
        operator, date = _date(field, values, value_start, end)
        return Term(field, (date,), negated, operator, start, end)
    if field in WORDS:
        values = syntax.checked_words(field, values, value_start, WORDS[field], str.lower, closest)
    return Term(field, values, negated, None, start, end)


def _date(field: str, values: tuple[str, ...], position: int, end: int) -> tuple[str, str]:
    example = f"{field}:>=2026-11-01 {field}:<2026-12"
    operator, value = syntax.one_date(field, values, position, end, example)
    relative = _RELATIVE.fullmatch(value)
    if relative is not None:
        # recorded:-7d is "since seven days ago"; an operator before it says otherwise.
        amount, unit = int(relative.group(1)), relative.group(2).lower()
        days = amount * (7 if unit == "w" else 1)
        since = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=days)
        return operator or ">=", since.isoformat()
    try:
        return operator or "=", parse_partial_date(value)
    except PartialDateError:
        raise QueryError(
            f"{field}: {syntax.quoted(value)} is not a date; {ACCEPTED_FORMS}, or -7d (days) or -2w "
            f"(weeks) ago, optionally after <, <=, > or >= (e.g. {field}:>=2026-11-25)",
            position,
            end - position,
        ) from None


_LANGUAGE: Final = syntax.Language(
    field_term=_field_term,
    lone_minus="a lone '-' negates nothing; write it before a term",
    too_many=f"the filter has more than {MAX_TERMS} terms, the most it may hold",
    negates=_negates,
)


# -- SQL ----------------------------------------------------------------------------------------


def condition(query: Query, undone: ColumnElement[bool]) -> ColumnElement[bool]:
    """The SQL condition on change-log entries (joined with their batches) for ``query``;
    ``undone`` is the expression telling an undone entry."""
    parts = []
    for term in query.terms:
        part = _term_condition(term, undone)
        parts.append(not_(part) if term.negated else part)
    return and_(true(), *parts)


def _term_condition(term: Term, undone: ColumnElement[bool]) -> ColumnElement[bool]:
    field = term.field
    if field is None:
        pattern = containing(term.values[0].lower())
        columns: list[Any] = [L.record_key, L.author, L.note, B.label, L.record_type, L.action]
        return or_(*[func.lower(c).like(pattern, escape="\\") for c in columns])
    if field in DATE_FIELDS:
        # An entry without an effective date took effect when it was recorded (effective_lo).
        day = func.substr(L.recorded_at, 1, 10) if field == "recorded" else L.effective_lo
        first, last = bounds(term.values[0])
        return {
            "=": and_(day >= first, day <= last),
            ">=": day >= first,
            ">": day > last,
            "<=": day <= last,
            "<": day < first,
        }[term.operator or "="]
    values = list(term.values)
    if field == "author":
        return func.lower(L.author).in_([v.lower() for v in values])
    if field == "key":
        return func.lower(L.record_key).in_([v.lower() for v in values])
    if field == "type":
        return L.record_type.in_(values)
    if field == "action":
        kinds = [v for v in values if v in ("undo", "redo")]
        actions = [v for v in values if v not in ("undo", "redo")]
        return or_(L.action.in_(actions), B.kind.in_(kinds))
    # is:
    flags = {
        "undone": undone,
        "standing": and_(B.kind != "undo", not_(undone)),
        "undo": B.kind == "undo",
        "redo": B.kind == "redo",
        "import": B.kind == "import",
    }
    return or_(*[flags[v] for v in values])
