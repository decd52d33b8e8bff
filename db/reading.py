"""Read operations of the service API, each a function of one open connection.

:class:`db.ledger.Ledger` opens the transaction and calls these; they return the plain
objects of :mod:`db.api_types`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, and_, false, func, not_, select

from . import change_log, vocab
from . import tables as m
from .api_types import (
    ActorDetail,
    ActorRow,
    Brief,
    ConditionDetail,
    ConditionRow,
    ConditionSummary,
    Impact,
    PledgeDetail,
    SourceDetail,
    SourceRow,
)
from .errors import InvalidRecordError, NotFoundError
from .filters import is_open, overdue
from .record_types import KINDS
from .references import references_to, referring
from .schemas import (
    AS_STORED,
    Actor,
    Condition,
    HistoryEntry,
    Pledge,
    Record,
    Source,
    explain,
)
from .store import Stored, summarise
from .tables import AL, CM, CS, PC, PS, A, C, P, S
from .vocab import RecordType


def load_one(connection: Connection, record_type: RecordType, key: str) -> Stored:
    store = KINDS[record_type].store
    found = store.load(connection, [key])
    if key not in found:
        known = store.keys(connection) if record_type != "pledge" else []
        raise NotFoundError(record_type, key, known)
    return found[key]


def to_record(
    record_type: RecordType,
    state: dict[str, Any],
    history_entries: list[dict[str, Any]] | None = None,
    *,
    strict: bool = False,
) -> Record:
    """A schema object from a stored state (and its status history).

    Without ``strict`` (for display) the text is taken exactly as stored, and a record the
    schemas refuse (written by a foreign tool, or by an older pledges with other rules) is
    still returned as stored. With ``strict`` (exports) the record is validated and cleaned as
    new input is, and one that fails is an :class:`InvalidRecordError` naming the problems.
    """
    model = KINDS[record_type].schema
    data = {k: v for k, v in state.items() if v is not None}
    if history_entries and "history" in model.model_fields:
        data["history"] = [{k: v for k, v in h.items() if v is not None} for h in history_entries]
    try:
        return model.model_validate(data, context=None if strict else AS_STORED)
    except ValidationError as error:
        if strict:
            key = state.get(model.key_field)
            raise InvalidRecordError(record_type, key, explain(error, model)) from None
    if "history" in data:
        data["history"] = [HistoryEntry.model_construct(**h) for h in data["history"]]
    return model.model_construct(**data)


def records(
    connection: Connection,
    record_type: RecordType,
    keys: Sequence[str] | None = None,
    *,
    strict: bool = True,
    until: str | None = None,
    known_on: str | None = None,
) -> list[Record]:
    """Whole records with their status history, sorted by key (what an export writes); with
    ``until`` and ``known_on``, the history a reading of the past counts.

    Strict: a stored record the schemas refuse is an :class:`InvalidRecordError`. Without
    ``strict`` (a listing), such a record is returned as stored instead, and the others
    cleaned as an export writes them.
    """
    stored = KINDS[record_type].store.load(connection, keys)
    histories = change_log.status_history(
        connection,
        record_type,
        None if keys is None else list(stored),
        until=until,
        known_on=known_on,
    )
    found = []
    for key in sorted(stored):
        try:
            found.append(to_record(record_type, stored[key].state, histories.get(key), strict=True))
        except InvalidRecordError:
            if strict:
                raise
            found.append(to_record(record_type, stored[key].state, histories.get(key)))
    return found


def _briefs(connection: Connection, statement: Any, record_type: RecordType) -> list[Brief]:
    return [
        Brief(record_type, row[0], row[1], row[2] if len(row) > 2 else None)
        for row in connection.execute(statement)
    ]


def _sources(connection: Connection, keys: Sequence[str]) -> list[Source]:
    stored = KINDS["source"].store.load(connection, keys)
    return [
        Source.model_validate({k: v for k, v in stored[key].state.items() if v is not None})
        for key in keys
        if key in stored
    ]


def actor_names(connection: Connection, codes: Sequence[str | None]) -> dict[str, str]:
    """The names of the actors with these codes (those that exist)."""
    wanted = [c for c in codes if c]
    if not wanted:
        return {}
    return dict(connection.execute(select(A.code, A.name).where(A.code.in_(wanted))).all())


def pledge_detail(connection: Connection, key: str, today: str) -> PledgeDetail:
    stored = load_one(connection, "pledge", key)
    state = stored.state
    record = to_record(
        "pledge", state, change_log.status_history(connection, "pledge", [key]).get(key)
    )
    assert isinstance(record, Pledge)
    names = actor_names(connection, [record.pledger, record.beneficiary])
    statuses = dict(
        connection.execute(select(C.key, C.status).where(C.key.in_(record.conditions))).all()
    )
    titles = dict(
        connection.execute(select(C.key, C.title).where(C.key.in_(record.conditions))).all()
    )
    conditions = [
        Brief("condition", k, titles.get(k, ""), statuses.get(k)) for k in record.conditions
    ]
    summary = ConditionSummary(*summarise(record.conditions, statuses))
    row = connection.execute(select(P.id, P.due_hi, P.status).where(P.key == key)).one()
    is_overdue = bool(connection.execute(select(overdue(today)).where(P.id == row.id)).scalar())
    return PledgeDetail(
        pledge=record,
        version=stored.version,
        updated_at=stored.updated_at,
        pledger_name=names.get(record.pledger, record.pledger),
        beneficiary_name=names.get(record.beneficiary) if record.beneficiary else None,
        conditions=conditions,
        sources=_sources(connection, record.sources),
        supersedes_chain=_chain(connection, stored.id, older=True),
        superseded_by=_chain(connection, stored.id, older=False),
        history=change_log.record_history(connection, "pledge", key),
        summary=summary,
        overdue=is_overdue,
        status_since=change_log.status_since(connection, "pledge", key),
    )


def _chain(connection: Connection, pledge_id: int, *, older: bool, limit: int = 100) -> list[Brief]:
    """Follow ``supersedes`` backwards (older pledges) or forwards (newer ones)."""
    found: list[Brief] = []
    seen = {pledge_id}
    frontier = [pledge_id]
    while frontier and len(found) < limit:
        if older:
            statement = select(P.id, P.key, P.title, P.status).where(
                P.id.in_(select(P.supersedes_id).where(P.id.in_(frontier)))
            )
        else:
            statement = select(P.id, P.key, P.title, P.status).where(P.supersedes_id.in_(frontier))
        rows = [r for r in connection.execute(statement.order_by(P.key)) if r.id not in seen]
        frontier = [r.id for r in rows]
        seen.update(frontier)
        found.extend(Brief("pledge", r.key, r.title, r.status) for r in rows)
    return found


def condition_detail(connection: Connection, key: str, limit: int | None = None) -> ConditionDetail:
    """A condition with its dependents in groups (at most ``limit`` each, with the full counts
    in ``group_sizes``): the open pledges that hinge on it alone, those held by other
    conditions too and those with no open condition, and apart the closed ones."""
    stored = load_one(connection, "condition", key)
    record = to_record(
        "condition",
        stored.state,
        change_log.status_history(connection, "condition", [key]).get(key),
    )
    assert isinstance(record, Condition)
    names = actor_names(connection, [record.responsible])
    holding = record.status in _HOLDING
    held = P.conditions_open + P.conditions_failed
    still_open = is_open()
    groups = {
        # Open pledges this condition alone holds back (when it holds), ...
        "hinges_on_this": and_(still_open, held == 1) if holding else false(),
        # ... those other conditions hold back too, ...
        "also_held_by_others": and_(still_open, (held > 1) if holding else (held > 0)),
        # ... those nothing holds back, ...
        "unconditional": false() if holding else and_(still_open, held == 0),
        # ... and the closed ones, which no condition holds back any more.
        "closed": not_(still_open),
    }
    dependents = (
        select(P.key, P.title, P.status)
        .join(m.pledge_conditions, PC.pledge_id == P.id)
        .where(PC.condition_id == stored.id)
    )
    lists: dict[str, list[Brief]] = {}
    sizes: dict[str, int] = {}
    for name, condition in groups.items():
        statement = dependents.where(condition).order_by(P.key)
        if limit is not None:
            statement = statement.limit(limit)
        lists[name] = _briefs(connection, statement, "pledge")
        counted = dependents.where(condition).with_only_columns(func.count())
        sizes[name] = int(connection.execute(counted).scalar_one())
    return ConditionDetail(
        condition=record,
        version=stored.version,
        updated_at=stored.updated_at,
        responsible_name=names.get(record.responsible) if record.responsible else None,
        sources=_sources(connection, record.sources),
        hinges_on_this=lists["hinges_on_this"],
        also_held_by_others=lists["also_held_by_others"],
        unconditional=lists["unconditional"],
        history=change_log.record_history(connection, "condition", key),
        status_since=change_log.status_since(connection, "condition", key),
        group_sizes=sizes,
        closed=lists["closed"],
    )


def values_in_use(connection: Connection, field: str) -> list[tuple[str, int]]:
    """Categories or tags used by pledges, most used first (for pickers)."""
    PT = m.pledge_tags.c
    column = {"category": P.category, "tag": PT.tag}[field]
    statement = (
        select(column, func.count())
        .where(column.is_not(None))
        .group_by(column)
        .order_by(func.count().desc(), column)
    )
    return [(value, count) for value, count in connection.execute(statement)]


_HOLDING = vocab.OPEN_CONDITION_STATUSES | vocab.FAILED_CONDITION_STATUSES


def _dependents(connection: Connection, condition_id: int) -> list[dict[str, Any]]:
    statement = (
        select(P.key, P.title, P.status, P.conditions_open, P.conditions_failed)
        .join(m.pledge_conditions, PC.pledge_id == P.id)
        .where(PC.condition_id == condition_id)
        .order_by(P.key)
    )
    return [
        {
            "key": r.key,
            "title": r.title,
            "status": r.status,
            "open": r.conditions_open,
            "failed": r.conditions_failed,
        }
        for r in connection.execute(statement)
    ]


def what_if(connection: Connection, key: str, proposed: str) -> Impact:
    """What setting condition ``key`` to ``proposed`` would do to its dependents; writes nothing."""
    if proposed not in vocab.CONDITION_STATUSES:
        from .errors import LedgerError

        raise LedgerError(
            f"{proposed!r} is not a condition status; use one of: "
            + ", ".join(vocab.CONDITION_STATUSES)
        )
    stored = load_one(connection, "condition", key)
    current = stored.state["status"]
    impact = Impact(key, current, proposed)
    delta_open = (proposed in vocab.OPEN_CONDITION_STATUSES) - (
        current in vocab.OPEN_CONDITION_STATUSES
    )
    delta_failed = (proposed in vocab.FAILED_CONDITION_STATUSES) - (
        current in vocab.FAILED_CONDITION_STATUSES
    )
    for pledge in _dependents(connection, stored.id):
        brief = Brief("pledge", pledge["key"], pledge["title"], pledge["status"])
        if not vocab.is_open_pledge(pledge["status"]):
            impact.closed.append(brief)
            continue
        before_open, before_failed = pledge["open"], pledge["failed"]
        after_open, after_failed = before_open + delta_open, before_failed + delta_failed
        was_held = before_open + before_failed > 0
        is_held = after_open + after_failed > 0
        if was_held and not is_held:
            impact.becomes_unconditional.append(brief)
        elif after_failed and not before_failed:
            impact.becomes_blocked.append(brief)
        elif before_failed and not after_failed:
            impact.no_longer_blocked.append(brief)
        elif after_open and not before_open and not after_failed:
            impact.becomes_conditional.append(brief)
        else:
            impact.unchanged.append(brief)
    return impact


def actor_detail(connection: Connection, code: str) -> ActorDetail:
    stored = load_one(connection, "actor", code)
    record = to_record("actor", stored.state)
    assert isinstance(record, Actor)
    by_status: dict[str, list[Brief]] = defaultdict(list)
    for row in connection.execute(
        select(P.key, P.title, P.status).where(P.pledger == code).order_by(P.key)
    ):
        by_status[row.status].append(Brief("pledge", row.key, row.title, row.status))
    ordered = {s: by_status[s] for s in vocab.PLEDGE_STATUSES if s in by_status}
    received = _briefs(
        connection,
        select(P.key, P.title, P.status).where(P.beneficiary == code).order_by(P.key),
        "pledge",
    )
    coalition = m.actors.alias("coalition")
    member_of = _briefs(
        connection,
        select(coalition.c.code, coalition.c.name)
        .join(m.coalition_members, CM.coalition_id == coalition.c.id)
        .where(CM.member == code)
        .order_by(coalition.c.code),
        "actor",
    )
    members = [Brief("actor", c, n) for c, n in actor_names(connection, record.members).items()]
    members.sort(key=lambda b: record.members.index(b.key))
    speakers = _briefs(
        connection, select(A.code, A.name).where(A.affiliation == code).order_by(A.code), "actor"
    )
    responsible = _briefs(
        connection,
        select(C.key, C.title, C.status).where(C.responsible == code).order_by(C.key),
        "condition",
    )
    return ActorDetail(
        record,
        stored.version,
        stored.updated_at,
        ordered,
        received,
        member_of,
        members,
        speakers,
        responsible,
        change_log.record_history(connection, "actor", code),
    )


def source_detail(connection: Connection, key: str) -> SourceDetail:
    stored = load_one(connection, "source", key)
    record = to_record("source", stored.state)
    assert isinstance(record, Source)
    # The pledges citing it, then the conditions, each by key.
    citing = [
        Brief(reference.referrer, referrer, title, status)
        for reference in references_to("source")
        for _, referrer, title, status in connection.execute(
            referring(reference, [key], "title", "status")
        )
    ]
    return SourceDetail(
        record,
        stored.version,
        stored.updated_at,
        citing,
        change_log.citing_entries(connection, key),
        change_log.record_history(connection, "source", key),
    )


def condition_rows(connection: Connection) -> list[ConditionRow]:
    dependents = (
        select(func.count())
        .select_from(m.pledge_conditions)
        .where(PC.condition_id == C.id)
        .scalar_subquery()
    )
    statement = select(
        C.key, C.title, C.status, C.responsible, C.resolved, dependents, C.version
    ).order_by(C.key)
    return [ConditionRow(*row) for row in connection.execute(statement)]


def actor_rows(connection: Connection) -> list[ActorRow]:
    made: dict[str, int] = dict(
        connection.execute(select(P.pledger, func.count()).group_by(P.pledger)).all()
    )
    received: dict[str, int] = dict(
        connection.execute(
            select(P.beneficiary, func.count())
            .where(P.beneficiary.is_not(None))
            .group_by(P.beneficiary)
        ).all()
    )
    aliases: dict[int, list[str]] = defaultdict(list)
    for actor_id, alias in connection.execute(
        select(AL.actor_id, AL.alias).order_by(AL.actor_id, AL.position)
    ):
        aliases[actor_id].append(alias)
    return [
        ActorRow(
            code,
            name,
            kind,
            made.get(code, 0),
            received.get(code, 0),
            version,
            tuple(aliases.get(actor_id, ())),
        )
        for actor_id, code, name, kind, version in connection.execute(
            select(A.id, A.code, A.name, A.kind, A.version).order_by(A.code)
        )
    ]


def source_rows(connection: Connection) -> list[SourceRow]:
    pledge_cites = (
        select(func.count())
        .select_from(m.pledge_sources)
        .where(PS.source_id == S.id)
        .scalar_subquery()
    )
    condition_cites = (
        select(func.count())
        .select_from(m.condition_sources)
        .where(CS.source_id == S.id)
        .scalar_subquery()
    )
    statement = select(
        S.key,
        S.title,
        S.publisher,
        S.published,
        S.reliability,
        pledge_cites + condition_cites,
        S.version,
        S.credibility,
    ).order_by(S.key)
    return [SourceRow(*row) for row in connection.execute(statement)]
