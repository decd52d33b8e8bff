"""Writes through the service API: versions, conflicts, references, evidence, links."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from db import schemas
from db.errors import (
    BackdatedStatusError,
    ConflictError,
    CycleError,
    DuplicateKeyError,
    EvidenceRequiredError,
    InvalidRecordError,
    LedgerError,
    NotFoundError,
    ReferencedError,
    UnknownReferenceError,
)
from db.interchange import import_files
from db.ledger import Ledger


def pledge(ledger: Ledger, key: str) -> schemas.Pledge:
    return ledger.pledge(key).pledge


def test_create_returns_after_commit_and_is_visible_to_a_new_connection(small: Ledger) -> None:
    summary = small.create(schemas.Pledge(key="new-one", title="New", pledger="FRA"))
    assert summary.batch > 0 and summary.records == [("pledge", "new-one")]
    other = Ledger.open(small.path, author="someone-else")
    try:
        assert other.pledge("new-one").pledge.title == "New"
        assert other.pledge("new-one").version == 1
    finally:
        other.close()


def test_duplicate_key_is_refused(small: Ledger) -> None:
    with pytest.raises(DuplicateKeyError, match="pledge 'gbr-troops' already exists"):
        small.create(schemas.Pledge(key="gbr-troops", title="Again", pledger="GBR"))


def test_unknown_reference_suggests_the_nearest_key(small: Ledger) -> None:
    with pytest.raises(UnknownReferenceError) as caught:
        small.create(schemas.Pledge(key="x", title="X", pledger="FRA", conditions=["cease-fire"]))
    assert caught.value.suggestion == "ceasefire"
    assert "conditions names condition 'cease-fire'" in str(caught.value)
    with pytest.raises(UnknownReferenceError, match="did you mean GBR"):
        small.create(schemas.Pledge(key="x", title="X", pledger="GRB"))
    assert small.count_pledges() == 5


def test_update_bumps_the_version_and_logs_only_what_changed(small: Ledger) -> None:
    detail = small.pledge("gbr-troops")
    edited = detail.pledge.model_copy(update={"title": "UK troops, if necessary"})
    small.update(edited, version=detail.version)
    after = small.pledge("gbr-troops")
    assert after.version == detail.version + 1
    assert after.history[-1].changes == {
        "title": ("UK troops on the ground if necessary", "UK troops, if necessary")
    }


def test_a_stale_version_is_a_conflict_that_shows_theirs(small: Ledger) -> None:
    mine = small.pledge("gbr-troops")
    theirs = Ledger.open(small.path, author="colleague")
    try:
        theirs.update(mine.pledge.model_copy(update={"notes": "their note"}), version=mine.version)
    finally:
        theirs.close()
    with pytest.raises(ConflictError) as caught:
        small.update(mine.pledge.model_copy(update={"notes": "my note"}), version=mine.version)
    assert caught.value.theirs is not None and caught.value.theirs["notes"] == "their note"
    assert pledge(small, "gbr-troops").notes == "their note"


def test_saving_an_unchanged_record_writes_nothing(small: Ledger) -> None:
    detail = small.pledge("gbr-troops")
    summary = small.update(detail.pledge, version=detail.version)
    assert summary.entries == 0
    assert small.pledge("gbr-troops").version == detail.version


def test_status_change_needs_evidence(small: Ledger) -> None:
    with pytest.raises(EvidenceRequiredError, match="needs evidence"):
        small.change_status("pledge", "gbr-troops", "stalled")
    with pytest.raises(EvidenceRequiredError):
        small.change_status("pledge", "gbr-troops", "stalled", note="   ")
    detail = small.pledge("gbr-troops")
    with pytest.raises(EvidenceRequiredError):
        small.update(detail.pledge.model_copy(update={"status": "stalled"}), version=detail.version)
    small.change_status(
        "pledge", "gbr-troops", "stalled", source="paris-declaration", effective="2026-01"
    )
    entry = small.pledge("gbr-troops").history[-1]
    assert (entry.action, entry.effective, entry.source) == (
        "status",
        "2026-01",
        "paris-declaration",
    )


def test_status_change_defaults_to_today_and_checks_the_source(small: Ledger) -> None:
    with pytest.raises(UnknownReferenceError, match="did you mean paris-declaration"):
        small.change_status("pledge", "gbr-troops", "stalled", source="paris-decleration")
    small.change_status("pledge", "gbr-troops", "stalled", note="no news")
    from db.dates import today

    assert small.pledge("gbr-troops").history[-1].effective == today()


def test_bad_status_and_bad_dates_are_refused(small: Ledger) -> None:
    revision = small.revision()
    with pytest.raises(InvalidRecordError, match="did you mean committed") as caught:
        small.change_status("pledge", "gbr-missiles", "comitted", note="x")
    assert (caught.value.record_type, caught.value.key) == ("pledge", "gbr-missiles")
    assert [field for field, _ in caught.value.problems] == ["status"]
    with pytest.raises(InvalidRecordError, match="'04/09/2025' is not a date") as caught:
        small.change_status("pledge", "gbr-missiles", "stalled", note="x", effective="04/09/2025")
    assert [field for field, _ in caught.value.problems] == ["effective date"]
    with pytest.raises(LedgerError, match="already committed"):
        small.change_status("pledge", "gbr-troops", "committed", note="x")
    assert small.revision() == revision
    assert small.pledge("gbr-missiles").pledge.status == "in_progress"


def test_resolving_a_condition_dates_it_and_recounts_dependents(small: Ledger) -> None:
    small.change_status("condition", "ceasefire", "met", note="in force", effective="2026-03")
    assert small.condition("ceasefire").condition.resolved == "2026-03"
    rows = {r.key: r for r in small.pledge_page(limit=50).rows}
    assert rows["gbr-troops"].conditions.label == "1 pending"
    assert rows["fra-reassurance-force"].conditions.label == "1 pending"
    small.change_status("condition", "ceasefire", "pending", note="broke down")
    assert small.condition("ceasefire").condition.resolved is None


def test_deleting_a_referenced_record_is_refused_naming_the_referrers(small: Ledger) -> None:
    for record_type, key, referrer in [
        ("condition", "ceasefire", "pledge fra-reassurance-force"),
        ("actor", "FRA", "pledge fra-reassurance-force"),
        ("actor", "DEU", "actor COW"),
        ("actor", "USA", "condition us-backstop"),
        ("source", "elysee-2025-09-02", "condition us-backstop"),
    ]:
        version = {"condition": small.condition, "actor": small.actor, "source": small.source}[
            record_type
        ](key).version
        with pytest.raises(ReferencedError) as caught:
            small.delete(record_type, key, version=version)
        assert referrer in str(caught.value)
        assert "nothing was deleted" in str(caught.value)


def test_deleting_an_unreferenced_record(small: Ledger) -> None:
    version = small.pledge("gbr-missiles").version
    small.delete("pledge", "gbr-missiles", version=version)
    with pytest.raises(NotFoundError):
        small.pledge("gbr-missiles")
    with pytest.raises(ConflictError, match="was deleted"):
        small.delete("pledge", "gbr-missiles", version=version)


def test_link_and_unlink_conditions_and_sources(small: Ledger) -> None:
    small.link_condition("gbr-missiles", "commons-vote")
    assert small.pledge("gbr-missiles").pledge.conditions == ["commons-vote"]
    assert small.count_pledges("is:conditional condition:commons-vote") == 2
    small.unlink_condition("gbr-missiles", "commons-vote")
    assert small.count_pledges("is:unconditional") == 1
    small.link_source("gbr-missiles", "paris-declaration")
    assert small.pledge("gbr-missiles").history[-1].action == "link"
    with pytest.raises(LedgerError, match="already lists"):
        small.link_source("gbr-missiles", "paris-declaration")
    with pytest.raises(UnknownReferenceError):
        small.link_condition("gbr-missiles", "no-such-condition")


def test_supersedes_links_both_ways_and_refuses_cycles(small: Ledger) -> None:
    small.create(
        schemas.Pledge(
            key="gbr-troops-2026",
            title="Declaration of intent",
            pledger="GBR",
            supersedes="gbr-troops",
        )
    )
    small.create(
        schemas.Pledge(
            key="gbr-troops-2027",
            title="Deployment order",
            pledger="GBR",
            supersedes="gbr-troops-2026",
        )
    )
    middle = small.pledge("gbr-troops-2026")
    assert [b.key for b in middle.supersedes_chain] == ["gbr-troops"]
    assert [b.key for b in middle.superseded_by] == ["gbr-troops-2027"]
    assert [b.key for b in small.pledge("gbr-troops").superseded_by] == [
        "gbr-troops-2026",
        "gbr-troops-2027",
    ]
    old = small.pledge("gbr-troops")
    with pytest.raises(
        CycleError, match="gbr-troops -> gbr-troops-2027 -> gbr-troops-2026 -> gbr-troops"
    ):
        small.update(
            old.pledge.model_copy(update={"supersedes": "gbr-troops-2027"}), version=old.version
        )
    with pytest.raises(ReferencedError, match="gbr-troops-2026"):
        small.delete("pledge", "gbr-troops", version=old.version)


def test_what_if_lists_the_pledges_a_resolution_would_free_or_block(small: Ledger) -> None:
    impact = small.what_if("us-backstop", "met")
    assert [b.key for b in impact.becomes_unconditional] == ["usa-air-support"]
    assert {b.key for b in impact.unchanged} == {
        "fra-reassurance-force",
        "deu-neighbouring-territory",
    }
    blocked = small.what_if("ceasefire", "failed")
    assert {b.key for b in blocked.becomes_blocked} == {
        "fra-reassurance-force",
        "gbr-troops",
        "deu-neighbouring-territory",
    }
    assert small.condition("ceasefire").condition.status == "pending"  # nothing written


def test_condition_detail_groups_dependents(small: Ledger) -> None:
    detail = small.condition("us-backstop")
    assert [b.key for b in detail.hinges_on_this] == ["usa-air-support"]
    assert {b.key for b in detail.also_held_by_others} == {
        "fra-reassurance-force",
        "deu-neighbouring-territory",
    }


def test_actor_and_source_details(small: Ledger) -> None:
    gbr = small.actor("GBR")
    assert {s: [b.key for b in bs] for s, bs in gbr.pledges_by_status.items()} == {
        "committed": ["gbr-troops"],
        "in_progress": ["gbr-missiles"],
    }
    assert [b.key for b in gbr.member_of] == ["COW"]
    assert [b.key for b in small.actor("COW").members] == ["FRA", "GBR", "DEU"]
    assert [b.key for b in small.actor("FRA").speakers] == ["MACRON"]
    cited = small.source("elysee-2025-09-02").cited_by
    assert {(b.record_type, b.key) for b in cited} == {
        ("pledge", "fra-reassurance-force"),
        ("condition", "us-backstop"),
    }


def test_lists_of_conditions_actors_and_sources(small: Ledger) -> None:
    assert {c.key: c.dependents for c in small.conditions()} == {
        "ceasefire": 3,
        "commons-vote": 1,
        "us-backstop": 3,
    }
    actors = {a.code: (a.pledges_made, a.pledges_received) for a in small.actors()}
    assert actors["GBR"] == (2, 0) and actors["UKR"] == (0, 4)
    assert {s.key: s.citations for s in small.sources()} == {
        "elysee-2025-09-02": 2,
        "paris-declaration": 1,
    }


def test_facets_count_the_current_query(small: Ledger) -> None:
    facets = small.facets("beneficiary:UKR")
    assert [(f.value, f.count) for f in facets.status] == [
        ("announced", 1),
        ("committed", 2),
        ("in_progress", 1),
    ]
    assert dict((f.value, f.count) for f in facets.pledger) == {"GBR": 2, "FRA": 1, "USA": 1}
    assert {f.value: f.label for f in facets.pledger}["GBR"] == "United Kingdom"
    assert dict((f.value, f.count) for f in facets.condition) == {
        "ceasefire": 2,
        "us-backstop": 2,
        "commons-vote": 1,
    }


@pytest.mark.parametrize(
    "query", ["beneficiary:UKR", "is:conditional", "ceasefire", "-pledger:GBR", "category:none"]
)
def test_facets_counted_together_equal_facets_counted_alone(small: Ledger, query: str) -> None:
    together = small.facets(query)
    for field in ("status", "pledger", "category", "condition"):
        assert getattr(together, field) == getattr(small.facets(query, which=(field,)), field)


def test_a_status_change_cannot_be_dated_before_the_current_status(small: Ledger) -> None:
    # committed on 2025-09-04; "delivered on 2025-06-01" would leave history and status disagreeing
    with pytest.raises(LedgerError, match="dates from 2025-09-04; a change dated 2025-06-01"):
        small.change_status(
            "pledge", "fra-reassurance-force", "delivered", note="x", effective="2025-06-01"
        )
    small.change_status(
        "pledge", "fra-reassurance-force", "delivered", note="x", effective="2025-09-04"
    )
    assert small.pledge("fra-reassurance-force").pledge.history[-1].status == "delivered"


def test_a_refusal_about_one_field_names_it(small: Ledger) -> None:
    """A form marks the field a refusal is about from the error, not from its wording."""
    with pytest.raises(BackdatedStatusError) as backdated:
        small.change_status(
            "pledge", "fra-reassurance-force", "delivered", note="x", effective="2025-06-01"
        )
    with pytest.raises(EvidenceRequiredError) as unsupported:
        small.change_status("pledge", "gbr-troops", "stalled")
    with pytest.raises(UnknownReferenceError) as unknown:
        small.change_status("pledge", "gbr-troops", "stalled", source="no-such-source")
    cycle = CycleError(["a", "b", "a"])
    fields = [e.field for e in (backdated.value, unsupported.value, unknown.value, cycle)]
    assert fields == ["effective", "note", "source", "supersedes"]
    assert NotFoundError("pledge", "x").field is None


def test_stored_records_the_schemas_refuse_are_shown_but_not_exported(hostile: Ledger) -> None:
    from tests.support.ledgers import LONG_TITLE

    assert hostile.pledge("hostile-long").pledge.title == LONG_TITLE
    with pytest.raises(InvalidRecordError, match=r"hostile-long.*title: is 10254 characters long"):
        hostile.records("pledge", ["hostile-long"])


def test_the_api_validates_records_built_without_validation(small: Ledger) -> None:
    detail = small.pledge("gbr-troops")
    sneaky = detail.pledge.model_copy(update={"title": "Bad\x1b[2J title", "due": "soon"})
    with pytest.raises(InvalidRecordError, match="due: 'soon' is not a date"):
        small.update(sneaky, version=detail.version)
    cleaned = detail.pledge.model_copy(update={"title": "Clean\x1b[2J title"})
    small.update(cleaned, version=detail.version)
    assert small.pledge("gbr-troops").pledge.title == "Clean[2J title"


def test_a_citation_names_status_since_when_as_of_today_and_sources(small: Ledger) -> None:
    from db.dates import today

    text = small.citation("pledge", "fra-reassurance-force")
    assert text.splitlines() == [
        'Pledge fra-reassurance-force: "Deploy a reassurance force after a ceasefire" (France -> Ukraine).',
        f"Status: committed since 2025-09-04 (as of {today()}); conditional.",
        "Conditions: us-backstop (pending); ceasefire (pending).",
        'Source: "Elysee: guarantees ready", Elysee, 2025-09-02, https://www.elysee.fr/.',
    ]
    assert "Sources: none recorded." in small.citation("condition", "ceasefire")


def test_status_since_ignores_undone_changes(small: Ledger) -> None:
    small.change_status("pledge", "fra-reassurance-force", "stalled", note="x", effective="2026-02")
    assert small.pledge("fra-reassurance-force").status_since == "2026-02"
    small.undo()
    assert small.pledge("fra-reassurance-force").status_since == "2025-09-04"


def test_values_in_use_for_pickers(small: Ledger) -> None:
    assert small.values_in_use("category") == [("air_defence", 2), ("troops", 2)]
    assert dict(small.values_in_use("tag")) == {"reassurance-force": 1, "ukef": 1}


def test_records_are_read_exactly_as_stored(hostile: Ledger) -> None:
    from tests.support.ledgers import ESCAPES, RTL

    assert hostile.pledge("hostile-escape").pledge.title == ESCAPES
    assert hostile.actor("XRTL").actor.name == RTL + " \x1b[2J"


def test_condition_detail_can_stop_at_a_limit_and_still_count(small: Ledger) -> None:
    detail = small.condition("ceasefire", limit=1)
    assert len(detail.also_held_by_others) == 1
    sizes = {"hinges_on_this": 0, "also_held_by_others": 3, "unconditional": 0, "closed": 0}
    assert detail.group_sizes == sizes
    small.change_status("condition", "ceasefire", "met", note="signed")
    after = small.condition("ceasefire")
    assert after.group_sizes == sizes
    small.change_status("condition", "us-backstop", "met", note="confirmed")
    assert small.condition("ceasefire").group_sizes["unconditional"] == 2  # fra and deu


def test_a_partially_met_condition_keeps_its_pledges_conditional(small: Ledger) -> None:
    conditional = [
        "deu-neighbouring-territory",
        "fra-reassurance-force",
        "gbr-troops",
        "usa-air-support",
    ]
    assert small.matching_pledge_keys("is:conditional") == conditional
    # usa-air-support hangs on us-backstop alone: met in part, it is still conditional.
    small.change_status("condition", "us-backstop", "partially_met", note="monitoring only")
    assert small.matching_pledge_keys("is:conditional") == conditional
    assert small.matching_pledge_keys("is:unconditional") == ["gbr-missiles"]
    row = small.pledge_rows(["usa-air-support"])[0]
    assert (row.conditions.total, row.conditions.open, row.conditions.failed) == (1, 1, 0)
    assert row.conditions.label == "1 pending"
    assert small.pledge("usa-air-support").conditional
    assert (
        small.facets("is:conditional").status == small.facets("key:" + ",".join(conditional)).status
    )
    small.change_status("condition", "us-backstop", "met", note="signed")
    assert small.matching_pledge_keys("is:conditional") == conditional[:3]
    assert small.pledge_rows(["usa-air-support"])[0].conditions.label == "met"


def test_the_sample_ledger_flags_follow_its_conditions(ledger: Ledger) -> None:
    import fixtures
    from db.interchange import import_files

    import_files(ledger, [fixtures.path()])
    status = {c.record_key: c.status for c in ledger.records("condition")}
    flags: dict[str, list[str]] = {"conditional": [], "blocked": [], "unconditional": []}
    partially_met_only = []
    closed = []
    for pledge in ledger.records("pledge"):
        held = [status[key] for key in pledge.conditions]
        if held and set(held) == {"partially_met"}:
            partially_met_only.append(pledge.record_key)
        if pledge.status in ("delivered", "withdrawn", "broken", "superseded"):
            closed.append(pledge.record_key)  # a closed pledge has no flags
        elif "failed" in held:
            flags["blocked"].append(pledge.record_key)
        elif any(s in ("pending", "partially_met") for s in held):
            flags["conditional"].append(pledge.record_key)
        else:
            flags["unconditional"].append(pledge.record_key)
    for flag, keys in flags.items():
        assert ledger.matching_pledge_keys(f"is:{flag}") == sorted(keys), flag
    assert len(closed) >= 5  # the sample's superseded, withdrawn and delivered pledges
    # The sample's us-backstop is partially met. The one pledge that hangs on it alone is
    # superseded, so it is not conditional any more; the open one that hangs on it is.
    assert partially_met_only == ["deu-no-troop-commitment-2025-09"]
    assert set(ledger.matching_pledge_keys("is:conditional")) & set(partially_met_only) == set()
    assert ledger.matching_pledge_keys("condition:us-backstop is:conditional") == [
        "deu-forces-neighbouring-nato-2026-01"
    ]


def test_saving_a_record_a_colleague_deleted_is_a_conflict(small: Ledger) -> None:
    mine = small.pledge("gbr-missiles")
    colleague = Ledger.open(small.path, author="colleague")
    try:
        colleague.delete("pledge", "gbr-missiles", version=mine.version, note="duplicate")
    finally:
        colleague.close()
    revision = small.revision()
    edited = mine.pledge.model_copy(update={"notes": "my late note"})
    with pytest.raises(ConflictError, match="pledge 'gbr-missiles' was deleted since") as caught:
        small.update(edited, version=mine.version)
    assert (caught.value.expected, caught.value.actual, caught.value.theirs) == (
        mine.version,
        None,
        None,
    )
    assert small.revision() == revision
    assert "gbr-missiles" not in small.matching_pledge_keys()
    # Without a version (a save that does not know the record), it is simply not there.
    with pytest.raises(NotFoundError, match="there is no pledge 'gbr-missiles'"):
        small.update(edited, version=None)  # type: ignore[arg-type]


#: Every C1 control (U+0080-U+009F) in a one-line field: gone, except NEXT LINE (U+0085),
#: a line break, which becomes a space. U+009B alone is a CSI: "\x9b2J" clears a terminal.
C1_TITLES = {f"Air{chr(code)}defence": "Airdefence" for code in range(0x80, 0xA0)} | {
    "Air\x85defence": "Air defence",
    "Red \x9b31malert\x9b0m": "Red 31malert0m",
}


def test_c1_control_characters_never_reach_a_stored_title(small: Ledger, tmp_path: Path) -> None:
    keys = [f"c1-{i:02d}" for i in range(len(C1_TITLES))]
    titles = dict(zip(keys, C1_TITLES, strict=True))
    expected = dict(zip(keys, C1_TITLES.values(), strict=True))
    # Through create, save_records (the import's door) and update...
    for key in keys[:10]:
        small.create(schemas.Pledge(key=key, title=titles[key], pledger="FRA"))
    small.save_records(
        [schemas.Pledge(key=key, title=titles[key], pledger="FRA") for key in keys[10:20]],
        label="c1 titles",
    )
    for key in keys[20:30]:
        small.create(schemas.Pledge(key=key, title="placeholder", pledger="FRA"))
        detail = small.pledge(key)
        small.update(
            detail.pledge.model_copy(update={"title": titles[key]}), version=detail.version
        )
    # ... and a JSON file (JSON escapes carry any control character).
    document = {
        "format": "pledges/1",
        "pledges": [{"key": k, "title": titles[k], "pledger": "FRA"} for k in keys[30:]],
    }
    path = tmp_path / "c1.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    import_files(small, [path])
    stored = {r.key: r.title for r in small.pledge_rows(keys)}
    assert stored == expected
    with sqlite3.connect(small.path) as connection:
        raw = connection.execute("SELECT title FROM pledges WHERE key LIKE 'c1-%'").fetchall()
    assert len(raw) == len(keys)
    assert not [t for (t,) in raw if any(0x80 <= ord(c) <= 0x9F for c in t)]


def test_every_kind_of_reference_blocks_a_deletion_naming_its_referrers_in_order(
    small: Ledger,
) -> None:
    small.create(schemas.Actor(code="NLD", name="Netherlands", kind="state"))
    small.create(
        schemas.Actor(code="NLD-PM", name="Prime minister", kind="person", affiliation="NLD")
    )
    small.create(schemas.Actor(code="JEF", name="JEF", kind="coalition", members=["GBR", "NLD"]))
    small.create(
        schemas.Pledge(
            key="nld-patrols",
            title="Patrols",
            pledger="NLD",
            beneficiary="NLD",
            conditions=["ceasefire"],
            sources=["paris-declaration"],
            supersedes="gbr-troops",
        )
    )
    small.create(
        schemas.Condition(
            key="nld-vote", title="Dutch vote", responsible="NLD", sources=["paris-declaration"]
        )
    )
    found = {}
    for record_type, key in [
        ("actor", "NLD"),
        ("actor", "GBR"),
        ("condition", "ceasefire"),
        ("source", "paris-declaration"),
        ("pledge", "gbr-troops"),
    ]:
        stored = small.records(record_type, [key])
        assert stored
        with pytest.raises(ReferencedError) as caught:
            small.delete(
                record_type, key, version=small.versioned_states(record_type, [key])[key][0]
            )
        found[key] = caught.value.referenced_by
    assert found == {
        "NLD": [
            ("pledge", "nld-patrols"),  # its pledger and its beneficiary: named once
            ("condition", "nld-vote"),
            ("actor", "NLD-PM"),
            ("actor", "JEF"),
        ],
        "GBR": [
            ("pledge", "gbr-missiles"),
            ("pledge", "gbr-troops"),
            ("condition", "commons-vote"),
            ("actor", "COW"),
            ("actor", "JEF"),
        ],
        "ceasefire": [
            ("pledge", "deu-neighbouring-territory"),
            ("pledge", "fra-reassurance-force"),
            ("pledge", "gbr-troops"),
            ("pledge", "nld-patrols"),
        ],
        "paris-declaration": [
            ("pledge", "deu-neighbouring-territory"),
            ("pledge", "nld-patrols"),
            ("condition", "nld-vote"),
        ],
        "gbr-troops": [("pledge", "nld-patrols")],
    }
