"""Starting the browser: the CLI, the empty ledger, the sample, and ledgers that cannot open."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from db import schemas
from db.ledger import Ledger
from tests.support.tui import make_app, pledge_table, screen_text, settle, wait_for
from tui.cli import main
from tui.demo import build_demo_ledger


def test_a_file_that_is_not_a_ledger_is_one_line_on_stderr(tmp_path: Path) -> None:
    bad = tmp_path / "notes.sqlite"
    bad.write_text("these are my notes, not a ledger\n")
    result = CliRunner().invoke(main, ["--db", str(bad)])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"pledges: {bad} is not a pledges ledger (it is not a SQLite database); nothing was changed"
    ]
    assert "Traceback" not in result.output
    assert bad.read_text() == "these are my notes, not a ledger\n"


def test_a_ledger_that_cannot_be_created_is_one_line_on_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Asked, the analyst wants a new ledger at a new path; under a plain file it cannot be.
    monkeypatch.setattr("tui.cli._can_ask", lambda: True)
    (tmp_path / "a-file").write_text("not a directory")
    result = CliRunner().invoke(
        main, ["--db", str(tmp_path / "a-file" / "ledger.sqlite")], input="y\n"
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("pledges: cannot create the ledger ")
    assert len(result.stderr.strip().splitlines()) == 1


def test_demo_and_db_together_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--demo", "--db", str(tmp_path / "x.sqlite")])
    assert result.exit_code == 2
    assert "either --demo or --db" in result.stderr


def test_help_and_version_do_not_load_the_ui_or_the_database() -> None:
    code = (
        "import sys; from tui.cli import main\n"
        "print(any(m.split('.')[0] in ('textual', 'sqlalchemy') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_demo_ledger_holds_the_sample(tmp_path: Path) -> None:
    with build_demo_ledger(tmp_path / "demo.sqlite") as ledger:
        assert ledger.count_pledges() >= 25
        assert ledger.count_pledges("is:conditional") > 0
        assert ledger.pledge("gbr-ukef-air-defence-missiles-2025-03").pledge.history
        assert [e.batch_kind for e in ledger.activity(limit=1)] == ["import"]


async def test_the_sample_opens_in_the_browser(tmp_path: Path) -> None:
    with build_demo_ledger(tmp_path / "demo.sqlite") as ledger:
        app = make_app(ledger)
        async with app.run_test(size=(120, 30), notifications=True) as pilot:
            await settle(pilot)
            assert f"{ledger.count_pledges()} pledges" in screen_text(app)


async def test_an_empty_ledger_welcomes_and_says_how_to_import(ledger: Ledger) -> None:
    app = make_app(ledger)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        shown = screen_text(app)
        assert "This ledger is empty." in shown
        assert "pledges import FILE" in shown
        assert "pledges --demo" in shown
        assert not pledge_table(app).display
        assert "slash" not in app.screen.active_bindings  # nothing to filter yet


async def test_the_welcome_turns_into_the_table_when_pledges_arrive(
    ledger: Ledger, second: Ledger
) -> None:
    app = make_app(ledger, poll_seconds=0.1)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        assert "This ledger is empty." in screen_text(app)
        second.save_records(
            [
                schemas.Actor(code="FRA", name="France", kind="state"),
                schemas.Pledge(key="first-pledge", title="The first pledge [/]", pledger="FRA"),
            ],
            label="import by a colleague",
        )
        await wait_for(pilot, lambda: pledge_table(app).display)
        await settle(pilot)
        shown = screen_text(app)
        assert "The first pledge [/]" in shown and "This ledger is empty." not in shown
        assert "slash" in app.screen.active_bindings


async def test_rows_read_before_the_ui_are_shown_without_reading_again(browser: Ledger) -> None:
    from tui.app import PledgesApp
    from tui.startup_rows import FirstListing

    first = FirstListing(browser)
    app = PledgesApp(browser, poll_seconds=0, first_listing=first)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(pilot)
        table = pledge_table(app)
        assert not [w for w in app.workers if w.group == "pledge-listing"]
        assert table.row_count == browser.count_pledges()
        assert table.cursor_row is not None
        assert table.cursor_row.key == browser.pledge_page(limit=1).rows[0].key
        assert f"{browser.count_pledges()} pledges" in screen_text(app)
        assert first.take() is None  # once only


async def test_a_change_after_the_early_read_is_picked_up_by_the_first_poll(
    browser: Ledger, second: Ledger
) -> None:
    from tui.app import PledgesApp
    from tui.startup_rows import FirstListing

    first = FirstListing(browser)
    assert first.take(timeout=10) is not None  # read, before the colleague's change
    first._taken = False  # as if the app had not asked yet
    second.save_records(
        [schemas.Pledge(key="aaa-late-pledge", title="Arrived during start-up [/]", pledger="FRA")],
        label="a colleague's import",
    )
    app = PledgesApp(browser, poll_seconds=0.1, first_listing=first)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await wait_for(pilot, lambda: "aaa-late-pledge" in screen_text(app))
        assert pledge_table(app).row_count == browser.count_pledges()


async def test_the_cli_app_leaves_its_first_screen_out_of_full_collections(
    browser: Ledger,
) -> None:
    import gc

    from tui.app import PledgesApp

    app = PledgesApp(browser, poll_seconds=0, freeze_gc=True)
    gc.disable()  # as the CLI starts it
    try:
        async with app.run_test(size=(120, 30), notifications=True) as pilot:
            await settle(pilot)
            await wait_for(pilot, lambda: gc.get_freeze_count() > 0)
            assert gc.isenabled()  # on again once the first screen is painted
            table = pledge_table(app)
            assert table.row_count == browser.count_pledges()
            assert not any(table is o for o in gc.get_objects())  # frozen: not scanned
    finally:
        gc.unfreeze()
        gc.enable()


def test_a_ledger_that_cannot_open_leaves_collection_on(tmp_path: Path) -> None:
    import gc

    bad = tmp_path / "notes.sqlite"
    bad.write_text("not a ledger\n")
    result = CliRunner().invoke(main, ["--db", str(bad)])
    assert result.exit_code != 0
    assert gc.isenabled()
