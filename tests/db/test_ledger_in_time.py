"""The ledger in time: the kept periods (``record_states``) against the fold over the log.

Two analysts write with effective dates of every precision (a year, a month, a day), backdated
creations and histories, deletes and re-creations, undo and redo, interleaved as hypothesis
chooses. After every step, for dates across the whole span and for every recording time so
far (and now), the ledger read from the kept periods is the ledger the reference fold over the
change log gives, and every record's periods are those its log entries make.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import sqlite3
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from sqlalchemy import select

from db import change_log, record_states, schemas, vocab
from db.api_types import Sort
from db.dates import bounds
from db.errors import LedgerError
from db.ledger import Ledger
from db.past import Reading
from db.record_types import KINDS

AUTHORS = ("ana", "ben")
PLEDGES = ("p-one", "p-two", "p-three")
CONDITIONS = ("c-alpha", "c-beta")
STATUSES = ("announced", "committed", "in_progress", "stalled", "delivered")
TAGS = ("t-one", "t-two")
CONDITION_STATUSES = ("pending", "partially_met", "met", "failed")
#: Dates the ledger is read as of: every precision, before, inside and after what is written.
READ_AT = (
    "2023",
    "2024",
    "2024-06",
    "2024-06-15",
    "2024-12-31",
    "2025",
    "2025-01",
    "2025-03",
    "2025-03-27",
    "2025-09",
    "2025-09-04",
    "2026-01-06",
    "2099",
)
LISTS = {t: kind.schema.list_fields for t, kind in KINDS.items()}

authors = st.sampled_from(AUTHORS)
pledges = st.sampled_from(PLEDGES)
#: Effective dates of every precision, all in the past.
dates = st.sampled_from(
    ["2024", "2024-06", "2024-06-15", "2025", "2025-03", "2025-03-27", "2025-09", "2025-09-04"]
)
maybe_dates = st.none() | dates


def _template() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="pledges-time-template-"))
    path = folder / "template.sqlite"
    with Ledger.open(path, author="setup") as ledger:
        for code in ("FRA", "GBR"):
            ledger.create(schemas.Actor(code=code, name=f"Actor {code}", kind="state"))
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


_TEMPLATE: dict[str, Path] = {}


class LedgerInTime(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        if "path" not in _TEMPLATE:
            _TEMPLATE["path"] = _template()
        self.folder = Path(tempfile.mkdtemp(prefix="pledges-time-"))
        self.path = self.folder / "ledger.sqlite"
        shutil.copyfile(_TEMPLATE["path"], self.path)
        self.ledgers = {a: Ledger.open(self.path, author=a) for a in AUTHORS}

    def teardown(self) -> None:
        for ledger in self.ledgers.values():
            ledger.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def attempt(self, action: Any) -> None:
        """A write the ledger may refuse (a stale version, a backdated status, a reference):
        a refusal writes nothing, which the invariants check like any write."""
        with contextlib.suppress(LedgerError):
            action()

    # -- writes ------------------------------------------------------------------------------

    @rule(author=authors, key=pledges, announced=maybe_dates, title=st.sampled_from("abc"))
    def create(self, author: str, key: str, announced: str | None, title: str) -> None:
        pledge = schemas.Pledge(
            key=key, title=f"Pledge {title}", pledger="FRA", announced=announced
        )
        self.attempt(lambda: self.ledgers[author].create(pledge))

    @rule(
        author=authors,
        key=pledges,
        history=st.lists(st.tuples(dates, st.sampled_from(STATUSES)), min_size=1, max_size=3),
    )
    def import_with_history(self, author: str, key: str, history: list[tuple[str, str]]) -> None:
        """A fixture's history: backdated status changes, each at its own date."""
        entries = sorted(history, key=lambda item: bounds(item[0])[0])
        pledge = schemas.Pledge(
            key=key,
            title="Imported",
            pledger="GBR",
            status=entries[-1][1],
            history=[
                schemas.HistoryEntry(date=date, status=status, note="from the file")
                for date, status in entries
            ],
        )
        self.attempt(lambda: self.ledgers[author].save_records([pledge], label="import t.yaml"))

    @rule(author=authors, key=pledges, status=st.sampled_from(STATUSES), effective=maybe_dates)
    def change_status(self, author: str, key: str, status: str, effective: str | None) -> None:
        self.attempt(
            lambda: self.ledgers[author].change_status(
                "pledge", key, status, effective=effective, note="seen"
            )
        )

    @rule(author=authors, key=pledges, title=st.sampled_from("xyz"), effective=maybe_dates)
    def retitle(self, author: str, key: str, title: str, effective: str | None) -> None:
        def edit() -> None:
            ledger = self.ledgers[author]
            detail = ledger.pledge(key)
            edited = detail.pledge.model_copy(update={"title": f"Retitled {title}"})
            ledger.update(edited, version=detail.version, effective=effective)

        self.attempt(edit)

    @rule(
        author=authors,
        key=pledges,
        tags=st.lists(st.sampled_from(TAGS), unique=True, max_size=2),
        effective=maybe_dates,
    )
    def retag(self, author: str, key: str, tags: list[str], effective: str | None) -> None:
        def edit() -> None:
            ledger = self.ledgers[author]
            detail = ledger.pledge(key)
            edited = detail.pledge.model_copy(update={"tags": tags})
            ledger.update(edited, version=detail.version, effective=effective)

        self.attempt(edit)

    @rule(
        author=authors, key=st.sampled_from(CONDITIONS), status=st.sampled_from(CONDITION_STATUSES)
    )
    def condition(self, author: str, key: str, status: str) -> None:
        ledger = self.ledgers[author]
        if key not in ledger.keys("condition"):
            self.attempt(lambda: ledger.create(schemas.Condition(key=key, title=f"If {key}")))
        else:
            self.attempt(
                lambda: ledger.change_status(
                    "condition", key, status, effective="2025-09", note="n"
                )
            )

    @rule(author=authors, key=pledges, condition=st.sampled_from(CONDITIONS), add=st.booleans())
    def link(self, author: str, key: str, condition: str, add: bool) -> None:
        ledger = self.ledgers[author]
        change = ledger.link_condition if add else ledger.unlink_condition
        self.attempt(lambda: change(key, condition))

    @rule(author=authors, key=pledges)
    def delete(self, author: str, key: str) -> None:
        def remove() -> None:
            ledger = self.ledgers[author]
            ledger.delete("pledge", key, version=ledger.pledge(key).version, note="gone")

        self.attempt(remove)

    @rule(author=authors, kind=st.sampled_from(["undo", "redo"]))
    def reverse(self, author: str, kind: str) -> None:
        self.attempt(getattr(self.ledgers[author], kind))

    # -- what must hold ------------------------------------------------------------------------

    @invariant()
    def the_kept_periods_are_those_the_log_makes(self) -> None:
        with self.ledgers["ana"]._reading() as connection:
            records = [
                (row.record_type, row.record_key)
                for row in connection.execute(
                    select(change_log.L.record_type, change_log.L.record_key).distinct()
                )
            ]
            assert record_states.stored(connection, records) == record_states.computed(
                connection, records
            )
            # And each period's tags and conditions, kept as links, are those of its fields.
            assert list(record_states.wrong_links(connection)) == []

    @invariant()
    def the_ledger_in_time_is_the_fold_of_its_log(self) -> None:
        with self.ledgers["ben"]._reading() as connection:
            times = [None, *connection.exec_driver_sql("SELECT recorded_at FROM batches").scalars()]
            for known_on in times:
                for as_of in READ_AT:
                    reference = change_log.snapshot(connection, as_of, LISTS, known_on=known_on)
                    fast = record_states.snapshot_records(connection, as_of, known_on)
                    expected = {t: found for t, found in reference.records.items() if found}
                    assert fast == expected, (as_of, known_on)

    @invariant()
    def a_diff_is_the_difference_of_the_two_readings(self) -> None:
        ledger = self.ledgers["ana"]
        with ledger._reading() as connection:
            times = [None, *connection.exec_driver_sql("SELECT recorded_at FROM batches").scalars()]
        for known_on in {times[0], times[len(times) // 2], times[-1]}:
            for earlier, later in zip(READ_AT, READ_AT[3:], strict=False):
                with ledger._reading() as connection:
                    expected = change_log.differences(
                        change_log.snapshot(connection, earlier, LISTS, known_on=known_on),
                        change_log.snapshot(connection, later, LISTS, known_on=known_on),
                    )
                found = ledger.diff(earlier, later, known_on=known_on)
                assert found == expected, (earlier, later, known_on)

    @invariant()
    def the_query_language_reads_the_ledger_of_then(self) -> None:
        """Each query of :data:`QUERIES`, read at a past reading through the views of
        :mod:`db.past` (its list, its count and the status facet), selects the pledges that
        the simple model below selects from the reference fold of that reading."""
        ledger = self.ledgers["ben"]
        with ledger._reading() as connection:
            times = [None, *connection.exec_driver_sql("SELECT recorded_at FROM batches").scalars()]
        for known_on in {times[0], times[len(times) // 2]}:
            for as_of in ("2024-06", "2025-03-27", "2025-09", "2099"):
                with ledger._reading() as connection:
                    then = change_log.snapshot(connection, as_of, LISTS, known_on=known_on)
                past = ledger.at(Reading(as_of, known_on))
                for query in QUERIES:
                    expected = sorted(_model_matches(query, then.records))
                    assert past.matching_pledge_keys(query) == expected, (query, as_of, known_on)
                    assert past.count_pledges(query) == len(expected), (query, as_of, known_on)
                    rows = past.pledge_page(query, Sort.by("status"), limit=10).rows
                    assert sorted(r.key for r in rows) == expected
                pledges_then = then.records.get("pledge", {}).values()
                conditions_then = then.records.get("condition", {})
                statuses = Counter(p["status"] for p in pledges_then)
                held = Counter(
                    k for p in pledges_then for k in p.get("conditions", []) if k in conditions_then
                )
                facets = past.facets()
                assert {v.value: v.count for v in facets.status} == dict(statuses), (
                    as_of,
                    known_on,
                )
                assert {v.value: v.count for v in facets.condition} == dict(held), (as_of, known_on)
                pledgers = Counter(p["pledger"] for p in pledges_then)
                assert {v.value: v.count for v in facets.pledger} == dict(pledgers)

    @invariant()
    def as_of_now_it_is_the_ledger_itself(self) -> None:
        ledger = self.ledgers["ana"]
        now = ledger.as_of("2099").records.get("pledge", {})
        for row in ledger.pledge_rows(list(PLEDGES)):
            assert now[row.key]["status"] == row.status
            assert now[row.key]["title"] == row.title
        assert set(now) == {row.key for row in ledger.pledge_rows(list(PLEDGES))}


#: Queries of every kind of term the histories above can make true or false.
QUERIES = (
    "status:committed",
    "-status:announced",
    "pledger:GBR",
    "condition:c-alpha",
    "tag:t-one",
    "-tag:t-two",
    "is:conditional",
    "is:blocked",
    "retitled",
    "-retitled",
    "alpha",
    "imported status:stalled",
    "announced:<2025",
)


def _model_matches(query: str, records: dict[str, dict[str, dict[str, Any]]]) -> list[str]:
    """The keys of the pledges of a reference reading that ``query`` (one of :data:`QUERIES`)
    selects, worked out directly from the records' fields."""
    conditions = records.get("condition", {})

    def linked(pledge: dict[str, Any]) -> list[dict[str, Any]]:
        return [conditions[k] for k in pledge.get("conditions", []) if k in conditions]

    def words(text: str | None) -> list[str]:
        return [w.lower() for w in re.findall(r"[^\W_]+", text or "")]

    def holds(term: str, pledge: dict[str, Any]) -> bool:
        negated, term = term.startswith("-"), term.lstrip("-")
        field, _, value = term.partition(":")
        is_open = pledge["status"] not in vocab.CLOSED_PLEDGE_STATUSES
        statuses = {c["status"] for c in linked(pledge)}
        if term.startswith("announced:<"):
            found = pledge.get("announced") is not None and pledge["announced"] < "2025"
        elif not value:
            own = [pledge.get("title"), pledge.get("text"), pledge.get("notes"), pledge["pledger"]]
            texts = [*own, f"Actor {pledge['pledger']}", *(c["title"] for c in linked(pledge))]
            found = any(w.startswith(term) for text in texts for w in words(text))
        elif field == "status":
            found = pledge["status"] == value
        elif field == "pledger":
            found = pledge["pledger"] == value
        elif field == "tag":
            found = value in pledge.get("tags", [])
        elif field == "condition":
            found = value in conditions and value in pledge.get("conditions", [])
        elif value == "blocked":
            found = is_open and bool(statuses & vocab.FAILED_CONDITION_STATUSES)
        else:
            assert value == "conditional"
            found = (
                is_open
                and bool(statuses & vocab.OPEN_CONDITION_STATUSES)
                and not statuses & vocab.FAILED_CONDITION_STATUSES
            )
        return found != negated

    return [
        key
        for key, pledge in records.get("pledge", {}).items()
        if all(holds(term, pledge) for term in query.split())
    ]


LedgerInTime.TestCase.settings = settings(
    max_examples=15,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_the_ledger_in_time_against_the_fold = LedgerInTime.TestCase


def test_a_status_known_later_is_not_in_what_was_recorded_before(ledger: Ledger) -> None:
    """Transaction time: a backdated change recorded today is not what the ledger believed
    yesterday, though it counts in the world from its own date."""
    ledger.create(schemas.Actor(code="FRA", name="France", kind="state"))
    first = ledger.create(
        schemas.Pledge(key="p", title="Troops", pledger="FRA", announced="2025-03")
    )
    second = ledger.change_status(
        "pledge", "p", "committed", effective="2025-09", note="the summit"
    )
    believed_then = ledger.as_of("2025-12", known_on=first.recorded_at)
    believed_now = ledger.as_of("2025-12")
    assert believed_then.records["pledge"]["p"]["status"] == "announced"
    assert believed_now.records["pledge"]["p"]["status"] == "committed"
    assert ledger.as_of("2025-08").records["pledge"]["p"]["status"] == "announced"
    assert "p" not in ledger.as_of("2025-02").records.get("pledge", {})
    # An undo counts from when it was recorded: before it, the ledger believed the change.
    undone = ledger.undo()
    assert ledger.as_of("2025-12").records["pledge"]["p"]["status"] == "announced"
    assert (
        ledger.as_of("2025-12", known_on=second.recorded_at).records["pledge"]["p"]["status"]
        == "committed"
    )
    assert undone.recorded_at > second.recorded_at


def test_a_change_dated_before_the_fields_last_change_is_refused(ledger: Ledger) -> None:
    """Read as of any later date, the earlier-dated change would be hidden by the later one:
    the ledger would show a title other than the one saved."""
    from db.errors import BackdatedChangeError

    ledger.create(schemas.Actor(code="FRA", name="France", kind="state"))
    ledger.create(schemas.Pledge(key="p", title="Troops", pledger="FRA", announced="2025-03"))
    detail = ledger.pledge("p")
    renamed = detail.pledge.model_copy(update={"title": "Troops, renamed"})
    ledger.update(renamed, version=detail.version, effective="2025-09")
    again = ledger.pledge("p")
    older = again.pledge.model_copy(update={"title": "Troops, older name"})
    try:
        ledger.update(older, version=again.version, effective="2025-06")
    except BackdatedChangeError as error:
        assert error.field == "effective"
        assert "its title was last changed with effect from 2025-09-01" in str(error)
    else:
        raise AssertionError("a backdated title change was taken")
    assert ledger.pledge("p").pledge.title == "Troops, renamed"
    # Dated on or after the last change (or not dated), it is taken, and read so at any date.
    ledger.update(older, version=again.version, effective="2025-10")
    assert ledger.as_of("2099").records["pledge"]["p"]["title"] == "Troops, older name"
    assert ledger.as_of("2025-09-15").records["pledge"]["p"]["title"] == "Troops, renamed"
    assert ledger.as_of("2025-08").records["pledge"]["p"]["title"] == "Troops"
