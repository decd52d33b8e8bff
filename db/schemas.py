"""The ledger's records as pydantic models: the fixture format, the forms' result, the API's input.

These models enforce DESIGN section 1. Importers, UI forms and the service API all validate
with them, so a rule lives in exactly one place. Field names are the fixture format's.
:func:`explain` turns a :class:`pydantic.ValidationError` into one plain sentence per problem,
naming the field and the rule.
"""

from __future__ import annotations

import difflib
import math
import re
import typing
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, ClassVar, Final, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

from . import vocab
from .dates import PartialDateError, lower_bound, parse_partial_date
from .text import clean_line, clean_text

FORMAT: Final = "pledges/1"

CODE_RULE: Final = "2-16 characters A-Z, 0-9, _ or -, upper case"
KEY_RULE: Final = "1-64 characters a-z, 0-9 or -, starting with a letter or digit"
SLUG_RULE: Final = "1-64 characters a-z, 0-9, _ or -, starting with a letter or digit"


def _fail(error_type: str, template: str, **context: Any) -> PydanticCustomError:
    return PydanticCustomError(error_type, template, context or None)


def _require_str(value: object, what: str) -> str:
    if isinstance(value, str):
        return value
    raise _fail("type", "{value} is not text; {what}", value=repr(value), what=what)


def _code(value: object) -> str:
    text = _require_str(value, f"an actor code is {CODE_RULE}").strip()
    if _CODE.fullmatch(text):
        return text
    hint = ""
    upper = text.upper()
    if (
        upper != text
        and 2 <= len(upper) <= 16
        and all(c.isascii() and (c.isalnum() or c in "_-") for c in upper)
    ):
        hint = f" (did you mean {upper}?)"
    raise _fail(
        "code", "{value} is not an actor code: " + CODE_RULE + "{hint}", value=repr(text), hint=hint
    )


# Regular expressions, not per-character Python loops: an import validates millions of keys.
_CODE: Final = re.compile(r"[A-Z0-9_-]{2,16}")
_KEY: Final = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
_SLUG: Final = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


def _key(value: object) -> str:
    text = _require_str(value, f"a key is {KEY_RULE}").strip()
    if _KEY.fullmatch(text):
        return text
    raise _fail("key", "{value} is not a key: " + KEY_RULE, value=repr(text))


def _slug(value: object) -> str:
    text = _require_str(value, f"a slug is {SLUG_RULE}").strip()
    if _SLUG.fullmatch(text):
        return text
    raise _fail("slug", "{value} is not a slug: " + SLUG_RULE, value=repr(text))


def _line(limit: int) -> Callable[[object], str]:
    def validate(value: object) -> str:
        text = clean_line(_require_str(value, "expected one line of text"))
        if not text:
            raise _fail("required", "must not be empty")
        if len(text) > limit:
            raise _fail(
                "too_long",
                "is {length} characters long; at most {limit} are allowed",
                length=len(text),
                limit=limit,
            )
        return text

    return validate


def _long_text(limit: int) -> Callable[[object], str | None]:
    def validate(value: object) -> str | None:
        if value is None:
            return None
        text = clean_text(_require_str(value, "expected text"))
        if len(text) > limit:
            raise _fail(
                "too_long",
                "is {length} characters long; at most {limit} are allowed",
                length=len(text),
                limit=limit,
            )
        return text or None

    return validate


def _optional(validate: Callable[[object], str]) -> Callable[[object], str | None]:
    def optional(value: object) -> str | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return validate(value)

    return optional


def _vocabulary(words: Mapping[str, str], what: str) -> Callable[[object], str]:
    allowed = ", ".join(words)

    def validate(value: object) -> str:
        text = _require_str(value, f"a {what} is one of: {allowed}").strip()
        if text in words:
            return text
        close = difflib.get_close_matches(text.lower(), list(words), n=1, cutoff=0.6)
        hint = f"did you mean {close[0]}? " if close else ""
        raise _fail(
            "vocabulary",
            "{value} is not a {what}; {hint}use one of: {allowed}",
            value=repr(text),
            what=what,
            hint=hint,
            allowed=allowed,
        )

    return validate


def _partial_date(value: object) -> str:
    try:
        return parse_partial_date(value)
    except PartialDateError as error:
        raise _fail("date", "{reason}", reason=str(error)) from None


def _decimal(value: object) -> Decimal:
    if isinstance(value, bool):
        raise _fail("decimal", "{value} is not a number", value=repr(value))
    try:
        if isinstance(value, float):
            if not math.isfinite(value):
                raise _fail("decimal", "{value} is not a finite number", value=repr(value))
            number = Decimal(repr(value))
        elif isinstance(value, int | Decimal):
            number = Decimal(value)
        elif isinstance(value, str):
            number = Decimal(
                value.strip().replace("_", "").replace(",", "") if value.strip() else "x"
            )
        else:
            raise InvalidOperation
    except InvalidOperation:
        raise _fail(
            "decimal",
            "{value} is not a number; write digits such as 1500000 or 2.5",
            value=repr(value),
        ) from None
    if not number.is_finite():
        raise _fail("decimal", "{value} is not a finite number", value=repr(value))
    if number < 0:
        raise _fail("decimal", "{value} is negative; amounts are 0 or more", value=repr(value))
    return canonical_decimal(number)


def canonical_decimal(number: Decimal) -> Decimal:
    """The one spelling of a number the ledger stores: no exponent, no trailing zeros."""
    if number == number.to_integral_value():
        return Decimal(format(number.to_integral_value(), "f"))
    return Decimal(format(number.normalize(), "f"))


def _unique(values: list[Any]) -> list[Any]:
    seen: set[Any] = set()
    for value in values:
        if value in seen:
            raise _fail("duplicate", "{value} is listed twice", value=repr(value))
        seen.add(value)
    return values


def _list(value: object) -> object:
    # A lone string where a list belongs is a common slip in hand-written YAML; say so plainly.
    if isinstance(value, str):
        raise _fail(
            "list",
            "expected a list, got the text {value}; write [{value_raw}]",
            value=repr(value),
            value_raw=value,
        )
    return [] if value is None else value


Code = Annotated[str, BeforeValidator(_code)]
Key = Annotated[str, BeforeValidator(_key)]
Slug = Annotated[str, BeforeValidator(_slug)]
Title = Annotated[str, BeforeValidator(_line(300))]
Name = Annotated[str, BeforeValidator(_line(200))]
LongText = Annotated[str | None, BeforeValidator(_long_text(100_000))]
PartialDate = Annotated[str, BeforeValidator(_partial_date)]
OptionalDate = Annotated[str | None, BeforeValidator(_optional(_partial_date))]
OptionalCode = Annotated[str | None, BeforeValidator(_optional(_code))]
OptionalKey = Annotated[str | None, BeforeValidator(_optional(_key))]
OptionalSlug = Annotated[str | None, BeforeValidator(_optional(_slug))]
OptionalLine = Annotated[str | None, BeforeValidator(_optional(_line(300)))]
Url = Annotated[str | None, BeforeValidator(_optional(_line(2000)))]
Amount = Annotated[
    Decimal | None, BeforeValidator(lambda v: None if v is None or v == "" else _decimal(v))
]
Unit = Annotated[str | None, BeforeValidator(_optional(_line(32)))]


def _as_list(value: object) -> object:
    listed = _list(value)
    if not isinstance(listed, list):
        raise _fail("list", "expected a list, got {value}", value=repr(listed))
    return listed


# Lists validate item by item, so an error points at its index (``conditions[2]``).
Codes = Annotated[list[Code], BeforeValidator(_as_list), AfterValidator(_unique)]
Keys = Annotated[list[Key], BeforeValidator(_as_list), AfterValidator(_unique)]
Slugs = Annotated[list[Slug], BeforeValidator(_as_list), AfterValidator(_unique)]
Aliases = Annotated[list[Name], BeforeValidator(_as_list), AfterValidator(_unique)]


PledgeStatus = Annotated[str, BeforeValidator(_vocabulary(vocab.PLEDGE_STATUSES, "pledge status"))]
ConditionStatus = Annotated[
    str, BeforeValidator(_vocabulary(vocab.CONDITION_STATUSES, "condition status"))
]
ActorKind = Annotated[str, BeforeValidator(_vocabulary(vocab.ACTOR_KINDS, "kind of actor"))]
Confidence = Annotated[
    str, BeforeValidator(_vocabulary(vocab.CONFIDENCE_LEVELS, "confidence level"))
]
Reliability = Annotated[
    str | None, BeforeValidator(_optional(_vocabulary(vocab.RELIABILITY_CODES, "reliability code")))
]


class Record(BaseModel):
    """Common configuration: unknown fields are errors, values are validated on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=False)

    #: The record type's name in messages and in the change log.
    record_type: ClassVar[str]
    #: The field that holds the record's key.
    key_field: ClassVar[str] = "key"
    #: Fields that hold lists (joined with ';' in CSV, compared as lists in the change log).
    list_fields: ClassVar[tuple[str, ...]] = ()

    @property
    def record_key(self) -> str:
        return str(getattr(self, self.key_field))

    def state(self) -> dict[str, Any]:
        """The record's fields as a plain, JSON-ready dict (history excluded): what the log keeps."""
        data = self.model_dump(mode="json", exclude={"history"})
        return data


class Actor(Record):
    record_type: ClassVar[str] = "actor"
    key_field: ClassVar[str] = "code"
    list_fields: ClassVar[tuple[str, ...]] = ("aliases", "members")

    code: Code
    name: Name
    kind: ActorKind
    aliases: Aliases = Field(default_factory=list)
    members: Codes = Field(default_factory=list)
    affiliation: OptionalCode = None

    @model_validator(mode="after")
    def _roles(self) -> Actor:
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
    record_type: ClassVar[str] = "source"

    key: Key
    title: Title
    publisher: OptionalLine = None
    url: Url = None
    published: OptionalDate = None
    excerpt: LongText = None
    reliability: Reliability = None


class HistoryEntry(BaseModel):
    """One status change in a fixture's ``history`` list."""

    model_config = ConfigDict(extra="forbid")

    date: PartialDate
    status: str
    note: LongText = None
    source: OptionalKey = None

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
        if lower_bound(history[index].date) < lower_bound(history[index - 1].date):  # type: ignore[operator]
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
    record_type: ClassVar[str] = "condition"
    list_fields: ClassVar[tuple[str, ...]] = ("sources",)

    key: Key
    title: Title
    description: LongText = None
    status: ConditionStatus = "pending"
    responsible: OptionalCode = None
    resolved: OptionalDate = None
    sources: Keys = Field(default_factory=list)
    history: list[HistoryEntry] = Field(default_factory=list)

    @model_validator(mode="after")
    def _history(self) -> Condition:
        _check_history(self.history, self.status, vocab.CONDITION_STATUSES, "condition status")
        return self


class Pledge(Record):
    record_type: ClassVar[str] = "pledge"
    list_fields: ClassVar[tuple[str, ...]] = ("conditions", "sources", "tags")

    key: Key
    title: Title
    text: LongText = None
    pledger: Code
    beneficiary: OptionalCode = None
    category: OptionalSlug = None
    status: PledgeStatus = "announced"
    announced: OptionalDate = None
    due: OptionalDate = None
    amount: Amount = None
    delivered: Amount = None
    unit: Unit = None
    confidence: Confidence = "reported"
    conditions: Keys = Field(default_factory=list)
    sources: Keys = Field(default_factory=list)
    supersedes: OptionalKey = None
    tags: Slugs = Field(default_factory=list)
    notes: LongText = None
    history: list[HistoryEntry] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Pledge:
        if (self.amount is not None or self.delivered is not None) and not self.unit:
            raise _fail(
                "unit",
                "unit: an amount needs a unit (EUR, USD, GBP, troops, systems, missiles, ...)",
            )
        if self.supersedes == self.key:
            raise _fail("supersedes", "supersedes: a pledge cannot supersede itself")
        _check_history(self.history, self.status, vocab.PLEDGE_STATUSES, "pledge status")
        return self


RECORD_MODELS: Final[dict[str, type[Record]]] = {
    "actor": Actor,
    "source": Source,
    "condition": Condition,
    "pledge": Pledge,
}


class Document(BaseModel):
    """A whole fixture document. Importers validate record by record to report every problem;
    this model is the shape exports are built from."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["pledges/1"] = FORMAT
    actors: list[Actor] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    conditions: list[Condition] = Field(default_factory=list)
    pledges: list[Pledge] = Field(default_factory=list)


def allowed_fields(model: type[BaseModel]) -> list[str]:
    """The field names a record of this model may carry, as written in a fixture."""
    return [info.alias or name for name, info in model.model_fields.items()]


def explain(error: ValidationError, model: type[BaseModel] | None = None) -> list[tuple[str, str]]:
    """Turn a validation error into ``(field path, message)`` pairs an analyst can act on.

    The field path is dotted (``history[1].date``); the message names the rule broken and what
    is accepted instead. Unknown fields name the allowed ones.
    """
    problems: list[tuple[str, str]] = []
    for item in error.errors(include_url=False):
        path = _path(item["loc"])
        kind = item["type"]
        if kind == "extra_forbidden":
            owner = _model_at(model, item["loc"][:-1]) if model else None
            names = allowed_fields(owner) if owner else []
            field = str(item["loc"][-1])
            close = difflib.get_close_matches(field, names, n=1)
            hint = f"did you mean {close[0]}? " if close else ""
            message = f"unknown field {field!r}; {hint}allowed fields are: {', '.join(names)}"
        elif kind == "missing":
            message = "is required"
        elif kind in {"string_type", "list_type", "model_type", "dict_type"}:
            message = f"{item['msg'].lower()}, got {item.get('input')!r}"
        else:
            message = item["msg"]
        # Model-level rules name their own field ("unit: ..."); lift it into the path.
        if (
            not path
            and ": " in message
            and message.split(": ", 1)[0]
            .replace("_", "")
            .replace("[", "")
            .replace("]", "")
            .replace(".", "")
            .isalnum()
        ):
            path, message = message.split(": ", 1)
        problems.append((path, message))
    return problems


def _model_at(model: type[BaseModel], loc: Iterable[int | str]) -> type[BaseModel] | None:
    """The (nested) model that owns the field at ``loc``: ``history[0]`` is a HistoryEntry."""
    current: type[BaseModel] = model
    for part in loc:
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part)
        if info is None:
            return None
        annotation = info.annotation
        if typing.get_origin(annotation) is list:
            annotation = typing.get_args(annotation)[0]
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None
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
