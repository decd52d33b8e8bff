"""Importing fixtures: all or nothing, matched by key, idempotent, logged as one batch."""

from __future__ import annotations

from pathlib import Path

import pytest

import fixtures
from db.interchange import FixtureError, export_text, import_files
from db.ledger import Ledger

SAMPLE = fixtures.path()


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def counts(report: object) -> dict[str, tuple[int, int, int]]:
    return {t: (c.added, c.updated, c.unchanged) for t, c in report.counts.items()}  # type: ignore[attr-defined]


def test_the_sample_ledger_imports_cleanly_into_an_empty_ledger(ledger: Ledger) -> None:
    report = import_files(ledger, [SAMPLE])
    assert counts(report) == {
        "actor": (45, 0, 0),
        "source": (58, 0, 0),
        "condition": (9, 0, 0),
        "pledge": (41, 0, 0),
    }
    assert report.batch.kind == "import" and report.batch.label == f"import {SAMPLE.name}"
    assert ledger.count_pledges() == 41
    assert ledger.count_pledges("is:conditional") > 0


def test_reimporting_the_same_file_changes_nothing_and_says_so(ledger: Ledger) -> None:
    import_files(ledger, [SAMPLE])
    revision, before = ledger.revision(), export_text(ledger, "yaml")
    report = import_files(ledger, [SAMPLE])
    assert not report.changed
    assert counts(report)["pledge"] == (0, 0, 41)
    assert report.batch.entries == 0
    assert ledger.revision() == revision
    assert export_text(ledger, "yaml") == before


def test_a_dry_run_reports_what_a_real_run_would_and_writes_nothing(ledger: Ledger) -> None:
    revision = ledger.revision()
    dry = import_files(ledger, [SAMPLE], dry_run=True)
    assert dry.dry_run and counts(dry)["pledge"] == (41, 0, 0)
    assert ledger.revision() == revision and ledger.count_pledges() == 0
    real = import_files(ledger, [SAMPLE])
    assert counts(real) == counts(dry)


def test_a_changed_file_updates_what_changed_and_logs_it(ledger: Ledger, tmp_path: Path) -> None:
    import_files(ledger, [SAMPLE])
    text = SAMPLE.read_text(encoding="utf-8")
    old_title = "Sweden does not rule out troops once a fair, sustainable peace exists"
    changed = write(tmp_path, "changed.yaml", text.replace(old_title, "Sweden may send troops"))
    report = import_files(ledger, [changed])
    assert counts(report)["pledge"] == (0, 1, 40)
    assert counts(report)["actor"] == (0, 0, 45)
    last = ledger.history("pledge", "swe-troops-not-ruled-out-2025-02")[-1]
    assert last.changes == {"title": (old_title, "Sweden may send troops")}
    assert last.batch_kind == "import" and last.batch_label == "import changed.yaml"


def test_new_history_entries_are_logged_as_status_changes_at_their_own_dates(
    ledger: Ledger, tmp_path: Path
) -> None:
    first = write(
        tmp_path,
        "first.yaml",
        """format: pledges/1
actors: [{code: FRA, name: France, kind: state}]
pledges:
  - key: fra-force
    title: A reassurance force
    pledger: FRA
    status: announced
    history:
      - {date: 2025-03-27, status: announced, note: Paris summit}
""",
    )
    import_files(ledger, [first])
    second = write(
        tmp_path,
        "second.yaml",
        first.read_text().replace("    status: announced\n", "    status: committed\n")
        + "      - {date: 2025-09-04, status: committed, note: Declaration of 26 countries}\n",
    )
    report = import_files(ledger, [second])
    assert counts(report)["pledge"] == (0, 1, 0)
    assert ledger.status_as_of("pledge", "fra-force", "2025-06") == "announced"
    assert ledger.status_as_of("pledge", "fra-force", "2025-09-04") == "committed"
    history = ledger.pledge("fra-force").pledge.history
    assert [(h.date, h.status) for h in history] == [
        ("2025-03-27", "announced"),
        ("2025-09-04", "committed"),
    ]


def test_undo_reverts_a_whole_import(small: Ledger) -> None:
    before = export_text(small, "yaml")
    report = import_files(small, [SAMPLE])
    assert counts(report)["actor"][1] > 0  # the small ledger's actors are updated, not duplicated
    undone = small.undo()
    assert undone.kind == "undo" and undone.label == f"undo: import {SAMPLE.name}"
    assert export_text(small, "yaml") == before
    small.redo()
    assert small.count_pledges() == 5 + 41


def test_files_given_together_are_one_import_and_refer_to_each_other(
    ledger: Ledger, tmp_path: Path
) -> None:
    actors = write(
        tmp_path,
        "actors.json",
        '{"format": "pledges/1", "actors": ['
        '{"code": "ITA", "name": "Italy", "kind": "state", "aliases": ["Italia"]}]}',
    )
    pledges = write(
        tmp_path, "pledges.csv", "key,title,pledger\nita-pilots,Pilot training,italia\n"
    )
    report = import_files(ledger, [actors, pledges])
    assert counts(report)["actor"] == (1, 0, 0) and counts(report)["pledge"] == (1, 0, 0)
    assert len(ledger.activity()) == 2 and {e.batch for e in ledger.activity()} == {
        report.batch.batch
    }
    assert ledger.pledge("ita-pilots").pledge.pledger == "ITA"


def test_references_resolve_against_the_ledger(small: Ledger, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "more.yaml",
        """format: pledges/1
pledges:
  - key: fra-training
    title: Training brigades
    pledger: FRA
    conditions: [ceasefire]
    sources: [paris-declaration]
    supersedes: fra-reassurance-force
""",
    )
    import_files(small, [path])
    assert small.pledge("fra-training").supersedes_chain[0].key == "fra-reassurance-force"


def test_a_cycle_through_the_ledger_is_refused(small: Ledger, tmp_path: Path) -> None:
    first = write(
        tmp_path,
        "first.yaml",
        "format: pledges/1\npledges:\n  - {key: fra-new, title: New, pledger: FRA, "
        "supersedes: gbr-troops}\n",
    )
    import_files(small, [first])
    again = write(
        tmp_path,
        "again.yaml",
        "format: pledges/1\npledges:\n  - {key: gbr-troops, title: UK troops, pledger: GBR, "
        "supersedes: fra-new}\n",
    )
    with pytest.raises(FixtureError) as caught:
        import_files(small, [again])
    assert "gbr-troops -> fra-new -> gbr-troops is a cycle" in str(caught.value.problems[0])


def test_a_cycle_deep_in_a_ledger_chain_is_found_with_one_read_of_the_chain(
    small: Ledger, tmp_path: Path
) -> None:
    links = 60
    rows = "".join(
        f"  - {{key: p{i}, title: Pledge {i}, pledger: FRA"
        + (f", supersedes: p{i - 1}" if i else "")
        + "}\n"
        for i in range(links)
    )
    import_files(small, [write(tmp_path, "chain.yaml", f"format: pledges/1\npledges:\n{rows}")])
    assert small.supersedes_closure([f"p{links - 1}"]) == {
        f"p{i}": (f"p{i - 1}" if i else None) for i in range(links)
    }
    # The file makes the oldest pledge of the chain replace a new one that replaces the newest.
    closing = write(
        tmp_path,
        "closing.yaml",
        "format: pledges/1\npledges:\n"
        f"  - {{key: p0, title: Pledge 0, pledger: FRA, supersedes: x}}\n"
        f"  - {{key: x, title: X, pledger: FRA, supersedes: p{links - 1}}}\n",
    )
    before = small.count_pledges()
    reads: list[list[str]] = []
    follow = small.supersedes_closure

    def counted(keys: list[str]) -> dict[str, str | None]:
        reads.append(list(keys))
        return follow(keys)

    small.supersedes_closure = counted  # type: ignore[method-assign]
    with pytest.raises(FixtureError) as caught:
        import_files(small, [closing])
    chain = " -> ".join(["p0", "x", *(f"p{i}" for i in range(links - 1, 0, -1)), "p0"])
    assert f"{chain} is a cycle" in str(caught.value.problems[0])
    assert reads == [[f"p{links - 1}"]]
    assert small.count_pledges() == before  # nothing written


def test_an_invalid_input_raises_with_every_problem_and_writes_nothing(
    small: Ledger, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "bad.yaml",
        """format: pledges/1
pledges:
  - {key: ok-one, title: Fine, pledger: FRA}
  - {key: bad-one, title: Bad date, pledger: FRA, due: 2025-02-30}
  - {key: bad-two, title: Bad actor, pledger: GRB}
""",
    )
    revision = small.revision()
    with pytest.raises(FixtureError) as caught:
        import_files(small, [path])
    assert [p.line for p in caught.value.problems] == [4, 5]
    assert str(caught.value) == "2 problems in the input; nothing was imported"
    assert small.revision() == revision
    assert "ok-one" not in small.matching_pledge_keys()


def test_yaml_scalars_are_read_as_the_text_written(ledger: Ledger, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "norway.yaml",
        """format: pledges/1
actors:
  - {code: "NO", name: Norway, kind: state, aliases: [NO, 010, "12:30", on, 1e3]}
pledges:
  - {key: no-1, title: 010, pledger: NO, beneficiary: ~, amount: 1_000, unit: NOK}
""",
    )
    import_files(ledger, [path])
    actor = ledger.actor("NO").actor
    assert actor.aliases == ["NO", "010", "12:30", "on", "1e3"]
    pledge = ledger.pledge("no-1").pledge
    assert (pledge.title, pledge.beneficiary, str(pledge.amount)) == ("010", None, "1000")


def test_text_is_cleaned_of_control_characters(ledger: Ledger, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "escapes.json",
        '{"format": "pledges/1", "actors": [{"code": "FRA", "name": "France\\u001b[31m", '
        '"kind": "state"}], "pledges": [{"key": "fra-x", "title": "A\\tB", "pledger": "FRA", '
        '"text": "line one\\r\\nline\\u0007 two"}]}',
    )
    import_files(ledger, [path])
    assert ledger.actor("FRA").actor.name == "France[31m"
    pledge = ledger.pledge("fra-x").pledge
    assert (pledge.title, pledge.text) == ("A B", "line one\nline two")


def test_a_large_import_is_searchable_and_so_is_what_comes_after(
    small: Ledger, tmp_path: Path
) -> None:
    from db import schemas
    from db.sqlite.bulk import BULK_ROWS

    rows = "".join(f"bulk-{i:05d},Demining brigade number {i},FRA\n" for i in range(BULK_ROWS))
    path = write(tmp_path, "bulk.csv", "key,title,pledger\n" + rows)
    import_files(small, [path])  # indexed in one statement after the insert
    assert small.count_pledges("demining") == BULK_ROWS
    assert small.count_pledges("brigade 999") == 1
    small.create(schemas.Pledge(key="later", title="Minesweeping later on", pledger="FRA"))
    assert small.count_pledges("minesweeping") == 1  # the insert trigger is back
    assert small.integrity() == "ok"
