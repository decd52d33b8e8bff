"""What can go wrong in the ledger, each as an exception whose message an analyst can act on.

Every error raised by the service API is a :class:`LedgerError`; the UI shows its message in a
dialog and the CLI prints it as one line on stderr. None of them leaves the ledger half-written.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .vocab import RecordType


class LedgerError(Exception):
    """Base class: ``str(error)`` is a complete sentence for the user."""

    #: The field of the record that the error is about, when it is about one: a form marks
    #: that field with the message. None: the error is about the record (or the ledger).
    field: str | None = None


class LedgerOpenError(LedgerError):
    """The ledger cannot be opened: not a ledger, from a newer pledges, unreadable. The file is
    left untouched."""


class NoLedgerError(LedgerOpenError):
    """There is no ledger at the path: no file, or an empty one. Nothing was changed; the
    caller may make one there (``Ledger.open(..., create=True)``)."""

    def __init__(self, path: Path, message: str) -> None:
        self.path = path
        super().__init__(message)


class LedgerBusyError(LedgerError):
    """Another process held the ledger's write lock for longer than the busy timeout."""


class FileTargetError(LedgerError):
    """A file cannot be written where asked: a directory, a device, a named pipe or a link is
    there, or a file that may not be replaced (``exists``). Nothing was written."""

    def __init__(
        self, target: Path, message: str, *, exists: bool = False, no_folder: bool = False
    ) -> None:
        #: ``exists``: a file is there that may not be replaced; ``no_folder``: the folder to
        #: write in does not exist (it is never made: a mistyped path is refused, not built).
        self.target, self.exists, self.no_folder = target, exists, no_folder
        super().__init__(message)


class PastReadOnlyError(LedgerError):
    """A write to the ledger while it is read as of a past date: the past is read-only."""


class NotFoundError(LedgerError):
    def __init__(self, record_type: RecordType, key: str, known: Iterable[str] = ()) -> None:
        self.record_type, self.key = record_type, key
        self.suggestion = nearest(key, known)
        hint = f"; did you mean {self.suggestion}?" if self.suggestion else ""
        super().__init__(f"there is no {record_type} {key!r}{hint}")


class DuplicateKeyError(LedgerError):
    def __init__(self, record_type: RecordType, key: str, field: str = "key") -> None:
        """``field``: the field holding the record's key (``code`` for actors)."""
        self.record_type, self.key, self.field = record_type, key, field
        super().__init__(f"a {record_type} {key!r} already exists; keys are unique")


class UnknownReferenceError(LedgerError):
    """A record names an actor, condition, source or pledge that does not exist."""

    def __init__(
        self,
        record_type: RecordType,
        key: str,
        field: str,
        value: str,
        target: RecordType,
        known: Iterable[str] = (),
    ) -> None:
        self.record_type, self.key, self.field, self.value, self.target = (
            record_type,
            key,
            field,
            value,
            target,
        )
        self.suggestion = nearest(value, known)
        hint = f"; did you mean {self.suggestion}?" if self.suggestion else ""
        super().__init__(
            f"{record_type} {key!r}: {field} names {target} {value!r}, which does not exist{hint}"
        )


class ConflictError(LedgerError):
    """The record changed since the caller read it; nothing was written.

    ``theirs`` is the record as it is now (None if it was deleted), so a form can show the
    analyst's values and the stored ones side by side.
    """

    def __init__(
        self,
        record_type: RecordType,
        key: str,
        expected: int,
        actual: int | None,
        theirs: Mapping[str, Any] | None,
    ) -> None:
        self.record_type, self.key, self.expected, self.actual, self.theirs = (
            record_type,
            key,
            expected,
            actual,
            theirs,
        )
        if actual is None:
            what = "was deleted"
        else:
            what = f"was changed by someone else (version {expected} -> {actual})"
        super().__init__(f"{record_type} {key!r} {what} since you opened it; nothing was saved")


class ReferencedError(LedgerError):
    """A record that others still refer to cannot be deleted."""

    def __init__(
        self, record_type: RecordType, key: str, referenced_by: Sequence[tuple[str, str]]
    ) -> None:
        self.record_type, self.key, self.referenced_by = record_type, key, list(referenced_by)
        shown = ", ".join(f"{kind} {ref}" for kind, ref in self.referenced_by[:10])
        more = f" and {len(self.referenced_by) - 10} more" if len(self.referenced_by) > 10 else ""
        super().__init__(
            f"{record_type} {key!r} is still referenced by {shown}{more}; nothing was deleted"
        )


class EvidenceRequiredError(LedgerError):
    #: A note or a source would do; the note is where evidence is usually given.
    field = "note"

    def __init__(self, record_type: RecordType, key: str) -> None:
        super().__init__(
            f"{record_type} {key!r}: a status change needs evidence: give a note or a source (or both)"
        )


class InvalidRecordError(LedgerError):
    """A record broke the rules of the schemas; ``problems`` are ``(field, message)`` pairs."""

    def __init__(
        self, record_type: RecordType, key: str | None, problems: Sequence[tuple[str, str]]
    ) -> None:
        self.record_type, self.key, self.problems = record_type, key, list(problems)
        name = f"{record_type} {key!r}" if key else record_type
        detail = "; ".join(
            f"{field}: {message}" if field else message for field, message in problems
        )
        super().__init__(f"{name}: {detail}")


class BackdatedStatusError(LedgerError):
    """A status change dated before the change that set the current status: the history would
    then end on a status other than the current one."""

    field = "effective"

    def __init__(
        self, record_type: RecordType, key: str, current: str, since: str, date: str
    ) -> None:
        self.record_type, self.key, self.current, self.since, self.date = (
            record_type,
            key,
            current,
            since,
            date,
        )
        super().__init__(
            f"{record_type} {key!r}: its current status {current!r} dates from {since}; a "
            f"change dated {date} would come before it. Give a date on or after {since}"
        )


class BackdatedChangeError(LedgerError):
    """A change of a field dated before the change that set the field's current value: read
    as of any later date, the ledger would show that older change's value, not this one."""

    field = "effective"

    def __init__(self, record_type: RecordType, key: str, name: str, since: str, date: str) -> None:
        self.record_type, self.key, self.name, self.since, self.date = (
            record_type,
            key,
            name,
            since,
            date,
        )
        super().__init__(
            f"{record_type} {key!r}: its {name} was last changed with effect from {since}; a "
            f"change dated {date} would come before that one, which would go on showing. Give "
            f"a date on or after {since}, or none (today)"
        )


class CycleError(LedgerError):
    field = "supersedes"

    def __init__(self, chain: Sequence[str]) -> None:
        self.chain = list(chain)
        super().__init__("supersedes makes a cycle: " + " -> ".join(self.chain))


class NothingToUndoError(LedgerError):
    pass


class UndoConflictError(LedgerError):
    """Undo or redo would overwrite a change made since; nothing was written."""

    #: What the analyst can do about it (the UI's and the command line's note).
    ADVICE = (
        "Nothing was changed, so no one's work is lost. You can undo only the parts that "
        "still apply (the records changed since stay as they are), skip this change and undo "
        "your change before it, or ask the colleague named to undo theirs first."
    )

    def __init__(
        self,
        label: str,
        reason: str,
        record_type: RecordType,
        key: str,
        current: Mapping[str, Any] | None,
    ) -> None:
        self.label, self.reason, self.record_type, self.key, self.current = (
            label,
            reason,
            record_type,
            key,
            current,
        )
        super().__init__(f'cannot reverse "{label}": {reason}; nothing was changed')


class QueryError(LedgerError):
    """A malformed filter query: what is wrong, and where (0-based ``position``, ``length``)."""

    def __init__(self, message: str, position: int, length: int = 1) -> None:
        self.message, self.position, self.length = message, position, max(1, length)
        super().__init__(f"{message} (at column {position + 1})")


class QueryTooComplexError(QueryError):
    """A query the database cannot evaluate: too many terms, nested too deep."""

    def __init__(self, reason: str) -> None:
        self.message, self.position, self.length = (
            f"the query is too complex for the ledger's database ({reason}); use fewer terms",
            0,
            1,
        )
        LedgerError.__init__(self, self.message)


#: How much a shared first letter adds to a hint's score, for up to :data:`_PREFIX_LETTERS`
#: letters (Winkler's weighting): mistyped words keep their start (``stage`` is ``status``
#: more than ``tags``), which the plain ratio of matching characters does not see.
_PREFIX_WEIGHT = 0.1
_PREFIX_LETTERS = 4


def _with_prefix_bonus(ratio: float, a: str, b: str) -> float:
    shared = 0
    for x, y in zip(a[:_PREFIX_LETTERS], b[:_PREFIX_LETTERS], strict=False):
        if x != y:
            break
        shared += 1
    return ratio + shared * _PREFIX_WEIGHT * (1 - ratio)


def closest(value: str, known: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The string of ``known`` most like ``value``, or None if none scores ``cutoff``.

    The score is difflib's ratio of matching characters raised by the letters the two share at
    their start; ties go to the earlier candidate. Case counts: fold both sides first to ignore
    it (as :func:`nearest` does).
    """
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(value)
    best: tuple[float, str] | None = None
    for candidate in known:
        matcher.set_seq1(candidate)
        # The cheap upper bounds of the ratio first, as difflib.get_close_matches does: most
        # candidates of a long list are dismissed without the quadratic ratio.
        floor = cutoff if best is None else max(cutoff, best[0])
        if _with_prefix_bonus(matcher.real_quick_ratio(), candidate, value) < floor:
            continue
        if _with_prefix_bonus(matcher.quick_ratio(), candidate, value) < floor:
            continue
        score = _with_prefix_bonus(matcher.ratio(), candidate, value)
        if score >= floor and (best is None or score > best[0]):
            best = (score, candidate)
    return best[1] if best else None


def nearest(value: str, known: Iterable[str]) -> str | None:
    """The known key most like ``value``, for "did you mean" hints; None if nothing is close.

    Case is ignored; see :func:`closest` for how likeness is scored.
    """
    candidates = list(known)
    if not candidates:
        return None
    folded = {c.lower(): c for c in candidates}
    if value.lower() in folded:
        return folded[value.lower()]
    close = closest(value.lower(), folded)
    return folded[close] if close else None


#: A reason quoted from a database or the system is cut to this many characters.
REASON_LIMIT = 300


def reason(error: BaseException) -> str:
    """The first line of what the database (or the system) said, cut to a bounded length."""
    original = getattr(error, "orig", None) or error
    text = str(original).strip()
    if not text:
        return type(error).__name__
    line = text.splitlines()[0]
    return line if len(line) <= REASON_LIMIT else line[:REASON_LIMIT] + "…"
