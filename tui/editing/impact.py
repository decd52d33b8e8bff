"""The impact of resolving a condition: which dependent pledges become unconditional, which
become blocked (and, on reopening one, which become conditional again).

:class:`ImpactPanel` shows an :class:`~db.api_types.Impact` read by ``Ledger.what_if``; the status
dialog shows it live as a status is chosen, :class:`ImpactPreview` asks before a form saves a
resolved condition, and :class:`ImpactDone` offers, after the commit, to list exactly the
pledges that changed in the pledge table.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Static

from db.api_types import Brief, Impact

from .. import keys, render
from ..widgets.key_footer import KeyFooter
from ..widgets.record_parts import brief_line
from .dialogs import Dialog, LedgerDialog

#: Pledges listed per group; the rest are counted (and reachable through the jump).
SHOWN = 30
#: Above this many changed pledges the jump lists the condition's pledges instead of keys.
JUMP_KEYS = 400

#: Each group: its field of the impact, what its pledges do (said of several, then of one),
#: and its style.
_GROUPS: tuple[tuple[str, str, str, str], ...] = (
    ("becomes_unconditional", "become unconditional", "becomes unconditional", "$text-success"),
    ("becomes_blocked", "become blocked", "becomes blocked", "$text-error"),
    (
        "no_longer_blocked",
        "are no longer blocked (still held by other conditions)",
        "is no longer blocked (still held by other conditions)",
        "$text-accent",
    ),
    (
        "becomes_conditional",
        "become conditional again",
        "becomes conditional again",
        "$text-warning",
    ),
)


def shortened(query: str, width: int = 60) -> str:
    """A long ``key:a,b,c`` filter cut after a whole key, with an ellipsis."""
    if len(query) <= width:
        return query
    cut = query.rfind(",", 0, width - 1)
    return query[:cut] + ",\u2026" if cut > 0 else query[: width - 1] + "\u2026"


def jump_query(impact: Impact) -> str:
    """The filter that lists exactly the pledges whose standing the change altered."""
    keys_ = [b.key for b in impact.changed]
    if not keys_ or len(keys_) > JUMP_KEYS:
        return f"condition:{impact.condition}"
    return "key:" + ",".join(keys_)


def impact_content(impact: Impact, *, heading: bool = True) -> Any:
    """The impact as text: the groups of pledges that change, each a heading and its pledges,
    then the groups that stay empty, one line each, and the pledges that keep their standing.

    What changes comes first, without blank lines: at 80x24 the status dialog has room for
    a handful of lines under its list of statuses. ``heading`` adds the change itself
    (``condition ceasefire: pending -> met``) on top, for dialogs that do not say it already.
    """
    parts: list[Any] = []
    if heading:
        parts.append(
            render.assemble(
                ("condition ", render.MUTED),
                (impact.condition, render.KEY_STYLE),
                ": ",
                render.status(impact.current, "condition"),
                " \u2192 ",
                render.status(impact.proposed, "condition"),
            )
        )
    empty: list[str] = []
    for name, words, one, style in _GROUPS:
        briefs: list[Brief] = getattr(impact, name)
        if not briefs:
            if name not in ("no_longer_blocked", "becomes_conditional"):
                empty.append(words)
            continue
        if parts:
            parts.append(render.ui("\n"))
        said = one if len(briefs) == 1 else words
        parts.append(render.ui(f"{render.count(len(briefs), 'pledge')} {said}", f"bold {style}"))
        for brief in briefs[:SHOWN]:
            parts += [render.ui("\n  "), brief_line(brief)]
        if len(briefs) > SHOWN:
            parts.append(render.ui(f"\n  \u2026 and {len(briefs) - SHOWN:,} more", render.MUTED))
    for words in empty:
        if parts:
            parts.append(render.ui("\n"))
        parts.append(render.ui(f"0 pledges {words}", render.MUTED))
    if impact.unchanged:
        parts.append(
            render.ui(
                f"\n{render.count(len(impact.unchanged), 'other pledge')} depending on it "
                "keep their standing (held back by other conditions, or already free of them)",
                render.MUTED,
            )
        )
    if impact.closed:
        parts.append(
            render.ui(
                f"\n{render.count(len(impact.closed), 'closed pledge')} depending on it "
                "(delivered, withdrawn, broken or superseded) are not counted: nothing holds "
                "them back any more",
                render.MUTED,
            )
        )
    if not impact.changed and not impact.unchanged and not impact.closed:
        parts.append(render.ui("\nNo pledge depends on this condition.", render.MUTED))
    return render.assemble(*parts)


class ImpactPanel(Static):
    """An impact, or what is happening while it is read."""

    DEFAULT_CSS = """
    ImpactPanel {
        height: auto; padding: 0 1; border-left: thick $accent; margin: 1 0;
        text-wrap: nowrap; text-overflow: ellipsis;
    }
    """

    def __init__(self, *, heading: bool = True, **kwargs: Any) -> None:
        super().__init__(markup=False, **kwargs)
        self.impact: Impact | None = None
        self.heading = heading

    def show_impact(self, impact: Impact) -> None:
        self.impact = impact
        self.update(impact_content(impact, heading=self.heading))

    def show_reading(self, status: str) -> None:
        self.impact = None
        self.update(render.plain(f"reading what {status} would change\u2026", render.MUTED))


class ImpactRead(Message):
    def __init__(self, impact: Impact) -> None:
        self.impact = impact
        super().__init__()


class ImpactPreview(LedgerDialog[Impact | None]):
    """Before a form saves a resolved condition: what it will do. ``ctrl+s`` saves."""

    BINDINGS: ClassVar = [keys.binding("form.save"), keys.binding("form.cancel")]
    DEFAULT_CSS = """
    ImpactPreview VerticalScroll { height: auto; max-height: 60vh; }
    """

    def __init__(self, condition: str, status: str) -> None:
        super().__init__()
        self.condition = condition
        self.status = status

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                render.plain(f"Resolve condition {self.condition}: {self.status}?"),
                classes="dialog-title",
            )
            with VerticalScroll():
                yield ImpactPanel()
            yield Static(
                render.ui("ctrl+s saves the form; escape goes back to it"), classes="dialog-note"
            )
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(ImpactPanel).show_reading(self.status)
        self._read(self.condition, self.status)

    @work(thread=True, exclusive=True, group="impact", exit_on_error=False)
    def _read(self, condition: str, status: str) -> None:
        self.post_message(ImpactRead(self.ledger.what_if(condition, status)))

    @on(ImpactRead)
    def _impact(self, message: ImpactRead) -> None:
        self.query_one(ImpactPanel).show_impact(message.impact)

    def action_save(self) -> None:
        impact = self.query_one(ImpactPanel).impact
        if impact is not None:
            self.dismiss(impact)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ImpactDone(Dialog[bool]):
    """After the commit: what changed, and ``enter`` to list exactly those pledges."""

    BINDINGS: ClassVar = [keys.binding("form.show-pledges"), keys.binding("form.close")]
    DEFAULT_CSS = """
    ImpactDone > .dialog { border: round $success; }
    ImpactDone VerticalScroll { height: auto; max-height: 60vh; }
    """

    def __init__(self, title: str, impact: Impact) -> None:
        super().__init__()
        self.title_text = title
        self.impact = impact

    def compose(self) -> ComposeResult:
        count = len(self.impact.changed)
        with Vertical(classes="dialog"):
            yield Static(render.plain(self.title_text), classes="dialog-title")
            with VerticalScroll():
                yield ImpactPanel()
            yield Static(
                render.assemble(
                    render.ui("enter lists "),
                    render.ui(
                        f"exactly these {render.count(count, 'pledge')}" if count else "its pledges"
                    ),
                    render.ui(" in the pledge table ("),
                    (shortened(jump_query(self.impact)), render.KEY_STYLE),
                    render.ui("); escape closes"),
                ),
                classes="dialog-note",
            )
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(ImpactPanel).show_impact(self.impact)

    def action_show_pledges(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
