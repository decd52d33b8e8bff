"""The pieces record screens are built from: headings, field rows, paragraphs, and links.

A link is a focusable line (or block) that names another record; ``enter`` or a click follows
it. Every piece takes plain record text and renders it through :mod:`tui.render`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from db.api_types import Brief, ChangeEntry
from db.vocab import RecordRef, RecordType, admiralty_code, admiralty_meaning

from .. import render

#: How many records a section lists before it offers the rest as a filtered pledge table.
SECTION_LIMIT = 50
LABEL_WIDTH = 13


class Text(Static):
    """Record text: never markup."""

    DEFAULT_CSS = """
    Text.-apart { color: $foreground-muted; }
    """

    def __init__(self, content: Content | str, *, classes: str | None = None) -> None:
        if isinstance(content, str):
            content = render.plain(content)
        super().__init__(content, markup=False, classes=classes)


class Heading(Text):
    DEFAULT_CSS = """
    Heading { margin-top: 1; color: $text-accent; text-style: bold; }
    """


class Hanging(Horizontal):
    """A line that wraps with a hanging indent: ``lead`` (a status, a date, a field's name)
    in a column of its own, and ``body`` wrapped beside it, so that every wrapped line starts
    under the body's first word and the lead column stays clear for the eye to run down."""

    DEFAULT_CSS = """
    Hanging { height: auto; }
    Hanging > .lead { width: auto; }
    Hanging > .body { width: 1fr; height: auto; }
    """

    def __init__(
        self, lead: Content | str, body: Content | str, *, classes: str | None = None
    ) -> None:
        super().__init__(classes=classes)
        self.lead = lead
        self.body = body

    def compose(self) -> ComposeResult:
        yield Text(self.lead, classes="lead")
        yield Text(self.body, classes="body")


class Link(Widget, can_focus=True):
    """A line that leads somewhere when followed (enter or a click): another record's screen
    (:class:`RecordLink`) or the pledge table filtered (:class:`QueryLink`).

    With a ``lead`` (a status word), the lead stands in a column of its own and the rest wraps
    beside it (:class:`Hanging`)."""

    DEFAULT_CSS = """
    Link { height: auto; padding: 0 1; }
    Link:hover { background: $boost; }
    /* Reverse video keeps every span readable: a coloured key becomes a coloured block. */
    Link:focus > Text, Link:focus > Hanging > Text { text-style: bold reverse; }
    """

    def __init__(self, content: Content, *, lead: Content | None = None) -> None:
        super().__init__()
        self.content = content
        self.lead = lead

    def compose(self) -> ComposeResult:
        if self.lead is None:
            yield Text(self.content)
        else:
            yield Hanging(self.lead, self.content)

    @property
    def identity(self) -> tuple[str, str]:
        """What the link leads to, to find the same link again after a refresh."""
        raise NotImplementedError

    def follow(self) -> None:
        raise NotImplementedError

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.focus()
        self.follow()


class RecordLink(Link):
    """A line naming another record; following it opens that record's screen."""

    class Followed(Message):
        def __init__(self, record_type: RecordType, key: str) -> None:
            self.record_type = record_type
            self.key = key
            super().__init__()

    def __init__(
        self, record_type: RecordType, key: str, content: Content, *, lead: Content | None = None
    ) -> None:
        super().__init__(content, lead=lead)
        self.record_type: RecordType = record_type
        self.key = key

    @property
    def identity(self) -> tuple[str, str]:
        return (self.record_type, self.key)

    def follow(self) -> None:
        self.post_message(self.Followed(self.record_type, self.key))


class QueryLink(Link):
    """A link to the pledge table filtered by a query (``pledger:FRA status:committed``)."""

    class Filter(Message):
        def __init__(self, text: str) -> None:
            self.text = text
            super().__init__()

    def __init__(self, query: str, content: Content) -> None:
        super().__init__(content)
        self.filter_text = query

    @property
    def identity(self) -> tuple[str, str]:
        return ("query", self.filter_text)

    def follow(self) -> None:
        self.post_message(self.Filter(self.filter_text))


class DateLink(Link):
    """A line that reads the whole ledger as of a date (a change's date in a timeline)."""

    class Chosen(Message):
        def __init__(self, date: str) -> None:
            self.date = date
            super().__init__()

    def __init__(self, date: str, content: Content) -> None:
        super().__init__(content)
        self.date = date

    @property
    def identity(self) -> tuple[str, str]:
        return ("date", self.date)

    def follow(self) -> None:
        self.post_message(self.Chosen(self.date))


class Field(Horizontal):
    """``Label       value``: the value is text or a link."""

    DEFAULT_CSS = """
    Field { height: auto; }
    Field > .field-label { width: 14; color: $foreground-muted; }
    Field > .field-value { width: 1fr; height: auto; }
    Field > RecordLink { width: 1fr; padding: 0; }
    """

    def __init__(self, label: str, value: Content | Widget) -> None:
        super().__init__()
        self.label = label
        self.value = value

    def compose(self) -> ComposeResult:
        yield Text(self.label, classes="field-label")
        if isinstance(self.value, Widget):
            yield self.value
        else:
            yield Text(self.value, classes="field-value")


def brief_status(brief: Brief) -> Content:
    """A brief's status in a column as wide as the longest status word of pledges and
    conditions, so that lists of either (and lists that mix them) line up, and
    ``partially_met`` never touches the key."""
    status = brief.status or ""
    return render.assemble(
        (
            render.status_cell(status, render.status_width()) if status else "",
            render.status_style(status, brief.record_type),
        )
    )


def brief_line(brief: Brief, *, mark: str = "") -> Content:
    """``committed      fra-reassurance-force  Deploy a reassurance force``: the status
    (:func:`brief_status`) and the rest (:func:`brief_body`) on one line of text."""
    return render.assemble(brief_status(brief), brief_body(brief, mark=mark))


def brief_body(brief: Brief, *, mark: str = "") -> Content:
    """A brief's key and title, and its mark (``becomes blocked``)."""
    return render.assemble(
        (brief.key, render.KEY_STYLE),
        "  ",
        brief.title,
        (f"  {mark}", "bold $text-warning") if mark else None,
    )


def brief_links(
    briefs: Sequence[Brief], *, more_query: str | None = None, marks: dict[str, str] | None = None
) -> list[Widget]:
    """Links to ``briefs`` (at most :data:`SECTION_LIMIT`; the rest as a filtered table)."""
    if not briefs:
        return [Text(render.plain("none", render.MUTED), classes="indent")]
    widgets: list[Widget] = [
        RecordLink(
            b.record_type,
            b.key,
            brief_body(b, mark=(marks or {}).get(b.key, "")),
            lead=brief_status(b),
        )
        for b in briefs[:SECTION_LIMIT]
    ]
    rest = len(briefs) - SECTION_LIMIT
    if rest > 0:
        if more_query:
            widgets.append(
                QueryLink(
                    more_query,
                    render.assemble(
                        (f"\u2026 and {rest:,} more: show all in the pledge table ", render.MUTED),
                        (more_query, render.KEY_STYLE),
                    ),
                )
            )
        else:
            widgets.append(Text(render.plain(f"\u2026 and {rest:,} more", render.MUTED)))
    return widgets


def actor_link(code: str | None, name: str | None) -> Widget:
    if not code:
        return Text(render.plain("\u2014", render.MUTED), classes="field-value")
    return RecordLink("actor", code, render.assemble((code, render.KEY_STYLE), "  ", name or ""))


def source_block(source: Any) -> Content:
    """A source as a link block: key and title, publisher and date, URL, excerpt."""
    details = " \u00b7 ".join(
        part
        for part in (
            source.publisher and render.one_line(source.publisher),
            source.published,
            source.reliability
            and f"graded {admiralty_code(source.reliability, source.credibility)} "
            f"({admiralty_meaning(source.reliability, source.credibility)})",
        )
        if part
    )
    return render.assemble(
        (source.key, render.KEY_STYLE),
        "  ",
        (source.title, "bold"),
        render.ui("\n") if details else None,
        (details, render.MUTED) if details else None,
        render.ui("\n") if source.url else None,
        (source.url, "underline") if source.url else None,
        render.ui("\n") if source.excerpt else None,
        render.paragraph("\u201c" + source.excerpt + "\u201d", "italic")
        if source.excerpt
        else None,
    )


def timeline(entries: Iterable[ChangeEntry], *, of: RecordRef | None = None) -> list[Widget]:
    """A record's change history under its heading, in the order the changes happened in the
    world: when, when it was recorded and by whom, what changed, the note, a link to the
    source, and a link that reads the whole ledger as of that date. Entries of other records
    than ``of`` (a pledge's conditions) are interleaved, each named.

    Only the entries that stand are its history. Undone changes and the undos themselves are
    listed apart, after it, dimmed and marked, so that an undone status change never reads as
    evidence."""
    entries = sorted(entries, key=lambda entry: entry.effective_order)
    standing = [e for e in entries if e.stands]
    apart = [e for e in entries if not e.stands]
    widgets: list[Widget] = [Heading(f"History ({len(standing):,})")]
    for entry in standing:
        if of is not None and (entry.record_type, entry.record_key) != of:
            widgets.append(
                Text(
                    render.assemble(
                        (f"{entry.record_type} ", render.LABEL_STYLE),
                        (entry.record_key, render.KEY_STYLE),
                    )
                )
            )
        widgets += _entry_widgets(entry)
        day = entry.effective
        if day is not None:
            widgets.append(
                DateLink(
                    day,
                    render.assemble(
                        ("    read the ledger as of ", render.MUTED), (day, "bold"), " ⏎"
                    ),
                )
            )
    if not standing:
        widgets.append(Text(render.plain("no recorded changes", render.MUTED)))
    if apart:
        widgets.append(Heading(f"Undone, and the undos ({len(apart):,}): not part of the history"))
        for entry in apart:
            widgets += _entry_widgets(entry, apart=True)
    return widgets


def _entry_widgets(entry: ChangeEntry, *, apart: bool = False) -> list[Widget]:
    """An entry as rows that wrap with a hanging indent: the date, then what changed field by
    field, the note and the source, each under its own label."""
    if entry.batch_kind == "undo":
        mark = "  undo of an earlier change"
    elif entry.undone:
        mark = "  undone"
    else:
        mark = ""
    header: list[Any] = [
        (entry.action, render.KEY_STYLE),
        (mark, "bold " + render.MUTED),
        (f"   recorded {render.timestamp(entry.recorded_at)} by ", render.MUTED),
        (entry.author, render.MUTED),
    ]
    if entry.batch_label:
        header.append((f"  ({render.one_line(entry.batch_label, 80)})", render.MUTED))
    rows: list[Widget] = [
        Hanging(
            render.assemble((entry.effective or "(no date)", "bold"), "  "),
            render.assemble(*header),
        )
    ]
    rows += [
        Hanging(
            render.assemble(("    " + name + ": ", render.LABEL_STYLE)),
            render.change(old, new, 120),
        )
        for name, (old, new) in entry.changes.items()
    ]
    if entry.note:
        rows.append(
            Hanging(render.ui("    note: ", render.LABEL_STYLE), render.paragraph(entry.note))
        )
    widgets: list[Widget] = [Entry(*rows, classes="entry -apart" if apart else "entry")]
    if entry.source:
        widgets.append(
            RecordLink(
                "source",
                entry.source,
                render.assemble((entry.source, render.KEY_STYLE)),
                lead=render.ui("    source: ", render.LABEL_STYLE),
            )
        )
    return widgets


class Entry(Vertical):
    """One change of a record's history: its rows (:func:`timeline`)."""

    DEFAULT_CSS = """
    Entry { height: auto; }
    Entry.-apart Text { color: $foreground-muted; }
    """
