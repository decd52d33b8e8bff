"""The filter language shared by the filter line and ``pledges list``; parsing only, no SQL.

Free words search the text (title, wording, notes, tags, actor names, conditions' titles);
``field:value`` filters (``status:committed``, ``status:announced,committed``, ``pledger:FRA``,
``pledger:FRA+`` with the coalitions France is a member of, ``is:conditional``,
``announced:>=2025-09``, ``due:<2026``); ``-`` negates a term; double quotes group words.
Terms are combined with AND. A malformed query raises :class:`~db.errors.QueryError` saying
what is wrong and at which column, so the UI can point at it.

A query holds at most :data:`MAX_TERMS` terms, and a term at most :data:`MAX_VALUES` values:
far more than anyone types, and each becomes a condition of one SQL statement, whose engine
refuses expressions past a fixed depth (SQLite's is 1,000, reached near 500 terms).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from . import vocab
from .dates import ACCEPTED_FORMS, PartialDateError, parse_partial_date
from .errors import QueryError

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
OPERATORS: Final = (">=", "<=", ">", "<", "=")
_RESERVED: Final = frozenset({"AND", "OR", "NOT"})
_FIELD_CHARS: Final = frozenset("abcdefghijklmnopqrstuvwxyz_")
#: The most terms a query may hold, and values a term (``status:a,b,c``).
MAX_TERMS: Final = 100
MAX_VALUES: Final = 100
#: Control characters (but tab and line breaks), and surrogates: a lone surrogate is not a
#: character (the command line makes one of every byte that is not UTF-8).
_NOT_TEXT: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
#: How much of a value a message quotes.
_QUOTED: Final = 40


def _quoted(text: str) -> str:
    """``text`` in quotes as a message shows it, cut with an ellipsis if it is long."""
    return repr(text if len(text) <= _QUOTED else text[: _QUOTED - 1] + "…")


@dataclass(frozen=True, slots=True)
class Term:
    """One term of a query. ``field`` is None for text; ``values`` are alternatives (OR)."""

    field: str | None
    values: tuple[str, ...]
    negated: bool = False
    operator: str | None = None
    start: int = 0
    end: int = 0


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: terms that must all hold. The empty query matches every pledge."""

    terms: tuple[Term, ...] = ()
    source: str = ""

    def __bool__(self) -> bool:
        return bool(self.terms)

    def words(self) -> list[str]:
        """The free-text words and phrases (for highlighting)."""
        return [t.values[0] for t in self.terms if t.field is None and not t.negated]


class _Scanner:
    def __init__(self, source: str) -> None:
        self.source = source
        self.pos = 0

    def peek(self) -> str:
        return self.source[self.pos] if self.pos < len(self.source) else ""

    def at_end(self) -> bool:
        return self.pos >= len(self.source)

    def skip_spaces(self) -> None:
        while self.pos < len(self.source) and self.source[self.pos].isspace():
            self.pos += 1

    def quoted(self) -> str:
        """Read a double-quoted string starting at the current position; ``\\"`` is a quote."""
        start = self.pos
        self.pos += 1
        out: list[str] = []
        while self.pos < len(self.source):
            char = self.source[self.pos]
            if (
                char == "\\"
                and self.pos + 1 < len(self.source)
                and self.source[self.pos + 1] in '"\\'
            ):
                out.append(self.source[self.pos + 1])
                self.pos += 2
                continue
            if char == '"':
                self.pos += 1
                return "".join(out)
            out.append(char)
            self.pos += 1
        raise QueryError(
            'this quote is never closed; add a closing "', start, len(self.source) - start
        )

    def bare(self) -> str:
        """Read up to the next space. A quote inside a bare word is an error."""
        start = self.pos
        while self.pos < len(self.source) and not self.source[self.pos].isspace():
            if self.source[self.pos] == '"':
                raise QueryError(
                    'a quote inside a word; put the whole phrase in quotes, e.g. "U.S. support"',
                    self.pos,
                )
            self.pos += 1
        return self.source[start : self.pos]


@lru_cache(maxsize=256)
def parse(source: str) -> Query:
    """Parse a query string into a :class:`Query`, or raise :class:`QueryError`."""
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
                f"the query has more than {MAX_TERMS} terms, the most a query may hold; to "
                "allow several values of a field, write them in one term: field:a,b",
                scanner.pos,
                len(source) - scanner.pos,
            )
        terms.append(_term(scanner))
    return Query(tuple(terms), source)


def _not_text(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:
        return (
            f"the query holds the byte 0x{code - 0xDC00:02x}, which is not UTF-8 text; "
            "type it again in a UTF-8 terminal"
        )
    if 0xD800 <= code <= 0xDFFF:
        return f"the query holds U+{code:04X}, a lone surrogate, which is not a character"
    return f"the query contains a control character (U+{code:04X})"


def _term(scanner: _Scanner) -> Term:
    start = scanner.pos
    negated = False
    if scanner.peek() == "-":
        negated = True
        scanner.pos += 1
        if scanner.at_end() or scanner.peek().isspace():
            raise QueryError(
                "a lone '-' negates nothing; write it before a term, e.g. -status:withdrawn", start
            )
    if scanner.peek() == '"':
        phrase = scanner.quoted()
        if not phrase.strip():
            raise QueryError("empty quotes search for nothing", start, scanner.pos - start)
        return Term(None, (phrase,), negated, None, start, scanner.pos)
    word_start = scanner.pos
    field = _field_name(scanner)
    if field is not None:
        return _field_term(scanner, field, negated, start, word_start)
    word = scanner.bare()
    if word in _RESERVED:
        raise QueryError(
            f"{word} is not an operator here: terms are always combined (all must hold); "
            "to allow several values write field:a,b; to search for the word, put it in quotes",
            word_start,
            len(word),
        )
    return Term(None, (word,), negated, None, start, scanner.pos)


def _field_name(scanner: _Scanner) -> str | None:
    """If a ``name:`` prefix starts here, consume it and return the name (lower case)."""
    end = scanner.pos
    while end < len(scanner.source) and scanner.source[end].lower() in _FIELD_CHARS:
        end += 1
    if end == scanner.pos or end >= len(scanner.source) or scanner.source[end] != ":":
        return None
    name = scanner.source[scanner.pos : end].lower()
    scanner.pos = end + 1
    return name


def _field_term(scanner: _Scanner, field: str, negated: bool, start: int, word_start: int) -> Term:
    value_start = scanner.pos
    if field not in FIELDS:
        close = difflib.get_close_matches(field, list(FIELDS), n=1)
        hint = f"did you mean {close[0]}? " if close else ""
        raise QueryError(
            f"unknown field {_quoted(field)}; {hint}fields are: {', '.join(FIELDS)} "
            "(to search for the text itself, put it in quotes)",
            word_start,
            len(field),
        )
    if scanner.at_end() or scanner.peek().isspace():
        example = FIELDS[field].split("e.g. ")[-1]
        raise QueryError(f"{field}: needs a value, e.g. {example}", word_start, len(field) + 1)
    values: tuple[str, ...]
    if scanner.peek() == '"':
        values = (scanner.quoted(),)
        if field in ACTOR_FIELDS and scanner.peek() == WITH_COALITIONS:
            scanner.pos += 1  # pledger:"United Kingdom"+
            values = (values[0] + WITH_COALITIONS,)
        if not (scanner.at_end() or scanner.peek().isspace()):
            raise QueryError("unexpected text after the closing quote", scanner.pos)
    else:
        values = tuple(scanner.bare().split(","))
    end = scanner.pos
    if len(values) > MAX_VALUES:
        raise QueryError(
            f"{field}: {len(values)} values, more than the {MAX_VALUES} a term may hold",
            value_start,
            end - value_start,
        )
    if any(not v.strip() for v in values):
        raise QueryError(
            f"{field}: empty value in {_quoted(scanner.source[value_start:end])}",
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
    return Term(field, _check_values(field, values, value_start), negated, None, start, end)


def actor_name(value: str) -> tuple[str, bool]:
    """The actor a value of an actor field names, and whether it takes in its coalitions
    (``FRA+``)."""
    if value.endswith(WITH_COALITIONS):
        return value[: -len(WITH_COALITIONS)], True
    return value, False


def _check_values(field: str, values: tuple[str, ...], position: int) -> tuple[str, ...]:
    words = {
        "status": vocab.PLEDGE_STATUSES,
        "confidence": vocab.CONFIDENCE_LEVELS,
        "is": vocab.PLEDGE_FLAGS,
    }.get(field)
    if words is None:
        return values
    checked = []
    for value in values:
        folded = value.lower().replace("-", "_")
        if folded not in words:
            close = difflib.get_close_matches(folded, list(words), n=1)
            hint = f"did you mean {close[0]}? " if close else ""
            raise QueryError(
                f"{field}: {_quoted(value)} is not one of {', '.join(words)}; {hint}".rstrip("; "),
                position,
                len(value),
            )
        checked.append(folded)
        position += len(value) + 1
    return tuple(checked)


def _date_term(
    field: str, values: tuple[str, ...], negated: bool, start: int, end: int, position: int
) -> Term:
    if len(values) > 1:
        raise QueryError(
            f"{field}: takes one date, not a list; use two terms for a range, "
            f"e.g. {field}:>=2025-03 {field}:<2025-10",
            position,
            end - position,
        )
    value = values[0]
    operator = "="
    for candidate in OPERATORS:
        if value.startswith(candidate):
            operator, value = candidate, value[len(candidate) :]
            break
    try:
        date = parse_partial_date(value)
    except PartialDateError:
        raise QueryError(
            f"{field}: {_quoted(value)} is not a date; {ACCEPTED_FORMS}, optionally after "
            f"<, <=, > or >= (e.g. {field}:>=2025-09)",
            position,
            end - position,
        ) from None
    return Term(field, (date,), negated, operator, start, end)
