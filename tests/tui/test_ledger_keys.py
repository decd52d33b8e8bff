"""Deleting, undo and redo (across a restart), import and export from the UI, and citations."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Checkbox, Input, Static

import fixtures
from db.ledger import Ledger
from tests.support.form_helpers import notifications, until_screen
from tests.support.tui import make_app, pledge_table, settle, wait_for
from tui.editing.delete import DeleteDialog
from tui.editing.dialogs import CitationDialog, ConfirmDialog, MessageDialog
from tui.editing.import_export import ExportDialog, ImportDialog
from tui.screens.lists import RecordsView
from tui.screens.pledges import PledgesView
from tui.screens.records import RecordScreen
from tui.widgets.list_table import ListTable


def screen_statics(app) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(str(w.visual) for w in app.screen.query(Static))


async def put_cursor_on(pilot, key: str) -> None:  # type: ignore[no-untyped-def]
    table = pledge_table(pilot.app)
    index = next(i for i in range(table.row_count) if table.row_at(i).key == key)
    table.move_cursor(index)
    await pilot.pause()


async def test_a_referenced_record_is_not_deleted_and_its_referrers_are_listed(
    browser: Ledger,
) -> None:
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        view = app.screen
        assert isinstance(view, RecordsView)
        view.select("actor", "GBR")
        await pilot.press("d")
        await until_screen(pilot, DeleteDialog)
        await wait_for(pilot, lambda: "United Kingdom" in screen_statics(app))
        assert "Delete actor GBR?" in screen_statics(app)
        await pilot.press("y")
        await until_screen(pilot, MessageDialog)
        text = screen_statics(app)
        assert "GBR is still referenced by" in text and "nothing was deleted" in text
        for referrer in ("gbr-troops", "gbr-missiles", "COW", "commons-vote"):
            assert referrer in text
        assert browser.actor("GBR").actor.name == "United Kingdom"


async def test_deleting_asks_first_and_undo_brings_it_back(browser: Ledger) -> None:
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await put_cursor_on(pilot, "gbr-missiles")
        await pilot.press("d")
        await until_screen(pilot, DeleteDialog)
        await pilot.press("n")  # no: nothing happens
        await until_screen(pilot, PledgesView)
        assert browser.pledge_rows(["gbr-missiles"])
        await pilot.press("d")
        await until_screen(pilot, DeleteDialog)
        await wait_for(pilot, lambda: "air-defence missiles" in screen_statics(app))
        await pilot.press("y")
        await until_screen(pilot, PledgesView)
        assert any("Deleted pledge gbr-missiles" in n for n in notifications(app))
        assert not browser.pledge_rows(["gbr-missiles"])
        await pilot.press("u")
        await wait_for(
            pilot,
            lambda: any(
                n.startswith("Undone: delete pledge gbr-missiles") for n in notifications(app)
            ),
        )
        assert browser.pledge("gbr-missiles").pledge.amount is not None


async def test_undo_and_redo_work_after_a_restart(browser: Ledger, ledger_path: Path) -> None:
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        app.open_record("pledge", "usa-air-support")
        await until_screen(pilot, RecordScreen)
        from tests.support.form_helpers import fill

        await pilot.press("e")
        from tui.editing.form import RecordForm

        await until_screen(pilot, RecordForm)
        await fill(pilot, "title", "Air support, restated")
        await pilot.press("ctrl+s")
        await until_screen(pilot, RecordScreen)
    assert browser.pledge("usa-air-support").pledge.title == "Air support, restated"
    # A new app on the same file, as after quitting and starting pledges again.
    reopened = Ledger.open(ledger_path, author="tester", create=False)
    try:
        app = make_app(reopened, poll_seconds=0)
        async with app.run_test(size=(100, 30), notifications=True) as pilot:
            await settle(pilot)
            await pilot.press("u")
            await wait_for(pilot, lambda: any(n.startswith("Undone:") for n in notifications(app)))
            undone = next(n for n in notifications(app) if n.startswith("Undone:"))
            assert undone.splitlines() == [
                "Undone: edit pledge usa-air-support (ctrl+r redoes it).",
                "pledge 'usa-air-support': title is now 'Air support is an option'.",
            ]
            assert reopened.pledge("usa-air-support").pledge.title == "Air support is an option"
            await pilot.press("ctrl+r")
            await wait_for(pilot, lambda: any(n.startswith("Redone:") for n in notifications(app)))
            redone = next(n for n in notifications(app) if n.startswith("Redone:"))
            assert redone.startswith("Redone: edit pledge usa-air-support (u undoes it again).")
            assert "title is now 'Air support, restated'" in redone
            assert reopened.pledge("usa-air-support").pledge.title == "Air support, restated"
    finally:
        reopened.close()


async def test_importing_a_valid_file_shows_the_dry_run_then_imports(
    ledger: Ledger, tmp_path: Path
) -> None:
    app = make_app(ledger, poll_seconds=0)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await until_screen(pilot, ImportDialog)
        path_input = app.screen.query_one("#import-path", Input)
        path_input.value = str(fixtures.path())
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Dry run" in screen_statics(app))
        counts = str(app.screen.query_one("#import-counts", Static).visual)
        pledges_line = next(li for li in counts.splitlines() if li.startswith("pledges"))
        added = int(pledges_line.split()[1].replace(",", ""))
        assert added > 20
        assert ledger.count_pledges() == 0  # a dry run writes nothing
        await pilot.press("ctrl+s")
        await until_screen(pilot, PledgesView)
        assert any(
            n.startswith("Imported coalition-of-the-willing.yaml") for n in notifications(app)
        )
        assert ledger.count_pledges() == added
        table = pledge_table(app)
        await wait_for(pilot, lambda: table.row_count == added)


async def test_importing_an_invalid_file_lists_every_problem_and_changes_nothing(
    browser: Ledger, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "format: pledges/1\n"
        "pledges:\n"
        "  - key: new-one\n"
        "    title: Fine\n"
        "    pledger: FRX\n"
        "    announced: 2025-13\n",
        encoding="utf-8",
    )
    before = browser.revision()
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await until_screen(pilot, ImportDialog)
        # The path is completed as it is typed: "ba" in the directory offers "bad.yaml".
        path_input = app.screen.query_one("#import-path", Input)
        path_input.value = str(tmp_path / "ba")
        await wait_for(pilot, lambda: path_input._suggestion == str(bad))
        await pilot.press("right", "enter")
        table = app.screen.query_one(ListTable)
        await wait_for(pilot, lambda: table.display and table.rows)
        places = [row.cells[0][0] for row in table.rows]
        messages = " | ".join(row.cells[2][0] for row in table.rows)
        assert places == ["bad.yaml:5", "bad.yaml:6"]
        # The highlighted problem in full, under the table: file, line, record, field, message.
        detail = str(app.screen.query_one("#problem-detail", Static).visual)
        assert detail.startswith(f"{bad}:5 pledges[0] (new-one).pledger:")
        assert "FRX" in messages and "month 13 does not exist" in messages
        assert "nothing was imported and the ledger is unchanged" in screen_statics(app)
        await pilot.press("ctrl+s")  # a file with problems is never imported
        await settle(pilot)
    assert browser.revision() == before  # nothing was written


async def test_exporting_the_current_filter_to_a_file_asks_before_replacing(
    browser: Ledger, tmp_path: Path
) -> None:
    target = tmp_path / "committed.csv"
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(pilot)
        app.screen.filter_line.set_text("status:committed")
        await settle(pilot)
        await pilot.press("x")
        await until_screen(pilot, ExportDialog)
        dialog = app.screen
        assert dialog.query_one(Checkbox).value  # limited to the filter by default
        await pilot.press("down", "down")  # YAML -> JSON -> CSV
        await pilot.press("space")
        await pilot.pause()
        assert dialog.format == "csv"
        dialog.query_one("#export-path", Input).value = str(target)
        await pilot.press("ctrl+s")
        await until_screen(pilot, PledgesView)
        count = browser.count_pledges("status:committed")
        assert any(
            f"Exported {count} pledges (filter: status:committed)" in n for n in notifications(app)
        )
        assert target.read_text(encoding="utf-8").count("\n") == count + 1
        # Again, to the same file: the dialog asks, and n keeps the file.
        target.write_text("keep me", encoding="utf-8")
        await pilot.press("x")
        await until_screen(pilot, ExportDialog)
        app.screen.query_one("#export-path", Input).value = str(target)
        await pilot.press("ctrl+s")
        await until_screen(pilot, ConfirmDialog)
        await pilot.press("n")
        await until_screen(pilot, ExportDialog)
        assert target.read_text(encoding="utf-8") == "keep me"
        await pilot.press("ctrl+s")
        await until_screen(pilot, ConfirmDialog)
        await pilot.press("y")
        await until_screen(pilot, PledgesView)
        assert target.read_text(encoding="utf-8").startswith("format: pledges/1")


async def test_y_copies_a_citation_and_y_again_shows_it(browser: Ledger) -> None:
    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(pilot)
        await put_cursor_on(pilot, "fra-reassurance-force")
        await pilot.press("y")
        await wait_for(pilot, lambda: app.clipboard)
        expected = browser.citation("pledge", "fra-reassurance-force")
        assert app.clipboard == expected
        assert expected.startswith('Pledge fra-reassurance-force: "Deploy a reassurance force')
        assert 'Source: "Elysee: guarantees ready"' in expected
        assert any(
            "Copied the citation of pledge fra-reassurance-force" in n and "press y again" in n
            for n in notifications(app)
        )
        await pilot.press("y")
        await until_screen(pilot, CitationDialog)
        from textual.widgets import TextArea

        assert app.screen.query_one(TextArea).text == expected
        await pilot.press("escape")
        await until_screen(pilot, PledgesView)
        # Actors have no citation: the key says so rather than copying something else.
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("y")
        await pilot.pause()
        assert any("citations are for pledges and conditions" in n for n in notifications(app))


async def test_every_binding_of_the_editing_windows_is_registered_by_name(browser: Ledger) -> None:
    """Ours come from tui.keys; the rest are Textual's own (an input's cursor keys, say)."""
    from tui import keys
    from tui.editing.form import RecordForm
    from tui.editing.pickers import Picker
    from tui.editing.status import StatusDialog

    def declared_by_textual(node: object, binding: object) -> bool:
        return any(
            cls.__module__.startswith("textual.") and binding in cls.__dict__.get("BINDINGS", [])
            for cls in type(node).__mro__
        ) or any(
            cls.__module__.startswith("textual.")
            and any(
                getattr(b, "action", None) == binding.action  # type: ignore[attr-defined]
                for b in cls.__dict__.get("BINDINGS", [])
            )
            for cls in type(node).__mro__
        )

    app = make_app(browser, poll_seconds=0)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        windows = [
            RecordForm("pledge"),
            Picker("choose", []),
            StatusDialog("pledge", "gbr-troops"),
            DeleteDialog("pledge", "gbr-troops"),
            ImportDialog(),
            ExportDialog(),
        ]
        for window in windows:
            app.push_screen(window)
            await settle(pilot)
            for key, active in app.screen.active_bindings.items():
                binding = active.binding
                if binding.id in keys.BY_NAME:
                    assert binding.description and keys.help_text(keys.BY_NAME[binding.id])
                else:
                    assert declared_by_textual(active.node, binding), (type(window), key)
            app.pop_screen()
            await pilot.pause()
