"""The filter line's text as the analyst sees it: facet terms added and removed in place, and
malformed queries pointed at. Pure functions over strings and the core's parser (no ledger)."""

from __future__ import annotations

from collections.abc import Callable

from db.errors import QueryError
from db.query import Query, Term, parse

#: The fields the facet sidebar filters on, in the order it lists them.
FACET_FIELDS: tuple[str, ...] = ("status", "pledger", "category", "condition")


def try_parse(text: str, parser: Callable[[str], Query] | None = None) -> Query | QueryError:
    try:
        return (parser or parse)(text)
    except QueryError as error:
        return error


def _fold(field: str, value: str) -> str:
    return (
        value.upper()
        if field == "pledger"
        else value.lower().replace("-", "_")
        if field == "status"
        else value.lower()
    )


def _positive_term(query: Query, field: str) -> Term | None:
    for term in query.terms:
        if term.field == field and not term.negated and term.operator is None:
            return term
    return None


def without_field(query: Query, field: str) -> Query:
    """``query`` without its positive ``field:`` term (the same object if it has none)."""
    term = _positive_term(query, field)
    if term is None:
        return query
    # The source names the query (the ledger caches facets by it), so it must say the same.
    source = (query.source[: term.start] + query.source[term.end :]).strip()
    return Query(tuple(t for t in query.terms if t is not term), source)


def active_values(text: str) -> dict[str, set[str]]:
    """The facet values the filter text selects now (``{"status": {"committed"}}``)."""
    parsed = try_parse(text)
    if isinstance(parsed, QueryError):
        return {}
    found: dict[str, set[str]] = {}
    for field in FACET_FIELDS:
        term = _positive_term(parsed, field)
        if term is not None:
            found[field] = {_fold(field, v) for v in term.values}
    return found


def toggle_term(text: str, field: str, value: str) -> str:
    """The filter text with ``field:value`` added, or removed if it is already selected.

    A second value of the same field joins the first as an alternative
    (``status:announced,committed``), so choosing two statuses widens the list instead of
    emptying it; the rest of the text is left exactly as typed.
    """
    parsed = try_parse(text)
    if isinstance(parsed, QueryError):
        return _append(text, f"{field}:{value}")
    term = _positive_term(parsed, field)
    if term is None:
        return _append(text, f"{field}:{value}")
    wanted = _fold(field, value)
    values = [v for v in term.values if _fold(field, v) != wanted]
    if len(values) == len(term.values):
        values.append(value)
    replacement = f"{field}:{','.join(values)}" if values else ""
    before, after = text[: term.start], text[term.end :]
    if not replacement:
        return (before.rstrip() + " " + after.lstrip()).strip()
    return before + replacement + after


def _append(text: str, term: str) -> str:
    return f"{text.rstrip()} {term}".strip()


def pointer(text: str, error: QueryError) -> str:
    """A line of carets under the part of ``text`` that the error is about."""
    start = min(error.position, len(text))
    return " " * start + "^" * max(error.length, 1)
