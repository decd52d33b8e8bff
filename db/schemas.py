"""The ledger's records as pydantic models: the fixture format, the forms' result, the API's input.

These models enforce the rules of every record (keys, lengths, vocabularies, dates).
Importers, UI forms and the service API all validate with them, so a rule lives in exactly
one place. Field names are the fixture format's.

Validation is fast because it is mostly pydantic-core's own: patterns, lengths, literals and
decimals are checked in Rust, and Python runs once per record (to clean text of control
characters) plus once per cross-field rule. The price is that pydantic's messages are generic;
:func:`explain` turns each error into one plain sentence naming the field, the rule broken and
what is accepted instead.
"""

from __future__ import annotations

import datetime as dt
import re
import typing
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Final, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError

from . import vocab
from .dates import (
    ACCEPTED_FORMS,
    PartialDateError,
    lower_bound,
    parse_partial_date,
    refuse_future,
)
from .errors import closest
from .text import clean_line, clean_text, line_needs_cleaning

FORMAT: Final = "pledges/1"

CODE_RULE: Final = "2-16 characters A-Z, 0-9, _ or -, upper case"
KEY_RULE: Final = "1-64 characters a-z, 0-9 or -, starting with a letter or digit"
SLUG_RULE: Final = "1-64 characters a-z, 0-9, _ or -, starting with a letter or digit"

_CODE: Final = re.compile(r"[A-Z0-9_-]{2,16}")
_KEY: Final = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
_SLUG: Final = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_DATE: Final = r"^\d{4}(-(0[1-9]|1[0-2])(-\d{2})?)?$"


def _fail(error_type: str, template: str, **context: Any) -> PydanticCustomError:
    return PydanticCustomError(error_type, template, context or None)


def _calendar(value: str) -> str:
    """What the date pattern cannot see: year 0 and days a month does not have."""
    if len(value) == 10:
        try:
            dt.date.fromisoformat(value)
            return value
        except ValueError:
            pass
    elif not value.startswith("0000"):
        return value
    try:
        return parse_partial_date(value)
    except PartialDateError as error:
        raise _fail("date", "{reason}", reason=str(error)) from None


def _not_future(value: str) -> str:
    try:
        return refuse_future(value)
    except PartialDateError as error:
        raise _fail("future_date", "{message}", message=str(error)) from None


def canonical_decimal(number: Decimal) -> Decimal:
    """The one spelling of a number the ledger stores: no exponent, no trailing zeros."""
    if number == number.to_integral_value():
        return Decimal(format(number.to_integral_value(), "f"))
    return Decimal(format(number.normalize(), "f"))


Code = Annotated[str, StringConstraints(pattern=f"^{_CODE.pattern}$")]
Key = Annotated[str, StringConstraints(pattern=f"^{_KEY.pattern}$")]
Slug = Annotated[str, StringConstraints(pattern=f"^{_SLUG.pattern}$")]
Title = Annotated[str, StringConstraints(min_length=1, max_length=300)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Line = Annotated[str, StringConstraints(max_length=300)]
LongText = Annotated[str, StringConstraints(max_length=100_000)]
Url = Annotated[str, StringConstraints(max_length=2000)]
Unit = Annotated[str, StringConstraints(max_length=32)]
PartialDate = Annotated[str, StringConstraints(pattern=_DATE), AfterValidator(_calendar)]
Amount = Annotated[
    Decimal, Field(ge=0, allow_inf_nan=False, max_digits=60), AfterValidator(canonical_decimal)
]

PledgeStatus = Literal[
    "announced",
    "committed",
    "in_progress",
    "delivered",
    "stalled",
    "withdrawn",
    "broken",
    "superseded",
]
ConditionStatus = Literal["pending", "partially_met", "met", "failed", "waived"]
ActorKind = Literal["state", "organization", "coalition", "person", "other"]
Confidence = Literal["confirmed", "reported", "unverified"]
Reliability = Literal["A", "B", "C", "D", "E", "F"]
Credibility = Literal["1", "2", "3", "4", "5", "6"]
#: A full Admiralty code: the source's reliability and the information's credibility.
_ADMIRALTY: Final = re.compile(r"([A-F])([1-6])")
ADMIRALTY_RULE: Final = (
    "a letter A-F (the source's reliability), optionally followed by a digit 1-6 (the "
    "credibility of its information), e.g. B or B2"
)


class Record(BaseModel):
    """Common configuration: unknown fields are errors; records are immutable values.

    Before the fields are checked, one pass cleans every text value (control characters out;
    line breaks and tabs out of one-line fields), turns empty optional values into None and a
    missing list into an empty one.
    """

    # Frozen: a changed record is a new one, built (and so validated and cleaned) again.
    # ``model_copy(update=...)`` skips validation; the service API validates what it is given.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    #: The record type's name in messages and in the change log.
    record_type: ClassVar[vocab.RecordType]
    #: The field that holds the record's key.
    key_field: ClassVar[str] = "key"
    #: Fields that hold lists (joined with ';' in CSV, compared as lists in the change log).
    list_fields: ClassVar[tuple[str, ...]] = ()
    #: Fields of long text that keep their line breaks and tabs.
    text_fields: ClassVar[frozenset[str]] = frozenset()
    #: Fields that must have a value (an empty one is an error, not None).
    required_fields: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="before")
    @classmethod
    def _clean(cls, data: Any, info: ValidationInfo) -> Any:
        if not isinstance(data, dict) or _as_stored(info):
            return data
        return _cleaned(data, cls.text_fields, cls.required_fields, cls.list_fields)

    @property
    def record_key(self) -> str:
        return str(getattr(self, self.key_field))

    def validated(self) -> Record:
        """This record validated afresh (after ``model_copy(update=...)``, which does not)."""
        return type(self).model_validate(self.model_dump(exclude_defaults=False))

    def state(self) -> dict[str, Any]:
        """The record's fields as a plain, JSON-ready dict (history excluded): what the log keeps.

        A record read as stored that the schemas refuse (another tool wrote it) is built
        without validation and may hold a value of another type (an amount stored as text):
        it is given back as it is stored, which is what the form shows and the log compares
        with, so pydantic's warning that the value is not of the field's type is not wanted.
        """
        return self.model_dump(mode="json", exclude={"history"}, warnings=False)


#: Validation context that reads a stored record as it is: its text is shown exactly as
#: stored (a foreign tool's ESC stays, to be made visible), not cleaned as new input is.
AS_STORED: Final = {"as_stored": True}


def _as_stored(info: ValidationInfo) -> bool:
    return bool(info.context and info.context.get("as_stored"))


def _cleaned(
    data: dict[str, Any], texts: frozenset[str], required: frozenset[str], lists: tuple[str, ...]
) -> dict[str, Any]:
    # Runs once per record of every import: the common case (clean text) is kept cheap.
    cleaned = {}
    for name, value in data.items():
        if value.__class__ is str:
            if name in texts:
                value = clean_text(value)
            elif (
                line_needs_cleaning(value) is not None
                or value[:1].isspace()
                or value[-1:].isspace()
            ):
                value = clean_line(value)
            if not value and name not in required:
                value = None
        elif value.__class__ is list and name in lists:
            value = [clean_line(v) if isinstance(v, str) else v for v in value]
        elif value is None and name in lists:
            value = []
        elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            value = value.isoformat()
        cleaned[name] = value
    return cleaned


def first_repeated(values: Iterable[Any]) -> Any | None:
    """The first value met a second time, or None when no value repeats."""
    seen: set[Any] = set()
    for value in values:
        if value in seen:
            return value
        seen.add(value)
    return None


def _no_repeats(record: BaseModel, fields: Iterable[str]) -> None:
    for name in fields:
        values = getattr(record, name)
        if len(set(values)) != len(values):
            repeated = first_repeated(values)
            raise _fail(
                "duplicate", "{field}: {value} is listed twice", field=name, value=repr(repeated)
            )


class Actor(Record):
    record_type: ClassVar[vocab.RecordType] = "actor"
    key_field: ClassVar[str] = "code"
    list_fields: ClassVar[tuple[str, ...]] = ("aliases", "members")
    required_fields: ClassVar[frozenset[str]] = frozenset({"code", "name", "kind"})

    code: Code
    name: Name
    kind: ActorKind
    aliases: list[Name] = Field(default_factory=list)
    members: list[Code] = Field(default_factory=list)
    affiliation: Code | None = None

    @model_validator(mode="after")
    def _roles(self) -> Actor:
        _no_repeats(self, self.list_fields)
        if self.members and self.kind != "coalition":
            raise _fail(
                "members",
                "members: only coalitions have members (this actor is a {kind})",
                kind=self.kind,
            )
        if self.affiliation and self.kind != "person":
            raise _fail(
                "affiliation",
                "affiliation: only persons have an affiliation (this actor is a {kind})",
                kind=self.kind,
            )
        if self.code in self.members:
            raise _fail("members", "members: a coalition cannot be a member of itself")
        if self.affiliation == self.code:
            raise _fail("affiliation", "affiliation: an actor cannot speak for itself")
        return self


class Source(Record):
    record_type: ClassVar[vocab.RecordType] = "source"
    text_fields: ClassVar[frozenset[str]] = frozenset({"excerpt"})
    required_fields: ClassVar[frozenset[str]] = frozenset({"key", "title"})

    key: Key
    title: Title
    publisher: Line | None = None
    url: Url | None = None
    published: PartialDate | None = None
    excerpt: LongText | None = None
    #: The NATO Admiralty code's two grades, kept apart; ``reliability: B2`` gives both.
    reliability: Reliability | None = None
    credibility: Credibility | None = None

    @model_validator(mode="before")
    @classmethod
    def _admiralty(cls, data: Any, info: ValidationInfo) -> Any:
        """``reliability: B2`` (the full code) is reliability B and credibility 2; a JSON
        number 2 is the credibility ``"2"``."""
        if not isinstance(data, dict) or _as_stored(info):
            return data
        credibility = data.get("credibility")
        if isinstance(credibility, int) and not isinstance(credibility, bool):
            credibility = str(credibility)
            data = {**data, "credibility": credibility}
        code = data.get("reliability")
        full = _ADMIRALTY.fullmatch(code.strip()) if isinstance(code, str) else None
        if full is None:
            return data
        if isinstance(credibility, str):
            credibility = credibility.strip() or None
        if credibility is not None and credibility != full.group(2):
            raise _fail(
                "credibility",
                "credibility: {credibility} but reliability {code} gives {digit}; give the "
                "credibility once",
                credibility=repr(credibility),
                code=full.group(0),
                digit=full.group(2),
            )
        return {**data, "reliability": full.group(1), "credibility": full.group(2)}

    @model_validator(mode="after")
    def _graded(self) -> Source:
        if self.credibility and not self.reliability:
            raise _fail(
                "credibility",
                "credibility: a credibility needs the source's reliability too "
                "(F if it cannot be judged)",
            )
        return self


class HistoryEntry(BaseModel):
    """One status change in a fixture's ``history`` list."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    date: Annotated[PartialDate, AfterValidator(_not_future)]
    status: str
    note: LongText | None = None
    source: Key | None = None

    @model_validator(mode="before")
    @classmethod
    def _clean(cls, data: Any, info: ValidationInfo) -> Any:
        if not isinstance(data, dict) or _as_stored(info):
            return data
        return _cleaned(data, frozenset({"note"}), frozenset({"date", "status"}), ())

    @model_validator(mode="after")
    def _evidence(self) -> HistoryEntry:
        if not self.note and not self.source:
            raise _fail(
                "evidence", "a status change needs evidence: give a note or a source (or both)"
            )
        return self


def _check_history(
    history: list[HistoryEntry], status: str, statuses: Mapping[str, str], what: str
) -> None:
    allowed = ", ".join(statuses)
    for index, entry in enumerate(history):
        if entry.status not in statuses:
            raise _fail(
                "vocabulary",
                "history[{index}].status: {value} is not a {what}; use one of: {allowed}",
                index=index,
                value=repr(entry.status),
                what=what,
                allowed=allowed,
            )
    for index in range(1, len(history)):
        if str(lower_bound(history[index].date)) < str(lower_bound(history[index - 1].date)):
            raise _fail(
                "history_order",
                "history[{index}].date: {date} comes before the entry above it; "
                "list status changes oldest first",
                index=index,
                date=history[index].date,
            )
    if history and history[-1].status != status:
        raise _fail(
            "history_status",
            "status: {status} but the last history entry says {last}; they must agree",
            status=repr(status),
            last=repr(history[-1].status),
        )


class Condition(Record):
    record_type: ClassVar[vocab.RecordType] = "condition"
    list_fields: ClassVar[tuple[str, ...]] = ("sources",)
    text_fields: ClassVar[frozenset[str]] = frozenset({"description"})
    required_fields: ClassVar[frozenset[str]] = frozenset({"key", "title", "status"})

    key: Key
    title: Title
    description: LongText | None = None
    status: ConditionStatus = "pending"
    responsible: Code | None = None
    resolved: PartialDate | None = None
    sources: list[Key] = Field(default_factory=list)
    history: list[HistoryEntry] = Field(default_factory=list)

    @model_validator(mode="after")
    def _history(self) -> Condition:
        _no_repeats(self, self.list_fields)
        _check_history(self.history, self.status, vocab.CONDITION_STATUSES, "condition status")
        return self


class Pledge(Record):
    record_type: ClassVar[vocab.RecordType] = "pledge"
    list_fields: ClassVar[tuple[str, ...]] = ("conditions", "sources", "tags")
    text_fields: ClassVar[frozenset[str]] = frozenset({"text", "notes"})
    required_fields: ClassVar[frozenset[str]] = frozenset(
        {"key", "title", "pledger", "status", "confidence"}
    )

    key: Key
    title: Title
    text: LongText | None = None
    pledger: Code
    beneficiary: Code | None = None
    category: Slug | None = None
    status: PledgeStatus = "announced"
    announced: PartialDate | None = None
    due: PartialDate | None = None
    amount: Amount | None = None
    delivered: Amount | None = None
    unit: Unit | None = None
    confidence: Confidence = "reported"
    conditions: list[Key] = Field(default_factory=list)
    sources: list[Key] = Field(default_factory=list)
    supersedes: Key | None = None
    tags: list[Slug] = Field(default_factory=list)
    notes: LongText | None = None
    history: list[HistoryEntry] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Pledge:
        _no_repeats(self, self.list_fields)
        if (self.amount is not None or self.delivered is not None) and not self.unit:
            raise _fail(
                "unit",
                "unit: an amount needs a unit (EUR, USD, GBP, troops, systems, missiles, ...)",
            )
        if self.supersedes == self.key:
            raise _fail("supersedes", "supersedes: a pledge cannot supersede itself")
        _check_history(self.history, self.status, vocab.PLEDGE_STATUSES, "pledge status")
        return self


class Document(BaseModel):
    """A whole fixture document. Importers validate record by record to report every problem;
    this model is the shape exports are built from."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    format: Literal["pledges/1"] = FORMAT
    actors: list[Actor] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    conditions: list[Condition] = Field(default_factory=list)
    pledges: list[Pledge] = Field(default_factory=list)


def allowed_fields(model: type[BaseModel]) -> list[str]:
    """The field names a record of this model may carry, as written in a fixture."""
    return [info.alias or name for name, info in model.model_fields.items()]


# -- explaining errors -----------------------------------------------------------------------

#: What kind of value each field holds, for messages.
_CODES = frozenset({"code", "pledger", "beneficiary", "responsible", "affiliation", "members"})
_KEYS = frozenset({"key", "conditions", "sources", "supersedes", "source"})
_SLUGS = frozenset({"category", "tags"})
_DATES = frozenset({"announced", "due", "resolved", "published", "date"})
_AMOUNTS = frozenset({"amount", "delivered"})
_VOCABULARIES: dict[tuple[str, str], tuple[Mapping[str, str], str]] = {
    ("Pledge", "status"): (vocab.PLEDGE_STATUSES, "pledge status"),
    ("Condition", "status"): (vocab.CONDITION_STATUSES, "condition status"),
    ("Actor", "kind"): (vocab.ACTOR_KINDS, "kind of actor"),
    ("Pledge", "confidence"): (vocab.CONFIDENCE_LEVELS, "confidence level"),
    ("Source", "reliability"): (vocab.RELIABILITY_CODES, "reliability code"),
    ("Source", "credibility"): (vocab.CREDIBILITY_CODES, "credibility code"),
}


def explain(error: ValidationError, model: type[BaseModel] | None = None) -> list[tuple[str, str]]:
    """Turn a validation error into ``(field path, message)`` pairs an analyst can act on.

    The field path is dotted (``history[1].date``); the message names the rule broken and what
    is accepted instead. Unknown fields name the allowed ones.
    """
    problems: list[tuple[str, str]] = []
    for item in error.errors(include_url=False):
        loc = item["loc"]
        path = _path(loc)
        field = next((str(p) for p in reversed(loc) if isinstance(p, str)), "")
        owner = _model_at(model, loc[:-1]) if model else None
        message = _message(item, field, owner)
        # Model-level rules name their own field ("unit: ..."); lift it into the path.
        head, sep, rest = message.partition(": ")
        if not path and sep and re.fullmatch(r"[a-z_]+(\[\d+\])?(\.[a-z_]+)?", head):
            path, message = head, rest
        problems.append((path, message))
    return problems


def _message(item: Any, field: str, owner: type[BaseModel] | None) -> str:
    kind = item["type"]
    value = item.get("input")
    if kind == "extra_forbidden":
        names = allowed_fields(owner) if owner else []
        close = closest(field, names)
        hint = f"did you mean {close}? " if close else ""
        return f"unknown field {field!r}; {hint}allowed fields are: {', '.join(names)}"
    if kind == "missing":
        return "is required"
    if kind == "string_type":
        if field in _DATES and not isinstance(value, bool | dt.datetime):
            return f"{value!r} is not a date; write it as text: {ACCEPTED_FORMS}"
        return f"{value!r} is not text"
    if kind == "list_type":
        if isinstance(value, str):
            return f"expected a list, got the text {value!r}; write [{value}]"
        return f"expected a list, got {value!r}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        limit = item.get("ctx", {}).get("max_length")
        return f"is {len(value)} characters long; at most {limit} are allowed"
    if kind == "string_pattern_mismatch":
        return _pattern_message(field, value)
    if kind == "literal_error":
        words, what = _VOCABULARIES.get(((owner.__name__ if owner else ""), field), ({}, field))
        allowed = ", ".join(words) or item.get("ctx", {}).get("expected", "")
        if not isinstance(value, str):
            return f"{value!r} is not text; a {what} is one of: {allowed}"
        if field == "reliability" and owner is Source:
            upper = value.strip().upper()
            hint = (
                f"did you mean {upper}? " if _ADMIRALTY.fullmatch(upper) or upper in words else ""
            )
            return f"{value!r} is not a {what}; {hint}use {ADMIRALTY_RULE}"
        close = closest(value.lower(), words)
        hint = f"did you mean {close}? " if close else ""
        return f"{value!r} is not a {what}; {hint}use one of: {allowed}"
    if field in _AMOUNTS:
        if kind == "greater_than_equal":
            return f"{value!r} is negative; amounts are 0 or more"
        if kind == "finite_number":
            return f"{value!r} is not a finite number"
        if kind in {"decimal_parsing", "decimal_type", "decimal_max_digits"}:
            return f"{value!r} is not a number; write digits such as 1500000 or 2.5"
    return str(item["msg"])


def _pattern_message(field: str, value: Any) -> str:
    if field in _DATES:
        try:
            parse_partial_date(value)
        except PartialDateError as error:
            return str(error)
    if field in _CODES:
        upper = value.upper()
        hint = f" (did you mean {upper}?)" if _CODE.fullmatch(upper) else ""
        return f"{value!r} is not an actor code: {CODE_RULE}{hint}"
    if field in _SLUGS:
        return f"{value!r} is not a slug: {SLUG_RULE}"
    return f"{value!r} is not a key: {KEY_RULE}"


def _model_at(model: type[BaseModel], loc: Iterable[int | str]) -> type[BaseModel] | None:
    """The (nested) model that owns the field at ``loc``: ``history[0]`` is a HistoryEntry."""
    current: type[BaseModel] = model
    for part in loc:
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part)
        if info is None:
            return current
        annotation = info.annotation
        if typing.get_origin(annotation) is list:
            annotation = typing.get_args(annotation)[0]
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return current
        current = annotation
    return current


def _path(loc: Iterable[int | str]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def validation_messages(error: ValidationError, model: type[BaseModel] | None = None) -> list[str]:
    """``explain`` as ``field: message`` lines."""
    return [f"{path}: {message}" if path else message for path, message in explain(error, model)]
