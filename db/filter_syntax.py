"""The syntax both filter languages share: the pledge list's (:mod:`db.query`) and the History
view's (:mod:`db.history_query`); parsing only, no SQL.

A filter is terms separated by spaces, all of which must hold. A term is a free word, a
double-quoted phrase (``\\"`` is a quote inside it) or ``field:value``, where the value is a
phrase or alternatives separated by commas; ``-`` before a term negates it. Each language
says what it adds (its fields, the words a field takes, what a date may be) in its own module,
as a :class:`Language` that :func:`parse` reads with, and refuses what it cannot take with
the :class:`~db.errors.QueryError` messages here, which say what is wrong and at which
column.

A filter holds at most :data:`MAX_TERMS` terms, and a term at most :data:`MAX_VALUES` values:
far more than anyone types, and each becomes a condition of one SQL statement, whose engine
refuses expressions past a fixed depth (SQLite's is 1,000, reached near 500 terms).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Final

from .errors import QueryError

#: The most terms a filter may hold, and values a term (``status:a,b,c``).
MAX_TERMS: Final = 100
MAX_VALUES: Final = 100
#: What may come before a date, longest first.
OPERATORS: Final = (">=", "<=", ">", "<", "=")
#: The characters of a field's name (any case).
_FIELD_CHARS: Final = frozenset("abcdefghijklmnopqrstuvwxyz_")
#: Control characters (but tab and line breaks), and surrogates: a lone surrogate is not a
#: character (the command line makes one of every byte that is not UTF-8).
NOT_TEXT: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
#: How much of a value a message quotes.
_QUOTED: Final = 40


@dataclass(frozen=True, slots=True)
class Term:
    """One term of a filter. ``field`` is None for text; ``values`` are alternatives (OR)."""

    field: str | None
    values: tuple[str, ...]
    negated: bool = False
    operator: str | None = None
    start: int = 0
    end: int = 0


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed filter: terms that must all hold. The empty one matches everything."""

    terms: tuple[Term, ...] = ()
    source: str = ""

    def __bool__(self) -> bool:
        return bool(self.terms)

    def words(self) -> list[str]:
        """The free-text words and phrases (for highlighting)."""
        return [t.values[0] for t in self.terms if t.field is None and not t.negated]


def quoted(text: str) -> str:
    """``text`` in quotes as a message shows it, cut with an ellipsis if it is long."""
    return repr(text if len(text) <= _QUOTED else text[: _QUOTED - 1] + "…")


def not_text(char: str) -> str:
    """Why a character matched by :data:`NOT_TEXT` cannot be in a filter."""
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:
        return (
            f"the query holds the byte 0x{code - 0xDC00:02x}, which is not UTF-8 text; "
            "type it again in a UTF-8 terminal"
        )
    if 0xD800 <= code <= 0xDFFF:
        return f"the query holds U+{code:04X}, a lone surrogate, which is not a character"
    return f"the query contains a control character (U+{code:04X})"


class Scanner:
    """A position in a filter's text, and the reading of the pieces of a term from there."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.pos = 0

    def peek(self) -> str:
        return self.source[self.pos] if self.pos < len(self.source) else ""

    def at_end(self) -> bool:
        return self.pos >= len(self.source)

    def at_space(self) -> bool:
        """At the end of the text or of a term."""
        return self.at_end() or self.peek().isspace()

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

    def negation(self, lone: str) -> bool:
        """Read a ``-`` that negates the term after it, if there is one; ``lone`` says why a
        ``-`` with no term after it is refused."""
        if self.peek() != "-":
            return False
        start = self.pos
        self.pos += 1
        if self.at_space():
            raise QueryError(lone, start)
        return True

    def phrase(self, start: int, negated: bool) -> Term | None:
        """A double-quoted phrase starting here, as a term that began at ``start``; None if no
        quote starts here."""
        if self.peek() != '"':
            return None
        phrase = self.quoted()
        if not phrase.strip():
            raise QueryError("empty quotes search for nothing", start, self.pos - start)
        return Term(None, (phrase,), negated, None, start, self.pos)

    def field_name(self) -> str | None:
        """If a ``name:`` prefix starts here, consume it and return the name (lower case)."""
        end = self.pos
        while end < len(self.source) and self.source[end].lower() in _FIELD_CHARS:
            end += 1
        if end == self.pos or end >= len(self.source) or self.source[end] != ":":
            return None
        name = self.source[self.pos : end].lower()
        self.pos = end + 1
        return name

    def values(self) -> tuple[str, ...]:
        """A field's value: one quoted phrase, or alternatives separated by commas."""
        if self.peek() == '"':
            return (self.quoted(),)
        return tuple(self.bare().split(","))


#: Reads a ``field:value`` term from just after the colon: the scanner, the field's name as
#: typed (lower case), whether it is negated, where the term began and where its name did.
FieldTerm = Callable[[Scanner, str, bool, int, int], Term]


def _any_word(word: str, position: int) -> None:
    """A language that takes every free word."""


def _always(scanner: Scanner) -> bool:
    return True


@dataclass(frozen=True, slots=True)
class Language:
    """What one filter language adds to the shared syntax."""

    #: Reads a field's term (the language's fields, and what each takes).
    field_term: FieldTerm
    #: Why a ``-`` with no term after it is refused.
    lone_minus: str
    #: Why a term past :data:`MAX_TERMS` is refused.
    too_many: str
    #: Refuses a free word the language does not take (by raising), given where it starts.
    free_word: Callable[[str, int], None] = _any_word
    #: Whether a ``-`` at the scanner's position negates (else it begins a free word).
    negates: Callable[[Scanner], bool] = _always


def parse(source: str, language: Language) -> Query:
    """Read ``source`` term by term in ``language``, or raise :class:`QueryError`."""
    bad = NOT_TEXT.search(source)
    if bad is not None:
        raise QueryError(not_text(bad.group()), bad.start())
    scanner = Scanner(source)
    terms: list[Term] = []
    while True:
        scanner.skip_spaces()
        if scanner.at_end():
            break
        if len(terms) == MAX_TERMS:
            raise QueryError(language.too_many, scanner.pos, len(source) - scanner.pos)
        terms.append(_term(scanner, language))
    return Query(tuple(terms), source)


def _term(scanner: Scanner, language: Language) -> Term:
    """One term: perhaps a negation, then a phrase, a field's term or a free word."""
    start = scanner.pos
    negated = language.negates(scanner) and scanner.negation(language.lone_minus)
    phrase = scanner.phrase(start, negated)
    if phrase is not None:
        return phrase
    word_start = scanner.pos
    name = scanner.field_name()
    if name is not None:
        return language.field_term(scanner, name, negated, start, word_start)
    word = scanner.bare()
    language.free_word(word, word_start)
    return Term(None, (word,), negated, None, start, scanner.pos)


#: The nearest of some known words to a misspelt one, or None.
Nearest = Callable[[str, Sequence[str]], str | None]


def unknown_field(
    name: str, fields: Collection[str], position: int, nearest: Nearest, fields_are: str
) -> QueryError:
    """The refusal of a field the language does not have (``fields_are`` introduces the list
    of those it has)."""
    close = nearest(name, list(fields))
    hint = f"did you mean {close}? " if close else ""
    return QueryError(
        f"unknown field {quoted(name)}; {hint}{fields_are}: {', '.join(fields)} "
        "(to search for the text itself, put it in quotes)",
        position,
        len(name),
    )


def needs_value(field: str, described: str, position: int, length: int) -> QueryError:
    """The refusal of ``field:`` with nothing after it; ``described`` (what the field filters
    on) ends with an example after "e.g. "."""
    example = described.split("e.g. ")[-1]
    return QueryError(f"{field}: needs a value, e.g. {example}", position, length)


def checked_words(
    field: str,
    values: tuple[str, ...],
    position: int,
    words: Collection[str],
    fold: Callable[[str], str],
    nearest: Nearest,
) -> tuple[str, ...]:
    """The values of a field that takes only ``words``, folded as ``fold`` folds them; a
    value that is none of them is refused at its own position (``position`` is the first's)."""
    checked = []
    for value in values:
        folded = fold(value)
        if folded not in words:
            close = nearest(folded, list(words))
            hint = f"did you mean {close}? " if close else ""
            raise QueryError(
                f"{field}: {quoted(value)} is not one of {', '.join(words)}; {hint}".rstrip("; "),
                position,
                len(value),
            )
        checked.append(folded)
        position += len(value) + 1
    return tuple(checked)


def one_date(
    field: str, values: tuple[str, ...], position: int, end: int, example: str
) -> tuple[str | None, str]:
    """The operator (None if there is none) and the date of a date field's value; a list of
    dates is refused (``example`` shows a range written as two terms)."""
    if len(values) > 1:
        raise QueryError(
            f"{field}: takes one date, not a list; use two terms for a range, e.g. {example}",
            position,
            end - position,
        )
    value = values[0]
    for operator in OPERATORS:
        if value.startswith(operator):
            return operator, value[len(operator) :]
    return None, value
