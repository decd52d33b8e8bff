"""``?``: every key, the filter language, and the vocabularies with their definitions.

Everything here is read from where it is defined (the key registry, the query parser, the
vocabularies), so the help cannot drift from what the program does.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen

from db import query, vocab
from db.vocab import RecordType
from tui.widgets.key_footer import KeyFooter

from .. import keys, render
from ..widgets.pledge_table import OVERDUE
from ..widgets.record_parts import Heading, Text
from .base import TopBar


class Row(Horizontal):
    """A name and what it means, the meaning wrapping in its own column."""

    DEFAULT_CSS = """
    Row { height: auto; }
    Row > .name { width: 20; padding-left: 2; }
    Row > .meaning { width: 1fr; }
    """

    def __init__(self, name: Any, meaning: Any) -> None:
        super().__init__()
        self.name_content = name
        self.meaning = meaning

    def compose(self) -> ComposeResult:
        yield Text(self.name_content, classes="name")
        yield Text(self.meaning, classes="meaning")


def _rows(pairs: list[tuple[str, Any]]) -> list[Row]:
    return [
        Row(
            render.plain(name, "bold $text-accent"),
            meaning if not isinstance(meaning, str) else render.plain(meaning),
        )
        for name, meaning in pairs
    ]


def _vocabulary(words: dict[str, str], record_type: RecordType | None = None) -> list[Row]:
    return [
        Row(
            render.status(word, record_type) if record_type else render.plain(word, "bold"),
            render.plain(text),
        )
        for word, text in words.items()
    ]


class HelpScreen(Screen[None]):
    BINDINGS: ClassVar = keys.bindings("help")
    DEFAULT_CSS = """
    HelpScreen #help { padding: 0 2 1 2; background: $surface; }
    """

    def compose(self) -> ComposeResult:
        yield TopBar(self.app.current_mode, [("help", "")])
        with VerticalScroll(id="help", can_focus=False):
            yield from self.sections()
        yield KeyFooter()

    def sections(self) -> ComposeResult:
        yield Heading("Keys")
        for scope, title in keys.SCOPES.items():
            scoped = [k for k in keys.KEYS if k.scope == scope]
            if scoped:
                yield Text(render.plain(title, "bold"))
                yield from _rows([(keys.display(k), keys.help_text(k)) for k in scoped])
        yield Text(render.plain("Provided by Textual", "bold"))
        yield from _rows(list(keys.BUILT_IN))
        yield Text(
            render.plain(
                "The command palette (ctrl+p) also switches the theme. Clicking a column header "
                "sorts by it; clicking it again reverses the order.",
                render.MUTED,
            )
        )

        yield Heading("The filter line")
        yield Text(
            render.paragraph(
                "Free words search the text of pledges (title, wording, notes, tags), the names "
                "of their pledger and beneficiary, and the titles of their conditions. field:value "
                "filters; several values separated by "
                "commas are alternatives (status:announced,committed); an actor with + takes in the "
                "coalitions it is a member of (pledger:FRA+: France's own pledges and those of "
                "every coalition France belongs to); - before a term negates it "
                '(-status:withdrawn); double quotes group words ("U.S. support"). All terms must '
                "hold. Dates take YYYY, YYYY-MM or YYYY-MM-DD, after <, <=, > or >= if you like "
                "(announced:>=2025-09). A malformed query is explained under the line, and the last "
                "good result stays on screen."
            )
        )
        yield from _rows(list(query.FIELDS.items()))

        yield Heading("The pledge table")
        yield from _rows(
            [
                ("Status", "the pledge's status, by word and colour (below)"),
                (
                    "Conditions",
                    "blocked: a condition failed; N pending: N are still open; met: all "
                    "resolved; dimmed on a closed pledge (delivered, withdrawn, broken, "
                    "superseded), which its conditions no longer hold back",
                ),
                ("Due " + OVERDUE, "overdue: the due date has passed and the pledge is still open"),
                ("Changed", "the date the pledge was last changed in the ledger"),
                ("\u2026", "a row still being read from the ledger"),
            ]
        )

        yield Heading("The ledger in time (t, [ and ], T, D)")
        yield from _rows(
            [
                (
                    "As of a date",
                    "every change whose date has begun by the end of that date counts, as the "
                    "ledger knows it today: one dated 2025-09 counts as of 2025-09-10 (its "
                    "status is then known only to the month) and as of 2025-09, the end of "
                    "September; write 2025, 2025-09, 2025-09-04, or -3d, -1w, -3m, -1y ago",
                ),
                (
                    "Status~",
                    "as of a date, a status whose own date is less precise than it (set in "
                    "2025-09, read as of 2025-09-10: it may have come after); the record says "
                    "since when",
                ),
                (
                    "As recorded on",
                    "only the changes recorded by then count, and an undo from when it was "
                    "recorded: what the ledger said then (a date, its end in UTC, or a time)",
                ),
                (
                    "Flags",
                    "conditional, blocked and overdue are those of then; the filter language "
                    "works unchanged; the past is read-only",
                ),
            ]
        )

        yield Heading("Pledge status")
        yield from _vocabulary(vocab.PLEDGE_STATUSES, "pledge")
        yield Heading("Derived flags (computed, never set by hand)")
        yield from _vocabulary(vocab.PLEDGE_FLAGS)
        yield Heading("Condition status")
        yield from _vocabulary(vocab.CONDITION_STATUSES, "condition")
        yield Heading("Confidence")
        yield from _vocabulary(vocab.CONFIDENCE_LEVELS)
        yield Heading("Kinds of actor")
        yield from _vocabulary(vocab.ACTOR_KINDS)
        yield Heading("Source reliability (NATO Admiralty code: the letter of B2)")
        yield from _vocabulary(vocab.RELIABILITY_CODES)
        yield Heading("Information credibility (the digit of B2)")
        yield from _vocabulary(vocab.CREDIBILITY_CODES)
        yield Heading("Suggested categories")
        yield from _vocabulary(vocab.SUGGESTED_CATEGORIES)

    def action_close(self) -> None:
        self.app.pop_screen()

    def action_scroll(self, how: str) -> None:
        body = self.query_one("#help", VerticalScroll)
        getattr(body, f"scroll_{how}")(animate=False)
