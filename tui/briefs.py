"""The brief (:mod:`db.briefing`) as Markdown and as a self-contained HTML page.

Every text from the ledger goes through the one rule for untrusted text
(:func:`tui.render.visible`: control and bidi characters made visible), and then through the
format's own escaping: Markdown's punctuation is escaped with backslashes (a title holding
``[pending U.S. support]`` or ``<script>`` stays text in any renderer), HTML's by
:func:`html.escape`. URLs become links only when they are ``http`` or ``https``.
"""

from __future__ import annotations

import html as html_module
import re
from collections.abc import Iterator

from db.api_types import ChangeEntry
from db.briefing import Brief, Line, SourceNote
from tui.render import visible

#: Markdown's punctuation, and an underscore unless it is inside a word (``in_progress``).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*\[\]<>|#~!]|(?<!\w)_|_(?!\w))")
_SAFE_URL = re.compile(r"https?://[^\s<>\"']+\Z", re.IGNORECASE)


def is_web_url(url: str | None) -> bool:
    """Whether ``url`` may become a link: ``http`` or ``https`` and nothing that could end the
    attribute (a ``javascript:`` or ``data:`` URL is shown as text)."""
    return bool(url and _SAFE_URL.match(url))


def md(text: object) -> str:
    """Ledger text as Markdown that shows it as it is."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", visible(str(text)))


def _title(brief: Brief) -> str:
    return f"Brief: after {brief.since}, to {brief.until}"


def _scope(brief: Brief) -> str:
    what = f"pledges matching {brief.query}" if brief.query else "all pledges"
    known = f"as recorded on {brief.known_on}" if brief.known_on else "as recorded now"
    return f"{what}, {known}; written on {brief.written_on} by {brief.author}"


def _status(line: Line) -> str:
    if line.status is None:
        return ""
    old, new = line.status
    if old is None:
        return f"{new}"
    if new is None:
        return f"{old} \u2192 deleted"
    return f"{old} \u2192 {new}"


def _evidence_parts(entries: list[ChangeEntry], numbers: dict[str, int]) -> Iterator[str]:
    """``"note" [n] 2025-09, recorded by ana on 2026-01-07`` (Markdown) for each entry."""
    for entry in entries:
        bits = []
        if entry.note:
            bits.append(f"\u201c{md(entry.note)}\u201d")
        if entry.source:
            bits.append(f"[{numbers[entry.source]}]")  # no link of that name: stays as it is
        when = entry.effective or entry.recorded_at[:10]
        bits.append(md(f"{when}, recorded by {entry.author} on {entry.recorded_at[:10]}"))
        yield " ".join(bits)


def _numbers(brief: Brief) -> dict[str, int]:
    return {key: number for number, key in enumerate(brief.sources, 1)}


def _sections(brief: Brief) -> list[tuple[str, list[tuple[Line, list[Line], list[Line]]]]]:
    """The sections in order: heading, and per line its freed and blocked pledges."""
    found: list[tuple[str, list[tuple[Line, list[Line], list[Line]]]]] = []
    if brief.resolved:
        found.append(("Conditions", [(r.line, r.freed, r.blocked) for r in brief.resolved]))
    for code, (name, lines) in brief.by_pledger.items():
        heading = f"Status changes: {name} ({code})" if name != code else f"Status changes: {code}"
        found.append((heading, [(line, [], []) for line in lines]))
    if brief.new:
        found.append(("New pledges", [(line, [], []) for line in brief.new]))
    if brief.withdrawn:
        found.append(("Withdrawn", [(line, [], []) for line in brief.withdrawn]))
    if brief.overdue:
        found.append(("Newly overdue", [(line, [], []) for line in brief.overdue]))
    return found


# -- Markdown ------------------------------------------------------------------------------


def markdown(brief: Brief) -> str:
    numbers = _numbers(brief)
    out = [f"# {md(_title(brief))}", "", md(_scope(brief)), "", f"**{md(brief.summary())}.**", ""]
    if brief.empty:
        out += ["Nothing changed in this window.", ""]
    for heading, lines in _sections(brief):
        out += [f"## {md(heading)}", ""]
        for line, freed, blocked in lines:
            out.append(f"- {_md_line(line, numbers)}")
            for entry in _evidence_parts(line.evidence, numbers):
                out.append(f"  - {entry}")
            for label, pledges in (("Freed", freed), ("Blocked", blocked)):
                if pledges:
                    named = ", ".join(f"{md(p.title)} (`{md(p.key)}`)" for p in pledges)
                    out.append(f"  - {label}: {named}")
        out.append("")
    if brief.sources:
        out += ["## Sources", ""]
        for key, number in numbers.items():
            out.append(f"{number}. {_md_source(brief.sources[key])}")
        out.append("")
    return "\n".join(out)


def _md_line(line: Line, numbers: dict[str, int]) -> str:
    text = f"**{md(line.title)}** (`{md(line.key)}`)"
    status = _status(line)
    if status:
        text += f": {md(status)}"
    if line.due and not line.status:
        text += f", due {md(line.due)}"
    own = [numbers[k] for k in line.cites if not any(e.source == k for e in line.evidence)]
    if own:
        text += " " + " ".join(f"[{n}]" for n in own)
    return text


def _md_source(source: SourceNote) -> str:
    parts = [md(source.title)]
    if source.publisher:
        parts.append(md(source.publisher))
    if source.published:
        parts.append(md(source.published))
    text = ", ".join(parts) + f" (`{md(source.key)}`)"
    if is_web_url(source.url):
        text += f" <{source.url}>"
    elif source.url:
        text += f" {md(source.url)}"
    return text


# -- HTML ----------------------------------------------------------------------------------

_STYLE = """
body { font: 15px/1.5 system-ui, sans-serif; max-width: 52em; margin: 2em auto; padding: 0 1em;
  color: #1b1b1b; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; } h2 { font-size: 1.15em; margin-top: 1.6em;
  border-bottom: 1px solid #ccc; }
.scope { color: #555; } .summary { font-weight: 600; }
code { font-size: 0.9em; background: #f2f2f2; padding: 0 0.2em; }
.evidence { color: #444; font-size: 0.93em; list-style: circle; }
.status { font-weight: 600; }
@media print { body { margin: 0; max-width: none; } a { color: inherit; }
  a[href]::after { content: " (" attr(href) ")"; font-size: 0.85em; } h2 { break-after: avoid; } }
"""


def h(text: object) -> str:
    """Ledger text as HTML text."""
    return html_module.escape(visible(str(text)), quote=True)


def html(brief: Brief) -> str:
    numbers = _numbers(brief)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{h(_title(brief))}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{h(_title(brief))}</h1>",
        f'<p class="scope">{h(_scope(brief))}</p>',
        f'<p class="summary">{h(brief.summary())}.</p>',
    ]
    if brief.empty:
        out.append("<p>Nothing changed in this window.</p>")
    for heading, lines in _sections(brief):
        out += [f"<h2>{h(heading)}</h2>", "<ul>"]
        for line, freed, blocked in lines:
            out.append(f"<li>{_html_line(line, numbers)}")
            items = [f"<li>{_html_evidence(entry, numbers)}</li>" for entry in line.evidence]
            for label, pledges in (("Freed", freed), ("Blocked", blocked)):
                if pledges:
                    named = ", ".join(f"{h(p.title)} (<code>{h(p.key)}</code>)" for p in pledges)
                    items.append(f"<li>{label}: {named}</li>")
            if items:
                out.append('<ul class="evidence">' + "".join(items) + "</ul>")
            out.append("</li>")
        out.append("</ul>")
    if brief.sources:
        out += ["<h2>Sources</h2>", "<ol>"]
        for key in numbers:
            out.append(f'<li id="source-{h(key)}">{_html_source(brief.sources[key])}</li>')
        out.append("</ol>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _html_line(line: Line, numbers: dict[str, int]) -> str:
    text = f"<strong>{h(line.title)}</strong> (<code>{h(line.key)}</code>)"
    status = _status(line)
    if status:
        text += f': <span class="status">{h(status)}</span>'
    if line.due and not line.status:
        text += f", due {h(line.due)}"
    own = [k for k in line.cites if not any(e.source == k for e in line.evidence)]
    text += "".join(f' <a href="#source-{h(k)}">[{numbers[k]}]</a>' for k in own)
    return text


def _html_evidence(entry: ChangeEntry, numbers: dict[str, int]) -> str:
    bits = []
    if entry.note:
        bits.append(f"\u201c{h(entry.note)}\u201d")
    if entry.source:
        number = numbers[entry.source]
        bits.append(f'<a href="#source-{h(entry.source)}">[{number}]</a>')
    when = entry.effective or entry.recorded_at[:10]
    bits.append(f"{h(when)}, recorded by {h(entry.author)} on {h(entry.recorded_at[:10])}")
    return " ".join(bits)


def _html_source(source: SourceNote) -> str:
    parts = [h(source.title)]
    if is_web_url(source.url):
        parts = [f'<a href="{h(source.url)}">{h(source.title)}</a>']
    if source.publisher:
        parts.append(h(source.publisher))
    if source.published:
        parts.append(h(source.published))
    text = ", ".join(parts) + f" (<code>{h(source.key)}</code>)"
    if source.url and not is_web_url(source.url):
        text += f" {h(source.url)}"
    return text
