"""The History view's filter: which change-log entries, by field, in the filter language's form.

``recorded:>=2026-11-25`` or ``recorded:-7d`` (the last seven days: ``d`` days, ``w`` weeks),
``effective:2025-09``, ``author:ana`` (or ``who:``), ``type:actor``, ``action:status``,
``key:us-backstop``, ``is:undone``; free words match the record key, author, note, the
batch's label, the type or the action (case-insensitive, anywhere in them); ``-`` negates a
term; double quotes group words. Terms are combined with AND, values of one term with OR. A
malformed term raises :class:`~db.errors.QueryError` saying what is wrong and where.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any, Final

from sqlalchemy import ColumnElement, and_, func, not_, or_, true

from . import models as m
from .dates import ACCEPTED_FORMS, PartialDateError, bounds, parse_partial_date
from .errors import QueryError, closest
from .like import containing
from .query import MAX_TERMS, MAX_VALUES, OPERATORS, Query, Term, _field_name, _quoted, _Scanner

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
    from .query import _NOT_TEXT, _not_text

    bad = _NOT_TEXT.search(source)
    if bad is not None:
        raise QueryError(_not_text(bad.group()), bad.start())
    scanner = _Scanner(source)
    terms: list[Term] = []
    while True:
        scanner.skip_spaces()
        if scanner.at_end():
            break
        if len(terms) == MAX_TERMS:
            raise QueryError(
                f"the filter has more than {MAX_TERMS} terms, the most it may hold",
                scanner.pos,
                len(source) - scanner.pos,
            )
        terms.append(_term(scanner))
    return Query(tuple(terms), source)


def _term(scanner: _Scanner) -> Term:
    start = scanner.pos
    negated = scanner.peek() == "-" and _RELATIVE.match(scanner.source, scanner.pos) is None
    if negated:
        scanner.pos += 1
        if scanner.at_end() or scanner.peek().isspace():
            raise QueryError("a lone '-' negates nothing; write it before a term", start)
    if scanner.peek() == '"':
        phrase = scanner.quoted()
        if not phrase.strip():
            raise QueryError("empty quotes search for nothing", start, scanner.pos - start)
        return Term(None, (phrase,), negated, None, start, scanner.pos)
    word_start = scanner.pos
    name = _field_name(scanner)
    if name is None:
        return Term(None, (scanner.bare(),), negated, None, start, scanner.pos)
    field = ALIASES.get(name, name)
    if field not in FIELDS:
        close = closest(name, list(FIELDS))
        hint = f"did you mean {close}? " if close else ""
        raise QueryError(
            f"unknown field {_quoted(name)}; {hint}the History view's fields are: "
            f"{', '.join(FIELDS)} (to search for the text itself, put it in quotes)",
            word_start,
            len(name),
        )
    value_start = scanner.pos
    if scanner.at_end() or scanner.peek().isspace():
        example = FIELDS[field].split("e.g. ")[-1]
        raise QueryError(f"{field}: needs a value, e.g. {example}", word_start, len(name) + 1)
    values = (scanner.quoted(),) if scanner.peek() == '"' else tuple(scanner.bare().split(","))
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
        values = _checked(field, values, value_start)
    return Term(field, values, negated, None, start, end)


def _date(field: str, values: tuple[str, ...], position: int, end: int) -> tuple[str, str]:
    if len(values) > 1:
        raise QueryError(
            f"{field}: takes one date, not a list; use two terms for a range, "
            f"e.g. {field}:>=2026-11-01 {field}:<2026-12",
            position,
            end - position,
        )
    value = values[0]
    operator = None
    for candidate in OPERATORS:
        if value.startswith(candidate):
            operator, value = candidate, value[len(candidate) :]
            break
    relative = _RELATIVE.fullmatch(value)
    if relative is not None:
        # recorded:-7d is "since seven days ago"; an operator before it says otherwise.
        amount, unit = int(relative.group(1)), relative.group(2).lower()
        days = amount * (7 if unit == "w" else 1)
        since = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=days)
        return operator or ">=", since.isoformat()
    operator = operator or "="
    try:
        return operator, parse_partial_date(value)
    except PartialDateError:
        raise QueryError(
            f"{field}: {_quoted(value)} is not a date; {ACCEPTED_FORMS}, or -7d (days) or -2w "
            f"(weeks) ago, optionally after <, <=, > or >= (e.g. {field}:>=2026-11-25)",
            position,
            end - position,
        ) from None


def _checked(field: str, values: tuple[str, ...], position: int) -> tuple[str, ...]:
    words = WORDS[field]
    checked = []
    for value in values:
        folded = value.lower()
        if folded not in words:
            close = closest(folded, list(words))
            hint = f"did you mean {close}? " if close else ""
            raise QueryError(
                f"{field}: {_quoted(value)} is not one of {', '.join(words)}; {hint}".rstrip("; "),
                position,
                len(value),
            )
        checked.append(folded)
        position += len(value) + 1
    return tuple(checked)


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
