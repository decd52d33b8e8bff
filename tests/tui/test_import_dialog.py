"""The import dialog: enter checks from every field, what was typed is kept for the session,
columns are skipped and mapped in the dialog's own words, the dry run lists the fields each
record would change; and the export message counts the pledges a document carries besides."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from db.ledger import Ledger
from tests.support.form_helpers import notifications, until_screen
from tests.support.tui import make_app, settle, wait_for
from tui.editing.import_export import ExportDialog, ImportDialog
from tui.screens.pledges import PledgesView
from tui.widgets.list_table import ListTable


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def state(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#transfer-state", Static).visual)


def cells(app, table_id: str) -> list[tuple[str, ...]]:  # type: ignore[no-untyped-def]
    table = app.screen.query_one(table_id, ListTable)
    return [tuple(text for text, _ in row.cells) for row in table.rows]


async def test_enter_in_the_csv_columns_field_checks_the_files(
    browser: Ledger, tmp_path: Path
) -> None:
    path = write(tmp_path, "donors.csv", "key,title,donor\nnew-one,New,FRA\n")
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await until_screen(pilot, ImportDialog)
        app.screen.query_one("#import-path", Input).value = str(path)
        await pilot.press("tab")
        assert app.focused is not None and app.focused.id == "import-mapping"
        await pilot.press(*"pledger=donor", "enter")
        await wait_for(pilot, lambda: "Dry run" in state(app))
        assert app.focused.id == "import-mapping"  # checked, and stayed


async def test_reopening_the_dialog_keeps_the_files_the_mapping_and_the_skipped_columns(
    browser: Ledger, tmp_path: Path
) -> None:
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await until_screen(pilot, ImportDialog)
        typed = {"#import-path": "/nowhere/a.csv", "#import-mapping": "pledger=donor"}
        typed["#import-skip"] = "remarks"
        for selector, text in typed.items():
            app.screen.query_one(selector, Input).value = text
        await pilot.pause()
        await pilot.press("escape")
        await until_screen(pilot, PledgesView)
        await pilot.press("i")
        await until_screen(pilot, ImportDialog)
        assert {s: app.screen.query_one(s, Input).value for s in typed} == typed


async def test_problems_say_what_to_type_in_the_dialog_and_skip_columns_skips_them(
    browser: Ledger, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "stages.csv",
        "key,title,pledger,stage\nfra-reassurance-force,Reassurance force,FRA,x\n",
    )
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await until_screen(pilot, ImportDialog)
        app.screen.query_one("#import-path", Input).value = str(path)
        await pilot.press("enter")
        table = app.screen.query_one("#import-problems", ListTable)
        await wait_for(pilot, lambda: table.display and table.rows)
        detail = str(app.screen.query_one("#problem-detail", Static).visual)
        assert "--map" not in detail and "--ignore" not in detail
        assert (
            "map it to a field (type status=stage in CSV columns) or skip it (type stage in Skip "
            "columns)" in detail
        )
        # The list of fields comes once, after the columns it is about.
        assert [
            row[2].count("the pledge fields are") for row in cells(app, "#import-problems")
        ] == [
            0,
            1,
        ]
        app.screen.query_one("#import-skip", Input).value = "stage"
        app.screen.query_one("#import-skip", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Dry run" in state(app))
        assert not table.display


async def test_a_wrong_mapping_is_said_in_the_dialogs_words(
    browser: Ledger, tmp_path: Path
) -> None:
    path = write(tmp_path, "a.csv", "key,title,pledger\nx,X,FRA\n")
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await until_screen(pilot, ImportDialog)
        app.screen.query_one("#import-path", Input).value = str(path)
        app.screen.query_one("#import-mapping", Input).value = "pledger"
        app.screen.query_one("#import-skip", Input).value = "title"
        await pilot.press("enter")
        await wait_for(pilot, lambda: "CSV columns" in state(app))
        assert state(app) == (
            "CSV columns: each takes FIELD=COLUMN (such as pledger=donor), not 'pledger'"
        )
        app.screen.query_one("#import-mapping", Input).value = "title=title"
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Skip columns" in state(app))
        assert state(app) == (
            "Skip columns: title: that column is also mapped (CSV columns: title=title); keep "
            "one of the two"
        )


async def test_the_dry_run_lists_the_fields_each_record_would_change_then_imports(
    browser: Ledger, tmp_path: Path
) -> None:
    # hostile-escape's title holds escape sequences (written by another tool).
    path = write(
        tmp_path,
        "partial.csv",
        "key,title,pledger,beneficiary\n"
        "fra-reassurance-force,[b]Reassurance[/b] force,FRA,\n"
        "hostile-escape,Plain now,USA,\n",
    )
    before = browser.pledge("fra-reassurance-force").pledge
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await until_screen(pilot, ImportDialog)
        app.screen.query_one("#import-path", Input).value = str(path)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Dry run" in state(app))
        rows = cells(app, "#import-changes")
        assert rows[:2] == [
            (
                "pledge fra-reassurance-force",
                "title",
                "Deploy a reassurance force after a ceasefire -> [b]Reassurance[/b] force",
            ),
            ("pledge fra-reassurance-force", "beneficiary", "UKR -> (none)"),
        ]
        hostile = rows[2]
        assert hostile[:2] == ("pledge hostile-escape", "title")
        assert "\x1b" not in hostile[2] and "\u241b" in hostile[2]  # ESC shown as a symbol
        counts = str(app.screen.query_one("#import-counts", Static).visual)
        assert "keep the fields the file does not give" in counts
        assert browser.pledge("fra-reassurance-force").pledge == before  # nothing written yet
        await pilot.press("ctrl+s")
        await until_screen(pilot, PledgesView)
        assert any(
            "Changed: pledge fra-reassurance-force (title, beneficiary); pledge hostile-escape "
            "(title)" in n
            for n in notifications(app)
        )
    after = browser.pledge("fra-reassurance-force").pledge
    assert (after.title, after.beneficiary, after.tags) == (
        "[b]Reassurance[/b] force",
        None,
        before.tags,
    )


async def test_the_export_message_counts_the_superseded_pledges_a_document_carries(
    browser: Ledger, tmp_path: Path
) -> None:
    target = tmp_path / "restated.yaml"
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(pilot)
        app.screen.filter_line.set_text("key:fra-reassurance-force-v2")
        await settle(pilot)
        await pilot.press("x")
        await until_screen(pilot, ExportDialog)
        app.screen.query_one("#export-path", Input).value = str(target)
        await pilot.press("ctrl+s")
        await until_screen(pilot, PledgesView)
        assert any(
            n.startswith(
                "Exported 2 pledges: the 1 listed and 1 they supersede "
                "(filter: key:fra-reassurance-force-v2) to "
            )
            for n in notifications(app)
        )
