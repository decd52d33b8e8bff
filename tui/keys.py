"""Every key binding of the UI, registered once by name with a description.

Widgets and screens take their ``BINDINGS`` from here (:func:`bindings`), the help screen lists
this registry, and the command palette offers the same actions by their descriptions. A binding's
``id`` is its name, so a keymap (``App.set_keymap({"table.sort-next": "s"})``) can move it.

Editing adds ``n``, ``e``, ``d``, ``s``, ``y`` (scope ``edit``: the views and record screens),
``u``, ``ctrl+r``, ``i``, ``x`` (scope ``app``), and the keys of forms, pickers and dialogs.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from textual.binding import Binding, BindingType


@dataclass(frozen=True, slots=True)
class Key:
    name: str
    keys: str
    action: str
    #: A word or two for the footer.
    description: str
    scope: str
    #: The sentence the help screen and the command palette show.
    help: str = ""
    show: bool = False
    display: str | None = None
    #: Shown together with the neighbouring keys of the same group in the footer.
    group: str | None = None
    priority: bool = False


#: Where a key works, in the order the help screen lists them.
SCOPES: dict[str, str] = {
    "app": "Everywhere",
    "view": "Views (Pledges, Conditions, Actors, Sources, History)",
    "table": "Tables",
    "filter": "The filter line",
    "facets": "The facet sidebar",
    "record": "Record screens",
    "edit": "Editing (in the views and on record screens)",
    "form": "Forms and dialogs",
    "picker": "Pickers (choosing from a list)",
    "dashboard": "The Dashboard",
    "help": "This help",
}

_VIEWS = Binding.Group("Views", compact=True)
_MOVE = Binding.Group("Move", compact=True)
_EDIT = Binding.Group("Edit")
_GROUPS = {"views": _VIEWS, "move": _MOVE, "edit": _EDIT}

KEYS: tuple[Key, ...] = (
    Key("app.quit", "q,ctrl+q", "app.quit", "Quit", "app", "Quit pledges", show=True, display="q"),
    Key(
        "app.help",
        "question_mark",
        "app.help",
        "Help",
        "app",
        "Help: every key, the filter language and the vocabularies",
        show=True,
        display="?",
    ),
    Key(
        "app.view-pledges",
        "1",
        "app.show_view('pledges')",
        "Pledges",
        "app",
        "Go to the Pledges view",
        show=True,
        group="views",
    ),
    Key(
        "app.view-conditions",
        "2",
        "app.show_view('conditions')",
        "Conditions",
        "app",
        "Go to the Conditions view",
        show=True,
        group="views",
    ),
    Key(
        "app.view-actors",
        "3",
        "app.show_view('actors')",
        "Actors",
        "app",
        "Go to the Actors view",
        show=True,
        group="views",
    ),
    Key(
        "app.view-sources",
        "4",
        "app.show_view('sources')",
        "Sources",
        "app",
        "Go to the Sources view",
        show=True,
        group="views",
    ),
    Key(
        "app.view-history",
        "5",
        "app.show_view('history')",
        "History",
        "app",
        "Go to the History view (recent changes, newest first)",
        show=True,
        group="views",
    ),
    Key(
        "app.view-dashboard",
        "6",
        "app.show_view('dashboard')",
        "Dashboard",
        "app",
        "Go to the Dashboard view (charts of the pledges the filter lists, over time)",
        show=True,
        group="views",
    ),
    Key(
        "app.undo",
        "u",
        "app.undo",
        "Undo",
        "app",
        "Undo your last change (a save, a status change, a deletion or an import), even after a restart",
    ),
    Key(
        "app.redo",
        "ctrl+r",
        "app.redo",
        "Redo",
        "app",
        "Redo the change you last undid",
        display="^r",
    ),
    Key(
        "app.import",
        "i",
        "app.import_fixtures",
        "Import",
        "app",
        "Import fixture files (YAML, JSON, CSV): a dry run first, then apply on confirmation",
    ),
    Key(
        "app.export",
        "x",
        "app.export_fixtures",
        "Export",
        "app",
        "Export the ledger, or the pledges of the current filter, to a file",
    ),
    Key(
        "app.reading-date",
        "t",
        "app.choose_reading",
        "Date",
        "app",
        "Read the ledger as of a date (2025, 2025-09, 2025-09-04, or -1w, -3m ago), or as it "
        "was recorded on one; escape in that dialog returns to today",
        show=True,
    ),
    Key(
        "app.reading-earlier",
        "left_square_bracket",
        "app.step_reading(-1)",
        "Earlier",
        "app",
        "Read the ledger as of the dated change before the date read (from today: the last one)",
        display="[",
    ),
    Key(
        "app.reading-later",
        "right_square_bracket",
        "app.step_reading(1)",
        "Later",
        "app",
        "Read the ledger as of the next dated change after the date read (after the last: today)",
        display="]",
    ),
    Key(
        "app.changes",
        "D",
        "app.show_changes",
        "Changes",
        "app",
        "What changed between two dates (default: the last week), with the evidence of each change",
    ),
    Key(
        "app.reading-today",
        "T",
        "app.reading_today",
        "Today",
        "app",
        "Read the ledger as it stands today again",
    ),
    Key(
        "view.filter",
        "slash",
        "focus_filter",
        "Filter",
        "view",
        "Type a filter (applied as you type)",
        show=True,
        display="/",
    ),
    Key("view.clear", "escape", "clear_filter", "Clear", "view", "Clear the filter"),
    Key(
        "view.facets",
        "f",
        "toggle_facets",
        "Facets",
        "view",
        "Show or hide the facet sidebar (Pledges view)",
        show=True,
    ),
    Key("table.up", "up,k", "cursor_up", "Up", "table", "Move up a row", group="move"),
    Key("table.down", "down,j", "cursor_down", "Down", "table", "Move down a row", group="move"),
    Key("table.page-up", "pageup", "page_up", "Page up", "table", "Move up a page"),
    Key("table.page-down", "pagedown", "page_down", "Page down", "table", "Move down a page"),
    Key("table.first", "home,g", "first", "First", "table", "Go to the first row"),
    Key("table.last", "end,G", "last", "Last", "table", "Go to the last row"),
    Key(
        "table.open",
        "enter",
        "open",
        "Open",
        "table",
        "Open the record under the cursor",
        show=True,
    ),
    Key("table.sort-next", "o", "sort_next", "Sort", "table", "Sort by the next column", show=True),
    Key(
        "table.sort-reverse",
        "O",
        "sort_reverse",
        "Reverse",
        "table",
        "Reverse the sort order",
    ),
    Key(
        "filter.apply",
        "enter",
        "apply",
        "Results",
        "filter",
        "Apply the filter and go to the results",
        show=True,
    ),
    Key(
        "filter.cancel",
        "escape",
        "cancel",
        "Clear",
        "filter",
        "Clear the filter and go back to the results",
        show=True,
        display="esc",
    ),
    Key(
        "facets.toggle",
        "enter,space",
        "toggle_term",
        "Toggle",
        "facets",
        "Add the entry's term to the filter, or remove it",
    ),
    Key(
        "record.back",
        "escape",
        "back",
        "Back",
        "record",
        "Go back to where you came from",
        show=True,
        display="esc",
    ),
    Key(
        "record.next",
        "down,j",
        "next_link",
        "Next",
        "record",
        "Next link (or scroll down)",
        group="move",
    ),
    Key(
        "record.previous",
        "up,k",
        "previous_link",
        "Previous",
        "record",
        "Previous link (or scroll up)",
        group="move",
    ),
    Key("record.page-up", "pageup", "page_up", "Page up", "record", "Scroll a page up"),
    Key("record.page-down", "pagedown", "page_down", "Page down", "record", "Scroll a page down"),
    Key("record.top", "home,g", "top", "Top", "record", "Scroll to the top"),
    Key("record.bottom", "end,G", "bottom", "Bottom", "record", "Scroll to the bottom"),
    Key(
        "record.open", "enter", "open_link", "Follow", "record", "Open the linked record", show=True
    ),
    Key(
        "edit.new",
        "n",
        "new_record",
        "New",
        "edit",
        "New record of the view's kind (a pledge in the Pledges view, an actor in Actors, ...)",
        show=True,
        group="edit",
    ),
    Key(
        "edit.edit",
        "e",
        "edit_record",
        "Edit",
        "edit",
        "Edit the record under the cursor (or on screen)",
        show=True,
        group="edit",
    ),
    Key(
        "edit.delete",
        "d",
        "delete_record",
        "Delete",
        "edit",
        "Delete the record (asks first; refused while other records refer to it)",
        show=True,
        group="edit",
    ),
    Key(
        "edit.status",
        "s",
        "change_status",
        "Status",
        "edit",
        "Change the status of a pledge or condition: effective date, note, source; "
        "resolving a condition shows its impact first",
    ),
    Key(
        "edit.cite",
        "y",
        "cite",
        "Cite",
        "edit",
        "Copy a citation of the pledge or condition (status, as-of date, sources) to the clipboard",
    ),
    Key(
        "edit.show-citation",
        "Y",
        "show_citation",
        "Show citation",
        "edit",
        "Show the citation in a window, to select and copy it by hand "
        "(when the terminal does not take the clipboard)",
    ),
    Key(
        "form.save",
        "ctrl+s",
        "save",
        "Save",
        "form",
        "Save (forms), or carry out what the dialog offers",
        show=True,
        display="^s",
        priority=True,
    ),
    Key(
        "form.cancel",
        "escape",
        "cancel",
        "Cancel",
        "form",
        "Close the form or dialog (a form with changes asks first)",
        show=True,
        display="esc",
    ),
    Key(
        "form.next",
        "enter",
        "next_field",
        "Next",
        "form",
        "In a one-line field: go to the next field",
    ),
    Key(
        "form.tab",
        "tab",
        "app.focus_next",
        "Next field",
        "form",
        "Go to the next field",
        priority=True,
    ),
    Key(
        "form.shift-tab",
        "shift+tab",
        "app.focus_previous",
        "Previous field",
        "form",
        "Go to the previous field",
        priority=True,
    ),
    Key(
        "form.page-up",
        "pageup",
        "scroll_body('up')",
        "Page up",
        "form",
        "Scroll the form or dialog a page up",
        priority=True,
    ),
    Key(
        "form.page-down",
        "pagedown",
        "scroll_body('down')",
        "Page down",
        "form",
        "Scroll the form or dialog a page down (to the impact of a status, say)",
        priority=True,
    ),
    Key(
        "form.pick",
        "enter",
        "pick",
        "Choose",
        "form",
        "In a field with a list (actors, conditions, sources, words): choose from it, typing to "
        "search; a missing actor or source can be created there",
        show=True,
    ),
    Key(
        "form.yes",
        "y,enter",
        "yes",
        "Yes",
        "form",
        "Answer yes to the question",
        show=True,
        display="y",
    ),
    Key("form.no", "n,escape", "no", "No", "form", "Answer no", show=True, display="n"),
    Key(
        "form.undo-part",
        "p",
        "undo_part",
        "Undo the rest",
        "form",
        "Undo refused: undo only the records nobody changed since, keeping the others as they are",
        show=True,
    ),
    Key(
        "form.undo-skip",
        "s",
        "undo_skip",
        "Undo the one before",
        "form",
        "Undo refused: leave this change and undo your newest change that can be undone",
        show=True,
    ),
    Key(
        "form.reload",
        "r",
        "reload_theirs",
        "Reload theirs",
        "form",
        "Conflict: put the stored record into the form, dropping your changes",
        show=True,
    ),
    Key(
        "form.overwrite",
        "o",
        "overwrite",
        "Overwrite",
        "form",
        "Conflict: save your version over theirs, knowingly",
        show=True,
    ),
    Key(
        "form.show-pledges",
        "enter",
        "show_pledges",
        "Show them",
        "form",
        "Show exactly these pledges in the pledge table",
        show=True,
    ),
    Key(
        "form.check",
        "enter",
        "check",
        "Check",
        "form",
        "Import: check the files (a dry run that writes nothing)",
        show=True,
    ),
    Key(
        "form.import",
        "ctrl+s",
        "save",
        "Import",
        "form",
        "Import: import the checked files for real (after the dry run)",
        show=True,
        display="^s",
        priority=True,
    ),
    Key(
        "form.export",
        "ctrl+s",
        "save",
        "Export",
        "form",
        "Export: write the file",
        show=True,
        display="^s",
        priority=True,
    ),
    Key(
        "form.read",
        "enter",
        "read",
        "Read",
        "form",
        "Read the ledger at the date typed",
        show=True,
    ),
    Key(
        "form.open-record",
        "enter",
        "open_record",
        "Open",
        "form",
        "Open the record's screen",
        show=True,
    ),
    Key(
        "form.today",
        "escape",
        "today",
        "Today",
        "form",
        "Return to the ledger as it stands today",
        show=True,
        display="esc",
    ),
    Key(
        "form.close",
        "escape",
        "cancel",
        "Close",
        "form",
        "Close this window",
        show=True,
        display="esc",
    ),
    Key(
        "picker.choose",
        "enter",
        "choose",
        "Choose",
        "picker",
        "Choose the highlighted entry (in a list field: add it, or remove it if chosen)",
        show=True,
    ),
    Key(
        "picker.done",
        "ctrl+s",
        "done",
        "Done",
        "picker",
        "List fields: keep the entries chosen and go back to the form",
        show=True,
        display="^s",
        priority=True,
    ),
    Key(
        "picker.cancel",
        "escape",
        "cancel",
        "Cancel",
        "picker",
        "Go back to the form, changing nothing",
        show=True,
        display="esc",
    ),
    Key("picker.up", "up", "cursor_up", "Up", "picker", "Highlight the entry above", group="move"),
    Key(
        "picker.down",
        "down",
        "cursor_down",
        "Down",
        "picker",
        "Highlight the entry below",
        group="move",
    ),
    Key("picker.page-up", "pageup", "page_up", "Page up", "picker", "Move up a page"),
    Key("picker.page-down", "pagedown", "page_down", "Page down", "picker", "Move down a page"),
    Key(
        "dashboard.next",
        "right,l",
        "next_charts(1)",
        "More charts",
        "dashboard",
        "Show the next charts (as many as the window holds)",
        show=True,
        display="\u2192",
    ),
    Key(
        "dashboard.previous",
        "left,h",
        "next_charts(-1)",
        "Back",
        "dashboard",
        "Show the previous charts",
        display="\u2190",
    ),
    Key("help.down", "down,j", "scroll('down')", "Down", "help", "Scroll down", group="move"),
    Key("help.up", "up,k", "scroll('up')", "Up", "help", "Scroll up", group="move"),
    Key(
        "help.page-down",
        "pagedown",
        "scroll('page_down')",
        "Page down",
        "help",
        "Scroll a page down",
    ),
    Key("help.page-up", "pageup", "scroll('page_up')", "Page up", "help", "Scroll a page up"),
    Key("help.top", "home,g", "scroll('home')", "Top", "help", "Scroll to the top"),
    Key("help.bottom", "end,G", "scroll('end')", "Bottom", "help", "Scroll to the bottom"),
    Key(
        "help.close",
        "escape,question_mark",
        "close",
        "Close",
        "help",
        "Close the help",
        show=True,
        display="esc",
    ),
)

BY_NAME: dict[str, Key] = {key.name: key for key in KEYS}
#: Keys Textual provides itself, listed in the help screen so that it names every key.
BUILT_IN: tuple[tuple[str, str], ...] = (
    ("ctrl+p", "Command palette: every action, and jump to any record by key or title"),
    (
        "tab / shift+tab",
        "Move the focus between the filter, the facets and the table, or between a form's fields",
    ),
    ("right", "In a field: accept the completion shown after the cursor (paths, keys, codes)"),
    ("ctrl+c", "Copy the selected text (in the filter line, a field, or a citation window)"),
)


def binding(name: str) -> Binding:
    key = BY_NAME[name]
    return Binding(
        key.keys,
        key.action,
        key.description,
        show=key.show,
        key_display=key.display,
        id=key.name,
        priority=key.priority,
        group=_GROUPS.get(key.group or ""),
    )


def bindings(*scopes: str, without: Collection[str] = ()) -> list[BindingType]:
    """The bindings of these scopes, in order, less the keys named in ``without``, for a
    widget's or screen's ``BINDINGS``."""
    return [
        binding(key.name)
        for scope in scopes
        for key in KEYS
        if key.scope == scope and key.name not in without
    ]


def help_text(key: Key) -> str:
    return key.help or key.description


def display(key: Key) -> str:
    """How the help screen writes a key: ``up, k``, ``?``."""
    if key.display and "," not in key.keys:
        return key.display
    names = {"question_mark": "?", "slash": "/"}
    return ", ".join(names.get(k, k) for k in key.keys.split(","))
