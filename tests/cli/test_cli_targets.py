"""Where the commands that write a file put it, and what they say: a missing folder is refused
by every one of them (never made: it is as likely a typo), and what a command did is reported
on stdout, errors on stderr."""

from __future__ import annotations

from pathlib import Path

import pytest

from db.errors import FileTargetError
from db.ledger import Ledger
from tests.support.cli_run import pledges

WRITERS = [
    ("export", "-o"),
    ("backup",),
]


def write(small: Ledger, command: tuple[str, ...], target: Path | str) -> tuple[int, str, str]:
    result = pledges(*command, str(target), "--db", str(small.path))
    return result.returncode, result.stdout, result.stderr


@pytest.mark.parametrize("command", WRITERS)
def test_a_missing_folder_is_refused_not_made(
    small: Ledger, tmp_path: Path, command: tuple[str, ...]
) -> None:
    target = tmp_path / "typo" / "ledger.yaml"
    code, out, err = write(small, command, target)
    assert (code, out) == (1, "")
    assert err == (
        f"pledges: cannot write {target}: the folder {target.parent} does not exist; "
        "make it first, or give another path\n"
    )
    assert not target.parent.exists()


@pytest.mark.parametrize("command", WRITERS)
def test_a_file_where_the_folder_should_be_is_refused(
    small: Ledger, tmp_path: Path, command: tuple[str, ...]
) -> None:
    (tmp_path / "notes").write_text("mine")
    target = tmp_path / "notes" / "ledger.yaml"
    code, _, err = write(small, command, target)
    assert code == 1
    assert f"cannot write {target}: {tmp_path / 'notes'} is not a folder" in err
    assert (tmp_path / "notes").read_text() == "mine"


def test_a_backup_into_a_folder_that_does_not_exist_is_not_a_file_named_like_it(
    small: Ledger, tmp_path: Path
) -> None:
    code, _, err = write(small, ("backup",), f"{tmp_path / 'backups'}/")
    assert code == 1
    assert f"the folder {tmp_path / 'backups'} does not exist" in err
    assert not (tmp_path / "backups").exists()  # neither a folder nor a file named so
    (tmp_path / "backups").mkdir()
    code, out, err = write(small, ("backup",), f"{tmp_path / 'backups'}/")
    assert (code, err) == (0, "")
    assert (tmp_path / "backups" / "ledger.sqlite").is_file()
    assert out == f"backed up {small.path} to {tmp_path / 'backups' / 'ledger.sqlite'}\n"


@pytest.mark.parametrize(
    ("command", "name", "report"),
    [
        (("export", "-o"), "ledger.yaml", "exported 5 pledges to {target}\n"),
        (("backup",), "copy.sqlite", "backed up {ledger} to {target}\n"),
    ],
)
def test_what_was_written_is_reported_on_stdout(
    small: Ledger, tmp_path: Path, command: tuple[str, ...], name: str, report: str
) -> None:
    target = tmp_path / name
    code, out, err = write(small, command, target)
    assert (code, err) == (0, "")
    assert out == report.format(target=target, ledger=small.path)
    assert target.is_file()


def test_the_ledger_api_refuses_a_missing_folder_too(small: Ledger, tmp_path: Path) -> None:
    with pytest.raises(FileTargetError, match="does not exist") as raised:
        small.backup(tmp_path / "nowhere" / "copy.sqlite")
    assert raised.value.no_folder and not raised.value.exists
    assert not (tmp_path / "nowhere").exists()
