"""Hints for a query's values that name nothing in the ledger, with the nearest one that does.

``pledger:Frnace`` or ``condition:us`` is a valid query that matches no pledge; the filter
line and ``pledges list`` run it all the same, and say why it came back empty: no actor is
called so, did you mean France (FRA)? The nearest value is found as the importer finds it for
an unknown reference (:func:`db.errors.nearest`), and failing that among the values that
start with what was typed (``us`` is the start of ``us-backstop``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from sqlalchemy import Connection, select, text

from . import tables as m
from .errors import nearest
from .query import ACTOR_FIELDS, Query, Term, actor_name

#: The fields whose values name records or values kept in the ledger.
HINTED: Final = (*sorted(ACTOR_FIELDS), "condition", "source", "tag", "category")
#: How many values a hint looks for the nearest among: beyond it, only those sharing the
#: first two letters (difflib's time grows with the candidates).
HINT_LIMIT: Final = 20_000
#: The most hints a query gets (one per value that names nothing, in the order typed).
MOST_HINTS: Final = 5
#: How much of a value a hint quotes.
QUOTED: Final = 40
#: How many values starting with the one typed a hint offers.
STARTING: Final = 3
#: A value longer than this is too far from anything to look for the nearest.
LONGEST: Final = 200
_PARTS: Final = re.compile(r"[\W_]+")


@dataclass(frozen=True, slots=True)
class QueryHint:
    """A value of a query term that names nothing in the ledger (the query still runs)."""

    #: What is wrong, and the nearest value if there is one: one line, ready to show.
    message: str
    #: Where the term is in the query text, for pointing at it.
    position: int
    length: int
    #: The value to type instead (a code, key or tag), if one is near.
    suggestion: str | None = None


def query_hints(connection: Connection, query: Query) -> list[QueryHint]:
    """A hint for each value of ``query`` that names no actor, condition, source, tag or
    category of the ledger (at most :data:`MOST_HINTS`)."""
    hints: list[QueryHint] = []
    known = _Known(connection)
    for term in query.terms:
        if term.field not in HINTED:
            continue
        for value in term.values:
            hint = known.hint(term, value)
            if hint is not None:
                hints.append(hint)
            if len(hints) == MOST_HINTS:
                return hints
    return hints


def _quoted(value: str) -> str:
    return repr(value if len(value) <= QUOTED else value[: QUOTED - 1] + "\u2026")


class _Known:
    """What the ledger holds, read once per query and only for the fields it names."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._actors: _Actors | None = None
        self._keys: dict[str, list[str]] = {}

    def hint(self, term: Term, value: str) -> QueryHint | None:
        field = term.field
        assert field is not None
        where = (term.start, term.end - term.start)
        if field in ACTOR_FIELDS:
            return self.actors().hint(field, value, where)
        if field in ("condition", "source"):
            keys = self.keys(field)
            if value.lower() in keys:
                return None
            close = _closest(value, keys)
            return _hint(f"{field}: there is no {field} {_quoted(value)}", close, where)
        if self._used(field, value.lower()):
            return None
        close = _closest(value, self.distinct(field))
        return _hint(f"{field}: no pledge has the {field} {_quoted(value)}", close, where)

    def actors(self) -> _Actors:
        if self._actors is None:
            self._actors = _Actors(self.connection)
        return self._actors

    def keys(self, field: str) -> list[str]:
        if field not in self._keys:
            table = m.conditions if field == "condition" else m.sources
            self._keys[field] = list(self.connection.execute(select(table.c.key)).scalars())
        return self._keys[field]

    def _used(self, field: str, value: str) -> bool:
        column = m.pledge_tags.c.tag if field == "tag" else m.pledges.c.category
        used = select(column).where(column == value).limit(1)
        return self.connection.execute(used).first() is not None

    def distinct(self, field: str) -> list[str]:
        """The tags or categories in use, each read once from its index (a loose index scan:
        one step per value, not per pledge)."""
        if field not in self._keys:
            table, column = ("pledge_tags", "tag") if field == "tag" else ("pledges", "category")
            statement = text(
                f"WITH RECURSIVE used(value) AS (SELECT min({column}) FROM {table} "
                f"UNION ALL SELECT (SELECT min({column}) FROM {table} WHERE {column} > used.value) "
                "FROM used WHERE used.value IS NOT NULL) "
                "SELECT value FROM used WHERE value IS NOT NULL LIMIT :limit"
            )
            found = self.connection.execute(statement, {"limit": HINT_LIMIT + 1}).scalars()
            self._keys[field] = [str(v) for v in found]
        return self._keys[field]


class _Actors:
    """Every actor's code, name and aliases, looked up as the query language looks them up."""

    def __init__(self, connection: Connection) -> None:
        A, AL = m.actors.c, m.actor_aliases.c
        self.codes: dict[str, str] = {}
        #: A name or alias, folded -> the codes of the actors called so.
        self.named: dict[str, set[str]] = {}
        #: A name or alias as written, for one actor only -> its code.
        self.spelled: dict[str, str] = {}
        codes: dict[int, str] = {}
        names: list[tuple[str, str]] = []
        for actor_id, code, name in connection.execute(select(A.id, A.code, A.name)):
            codes[actor_id] = code
            self.codes[code] = code
            names.append((code, name))
        for actor_id, alias in connection.execute(select(AL.actor_id, AL.alias)):
            names.append((codes[actor_id], alias))
        for code, name in names:
            self.named.setdefault(name.strip().lower(), set()).add(code)
        for code, name in names:
            if len(self.named[name.strip().lower()]) == 1:
                self.spelled.setdefault(name.strip(), code)

    def hint(self, field: str, value: str, where: tuple[int, int]) -> QueryHint | None:
        name, with_coalitions = actor_name(value)
        if name.upper() in self.codes or name.lower() in self.named:
            return None
        close = _closest(name, [*self.codes, *self.spelled])
        named = [c if c in self.codes else f"{_quoted(c)} ({self.spelled[c]})" for c in close]
        suggestion = None
        if close:
            code = close[0] if close[0] in self.codes else self.spelled[close[0]]
            suggestion = code + ("+" if with_coalitions else "")
        message = f"{field}: no actor has the code, name or alias {_quoted(name)}"
        return QueryHint(_with(message, named), *where, suggestion)


def _closest(value: str, candidates: Sequence[str]) -> list[str]:
    """The nearest candidate (as the importer finds it), else the few that start so, else
    those with a part that starts so (``elysee`` in ``origin-elysee-2025-09``)."""
    if len(value) > LONGEST:
        return []
    pool: Iterable[str] = candidates
    if len(candidates) > HINT_LIMIT:
        start = value[:2].lower()
        pool = [c for c in candidates if c[:2].lower() == start][:HINT_LIMIT]
    pool = list(pool)
    close = nearest(value, pool)
    if close is not None:
        return [close]
    folded = value.lower()
    if len(folded) < 2:
        return []  # a single letter starts too much to say which was meant
    starting = sorted(c for c in pool if c.lower().startswith(folded))
    if not starting:
        starting = sorted(c for c in pool if any(p.startswith(folded) for p in _parts(c)))
    return starting[:STARTING]


def _parts(candidate: str) -> list[str]:
    return _PARTS.split(candidate.lower())


def _with(message: str, close: Sequence[str]) -> str:
    if not close:
        return message
    return f"{message}; did you mean {' or '.join(close)}?"


def _hint(message: str, close: list[str], where: tuple[int, int]) -> QueryHint:
    return QueryHint(_with(message, close), *where, close[0] if close else None)
