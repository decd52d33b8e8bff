"""The ledger's vocabularies, each word with the definition analysts see in help and pickers.

This module imports nothing heavy: the CLI's ``--help`` and the UI's help screen read it.
"""

from __future__ import annotations

from typing import Final, Literal, TypeGuard, get_args

PLEDGE_STATUSES: Final[dict[str, str]] = {
    "announced": "stated in public, not yet binding (counted apart from commitments)",
    "committed": "formally agreed: signed, budgeted, legislated or declared binding",
    "in_progress": "delivery under way or partly delivered",
    "delivered": "fulfilled in full",
    "stalled": "no visible progress",
    "withdrawn": "retracted by the pledger",
    "broken": "not delivered by its deadline, or contradicted by the pledger's acts",
    "superseded": "replaced by a later pledge",
}

#: Statuses that close a pledge. The derived flags (below) are those of open pledges: a closed
#: pledge can no longer be overdue, and its conditions no longer hold it back, so it is neither
#: conditional, blocked nor unconditional (its conditions are still listed, apart).
CLOSED_PLEDGE_STATUSES: Final[frozenset[str]] = frozenset(
    {"delivered", "withdrawn", "broken", "superseded"}
)


def is_open_pledge(status: str | None) -> bool:
    """True unless ``status`` closes the pledge (see :data:`CLOSED_PLEDGE_STATUSES`)."""
    return status not in CLOSED_PLEDGE_STATUSES


CONDITION_STATUSES: Final[dict[str, str]] = {
    "pending": "not yet met; the pledges that depend on it are conditional",
    "partially_met": "met in part; the pledges that depend on it stay conditional",
    "met": "fulfilled; it no longer holds back the pledges that depend on it",
    "failed": "can no longer be met; the pledges that depend on it are blocked",
    "waived": "no longer required by the pledgers",
}

#: Condition statuses that leave a dependent pledge conditional.
OPEN_CONDITION_STATUSES: Final[frozenset[str]] = frozenset({"pending", "partially_met"})
#: Condition statuses that block a dependent pledge.
FAILED_CONDITION_STATUSES: Final[frozenset[str]] = frozenset({"failed"})
#: Statuses that resolve a condition (the UI previews their impact first).
RESOLVING_CONDITION_STATUSES: Final[frozenset[str]] = frozenset({"met", "failed", "waived"})

ACTOR_KINDS: Final[dict[str, str]] = {
    "state": "a sovereign state (ISO 3166 alpha-3 code by convention)",
    "organization": "an international or national organisation (EU, NATO, UN)",
    "coalition": "a group of actors acting together; lists its members",
    "person": "a person who speaks for an actor (their affiliation)",
    "other": "anything else that makes or receives pledges",
}

CONFIDENCE_LEVELS: Final[dict[str, str]] = {
    "confirmed": "confirmed by a primary source or several independent ones",
    "reported": "reported by a credible source, not confirmed",
    "unverified": "claimed, but not verified",
}

#: The NATO Admiralty code grades a source twice: the reliability of the source (a letter) and
#: the credibility of the information it gives (a digit), written together as ``B2``.
RELIABILITY_CODES: Final[dict[str, str]] = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}

CREDIBILITY_CODES: Final[dict[str, str]] = {
    "1": "confirmed by other sources",
    "2": "probably true",
    "3": "possibly true",
    "4": "doubtful",
    "5": "improbable",
    "6": "truth cannot be judged",
}


def admiralty_code(reliability: str | None, credibility: str | None) -> str:
    """A source's grading as written: ``B2``, ``B`` (its information not graded), or ``""``."""
    return (reliability or "") + (credibility or "")


def admiralty_meaning(reliability: str | None, credibility: str | None) -> str:
    """What a grading says in words: ``usually reliable; probably true`` (``""`` if none)."""
    words = [RELIABILITY_CODES.get(reliability or ""), CREDIBILITY_CODES.get(credibility or "")]
    return "; ".join(w for w in words if w)


SUGGESTED_CATEGORIES: Final[dict[str, str]] = {
    "troops": "personnel deployed or offered",
    "air_defence": "air defence systems or cover",
    "missile_defence": "missile defence",
    "intelligence": "intelligence sharing",
    "training": "training of armed forces",
    "equipment": "weapons, vehicles, munitions, materiel",
    "funding": "money: grants, loans, guarantees",
    "sanctions": "sanctions on an adversary",
    "monitoring": "ceasefire monitoring or verification",
    "diplomatic": "diplomatic support or initiatives",
    "position": "a stated position, including refusals",
    "other": "anything else",
}

SUGGESTED_UNITS: Final[tuple[str, ...]] = ("EUR", "USD", "GBP", "troops", "systems", "missiles")

#: The derived flags of a pledge, computed from its conditions and dates, never stored by hand.
#: Only an open pledge has them: a delivered, withdrawn, broken or superseded one has none.
PLEDGE_FLAGS: Final[dict[str, str]] = {
    "conditional": "open, and at least one of its conditions is pending or partially met",
    "blocked": "open, and at least one of its conditions has failed",
    "overdue": "open (not delivered, withdrawn, broken or superseded), and its due date has passed",
    "unconditional": "open, and none of its conditions is still open or has failed (or it has none)",
}

#: The kinds of record the ledger keeps. Code that branches on a record type takes this type,
#: so that mypy checks every branch; :mod:`db.record_types` says what each kind is made of.
RecordType = Literal["actor", "source", "condition", "pledge"]
#: Every record type, in the order a batch writes them (what a record refers to comes first).
RECORD_TYPES: Final[tuple[RecordType, ...]] = get_args(RecordType)


#: A record named by its type and key: ``("pledge", "fra-reassurance-force")``.
RecordRef = tuple[RecordType, str]


def is_record_type(word: str) -> TypeGuard[RecordType]:
    """Whether ``word`` names a record type (for text from outside: a CLI argument, a log)."""
    return word in RECORD_TYPES


#: Columns the pledge list can be sorted by, in the order ``o`` cycles through them.
SortColumn = Literal[
    "key", "pledger", "title", "category", "status", "conditions", "announced", "due", "updated"
]
SORT_COLUMNS: Final[tuple[SortColumn, ...]] = get_args(SortColumn)


def is_sort_column(word: str) -> TypeGuard[SortColumn]:
    """Whether the pledge list can be sorted by ``word``."""
    return word in SORT_COLUMNS
