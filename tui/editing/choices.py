"""What pickers offer: actors, conditions, sources, categories, tags, units and vocabularies.

Plain data and plain functions of the service API. The ``load_*`` and ``search_*`` functions
read the ledger, so they run in thread workers only; matching (:func:`matching`) is pure and
runs on the event loop over the few hundred choices a list holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from db import vocab
from db.errors import LedgerError
from db.query import Query, Term

if TYPE_CHECKING:
    from db.ledger import Ledger

#: How many pledges a search for a pledge key (``supersedes``) asks for.
PLEDGE_HITS = 30


@dataclass(frozen=True, slots=True)
class Choice:
    """One entry of a picker: the value stored, a name or title, and a detail (status, kind,
    definition, count)."""

    value: str
    label: str = ""
    detail: str = ""
    #: Other names that stand for the value, in any case: an actor's name and aliases
    #: (``Norway``, ``Norge`` for ``NOR``), as the CSV reader and the query language take them.
    names: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return " ".join((self.value, self.label, self.detail, *self.names)).casefold()


#: Lists read from the ledger, by name.
LEDGER_LISTS = ("actor", "condition", "source", "category", "tag")

VOCABULARIES: dict[str, Mapping[str, str]] = {
    "pledge-status": vocab.PLEDGE_STATUSES,
    "condition-status": vocab.CONDITION_STATUSES,
    "kind": vocab.ACTOR_KINDS,
    "confidence": vocab.CONFIDENCE_LEVELS,
    "reliability": vocab.RELIABILITY_CODES,
    "credibility": vocab.CREDIBILITY_CODES,
}


def vocabulary(name: str) -> list[Choice]:
    return [Choice(word, "", meaning) for word, meaning in VOCABULARIES[name].items()]


def static_choices(name: str) -> list[Choice] | None:
    """Choices that need no ledger (vocabularies, units), or None."""
    if name in VOCABULARIES:
        return vocabulary(name)
    if name == "unit":
        return [Choice(unit) for unit in vocab.SUGGESTED_UNITS]
    return None


def load_choices(ledger: Ledger, names: Iterable[str]) -> dict[str, list[Choice]]:
    """The lists a form's pickers need (runs in a thread: ledger calls only)."""
    found: dict[str, list[Choice]] = {}
    for name in names:
        if name == "actor":
            found[name] = [
                Choice(a.code, a.name, a.kind, (a.name, *a.aliases)) for a in ledger.actors()
            ]
        elif name == "condition":
            found[name] = [Choice(c.key, c.title, c.status) for c in ledger.conditions()]
        elif name == "source":
            found[name] = [
                Choice(s.key, s.title, " \u00b7 ".join(p for p in (s.publisher, s.published) if p))
                for s in ledger.sources()
            ]
        elif name == "category":
            used = dict(ledger.values_in_use("category"))
            found[name] = [
                Choice(
                    word, "", meaning + (f" ({used.pop(word):,} pledges)" if word in used else "")
                )
                for word, meaning in vocab.SUGGESTED_CATEGORIES.items()
            ] + [Choice(word, "", f"in use ({count:,} pledges)") for word, count in used.items()]
        elif name == "tag":
            found[name] = [
                Choice(word, "", f"{count:,} pledges")
                for word, count in ledger.values_in_use("tag")
            ]
    return found


def search_pledges(ledger: Ledger, text: str) -> list[Choice]:
    """Pledges whose key is ``text``, then those whose text matches it (runs in a thread)."""
    words = text.strip()
    if not words:
        return []
    exact = ledger.pledge_rows([words.lower()])
    try:
        rows = ledger.pledge_page(Query((Term(None, (words,)),), words), limit=PLEDGE_HITS).rows
    except LedgerError:
        rows = []
    seen = {r.key for r in exact}
    return [Choice(r.key, r.title, r.status) for r in exact] + [
        Choice(r.key, r.title, r.status) for r in rows if r.key not in seen
    ]


def matching(choices: Sequence[Choice], text: str, limit: int = 500) -> list[Choice]:
    """The choices that hold every word of ``text``; values starting with it come first."""
    words = text.casefold().split()
    if not words:
        return list(choices[:limit])
    hits = [c for c in choices if all(w in c.text for w in words)]
    first = text.casefold().strip()
    hits.sort(
        key=lambda c: (
            not c.value.casefold().startswith(first),
            not any(n.casefold().startswith(first) for n in c.names),
            c.value.casefold(),
        )
    )
    return hits[:limit]


class Directory:
    """The values of a list, looked up as the ledger's readers look them up: a value in any
    case (``ukr`` is ``UKR``), else a name or alias of exactly one choice (``Norge``)."""

    def __init__(self, choices: Iterable[Choice]) -> None:
        self.values: dict[str, str] = {}
        named: dict[str, set[str]] = {}
        for choice in choices:
            self.values.setdefault(choice.value.casefold(), choice.value)
            for name in choice.names:
                if name.strip():
                    named.setdefault(name.strip().casefold(), set()).add(choice.value)
        self.named = {name: next(iter(v)) for name, v in named.items() if len(v) == 1}

    def resolve(self, text: str) -> str | None:
        """The value ``text`` stands for, or None if it names none (or several)."""
        folded = text.strip().casefold()
        if not folded:
            return None
        return self.values.get(folded) or self.named.get(folded)


def split_list(text: str) -> list[str]:
    """A list field as typed: entries separated by ``;`` (as in CSV fixtures), blanks dropped."""
    return [part.strip() for part in text.split(";") if part.strip()]


def join_list(values: Iterable[str]) -> str:
    return "; ".join(values)
