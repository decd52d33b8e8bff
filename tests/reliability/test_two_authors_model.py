"""Two analysts writing to one ledger, step by step, against a simple model of what the ledger
must hold.

Ana and Ben create, edit, change statuses, link, delete, import, undo and redo, interleaved
in any order hypothesis finds. The model is written from the rules, not from the code: a
record is a dict of its fields; a batch remembers each record's state before and after it;
undo and redo revert a batch only if every record it touched still holds what the batch left
(every field, for a record it created), nothing would refer to a record it deletes, and
nothing it brings back refers to a record that is gone. After every step:

- the ledger holds exactly the model's records (no acknowledged write of either author lost);
- replaying the change log's standing entries from empty gives the current records;
- undo followed at once by redo gives back the same ledger.

``PLEDGES_RELIABILITY_SCALE`` (default 1) multiplies the number of runs.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from db import schemas
from db.errors import (
    ConflictError,
    LedgerError,
    NotFoundError,
    NothingToUndoError,
    ReferencedError,
    UndoConflictError,
    UnknownReferenceError,
)
from db.ledger import Ledger
from db.record_types import KINDS

SCALE = max(1, int(os.environ.get("PLEDGES_RELIABILITY_SCALE", "1")))
AUTHORS = ("ana", "ben")
PLEDGES = ("p-one", "p-two", "p-three")
CONDITIONS = ("c-alpha", "c-beta")
SOURCES = ("s-one", "s-two")
ACTORS = ("FRA", "GBR", "USA")
PLEDGE_STATUSES = ("announced", "committed", "in_progress", "stalled")
CONDITION_STATUSES = ("pending", "partially_met")
TYPES = {"pledge": schemas.Pledge, "condition": schemas.Condition, "source": schemas.Source}

State = dict[str, Any]
Ident = tuple[str, str]

authors = st.sampled_from(AUTHORS)
words = st.sampled_from(["Rada vote", "Élysée briefing", "[pending U.S. support]", "乌克兰", "x"])


# -- the model --------------------------------------------------------------------------------


@dataclass
class Batch:
    author: str
    kind: str  # change, import, undo, redo
    target: int | None
    #: Each record the batch wrote: its state before and after (None: absent).
    effects: dict[Ident, tuple[State | None, State | None]]
    #: Sources the batch cites as evidence.
    citations: set[str] = field(default_factory=set)


@dataclass
class Model:
    records: dict[Ident, State] = field(default_factory=dict)
    batches: list[Batch] = field(default_factory=list)

    def commit(
        self, author: str, kind: str, after: dict[Ident, State | None], **extra: Any
    ) -> bool:
        """Record a batch that sets these records; False if it changes nothing."""
        effects = {
            ident: (self.records.get(ident), state)
            for ident, state in after.items()
            if self.records.get(ident) != state
        }
        if not effects:
            return False
        for ident, state in after.items():
            if state is None:
                self.records.pop(ident, None)
            else:
                self.records[ident] = state
        self.batches.append(
            Batch(author, kind, extra.get("target"), effects, extra.get("citations", set()))
        )
        return True

    def stacks(self, author: str) -> tuple[list[int], list[int]]:
        undo: list[int] = []
        redo: list[int] = []
        for index, batch in enumerate(self.batches):
            if batch.author != author:
                continue
            if batch.kind == "undo":
                if batch.target in undo:
                    undo.remove(batch.target)
                redo.append(index)
            elif batch.kind == "redo":
                if batch.target in redo:
                    redo.remove(batch.target)
                undo.append(index)
            else:
                undo.append(index)
                redo.clear()
        return undo, redo

    def standing(self, index: int) -> bool:
        """A batch whose changes count in the history: not an undo, and not undone."""
        batch = self.batches[index]
        return batch.kind != "undo" and not any(
            b.kind == "undo" and b.target == index for b in self.batches
        )

    def written_since(self, target: int, ident: Ident) -> set[str]:
        """The fields of a record that batches after ``target`` wrote and that still stand."""
        fields: set[str] = set()
        for index in range(target + 1, len(self.batches)):
            batch = self.batches[index]
            if ident not in batch.effects or batch.kind == "undo":
                continue
            if any(
                b.kind == "undo" and b.target == index and ident in b.effects for b in self.batches
            ):
                continue
            before, after = batch.effects[ident]
            if before is None or after is None:
                fields |= {f for f, v in (before or after or {}).items() if v not in (None, [])}
            else:
                fields |= {f for f in after if before.get(f) != after[f]}
        return fields

    def cited(self, source: str, ignoring: int | None = None) -> bool:
        return any(
            source in b.citations and self.standing(i) and i != ignoring
            for i, b in enumerate(self.batches)
        )

    def revert(
        self, author: str, kind: str, *, partial: bool = False, skip: bool = False
    ) -> type[Exception] | None:
        """Undo or redo the author's batch; the error the ledger must raise, or None.

        ``partial``: records that cannot be reverted are kept as they are, the others are.
        ``skip``: the newest batch of the author's stack that can be undone is."""
        undo, redo = self.stacks(author)
        stack = undo if kind == "undo" else redo
        if not stack:
            return NothingToUndoError
        candidates = stack[::-1][:20] if skip else stack[-1:]
        for target in candidates:
            after = self.plan(target, kind, partial)
            if after is None:
                continue
            citations = self.batches[target].citations
            assert self.commit(author, kind, after, target=target, citations=set(citations))
            return None
        return UndoConflictError

    def plan(self, target: int, kind: str, partial: bool) -> dict[Ident, State | None] | None:
        """The records the revert of ``target`` sets, or None if it is refused."""
        kept: set[Ident] = set()
        effects = self.batches[target].effects
        while True:
            failing = self.failing(
                target, kind, {i: e for i, e in effects.items() if i not in kept}
            )
            if isinstance(failing, dict):
                return failing
            if not partial:
                return None
            kept |= failing
            if kept >= set(effects):
                return None

    def failing(
        self, target: int, kind: str, effects: dict[Ident, tuple[State | None, State | None]]
    ) -> dict[Ident, State | None] | set[Ident]:
        """The plan for these effects, or the records whose revert is refused."""
        after: dict[Ident, State | None] = {}
        refused: set[Ident] = set()
        for ident, (before, then) in effects.items():
            now = self.records.get(ident)
            written = self.written_since(target, ident)
            if then is None or before is None:
                # Created: must be exactly as created; deleted: still gone; and nobody wrote
                # it since (values that came back count: the writes stand in the history).
                if now != then or written:
                    refused.add(ident)
                after[ident] = before
                continue
            if now is None:
                refused.add(ident)
                continue
            changed = [f for f in then if then[f] != before[f]]
            if any(now[f] != then[f] or f in written for f in changed):
                refused.add(ident)
            after[ident] = {**now, **{f: before[f] for f in changed}}
        if refused:
            return refused
        future = {**self.records, **after}
        present = {i: s for i, s in future.items() if s is not None}
        for ident, state in after.items():
            if state is None and self.records.get(ident) is not None:
                if refers_to(present, ident):
                    refused.add(ident)
                if ident[0] == "source" and self.cited(
                    ident[1], ignoring=target if kind == "undo" else None
                ):
                    refused.add(ident)
            if state is not None and any(ref not in present for ref in references(ident, state)):
                refused.add(ident)
        citations = self.batches[target].citations
        if kind == "redo" and any(("source", s) not in present for s in citations):
            refused |= set(effects)
        return refused or after


def references(ident: Ident, state: State) -> list[Ident]:
    if ident[0] == "pledge":
        return [("condition", c) for c in state["conditions"]] + [
            ("source", s) for s in state["sources"]
        ]
    if ident[0] == "condition":
        return [("source", s) for s in state["sources"]]
    return []


def refers_to(records: dict[Ident, State], target: Ident) -> bool:
    return any(target in references(ident, state) for ident, state in records.items())


def make(record_type: str, state: State) -> schemas.Record:
    return TYPES[record_type].model_validate(
        {k: v for k, v in state.items() if v not in (None, [])}
    )


# -- the ledger as it stands, and as its log tells it -------------------------------------------


def stored(ledger: Ledger) -> dict[Ident, State]:
    found: dict[Ident, State] = {}
    with ledger._reading() as connection:  # a test-only look at every stored field
        for record_type in TYPES:
            for key, record in KINDS[record_type].store.load(connection).items():
                found[(record_type, key)] = record.state
    return found


def replayed(path: Path) -> dict[Ident, State]:
    """The records rebuilt from the standing entries of the log alone, in recording order."""
    records: dict[Ident, State] = {}
    with sqlite3.connect(path) as connection:
        rows = connection.execute(
            "SELECT l.record_type, l.record_key, l.action, l.changes FROM change_log l "
            "JOIN batches b ON b.id = l.batch_id WHERE b.kind != 'undo' AND NOT EXISTS "
            "(SELECT 1 FROM change_log r JOIN batches u ON u.id = r.batch_id "
            "WHERE u.kind = 'undo' AND u.target_id = b.id "
            "AND r.record_type = l.record_type AND r.record_key = l.record_key) "
            "ORDER BY l.id"
        ).fetchall()
    for record_type, key, action, changes in rows:
        ident = (record_type, key)
        if action == "delete":
            records.pop(ident, None)
            continue
        if action == "create" or ident not in records:
            records[ident] = {}
        for name, (_old, new) in json.loads(changes).items():
            records[ident][name] = new
    return records


def meaningful(records: dict[Ident, State]) -> dict[Ident, State]:
    """Records without their empty fields (the log leaves them out of creations)."""
    return {
        ident: {k: v for k, v in state.items() if v not in (None, [])}
        for ident, state in records.items()
        if ident[0] in TYPES
    }


# -- the machine ------------------------------------------------------------------------------

_TEMPLATE: dict[str, Path] = {}


def template() -> Path:
    """A ledger with the actors every pledge names, made once (migrations are slow)."""
    if "path" not in _TEMPLATE:
        folder = Path(tempfile.mkdtemp(prefix="pledges-model-template-"))
        path = folder / "template.sqlite"
        with Ledger.open(path, author="setup") as ledger:
            for code in ACTORS:
                ledger.create(schemas.Actor(code=code, name=f"Actor {code}", kind="state"))
        with sqlite3.connect(path) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        _TEMPLATE["path"] = path
    return _TEMPLATE["path"]


class TwoAuthors(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="pledges-model-"))
        self.path = self.folder / "ledger.sqlite"
        shutil.copyfile(template(), self.path)
        self.ledgers = {a: Ledger.open(self.path, author=a) for a in AUTHORS}
        self.model = Model()

    def teardown(self) -> None:
        for ledger in self.ledgers.values():
            ledger.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- helpers ---------------------------------------------------------------------------

    def expect(self, error: type[Exception] | None, action: Any) -> None:
        if error is None:
            action()
        else:
            with pytest.raises(error):
                action()

    def state(self, record_type: str, key: str) -> State | None:
        return self.model.records.get((record_type, key))

    def version(self, author: str, record_type: str, key: str) -> int:
        ledger = self.ledgers[author]
        detail: Any = getattr(ledger, record_type)(key)
        return int(detail.version)

    # -- creating --------------------------------------------------------------------------

    @rule(
        author=authors,
        key=st.sampled_from(PLEDGES),
        title=words,
        pledger=st.sampled_from(ACTORS),
        conditions=st.lists(st.sampled_from(CONDITIONS), unique=True, max_size=2),
        sources=st.lists(st.sampled_from(SOURCES), unique=True, max_size=1),
        notes=st.none() | words,
    )
    def create_pledge(
        self,
        author: str,
        key: str,
        title: str,
        pledger: str,
        conditions: list[str],
        sources: list[str],
        notes: str | None,
    ) -> None:
        record = schemas.Pledge(
            key=key,
            title=title,
            pledger=pledger,
            conditions=conditions,
            sources=sources,
            notes=notes,
        )
        state = record.state()
        missing = [r for r in references(("pledge", key), state) if r not in self.model.records]
        if self.state("pledge", key) is not None:
            self.expect(LedgerError, lambda: self.ledgers[author].create(record))
        elif missing:
            self.expect(UnknownReferenceError, lambda: self.ledgers[author].create(record))
        else:
            self.ledgers[author].create(record)
            self.model.commit(author, "change", {("pledge", key): state})

    @rule(
        author=authors,
        record_type=st.sampled_from(["condition", "source"]),
        index=st.integers(0, 1),
        title=words,
    )
    def create_condition_or_source(
        self, author: str, record_type: str, index: int, title: str
    ) -> None:
        key = (CONDITIONS if record_type == "condition" else SOURCES)[index]
        record = TYPES[record_type](key=key, title=title)
        if self.state(record_type, key) is not None:
            self.expect(LedgerError, lambda: self.ledgers[author].create(record))
            return
        self.ledgers[author].create(record)
        self.model.commit(author, "change", {(record_type, key): record.state()})

    # -- editing ---------------------------------------------------------------------------

    @rule(
        author=authors,
        key=st.sampled_from(PLEDGES),
        notes=st.none() | words,
        tags=st.lists(st.sampled_from(["rada", "ukef", "air"]), unique=True, max_size=2),
        due=st.none() | st.sampled_from(["2026-06", "2027"]),
    )
    def edit_pledge(
        self, author: str, key: str, notes: str | None, tags: list[str], due: str | None
    ) -> None:
        current = self.state("pledge", key)
        ledger = self.ledgers[author]
        if current is None:
            with pytest.raises(NotFoundError):
                ledger.pledge(key)
            return
        state = {**current, "notes": notes, "tags": tags, "due": due}
        record = make("pledge", state)
        ledger.update(record, version=self.version(author, "pledge", key))
        self.model.commit(author, "change", {("pledge", key): record.state()})

    @rule(reader=authors, writer=authors, key=st.sampled_from(PLEDGES), notes=words)
    def save_over_a_colleagues_edit(self, reader: str, writer: str, key: str, notes: str) -> None:
        """The reader opens the pledge, the writer saves it, then the reader saves: a conflict
        if the writer changed anything, never a silent overwrite."""
        current = self.state("pledge", key)
        if current is None:
            return
        version = self.version(reader, "pledge", key)
        theirs = {**current, "notes": notes}
        changed = make("pledge", theirs).state() != current
        self.ledgers[writer].update(
            make("pledge", theirs), version=self.version(writer, "pledge", key)
        )
        self.model.commit(writer, "change", {("pledge", key): make("pledge", theirs).state()})
        mine = make("pledge", {**current, "tags": ["mine"]})
        if changed:
            self.expect(ConflictError, lambda: self.ledgers[reader].update(mine, version=version))
        else:
            self.ledgers[reader].update(mine, version=version)
            self.model.commit(
                reader,
                "change",
                {("pledge", key): make("pledge", {**theirs, "tags": ["mine"]}).state()},
            )

    @rule(
        author=authors,
        key=st.sampled_from(PLEDGES),
        status=st.sampled_from(PLEDGE_STATUSES),
        source=st.none() | st.sampled_from(SOURCES),
    )
    def change_pledge_status(self, author: str, key: str, status: str, source: str | None) -> None:
        current = self.state("pledge", key)
        note = None if source else "seen in the briefing"

        def act() -> None:
            self.ledgers[author].change_status("pledge", key, status, note=note, source=source)

        if current is None:
            self.expect(NotFoundError, act)
        elif current["status"] == status:
            self.expect(LedgerError, act)
        elif source is not None and self.state("source", source) is None:
            self.expect(UnknownReferenceError, act)
        else:
            act()
            self.model.commit(
                author,
                "change",
                {("pledge", key): {**current, "status": status}},
                citations={source} if source else set(),
            )

    @rule(
        author=authors, key=st.sampled_from(CONDITIONS), status=st.sampled_from(CONDITION_STATUSES)
    )
    def change_condition_status(self, author: str, key: str, status: str) -> None:
        current = self.state("condition", key)

        def act() -> None:
            self.ledgers[author].change_status("condition", key, status, note="minutes")

        if current is None:
            self.expect(NotFoundError, act)
        elif current["status"] == status:
            self.expect(LedgerError, act)
        else:
            act()
            self.model.commit(author, "change", {("condition", key): {**current, "status": status}})

    @rule(
        author=authors,
        key=st.sampled_from(PLEDGES),
        linked=st.sampled_from(
            [("conditions", c) for c in CONDITIONS] + [("sources", s) for s in SOURCES]
        ),
        add=st.booleans(),
    )
    def link(self, author: str, key: str, linked: tuple[str, str], add: bool) -> None:
        field_name, other = linked
        ledger = self.ledgers[author]
        verb = "link" if add else "unlink"
        method = getattr(ledger, f"{verb}_{field_name[:-1]}")
        current = self.state("pledge", key)
        other_type = field_name[:-1]
        if current is None:
            self.expect(NotFoundError, lambda: method(key, other))
        elif add == (other in current[field_name]):
            self.expect(LedgerError, lambda: method(key, other))
        elif add and self.state(other_type, other) is None:
            self.expect(UnknownReferenceError, lambda: method(key, other))
        else:
            method(key, other)
            items = (
                current[field_name] + [other]
                if add
                else [i for i in current[field_name] if i != other]
            )
            self.model.commit(author, "change", {("pledge", key): {**current, field_name: items}})

    @rule(
        author=authors,
        ident=st.sampled_from(
            [("pledge", k) for k in PLEDGES]
            + [("condition", k) for k in CONDITIONS]
            + [("source", k) for k in SOURCES]
        ),
    )
    def delete(self, author: str, ident: Ident) -> None:
        record_type, key = ident
        ledger = self.ledgers[author]
        if self.state(*ident) is None:
            with pytest.raises(NotFoundError):
                getattr(ledger, record_type)(key)
            return
        version = self.version(author, record_type, key)
        others = {i: s for i, s in self.model.records.items() if i != ident}
        if refers_to(others, ident) or (record_type == "source" and self.model.cited(key)):
            self.expect(ReferencedError, lambda: ledger.delete(record_type, key, version=version))
            return
        ledger.delete(record_type, key, version=version)
        self.model.commit(author, "change", {ident: None})

    @rule(
        author=authors,
        rows=st.lists(
            st.tuples(st.sampled_from(PLEDGES), words, st.sampled_from(PLEDGE_STATUSES)),
            min_size=1,
            max_size=3,
            unique_by=lambda row: row[0],
        ),
    )
    def import_pledges(self, author: str, rows: list[tuple[str, str, str]]) -> None:
        records = [
            schemas.Pledge(key=key, title=title, pledger="FRA", status=status)
            for key, title, status in rows
        ]
        self.ledgers[author].save_records(records, label="import model.yaml", default_note="import")
        self.model.commit(author, "import", {("pledge", r.key): r.state() for r in records})

    # -- undo and redo ---------------------------------------------------------------------

    @rule(author=authors, kind=st.sampled_from(["undo", "redo"]))
    def reverse(self, author: str, kind: str) -> None:
        expected = self.model.revert(author, kind)
        self.expect(expected, getattr(self.ledgers[author], kind))

    @rule(author=authors, partial=st.booleans(), skip=st.booleans())
    def undo_in_part_or_skipping(self, author: str, partial: bool, skip: bool) -> None:
        expected = self.model.revert(author, "undo", partial=partial, skip=skip)
        self.expect(expected, lambda: self.ledgers[author].undo(partial=partial, skip=skip))

    @precondition(lambda self: bool(self.model.batches))
    @rule(author=authors)
    def undo_then_redo_is_the_identity(self, author: str) -> None:
        before = stored(self.ledgers[author])
        if self.model.revert(author, "undo") is not None:
            return
        self.ledgers[author].undo()
        assert self.model.revert(author, "redo") is None
        self.ledgers[author].redo()
        assert stored(self.ledgers[author]) == before

    # -- what must hold after every step ---------------------------------------------------

    @invariant()
    def the_ledger_holds_exactly_the_models_records(self) -> None:
        actual = {i: s for i, s in stored(self.ledgers["ana"]).items() if i[0] in TYPES}
        assert actual == self.model.records

    @invariant()
    def the_log_replayed_from_empty_gives_the_records(self) -> None:
        actual = stored(self.ledgers["ben"])
        assert meaningful(replayed(self.path)) == meaningful(actual)


TwoAuthors.TestCase.settings = settings(
    max_examples=40 * SCALE,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_two_authors_against_the_model = TwoAuthors.TestCase
