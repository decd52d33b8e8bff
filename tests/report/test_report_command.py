"""``pledges report`` as a user runs it: the file it writes, the files it will not touch, and
one line on stderr for every mistake, with no file left behind."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import ROOT
from tests.support.cli_run import pledges


def test_it_writes_the_page_and_says_what_it_wrote(sample_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    done = pledges("report", "--db", str(sample_path), "pledger:GBR", "-o", str(target))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("wrote the report (")
    assert f"to {target}" in done.stdout
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>\n")
    assert 'id="chart-pledges"' in page
    assert target.stat().st_mode & 0o777 == 0o600  # a new file is its owner's, as exports are
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_it_reads_the_ledger_as_of_a_date_and_as_known_on_one(
    sample_path: Path, tmp_path: Path
) -> None:
    target = tmp_path / "then.html"
    done = pledges(
        "report", "--db", str(sample_path), "--as-of", "2025-03-27", "--known-on", "2026-01-01",
        "-o", str(target),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "The ledger as of 2025-03-27, as recorded on 2026-01-01." in target.read_text()


def test_an_existing_file_is_kept_unless_forced(sample_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_text("mine")
    refused = pledges("report", "--db", str(sample_path), "-o", str(target))
    assert refused.returncode == 1
    assert refused.stderr == f"pledges: {target} already exists; add --force to overwrite it\n"
    assert target.read_text() == "mine"
    forced = pledges("report", "--db", str(sample_path), "-o", str(target), "--force")
    assert forced.returncode == 0, forced.stderr
    assert target.read_text().startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (["status:"], "pledges: bad query: "),
        (["--as-of", "2025-13"], "pledges: --as-of: "),
        (["--known-on", "3000-01-01"], "pledges: --known-on: "),
        (["--rows", "-1"], "Invalid value for '--rows'"),
    ],
)
def test_bad_input_is_refused_before_any_file_is_made(
    sample_path: Path, tmp_path: Path, words: list[str], message: str
) -> None:
    target = tmp_path / "report.html"
    done = pledges("report", "--db", str(sample_path), *words, "-o", str(target))
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert not target.exists()


def test_a_folder_that_is_not_there_is_one_line(sample_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "report.html"
    done = pledges("report", "--db", str(sample_path), "-o", str(target))
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "does not exist" in done.stderr
    assert not target.parent.exists()


def test_a_folder_it_may_not_write_is_one_line_and_no_file(
    sample_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        done = pledges(
            "report", "--db", str(sample_path), "-o", str(folder / "r.html"), unprivileged=True
        )
    finally:
        folder.chmod(0o755)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "Permission denied" in done.stderr, done.stderr
    assert list(folder.iterdir()) == []


def test_no_ledger_there_is_one_line(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    done = pledges("report", "--db", str(tmp_path / "none.sqlite"), "-o", str(target))
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "no ledger" in done.stderr
    assert not target.exists()


def test_an_output_is_required(sample_path: Path) -> None:
    done = pledges("report", "--db", str(sample_path))
    assert done.returncode == 2
    assert "Missing option '-o'" in done.stderr


def test_dash_writes_the_page_to_stdout_and_the_message_to_stderr(sample_path: Path) -> None:
    done = pledges("report", "--db", str(sample_path), "--rows", "3", "-o", "-")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("<!DOCTYPE html>")
    assert done.stderr.startswith("wrote the report (")


def test_without_matplotlib_it_says_what_to_install(sample_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    code = (
        "import sys; sys.modules['matplotlib'] = None\n"
        "from tui.cli import main\n"
        f"main(['report', '--db', {str(sample_path)!r}, '-o', {str(target)!r}])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1
    assert done.stderr == (
        "pledges: drawing the report's charts needs matplotlib: pip install 'pledges[report]'\n"
    )
    assert not target.exists()


def test_the_help_names_the_extra() -> None:
    done = pledges("report", "--help")
    assert done.returncode == 0
    assert "pip install 'pledges[report]'" in done.stdout
    assert "--as-of" in done.stdout and "--known-on" in done.stdout and "--force" in done.stdout
