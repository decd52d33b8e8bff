"""Record screens: a pledge, a condition, an actor or a source, with links between them.

Opening a link pushes the linked record's screen on the current view's stack; ``escape`` goes
back. Each screen reads its record in a worker and rebuilds itself when the ledger changes,
keeping the focus on the same link and the same scroll position.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widget import Widget

from db import vocab
from db.api_types import ActorDetail, ConditionDetail, PledgeDetail, SourceDetail
from db.dates import coarser, precision
from db.errors import NotFoundError
from db.vocab import RecordRef, RecordType

from .. import keys, render
from ..ledger_app import reading_label
from ..messages import OpenRecord, ReadingDateChanged, ShowPledges
from ..widgets.record_parts import (
    DateLink,
    Field,
    Heading,
    Link,
    QueryLink,
    RecordLink,
    Text,
    actor_link,
    brief_links,
    source_block,
    timeline,
)
from .base import VIEWS, Crumb
from .editing import EditingScreen

#: Lines scrolled by ``j``/``k`` when no link is in view.
STEP = 3


class RecordScreen(EditingScreen):
    """The shared part of the four record screens."""

    BINDINGS: ClassVar = keys.bindings("record", "edit")
    record_type: ClassVar[RecordType]

    DEFAULT_CSS = """
    RecordScreen #record { padding: 0 1 1 1; background: $surface; }
    RecordScreen .record-title { text-style: bold; margin-top: 1; }
    RecordScreen .record-subtitle { margin-bottom: 1; }
    RecordScreen .entry { margin-top: 1; }
    RecordScreen .paragraph { padding: 0 1; }
    RecordScreen .indent { padding: 0 1; }
    """

    class Loaded(Message):
        def __init__(self, detail: Any) -> None:
            self.detail = detail
            super().__init__()

    class Missing(Message):
        def __init__(self, error: NotFoundError) -> None:
            self.error = error
            super().__init__()

    def __init__(self, key: str, view: str) -> None:
        super().__init__()
        self.key = key
        self.view = view
        self.detail: Any = None

    def trail(self) -> list[Crumb]:
        crumbs: list[Crumb] = [(VIEWS.get(self.view, self.view), "")]
        for screen in self.app.screen_stack:
            if isinstance(screen, RecordScreen):
                crumbs.append((screen.record_type, screen.key))
        if not isinstance(self.app.screen, RecordScreen) or self.app.screen is not self:
            crumbs.append((self.record_type, self.key))
        return crumbs

    def compose(self) -> ComposeResult:
        yield from self.compose_top()
        # The body scrolls but never takes the focus: up and down go from link to link.
        with VerticalScroll(id="record", can_focus=False):
            yield Text(render.plain("loading\u2026", render.MUTED))
        yield from self.compose_bottom()

    @property
    def body(self) -> VerticalScroll:
        return self.query_one("#record", VerticalScroll)

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        self._read(self.key)

    @work(thread=True, exclusive=True, group="record", exit_on_error=False)
    def _read(self, key: str) -> None:
        try:
            detail = self.fetch(key)
        except NotFoundError as error:
            self.post_message(self.Missing(error))
            return
        self.post_message(self.Loaded(detail))

    def fetch(self, key: str) -> Any:
        """Read the record (runs in a worker thread: ledger calls only, no widgets)."""
        raise NotImplementedError

    def build(self, detail: Any) -> list[Widget]:
        raise NotImplementedError

    @on(Loaded)
    async def _loaded(self, message: Loaded) -> None:
        focused = self.focused.identity if isinstance(self.focused, Link) else None
        position = self._link_position()
        scroll_y = self.body.scroll_y
        self.detail = message.detail
        with self.app.batch_update():
            await self.body.remove_children()
            await self.body.mount_all(self.build(message.detail))
        self.body.scroll_to(y=scroll_y, animate=False, immediate=True)
        self._restore_focus(focused, position)

    @on(Missing)
    async def _missing(self, message: Missing) -> None:
        await self.body.remove_children()
        await self.body.mount(
            Text(
                render.assemble(
                    (str(message.error), "bold $text-warning"),
                    render.ui("\n\nIt may have been deleted by someone else. "),
                    render.ui("escape", "bold"),
                    render.ui(" goes back."),
                ),
                classes="record-title",
            )
        )

    def _link_position(self) -> int | None:
        links = list(self.query(Link))
        return links.index(self.focused) if self.focused in links else None

    def _restore_focus(self, identity: tuple[str, str] | None, position: int | None) -> None:
        links = list(self.query(Link))
        if not links:
            return
        if identity is not None:
            for link in links:
                if link.identity == identity:
                    link.focus(scroll_visible=False)
                    return
        if position is not None:
            links[min(position, len(links) - 1)].focus(scroll_visible=False)

    # -- editing -------------------------------------------------------------------------------

    def recorded(self, version: int, updated_at: str) -> Any:
        """The record's version and last change; as of a past date, which reading it is."""
        reading = self.app.reading
        if not reading.is_present:
            return render.plain(
                f"read {reading_label(reading)}; this state recorded "
                f"{render.timestamp(updated_at)}",
                render.MUTED,
            )
        return render.plain(
            f"version {version}, last changed {render.timestamp(updated_at)}", render.MUTED
        )

    def current_record(self) -> RecordRef | None:
        return (self.record_type, self.key)

    def show_record(self, record_type: RecordType, key: str, *, created: bool) -> None:
        if (record_type, key) == (self.record_type, self.key):
            self.reload()

    def record_deleted(self, record_type: RecordType, key: str) -> None:
        if (record_type, key) == (self.record_type, self.key) and self.is_active:
            self.app.pop_screen()

    # -- keys ----------------------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_next_link(self) -> None:
        self._step(+1)

    def action_previous_link(self) -> None:
        self._step(-1)

    def _step(self, direction: int) -> None:
        """Focus the next link in view, or scroll a little towards it when none is in view."""
        links = list(self.query(Link))
        current = self.focused if isinstance(self.focused, Link) else None
        if current in links:
            index = links.index(current)
            candidates = links[index + 1 :] if direction > 0 else links[:index][::-1]
        else:
            candidates = links if direction > 0 else links[::-1]
        view = self.body.region
        for link in candidates:
            if link.region.overlaps(view):
                link.focus()
                return
            break
        self.body.scroll_relative(y=STEP * direction, animate=False)

    def action_page_up(self) -> None:
        self.body.scroll_page_up(animate=False)

    def action_page_down(self) -> None:
        self.body.scroll_page_down(animate=False)

    def action_top(self) -> None:
        self.body.scroll_home(animate=False)

    def action_bottom(self) -> None:
        self.body.scroll_end(animate=False)

    def action_open_link(self) -> None:
        if isinstance(self.focused, Link):
            self.focused.follow()

    @on(RecordLink.Followed)
    def _follow(self, message: RecordLink.Followed) -> None:
        self.post_message(OpenRecord(message.record_type, message.key))

    @on(QueryLink.Filter)
    def _filter(self, message: QueryLink.Filter) -> None:
        self.post_message(ShowPledges(message.text))

    @on(DateLink.Chosen)
    def _read_as_of(self, message: DateLink.Chosen) -> None:
        self.post_message(ReadingDateChanged(message.date, self.app.reading.known_on))


def _title(text: str, subtitle: Any) -> list[Widget]:
    return [
        Text(render.plain(text, "bold"), classes="record-title"),
        Text(subtitle, classes="record-subtitle"),
    ]


def _dash(value: object) -> Any:
    return (
        render.plain(value) if value not in (None, "", []) else render.plain("\u2014", render.MUTED)
    )


def _described(word: str | None, words: dict[str, str], record_type: RecordType = "pledge") -> Any:
    if not word:
        return _dash(None)
    return render.assemble(
        render.status(word, record_type), ("  " + words.get(word, ""), render.MUTED)
    )


def _status(
    word: str, words: dict[str, str], since: str | None, as_of: str | None, record_type: RecordType
) -> Any:
    """A status with the date it was set (as given), marked when that date is less precise
    than the date the ledger is read as of (it may have come after), and what it means."""
    if not since:
        return _described(word, words, record_type)
    coarse = as_of is not None and coarser(precision(since), precision(as_of))
    return render.assemble(
        render.status(word, record_type),
        (f"  since {since}", ""),
        (f", known only to the {precision(since)}", "$text-warning") if coarse else None,
        ("  " + words.get(word, ""), render.MUTED),
    )


class PledgeScreen(RecordScreen):
    record_type = "pledge"

    def fetch(self, key: str) -> PledgeDetail:
        ledger = self.ledger
        detail = ledger.pledge(key)
        # Its conditions' changes, interleaved with its own in its timeline.
        related = [e for c in detail.conditions for e in ledger.history("condition", c.key)]
        return dataclasses.replace(detail, history=[*detail.history, *related])

    def build(self, detail: PledgeDetail) -> list[Widget]:
        p = detail.pledge
        flags = [
            flag
            for flag, on_ in (
                ("conditional", detail.conditional),
                ("blocked", detail.blocked),
                ("overdue", detail.overdue),
            )
            if on_
        ]
        subtitle = render.assemble(
            ("pledge ", render.MUTED),
            (p.key, render.KEY_STYLE),
            "  ",
            render.status(p.status),
            *[(f"  {flag}", "bold $text-warning") for flag in flags],
        )
        amount = None
        if p.amount is not None or p.delivered is not None:
            pledged = _quantity(p.amount, p.unit)
            delivered = _quantity(p.delivered, p.unit)
            amount = f"{pledged} pledged, {delivered} delivered"
        unmet_statuses = vocab.OPEN_CONDITION_STATUSES | vocab.FAILED_CONDITION_STATUSES
        unmet = {b.key: "unmet" for b in detail.conditions if b.status in unmet_statuses}
        widgets: list[Widget] = [
            *_title(p.title, subtitle),
            Field("Pledger", actor_link(p.pledger, detail.pledger_name)),
            Field("Beneficiary", actor_link(p.beneficiary, detail.beneficiary_name)),
            Field("Category", _dash(p.category)),
            Field(
                "Status",
                _status(
                    p.status,
                    vocab.PLEDGE_STATUSES,
                    detail.status_since,
                    self.ledger.reading_at.as_of,
                    "pledge",
                ),
            ),
            Field("Announced", _dash(p.announced)),
            Field(
                "Due",
                render.assemble(
                    p.due or "\u2014", ("  overdue", "bold $text-error") if detail.overdue else None
                ),
            ),
            Field("Amount", _dash(amount)),
            Field("Confidence", _described(p.confidence, vocab.CONFIDENCE_LEVELS)),
            Field("Tags", _dash(", ".join(p.tags))),
            Field("Recorded", self.recorded(detail.version, detail.updated_at)),
        ]
        if p.text:
            widgets += [Heading("Wording"), Text(render.paragraph(p.text), classes="paragraph")]
        if p.notes:
            widgets += [Heading("Notes"), Text(render.paragraph(p.notes), classes="paragraph")]
        open_count = len(unmet)
        widgets.append(Heading(f"Conditions ({len(detail.conditions):,}, {open_count:,} unmet)"))
        widgets += brief_links(detail.conditions, marks=unmet)
        widgets.append(Heading(f"Sources ({len(detail.sources):,})"))
        widgets += [
            RecordLink("source", s.key, source_block(s)) for s in detail.sources
        ] or brief_links([])
        widgets.append(Heading("Supersedes (older pledges it replaces)"))
        widgets += brief_links(detail.supersedes_chain)
        widgets.append(Heading("Superseded by (newer pledges that replace it)"))
        widgets += brief_links(detail.superseded_by)
        widgets += timeline(detail.history, of=("pledge", p.key))
        return widgets


class ConditionScreen(RecordScreen):
    record_type = "condition"

    def fetch(self, key: str) -> ConditionDetail:
        return self.ledger.condition(key)

    def build(self, detail: ConditionDetail) -> list[Widget]:
        c = detail.condition
        dependents = (
            len(detail.hinges_on_this)
            + len(detail.also_held_by_others)
            + len(detail.unconditional)
            + len(detail.closed)
        )
        subtitle = render.assemble(
            ("condition ", render.MUTED),
            (c.key, render.KEY_STYLE),
            "  ",
            render.status(c.status, "condition"),
        )
        query = f"condition:{c.key}"
        widgets: list[Widget] = [
            *_title(c.title, subtitle),
            Field(
                "Status",
                _status(
                    c.status,
                    vocab.CONDITION_STATUSES,
                    detail.status_since,
                    self.ledger.reading_at.as_of,
                    "condition",
                ),
            ),
            Field("Responsible", actor_link(c.responsible, detail.responsible_name)),
            Field("Resolved", _dash(c.resolved)),
            Field("Recorded", self.recorded(detail.version, detail.updated_at)),
        ]
        if c.description:
            widgets += [
                Heading("Description"),
                Text(render.paragraph(c.description), classes="paragraph"),
            ]
        widgets.append(Heading(f"Dependent pledges ({dependents:,})"))
        if dependents:
            widgets.append(
                QueryLink(
                    query,
                    render.assemble(
                        ("show them in the pledge table: ", render.MUTED), (query, render.KEY_STYLE)
                    ),
                )
            )
        widgets.append(Heading(f"Hinges on this condition alone ({len(detail.hinges_on_this):,})"))
        widgets += brief_links(detail.hinges_on_this, more_query=query)
        widgets.append(
            Heading(f"Also held back by other conditions ({len(detail.also_held_by_others):,})")
        )
        widgets += brief_links(detail.also_held_by_others, more_query=query)
        widgets.append(Heading(f"Unconditional now ({len(detail.unconditional):,})"))
        widgets += brief_links(detail.unconditional, more_query=query)
        if detail.closed:
            # Closed pledges have no flags: listed apart, so none is counted as held back.
            widgets.append(
                Heading(
                    f"Closed: delivered, withdrawn, broken, superseded ({len(detail.closed):,})"
                )
            )
            closed = f"{query} status:{','.join(sorted(vocab.CLOSED_PLEDGE_STATUSES))}"
            widgets += brief_links(detail.closed, more_query=closed)
        widgets.append(Heading(f"Sources ({len(detail.sources):,})"))
        widgets += [
            RecordLink("source", s.key, source_block(s)) for s in detail.sources
        ] or brief_links([])
        widgets += timeline(detail.history)
        return widgets


class ActorScreen(RecordScreen):
    record_type = "actor"

    def fetch(self, key: str) -> ActorDetail:
        return self.ledger.actor(key)

    def build(self, detail: ActorDetail) -> list[Widget]:
        a = detail.actor
        subtitle = render.assemble(
            ("actor ", render.MUTED), (a.code, render.KEY_STYLE), "  ", (a.kind, "")
        )
        made = sum(len(b) for b in detail.pledges_by_status.values())
        widgets: list[Widget] = [
            *_title(a.name, subtitle),
            Field("Kind", _described(a.kind, vocab.ACTOR_KINDS)),
            Field("Also known as", _dash(", ".join(a.aliases))),
        ]
        if a.kind == "person" or a.affiliation:
            widgets.append(Field("Speaks for", actor_link(a.affiliation, None)))
        widgets.append(
            Field(
                "Recorded",
                render.plain(
                    f"version {detail.version}, last changed {render.timestamp(detail.updated_at)}",
                    render.MUTED,
                ),
            )
        )
        widgets.append(Heading(f"Pledges made, by status ({made:,})"))
        if not detail.pledges_by_status:
            widgets += brief_links([])
        for status, briefs in detail.pledges_by_status.items():
            widgets.append(
                Text(render.assemble(render.status(status), f" ({len(briefs):,})"), classes="entry")
            )
            widgets += brief_links(briefs, more_query=f"pledger:{a.code} status:{status}")
        widgets.append(Heading(f"Pledges received ({len(detail.received):,})"))
        widgets += brief_links(detail.received, more_query=f"beneficiary:{a.code}")
        if a.kind == "coalition" or detail.members:
            widgets.append(Heading(f"Coalition members ({len(detail.members):,})"))
            widgets += brief_links(detail.members)
        widgets.append(Heading(f"Member of ({len(detail.member_of):,})"))
        widgets += brief_links(detail.member_of)
        widgets.append(Heading(f"Speakers ({len(detail.speakers):,})"))
        widgets += brief_links(detail.speakers)
        widgets.append(Heading(f"Responsible for conditions ({len(detail.responsible_for):,})"))
        widgets += brief_links(detail.responsible_for)
        widgets += timeline(detail.history)
        return widgets


class SourceScreen(RecordScreen):
    record_type = "source"

    def fetch(self, key: str) -> SourceDetail:
        return self.ledger.source(key)

    def build(self, detail: SourceDetail) -> list[Widget]:
        s = detail.source
        subtitle = render.assemble(("source ", render.MUTED), (s.key, render.KEY_STYLE))
        reliability, credibility = (
            render.assemble((code, "bold"), ("  " + words.get(code, ""), render.MUTED))
            if code
            else _dash(None)
            for code, words in (
                (s.reliability, vocab.RELIABILITY_CODES),
                (s.credibility, vocab.CREDIBILITY_CODES),
            )
        )
        widgets: list[Widget] = [
            *_title(s.title, subtitle),
            Field("Publisher", _dash(s.publisher)),
            Field("Published", _dash(s.published)),
            Field("URL", _dash(s.url)),
            Field("Reliability", reliability),
            Field("Credibility", credibility),
            Field("Recorded", self.recorded(detail.version, detail.updated_at)),
        ]
        if s.excerpt:
            widgets += [
                Heading("Excerpt"),
                Text(render.paragraph(s.excerpt, "italic"), classes="paragraph"),
            ]
        widgets.append(Heading(f"Cited by ({len(detail.cited_by):,})"))
        widgets += brief_links(detail.cited_by, more_query=f"source:{s.key}")
        widgets.append(Heading(f"Evidence for ({len(detail.evidence_for):,} changes)"))
        for entry in detail.evidence_for[:50]:
            line = render.assemble(
                (f"{entry.record_type} ", render.MUTED),
                (entry.record_key, render.KEY_STYLE),
                "  ",
                render.change_summary(entry.changes, 80),
                render.ui("\n") if entry.note else None,
                (render.one_line(entry.note, 120), render.MUTED) if entry.note else None,
            )
            when = render.assemble((entry.effective or "(no date)", "bold"), "  ")
            widgets.append(RecordLink(entry.record_type, entry.record_key, line, lead=when))
        if not detail.evidence_for:
            widgets += brief_links([])
        widgets += timeline(detail.history)
        return widgets


SCREENS: dict[RecordType, type[RecordScreen]] = {
    "pledge": PledgeScreen,
    "condition": ConditionScreen,
    "actor": ActorScreen,
    "source": SourceScreen,
}


def _quantity(value: object, unit: str | None) -> str:
    """``1,600,000,000 GBP``. A record the schemas refuse (a 10 kB title written by another
    tool) is shown as stored, its amount as the text it is: grouped if it is a number."""
    if value is None:
        return "\u2014"
    try:
        number = f"{Decimal(str(value)):,}"
    except (InvalidOperation, ValueError):
        number = str(value)
    return f"{number} {unit}" if unit else number
