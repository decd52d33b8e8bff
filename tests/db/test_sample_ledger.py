"""The bundled sample ledger: it imports cleanly, tells the coalition's story through time as
its research notes do (each date reads like a briefing of that day), and ships in the wheel,
from which it imports too."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import fixtures
from db import briefing
from db.dates import lower_bound
from db.interchange import import_files, read_file
from db.ledger import Ledger
from db.past import Reading
from tests.support import ROOT

SOURCES = ("pyproject.toml", "README.md", "db", "tui", "fixtures")

#: The three days the sample is read at: the Paris summit of March 2025, the day after the
#: Paris summit of September 2025, the day after the Paris Declaration.
MARCH, SEPTEMBER, JANUARY = "2025-03-27", "2025-09-05", "2026-01-07"


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    """The sample ledger, imported once for the tests of this module (which only read it)."""
    ledger = Ledger.open(tmp_path_factory.mktemp("sample") / "sample.sqlite", author="importer")
    import_files(ledger, [fixtures.path()])
    yield ledger
    ledger.close()


@pytest.fixture(scope="module")
def document() -> dict[str, dict[str, dict[str, Any]]]:
    """The fixture file's records as written: section -> key -> fields."""
    file = read_file(fixtures.path())
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for record in file.records:
        data = record.data
        found.setdefault(record.section, {})[data.get("key") or data["code"]] = data
    return found


def keys(ledger: Ledger, query: str, day: str) -> list[str]:
    return ledger.at(Reading(day)).matching_pledge_keys(query)


def first_date(record: dict[str, Any]) -> str:
    """The day a record of the file enters the ledger: its first history entry, else (a
    pledge) its announcement."""
    history = record.get("history") or []
    return str(history[0]["date"] if history else record["announced"])


def cited(record: dict[str, Any]) -> list[str]:
    """Every source a record of the file cites, in its list or in its history."""
    history = [step["source"] for step in record.get("history") or [] if step.get("source")]
    return [*(record.get("sources") or []), *history]


def test_the_sample_reads_without_a_problem() -> None:
    file = read_file(fixtures.path())
    assert file.problems == []
    assert fixtures.names() == ["coalition-of-the-willing.yaml"]


def test_the_sample_holds_the_researched_ledger(sample: Ledger) -> None:
    assert len(sample.conditions()) == 9
    assert len(sample.actors()) >= 20 and len(sample.sources()) == 58
    assert sample.count_pledges() == 41
    backstop = sample.condition("us-backstop")
    assert backstop.condition.status == "partially_met"
    assert sample.status_as_of("condition", "us-backstop", "2025-12-31") == "pending"
    assert sample.status_as_of("pledge", "gbr-uk-troops-on-ground-2025-02", "2025-06") == (
        "announced"
    )
    assert sample.status_as_of("pledge", "gbr-uk-troops-on-ground-2025-02", "2026-01-06") == (
        "superseded"
    )
    # Every history entry carries its evidence.
    for record_type in ("pledge", "condition"):
        for record in sample.records(record_type):
            for step in getattr(record, "history", []):
                assert step.note or step.source


# -- each date reads like a briefing of that day ---------------------------------------------


def test_as_of_the_paris_summit_of_march_2025(sample: Ledger) -> None:
    then = sample.at(Reading(MARCH))
    assert then.count_pledges() == 14
    # Only the UK's money is committed: the loan signed on 1 March, the missile finance of 2 March.
    assert keys(sample, "status:committed", MARCH) == [
        "gbr-loan-frozen-assets-2025-03",
        "gbr-ukef-air-defence-missiles-2025-03",
    ]
    # The reassurance force is announced, waiting for a ceasefire and a US backstop.
    assert keys(sample, "tag:reassurance-force status:announced category:troops", MARCH) == [
        "cow-reassurance-force-2025-03",
        "gbr-uk-troops-on-ground-2025-02",
        "swe-troops-not-ruled-out-2025-02",
    ]
    assert "cow-reassurance-force-2025-03" in keys(sample, "is:conditional", MARCH)
    # The US paused intelligence sharing on 5 March and resumed it at Jeddah on 11 March.
    assert keys(sample, "status:superseded", MARCH) == ["usa-intel-sharing-pause-2025-03"]
    assert keys(sample, "status:in_progress", MARCH) == [
        "usa-resume-intel-sharing-assistance-2025-03"
    ]
    conditions = sample.as_of(MARCH).records["condition"]
    assert sorted(conditions) == [
        "ceasefire",
        "peace-agreement",
        "rules-of-engagement",
        "russia-accepts-ceasefire",
        "us-backstop",
    ]
    assert {state["status"] for state in conditions.values()} == {"pending"}
    # Nothing of later: no Paris Declaration, no 26 countries, no ultimatum.
    assert keys(sample, "tag:paris-declaration", MARCH) == []
    assert keys(sample, "key:fra-gbr-deu-pol-ceasefire-ultimatum-2025-05", MARCH) == []


def test_as_of_the_day_after_the_paris_summit_of_september_2025(sample: Ledger) -> None:
    then = sample.at(Reading(SEPTEMBER))
    assert then.count_pledges() == 23
    # The 26 countries' commitment makes the force committed; the UK's money still is.
    assert keys(sample, "status:committed", SEPTEMBER) == [
        "cow-reassurance-force-2025-03",
        "gbr-loan-frozen-assets-2025-03",
        "gbr-ukef-air-defence-missiles-2025-03",
    ]
    force = then.pledge("cow-reassurance-force-2025-03")
    assert force.pledge.status == "committed" and force.status_since == "2025-09-04"
    assert [c.key for c in force.conditions] == ["ceasefire", "us-backstop"]
    assert force.conditional
    # Germany and Spain decline troops; Germany's February position gave way to it.
    assert "deu-no-troop-commitment-2025-09" in keys(sample, "status:announced", SEPTEMBER)
    assert keys(sample, "status:superseded", SEPTEMBER) == [
        "deu-troop-deployment-premature-2025-02",
        "usa-intel-sharing-pause-2025-03",
        "usa-no-backstop-air-cover-2025-06",
    ]
    # The US backstop is still pending, as the Elysée and the summit said.
    backstop, _ = then.record_then("condition", "us-backstop")
    assert backstop["status"] == "pending"
    # The May ultimatum has fallen due, its trigger met.
    assert keys(sample, "is:overdue", SEPTEMBER) == ["fra-gbr-deu-pol-ceasefire-ultimatum-2025-05"]
    assert keys(sample, "tag:paris-declaration", SEPTEMBER) == []


def test_as_of_the_day_after_the_paris_declaration(sample: Ledger) -> None:
    then = sample.at(Reading(JANUARY))
    assert then.count_pledges() == 41
    assert keys(sample, "status:committed", JANUARY) == [
        "cow-paris-decl-armed-forces-support-2026-01",
        "cow-paris-decl-ceasefire-monitoring-2026-01",
        "cow-paris-decl-defence-cooperation-2026-01",
        "cow-paris-decl-multinational-force-2026-01",
        "cow-paris-decl-support-if-attacked-2026-01",
        "fra-declaration-of-intent-forces-2026-01",
        "gbr-declaration-of-intent-forces-2026-01",
        "gbr-loan-frozen-assets-2025-03",
        "gbr-ukef-air-defence-missiles-2025-03",
    ]
    # The force is carried into the Multinational Force; the UK's and Germany's earlier
    # positions are replaced by those of 6 January.
    mnf = then.pledge("cow-paris-decl-multinational-force-2026-01")
    assert [b.key for b in mnf.supersedes_chain] == ["cow-reassurance-force-2025-03"]
    superseded = keys(sample, "status:superseded", JANUARY)
    for key in (
        "cow-reassurance-force-2025-03",
        "gbr-uk-troops-on-ground-2025-02",
        "deu-no-troop-commitment-2025-09",
    ):
        assert key in superseded
    conditions = sample.as_of(JANUARY).records["condition"]
    assert conditions["us-backstop"]["status"] == "partially_met"
    for key in ("uk-commons-vote", "deu-bundestag-decision", "national-legal-procedures"):
        assert conditions[key]["status"] == "pending"
    # Every Paris Declaration pledge waits for a ceasefire, which is not in force.
    declaration = keys(sample, "tag:paris-declaration", JANUARY)
    assert set(keys(sample, "tag:paris-declaration is:conditional", JANUARY)) == set(declaration)


def test_the_diff_of_september_2025_to_january_2026_tells_the_paris_declaration(
    sample: Ledger,
) -> None:
    changes = {(c.record_type, c.key): c for c in sample.changes("2025-09", "2026-01")}
    new = {key for (kind, key), c in changes.items() if kind == "pledge" and c.before is None}
    assert {
        "cow-paris-decl-ceasefire-monitoring-2026-01",
        "cow-paris-decl-armed-forces-support-2026-01",
        "cow-paris-decl-multinational-force-2026-01",
        "cow-paris-decl-support-if-attacked-2026-01",
        "cow-paris-decl-defence-cooperation-2026-01",
        "gbr-declaration-of-intent-forces-2026-01",
        "fra-declaration-of-intent-forces-2026-01",
        "deu-forces-neighbouring-nato-2026-01",
        "usa-lead-ceasefire-monitoring-2026-01",
    } <= new
    statuses = {key: c.status_change for key, c in changes.items() if c.before is not None}
    assert statuses == {
        ("pledge", "cow-reassurance-force-2025-03"): ("committed", "superseded"),
        ("pledge", "gbr-uk-troops-on-ground-2025-02"): ("announced", "superseded"),
        ("pledge", "deu-no-troop-commitment-2025-09"): ("announced", "superseded"),
        ("condition", "us-backstop"): ("pending", "partially_met"),
    }
    backstop = changes[("condition", "us-backstop")]
    assert backstop.evidence[-1].source == "eurointegration-us-role-paris-declaration-2026-01-07"
    made = {key for (kind, key), c in changes.items() if kind == "condition" and c.before is None}
    assert made == {"uk-commons-vote", "deu-bundestag-decision", "national-legal-procedures"}


def test_the_brief_of_the_week_of_4_september_2025(sample: Ledger) -> None:
    brief = briefing.build(sample, "2025-08-31", "2025-09-07", None)
    changed = {
        code: [(line.key, line.status) for line in lines]
        for code, (_, lines) in brief.by_pledger.items()
    }
    assert changed == {
        "COW-FORCE": [("cow-reassurance-force-2025-03", ("announced", "committed"))],
        "DEU": [("deu-troop-deployment-premature-2025-02", ("announced", "superseded"))],
    }
    force = brief.by_pledger["COW-FORCE"][1][0]
    assert force.date == "2025-09-04"
    assert "dawn-26-countries-commit-2025-09-04" in force.cites
    assert [line.key for line in brief.new] == [
        "deu-no-troop-commitment-2025-09",
        "esp-no-troop-commitment-2025-09",
        "usa-demand-stop-russian-oil-2025-09",
    ]
    assert brief.resolved == [] and brief.withdrawn == [] and brief.overdue == []
    assert "dawn-26-countries-commit-2025-09-04" in brief.sources


# -- the points the sample got wrong, each checked ---------------------------------------------


def test_the_ultimatum_hangs_on_russia_not_accepting_and_falls_due_on_12_may(
    sample: Ledger,
) -> None:
    key = "fra-gbr-deu-pol-ceasefire-ultimatum-2025-05"
    pledge = sample.pledge(key).pledge
    assert pledge.conditions == ["russia-refuses-may-ceasefire"]
    assert pledge.due == "2025-05-12" and pledge.pledger == "FRA-GBR-DEU-POL"
    trigger = sample.condition("russia-refuses-may-ceasefire").condition
    assert "does not accept" in trigger.title and trigger.responsible == "RUS"
    assert sample.status_as_of("condition", trigger.key, "2025-05-11") == "pending"
    assert sample.status_as_of("condition", trigger.key, "2025-05-12") == "met"
    # Waiting on the trigger before the deadline; owed, and overdue, once it passed.
    assert key in keys(sample, "is:conditional", "2025-05-11")
    assert key not in keys(sample, "is:overdue", "2025-05-12")
    assert key in keys(sample, "is:overdue", "2025-05-13")
    assert key not in keys(sample, "is:conditional", "2025-05-13")
    assert key not in keys(sample, "is:blocked", "2025-05-13")


def test_confidence_follows_the_vocabulary(
    sample: Ledger, document: dict[str, dict[str, dict[str, Any]]]
) -> None:
    """confirmed: a primary source (graded A), or outlets of two publishers, one graded A-C,
    among the sources of the pledge and of the history entries that restate it (not those that
    replace or close it, which are evidence of what came next)."""
    sources = document["sources"]
    for key, pledge in document["pledges"].items():
        assert pledge["confidence"] in ("confirmed", "reported"), key
        restating = [
            step["source"]
            for step in pledge.get("history") or []
            if step.get("source") and step["status"] not in ("superseded", "withdrawn", "broken")
        ]
        used = [sources[s] for s in dict.fromkeys([*(pledge.get("sources") or []), *restating])]
        primary = any(s["reliability"][0] == "A" for s in used)
        publishers = {s["publisher"] for s in used}
        reliable = any(s["reliability"][0] in "ABC" for s in used)
        supported = primary or (len(publishers) >= 2 and reliable)
        if pledge["confidence"] == "confirmed":
            assert supported, key
        elif supported:
            # Well-sourced words, an unconfirmed substance: the notes say why it is reported.
            assert re.search(r"unconfirmed|as reported", pledge.get("notes") or ""), key
    # The 26 countries' count is confirmed; only their names are unknown.
    assert sample.pledge("cow-reassurance-force-2025-03").pledge.confidence == "confirmed"
    # US air support is a possibility, not confirmed, and does not wait for itself.
    air = sample.pledge("usa-air-support-possible-2025-08").pledge
    assert air.confidence == "reported" and "us-backstop" not in air.conditions
    # The March truce: no invented lapse on a source about something else.
    truce = sample.pledge("fra-gbr-one-month-truce-2025-03")
    assert truce.pledge.status == "announced" and truce.pledge.confidence == "reported"
    assert [entry.source for entry in truce.history] == [None]


def test_the_coalition_holds_the_members_the_sources_name(sample: Ledger) -> None:
    members = {a.code: a for a in sample.actors()}
    assert sorted(sample.actor("COW").actor.members) == [
        "DEU",
        "DNK",
        "ESP",
        "FRA",
        "GBR",
        "ITA",
        "NLD",
        "POL",
        "TUR",
    ]
    assert "COW-FORCE" in members
    # Italy refused troops: no troop pledge is credited to it before the Paris Declaration,
    # which the coalition as a whole adopted.
    assert keys(sample, "pledger:ITA+ category:troops", SEPTEMBER) == []
    assert keys(sample, "pledger:ITA+ category:troops", JANUARY) == [
        "cow-paris-decl-multinational-force-2026-01"
    ]
    assert keys(sample, "pledger:FRA+ category:troops", SEPTEMBER) == [
        "cow-reassurance-force-2025-03"
    ]


def test_pledges_of_part_of_the_coalition_are_filed_under_who_made_them(sample: Ledger) -> None:
    assert sample.pledge("cow-reassurance-force-2025-03").pledge.pledger == "COW-FORCE"
    assert sample.actor("COW-FORCE").actor.members == ["FRA", "GBR"]
    assert sorted(sample.actor("FRA-GBR-DEU-POL").actor.members) == ["DEU", "FRA", "GBR", "POL"]
    # What the coalition as a whole is credited with: its meetings' statements and the
    # Paris Declaration; no troop pledge but the declaration's Multinational Force.
    assert keys(sample, "pledger:COW category:troops", JANUARY) == [
        "cow-paris-decl-multinational-force-2026-01"
    ]
    for key in keys(sample, "pledger:COW announced:2025-10", JANUARY):
        assert "not all its members" in (sample.pledge(key).pledge.notes or "")


def test_germany_evolves_from_february_to_september_to_january(sample: Ledger) -> None:
    january = sample.pledge("deu-forces-neighbouring-nato-2026-01")
    assert [b.key for b in january.supersedes_chain] == [
        "deu-no-troop-commitment-2025-09",
        "deu-troop-deployment-premature-2025-02",
    ]
    steps = {
        "2025-06": ("announced", None),
        "2025-09-04": ("superseded", "announced"),
        "2026-01-06": ("superseded", "superseded"),
    }
    for day, (february, september) in steps.items():
        assert sample.status_as_of("pledge", "deu-troop-deployment-premature-2025-02", day) == (
            february
        )
        assert sample.status_as_of("pledge", "deu-no-troop-commitment-2025-09", day) == september


def test_the_uk_loan_is_dated_announced_then_signed(sample: Ledger) -> None:
    key = "gbr-loan-frozen-assets-2025-03"
    assert sample.status_as_of("pledge", key, "2024-10-20") is None
    assert sample.status_as_of("pledge", key, "2024-10-21") == "announced"
    assert sample.status_as_of("pledge", key, "2025-02-28") == "announced"
    assert sample.status_as_of("pledge", key, "2025-03-01") == "committed"


def test_every_source_is_graded_and_cited(document: dict[str, dict[str, dict[str, Any]]]) -> None:
    used = {
        source
        for section in ("pledges", "conditions")
        for record in document[section].values()
        for source in cited(record)
    }
    for key, source in document["sources"].items():
        assert re.fullmatch(r"[A-F][1-6]", source.get("reliability") or ""), key
        assert key in used, f"{key} is cited by no record"
    # Sources graded E (a disinformation network) or D back no confirmed pledge on their own.
    for key, pledge in document["pledges"].items():
        grades = {document["sources"][s]["reliability"][0] for s in cited(pledge)}
        if grades <= {"D", "E", "F"}:
            assert pledge["confidence"] == "reported", key


_MONTHS = "January February March April May June July August September October November December"
_MONTH = {name[:3]: number for number, name in enumerate(_MONTHS.split(), 1)}
#: A date a text names, unless it is a deadline set in advance ("from 12 May 2025").
_DATE_IN_TEXT = re.compile(
    r"(?<!from )(?<!\d )\b(?:(\d{1,2}) )?"
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* (20\d\d)\b"
)


def _days_named(text: str) -> list[str]:
    """The dates a text names ("17 Feb 2025", "September 2025"), each as its first day."""
    found = []
    for day, month, year in _DATE_IN_TEXT.findall(text):
        found.append(f"{year}-{_MONTH[month]:02d}-{int(day or 1):02d}")
    return found


def test_no_record_knows_its_future(document: dict[str, dict[str, dict[str, Any]]]) -> None:
    """A record's fields hold what was known on its first day: later events are dated history
    entries. Its notes name no later date and no record that did not exist yet; its sources
    were published within a week of it (reports of the day come a day or two after)."""
    born = {
        (section, key): first_date(record)
        for section in ("pledges", "conditions")
        for key, record in document[section].items()
    }
    pledge_born = {key: day for (section, key), day in born.items() if section == "pledges"}
    for (section, key), day in born.items():
        record = document[section][key]
        start = str(lower_bound(day))
        text = " ".join(str(record.get(f) or "") for f in ("title", "text", "notes", "description"))
        for named in _days_named(text):
            assert named <= start, f"{key} names {named}, after its first day {day}"
        for other, other_day in pledge_born.items():
            if other != key and other in text:
                assert str(lower_bound(other_day)) <= start, f"{key} names {other}"
        for source in record.get("sources") or []:
            published = document["sources"][source].get("published")
            if published:
                late = _first_day(published) - _first_day(day)
                assert late.days <= 7, f"{key} cites {source}, published {published}, on {day}"


def _first_day(date: str) -> dt.date:
    return dt.date.fromisoformat(str(lower_bound(date)))


def test_every_condition_exists_from_its_dated_start(
    sample: Ledger, document: dict[str, dict[str, dict[str, Any]]]
) -> None:
    starts = {key: str(c["history"][0]["date"]) for key, c in document["conditions"].items()}
    assert starts["ceasefire"] == "2025-02-17" and starts["peace-agreement"] == "2025-02-16"
    for key in ("uk-commons-vote", "deu-bundestag-decision", "national-legal-procedures"):
        assert starts[key] == "2026-01-06"
    for key, start in starts.items():
        assert key in sample.as_of(start).records["condition"], key
        assert sample.condition(key).condition.responsible, f"{key} has no responsible actor"
        if start <= MARCH:
            assert key in sample.as_of(MARCH).records["condition"]


def test_no_condition_link_points_at_a_condition_that_does_not_exist_yet(
    sample: Ledger, document: dict[str, dict[str, dict[str, Any]]]
) -> None:
    days = {MARCH, SEPTEMBER, JANUARY} | {first_date(p) for p in document["pledges"].values()}
    for day in sorted(days):
        records = sample.as_of(day).records
        existing = set(records.get("condition", {}))
        for key, pledge in records.get("pledge", {}).items():
            missing = set(pledge.get("conditions") or []) - existing
            assert not missing, f"as of {day}, {key} hangs on {sorted(missing)}"


def test_the_reassurance_force_is_one_record_with_a_status_history(sample: Ledger) -> None:
    force = sample.pledge("cow-reassurance-force-2025-03")
    changes = [
        (e.effective, e.changes["status"][1]) for e in force.history if "status" in e.changes
    ]
    assert [step for step in changes if step[1] != "announced"] == [
        ("2025-09-04", "committed"),
        ("2026-01-06", "superseded"),
    ]
    assert changes[0] == ("2025-03-27", "announced")
    assert [b.key for b in force.superseded_by] == ["cow-paris-decl-multinational-force-2026-01"]
    # The records that double-counted it are gone: their steps are the force's history.
    for gone in (
        "cow-troop-contributors-bloomberg-2025-04",
        "cow-mnf-ukraine-hq-2025-07",
        "cow-reassurance-force-readiness-2025-08",
        "cow-guarantees-pending-us-support-2025-09",
        "cow-26-countries-deploy-2025-09",
    ):
        assert sample.existing("pledge", [gone]) == set()
    days = [entry.effective for entry in force.history]
    for day in ("2025-04-09", "2025-07-10", "2025-08-17", "2025-09-02"):
        assert day in days
    # Through 2025, records that existed change status.
    moved = {
        c.key
        for since in ("2025-02", "2025-03-05", "2025-05-11", "2025-06")
        for c in sample.changes(since, "2025-12")
        if c.before is not None and c.status_change
    }
    assert {
        "cow-reassurance-force-2025-03",
        "deu-troop-deployment-premature-2025-02",
        "usa-intel-sharing-pause-2025-03",
        "usa-no-backstop-air-cover-2025-06",
        "gbr-loan-frozen-assets-2025-03",
        "russia-refuses-may-ceasefire",
    } <= moved


def test_the_us_backstop_steps_of_august_and_september_2025(sample: Ledger) -> None:
    history = sample.condition("us-backstop").history
    days = [entry.effective for entry in history]
    assert days[0] == "2025-02-17"
    for day in ("2025-08-19", "2025-09-02", "2025-09-04"):
        assert day in days
    september = next(e for e in history if e.effective == "2025-09-04")
    assert september.source == "lincolndailynews-paris-summit-2025-09-05"
    assert "to be finalised" in (september.note or "")


def test_a_ceasefire_is_not_a_peace_agreement(sample: Ledger) -> None:
    on_peace = keys(sample, "condition:peace-agreement", JANUARY)
    assert on_peace == [
        "fra-declaration-of-intent-forces-2026-01",
        "gbr-declaration-of-intent-forces-2026-01",
        "gbr-uk-troops-on-ground-2025-02",
        "swe-troops-not-ruled-out-2025-02",
    ]
    assert "cow-paris-decl-multinational-force-2026-01" in keys(
        sample, "condition:ceasefire -condition:peace-agreement", JANUARY
    )
    assert sample.condition("ceasefire").condition.responsible == "RUS-UKR"


@pytest.mark.slow
def test_the_wheel_contains_the_sample_and_it_imports_from_there(tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(path, source / name)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(source)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("pledges-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        assert "fixtures/coalition-of-the-willing.yaml" in archive.namelist()
        unpacked = tmp_path / "site"
        archive.extractall(unpacked)
    # Import from the unpacked wheel, not from this checkout, into a throw-away ledger.
    script = (
        "import fixtures, db.interchange, sys\n"
        "from db.ledger import Ledger\n"
        "path = fixtures.path()\n"
        f"assert str(path).startswith({str(unpacked)!r}), path\n"
        f"ledger = Ledger.open({str(tmp_path / 'demo.sqlite')!r}, author='demo')\n"
        "report = db.interchange.import_files(ledger, [path])\n"
        "print(report.counts['pledge'].added)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env={"PYTHONPATH": str(unpacked), "PATH": "/usr/bin:/bin", "PLEDGES_AUTHOR": "demo"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "41"
