"""The fields of each form: every field of each record type, in the order an analyst fills them.

A :class:`FieldSpec` says how a field is edited (one line, long text, a date, an amount, a word
from a list, a reference, a list) and what its picker offers. The rules themselves are not here:
forms validate with the same pydantic models as the importers (:mod:`db.schemas`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from db.dates import ACCEPTED_FORMS
from db.schemas import CODE_RULE, KEY_RULE, SLUG_RULE
from db.vocab import RecordType

Kind = Literal["line", "text", "date", "amount", "choice", "list"]
DATE_HINT = f"a date: {ACCEPTED_FORMS.removeprefix('use ')}"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    label: str
    kind: Kind = "line"
    hint: str = ""
    required: bool = False
    #: What the picker offers (see tui.editing.choices): a ledger list, a vocabulary, "unit",
    #: "pledge" (searched in the ledger); None for fields without a picker.
    choices: str | None = None
    #: The picker also takes a value that is not in its list (categories, tags, aliases).
    free: bool = False
    #: The picker can create a record of this type on the spot ("actor", "source").
    create: RecordType | None = None
    #: The record's key: typed for a new record, fixed when editing.
    is_key: bool = False

    @property
    def picks(self) -> bool:
        return self.choices is not None or self.free


#: The fields several record types share, spelled once.
KEY = FieldSpec("key", "Key", hint=KEY_RULE, required=True, is_key=True)
TITLE = FieldSpec("title", "Title", required=True, hint="1-300 characters, one line")
SOURCES = FieldSpec(
    "sources",
    "Sources",
    "list",
    hint="source keys, separated by ;",
    choices="source",
    create="source",
)


def actor_choice(name: str, label: str, hint: str = "", *, required: bool = False) -> FieldSpec:
    """A field naming one actor, picked from the ledger's (or created on the spot)."""
    return FieldSpec(
        name, label, "choice", hint=hint, required=required, choices="actor", create="actor"
    )


ACTOR: tuple[FieldSpec, ...] = (
    FieldSpec(
        "code", "Code", hint=CODE_RULE + " (ISO alpha-3 for states)", required=True, is_key=True
    ),
    FieldSpec("name", "Name", required=True, hint="1-200 characters"),
    FieldSpec("kind", "Kind", "choice", required=True, choices="kind"),
    FieldSpec("aliases", "Aliases", "list", hint="other names, separated by ;", free=True),
    FieldSpec(
        "members",
        "Members",
        "list",
        hint="coalitions: member actor codes, separated by ;",
        choices="actor",
        create="actor",
    ),
    actor_choice("affiliation", "Speaks for", "persons: the actor they speak for"),
)

SOURCE: tuple[FieldSpec, ...] = (
    KEY,
    TITLE,
    FieldSpec("publisher", "Publisher"),
    FieldSpec("url", "URL"),
    FieldSpec("published", "Published", "date", hint=DATE_HINT),
    FieldSpec(
        "reliability",
        "Reliability",
        "choice",
        choices="reliability",
        hint="the source's, A-F; or the full Admiralty code, e.g. B2",
    ),
    FieldSpec(
        "credibility",
        "Credibility",
        "choice",
        choices="credibility",
        hint="of the information, 1-6 (needs a reliability)",
    ),
    FieldSpec("excerpt", "Excerpt", "text"),
)

CONDITION: tuple[FieldSpec, ...] = (
    KEY,
    TITLE,
    FieldSpec("description", "Description", "text"),
    FieldSpec("status", "Status", "choice", required=True, choices="condition-status"),
    actor_choice("responsible", "Responsible", "the actor expected to act"),
    FieldSpec("resolved", "Resolved", "date", hint=DATE_HINT + "; set by itself when resolved"),
    SOURCES,
)

PLEDGE: tuple[FieldSpec, ...] = (
    KEY,
    TITLE,
    actor_choice("pledger", "Pledger", required=True),
    actor_choice("beneficiary", "Beneficiary"),
    FieldSpec("category", "Category", "choice", hint=SLUG_RULE, choices="category", free=True),
    FieldSpec("status", "Status", "choice", required=True, choices="pledge-status"),
    FieldSpec("announced", "Announced", "date", hint=DATE_HINT),
    FieldSpec("due", "Due", "date", hint=DATE_HINT),
    FieldSpec("amount", "Amount", "amount", hint="pledged: a number of 0 or more, e.g. 1500000"),
    FieldSpec("delivered", "Delivered", "amount", hint="delivered so far, in the same unit"),
    FieldSpec(
        "unit",
        "Unit",
        "choice",
        hint="EUR, USD, GBP, troops, systems, ...",
        choices="unit",
        free=True,
    ),
    FieldSpec("confidence", "Confidence", "choice", required=True, choices="confidence"),
    FieldSpec(
        "conditions",
        "Conditions",
        "list",
        hint="condition keys it depends on, separated by ;",
        choices="condition",
    ),
    SOURCES,
    FieldSpec(
        "supersedes", "Supersedes", "choice", hint="the pledge it replaces", choices="pledge"
    ),
    FieldSpec(
        "tags", "Tags", "list", hint=SLUG_RULE + "; separated by ;", choices="tag", free=True
    ),
    FieldSpec("text", "Wording", "text", hint="the verbatim wording, or a description"),
    FieldSpec("notes", "Notes", "text"),
)

#: The change-log entry of a save: not record fields, but what the history keeps with it.
EFFECTIVE = FieldSpec(
    "effective",
    "Effective",
    "date",
    hint="when it happened in the world (a status change: today if left empty)",
)
NOTE = FieldSpec("note", "Note", "line", hint="why; a status change needs a note or a source")
SOURCE_REF = FieldSpec(
    "source", "Source", "choice", hint="the evidence", choices="source", create="source"
)
HISTORY: tuple[FieldSpec, ...] = (EFFECTIVE, NOTE, SOURCE_REF)
PLAIN_NOTE = FieldSpec("note", "Note", "line", hint="why: kept in the history with this change")


@dataclass(frozen=True, slots=True)
class FormLayout:
    """The form of one record type."""

    fields: tuple[FieldSpec, ...]
    #: The fields kept with the change in the history: actors and sources are parties and
    #: evidence, not events, so a note is all their change needs.
    history: tuple[FieldSpec, ...]
    #: What a new record starts with.
    defaults: dict[str, str]
    #: Whether a new record is offered a key made from its title (an actor's code is not).
    suggests_key: bool


FORMS: dict[RecordType, FormLayout] = {
    "pledge": FormLayout(
        PLEDGE, HISTORY, {"status": "announced", "confidence": "reported"}, suggests_key=True
    ),
    "condition": FormLayout(CONDITION, HISTORY, {"status": "pending"}, suggests_key=True),
    "actor": FormLayout(ACTOR, (PLAIN_NOTE,), {"kind": "state"}, suggests_key=False),
    "source": FormLayout(SOURCE, (PLAIN_NOTE,), {}, suggests_key=True),
}
