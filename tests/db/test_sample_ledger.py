"""The bundled sample ledger: it imports cleanly, keeps its researched content, and ships in
the wheel, from which it imports too."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import fixtures
from db.interchange import import_files, read_file
from db.ledger import Ledger
from tests.support import ROOT

SOURCES = ("pyproject.toml", "README.md", "db", "tui", "fixtures")


def test_the_sample_reads_without_a_problem() -> None:
    file = read_file(fixtures.path())
    assert file.problems == []
    assert fixtures.names() == ["coalition-of-the-willing.yaml"]


def test_the_sample_holds_the_researched_ledger(ledger: Ledger) -> None:
    import_files(ledger, [fixtures.path()])
    assert len(ledger.conditions()) == 8
    assert len(ledger.actors()) >= 20 and len(ledger.sources()) == 60
    assert ledger.count_pledges() >= 25
    backstop = ledger.condition("us-backstop")
    assert backstop.condition.status == "partially_met"
    assert ledger.status_as_of("condition", "us-backstop", "2025-12-31") == "pending"
    assert ledger.status_as_of("pledge", "gbr-uk-troops-on-ground-2025-02", "2025-06") == (
        "announced"
    )
    assert ledger.status_as_of("pledge", "gbr-uk-troops-on-ground-2025-02", "2026-01-06") == (
        "superseded"
    )
    # Every history entry carries its evidence, and every cited source is in the file.
    for record_type in ("pledge", "condition"):
        for record in ledger.records(record_type):
            for step in getattr(record, "history", []):
                assert step.note or step.source


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
    assert run.stdout.strip() == "45"
