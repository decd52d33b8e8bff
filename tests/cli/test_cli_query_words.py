"""Negated query terms on the command line: ``-status:committed`` is a query word wherever it
stands, not an option Click does not know; after ``--`` an option is refused, not searched for."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from db.ledger import Ledger
from tests.support.cli_run import pledges

NOT_COMMITTED = ["deu-neighbouring-territory", "gbr-missiles", "usa-air-support"]


def keys(stdout: str) -> list[str]:
    return [line.split()[0] for line in stdout.splitlines()[1:]]


@pytest.mark.parametrize(
    "args",
    [
        ("-status:committed", "--json"),
        ("--json", "-status:committed"),
        ("--json", "--", "-status:committed"),
        ("--json", "-status:committed", "--sort", "key"),
        ("--sort=key", "-status:committed", "--json"),
    ],
)
def test_a_negated_term_needs_no_double_dash(small: Ledger, args: tuple[str, ...]) -> None:
    result = pledges("list", "--db", str(small.path), *args)
    assert result.returncode == 0, result.stderr
    assert [d["key"] for d in json.loads(result.stdout)] == NOT_COMMITTED


def test_options_and_negated_words_mix_in_any_order(small: Ledger) -> None:
    result = pledges(
        "list", "-status:committed", "--limit", "2", "--db", str(small.path), "-pledger:USA"
    )
    assert result.returncode == 0, result.stderr
    assert keys(result.stdout) == ["deu-neighbouring-territory", "gbr-missiles"]
    # A negated free word, too.
    result = pledges("list", "--db", str(small.path), "-missiles", "-status:committed")
    assert keys(result.stdout) == ["deu-neighbouring-territory", "usa-air-support"]


@pytest.mark.parametrize("option", ["--json", "--limit", "--limit=2", "--db"])
def test_an_option_after_double_dash_is_refused_not_searched(small: Ledger, option: str) -> None:
    result = pledges("list", "--db", str(small.path), "--", "-status:committed", option, "2")
    assert result.returncode == 2
    assert result.stdout == ""
    assert f"{option} comes after --, where every word is part of the query" in result.stderr
    assert "put options before --" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_negated_term_with_two_dashes_says_it_takes_one(small: Ledger) -> None:
    result = pledges("list", "--db", str(small.path), "--status:committed")
    assert result.returncode == 2
    assert "a negated query term takes one dash: -status:committed" in result.stderr


def test_a_mistyped_option_is_still_an_error_with_a_suggestion(small: Ledger) -> None:
    result = pledges("list", "--db", str(small.path), "--limt", "2")
    assert result.returncode == 2
    assert "No such option '--limt'" in result.stderr and "--limit" in result.stderr


def test_export_takes_negated_terms_without_double_dash(small: Ledger, tmp_path: Path) -> None:
    target = tmp_path / "open.csv"
    result = pledges("export", "--db", str(small.path), "-o", str(target), "-status:committed")
    assert result.returncode == 0, result.stderr
    rows = target.read_text(encoding="utf-8").splitlines()[1:]
    assert sorted(row.split(",")[0] for row in rows) == NOT_COMMITTED
    refused = pledges("export", "--db", str(small.path), "--", "-status:committed", "-o", "x.csv")
    assert refused.returncode == 2 and "-o comes after --" in refused.stderr
    assert not (tmp_path / "x.csv").exists()


def test_the_help_examples_say_what_they_do(small: Ledger) -> None:
    for command in ("list", "export"):
        helped = pledges(command, "--help")
        assert "-status:withdrawn" in helped.stdout
        assert "-- -status" not in helped.stdout
